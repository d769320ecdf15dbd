/** The host-side panel model: PanelState from a session, intents, exports, CSP. No vscode. */
import * as assert from 'node:assert/strict';
import {
  applyIntent, buildCsv, buildPython, buildState, emptyState, exampleSession, paramControls, pythonCall, sessionFromArgs, TensorCache, arrayView,
} from '../../../src/extension/panelModel';
import { buildCsp, buildHtml } from '../../../src/shared/csp';
import { isWebviewMessage, MAX_VIEW_VALUES, PanelSession, ResultState, ErrorState } from '../../../src/shared/protocol';
import { evaluate } from '../../../src/core/evaluate';
import { formatKeras } from '../../../src/core/format';
import { getSpec } from '../../../src/core/registry';
import { LossInspectorError } from '../../../src/core/errors';
import { loadSnippetCore } from '../../../src/extension/lazyCore';

// The panel host loads the custom-loss interpreter before it renders a user-defined loss; so do these tests.
before(() => loadSnippetCore());

function session(loss: string, yTrue: unknown, yPred: unknown, extra: Partial<PanelSession> & { config?: Record<string, unknown>; sampleWeight?: unknown } = {}): PanelSession {
  return {
    request: { loss, yTrue: yTrue as never, yPred: yPred as never, sampleWeight: (extra.sampleWeight ?? null) as never, config: (extra.config ?? {}) as never },
    sweepElement: extra.sweepElement ?? -1, compare: extra.compare ?? { enabled: false, losses: ['MeanSquaredError', 'MeanAbsoluteError', 'Huber', 'LogCosh'] },
    title: 'test',
  };
}
function result(s: PanelSession): ResultState {
  const st = buildState(s);
  assert.equal(st.kind, 'result', st.kind === 'error' ? st.message : st.kind);
  return st as ResultState;
}

