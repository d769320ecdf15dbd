/** Circle (Keras 3) and the tfa metric-learning losses: golden values, independent brute-force oracles, errors. */
import * as assert from 'node:assert/strict';
import { evaluate, LossInspectorError, type EvalRequest } from '../../../src/core';
import { maskedMinimum, maskedMaximum } from '../../../src/core/losses/metric-learning';
import { assertClose, value, numericGrad } from '../helpers';

// keras/src/losses/losses_test.py CircleTest fixtures
const C_TRUE = [1, 1, 2, 2, 3];
const C_PRED = [
  [0.70014004, -0.42008403, 0.14002801, 0.56011203],
  [0.17609018, 0.70436073, -0.52827054, 0.44022545],
  [-0.34050261, 0.25537696, -0.68100522, 0.59587957],
  [0.32163376, -0.75047877, 0.53605627, -0.21442251],
  [0.51261459, -0.34174306, 0.17087153, 0.76892189],
];
const REF_LABELS = [1, 1, 2, 2, 3, 4];
const REF_EMB = [
  [0.40824829, -0.54433105, 0.27216553, 0.68041382],
  [0.76376261, 0.10910895, -0.54554473, 0.32732684],
  [-0.74420841, 0.24806947, 0.49613894, -0.3721042],
  [0.52981294, -0.13245324, 0.79471941, -0.26490647],
  [0.54554473, -0.32732684, 0.10910895, 0.76376261],
  [-0.27216553, 0.68041382, 0.40824829, -0.54433105],
];
const SW = [2.0, 2.0, 1.0, 1.0, 0.5];
// Keras compares these with assertAlmostEqual(decimal=3) / values printed to 4 decimals
const close3 = (a: unknown, e: unknown) => assertClose(a, e, 0, 1.5e-3);

