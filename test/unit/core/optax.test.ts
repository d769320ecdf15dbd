/**
 * optax losses against optax's own tests (google-deepmind/optax, optax/losses/*_test.py: the file and test are named
 * beside each expected value), finite-difference gradients on masked/axis variants, and cross-framework identities
 * (optax per-example values against the Keras core on the same numbers).
 */
import * as assert from 'node:assert/strict';
import { evaluate, toNested, LossInspectorError, EvalRequest, formatFor, evaluateSnippet } from '../../../src/core';
import { assertClose, numericGrad } from '../helpers';

const val = (loss: string, yPred: unknown, yTrue: unknown, config: Record<string, unknown> = {}) =>
  toNested(evaluate({ loss, yPred: yPred as never, yTrue: yTrue as never, config: config as never }).value);

function gradMatches(req: EvalRequest): void {
  const r = evaluate({ ...req, config: { ...req.config, dtype: 'float64' } });
  const num = numericGrad({ ...req, config: { ...req.config, dtype: 'float64' } });
  for (let i = 0; i < num.length; i++) {
    assert.ok(Math.abs(r.grad.data[i] - num[i]) <= 1e-5 + 1e-4 * Math.abs(num[i]), `grad[${i}]: ${r.grad.data[i]} vs ${num[i]}`);
  }
}

describe('optax: regression (optax/losses/_regression_test.py)', () => {
  const ys = [-2.0, -1.0, 0.5, 1.0], ts = [-1.5, 0.0, -1, 1.0];
  it('squared_error: SquaredErrorTest.test_batched / test_scalar', () => {
    assertClose(val('optax.squared_error', ys, ts), ts.map((t, i) => (t - ys[i]) ** 2));
    assertClose(val('optax.losses.squared_error', ys[0], ts[0]), 0.25);
  });
  it('l2_loss: L2LossTest.test_batched (0.5·(t − y)²)', () => {
    assertClose(val('optax.l2_loss', ys, ts), ts.map((t, i) => 0.5 * (t - ys[i]) ** 2));
  });
  it('squared_error / l2_loss: test_shape_mismatch raises (no broadcasting), naming the arguments', () => {
    for (const loss of ['optax.squared_error', 'optax.l2_loss']) {
      assert.throws(() => evaluate({ loss, yPred: ys, yTrue: ts.map((t) => [t]) }),
        (e: unknown) => e instanceof LossInspectorError && /`predictions` \(4,\) and `targets` \(4, 1\) must have equal shapes/.test(e.message));
    }
  });
  it('huber_loss: HuberLossTest.test_batched (delta=1)', () => {
    assertClose(val('optax.huber_loss', [-2.0, 0.5, 0.0, 0.5, 2.0, 4.0, 132.0], [0.0, -0.5, 0.0, 1.0, 1.0, 2.0, 0.3], { delta: 1.0 }),
      [1.5, 0.5, 0.0, 0.125, 0.5, 1.5, 131.2], 1e-6, 1e-5);
  });
  it('log_cosh: LogCoshTest.test_batched (values from tf.keras log_cosh, atol 1e-5), no overflow at 700', () => {
    assertClose(val('optax.log_cosh', [500, -2.0, -1.0, 0.5, 1.0], [-200, -1.5, 0.0, -1, 1.0]), [699.3068, 0.12011445, 0.4337809, 0.85544014, 0.0], 1e-7, 1e-5); // numpy's assert_allclose: rtol 1e-7 + atol
  });
  it('cosine_distance / cosine_similarity: CosineDistanceTest.test_batched_* (scipy values, atol 1e-4)', () => {
    const p = [[10.0, 1.0, -2.0], [1.0, 4.0, 0.2]], t = [[0.0, 1.2, 0.2], [1.0, -0.3, 0.0]];
    const exp = [0.9358251989, 1.0464068465];
    assertClose(val('optax.cosine_distance', p, t), exp, 0, 1e-4);
    assertClose(val('optax.cosine_similarity', p, t), exp.map((e) => 1 - e), 0, 1e-4);
  });
  it('cosine_similarity: where= equals the masked subset (test_mask_similarity), axis=0 equals moveaxis (test_axis)', () => {
    const p = [0.3, -1.2, 0.8, 2.0, -0.4], t = [1.1, 0.2, -0.5, 0.9, 0.7], m = [true, false, true, true, false];
    assertClose(val('optax.cosine_similarity', p, t, { where: m }), val('optax.cosine_similarity', p.filter((_, i) => m[i]), t.filter((_, i) => m[i])));
    const P = [[1, 2], [3, -1], [0.5, 2]], T = [[2, 1], [-1, 1], [1, 1]];
    const tr = (a: number[][]) => a[0].map((_, j) => a.map((r) => r[j]));
    assertClose(val('optax.cosine_similarity', P, T, { axis: 0 }), val('optax.cosine_similarity', tr(P), tr(T)));
  });
  it('a zero vector gives NaN with epsilon=0 (optax\'s default), a number with epsilon > 0', () => {
    assert.ok(Number.isNaN(val('optax.cosine_similarity', [0, 0], [1, 2]) as number));
    assert.equal(val('optax.cosine_similarity', [0, 0], [1, 2], { epsilon: 1e-12 }), 0);
  });
});

