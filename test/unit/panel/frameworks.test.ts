/** The panel's Frameworks view model: compare rows of the panel's call, snippets, and each row along the main sweep. */
import * as assert from 'node:assert/strict';
import { applyIntent, buildState, sessionFromArgs } from '../../../src/extension/panelModel';
import { frameworksData, plotted, rowSnippet } from '../../../src/extension/model/frameworks';
import { compareFrameworks } from '../../../src/core/compare';
import { isWebviewMessage, type PanelSession, type ResultState } from '../../../src/shared/protocol';
import { fromNested, type Nested, type Tensor } from '../../../src/core/tensor';

function session(loss: string, yTrue: unknown, yPred: unknown, extra: { config?: Record<string, unknown>; view?: 'plots' | 'frameworks'; sweepElement?: number; sampleWeight?: unknown } = {}): PanelSession {
  return {
    request: { loss, yTrue: yTrue as never, yPred: yPred as never, sampleWeight: (extra.sampleWeight ?? null) as never, config: (extra.config ?? {}) as never },
    sweepElement: extra.sweepElement ?? -1, compare: { enabled: false, losses: [] }, title: 'test',
    ...(extra.view ? { view: extra.view } : {}),
  };
}
function result(s: PanelSession): ResultState {
  const st = buildState(s);
  assert.equal(st.kind, 'result', st.kind === 'error' ? st.message : st.kind);
  return st as ResultState;
}
/** y_pred with its flat element `e` set to v. */
function moved(yPred: Nested, e: number, v: number): Tensor {
  const t = fromNested(yPred, 'y_pred');
  const d = new Float64Array(t.data);
  d[e] = v;
  return { data: d, shape: t.shape };
}
const close = (a: number | null, b: number | null, rel = 1e-6) => (a === null || b === null ? a === b : Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b)));

const CCE_T = [[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]];
const CCE_P = [[0.05, 0.95, 0], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.3, 0.3, 0.4]];

