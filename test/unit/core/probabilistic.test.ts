/**
 * Binary and categorical cross-entropies (Keras 3): golden values from keras/src/losses/losses_test.py, the numbers in
 * KERAS_SEMANTICS.md, the seed snippets, gradients at the clip edges, and the data-driven warnings.
 */
import * as assert from 'node:assert/strict';
import { evaluate, toNested, LossInspectorError, EvalRequest } from '../../../src/core';
import { resolveForeign } from '../../../src/core/names';
import { assertClose, value, numericGrad } from '../helpers';

const codes = (req: EvalRequest) => evaluate(req).trace.warnings.map((w) => w.code);
const f32 = Math.fround;

// BinaryCrossentropyTest data
const I3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
const T22 = [[1, 0], [1, 0]];
const P22 = [[1, 1], [1, 0]];
const TL = [[1, 0, 1], [0, 1, 1]];
const LOGITS = [[10, -10, 10], [10, 10, -10]];

describe('BinaryCrossentropy', () => {
  it('axis=None averages every element into one value (ops.mean(..., axis=None)), then weights broadcast onto it', () => {
    // keras/src/losses/losses.py binary_crossentropy: ops.mean(ops.binary_crossentropy(...), axis=axis); with None the
    // per-call value is a scalar, and reduce_weighted_values multiplies it by sample_weight before the reduction.
    const T = [[0, 1, 1], [1, 0, 1]], P = [[0.2, 0.7, 0.9], [0.6, 0.3, 0.8]];
    const per = T.flat().map((t, i) => { const q = f32(P.flat()[i]); return -(t * Math.log(q) + (1 - t) * Math.log(1 - q)); });
    const mean = per.reduce((a, b) => a + b, 0) / per.length;
    const none = evaluate({ loss: 'BinaryCrossentropy', yTrue: T, yPred: P, config: { axis: null, reduction: 'none' } });
    assert.deepEqual(none.value.shape, []);
    assertClose(none.value.data[0], mean, 1e-6);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: T, yPred: P, config: { axis: null } }), mean, 1e-6);
    // sample_weight [1, 3] against a scalar: [v, 3v], mean over its 2 elements = 2v.
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: T, yPred: P, sampleWeight: [1, 3], config: { axis: null } }), 2 * mean, 1e-6);
    // Rows of equal length: the same number as the default axis=-1 with the default reduction.
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: T, yPred: P, config: { axis: null } }), value({ loss: 'BinaryCrossentropy', yTrue: T, yPred: P }), 1e-7);
    const configs: Record<string, boolean | number | string | null>[] = [{ axis: null, dtype: 'float64' }, { axis: null, from_logits: true, dtype: 'float64' }, { axis: null, label_smoothing: 0.2, dtype: 'float64' }];
    for (const config of configs) {
      const req = { loss: 'BinaryCrossentropy', yTrue: T, yPred: config.from_logits ? [[-1, 0.5, 2], [0.3, -2, 1]] : P, sampleWeight: [1, 3], config };
      assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req)), 1e-5, 1e-7);
    }
    assert.throws(() => evaluate({ loss: 'BinaryCrossentropy', yTrue: T, yPred: P, config: { axis: 'all' } }), /BinaryCrossentropy: argument `axis`: expected an integer or None, received 'all'/);
  });
  it('CategoricalCrossentropy refuses axis=None, as Keras does', () => {
    // keras/src/losses/losses.py categorical_crossentropy: canonicalize_axis(axis, …) → operator.index(None) raises.
    assert.throws(() => evaluate({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: I3, config: { axis: null } }), /CategoricalCrossentropy: argument `axis`: expected an integer, received None/);
  });
  it('BinaryFocalCrossentropy axis=None: one value per call, its gradient by finite differences', () => {
    const T = [[0, 1, 1], [1, 0, 1]], P = [[0.2, 0.7, 0.9], [0.6, 0.3, 0.8]];
    const rows = evaluate({ loss: 'BinaryFocalCrossentropy', yTrue: T, yPred: P, config: { reduction: 'none', gamma: 2 } }).value.data;
    const all = evaluate({ loss: 'BinaryFocalCrossentropy', yTrue: T, yPred: P, config: { axis: null, reduction: 'none', gamma: 2 } });
    assert.deepEqual(all.value.shape, []);
    assertClose(all.value.data[0], (rows[0] + rows[1]) / 2, 1e-7);
    const req = { loss: 'BinaryFocalCrossentropy', yTrue: T, yPred: P, sampleWeight: [2, 0.5], config: { axis: null, gamma: 1.5, apply_class_balancing: true, dtype: 'float64' } };
    assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req)), 1e-5, 1e-7);
  });
  it('all correct: 0 for probabilities and logits', () => {
    // keras/src/losses/losses_test.py BinaryCrossentropyTest.test_all_correct_unweighted
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: I3, yPred: I3 }), 0, 0, 1e-6);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: I3, yPred: [[10, -10, -10], [-10, 10, -10], [-10, -10, 10]], config: { from_logits: true } }), 0, 0, 1e-4);
  });
  it('unweighted: 0.20046903, 3.98559, logits 3.3333', () => {
    // keras/src/losses/losses_test.py BinaryCrossentropyTest.test_unweighted
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: I3, yPred: [[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.1, 0.2, 0.7]] }), 0.20046903);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: [[1, 0], [1, 0]], yPred: P22 }), 3.98559, 0, 1e-5);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: TL, yPred: LOGITS, config: { from_logits: true } }), 3.3333, 1e-4);
  });
  it('scalar weight 2.3: 9.1668, logits 7.666', () => {
    // keras/src/losses/losses_test.py BinaryCrossentropyTest.test_scalar_weighted
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: T22, yPred: P22, sampleWeight: 2.3 }), 9.1668, 1e-4);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: TL, yPred: LOGITS, sampleWeight: 2.3, config: { from_logits: true } }), 7.666, 1e-3);
  });
  it('sample weights: 4.7827, logits with [4, 3]: 10.0', () => {
    // keras/src/losses/losses_test.py BinaryCrossentropyTest.test_sample_weighted
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: T22, yPred: P22, sampleWeight: [[1.2], [3.4]] }), 4.7827, 1e-4);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: TL, yPred: LOGITS, sampleWeight: [4, 3], config: { from_logits: true } }), 10.0, 1e-4);
  });
  it('reduction None: [0, 6.666]', () => {
    // keras/src/losses/losses_test.py BinaryCrossentropyTest.test_no_reduction
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: TL, yPred: LOGITS, config: { from_logits: true, reduction: null } }), [0, 6.666], 0, 1e-3);
  });
  it('label smoothing 0.1 with logits: (10 + 5·0.1)/3, and the smoothed labels are recorded', () => {
    // keras/src/losses/losses_test.py BinaryCrossentropyTest.test_label_smoothing
    const r = evaluate({ loss: 'BinaryCrossentropy', yTrue: [[1, 0, 1]], yPred: [[10, -10, -10]], config: { from_logits: true, label_smoothing: 0.1 } });
    assertClose(r.value.data[0], (10 + 5 * 0.1) / 3, 0, 1.5e-3); // assertAlmostEqual: 3 decimals
    assertClose(toNested(r.trace.smoothedLabels!), [[0.95, 0.05, 0.95]]);
  });
  it('shape mismatch raises "must have the same shape"', () => {
    // keras/src/losses/losses_test.py BinaryCrossentropyTest.test_shape_mismatch
    assert.throws(() => evaluate({ loss: 'BinaryCrossentropy', yTrue: [[0], [1], [2]], yPred: [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]] }),
      (e: unknown) => e instanceof LossInspectorError && /must have the same shape/.test(e.message) && /\(3, 1\)/.test(e.message));
  });
  it('float32 clip constants: 3.98559 in float32, 4.02952 with float64 ε (KERAS_SEMANTICS §1)', () => {
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: T22, yPred: P22 }), 3.98559, 0, 1e-5);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: T22, yPred: P22, config: { dtype: 'float64' } }), 4.02952, 1e-5);
    // −log(1 − (1 − ε)) in float32 is 15.942385, not 16.118
    assertClose(value({ loss: 'binary_crossentropy', yTrue: [0], yPred: [1] }), 15.942385, 1e-6);
    assertClose(value({ loss: 'binary_crossentropy', yTrue: [1], yPred: [0] }), 16.118095, 1e-6);
  });
  it('seed: from_logits [1,0,1,1] vs [-5.4, 8.7, -1.2, -4.6] (independent softplus formula)', () => {
    const t = [1, 0, 1, 1], x = [-5.4, 8.7, -1.2, -4.6];
    const exp = t.reduce((s, ti, i) => s + Math.log(1 + Math.exp(-f32(x[i]))) * ti + Math.log(1 + Math.exp(f32(x[i]))) * (1 - ti), 0) / 4;
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: t, yPred: x, config: { from_logits: true } }), exp, 1e-6);
  });
  it("seed: reduction='none' gives array([0.9162905, 0.5919184, 0.79465103, 1.0549198])", () => {
    const yTrue = [[0., 1.], [0.2, 0.8], [0.3, 0.7], [0.4, 0.6]];
    const yPred = [[0.6, 0.4], [0.4, 0.6], [0.6, 0.4], [0.8, 0.2]];
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue, yPred, config: { reduction: 'none' } }), [0.9162905, 0.5919184, 0.79465103, 1.0549198], 1e-6);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue, yPred, config: { reduction: 'sum' } }), 0.9162905 + 0.5919184 + 0.79465103 + 1.0549198, 1e-6);
  });
  it('the printed seed digits are Keras 2 (ε inside the logs): Keras 3 gives 0.9162907 for the first row, and a note gives the Keras 2 values', () => {
    // KERAS_SEMANTICS §5: seed 0.9162907 (Keras 3) vs 0.9162905 (Keras 2)
    const r = evaluate({ loss: 'BinaryCrossentropy', yTrue: [[0., 1.], [0.2, 0.8]], yPred: [[0.6, 0.4], [0.4, 0.6]], config: { reduction: 'none' } });
    assertClose(r.value.data[0], -Math.log(0.4), 3e-7);
    assert.ok(Math.abs(r.value.data[0] - 0.9162905) > 1.5e-7);
    const note = r.trace.notes.find((n) => /Keras 2/.test(n))!;
    assert.match(note, /\[0\.916290[45]\d*, 0\.591918[34]\d*\]/);
    assert.ok(!evaluate({ loss: 'BinaryCrossentropy', yTrue: [[1, 0]], yPred: [[2.0, -1.0]], config: { from_logits: true } }).trace.notes.some((n) => /Keras 2/.test(n)));
  });
  it('axis only chooses the mean axis: axis=0 averages the columns', () => {
    const yTrue = [[0, 1, 0], [1, 0, 1]], yPred = [[0.2, 0.7, 0.1], [0.6, 0.3, 0.8]];
    const el = (t: number, p: number) => -(t * Math.log(f32(p)) + (1 - t) * Math.log(1 - f32(p)));
    const r = evaluate({ loss: 'binary_crossentropy', yTrue, yPred, config: { axis: 0 } });
    assert.deepEqual(r.value.shape, [3]);
    assertClose(toNested(r.value), [0, 1, 2].map((j) => (el(yTrue[0][j], yPred[0][j]) + el(yTrue[1][j], yPred[1][j])) / 2), 1e-6);
    assert.throws(() => evaluate({ loss: 'binary_crossentropy', yTrue, yPred, config: { axis: 2 } }), /argument `axis`/);
  });
  it('gradient: [(1−t)/(1−p) − t/p]/D inside the clip; 0 strictly outside; passes exactly at 1 − ε (TF clip_by_value)', () => {
    const hi = f32(1 - 1e-7);
    const r = evaluate({ loss: 'BinaryCrossentropy', yTrue: [[1, 0, 0, 1]], yPred: [[0.25, 1, hi, 0]], config: { reduction: 'sum' } });
    const g = r.grad.data;
    assertClose(g[0], -1 / f32(0.25) / 4, 1e-6);
    assert.equal(g[1], 0); // p = 1 > 1 − ε: clipped
    assertClose(g[2], 1 / (1 - hi) / 4, 1e-6); // exactly at the bound: passes
    assert.equal(g[3], 0); // p = 0 < ε: clipped
    assert.equal(r.trace.clipped!.count, 2);
    assert.deepEqual(r.trace.clipped!.indices, [1, 3]);
  });
  it('logits gradient is (σ(x) − t)/D and matches finite differences', () => {
    const req: EvalRequest = { loss: 'BinaryCrossentropy', yTrue: [[1, 0, 1]], yPred: [[2.5, -1.0, -30]], config: { from_logits: true, dtype: 'float64' } };
    const r = evaluate(req);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    assertClose(Array.from(r.grad.data), [(sig(2.5) - 1) / 3, sig(-1) / 3, (sig(-30) - 1) / 3], 1e-9, 1e-12);
    assertClose(Array.from(r.grad.data), Array.from(numericGrad(req)), 1e-5, 1e-7);
  });
  it('warns "looks like logits" on values outside [0, 1], and the reverse for from_logits=True; silent on clean data', () => {
    assert.ok(codes({ loss: 'bce', yTrue: [[1, 0]], yPred: [[2.3, -1.2]] }).includes('looks-like-logits'));
    assert.ok(codes({ loss: 'bce', yTrue: [[1, 0]], yPred: [[0.8, 0.1]], config: { from_logits: true } }).includes('looks-like-probabilities'));
    assert.deepEqual(codes({ loss: 'bce', yTrue: [[1, 0]], yPred: [[0.8, 0.1]] }), []);
    assert.deepEqual(codes({ loss: 'bce', yTrue: [[1, 0]], yPred: [[2.3, -1.2]], config: { from_logits: true } }), []);
  });
  it('NaN propagates whatever the label (the skipped log of a zeroed term hides nothing)', () => {
    for (const t of [0, 1, 0.3]) assert.ok(Number.isNaN(value({ loss: 'BinaryCrossentropy', yTrue: [[t]], yPred: [[NaN]] }) as number), `t=${t}`);
    assert.ok(Number.isNaN(value({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1]], yPred: [[0, 0]] }) as number));
    assert.ok(Number.isNaN(value({ loss: 'CategoricalFocalCrossentropy', yTrue: [[0, 1]], yPred: [[NaN, 0.5]] }) as number));
    assert.ok(Number.isNaN(value({ loss: 'Poisson', yTrue: [[0, 1]], yPred: [[-1, 0.5]] }) as number));
    // soft labels still use both terms
    const q = f32(0.3);
    assertClose(value({ loss: 'binary_crossentropy', yTrue: [0.25], yPred: [0.3] }), -(0.25 * Math.log(q) + 0.75 * Math.log(1 - q)), 1e-6);
  });
  it('aliases and foreign names resolve', () => {
    for (const n of ['bce', 'BCE', 'binary_crossentropy', 'tf.keras.losses.BinaryCrossentropy']) assert.equal(evaluate({ loss: n, yTrue: [1], yPred: [0.5] }).loss, 'BinaryCrossentropy');
    for (const n of ['nn.BCELoss', 'torch.nn.BCEWithLogitsLoss', 'F.binary_cross_entropy_with_logits', 'optax.sigmoid_binary_cross_entropy', 'tf.losses.logLoss']) {
      assert.equal(resolveForeign(n)?.spec.id, 'BinaryCrossentropy', n);
    }
  });
});

