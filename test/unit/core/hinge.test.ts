/**
 * Hinge, SquaredHinge, CategoricalHinge (Keras 3): golden values of keras/src/losses/losses_test.py, the batch-wide
 * 0/1 → ±1 label conversion trap, TF gradient conventions at the margin and at tied maxima, warnings.
 * Values marked "own derivation" are computed by hand from the formulas in KERAS_SEMANTICS.md §3, arithmetic shown.
 */
import * as assert from 'node:assert/strict';
import { evaluate, LossInspectorError, toNested, resolveLoss, EvalRequest } from '../../../src/core';
import { assertClose, value, numericGrad } from '../helpers';

// keras/src/losses/losses_test.py HingeTest / SquaredHingeTest / CategoricalHingeTest fixture
const T = [[0.0, 1.0], [0.0, 0.0]];
const P = [[0.6, 0.4], [0.4, 0.6]];

function assertGradMatchesFiniteDifferences(req: EvalRequest): void {
  const cfg = { ...req.config, dtype: 'float64' as const };
  assertClose([...evaluate({ ...req, config: cfg }).grad.data], [...numericGrad({ ...req, config: cfg })], 1e-5, 1e-7);
}

describe('Hinge (Keras 3)', () => {
  const L = 'Hinge';
  it('unweighted: 1.3 / sum 2.6 / none [1.1, 1.5]', () => {
    assertClose(value({ loss: L, yTrue: T, yPred: P, config: { reduction: 'sum_over_batch_size' } }), 1.3); // keras/src/losses/losses_test.py HingeTest.test_unweighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, config: { reduction: 'sum' } }), 2.6); // keras/src/losses/losses_test.py HingeTest.test_unweighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, config: { reduction: null } }), [1.1, 1.5]); // keras/src/losses/losses_test.py HingeTest.test_unweighted
  });
  it('keras-team/keras#15665: by hand with raw 0/1 labels 0.9, Keras (converted labels) 1.3 (own derivation)', () => {
    // raw labels: row 0 max(1 − 0, 0) = 1, max(1 − 0.4, 0) = 0.6 → 0.8; row 1: 1, 1 → 1; mean 0.9 — what a −1 in the batch would give
    assertClose(value({ loss: L, yTrue: [[0, 1], [0, 0], [-1, -1]], yPred: [[0.6, 0.4], [0.4, 0.6], [-5, -5]], config: { reduction: null } }), [0.8, 1, 0]);
    assertClose(value({ loss: L, yTrue: T, yPred: P }), 1.3);
  });
  it('bad reduction raises', () => {
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { reduction: 'abc' } }), (e: unknown) => e instanceof LossInspectorError && /Hinge: argument `reduction`: expected one of/.test(e.message)); // keras/src/losses/losses_test.py HingeTest.test_unweighted (bad reduction)
  });
  it('weighted [1, 0]: 0.55 / sum 1.1 / none [1.1, 0]', () => {
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0] }), 0.55); // keras/src/losses/losses_test.py HingeTest.test_weighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0], config: { reduction: 'sum' } }), 1.1); // keras/src/losses/losses_test.py HingeTest.test_weighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0], config: { reduction: null } }), [1.1, 0]); // keras/src/losses/losses_test.py HingeTest.test_weighted
  });
  it('zero weight: 0', () => assert.equal(evaluate({ loss: L, yTrue: T, yPred: P, sampleWeight: 0.0 }).value.data[0], 0)); // keras/src/losses/losses_test.py HingeTest.test_zero_weighted
  it('0/1 labels are converted for the whole batch and recorded', () => {
    const r = evaluate({ loss: L, yTrue: T, yPred: P });
    assert.match(r.trace.labelConversion ?? '', /2·y_true − 1/);
    assert.deepEqual(toNested(r.trace.smoothedLabels!), [[-1, 1], [-1, -1]]);
    const r2 = evaluate({ loss: L, yTrue: [[-1, 1]], yPred: [[0.2, 0.3]] });
    assert.equal(r2.trace.labelConversion, undefined);
    assert.equal(r2.trace.warnings.length, 0);
  });
  it('batch trap: row [0,1] gives 0.95 alone but 0.8 in a batch that also contains a −1 (KERAS_SEMANTICS §3)', () => {
    // own derivation, y_pred row [0.3, 0.4]:
    //  alone: labels converted to [−1, 1] → max(1 + 0.3, 0) = 1.3, max(1 − 0.4, 0) = 0.6 → mean 0.95
    //  with a −1 elsewhere: no conversion, labels [0, 1] → max(1 − 0, 0) = 1, 0.6 → mean 0.8
    assertClose(value({ loss: L, yTrue: [[0, 1]], yPred: [[0.3, 0.4]], config: { reduction: null } }), [0.95]);
    const r = evaluate({ loss: L, yTrue: [[0, 1], [-1, 1]], yPred: [[0.3, 0.4], [0.2, 0.5]], config: { reduction: null } });
    assertClose(toNested(r.value), [0.8, (1.2 + 0.5) / 2]);
    assert.equal(r.trace.labelConversion, undefined);
    assert.ok(r.trace.warnings.some((w) => w.code === 'hinge-mixed-labels' && /1 zero label/.test(w.message)));
  });
  it('labels that are neither ±1 nor all-0/1 warn', () => {
    const r = evaluate({ loss: L, yTrue: [[2, 1]], yPred: [[0.3, 0.4]] });
    assert.ok(r.trace.warnings.some((w) => w.code === 'hinge-label-values' && /e\.g\. 2/.test(w.message)));
  });
  it('gradient −y/D inside the margin, 0 beyond, and −y AT the margin (TF maximum gives ties to its first argument)', () => {
    // own derivation, float64, one row, D = 4, labels ±1: y·p = [1 (tie), 1 (tie), 0.5, 2]
    const r = evaluate({ loss: L, yTrue: [[1, -1, 1, -1]], yPred: [[1, -1, 0.5, -2]], config: { dtype: 'float64' } });
    assertClose(r.value.data[0], (0 + 0 + 0.5 + 0) / 4, 1e-15);
    assertClose([...r.grad.data], [-0.25, 0.25, -0.25, 0], 1e-15);
  });
  it('gradient with converted labels matches finite differences', () => assertGradMatchesFiniteDifferences({ loss: L, yTrue: [[0, 1, 1], [1, 0, 0]], yPred: [[0.3, 1.5, 0.2], [-0.4, 0.8, -2.0]], sampleWeight: [[1.2], [3.4]] }));
  it('docstring-style random calls of hinge / squared_hinge / categorical_hinge return shape (2,)', () => {
    // keras/src/losses/losses.py hinge, squared_hinge, categorical_hinge docstrings: (2, 3) inputs, one value per row
    const yt = [[-1, 1, 1], [1, -1, 1]], yp = [[0.1, 0.8, 0.3], [0.6, 0.2, 0.9]];
    for (const f of ['hinge', 'squared_hinge']) assert.deepEqual(evaluate({ loss: f, yTrue: yt, yPred: yp }).value.shape, [2]);
    assert.deepEqual(evaluate({ loss: 'categorical_hinge', yTrue: [[0, 0, 1], [1, 0, 0]], yPred: yp }).value.shape, [2]);
  });
  it('shapes that cannot broadcast are a clear error', () => {
    assert.throws(() => evaluate({ loss: L, yTrue: [[1, -1, 1]], yPred: [[0.5, 0.5]] }), (e: unknown) => e instanceof LossInspectorError && /Hinge: arguments `y_true` \(1, 3\) and `y_pred` \(1, 2\) cannot be broadcast together/.test(e.message));
  });
  it("function form 'hinge' returns per-sample values", () => {
    assert.equal(resolveLoss('hinge').kind, 'function');
    assertClose(value({ loss: 'keras.losses.hinge', yTrue: T, yPred: P }), [1.1, 1.5]);
  });
});

