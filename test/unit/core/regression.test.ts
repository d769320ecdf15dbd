/**
 * Regression losses (Keras 3 MAE, MAPE, MSLE, Huber, LogCosh; tfa PinballLoss): golden values from the Keras and tfa
 * tests and docstrings, the seed snippets, TF gradient conventions at kinks, warnings and errors.
 * Values marked "own derivation" are computed by hand from the formula in KERAS_SEMANTICS.md, arithmetic shown.
 */
import * as assert from 'node:assert/strict';
import { evaluate, LossInspectorError, toNested, tryResolveLoss, resolveLoss, EvalRequest } from '../../../src/core';
import { assertClose, value, numericGrad } from '../helpers';

// Fixtures shared by keras/src/losses/losses_test.py (MAE/MAPE/MSLE/LogCosh) and tfa quantiles_test.py.
const T = [[1, 9, 2], [-5, -2, 6]];
const P = [[4, 8, 12], [8, 1, 3]];
const T3 = [[[1], [9], [2]], [[-5], [-2], [6]]];
const P3 = [[[4], [8], [12]], [[8], [1], [3]]];
const SW_T = [[3, 6, 5], [0, 4, 2]];

function gradOf(req: EvalRequest): number[] {
  return [...evaluate(req).grad.data];
}
function assertGradMatchesFiniteDifferences(req: EvalRequest): void {
  const r = evaluate({ ...req, config: { ...req.config, dtype: 'float64' } });
  const n = numericGrad({ ...req, config: { ...req.config, dtype: 'float64' } });
  assertClose([...r.grad.data], [...n], 1e-5, 1e-7);
}

describe('MeanAbsoluteError (Keras 3)', () => {
  const L = 'MeanAbsoluteError';
  it('all correct: 0', () => assertClose(value({ loss: L, yTrue: [[4, 8, 12], [8, 1, 3]], yPred: [[4, 8, 12], [8, 1, 3]] }), 0)); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_all_correct_unweighted
  it('unweighted: 5.5', () => assertClose(value({ loss: L, yTrue: T, yPred: P }), 5.5)); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_unweighted
  it('scalar weight 2.3: 12.65', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3 }), 12.65)); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_scalar_weighted
  it('(B,1) weights: 81.4/6', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]] }), 81.4 / 6)); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_sample_weighted
  it('timestep weights: 13.833333', () => assertClose(value({ loss: L, yTrue: T3, yPred: P3, sampleWeight: SW_T }), 13.833333)); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_timestep_weighted
  it('zero weight: 0', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 0 }), 0)); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_zero_weighted
  it('reduction=None with sw 2.3: [10.7333, 14.5666]', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3, config: { reduction: null } }), [10.7333, 14.5666], 1e-4)); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_no_reduction
  it('sum with sw 2.3: 25.29999', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3, config: { reduction: 'sum' } }), 25.29999)); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_sum_reduction
  it('mean_with_sample_weight', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]], config: { reduction: 'mean_with_sample_weight' } }),
    (14 / 3 * 1.2 + 19 / 3 * 3.4) / (1.2 + 3.4))); // keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_mean_with_sample_weight_reduction
  it('docstring: 0.5666667', () => assertClose(value({ loss: L, yTrue: [1.0, 0.3, 1.0], yPred: [1.9, 0.3, 1.8] }), 0.5666667)); // keras/src/losses/losses.py MeanAbsoluteError docstring
  it('seed: [[0,1],[0,0]] vs [[1,1],[1,0]] gives 0.5', () => assertClose(value({ loss: 'tf.keras.losses.MeanAbsoluteError', yTrue: [[0, 1], [0, 0]], yPred: [[1, 1], [1, 0]] }), 0.5)); // /work/shared/seeds/000 (TF docs output 0.5)
  it('seed: [1,0] vs [2,3] prints 2.0', () => assertClose(value({ loss: 'MeanAbsoluteError', yTrue: [1, 0], yPred: [2, 3] }), 2.0)); // /work/shared/seeds/002 printed output
  it("compile strings 'mae'/'MAE' and the function resolve; function form returns per-sample values", () => {
    assert.equal(resolveLoss('mae').spec.id, L);
    assert.equal(resolveLoss('MAE').spec.id, L);
    assertClose(toNested(evaluate({ loss: 'mean_absolute_error', yTrue: T, yPred: P }).value), [14 / 3, 19 / 3]);
  });
  it('gradient is sign(p−t)/D·upstream, and exactly 0 where y_pred == y_true (TF sign(0) = 0)', () => {
    // own derivation: D = 3, B = 2 → d(mean)/d(value_b) = 1/2; element gradient = sign(e)/(3·2)
    const g = gradOf({ loss: L, yTrue: [[1, 2, 3], [4, 5, 6]], yPred: [[1, 3, 2], [4, 5, 7]] });
    assertClose(g, [0, 1 / 6, -1 / 6, 0, 0, 1 / 6], 1e-12, 1e-15);
  });
  it('gradient with (B,1) weights matches finite differences', () => assertGradMatchesFiniteDifferences({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]] }));
  it('shapes that cannot broadcast are a clear error', () => {
    assert.throws(() => evaluate({ loss: L, yTrue: [[1, 2, 3]], yPred: [[1, 2]] }), (e: unknown) => e instanceof LossInspectorError && /MeanAbsoluteError: .*cannot be broadcast/.test(e.message));
  });
});

