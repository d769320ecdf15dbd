'use strict';
// Extension behaviours beyond the basic contract (written by the extension work; additive to this suite):
// result hovers at the end of the line, pitfall warnings + quick fixes, selections that keep other results,
// the precision setting, CodeLens on/off, JS/TS array selections, the worker path, hovers in notebook cells.
const assert = require('assert');
const vscode = require('vscode');
const { C, EXT_ID, open, wsUri, compute, state, lineOf, hoverText, waitFor } = require('./helpers');

const cfg = () => vscode.workspace.getConfiguration('lossInspector');
const decos = async (uri) => (await state()).decorations.filter((d) => d.uri === uri.toString());
const untitled = async (language, content) => {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  await vscode.window.showTextDocument(doc);
  return doc;
};

suite('extension extras', () => {
  suiteSetup(async () => { await vscode.extensions.getExtension(EXT_ID).activate(); });
  teardown(async () => { await vscode.commands.executeCommand(C.clear); });

  test('the inline result has a hover at the end of its line, with the reduction and an Open in panel link', async () => {
    const { doc } = await open('seeds.py');
    const r = await compute({ uri: doc.uri.toString() });
    const line = r.results[0].lineEnd - 1;
    const text = await hoverText(doc.uri, new vscode.Position(line, doc.lineAt(line).text.length));
    assert.match(text, /\*\*Reduction\*\*/);
    assert.match(text, /Per-sample values/);
    assert.match(text, /\]\(command:lossInspector\.openPanel\?/);
  });

  test('a pitfall warning is a Warning diagnostic with a quick fix that sets from_logits=True', async () => {
    const doc = await untitled('python', 'import keras\ny_true = [[0., 1.], [1., 0.]]\ny_pred = [[2.5, -1.0], [0.3, 4.0]]\nbce = keras.losses.BinaryCrossentropy()\nprint(bce(y_true, y_pred).numpy())\n');
    await compute({ uri: doc.uri.toString() });
    assert.match((await decos(doc.uri))[0].text, /⚠$/);
    const w = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Loss Inspector' && d.severity === vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(w.length, 1, JSON.stringify(w));
    assert.strictEqual(w[0].range.start.line, 4);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, w[0].range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Set from_logits=True');
    assert.ok(fix, actions.map((a) => a.title).join(' | '));
    await vscode.workspace.applyEdit(fix.edit);
    assert.strictEqual(doc.lineAt(3).text, 'bce = keras.losses.BinaryCrossentropy(from_logits=True)');
    const again = await compute({ uri: doc.uri.toString() });
    assert.deepStrictEqual(again.diagnostics, []);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('computing a second selection keeps the first result; the whole file replaces all', async () => {
    const { doc } = await open('seeds.py');
    const a0 = lineOf(doc, 'y_true = [[0, 1, 0]'), a1 = lineOf(doc, 'print(cross_entropy_loss');
    const b0 = lineOf(doc, '# Mean absolute error'), b1 = lineOf(doc, 'print(mae_loss');
    await compute({ uri: doc.uri.toString(), range: [a0, 0, a1, 200] });
    await compute({ uri: doc.uri.toString(), range: [b0, 0, b1, 200] });
    assert.deepStrictEqual((await decos(doc.uri)).map((d) => d.line), [a1 + 1, b1 + 1]);
    await compute({ uri: doc.uri.toString() });
    assert.strictEqual((await decos(doc.uri)).length, 4);
  });

  test('lossInspector.precision relabels the results shown', async () => {
    const { doc } = await open('seeds.py');
    await compute({ uri: doc.uri.toString() });
    await cfg().update('precision', 3, vscode.ConfigurationTarget.Global);
    try {
      await waitFor(async () => (await decos(doc.uri))[0].text === '→ 0.288', 5000, 'relabel to 3 digits');
    } finally {
      await cfg().update('precision', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(async () => (await decos(doc.uri))[0].text === '→ 0.2876821', 5000, 'relabel back');
  });

  test('CodeLens "Compute" and "Plot" above loss constructors, and none when the setting is off', async () => {
    const { doc } = await open('seeds.py');
    const titles = async () => ((await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 20)) || [])
      .filter((l) => l.command && /^(Compute|Plot|Explain)$/.test(l.command.title)).map((l) => `${l.range.start.line}:${l.command.title}`);
    const on = await titles();
    const ctor = lineOf(doc, 'cross_entropy_loss = CategoricalCrossentropy()');
    assert.ok(on.includes(`${ctor}:Compute`) && on.includes(`${ctor}:Plot`), on.join(' '));
    assert.ok(!on.some((t) => t.startsWith(`${lineOf(doc, 'print(mse_loss')}:`)), 'no lens on a variable call');
    await cfg().update('codeLens.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      assert.deepStrictEqual(await titles(), []);
    } finally {
      await cfg().update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('TypeScript: two named arrays evaluate; other code gets one info note', async () => {
    const doc = await untitled('typescript', 'const yTrue: number[][] = [[0, 1], [0, 0]];\nconst yPred: number[][] = [[0.6, 0.4], [0.4, 0.6]];\n');
    const r = await compute({ uri: doc.uri.toString(), range: [0, 0, 1, 60], loss: 'binary_crossentropy' });
    assert.strictEqual(r.kind, 'arrays');
    assert.deepStrictEqual(r.results.map((x) => x.printed), ['0.8149245']);
    const note = await compute({ uri: doc.uri.toString(), range: [0, 0, 0, 10] });
    assert.deepStrictEqual(note.diagnostics.map((d) => d.severity), ['info']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('inputs over lossInspector.worker.thresholdChars are evaluated in the worker, same numbers', async () => {
    const { doc } = await open('seeds.py');
    await cfg().update('worker.thresholdChars', 10, vscode.ConfigurationTarget.Global);
    try {
      const r = await compute({ uri: doc.uri.toString() });
      assert.deepStrictEqual(r.results.map((x) => x.printed), ['0.2876821', '2.0', '5.0', '0.155']);
    } finally {
      await cfg().update('worker.thresholdChars', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('loss-name hovers work inside notebook cells', async () => {
    const nb = await vscode.workspace.openNotebookDocument(wsUri('seeds.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    const cell = nb.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code && /CategoricalCrossentropy/.test(c.document.getText()));
    assert.ok(cell, 'a cell naming CategoricalCrossentropy');
    const at = cell.document.getText().indexOf('CategoricalCrossentropy') + 3;
    assert.match(await hoverText(cell.document.uri, cell.document.positionAt(at)), /keras\.losses\.CategoricalCrossentropy/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  test('Plot CodeLens: the call\'s own arguments with its file:line; without an evaluated call, an example that says so', async () => {
    await vscode.commands.executeCommand(C.clear);
    const plotLens = async (doc, line) => {
      const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 20)) || [];
      const l = lenses.find((x) => x.command && x.command.title === 'Plot' && x.range.start.line === line);
      assert.ok(l, `a Plot lens on line ${line + 1}: ${lenses.map((x) => `${x.range.start.line}:${x.command && x.command.title}`).join(' ')}`);
      await vscode.commands.executeCommand(l.command.command, ...(l.command.arguments || []));
    };
    const panelState = (pred, what) => waitFor(async () => { const s = (await state()).panel.state; return s && pred(s) ? s : null; }, 15000, what);
    // seeds.py: the lens sits on `cross_entropy_loss = CategoricalCrossentropy()`, the call on the next line.
    const { doc } = await open('seeds.py');
    const ctor = lineOf(doc, 'cross_entropy_loss = CategoricalCrossentropy()');
    await plotLens(doc, ctor);
    const own = await panelState((s) => s.kind === 'result' && s.source && s.source.uri === doc.uri.toString(), 'the file\'s call in the panel');
    assert.strictEqual(own.source.label, `seeds.py:${ctor + 2}`);
    assert.strictEqual(own.title, 'CategoricalCrossentropy');
    assert.strictEqual(own.valueText, '0.2876821'); // the seed article's printed value (seeds.py line 9)
    // torch_ce.py: nothing to evaluate there, so torch's loss on its own example: titled as one, no file:line,
    // never the Keras CategoricalCrossentropy that documents the name.
    const t = await open('torch_ce.py');
    await plotLens(t.doc, lineOf(t.doc, 'nn.CrossEntropyLoss()'));
    const ex = await panelState((s) => s.kind === 'result' && /\(example\)$/.test(s.title), 'the example in the panel');
    assert.strictEqual(ex.title, 'nn.CrossEntropyLoss (example)');
    assert.strictEqual(ex.loss, 'nn.CrossEntropyLoss');
    assert.match(ex.valueText, /^tensor\(\d\.\d{4}\)$/);
    assert.strictEqual(ex.source, undefined);
    assert.strictEqual(ex.session.example, true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Plot CodeLens on a torch snippet: the call\'s own tensors, RESULT as torch prints it, torch_snippet.py:7; a slider re-evaluates', async () => {
    await vscode.commands.executeCommand(C.clear);
    const { doc } = await open('torch_snippet.py');
    const ctor = lineOf(doc, 'criterion = nn.CrossEntropyLoss(');
    const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 20)) || [];
    const titles = lenses.filter((x) => x.command && x.range.start.line === ctor).map((x) => x.command.title);
    assert.deepStrictEqual(titles.sort(), ['Compute', 'Plot'], 'a torch call is computable');
    const l = lenses.find((x) => x.command && x.command.title === 'Plot' && x.range.start.line === ctor);
    await vscode.commands.executeCommand(l.command.command, ...(l.command.arguments || []));
    const st = await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'result' && s.source && s.source.uri === doc.uri.toString() ? s : null; }, 15000, 'the snippet\'s call in the panel');
    assert.strictEqual(st.title, 'nn.CrossEntropyLoss');
    assert.strictEqual(st.source.label, `torch_snippet.py:${ctor + 2}`);
    assert.strictEqual(st.valueText, 'tensor(0.3634)'); // what the snippet prints under torch 1.13 (without its grad_fn)
    assert.match(st.reductionText, /^mean: Σ w\[y\]·ℓ \/ Σ w\[y\] = [\d.]+ \/ 4\.2 = 0\.363/);
    assert.deepStrictEqual(st.torch.args.map((a) => `${a.name}:${a.dtype}`), ['input:float32', 'target:int64']);
    // the label_smoothing slider, as the webview sends it: torch gives tensor(0.9868) at 0.5
    const request = { loss: 'nn.CrossEntropyLoss', framework: 'torch', yPred: [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 2.2]], yTrue: [0, 1, 2], dtypes: { input: 'float32', target: 'int64' }, config: { weight: [0.2, 1.0, 3.0], label_smoothing: 0.5 } };
    await vscode.commands.executeCommand(C.openPanel, { request, title: st.title });
    await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'result' && s.valueText === 'tensor(0.9868)'; }, 15000, 'label_smoothing 0.5 → tensor(0.9868)');
    await vscode.commands.executeCommand(C.clear);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a notebook call in the panel is linked as "seeds.ipynb, cell 2, line 6", never by its cell URI', async () => {
    const nb = await vscode.workspace.openNotebookDocument(wsUri('seeds.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    const cell = nb.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code);
    const ctor = cell.document.getText().split('\n').findIndex((l) => l.startsWith('cce = '));
    const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', cell.document.uri, 20)) || [];
    const l = lenses.find((x) => x.command && x.command.title === 'Plot' && x.range.start.line === ctor);
    assert.ok(l, 'a Plot lens above cce = CategoricalCrossentropy()');
    await vscode.commands.executeCommand(l.command.command, ...(l.command.arguments || []));
    const st = await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'result' && s.source && s.source.uri === cell.document.uri.toString() ? s : null; }, 15000, 'the cell\'s call in the panel');
    assert.strictEqual(st.source.label, `seeds.ipynb, cell ${cell.index + 1}, line ${ctor + 2}`);
    assert.strictEqual(st.source.label, 'seeds.ipynb, cell 2, line 6');
    await vscode.commands.executeCommand(C.clear);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
