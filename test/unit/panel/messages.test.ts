/**
 * What the panel host posts per state (panelMessages.ts) and the patches of a step (statePatch.ts, issue 16): the
 * state the webview ends up with after a patch is the state it would have been sent in full, field for field.
 */
import * as assert from 'node:assert/strict';
import { StateMessages, forWebview } from '../../../src/extension/panelMessages';
import { applyIntent, buildState, sessionFromArgs, TensorCache } from '../../../src/extension/panelModel';
import { applyPatch, changedKeys, diffState, sameValue } from '../../../src/shared/statePatch';
import { withData, type HostToWebview, type Intent, type PanelSession, type PanelState, type ResultState } from '../../../src/shared/protocol';

/** What the webview holds after a message (main.ts: sameData puts its arrays back, a patch applies to its state). */
function receive(held: PanelState | null, m: HostToWebview): PanelState {
  if (m.type === 'state') return m.sameData ? withData(m.state, held && held.kind !== 'empty' ? held.session : undefined) : m.state;
  if (m.type === 'patch') { assert.ok(held && held.kind === 'result', 'a patch needs a result to apply to'); return applyPatch(held, m.ops); }
  throw new Error(`unexpected ${m.type}`);
}

/** A JSON round trip: what postMessage delivers. */
const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function pair(rows: number, cols: number, seed = 3): { yTrue: { shape: number[]; data: Float64Array }; yPred: { shape: number[]; data: Float64Array } } {
  let s = seed;
  const rnd = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  const t = () => ({ shape: [rows, cols], data: Float64Array.from({ length: rows * cols }, () => Math.fround(rnd() * 4 - 2)) });
  return { yTrue: t(), yPred: t() };
}

/** Runs intents through the model and the messages; after each, the webview's state equals the full state. */
function steps(first: PanelSession, intents: Intent[]): { kinds: string[]; patches: Extract<HostToWebview, { type: 'patch' }>[] } {
  const msgs = new StateMessages();
  const cache = new TensorCache();
  let session = first;
  let held: PanelState | null = null;
  const kinds: string[] = [], patches: Extract<HostToWebview, { type: 'patch' }>[] = [];
  for (const intent of [null, ...intents]) {
    if (intent) session = applyIntent(session, intent)!;
    const st = buildState(session, cache);
    const m = wire(msgs.next(st));
    kinds.push(m.type);
    if (m.type === 'patch') patches.push(m);
    held = receive(held, m);
    assert.deepEqual(held, wire(forWebview(st)), `after ${intent ? JSON.stringify(intent) : 'open'}: the webview's state is the full state`);
  }
  return { kinds, patches };
}

