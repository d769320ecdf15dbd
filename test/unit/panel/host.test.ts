/** panel.ts against an in-memory vscode: HTML/CSP, ready → state, intents → state + reply, exports, restore. */
import './vscode-stub';
import * as assert from 'node:assert/strict';
import { fake, FakePanel, FakeUri } from './vscode-stub';
import { registerPanel } from '../../../src/extension/panel';
import { withData, type HostToWebview, type PanelState, type ResultState } from '../../../src/shared/protocol';
import { applyPatch } from '../../../src/shared/statePatch';

const context = { extensionUri: new FakeUri('/ext'), subscriptions: [] } as never;
const logged: string[] = [];
const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), debug: () => undefined, error: (m: string) => logged.push(m), trace: () => undefined } as never;
const HUBER = { loss: 'Huber', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]] };

const tick = () => new Promise((r) => setTimeout(r, 5));
function messages(p: FakePanel): HostToWebview[] { return p.webview.posted as HostToWebview[]; }
/**
 * The state the webview holds after the messages posted so far (as main.ts builds it: a state, a state without the
 * arrays it keeps, or a patch of the state it shows), and how the last one came: `sameData` or `patch`.
 */
function lastState(p: FakePanel): { state: PanelState; sameData?: boolean; patch?: boolean } {
  let held: PanelState | null = null;
  let how: { sameData?: boolean; patch?: boolean } = {};
  for (const m of messages(p)) {
    if (m.type === 'state') { held = m.sameData ? withData(m.state, held && held.kind !== 'empty' ? held.session : undefined) : m.state; how = m.sameData ? { sameData: true } : {}; }
    else if (m.type === 'patch') { assert.ok(held?.kind === 'result', 'a patch comes after a result'); held = applyPatch(held, JSON.parse(JSON.stringify(m.ops))); how = { patch: true }; }
  }
  assert.ok(held, 'a state was posted');
  return { state: held, ...how };
}
function reply(p: FakePanel, id: number): HostToWebview & { type: 'reply' } {
  const r = messages(p).find((x) => x.type === 'reply' && x.id === id) as (HostToWebview & { type: 'reply' }) | undefined;
  assert.ok(r, `reply ${id}`);
  return r;
}

