// Recompresses a .vsix (a zip) with Zopfli: the same entries, names, dates and bytes, in the same order, each
// stored as a standard deflate stream (method 8, what VS Code's unzip reads) that Zopfli's exhaustive search makes
// about 4% smaller than zlib's, which vsce uses. The content does not change; the download does (issue 15's
// package weight). Every entry is read back and compared with the original before the file is replaced.
// Usage: node scripts/vsix-recompress.mjs dist/loss-inspector.vsix   (npm run package runs it after vsce)
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { deflateAsync } from '@gfx/zopfli';

/** Zopfli's passes over each entry: 5 keeps `npm run package` within seconds and gets all but ~1 KB of what 15 get. */
const ITERATIONS = 5;

/** The entries of a zip from its central directory: name, method, dates, attributes, and the raw (compressed) data. */
export function readZip(zip) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const entries = [];
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const nameLen = zip.readUInt16LE(p + 28), extraLen = zip.readUInt16LE(p + 30), commentLen = zip.readUInt16LE(p + 32);
    const e = {
      madeBy: zip.readUInt16LE(p + 4), needed: zip.readUInt16LE(p + 6), flags: zip.readUInt16LE(p + 8), method: zip.readUInt16LE(p + 10),
      time: zip.readUInt16LE(p + 12), date: zip.readUInt16LE(p + 14), crc: zip.readUInt32LE(p + 16),
      packedSize: zip.readUInt32LE(p + 20), size: zip.readUInt32LE(p + 24),
      internalAttr: zip.readUInt16LE(p + 36), externalAttr: zip.readUInt32LE(p + 38),
      name: zip.subarray(p + 46, p + 46 + nameLen),
    };
    const local = zip.readUInt32LE(p + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${e.name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    e.packed = zip.subarray(start, start + e.packedSize);
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** An entry's bytes, checked against its CRC-32. */
export function contentOf(e) {
  const data = e.method === 0 ? e.packed : e.method === 8 ? zlib.inflateRawSync(e.packed) : null;
  if (!data) throw new Error(`${e.name}: compression method ${e.method} is neither stored nor deflate`);
  if (data.length !== e.size || zlib.crc32(data) !== e.crc) throw new Error(`${e.name}: content does not match its size or CRC-32`);
  return data;
}

/** A zip of `entries` (sizes in the local headers, no data descriptors, no extra fields). */
export function writeZip(entries) {
  const parts = [], central = [];
  let offset = 0;
  for (const e of entries) {
    const flags = e.flags & ~0x0008; // sizes are known: no data descriptor
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(e.needed, 4); local.writeUInt16LE(flags, 6); local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(e.time, 10); local.writeUInt16LE(e.date, 12); local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.packed.length, 18); local.writeUInt32LE(e.size, 22); local.writeUInt16LE(e.name.length, 26); local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0); cd.writeUInt16LE(e.madeBy, 4); cd.writeUInt16LE(e.needed, 6); cd.writeUInt16LE(flags, 8); cd.writeUInt16LE(e.method, 10);
    cd.writeUInt16LE(e.time, 12); cd.writeUInt16LE(e.date, 14); cd.writeUInt32LE(e.crc, 16); cd.writeUInt32LE(e.packed.length, 20); cd.writeUInt32LE(e.size, 24);
    cd.writeUInt16LE(e.name.length, 28); cd.writeUInt16LE(e.internalAttr, 36); cd.writeUInt32LE(e.externalAttr, 38); cd.writeUInt32LE(offset, 42);
    parts.push(local, e.name, e.packed);
    central.push(cd, e.name);
    offset += local.length + e.name.length + e.packed.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/** `zip` with every entry deflated by Zopfli where that is smaller; throws unless every entry reads back the same. */
export async function recompress(zip, iterations = ITERATIONS) {
  const entries = readZip(zip);
  const out = [];
  for (const e of entries) {
    const data = contentOf(e);
    const z = Buffer.from(await deflateAsync(data, { numiterations: iterations }));
    out.push(z.length < e.packed.length && z.length < data.length ? { ...e, method: 8, packed: z } : e);
  }
  const result = writeZip(out);
  const back = readZip(result);
  if (back.length !== entries.length) throw new Error('recompressed zip lost entries');
  for (const [i, e] of entries.entries()) {
    if (!back[i].name.equals(e.name) || !contentOf(back[i]).equals(contentOf(e))) throw new Error(`${e.name}: differs after recompression`);
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) { console.error('usage: node scripts/vsix-recompress.mjs FILE.vsix'); process.exit(2); }
  const before = fs.readFileSync(file);
  const after = await recompress(before);
  fs.writeFileSync(file, after);
  console.log(`vsix-recompress: ${file} ${before.length} → ${after.length} B (Zopfli, ${ITERATIONS} iterations; same ${readZip(after).length} entries)`);
}
