'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { C, open, lineOf, compute, waitFor } = require('./helpers');

suite('diagnostics on bad input', () => {
  teardown(async () => { await vscode.commands.executeCommand(C.clear); });

  test('ragged y_true → an error on its line, in the returned summary and the Problems collection', async () => {
    const { doc } = await open('bad.py');
    const bad = lineOf(doc, 'y_true = [[0., 1.], [0.]]');
    const r = await compute({ uri: doc.uri.toString() });
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errs.length >= 1, `no error diagnostic: ${JSON.stringify(r.diagnostics)}`);
    assert.strictEqual(errs[0].line, bad + 1, JSON.stringify(errs));
    assert.deepStrictEqual(r.results.filter((x) => x.printed && !/error/i.test(x.printed)).map((x) => x.printed), [], 'no value for a ragged input');
    const diags = await waitFor(() => {
      const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Loss Inspector' && d.severity === vscode.DiagnosticSeverity.Error);
      return ds.length ? ds : null;
    }, 5000, 'Loss Inspector diagnostics');
    assert.strictEqual(diags[0].range.start.line, bad);
    // the range points at the literal, not at column 0 of an unrelated place
    const col = doc.lineAt(bad).text.indexOf('[');
    assert.ok(diags[0].range.start.character >= col, `range starts at ${diags[0].range.start.character}, literal at ${col}`);
  });

  test('Clear Results also clears the diagnostics', async () => {
    const { doc } = await open('bad.py');
    await compute({ uri: doc.uri.toString() });
    await vscode.commands.executeCommand(C.clear);
    await waitFor(() => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Loss Inspector').length === 0, 5000, 'diagnostics cleared');
  });

  test('a fixed document evaluates without errors', async () => {
    const { doc, editor } = await open('bad.py');
    const line = lineOf(doc, 'y_true = [[0., 1.], [0.]]');
    await editor.edit((e) => e.replace(doc.lineAt(line).range, 'y_true = [[0., 1.], [0., 0.]]'));
    const r = await compute({ uri: doc.uri.toString() });
    assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepStrictEqual(r.results.map((x) => x.printed), ['0.5']);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
