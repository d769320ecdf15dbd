/**
 * SparseCategoricalCrossentropy, CategoricalGeneralizedCrossEntropy, KLDivergence and Poisson (Keras 3): golden values
 * from keras/src/losses/losses_test.py, KERAS_SEMANTICS.md numbers, seeds, masks and errors.
 */
import * as assert from 'node:assert/strict';
import { evaluate, toNested, LossInspectorError, EvalRequest } from '../../../src/core';
import { resolveForeign } from '../../../src/core/names';
import { assertClose, value, numericGrad } from '../helpers';

const codes = (req: EvalRequest) => evaluate(req).trace.warnings.map((w) => w.code);
const f32 = Math.fround;
const PCCE = [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]];
const LCCE = [[8, 1, 1], [0, 9, 1], [2, 3, 5]];

describe('SparseCategoricalCrossentropy', () => {
  it('all correct: 0', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_all_correct_unweighted
    const I3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [[0], [1], [2]], yPred: I3 }), 0, 0, 1e-3);
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [[0], [1], [2]], yPred: [[10, 0, 0], [0, 10, 0], [0, 0, 10]], config: { from_logits: true } }), 0, 0, 1e-3);
  });
  it('unweighted: 0.3239, logits 0.0573', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_unweighted
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [0, 1, 2], yPred: PCCE }), 0.3239, 0, 1e-3);
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [0, 1, 2], yPred: LCCE, config: { from_logits: true } }), 0.0573, 0, 1e-3);
  });
  it('scalar weight: 0.7449, logits 0.1317', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_scalar_weighted
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [[0], [1], [2]], yPred: PCCE, sampleWeight: 2.3 }), 0.7449, 0, 1e-3);
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [[0], [1], [2]], yPred: LCCE, sampleWeight: 2.3, config: { from_logits: true } }), 0.1317, 0, 1e-3);
  });
  it('sample weights: 1.0696, logits 0.31829', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_sample_weighted
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [[0], [1], [2]], yPred: PCCE, sampleWeight: [[1.2], [3.4], [5.6]] }), 1.0696, 0, 1e-3);
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [[0], [1], [2]], yPred: LCCE, sampleWeight: [[1.2], [3.4], [5.6]], config: { from_logits: true } }), 0.31829, 0, 1e-3);
  });
  it('reduction None: (0.001822, 0.000459, 0.169846)', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_no_reduction
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [[0], [1], [2]], yPred: LCCE, config: { from_logits: true, reduction: null } }), [0.001822, 0.000459, 0.169846], 1e-3, 1e-6);
  });
  it('ignore_class: [[0, 1.480129]] for labels (1,2) and (1,2,1); the default mean runs over kept positions (1.480129, not 0.74)', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_ignore_class
    const logits = [[[0.854, 0.698, 0.598], [0.088, 0.86, 0.018]]];
    for (const yTrue of [[[-1, 2]], [[[-1], [2]]]]) {
      const r = evaluate({ loss: 'SparseCategoricalCrossentropy', yTrue, yPred: logits, config: { from_logits: true, ignore_class: -1, reduction: null } });
      assertClose(toNested(r.value), [[0, 1.480129]], 1e-6);
      assert.deepEqual(Array.from(r.mask!), [0, 1]);
    }
    const m = evaluate({ loss: 'SparseCategoricalCrossentropy', yTrue: [[-1, 2]], yPred: logits, config: { from_logits: true, ignore_class: -1 } });
    assertClose(m.value.data[0], 1.480129, 1e-6);
    assert.equal(m.reduction!.divisorKind, 'valid elements');
    // the ignored position has no gradient; the kept one gets softmax − onehot
    const g = toNested(m.grad) as number[][][];
    assert.deepEqual(g[0][0], [0, 0, 0]);
    const x = logits[0][1].map(f32), e = x.map(Math.exp), z = e[0] + e[1] + e[2];
    assertClose(g[0][1], [e[0] / z, e[1] / z, e[2] / z - 1], 1e-6);
  });
  it('binary segmentation: 0, then (−log 0.2 − log 0.4)/16', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_binary_segmentation
    const yTrue = [[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]];
    const oh = (l: number): number[] => (l === 0 ? [1.0, 0.0] : [0.0, 1.0]);
    const yPred = yTrue.map((r) => r.map(oh));
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue, yPred }), 0, 0, 1e-6);
    yPred[0][3] = [0.2, 0.8];
    yPred[3][3] = [0.6, 0.4];
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue, yPred }), (-Math.log(0.2) - Math.log(0.4)) / 16, 1e-6, 1e-6);
  });
  it('multi-class segmentation: (−log 0.2 − log 0.3 − log 0.5)/16', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_multi_class_segmentation
    const yTrue = [[0, 1, 2, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]];
    const oh = (l: number): number[] => [0, 1, 2].map((c) => (c === l ? 1.0 : 0.0));
    const yPred = yTrue.map((r) => r.map(oh));
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue, yPred }), 0, 0, 1e-6);
    yPred[0][3] = [0.2, 0.0, 0.8];
    yPred[1][0] = [0.7, 0.3, 0.0];
    yPred[3][2] = [0.5, 0.5, 0.0];
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue, yPred }), (-Math.log(0.2) - Math.log(0.3) - Math.log(0.5)) / 16, 1e-6, 1e-6);
  });
  it('axis ≠ −1 raises as on the TF backend', () => {
    // keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_binary_segmentation_different_axis
    const yTrue = [[0, 1], [1, 0]];
    const yPred = [[[1, 0], [0, 1]], [[0, 1], [1, 0]]];
    assert.throws(() => evaluate({ loss: 'SparseCategoricalCrossentropy', yTrue, yPred, config: { axis: 0 } }), /argument `axis`.*only axis=-1/);
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue, yPred, config: { axis: 2 } }), 0, 0, 1e-6);
  });
  it('seed: [1, 0] vs [[0.15,0.75,0.1],[0.75,0.15,0.1]] → 0.2876821', () => {
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [1, 0], yPred: [[0.15, 0.75, 0.1], [0.75, 0.15, 0.1]] }), 0.2876821, 1e-6);
  });
  it('seed: [0, 1, 2] vs [[0.05,0.95,0],[0.1,0.8,0.1],[0.1,0.8,0.1]] → TF clip-then-renormalise (independent formula)', () => {
    const yPred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1]];
    const eps = f32(1e-7), hi = f32(1 - 1e-7);
    const c = (x: number) => Math.min(Math.max(f32(x), eps), hi);
    const exp = [0, 1, 2].map((b) => -Math.log(c(yPred[b][b]) / yPred[b].reduce((s, x) => s + c(x), 0))).reduce((a, b) => a + b) / 3;
    assertClose(value({ loss: 'SparseCategoricalCrossentropy', yTrue: [0, 1, 2], yPred }), exp, 1e-6);
  });
  it('label out of range: an error naming the row; one-hot labels: an error with a hint', () => {
    assert.throws(() => evaluate({ loss: 'SparseCategoricalCrossentropy', yTrue: [0, 3, 2], yPred: PCCE }),
      (e: unknown) => e instanceof LossInspectorError && /label 3 at y_true\[1\] is outside the valid range \[0, 3\)/.test(e.message));
    assert.throws(() => evaluate({ loss: 'SparseCategoricalCrossentropy', yTrue: [[0, -1]], yPred: [[[0.5, 0.5], [0.5, 0.5]]] }), /y_true\[0, 1\].*ignore_class=-1/);
    assert.throws(() => evaluate({ loss: 'SparseCategoricalCrossentropy', yTrue: [[1, 0, 0], [0, 1, 0]], yPred: [[0.9, 0.05, 0.05], [0.5, 0.3, 0.2]] }), /one-hot.*CategoricalCrossentropy/);
  });
  it('probability gradient: 1/Σclip − [j = t]/clip_t, zero for clipped entries (finite differences)', () => {
    const req: EvalRequest = { loss: 'SparseCategoricalCrossentropy', yTrue: [1, 2], yPred: [[0.3, 0.5, 0.4], [0.1, 0.6, 0.2]], config: { dtype: 'float64' } };
    assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req)), 1e-5, 1e-7);
    const r = evaluate({ loss: 'SparseCategoricalCrossentropy', yTrue: [0], yPred: [[0.5, 0.5, 0]], config: { reduction: 'sum' } });
    assert.equal(r.grad.data[2], 0);
    assert.equal(r.trace.clipped!.count, 1);
  });
  it('warnings: logits without from_logits, probabilities with it, fractional labels; none on clean data', () => {
    assert.ok(codes({ loss: 'SparseCategoricalCrossentropy', yTrue: [1], yPred: [[2.0, -1.0, 0.3]] }).includes('looks-like-logits'));
    assert.ok(codes({ loss: 'SparseCategoricalCrossentropy', yTrue: [1], yPred: [[0.2, 0.5, 0.3]], config: { from_logits: true } }).includes('looks-like-probabilities'));
    assert.ok(codes({ loss: 'SparseCategoricalCrossentropy', yTrue: [1.5], yPred: [[0.2, 0.5, 0.3]] }).includes('fractional-labels'));
    assert.deepEqual(codes({ loss: 'SparseCategoricalCrossentropy', yTrue: [1], yPred: [[0.2, 0.5, 0.3]] }), []);
  });
  it('foreign names resolve', () => {
    for (const n of ['nn.NLLLoss', 'optax.softmax_cross_entropy_with_integer_labels']) assert.equal(resolveForeign(n)?.spec.id, 'SparseCategoricalCrossentropy', n);
  });
});

