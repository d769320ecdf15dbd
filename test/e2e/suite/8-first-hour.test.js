// Issue 16, "the first hour of a real user", in the real extension host: big inputs admitted by default and
// evaluated off the host thread, the refusal's one-click raise, settings written on disk read when used, results
// carried through edits made during (and after) a computation, the status bar item and the result hover at the
// cursor, the panel on a 1e6-element result.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { C, open, lineOf, compute, state, waitFor, hoverText, wsUri } = require('./helpers');

/** A `y_true = [[...]]` / `y_pred = [[...]]` pair of rows×cols float32-looking numbers, and its MSE in float64. */
function pair(rows, cols, seed = 3) {
  let s = seed >>> 0;
  const r = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  const yt = [], yp = [];
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const a = [], b = [];
    for (let j = 0; j < cols; j++) {
      const x = Number((r() * 4 - 2).toFixed(6)), y = Number((r() * 4 - 2).toFixed(6));
      a.push(x.toFixed(6)); b.push(y.toFixed(6));
      const d = Math.fround(y) - Math.fround(x); sum += d * d;
    }
    yt.push(`[${a.join(', ')}]`); yp.push(`[${b.join(', ')}]`);
  }
  return { text: `y_true = [${yt.join(',\n ')}]\ny_pred = [${yp.join(',\n ')}]\n`, mse: sum / (rows * cols) };
}

let big = null;
/** The 1000×1000 pair (generated once: ≈ 22 M characters). */
function bigPair() { big = big || pair(1000, 1000); return big; }

function writeWs(name, text) { fs.writeFileSync(wsUri(name).fsPath, text); return wsUri(name); }
const cfg = () => vscode.workspace.getConfiguration('lossInspector');
/** Resolves once Compute Loss has read the document's text (so an edit now happens during the computation). */
const readByCompute = (uri) => waitFor(async () => (await state()).computing.some((c) => c.uri === uri.toString()), 10000, 'the computation to start');

