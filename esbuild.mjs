// One build script, several entries: the extension host bundle (node, cjs, vscode external), the evaluation
// worker, the CLI, the webview (browser, iife). Flags: --production (minify, no sourcemaps), --tests, --bench, --watch.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const common = { bundle: true, sourcemap: production ? false : 'linked', minify: production, logLevel: 'warning', legalComments: 'none' };

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
const entries = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/extension/worker.ts'], outfile: 'dist/worker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js' },
].filter((e) => fs.existsSync(e.entryPoints[0]));

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
  if (files.length) entries.push({ ...node, minify: false, sourcemap: false, entryPoints: files, outdir: 'out/bench', ignoreAnnotations: true, external: ['playwright-core', 'fast-check'], logOverride: { 'commonjs-variable-in-esm': 'silent', 'require-resolve-not-external': 'silent' } });
}

if (args.has('--watch')) {
  for (const e of entries) (await esbuild.context(e)).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}
