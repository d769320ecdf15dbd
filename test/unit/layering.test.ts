/** DESIGN.md layering: core, shared and webview never mention vscode; core never touches the DOM. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.(ts|js)$/.test(f)).map((f) => path.join(dir, f));
}

describe('layering', () => {
  for (const dir of ['src/core', 'src/shared', 'src/webview']) {
    it(`${dir} does not import vscode`, () => {
      const fl = files(dir);
      assert.ok(fl.length > 0 || dir !== 'src/core', `${dir} has no files`);
      for (const f of fl) {
        const src = fs.readFileSync(f, 'utf8');
        assert.ok(!/from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\s*\(\s*['"]vscode['"]\s*\)/.test(src), `${f} imports vscode`);
      }
    });
  }
  it('src/core imports nothing from extension, webview, cli', () => {
    for (const f of files('src/core')) {
      const src = fs.readFileSync(f, 'utf8');
      assert.ok(!/from\s+['"][./]*\/(extension|webview|cli|shared)\//.test(src), `${f} imports an outer layer`);
    }
  });
  it('src/core/tsconfig.json has no DOM lib', () => {
    const cfg = JSON.parse(fs.readFileSync('src/core/tsconfig.json', 'utf8'));
    assert.ok(Array.isArray(cfg.compilerOptions.lib) && !cfg.compilerOptions.lib.some((l: string) => /dom/i.test(l)));
  });
  it('extension and webview never import each other', () => {
    for (const f of files('src/extension')) assert.ok(!/from\s+['"][./]*\/webview\//.test(fs.readFileSync(f, 'utf8')), f);
    for (const f of files('src/webview')) assert.ok(!/from\s+['"][./]*\/extension\//.test(fs.readFileSync(f, 'utf8')), f);
  });
});
