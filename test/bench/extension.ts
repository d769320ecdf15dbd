/**
 * Extension startup cost and sizes: `require('dist/extension.js')` and `activate()` timed in fresh Node
 * processes with a stand-in `vscode` module (every API call returns a callable stand-in), plus the sizes of the
 * bundles and of dist/loss-inspector.vsix. The real activation inside VS Code (code-server) is printed by
 * test/e2e/run-all.sh; this one isolates our own code from the editor's.
 * Run: node esbuild.mjs [--production] && node esbuild.mjs --bench && node out/bench/extension.js [runs]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';

const repo = path.resolve(__dirname, '../..');
const bundle = path.join(repo, 'dist/extension.js');

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
  });
}

/** Top-level names of the `vscode` module, from @types/vscode (esbuild's ESM interop copies own names only). */
function vscodeNames(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts', { paths: [repo] }), 'utf8');
  return [...new Set([...dts.matchAll(/^\texport (?:class|enum|namespace|const|let|function) (\w+)/gm)].map((m) => m[1]))];
}

/** The `vscode` module stand-in: the real top-level names, each a stand-in. */
function vscodeModule(): unknown {
  const names = vscodeNames();
  const mod = standIn('vscode') as Record<string, unknown>;
  return new Proxy(mod, {
    ownKeys: () => [...names, 'prototype'],
    getOwnPropertyDescriptor: (_t, p) => (p === 'prototype' ? Reflect.getOwnPropertyDescriptor(_t, p) : { configurable: true, enumerable: true, value: mod[p as string] }),
  });
}

/** One measurement, in this (fresh) process. */
function child(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as { _load: (req: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  const vscode = vscodeModule();
  Module._load = function (req: string, ...rest: unknown[]) { return req === 'vscode' ? vscode : load.call(this, req, ...rest); };
  const memo = new Map<string, unknown>();
  const state = { get: (k: string, d?: unknown) => (memo.has(k) ? memo.get(k) : d), update: async (k: string, v: unknown) => { memo.set(k, v); }, keys: () => [...memo.keys()] };
  const context = {
    subscriptions: [] as unknown[], extensionPath: repo, extensionUri: standIn('extensionUri'),
    workspaceState: state, globalState: { ...state, setKeysForSync() { /* none */ } },
    asAbsolutePath: (p: string) => path.join(repo, p), logUri: standIn('logUri'), storageUri: undefined, globalStorageUri: standIn('globalStorageUri'),
    extensionMode: 1, extension: standIn('extension'), secrets: standIn('secrets'), environmentVariableCollection: standIn('env'),
  };
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(bundle) as { activate(c: unknown): unknown };
  const t1 = performance.now();
  ext.activate(context);
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, subscriptions: context.subscriptions.length, heapMiB: process.memoryUsage().heapUsed / 2 ** 20 }));
}

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
function kib(p: string): string {
  if (!fs.existsSync(p)) return 'absent';
  const b = fs.readFileSync(p);
  return `${(b.length / 1024).toFixed(1)} KiB (gzip ${(zlib.gzipSync(b).length / 1024).toFixed(1)} KiB)`;
}

function main(): void {
  if (!fs.existsSync(bundle)) { console.log(`${bundle} not found: run node esbuild.mjs first`); process.exitCode = 1; return; }
  const runs = Number(process.argv[2] ?? 7);
  const samples: { requireMs: number; activateMs: number; subscriptions: number; heapMiB: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [__filename, '--child'], { encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) { console.log(`child failed: ${r.stderr.slice(0, 2000)}`); process.exitCode = 1; return; }
    samples.push(JSON.parse(r.stdout));
  }
  const minified = !/sourceMappingURL/.test(fs.readFileSync(bundle, 'utf8').slice(-300));
  console.log(`dist/extension.js (${minified ? 'production, minified' : 'development build'}), ${runs} fresh processes, node ${process.version}, stand-in vscode:`);
  console.log(`  require  median ${median(samples.map((s) => s.requireMs)).toFixed(1)} ms  (min ${Math.min(...samples.map((s) => s.requireMs)).toFixed(1)})`);
  console.log(`  activate median ${median(samples.map((s) => s.activateMs)).toFixed(1)} ms  (min ${Math.min(...samples.map((s) => s.activateMs)).toFixed(1)}), ${samples[0].subscriptions} disposables registered`);
  console.log(`  heap after activate ${median(samples.map((s) => s.heapMiB)).toFixed(1)} MiB`);
  console.log('sizes:');
  for (const f of ['dist/extension.js', 'dist/worker.js', 'dist/webview.js', 'dist/loss-inspector.vsix']) console.log(`  ${f.padEnd(26)} ${kib(path.join(repo, f))}`);
}

if (process.argv.includes('--child')) child(); else main();
