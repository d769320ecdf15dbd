'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { C, waitFor, state } = require('./helpers');

const panelTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
  .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('lossInspector.panel'));
const HUBER = { loss: 'Huber', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]] };

suite('panel and explain', () => {
  suiteTeardown(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  test('Open Loss Panel opens one webview panel (a second call reveals it)', async () => {
    await vscode.commands.executeCommand(C.openPanel);
    await waitFor(() => panelTabs().length === 1, 10000, 'the Loss Inspector panel tab');
    await vscode.commands.executeCommand(C.openPanel, { request: HUBER });
    await waitFor(async () => (await state()).panel && (await state()).panel.visible, 10000, 'panel visible in _state');
    assert.strictEqual(panelTabs().length, 1);
  });

  test('the panel evaluates a request as Keras prints it: Huber → 0.155, delta 0.5 → 0.15125', async () => {
    await vscode.commands.executeCommand(C.openPanel, { request: HUBER });
    const st = await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'result' && s.loss === 'Huber' && s.valueText === '0.155' ? s : null; }, 10000, 'Huber result in the panel state');
    assert.ok(st.params.some((p) => p.name === 'delta'), `params: ${JSON.stringify(st.params.map((p) => p.name))}`);
    await vscode.commands.executeCommand(C.openPanel, { request: { ...HUBER, config: { delta: 0.5 } } });
    await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'result' && s.valueText === '0.15125'; }, 10000, 'delta 0.5 result');
  });

  test('a bad request shows an error state, not a pop-up', async () => {
    await vscode.commands.executeCommand(C.openPanel, { request: { loss: 'mse', yTrue: [[0, 1], [0]], yPred: [[1, 1], [1, 0]] } });
    await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'error'; }, 10000, 'error state');
  });

  test('Explain Loss returns the documentation with formula and image', async () => {
    const md = await vscode.commands.executeCommand(C.explain, 'huber');
    assert.match(md, /keras\.losses\.Huber/);
    assert.match(md, /delta/);
    assert.match(md, /\(data:image\//);
  });
});
