/**
 * tfa SigmoidFocalCrossEntropy, SparsemaxLoss and WeightedKappaLoss (Keras 2 base class): docstring and test values
 * from tensorflow_addons/losses, the seed snippet, independent oracles for the randomised tfa tests, and errors.
 */
import * as assert from 'node:assert/strict';
import { evaluate, toNested, LossInspectorError, EvalRequest } from '../../../src/core';
import { resolveForeign } from '../../../src/core/names';
import { assertClose, value, numericGrad } from '../helpers';

const f32 = Math.fround;

/** Small deterministic generator (mulberry32) for the randomised tfa tests. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keras 2 backend binary_crossentropy on probabilities: clip, then log(q + ε). */
function bceKeras2(t: number, p: number): number {
  const eps = f32(1e-7);
  const q = Math.min(Math.max(f32(p), eps), f32(1 - 1e-7));
  return -(t * Math.log(q + eps) + (1 - t) * Math.log(1 - q + eps));
}

describe('tfa SigmoidFocalCrossEntropy', () => {
  it('docstring: [[1],[1],[0]] vs [[0.97],[0.91],[0.03]] → [6.8532745e-06, 1.9097870e-04, 2.0559824e-05], unreduced by default', () => {
    // tensorflow_addons/losses/focal_loss.py SigmoidFocalCrossEntropy docstring
    const r = evaluate({ loss: 'tfa.losses.SigmoidFocalCrossEntropy', yTrue: [[1.0], [1.0], [0.0]], yPred: [[0.97], [0.91], [0.03]] });
    assert.deepEqual(r.value.shape, [3]);
    assertClose(toNested(r.value), [6.8532745e-06, 1.9097870e-04, 2.0559824e-05], 1e-5, 0);
  });
  it('seed: y_true [[0.97],[0.91],[0.03]], y_pred [[1],[1],[0]] → [0.00010971, 0.00329749, 0.00030611] (Keras 2 "+ε" BCE)', () => {
    assertClose(value({ loss: 'SigmoidFocalCrossEntropy', yTrue: [[0.97], [0.91], [0.03]], yPred: [[1.0], [1.0], [0.0]] }), [0.00010971, 0.00329749, 0.00030611], 1e-4, 0);
    // the Keras 3 BCE (no +ε) would give 0.00011407 for the first element
    const t = f32(0.97), pt = t * f32(1 - 1e-7) + (1 - t) * (1 - f32(1 - 1e-7));
    const k3 = (t * 0.25 + (1 - t) * 0.75) * (1 - pt) ** 2 * -(t * Math.log(f32(1 - 1e-7)) + (1 - t) * Math.log(1 - f32(1 - 1e-7)));
    assertClose(k3, 0.00011407, 1e-3, 0);
  });
  it('alpha=None, gamma=None equals Keras 2 BCE, for probabilities and logits (test_without_logits)', () => {
    // tensorflow_addons/losses/tests/focal_loss_test.py test_without_logits
    const p = [0.97, 0.91, 0.73, 0.27, 0.09, 0.03], t = [1, 1, 1, 0, 0, 0];
    const yPred = p.map((x) => [x]), yTrue = t.map((x) => [x]);
    const bce = p.map((x, i) => bceKeras2(t[i], x));
    assertClose(value({ loss: 'sigmoid_focal_crossentropy', yTrue, yPred, config: { alpha: null, gamma: null } }), bce, 1e-6);
    const logits = p.map((x) => [Math.log(x / (1 - x))]);
    const bceL = p.map((x, i) => { const z = f32(Math.log(x / (1 - x))); return Math.max(z, 0) - z * t[i] + Math.log1p(Math.exp(-Math.abs(z))); });
    assertClose(value({ loss: 'sigmoid_focal_crossentropy', yTrue, yPred: logits, config: { alpha: null, gamma: null, from_logits: true } }), bceL, 1e-6);
    // gamma = 2: the ratio bce/focal has orders 1000, 100, 10, 10, 100, 1000
    for (const fl of [false, true]) {
      const focal = value({ loss: 'sigmoid_focal_crossentropy', yTrue, yPred: fl ? logits : yPred, config: { alpha: null, gamma: 2.0, from_logits: fl } }) as number[];
      const base = fl ? bceL : bce;
      assert.deepEqual(focal.map((f, i) => 10 ** Math.floor(Math.log10(base[i] / f))), [1000, 100, 10, 10, 100, 1000]);
    }
  });
  it('alpha/gamma truthiness: alpha=0 means no α weighting (same as None); gamma=0 means no modulation', () => {
    const req = { loss: 'SigmoidFocalCrossEntropy', yTrue: [[1, 0]], yPred: [[0.3, 0.6]] };
    assertClose(value({ ...req, config: { alpha: 0 } }), value({ ...req, config: { alpha: null } }) as number[], 1e-12);
    assert.ok(evaluate({ ...req, config: { alpha: 0 } }).trace.notes.some((n) => /falsy/.test(n)));
    const bce = bceKeras2(1, 0.3) * 0.25 + bceKeras2(0, 0.6) * 0.75;
    assertClose(value({ ...req, config: { gamma: 0 } }), [bce], 1e-6);
  });
  it('the function form returns per-sample values and shares the class formula', () => {
    const req = { yTrue: [[1, 0], [0, 1]], yPred: [[0.3, 0.6], [0.2, 0.9]] };
    const r = evaluate({ loss: 'sigmoid_focal_crossentropy', ...req, config: { alpha: 0.4, gamma: 1.5 } });
    assert.equal(r.mode, 'function');
    assertClose(toNested(r.value), value({ loss: 'SigmoidFocalCrossEntropy', ...req, config: { alpha: 0.4, gamma: 1.5 } }) as number[], 1e-12);
  });
  it('sums over the last axis (not a mean)', () => {
    const el = (t: number, p: number) => {
      const pt = t * f32(p) + (1 - t) * (1 - f32(p));
      return (t * 0.25 + (1 - t) * 0.75) * (1 - pt) ** 2 * bceKeras2(t, p);
    };
    assertClose(value({ loss: 'SigmoidFocalCrossEntropy', yTrue: [[1, 0, 1]], yPred: [[0.3, 0.6, 0.8]] }), [el(1, 0.3) + el(0, 0.6) + el(1, 0.8)], 1e-6);
  });
  it('errors: negative gamma; logits with different shapes; broadcasting probabilities warns', () => {
    assert.throws(() => evaluate({ loss: 'SigmoidFocalCrossEntropy', yTrue: [[1]], yPred: [[0.5]], config: { gamma: -1 } }), /argument `gamma`.*greater than or equal to zero/);
    assert.throws(() => evaluate({ loss: 'SigmoidFocalCrossEntropy', yTrue: [1, 0], yPred: [[0.5], [0.2]], config: { from_logits: true } }), (e: unknown) => e instanceof LossInspectorError && /same shape/.test(e.message));
    const r = evaluate({ loss: 'SigmoidFocalCrossEntropy', yTrue: [1, 0], yPred: [[0.5], [0.2]] });
    assert.deepEqual(r.value.shape, [2]);
    assert.deepEqual(r.grad.shape, [2, 1]);
    assert.ok(r.trace.warnings.some((w) => w.code === 'outer-product'));
  });
  it('gradients match finite differences (logits, probabilities, broadcasting)', () => {
    const reqs: EvalRequest[] = [
      { loss: 'SigmoidFocalCrossEntropy', yTrue: [[1, 0], [0, 1]], yPred: [[0.4, -1.3], [2.2, 0.7]], config: { from_logits: true, gamma: 1.5, alpha: 0.3, dtype: 'float64' } },
      { loss: 'SigmoidFocalCrossEntropy', yTrue: [1, 0], yPred: [[0.5], [0.2]], config: { dtype: 'float64', reduction: 'sum' } },
    ];
    for (const req of reqs) assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req)), 1e-4, 1e-7);
  });
  it('names: Addons> string, torchvision/optax equivalents', () => {
    assert.equal(evaluate({ loss: 'Addons>sigmoid_focal_crossentropy', yTrue: [[1]], yPred: [[0.5]] }).loss, 'SigmoidFocalCrossEntropy');
    assert.equal(resolveForeign('torchvision.ops.sigmoid_focal_loss')?.spec.id, 'SigmoidFocalCrossEntropy');
  });
});