describe('MeanAbsolutePercentageError (Keras 3)', () => {
  const L = 'MeanAbsolutePercentageError';
  it('all correct: 0', () => assertClose(value({ loss: L, yTrue: [[4, 8, 12], [8, 1, 3]], yPred: [[4, 8, 12], [8, 1, 3]] }), 0)); // keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_all_correct_unweighted
  it('unweighted: 211.8518', () => assertClose(value({ loss: L, yTrue: T, yPred: P }), 211.8518, 1e-5)); // keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_unweighted
  it('scalar weight 2.3: 487.259', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3 }), 487.259, 1e-5)); // keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_scalar_weighted
  it('(B,1) weights: 422.8888', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]] }), 422.8888, 1e-5)); // keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_sample_weighted
  it('timestep weights: 694.4444', () => assertClose(value({ loss: L, yTrue: T3, yPred: P3, sampleWeight: SW_T }), 694.4444, 1e-6)); // keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_timestep_weighted
  it('zero weight: 0', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 0 }), 0)); // keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_zero_weighted
  it('reduction=None with sw 2.3: [621.8518, 352.6666]', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3, config: { reduction: null } }), [621.8518, 352.6666], 1e-6)); // keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_no_reduction
  it('mean_with_sample_weight: 183.865', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]], config: { reduction: 'mean_with_sample_weight' } }), 183.865, 1e-5)); // keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_mean_with_sample_weight_reduction
  it('docstring: 6.111111', () => assertClose(value({ loss: L, yTrue: [100.0, 200.0, 300.0], yPred: [90.0, 210.0, 310.0] }), 6.111111)); // keras/src/losses/losses.py MeanAbsolutePercentageError docstring
  it('seed [12,20,29,60] vs [14,18,27,55]: 10.474138 (own derivation)', () => {
    // /work/shared/seeds/001 (no printed output). 100/4 · (2/12 + 2/20 + 2/29 + 5/60) = 25 · 0.4189655 = 10.474138
    assertClose(value({ loss: 'tf.keras.losses.MeanAbsolutePercentageError', yTrue: [12, 20, 29.0, 60.0], yPred: [14.0, 18.0, 27.0, 55.0] }), 10.474138);
  });
  it('y_true = 0 divides by ε (huge but finite) and warns', () => {
    // own derivation: 100 · |0 − 1| / fround(1e-7) = 100 / 1.0000000116860974e-7 = 999999988.3 (float32 ε)
    const r = evaluate({ loss: L, yTrue: [[0, 2]], yPred: [[1, 2]] });
    assertClose(r.value.data[0], 100 / 1.0000000116860974e-7 / 2, 1e-9);
    assert.ok(Number.isFinite(r.value.data[0]));
    assert.ok(r.trace.warnings.some((w) => w.code === 'mape-zero-target' && /1 element/.test(w.message)));
    assert.ok(!evaluate({ loss: L, yTrue: T, yPred: P }).trace.warnings.some((w) => w.code === 'mape-zero-target'));
  });
  it("compile strings 'mape'/'MAPE' resolve", () => {
    assert.equal(resolveLoss('mape').spec.id, L);
    assert.equal(resolveLoss('MAPE').spec.id, L);
  });
  it('gradient: 100·sign(p−t)/(max(|t|,ε)·D), 0 at an exact match', () => {
    // own derivation, one row, D = 3: t = [2, −4, 5], p = [3, −5, 5] → 100/3 · [1/2, −1/4, 0]
    assertClose(gradOf({ loss: L, yTrue: [[2, -4, 5]], yPred: [[3, -5, 5]] }), [100 / 6, -100 / 12, 0], 1e-12);
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]] });
  });
});

