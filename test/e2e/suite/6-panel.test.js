'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { C, waitFor } = require('./helpers');

const panelTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
  .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('lossInspector.panel'));

suite('panel and explain', () => {
  test('Open Loss Panel opens one webview panel (a second call reveals it)', async () => {
    await vscode.commands.executeCommand(C.openPanel);
    await waitFor(() => panelTabs().length === 1, 10000, 'the Loss Inspector panel tab');
    await vscode.commands.executeCommand(C.openPanel, { request: { loss: 'Huber', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]] } });
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(panelTabs().length, 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Explain Loss returns the documentation with formula and image', async () => {
    const md = await vscode.commands.executeCommand(C.explain, 'huber');
    assert.match(md, /keras\.losses\.Huber/);
    assert.match(md, /delta/);
    assert.match(md, /\(data:image\//);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