describe('panel messages: a step on the same arrays is a patch', () => {
  it('small arrays: delta, reduction none (an unreduced result), the swept element, a page, a loss switch', () => {
    const { yTrue, yPred } = pair(40, 30);
    const s = sessionFromArgs({ request: { loss: 'Huber', yTrue, yPred }, title: 'Huber' })!;
    const r = steps(s, [
      { type: 'setParam', name: 'delta', value: 0.5 },
      { type: 'setReduction', reduction: 'none' },
      { type: 'setReduction', reduction: 'sum' },
      { type: 'setSweepElement', element: 77 },
      { type: 'setPage', view: 'grad', offset: 500 },
      { type: 'setCompare', enabled: true },
      { type: 'setLoss', loss: 'MeanSquaredError' },
      { type: 'setView', view: 'frameworks' },
    ]);
    assert.deepEqual(r.kinds, ['state', 'patch', 'patch', 'patch', 'patch', 'patch', 'patch', 'patch', 'patch']);
    // the delta step: the loss list and the inputs' views are the webview's already
    const delta = changedKeys(r.patches[0].ops);
    for (const k of ['lossOptions', 'yTrue', 'yPred', 'shapes', 'gradAxes']) assert.ok(!delta.has(k), `${k} re-sent: ${[...delta].join(' ')}`);
    for (const k of ['valueText', 'curve', 'grad', 'perSample', 'gradMap', 'params', 'session']) assert.ok(delta.has(k), `${k} missing from the delta step: ${[...delta].join(' ')}`);
    // a page move changes the element windows, not the curve
    const page = changedKeys(r.patches[4].ops);
    assert.ok(page.has('grad') && page.has('yTrue') && page.has('yPred') && !page.has('curve'), [...page].join(' '));
  });

  it('a session above the persisted size: the arrays never go, the step leaves out y_true/y_pred, the loss list and unchanged heatmap bins', () => {
    const { yTrue, yPred } = pair(300, 1000);
    const s = sessionFromArgs({ request: { loss: 'Huber', yTrue, yPred }, title: 'Huber 3e5' })!;
    const msgs = new StateMessages();
    const cache = new TensorCache();
    const st0 = buildState(s, cache) as ResultState;
    const open = wire(msgs.next(st0));
    assert.equal(open.type, 'state');
    const s1 = applyIntent(s, { type: 'setParam', name: 'delta', value: 1.75 })!;
    const st1 = buildState(s1, cache) as ResultState;
    const m = wire(msgs.next(st1));
    assert.equal(m.type, 'patch');
    if (m.type !== 'patch' || open.type !== 'state') return;
    const paths = m.ops.map((op) => op[0].join('.'));
    for (const p of paths) assert.ok(!/^(yTrue|yPred|lossOptions|gradMap\.(rowStarts|colStarts))/.test(p), `re-sent: ${p}`);
    assert.ok(paths.includes('gradMap.values'), paths.join(' '));
    assert.equal(paths.includes('gradMap.index'), !sameValue(st0.gradMap!.index, st1.gradMap!.index), 'the bins\' indices go only when they changed');
    assert.deepEqual(applyPatch(open.state, m.ops), wire(forWebview(st1)));
    const full = JSON.stringify({ type: 'state', state: forWebview(st1) }).length, sent = JSON.stringify(m).length;
    assert.ok(sent < full * 0.75, `patch ${sent} chars against the full state's ${full}`);
  });

  it('a torch session: a step is a patch too, and the webview state equals the full one', () => {
    const input = { shape: [6, 4], data: Float64Array.from({ length: 24 }, (_, i) => Math.fround(Math.sin(i))) };
    const target = { shape: [6], data: Float64Array.from([0, 3, 1, 2, 2, 0]) };
    const s: PanelSession = {
      request: { loss: 'nn.CrossEntropyLoss', framework: 'torch', mode: 'class', yPred: input, yTrue: target, dtypes: { input: 'float32', target: 'int64' }, config: {} },
      title: 'ce', sweepElement: -1, compare: { enabled: false, losses: [] },
    };
    const r = steps(s, [{ type: 'setParam', name: 'label_smoothing', value: 0.2 }, { type: 'setReduction', reduction: 'none' }]);
    assert.deepEqual(r.kinds, ['state', 'patch', 'patch']);
  });

  it('after a reload (reset) and after an error the whole state goes again', () => {
    const { yTrue, yPred } = pair(5, 4);
    const s = sessionFromArgs({ request: { loss: 'Huber', yTrue, yPred }, title: 'h' })!;
    const msgs = new StateMessages();
    assert.equal(msgs.next(buildState(s)).type, 'state');
    msgs.reset();
    const again = msgs.next(buildState(s));
    assert.equal(again.type, 'state');
    assert.ok(again.type === 'state' && !again.sameData, 'the arrays again after a reload');
    const bad = applyIntent(s, { type: 'setParam', name: 'delta', value: -1 })!;
    const err = msgs.next(buildState(bad));
    assert.ok(err.type === 'state' && err.state.kind === 'error' && err.sameData, `${err.type}`);
    assert.equal(msgs.next(buildState(s)).type, 'state', 'a result after an error is a whole state');
  });
});

describe('state patches', () => {
  it('sets changed leaves, removes keys that went, keeps the rest shared', () => {
    const a = { x: 1, big: { values: [1, 2, 3], index: [0, 1, 2] }, note: 'n', gone: { k: 1 }, arr: [{ a: 1 }] };
    const b = { x: 2, big: { values: [1, 2, 4], index: [0, 1, 2] }, arr: [{ a: 1 }], added: null };
    const ops = diffState(a, b);
    assert.deepEqual(ops.map((o) => o[0].join('.')).sort(), ['added', 'big.values', 'gone', 'note', 'x']);
    const c = applyPatch(a, wire(ops));
    assert.deepEqual(c, b);
    assert.equal((c as typeof a).big.index, a.big.index, 'unchanged arrays are the same objects');
    assert.equal(a.x, 1, 'the base is not modified');
    assert.equal(diffState(b, b).length, 0);
  });

  it('undefined counts as absent; NaN equals NaN; an array that became an object is replaced', () => {
    assert.deepEqual(diffState({ a: undefined, n: NaN }, { n: NaN }), []);
    assert.deepEqual(diffState({ a: 1 }, { a: undefined }), [[['a']]]);
    assert.deepEqual(diffState({ a: [1] }, { a: { 0: 1 } }), [[['a'], { 0: 1 }]]);
    assert.throws(() => applyPatch({ a: 1 }, [[['a', 'b'], 2]]), /a is not an object/);
  });
});
