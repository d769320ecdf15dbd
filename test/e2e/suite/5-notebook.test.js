'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { C, wsUri, compute, state } = require('./helpers');

suite('notebook cell (seeds.ipynb)', () => {
  test('Compute Loss on a code cell → 0.2876821, decorated in the cell', async () => {
    const nb = await vscode.workspace.openNotebookDocument(wsUri('seeds.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    const cell = nb.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.ok(cell, 'no code cell');
    assert.strictEqual(cell.document.languageId, 'python');
    const r = await compute({ uri: cell.document.uri.toString() });
    assert.strictEqual(r.kind, 'snippet');
    assert.deepStrictEqual(r.results.map((x) => x.printed), ['0.2876821']);
    assert.strictEqual(r.results[0].line, cell.document.lineCount, 'the call is the cell\'s last line');
    const decos = (await state()).decorations.filter((d) => d.uri === cell.document.uri.toString());
    assert.ok(decos.some((d) => /^→\s*0\.2876821/.test(d.text)), JSON.stringify(decos));
    await vscode.commands.executeCommand(C.clear);
  });
});
