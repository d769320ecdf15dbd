'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { EXT_ID, C } = require('./helpers');

suite('activation and contributions', () => {
  test('the extension is installed in this host and activates', async function () {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `${EXT_ID} is not loaded in this extension host`);
    const wasActive = ext.isActive;
    const t0 = performance.now();
    await ext.activate();
    const ms = performance.now() - t0;
    assert.ok(ext.isActive);
    // One parseable line for run-all.sh.
    console.log(`[ext-tests] activation: ${wasActive ? 'already active before the suite' : `${ms.toFixed(1)} ms for activate() (require + activate)`}; VS Code ${vscode.version}, uiKind ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}`);
    const st = await vscode.commands.executeCommand(C.state);
    if (st && typeof st.activationMs === 'number') console.log(`[ext-tests] activation (measured by the extension): ${st.activationMs.toFixed(1)} ms`);
  });

  test('all commands are registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.values(C)) assert.ok(all.has(id), `command ${id} is not registered`);
  });

  test('package.json contributes the commands under the "Loss Inspector" category and the context menu item', () => {
    const pj = vscode.extensions.getExtension(EXT_ID).packageJSON;
    const cmds = (pj.contributes && pj.contributes.commands) || [];
    const byId = new Map(cmds.map((c) => [c.command, c]));
    for (const [id, title] of [[C.compute, 'Compute Loss'], [C.openPanel, 'Open Loss Panel']]) {
      const c = byId.get(id);
      assert.ok(c, `${id} not contributed`);
      const full = c.category ? `${c.category}: ${c.title}` : c.title;
      assert.strictEqual(full, `Loss Inspector: ${title}`);
    }
    for (const id of [C.copy, C.clear, C.explain]) assert.ok(byId.has(id), `${id} not contributed`);
    assert.ok(!byId.has(C.state), '_state must stay internal');
    const ctx = ((pj.contributes.menus || {})['editor/context'] || []).find((m) => m.command === C.compute);
    assert.ok(ctx, 'Compute Loss is not in the editor context menu');
    assert.match(String(ctx.when || ''), /editorHasSelection/);
  });
});
