/**
 * CosineSimilarity (Keras 3): golden values of keras/src/losses/losses_test.py CosineSimilarityTest (its numpy reference
 * re-derived here), the cosine_similarity docstring, seed snippets, axis handling, zero vectors, gradients.
 * Values marked "own derivation" are computed by hand from KERAS_SEMANTICS.md §3, arithmetic shown.
 */
import * as assert from 'node:assert/strict';
import { evaluate, LossInspectorError, toNested, resolveLoss, EvalRequest } from '../../../src/core';
import { assertClose, value, numericGrad } from '../helpers';

const L = 'CosineSimilarity';
const T = [[1, 9, 2], [-5, -2, 6]];
const P = [[4, 8, 12], [8, 1, 3]];

/** The test's numpy reference: Σ over the last axis of l2-normalised rows (squared norm clamped at 1e-12). */
function refCos(t: number[][], p: number[][]): number[] {
  const norm = (x: number[]) => { const s = x.reduce((a, v) => a + v * v, 0); const inv = 1 / Math.sqrt(Math.max(s, 1e-12)); return x.map((v) => v * inv); };
  return t.map((row, b) => { const a = norm(row), c = norm(p[b]); return a.reduce((s, v, j) => s + v * c[j], 0); });
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
function assertGradMatchesFiniteDifferences(req: EvalRequest): void {
  const cfg = { ...req.config, dtype: 'float64' as const };
  assertClose([...evaluate({ ...req, config: cfg }).grad.data], [...numericGrad({ ...req, config: cfg })], 1e-5, 1e-7);
}

describe('CosineSimilarity (Keras 3)', () => {
  const cos = refCos(T, P);
  it('unweighted', () => assertClose(value({ loss: L, yTrue: T, yPred: P }), -mean(cos), 1e-6)); // keras/src/losses/losses_test.py CosineSimilarityTest.test_unweighted
  it('scalar weight 2.3', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 2.3 }), -mean(cos.map((c) => c * 2.3)), 1e-6)); // keras/src/losses/losses_test.py CosineSimilarityTest.test_scalar_weighted
  it('(B,) weights [1.2, 3.4]', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: [1.2, 3.4] }), -mean([cos[0] * 1.2, cos[1] * 3.4]), 1e-6)); // keras/src/losses/losses_test.py CosineSimilarityTest.test_sample_weighted
  it('timestep weights on (2,3,1): −2, with the size-1-axis warning', () => {
    // keras/src/losses/losses_test.py CosineSimilarityTest.test_timestep_weighted. Each vector has one element, so the
    // cosine is sign(t)·sign(p) = [1, 1, 1, −1, −1, 1]; weighted by [3, 6, 5, 0, 4, 2]: −(3 + 6 + 5 + 0 − 4 + 2)/6 = −2
    const r = evaluate({ loss: L, yTrue: T.map((x) => x.map((v) => [v])), yPred: P.map((x) => x.map((v) => [v])), sampleWeight: [[3, 6, 5], [0, 4, 2]] });
    assertClose(r.value.data[0], -2);
    assert.ok(r.trace.warnings.some((w) => w.code === 'cosine-axis-size-1'));
    assertClose([...r.grad.data], [0, 0, 0, 0, 0, 0], 0, 1e-9);
  });
  it('zero weight: 0', () => assertClose(value({ loss: L, yTrue: T, yPred: P, sampleWeight: 0 }), 0)); // keras/src/losses/losses_test.py CosineSimilarityTest.test_zero_weighted
  it('axis=1 on rank 2 equals the default', () => assertClose(value({ loss: L, yTrue: T, yPred: P, config: { axis: 1 } }), -mean(cos), 1e-6)); // keras/src/losses/losses_test.py CosineSimilarityTest.test_axis
  it('docstring: cosine_similarity(...) = [-0., -0.99999994, 0.99999994]', () => {
    // keras/src/losses/losses.py cosine_similarity docstring; the 0.99999994 are float32 artefacts of exact ±1
    // keras/src/losses/losses.py cosine_similarity docstring: exactly these float32 numbers (rsqrt(2) = 0.70710677 in float32,
    // 0.70710677² rounds to 0.49999997, and the sum to 0.99999994), including the sign of −0.
    const r = evaluate({ loss: 'cosine_similarity', yTrue: [[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]], yPred: [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]], config: { axis: -1 } });
    const v = [...r.value.data];
    assert.ok(Object.is(v[0], -0), `first value ${v[0]} should be -0`);
    assert.equal(v[1], Math.fround(-0.99999994));
    assert.equal(v[2], Math.fround(0.99999994));
    // in float64 the same call gives ±1 to double precision
    const r64 = evaluate({ loss: L, yTrue: [[1.0, 1.0], [1.0, 1.0]], yPred: [[1.0, 1.0], [-1.0, -1.0]], config: { dtype: 'float64', reduction: null } });
    assertClose([...r64.value.data], [-1, 1], 1e-15);
  });
  it('seed (TF docs): CosineSimilarity(axis=1)([[0,1],[1,1]], [[1,0],[1,1]]) = −0.5', () => {
    assertClose(value({ loss: 'tf.keras.losses.CosineSimilarity', yTrue: [[0.0, 1.0], [1.0, 1.0]], yPred: [[1.0, 0.0], [1.0, 1.0]], config: { axis: 1 } }), -0.5, 1e-6); // /work/shared/seeds/000
  });
  it('seed [[12,20],[29,60]] vs [[14,18],[27,55]], axis=1: −0.9963576 (own derivation)', () => {
    // /work/shared/seeds/001 (no printed output).
    // row 0: (12·14 + 20·18)/(√544·√520) = 528/531.8647 = 0.9927338; row 1: (29·27 + 60·55)/(√4441·√3754) = 4083/4083.0765 = 0.9999813
    // mean of the negatives: −(0.9927338 + 0.9999813)/2 = −0.9963576
    const exp = -(528 / (Math.sqrt(544) * Math.sqrt(520)) + 4083 / (Math.sqrt(4441) * Math.sqrt(3754))) / 2;
    assertClose(exp, -0.9963576, 1e-6);
    assertClose(value({ loss: L, yTrue: [[12, 20], [29.0, 60.0]], yPred: [[14.0, 18.0], [27.0, 55.0]], config: { axis: 1 } }), exp, 1e-7);
  });
  it('axis=0 reduces over the rows (one value per column)', () => {
    const tT = [[1, -5], [9, -2], [2, 6]], pT = [[4, 8], [8, 1], [12, 3]]; // transposes
    const r = evaluate({ loss: L, yTrue: T, yPred: P, config: { axis: 0, reduction: null } });
    assert.deepEqual(r.value.shape, [3]);
    assertClose(toNested(r.value), refCos(tT, pT).map((c) => -c), 1e-6);
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: T, yPred: P, sampleWeight: [1, 2, 3], config: { axis: 0 } });
  });
  it('axis=None normalises the whole tensor: one scalar, returned unreduced', () => {
    // own derivation: Σt·p = 4 + 72 + 24 − 40 − 2 + 18 = 76, ‖t‖² = 1 + 81 + 4 + 25 + 4 + 36 = 151, ‖p‖² = 16 + 64 + 144 + 64 + 1 + 9 = 298
    const r = evaluate({ loss: L, yTrue: T, yPred: P, config: { axis: null, dtype: 'float64' } });
    assert.deepEqual(r.value.shape, []);
    assertClose(r.value.data[0], -76 / Math.sqrt(151 * 298), 1e-14);
  });
  it('multi-axis: (1, 2) on rank 3 and the non-trailing (0, 2) match finite differences', () => {
    const t3 = [[[1, 2], [3, -1]], [[0.5, 2], [-2, 1]]], p3 = [[[2, 1], [0.3, -1]], [[1, 1.5], [-1, 2]]];
    const r = evaluate({ loss: L, yTrue: t3, yPred: p3, config: { axis: [1, 2], reduction: null } });
    assertClose(toNested(r.value), refCos([[1, 2, 3, -1], [0.5, 2, -2, 1]], [[2, 1, 0.3, -1], [1, 1.5, -1, 2]]).map((c) => -c), 1e-6);
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: t3, yPred: p3, config: { axis: [1, 2] } });
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: t3, yPred: p3, config: { axis: [0, 2] } });
    assert.deepEqual(evaluate({ loss: L, yTrue: t3, yPred: p3, config: { axis: [2, 0], reduction: null } }).value.shape, [2]);
  });
  it('zero vectors give 0 and warn; a zero y_pred gets a gradient scaled by 1/ε', () => {
    const r = evaluate({ loss: L, yTrue: [[0, 0], [1, 1]], yPred: [[1, 2], [1, 1]], config: { reduction: null } });
    assertClose(toNested(r.value), [0, -1], 1e-6);
    assert.ok(r.trace.warnings.some((w) => w.code === 'cosine-zero-vector' && /1 y_true and 0 y_pred/.test(w.message)));
    // own derivation, float64: t = [1, 0], p = [0, 0] → r_p = 1/ε, s = 0 → dL/dp = −r_t·r_p·t = [−1e7, 0]
    const z = evaluate({ loss: L, yTrue: [[1, 0]], yPred: [[0, 0]], config: { dtype: 'float64' } });
    assert.equal(z.value.data[0], 0);
    assertClose([...z.grad.data], [-1e7, 0], 1e-12);
  });
  it('gradient: −(n(t) − cos·n(p))/‖p‖ and finite differences with weights', () => {
    // own derivation, float64: t = [1, 0], p = [3, 4]: ‖p‖ = 5, n(p) = [0.6, 0.8], cos = 0.6 → −([1, 0] − 0.6·[0.6, 0.8])/5 = [−0.128, 0.096]
    assertClose([...evaluate({ loss: L, yTrue: [[1, 0]], yPred: [[3, 4]], config: { dtype: 'float64' } }).grad.data], [-0.128, 0.096], 1e-14);
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: T, yPred: P, sampleWeight: [[1.2], [3.4]] });
  });
  it('a reference vector (D,) against a batch (B, D) broadcasts like a tiled y_true', () => {
    const ref = [1, 9, 2];
    const r = evaluate({ loss: L, yTrue: ref, yPred: P, config: { reduction: null } });
    assertClose(toNested(r.value), refCos([ref, ref], P).map((c) => -c), 1e-6);
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: ref, yPred: P, sampleWeight: [1.2, 3.4] });
  });
  it('y_true (B,1) against y_pred (B,D): each is normalised over its OWN shape, then broadcast (not a cosine)', () => {
    // own derivation (KERAS_SEMANTICS §3 formula on each tensor's own shape): n(t) over a size-1 axis is sign(t);
    // row 0: t = 2, p = [1, 2, 2] → n(p) = [1, 2, 2]/3 → −(1·(1 + 2 + 2)/3) = −5/3
    // row 1: t = −1, p = [3, 0, 4] → n(p) = [3, 0, 4]/5 → −(−1·7/5) = 1.4
    const req: EvalRequest = { loss: L, yTrue: [[2], [-1]], yPred: [[1, 2, 2], [3, 0, 4]], config: { reduction: null, dtype: 'float64' } };
    const r = evaluate(req);
    assertClose(toNested(r.value), [-5 / 3, 1.4], 1e-14);
    assert.ok(r.trace.warnings.some((w) => w.code === 'cosine-broadcast'));
    assertGradMatchesFiniteDifferences({ ...req, yPred: [[1, 2.5, 2], [3, 0.5, 4]] });
    // and the other way round: y_pred (B,1) gets the gradient of sign(p) = 0
    assertGradMatchesFiniteDifferences({ loss: L, yTrue: [[1, 2.5, 2], [3, 0.5, 4]], yPred: [[2], [-1]] });
  });
  it("semantics 'keras2': tf.linalg.l2_normalize clamps the squared norm at 1e-12 instead of ε² = 1e-14 (KERAS_SEMANTICS §5)", () => {
    // own derivation, float64: t = [1, 0], p = [3e-7, 0], Σp² = 9e-14. Keras 3: above ε², n(p) = [1, 0] → −1.
    // Keras 2: clamped, n(p) = p / 1e-6 = [0.3, 0] → −0.3.
    const req: EvalRequest = { loss: L, yTrue: [[1, 0]], yPred: [[3e-7, 0]], config: { dtype: 'float64' } };
    assertClose(evaluate(req).value.data[0], -1, 1e-12);
    const k2 = evaluate({ ...req, semantics: 'keras2' });
    assertClose(k2.value.data[0], -0.3, 1e-9);
    assert.ok(k2.trace.warnings.some((w) => w.code === 'cosine-zero-vector' && /1e-6/.test(w.message)));
  });
  it('bad axis and incompatible shapes are clear errors', () => {
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { axis: 2 } }), (e: unknown) => e instanceof LossInspectorError && /CosineSimilarity: argument `axis`: axis 2 is out of range/.test(e.message));
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { axis: [1, -1] } }), /duplicate axis/);
    assert.throws(() => evaluate({ loss: L, yTrue: T, yPred: P, config: { axis: 1.5 } }), /CosineSimilarity: argument `axis`: expected an integer axis/);
    assert.throws(() => evaluate({ loss: L, yTrue: [[1, 2, 3]], yPred: [[1, 2]] }), (e: unknown) => e instanceof LossInspectorError && /CosineSimilarity: arguments `y_true` \(1, 3\) and `y_pred` \(1, 2\) cannot be broadcast together/.test(e.message));
  });
  it('names: the function form, and torch/optax/tfjs names declared for the hover', () => {
    assert.equal(resolveLoss('cosine_similarity').kind, 'function');
    assert.equal(resolveLoss('keras.losses.CosineSimilarity').spec.id, L);
    const f = resolveLoss(L).spec.foreignNames!;
    for (const n of ['nn.CosineEmbeddingLoss', 'F.cosine_similarity', 'optax.cosine_similarity', 'tf.losses.cosineDistance']) assert.ok(f.includes(n), n);
  });
});