describe('optax: classification (optax/losses/_classification_test.py)', () => {
  const logits = [[10.0, 1.0, -2.0], [1.0, 4.0, 0.2]];
  it('softmax_cross_entropy: SoftmaxCrossEntropyTest.test_batched [9.00013, 3.0696733]', () => {
    assertClose(val('optax.softmax_cross_entropy', logits, [[0, 1, 0], [1, 0, 0]]), [9.00013, 3.0696733], 1e-6, 1e-5);
  });
  it('safe_softmax_cross_entropy: SafeSoftmaxCrossEntropyTest.test_batched (−inf logits)', () => {
    const ys = [...logits, [-Infinity, 0, 0], [-Infinity, 0, 0], [-Infinity, 0, -Infinity]];
    const ts = [[0, 1, 0], [1, 0, 0], [0, 0.5, 0.5], [0.4, 0.3, 0.3], [0, 1, 0]];
    assertClose(val('optax.safe_softmax_cross_entropy', ys, ts), [9.00013, 3.0696733, 0.693147, Infinity, 0.0], 1e-6, 1e-4);
    // the plain function gives NaN where a −inf logit meets a 0 label (0·−inf): why the safe one exists
    assert.ok(Number.isNaN((val('optax.softmax_cross_entropy', [[-Infinity, 0, 0]], [[0, 0.5, 0.5]]) as number[])[0]));
  });
  it('softmax_cross_entropy_with_integer_labels: consistent with softmax_cross_entropy (test_consistent_with_softmax_cross_entropy_batched)', () => {
    assertClose(val('optax.softmax_cross_entropy_with_integer_labels', logits, [1, 0]), val('optax.softmax_cross_entropy', logits, [[0, 1, 0], [1, 0, 0]]));
  });
  it('integer labels: fractional labels are refused, out-of-range ones give NaN with a warning, −1 is the last class', () => {
    assert.throws(() => evaluate({ loss: 'optax.softmax_cross_entropy_with_integer_labels', yPred: logits, yTrue: [0.5, 1] }),
      (e: unknown) => e instanceof LossInspectorError && e.details.argument === 'labels' && /integer class indices/.test(e.message));
    const r = evaluate({ loss: 'optax.softmax_cross_entropy_with_integer_labels', yPred: logits, yTrue: [3, -1] });
    assert.ok(Number.isNaN(r.value.data[0]));
    assertClose(r.value.data[1], (val('optax.softmax_cross_entropy', [logits[1]], [[0, 0, 1]]) as number[])[0]);
    assert.ok(r.trace.warnings.some((w) => w.code === 'optax-label-range'));
    assert.throws(() => evaluate({ loss: 'optax.softmax_cross_entropy_with_integer_labels', yPred: logits, yTrue: [[0, 1, 0], [1, 0, 0]] }),
      (e: unknown) => e instanceof LossInspectorError && /One-hot labels go to optax.softmax_cross_entropy/.test(e.message));
  });
  it('integer labels over a tuple of axes flatten them in the order given (test_axes) and mask with where', () => {
    const x = [[[1, 2], [0.5, -1]], [[0, 3], [2, 2]]]; // (2, 2, 2), classes over axes (1, 2) → 4 classes
    assertClose(val('optax.softmax_cross_entropy_with_integer_labels', x, [3, 1], { axis: [1, 2] }),
      val('optax.softmax_cross_entropy_with_integer_labels', [[1, 2, 0.5, -1], [0, 3, 2, 2]], [3, 1]));
    assertClose(val('optax.softmax_cross_entropy_with_integer_labels', x, [2, 1], { axis: [2, 1] }),
      val('optax.softmax_cross_entropy_with_integer_labels', [[1, 0.5, 2, -1], [0, 2, 3, 2]], [2, 1]));
    // a row with nothing included is 0 (jnp.where(any(where), out, 0))
    assertClose(val('optax.softmax_cross_entropy_with_integer_labels', logits, [1, 0], { where: [[true, true, false], [false, false, false]] }),
      [val('optax.softmax_cross_entropy_with_integer_labels', [[10, 1]], [1]) as number[], 0].flat());
    gradMatches({ loss: 'optax.softmax_cross_entropy_with_integer_labels', yPred: x, yTrue: [3, 1], config: { axis: [1, 2] } });
  });
  it('sigmoid_binary_cross_entropy: SigmoidCrossEntropyTest (mean of two elements, rtol 1e-6)', () => {
    const cases: [number[], number[], number][] = [
      [[-1e9, -1e-9], [1, 0], 5e8], [[-1e9, -1e-9], [0, 1], 0.3465736], [[1e9, 1e-9], [1, 0], 0.3465736], [[1e9, 1e-9], [0, 1], 5e8],
      [[0, 0], [1, 0], 0.6931472], [[0, 0], [0, 1], 0.6931472],
    ];
    for (const [p, t, e] of cases) {
      const v = val('optax.sigmoid_binary_cross_entropy', p, t) as number[];
      assertClose((v[0] + v[1]) / 2, e, 1e-6, 1e-6);
    }
  });
  it('poly_loss_cross_entropy: PolyLossTest.test_scalar and test_batched (values from the paper\'s TF code, atol 1e-4)', () => {
    const l = [0.14, 1.456, 2.356, -0.124, -2.47], y = [0.1, 0.15, 0.2, 0.25, 0.3];
    for (const [eps, e] of [[2, 4.5317], [1, 3.7153], [-1, 2.0827], [0, 2.899], [5.45, 7.348]]) assertClose(val('optax.poly_loss_cross_entropy', l, y, { epsilon: eps }), e, 0, 1e-4);
    for (const [eps, e] of [[2, [0.4823, 1.2567]], [0, [0.1698, 0.8247]], [-0.5, [0.0917, 0.7168]]] as [number, number[]][]) {
      assertClose(val('optax.poly_loss_cross_entropy', [[4, 2, 1], [0, 5, 1]], [[1, 0, 0], [0, 0.8, 0.2]], { epsilon: eps }), e, 0, 1e-4);
    }
    gradMatches({ loss: 'optax.poly_loss_cross_entropy', yPred: [[4, 2, 1], [0, 5, 1]], yTrue: [[1, 0, 0], [0, 0.8, 0.2]], config: { epsilon: 1.5, where: [[true, false, true], [true, true, true]] } });
  });
  const logPs = [[-2.9957, -3.5066, -3.912, -1.204, -0.6931, -2.3026], [-1.6094, -1.6094, -1.6094, -2.3026, -1.8971, -1.8971]];
  it('kl_divergence: KLDivergenceTest.test_batched [0.8875577, 0.7592807]', () => {
    assertClose(val('optax.kl_divergence', logPs, [[0.2, 0.2, 0.2, 0.1, 0.15, 0.15], [0.05, 0.03, 0.02, 0.3, 0.5, 0.0]]), [0.8875577, 0.7592807], 0, 1e-4);
  });
  it('kl_divergence_with_log_targets: KLDivergenceWithLogTargetsTest.test_batched', () => {
    assertClose(val('optax.kl_divergence_with_log_targets', logPs, [logPs[1], logPs[0]]), [0.8875625, 0.7187435584901326], 0, 1e-4);
  });
  it('generalized_kl_divergence (and its deprecated name convex_kl_divergence): GeneralizedKLDivergenceTest.test_batched', () => {
    const qs = [[0.2, 0.2, 0.2, 0.1, 0.15, 0.15], [0.05, 0.03, 0.02, 0.3, 0.5, 0.0]];
    assertClose(val('optax.generalized_kl_divergence', logPs, qs), [0.88757247, 0.859308], 0, 1e-4);
    assertClose(val('optax.convex_kl_divergence', logPs, qs), [0.88757247, 0.859308], 0, 1e-4);
  });
  it('sigmoid_focal_loss: gamma=0 equals sigmoid_binary_cross_entropy (SigmoidFocalLossTest.test_focal_equals_ce); alpha weights', () => {
    const ys = [[2.0, 0.1, -2.0], [0.3, -0.1, 1.2]], ts = [[0, 0, 1], [1, 0, 0]];
    assertClose(val('optax.sigmoid_focal_loss', ys, ts, { gamma: 0 }), val('optax.sigmoid_binary_cross_entropy', ys, ts), 2e-5);
    // hard labels: (1 − p_t)^γ·CE with p_t the probability of the true class
    const p = 1 / (1 + Math.exp(-0.3));
    assertClose((val('optax.sigmoid_focal_loss', [0.3], [1], { alpha: 0.25 }) as number[])[0], 0.25 * (1 - p) ** 2 * -Math.log(p), 1e-6);
    gradMatches({ loss: 'optax.sigmoid_focal_loss', yPred: ys, yTrue: [[0, 0.3, 1], [1, 0.8, 0]], config: { alpha: 0.25, gamma: 1.5 } });
  });
  it('hinge / perceptron losses: HingeTest and PerceptronTest (reference max(0, 1 − s·y), max(0, −s·y))', () => {
    assertClose(val('optax.hinge_loss', [10, 20], [1, -1]), [0, 21]);
    assertClose(val('optax.perceptron_loss', [10, 20], [1, -1]), [0, 20]);
    assertClose(val('optax.multiclass_hinge_loss', [[10, 3], [11, -2]], [1, 0]), [8, 0]);
    assertClose(val('optax.multiclass_perceptron_loss', [[10, 3], [11, -2]], [1, 0]), [7, 0]);
  });
  it('JAX splits the gradient of max at a tie: hinge at s·y = 1 gets half the slope', () => {
    const r = evaluate({ loss: 'optax.hinge_loss', yPred: [1, 0.5], yTrue: [1, 1] });
    assert.deepEqual(Array.from(r.grad.data), [-0.5, -1]);
  });
  it('sparsemax losses: SparsemaxTest.test_multi_class_zero_loss and the binary values', () => {
    assertClose(val('optax.multiclass_sparsemax_loss', [[0, 1e5, 0], [1e5, 0, 0], [0, 0, 1e5]], [1, 0, 2]), [0, 0, 0], 0, 1e-4);
    assertClose(val('optax.sparsemax_loss', [10, 20, 0.5], [1, 0, 1]), [0, 20, 0.0625]);
  });
});