describe('panel model: state', () => {
  it('no session → empty state with the loss picker', () => {
    const e = buildState(null);
    assert.equal(e.kind, 'empty');
    assert.deepEqual(e, emptyState());
    assert.ok(e.lossOptions.length > 20);
    assert.ok(e.lossOptions.some((o) => o.id === 'Huber'));
  });

  it('result: value as Keras prints it and the reduction written out', () => {
    const s = session('mse', [[0, 1], [0, 0]], [[1, 1], [1, 0]]);
    const st = result(s);
    const r = evaluate({ loss: 'mse', yTrue: [[0, 1], [0, 0]], yPred: [[1, 1], [1, 0]] });
    assert.equal(st.valueText, formatKeras(r.value));
    assert.equal(st.valueText, '0.5');
    assert.equal(st.reductionText, 'sum 1.0 / 2 elements = 0.5');
    assert.equal(st.loss, 'MeanSquaredError');
    assert.equal(st.callee, 'MeanSquaredError');
    assert.deepEqual(st.perSample.values, [0.5, 0.5]);
    assert.deepEqual(st.grad.shape, [2, 2]);
    assert.ok(st.curve && st.curve.x.length === 101);
    assert.equal(st.python, 'tf.keras.losses.MeanSquaredError()(y_true, y_pred)');
    assert.deepEqual(st.session, s);
  });

  it('weights: mean_with_sample_weight divides by Σ weights; weights are in the state', () => {
    const st = result(session('Huber', [[0], [1], [2]], [[0.5], [3], [2]], { sampleWeight: [1, 2, 0.5], config: { reduction: 'mean_with_sample_weight' } }));
    assert.match(st.reductionText, /^weighted sum [\d.]+ \/ 3\.5 Σ sample weights = [\d.]+$/);
    assert.deepEqual(st.weights!.values, [1, 2, 0.5]);
    assert.equal(st.reduction!.value, 'mean_with_sample_weight');
    assert.equal(st.python, "tf.keras.losses.Huber(reduction='mean_with_sample_weight')(y_true, y_pred, sample_weight=sample_weight)");
  });

  it('trace: clipped elements, smoothed labels, renormalised rows reach the view', () => {
    const st = result(session('CategoricalCrossentropy', [[0, 1, 0], [1, 0, 0]], [[0, 1, 0], [0.5, 0.4, 0.3]], { config: { label_smoothing: 0.1 } }));
    assert.ok(st.clipped && st.clipped.count > 0, 'clipped');
    assert.ok(st.smoothedLabels && st.smoothedLabels.values.length === 6, 'smoothed labels');
    assert.ok(st.renormalizedRows && st.renormalizedRows.count >= 1, 'renormalised');
  });

  it('errors are states (with the controls still there), never exceptions', () => {
    const bad = buildState(session('Huber', [1, 2], [1, 3], { config: { delta: -1 } })) as ErrorState;
    assert.equal(bad.kind, 'error');
    assert.match(bad.message, /delta/);
    assert.equal(bad.argument, 'delta');
    assert.ok(bad.params!.some((p) => p.name === 'delta' && p.value === -1));
    const shape = buildState(session('mse', [[1, 2, 3]], [[1, 2]]));
    assert.equal(shape.kind, 'error');
    const unknown = buildState(session('NotALoss', [1], [1]));
    assert.equal(unknown.kind, 'error');
    const custom = buildState({ ...session('g', [1], [1]), customSource: 'def f(a, b):\n    return a\n' });
    assert.equal(custom.kind, 'error');
  });

  it('a user-defined loss (customSource) is evaluated through the custom-loss plugin', () => {
    const src = 'import numpy as np\nimport tensorflow as tf\ndef my_loss(y_true, y_pred):\n    return tf.reduce_mean(tf.square(y_true - y_pred))\n';
    const st = result({ ...session('my_loss', [[0, 1], [2, 3]], [[1, 1], [2, 5]]), customSource: src });
    assert.equal(st.custom, true);
    assert.equal(st.valueText, '1.25');
    assert.deepEqual(st.grad.values, [0.5, 0, 0, 1]);
    assert.equal(st.params.length, 0);
    assert.ok(st.curve, st.curveError);
    assert.equal(st.curve!.current!.loss, 1.25);
    assert.equal(st.curve!.x.length, 101);
  });

  it('a restored session whose arrays were too large to persist asks to recompute', () => {
    const st = buildState({ ...session('Huber', [], []), dataDropped: true });
    assert.equal(st.kind, 'empty');
    assert.match((st as { hint: string }).hint, /too large to keep across a reload/);
  });

  it('ragged input is an error state naming the argument; Tensors from in-process callers are accepted', () => {
    const st = buildState(session('mse', [[0, 1], [0]], [[1, 1], [1, 0]])) as ErrorState;
    assert.equal(st.kind, 'error');
    assert.doesNotMatch(st.message, /Internal error/);
    const t = result(session('mse', { data: Float64Array.of(0, 1), shape: [2] }, { data: Float64Array.of(1, 1), shape: [2] }));
    assert.equal(t.valueText, '0.5');
  });

  it('large inputs: arrays for the view are capped, totals kept', () => {
    const n = 10_000;
    const yt = Array.from({ length: n }, (_, i) => [Math.sin(i)]);
    const yp = Array.from({ length: n }, (_, i) => [Math.cos(i)]);
    const st = result(session('Huber', yt, yp));
    assert.equal(st.grad.values.length, MAX_VIEW_VALUES);
    assert.equal(st.grad.total, n);
    assert.equal(st.perSample.total, n);
    assert.deepEqual(arrayView({ data: Float64Array.of(1, NaN, Infinity), shape: [3] }).values, [1, null, null]);
  });

  it('compare: every chosen loss on the same x as the main curve', () => {
    const st = result(session('mse', [0, 1, 2, 3], [0.5, 1, 2.5, 2], { compare: { enabled: true, losses: ['MeanAbsoluteError', 'Huber', 'LogCosh', 'CategoricalCrossentropy'] } }));
    const c = st.compare.data!;
    assert.deepEqual(c.x, st.curve!.x);
    assert.deepEqual(c.series.map((s) => s.label), ['MeanAbsoluteError', 'Huber(delta=1.0)', 'LogCosh', 'CategoricalCrossentropy']);
    for (const s of c.series.slice(0, 3)) { assert.equal(s.error, undefined); assert.equal(s.values.length, c.x.length); }
    // Huber δ=1 at error 0 is 0 for that element; at |e| ≥ 1 its slope is ±1/N.
    const mae = c.series[0].values as number[];
    assert.ok(mae.every((v) => Number.isFinite(v)));
    assert.ok(st.compare.available.includes('MeanSquaredError'));
  });
});

