'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { C, open, lineOf, compute, printed, state, wsUri } = require('./helpers');

const decoFor = async (uri) => (await state()).decorations.filter((d) => d.uri === uri.toString());

suite('Compute Loss on seed snippets (seeds.py)', () => {
  let doc; let editor;
  suiteSetup(async () => { ({ doc, editor } = await open('seeds.py')); });
  teardown(async () => { await vscode.commands.executeCommand(C.clear); });

  test('CCE seed selected → 0.2876821 on the print line', async () => {
    const from = lineOf(doc, 'y_true = [[0, 1, 0]');
    const to = lineOf(doc, 'print(cross_entropy_loss');
    editor.selection = new vscode.Selection(from, 0, to, doc.lineAt(to).text.length);
    const r = await compute();
    assert.strictEqual(r.kind, 'snippet');
    assert.deepStrictEqual(printed(r), ['0.2876821']);
    assert.strictEqual(r.results[0].line, to + 1, 'result reported on the call line (1-based)');
    assert.ok(Math.abs(Number(r.results[0].value) - 0.2876821) < 1e-6, `value ${JSON.stringify(r.results[0].value)}`);
    assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  test('as the editor context menu calls it (document Uri argument) the selection is still what is evaluated', async () => {
    // VS Code passes the editor's resource Uri to editor/context menu commands
    const from = lineOf(doc, 'y_true = [[0, 1, 0]');
    const to = lineOf(doc, 'print(cross_entropy_loss');
    editor.selection = new vscode.Selection(from, 0, to, doc.lineAt(to).text.length);
    const r = await vscode.commands.executeCommand(C.compute, doc.uri);
    assert.deepStrictEqual(printed(r), ['0.2876821'], 'only the selected call, not the whole file');
  });

  test('range argument, no prompt: MAE → 2.0 and MSE → 5.0', async () => {
    const from = lineOf(doc, '# Mean absolute error');
    const to = lineOf(doc, 'print(mse_loss');
    const r = await compute({ uri: doc.uri.toString(), range: [from, 0, to, doc.lineAt(to).text.length] });
    assert.strictEqual(r.kind, 'snippet');
    assert.deepStrictEqual(printed(r), ['2.0', '5.0']);
    assert.deepStrictEqual(r.results.map((x) => x.line), [lineOf(doc, 'print(mae_loss') + 1, to + 1]);
  });

  test('no selection evaluates the whole file: four results, Huber → 0.155', async () => {
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const r = await compute();
    assert.deepStrictEqual(printed(r), ['0.2876821', '2.0', '5.0', '0.155']);
  });

  test('inline results: _state decorations "→ value" after each call line', async () => {
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await compute();
    const decos = await decoFor(doc.uri);
    const byLine = new Map(decos.map((d) => [d.line, d.text]));
    const expect = [['print(cross_entropy_loss', '0.2876821'], ['print(mae_loss', '2.0'], ['print(mse_loss', '5.0'], ['h(y_true, y_pred)', '0.155']];
    for (const [needle, v] of expect) {
      const line = lineOf(doc, needle) + 1;
      assert.ok(byLine.has(line), `no decoration on line ${line} (${needle}); have ${JSON.stringify(decos)}`);
      assert.match(byLine.get(line), new RegExp(`^→\\s*${v.replace('.', '\\.')}(\\s|$)`));
    }
    assert.strictEqual(decos.length, 4, JSON.stringify(decos));
  });

  test('Clear Results removes the decorations', async () => {
    await compute({ uri: doc.uri.toString() });
    assert.ok((await decoFor(doc.uri)).length > 0);
    await vscode.commands.executeCommand(C.clear);
    assert.deepStrictEqual(await decoFor(doc.uri), []);
  });

  test('Copy Result puts the value as a Python literal on the clipboard', async () => {
    const line = lineOf(doc, 'print(mse_loss');
    await compute({ uri: doc.uri.toString() });
    const text = await vscode.commands.executeCommand(C.copy, { uri: doc.uri.toString(), line });
    assert.strictEqual(text, '5.0');
    assert.strictEqual(await vscode.env.clipboard.readText(), '5.0');
  });
});

suite('Compute Loss on two arrays with {loss, config} (arrays.py)', () => {
  let doc;
  suiteSetup(async () => { ({ doc } = await open('arrays.py')); });
  const line = (n) => [n, 0, n, doc.lineAt(n).text.length];
  const run = (n, loss, config) => compute({ uri: doc.uri.toString(), range: line(n), loss, config });

  test("'mse' → 5.0, 'mae' → 2.0", async () => {
    const mse = await run(1, 'mse');
    assert.strictEqual(mse.kind, 'arrays');
    assert.deepStrictEqual(printed(mse), ['5.0']);
    assert.deepStrictEqual(printed(await run(1, 'mae')), ['2.0']);
  });

  test('CategoricalCrossentropy → 0.2876821; from_logits changes it', async () => {
    assert.deepStrictEqual(printed(await run(2, 'CategoricalCrossentropy')), ['0.2876821']);
    const logits = await run(2, 'CategoricalCrossentropy', { from_logits: true });
    assert.strictEqual(logits.results.length, 1);
    assert.notStrictEqual(logits.results[0].printed, '0.2876821');
  });

  test('Huber delta from config: 1.0 → 0.155, 0.5 → 0.15125', async () => {
    assert.deepStrictEqual(printed(await run(3, 'Huber')), ['0.155']);
    assert.deepStrictEqual(printed(await run(3, 'Huber', { delta: 1.0 })), ['0.155']);
    const r = await run(3, 'Huber', { delta: 0.5 });
    assert.ok(Math.abs(Number(r.results[0].value) - 0.15125) < 1e-6, JSON.stringify(r.results));
  });

  test('the result is decorated on the arrays line', async () => {
    await run(1, 'mse');
    const decos = (await state()).decorations.filter((d) => d.uri === wsUri('arrays.py').toString());
    assert.ok(decos.some((d) => d.line === 2 && /^→\s*5\.0/.test(d.text)), JSON.stringify(decos));
  });
});
