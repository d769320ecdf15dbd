/** Dice, Tversky (Keras 3 master) and tfa GIoULoss: golden values from the Keras/tfa tests, shapes, errors. */
import * as assert from 'node:assert/strict';
import { evaluate, LossInspectorError, toNested, type EvalRequest } from '../../../src/core';
import { assertClose, value, numericGrad } from '../helpers';

// keras/src/losses/losses_test.py fixtures
const T2 = [[1, 2], [1, 2]];
const P2 = [[4, 1], [6, 1]];
const TB = [[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]];
const PB = [[0, 1, 0, 1], [1, 0, 1, 1], [0, 1, 0, 1], [1, 0, 1, 1]];
const T4 = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]];
const P4 = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]];

describe('Dice (Keras 3)', () => {
  it('DiceTest.test_correctness: -0.55555546', () => assertClose(value({ loss: 'Dice', yTrue: T2, yPred: P2 }), -0.55555546));
  it('DiceTest.test_binary_segmentation: 0.77777773', () => assertClose(value({ loss: 'Dice', yTrue: TB, yPred: PB }), 0.77777773));
  it('DiceTest.test_binary_segmentation_with_axis: [0.5, 0.75757575]', () =>
    assertClose(value({ loss: 'Dice', yTrue: T4, yPred: P4, config: { axis: [1, 2, 3], reduction: null } }), [0.5, 0.75757575]));
  it('Dice docstring: axis=None gives one scalar 0.6164384 for the whole batch', () => {
    const r = evaluate({ loss: 'Dice', yTrue: T4, yPred: P4 });
    assert.deepEqual(r.value.shape, []);
    assert.deepEqual(r.perSample.shape, []);
    assertClose(r.value.data[0], 0.6164384);
    assert.equal(r.reduction!.unreduced, true);
  });
  it('function form dice(axis=(1,2,3)) returns shape (2,) (docstring)', () => {
    const r = evaluate({ loss: 'dice', yTrue: T4, yPred: P4, config: { axis: [1, 2, 3] } });
    assert.deepEqual(r.value.shape, [2]);
    assertClose(toNested(r.value), [0.5, 0.75757575]);
  });
  it('axis=(1,2,3) with the default reduction averages the two images', () =>
    assertClose(value({ loss: 'Dice', yTrue: T4, yPred: P4, config: { axis: [1, 2, 3] } }), (0.5 + 0.75757575) / 2));
  it('axis=None with a (B,) sample_weight broadcasts the scalar, then averages', () =>
    assertClose(value({ loss: 'Dice', yTrue: T4, yPred: P4, sampleWeight: [1, 3] }), 0.6164384 * 2));
  it('different shapes: intersection over the broadcast, Σy_true over its own shape (warns)', () => {
    // t (1,2,1) against p (1,2,2): I = 0.5+0.5 = 1, Σt = 1, Σp = 1.6
    const r = evaluate({ loss: 'Dice', yTrue: [[[1], [0]]], yPred: [[[0.5, 0.5], [0.2, 0.4]]], config: { dtype: 'float64' } });
    assertClose(r.value.data[0], 1 - 2 / (2.6 + 1e-7), 1e-12);
    assert.ok(r.trace.warnings.some((w) => w.code === 'dice-broadcast'));
  });
  it('gradient of the batch scalar matches the closed form', () => {
    // L = 1 − 2I/D: dL/dp = −2t/D + 2I/D²
    const r = evaluate({ loss: 'Dice', yTrue: [[1, 0], [1, 1]], yPred: [[0.3, 0.6], [0.8, 0.1]], config: { dtype: 'float64' } });
    const I = 0.3 + 0.8 + 0.1, D = 3 + 1.8 + 1e-7;
    const t = [1, 0, 1, 1];
    assertClose([...r.grad.data], t.map((ti) => -2 * ti / D + 2 * I / (D * D)), 1e-9, 1e-12);
  });
  it('bad axis is a clear error', () => {
    assert.throws(() => evaluate({ loss: 'Dice', yTrue: T2, yPred: P2, config: { axis: 3 } }), (e: unknown) => e instanceof LossInspectorError && /Dice: argument `axis`: axis 3 is out of range/.test(e.message));
    assert.throws(() => evaluate({ loss: 'Dice', yTrue: T2, yPred: P2, config: { axis: [1, -1] } }), /duplicate axis/);
    assert.throws(() => evaluate({ loss: 'Dice', yTrue: T2, yPred: P2, config: { axis: 'x' } }), /Dice: argument `axis`: expected an integer axis/);
  });
  it('shapes that cannot broadcast are a clear error', () =>
    assert.throws(() => evaluate({ loss: 'Dice', yTrue: [[1, 0, 1]], yPred: [[0.1, 0.2]] }), /Dice: .*cannot be broadcast/));
});