describe('panel model: controls and Python', () => {
  it('controls from the param specs: sliders with ui ranges, checkboxes for bools, enums, no reduction/name', () => {
    const huber = paramControls(getSpec('Huber'), { delta: 0.5 }, true);
    const delta = huber.find((p) => p.name === 'delta')!;
    assert.equal(delta.kind, 'range');
    assert.equal(delta.value, 0.5);
    assert.ok(delta.min !== undefined && delta.max !== undefined && delta.step !== undefined);
    assert.ok(!huber.some((p) => p.name === 'reduction' || p.name === 'name'));
    const bce = paramControls(getSpec('BinaryCrossentropy'), {}, true);
    assert.equal(bce.find((p) => p.name === 'from_logits')!.kind, 'bool');
    assert.equal(bce.find((p) => p.name === 'dtype')!.kind, 'enum');
  });

  it('Python: only non-default kwargs, floats as floats, function form and tfa module', () => {
    assert.equal(pythonCall(getSpec('Huber'), 'class', { delta: 0.5 }, false), 'tf.keras.losses.Huber(delta=0.5)(y_true, y_pred)');
    assert.equal(pythonCall(getSpec('Huber'), 'class', { delta: 2 }, false), 'tf.keras.losses.Huber(delta=2.0)(y_true, y_pred)');
    assert.equal(pythonCall(getSpec('Huber'), 'class', { delta: 1 }, false), 'tf.keras.losses.Huber()(y_true, y_pred)');
    assert.equal(pythonCall(getSpec('BinaryCrossentropy'), 'class', { from_logits: true }, true), 'tf.keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred, sample_weight=sample_weight)');
    assert.equal(pythonCall(getSpec('Huber'), 'function', { delta: 0.5 }, false), 'tf.keras.losses.huber(y_true, y_pred, delta=0.5)');
    assert.match(pythonCall(getSpec('SigmoidFocalCrossEntropy'), 'class', {}, false), /^tfa\.losses\.SigmoidFocalCrossEntropy\(\)/);
  });

  it('buildPython writes a runnable script with the arrays', () => {
    const py = buildPython(session('Huber', [[0, 1]], [[0.5, 2]], { config: { delta: 0.5 }, sampleWeight: [2] }));
    assert.match(py, /^import numpy as np\nimport tensorflow as tf\n/);
    assert.match(py, /y_true = np\.array\(\[\[0, 1\]\], dtype=np\.float32\)/);
    assert.match(py, /sample_weight = np\.array\(\[2\], dtype=np\.float32\)/);
    assert.match(py, /loss = tf\.keras\.losses\.Huber\(delta=0\.5\)\(y_true, y_pred, sample_weight=sample_weight\)\nprint\(loss\.numpy\(\)\)/);
  });

  it('CSV: elements with gradient, per-sample losses, the curve', () => {
    const csv = buildCsv(session('mse', [[0, 1], [0, 0]], [[1, 1], [1, 0]]));
    const lines = csv.trim().split('\n');
    assert.ok(lines.includes('flat,index,y_true,y_pred,grad'));
    assert.ok(lines.includes('0,"(0, 0)",0,1,0.5'), lines.slice(0, 8).join('|'));
    assert.ok(lines.includes('3,"(1, 1)",0,0,0'), lines.slice(0, 8).join('|'));
    assert.ok(lines.includes('sample,loss,weight,weighted_loss'));
    assert.ok(lines.includes('0,0.5,,0.5'));
    const curveAt = lines.findIndex((l) => l.startsWith('curve_x'));
    assert.equal(lines.length - curveAt - 1, 101);
    assert.throws(() => buildCsv(session('mse', [1, 2, 3], [1, 2])), LossInspectorError);
  });
});