describe('MeanSquaredLogarithmicError (Keras 3)', () => {
  const L = 'MeanSquaredLogarithmicError';
  it('unweighted: 1.4370', () => assertClose(value({ loss: L, yTrue: T, yPred: P }), 1.4370, 1e-4)); // keras/src/losses/losses_test.py MeanSquaredLogarithmicErrorTest.test_unweighted
  it('scalar weight 2.3: 3.3051', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3 }), 3.3051, 1e-4)); // keras/src/losses/losses_test.py MeanSquaredLogarithmicErrorTest.test_scalar_weighted
  it('(B,1) weights: 3.7856', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]] }), 3.7856, 1e-4)); // keras/src/losses/losses_test.py MeanSquaredLogarithmicErrorTest.test_sample_weighted
  it('timestep weights: 2.647374', () => assertClose(value({ loss: L, yTrue: T3, yPred: P3, sampleWeight: SW_T }), 2.647374)); // keras/src/losses/losses_test.py MeanSquaredLogarithmicErrorTest.test_timestep_weighted
  it('zero weight: 0', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 0 }), 0)); // keras/src/losses/losses_test.py MeanSquaredLogarithmicErrorTest.test_zero_weighted
  it('mean_with_sample_weight: 1.646', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]], config: { reduction: 'mean_with_sample_weight' } }), 1.646, 1e-3)); // keras/src/losses/losses_test.py MeanSquaredLogarithmicErrorTest.test_mean_with_sample_weight_reduction
  it('seed [12,20,29,60] vs [14,18,27,55]: 0.010642167 in float32, 0.0106421521 exact (own derivation)', () => {
    // /work/shared/seeds/001 (no printed output). mean of (ln 15 − ln 13)², (ln 19 − ln 21)², (ln 28 − ln 30)², (ln 56 − ln 61)²
    // = mean(0.0204779, 0.0100165, 0.0047602, 0.0073140) = 0.0106421521 exactly; with every log and difference
    // rounded to float32 as TF does (numpy float32: d = [0.14310098, −0.10008359, −0.06899285, −0.08552217]) 0.010642167
    const exact = [[15, 13], [19, 21], [28, 30], [56, 61]].map(([a, b]) => (Math.log(a) - Math.log(b)) ** 2).reduce((s, x) => s + x, 0) / 4;
    assertClose(exact, 0.0106421521, 1e-8);
    assertClose(value({ loss: 'msle', yTrue: [12, 20, 29.0, 60.0], yPred: [14.0, 18.0, 27.0, 55.0] }), 0.010642167, 2e-8);
    assertClose(value({ loss: 'msle', yTrue: [12, 20, 29.0, 60.0], yPred: [14.0, 18.0, 27.0, 55.0], config: { dtype: 'float64' } }), exact, 1e-12);
  });
  it('negative y_true and y_pred are clamped to ε: no NaN, zero gradient below ε, recorded and warned', () => {
    // own derivation: t = [−5, 3], p = [−1, 3] → both clamp at ε: (log1p(ε) − log1p(ε))² = 0, second term 0 → 0
    const r = evaluate({ loss: L, yTrue: [[-5, 3]], yPred: [[-1, 3]] });
    assertClose(r.value.data[0], 0, 0, 1e-20);
    assert.deepEqual([...r.grad.data], [0, 0]);
    assert.equal(r.trace.clipped?.count, 1);
    assert.deepEqual(r.trace.clipped?.indices, [0]);
    assert.ok(r.trace.warnings.some((w) => w.code === 'msle-clamped-pred'));
    assert.ok(r.trace.warnings.some((w) => w.code === 'msle-negative-target'));
  });
  it('gradient: 2·(log1p p − log1p t)/((1+p)·D)', () => {
    // own derivation, one row, D = 2: t = [1, 3], p = [2, 0.5]
    const exp = [2 * (Math.log(3) - Math.log(2)) / (3 * 2), 2 * (Math.log(1.5) - Math.log(4)) / (1.5 * 2)];
    assertClose(gradOf({ loss: L, yTrue: [[1, 3]], yPred: [[2, 0.5]], config: { dtype: 'float64' } }), exp, 1e-12);
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3 });
  });
  it('y_pred exactly at ε still gets the gradient (TF maximum gives the tie to its first argument, y_pred)', () => {
    // own derivation, float32: 1e-7 rounds to ε32 itself, so max(p, ε) ties; t = 1, D = 1, z = fround(ε + 1):
    // dL/dp = 2·(log z − log 2)/z ≈ −1.3862941
    const z = Math.fround(Math.fround(1e-7) + 1);
    const r = evaluate({ loss: L, yTrue: [[1]], yPred: [[1e-7]] });
    assertClose(r.grad.data[0], 2 * Math.fround(Math.fround(Math.log(z)) - Math.fround(Math.LN2)) / z, 1e-12);
    assert.equal(r.trace.clipped, undefined);
  });
  it('log(x + 1) is evaluated as Keras does, with the + 1 rounded to float32 (not log1p)', () => {
    // own derivation: t = 0 (clamped to ε), p = 1e-3. Keras float32: z_p = fround(1 + fround(1e-3)), z_t = fround(1 + ε) = 1 + 2^-23,
    // (log z_p − log z_t)² = 9.9926e-07, while the exact (log1p) value is 9.9930e-07: 4e-5 apart, far above float32 noise
    const zp = Math.fround(1 + Math.fround(1e-3)), zt = Math.fround(1 + Math.fround(1e-7));
    const keras = Math.fround(Math.fround(Math.log(zp)) - Math.fround(Math.log(zt))) ** 2;
    const exact = (Math.log1p(1e-3) - Math.log1p(1e-7)) ** 2;
    assert.ok(Math.abs(keras - exact) / exact > 1e-5);
    assertClose(evaluate({ loss: L, yTrue: [[0]], yPred: [[1e-3]] }).value.data[0], keras, 1e-9, 0);
    assertClose(evaluate({ loss: L, yTrue: [[0]], yPred: [[1e-3]], config: { dtype: 'float64' } }).value.data[0], exact, 1e-9, 0);
  });
  it('docstring-style random call returns one value per row (shape (2,))', () => {
    // keras/src/losses/losses.py mean_squared_logarithmic_error docstring (random 0/1 targets, random predictions, (2, 3))
    assert.deepEqual(evaluate({ loss: 'mean_squared_logarithmic_error', yTrue: [[0, 1, 1], [1, 0, 0]], yPred: [[0.2, 0.7, 0.4], [0.9, 0.1, 0.5]] }).value.shape, [2]);
  });
  it("compile strings 'msle'/'MSLE' resolve", () => {
    assert.equal(resolveLoss('msle').spec.id, L);
    assert.equal(resolveLoss('MSLE').spec.id, L);
  });
});