describe('CategoricalGeneralizedCrossEntropy', () => {
  const yTrue = [0, 1, 0, 1];
  const gce = (p: number, q: number) => (1 - p ** q) / q;
  it('binary: mean of (1 − p^q)/q for q = 0.5 and 0.8', () => {
    // keras/src/losses/losses_test.py CategoricalGeneralizedCrossEntropyTest.test_basic_correctness_for_binary
    const yPred = [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]];
    for (const q of [0.5, 0.8]) {
      const exp = [0.7, 0.8, 0.6, 0.6].map((p) => gce(p, q)).reduce((a, b) => a + b) / 4;
      assertClose(value({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue, yPred, config: { q } }), exp, 1e-6);
    }
  });
  it('multi-class: q = 0.5 and 0.8', () => {
    // keras/src/losses/losses_test.py CategoricalGeneralizedCrossEntropyTest.test_basic_correctness_for_multi_class
    const yPred = [[0.7, 0.3, 0.0], [0.2, 0.2, 0.6], [0.6, 0.4, 0.0], [0.2, 0.2, 0.6]];
    for (const q of [0.5, 0.8]) {
      const exp = [0.7, 0.2, 0.6, 0.2].map((p) => gce(p, q)).reduce((a, b) => a + b) / 4;
      assertClose(value({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue, yPred, config: { q } }), exp, 1e-6);
    }
  });
  it('binary and multi-class segmentation: 0, then Σ/16', () => {
    // keras/src/losses/losses_test.py CategoricalGeneralizedCrossEntropyTest.test_binary_segmentation
    const yt = [[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]];
    const yp = yt.map((r) => r.map((l): number[] => (l === 0 ? [1.0, 0.0] : [0.0, 1.0])));
    assertClose(value({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue: yt, yPred: yp, config: { q: 0.5 } }), 0, 0, 1e-6);
    yp[0][3] = [0.2, 0.8]; yp[3][3] = [0.6, 0.4];
    assertClose(value({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue: yt, yPred: yp, config: { q: 0.5 } }), (gce(0.2, 0.5) + gce(0.4, 0.5)) / 16, 1e-6);
    // keras/src/losses/losses_test.py CategoricalGeneralizedCrossEntropyTest.test_multi_class_segmentation
    const yt3 = [[0, 1, 2, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]];
    const yp3 = yt3.map((r) => r.map((l): number[] => [0, 1, 2].map((c) => (c === l ? 1.0 : 0.0))));
    assertClose(value({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue: yt3, yPred: yp3, config: { q: 0.5 } }), 0, 0, 1e-6);
    yp3[0][3] = [0.2, 0.0, 0.8]; yp3[1][0] = [1.0, 0.0, 0.0]; yp3[3][2] = [0.5, 0.5, 0.0];
    assertClose(value({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue: yt3, yPred: yp3, config: { q: 0.5 } }), (gce(0.2, 0.5) + gce(0.0, 0.5) + gce(0.5, 0.5)) / 16, 1e-6);
  });
  it('(B, 1) labels broadcast to (B, B): 0.6150 instead of 0.3599, with a warning (KERAS_SEMANTICS §3)', () => {
    const yPred = [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]];
    assertClose(value({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue, yPred }), 0.3599, 0, 1e-4);
    const r = evaluate({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue: [[0], [1], [0], [1]], yPred });
    assertClose(r.value.data[0], 0.6150, 0, 1e-4);
    assert.deepEqual(r.perSample.shape, [4, 4]);
    assert.ok(r.trace.warnings.some((w) => w.code === 'gce-label-broadcast'));
    assert.deepEqual(codes({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue, yPred }), []);
  });
  it('q outside (0, 1) raises; not a compile string', () => {
    for (const q of [0, 1, 1.5, -0.2]) assert.throws(() => evaluate({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue, yPred: [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]], config: { q } }), /argument `q`: expected a number (< 1 and > 0|> 0 and < 1)/);
    assert.throws(() => evaluate({ loss: 'categorical_generalized_cross_entropy', yTrue, yPred: [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]] }), /argument `q`.*required/);
    // the function form does not check the range (only the class constructor does)
    assertClose(value({ loss: 'categorical_generalized_cross_entropy', yTrue: [1], yPred: [[0.25, 0.75]], config: { q: 1.5 } }), [(1 - f32(0.75) ** f32(1.5)) / f32(1.5)], 1e-6);
    assert.ok(evaluate({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue, yPred: [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]] }).loss === 'CategoricalGeneralizedCrossEntropy');
  });
  it('gradient −p_y^(q−1) on the true class only', () => {
    const r = evaluate({ loss: 'CategoricalGeneralizedCrossEntropy', yTrue: [1], yPred: [[0.3, 0.6, 0.1]], config: { q: 0.7, reduction: 'sum' } });
    assertClose(Array.from(r.grad.data), [0, -(f32(0.6) ** (f32(0.7) - 1)), 0], 1e-6);
  });
});