describe('Circle (Keras 3)', () => {
  it('CircleTest.test_correctness: 188.3883 (gamma=80, margin=0.4), mean over the 4 samples with loss > 0', () => {
    const r = evaluate({ loss: 'Circle', yTrue: C_TRUE, yPred: C_PRED, config: { gamma: 80.0, margin: 0.4 } });
    close3(r.value.data[0], 188.3883);
    assert.deepEqual([...r.mask!], [1, 1, 1, 1, 0]);
    assert.equal(r.reduction!.divisorKind, 'valid elements');
    assert.ok(r.trace.warnings.some((w) => w.code === 'no-positives'));
  });
  it('CircleTest.test_correctness: 652.7617 (gamma=256, margin=0.25)', () =>
    close3(value({ loss: 'Circle', yTrue: C_TRUE, yPred: C_PRED, config: { gamma: 256, margin: 0.25 } }), 652.7617));
  it('KERAS_SEMANTICS §3: dividing by B instead would give 150.71', () =>
    assertClose((value({ loss: 'Circle', yTrue: C_TRUE, yPred: C_PRED, config: { reduction: 'sum' } }) as number) / 5, 150.71, 0, 5e-3));
  it('CircleTest.test_correctness_weighted: 244.91918', () => close3(value({ loss: 'Circle', yTrue: C_TRUE, yPred: C_PRED, sampleWeight: SW }), 244.91918));
  it('CircleTest.test_no_reduction: [82.9116, 36.7942, 92.4590, 52.6798, 0, 0]', () =>
    close3(value({ loss: 'Circle', yTrue: REF_LABELS, yPred: REF_EMB, config: { reduction: null } }), [82.9116, 36.7942, 92.4590, 52.6798, 0.0, 0.0]));
  it('CircleTest.test_sum_reduction: 264.845', () => close3(value({ loss: 'Circle', yTrue: REF_LABELS, yPred: REF_EMB, config: { reduction: 'sum' } }), 264.845));
  it('CircleTest.test_mean_with_sample_weight_reduction: 163.27948', () =>
    close3(value({ loss: 'Circle', yTrue: C_TRUE, yPred: C_PRED, sampleWeight: SW, config: { reduction: 'mean_with_sample_weight' } }), 163.27948));
  it('function form returns per-sample values and the mask', () => {
    const r = evaluate({ loss: 'circle', yTrue: REF_LABELS, yPred: REF_EMB });
    assert.deepEqual(r.value.shape, [6]);
    assert.deepEqual([...r.mask!], [1, 1, 1, 1, 0, 0]);
  });
  it('masked samples get no gradient', () => {
    const r = evaluate({ loss: 'Circle', yTrue: [1, 1, 2, 2, 3], yPred: C_PRED, config: { dtype: 'float64' } });
    // sample 4 has no positive: its row only receives gradient as a negative of the others
    assert.ok(r.grad.data.some((g) => g !== 0));
    const only = evaluate({ loss: 'Circle', yTrue: [1, 2, 3], yPred: C_PRED.slice(0, 3), config: { dtype: 'float64' } });
    assert.deepEqual([...only.grad.data].every((g) => g === 0), true);
    assert.equal(only.value.data[0], 0);
  });
  it('CircleTest.test_correctness: circle(..., ref_labels, ref_embeddings, remove_diagonal=False) = (61.5844, 94.3465, 276.9344, 90.9873, 48.8963)', () => {
    // keras/src/losses/losses_test.py CircleTest.test_correctness (the function form against 6 reference embeddings)
    const r = evaluate({ loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_labels: REF_LABELS, ref_embeddings: REF_EMB, gamma: 80.0, margin: 0.4, remove_diagonal: false } });
    close3(Array.from(r.value.data), [61.5844, 94.3465, 276.9344, 90.9873, 48.8963]);
    // Positional, in Keras's order: circle(y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin).
    assert.deepEqual(r.value.data, evaluate({ loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_labels: REF_LABELS, ref_embeddings: REF_EMB, remove_diagonal: false } }).value.data);
  });
  it('reference embeddings: the gradient flows into y_pred only (finite differences); refs equal to the batch give the batch form', () => {
    // The function form has no dtype argument: inputs are float32, so the differences take a step of 1e-3.
    for (const remove_diagonal of [true, false]) {
      const req: EvalRequest = { loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_labels: REF_LABELS, ref_embeddings: REF_EMB, gamma: 16, remove_diagonal } };
      assertClose(Array.from(evaluate(req).grad.data), Array.from(numericGrad(req, 1e-3)), 2e-3, 1e-4);
    }
    // ref_embeddings = a copy of y_pred, ref_labels = y_true: the same values as the default (the batch), but the
    // gradient only through the y_pred side of each pair.
    const self = evaluate({ loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { gamma: 16 } });
    const copy = evaluate({ loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_labels: C_TRUE, ref_embeddings: C_PRED, gamma: 16 } });
    assertClose(Array.from(copy.value.data), Array.from(self.value.data), 1e-12);
    assert.ok(copy.grad.data.some((g, i) => Math.abs(g - self.grad.data[i]) > 1e-6), 'the batch form differentiates both sides');
    // Only ref_labels given: the references are y_pred itself with other labels, so a row can be its own negative.
    // Unit rows would put that self pair on the kink of max(1 − |p|², 0); rows of norm 0.9 keep it smooth.
    const relabel = { loss: 'circle', yTrue: C_TRUE, yPred: C_PRED.map((row) => row.map((v) => 0.9 * v)), config: { ref_labels: [1, 2, 2, 3, 3], gamma: 16 } };
    assertClose(Array.from(evaluate(relabel).grad.data), Array.from(numericGrad(relabel, 1e-3)), 2e-3, 1e-4);
  });
  it('reference arrays that cannot match are clear errors naming the argument', () => {
    assert.throws(() => evaluate({ loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_embeddings: [[1, 0, 0], [0, 1, 0]] } }),
      /circle: argument `ref_embeddings`: expected a 2-D array of reference embeddings with 4 columns like y_pred, shape \(M, 4\), received shape \(2, 3\)/);
    assert.throws(() => evaluate({ loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_labels: [1, 2, 3], ref_embeddings: REF_EMB } }),
      /circle: argument `ref_labels`: expected ref_labels to have one label per reference embedding \(6 rows of ref_embeddings\), received 3 labels/);
    assert.throws(() => evaluate({ loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_embeddings: REF_EMB } }),
      /circle: argument `ref_embeddings`: expected ref_labels \(default: y_true\) to have one label per reference embedding \(6 rows of ref_embeddings\), received 5 labels/);
    assert.throws(() => evaluate({ loss: 'circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_embeddings: [[1, 0], [0]] } }),
      /circle: argument `ref_embeddings`: expected an array of numbers \(a rectangular nested list\) or None/);
    assert.throws(() => evaluate({ loss: 'Circle', yTrue: C_TRUE, yPred: C_PRED, config: { ref_labels: REF_LABELS } }), /Circle: unexpected argument `ref_labels`/);
  });
  it('bad shapes are clear errors', () => {
    assert.throws(() => evaluate({ loss: 'Circle', yTrue: C_TRUE, yPred: [1, 2, 3, 4, 5] }), (e: unknown) => e instanceof LossInspectorError && /Circle: argument `y_pred`: expected a 2-D tensor/.test(e.message));
    assert.throws(() => evaluate({ loss: 'Circle', yTrue: [1, 2], yPred: C_PRED }), /Circle: argument `y_true`: expected integer labels of shape \(5,\) or \(5, 1\)/);
  });
});