describe('Huber (Keras 3)', () => {
  const L = 'Huber';
  // keras/src/losses/losses_test.py HuberLossTest fixture and its reference formula (min/linear split), re-derived here.
  const HP = [[0.9, 0.2, 0.2], [0.8, 0.4, 0.6]];
  const HT = [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]];
  const refHuber = (t: number[], p: number[], delta: number) => p.map((pi, i) => {
    const a = Math.abs(pi - t[i]);
    const q = Math.min(a, delta);
    return 0.5 * q * q + delta * (a - q);
  });
  const flatT = HT.flat(), flatP = HP.flat();
  const ref = refHuber(flatT, flatP, 1.0);
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  it('all correct: 0', () => assertClose(value({ loss: L, yTrue: HT, yPred: HT }), 0)); // keras/src/losses/losses_test.py HuberLossTest.test_all_correct
  it('unweighted', () => assertClose(value({ loss: L, yTrue: HT, yPred: HP }), sum(ref) / 6, 1e-6)); // keras/src/losses/losses_test.py HuberLossTest.test_unweighted
  it('scalar weight 2.3', () => assertClose(value({ loss: L, yTrue: HT, yPred: HP, sampleWeight: 2.3 }), 2.3 * sum(ref) / 6, 1e-6)); // keras/src/losses/losses_test.py HuberLossTest.test_scalar_weighted
  it('(B,1) weights', () => assertClose(value({ loss: L, yTrue: HT, yPred: HP, sampleWeight: [[1.2], [3.4]] }),
    sum(ref.map((v, i) => v * (i < 3 ? 1.2 : 3.4))) / 6, 1e-6)); // keras/src/losses/losses_test.py HuberLossTest.test_sample_weighted
  it('timestep weights (2,3,1)', () => {
    const sw = [3, 6, 5, 0, 4, 2];
    assertClose(value({ loss: L, yTrue: HT.map((r) => r.map((x) => [x])), yPred: HP.map((r) => r.map((x) => [x])), sampleWeight: [[[3], [6], [5]], [[0], [4], [2]]] }),
      sum(ref.map((v, i) => v * sw[i])) / 6, 1e-6); // keras/src/losses/losses_test.py HuberLossTest.test_timestep_weighted
  });
  it('zero weight: 0', () => assertClose(value({ loss: L, yTrue: HT, yPred: HP, sampleWeight: 0 }), 0)); // keras/src/losses/losses_test.py HuberLossTest.test_zero_weighted
  it('delta=0.8 with sw 2.3', () => assertClose(value({ loss: L, yTrue: HT, yPred: HP, sampleWeight: 2.3, config: { delta: 0.8 } }),
    2.3 * sum(refHuber(flatT, flatP, 0.8)) / 6, 1e-6)); // keras/src/losses/losses_test.py HuberLossTest.test_non_default_delta
  it('function docstring: 0.155', () => assertClose(value({ loss: 'huber', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]] }), [0.18, 0.13], 1e-6)); // keras/src/losses/losses.py huber docstring (0.155 is the mean of these)
  it('seed (TF docs): Huber()([[0,1],[0,0]], [[0.6,0.4],[0.4,0.6]]) = 0.155', () => assertClose(value({ loss: 'tf.keras.losses.Huber', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]] }), 0.155, 1e-6)); // /work/shared/seeds/000
  it('seed [12,20,29,60] vs [14,18,27,55]: 2.25 (own derivation)', () => {
    // /work/shared/seeds/001 (no printed output). errors 2, −2, −2, −5 all > δ = 1 → |e| − ½: 1.5, 1.5, 1.5, 4.5 → mean 2.25
    const r = evaluate({ loss: L, yTrue: [12, 20, 29.0, 60.0], yPred: [14.0, 18.0, 27.0, 55.0] });
    assertClose(r.value.data[0], 2.25);
    assert.ok(r.trace.warnings.some((w) => w.code === 'huber-all-linear'));
    assert.ok(!evaluate({ loss: L, yTrue: HT, yPred: HP }).trace.warnings.some((w) => w.code === 'huber-all-linear'));
  });
  it('tie |e| = δ takes the quadratic branch (same value and slope) and the linear branch beyond', () => {
    // own derivation, δ = 0.5, float64: e = 0.5 → ½·0.25 = 0.125 (gradient e = 0.5); e = −2 → 0.5·2 − 0.125 = 0.875 (gradient −0.5)
    const r = evaluate({ loss: L, yTrue: [[0, 2]], yPred: [[0.5, 0]], config: { delta: 0.5, dtype: 'float64', reduction: 'sum' } });
    assertClose(r.value.data[0], (0.125 + 0.875) / 2, 1e-15);
    assertClose([...r.grad.data], [0.5 / 2, -0.5 / 2], 1e-15);
    assert.ok(r.trace.notes.some((n) => /1 of 2 element\(s\) have \|error\| > delta/.test(n)));
  });
  it('delta ≤ 0 is rejected (Keras PR #23573); a non-number too', () => {
    assert.throws(() => evaluate({ loss: L, yTrue: HT, yPred: HP, config: { delta: 0 } }), (e: unknown) => e instanceof LossInspectorError && /Huber: argument `delta`: expected a number > 0, received 0\./.test(e.message));
    assert.throws(() => evaluate({ loss: L, yTrue: HT, yPred: HP, config: { delta: -1.5 } }), /Huber: argument `delta`: expected a number > 0, received -1\.5/);
    assert.throws(() => evaluate({ loss: 'huber', yTrue: HT, yPred: HP, config: { delta: 'big' } }), /huber: argument `delta`: expected a number/);
  });
  it("'huber_loss' (a Keras 2 compile string, the default name) does not resolve as a Keras 3 loss; 'huber' does", () => {
    assert.equal(tryResolveLoss('huber_loss'), null);
    assert.equal(resolveLoss('huber').spec.id, L);
    assert.equal(resolveLoss('huber').kind, 'function');
  });
  it('gradient matches finite differences across both branches', () => assertGradMatchesFiniteDifferences({ loss: L, yTrue: [[0.9, 0.2, 2.5], [0.8, -1.4, 0.6]], yPred: [[1, 0, 1], [1, 0, 0]], sampleWeight: [[1.2], [3.4]], config: { delta: 0.7 } }));
});

