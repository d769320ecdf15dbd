// npm run l10n:export: regenerates l10n/bundle.l10n.json, the English strings translators start from.
// @vscode/l10n-dev extracts every vscode.l10n.t('…') literal of src/extension. The vscode-free modules there call
// the same-shaped l10n.t of src/extension/model/l10n.ts (activate() points it at vscode.l10n.t); l10n-dev only
// recognises `l10n` imported from 'vscode', so those files are handed to its API with that import in place of the
// shim's. The panel's words live in one dictionary (src/shared/strings.ts) that the host translates by value, so
// they are added last.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { getL10nJson } from '@vscode/l10n-dev';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = path.join(root, 'node_modules', '.bin', 'vscode-l10n-dev');
execFileSync(bin, ['export', '-o', './l10n', './src/extension'], { cwd: root, stdio: 'inherit' });

const file = path.join(root, 'l10n', 'bundle.l10n.json');
const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));

const SHIM_IMPORT = /^import \{ l10n \} from '(?:\.\.?\/)+(?:model\/)?l10n';$/m;
const extDir = path.join(root, 'src', 'extension');
const shimUsers = fs.readdirSync(extDir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).sort()
  .map((f) => fs.readFileSync(path.join(extDir, f), 'utf8')).filter((src) => SHIM_IMPORT.test(src));
const shimStrings = await getL10nJson(shimUsers.map((src) => ({ extension: '.ts', contents: src.replace(SHIM_IMPORT, "import { l10n } from 'vscode';") })));
let fromShim = 0;
for (const [k, v] of Object.entries(shimStrings)) if (!(k in bundle)) { bundle[k] = v; fromShim++; }

const out = esbuild.buildSync({ entryPoints: [path.join(root, 'src/shared/strings.ts')], bundle: true, platform: 'node', format: 'cjs', write: false });
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
let added = 0;
for (const s of Object.values(mod.exports.WEBVIEW_STRINGS)) if (!(s in bundle)) { bundle[s] = s; added++; }
fs.writeFileSync(file, JSON.stringify(bundle, null, 2) + '\n');
console.log(`Added ${fromShim} strings of the vscode-free modules (${shimUsers.length} files) and ${added} panel strings (src/shared/strings.ts); ${Object.keys(bundle).length} strings in ${path.relative(root, file)}`);