// tensorflow_addons/losses/tests/contrastive_test.py fixtures
const K_TRUE = [0, 0, 1, 1, 0, 1];
const K_PRED = [0.1, 0.3, 1.3, 0.7, 1.1, 0.5];

describe('ContrastiveLoss (tfa)', () => {
  it('test_zero_loss: 0', () => assertClose(value({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: [1.0, 1.0, 0.0, 0.0, 1.0, 0.0] }), 0));
  it('test_unweighted: 0.621666', () => assertClose(value({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED }), 0.621666));
  it('test_sample_weighted: 0.4425', () => assertClose(value({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED, sampleWeight: [1.2, 0.8, 0.5, 0.4, 1.5, 1.0] }), 0.4425));
  it('test_non_default_margin: 1.623333', () => assertClose(value({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED, config: { margin: 2.0 } }), 1.623333));
  it('test_scalar_weighted: 3.73', () => assertClose(value({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED, sampleWeight: 6.0 }), 3.73));
  it('test_zero_weighted: 0', () => assertClose(value({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED, sampleWeight: 0.0 }), 0));
  it('test_no_reduction: [0.81, 0.49, 1.69, 0.49, 0, 0.25]', () =>
    assertClose(value({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED, config: { reduction: 'none' } }), [0.81, 0.49, 1.69, 0.49, 0.0, 0.25]));
  it('test_sum_reduction: 3.73', () => assertClose(value({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED, config: { reduction: 'sum' } }), 3.73));
  it('no squeeze: (B,) labels against (B,1) distances make an outer product (warned)', () => {
    const r = evaluate({ loss: 'contrastive_loss', yTrue: K_TRUE, yPred: K_PRED.map((d) => [d]) });
    assert.deepEqual(r.value.shape, [6, 6]);
    assert.ok(r.trace.warnings.some((w) => w.code === 'outer-product'));
  });
  it('Keras 3-only reduction is rejected for this Keras 2 loss', () =>
    assert.throws(() => evaluate({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED, config: { reduction: 'mean_with_sample_weight' } }), /ContrastiveLoss: argument `reduction`/));
});

// ---------------------------------------------------------------------------------------------------------
// Independent oracles, written from the definitions (like the numpy references in tfa's tests).

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
type Dist = (a: number[], b: number[]) => number;
const l2: Dist = (a, b) => Math.sqrt(a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0));
const sqL2: Dist = (a, b) => a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0);
const angular: Dist = (a, b) => { const na = Math.hypot(...a), nb = Math.hypot(...b); return 1 - a.reduce((s, x, k) => s + x * b[k], 0) / (na * nb); };
const metrics: [string, Dist][] = [['L2', l2], ['squared-L2', sqL2], ['angular', angular]];

function semihardOracle(labels: number[], emb: number[][], margin: number, dist: Dist): number {
  const n = labels.length;
  let loss = 0, count = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (i === j || labels[i] !== labels[j]) continue;
    count++;
    const dpos = i === j ? 0 : dist(emb[i], emb[j]);
    const negs = labels.map((l, k) => (l !== labels[i] ? dist(emb[i], emb[k]) : NaN)).filter((d) => !Number.isNaN(d)).sort((a, b) => a - b);
    let chosen = negs[0];
    for (const d of negs) { chosen = d; if (d > dpos) break; }
    loss += Math.max(0, margin - chosen + dpos);
  }
  return loss / count;
}

