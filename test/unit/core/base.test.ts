/** The Keras 3 base class: reductions, sample weights, squeeze/expand, on MSE where the values are easy. */
import * as assert from 'node:assert/strict';
import { evaluate, LossInspectorError, toNested } from '../../../src/core';
import { assertClose, value } from '../helpers';

const yTrue = [[1, 9, 2], [-5, -2, 6]];
const yPred = [[4, 8, 12], [8, 1, 3]];

describe('Keras 3 base class (MeanSquaredError)', () => {
  // keras/src/losses/losses_test.py MeanSquaredErrorTest
  it('unweighted: 49.5 (test_unweighted)', () => assertClose(value({ loss: 'MeanSquaredError', yTrue, yPred }), 49.5));
  it('scalar weight 2.3: 113.85 (test_scalar_weighted)', () => assertClose(value({ loss: 'MeanSquaredError', yTrue, yPred, sampleWeight: 2.3 }), 113.85));
  it('(B,1) weights: 767.8/6 (test_sample_weighted)', () => assertClose(value({ loss: 'MeanSquaredError', yTrue, yPred, sampleWeight: [[1.2], [3.4]] }), 767.8 / 6));
  it('timestep weights: 97.833336 (test_timestep_weighted)', () => assertClose(value({
    loss: 'MeanSquaredError', yTrue: [[[1], [9], [2]], [[-5], [-2], [6]]], yPred: [[[4], [8], [12]], [[8], [1], [3]]], sampleWeight: [[3, 6, 5], [0, 4, 2]],
  }), 97.833336));
  it('zero weight: 0 (test_zero_weighted)', () => assertClose(value({ loss: 'MeanSquaredError', yTrue, yPred, sampleWeight: 0 }), 0));
  it('reduction=None with sw 2.3: [84.3333, 143.3666] (test_no_reduction)', () => assertClose(value({ loss: 'MeanSquaredError', yTrue, yPred, sampleWeight: 2.3, config: { reduction: null } }), [84.3333, 143.3666], 1e-5));
  it('sum with sw 2.3: 227.69998 (test_sum_reduction)', () => assertClose(value({ loss: 'MeanSquaredError', yTrue, yPred, sampleWeight: 2.3, config: { reduction: 'sum' } }), 227.69998));
  it('mean_with_sample_weight (test_mean_with_sample_weight_reduction)', () => assertClose(value({ loss: 'MeanSquaredError', yTrue, yPred, sampleWeight: [[1.2], [3.4]], config: { reduction: 'mean_with_sample_weight' } }), (110 / 3 * 1.2 + 187 / 3 * 3.4) / (1.2 + 3.4)));
  it('mean_with_sample_weight with a scalar weight equals sum (KERAS_SEMANTICS §2)', () => assertClose(value({ loss: 'MeanSquaredError', yTrue, yPred, sampleWeight: 2.3, config: { reduction: 'mean_with_sample_weight' } }), 99.0, 1e-6));
  it('function form returns per-sample values, shape (3,) (test_base_function_reduction)', () => {
    const r = evaluate({ loss: 'mean_squared_error', yTrue: [4, 8, 12], yPred: [[3], [0], [1]] });
    assert.deepEqual(r.value.shape, [3]);
  });
  it('(B,) values with (B,1) weights and reduction none give (B,1) (KERAS_SEMANTICS §2)', () => {
    const r = evaluate({ loss: 'mse', yTrue, yPred, sampleWeight: [[1], [2]], config: { reduction: 'none' } });
    assert.deepEqual(r.value.shape, [2, 1]);
    const r2 = evaluate({ loss: 'mse', yTrue, yPred, sampleWeight: [1, 2], config: { reduction: 'none' } });
    assert.deepEqual(r2.value.shape, [2]);
  });
  it('trailing-axis trap: rank-1 sw weights the last axis of (B,T) values and warns', () => {
    const yt = [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]];
    const yp = [[[0], [0], [0]], [[0], [0], [0]], [[0], [0], [0]]];
    const r = evaluate({ loss: 'mse', yTrue: yt, yPred: yp, sampleWeight: [1, 0, 0], config: { reduction: 'none' } });
    // columns weighted: only t=0 survives in each row
    assert.deepEqual(toNested(r.value), [[1, 0, 0], [16, 0, 0], [49, 0, 0]]);
    assert.ok(r.trace.warnings.some((w) => w.code === 'sample-weight-trailing-axis'));
    assert.throws(() => evaluate({ loss: 'mse', yTrue: [[[1], [2]], [[3], [4]], [[5], [6]]], yPred: [[[0], [0]], [[0], [0]], [[0], [0]]], sampleWeight: [1, 2, 3] }),
      (e: unknown) => e instanceof LossInspectorError && /sample_weight/.test(e.message) && /LAST axis/.test(e.message));
  });
  it('scalar values are returned unreduced (rank-1 inputs)', () => {
    const r = evaluate({ loss: 'mse', yTrue: [12, 20, 29, 60], yPred: [14, 18, 27, 55] });
    assert.deepEqual(r.value.shape, []);
    assertClose(r.value.data[0], 9.25);
    assert.equal(r.reduction!.unreduced, true);
  });
  it('numerator and divisor are reported', () => {
    const r = evaluate({ loss: 'mse', yTrue, yPred, sampleWeight: [[1.2], [3.4]] });
    assert.equal(r.reduction!.divisor, 2);
    assertClose(r.reduction!.numerator, 767.8 / 3);
  });
  it('Keras 2 spellings map to Keras 3 meanings with a note', () => {
    const r = evaluate({ loss: 'MeanSquaredError', yTrue, yPred, config: { reduction: 'Reduction.SUM' } });
    assertClose(r.value.data[0], 99);
    assert.ok(r.trace.notes.some((n) => /Keras 2 spelling/.test(n)));
    assertClose(value({ loss: 'mse', yTrue, yPred, config: { reduction: 'auto' } }), 49.5);
  });
  it('bad reduction and unknown parameter are clear errors', () => {
    assert.throws(() => evaluate({ loss: 'mse', yTrue, yPred, config: { reduction: 'avg' } }), /MeanSquaredError: argument `reduction`: expected one of .* received 'avg'/);
    assert.throws(() => evaluate({ loss: 'Huber', yTrue, yPred, config: { delt: 1 } } as never), /did you mean `delta`|Unknown loss/);
  });
  it('gradient of the mean through (B,1) weights matches finite differences', () => {
    const r = evaluate({ loss: 'mse', yTrue, yPred, sampleWeight: [[1.2], [3.4]], config: { dtype: 'float64' } });
    // d/dp (Σ_b w_b mean_j (p−t)²)/B = w_b · 2(p−t)/(3·2)
    const exp = [[1.2 * 2 * 3 / 6, 1.2 * 2 * -1 / 6, 1.2 * 2 * 10 / 6], [3.4 * 2 * 13 / 6, 3.4 * 2 * 3 / 6, 3.4 * 2 * -3 / 6]];
    assertClose(toNested(r.grad), exp, 1e-12);
  });
  it('empty arrays are errors naming the argument', () => {
    assert.throws(() => evaluate({ loss: 'mse', yTrue: [], yPred: [] }), /MeanSquaredError: argument `y_true`: expected a non-empty array/);
  });
  it('ragged input names the row', () => {
    assert.throws(() => evaluate({ loss: 'mse', yTrue: [[1, 2], [3]], yPred: [[1, 2], [3, 4]] }), /y_true\[1\]: row has length 1, expected 2/);
  });
  it('NaN in, NaN out (not an error)', () => {
    const r = evaluate({ loss: 'mse', yTrue: [[NaN, 1]], yPred: [[0, 1]] });
    assert.ok(Number.isNaN(r.value.data[0]));
  });
});