describe('panel host (registerPanel) with an in-memory vscode', () => {
  beforeEach(() => fake.reset());

  it('creates one webview with the strict CSP, nonce script and resource roots limited to dist/ and media/', () => {
    const h = registerPanel(context, log);
    h.open({ request: HUBER, title: 'Huber' });
    assert.equal(fake.panels.length, 1);
    const p = fake.panels[0];
    assert.equal(p.viewType, 'lossInspector.panel');
    assert.equal(p.title, 'Loss: Huber');
    assert.equal(p.createOptions.retainContextWhenHidden, undefined);
    const roots = (p.webview.options.localResourceRoots as FakeUri[]).map((u) => u.path).sort();
    assert.deepEqual(roots, ['/ext/dist', '/ext/media']);
    assert.equal(p.webview.options.enableScripts, true);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(p.webview.html)![1];
    const nonce = /nonce="([^"]+)"/.exec(p.webview.html)![1];
    assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src https://fake.vscode-cdn.net; font-src https://fake.vscode-cdn.net; img-src https://fake.vscode-cdn.net data:;`);
    assert.match(p.webview.html, /src="https:\/\/\/ext\/dist\/webview\.js"/);
    h.open({ request: HUBER });
    assert.equal(fake.panels.length, 1, 'a second open reveals the same panel');
    assert.equal(p.revealed, 1);
    h.dispose();
    assert.ok(p.disposed);
  });

  it('ready → the full state; setParam → a patch (the arrays stay the webview\'s), and an ok reply', async () => {
    const h = registerPanel(context, log);
    h.open({ request: HUBER });
    const p = fake.panels[0];
    p.webview.send({ type: 'ready', id: 1 });
    await tick();
    const first = lastState(p);
    assert.equal(first.sameData, undefined);
    assert.equal(first.state.kind, 'result');
    assert.equal((first.state as ResultState).valueText, '0.155');
    assert.deepEqual((first.state as ResultState).session.request.yPred, HUBER.yPred);
    assert.equal(reply(p, 1).ok, true);
    p.webview.send({ type: 'setParam', name: 'delta', value: 0.5, id: 2 });
    await tick();
    const second = lastState(p);
    assert.equal(second.patch, true);
    assert.equal((second.state as ResultState).valueText, '0.15125');
    assert.deepEqual((second.state as ResultState).session.request.config, { delta: 0.5 });
    assert.deepEqual((second.state as ResultState).session.request.yPred, HUBER.yPred, 'the webview keeps its arrays');
    const sent = messages(p).filter((x) => x.type === 'patch').pop() as HostToWebview & { type: 'patch' };
    assert.ok(!JSON.stringify(sent.ops).includes('lossOptions') && !sent.ops.some((op) => op[0].includes('yPred')), 'no loss list, no arrays in the step');
    assert.equal(reply(p, 2).ok, true);
    assert.equal(h.lastState()?.kind, 'result');
    // after a webview reload (ready again) the arrays are sent again
    p.webview.send({ type: 'ready' });
    await tick();
    assert.equal(lastState(p).sameData, undefined);
    h.dispose();
  });

  it('bad intents get an error reply, malformed messages are ignored, a bad parameter is an error state', async () => {
    const h = registerPanel(context, log);
    h.open({ request: HUBER });
    const p = fake.panels[0];
    p.webview.send({ type: 'setParam', name: 'gamma', value: 2, id: 7 });
    await tick();
    const r = reply(p, 7);
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /no parameter `gamma`/);
    const n = messages(p).length;
    p.webview.send({ type: 'evil', id: 8 });
    p.webview.send(null);
    await tick();
    assert.equal(messages(p).length, n, 'nothing posted for malformed messages');
    p.webview.send({ type: 'setParam', name: 'delta', value: -1, id: 9 });
    await tick();
    assert.equal(lastState(p).state.kind, 'error');
    assert.equal(reply(p, 9).ok, true);
    h.dispose();
  });

  it('exports: PNG and CSV written where the user chose, cancelled without a file, Python opened as an editor', async () => {
    const h = registerPanel(context, log);
    h.open({ request: HUBER });
    const p = fake.panels[0];
    p.webview.send({ type: 'exportPng', chart: 'curve', dataUrl: 'data:text/html;base64,AAAA', id: 1 });
    await tick();
    assert.equal(reply(p, 1).ok, false);
    p.webview.send({ type: 'exportPng', chart: 'curve', dataUrl: 'data:image/png;base64,iVBORw0KGgo=', id: 2 });
    await tick();
    assert.equal((reply(p, 2) as { message?: string }).message, 'cancelled');
    assert.equal(fake.written.length, 0);
    fake.saveTarget = new FakeUri('/tmp/out.png');
    p.webview.send({ type: 'exportPng', chart: 'curve', dataUrl: 'data:image/png;base64,iVBORw0KGgo=', id: 3 });
    await tick();
    assert.equal(reply(p, 3).ok, true);
    assert.deepEqual(Array.from(fake.written[0].bytes.slice(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
    fake.saveTarget = new FakeUri('/tmp/out.csv');
    p.webview.send({ type: 'exportCsv', id: 4 });
    await tick();
    assert.equal(reply(p, 4).ok, true);
    assert.match(new TextDecoder().decode(fake.written[1].bytes), /^# tf\.keras\.losses\.Huber\(\)\(y_true, y_pred\)\n/);
    p.webview.send({ type: 'exportPython', id: 5 });
    await tick();
    assert.equal(reply(p, 5).ok, true);
    assert.equal(fake.opened[0].language, 'python');
    assert.match(fake.opened[0].content!, /tf\.keras\.losses\.Huber\(\)\(y_true, y_pred\)/);
    h.dispose();
  });

  it('restores a panel from the state the webview persisted (serializer)', async () => {
    const h = registerPanel(context, log);
    const s = fake.serializers.get('lossInspector.panel');
    assert.ok(s, 'serializer registered');
    const restored = new FakePanel('lossInspector.panel', 'Loss', undefined, {});
    await s.deserializeWebviewPanel(restored, { session: { request: { ...HUBER, config: { delta: 0.5 } }, sweepElement: -1, compare: { enabled: false, losses: [] } } });
    assert.match(restored.webview.html, /Content-Security-Policy/);
    restored.webview.send({ type: 'ready' });
    await tick();
    const st = lastState(restored).state as ResultState;
    assert.equal(st.valueText, '0.15125');
    // nothing persisted → an empty panel
    const empty = new FakePanel('lossInspector.panel', 'Loss', undefined, {});
    await s.deserializeWebviewPanel(empty, undefined);
    empty.webview.send({ type: 'ready' });
    await tick();
    assert.equal(lastState(empty).state.kind, 'empty');
    h.dispose();
  });
});

describe('panel host: honest sources and logs (issue 16)', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { vscodeStub } = require('./vscode-stub') as { vscodeStub: { workspace: { notebookDocuments: unknown[] } } };
  const nbUri = 'file:///w/huber.ipynb';
  const cells = ['vscode-notebook-cell:/w/huber.ipynb#W0sZmlsZQ%3D%3D', 'vscode-notebook-cell:/w/huber.ipynb#W1sdnNjb2RlLXJlbW90ZQ%3D%3D'];
  beforeEach(() => {
    fake.reset();
    logged.length = 0;
    vscodeStub.workspace.notebookDocuments = [{ uri: { toString: () => nbUri }, getCells: () => cells.map((u) => ({ document: { uri: { toString: () => u } } })) }];
  });
  afterEach(() => { vscodeStub.workspace.notebookDocuments = []; });

  it('a call in a notebook cell is linked as "huber.ipynb, cell 2, line 3", not by the cell URI', async () => {
    const h = registerPanel(context, log);
    h.open({ request: HUBER, title: 'Huber', source: { uri: cells[1], line: 3 } });
    const p = fake.panels[0];
    p.webview.send({ type: 'ready', id: 1 });
    await tick();
    const st = lastState(p).state as ResultState;
    assert.deepEqual(st.source, { uri: cells[1], line: 3, label: 'huber.ipynb, cell 2, line 3' });
    h.open({ request: HUBER, title: 'Huber', source: { uri: 'file:///w/torch_ce.py', line: 4 } });
    await tick();
    assert.equal((lastState(p).state as ResultState).source?.label, 'torch_ce.py:4');
    h.dispose();
  });

  it('example data says so and carries no file:line, even when a source is passed', async () => {
    const h = registerPanel(context, log);
    h.open({ request: HUBER, title: 'Huber (example)', example: true, source: { uri: 'file:///w/torch_ce.py', line: 4 } });
    const p = fake.panels[0];
    p.webview.send({ type: 'ready', id: 1 });
    await tick();
    const st = lastState(p).state as ResultState;
    assert.equal(st.title, 'Huber (example)');
    assert.equal(st.source, undefined);
    assert.equal(st.session.example, true);
    h.dispose();
  });

  it('every re-evaluation from the panel is logged with what changed, the value and the time', async () => {
    const h = registerPanel(context, log);
    h.open({ request: HUBER });
    const p = fake.panels[0];
    p.webview.send({ type: 'ready', id: 1 });
    await tick();
    p.webview.send({ type: 'setParam', name: 'delta', value: 0.5, id: 2 });
    await tick();
    p.webview.send({ type: 'setReduction', reduction: 'sum', id: 3 });
    await tick();
    const lines = logged.filter((l) => /^panel: set/.test(l));
    assert.equal(lines.length, 2, logged.join('\n'));
    // Huber(delta=0.5) on the Keras docstring inputs: 0.15125 (the e2e panel test's value); sum over 2 samples: 0.3025
    assert.match(lines[0], /^panel: setParam delta=0\.5 → Huber = 0\.15125 in \d+\.\d ms$/);
    assert.match(lines[1], /^panel: setReduction reduction="sum" → Huber = 0\.3025 in \d+\.\d ms$/);
    h.dispose();
  });
});

describe('panel host: a 1e5-deep parameter value from the webview', () => {
  beforeEach(() => { fake.reset(); logged.length = 0; });
  it('is an error reply naming the parameter and the nesting limit; the panel keeps its result', async () => {
    const h = registerPanel(context, log);
    h.open({ request: { loss: 'CategoricalCrossentropy', yTrue: [[0, 1]], yPred: [[0.4, 0.6]] } });
    const p = fake.panels[0];
    p.webview.send({ type: 'ready', id: 1 });
    await tick();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    p.webview.send({ type: 'setParam', name: 'axis', value: deep, id: 2 });
    await tick();
    assert.equal(lastState(p).state.kind, 'result');
    const r = reply(p, 2) as { ok: boolean; error?: string };
    assert.equal(r.ok, false);
    assert.match(String(r.error), /^CategoricalCrossentropy: argument `axis`: expected at most 64 levels of nested lists \(the nesting limit\)/);
    assert.ok(logged.some((l) => /^panel: setParam failed: .*argument `axis`.*64 levels/.test(l)), logged.join('\n'));
    h.dispose();
  });
});