describe('LogCosh (Keras 3)', () => {
  const L = 'LogCosh';
  // keras/src/losses/losses_test.py LogCoshTest reference: log((exp(e) + exp(−e))/2), e = y_pred − y_true
  const ref = T.flat().map((t, i) => { const e = P.flat()[i] - t; return Math.log((Math.exp(e) + Math.exp(-e)) / 2); });
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  it('unweighted', () => assertClose(value({ loss: L, yTrue: T, yPred: P }), sum(ref) / 6, 1e-6)); // keras/src/losses/losses_test.py LogCoshTest.test_unweighted
  it('scalar weight 2.3', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3 }), 2.3 * sum(ref) / 6, 1e-6)); // keras/src/losses/losses_test.py LogCoshTest.test_scalar_weighted
  it('(B,) weights [1.2, 3.4]', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1.2, 3.4] }), sum(ref.map((v, i) => v * (i < 3 ? 1.2 : 3.4))) / 6, 1e-6)); // keras/src/losses/losses_test.py LogCoshTest.test_sample_weighted
  it('timestep weights (2,3,1)', () => {
    const sw = [3, 6, 5, 0, 4, 2];
    assertClose(value({ loss: L, yTrue: T3, yPred: P3, sampleWeight: [[[3], [6], [5]], [[0], [4], [2]]] }), sum(ref.map((v, i) => v * sw[i])) / 6, 1e-6); // keras/src/losses/losses_test.py LogCoshTest.test_timestep_weighted
  });
  it('zero weight: 0', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 0 }), 0)); // keras/src/losses/losses_test.py LogCoshTest.test_zero_weighted
  it('function docstring: 0.108', () => assertClose(value({ loss: 'log_cosh', yTrue: [[0.0, 1.0], [0.0, 0.0]], yPred: [[1.0, 1.0], [0.0, 0.0]] }), [Math.log(Math.cosh(1)) / 2, 0], 1e-6)); // keras/src/losses/losses.py log_cosh docstring (0.108 as a mean)
  it('seed (TF docs): LogCosh()([[0,1],[0,0]], [[1,1],[0,0]]) = 0.108', () => assertClose(value({ loss: 'tf.keras.losses.LogCosh', yTrue: [[0, 1], [0, 0]], yPred: [[1, 1], [0, 0]] }), 0.108, 0, 5e-4)); // /work/shared/seeds/000 (printed 0.108; exact log(cosh 1)/4 = 0.1084452)
  it('seed [[12,20],[29,60]] vs [[14,18],[27,55]]: 2.0704766 (own derivation)', () => {
    // /work/shared/seeds/001 (no printed output). errors (2, −2), (−2, −5): log cosh 2 = 1.3250027, log cosh 5 = 4.3068540
    // rows [1.3250027, (1.3250027 + 4.3068540)/2 = 2.8159284] → mean 2.0704656
    const lc2 = Math.log(Math.cosh(2)), lc5 = Math.log(Math.cosh(5));
    assertClose(value({ loss: L, yTrue: [[12, 20], [29.0, 60.0]], yPred: [[14.0, 18.0], [27.0, 55.0]] }), (lc2 + (lc2 + lc5) / 2) / 2, 1e-7);
  });
  it('small errors: float32 Keras loses log cosh to rounding, and so do we (with a note); float64 is accurate', () => {
    // own derivation with numpy float32 ops mirroring TF's kernels (x + log1p(exp(−2x)) − log 2, each step float32):
    // error 1e-4 → 0.0 (exact 5e-9); 1e-3 → 4.7683716e-07 (exact 4.9999996e-07); 1e-2 → 5.0008297e-05 (exact 4.9999164e-05)
    const v32 = (e: number) => evaluate({ loss: L, yTrue: [[0]], yPred: [[e]] });
    const r4 = v32(1e-4);
    assert.equal(r4.value.data[0], 0);
    assert.ok(r4.trace.notes.some((n) => /1 element\(s\) have \|y_pred − y_true\| < 0\.01/.test(n)));
    assertClose(v32(1e-3).value.data[0], 4.7683716e-07, 1e-7, 0);
    assertClose(v32(1e-2).value.data[0], 5.0008297e-05, 1e-7, 0);
    // float64 (Keras float64 uses the same formula; its rounding is 1e-16 absolute): series x²/2 − x⁴/12
    assertClose(evaluate({ loss: L, yTrue: [[0]], yPred: [[1e-4]], config: { dtype: 'float64' } }).value.data[0], 0.5e-8 - 1e-16 / 12, 1e-7, 0);
    const big = evaluate({ loss: L, yTrue: [[0]], yPred: [[1000]], config: { dtype: 'float64' } });
    assertClose(big.value.data[0], 1000 - Math.LN2, 1e-15);
    assertClose(big.grad.data[0], 1, 1e-15);
  });
  it('gradient is tanh(e)/D and matches finite differences', () => {
    const g = gradOf({ loss: L, yTrue: [[0, 0, 0]], yPred: [[0.3, -2, 0]], config: { dtype: 'float64', reduction: 'sum' } });
    assertClose(g, [Math.tanh(0.3) / 3, Math.tanh(-2) / 3, 0], 1e-14, 1e-16);
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: T, yPred: [[1.5, 8.7, 12], [8, 1, 3]], sampleWeight: [[1.2], [3.4]] });
  });
  it("'logcosh' (Keras 2 compile string) does not resolve as a Keras 3 loss; 'log_cosh' does", () => {
    assert.equal(tryResolveLoss('logcosh'), null);
    assert.equal(resolveLoss('log_cosh').spec.id, L);
  });
});