describe('optax: conventions of the framework', () => {
  it('float32 by default (JAX), float64 on request; JAX prints Array([...], dtype=float32)', () => {
    const r32 = evaluate({ loss: 'optax.l2_loss', yPred: [0.1], yTrue: [0.3] });
    const r64 = evaluate({ loss: 'optax.l2_loss', yPred: [0.1], yTrue: [0.3], config: { dtype: 'float64' } });
    assert.equal(r32.value.data[0], Math.fround(0.5 * Math.fround(Math.fround(Math.fround(0.1) - Math.fround(0.3)) ** 2)));
    assert.equal(r64.value.data[0], 0.5 * (0.1 - 0.3) ** 2);
    assert.equal(formatFor(evaluate({ loss: 'optax.l2_loss', yPred: [-2, -1, 0.5, 1], yTrue: [-1.5, 0, -1, 1] }).value, 'optax'), 'Array([0.125, 0.5  , 1.125, 0.   ], dtype=float32)');
  });
  it('no reduction and no weights: per-example output, sample_weight refused with what to do instead', () => {
    const r = evaluate({ loss: 'optax.softmax_cross_entropy', yPred: [[1, 2, 3], [1, 0, 0]], yTrue: [[0, 0, 1], [1, 0, 0]] });
    assert.deepEqual(r.value.shape, [2]);
    assert.equal(r.reduction, null);
    assert.throws(() => evaluate({ loss: 'optax.l2_loss', yPred: [1, 2], yTrue: [1, 1], sampleWeight: [1, 2] }), /take no weights and do not reduce; multiply the per-example losses/);
    assert.throws(() => evaluate({ loss: 'optax.l2_loss', yPred: [1, 2], yTrue: [1, 1], config: { reduction: 'sum' } }), /unexpected argument `reduction`/);
  });
  it('(N,) against (N,1) broadcasts to (N,N) in huber_loss, with the outer-product warning', () => {
    const r = evaluate({ loss: 'optax.huber_loss', yPred: [1, 2, 3], yTrue: [[1], [2], [3]] });
    assert.deepEqual(r.value.shape, [3, 3]);
    assert.ok(r.trace.warnings.some((w) => w.code === 'outer-product'));
  });
});

