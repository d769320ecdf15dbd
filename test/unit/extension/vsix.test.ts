/**
 * scripts/vsix-recompress.mjs (npm run package, after vsce): the .vsix re-deflated with Zopfli keeps every entry's
 * name, order and bytes, reads back with yauzl (the unzip VS Code installs a .vsix with), and is smaller. The input
 * is a zip written by yazl, the zip writer vsce uses (data descriptors, UTF-8 names), so the test sees vsce's layout.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Entry { name: Buffer; method: number; packed: Buffer; size: number; crc: number }
interface Recompress {
  recompress(zip: Buffer, iterations?: number): Promise<Buffer>;
  readZip(zip: Buffer): Entry[];
}
/* eslint-disable @typescript-eslint/no-require-imports */
const yazl = require('yazl') as { ZipFile: new () => { addBuffer(b: Buffer, name: string, o?: { compress?: boolean; mtime?: Date }): void; end(): void; outputStream: NodeJS.ReadableStream } };
const yauzl = require('yauzl') as { fromBuffer(b: Buffer, o: { lazyEntries: boolean }, cb: (e: Error | null, z: YauzlZip) => void): void };
/* eslint-enable @typescript-eslint/no-require-imports */
interface YauzlEntry { fileName: string; compressionMethod: number }
interface YauzlZip { readEntry(): void; on(ev: 'entry', f: (e: YauzlEntry) => void): void; on(ev: 'end' | 'error', f: (e?: Error) => void): void; openReadStream(e: YauzlEntry, cb: (err: Error | null, s: NodeJS.ReadableStream) => void): void }

/** A zip as vsce writes one (yazl, deflate unless told otherwise). */
function yazlZip(files: [string, Buffer, boolean][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data, compress] of files) zip.addBuffer(data, name, { compress, mtime: new Date(2026, 0, 2, 3, 4, 6) });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** Every entry's name and bytes, as yauzl reads them (it checks sizes; CRCs are checked by contentOf in the script). */
function yauzlRead(zip: Buffer): Promise<[string, Buffer, number][]> {
  return new Promise((resolve, reject) => {
    const out: [string, Buffer, number][] = [];
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
      if (err) return reject(err);
      z.on('error', reject);
      z.on('end', () => resolve(out));
      z.on('entry', (e) => z.openReadStream(e, (err2, s) => {
        if (err2) return reject(err2);
        const cs: Buffer[] = [];
        s.on('data', (c: Buffer) => cs.push(c));
        s.on('end', () => { out.push([e.fileName, Buffer.concat(cs), e.compressionMethod]); z.readEntry(); });
      }));
      z.readEntry();
    });
  });
}

describe('vsix-recompress (Zopfli re-deflate of the packaged .vsix)', function () {
  this.timeout(60000);
  let mod: Recompress;
  before(async () => { mod = await import(pathToFileURL(path.resolve('scripts/vsix-recompress.mjs')).href) as Recompress; });
  const text = fs.readFileSync('README.md');
  const code = fs.readFileSync('src/extension/panel.ts');
  const random = crypto.randomBytes(3000); // incompressible: yazl stores it bigger than it is deflated, or as is
  const files: [string, Buffer, boolean][] = [['extension.vsixmanifest', Buffer.from('<?xml version="1.0"?><x/>'), true], ['extension/readme.md', text, true], ['extension/dist/ünïcode.js', code, true], ['extension/media/icon.bin', random, false], ['extension/empty.txt', Buffer.alloc(0), true]];

  it('same names, order and bytes, read back by yauzl, and smaller', async () => {
    const before = await yazlZip(files);
    const after = await mod.recompress(before, 1);
    const read = await yauzlRead(after);
    assert.deepEqual(read.map(([n]) => n), files.map(([n]) => n));
    for (const [i, [, data]] of files.entries()) assert.ok(read[i][1].equals(data), `${files[i][0]}: bytes differ`);
    assert.ok(after.length < before.length, `${after.length} B is not smaller than yazl's ${before.length} B`);
    // a stored entry that deflate cannot shrink stays stored
    assert.equal(read[3][2], 0, 'the incompressible entry is stored');
  });
  it('refuses a zip whose entry does not match its CRC-32, instead of writing it', async () => {
    const zip = await yazlZip(files.slice(0, 2));
    const e = mod.readZip(zip)[1];
    const bad = Buffer.from(zip);
    const at = bad.indexOf(e.packed);
    bad[at + 10] ^= 0xff;
    await assert.rejects(mod.recompress(bad, 1), /readme\.md: |invalid|incorrect/);
  });
});