describe('Tversky (Keras 3 master)', () => {
  it('TverskyTest.test_correctness: -0.55555558', () => assertClose(value({ loss: 'Tversky', yTrue: T2, yPred: P2 }), -0.55555558));
  it('TverskyTest.test_correctness_custom_coefficients: -0.94444442 (master; ≤3.15 gave -0.2963)', () => {
    const r = evaluate({ loss: 'Tversky', yTrue: T2, yPred: P2, config: { alpha: 0.2, beta: 0.8 } });
    assertClose(r.value.data[0], -0.94444442);
    assert.ok(r.trace.notes.some((n) => /3\.15/.test(n) && /-0\.296296/.test(n)), r.trace.notes.join('\n'));
  });
  it('TverskyTest.test_binary_segmentation: 0.77777779', () => assertClose(value({ loss: 'Tversky', yTrue: TB, yPred: PB }), 0.77777779));
  it('TverskyTest.test_binary_segmentation_with_axis: [0.5, 0.75757575]', () =>
    assertClose(value({ loss: 'Tversky', yTrue: T4, yPred: P4, config: { axis: [1, 2, 3], reduction: null } }), [0.5, 0.75757575]));
  it('TverskyTest.test_binary_segmentation_custom_coefficients: 0.76190472', () =>
    assertClose(value({ loss: 'Tversky', yTrue: TB, yPred: PB, config: { alpha: 0.2, beta: 0.8 } }), 0.76190472));
  it('TverskyTest.test_binary_segmentation_custom_coefficients_with_axis: [0.5, 0.78494626]', () =>
    assertClose(value({ loss: 'Tversky', yTrue: T4, yPred: P4, config: { alpha: 0.2, beta: 0.8, axis: [1, 2, 3], reduction: null } }), [0.5, 0.78494626]));
  it('alpha = beta = 0.5 equals Dice on probabilities', () => {
    const yt = [[1, 0, 1], [0, 1, 1]], yp = [[0.9, 0.2, 0.6], [0.3, 0.7, 0.4]];
    assertClose(value({ loss: 'tversky', yTrue: yt, yPred: yp }), value({ loss: 'dice', yTrue: yt, yPred: yp }) as number, 1e-6);
  });
  it('alpha weights false positives: FP-only error grows with alpha', () => {
    const yt = [[0, 0, 1]], yp = [[0.5, 0.5, 1]];
    const lo = value({ loss: 'Tversky', yTrue: yt, yPred: yp, config: { alpha: 0.1, beta: 0.9 } }) as number;
    const hi = value({ loss: 'Tversky', yTrue: yt, yPred: yp, config: { alpha: 0.9, beta: 0.1 } }) as number;
    assertClose(lo, 1 - 1 / (1 + 0.1 + 1e-7));
    assertClose(hi, 1 - 1 / (1 + 0.9 + 1e-7));
  });
});

// tensorflow_addons/losses/tests/giou_loss_test.py fixtures
const B1 = [[4.0, 3.0, 7.0, 5.0], [5.0, 6.0, 10.0, 7.0]];
const B2 = [[3.0, 4.0, 6.0, 8.0], [14.0, 14.0, 15.0, 15.0]];