/** Sparsemax by bisection on τ (Σ max(z − τ, 0) = 1): an oracle independent of the sort-based kernel. */
function sparsemaxOracle(z: number[]): { s: number[]; tau: number } {
  let lo = Math.min(...z) - 1, hi = Math.max(...z);
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    const sum = z.reduce((a, x) => a + Math.max(x - mid, 0), 0);
    if (sum > 1) lo = mid; else hi = mid;
  }
  const tau = (lo + hi) / 2;
  return { s: z.map((x) => Math.max(x - tau, 0)), tau };
}
/** The loss in its original form: −q·z + ½Σ_{j∈S}(z_j² − τ²) + ½‖q‖². */
function sparsemaxLossOracle(z: number[], q: number[]): number {
  const { s, tau } = sparsemaxOracle(z);
  let l = 0;
  for (let j = 0; j < z.length; j++) {
    l += -q[j] * z[j] + 0.5 * q[j] * q[j];
    if (s[j] > 0) l += 0.5 * (z[j] * z[j] - tau * tau);
  }
  return l;
}

describe('tfa SparsemaxLoss', () => {
  const rand = rng(1);
  const B = 20, C = 10;
  const z = Array.from({ length: B }, () => Array.from({ length: C }, () => (rand() * 2 - 1) * 3));
  const q = Array.from({ length: B }, () => { const r = Array(C).fill(0); r[Math.floor(rand() * C)] = 1; return r; });
  it('matches the original-form loss computed from an independent sparsemax (test_sparsemax_loss_against_numpy)', () => {
    // tensorflow_addons/losses/tests/sparsemax_loss_test.py test_sparsemax_loss_against_numpy / constructor_aginst_numpy
    const exp = z.map((r, b) => sparsemaxLossOracle(r.map((x) => f32(x)), q[b]));
    assertClose(value({ loss: 'SparsemaxLoss', yTrue: q, yPred: z, config: { reduction: 'none' } }), exp, 1e-5, 1e-6);
    assertClose(value({ loss: 'SparsemaxLoss', yTrue: q, yPred: z }), exp.reduce((a, b) => a + b) / B, 1e-5, 1e-6);
  });
  it('is non-negative, invariant to adding a constant, and 0 when the true logit leads by more than 1', () => {
    // tensorflow_addons/losses/tests/sparsemax_loss_test.py test_sparsemax_loss_positive / test_constant_add / test_sparsemax_loss_zero
    const v = value({ loss: 'SparsemaxLoss', yTrue: q, yPred: z, config: { reduction: 'none', dtype: 'float64' } }) as number[];
    assert.ok(v.every((x) => x >= -1e-12));
    const shifted = value({ loss: 'SparsemaxLoss', yTrue: q, yPred: z.map((r) => r.map((x) => x + 7.3)), config: { reduction: 'none', dtype: 'float64' } }) as number[];
    assertClose(shifted, v, 1e-9, 1e-9);
    const z0 = z.map((r) => { const c = r.slice(); c[0] = Math.max(...r) + 1.05; return c; });
    const q0 = z.map(() => [1, ...Array(C - 1).fill(0)]);
    assertClose(value({ loss: 'SparsemaxLoss', yTrue: q0, yPred: z0, config: { reduction: 'none' } }), Array(B).fill(0), 0, 1e-5);
  });
  it('infinite and NaN logits: [0.25, inf, 0, nan], all-NaN rows for +inf (test_sparsemax_loss_of_inf, _of_nan)', () => {
    // tensorflow_addons/losses/tests/sparsemax_loss_test.py test_sparsemax_loss_of_inf
    const q3 = [[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]];
    const I = Infinity;
    const neg = evaluate({ loss: 'SparsemaxLoss', yTrue: q3, yPred: [[0, -I, 0], [0, -I, -I], [-I, -I, 0], [-I, -I, -I]], config: { reduction: 'none' } }).value.data;
    assert.deepEqual(Array.from(neg), [0.25, Infinity, 0, NaN]);
    const pos = evaluate({ loss: 'SparsemaxLoss', yTrue: q3, yPred: [[0, I, 0], [0, I, I], [I, I, 0], [I, I, I]], config: { reduction: 'none' } }).value.data;
    assert.ok(Array.from(pos).every(Number.isNaN));
    const mix = evaluate({ loss: 'SparsemaxLoss', yTrue: q3, yPred: [[0, I, 0], [0, I, -I], [-I, I, 0], [-I, I, -I]], config: { reduction: 'none' } }).value.data;
    assert.ok(Array.from(mix).every(Number.isNaN));
    // tensorflow_addons/losses/tests/sparsemax_loss_test.py test_sparsemax_loss_of_nan
    const nan = evaluate({ loss: 'SparsemaxLoss', yTrue: [[0, 0, 1], [0, 0, 1], [0, 0, 1]], yPred: [[0, NaN, 0], [0, NaN, NaN], [NaN, NaN, NaN]], config: { reduction: 'none' } }).value.data;
    assert.ok(Array.from(nan).every(Number.isNaN));
  });
  it('gradient is sparsemax(z) − q (test_gradient_against_estimate)', () => {
    // tensorflow_addons/losses/tests/sparsemax_loss_test.py test_gradient_against_estimate
    const zz = z.slice(0, 4), qq = q.slice(0, 4);
    const r = evaluate({ loss: 'SparsemaxLoss', yTrue: qq, yPred: zz, config: { reduction: 'sum', dtype: 'float64' } });
    const exp = zz.map((row, b) => sparsemaxOracle(row).s.map((s, j) => s - qq[b][j]));
    assertClose(toNested(r.grad), exp, 1e-6, 1e-9);
  });
  it('errors: from_logits=False, rank ≠ 2, shape mismatch', () => {
    // tensorflow_addons/losses/tests/sparsemax_loss_test.py test_sparsemax_loss_constructor_not_from_logits
    assert.throws(() => evaluate({ loss: 'SparsemaxLoss', yTrue: [[0, 1]], yPred: [[0.2, 0.8]], config: { from_logits: false } }), /argument `from_logits`.*must be True/);
    assert.throws(() => evaluate({ loss: 'SparsemaxLoss', yTrue: [0, 1], yPred: [0.2, 0.8] }), /argument `y_pred`.*\(batch_size, num_classes\)/);
    assert.throws(() => evaluate({ loss: 'SparsemaxLoss', yTrue: [[0, 1, 0]], yPred: [[0.2, 0.8]] }), /argument `y_true`/);
    assert.equal(resolveForeign('optax.multiclass_sparsemax_loss')?.spec.id, 'SparsemaxLoss');
  });
});