describe('BinaryFocalCrossentropy', () => {
  const yt = [[1, 0], [1, 0]], yp = [[0.9, 0.8], [0.7, 0.2]];
  const lt = [[1, 1, 0], [0, 1, 0]], lx = [[1.5, -2.7, 2.9], [-3.8, 1.2, -4.5]];
  it('all correct: 0', () => {
    // keras/src/losses/losses_test.py BinaryFocalCrossentropyTest.test_all_correct_unweighted
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: I3, yPred: I3, config: { gamma: 1.5 } }), 0, 0, 1e-3);
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: I3, yPred: [[100, -100, -100], [-100, 100, -100], [-100, -100, 100]], config: { gamma: 2.0, from_logits: true } }), 0, 0, 1e-3);
  });
  it('unweighted: 0.268, logits γ=3: 0.799', () => {
    // keras/src/losses/losses_test.py BinaryFocalCrossentropyTest.test_unweighted
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp, config: { gamma: 2.0 } }), 0.268, 0, 1e-3);
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: lt, yPred: lx, config: { gamma: 3.0, from_logits: true } }), 0.799, 0, 1e-3);
  });
  it('scalar weight: 0.3296, logits 2.565', () => {
    // keras/src/losses/losses_test.py BinaryFocalCrossentropyTest.test_scalar_weighted
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp, sampleWeight: 1.23, config: { gamma: 2.0 } }), 0.3296, 0, 1e-3);
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: lt, yPred: lx, sampleWeight: 3.21, config: { gamma: 3.0, from_logits: true } }), 2.565, 0, 1e-3);
  });
  it('sample weights: 0.34415, logits 0.95977', () => {
    // keras/src/losses/losses_test.py BinaryFocalCrossentropyTest.test_sample_weighted
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp, sampleWeight: [[1.2], [3.4]], config: { gamma: 2.0 } }), 0.34415, 0, 1e-3);
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: lt, yPred: lx, sampleWeight: [[1.2], [3.4]], config: { gamma: 3.0, from_logits: true } }), 0.95977, 0, 1e-3);
  });
  it('reduction None: (0.515547, 0.020513)', () => {
    // keras/src/losses/losses_test.py BinaryFocalCrossentropyTest.test_no_reduction
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp, config: { gamma: 2.0, reduction: null } }), [0.515547, 0.020513], 1e-5);
  });
  it('logits are clipped too: logit −100 with label 1 and γ=0 gives 16.118, not 100 (KERAS_SEMANTICS §3)', () => {
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: [[1]], yPred: [[-100]], config: { gamma: 0, from_logits: true } }), 16.118095, 1e-6);
    assertClose(value({ loss: 'BinaryCrossentropy', yTrue: [[1]], yPred: [[-100]], config: { from_logits: true } }), 100, 1e-6);
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: [[0]], yPred: [[100]], config: { gamma: 0, from_logits: true } }), 15.942385, 1e-6);
  });
  it('class balancing multiplies by α for label 1 and 1 − α for label 0 (independent formula)', () => {
    const t = [1, 0], p = [0.3, 0.6], a = 0.3, g = 2;
    const exp = t.map((ti, i) => {
      const q = f32(p[i]);
      const bce = -(ti * Math.log(q) + (1 - ti) * Math.log(1 - q));
      const pt = ti * q + (1 - ti) * (1 - q);
      return (ti * a + (1 - ti) * (1 - a)) * (1 - pt) ** g * bce;
    });
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: [t], yPred: [p], config: { apply_class_balancing: true, alpha: a, reduction: 'none' } }), [(exp[0] + exp[1]) / 2], 1e-6);
  });
  it('warns "alpha has no effect" without apply_class_balancing, and not otherwise', () => {
    assert.ok(codes({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp, config: { alpha: 0.5 } }).includes('alpha-ignored'));
    assert.deepEqual(codes({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp, config: { alpha: 0.5, apply_class_balancing: true } }), []);
    assert.deepEqual(codes({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp }), []);
    // same value with any alpha when balancing is off
    assertClose(value({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp, config: { alpha: 0.9 } }), value({ loss: 'BinaryFocalCrossentropy', yTrue: yt, yPred: yp }) as number, 1e-12);
  });
  it('gradient matches finite differences on logits with smoothing and balancing', () => {
    const req: EvalRequest = { loss: 'BinaryFocalCrossentropy', yTrue: lt, yPred: lx, config: { from_logits: true, gamma: 3, label_smoothing: 0.2, apply_class_balancing: true, alpha: 0.4, dtype: 'float64' } };
    assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req)), 1e-4, 1e-7);
  });
});