function hardOracle(labels: number[], emb: number[][], margin: number, dist: Dist, soft: boolean): number {
  const n = labels.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const pos: number[] = [], neg: number[] = [];
    for (let j = 0; j < n; j++) {
      if (labels[j] !== labels[i]) neg.push(dist(emb[i], emb[j]));
      else if (j !== i) pos.push(dist(emb[i], emb[j]));
    }
    if (pos.length === 0) pos.push(0);
    const hp = Math.max(...pos), hn = Math.min(...neg);
    loss += soft ? Math.log1p(Math.exp(hp - hn)) : Math.max(0, hp - hn + margin);
  }
  return loss / n;
}

function liftedOracle(labels: number[], emb: number[][], margin: number): number {
  const n = labels.length;
  let loss = 0, count = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (i === j || labels[i] !== labels[j]) continue;
    const negs: number[] = [];
    for (let k = 0; k < n; k++) if (labels[k] !== labels[i]) negs.push(margin - l2(emb[i], emb[k]));
    for (let k = 0; k < n; k++) if (labels[k] !== labels[j]) negs.push(margin - l2(emb[j], emb[k]));
    const soft = Math.log(negs.reduce((s, v) => s + Math.exp(v), 0));
    const h = Math.max(soft + l2(emb[i], emb[j]), 0);
    loss += h * h;
    count++;
  }
  return loss / count / 2;
}

function randomBatch(seed: number, n: number, d: number, classes: number): { labels: number[]; emb: number[][] } {
  const r = rng(seed);
  const labels = Array.from({ length: n }, () => Math.floor(r() * classes));
  // make sure at least one positive pair exists
  labels[1] = labels[0];
  const emb = Array.from({ length: n }, () => Array.from({ length: d }, () => Math.fround(r())));
  return { labels, emb };
}

describe('TripletSemiHardLoss (tfa)', () => {
  it('docstring: labels [0, 0], embeddings [[0,1],[1,0]], L2 → 2.4142137', () =>
    assertClose(value({ loss: 'tfa.losses.triplet_semihard_loss', yTrue: [0, 0], yPred: [[0.0, 1.0], [1.0, 0.0]], config: { distance_metric: 'L2' } }), 2.4142137));
  for (const [name, dist] of metrics) {
    for (const seed of [1, 2, 3]) {
      it(`test_semihard_tripled_loss_angular analogue: random 10×6, 4 classes, ${name}, seed ${seed}, equals the sorted-negatives oracle`, () => {
        const { labels, emb } = randomBatch(seed, 10, 6, 4);
        assertClose(value({ loss: 'TripletSemiHardLoss', yTrue: labels, yPred: emb, config: { distance_metric: name } }), semihardOracle(labels, emb, 1.0, dist), 1e-5, 1e-6);
      });
    }
  }
  it('(B, 1) labels are accepted (tfa reshapes them to (B, 1))', () =>
    assertClose(value({ loss: 'TripletSemiHardLoss', yTrue: [[0], [0]], yPred: [[0.0, 1.0], [1.0, 0.0]] }), 2.4142137));
  it('the reduction is fixed: passing one is an unknown argument', () =>
    assert.throws(() => evaluate({ loss: 'TripletSemiHardLoss', yTrue: [0, 0], yPred: [[0, 1], [1, 0]], config: { reduction: 'sum' } }), /TripletSemiHardLoss: unexpected argument `reduction`/));
  it('no positive pair: NaN with a warning', () => {
    const r = evaluate({ loss: 'TripletSemiHardLoss', yTrue: [0, 1, 2], yPred: [[0, 1], [1, 0], [1, 1]] });
    assert.ok(Number.isNaN(r.value.data[0]));
    assert.ok(r.trace.warnings.some((w) => w.code === 'no-positive-pairs'));
  });
  it('bad distance_metric, label shape and embedding rank are clear errors', () => {
    assert.throws(() => evaluate({ loss: 'TripletSemiHardLoss', yTrue: [0, 0], yPred: [[0, 1], [1, 0]], config: { distance_metric: 'cosine' } }),
      (e: unknown) => e instanceof LossInspectorError && /TripletSemiHardLoss: argument `distance_metric`: expected one of 'L2', 'squared-L2', 'angular', received 'cosine'/.test(e.message));
    assert.throws(() => evaluate({ loss: 'TripletSemiHardLoss', yTrue: [[0, 0]], yPred: [[0, 1], [1, 0]] }), /argument `y_true`: expected integer labels of shape \(2,\) or \(2, 1\)/);
    assert.throws(() => evaluate({ loss: 'TripletSemiHardLoss', yTrue: [0, 0], yPred: [0, 1] }), /argument `y_pred`: expected a 2-D tensor of embeddings/);
  });
});