describe('PinballLoss (tfa, Keras 2 base class)', () => {
  const L = 'PinballLoss';
  it('all correct: 0', () => assertClose(value({ loss: L, yTrue: [[4, 8, 12], [8, 1, 3]], yPred: [[4, 8, 12], [8, 1, 3]] }), 0)); // tensorflow_addons/losses/tests/quantiles_test.py test_all_correct_unweighted
  it('unweighted: 2.75', () => assertClose(value({ loss: L, yTrue: T, yPred: P }), 2.75)); // tensorflow_addons/losses/tests/quantiles_test.py test_unweighted
  it('scalar weight 2.3: 6.325', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3 }), 6.325)); // tensorflow_addons/losses/tests/quantiles_test.py test_scalar_weighted
  it('(B,1) weights: 40.7/6', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]] }), 40.7 / 6)); // tensorflow_addons/losses/tests/quantiles_test.py test_sample_weighted
  it('timestep weights: 41.5/6', () => assertClose(value({ loss: L, yTrue: T3, yPred: P3, sampleWeight: SW_T }), 41.5 / 6)); // tensorflow_addons/losses/tests/quantiles_test.py test_timestep_weighted
  it('zero weight: 0', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 0 }), 0)); // tensorflow_addons/losses/tests/quantiles_test.py test_zero_weighted
  it('incompatible sample_weight (2,2) against (2,3) losses raises', () => {
    assert.throws(() => evaluate({ loss: L, yTrue: T3, yPred: P3, sampleWeight: [[3, 6], [5, 0]] }), (e: unknown) => e instanceof LossInspectorError && /sample_weight/.test(e.message) && /broadcast/.test(e.message)); // tensorflow_addons/losses/tests/quantiles_test.py test_invalid_sample_weight
  });
  it('tau = 0: 4.8333', () => assertClose(value({ loss: L, yTrue: T, yPred: P, config: { tau: 0.0 } }), 4.8333, 1e-4)); // tensorflow_addons/losses/tests/quantiles_test.py test_unweighted_quantile_0pc
  it('tau = 0.1: 4.4166', () => assertClose(value({ loss: L, yTrue: T, yPred: P, config: { tau: 0.1 } }), 4.4166, 1e-4)); // tensorflow_addons/losses/tests/quantiles_test.py test_unweighted_quantile_10pc
  it('tau = 0.9: 1.0833', () => assertClose(value({ loss: L, yTrue: T, yPred: P, config: { tau: 0.9 } }), 1.0833, 1e-4)); // tensorflow_addons/losses/tests/quantiles_test.py test_unweighted_quantile_90pc
  it('tau = 1: 0.6666', () => assertClose(value({ loss: L, yTrue: T, yPred: P, config: { tau: 1.0 } }), 0.6666, 1e-4)); // tensorflow_addons/losses/tests/quantiles_test.py test_unweighted_quantile_100pc
  it('reduction NONE with sw 2.3: [5.3666, 7.28333]', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3, config: { reduction: 'Reduction.NONE' } }), [5.3666, 7.28333], 1e-4)); // tensorflow_addons/losses/tests/quantiles_test.py test_no_reduction
  it('reduction SUM with sw 2.3: 12.65', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3, config: { reduction: 'Reduction.SUM' } }), 12.65)); // tensorflow_addons/losses/tests/quantiles_test.py test_sum_reduction
  it('docstring: pinball_loss([0,0,1,1], [1,1,1,0], tau=.1) = 0.475 (class and function)', () => {
    assertClose(value({ loss: 'tfa.losses.pinball_loss', yTrue: [0, 0, 1, 1], yPred: [1, 1, 1, 0], config: { tau: 0.1 } }), 0.475); // tensorflow_addons/losses/quantiles.py pinball_loss docstring
    assertClose(value({ loss: 'tfa.losses.PinballLoss', yTrue: [0, 0, 1, 1], yPred: [1, 1, 1, 0], config: { tau: 0.1 } }), 0.475); // tensorflow_addons/losses/quantiles.py PinballLoss docstring
  });
  it('gradient: −τ/D where y_true ≥ y_pred (the tie d = 0 goes to the first argument of maximum), (1−τ)/D below', () => {
    // own derivation: docstring data, d = t − p = [−1, −1, 0, 1], τ = 0.1, D = 4 → [0.9, 0.9, −0.1, −0.1]/4
    assertClose(gradOf({ loss: L, yTrue: [0, 0, 1, 1], yPred: [1, 1, 1, 0], config: { tau: 0.1, dtype: 'float64' } }), [0.225, 0.225, -0.025, -0.025], 1e-15);
  });
  it('a (B,) sample_weight weights the ROWS of (B,T) losses (Keras 2 expands it to (B,1))', () => {
    // own derivation: per-element losses 0.5·|t − p| = [[1.5, 0.5, 5], [6.5, 1.5, 1.5]] (shape (2,3) from (2,3,1) inputs);
    // sw [1, 0] → row 0 kept: (1.5 + 0.5 + 5)/6 = 7/6. (Keras 3 would weight the columns instead.)
    assertClose(value({ loss: L, yTrue: T3, yPred: P3, sampleWeight: [1, 0] }), 7 / 6);
  });
  it('tau as a list runs along the last axis (multi-quantile outputs); y_true (B,1) broadcasts across it', () => {
    // own derivation: y_true [[2],[0]], y_pred [[1, 2, 3], [1, -1, 0]], tau [0.1, 0.5, 0.9]
    // row 0: d = [1, 0, −1] → [0.1·1, 0.5·0, (0.9−1)·(−1) = 0.1] → mean 0.2/3
    // row 1: d = [−1, 1, 0] → [(0.1−1)·(−1) = 0.9, 0.5, 0] → mean 1.4/3
    const req: EvalRequest = { loss: L, yTrue: [[2], [0]], yPred: [[1, 2, 3], [1, -1, 0]], config: { tau: [0.1, 0.5, 0.9], dtype: 'float64', reduction: 'none' } };
    assertClose(toNested(evaluate(req).value), [0.2 / 3, 1.4 / 3], 1e-14);
    assertGradMatchesFiniteDifferences({ ...req, yPred: [[1, 2.5, 3], [1, -1, 0.2]] });
  });
  it('tau as a list against a size-1 last axis broadcasts the prediction across the taus', () => {
    // own derivation: y_true [[2]], y_pred [[1]], tau [0.1, 0.9] → d = 1 → (0.1 + 0.9)/2 = 0.5; gradient (−0.1 − 0.9)/2 = −0.5
    const r = evaluate({ loss: L, yTrue: [[2]], yPred: [[1]], config: { tau: [0.1, 0.9], dtype: 'float64' } });
    assertClose(r.value.data[0], 0.5, 1e-15);
    assertClose([...r.grad.data], [-0.5], 1e-15);
  });
  it('tau outside [0, 1] and a tau list of the wrong length are clear errors', () => {
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { tau: 1.5 } }), (e: unknown) => e instanceof LossInspectorError && /PinballLoss: argument `tau`: expected a number ≤ 1 and ≥ 0, received 1\.5/.test(e.message));
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { tau: [0.1, -0.2, 0.5] } }), /PinballLoss: argument `tau`: expected a number ≥ 0/);
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { tau: [0.1, 0.9] } }), /PinballLoss: argument `tau`: 2 values .* cannot broadcast with the last axis/);
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { tau: 'median' } }), /PinballLoss: argument `tau`: expected a number or a list of numbers/);
  });
  it('no squeeze in tfa: (N,) against (N,1) broadcasts to an (N,N) outer product, with a warning', () => {
    // own derivation: t = [0, 2] against p = [[1], [3]] → d (2,2) = [[−1, 1], [−3, −1]], τ = 0.5 → 0.5|d| = [[0.5, 0.5], [1.5, 0.5]]
    // → row means [0.5, 1.0] → 0.75 (with matching shapes it would be mean(0.5·|[−1, −1]|) = 0.5)
    const r = evaluate({ loss: L, yTrue: [0, 2], yPred: [[1], [3]] });
    assertClose(r.value.data[0], 0.75);
    assert.ok(r.trace.warnings.some((w) => w.code === 'outer-product'));
    assert.deepEqual(r.grad.shape, [2, 1]);
  });
  it("spellings: 'Addons>PinballLoss', 'Addons>pinball_loss', tfa.losses.PinballLoss", () => {
    assert.equal(resolveLoss('Addons>PinballLoss').spec.id, L);
    assert.equal(resolveLoss('Addons>pinball_loss').spec.id, L);
    assert.equal(resolveLoss('tensorflow_addons.losses.PinballLoss').spec.id, L);
  });
  it("Keras 3's mean_with_sample_weight does not exist on the Keras 2 base", () => {
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { reduction: 'mean_with_sample_weight' } }), /PinballLoss: argument `reduction`: expected a Keras 2 reduction/);
  });
});