/** Port of the tfa test's reference implementation (argmax labels, explicit weight matrices). */
function kappaOracle(yTrue: number[][], yPred: number[][], weightage: 'linear' | 'quadratic', eps = 1e-6): number {
  const N = yTrue.length, C = yTrue[0].length;
  const w = (a: number, b: number) => (weightage === 'linear' ? Math.abs(a - b) : (a - b) ** 2);
  const lab = yTrue.map((r) => r.indexOf(Math.max(...r)));
  let num = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < C; j++) num += yPred[i][j] * w(lab[i], j);
  const ld = Array.from({ length: C }, (_, c) => yTrue.reduce((s, r) => s + r[c], 0));
  const pd = Array.from({ length: C }, (_, c) => yPred.reduce((s, r) => s + r[c], 0));
  let den = 0;
  for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) den += ld[a] * w(a, b) * pd[b];
  den /= N;
  const r = num / den;
  return Math.log((Number.isFinite(r) ? r : 0) + eps);
}
function kappaData(n: number, c: number, seed: number): { yTrue: number[][]; yPred: number[][] } {
  const rand = rng(seed);
  const yTrue = Array.from({ length: n }, () => { const u = Array.from({ length: c }, rand); const k = u.indexOf(Math.max(...u)); return u.map((_, j) => (j === k ? 1 : 0)); });
  const yPred = Array.from({ length: n }, () => { const u = Array.from({ length: c }, rand); const s = u.reduce((a, b) => a + b); return u.map((x) => f32(x / s)); });
  return { yTrue, yPred };
}