describe('panel Frameworks view: model', () => {
  it('is computed only in the Frameworks view (the plots view carries no rows)', () => {
    const st = result(session('CategoricalCrossentropy', CCE_T, CCE_P));
    assert.deepEqual(st.frameworks, { view: 'plots', data: null });
    const fw = result(session('CategoricalCrossentropy', CCE_T, CCE_P, { view: 'frameworks' })).frameworks;
    assert.equal(fw.view, 'frameworks');
    assert.ok(fw.data && fw.data.rows.length >= 4, 'rows');
  });

  it("rows are compare.ts's rows of the panel's call: framework, call, value, same, why", () => {
    const fw = result(session('CategoricalCrossentropy', CCE_T, CCE_P, { view: 'frameworks' })).frameworks.data!;
    const c = compareFrameworks({ loss: 'CategoricalCrossentropy', config: {}, yTrue: CCE_T, yPred: CCE_P });
    assert.deepEqual(fw.rows.map((r) => [r.framework, r.call, r.role, r.why]), c.rows.map((r) => [r.framework, r.call, r.role, r.why]));
    fw.rows.forEach((r, i) => {
      assert.equal(r.value, plotted(c.rows[i].value), r.call);
      assert.equal(r.same, c.rows[i].role === 'source' || c.rows[i].same_as_source, r.call);
      assert.equal(r.unreduced, Array.isArray(c.rows[i].value), r.call);
      if (!r.same) assert.ok(r.why.length > 10, `a differing row says why: ${r.call}`);
    });
    assert.equal(fw.rows[0].role, 'source');
    assert.equal(fw.rows[0].valueText, '0.97863156');
    // the double softmax of CrossEntropyLoss on probabilities is a row that differs
    const ce = fw.rows.find((r) => r.call.startsWith('nn.CrossEntropyLoss()(y_pred'))!;
    assert.equal(ce.same, false);
    assert.match(ce.why, /softmaxed twice/);
  });

  it('each row along the sweep equals compare.ts on y_pred with the swept element moved to x (the same x as the main plot)', () => {
    const st = result(session('CategoricalCrossentropy', CCE_T, CCE_P, { view: 'frameworks' }));
    const fw = st.frameworks.data!;
    assert.deepEqual(fw.x, st.curve!.x, 'the main plot\'s sweep');
    assert.equal(fw.xLabel, st.curve!.xLabel);
    assert.equal(fw.series.length, fw.rows.length, 'one series per row');
    const e = st.sweep.element;
    for (const k of [0, 17, 50, 100]) {
      const c = compareFrameworks({ loss: 'CategoricalCrossentropy', config: {}, yTrue: CCE_T, yPred: moved(CCE_P, e, fw.x[k]) });
      fw.rows.forEach((r, i) => {
        const row = c.rows.find((q) => q.call === r.call && q.framework === r.framework)!;
        assert.equal(fw.series[i][k], plotted(row.value), `${r.call} at x=${fw.x[k]}`);
      });
    }
    // the source row is the main loss curve (computed by the sweep of curves.ts, another path)
    fw.series[0].forEach((v, k) => assert.ok(close(v, st.curve!.loss[k]), `source at x=${fw.x[k]}: ${v} vs ${st.curve!.loss[k]}`));
    assert.equal(fw.current, 0.95, "the input's own point");
  });

  it('Huber(delta=2) vs SmoothL1Loss(beta=2): the SmoothL1 curve is the Huber curve / β at every point; HuberLoss equals it', () => {
    // element 1: y_true = 1 there, so the error sweep's x is y_pred − 1
    const st = result(session('Huber', [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], { config: { delta: 2 }, view: 'frameworks', sweepElement: 1 }));
    const fw = st.frameworks.data!;
    const src = fw.series[0];
    src.forEach((v, k) => assert.ok(close(v, st.curve!.loss[k]), `source at x=${fw.x[k]}: ${v} vs the main curve ${st.curve!.loss[k]}`));
    assert.ok(close(fw.current!, 0.4 - 1), `current x ${fw.current}`);
    const huber = fw.rows.findIndex((r) => r.call.startsWith('nn.HuberLoss(delta=2.0)'));
    const smooth = fw.rows.findIndex((r) => r.call.startsWith('nn.SmoothL1Loss(beta=2.0)'));
    assert.ok(huber > 0 && smooth > 0, fw.rows.map((r) => r.call).join(' | '));
    assert.equal(fw.rows[huber].same, true);
    assert.equal(fw.rows[smooth].same, false);
    assert.match(fw.rows[smooth].why, /beta/);
    src.forEach((v, k) => {
      assert.ok(close(fw.series[huber][k], v, 1e-5), `HuberLoss at ${fw.x[k]}`);
      assert.ok(close(fw.series[smooth][k], v! / 2, 1e-5), `SmoothL1 at ${fw.x[k]}: ${fw.series[smooth][k]} vs ${v! / 2}`);
    });
    // the error sweep: y_pred[element] = y_true[element] + x
    assert.match(fw.xLabel, /error/);
  });

  it('updates when a parameter moves (setParam → new rows and curves)', () => {
    const s0 = session('Huber', [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], { config: { delta: 2 }, view: 'frameworks' });
    const s1 = applyIntent(s0, { type: 'setParam', name: 'delta', value: 0.5 })!;
    const a = result(s0).frameworks.data!, b = result(s1).frameworks.data!;
    assert.ok(b.rows.some((r) => r.call.includes('delta=0.5')), b.rows.map((r) => r.call).join(' | '));
    assert.notDeepEqual(a.series[0], b.series[0]);
    assert.equal(b.rows[0].valueText, result(s1).valueText);
  });

  it('unreduced rows (optax does not reduce) are plotted as the sum of their values', () => {
    const fw = result(session('CategoricalCrossentropy', CCE_T, [[0.05, 0.9, 0.05], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.3, 0.3, 0.4]], { view: 'frameworks' })).frameworks.data!;
    const per = fw.rows.find((r) => r.unreduced)!;
    const mean = fw.rows.find((r) => r.framework === 'optax' && r.call === `${per.call}.mean()`)!;
    assert.ok(per && mean, 'optax rows');
    assert.ok(close(per.value, mean.value! * 4, 1e-6), `sum ${per.value} = 4 × mean ${mean.value}`);
    assert.match(per.why, /does not reduce/);
  });

  it('a loss without ports: the view says so and names the loss; the result itself is unaffected', () => {
    const st = result(session('Tversky', [[0, 1]], [[0.6, 0.4]], { view: 'frameworks' }));
    assert.equal(st.frameworks.data, null);
    assert.match(st.frameworks.error!, /Tversky/);
    assert.equal(st.valueText.length > 0, true);
  });

  it('a large input: curves of the swept sample alone (said in scope), table of the whole input', () => {
    const yt = Array.from({ length: 400 }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0)));
    const yp = Array.from({ length: 400 }, (_, i) => { const p = Array.from({ length: 10 }, (_, j) => 1 + ((i * 7 + j * 3) % 5)); const s = p.reduce((a, b) => a + b, 0); return p.map((x) => x / s); });
    const st = result(session('CategoricalCrossentropy', yt, yp, { view: 'frameworks', sweepElement: 10 * 37 + 7 }));
    const fw = st.frameworks.data!;
    assert.match(fw.scope!, /sample 37 alone/);
    const whole = compareFrameworks({ loss: 'CategoricalCrossentropy', config: {}, yTrue: yt, yPred: yp });
    fw.rows.forEach((r, i) => assert.equal(r.value, plotted(whole.rows[i].value), r.call));
    const k = 60;
    const row = { t: [yt[37]], p: moved([yp[37]], 7, fw.x[k]) };
    const one = compareFrameworks({ loss: 'CategoricalCrossentropy', config: {}, yTrue: row.t, yPred: row.p });
    fw.rows.forEach((r, i) => assert.equal(fw.series[i][k], plotted(one.rows.find((q) => q.call === r.call)!.value), r.call));
    assert.equal(fw.current, undefined, 'no input point on a one-sample curve');
  });

  it('beyond the table limit the rows are of the sample too', () => {
    const t = fromNested([[0, 1], [1, 0], [1, 1]], 'y_true'), p = fromNested([[0.2, 0.7], [0.9, 0.4], [0.6, 0.8]], 'y_pred');
    const fw = frameworksData({ loss: 'MeanSquaredError', yTrue: t, yPred: p }, { element: 3, x: [-1, 0, 1], xLabel: 'error', offset: 0 }, { tableElements: 4, sweepBudget: 1 });
    assert.match(fw.scope!, /sample 1 alone/);
    const one = compareFrameworks({ loss: 'MeanSquaredError', config: {}, yTrue: [[1, 0]], yPred: [[0.9, 0.4]] });
    assert.equal(fw.rows[0].value, plotted(one.rows[0].value));
    const at1 = compareFrameworks({ loss: 'MeanSquaredError', config: {}, yTrue: [[1, 0]], yPred: [[0.9, 1]] });
    assert.equal(fw.series[0][2], plotted(at1.rows[0].value));
  });

  it('snippets: the framework\'s imports, the arrays (class indices as integers), the printed call', () => {
    const fw = result(session('SparseCategoricalCrossentropy', [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], { view: 'frameworks' })).frameworks.data!;
    const nll = fw.rows.find((r) => r.call.startsWith('nn.NLLLoss'))!;
    assert.equal(nll.snippet, [
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'y_true = torch.tensor([1, 2])', 'y_pred = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], dtype=torch.float32)', '',
      'print(nn.NLLLoss()(torch.log(y_pred), y_true))', ''].join('\n'));
    const ox = fw.rows.find((r) => r.framework === 'optax')!;
    assert.match(ox.snippet, /^import jax\nimport jax\.numpy as jnp\nimport optax\n/);
    assert.match(ox.snippet, /y_true = jnp\.array\(\[1, 2\]\)\n/);
    assert.match(fw.rows[0].snippet, /^import numpy as np\nimport keras\n/);
    const w = rowSnippet({ framework: 'keras2', call: 'tf.keras.losses.Huber()(y_true, y_pred, sample_weight=sample_weight)' },
      { yTrue: fromNested([0, 1], 'y_true'), yPred: fromNested([0.5, 0.5], 'y_pred'), sampleWeight: fromNested([1, 2], 'w'), labels: false });
    assert.match(w, /import tensorflow as tf\n/);
    assert.match(w, /sample_weight = np\.array\(\[1\.0, 2\.0\], dtype=np\.float32\)/);
    const big = rowSnippet({ framework: 'pytorch', call: 'nn.MSELoss()(y_pred, y_true)' }, { yTrue: { data: new Float64Array(3000), shape: [1000, 3] }, yPred: { data: new Float64Array(3000), shape: [1000, 3] }, sampleWeight: null, labels: false });
    assert.match(big, /# y_true \(1000, 3\), y_pred \(1000, 3\): your arrays/);
    assert.ok(big.length < 300, 'no 3000-number literal');
  });

  it('snippets define every array their call names (weight[y_true], * sample_weight), and torch weights are tensors', () => {
    const ce = result({ request: { loss: 'nn.CrossEntropyLoss', framework: 'torch', mode: 'class', yPred: [[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], yTrue: [1, 2], dtypes: { input: 'float32', target: 'int64' }, config: { weight: [1, 2, 0.5] } }, sweepElement: -1, compare: { enabled: false, losses: [] }, view: 'frameworks' } as PanelSession).frameworks.data!;
    const src = ce.rows[0];
    assert.match(src.snippet, /print\(nn\.CrossEntropyLoss\(weight=torch\.tensor\(\[1, 2, 0\.5\]\)\)\(y_pred, y_true\)\)/);
    const kw = ce.rows.find((r) => r.framework === 'keras3' && /sample_weight=weight\[y_true\]\)$/.test(r.call))!;
    assert.ok(kw, 'a Keras row weighted by weight[y_true]');
    assert.match(kw.snippet, /\nweight = np\.array\(\[1\.0, 2\.0, 0\.5\], dtype=np\.float32\)\n/);
    const ox = ce.rows.find((r) => r.framework === 'optax' && r.call.includes('weight[y_true]'))!;
    assert.match(ox.snippet, /\nweight = jnp\.array\(\[1\.0, 2\.0, 0\.5\], dtype=jnp\.float32\)\n/);
    assert.doesNotMatch(ce.rows.find((r) => r.call === 'nn.CrossEntropyLoss()(y_pred, y_true)')!.snippet, /\nweight = /, 'only the arrays a call names');
    const hub = result(session('Huber', [[0, 1], [1, 0]], [[0.2, 0.7], [0.9, 0.4]], { view: 'frameworks', sampleWeight: [1, 3] })).frameworks.data!;
    const th = hub.rows.find((r) => r.framework === 'pytorch' && r.call.includes('* sample_weight'))!;
    assert.match(th.snippet, /\nsample_weight = torch\.tensor\(\[1\.0, 3\.0\], dtype=torch\.float32\)\n/);
  });

  it('a torch call in the panel: its rows read torch\'s input/target and dtypes (0/1 float targets stay floats for BCELoss)', () => {
    const ce = result({ request: { loss: 'nn.CrossEntropyLoss', framework: 'torch', mode: 'class', yPred: [[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], yTrue: [1, 2], dtypes: { input: 'float32', target: 'int64' }, config: {} }, sweepElement: -1, compare: { enabled: false, losses: [] }, view: 'frameworks' } as PanelSession).frameworks.data!;
    assert.equal(ce.rows[0].call, 'nn.CrossEntropyLoss()(y_pred, y_true)');
    const keras = ce.rows.find((r) => r.call === 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, y_pred)')!;
    assert.equal(keras.same, true);
    assert.ok(ce.series.every((ser) => ser.length === ce.x.length && ser.some((v) => v !== null)), 'every row swept');
    const bce = result({ request: { loss: 'nn.BCELoss', framework: 'torch', mode: 'class', yPred: [0.2, 0.9], yTrue: [0, 1], dtypes: { input: 'float32', target: 'float32' }, config: {} }, sweepElement: -1, compare: { enabled: false, losses: [] }, view: 'frameworks' } as PanelSession).frameworks;
    assert.equal(bce.error, undefined);
    assert.ok(bce.data!.rows.some((r) => r.call.startsWith('keras.losses.BinaryCrossentropy()') && r.same), bce.data!.rows.map((r) => r.call).join(' | '));
  });

  it('setView intent, the open arguments\' view, and the webview messages', () => {
    const s = session('MeanSquaredError', [0, 1], [0.5, 0.5]);
    assert.equal(applyIntent(s, { type: 'setView', view: 'frameworks' })!.view, 'frameworks');
    assert.equal(applyIntent({ ...s, view: 'frameworks' }, { type: 'setView', view: 'plots' })!.view, 'plots');
    assert.throws(() => applyIntent(s, { type: 'setView', view: 'tables' as never }), /setView: expected 'plots' or 'frameworks'/);
    assert.equal(sessionFromArgs({ request: s.request, view: 'frameworks' })!.view, 'frameworks');
    assert.equal(sessionFromArgs({ request: s.request })!.view, undefined);
    assert.ok(isWebviewMessage({ type: 'setView', view: 'frameworks', id: 1 }));
    assert.ok(isWebviewMessage({ type: 'copyText', text: 'x', id: 2 }));
  });
});