describe('KLDivergence', () => {
  const yPred = [[0.4, 0.9, 0.12], [0.36, 0.3, 0.4]];
  const yTrue = [[0.5, 0.8, 0.12], [0.7, 0.43, 0.8]];
  const el = yTrue.map((r, b) => r.map((t, j) => t * Math.log(t / yPred[b][j])));
  const rowSum = el.map((r) => r.reduce((a, b) => a + b));
  it('unweighted: Σ expected / batch', () => {
    // keras/src/losses/losses_test.py KLDivergenceTest.test_unweighted
    assertClose(value({ loss: 'KLDivergence', yTrue, yPred }), (rowSum[0] + rowSum[1]) / 2, 0, 1e-3);
  });
  it('scalar weight 2.3', () => {
    // keras/src/losses/losses_test.py KLDivergenceTest.test_scalar_weighted
    assertClose(value({ loss: 'KLDivergence', yTrue, yPred, sampleWeight: 2.3 }), 2.3 * (rowSum[0] + rowSum[1]) / 2, 0, 1e-3);
  });
  it('sample weights (1.2, 3.4)', () => {
    // keras/src/losses/losses_test.py KLDivergenceTest.test_sample_weighted
    assertClose(value({ loss: 'KLDivergence', yTrue, yPred, sampleWeight: [[1.2], [3.4]] }), (1.2 * rowSum[0] + 3.4 * rowSum[1]) / 2, 0, 1e-3);
  });
  it('timestep weights', () => {
    // keras/src/losses/losses_test.py KLDivergenceTest.test_timestep_weighted
    const sw = [[3, 6, 5], [0, 4, 2]];
    const exp = el.flat().reduce((s, x, i) => s + x * sw.flat()[i], 0) / 6;
    const r3 = (a: number[][]) => a.map((r) => r.map((x) => [x]));
    assertClose(value({ loss: 'KLDivergence', yTrue: r3(yTrue), yPred: r3(yPred), sampleWeight: sw }), exp, 0, 1e-3);
  });
  it('zero weight', () => {
    // keras/src/losses/losses_test.py KLDivergenceTest.test_zero_weighted
    assertClose(value({ loss: 'KLDivergence', yTrue, yPred, sampleWeight: 0 }), 0, 0, 1e-6);
  });
  it('zero targets are clipped to ε: [[0, 0]] vs [[0.4, 0.6]] gives −3.08e-06 (KERAS_SEMANTICS §3)', () => {
    assertClose(value({ loss: 'KLDivergence', yTrue: [[0, 0]], yPred: [[0.4, 0.6]] }), -3.08e-06, 1e-3);
  });
  it('seeds: independent clip-and-sum formula', () => {
    const eps = f32(1e-7);
    const kl = (t: number[][], p: number[][]) => t.map((r, b) => r.reduce((s, ti, j) => {
      const tc = Math.min(Math.max(f32(ti), eps), 1), pc = Math.min(Math.max(f32(p[b][j]), eps), 1);
      return s + tc * Math.log(tc / pc);
    }, 0)).reduce((a, b) => a + b) / t.length;
    const a = { t: [[0, 1], [0, 0]], p: [[0.6, 0.4], [0.4, 0.6]] };
    assertClose(value({ loss: 'KLDivergence', yTrue: a.t, yPred: a.p }), kl(a.t, a.p), 1e-6);
    const b = { t: [[0.1, 1., 0.8], [0.1, 0.9, 0.1], [0.2, 0.7, 0.1], [0.3, 0.1, 0.6]], p: [[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.7, 0.1, 0.2], [0.8, 0.1, 0.1]] };
    assertClose(value({ loss: 'kld', yTrue: b.t, yPred: b.p }), kl(b.t, b.p), 1e-6);
  });
  it('gradient −t/p inside [ε, 1], 0 outside; warnings for log-probabilities and non-distributions', () => {
    const r = evaluate({ loss: 'KLDivergence', yTrue: [[0.5, 0.5]], yPred: [[0.25, 1.5]], config: { reduction: 'sum' } });
    assertClose(Array.from(r.grad.data), [-2, 0], 1e-6);
    assert.equal(r.trace.clipped!.count, 1);
    assert.ok(codes({ loss: 'KLDivergence', yTrue: [[0.5, 0.5]], yPred: [[-0.7, -0.7]] }).includes('kld-log-probabilities'));
    assert.ok(codes({ loss: 'KLDivergence', yTrue: [[0.5, 0.9]], yPred: [[0.5, 0.5]] }).includes('kld-not-distributions'));
    assert.deepEqual(codes({ loss: 'KLDivergence', yTrue: [[0.5, 0.5]], yPred: [[0.3, 0.7]] }), []);
  });
  it('aliases and foreign names', () => {
    for (const n of ['kld', 'KLD', 'kl_divergence']) assert.equal(evaluate({ loss: n, yTrue: [[0.5, 0.5]], yPred: [[0.3, 0.7]] }).loss, 'KLDivergence');
    for (const n of ['nn.KLDivLoss', 'optax.kl_divergence']) assert.equal(resolveForeign(n)?.spec.id, 'KLDivergence', n);
  });
});