describe('TripletHardLoss (tfa)', () => {
  it('docstring: labels [0, 0], embeddings [[0,1],[1,0]], L2 → 1.0', () =>
    assertClose(value({ loss: 'triplet_hard_loss', yTrue: [0, 0], yPred: [[0.0, 1.0], [1.0, 0.0]], config: { distance_metric: 'L2' } }), 1.0));
  for (const soft of [false, true]) {
    for (const [name, dist] of metrics) {
      it(`test_hard_tripled_loss_angular analogue: random 20×6, 4 classes, soft=${soft}, ${name}, equals the oracle`, () => {
        const { labels, emb } = randomBatch(soft ? 11 : 12, 20, 6, 4);
        assertClose(value({ loss: 'TripletHardLoss', yTrue: labels, yPred: emb, config: { soft, distance_metric: name } }), hardOracle(labels, emb, 1.0, dist, soft), 1e-5, 1e-6);
      });
    }
  }
  it('an anchor without a positive uses hp = 0 (warned)', () => {
    const r = evaluate({ loss: 'TripletHardLoss', yTrue: [0, 0, 1], yPred: [[0, 1], [1, 0], [0.2, 0.3]], config: { margin: 0.5, dtype: 'float64' } });
    assertClose(r.value.data[0], hardOracle([0, 0, 1], [[0, 1], [1, 0], [0.2, 0.3]], 0.5, l2, false), 1e-12);
    assert.ok(r.trace.warnings.some((w) => w.code === 'no-positives'));
  });
});

describe('LiftedStructLoss (tfa)', () => {
  for (const seed of [5, 6, 7]) {
    it(`test_lifted_struct analogue: random 10×6, 4 classes, seed ${seed}, equals the oracle`, () => {
      const { labels, emb } = randomBatch(seed, 10, 6, 4);
      assertClose(value({ loss: 'LiftedStructLoss', yTrue: labels, yPred: emb }), liftedOracle(labels, emb, 1.0), 1e-5, 1e-6);
    });
  }
  it('non-default margin', () => {
    const { labels, emb } = randomBatch(9, 8, 3, 3);
    assertClose(value({ loss: 'lifted_struct_loss', yTrue: labels, yPred: emb, config: { margin: 0.3 } }), liftedOracle(labels, emb, 0.3), 1e-5, 1e-6);
  });
  it('a single-label batch has no negatives: NaN and a warning', () => {
    const r = evaluate({ loss: 'LiftedStructLoss', yTrue: [1, 1, 1], yPred: [[0, 1], [1, 0], [1, 1]] });
    assert.ok(Number.isNaN(r.value.data[0]));
    assert.ok(r.trace.warnings.some((w) => w.code === 'no-negatives'));
  });
});

// tensorflow_addons/losses/tests/npairs_test.py fixtures: y_pred = f · fpᵀ
const F = [[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]];
const SIM = F.map((a) => F.map((b) => a[0] * b[0] + a[1] * b[1]));

