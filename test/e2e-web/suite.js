// The web e2e suite: runs INSIDE VS Code for the Web's web-worker extension host (bundled for the browser by
// run.js; `vscode` is the only module it may require). A tiny runner prints "✔ name" per test and a closing
// "N passed, N failed"; run() rejects when any failed, which the workbench turns into a non-zero exit.
// Screenshots and the webview's DOM belong to the driver (run.js): ask() requests them from the driver's own
// HTTP endpoint (__DRIVER__, defined when run.js bundles this file), which answers once it is done.
'use strict';
const vscode = require('vscode');

/** The few checks the suite needs (Node's assert is not in a browser). */
const assert = {
  ok(v, msg) { if (!v) throw new Error(msg || `expected a truthy value, got ${JSON.stringify(v)}`); },
  strictEqual(a, b, msg) { if (a !== b) throw new Error(`${msg ? `${msg}: ` : ''}expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`); },
  notStrictEqual(a, b, msg) { if (a === b) throw new Error(`${msg ? `${msg}: ` : ''}expected anything but ${JSON.stringify(b)}`); },
  deepStrictEqual(a, b, msg) { if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg ? `${msg}: ` : ''}expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`); },
  match(s, re, msg) { if (!re.test(s)) throw new Error(`${msg ? `${msg}: ` : ''}${JSON.stringify(String(s).slice(0, 300))} does not match ${re}`); },
};

const EXT_ID = 'loss-inspector.loss-inspector';
const C = { compute: 'lossInspector.computeLoss', openPanel: 'lossInspector.openPanel', copy: 'lossInspector.copyResult', clear: 'lossInspector.clearResults', explain: 'lossInspector.explain', state: 'lossInspector._state' };
const ws = () => vscode.workspace.workspaceFolders[0].uri;
const wsUri = (name) => vscode.Uri.joinPath(ws(), name);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const state = () => vscode.commands.executeCommand(C.state);
const compute = (args) => vscode.commands.executeCommand(C.compute, args);

async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    await sleep(100);
  }
  throw last || new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Asks the driver for something only the page can do (a screenshot, the webview's DOM); resolves to its answer. */
async function ask(what, arg = '') {
  // eslint-disable-next-line no-undef
  const res = await fetch(`${__DRIVER__}/ask?what=${encodeURIComponent(what)}&arg=${encodeURIComponent(arg)}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`driver: ${text}`);
  return text;
}

async function open(name) {
  const doc = await vscode.workspace.openTextDocument(wsUri(name));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  return { doc, editor };
}

async function hoverText(uri, pos) {
  const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, pos)) || [];
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n---\n');
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('runs in the web-worker extension host (no process), from the browser entry with the web platform', async () => {
  assert.strictEqual(typeof process, 'undefined', 'a web-worker host has no process');
  assert.strictEqual(typeof require('vscode').version, 'string');
  assert.strictEqual(vscode.env.uiKind, vscode.UIKind.Web);
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, `${EXT_ID} is loaded`);
  const api = await ext.activate();
  assert.strictEqual(api.services.platform.name, 'web', 'activated through extension.web.ts');
  assert.notStrictEqual(ws().scheme, 'file', `a virtual workspace (${ws().scheme})`);
  const st = await state();
  console.log(`[web-e2e] activation (measured by the extension): ${st.activationMs.toFixed(1)} ms`);
});

test('a seed snippet (seeds.py, from the seed articles) evaluates as Keras prints it, with inline results', async () => {
  const { doc } = await open('seeds.py');
  const r = await compute({ uri: doc.uri.toString() });
  assert.deepStrictEqual(r.results.map((x) => x.printed), ['0.2876821', '2.0', '5.0', '0.155']);
  assert.strictEqual(r.usedWorker, false, 'a small file runs on the host thread');
  const decos = (await state()).decorations.filter((d) => d.uri === doc.uri.toString());
  assert.deepStrictEqual(decos.map((d) => d.text.match(/^→\s*(\S+)/)?.[1]), ['0.2876821', '2.0', '5.0', '0.155']);
  await ask('shot', 'web-1-inline-results');
});

test('hovers: the loss name shows its documentation with the plot, the inline result its reduction', async () => {
  const { doc } = await open('seeds.py');
  const at = doc.getText().indexOf('CategoricalCrossentropy()');
  const md = await hoverText(doc.uri, doc.positionAt(at + 3));
  assert.match(md, /keras\.losses\.CategoricalCrossentropy/);
  assert.match(md, /\(data:image\/svg\+xml/);
  const r = await compute({ uri: doc.uri.toString() });
  const line = r.results[0].lineEnd - 1;
  const res = await hoverText(doc.uri, new vscode.Position(line, doc.lineAt(line).text.length));
  assert.match(res, /\*\*Reduction\*\*/);
  assert.match(res, /\]\(command:lossInspector\.openPanel\?/);
});

test('the panel renders the result in its webview: Huber → 0.155, delta 0.5 → 0.15125', async () => {
  await vscode.commands.executeCommand(C.openPanel, { request: { loss: 'Huber', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]] } });
  await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'result' && s.valueText === '0.155'; }, 15000, 'Huber in the panel state');
  assert.strictEqual(await ask('webview-text', '#result-value 0.155'), '0.155', 'the value the webview shows');
  await vscode.commands.executeCommand(C.openPanel, { request: { loss: 'Huber', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]], config: { delta: 0.5 } } });
  assert.strictEqual(await ask('webview-text', '#result-value 0.15125'), '0.15125');
  await ask('shot', 'web-2-panel');
});