describe('panel model: intents', () => {
  const base = session('Huber', [[0, 1], [2, 3]], [[0.5, 1], [2, 5]], { config: { delta: 0.5 } });

  it('setParam replaces a value; the default removes it from the call', () => {
    const s1 = applyIntent(base, { type: 'setParam', name: 'delta', value: 2 })!;
    assert.deepEqual(s1.request.config, { delta: 2 });
    assert.deepEqual(base.request.config, { delta: 0.5 }, 'old session untouched');
    const s2 = applyIntent(s1, { type: 'setParam', name: 'delta', value: 1 })!;
    assert.deepEqual(s2.request.config, {});
    const st = result(s1);
    assert.equal(st.python, 'tf.keras.losses.Huber(delta=2.0)(y_true, y_pred)');
    assert.throws(() => applyIntent(base, { type: 'setParam', name: 'gamma', value: 2 }), /no parameter `gamma`/);
    assert.throws(() => applyIntent(null, { type: 'setParam', name: 'delta', value: 2 }), LossInspectorError);
  });

  it('setParam with the text the user typed is read on the host as Python reads it (the webview parses nothing)', () => {
    const c0 = session('circle', [1, 1, 2], [[1, 0], [0, 1], [1, 1]], { config: { ref_labels: [1, 2] } });
    const circle = { ...c0, request: { ...c0.request, mode: 'function' as const } };
    const read = (text: string) => applyIntent(circle, { type: 'setParam', name: 'ref_embeddings', value: null, text })!.request.config?.ref_embeddings;
    assert.deepEqual(read('[[1, .5], [2., 3]]'), [[1, 0.5], [2, 3]]);
    assert.deepEqual(read('((1_000, 2), (3, 4e-1),)'), [[1000, 2], [3, 0.4]]);
    assert.equal(read('None'), undefined, 'None is the default: removed from the call');
    assert.throws(() => read('[[1, 2], [3]]'), /ragged|length/);
    assert.equal(applyIntent(base, { type: 'setParam', name: 'delta', value: null, text: '1_5e-1' })!.request.config?.delta, 1.5);
  });

  it('setLoss keeps the user data and the params the new loss accepts; example sessions switch example', () => {
    const s = applyIntent({ ...base, request: { ...base.request, config: { delta: 0.5, reduction: 'sum' } } }, { type: 'setLoss', loss: 'log_cosh' })!;
    assert.equal(s.request.loss, 'LogCosh');
    assert.equal(s.title, 'LogCosh', 'a title that named the old loss follows the switch');
    assert.equal(applyIntent({ ...base, title: 'my residuals (cell 3)' }, { type: 'setLoss', loss: 'mae' })!.title, 'my residuals (cell 3)');
    assert.deepEqual(s.request.config, { reduction: 'sum' });
    assert.deepEqual(s.request.yTrue, base.request.yTrue);
    const ex = applyIntent(exampleSession('mse'), { type: 'setLoss', loss: 'CategoricalCrossentropy' })!;
    assert.deepEqual(ex.request.yTrue, getSpec('CategoricalCrossentropy').example.yTrue);
    assert.equal(ex.example, true);
    const fromEmpty = applyIntent(null, { type: 'setLoss', loss: 'Huber' })!;
    assert.equal(result(fromEmpty).loss, 'Huber');
  });

  it('setReduction, setSweepElement, setCompare, resetParams', () => {
    const r = applyIntent(base, { type: 'setReduction', reduction: 'sum' })!;
    assert.equal(r.request.config!.reduction, 'sum');
    assert.match(result(r).reductionText, /^sum .* = /);
    const back = applyIntent(r, { type: 'setReduction', reduction: 'sum_over_batch_size' })!;
    assert.equal(back.request.config!.reduction, undefined);
    const sw = applyIntent(base, { type: 'setSweepElement', element: 3 })!;
    assert.equal(result(sw).sweep.element, 3);
    assert.equal(result(sw).sweep.label, 'y_pred[1, 1]');
    assert.throws(() => applyIntent(base, { type: 'setSweepElement', element: -2 }));
    const cmp = applyIntent(base, { type: 'setCompare', enabled: true, losses: ['MeanAbsoluteError'] })!;
    assert.equal(result(cmp).compare.data!.series.length, 1);
    assert.deepEqual(applyIntent(base, { type: 'resetParams' })!.request.config, {});
    assert.equal(applyIntent(base, { type: 'exportCsv' }), null);
  });

  it('sessionFromArgs: nothing to inspect without a request', () => {
    assert.equal(sessionFromArgs(undefined), null);
    assert.equal(sessionFromArgs({ title: 'x' }), null);
    const s = sessionFromArgs({ request: { loss: 'mse', yTrue: [1], yPred: [2] }, title: 'a', source: { uri: 'file:///a.py', line: 3 } })!;
    assert.equal(s.sweepElement, -1);
    assert.equal(s.source!.line, 3);
  });

  it('tensor cache: the arrays are parsed once while they do not change', () => {
    const cache = new TensorCache();
    const a = cache.get(base.request);
    const s1 = applyIntent(base, { type: 'setParam', name: 'delta', value: 2 })!;
    assert.equal(cache.get(s1.request), a, 'same tensors after a param change');
    const s2 = { ...s1, request: { ...s1.request, yPred: [[1, 1], [1, 1]] } };
    assert.notEqual(cache.get(s2.request), a);
  });

  it('messages from the webview are checked', () => {
    assert.ok(isWebviewMessage({ type: 'ready' }));
    assert.ok(isWebviewMessage({ type: 'setParam', name: 'delta', value: 1, id: 3 }));
    assert.ok(!isWebviewMessage({ type: 'rm -rf' }));
    assert.ok(!isWebviewMessage(null));
    assert.ok(!isWebviewMessage('ready'));
  });
});