describe('SquaredHinge (Keras 3)', () => {
  const L = 'SquaredHinge';
  it('unweighted: 1.86 / sum 3.72 / none [1.46, 2.26]', () => {
    assertClose(value({ loss: L, yTrue: T, yPred: P }), 1.86); // keras/src/losses/losses_test.py SquaredHingeTest.test_unweighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, config: { reduction: 'sum' } }), 3.72); // keras/src/losses/losses_test.py SquaredHingeTest.test_unweighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, config: { reduction: null } }), [1.46, 2.26]); // keras/src/losses/losses_test.py SquaredHingeTest.test_unweighted
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { reduction: 'abc' } }), /SquaredHinge: argument `reduction`/); // keras/src/losses/losses_test.py SquaredHingeTest.test_unweighted (bad reduction)
  });
  it('weighted [1, 0]: 0.73 / sum 1.46 / none [1.46, 0]', () => {
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0] }), 0.73); // keras/src/losses/losses_test.py SquaredHingeTest.test_weighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0], config: { reduction: 'sum' } }), 1.46); // keras/src/losses/losses_test.py SquaredHingeTest.test_weighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0], config: { reduction: null } }), [1.46, 0]); // keras/src/losses/losses_test.py SquaredHingeTest.test_weighted
  });
  it('zero weight: 0', () => assert.equal(evaluate({ loss: L, yTrue: T, yPred: P, sampleWeight: 0.0 }).value.data[0], 0)); // keras/src/losses/losses_test.py SquaredHingeTest.test_zero_weighted
  it('batch trap: row [0,1] with y_pred [0.3, 0.4] gives 1.025 alone, 0.68 next to a −1 (own derivation)', () => {
    // alone: converted [−1, 1] → 1.3², 0.6² = 1.69, 0.36 → mean 1.025; mixed: [0, 1] unconverted → 1², 0.36 → 0.68
    assertClose(value({ loss: L, yTrue: [[0, 1]], yPred: [[0.3, 0.4]], config: { reduction: null } }), [1.025]);
    assertClose(value({ loss: L, yTrue: [[0, 1], [-1, 1]], yPred: [[0.3, 0.4], [0.2, 0.5]], config: { reduction: null } }), [0.68, (1.44 + 0.25) / 2]);
  });
  it('gradient −2·max(1 − y·p, 0)·y/D; 0 at and beyond the margin', () => {
    // own derivation, float64, D = 3: y·p = [0.5, 1, 2] → m = [0.5, 0, −1] → grads [−2·0.5·1/3, 0, 0]
    const r = evaluate({ loss: L, yTrue: [[1, -1, 1]], yPred: [[0.5, -1, 2]], config: { dtype: 'float64' } });
    assertClose(r.value.data[0], 0.25 / 3, 1e-15);
    assertClose([...r.grad.data], [-1 / 3, 0, 0], 1e-15);
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: [[0, 1, 1], [1, 0, 0]], yPred: [[0.3, 1.5, 0.2], [-0.4, 0.8, -2.0]], sampleWeight: [1.2, 3.4] });
  });
});

