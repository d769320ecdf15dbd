'use strict';
// Torch losses in VS Code (issue 11): two selected arrays computed with a torch.nn loss (printed as torch prints
// it, which array is input and which target, Swap), and the torch hover's "Compute with the numbers under the cursor".
const assert = require('assert');
const vscode = require('vscode');
const { C, EXT_ID, open, compute, state, lineOf, hoverText, waitFor } = require('./helpers');

/** The command link labelled `label` in a hover's Markdown, as [command, ...args]. */
function linkArgs(md, label) {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`\\[${esc}\\]\\(command:([\\w.]+)\\?([^ )"]+)`).exec(md);
  assert.ok(m, `no "${label}" link in:\n${md}`);
  return [m[1], ...JSON.parse(decodeURIComponent(m[2]))];
}

suite('torch losses on selected arrays (torch_arrays.py)', () => {
  suiteSetup(async () => { await vscode.extensions.getExtension(EXT_ID).activate(); });
  teardown(async () => { await vscode.commands.executeCommand(C.clear); });

  test('named arrays in Keras\'s order: nn.CrossEntropyLoss → tensor(0.3185) inline, input ← logits by its name', async () => {
    const { doc } = await open('torch_arrays.py');
    const a = lineOf(doc, 'labels = '), b = lineOf(doc, 'logits = ');
    const r = await compute({ uri: doc.uri.toString(), range: [a, 0, b, doc.lineAt(b).text.length], loss: 'nn.CrossEntropyLoss' });
    assert.deepStrictEqual(r.diagnostics, []);
    assert.deepStrictEqual(r.results.map((x) => x.printed), ['tensor(0.3185)']);
    assert.strictEqual(r.results[0].decoration, '→ tensor(0.3185)');
    assert.match(r.results[0].torchArgs, new RegExp(`input ← \`logits\` \\(line ${b + 1}\\), target ← \`labels\` \\(line ${a + 1}\\) \\(by the names`));
    assert.match(r.results[0].torchArgs, /input: float32, target: int64/);
    const decos = (await state()).decorations.filter((d) => d.uri === doc.uri.toString());
    assert.ok(decos.some((d) => d.line === b + 1 && d.text === '→ tensor(0.3185)'), JSON.stringify(decos)); // 1-based
    // the result hover's Open in panel: the panel computes it as torch, input = logits, target = labels (int64)
    const md = await hoverText(doc.uri, new vscode.Position(b, doc.lineAt(b).text.length));
    const [cmd, args] = linkArgs(md, 'Open in panel');
    await vscode.commands.executeCommand(cmd, args);
    const st = await waitFor(async () => { const x = (await state()).panel.state; return x && x.kind === 'result' && x.torch ? x : null; }, 15000, 'the torch result in the panel');
    assert.strictEqual(st.valueText, 'tensor(0.3185)');
    assert.deepStrictEqual(st.torch.args.map((x) => `${x.name}:${x.dtype}:${x.shape.join('x')}`), ['input:float32:2x3', 'target:int64:2']);
  });

  test('unnamed arrays in Keras\'s order: an error that says to swap; Swap computes; the hover says which was which and swaps back', async () => {
    const { doc } = await open('torch_arrays.py');
    const a = [...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text === '[0, 1]'), b = a + 1;
    const range = [a, 0, b, doc.lineAt(b).text.length];
    const wrong = await compute({ uri: doc.uri.toString(), range, loss: 'nn.CrossEntropyLoss' });
    assert.deepStrictEqual(wrong.results, []);
    assert.strictEqual(wrong.diagnostics.length, 1);
    assert.match(wrong.diagnostics[0].message, /nn\.CrossEntropyLoss: argument `target`/);
    assert.match(wrong.diagnostics[0].message, /Keras's order.*Swap input and target/);
    assert.strictEqual(wrong.diagnostics[0].line, b + 1, 'the error is on the array given as target');

    const r = await compute({ uri: doc.uri.toString(), range, loss: 'nn.CrossEntropyLoss', swap: true });
    assert.deepStrictEqual(r.results.map((x) => x.printed), ['tensor(0.3185)']);
    assert.match(r.results[0].torchArgs, new RegExp(`input ← the second array \\(line ${b + 1}\\), target ← the first array \\(line ${a + 1}\\) \\(swapped by you\\)`));
    const md = await hoverText(doc.uri, new vscode.Position(b, doc.lineAt(b).text.length));
    assert.match(md, /\*\*torch arguments:\*\*/);
    const [cmd, args] = linkArgs(md, 'Swap input and target');
    assert.strictEqual(cmd, C.compute);
    assert.strictEqual(args.swap, false);
    const back = await vscode.commands.executeCommand(cmd, args);
    assert.deepStrictEqual(back.results, []);
    assert.match(back.diagnostics[0].message, /Swap input and target/);
  });

  test('hover on nn.CrossEntropyLoss → "Compute with the numbers under the cursor" evaluates the call below with the file\'s arrays', async () => {
    const { doc } = await open('torch_arrays.py');
    const line = lineOf(doc, 'criterion = nn.CrossEntropyLoss()');
    const md = await hoverText(doc.uri, new vscode.Position(line, doc.lineAt(line).text.indexOf('CrossEntropyLoss') + 3));
    const [cmd, args] = linkArgs(md, '$(play) Compute with the numbers under the cursor');
    assert.strictEqual(cmd, C.compute);
    const r = await vscode.commands.executeCommand(cmd, args);
    assert.deepStrictEqual(r.focused, { line: lineOf(doc, 'loss = criterion(') + 1, loss: 'nn.CrossEntropyLoss', printed: 'tensor(0.3185)' });
  });
});
