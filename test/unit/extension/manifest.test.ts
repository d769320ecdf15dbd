/** package.json contributions match the code: commands, menus, activation, settings, packaging fields. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Commands, Settings, CONFIG_SECTION, PANEL_VIEW_TYPE, TRUSTED_COMMANDS, DEFAULT_MAX_INPUT_CHARS } from '../../../src/extension/constants';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync('package.nls.json', 'utf8'));
/** What VS Code shows for a manifest string: `%key%` looked up in package.nls.json. */
const shown = (s: string): string => (/^%[^%]+%$/.test(s) ? nls[s.slice(1, -1)] : s);
const contributed: { command: string; title: string; category: string }[] = pkg.contributes.commands
  .map((c: { command: string; title: string; category: string }) => ({ ...c, title: shown(c.title), category: shown(c.category) }));

describe('manifest', () => {
  it('contributes every public command under the "Loss Inspector" category', () => {
    const ids = contributed.map((c) => c.command).sort();
    assert.deepEqual(ids, Object.values(Commands).filter((c) => !c.includes('._')).sort());
    for (const c of contributed) assert.equal(c.category, 'Loss Inspector', c.command);
    assert.equal(contributed.find((c) => c.command === Commands.computeLoss)?.title, 'Compute Loss');
  });
  it('the English titles are the ones the e2e suite and the README use ("Loss Inspector: Compute Loss" in the menu, the palette)', () => {
    const full = Object.fromEntries(contributed.map((c) => [c.command, `${c.category}: ${c.title}`]));
    assert.deepEqual(full, {
      [Commands.computeLoss]: 'Loss Inspector: Compute Loss',
      [Commands.openPanel]: 'Loss Inspector: Open Loss Panel',
      [Commands.copyResult]: 'Loss Inspector: Copy Result as Python Literal',
      [Commands.clearResults]: 'Loss Inspector: Clear Results',
      [Commands.explain]: 'Loss Inspector: Explain Loss…',
      [Commands.revealResult]: 'Loss Inspector: Go to Last Result',
      [Commands.raiseInputLimit]: 'Loss Inspector: Raise the Input Size Limit',
      [Commands.computeLossWith]: 'Loss Inspector: Compute Loss with…',
      [Commands.watchLoss]: 'Loss Inspector: Watch Loss',
    });
    assert.equal(shown(pkg.displayName), 'Loss Inspector');
  });
  it('lossInspector.maxInputChars defaults to DEFAULT_MAX_INPUT_CHARS, which admits a 1000×1000 pair as NumPy prints it', () => {
    assert.equal(pkg.contributes.configuration.properties['lossInspector.maxInputChars'].default, DEFAULT_MAX_INPUT_CHARS);
    // float32 values as NumPy prints them ('-1.2345678', ', ' between): ≈ 13 characters per number, two arrays.
    assert.ok(DEFAULT_MAX_INPUT_CHARS >= 2 * 1000 * 1000 * 13, `${DEFAULT_MAX_INPUT_CHARS}`);
  });
  it('the raise-limit command is not offered in the palette (it needs its arguments)', () => {
    const m = pkg.contributes.menus.commandPalette.find((x: { command: string }) => x.command === Commands.raiseInputLimit);
    assert.equal(m?.when, 'false');
  });
  it('never contributes the test-only state command', () => {
    assert.ok(!JSON.stringify(pkg.contributes).includes(Commands.state));
  });
  it('every command is registered in the source', () => {
    const src = fs.readdirSync('src/extension/commands').map((f) => fs.readFileSync(`src/extension/commands/${f}`, 'utf8')).join('\n');
    for (const key of Object.keys(Commands)) assert.ok(src.includes(`Commands.${key}`), key);
  });
  it('editor context menu: only with a selection, only in supported languages', () => {
    const m = pkg.contributes.menus['editor/context'].find((x: { command: string }) => x.command === Commands.computeLoss);
    assert.match(m.when, /editorHasSelection/);
    for (const l of ['python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'json', 'jsonc']) assert.ok(m.when.includes(l), l);
  });
  it('keybinding ctrl+alt+l / cmd+alt+l when the editor has focus', () => {
    const k = pkg.contributes.keybindings.find((x: { command: string }) => x.command === Commands.computeLoss);
    assert.equal(k.key, 'ctrl+alt+l');
    assert.equal(k.mac, 'cmd+alt+l');
    assert.match(k.when, /editorTextFocus/);
  });
  it('copy/clear are hidden from the palette without results', () => {
    const pal = pkg.contributes.menus.commandPalette;
    for (const c of [Commands.copyResult, Commands.clearResults]) assert.match(pal.find((x: { command: string }) => x.command === c).when, /lossInspector\.hasResults/);
  });
  it('activates only when needed, and no onCommand (VS Code ≥ 1.74)', () => {
    // onDebugAdapterProtocolTracker: Watch Loss sees 'stopped' events through a tracker, which VS Code creates
    // only for sessions that start after it is registered.
    assert.deepEqual([...pkg.activationEvents].sort(), ['onLanguage:javascript', 'onLanguage:python', 'onLanguage:typescript', 'onNotebook:jupyter-notebook', `onWebviewPanel:${PANEL_VIEW_TYPE}`, 'onDebugAdapterProtocolTracker'].sort());
    assert.ok(!pkg.activationEvents.includes('*'));
  });
  it('supports untrusted and virtual workspaces', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(pkg.capabilities.virtualWorkspaces, true);
  });
  it('declares every setting the code reads, with defaults', () => {
    const props = pkg.contributes.configuration.properties;
    for (const key of Object.values(Settings)) {
      const p = props[`${CONFIG_SECTION}.${key}`];
      assert.ok(p, key);
      assert.ok('default' in p, `${key} default`);
    }
    assert.equal(props['lossInspector.precision'].default, 7);
    assert.equal(props['lossInspector.defaultLoss'].default, '');
  });
  it('engine and packaging fields', () => {
    assert.equal(pkg.engines.vscode, '^1.90.0');
    assert.equal(pkg.main, './dist/extension.js');
    assert.ok(pkg.license && pkg.repository);
    const typesVer = JSON.parse(fs.readFileSync('node_modules/@types/vscode/package.json', 'utf8')).version.split('.').map(Number);
    const engine = pkg.engines.vscode.replace('^', '').split('.').map(Number);
    assert.ok(typesVer[0] === engine[0] && typesVer[1] <= engine[1], '@types/vscode must not be newer than engines.vscode');
  });
  it('every user-visible manifest string is a %key% of package.nls.json, and every key is used', () => {
    const raw = fs.readFileSync('package.json', 'utf8');
    const used = new Set([...raw.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
    for (const k of used) assert.ok(typeof nls[k] === 'string' && nls[k].length > 0, `package.nls.json lacks ${k}`);
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'unused keys in package.nls.json');
    const literal = (s: unknown, where: string) => assert.ok(typeof s === 'string' && /^%[^%]+%$/.test(s), `${where} is not localised: ${s}`);
    literal(pkg.displayName, 'displayName');
    literal(pkg.description, 'description');
    for (const c of pkg.contributes.commands) { literal(c.title, `${c.command} title`); literal(c.category, `${c.command} category`); }
    literal(pkg.contributes.configuration.title, 'configuration title');
    for (const [name, p] of Object.entries<Record<string, unknown>>(pkg.contributes.configuration.properties)) {
      literal(p.markdownDescription ?? p.description, `${name} description`);
      for (const d of (p.enumDescriptions as unknown[] | undefined) ?? []) literal(d, `${name} enumDescriptions`);
    }
    assert.equal(pkg.l10n, './l10n');
    // The .vsix must carry the strings, or menus would read "%command.computeLoss.title%".
    const ignore = fs.readFileSync('.vscodeignore', 'utf8').split('\n');
    assert.ok(ignore.includes('!package.nls*.json') && ignore.includes('!l10n/bundle.l10n.*.json'), '.vscodeignore must keep package.nls*.json and the l10n translations');
  });
  it('the .vsix carries every translation and no file VS Code does not read (vsce\'s own file list)', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vsce = require('@vscode/vsce') as typeof import('@vscode/vsce');
    // as `npm run package` packages: the README is dist/README.md
    const readmePath = /--readme-path (\S+)/.exec(pkg.scripts.package)?.[1];
    assert.equal(readmePath, 'dist/README.md', 'npm run package ships the README esbuild.mjs writes');
    // (vsce's listFiles reads readmePath like `vsce package --readme-path`; its typings leave the option out)
    const files = new Set(await vsce.listFiles({ cwd: process.cwd(), packageManager: vsce.PackageManager.None, readmePath } as Parameters<typeof vsce.listFiles>[0]));
    assert.ok(files.has('dist/README.md') && !files.has('README.md'), 'the .vsix carries dist/README.md as its README, and no second one');
    for (const f of fs.readdirSync('l10n').filter((f) => /^bundle\.l10n\.[a-z-]+\.json$/.test(f))) assert.ok(files.has(`l10n/${f}`), `the .vsix lacks l10n/${f}`);
    for (const f of fs.readdirSync('.').filter((f) => /^package\.nls(\.[a-z-]+)?\.json$/.test(f))) assert.ok(files.has(f), `the .vsix lacks ${f}`);
    // vscode.l10n.t in English returns the message itself and loads no bundle: bundle.l10n.json is for translators
    assert.ok(!files.has('l10n/bundle.l10n.json'), 'l10n/bundle.l10n.json is shipped but never read at run time');
    const stray = [...files].filter((f) => f.endsWith('.map') || /^(src|test|out|examples|scripts|bench|node_modules)\//.test(f));
    assert.deepEqual(stray, [], 'source maps, sources or test files in the .vsix');
    assert.ok(files.has('dist/esm/package.json') && files.has('dist/webview.js'), 'the .vsix ships the built extension');
  });
  it('the README in the .vsix is README.md without its vsix:omit parts, every other section kept', async () => {
    const { vsixReadme } = await import(pathToFileURL(path.resolve('esbuild.mjs')).href) as { vsixReadme(md: string): string };
    const full = fs.readFileSync('README.md', 'utf8');
    const shipped = vsixReadme(full);
    assert.equal(fs.readFileSync('dist/README.md', 'utf8'), shipped, 'dist/README.md is stale: run node esbuild.mjs');
    const omitted = [...full.matchAll(/<!-- vsix:omit\b[^>]*-->([\s\S]*?)<!-- \/vsix:omit -->/g)].map((m) => m[1]);
    assert.ok(omitted.length > 0 && shipped.length < full.length, 'README.md marks the developer sections vsix:omit');
    assert.ok(!/vsix:omit/.test(shipped), 'an unclosed vsix:omit marker');
    const headings = (md: string) => md.split('\n').filter((l) => /^#{1,3} /.test(l));
    const dropped = new Set(omitted.flatMap(headings));
    assert.ok(dropped.has('## How it is built'), 'the architecture section is left out');
    assert.deepEqual(headings(shipped), headings(full).filter((h) => !dropped.has(h)), 'the shipped README keeps every user section, in order');
    for (const h of ['## In VS Code', '## The panel', '## Known limits']) assert.ok(headings(shipped).includes(h), h);
  });
  it('hover links trust only our own commands', () => {
    for (const c of TRUSTED_COMMANDS) assert.ok(c.startsWith('lossInspector.'), c);
  });
});