describe('panel CSP and HTML', () => {
  it('strict policy: nothing by default, nonce scripts, styles only from the webview origin', () => {
    const csp = buildCsp('https://x.vscode-cdn.net', 'abc123');
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.match(csp, /style-src https:\/\/x\.vscode-cdn\.net;/);
    assert.doesNotMatch(csp, /unsafe|\*/);
  });
  it('the HTML has one nonce script, no inline style, no remote URL', () => {
    const html = buildHtml({ cspSource: 'vscode-resource:', nonce: 'N0nce', scriptUri: 'vscode-resource:/dist/webview.js', styleUri: 'vscode-resource:/dist/panel.css' });
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], /nonce="N0nce"/);
    assert.doesNotMatch(html, /<style|style=/);
    assert.doesNotMatch(html, /https?:/);
  });
});

describe('panel model: the decimated gradient heatmap', () => {
  it('bins a 300 × 1000 gradient into at most 64 × 120 cells, each the element of largest magnitude with its index', async () => {
    const { gradMap } = await import('../../../src/extension/panelModel');
    const rows = 300, cols = 1000;
    const data = new Float64Array(rows * cols).map((_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
    data[123 * cols + 456] = -50; // the extreme must survive decimation
    const m = gradMap({ shape: [rows, cols], data })!;
    assert.equal(m.rowStarts.length, 64);
    assert.equal(m.colStarts.length, 120);
    assert.equal(m.values.length, 64 * 120);
    const k = m.index.indexOf(123 * cols + 456);
    assert.ok(k >= 0, 'the bin of the extreme points at it');
    assert.equal(m.values[k], -50);
    // Every cell's value is the largest |g| among the elements of its bin.
    const bin = 5 * 120 + 7;
    const r0 = m.rowStarts[5], r1 = m.rowStarts[6], c0 = m.colStarts[7], c1 = m.colStarts[8];
    let best = 0;
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) best = Math.max(best, Math.abs(data[r * cols + c]));
    assert.equal(Math.abs(m.values[bin]!), best);
    assert.equal(data[m.index[bin]], m.values[bin]);
  });
  it('a small gradient is one element per cell; rank 1 has no map', async () => {
    const { gradMap } = await import('../../../src/extension/panelModel');
    const m = gradMap({ shape: [2, 3], data: Float64Array.of(1, -2, 3, NaN, 5, -6) })!;
    assert.deepEqual(m.values, [1, -2, 3, null, 5, -6]);
    assert.deepEqual(m.index, [0, 1, 2, 3, 4, 5]);
    assert.equal(gradMap({ shape: [4], data: new Float64Array(4) }), null);
  });
});
