// npm run l10n:export: regenerates l10n/bundle.l10n.json, the English strings translators start from.
// @vscode/l10n-dev extracts every vscode.l10n.t('…') literal of src/extension; the panel's words live in one
// dictionary (src/shared/strings.ts) that the host translates by value, so they are added here.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = path.join(root, 'node_modules', '.bin', 'vscode-l10n-dev');
execFileSync(bin, ['export', '-o', './l10n', './src/extension'], { cwd: root, stdio: 'inherit' });

const out = esbuild.buildSync({ entryPoints: [path.join(root, 'src/shared/strings.ts')], bundle: true, platform: 'node', format: 'cjs', write: false });
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
const file = path.join(root, 'l10n', 'bundle.l10n.json');
const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
let added = 0;
for (const s of Object.values(mod.exports.WEBVIEW_STRINGS)) if (!(s in bundle)) { bundle[s] = s; added++; }
fs.writeFileSync(file, JSON.stringify(bundle, null, 2) + '\n');
console.log(`Added ${added} panel strings (src/shared/strings.ts); ${Object.keys(bundle).length} strings in ${path.relative(root, file)}`);