// CategoricalCrossentropyTest data
const PCCE = [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]];
const LCCE = [[8, 1, 1], [0, 9, 1], [2, 3, 5]];

describe('CategoricalCrossentropy', () => {
  it('all correct: 0', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_all_correct_unweighted
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: I3 }), 0, 0, 1e-6);
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: [[10, 0, 0], [0, 10, 0], [0, 0, 10]], config: { from_logits: true } }), 0, 0, 1e-3);
  });
  it('unweighted: 0.3239 (renormalised rows), logits 0.0573', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_unweighted
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: PCCE }), 0.3239, 0, 1e-4);
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: LCCE, config: { from_logits: true } }), 0.0573, 0, 1e-4);
  });
  it('scalar weight 2.3: 0.7449, logits 0.1317', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_scalar_weighted
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: PCCE, sampleWeight: 2.3 }), 0.7449, 0, 1.5e-3); // assertAlmostEqual: 3 decimals
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: LCCE, sampleWeight: 2.3, config: { from_logits: true } }), 0.1317, 0, 1.5e-3);
  });
  it('sample weights: 1.0696, logits 0.31829', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_sample_weighted
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: PCCE, sampleWeight: [[1.2], [3.4], [5.6]] }), 1.0696, 0, 1e-4);
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: LCCE, sampleWeight: [[1.2], [3.4], [5.6]], config: { from_logits: true } }), 0.31829, 0, 1e-4);
  });
  it('reduction None: (0.001822, 0.000459, 0.169846)', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_no_reduction
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: LCCE, config: { from_logits: true, reduction: null } }), [0.001822, 0.000459, 0.169846], 1e-3, 1e-6);
  });
  it('label smoothing: 400·0.1/3 (plain and ndarray tests)', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_label_smoothing
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: [[1, 0, 0]], yPred: [[100, -100, -100]], config: { from_logits: true, label_smoothing: 0.1 } }), 400 * 0.1 / 3, 1e-6);
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_label_smoothing_ndarray
    const r = evaluate({ loss: 'CategoricalCrossentropy', yTrue: [[1, 0, 0]], yPred: [[100, -100, -100]], config: { from_logits: true, label_smoothing: 0.1 } });
    assertClose(toNested(r.trace.smoothedLabels!), [[0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3]]);
  });
  it('label smoothing with axis=1 uses C = y_pred.shape[axis]', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_label_smoothing_with_axis
    const yTrue = [[[1, 0], [0, 1], [0, 0]], [[0, 1], [1, 0], [0, 0]]];
    const yPred = [[[0.8, 0.1], [0.1, 0.8], [0.1, 0.1]], [[0.1, 0.8], [0.8, 0.1], [0.1, 0.1]]];
    let total = 0;
    for (let b = 0; b < 2; b++) for (let s = 0; s < 2; s++) for (let c = 0; c < 3; c++) total -= (yTrue[b][c][s] * 0.9 + 0.1 / 3) * Math.log(yPred[b][c][s]);
    const r = evaluate({ loss: 'CategoricalCrossentropy', yTrue, yPred, config: { label_smoothing: 0.1, axis: 1 } });
    assert.deepEqual(r.value.shape, []);
    assertClose(r.value.data[0], total / 4, 0, 1e-5);
  });
  it('shape mismatch raises "must have the same shape" with a sparse-labels hint', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_shape_mismatch
    assert.throws(() => evaluate({ loss: 'CategoricalCrossentropy', yTrue: [[0], [1], [2]], yPred: PCCE }),
      (e: unknown) => e instanceof LossInspectorError && /must have the same shape/.test(e.message) && /SparseCategoricalCrossentropy/.test(e.message));
    assert.throws(() => evaluate({ loss: 'CategoricalCrossentropy', yTrue: [0, 1, 2], yPred: PCCE }), /integer class indices.*SparseCategoricalCrossentropy/);
  });
  it('single class warns like Keras (2-D, and axis=1 with 1 class) but not axis=1 with 4 classes', () => {
    // keras/src/losses/losses_test.py CategoricalCrossentropyTest.test_warning_for_invalid_shape
    assert.ok(codes({ loss: 'categorical_crossentropy', yTrue: [[1], [1]], yPred: [[0.5], [0.5]] }).includes('single-class'));
    const ones = (a: number, b: number, c: number) => Array.from({ length: a }, () => Array.from({ length: b }, () => Array(c).fill(1)));
    assert.ok(codes({ loss: 'categorical_crossentropy', yTrue: ones(2, 1, 4), yPred: ones(2, 1, 4), config: { axis: 1 } }).includes('single-class'));
    assert.ok(!codes({ loss: 'categorical_crossentropy', yTrue: ones(2, 4, 1), yPred: ones(2, 4, 1), config: { axis: 1 } }).includes('single-class'));
  });
  it('seed: [[0,1,0],[1,0,0]] vs [[0.15,0.75,0.1],[0.75,0.15,0.1]] → 0.2876821 = −log 0.75', () => {
    const r = evaluate({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0], [1, 0, 0]], yPred: [[0.15, 0.75, 0.1], [0.75, 0.15, 0.1]] });
    assertClose(r.value.data[0], 0.2876821, 1e-6);
    assertClose(r.value.data[0], -Math.log(0.75), 1e-6);
    assert.deepEqual(r.trace.warnings, []);
  });
  it('seed: [[0,1,0],[0,0,1]] vs [[0.05,0.95,0],[0.1,0.8,0.1]] → mean(−log 0.95, −log 0.1)', () => {
    assertClose(value({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0], [0, 0, 1]], yPred: [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] }), (-Math.log(0.95) - Math.log(0.1)) / 2, 1e-6);
  });
  it('renormalised rows are recorded: 0.3240 vs 0.0946 without renormalisation (KERAS_SEMANTICS §3)', () => {
    const r = evaluate({ loss: 'CategoricalCrossentropy', yTrue: I3, yPred: PCCE });
    assertClose(r.value.data[0], 0.3240, 0, 1e-4);
    const raw = -(Math.log(0.9) + Math.log(0.89) + Math.log(0.94)) / 3;
    assertClose(raw, 0.0946, 0, 1e-4);
    assert.equal(r.trace.renormalizedRows!.count, 1);
    assert.deepEqual(r.trace.renormalizedRows!.rows, [1]);
    assertClose(r.trace.renormalizedRows!.sums[0], 1.99, 1e-6);
    assert.ok(r.trace.warnings.some((w) => w.code === 'renormalized'));
  });
  it('probability gradient goes through the renormalisation (finite differences, unnormalised rows)', () => {
    const req: EvalRequest = { loss: 'CategoricalCrossentropy', yTrue: [[0.2, 0.8, 0], [1, 0, 0]], yPred: [[0.5, 0.89, 0.6], [0.3, 0.2, 0.1]], config: { dtype: 'float64', label_smoothing: 0.1 } };
    assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req)), 1e-5, 1e-7);
  });
  it('logits gradient is the autodiff form (Σt)·softmax − t; a note says TF\'s fused kernel gives softmax − t for multi-hot rows', () => {
    const x = [1.0, -0.5, 2.0], t = [1, 1, 0];
    const r = evaluate({ loss: 'CategoricalCrossentropy', yTrue: [t], yPred: [x], config: { from_logits: true, dtype: 'float64', reduction: 'sum' } });
    const e = x.map(Math.exp), z = e[0] + e[1] + e[2];
    assertClose(Array.from(r.grad.data), x.map((_, j) => 2 * e[j] / z - t[j]), 1e-9, 1e-12);
    assert.ok(r.trace.notes.some((n) => /softmax − t/.test(n)));
    const one = evaluate({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0]], yPred: [x], config: { from_logits: true } });
    assert.ok(!one.trace.notes.some((n) => /softmax − t/.test(n)));
  });
  it('warnings: integer labels, logits without from_logits, probabilities with from_logits; none on clean data', () => {
    assert.ok(codes({ loss: 'CategoricalCrossentropy', yTrue: [[2, 0, 1]], yPred: [[0.2, 0.5, 0.3]] }).includes('integer-labels'));
    assert.ok(codes({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0]], yPred: [[2.1, -0.3, 0.4]] }).includes('looks-like-logits'));
    assert.ok(codes({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0]], yPred: [[0.2, 0.5, 0.3]], config: { from_logits: true } }).includes('looks-like-probabilities'));
    assert.deepEqual(codes({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0]], yPred: [[0.2, 0.5, 0.3]] }), []);
    assert.deepEqual(codes({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0]], yPred: [[2.1, -0.3, 0.4]], config: { from_logits: true } }), []);
  });
  it('foreign names resolve', () => {
    for (const n of ['nn.CrossEntropyLoss', 'F.cross_entropy', 'optax.softmax_cross_entropy', 'tf.losses.softmaxCrossEntropy']) assert.equal(resolveForeign(n)?.spec.id, 'CategoricalCrossentropy', n);
  });
});