describe('tfa WeightedKappaLoss', () => {
  it('docstring: −1.1611925', () => {
    // tensorflow_addons/losses/kappa_loss.py WeightedKappaLoss docstring
    const r = evaluate({ loss: 'WeightedKappaLoss', yTrue: [[0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]], yPred: [[0.1, 0.2, 0.6, 0.1], [0.1, 0.5, 0.3, 0.1], [0.8, 0.05, 0.05, 0.1], [0.01, 0.09, 0.1, 0.8]], config: { num_classes: 4 } });
    assert.deepEqual(r.value.shape, []);
    assertClose(r.value.data[0], -1.1611925, 1e-6);
  });
  for (const seed of [0, 1, 2, 3]) {
    it(`linear (50×4) and quadratic (100×3) match the reference implementation, seed ${seed}`, () => {
      // tensorflow_addons/losses/tests/kappa_loss_test.py test_linear_weighted_kappa_loss / test_quadratic_weighted_kappa_loss
      const a = kappaData(50, 4, seed);
      assertClose(value({ loss: 'WeightedKappaLoss', ...a, config: { num_classes: 4, weightage: 'linear' } }), kappaOracle(a.yTrue, a.yPred, 'linear'), 1e-5, 1e-5);
      const b = kappaData(100, 3, seed + 10);
      assertClose(value({ loss: 'WeightedKappaLoss', ...b, config: { num_classes: 3 } }), kappaOracle(b.yTrue, b.yPred, 'quadratic'), 1e-5, 1e-5);
    });
  }
  it('epsilon or 1e-7: epsilon=0 becomes the Keras epsilon; config epsilon 0.001 is used', () => {
    // tensorflow_addons/losses/tests/kappa_loss_test.py test_config (epsilon=0.001)
    const a = kappaData(8, 3, 5);
    assertClose(value({ loss: 'WeightedKappaLoss', ...a, config: { num_classes: 3, epsilon: 0 } }), kappaOracle(a.yTrue, a.yPred, 'quadratic', f32(1e-7)), 1e-6);
    assertClose(value({ loss: 'WeightedKappaLoss', ...a, config: { num_classes: 3, epsilon: null } }), kappaOracle(a.yTrue, a.yPred, 'quadratic', f32(1e-7)), 1e-6);
    assertClose(value({ loss: 'WeightedKappaLoss', ...a, config: { num_classes: 3, epsilon: 0.001, weightage: 'linear' } }), kappaOracle(a.yTrue, a.yPred, 'linear', 0.001), 1e-6);
  });
  it('gradient matches finite differences (linear and quadratic)', () => {
    const a = kappaData(5, 3, 9);
    for (const weightage of ['linear', 'quadratic']) {
      const req: EvalRequest = { loss: 'WeightedKappaLoss', ...a, config: { num_classes: 3, weightage, dtype: 'float64' } };
      assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req)), 1e-4, 1e-7);
    }
  });
  it('errors: missing num_classes, unknown weightage, wrong class count', () => {
    const a = kappaData(4, 3, 2);
    assert.throws(() => evaluate({ loss: 'WeightedKappaLoss', ...a }), /argument `num_classes`.*required/);
    assert.throws(() => evaluate({ loss: 'WeightedKappaLoss', ...a, config: { num_classes: 3, weightage: 'cubic' } }), /argument `weightage`/);
    assert.throws(() => evaluate({ loss: 'WeightedKappaLoss', ...a, config: { num_classes: 4 } }), /argument `y_pred`.*num_classes=4/);
  });
  it('zero denominator: divide_no_nan gives log(ε) and a warning', () => {
    const r = evaluate({ loss: 'WeightedKappaLoss', yTrue: [[1, 0], [1, 0]], yPred: [[1, 0], [1, 0]], config: { num_classes: 2 } });
    assertClose(r.value.data[0], Math.log(f32(1e-6)), 1e-6);
    assert.ok(r.trace.warnings.some((w) => w.code === 'kappa-zero-denominator'));
  });
});