describe('CategoricalHinge (Keras 3)', () => {
  const L = 'CategoricalHinge';
  it('unweighted: 1.4 / sum 2.8 / none [1.2, 1.6]', () => {
    assertClose(value({ loss: L, yTrue: T, yPred: P }), 1.4); // keras/src/losses/losses_test.py CategoricalHingeTest.test_unweighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, config: { reduction: 'sum' } }), 2.8); // keras/src/losses/losses_test.py CategoricalHingeTest.test_unweighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, config: { reduction: null } }), [1.2, 1.6]); // keras/src/losses/losses_test.py CategoricalHingeTest.test_unweighted
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { reduction: 'abc' } }), /CategoricalHinge: argument `reduction`/); // keras/src/losses/losses_test.py CategoricalHingeTest.test_unweighted (bad reduction)
  });
  it('weighted [1, 0]: 0.6 / sum 1.2 / none [1.2, 0]', () => {
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0] }), 0.6); // keras/src/losses/losses_test.py CategoricalHingeTest.test_weighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0], config: { reduction: 'sum' } }), 1.2); // keras/src/losses/losses_test.py CategoricalHingeTest.test_weighted
    assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 0], config: { reduction: null } }), [1.2, 0]); // keras/src/losses/losses_test.py CategoricalHingeTest.test_weighted
  });
  it('zero weight: 0', () => assert.equal(evaluate({ loss: L, yTrue: T, yPred: P, sampleWeight: 0.0 }).value.data[0], 0)); // keras/src/losses/losses_test.py CategoricalHingeTest.test_zero_weighted
  it('neg is floored at 0 by the target slot: p = [−2*, −1, −3] gives 3 (optax would give 2)', () => {
    // KERAS_SEMANTICS §7; own derivation: pos = −2, neg = max(0·(−2), −1, −3) = 0 → max(0 + 2 + 1, 0) = 3; gradient [−1, 0, 0]
    const r = evaluate({ loss: L, yTrue: [[1, 0, 0]], yPred: [[-2, -1, -3]], config: { dtype: 'float64' } });
    assertClose(r.value.data[0], 3, 1e-15);
    assertClose([...r.grad.data], [-1, 0, 0], 1e-15);
  });
  it("tied maxima share neg's gradient equally (TF reduce_max), the outer maximum passes at 0", () => {
    // own derivation: t = [1,0,0], p = [0.5, 0.8, 0.8]: pos 0.5, neg 0.8 (two ties) → 1.3; grad [−1, ½, ½]
    const r = evaluate({ loss: L, yTrue: [[1, 0, 0]], yPred: [[0.5, 0.8, 0.8]], config: { dtype: 'float64' } });
    assertClose(r.value.data[0], 1.3, 1e-15);
    assertClose([...r.grad.data], [-1, 0.5, 0.5], 1e-15);
    assert.ok(r.trace.notes.some((n) => /split equally/.test(n)));
    // a wrong class scoring exactly 0 ties with the target slot's 0: t = [1, 0], p = [0.5, 0] → neg 0 (k = 2), loss 0.5, grad [−1, ½]
    assertClose([...evaluate({ loss: L, yTrue: [[1, 0]], yPred: [[0.5, 0]], config: { dtype: 'float64' } }).grad.data], [-1, 0.5], 1e-15);
    // exactly at the margin (neg − pos + 1 = 0) the gradient still flows: t = [1, 0], p = [1.5, 0.5] → grad [−1, 1]
    const m = evaluate({ loss: L, yTrue: [[1, 0]], yPred: [[1.5, 0.5]], config: { dtype: 'float64' } });
    assert.equal(m.value.data[0], 0);
    assertClose([...m.grad.data], [-1, 1], 1e-15);
  });
  it('beyond the margin: loss 0, gradient 0', () => {
    const r = evaluate({ loss: L, yTrue: [[0, 0, 1]], yPred: [[0.1, 0.2, 2.5]] });
    assert.equal(r.value.data[0], 0);
    assert.deepEqual([...r.grad.data], [0, 0, 0]);
  });
  it('class-index labels warn', () => {
    const r = evaluate({ loss: L, yTrue: [[2, 0, 1]], yPred: [[0.1, 0.2, 0.3]] });
    assert.ok(r.trace.warnings.some((w) => w.code === 'categorical-hinge-labels'));
  });
  it('gradient matches finite differences', () => assertGradMatchesFiniteDifferences({ loss: L, yTrue: [[0, 1, 0], [1, 0, 0]], yPred: [[0.6, 0.4, 0.2], [0.3, 0.9, 0.5]], sampleWeight: [[1.2], [3.4]] }));
  it('hover names: torch MultiMarginLoss and optax multiclass_hinge_loss are declared', () => {
    const s = resolveLoss(L).spec;
    assert.ok(s.foreignNames!.includes('nn.MultiMarginLoss'));
    assert.ok(s.foreignNames!.includes('optax.multiclass_hinge_loss'));
  });
});

describe('Hinge losses with non-finite inputs (exact path)', () => {
  it('y·p = +Inf is far beyond the margin: 0 and no gradient; NaN propagates', () => {
    // own derivation: labels ±1, p = [Inf, 0.5] with y = [1, 1] → max(1 − Inf, 0) = 0, max(0.5, 0) = 0.5 → mean 0.25
    const r = evaluate({ loss: 'Hinge', yTrue: [[1, 1]], yPred: [[Infinity, 0.5]], config: { dtype: 'float64' } });
    assertClose(r.value.data[0], 0.25, 1e-15);
    assertClose([...r.grad.data], [0, -0.5], 1e-15);
    const s = evaluate({ loss: 'SquaredHinge', yTrue: [[1, 1]], yPred: [[Infinity, 0.5]], config: { dtype: 'float64' } });
    assertClose(s.value.data[0], 0.125, 1e-15);
    assertClose([...s.grad.data], [0, -0.5], 1e-15);
    assert.ok(Number.isNaN(evaluate({ loss: 'Hinge', yTrue: [[1, 1]], yPred: [[NaN, 0.5]] }).value.data[0]));
  });
});
