// One build script, several entries: the extension host and its evaluation worker for Node and for VS Code for the
// Web (ES modules sharing one core, behind CommonJS stubs), the CLI, the webview (browser, iife).
// Flags: --production (minify, no sourcemaps), --tests, --bench, --watch.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { genNameIndex } from './scripts/gen-name-index.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const common = { bundle: true, sourcemap: production ? false : 'linked', minify: production, logLevel: 'warning', legalComments: 'none' };

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

// The extension's code is ES modules split into chunks (dist/esm/): the Node entry, the web entry and both workers
// share them, so the core ships once, and what is imported with import() (the Python evaluator) is a chunk loaded
// on first use. VS Code loads `main` and `browser` as CommonJS: each is a stub (src/extension/stub.ts) that
// import()s its entry. `vscode` exists only for the stub's require(), so `import 'vscode'` in the modules reads the
// module the stub put on a global. Node built-ins stay external and are reached only from src/extension/*.node.ts
// and worker.ts (test/unit/extension/web.test.ts checks that the web entries reach none).
const vscodeFromStub = {
  name: 'vscode-from-stub',
  setup(b) {
    b.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', namespace: 'vscode-from-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'vscode-from-stub' }, () => ({ contents: "module.exports = globalThis[Symbol.for('loss-inspector.vscode')];", loader: 'js' }));
  },
};
/** The extension's ES modules (both hosts, both workers); test/unit/extension/activation.test.ts reads what activation loads. */
export const esm = {
  ...common, platform: 'neutral', mainFields: ['module', 'main'], format: 'esm', target: 'es2022', splitting: true, outdir: 'dist/esm',
  entryPoints: { 'node/extension': 'src/extension/extension.ts', 'node/worker': 'src/extension/worker.ts', 'web/extension': 'src/extension/extension.web.ts', 'web/worker': 'src/extension/worker.web.ts' },
  chunkNames: '[hash]', external: ['node:*'], plugins: [vscodeFromStub],
};
const stub = { ...common, sourcemap: false, format: 'cjs', external: ['vscode'] };
/** The web side, checked for Node built-ins by test/unit/extension/web.test.ts. */
export const webEntries = [
  { ...stub, platform: 'browser', target: 'es2022', entryPoints: ['src/extension/main.web.ts'], outfile: 'dist/web/extension.js' },
  { ...common, platform: 'browser', format: 'esm', target: 'es2022', entryPoints: ['src/extension/extension.web.ts', 'src/extension/worker.web.ts'], outdir: 'dist/web-check', external: ['vscode'], write: false },
];
const entries = [
  esm,
  { ...stub, platform: 'node', target: 'node20', entryPoints: ['src/extension/main.node.ts'], outfile: 'dist/extension.js' },
  webEntries[0],
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js' },
  // The panel's stylesheet, minified in production (the .vsix ships dist/panel.css, not media/panel.css).
  { ...common, sourcemap: false, entryPoints: ['media/panel.css'], outfile: 'dist/panel.css' },
].filter((e) => Object.values(e.entryPoints).every((f) => fs.existsSync(f)));

/**
 * The README the .vsix ships (`vsce package --readme-path dist/README.md`): README.md without its parts between
 * `<!-- vsix:omit ... -->` and `<!-- /vsix:omit -->` (building from source, the architecture: the repository's
 * readers need them, the extension's page in VS Code does not, and the .vsix pays for every byte).
 */
export function vsixReadme(markdown) {
  return markdown.replace(/<!-- vsix:omit\b[^>]*-->[\s\S]*?<!-- \/vsix:omit -->\n*/g, '');
}

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
  // The loss names activation matches without the specs (src/core/nameIndex.ts), regenerated from the registry.
  try {
    if (await genNameIndex()) console.log('esbuild.mjs: updated src/core/nameIndex.generated.ts from the registry (commit it with your spec change)');
  } catch (e) {
    console.error(`esbuild.mjs: could not regenerate src/core/nameIndex.generated.ts (${e.message}); building with the committed one`);
  }
  for (const d of ['dist/esm', 'dist/node', 'dist/web']) fs.rmSync(d, { recursive: true, force: true }); // no stale chunks
  await Promise.all(entries.map((e) => esbuild.build(e)));
  fs.writeFileSync('dist/esm/package.json', '{ "type": "module" }\n'); // .js files there are ES modules for Node
  fs.writeFileSync('dist/README.md', vsixReadme(fs.readFileSync('README.md', 'utf8')));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}