describe('NpairsLoss / NpairsMultilabelLoss (tfa)', () => {
  it('test_unweighted: 0.253856', () => assertClose(value({ loss: 'NpairsLoss', yTrue: [0, 1, 2, 3], yPred: SIM }), 0.253856, 1e-6, 1e-6));
  it('test_single_label: one-hot multilabel = 0.253856', () =>
    assertClose(value({ loss: 'NpairsMultilabelLoss', yTrue: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], yPred: SIM }), 0.253856, 1e-6, 1e-6));
  it('test_multilabel: 1.420522', () =>
    assertClose(value({ loss: 'NpairsMultilabelLoss', yTrue: [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]], yPred: SIM }), 1.420522, 1e-6, 1e-6));
  it('gradient is (softmax − target) / B', () => {
    const r = evaluate({ loss: 'npairs_loss', yTrue: [0, 1, 2, 3], yPred: SIM, config: {} });
    const row0 = SIM[0].map((x) => Math.exp(x));
    const z = row0.reduce((a, b) => a + b, 0);
    assertClose([...r.grad.data.slice(0, 4)], row0.map((e, j) => (e / z - (j === 0 ? 1 : 0)) / 4), 1e-6, 1e-7);
  });
  it('repeated labels spread the target over the matching columns', () => {
    const yp = [[2, 1, 0], [1, 2, 0], [0, 1, 2]];
    const lse = (r: number[]) => Math.log(r.reduce((s, x) => s + Math.exp(x), 0));
    const expected = ((lse(yp[0]) - (2 + 1) / 2) + (lse(yp[1]) - (1 + 2) / 2) + (lse(yp[2]) - 2)) / 3;
    assertClose(value({ loss: 'NpairsLoss', yTrue: [5, 5, 7], yPred: yp }), expected, 1e-6);
  });
  it('bad shapes are clear errors', () => {
    assert.throws(() => evaluate({ loss: 'NpairsLoss', yTrue: [0, 1, 2, 3], yPred: F }), (e: unknown) => e instanceof LossInspectorError && /NpairsLoss: argument `y_pred`: expected a \(4, 4\) similarity matrix/.test(e.message));
    assert.throws(() => evaluate({ loss: 'NpairsLoss', yTrue: [[0], [1], [2], [3]], yPred: SIM }), /NpairsLoss: argument `y_true`: expected integer labels of shape \(batch_size,\)/);
    assert.throws(() => evaluate({ loss: 'NpairsMultilabelLoss', yTrue: [0, 1, 2, 3], yPred: SIM }), /argument `y_true`: expected a \(batch_size, num_classes\) binary indicator matrix/);
  });
  it('a multilabel row without labels gives NaN and a warning', () => {
    const r = evaluate({ loss: 'NpairsMultilabelLoss', yTrue: [[1, 0], [0, 0]], yPred: [[1, 0], [0, 1]] });
    assert.ok(Number.isNaN(r.value.data[0]));
    assert.ok(r.trace.warnings.some((w) => w.code === 'empty-label-row'));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Gradients beyond the registered examples, and TF's tie rules.

function checkGrad(req: EvalRequest): void {
  const r = evaluate(req);
  const num = numericGrad(req);
  for (let i = 0; i < num.length; i++) {
    assert.ok(Math.abs(r.grad.data[i] - num[i]) <= 1e-5 + 1e-4 * Math.abs(num[i]), `grad[${i}]: analytic ${r.grad.data[i]} vs numeric ${num[i]}`);
  }
}

describe('metric-learning gradients vs finite differences (other configurations)', () => {
  const { labels, emb } = randomBatch(21, 7, 3, 3);
  for (const [name] of metrics) {
    it(`TripletSemiHardLoss, ${name}`, () => checkGrad({ loss: 'TripletSemiHardLoss', yTrue: labels, yPred: emb, config: { distance_metric: name, margin: 0.3, dtype: 'float64' } }));
    for (const soft of [false, true]) it(`TripletHardLoss, ${name}, soft=${soft}`, () => checkGrad({ loss: 'TripletHardLoss', yTrue: labels, yPred: emb, config: { distance_metric: name, soft, margin: 0.3, dtype: 'float64' } }));
  }
  it('LiftedStructLoss, margin 0.5', () => checkGrad({ loss: 'LiftedStructLoss', yTrue: labels, yPred: emb, config: { margin: 0.5, dtype: 'float64' } }));
  it('Circle, remove_diagonal=False, gamma=16 (reference batch)', () => checkGrad({ loss: 'Circle', yTrue: REF_LABELS, yPred: REF_EMB, config: { remove_diagonal: false, gamma: 16, margin: 0.25, dtype: 'float64' } }));
  it('Circle with (B,1) labels and sum reduction', () => checkGrad({ loss: 'Circle', yTrue: C_TRUE.map((l) => [l]), yPred: C_PRED, config: { reduction: 'sum', dtype: 'float64' } }));
  it('NpairsMultilabelLoss, multilabel targets', () => checkGrad({ loss: 'NpairsMultilabelLoss', yTrue: [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]], yPred: [[0.5, 0.2, -0.1, 0.3], [0.1, 0.7, 0.2, -0.3], [-0.2, 0.4, 0.9, 0.1], [0.3, -0.1, 0.2, 0.6]], config: { dtype: 'float64' } }));
  it('ContrastiveLoss, margin 2 with sample weights', () => checkGrad({ loss: 'ContrastiveLoss', yTrue: K_TRUE, yPred: K_PRED, sampleWeight: [1.2, 0.8, 0.5, 0.4, 1.5, 1.0], config: { margin: 2.0, dtype: 'float64' } }));
});

describe("tfa masked minimum/maximum follow TF's gradient rules", () => {
  it('masked minimum: the smallest masked element takes the gradient; exact ties share it equally', () => {
    const w = new Float64Array(4);
    assert.equal(maskedMinimum([3, 1, 1, 5], [0, 1, 1, 0], w), 1);
    assert.deepEqual([...w], [0, 0.5, 0.5, 0]);
  });
  it('masked minimum with nothing masked falls back to the row maximum, which takes the gradient', () => {
    const w = new Float64Array(3);
    assert.equal(maskedMinimum([3, 1, 5], [0, 0, 0], w), 5);
    assert.deepEqual([...w], [0, 0, 1]);
  });
  it('masked minimum equal to the row maximum: reduce_min ties with the masked-out zeros, the rest flows to the arg max', () => {
    const w = new Float64Array(3);
    assert.equal(maskedMinimum([5, 1, 5], [1, 0, 0], w), 5);
    assertClose([...w], [2 / 3, 0, 1 / 3], 1e-12, 1e-15);
  });
  it('masked maximum with nothing masked falls back to the row minimum (the 0 self-distance)', () => {
    const w = new Float64Array(3);
    assert.equal(maskedMaximum([0, 2, 3], [0, 0, 0], w), 0);
    assert.deepEqual([...w], [1, 0, 0]);
  });
  it('a tie between two hardest negatives splits the triplet gradient', () => {
    // anchor 0 at the origin, negatives 2 and 3 at the same distance 1
    const r = evaluate({ loss: 'TripletHardLoss', yTrue: [0, 0, 1, 1], yPred: [[0, 0], [0.5, 0], [0, 1], [0, -1]], config: { dtype: 'float64' } });
    // d loss / d y_pred[2] and [3] from anchor 0 are mirror images
    assertClose(r.grad.data[5], -r.grad.data[7], 1e-12, 1e-15);
  });
});

describe('metric-learning names', () => {
  it('function names and Addons> compile strings resolve; tfa reductions are fixed where tfa fixes them', async () => {
    const { resolveLoss, getSpec } = await import('../../../src/core');
    const fns: [string, string][] = [['circle', 'Circle'], ['contrastive_loss', 'ContrastiveLoss'], ['triplet_semihard_loss', 'TripletSemiHardLoss'],
      ['triplet_hard_loss', 'TripletHardLoss'], ['lifted_struct_loss', 'LiftedStructLoss'], ['npairs_loss', 'NpairsLoss'], ['npairs_multilabel_loss', 'NpairsMultilabelLoss']];
    for (const [fn, id] of fns) {
      assert.equal(resolveLoss(fn).spec.id, id, fn);
      assert.equal(resolveLoss(fn).kind, 'function', fn);
      if (id !== 'Circle') assert.equal(resolveLoss(`Addons>${fn}`).spec.id, id, `Addons>${fn}`);
    }
    for (const id of ['TripletSemiHardLoss', 'TripletHardLoss', 'LiftedStructLoss', 'NpairsLoss', 'NpairsMultilabelLoss']) assert.equal(getSpec(id).fixedReduction, true, id);
    assert.ok(!getSpec('ContrastiveLoss').fixedReduction);
    assert.ok(getSpec('TripletSemiHardLoss').foreignNames!.includes('nn.TripletMarginLoss'));
    assert.ok(getSpec('TripletSemiHardLoss').foreignNames!.includes('optax.triplet_margin_loss'));
    assert.ok(getSpec('ContrastiveLoss').foreignNames!.includes('nn.CosineEmbeddingLoss'));
  });
});