describe('optax ↔ Keras: the same quantity on the same numbers', () => {
  const logits = [[2.0, -1.0, 0.5], [0.1, 0.2, 3.0], [-1.0, 4.0, 0.0]];
  const labels = [2, 2, 1];
  it('softmax_cross_entropy_with_integer_labels == SparseCategoricalCrossentropy(from_logits=True, reduction=None) per example', () => {
    const k = evaluate({ loss: 'SparseCategoricalCrossentropy', yTrue: labels, yPred: logits, config: { from_logits: true, reduction: null } });
    const o = evaluate({ loss: 'optax.softmax_cross_entropy_with_integer_labels', yTrue: labels, yPred: logits });
    assertClose(Array.from(o.value.data), Array.from(k.value.data), 1e-6);
    assertClose(Array.from(o.grad.data), Array.from(k.grad.data), 1e-5, 1e-7);
  });
  it('softmax_cross_entropy(...).mean() == CategoricalCrossentropy(from_logits=True)', () => {
    const oh = labels.map((l) => [0, 1, 2].map((j) => (j === l ? 1 : 0)));
    const o = evaluate({ loss: 'optax.softmax_cross_entropy', yTrue: oh, yPred: logits }).value.data;
    const k = evaluate({ loss: 'CategoricalCrossentropy', yTrue: oh, yPred: logits, config: { from_logits: true } }).value.data[0];
    assertClose(o.reduce((a, b) => a + b, 0) / o.length, k, 1e-6);
  });
  it('huber_loss(p, t, delta).mean() == Huber(delta); squared_error(...).mean() == MSE == 2·l2_loss(...).mean()', () => {
    const p = [[0.3, 2.5], [-1.0, 0.2]], t = [[0, 1], [1, 0]];
    const mean = (loss: string, config = {}) => { const d = evaluate({ loss, yPred: p, yTrue: t, config }).value.data; return d.reduce((a, b) => a + b, 0) / d.length; };
    assertClose(mean('optax.huber_loss', { delta: 0.7 }), evaluate({ loss: 'Huber', yTrue: t, yPred: p, config: { delta: 0.7 } }).value.data[0], 1e-6);
    const mse = evaluate({ loss: 'MeanSquaredError', yTrue: t, yPred: p }).value.data[0];
    assertClose(mean('optax.squared_error'), mse, 1e-6);
    assertClose(2 * mean('optax.l2_loss'), mse, 1e-6);
  });
  it('kl_divergence(log p, q) == KLDivergence(reduction=None)(q, p) where p is inside Keras\'s clip', () => {
    const q = [[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], p = [[0.3, 0.3, 0.4], [0.2, 0.5, 0.3]];
    const o = evaluate({ loss: 'optax.kl_divergence', yTrue: q, yPred: p.map((r) => r.map(Math.log)) }).value.data;
    const k = evaluate({ loss: 'KLDivergence', yTrue: q, yPred: p, config: { reduction: null } }).value.data;
    assertClose(Array.from(o), Array.from(k), 1e-5);
  });
  it('sigmoid_binary_cross_entropy(...).mean() == BinaryCrossentropy(from_logits=True)', () => {
    const x = [[1.5, -0.3], [2.2, -4.0]], y = [[1, 0], [0, 1]];
    const o = evaluate({ loss: 'optax.sigmoid_binary_cross_entropy', yTrue: y, yPred: x }).value.data;
    const k = evaluate({ loss: 'BinaryCrossentropy', yTrue: y, yPred: x, config: { from_logits: true } }).value.data[0];
    assertClose(o.reduce((a, b) => a + b, 0) / o.length, k, 1e-6);
  });
  it('cosine_similarity == −CosineSimilarity(reduction=None)', () => {
    const p = [[1, 2, 3], [0.5, -1, 2]], t = [[3, 1, 0], [1, 1, 1]];
    const o = evaluate({ loss: 'optax.cosine_similarity', yTrue: t, yPred: p }).value.data;
    const k = evaluate({ loss: 'CosineSimilarity', yTrue: t, yPred: p, config: { reduction: null } }).value.data;
    assertClose(Array.from(o), Array.from(k).map((v) => -v), 1e-6);
  });
});

describe('optax in snippets', () => {
  it('optax.X(predictions, targets) is evaluated in optax\'s order, keywords by optax\'s names, .mean() after it', () => {
    const src = [
      'import jax.numpy as jnp', 'import optax',
      'logits = jnp.array([[10.0, 1.0, -2.0], [1.0, 4.0, 0.2]])', 'labels = jnp.array([1, 0])',
      'a = optax.softmax_cross_entropy_with_integer_labels(logits, labels)',
      'b = optax.losses.l2_loss(targets=jnp.array([0.0, 0.0]), predictions=jnp.array([0.5, 2.0]))',
    ].join('\n');
    const r = evaluateSnippet(src);
    const vals = r.results.map((x) => Array.from(x.result.value.data));
    assertClose(vals[0], [9.00013, 3.0696733], 1e-6, 1e-5); // SoftmaxCrossEntropyTest values (optax/losses/_classification_test.py)
    assertClose(vals[1], [0.125, 2.0]);
    assert.equal(r.results[1].printed, 'Array([0.125, 2.   ], dtype=float32)');
  });
});
