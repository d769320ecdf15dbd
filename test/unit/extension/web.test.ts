/**
 * VS Code for the Web: the `browser` stub, the web entry and its Web Worker must not reach Node. They are bundled
 * here with esbuild.mjs's options for them, with Node's globals defined to a marker so that any free use of them
 * shows, and the module requests are read from esbuild's metafile.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const NODE_GLOBALS = ['process', 'Buffer', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate', 'require.resolve'];
const MARK = '__NODE_GLOBAL__';

/** Node built-ins a browser build reaches: module requests and free uses of Node globals. */
async function nodeUses(options: esbuild.BuildOptions): Promise<string[]> {
  const define = Object.fromEntries(NODE_GLOBALS.map((g) => [g, `${MARK}.${g.replace('.', '_')}`]));
  let r: esbuild.BuildResult & { outputFiles: esbuild.OutputFile[]; metafile: esbuild.Metafile };
  try {
    r = await esbuild.build({ ...options, minify: false, sourcemap: false, write: false, metafile: true, logLevel: 'silent', define, outfile: undefined, outdir: 'out/web-check' });
  } catch (e) {
    // platform 'browser' refuses to resolve a Node built-in: that is a finding too
    return ((e as { errors?: esbuild.Message[] }).errors ?? []).map((m) => m.text);
  }
  const found: string[] = [];
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  for (const [file, input] of Object.entries(r.metafile.inputs)) {
    for (const imp of input.imports) if (builtins.has(imp.path) || (imp.external && imp.path !== 'vscode')) found.push(`${file} imports ${imp.path}`);
  }
  for (const out of r.outputFiles) {
    // A line that first asks `typeof process` (lezer's debug flag) is guarded: it runs in a browser too.
    for (const line of out.text.split('\n')) {
      for (const m of line.matchAll(new RegExp(`${MARK}\\.(\\w+)`, 'g'))) if (!line.includes(`typeof ${MARK}.${m[1]}`)) found.push(`${path.basename(out.path)} uses ${m[1]}: ${line.trim().slice(0, 120)}`);
    }
    for (const m of out.text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) if (m[1] !== 'vscode') found.push(`${path.basename(out.path)} requires ${m[1]}`);
  }
  return [...new Set(found)];
}

describe('web bundle: no Node built-ins', function () {
  this.timeout(60000);
  let webEntries: esbuild.BuildOptions[] = [];
  before(async () => {
    ({ webEntries } = await import(pathToFileURL(path.resolve('esbuild.mjs')).href));
  });
  it('esbuild.mjs names the web side: the browser stub, the web entry and its Web Worker', () => {
    const sources = webEntries.flatMap((e) => e.entryPoints as string[]).sort();
    assert.deepEqual(sources, ['src/extension/extension.web.ts', 'src/extension/main.web.ts', 'src/extension/worker.web.ts']);
    assert.equal(webEntries[0].outfile, 'dist/web/extension.js');
    for (const e of webEntries) assert.equal(e.platform, 'browser');
  });
  it('package.json has a browser entry beside main, and the .vsix ships both stubs and the shared modules', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.browser, './dist/web/extension.js');
    assert.equal(pkg.capabilities.virtualWorkspaces, true);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    const ignore = fs.readFileSync('.vscodeignore', 'utf8').split('\n');
    for (const keep of ['!dist/extension.js', '!dist/web/extension.js', '!dist/esm/**/*.js', '!dist/esm/package.json']) assert.ok(ignore.includes(keep), `.vscodeignore keeps ${keep}`);
  });
  it('neither bundle imports a Node module or uses process, Buffer, __dirname, global, setImmediate', async () => {
    for (const e of webEntries) assert.deepEqual(await nodeUses(e), [], String(e.entryPoints));
  });
  it('the check finds a Node import and a free process or Buffer (it can fail)', async () => {
    const stdin = (contents: string): esbuild.BuildOptions => ({ ...webEntries[0], entryPoints: undefined, stdin: { contents, resolveDir: path.resolve('src/extension'), loader: 'ts' } });
    assert.notDeepEqual(await nodeUses(stdin("import * as p from 'node:path'; export const x = p.sep;")), []);
    assert.match((await nodeUses(stdin('export const x = process.env.HOME;'))).join(), /uses process/);
    assert.match((await nodeUses(stdin("export const x = Buffer.from('a');"))).join(), /uses Buffer/);
    assert.deepEqual(await nodeUses(stdin('export const x = (globalThis as { Buffer?: unknown }).Buffer;')), [], 'a globalThis lookup is browser-safe');
    assert.deepEqual(await nodeUses(stdin("export const x = typeof process != 'undefined' && process.env.LOG;")), [], 'so is a typeof guard');
    // the Node platform module must never be reached from the web entry
    assert.notDeepEqual(await nodeUses(stdin("export { nodePlatform } from './platform.node';")), []);
  });
});