describe('non-finite inputs take the exact (branching) path and follow TF', () => {
  // own derivations: with e = +Inf, |e| = Inf and sign(e) = 1; NaN propagates to the row's value.
  const inf = Infinity;
  it('MAE / MAPE: Inf error → Inf value, gradient sign 1; other rows unaffected', () => {
    const r = evaluate({ loss: 'MeanAbsoluteError', yTrue: [[0, 0], [1, 2]], yPred: [[inf, 1], [2, 0]], config: { reduction: null, dtype: 'float64' } });
    assert.deepEqual(toNested(r.value), [inf, 1.5]);
    assert.deepEqual([...r.grad.data], [0.5, 0.5, 0.5, -0.5]);
    const m = evaluate({ loss: 'MeanAbsolutePercentageError', yTrue: [[1, 2]], yPred: [[inf, 1]], config: { reduction: null, dtype: 'float64' } });
    assert.deepEqual(toNested(m.value), [inf]);
    assertClose([...m.grad.data], [50, -25], 1e-15);
  });
  it('Huber: Inf error → Inf value, gradient δ/D; NaN → NaN', () => {
    const r = evaluate({ loss: 'Huber', yTrue: [[0, 0]], yPred: [[inf, 0.5]], config: { delta: 2, dtype: 'float64' } });
    assert.equal(r.value.data[0], inf);
    assertClose([...r.grad.data], [1, 0.25], 1e-15);
    assert.ok(Number.isNaN(evaluate({ loss: 'Huber', yTrue: [[0, 0]], yPred: [[NaN, 0.5]] }).value.data[0]));
  });
  it('LogCosh: +Inf error → Inf value, gradient 1/D; −Inf gives NaN like Keras (−Inf + softplus(+Inf))', () => {
    const r = evaluate({ loss: 'LogCosh', yTrue: [[0, 0]], yPred: [[inf, 0]], config: { dtype: 'float64' } });
    assert.equal(r.value.data[0], inf);
    assertClose([...r.grad.data], [0.5, 0], 1e-15);
    assert.ok(Number.isNaN(evaluate({ loss: 'LogCosh', yTrue: [[0, 0]], yPred: [[-inf, 0]] }).value.data[0]));
    const n = evaluate({ loss: 'LogCosh', yTrue: [[0, 0]], yPred: [[NaN, 0]] });
    assert.ok(Number.isNaN(n.value.data[0]) && Number.isNaN(n.grad.data[0]) && n.grad.data[1] === 0);
  });
  it('Pinball: Inf error → Inf value with the exact slopes', () => {
    const r = evaluate({ loss: 'PinballLoss', yTrue: [[inf, 0]], yPred: [[0, 1]], config: { tau: 0.25, dtype: 'float64' } });
    assert.equal(r.value.data[0], inf);
    assertClose([...r.grad.data], [-0.125, 0.375], 1e-15);
  });
});