describe('CategoricalFocalCrossentropy', () => {
  it('all correct: 0', () => {
    // keras/src/losses/losses_test.py CategoricalFocalCrossentropyTest.test_all_correct_unweighted
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: I3, config: { alpha: 0.25, gamma: 2.0 } }), 0, 0, 1e-3);
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: [[10, 0, 0], [0, 10, 0], [0, 0, 10]], config: { from_logits: true } }), 0, 0, 1e-3);
  });
  it('unweighted: 0.02059, logits 0.000345', () => {
    // keras/src/losses/losses_test.py CategoricalFocalCrossentropyTest.test_unweighted
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: PCCE }), 0.02059, 0, 1e-4);
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: LCCE, config: { from_logits: true } }), 0.000345, 1e-2);
  });
  it('scalar weight: 0.047368, logits 0.000794', () => {
    // keras/src/losses/losses_test.py CategoricalFocalCrossentropyTest.test_scalar_weighted
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: PCCE, sampleWeight: 2.3 }), 0.047368, 0, 1e-4);
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: LCCE, sampleWeight: 2.3, config: { from_logits: true } }), 0.000794, 0, 1e-5);
  });
  it('sample weights: 0.06987, logits 0.001933', () => {
    // keras/src/losses/losses_test.py CategoricalFocalCrossentropyTest.test_sample_weighted
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: PCCE, sampleWeight: [[1.2], [3.4], [5.6]] }), 0.06987, 0, 1e-4);
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: LCCE, sampleWeight: [[1.2], [3.4], [5.6]], config: { from_logits: true } }), 0.001933, 0, 1e-5);
  });
  it('reduction None: (1.5096224e-09, 2.4136547e-11, 1.0360638e-03)', () => {
    // keras/src/losses/losses_test.py CategoricalFocalCrossentropyTest.test_no_reduction (assertAllClose: rtol=atol=1e-6)
    const v = value({ loss: 'CategoricalFocalCrossentropy', yTrue: I3, yPred: LCCE, config: { from_logits: true, reduction: null } }) as number[];
    assertClose(v, [1.5096224e-09, 2.4136547e-11, 1.0360638e-03], 1e-6, 1e-6);
    assertClose(v[0], 1.5096224e-09, 1e-3, 0);
    assertClose(v[2], 1.0360638e-03, 1e-5, 0);
  });
  it('label smoothing with logits: 0.06685', () => {
    // keras/src/losses/losses_test.py CategoricalFocalCrossentropyTest.test_label_smoothing
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: [[1, 0, 0]], yPred: [[4.9, -0.5, 2.05]], config: { from_logits: true, label_smoothing: 0.1 } }), 0.06685, 0, 1e-4);
  });
  it('label smoothing with axis=1', () => {
    // keras/src/losses/losses_test.py CategoricalFocalCrossentropyTest.test_label_smoothing_with_axis
    const yTrue = [[[1, 0], [0, 1], [0, 0]], [[0, 1], [1, 0], [0, 0]]];
    const yPred = [[[0.8, 0.1], [0.1, 0.8], [0.1, 0.1]], [[0.1, 0.8], [0.8, 0.1], [0.1, 0.1]]];
    let total = 0;
    for (let b = 0; b < 2; b++) for (let s = 0; s < 2; s++) for (let c = 0; c < 3; c++) {
      const p = yPred[b][c][s];
      total += 0.25 * (1 - p) ** 2 * -(yTrue[b][c][s] * 0.9 + 0.1 / 3) * Math.log(p);
    }
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue, yPred, config: { label_smoothing: 0.1, axis: 1 } }), total / 4, 0, 1e-5);
  });
  it('single class warns (test_warning_for_invalid_shape)', () => {
    // keras/src/losses/losses_test.py CategoricalFocalCrossentropyTest.test_warning_for_invalid_shape
    assert.ok(codes({ loss: 'categorical_focal_crossentropy', yTrue: [[1], [1]], yPred: [[0.5], [0.5]] }).includes('single-class'));
  });
  it('per-class alpha list weights each class term (independent formula) and must match the class count', () => {
    const alpha = [0.2, 0.5, 0.3];
    const t = [0, 1, 0], p = [0.2, 0.7, 0.1];
    const exp = -alpha[1] * (1 - 0.7) ** 2 * Math.log(0.7);
    assertClose(value({ loss: 'CategoricalFocalCrossentropy', yTrue: [t], yPred: [p], config: { alpha, reduction: 'none' } }), [exp], 1e-6);
    assert.throws(() => evaluate({ loss: 'CategoricalFocalCrossentropy', yTrue: [t], yPred: [p], config: { alpha: [0.2, 0.5] } }), /argument `alpha`/);
  });
  it('gradient through clip, renormalisation and softmax matches finite differences', () => {
    const req: EvalRequest = { loss: 'CategoricalFocalCrossentropy', yTrue: [[0, 1, 0], [0.3, 0.2, 0.5]], yPred: [[1.5, 0.2, -0.7], [0.1, 2.0, -1.0]], config: { from_logits: true, gamma: 1.5, alpha: [0.2, 0.5, 0.3], label_smoothing: 0.05, dtype: 'float64' } };
    assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req)), 1e-4, 1e-7);
  });
});