describe('GIoULoss (tfa)', () => {
  it('docstring and test_keras_model: GIoULoss()(boxes1, boxes2) = 1.5041667', () => assertClose(value({ loss: 'tfa.losses.GIoULoss', yTrue: B1, yPred: B2 }), 1.5041667));
  it('test_giou_loss: giou_loss gives [1.075, 1.9333333]', () => assertClose(value({ loss: 'giou_loss', yTrue: B1, yPred: B2 }), [1.075, 1.9333333]));
  it('test_iou: mode="iou" gives [0.875, 1.0]', () => assertClose(value({ loss: 'giou_loss', yTrue: B1, yPred: B2, config: { mode: 'iou' } }), [0.875, 1.0]));
  it('test_different_shapes: (2,1,4) against (1,1,4) broadcast and squeeze to [1.075, 1.366071]', () => {
    const r = evaluate({ loss: 'giou_loss', yTrue: [[B1[0]], [B1[1]]], yPred: [[B2[0]]] });
    assert.deepEqual(r.value.shape, [2]);
    assertClose(toNested(r.value), [1.075, 1.366071]);
  });
  it('test_one_bbox: a single pair gives a scalar 1.075', () => {
    const r = evaluate({ loss: 'giou_loss', yTrue: B1[0], yPred: B2[0] });
    assert.deepEqual(r.value.shape, []);
    assertClose(r.value.data[0], 1.075);
  });
  it('test_with_integer: integer boxes give the same values', () => assertClose(value({ loss: 'giou_loss', yTrue: [[4, 3, 7, 5], [5, 6, 10, 7]], yPred: [[3, 4, 6, 8], [14, 14, 15, 15]] }), [1.075, 1.9333333]));
  it('reduction none / sum (Keras 2 base class)', () => {
    assertClose(value({ loss: 'GIoULoss', yTrue: B1, yPred: B2, config: { reduction: 'none' } }), [1.075, 1.9333333]);
    assertClose(value({ loss: 'GIoULoss', yTrue: B1, yPred: B2, config: { reduction: 'sum' } }), 1.075 + 1.9333333);
    assertClose(value({ loss: 'GIoULoss', yTrue: B1, yPred: B2, sampleWeight: [2, 0] }), 1.075);
  });
  it('disjoint boxes: IoU loss has no gradient, GIoU loss does (pushes the box towards the target)', () => {
    const iou = evaluate({ loss: 'GIoULoss', yTrue: [[0, 0, 1, 1]], yPred: [[2, 2, 3, 3]], config: { mode: 'iou', dtype: 'float64' } });
    assert.deepEqual([...iou.grad.data], [0, 0, 0, 0]);
    const g = evaluate({ loss: 'GIoULoss', yTrue: [[0, 0, 1, 1]], yPred: [[2, 2, 3, 3]], config: { dtype: 'float64' } });
    // GIoU = 0 − (9 − 2)/9: moving ymin/xmin down (towards the target) lowers the loss
    assertClose(g.value.data[0], 1 + 7 / 9, 1e-12);
    assert.ok(g.grad.data[0] > 0 && g.grad.data[1] > 0);
  });
  it('identical boxes: loss 0', () => assertClose(value({ loss: 'giou_loss', yTrue: [[1, 2, 5, 7]], yPred: [[1, 2, 5, 7]] }), 0));
  it('inverted predicted boxes are clamped and warned about', () => {
    const r = evaluate({ loss: 'giou_loss', yTrue: [[0, 0, 2, 2]], yPred: [[2, 2, 0, 0]] });
    assert.ok(r.trace.warnings.some((w) => w.code === 'giou-inverted-box'));
  });
  it('bad mode, bad last dimension and incompatible batches are clear errors', () => {
    assert.throws(() => evaluate({ loss: 'GIoULoss', yTrue: B1, yPred: B2, config: { mode: 'diou' } }), (e: unknown) => e instanceof LossInspectorError && /GIoULoss: argument `mode`: expected one of 'giou', 'iou', received 'diou'/.test(e.message));
    assert.throws(() => evaluate({ loss: 'GIoULoss', yTrue: [[1, 2, 3]], yPred: [[1, 2, 3]] }), /GIoULoss: argument `y_pred`: expected boxes on the last axis, shape \(\.\.\., 4\)/);
    assert.throws(() => evaluate({ loss: 'GIoULoss', yTrue: [B1[0], B1[1], B1[0]], yPred: B2 }), /GIoULoss: the box batches .* cannot be broadcast/);
  });
  it('resolves tfa spellings', () => {
    assert.equal(evaluate({ loss: 'Addons>GIoULoss', yTrue: B1, yPred: B2 }).loss, 'GIoULoss');
    assert.equal(evaluate({ loss: 'Addons>giou_loss', yTrue: B1, yPred: B2 }).loss, 'GIoULoss');
  });
});

