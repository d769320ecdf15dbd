/**
 * Extension startup cost and sizes: `require('dist/extension.js')` and `await activate()` timed in fresh Node
 * processes with a stand-in `vscode` module (every API call returns a callable stand-in), side by side with the
 * baseline layout (the same entry bundled into one CommonJS file, as before the core was split into shared and
 * lazily loaded chunks), plus the sizes of the bundles and of dist/loss-inspector.vsix. The real activation inside
 * VS Code (code-server) is printed by test/e2e/run-all.sh; this one isolates our own code from the editor's.
 * Run: node esbuild.mjs [--production] && node esbuild.mjs --bench && node out/bench/extension.js [runs] [--before DIR]
 * --before DIR: another checkout's production build (DIR/dist), measured in the same run, alternating process by
 * process with this one, for a before/after ratio on the same load.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const repo = path.resolve(__dirname, '../..');
const bundle = path.join(repo, 'dist/extension.js');
/** The baseline: src/extension/extension.ts as one CommonJS bundle, built by main() with dist's minification. */
const baseline = path.join(repo, 'out/bench/baseline/extension.js');

/** A stand-in for any vscode API value: callable, constructible, every property another stand-in. */
function standIn(name: string): unknown {
  const cache = new Map<PropertyKey, unknown>();
  const target = function () { /* stand-in */ };
  return new Proxy(target, {
    get(_t, p) {
      if (p === Symbol.toPrimitive || p === 'toString') return () => name;
      if (p === 'then') return undefined; // not a promise
      if (p === Symbol.iterator) return function* () { /* empty */ };
      if (p === 'version') return '1.139.1';
      if (!cache.has(p)) cache.set(p, standIn(`${name}.${String(p)}`));
      return cache.get(p);
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`) as object,
    set: () => true, // assignments (status.name = ...) are accepted and forgotten
  });
}

/** Top-level names of the `vscode` module, from @types/vscode (esbuild's ESM interop copies own names only). */
function vscodeNames(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts', { paths: [repo] }), 'utf8');
  return [...new Set([...dts.matchAll(/^\texport (?:class|enum|namespace|const|let|function) (\w+)/gm)].map((m) => m[1]))];
}

/** The providers activation registered, for the first CodeLens and hover after it. */
const providers: { hover: { provideHover(...a: unknown[]): unknown }[]; lens?: { provideCodeLenses(...a: unknown[]): unknown[]; resolveCodeLens(l: unknown): unknown } } = { hover: [] };

/**
 * The `vscode` module stand-in: the real top-level names, each a stand-in, except what the first CodeLens and hover
 * need to be real: configuration defaults, the hover and CodeLens registrations, and the classes they construct.
 */
function vscodeModule(root: string): unknown {
  const names = vscodeNames();
  const mod = standIn('vscode') as Record<string, unknown>;
  // Real file URIs: the stub import()s the module at Uri.joinPath(extensionUri, ...)
  const Uri = { ...fileUri(root), joinPath: (base: { fsPath: string }, ...parts: string[]) => fileUri(path.join(base.fsPath, ...parts)), file: fileUri, parse: (s: string) => ({ toString: () => s }) };
  const languages = new Proxy(mod.languages as object, {
    get: (t, p) => {
      if (p === 'registerHoverProvider') return (_s: unknown, h: (typeof providers.hover)[number]) => { providers.hover.push(h); return standIn('disposable'); };
      if (p === 'registerCodeLensProvider') return (_s: unknown, l: typeof providers.lens) => { providers.lens = l; return standIn('disposable'); };
      return Reflect.get(t, p);
    },
  });
  const workspace = new Proxy(mod.workspace as object, {
    get: (t, p) => (p === 'getConfiguration' ? () => ({ get: (_k: string, d: unknown) => d }) : Reflect.get(t, p)),
  });
  class Plain { args: unknown[]; constructor(...args: unknown[]) { this.args = args; } }
  class CodeLens { constructor(public range: unknown) {} }
  const real: Record<string, unknown> = { Uri, languages, workspace, CodeLens, Range: Plain, Position: Plain, Hover: Plain, MarkdownString: Plain };
  return new Proxy(mod, {
    get: (t, p) => (typeof p === 'string' && p in real ? real[p] : Reflect.get(t, p)),
    ownKeys: () => [...names, 'prototype'],
    getOwnPropertyDescriptor: (_t, p) => (p === 'prototype' ? Reflect.getOwnPropertyDescriptor(_t, p) : { configurable: true, enumerable: true, value: typeof p === 'string' && p in real ? real[p] : mod[p as string] }),
  });
}

/**
 * What follows activation when a Python file opens: its CodeLenses (provided and resolved, as the editor does for the
 * visible ones) on examples/seed.py, then a hover on a loss name. Code activation did not load is loaded here.
 */
async function firstUse(): Promise<{ lensMs: number; lenses: number; hoverMs: number; hoverChars: number }> {
  const text = fs.readFileSync(path.join(repo, 'examples/seed.py'), 'utf8');
  const lines = text.split('\n');
  const doc = { uri: { toString: () => 'file:///ws/seed.py', fsPath: '/ws/seed.py' }, languageId: 'python', version: 1, lineCount: lines.length, getText: () => text, lineAt: (i: number) => ({ text: lines[i], range: { end: { line: i, character: lines[i].length } } }) };
  const token = { isCancellationRequested: false, onCancellationRequested: () => standIn('disposable') };
  if (!providers.lens || !providers.hover.length) throw new Error('activation registered no CodeLens or hover provider');
  let t = performance.now();
  const lenses = await providers.lens.provideCodeLenses(doc, token);
  for (const l of lenses) await providers.lens.resolveCodeLens(l);
  const lensMs = performance.now() - t;
  const line = lines.findIndex((l) => l.includes('CategoricalCrossentropy('));
  t = performance.now();
  // every hover provider, as the editor asks them all (the loss docs and the result hover)
  const position = { line, character: lines[line].indexOf('CategoricalCrossentropy') + 3 };
  const hovers = await Promise.all(providers.hover.map((h) => h.provideHover(doc, position, token))) as ({ args: [{ args: [string] }] } | undefined)[];
  const hoverMs = performance.now() - t;
  return { lensMs, lenses: lenses.length, hoverMs, hoverChars: hovers.reduce((n, h) => n + (h?.args[0].args[0].length ?? 0), 0) };
}

/** A file Uri's few members that our activation uses. */
function fileUri(fsPath: string): { fsPath: string; toString(): string } {
  return { fsPath, toString: () => pathToFileURL(fsPath).href };
}

/** One measurement of `file`, in this (fresh) process. */
async function child(file: string): Promise<void> {
  // the checkout the entry belongs to (dist/extension.js → its root), whose dist/esm the stub loads
  const root = path.resolve(path.dirname(file), '..');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as { _load: (req: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  const vscode = vscodeModule(root);
  Module._load = function (req: string, ...rest: unknown[]) { return req === 'vscode' ? vscode : load.call(this, req, ...rest); };
  const memo = new Map<string, unknown>();
  const state = { get: (k: string, d?: unknown) => (memo.has(k) ? memo.get(k) : d), update: async (k: string, v: unknown) => { memo.set(k, v); }, keys: () => [...memo.keys()] };
  const context = {
    subscriptions: [] as unknown[], extensionPath: root, extensionUri: fileUri(root),
    workspaceState: state, globalState: { ...state, setKeysForSync() { /* none */ } },
    asAbsolutePath: (p: string) => path.join(root, p), logUri: standIn('logUri'), storageUri: undefined, globalStorageUri: standIn('globalStorageUri'),
    extensionMode: 1, extension: standIn('extension'), secrets: standIn('secrets'), environmentVariableCollection: standIn('env'),
  };
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(file) as { activate(c: unknown): unknown };
  const t1 = performance.now();
  await ext.activate(context);
  const t2 = performance.now();
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  const first = file.includes('baseline') ? null : await firstUse();
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, subscriptions: context.subscriptions.length, heapMiB, ...first }));
}

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
function kib(p: string): string {
  if (!fs.existsSync(p)) return 'absent';
  const b = fs.readFileSync(p);
  return `${(b.length / 1024).toFixed(1)} KiB (gzip ${(zlib.gzipSync(b).length / 1024).toFixed(1)} KiB)`;
}

type Sample = { requireMs: number; activateMs: number; subscriptions: number; heapMiB: number; lensMs?: number; lenses?: number; hoverMs?: number; hoverChars?: number };

/** `runs` fresh processes per file, the files taking turns (so load changes hit every layout alike). */
function measureAll(files: string[], runs: number): Sample[][] | null {
  const samples: Sample[][] = files.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, file] of files.entries()) {
      const r = spawnSync(process.execPath, [__filename, '--child', file], { encoding: 'utf8', timeout: 60000 });
      if (r.status !== 0) { console.log(`child failed (${file}): ${r.stderr.slice(0, 2000)}`); process.exitCode = 1; return null; }
      samples[k].push(JSON.parse(r.stdout));
    }
  }
  return samples;
}

/** The ES-module files a module loads before it runs: its static imports, transitively (dynamic import() excluded). */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = fs.readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) staticClosure(path.join(path.dirname(file), m[1]), seen);
  return seen;
}

function totalKib(files: string[]): string {
  const b = Buffer.concat(files.map((f) => fs.readFileSync(f)));
  return `${(b.length / 1024).toFixed(1)} KiB (gzip ${(zlib.gzipSync(b).length / 1024).toFixed(1)} KiB)`;
}

async function main(): Promise<void> {
  if (!fs.existsSync(bundle)) { console.log(`${bundle} not found: run node esbuild.mjs first`); process.exitCode = 1; return; }
  const args = process.argv.slice(2);
  const bi = args.indexOf('--before');
  const beforeDir = bi >= 0 ? path.resolve(args[bi + 1]) : null;
  if (bi >= 0) args.splice(bi, 2);
  const runs = Number(args[0] ?? 9);
  const beforeBundle = beforeDir && path.join(beforeDir, 'dist/extension.js');
  if (beforeBundle && !fs.existsSync(beforeBundle)) { console.log(`${beforeBundle} not found: build that checkout first`); process.exitCode = 1; return; }
  const minified = !fs.existsSync(path.join(repo, 'dist/esm/node/extension.js.map'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  await esbuild.build({ entryPoints: [path.join(repo, 'src/extension/extension.ts')], outfile: baseline, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], minify: minified, logLevel: 'error' });
  const measured = measureAll(beforeBundle ? [bundle, baseline, beforeBundle] : [bundle, baseline], runs);
  if (!measured) return;
  const [ours, base, before] = measured;
  const total = (s: Sample) => s.requireMs + s.activateMs;
  console.log(`activation (require + await activate), ${minified ? 'production, minified' : 'development build'}, ${runs} fresh processes each, node ${process.version}, stand-in vscode:`);
  console.log('layout                               require ms  activate ms  total ms (min)   heap MiB');
  const layouts: [string, Sample[]][] = [['dist/extension.js (shared chunks)', ours], ['baseline: one CommonJS bundle', base]];
  if (before) layouts.push([`before: ${path.relative(process.cwd(), beforeDir!) || beforeDir}`, before]);
  for (const [name, xs] of layouts) {
    console.log(`${name.padEnd(36)} ${median(xs.map((x) => x.requireMs)).toFixed(1).padStart(10)} ${median(xs.map((x) => x.activateMs)).toFixed(1).padStart(12)} ${median(xs.map(total)).toFixed(1).padStart(9)} (${Math.min(...xs.map(total)).toFixed(1)}) ${median(xs.map((x) => x.heapMiB)).toFixed(1).padStart(9)}`);
  }
  console.log(`  ratio baseline/ours (total, median): ${(median(base.map(total)) / median(ours.map(total))).toFixed(2)}×; ${ours[0].subscriptions} disposables registered`);
  if (before) console.log(`  ratio ours/before (total, median): ${(median(ours.map(total)) / median(before.map(total))).toFixed(2)}×, min ${(Math.min(...ours.map(total)) / Math.min(...before.map(total))).toFixed(2)}×`);
  console.log('then, in the same processes: the first CodeLens of examples/seed.py (provided and resolved) and the first hover (CategoricalCrossentropy)');
  for (const [name, xs] of layouts.filter(([, xs]) => xs[0].lensMs !== undefined)) {
    console.log(`${name.padEnd(36)} CodeLens ${median(xs.map((x) => x.lensMs!)).toFixed(1).padStart(6)} ms (${xs[0].lenses} lenses)   hover ${median(xs.map((x) => x.hoverMs!)).toFixed(1).padStart(6)} ms (${xs[0].hoverChars} chars)   activation + both ${median(xs.map((x) => total(x) + x.lensMs! + x.hoverMs!)).toFixed(1).padStart(6)} ms`);
  }
  for (const [label, root] of beforeDir ? [['this build', repo], ['before', beforeDir]] : [['this build', repo]]) sizes(label, root);
}

function sizes(label: string, root: string): void {
  const esmDir = path.join(root, 'dist/esm');
  const bundle = path.join(root, 'dist/extension.js');
  const all = fs.readdirSync(esmDir, { recursive: true }).map(String).filter((f) => f.endsWith('.js')).map((f) => path.join(esmDir, f));
  const atActivation = [bundle, ...staticClosure(path.join(esmDir, 'node/extension.js'))];
  const webAtActivation = [path.join(root, 'dist/web/extension.js'), ...staticClosure(path.join(esmDir, 'web/extension.js'))];
  const workerFiles = [...staticClosure(path.join(esmDir, 'node/worker.js'))];
  console.log(`sizes, ${label} (dist/esm holds the modules the Node entry, the web entry and both workers share):`);
  console.log(`  Node: loaded at activation         ${totalKib(atActivation)}  (${atActivation.length} files${root === repo ? `; baseline one bundle ${kib(baseline)}` : ''})`);
  console.log(`  Node: loaded on first use          ${totalKib(all.filter((f) => !atActivation.includes(f) && !f.includes('/web/')))}`);
  console.log(`  worker, beyond the shared chunks   ${totalKib(workerFiles.filter((f) => !atActivation.includes(f)))}`);
  console.log(`  web: loaded at activation          ${totalKib(webAtActivation)}`);
  console.log(`  everything both hosts run          ${totalKib([bundle, path.join(root, 'dist/web/extension.js'), ...all])}  (${all.length} modules in dist/esm)`);
  for (const f of ['dist/webview.js', 'dist/cli.js', 'dist/loss-inspector.vsix']) console.log(`  ${f.padEnd(34)} ${kib(path.join(root, f))}`);
  vsixReport(path.join(root, 'dist/loss-inspector.vsix'));
}

/** Issue 15's goal for the package: the .vsix under 400 KB (decimal; vsce prints KiB as "KB"). */
const VSIX_GOAL = 400_000;

/** The .vsix against VSIX_GOAL, and what takes its room: the entries by compressed size, from the zip's central directory. */
function vsixReport(file: string): void {
  if (!fs.existsSync(file)) { console.log('  .vsix: absent (npm run package builds it)'); return; }
  const zip = fs.readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries: { name: string; packed: number; size: number }[] = [];
  for (let p = zip.readUInt32LE(eocd + 16), n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
    const nameLen = zip.readUInt16LE(p + 28);
    entries.push({ name: zip.toString('utf8', p + 46, p + 46 + nameLen), packed: zip.readUInt32LE(p + 20), size: zip.readUInt32LE(p + 24) });
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  const packed = entries.reduce((s, e) => s + e.packed, 0);
  const verdict = zip.length < VSIX_GOAL ? `goal met, ${VSIX_GOAL - zip.length} B to spare` : `GOAL NOT MET, ${zip.length - VSIX_GOAL} B over`;
  console.log(`  .vsix ${zip.length} B against the goal < ${VSIX_GOAL} B (issue 15): ${verdict}; ${entries.length} entries, ${packed} B compressed data + ${zip.length - packed} B zip headers`);
  const esm = entries.filter((e) => e.name.startsWith('extension/dist/esm/'));
  const rows = [...entries.filter((e) => !esm.includes(e)), { name: `extension/dist/esm/ (${esm.length} files)`, packed: esm.reduce((s, e) => s + e.packed, 0), size: esm.reduce((s, e) => s + e.size, 0) }];
  for (const e of rows.sort((a, b) => b.packed - a.packed).slice(0, 8)) console.log(`    ${e.name.padEnd(40)} ${String(e.packed).padStart(7)} B compressed (${e.size} B)`);
}

if (process.argv.includes('--child')) void child(process.argv[process.argv.indexOf('--child') + 1]); else void main();