test('a user-defined loss, inline and in the panel (the custom-loss interpreter, loaded on first use)', async () => {
  const src = 'import numpy as np\nimport tensorflow as tf\ndef my_loss(y_true, y_pred):\n    return tf.reduce_mean(tf.square(y_true - y_pred))\nl = my_loss(np.array([[0., 1.]]), np.array([[1., 1.]]))\nprint(l)\n';
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content: src });
  await vscode.window.showTextDocument(doc);
  const r = await compute();
  assert.deepStrictEqual(r.results.map((x) => x.printed), ['0.5'], JSON.stringify(r.diagnostics));
  await vscode.commands.executeCommand(C.openPanel);
  const st = await waitFor(async () => { const s = (await state()).panel.state; return s && s.kind === 'result' && s.custom ? s : null; }, 15000, 'the user loss in the panel');
  assert.strictEqual(st.valueText, '0.5');
  assert.strictEqual(await ask('webview-text', '#result-value 0.5'), '0.5');
  await ask('shot', 'web-3-panel-custom');
});

test('a large input (300 kB) is evaluated in the Web Worker with the right value', async () => {
  const n = 30000;
  const yt = Array.from({ length: n }, (_, i) => ((i % 7) / 7).toFixed(6));
  const yp = Array.from({ length: n }, (_, i) => (((i + 3) % 7) / 7).toFixed(6));
  const text = `import keras\ny_true = [${yt.join(', ')}]\ny_pred = [${yp.join(', ')}]\nprint(keras.losses.MeanSquaredError()(y_true, y_pred).numpy())\n`;
  assert.ok(text.length > 300000);
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content: text });
  await vscode.window.showTextDocument(doc);
  const t0 = Date.now();
  const r = await compute();
  console.log(`[web-e2e] 300 kB snippet in the Web Worker: ${Date.now() - t0} ms`);
  assert.strictEqual(r.usedWorker, true, 'over lossInspector.worker.thresholdChars');
  assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  let s = 0;
  for (let i = 0; i < n; i++) { const e = Math.fround(Number(yp[i])) - Math.fround(Number(yt[i])); s += e * e; }
  assert.ok(Math.abs(Number(r.results[0].printed) - s / n) < 1e-5, `${r.results[0].printed} vs ${s / n}`);
});

test('the Web Worker gives the host thread\'s numbers (threshold lowered to 10 characters)', async () => {
  const cfg = vscode.workspace.getConfiguration('lossInspector');
  await cfg.update('worker.thresholdChars', 10, vscode.ConfigurationTarget.Global);
  try {
    const { doc } = await open('seeds.py');
    const r = await compute({ uri: doc.uri.toString() });
    assert.strictEqual(r.usedWorker, true);
    assert.deepStrictEqual(r.results.map((x) => x.printed), ['0.2876821', '2.0', '5.0', '0.155']);
  } finally {
    await cfg.update('worker.thresholdChars', undefined, vscode.ConfigurationTarget.Global);
  }
});

test('two arrays with a loss, Explain Loss and Copy Result', async () => {
  const { doc } = await open('arrays.py');
  const line = 3; // [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
  const r = await compute({ uri: doc.uri.toString(), range: [line, 0, line, doc.lineAt(line).text.length], loss: 'Huber' });
  assert.strictEqual(r.kind, 'arrays');
  assert.deepStrictEqual(r.results.map((x) => x.printed), ['0.155'], JSON.stringify(r.diagnostics));
  const md = await vscode.commands.executeCommand(C.explain, 'huber');
  assert.match(md, /keras\.losses\.Huber/);
  const text = await vscode.commands.executeCommand(C.copy, { uri: doc.uri.toString(), line: r.results[0].line - 1 });
  assert.strictEqual(text, r.results[0].printed);
});

test('two arrays with a torch loss: the torch core loads on first use in the web worker host; Swap', async () => {
  const { doc } = await open('torch_arrays.py');
  const a = [...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text === '[0, 1]');
  const range = [a, 0, a + 1, doc.lineAt(a + 1).text.length];
  const r = await compute({ uri: doc.uri.toString(), range, loss: 'nn.CrossEntropyLoss', swap: true });
  assert.deepStrictEqual(r.results.map((x) => x.printed), ['tensor(0.3185)'], JSON.stringify(r.diagnostics));
  assert.strictEqual(r.results[0].decoration, '→ tensor(0.3185)');
  assert.match(r.results[0].torchArgs, /input ← the second array .*swapped by you/);
  const wrong = await compute({ uri: doc.uri.toString(), range, loss: 'nn.CrossEntropyLoss' });
  assert.match(wrong.diagnostics[0].message, /Swap input and target/);
});

exports.run = async function run() {
  let passed = 0, failed = 0;
  for (const t of tests) {
    const t0 = Date.now();
    try { await t.fn(); passed++; console.log(`  ✔ ${t.name} (${Date.now() - t0} ms)`); }
    catch (e) { failed++; console.log(`  ✗ ${t.name}\n      ${String((e && e.stack) || e).split('\n').slice(0, 5).join('\n      ')}`); }
    await vscode.commands.executeCommand(C.clear).then(undefined, () => undefined);
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} web e2e test(s) failed`);
};