function checkGrad(req: EvalRequest): void {
  const r = evaluate(req);
  const num = numericGrad(req);
  assert.equal(r.grad.data.length, num.length);
  for (let i = 0; i < num.length; i++) {
    assert.ok(Math.abs(r.grad.data[i] - num[i]) <= 1e-5 + 1e-4 * Math.abs(num[i]), `grad[${i}]: analytic ${r.grad.data[i]} vs numeric ${num[i]}`);
  }
}

describe('segmentation gradients vs finite differences (other configurations)', () => {
  const yt = [[[1, 0], [0, 1]], [[1, 1], [0, 0]]];
  const yp = [[[0.7, 0.2], [0.35, 0.9]], [[0.6, 0.45], [0.15, 0.3]]];
  it('Dice, axis=None (batch scalar)', () => checkGrad({ loss: 'Dice', yTrue: yt, yPred: yp, config: { dtype: 'float64' } }));
  it('Dice, axis=-1 with (B,H,1) labels broadcast against (B,H,2) predictions', () =>
    checkGrad({ loss: 'Dice', yTrue: [[[1], [0]], [[1], [1]]], yPred: yp, config: { axis: -1, dtype: 'float64', reduction: 'sum' } }));
  it('Dice, y_pred broadcast up against a larger y_true', () => checkGrad({ loss: 'Dice', yTrue: yt, yPred: [[0.3, 0.8]], config: { dtype: 'float64' } }));
  it('Tversky, axis=None, alpha 0.7 beta 0.3', () => checkGrad({ loss: 'Tversky', yTrue: yt, yPred: yp, config: { alpha: 0.7, beta: 0.3, dtype: 'float64' } }));
  it('Tversky, axis=(1,), broadcast y_pred', () => checkGrad({ loss: 'Tversky', yTrue: yt, yPred: [[[0.3, 0.8]], [[0.6, 0.1]]], config: { axis: [1], dtype: 'float64', reduction: 'sum' } }));
  it('GIoULoss, mode=iou, overlapping boxes', () => checkGrad({ loss: 'GIoULoss', yTrue: B1, yPred: [[3.5, 3.6, 6.2, 5.5], [5.5, 6.2, 9.1, 8.3]], config: { mode: 'iou', dtype: 'float64' } }));
  it('GIoULoss, one predicted box broadcast against two targets (gradient summed back)', () =>
    checkGrad({ loss: 'GIoULoss', yTrue: [[B1[0]], [B1[1]]], yPred: [[[3.2, 4.1, 6.3, 8.4]]], config: { dtype: 'float64', reduction: 'sum' } }));
  it('GIoULoss, prediction containing the target', () => checkGrad({ loss: 'GIoULoss', yTrue: [[4, 3, 7, 5]], yPred: [[3.1, 2.2, 8.3, 6.4]], config: { dtype: 'float64' } }));
});

describe('segmentation names', () => {
  it('function names, compile strings and tfa spellings resolve', async () => {
    const { resolveLoss, getSpec } = await import('../../../src/core');
    assert.equal(resolveLoss('dice').spec.id, 'Dice');
    assert.equal(resolveLoss('keras.losses.tversky').spec.id, 'Tversky');
    assert.equal(resolveLoss('tfa.losses.giou_loss').spec.id, 'GIoULoss');
    assert.equal(resolveLoss('Addons>giou_loss').kind, 'string');
    assert.ok(getSpec('GIoULoss').foreignNames!.includes('torchvision.ops.generalized_box_iou_loss'));
    assert.ok(getSpec('Dice').foreignNames!.includes('optax.dice_loss'));
  });
});
