// Live values from a paused program: a REAL debugpy (Debian's python3-debugpy under /usr/bin/python3) driven
// through VS Code's own debug UI by the test-only `debugpy` debugger type of fixtures/extensions/test-debugpy,
// and a Node program under the js-debug that ships with VS Code. Expected values: Keras's Huber docstring
// example (keras/src/losses/losses.py, Huber: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] → 0.155).
'use strict';
const assert = require('assert');
const cp = require('child_process');
const net = require('net');
const vscode = require('vscode');
const { C, wsUri, waitFor, state } = require('./helpers');

const PY = '/usr/bin/python3';
const hasDebugpy = () => cp.spawnSync(PY, ['-c', 'import debugpy, numpy'], { stdio: 'ignore' }).status === 0;
const COMPUTE_WITH = 'lossInspector.computeLossWith';
const WATCH = 'lossInspector.watchLoss';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}
/** Waits until something listens on the port (read from /proc/net/tcp: a probing connect would take debugpy's only client slot). */
async function waitPort(port, ms = 15000) {
  const end = Date.now() + ms;
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (;;) {
    const tcp = require('fs').readFileSync('/proc/net/tcp', 'utf8');
    if (tcp.split('\n').some((l) => { const f = l.trim().split(/\s+/); return f[1] && f[1].endsWith(`:${hex}`) && f[3] === '0A'; })) return;
    if (Date.now() > end) throw new Error(`debugpy did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sees the adapters' `stopped` events (onDidChangeActiveStackItem does not fire headless). */
const stops = [];
let tracker;
function watchStops() {
  tracker ??= vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker: (session) => ({
      onDidSendMessage: (m) => { if (m.type === 'event' && m.event === 'stopped') stops.push({ session, threadId: m.body.threadId }); },
    }),
  });
}

async function breakAt(file, marker) {
  const doc = await vscode.workspace.openTextDocument(wsUri(file));
  const line = doc.getText().split('\n').findIndex((l) => l.includes(marker));
  vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
  vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(doc.uri, new vscode.Position(line, 0)))]);
  return line + 1;
}

async function stopSession() {
  const s = vscode.debug.activeDebugSession;
  if (s) await vscode.debug.stopDebugging(s);
  await waitFor(() => !vscode.debug.activeDebugSession, 10000, 'the debug session to end').catch(() => {});
}

const panelState = async () => (await state()).panel.state;

suite('debugger: live values (debugpy)', function () {
  this.timeout(90000);
  let proc;
  let line;
  suiteSetup(async function () {
    if (!hasDebugpy()) { console.log('    ! skipped: /usr/bin/python3 lacks debugpy/numpy (scripts/setup.sh installs them)'); this.skip(); }
    watchStops();
    line = await breakAt('debug_train.py', '# STOP');
    const port = await freePort();
    proc = cp.spawn(PY, ['-m', 'debugpy', '--listen', `127.0.0.1:${port}`, '--wait-for-client', wsUri('debug_train.py').fsPath], { stdio: 'ignore' });
    await waitPort(port);
    stops.length = 0;
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders[0], { type: 'debugpy', request: 'attach', name: 'e2e debugpy', connect: { host: '127.0.0.1', port }, justMyCode: true });
    assert.ok(ok, 'startDebugging returned false');
    await waitFor(() => stops.length >= 1, 30000, 'the first stop at the breakpoint');
  });
  suiteTeardown(async () => { await stopSession(); if (proc && proc.exitCode === null) proc.kill('SIGKILL'); });

  test('Compute Loss with… on `logits` from the Variables view: Huber(y_true, logits) = 0.155 in the panel, with dtype and shape', async () => {
    const session = vscode.debug.activeDebugSession;
    assert.strictEqual(session.type, 'debugpy');
    // The argument the Variables view's context menu passes.
    const r = await vscode.commands.executeCommand(COMPUTE_WITH, { sessionId: session.id, container: { name: 'Locals', variablesReference: 1, expensive: false },
      variable: { name: 'logits', value: 'array([[0.6, 0.4], …', evaluateName: 'logits', variablesReference: 0 }, other: 'y_true', loss: 'Huber' });
    assert.ok(r && !r.error, JSON.stringify(r));
    assert.strictEqual(r.printed, '0.155');
    assert.deepStrictEqual([r.yPred.expression, r.yPred.dtype, r.yPred.shape, r.yTrue.expression], ['logits', 'float32', [2, 2], 'y_true']);
    assert.strictEqual(r.where.line, line);
    const st = await waitFor(async () => { const s = await panelState(); return s && s.kind === 'result' && s.title === 'Huber(y_true, logits)' ? s : null; }, 15000, 'the panel on the debugger result');
    assert.strictEqual(st.valueText, '0.155');
    assert.ok(st.notes.some((n) => /^y_pred = logits: float32 \(2, 2\) numpy/.test(n)), st.notes.join('\n'));
    assert.ok(st.notes.some((n) => /debug_train\.py:\d+/.test(n)), st.notes.join('\n'));
  });

  test('a value that is not an array is refused with what it is; an unknown name with the Python error', async () => {
    const r = await vscode.commands.executeCommand(COMPUTE_WITH, { expression: 'np', other: 'y_true', loss: 'mse' });
    assert.match(r.error, /`np` is not an array but a module/);
    const u = await vscode.commands.executeCommand(COMPUTE_WITH, { expression: 'no_such_name', other: 'y_true', loss: 'mse' });
    assert.match(u.error, /Could not evaluate `no_such_name`.*NameError/);
  });

  test('a literal as the other argument is read as such (nothing evaluated)', async () => {
    const r = await vscode.commands.executeCommand(COMPUTE_WITH, { expression: 'logits', other: '[[0, 1], [0, 0]]', loss: 'Huber' });
    assert.strictEqual(r.printed, '0.155');
    assert.strictEqual(r.yTrue.dtype, 'float64');
  });

  test('Watch loss over 5 stops: values per stop, the NaN stop marked with its element, ended with the session', async () => {
    const session = vscode.debug.activeDebugSession;
    const w = await vscode.commands.executeCommand(WATCH, { yTrue: 'y_true', yPred: 'logits', loss: 'Huber' });
    assert.ok(w && !w.error, JSON.stringify(w));
    const watchOf = async () => { const s = await panelState(); return s && s.session && s.session.watch; };
    await waitFor(async () => { const x = await watchOf(); return x && x.points.length === 1; }, 15000, 'stop 1 in the panel');
    for (let n = 2; n <= 5; n++) {
      const before = stops.length;
      await session.customRequest('continue', { threadId: stops[stops.length - 1].threadId });
      await waitFor(() => stops.length > before, 20000, `stop ${n}`);
      await waitFor(async () => { const x = await watchOf(); return x && x.points.length === n; }, 20000, `stop ${n} in the panel`);
    }
    const x = await watchOf();
    assert.deepStrictEqual(x.points.map((p) => p.stop), [1, 2, 3, 4, 5]);
    assert.strictEqual(x.points[0].text, '0.155');
    for (const i of [0, 1, 2, 4]) assert.ok(Number.isFinite(x.points[i].value) && !x.points[i].bad, JSON.stringify(x.points[i]));
    assert.strictEqual(x.points[3].value, null);
    assert.strictEqual(x.points[3].text, 'nan');
    assert.match(x.points[3].bad, /^y_pred logits\[1, 1\] = nan \(1 non-finite value\)$/);
    // Each stop's loss differs (logits move by 0.1 per step): the panel is not showing one stop five times.
    assert.strictEqual(new Set([0, 1, 2, 4].map((i) => x.points[i].text)).size, 4);
    const t = await panelState();
    assert.match(t.title, /^Watch: Huber\(y_true, logits\) — stop 5$/);
    await session.customRequest('continue', { threadId: stops[stops.length - 1].threadId });
    await waitFor(async () => { const y = await watchOf(); return y && y.ended; }, 20000, 'the watch to end with the session');
  });
});

suite('debugger: live values (js-debug, Node)', function () {
  this.timeout(90000);
  suiteSetup(async function () {
    watchStops();
    await breakAt('debug_train.js', '// STOP');
    stops.length = 0;
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders[0], { type: 'pwa-node', request: 'launch', name: 'e2e node', program: wsUri('debug_train.js').fsPath, console: 'internalConsole' });
    assert.ok(ok, 'startDebugging(pwa-node) returned false');
    await waitFor(() => stops.some((s) => s.session.type === 'pwa-node'), 45000, 'js-debug to stop at the breakpoint');
  });
  suiteTeardown(stopSession);

  test('Compute Loss with… on Float32Array rows and a nested array: Huber = 0.155, float32 kept', async () => {
    const sess = stops.find((s) => s.session.type === 'pwa-node').session;
    const r = await vscode.commands.executeCommand(COMPUTE_WITH, { sessionId: sess.id, variable: { name: 'logits', evaluateName: 'logits' }, other: 'yTrue', loss: 'Huber' });
    assert.ok(r && !r.error, JSON.stringify(r));
    assert.strictEqual(r.printed, '0.155');
    assert.deepStrictEqual([r.yPred.dtype, r.yPred.shape, r.yTrue.shape], ['float32', [2, 2], [2, 2]]);
    const f = await vscode.commands.executeCommand(COMPUTE_WITH, { sessionId: sess.id, expression: 'flat', other: '[0, 1, 0, 0]', loss: 'Huber' });
    assert.strictEqual(f.printed, '0.155');
    assert.deepStrictEqual([f.yPred.dtype, f.yPred.kind], ['float64', 'typed']);
  });
});
