// One build script, several entries: the extension host and its evaluation worker for Node (one core shared by
// both), the same two for VS Code for the Web, the CLI, the webview (browser, iife).
// Flags: --production (minify, no sourcemaps), --tests, --bench, --watch.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const common = { bundle: true, sourcemap: production ? false : 'linked', minify: production, logLevel: 'warning', legalComments: 'none' };

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

// The Node extension host's code is ES modules split into chunks (dist/node/): the extension and its worker share
// one copy of the core, and what is imported with import() (the snippet evaluator) is a chunk loaded on first use.
// VS Code loads `main` with require(): dist/extension.js is a CommonJS stub that import()s dist/node/extension.mjs.
// `vscode` exists only for require() (VS Code intercepts it), so the ES modules get a require of their own.
const requireVscode = {
  name: 'require-vscode',
  setup(b) {
    b.onResolve({ filter: /^vscode$/ }, (a) => (a.namespace === 'require-vscode' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'require-vscode' }));
    b.onLoad({ filter: /.*/, namespace: 'require-vscode' }, () => ({ contents: "module.exports = require('vscode');", loader: 'js' }));
  },
};
const nodeEsm = {
  ...common, platform: 'node', format: 'esm', target: 'node20', splitting: true, outdir: 'dist/node',
  entryPoints: { extension: 'src/extension/extension.ts', worker: 'src/extension/worker.ts' },
  outExtension: { '.js': '.mjs' }, chunkNames: 'chunk-[hash]', plugins: [requireVscode],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};
// VS Code for the Web: the web-worker extension host loads a CommonJS file with only `vscode` to require; the
// evaluation worker is a classic Web Worker script. No Node built-ins may be reached (test/unit/extension/web.test.ts).
export const webEntries = [
  { ...common, platform: 'browser', format: 'cjs', target: 'es2022', entryPoints: ['src/extension/extension.web.ts'], outfile: 'dist/web/extension.js', external: ['vscode'] },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['src/extension/worker.web.ts'], outfile: 'dist/web/worker.js' },
];
const entries = [
  nodeEsm,
  { ...node, sourcemap: false, minify: false, entryPoints: ['src/extension/main.cjs.ts'], outfile: 'dist/extension.js', external: ['./node/extension.mjs'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js' },
  ...webEntries,
].filter((e) => Object.values(e.entryPoints).every((f) => fs.existsSync(f)));

function listTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f));
}

if (args.has('--tests')) {
  const files = [...listTests('test/unit')];
  if (files.length) entries.push({ ...node, sourcemap: 'inline', entryPoints: files, outdir: 'out/test/unit', outbase: 'test/unit', packages: 'external' });
}
if (args.has('--bench')) {
  const files = fs.existsSync('test/bench') ? fs.readdirSync('test/bench').filter((f) => f.endsWith('.ts')).map((f) => `test/bench/${f}`) : [];
  if (files.length) entries.push({ ...node, minify: false, sourcemap: false, entryPoints: files, outdir: 'out/bench', ignoreAnnotations: true, external: ['playwright-core', 'fast-check', 'esbuild'], logOverride: { 'commonjs-variable-in-esm': 'silent', 'require-resolve-not-external': 'silent' } });
}

if (import.meta.url !== pathToFileURL(process.argv[1] ?? '').href) {
  // imported (a test reads webEntries): build nothing
} else if (args.has('--watch')) {
  for (const e of entries) (await esbuild.context(e)).watch();
} else {
  fs.rmSync('dist/node', { recursive: true, force: true }); // no stale chunks of an earlier build
  await Promise.all(entries.map((e) => esbuild.build(e)));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}