describe('Poisson', () => {
  const yPred = [[1, 9, 2], [5, 2, 6]];
  const yTrue = [[4, 8, 12], [8, 1, 3]];
  const el = yPred.map((r, b) => r.map((p, j) => p - yTrue[b][j] * Math.log(p)));
  const all = el.flat();
  const sum = all.reduce((a, b) => a + b);
  it('unweighted: Σ / 6', () => {
    // keras/src/losses/losses_test.py PoissonTest.test_unweighted
    assertClose(value({ loss: 'Poisson', yTrue, yPred }), sum / 6, 0, 1e-3);
  });
  it('scalar weight 2.3', () => {
    // keras/src/losses/losses_test.py PoissonTest.test_scalar_weighted
    assertClose(value({ loss: 'Poisson', yTrue, yPred, sampleWeight: 2.3 }), 2.3 * sum / 6, 0, 1e-3);
  });
  it('sample weights', () => {
    // keras/src/losses/losses_test.py PoissonTest.test_sample_weighted
    const exp = (1.2 * (el[0][0] + el[0][1] + el[0][2]) + 3.4 * (el[1][0] + el[1][1] + el[1][2])) / 6;
    assertClose(value({ loss: 'Poisson', yTrue, yPred, sampleWeight: [[1.2], [3.4]] }), exp, 0, 1e-3);
  });
  it('timestep weights', () => {
    // keras/src/losses/losses_test.py PoissonTest.test_timestep_weighted
    const sw = [3, 6, 5, 0, 4, 2];
    const r3 = (a: number[][]) => a.map((r) => r.map((x) => [x]));
    assertClose(value({ loss: 'Poisson', yTrue: r3(yTrue), yPred: r3(yPred), sampleWeight: [[3, 6, 5], [0, 4, 2]] }), all.reduce((s, x, i) => s + x * sw[i], 0) / 6, 0, 1e-3);
  });
  it('zero weight', () => {
    // keras/src/losses/losses_test.py PoissonTest.test_zero_weighted
    assertClose(value({ loss: 'Poisson', yTrue, yPred, sampleWeight: 0 }), 0, 0, 1e-6);
  });
  it('seeds: mean(p − t·log(p + ε)) with sw [0.8, 0.2] and sum (independent formula)', () => {
    const eps = f32(1e-7);
    const ps = (t: number[][], p: number[][]) => t.map((r, b) => r.reduce((s, ti, j) => s + f32(p[b][j]) - f32(ti) * Math.log(f32(p[b][j]) + eps), 0) / r.length);
    const t1 = [[0., 1.], [0., 0.]], p1 = [[1., 1.], [0., 0.]];
    const v1 = ps(t1, p1);
    assertClose(value({ loss: 'Poisson', yTrue: t1, yPred: p1 }), (v1[0] + v1[1]) / 2, 1e-6);
    assertClose(value({ loss: 'Poisson', yTrue: t1, yPred: p1, sampleWeight: [0.8, 0.2] }), (0.8 * v1[0] + 0.2 * v1[1]) / 2, 1e-6);
    assertClose(value({ loss: 'Poisson', yTrue: t1, yPred: p1, config: { reduction: 'sum' } }), v1[0] + v1[1], 1e-6);
    const t2 = [[0.1, 1., 0.8], [0.1, 0.9, 0.1], [0.2, 0.7, 0.1], [0.3, 0.1, 0.6]], p2 = [[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.7, 0.1, 0.2], [0.8, 0.1, 0.1]];
    assertClose(value({ loss: 'Poisson', yTrue: t2, yPred: p2 }), ps(t2, p2).reduce((a, b) => a + b) / 4, 1e-6);
  });
  it('gradient (1 − t/(p + ε))/D; negative rates warn', () => {
    const r = evaluate({ loss: 'Poisson', yTrue: [[2, 0]], yPred: [[4, 1]], config: { reduction: 'sum' } });
    assertClose(Array.from(r.grad.data), [(1 - 2 / 4) / 2, 0.5], 1e-6);
    assert.ok(codes({ loss: 'Poisson', yTrue: [[2, 0]], yPred: [[-1, 1]] }).includes('poisson-negative-rate'));
    assert.deepEqual(codes({ loss: 'Poisson', yTrue: [[2, 0]], yPred: [[4, 1]] }), []);
    assert.equal(resolveForeign('nn.PoissonNLLLoss')?.spec.id, 'Poisson');
  });
});