suite('first hour: big inputs', function () {
  this.timeout(120000);
  suiteTeardown(async () => { await vscode.commands.executeCommand(C.clear); await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  test('the default maxInputChars admits a 1000×1000 pair; it is evaluated in the worker and opens in the panel', async () => {
    assert.strictEqual(cfg().get('maxInputChars'), 32000000, 'default from package.json');
    const { text, mse } = bigPair();
    assert.ok(text.length > 13000000, `${text.length} characters`);
    const uri = writeWs('big1e6.py', text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // The extension host's event loop, watched while the worker runs: what a typed key would wait.
    let last = Date.now(), worst = 0, on = true;
    const tick = () => { const now = Date.now(); worst = Math.max(worst, now - last); last = now; if (on) setTimeout(tick, 5); };
    setTimeout(tick, 5);
    const t0 = Date.now();
    const r = await compute({ uri: uri.toString(), loss: 'mse' });
    on = false;
    console.log(`      1000×1000 MSE: ${Date.now() - t0} ms, longest host event-loop gap ${worst} ms`);
    assert.ok(r && r.results.length === 1, JSON.stringify(r && r.diagnostics));
    // Expected: the mean of (float32(y_pred) - float32(y_true))² over the 1e6 elements, in float64 (MSE's formula).
    assert.ok(Math.abs(Number(r.results[0].value) - mse) / mse < 1e-6, `${r.results[0].printed} vs ${mse}`);
    const st = await state();
    assert.ok(st.status.visible && /MeanSquaredError/.test(st.status.text), `status bar: ${JSON.stringify(st.status)}`);
    // The panel on it: the arrays stay on the host (Tensors), the state carries views of at most 4096 values.
    await vscode.commands.executeCommand(C.openPanel, { resultRef: st.status.ref, title: 'MeanSquaredError' });
    const ps = await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'result' && s.loss === 'MeanSquaredError' ? s : null; }, 30000, 'panel result');
    assert.strictEqual(ps.valueText, r.results[0].printed);
    assert.ok(ps.grad.values.length <= 4096 && ps.grad.total === 1e6, `grad view ${ps.grad.values.length} of ${ps.grad.total}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.unlinkSync(uri.fsPath);
  });

  test('a limit written into .vscode/settings.json on disk is read at the next run; the refusal\'s quick fix raises it and computes', async () => {
    const dir = path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, '.vscode');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'settings.json');
    // defaultLoss: the computation the quick fix starts again needs no question answered (a two-array selection).
    fs.writeFileSync(file, JSON.stringify({ 'lossInspector.maxInputChars': 2000, 'lossInspector.defaultLoss': 'mse' }));
    try {
      await waitFor(() => cfg().get('maxInputChars') === 2000, 15000, 'the setting from disk');
      const { text } = pair(20, 20);
      const uri = writeWs('limit.py', text);
      const { doc } = await open('limit.py');
      const r = await compute({ uri: uri.toString(), loss: 'mse' });
      assert.strictEqual(r.results.length, 0);
      assert.match(r.diagnostics[0].message, /more than lossInspector\.maxInputChars \(2,000\)/);
      const diag = vscode.languages.getDiagnostics(uri).find((d) => d.code === 'input-too-large');
      assert.ok(diag, 'diagnostic with the input-too-large code');
      const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diag.range);
      const fix = actions.find((a) => /Raise lossInspector\.maxInputChars to/.test(a.title));
      assert.ok(fix && fix.command, `quick fix: ${actions.map((a) => a.title).join(' | ')}`);
      const again = await vscode.commands.executeCommand(fix.command.command, ...fix.command.arguments);
      assert.ok(again && again.results.length === 1, `recomputed: ${JSON.stringify(again && again.diagnostics)}`);
      assert.ok(cfg().get('maxInputChars') >= text.length, `raised to ${cfg().get('maxInputChars')}`);
      assert.ok(JSON.parse(fs.readFileSync(file, 'utf8'))['lossInspector.maxInputChars'] >= text.length, 'written where it was set (the workspace)');
      void doc;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await waitFor(() => cfg().get('maxInputChars') === 32000000, 15000, 'the default again');
    }
  });
});

suite('first hour: results where the user looks', function () {
  this.timeout(60000);
  teardown(async () => { await vscode.commands.executeCommand(C.clear); });
  suiteTeardown(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  test('an edit made while the worker computes moves the result instead of discarding it', async () => {
    const { text } = bigPair(); // the worker path, a second or more
    const uri = writeWs('edit-during.py', text);
    const { doc, editor } = await open('edit-during.py');
    const running = compute({ uri: uri.toString(), loss: 'mse' });
    await readByCompute(uri);
    const ok = await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# two lines\n# typed meanwhile\n'));
    assert.ok(ok, 'edit applied');
    const r = await running;
    assert.strictEqual(r.results.length, 1, `kept: ${JSON.stringify(r)}`);
    const last = doc.lineCount - 1 - (doc.lineAt(doc.lineCount - 1).text === '' ? 1 : 0);
    // The edit either reached the running computation (its result is mapped through it) or came right after
    // (the shown result moves with it): in both orders the value ends up after y_pred, two lines further down.
    const during = r.results[0].line === 3;
    console.log(`      the edit came ${during ? 'during the computation' : 'after the result'}`);
    if (during) assert.strictEqual(r.results[0].lineEnd, last + 1);
    await waitFor(async () => {
      const decos = (await state()).decorations.filter((d) => d.uri === uri.toString());
      return decos.length === 1 && decos[0].line === last + 1;
    }, 5000, `one decoration on line ${last + 1}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.unlinkSync(uri.fsPath);
  });

  test('an edit on the call\'s own lines while it is computed leaves no stale result on screen', async () => {
    const { text } = bigPair();
    const uri = writeWs('edit-touch.py', text);
    const { editor } = await open('edit-touch.py');
    const running = compute({ uri: uri.toString(), loss: 'mse' });
    await readByCompute(uri);
    await editor.edit((b) => b.insert(new vscode.Position(3, 2), '9'));
    const r = await running;
    // Either the edit reached the computation (its result is not shown) or it came after (the shown result is
    // dropped by the edit): no decoration with numbers that are no longer in the text, in both orders.
    console.log(`      the edit ${r.results.length ? 'came after the result' : 'came during the computation'}`);
    await waitFor(async () => !(await state()).decorations.some((d) => d.uri === uri.toString()), 5000, 'no stale decoration');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.unlinkSync(uri.fsPath);
  });

  test('an earlier result stays, moved, when lines are added above it; it goes when its line is edited', async () => {
    const { doc, editor } = await open('seeds.py');
    await compute({ uri: doc.uri.toString() });
    const line = lineOf(doc, 'print(mse_loss') + 1;
    const has = async (l) => (await state()).decorations.some((d) => d.uri === doc.uri.toString() && d.line === l && /5\.0/.test(d.text));
    assert.ok(await has(line));
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), '\n\n'));
    assert.ok(await waitFor(() => has(line + 2), 5000, 'moved two lines down'));
    await editor.edit((b) => b.insert(new vscode.Position(line + 1, 6), ' '));
    await waitFor(async () => !(await has(line + 2)), 5000, 'dropped after its line was edited');
    assert.ok((await state()).decorations.some((d) => d.uri === doc.uri.toString() && /0\.155/.test(d.text)), 'the other results stay');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('the status bar shows the last result; Go to Last Result puts the cursor on it and its hover answers there', async () => {
    const { doc, editor } = await open('seeds.py');
    await compute({ uri: doc.uri.toString() });
    const st = (await state()).status;
    assert.ok(st.visible && /Huber 0\.155/.test(st.text), JSON.stringify(st));
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const where = await vscode.commands.executeCommand('lossInspector.revealResult');
    const callLine = lineOf(doc, 'h(y_true, y_pred)');
    assert.deepStrictEqual(where, { uri: doc.uri.toString(), line: callLine + 1 });
    const ed = vscode.window.activeTextEditor;
    assert.strictEqual(ed.selection.active.line, callLine);
    // Keyboard: the cursor anywhere on the call's line, Show Hover there, gets the result hover.
    ed.selection = new vscode.Selection(callLine, 2, callLine, 2);
    const atCursor = await hoverText(doc.uri, new vscode.Position(callLine, 2));
    assert.match(atCursor, /Open in panel/);
    const elsewhere = await hoverText(doc.uri, new vscode.Position(callLine, 3));
    assert.doesNotMatch(elsewhere, /Open in panel/, 'the mouse over the code (not the cursor) still gets only the docs');
  });
});
