/**
 * Probabilistic losses: Keras 3 BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
 * CategoricalFocalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson,
 * CategoricalGeneralizedCrossEntropy, and tfa SigmoidFocalCrossEntropy, SparsemaxLoss, WeightedKappaLoss.
 *
 * Conventions shared by every kernel here (KERAS_SEMANTICS §1, §6):
 * - The clip bounds are the loss dtype's ε and 1 − ε (ctx.epsilon / ctx.oneMinusEpsilon), so float32 runs give
 *   −log(1 − HI) = 15.942385, as Keras does.
 * - Clipping gradients follow TF's clip_by_value: the gradient passes where lo ≤ x ≤ hi (the bounds included) and is
 *   0 strictly outside. An element exactly at a bound is not reported as clipped.
 * - Value and gradient come from one pass over the data; the upstream gradient d(result)/d(values) is asked for
 *   before the loop. Per-row scratch (at most one row of C numbers) is allocated once per call.
 */
import type { Config, KernelContext, LossSpec, ParamSpec, Trace } from '../spec';
import { LossInspectorError, argError, pyRepr } from '../errors';
import { Tensor, Shape, shapeStr, sameShape, sizeOf, broadcastShapes, broadcastIndex, broadcastTo, sumToShape, reshape, castFloat32 } from '../tensor';
import { squeezeOrExpand } from '../reduce';
import { lastAxis, ClipRecorder, warnOnce, shapeErr, upstreamOf, gradArray } from './common';
import { exp as fexp, log as flog, log1p as flog1p } from '../fastmath';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Canonical non-negative axis for a tensor of rank `rank`; a clear error when out of range. */
function canonAxis(ctx: KernelContext, axis: number, rank: number): number {
  if (rank === 0) {
    throw new LossInspectorError(`${ctx.loss}: argument \`y_pred\`: expected an array of rank ≥ 1 (the loss reduces over \`axis\`), received a scalar.`,
      { loss: ctx.loss, argument: 'y_pred', code: 'shape', expected: 'rank ≥ 1', received: 'a scalar' });
  }
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw argError(ctx.loss, 'axis', `an axis in [${-rank}, ${rank - 1}] for y_pred of rank ${rank}`, pyRepr(axis), 'param');
  return a;
}

/** The layout of a mean over `axis` (ops.mean): one axis, or with None every element into a single value. */
function meanLayout(ctx: KernelContext, axis: number | null, shape: Shape): { outer: number; D: number; inner: number; vShape: Shape } {
  if (axis === null) return { outer: 1, D: sizeOf(shape), inner: 1, vShape: [] };
  return axisLayout(shape, canonAxis(ctx, axis, shape.length));
}

/** outer × D × inner view of `shape` reduced over axis `ax`; values keep every other axis. */
function axisLayout(shape: Shape, ax: number): { outer: number; D: number; inner: number; vShape: Shape } {
  let outer = 1, inner = 1;
  for (let k = 0; k < ax; k++) outer *= shape[k];
  for (let k = ax + 1; k < shape.length; k++) inner *= shape[k];
  return { outer, D: shape[ax], inner, vShape: shape.filter((_, k) => k !== ax) };
}

/** Multi-index text of flat position `flat` in `shape`, e.g. "[1, 3]". */
function multiIndex(flat: number, shape: Shape): string {
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) { idx.unshift(flat % shape[k]); flat = Math.floor(flat / shape[k]); }
  return `[${idx.join(', ')}]`;
}

/** Keras's "must have the same shape" check, with a hint for the usual label-format mix-ups. */
function requireSameShape(ctx: KernelContext, t: Tensor, p: Tensor, hint = ''): void {
  if (sameShape(t.shape, p.shape)) return;
  throw new LossInspectorError(`${ctx.loss}: arguments \`y_true\` and \`y_pred\` must have the same shape, received y_true ${shapeStr(t.shape)} and y_pred ${shapeStr(p.shape)}.${hint}`,
    { loss: ctx.loss, argument: 'y_true', code: 'shape', expected: `shape ${shapeStr(p.shape)}`, received: shapeStr(t.shape) });
}

/** Hint for integer labels passed to a one-hot loss. */
function sparseHint(t: Shape, p: Shape): string {
  const lt = t.length, lp = p.length;
  if (lp >= 1 && p[lp - 1] > 1 && (lt === lp - 1 || (lt === lp && t[lt - 1] === 1))) {
    return ` y_true looks like integer class indices (one per sample); use SparseCategoricalCrossentropy, or one-hot encode the labels to shape ${shapeStr(p)}.`;
  }
  return '';
}

function logitsWarning(trace: Trace, count: number, total: number, flag: string): void {
  warnOnce(trace, 'looks-like-logits', `${count} of ${total} y_pred value(s) lie outside [0, 1], so they look like logits (pre-activation scores), but ${flag} is False: they are clipped to [ε, 1 − ε] and the loss saturates instead of learning. Set ${flag}=True, or apply sigmoid/softmax to the model output.`);
}

function probabilitiesWarning(trace: Trace, what: string): void {
  warnOnce(trace, 'looks-like-probabilities', `from_logits=True, but ${what}: this looks like the output of a sigmoid/softmax being passed as logits, which squashes it a second time and gives a wrong loss and a weak gradient. Set from_logits=False, or feed the pre-activation outputs.`);
}

/** Records the labels actually used (label smoothing) in the trace. */
function recordSmoothed(trace: Trace, data: Float64Array, shape: Shape, ls: number, formula: string): void {
  trace.smoothedLabels = { data, shape: shape.slice() };
  trace.notes.push(`label_smoothing=${ls}: the labels used are ${formula} (see the smoothed labels).`);
}

class RenormRecorder {
  rows: number[] = [];
  sums: number[] = [];
  count = 0;
  hit(row: number, sum: number): void {
    this.count++;
    if (this.rows.length < 50) { this.rows.push(row); this.sums.push(sum); }
  }
  flush(trace: Trace): void {
    if (this.count > 0) trace.renormalizedRows = { rows: this.rows, sums: this.sums, count: this.count };
  }
}

/**
 * Derivative of base^γ w.r.t. base: γ·base^(γ−1), as TF's pow gradient computes it (so γ < 1 at base 0 gives ∞).
 * For γ = 0 the factor is the constant 1 and we return 0; TF's formula would give 0·base^−1, i.e. NaN at base 0
 * (a perfect prediction), which we deliberately do not reproduce.
 */
function powPrime(base: number, gamma: number): number {
  return gamma === 0 ? 0 : gamma * Math.pow(base, gamma - 1);
}

const FROM_LOGITS: ParamSpec = {
  name: 'from_logits', type: 'bool', default: false,
  doc: 'True: y_pred holds logits (raw scores, any real number). False (default): y_pred holds probabilities, which are clipped to [ε, 1 − ε].',
};
const BINARY_LS: ParamSpec = {
  name: 'label_smoothing', type: 'float', default: 0.0, min: 0, max: 1,
  doc: 'Squeezes the labels towards 0.5: y_true · (1 − ls) + 0.5 · ls. 0 (default) means no smoothing.',
  ui: { min: 0, max: 0.5, step: 0.01 },
};
const CATEGORICAL_LS: ParamSpec = {
  name: 'label_smoothing', type: 'float', default: 0.0, min: 0, max: 1,
  doc: 'Mixes the one-hot labels with the uniform distribution: y_true · (1 − ls) + ls / C, with C = y_pred.shape[axis]. 0 (default) means no smoothing.',
  ui: { min: 0, max: 0.5, step: 0.01 },
};
const MEAN_AXIS: ParamSpec = {
  name: 'axis', type: 'intOrNone', default: -1,
  doc: 'The axis the per-element losses are averaged over (default −1, the last); None averages over every element, so each call yields one value before the reduction. It does not change how y_true and y_pred are matched: their shapes must be equal.',
};
const CLASS_AXIS: ParamSpec = {
  name: 'axis', type: 'int', default: -1,
  doc: 'The class axis of y_true and y_pred (default −1). Use 1 for channels-first outputs such as (batch, classes, H, W).',
};
const GAMMA: ParamSpec = {
  name: 'gamma', type: 'float', default: 2.0, min: 0,
  doc: 'Focusing parameter γ ≥ 0: the loss of each term is multiplied by (1 − p_t)^γ, so confident correct predictions count less. γ = 0 gives plain cross-entropy.',
  ui: { min: 0, max: 5, step: 0.1 },
};

const LN_CLIP_NOTE = 'A clipped probability contributes at most −log ε = 16.118 (label 1, y_pred ≤ ε) or −log(1 − (1 − ε)) = 15.942 (label 0, y_pred ≥ 1 − ε, float32), and passes no gradient.';

// ---------------------------------------------------------------------------------------------------------------
// BinaryCrossentropy

/**
 * BinaryCrossentropy's common case in one pass (probabilities, reduced over the last axis, Keras 3): the per-row
 * means into `values`, the gradient into `grad`; returns how many y_pred values lie outside [0, 1]. A hard label
 * (0 or 1) needs one log and one division, chosen arithmetically (no data-dependent branch): with
 * a = t·q + (1 − t)·(1 − q), which is exactly q or 1 − q, ℓ = −log a and dℓ/dq = (1 − 2t)/a, the same numbers as
 * the two-term formula. Soft labels take both terms.
 */
function bceLoop(td: Float64Array, pd: Float64Array, values: Float64Array, grad: Float64Array, up: Float64Array | null, uni: number,
  B: number, D: number, r32: boolean, lo: number, hi: number, lsA: number, lsB: number, smooth: Float64Array | null, clip: ClipRecorder): number {
  const invD = 1 / D;
  let outside = 0;
  for (let b = 0, i = 0; b < B; b++) {
    const g = (up === null ? uni : up[b]) * invD;
    let s = 0;
    for (let j = 0; j < D; j++, i++) {
      let tt = td[i], x = pd[i];
      if (r32) { tt = Math.fround(tt); x = Math.fround(x); }
      if (smooth !== null) { tt = tt * lsA + lsB; smooth[i] = tt; }
      outside += +(x < 0) + +(x > 1);
      let q = x, pass = 1;
      if (x < lo) { q = lo; pass = 0; clip.hit(i); } else if (x > hi) { q = hi; pass = 0; clip.hit(i); }
      let gq: number;
      if ((+(tt === 0) | +(tt === 1)) !== 0) { // one branch, predictable (`||` would branch on each label)
        // Written so that every operation involves a non-integer (q, 0.5): with integer-only operands V8 speculates
        // small-integer arithmetic on the labels, whose −0 checks branch on each label (half of them mispredicted).
        const nq = 1 - q;
        const a = tt * q + (nq - tt * nq); // q (t = 1) or 1 − q (t = 0), exactly
        s -= flog(a);
        gq = ((0.5 - tt) * 2) / a; // −1/q or 1/(1 − q)
      } else {
        s -= tt * flog(q) + (1 - tt) * flog(1 - q);
        gq = (1 - tt) / (1 - q) - tt / q;
      }
      grad[i] = pass === 1 ? g * gq : 0;
    }
    values[b] = s * invD;
  }
  return outside;
}

/**
 * Keras 3 binary_crossentropy (TF backend). Probabilities: q = clip(p, ε, 1 − ε); −[t log q + (1 − t) log(1 − q)].
 * Logits: the exact max(x, 0) − x·t + log1p(e^−|x|) (tf.nn.sigmoid_cross_entropy_with_logits), gradient σ(x) − t.
 * The mean runs over `axis`; shapes must match exactly.
 */
const BinaryCrossentropy: LossSpec = {
  id: 'BinaryCrossentropy', framework: 'keras', family: 'probabilistic', base: 'keras3',
  functionName: 'binary_crossentropy', defaultName: 'binary_crossentropy', aliases: ['bce', 'BCE'], functionSameRank: true,
  foreignNames: ['torch.nn.BCELoss', 'nn.BCELoss', 'BCELoss', 'torch.nn.BCEWithLogitsLoss', 'nn.BCEWithLogitsLoss', 'BCEWithLogitsLoss',
    'F.binary_cross_entropy', 'torch.nn.functional.binary_cross_entropy', 'F.binary_cross_entropy_with_logits', 'torch.nn.functional.binary_cross_entropy_with_logits',
    'optax.sigmoid_binary_cross_entropy', 'tf.losses.sigmoidCrossEntropy', 'sigmoidCrossEntropy', 'tf.losses.logLoss', 'logLoss', 'binaryCrossentropy'],
  params: [{ ...FROM_LOGITS, position: 0 }, { ...BINARY_LS, position: 1 }, { ...MEAN_AXIS, position: 2 }],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom',
  sweep: { kind: 'probability', range: [0, 1] },
  example: { yTrue: [[0, 1, 0], [1, 0, 1]], yPred: [[0.2, 0.7, 0.1], [0.6, 0.3, 0.8]], sampleWeight: [[1.2], [3.4]] },
  roundsInputs: true,
  compute(t, p, cfg, ctx) {
    requireSameShape(ctx, t, p);
    const fromLogits = cfg.from_logits as boolean;
    const ls = cfg.label_smoothing as number;
    const { outer, D, inner, vShape } = meanLayout(ctx, cfg.axis as number | null, p.shape);
    const n = p.data.length;
    const keras2 = ctx.semantics === 'keras2';
    // Small inputs also get the Keras 2 value (ε inside both logs), which older articles and tf.keras ≤ 2.15 print.
    const k2 = !fromLogits && !keras2 && n <= 4096 ? new Float64Array(outer * inner) : null;
    // The common large case (probabilities, last axis, Keras 3) runs in bceLoop; the general loop below handles the rest.
    const fast = !fromLogits && !keras2 && !k2 && inner === 1;
    if (ctx.rawInputs && !fast) { t = castFloat32(t); p = castFloat32(p); }
    const { uni, arr: up0 } = fast ? upstreamOf(ctx, vShape) : { uni: 0, arr: ctx.upstream(vShape) };
    const td = t.data, pd = p.data;
    const values = new Float64Array(outer * inner);
    const grad = gradArray(ctx, n, fast);
    const lsA = 1 - ls, lsB = 0.5 * ls;
    const smooth = ls > 0 ? new Float64Array(n) : null;
    const lo = ctx.epsilon, hi = ctx.oneMinusEpsilon;
    const clip = new ClipRecorder(lo, hi);
    const invD = 1 / D;
    let outside = 0;
    if (fast) outside = bceLoop(td, pd, values, grad, up0, uni, outer, D, ctx.rawInputs === true, lo, hi, lsA, lsB, smooth, clip);
    const up = up0;
    for (let o = 0; o < (fast ? 0 : outer); o++) {
      for (let k = 0; k < inner; k++) {
        const v = o * inner + k;
        const g = up![v] * invD;
        let s = 0, s2 = 0;
        for (let j = 0, i = o * D * inner + k; j < D; j++, i += inner) {
          let tt = td[i];
          if (smooth) { tt = tt * lsA + lsB; smooth[i] = tt; }
          const x = pd[i];
          if (x < 0 || x > 1) outside++;
          if (k2) {
            const q2 = x < lo ? lo : x > hi ? hi : x;
            s2 -= tt * Math.log(q2 + lo) + (1 - tt) * Math.log(1 - q2 + lo);
          }
          if (fromLogits) {
            const e = Math.exp(-Math.abs(x));
            s += (x > 0 ? x : 0) - x * tt + Math.log1p(e);
            const sig = x >= 0 ? 1 / (1 + e) : e / (1 + e);
            grad[i] = g * (sig - tt);
          } else {
            let q = x;
            let pass = true;
            if (x < lo) { q = lo; pass = false; clip.hit(i); } else if (x > hi) { q = hi; pass = false; clip.hit(i); }
            if (keras2) {
              // Keras 2: −[t log(q + ε) + (1 − t) log(1 − q + ε)].
              s -= (tt !== 0 ? tt * Math.log(q + lo) : 0) + (tt !== 1 ? (1 - tt) * Math.log(1 - q + lo) : 0);
              if (pass) grad[i] = g * ((1 - tt) / (1 - q + lo) - tt / (q + lo));
              continue;
            }
            // A hard label zeroes one of the two terms: skip its log (q is finite or NaN, so nothing is hidden).
            s -= (tt !== 0 ? tt * Math.log(q) : 0) + (tt !== 1 ? (1 - tt) * Math.log(1 - q) : 0);
            if (pass) grad[i] = g * ((1 - tt) / (1 - q) - tt / q);
          }
        }
        values[v] = s * invD;
        if (k2) k2[v] = s2 * invD;
      }
    }
    const tr = ctx.trace;
    if (smooth) recordSmoothed(tr, smooth, p.shape, ls, `y_true · (1 − ${ls}) + ${0.5 * ls}`);
    if (k2 && k2.some((x, v) => Math.abs(x - values[v]) > 1e-7 * Math.abs(values[v]) + 1e-9)) {
      const show = (a: Float64Array) => vShape.length === 0 ? String(Number(a[0].toPrecision(8)))
        : `[${Array.from(a.subarray(0, 6), (x) => Number(x.toPrecision(8))).join(', ')}${a.length > 6 ? ', …' : ''}]`;
      tr.notes.push(`Keras 2 (tf.keras in TF ≤ 2.15, and tfa) adds ε inside both logs, log(q + ε): it gives the per-sample value${vShape.length === 0 ? '' : 's'} ${show(k2)} here, against Keras 3's ${show(values)}. Articles written before TF 2.16 print the Keras 2 numbers.`);
    }
    if (!fromLogits) {
      clip.flush(tr);
      if (clip.count > 0) tr.notes.push(`${clip.count} element(s) of y_pred were clipped to [ε, 1 − ε]. ${LN_CLIP_NOTE}`);
      if (outside > 0) logitsWarning(tr, outside, n, 'from_logits');
    } else if (outside === 0 && n >= 2) {
      probabilitiesWarning(tr, 'every y_pred value lies in [0, 1]');
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Cross-entropy between binary (0/1 or soft) labels and predicted probabilities, averaged over the last axis: the standard loss for binary and multi-label classification.',
    formula: 'label smoothing: t ← t·(1 − ls) + 0.5·ls\nprobabilities: q = clip(y_pred, ε, 1 − ε); ℓ = −[t·log q + (1 − t)·log(1 − q)]\nlogits: ℓ = max(x, 0) − x·t + log(1 + e^−|x|) (exact, no clipping)\nloss = mean(ℓ, axis)\ngradient w.r.t. y_pred = [(1 − t)/(1 − q) − t/q]/D for ε ≤ y_pred ≤ 1 − ε (the bounds themselves included), 0 strictly outside (TF clip_by_value), or (σ(x) − t)/D for logits',
    domain: 'y_true: 0/1 or soft labels in [0, 1], same shape as y_pred (after squeezing a trailing 1). y_pred: probabilities in [0, 1], or logits with from_logits=True. ε = 1e-7.',
    output: 'y_pred.shape without `axis` per sample; default reduction sum_over_batch_size. A rank-1 input gives one scalar.',
    pitfalls: [
      'from_logits=False with raw scores clips everything outside [ε, 1 − ε]: the loss saturates near 16.1/15.9 and the gradient of those elements is 0.',
      'The clip makes a confident wrong probability cost at most 16.118 (t = 1) or 15.942 (t = 0, float32 1 − ε); PyTorch BCELoss clamps log at −100 instead, so it reports 100.',
      'Shapes must match: (N,) against (N, 1) is squeezed, but (N, 1) labels against (N, 3) predictions raise. `axis` only picks the axis that is averaged.',
      'Keras 2 (tf.keras, tfa) added ε inside the logs, log(q + ε): Keras 3 gives 3.98559 where Keras 2 gave 3.83331 on the same clipped data.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.BCELoss()', note: 'probabilities; log clamped at −100 instead of clipping p; no label smoothing; mean over all elements' },
      { framework: 'PyTorch', name: 'torch.nn.BCEWithLogitsLoss(pos_weight=None)', note: 'logits, same exact formula as from_logits=True' },
      { framework: 'Optax', name: 'optax.sigmoid_binary_cross_entropy(logits, labels)', note: 'logits only, elementwise, no mean' },
      { framework: 'TF.js', name: 'tf.losses.sigmoidCrossEntropy', note: 'logits, same formula as from_logits=True; default reduction SUM_BY_NONZERO_WEIGHTS (Σ weighted / number of non-zero weights)' },
      // tfjs-core src/ops/losses/log_loss.ts: logLoss(labels, predictions, weights?, epsilon = 1e-7, reduction = SUM_BY_NONZERO_WEIGHTS)
      { framework: 'TF.js', name: 'tf.losses.logLoss', note: 'probabilities; its `epsilon` argument (default 1e-7, the 4th) is added inside both logs, −t·log(p + 1e-7) − (1 − t)·log(1 − p + 1e-7), and p is not clipped, where Keras 3 clips p to [1e-7, 1 − 1e-7] and adds nothing: p = 0.5 costs 0.6931470 there against 0.6931472, p = 1e-7 (t = 1) costs 15.425 against 16.118, and p outside [−1e-7, 1 + 1e-7] gives NaN instead of the clipped value. No mean over the last axis: every element is reduced with SUM_BY_NONZERO_WEIGHTS (the overall mean when there are no weights; with weights Σ weighted / number of non-zero weights, not / element count)' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// BinaryFocalCrossentropy

/**
 * Keras 3 binary_focal_crossentropy: p = σ(x) for logits, then the clipped probability BCE (so logits are capped
 * too), times (1 − p_t)^γ with p_t from the unclipped p, times tα + (1 − t)(1 − α) only with apply_class_balancing.
 */
const BinaryFocalCrossentropy: LossSpec = {
  id: 'BinaryFocalCrossentropy', framework: 'keras', family: 'probabilistic', base: 'keras3',
  functionName: 'binary_focal_crossentropy', defaultName: 'binary_focal_crossentropy', aliases: [], functionSameRank: true,
  foreignNames: [],
  params: [
    { name: 'apply_class_balancing', type: 'bool', default: false, position: 0, doc: 'Multiply each term by α for label 1 and 1 − α for label 0. Without it, `alpha` has no effect.' },
    { name: 'alpha', type: 'float', default: 0.25, min: 0, max: 1, position: 1, doc: 'Weight of class 1 (class 0 gets 1 − α). Only used when apply_class_balancing=True.', ui: { min: 0, max: 1, step: 0.01 } },
    { ...GAMMA, position: 2 },
    { ...FROM_LOGITS, position: 3 },
    { ...BINARY_LS, position: 4 },
    { ...MEAN_AXIS, position: 5 },
  ],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom',
  sweep: { kind: 'probability', range: [0, 1] },
  example: { yTrue: [[0, 1, 0], [1, 0, 1]], yPred: [[0.2, 0.7, 0.1], [0.6, 0.3, 0.8]], sampleWeight: [[1.2], [3.4]], config: { apply_class_balancing: true, gamma: 2.0 } },
  compute(t, p, cfg, ctx) {
    requireSameShape(ctx, t, p);
    const fromLogits = cfg.from_logits as boolean;
    const ls = cfg.label_smoothing as number;
    const gamma = cfg.gamma as number;
    const balance = cfg.apply_class_balancing as boolean;
    const alpha = cfg.alpha as number;
    const { outer, D, inner, vShape } = meanLayout(ctx, cfg.axis as number | null, p.shape);
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data, n = pd.length;
    const values = new Float64Array(outer * inner);
    const grad = new Float64Array(n);
    const lsA = 1 - ls, lsB = 0.5 * ls;
    const smooth = ls > 0 ? new Float64Array(n) : null;
    const lo = ctx.epsilon, hi = ctx.oneMinusEpsilon;
    const clip = new ClipRecorder(lo, hi);
    const round = ctx.round;
    const invD = 1 / D;
    let outside = 0;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < inner; k++) {
        const v = o * inner + k;
        const g = up[v] * invD;
        let s = 0;
        for (let j = 0, i = o * D * inner + k; j < D; j++, i += inner) {
          let tt = td[i];
          if (smooth) { tt = tt * lsA + lsB; smooth[i] = tt; }
          const x = pd[i];
          if (x < 0 || x > 1) outside++;
          // The value uses σ(x) rounded to the loss dtype, as Keras's float32 sigmoid output is; the gradient is the
          // float64 derivative at the unrounded σ(x). Mixing them (1/(1 − q) from the rounded q times σ'(x) from the
          // unrounded one) put the float32 rounding error of 1 − q, amplified by 1/(1 − p), into the gradient: 2e-6
          // relative at p = 0.989 (issue 15).
          let pr = x, p64 = x, dpdx = 1;
          if (fromLogits) {
            const e = Math.exp(-Math.abs(x));
            const sig = x >= 0 ? 1 / (1 + e) : e / (1 + e);
            pr = round(sig);
            p64 = sig;
            dpdx = sig * (1 - sig);
          }
          let q = pr, pass = true;
          if (pr < lo) { q = lo; pass = false; clip.hit(i); } else if (pr > hi) { q = hi; pass = false; clip.hit(i); }
          const bceOf = (c: number) => -((tt !== 0 ? tt * Math.log(c) : 0) + (tt !== 1 ? (1 - tt) * Math.log(1 - c) : 0));
          const bce = bceOf(q);
          const base = 1 - (tt * pr + (1 - tt) * (1 - pr));
          const w = balance ? tt * alpha + (1 - tt) * (1 - alpha) : 1;
          s += w * Math.pow(base, gamma) * bce;
          // Gradient at the unrounded p (the clip decision stays the rounded one's, as Keras's).
          const q64 = pass ? p64 : q;
          const bce64 = pr === p64 ? bce : bceOf(q64);
          const dbce = pass ? (1 - tt) / (1 - q64) - tt / q64 : 0;
          const base64 = 1 - (tt * p64 + (1 - tt) * (1 - p64));
          // d(base)/dp = 1 − 2t.
          const dmod = powPrime(base64, gamma) * (1 - 2 * tt);
          grad[i] = g * w * (dmod * bce64 + Math.pow(base64, gamma) * dbce) * dpdx;
        }
        values[v] = s * invD;
      }
    }
    const tr = ctx.trace;
    if (smooth) recordSmoothed(tr, smooth, p.shape, ls, `y_true · (1 − ${ls}) + ${0.5 * ls}`);
    clip.flush(tr);
    if (clip.count > 0) tr.notes.push(`${clip.count} ${fromLogits ? 'sigmoid(y_pred)' : 'y_pred'} value(s) were clipped to [ε, 1 − ε]${fromLogits ? ' (Keras 3 clips BinaryFocalCrossentropy even with from_logits=True)' : ''}. ${LN_CLIP_NOTE}`);
    if (!fromLogits && outside > 0) logitsWarning(tr, outside, n, 'from_logits');
    if (fromLogits && outside === 0 && n >= 2) probabilitiesWarning(tr, 'every y_pred value lies in [0, 1]');
    if (!balance && alpha !== 0.25) {
      warnOnce(tr, 'alpha-ignored', `alpha=${alpha} has no effect: BinaryFocalCrossentropy applies alpha only with apply_class_balancing=True (tensorflow/tensorflow#61519). Set apply_class_balancing=True to weight class 1 by alpha and class 0 by 1 − alpha.`);
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Binary cross-entropy scaled by (1 − p_t)^γ so that easy, confident examples count less (focal loss, Lin et al. 2017).',
    formula: 'label smoothing: t ← t·(1 − ls) + 0.5·ls\np = σ(x) if from_logits else y_pred\nbce = −[t·log q + (1 − t)·log(1 − q)], q = clip(p, ε, 1 − ε) (clipped even for logits)\np_t = t·p + (1 − t)·(1 − p) (unclipped p)\nℓ = (1 − p_t)^γ · bce, × [t·α + (1 − t)·(1 − α)] only if apply_class_balancing\nloss = mean(ℓ, axis)\ngradient: product rule on (1 − p_t)^γ and bce, at the unrounded σ(x) in float64; bce passes no gradient where q is clipped (TF clip_by_value)',
    domain: 'y_true: 0/1 or soft labels, same shape as y_pred. y_pred: probabilities, or logits with from_logits=True.',
    output: 'y_pred.shape without `axis` per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      '`alpha` is ignored unless apply_class_balancing=True: changing alpha alone changes nothing (tensorflow/tensorflow#61519).',
      'With from_logits=True Keras 3 still applies sigmoid and then clips, so each element is capped at 16.118 (label 1) or 15.942 (label 0): logit −100 with label 1 and γ = 0 gives 16.118, not 100 as BinaryCrossentropy(from_logits=True) does.',
      'α weights class 1 and 1 − α class 0, so the default 0.25 DOWN-weights the positive class (the paper pairs it with γ = 2).',
      'tfa SigmoidFocalCrossEntropy sums over the last axis and returns per-sample values by default; this loss averages and reduces.',
    ],
    equivalents: [
      { framework: 'torchvision', name: 'torchvision.ops.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none")', note: 'logits only; alpha applied by default (set alpha=-1 to switch off); exact BCE, no clipping; elementwise' },
      { framework: 'Optax', name: 'optax.sigmoid_focal_loss(logits, labels, alpha=None, gamma=2.0)', note: 'logits only; no alpha weighting by default; elementwise' },
      { framework: 'tfa', name: 'tfa.losses.SigmoidFocalCrossEntropy', note: 'alpha on by default, Keras 2 "+ε" BCE, sum over the last axis, reduction NONE' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// CategoricalCrossentropy

const cceCounts = new Float64Array(4);
/**
 * CategoricalCrossentropy's loops (both forms, any class axis via the `inner` stride); returns [values outside
 * [0, 1], probability-like rows, labels > 1, label rows not summing to 1] in a shared scratch array. `r32`: round
 * each element read to float32 (raw inputs); `f32`: the loss dtype is float32 (the renormalised q is rounded).
 */
function cceLoop(td: Float64Array, pd: Float64Array, values: Float64Array, grad: Float64Array, up: Float64Array | null, uni: number,
  outer: number, D: number, inner: number, fromLogits: boolean, r32: boolean, f32: boolean, smooth: Float64Array | null, lsA: number, lsB: number,
  lo: number, hi: number, clip: ClipRecorder, renorm: RenormRecorder): Float64Array {
  let outside = 0, probRows = 0, bigLabels = 0, labelRowsOff = 0;
  const rows = outer * inner, span = D * inner;
  // One flat loop over the rows (v = o·inner + k); a nested k loop of one iteration (class axis last) cost ~1 ns/elt.
  for (let v = 0, o = 0, k = 0; v < rows; v++) {
    {
      const g = up === null ? uni : up[v];
      const i0 = o * span + k;
      const iEnd = i0 + span;
      if (++k === inner) { k = 0; o++; }
      if (fromLogits) {
        // The shift m only has to be (about) the row's maximum: ½(a + b + |a − b|) is max(a, b) to rounding, without
        // the data-dependent branch of `if (x > m)` (a third of them mispredicted on random logits). Rows with
        // infinite or NaN logits take the exact maximum (−∞ logits are legitimate: they get probability 0).
        let m = r32 ? Math.fround(pd[i0]) : pd[i0], rowOut = 0, rowSum = 0;
        for (let i = i0; i < iEnd; i += inner) {
          let x = pd[i];
          if (r32) x = Math.fround(x);
          m = 0.5 * (m + x + Math.abs(m - x));
          rowOut += +(x < 0) + +(x > 1);
          rowSum += x;
        }
        if (!(m - m === 0)) {
          m = -Infinity;
          for (let i = i0; i < iEnd; i += inner) { const x = r32 ? Math.fround(pd[i]) : pd[i]; if (x > m) m = x; }
        }
        if (rowOut === 0 && Math.abs(rowSum - 1) <= 1e-3) probRows++;
        let z = 0, T = 0, tx = 0;
        for (let i = i0; i < iEnd; i += inner) {
          let tt = td[i], x = pd[i];
          if (r32) { tt = Math.fround(tt); x = Math.fround(x); }
          bigLabels += +(tt > 1);
          if (smooth !== null) { tt = tt * lsA + lsB; smooth[i] = tt; }
          const xm = x - m;
          const e = fexp(xm);
          grad[i] = e;
          z += e; T += tt; tx += tt * xm;
        }
        if (Math.abs(T - 1) > 1e-6) labelRowsOff++;
        // −Σ t·(x − m − log z), written so a large max logit never cancels against log-sum-exp.
        values[v] = T * flog(z) - tx;
        const inv = 1 / z;
        for (let i = i0; i < iEnd; i += inner) {
          let tt = smooth !== null ? smooth[i] : td[i];
          if (r32 && smooth === null) tt = Math.fround(tt);
          grad[i] = g * (T * grad[i] * inv - tt);
        }
      } else {
        let S = 0;
        for (let i = i0; i < iEnd; i += inner) {
          let x = pd[i];
          if (r32) x = Math.fround(x);
          S += x;
          outside += +(x < 0) + +(x > 1);
        }
        if (Math.abs(S - 1) > 1e-6) renorm.hit(v, S);
        const invS = 1 / S;
        let s = 0, dot = 0;
        for (let i = i0; i < iEnd; i += inner) {
          let tt = td[i], x = pd[i];
          if (r32) { tt = Math.fround(tt); x = Math.fround(x); }
          bigLabels += +(tt > 1);
          if (smooth !== null) { tt = tt * lsA + lsB; smooth[i] = tt; }
          let q = x * invS;
          if (f32) q = Math.fround(q);
          // gq = −t/c inside the clip range, 0 outside. Zero labels (most of a one-hot row) get −t·0, the same signed
          // zero as −t/c, without a division; only the target term needs the log and the division (c is NaN only for
          // a NaN/zero row sum, kept).
          let c = q, gq = -tt * 0, inRange = 1;
          if (q < lo) { c = lo; gq = 0; inRange = 0; clip.hit(i); } else if (q > hi) { c = hi; gq = 0; inRange = 0; clip.hit(i); }
          if ((+(tt !== 0) | +(c !== c)) !== 0) {
            s -= tt * flog(c);
            if (inRange === 1) gq = -tt / c;
          }
          grad[i] = gq;
          dot += gq * x;
        }
        values[v] = s;
        const corr = dot * invS;
        for (let i = i0; i < iEnd; i += inner) grad[i] = g * (grad[i] - corr) * invS;
      }
    }
  }
  cceCounts[0] = outside; cceCounts[1] = probRows; cceCounts[2] = bigLabels; cceCounts[3] = labelRowsOff;
  return cceCounts;
}

/**
 * Keras 3 categorical_crossentropy (TF backend).
 * Probabilities: q = p / Σ_axis p (renormalised), clip(q, ε, 1 − ε), −Σ t log q; the gradient goes through the
 * renormalisation: dL/dp_k = (g_k − Σ_j g_j p_j / S) / S with g_j = −t_j/q_j inside the clip range.
 * Logits: −Σ t·log_softmax(x). Gradient: the autodiff form (Σt)·softmax − t (JAX/torch and finite differences).
 * TF's fused softmax_cross_entropy_with_logits kernel returns softmax − t instead; the two agree whenever the label
 * rows sum to 1 (one-hot or smoothed one-hot), and we note it when they do not.
 */
const CategoricalCrossentropy: LossSpec = {
  id: 'CategoricalCrossentropy', framework: 'keras', family: 'probabilistic', base: 'keras3',
  functionName: 'categorical_crossentropy', defaultName: 'categorical_crossentropy', aliases: [],
  foreignNames: ['torch.nn.CrossEntropyLoss', 'nn.CrossEntropyLoss', 'CrossEntropyLoss', 'F.cross_entropy', 'torch.nn.functional.cross_entropy',
    'optax.softmax_cross_entropy', 'tf.losses.softmaxCrossEntropy', 'softmaxCrossEntropy', 'categoricalCrossentropy'],
  params: [{ ...FROM_LOGITS, position: 0 }, { ...CATEGORICAL_LS, position: 1 }, { ...CLASS_AXIS, position: 2 }],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom',
  sweep: { kind: 'probability', range: [0, 1] },
  example: { yTrue: [[0, 1, 0], [0, 0, 1]], yPred: [[0.05, 0.9, 0.05], [0.1, 0.6, 0.3]], sampleWeight: [[1.2], [3.4]] },
  roundsInputs: true,
  compute(t, p, cfg, ctx) {
    requireSameShape(ctx, t, p, sparseHint(t.shape, p.shape));
    const fromLogits = cfg.from_logits as boolean;
    const ls = cfg.label_smoothing as number;
    const ax = canonAxis(ctx, cfg.axis as number, p.shape.length);
    const { outer, D, inner, vShape } = axisLayout(p.shape, ax);
    const { uni, arr: up } = upstreamOf(ctx, vShape);
    const n = p.data.length;
    const values = new Float64Array(outer * inner);
    const grad = gradArray(ctx, n, true);
    const smooth = ls > 0 ? new Float64Array(n) : null;
    const lo = ctx.epsilon, hi = ctx.oneMinusEpsilon;
    const clip = new ClipRecorder(lo, hi);
    const renorm = new RenormRecorder();
    const f32 = ctx.round(0.1) !== 0.1;
    const counts = cceLoop(t.data, p.data, values, grad, up, uni, outer, D, inner, fromLogits, ctx.rawInputs === true, f32, smooth, 1 - ls, ls / D, lo, hi, clip, renorm);
    const outside = counts[0], probRows = counts[1], bigLabels = counts[2], labelRowsOff = counts[3];
    const tr = ctx.trace;
    const rows = outer * inner;
    if (smooth) recordSmoothed(tr, smooth, p.shape, ls, `y_true · (1 − ${ls}) + ${ls}/${D} (C = ${D} classes on axis ${ax})`);
    if (D === 1) warnOnce(tr, 'single-class', `y_pred has a single class on axis ${ax} (shape ${shapeStr(p.shape)}): softmax/renormalisation over one class is always 1, so the loss is constant (0 for label 1) and the gradient is 0. For two classes use BinaryCrossentropy with one output, or give y_pred one column per class.`);
    if (bigLabels > 0) warnOnce(tr, 'integer-labels', `y_true contains ${bigLabels} value(s) greater than 1: CategoricalCrossentropy expects one-hot (or probability) labels. Integer class indices belong to SparseCategoricalCrossentropy.`);
    if (!fromLogits) {
      clip.flush(tr);
      renorm.flush(tr);
      if (clip.count > 0) tr.notes.push(`${clip.count} renormalised probabilit${clip.count === 1 ? 'y was' : 'ies were'} clipped to [ε, 1 − ε]; a clipped target class contributes at most 16.118 and passes no gradient.`);
      if (outside > 0) logitsWarning(tr, outside, n, 'from_logits');
      else if (renorm.count > 0) warnOnce(tr, 'renormalized', `${renorm.count} of ${rows} row(s) of y_pred do not sum to 1 (first: ${renorm.sums[0]}); Keras divides each row by its sum before the log, so the loss uses the renormalised probabilities. If the rows are raw scores, set from_logits=True.`);
    } else {
      if (probRows === rows && rows > 0) probabilitiesWarning(tr, 'every row of y_pred is already a probability vector (values in [0, 1] summing to 1)');
      if (labelRowsOff > 0) tr.notes.push(`${labelRowsOff} label row(s) do not sum to 1: the gradient shown is the exact derivative (Σt)·softmax − t; TF's fused softmax_cross_entropy_with_logits kernel would return softmax − t for those rows.`);
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Cross-entropy between one-hot (or soft) labels and a predicted class distribution: the standard multi-class loss.',
    formula: 'label smoothing: t ← t·(1 − ls) + ls/C, C = y_pred.shape[axis]\nprobabilities: q = y_pred / Σ_axis y_pred (renormalised), q ← clip(q, ε, 1 − ε); loss = −Σ_axis t·log q\nlogits: loss = −Σ_axis t·log_softmax(x)\ngradient w.r.t. y_pred: through the renormalisation (0 for clipped q, TF clip_by_value); for logits the exact derivative (Σt)·softmax(x) − t. TF\'s fused logits kernel returns softmax − t, which differs only when label rows do not sum to 1 (multi-hot labels).',
    domain: 'y_true: one-hot or probability rows, same shape as y_pred. y_pred: probabilities (each row is renormalised to sum 1), or logits with from_logits=True.',
    output: 'y_pred.shape without `axis` per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      'Integer labels of shape (N,) or (N, 1) raise a shape error: use SparseCategoricalCrossentropy for class indices.',
      'Rows of y_pred that do not sum to 1 are silently renormalised before the log: the Keras test data gives 0.3240, not the 0.0946 of the raw values.',
      'from_logits=False with raw scores: the row is renormalised and clipped, which is not a softmax; the loss is wrong and gradients vanish at the clip.',
      'A single output column (C = 1) makes the loss constant: Keras only warns. Use BinaryCrossentropy for one sigmoid output.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.CrossEntropyLoss(label_smoothing=0.0)', note: 'takes LOGITS (applies log-softmax itself) with class-index or probability targets; no renormalisation; class axis 1' },
      { framework: 'Optax', name: 'optax.softmax_cross_entropy(logits, labels)', note: 'logits only, per example; smoothing via optax.smooth_labels (same ls/C formula)' },
      { framework: 'TF.js', name: 'tf.losses.softmaxCrossEntropy(onehotLabels, logits, weights, labelSmoothing)', note: 'logits only' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// CategoricalFocalCrossentropy

/**
 * Keras 3 categorical_focal_crossentropy: softmax for logits, q = clip(p/Σp), Σ_axis α·(1 − q)^γ·(−t log q).
 * The gradient chains through the clip (TF clip_by_value), the renormalisation and the softmax.
 */
const CategoricalFocalCrossentropy: LossSpec = {
  id: 'CategoricalFocalCrossentropy', framework: 'keras', family: 'probabilistic', base: 'keras3',
  functionName: 'categorical_focal_crossentropy', defaultName: 'categorical_focal_crossentropy', aliases: [],
  foreignNames: [],
  params: [
    { name: 'alpha', type: 'floatOrList', default: 0.25, min: 0, position: 0, doc: 'Weight of every class term: a scalar, or a list with one weight per class (e.g. inverse class frequencies). Applied to all classes alike when scalar.', ui: { min: 0, max: 1, step: 0.01 } },
    { ...GAMMA, position: 1 },
    { ...FROM_LOGITS, position: 2 },
    { ...CATEGORICAL_LS, position: 3 },
    { ...CLASS_AXIS, position: 4 },
  ],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom',
  sweep: { kind: 'probability', range: [0, 1] },
  example: { yTrue: [[0, 1, 0], [0, 0, 1]], yPred: [[0.05, 0.9, 0.05], [0.1, 0.6, 0.3]], sampleWeight: [[1.2], [3.4]], config: { label_smoothing: 0.1 } },
  compute(t, p, cfg, ctx) {
    requireSameShape(ctx, t, p, sparseHint(t.shape, p.shape));
    const fromLogits = cfg.from_logits as boolean;
    const ls = cfg.label_smoothing as number;
    const gamma = cfg.gamma as number;
    const alphaCfg = cfg.alpha as number | number[];
    const rank = p.shape.length;
    const ax = canonAxis(ctx, cfg.axis as number, rank);
    const last = p.shape[rank - 1];
    const alphas = Array.isArray(alphaCfg) ? Float64Array.from(alphaCfg) : Float64Array.of(alphaCfg);
    const L = alphas.length;
    if (L !== 1 && L !== last) {
      throw argError(ctx.loss, 'alpha', `a number or a list of ${last} weights (it broadcasts against the last axis of y_pred, shape ${shapeStr(p.shape)})`, pyRepr(alphaCfg), 'param');
    }
    const { outer, D, inner, vShape } = axisLayout(p.shape, ax);
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data, n = pd.length;
    const values = new Float64Array(outer * inner);
    const grad = new Float64Array(n);
    const lsA = 1 - ls, lsB = ls / D;
    const smooth = ls > 0 ? new Float64Array(n) : null;
    const lo = ctx.epsilon, hi = ctx.oneMinusEpsilon;
    const clip = new ClipRecorder(lo, hi);
    const renorm = new RenormRecorder();
    const round = ctx.round;
    const prob = new Float64Array(D); // the row's probabilities (softmax of the logits, or y_pred)
    let outside = 0, probRows = 0, bigLabels = 0;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < inner; k++) {
        const v = o * inner + k;
        const g = up[v];
        const i0 = o * D * inner + k;
        let S = 0;
        if (fromLogits) {
          let m = -Infinity, rowOut = 0, rowSum = 0;
          for (let j = 0, i = i0; j < D; j++, i += inner) { const x = pd[i]; if (x > m) m = x; if (x < 0 || x > 1) rowOut++; rowSum += x; }
          if (rowOut === 0 && Math.abs(rowSum - 1) <= 1e-3) probRows++;
          let z = 0;
          for (let j = 0, i = i0; j < D; j++, i += inner) { const e = Math.exp(pd[i] - m); prob[j] = e; z += e; }
          for (let j = 0; j < D; j++) { prob[j] = round(prob[j] / z); S += prob[j]; }
        } else {
          for (let j = 0, i = i0; j < D; j++, i += inner) { const x = pd[i]; prob[j] = x; S += x; if (x < 0 || x > 1) outside++; }
          if (Math.abs(S - 1) > 1e-6) renorm.hit(v, S);
        }
        const invS = 1 / S;
        let s = 0, dot = 0;
        for (let j = 0, i = i0; j < D; j++, i += inner) {
          let tt = td[i];
          if (tt > 1) bigLabels++;
          if (smooth) { tt = tt * lsA + lsB; smooth[i] = tt; }
          const a = alphas[L === 1 ? 0 : i % last];
          const q = round(prob[j] * invS);
          let c = q, pass = true;
          if (q < lo) { c = lo; pass = false; clip.hit(i); } else if (q > hi) { c = hi; pass = false; clip.hit(i); }
          let gq = 0;
          if (tt !== 0 || c !== c) {
            const logc = Math.log(c);
            const mod = Math.pow(1 - c, gamma);
            s -= a * mod * tt * logc;
            // d/dc [(1 − c)^γ · (−t log c)] = γ(1 − c)^(γ−1)·t·log c − (1 − c)^γ·t/c
            if (pass) gq = a * tt * (powPrime(1 - c, gamma) * logc - mod / c);
          }
          grad[i] = gq;
          dot += gq * prob[j];
        }
        values[v] = s;
        // Through the renormalisation q = p/S: dL/dp_k = (g_k − Σ_j g_j p_j / S) / S.
        const corr = dot * invS;
        if (fromLogits) {
          // Through the softmax: dL/dx_k = s_k·(h_k − Σ_j h_j s_j).
          let hs = 0;
          for (let j = 0, i = i0; j < D; j++, i += inner) { const h = (grad[i] - corr) * invS; grad[i] = h; hs += h * prob[j]; }
          for (let j = 0, i = i0; j < D; j++, i += inner) grad[i] = g * prob[j] * (grad[i] - hs);
        } else {
          for (let j = 0, i = i0; j < D; j++, i += inner) grad[i] = g * (grad[i] - corr) * invS;
        }
      }
    }
    const tr = ctx.trace;
    const rows = outer * inner;
    if (smooth) recordSmoothed(tr, smooth, p.shape, ls, `y_true · (1 − ${ls}) + ${ls}/${D} (C = ${D} classes on axis ${ax})`);
    if (D === 1) warnOnce(tr, 'single-class', `y_pred has a single class on axis ${ax} (shape ${shapeStr(p.shape)}): the renormalised probability is always 1, so the loss is constant. Use BinaryFocalCrossentropy for one sigmoid output.`);
    if (bigLabels > 0) warnOnce(tr, 'integer-labels', `y_true contains ${bigLabels} value(s) greater than 1: CategoricalFocalCrossentropy expects one-hot (or probability) labels, not class indices.`);
    clip.flush(tr);
    if (!fromLogits) {
      renorm.flush(tr);
      if (outside > 0) logitsWarning(tr, outside, n, 'from_logits');
      else if (renorm.count > 0) warnOnce(tr, 'renormalized', `${renorm.count} of ${rows} row(s) of y_pred do not sum to 1 (first: ${renorm.sums[0]}); Keras divides each row by its sum before the log. If the rows are raw scores, set from_logits=True.`);
    } else if (probRows === rows && rows > 0) {
      probabilitiesWarning(tr, 'every row of y_pred is already a probability vector (values in [0, 1] summing to 1)');
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Categorical cross-entropy with every class term scaled by α·(1 − q)^γ, so confidently predicted classes count less (multi-class focal loss).',
    formula: 'label smoothing: t ← t·(1 − ls) + ls/C, C = y_pred.shape[axis]\np = softmax(x) if from_logits else y_pred\nq = clip(p / Σ_axis p, ε, 1 − ε)\nloss = Σ_axis α·(1 − q)^γ·(−t·log q)\ngradient: through the clip (0 outside, TF clip_by_value), the renormalisation and the softmax',
    domain: 'y_true: one-hot or probability rows, same shape as y_pred. y_pred: probabilities (renormalised per row) or logits with from_logits=True. alpha: scalar or one weight per class.',
    output: 'y_pred.shape without `axis` per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      'The focal factor (1 − q)^γ multiplies every class term, but only the terms with t > 0 are non-zero: with one-hot labels it is (1 − q_target)^γ.',
      'alpha is not a class-0/class-1 balance as in the binary loss: a scalar scales the whole loss (0.25 makes it 4× smaller than CCE at γ = 0); a list gives per-class weights.',
      'Unnormalised rows are divided by their sum, as in CategoricalCrossentropy; raw scores need from_logits=True.',
      'Keras ≤ 3.15 used C = y_true.shape[−1] for label smoothing even with axis ≠ −1; master uses y_pred.shape[axis], as here.',
    ],
    equivalents: [
      { framework: 'PyTorch / Optax', name: '—', note: 'no built-in multi-class focal loss; torchvision and optax only ship the sigmoid (binary) version' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// SparseCategoricalCrossentropy

/**
 * Keras 3 sparse_categorical_crossentropy (TF backend). Labels are integer indices of shape y_pred.shape[:-1]
 * (a trailing 1 is squeezed). Logits: lse(x) − x_t, gradient softmax − onehot. Probabilities: TF clips and then
 * renormalises through log: −log(c_t / Σ c), c = clip(p), gradient (1/Σc − [j = t]/c_t) inside the clip range.
 * ignore_class: those positions give 0, zero gradient, and a Keras mask (mean over the kept positions).
 */
const SparseCategoricalCrossentropy: LossSpec = {
  id: 'SparseCategoricalCrossentropy', framework: 'keras', family: 'probabilistic', base: 'keras3',
  functionName: 'sparse_categorical_crossentropy', defaultName: 'sparse_categorical_crossentropy', aliases: [],
  foreignNames: ['torch.nn.NLLLoss', 'nn.NLLLoss', 'NLLLoss', 'F.nll_loss', 'torch.nn.functional.nll_loss',
    'optax.softmax_cross_entropy_with_integer_labels', 'sparseCategoricalCrossentropy'],
  params: [
    { ...FROM_LOGITS, position: 0 },
    { name: 'ignore_class', type: 'intOrNone', default: null, position: 1, doc: 'A label value to skip (e.g. −1 or 255 for "void" pixels): those positions get loss 0 and are left out of the mean. None (default) keeps every position.' },
    { name: 'axis', type: 'int', default: -1, doc: 'The class axis of y_pred. The TF backend supports only the last axis (−1).' },
  ],
  functionParams: [
    { ...FROM_LOGITS, position: 2 },
    { name: 'ignore_class', type: 'intOrNone', default: null, position: 3, doc: 'A label value to skip: those positions get loss 0 and attach a mask.' },
    { name: 'axis', type: 'int', default: -1, position: 4, doc: 'The class axis of y_pred; the TF backend supports only −1.' },
  ],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'probability', range: [0, 1] },
  example: { yTrue: [1, 2], yPred: [[0.05, 0.9, 0.05], [0.1, 0.6, 0.3]], sampleWeight: [1.2, 3.4] },
  compute(t0, p0, cfg, ctx) {
    // LossFunctionWrapper's squeeze_or_expand, then the backend's own squeeze of a trailing 1 in the labels.
    const [ts0, ps] = squeezeOrExpand(t0.shape, p0.shape);
    let ts = ts0;
    const p = reshape(p0, ps);
    const rank = ps.length;
    if (rank === 0) throw shapeErr(ctx, 'y_pred', 'an array of rank ≥ 1 with the classes on the last axis', ps);
    const axis = cfg.axis as number;
    if (axis !== -1 && axis !== rank - 1) {
      throw argError(ctx.loss, 'axis', `-1: only axis=-1 is supported by the TensorFlow backend (it raises "Only axis=-1 is currently supported"); move the class axis last`, pyRepr(axis), 'param');
    }
    if (ts.length === rank && ts[rank - 1] === 1) ts = ts.slice(0, -1);
    const vShape = ps.slice(0, -1);
    if (ts.length !== rank - 1 || !sameShape(ts, vShape)) {
      const oneHot = sameShape(ts0, ps) && ps[rank - 1] > 1;
      const hint = oneHot ? ' y_true has the shape of y_pred, so it looks one-hot encoded: use CategoricalCrossentropy, or pass the class indices (argmax over the last axis).' : '';
      throw new LossInspectorError(`${ctx.loss}: argument \`y_true\`: expected integer class indices of shape ${shapeStr(vShape)} (y_pred.shape without its last axis, optionally with a trailing 1), received y_true ${shapeStr(t0.shape)} and y_pred ${shapeStr(p0.shape)}.${hint}`,
        { loss: ctx.loss, argument: 'y_true', code: 'shape', expected: `shape ${shapeStr(vShape)}`, received: shapeStr(t0.shape) });
    }
    const C = ps[rank - 1];
    const B = C === 0 ? 0 : p.data.length / C;
    const td = t0.data, pd = p.data;
    const fromLogits = cfg.from_logits as boolean;
    const ignore = cfg.ignore_class as number | null;
    let mask: Uint8Array | undefined;
    if (ignore !== null) {
      mask = new Uint8Array(B);
      for (let b = 0; b < B; b++) mask[b] = td[b] !== ignore ? 1 : 0;
    }
    const up = ctx.upstream(vShape, mask ?? null);
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    const lo = ctx.epsilon, hi = ctx.oneMinusEpsilon;
    const clip = new ClipRecorder(lo, hi);
    const renorm = new RenormRecorder();
    let outside = 0, probRows = 0, kept = 0, fractional = 0;
    for (let b = 0; b < B; b++) {
      if (mask && !mask[b]) continue;
      kept++;
      const raw = td[b];
      const label = Math.trunc(raw);
      if (!(label >= 0 && label < C)) {
        throw new LossInspectorError(`${ctx.loss}: argument \`y_true\`: label ${pyRepr(raw)} at y_true${multiIndex(b, vShape)} is outside the valid range [0, ${C}) of class indices for y_pred with ${C} classes.${ignore === null && raw < 0 ? ' To skip padding/void labels, pass ignore_class=' + pyRepr(raw) + '.' : ''}`,
          { loss: ctx.loss, argument: 'y_true', code: 'label-range', expected: `integers in [0, ${C})`, received: pyRepr(raw) });
      }
      if (label !== raw) fractional++;
      const g = up[b];
      const i0 = b * C, iEnd = i0 + C, it = i0 + label;
      if (fromLogits) {
        let m = -Infinity, rowOut = 0, rowSum = 0;
        for (let i = i0; i < iEnd; i++) { const x = pd[i]; if (x > m) m = x; if (x < 0 || x > 1) rowOut++; rowSum += x; }
        if (rowOut === 0 && Math.abs(rowSum - 1) <= 1e-3) probRows++;
        let z = 0;
        for (let i = i0; i < iEnd; i++) { const e = Math.exp(pd[i] - m); grad[i] = e; z += e; }
        values[b] = Math.log(z) - (pd[it] - m);
        const inv = g / z;
        for (let i = i0; i < iEnd; i++) grad[i] *= inv;
        grad[it] -= g;
      } else {
        let S = 0, Sc = 0;
        for (let i = i0; i < iEnd; i++) {
          const x = pd[i];
          S += x;
          if (x < 0 || x > 1) outside++;
          if (x < lo) { Sc += lo; clip.hit(i); } else if (x > hi) { Sc += hi; clip.hit(i); } else Sc += x;
        }
        if (Math.abs(S - 1) > 1e-6) renorm.hit(b, S);
        const pt = pd[it];
        const ct = pt < lo ? lo : pt > hi ? hi : pt;
        values[b] = Math.log(Sc) - Math.log(ct);
        const inv = g / Sc;
        for (let i = i0; i < iEnd; i++) { const x = pd[i]; grad[i] = x < lo || x > hi ? 0 : inv; }
        if (!(pt < lo || pt > hi)) grad[it] -= g / ct;
      }
    }
    const tr = ctx.trace;
    if (fractional > 0) warnOnce(tr, 'fractional-labels', `${fractional} label(s) in y_true are not whole numbers; Keras casts them to int64, which truncates (1.7 → class 1). Soft or one-hot labels belong to CategoricalCrossentropy.`);
    if (mask) tr.notes.push(`ignore_class=${ignore}: ${B - kept} of ${B} position(s) ignored (loss 0, masked); the mean runs over the ${kept} kept position(s).`);
    if (!fromLogits) {
      clip.flush(tr);
      renorm.flush(tr);
      if (clip.count > 0) tr.notes.push(`${clip.count} element(s) of y_pred were clipped to [ε, 1 − ε] before the log (TF backend: clip, then renormalise); clipped entries pass no gradient.`);
      if (outside > 0) logitsWarning(tr, outside, pd.length, 'from_logits');
      else if (renorm.count > 0) warnOnce(tr, 'renormalized', `${renorm.count} row(s) of y_pred do not sum to 1 (first: ${renorm.sums[0]}); the TF backend renormalises them (softmax of the log-probabilities). If the rows are raw scores, set from_logits=True.`);
    } else if (probRows === kept && kept > 0) {
      probabilitiesWarning(tr, 'every row of y_pred is already a probability vector (values in [0, 1] summing to 1)');
    }
    return { values: { data: values, shape: vShape }, grad, mask };
  },
  doc: {
    summary: 'Categorical cross-entropy with integer class labels instead of one-hot rows: −log of the probability given to the true class.',
    formula: 'labels: y_true cast to int64 (truncates), a trailing 1 squeezed; c = y_true\nlogits: loss = logsumexp(x) − x_c; gradient softmax(x) − onehot(c)\nprobabilities (TF backend): loss = −log(clip(p)_c / Σ_j clip(p)_j), clip to [ε, 1 − ε]; gradient 1/Σclip(p) − [j = c]/clip(p)_c, 0 for clipped entries\nignore_class: positions with y_true = ignore_class give 0 and a mask; the default mean divides by the kept positions',
    domain: 'y_true: integer class indices in [0, C), shape y_pred.shape[:-1] (or with a trailing 1). y_pred: probabilities or logits (from_logits=True) with C classes on the last axis.',
    output: 'y_pred.shape[:-1] per sample; default reduction sum_over_batch_size (over the kept positions when ignore_class is set).',
    pitfalls: [
      'One-hot labels raise a rank error: SparseCategoricalCrossentropy wants class indices; use CategoricalCrossentropy for one-hot rows.',
      'A label outside [0, C) (for example −1 or 255 for padding) raises on CPU and silently gives NaN on GPU in TF: pass ignore_class=-1/255 to skip them.',
      'With ignore_class the mean is over the kept positions only: [[-1, 2]] gives 1.480129, not the 0.74 you get by dividing by 2.',
      'The probability path clips each entry and then renormalises (TF); JAX/torch/numpy backends renormalise first. They differ only when an entry is at or beyond the clip.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.CrossEntropyLoss(ignore_index=-100)', note: 'logits with class-index targets (class axis 1); ignored positions are left out of the mean like Keras; with class weights it divides by Σ weights' },
      { framework: 'PyTorch', name: 'torch.nn.NLLLoss()', note: 'takes LOG-probabilities (log_softmax output), no clipping' },
      { framework: 'Optax', name: 'optax.softmax_cross_entropy_with_integer_labels(logits, labels)', note: 'logits only, per example, no ignore index' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// KLDivergence

const kldCounts = new Float64Array(2);
/** KLDivergence in one pass; returns [negative y_pred count, rows not summing to 1] (a shared scratch pair). */
function kldLoop(td: Float64Array, pd: Float64Array, values: Float64Array, grad: Float64Array, up: Float64Array | null, uni: number,
  B: number, D: number, r32: boolean, eps: number, clip: ClipRecorder): Float64Array {
  let negPred = 0, rowsOff = 0;
  for (let b = 0, i = 0; b < B; b++) {
    let s = 0, st = 0, sp = 0;
    const ng = -(up === null ? uni : up[b]);
    for (let j = 0; j < D; j++, i++) {
      let tv = td[i], pv = pd[i];
      if (r32) { tv = Math.fround(tv); pv = Math.fround(pv); }
      st += tv; sp += pv;
      const tc = tv < eps ? eps : tv > 1 ? 1 : tv;
      let pc = pv, pass = 1;
      if (pv < eps) { pc = eps; pass = 0; clip.hit(i); if (pv < 0) negPred++; } else if (pv > 1) { pc = 1; pass = 0; clip.hit(i); }
      const ratio = tc / pc; // one division for the value and the gradient −t′/p′
      grad[i] = pass === 1 ? ng * ratio : 0;
      s += tc * flog(ratio);
    }
    if (Math.abs(st - 1) > 1e-3 || Math.abs(sp - 1) > 1e-3) rowsOff++;
    values[b] = s;
  }
  kldCounts[0] = negPred; kldCounts[1] = rowsOff;
  return kldCounts;
}

/** Keras 3 kl_divergence: t′ = clip(t, ε, 1), p′ = clip(p, ε, 1), Σ_{-1} t′·log(t′/p′); gradient −t′/p′ inside the clip. */
const KLDivergence: LossSpec = {
  id: 'KLDivergence', framework: 'keras', family: 'probabilistic', base: 'keras3',
  functionName: 'kl_divergence', defaultName: 'kl_divergence', aliases: ['kld', 'KLD'],
  // 'kullback_leibler_divergence' is only a Keras 2 spelling (Keras 3 raises on it): documentation only.
  foreignNames: ['torch.nn.KLDivLoss', 'nn.KLDivLoss', 'KLDivLoss', 'F.kl_div', 'torch.nn.functional.kl_div', 'optax.kl_divergence',
    'kullback_leibler_divergence', 'kullbackLeiblerDivergence'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'probability', range: [0, 1] },
  example: { yTrue: [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]], yPred: [[0.3, 0.4, 0.3], [0.5, 0.2, 0.3]], sampleWeight: [[1.2], [3.4]] },
  roundsInputs: true,
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const { uni, arr: up } = upstreamOf(ctx, vShape);
    const values = new Float64Array(B);
    const grad = gradArray(ctx, p.data.length, true);
    const clip = new ClipRecorder(ctx.epsilon, 1);
    const counts = kldLoop(t.data, p.data, values, grad, up, uni, B, D, ctx.rawInputs === true, ctx.epsilon, clip);
    const negPred = counts[0], rowsOff = counts[1];
    const tr = ctx.trace;
    clip.flush(tr);
    if (clip.count > 0) tr.notes.push(`${clip.count} element(s) of y_pred were clipped to [ε, 1]; clipped entries pass no gradient. y_true is clipped the same way, so a 0 target contributes ε·log(ε/y_pred), a tiny negative number.`);
    if (negPred > 0) warnOnce(tr, 'kld-log-probabilities', `${negPred} y_pred value(s) are negative: KLDivergence takes probabilities, not log-probabilities (torch's KLDivLoss convention). They are clipped to ε, which makes the loss meaningless. Pass exp(log_probs) or the softmax output.`);
    if (rowsOff > 0) warnOnce(tr, 'kld-not-distributions', `${rowsOff} of ${B} row(s) of y_true or y_pred do not sum to 1: KL divergence compares probability distributions over the last axis, and Keras neither normalises nor checks them.`);
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Kullback–Leibler divergence KL(y_true ‖ y_pred) over the last axis: how much information is lost when y_pred approximates y_true.',
    formula: 't′ = clip(y_true, ε, 1), p′ = clip(y_pred, ε, 1)\nloss = Σ_{-1} t′·log(t′/p′)  (a sum over the last axis, not a mean)\ngradient w.r.t. y_pred = −t′/p′ where ε ≤ y_pred ≤ 1, 0 outside (TF clip_by_value)',
    domain: 'y_true and y_pred: probability distributions over the last axis (rows summing to 1); they broadcast after squeeze/expand.',
    output: 'y_pred.shape[:-1] per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      'Argument order is (y_true, y_pred) = (P, Q) for KL(P‖Q); torch.nn.KLDivLoss takes (input = log Q, target = P), log-probabilities first.',
      'Zero targets are clipped to ε, so they contribute ε·log(ε/p) < 0: [[0, 0]] against [[0.4, 0.6]] gives −3.08e-06, a slightly negative "divergence".',
      'It is a SUM over the last axis; torch\'s reduction="mean" divides by B·C as well (use "batchmean" to match the Keras mean over samples).',
      '"kullback_leibler_divergence" was a Keras 2 compile string; Keras 3 raises on it. Use "kld" or "kl_divergence".',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.KLDivLoss(reduction="batchmean", log_target=False)', note: 'input must be LOG-probabilities; no clipping (0·log 0 = 0); "mean" divides by every element' },
      { framework: 'Optax', name: 'optax.kl_divergence(log_predictions, targets)', note: 'log-probabilities first; per example, no clipping' },
      { framework: 'TF.js', name: 'tf.metrics.kullbackLeiblerDivergence / loss: \'kld\' (tfjs-layers)', note: 'clips both inputs but multiplies by the UNclipped y_true: differs from Keras where y_true lies outside [ε, 1]' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Poisson

const poissonCounts = new Float64Array(2);
/** Poisson in one pass; returns [non-positive rates, negative targets] (a shared scratch pair). */
function poissonLoop(td: Float64Array, pd: Float64Array, values: Float64Array, grad: Float64Array, up: Float64Array | null, uni: number,
  B: number, D: number, r32: boolean, eps: number): Float64Array {
  const inv = 1 / D;
  let nonPos = 0, negTrue = 0;
  for (let b = 0, i = 0; b < B; b++) {
    let s = 0;
    const g = (up === null ? uni : up[b]) * inv;
    const i0 = i;
    for (let j = 0; j < D; j++, i++) {
      let pv = pd[i], tv = td[i];
      if (r32) { pv = Math.fround(pv); tv = Math.fround(tv); }
      const r = pv + eps;
      nonPos += +!(r > 0);
      negTrue += +(tv < 0);
      // Keras: pv − t·log r. Always taking the log is faster than branching on t = 0 (counts: a fifth of the labels,
      // the branch mispredicted); pv − 0·log r = pv for every finite log r. Only r = +∞ differs (0·∞ = NaN where
      // Keras's t = 0 gives pv): such a row is not finite and is redone below with the exact rule.
      s += pv - tv * flog(r);
      grad[i] = g * (1 - tv / r);
    }
    if (!Number.isFinite(s)) {
      s = 0;
      for (let k = i0; k < i; k++) {
        const pv = r32 ? Math.fround(pd[k]) : pd[k], tv = r32 ? Math.fround(td[k]) : td[k], r = pv + eps;
        s += tv !== 0 || !(r > 0) ? pv - tv * flog(r) : pv;
      }
    }
    values[b] = s * inv;
  }
  poissonCounts[0] = nonPos; poissonCounts[1] = negTrue;
  return poissonCounts;
}

/** Keras 3 poisson: mean_{-1}(p − t·log(p + ε)); gradient (1 − t/(p + ε))/D. No clipping. */
const Poisson: LossSpec = {
  id: 'Poisson', framework: 'keras', family: 'probabilistic', base: 'keras3',
  functionName: 'poisson', defaultName: 'poisson', aliases: [],
  foreignNames: ['torch.nn.PoissonNLLLoss', 'nn.PoissonNLLLoss', 'PoissonNLLLoss', 'F.poisson_nll_loss', 'torch.nn.functional.poisson_nll_loss'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'raw', range: [0.01, 10] },
  example: { yTrue: [[4, 8, 12], [8, 1, 3]], yPred: [[1, 9, 2], [5, 2, 6]], sampleWeight: [[1.2], [3.4]] },
  roundsInputs: true,
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const { uni, arr: up } = upstreamOf(ctx, vShape);
    const values = new Float64Array(B);
    const grad = gradArray(ctx, p.data.length, true);
    const counts = poissonLoop(t.data, p.data, values, grad, up, uni, B, D, ctx.rawInputs === true, ctx.epsilon);
    const nonPos = counts[0], negTrue = counts[1];
    const tr = ctx.trace;
    if (nonPos > 0) warnOnce(tr, 'poisson-negative-rate', `${nonPos} y_pred value(s) are ≤ −ε: Poisson takes a non-negative rate, and log(y_pred + ε) of a negative number is NaN. Use an exp or softplus output (or torch-style log-rates with exp applied).`);
    if (negTrue > 0) warnOnce(tr, 'poisson-negative-target', `${negTrue} y_true value(s) are negative: Poisson targets are counts (≥ 0).`);
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Poisson negative log-likelihood (without the log(y_true!) constant) for count targets: y_pred is the predicted rate.',
    formula: 'loss = mean(y_pred − y_true·log(y_pred + ε), axis=−1), ε = 1e-7\ngradient w.r.t. y_pred = (1 − y_true/(y_pred + ε))/D',
    domain: 'y_true: counts ≥ 0. y_pred: a non-negative rate (exp/softplus output); negative values give NaN. Broadcasting after squeeze/expand.',
    output: 'y_pred.shape[:-1] per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      'y_pred is a rate, not a log-rate: PyTorch\'s PoissonNLLLoss defaults to log_input=True (it computes exp(input) − target·input).',
      'The minimum is not 0: at y_pred = y_true the loss is y − y·log y, so compare values only on the same targets.',
      'A negative or zero-ish y_pred gives NaN or a huge value (log of ≤ ε); there is no clipping.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.PoissonNLLLoss(log_input=False, eps=1e-8)', note: 'defaults to log_input=True (log-rates); with log_input=False it adds eps = 1e-8 instead of 1e-7; optional Stirling term (full=False)' },
      { framework: 'Optax', name: '—', note: 'no built-in' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// CategoricalGeneralizedCrossEntropy

/**
 * Keras 3 categorical_generalized_cross_entropy: p_y = Σ_{-1} p·onehot(int(t), C); (1 − p_y^q)/q.
 * onehot(t) has shape t.shape + (C,) and broadcasts against y_pred, so labels of shape (B, 1) against (B, C)
 * give a (B, B) result, as Keras does. Out-of-range labels give an all-zero one-hot row (p_y = 0).
 */
const CategoricalGeneralizedCrossEntropy: LossSpec = {
  id: 'CategoricalGeneralizedCrossEntropy', framework: 'keras', family: 'probabilistic', base: 'keras3',
  functionName: 'categorical_generalized_cross_entropy', defaultName: 'categorical_generalized_cross_entropy', aliases: [],
  notCompileString: true,
  params: [{
    name: 'q', type: 'float', default: 0.5, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, position: 0,
    doc: 'Noise parameter in (0, 1): near 0 the loss behaves like cross-entropy, near 1 like mean absolute error (more robust to wrong labels). Keras raises "q must be in the interval (0, 1)" otherwise.',
    ui: { min: 0.05, max: 0.95, step: 0.05 },
  }],
  functionParams: [{ name: 'q', type: 'float', default: null, required: true, position: 2, doc: 'Noise parameter (the function does not check the range).' }],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'probability', range: [0, 1] },
  example: { yTrue: [0, 1, 0, 1], yPred: [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]], sampleWeight: [1.2, 3.4, 0.5, 1] },
  compute(t0, p0, cfg, ctx) {
    const [ts, ps] = squeezeOrExpand(t0.shape, p0.shape);
    const t = reshape(t0, ts), p = reshape(p0, ps);
    const rank = ps.length;
    if (rank === 0) throw shapeErr(ctx, 'y_pred', 'class probabilities with the classes on the last axis (rank ≥ 1)', ps);
    const q = ctx.round(cfg.q as number);
    const C = ps[rank - 1];
    const pRows = ps.slice(0, -1);
    const vShape = broadcastShapes(ts, pRows);
    if (!vShape) {
      throw new LossInspectorError(`${ctx.loss}: arguments \`y_true\` ${shapeStr(t0.shape)} (one-hot encoded to ${shapeStr([...ts, C])}) and \`y_pred\` ${shapeStr(p0.shape)} cannot be broadcast together: y_true must hold integer class indices of shape ${shapeStr(pRows)}.`,
        { loss: ctx.loss, argument: 'y_true', code: 'shape', expected: `shape ${shapeStr(pRows)}`, received: shapeStr(t0.shape) });
    }
    const nV = sizeOf(vShape);
    if (nV > Math.max(sizeOf(ts), sizeOf(pRows))) {
      warnOnce(ctx.trace, 'gce-label-broadcast', `y_true ${shapeStr(t0.shape)} against y_pred ${shapeStr(p0.shape)}: Keras one-hot encodes the labels to ${shapeStr([...ts, C])}, which broadcasts with y_pred into ${shapeStr([...vShape, C])}, so every label is paired with every sample and the result has shape ${shapeStr(vShape)} (Keras does this silently). Pass the labels with shape ${shapeStr(pRows)}.`);
    }
    const up = ctx.upstream(vShape);
    const it = broadcastIndex(ts, vShape), ip = broadcastIndex(pRows, vShape);
    const td = t.data, pd = p.data;
    const values = new Float64Array(nV);
    const grad = new Float64Array(pd.length);
    const invQ = 1 / q;
    let outOfRange = 0;
    for (let v = 0; v < nV; v++) {
      const label = Math.trunc(td[it[v]]);
      const row = ip[v] * C;
      if (label >= 0 && label < C) {
        const py = pd[row + label];
        const pq = Math.pow(py, q);
        values[v] = (1 - pq) * invQ;
        // d/dp_y (1 − p_y^q)/q = −p_y^(q−1)
        grad[row + label] -= up[v] * Math.pow(py, q - 1);
      } else {
        // TF one_hot gives an all-zero row: p_y = 0 for any y_pred, and autodiff multiplies 0 by p_y^(q−1) = ∞.
        outOfRange++;
        values[v] = invQ;
        for (let j = 0; j < C; j++) grad[row + j] = NaN;
      }
    }
    if (outOfRange > 0) warnOnce(ctx.trace, 'gce-label-range', `${outOfRange} label(s) are outside [0, ${C}): Keras one-hot encodes them to all-zero rows without an error, so those samples get the constant loss 1/q = ${invQ} and a NaN gradient (TF: 0·∞).`);
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Generalized cross-entropy (Zhang & Sabuncu 2018): (1 − p_y^q)/q of the probability of the true class, a noise-robust mix of cross-entropy (q → 0) and MAE (q = 1).',
    formula: 'p_y = Σ_{-1} y_pred · onehot(int(y_true), C)\nloss = (1 − p_y^q) / q\ngradient w.r.t. y_pred[y] = −p_y^(q−1) (infinite at p_y = 0), 0 for the other classes',
    domain: 'y_true: integer class indices of shape y_pred.shape[:-1]. y_pred: probabilities (no from_logits, no clipping). 0 < q < 1.',
    output: 'y_pred.shape[:-1] per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      'Labels of shape (B, 1) are NOT squeezed: they broadcast against y_pred into a (B, B) matrix (0.6150 instead of 0.3599 on the binary test data). Pass shape (B,).',
      'There is no clipping: a true-class probability of exactly 0 gives the loss 1/q and an infinite gradient.',
      'Not a compile string in Keras: compile(loss="categorical_generalized_cross_entropy") fails; construct the class.',
      'Labels outside [0, C) are not rejected: they silently give the constant loss 1/q.',
    ],
    equivalents: [
      { framework: 'PyTorch / Optax', name: '—', note: 'no built-in; usually written by hand as (1 − p.gather(1, y)**q)/q' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// tfa SigmoidFocalCrossEntropy

const TFA_ALPHA: ParamSpec = {
  name: 'alpha', type: 'floatOrNone', default: 0.25, min: 0, max: 1, position: 1,
  doc: 'Weight of class 1 (class 0 gets 1 − α). tfa applies it whenever alpha is truthy: alpha=0 or None switches the weighting OFF (it does not zero the positives).',
  ui: { min: 0, max: 1, step: 0.01 },
};
const TFA_GAMMA: ParamSpec = {
  name: 'gamma', type: 'floatOrNone', default: 2.0, position: 2,
  doc: 'Focusing parameter ≥ 0: multiplies by (1 − p_t)^γ when gamma is truthy; 0 or None gives plain (α-weighted) cross-entropy. Negative values raise.',
  ui: { min: 0, max: 5, step: 0.1 },
};

/**
 * tfa sigmoid_focal_crossentropy: ce = Keras 2 BCE (logits exact; probabilities −[t log(q + ε) + (1 − t) log(1 − q + ε)],
 * q = clip(p)), p_t from the unclipped probability, α factor only if alpha is truthy, (1 − p_t)^γ only if gamma is
 * truthy, Σ over the last axis. No squeeze of y_true/y_pred (tfa's LossFunctionWrapper).
 */
const SigmoidFocalCrossEntropy: LossSpec = {
  id: 'SigmoidFocalCrossEntropy', framework: 'tfa', family: 'probabilistic', base: 'keras2',
  functionName: 'sigmoid_focal_crossentropy', defaultName: 'sigmoid_focal_crossentropy', aliases: ['Addons>sigmoid_focal_crossentropy'],
  foreignNames: ['torchvision.ops.sigmoid_focal_loss', 'sigmoid_focal_loss', 'optax.sigmoid_focal_loss'],
  params: [{ ...FROM_LOGITS, position: 0 }, TFA_ALPHA, TFA_GAMMA],
  // sigmoid_focal_crossentropy(y_true, y_pred, alpha, gamma, from_logits): another positional order than the class.
  functionParams: [{ ...TFA_ALPHA, position: 0 }, { ...TFA_GAMMA, position: 1 }, { ...FROM_LOGITS, position: 2 }],
  defaultReduction: 'none', inputs: 'custom', noSqueeze: true,
  validate(cfg: Config) {
    const g = cfg.gamma as number | null;
    if (g && g < 0) throw argError('SigmoidFocalCrossEntropy', 'gamma', 'a value ≥ 0 (tfa: "Value of gamma should be greater than or equal to zero.")', pyRepr(g), 'param');
  },
  sweep: { kind: 'probability', range: [0, 1] },
  example: { yTrue: [[1, 0], [1, 1], [0, 0]], yPred: [[0.97, 0.2], [0.91, 0.6], [0.03, 0.4]], sampleWeight: [1.2, 3.4, 0.5] },
  compute(t0, p0, cfg, ctx) {
    const fromLogits = cfg.from_logits as boolean;
    let t = t0, p = p0;
    const bShape = sameShape(t0.shape, p0.shape) ? p0.shape : broadcastShapes(t0.shape, p0.shape);
    if (!sameShape(t0.shape, p0.shape)) {
      if (fromLogits || !bShape) {
        throw new LossInspectorError(`${ctx.loss}: arguments \`y_true\` ${shapeStr(t0.shape)} and \`y_pred\` ${shapeStr(p0.shape)} ${fromLogits ? 'must have the same shape with from_logits=True (tf.nn.sigmoid_cross_entropy_with_logits)' : 'cannot be broadcast together'}. tfa does not squeeze a trailing 1.`,
          { loss: ctx.loss, argument: 'y_true', code: 'shape', expected: `shape ${shapeStr(p0.shape)}`, received: shapeStr(t0.shape) });
      }
      if (sizeOf(bShape) > Math.max(t0.data.length, p0.data.length)) {
        warnOnce(ctx.trace, 'outer-product', `y_true ${shapeStr(t0.shape)} and y_pred ${shapeStr(p0.shape)} broadcast to ${shapeStr(bShape)} (tfa does not squeeze a trailing 1): almost always a shape bug.`);
      }
      t = broadcastTo(t0, bShape); p = broadcastTo(p0, bShape);
    }
    const { B, D, vShape } = lastAxis(ctx, p);
    const up = ctx.upstream(vShape);
    const alphaCfg = cfg.alpha as number | null;
    const gammaCfg = cfg.gamma as number | null;
    const useAlpha = !!alphaCfg, useGamma = !!gammaCfg;
    const alpha = useAlpha ? ctx.round(alphaCfg as number) : 0;
    const gamma = useGamma ? ctx.round(gammaCfg as number) : 0;
    const td = t.data, pd = p.data, n = pd.length;
    const values = new Float64Array(B);
    const grad = new Float64Array(n);
    const lo = ctx.epsilon, hi = ctx.oneMinusEpsilon, eps = ctx.epsilon;
    const clip = new ClipRecorder(lo, hi);
    let outside = 0;
    for (let b = 0, i = 0; b < B; b++) {
      const g = up[b];
      let s = 0;
      for (let j = 0; j < D; j++, i++) {
        const tt = td[i], x = pd[i];
        if (x < 0 || x > 1) outside++;
        let ce: number, dce: number, pr: number, dpdx: number;
        if (fromLogits) {
          const e = Math.exp(-Math.abs(x));
          ce = (x > 0 ? x : 0) - x * tt + Math.log1p(e);
          pr = x >= 0 ? 1 / (1 + e) : e / (1 + e);
          dce = pr - tt;
          dpdx = pr * (1 - pr);
        } else {
          let q = x, pass = true;
          if (x < lo) { q = lo; pass = false; clip.hit(i); } else if (x > hi) { q = hi; pass = false; clip.hit(i); }
          ce = -(tt * Math.log(q + eps) + (1 - tt) * Math.log(1 - q + eps));
          dce = pass ? (1 - tt) / (1 - q + eps) - tt / (q + eps) : 0;
          pr = x; dpdx = 1;
        }
        const af = useAlpha ? tt * alpha + (1 - tt) * (1 - alpha) : 1;
        let mf = 1, dmf = 0;
        if (useGamma) {
          const base = 1 - (tt * pr + (1 - tt) * (1 - pr));
          mf = Math.pow(base, gamma);
          dmf = powPrime(base, gamma) * (1 - 2 * tt) * dpdx;
        }
        s += af * mf * ce;
        grad[i] = g * af * (dmf * ce + mf * dce);
      }
      values[b] = s;
    }
    const tr = ctx.trace;
    if (!fromLogits) {
      clip.flush(tr);
      if (clip.count > 0) tr.notes.push(`${clip.count} element(s) of y_pred were clipped to [ε, 1 − ε]; Keras 2 also adds ε inside the logs, so a clipped element contributes at most −log(2ε) ≈ 15.42 and passes no gradient.`);
      if (outside > 0) logitsWarning(tr, outside, n, 'from_logits');
    } else if (outside === 0 && n >= 2) {
      probabilitiesWarning(tr, 'every y_pred value lies in [0, 1]');
    }
    if (alphaCfg === 0) tr.notes.push('alpha=0 is falsy in tfa, so NO class weighting is applied (it does not give the positives weight 0).');
    const gradOut: Float64Array = sameShape(p.shape, p0.shape) ? grad : sumToShape(grad, p.shape, p0.shape);
    return { values: { data: values, shape: vShape }, grad: gradOut };
  },
  doc: {
    summary: 'tfa focal loss for sigmoid outputs: α-balanced, (1 − p_t)^γ-modulated binary cross-entropy, summed over the last axis (RetinaNet).',
    formula: 'ce = logits: max(x, 0) − x·t + log(1 + e^−|x|); probabilities: q = clip(y_pred, ε, 1 − ε), −[t·log(q + ε) + (1 − t)·log(1 − q + ε)] (Keras 2)\np = σ(x) or y_pred (unclipped); p_t = t·p + (1 − t)·(1 − p)\nα factor = t·α + (1 − t)·(1 − α) if alpha is truthy, else 1\nmodulating factor = (1 − p_t)^γ if gamma is truthy, else 1\nloss = Σ_{-1} α factor · modulating factor · ce',
    domain: 'y_true: 0/1 labels; y_pred: probabilities, or logits with from_logits=True. Shapes as given (no squeeze of a trailing 1); probabilities may broadcast, logits must match.',
    output: 'y_pred.shape[:-1] per sample; default reduction NONE (per-sample values are returned). Keras 2 base class.',
    pitfalls: [
      'It SUMS over the last axis and is unreduced by default, whereas Keras BinaryFocalCrossentropy averages and reduces to a scalar (tensorflow/addons#2431).',
      'alpha=0 switches the α weighting off entirely (tfa tests `if alpha:`), giving 0.5899 where ≈0 might be expected; alpha applies by default, unlike Keras BFCE.',
      'The probability path is Keras 2 BCE with ε inside the logs: the seed gives [0.00010971, 0.00329749, 0.00030611], not the Keras 3 [0.00011407, …].',
      'tensorflow-addons is archived: the Keras 3 replacement is BinaryFocalCrossentropy(apply_class_balancing=True) (a mean, and clipped logits).',
    ],
    equivalents: [
      { framework: 'Keras 3', name: 'keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True)', note: 'mean instead of sum over the last axis; no +ε in the logs; clips logits' },
      { framework: 'torchvision', name: 'torchvision.ops.sigmoid_focal_loss(alpha=0.25, gamma=2, reduction="none")', note: 'logits only; elementwise (no sum over the last axis); exact BCE' },
      { framework: 'Optax', name: 'optax.sigmoid_focal_loss(logits, labels, alpha=None, gamma=2.0)', note: 'logits only; no alpha by default; elementwise' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// tfa SparsemaxLoss

/**
 * tfa SparsemaxLoss (from logits z, labels q): s = sparsemax(z) (tfa's sort/cumsum algorithm, NaN rows when no
 * support or a NaN sum), loss = Σ_{s_j>0} s_j(z_j − s_j/2) + Σ_j q_j(q_j/2 − z_j), with 0 for q_j = 0 at infinite z_j.
 * Gradient s − q (Martins & Astudillo 2016): the first sum is max over the simplex of p·z − ½‖p‖², whose gradient is s.
 */
const SparsemaxLoss: LossSpec = {
  id: 'SparsemaxLoss', framework: 'tfa', family: 'probabilistic', base: 'keras2',
  functionName: 'sparsemax_loss_from_logits', defaultName: 'sparsemax_loss', aliases: ['Addons>sparsemax_loss_from_logits'],
  foreignNames: ['optax.multiclass_sparsemax_loss', 'multiclass_sparsemax_loss', 'optax.sparsemax_loss'],
  params: [{ name: 'from_logits', type: 'bool', default: true, position: 0, doc: 'Must be True: the loss needs the logits (tfa raises "from_logits must be True" otherwise).' }],
  functionParams: [],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom', noSqueeze: true,
  validate(cfg: Config) {
    if (cfg.from_logits === false) throw argError('SparsemaxLoss', 'from_logits', 'True: from_logits must be True (the loss is defined on logits; tfa raises ValueError)', 'False', 'param');
  },
  sweep: { kind: 'logit', range: [-3, 3] },
  example: { yTrue: [[0, 1, 0], [1, 0, 0]], yPred: [[0.5, 1.2, -0.3], [1.0, 0.1, 0.4]], sampleWeight: [1.2, 3.4] },
  compute(t, p, _cfg, ctx) {
    if (p.shape.length !== 2) throw shapeErr(ctx, 'y_pred', 'logits of shape (batch_size, num_classes)', p.shape);
    if (!sameShape(t.shape, p.shape)) throw shapeErr(ctx, 'y_true', `label distributions of the same shape as y_pred ${shapeStr(p.shape)}`, t.shape);
    const [B, C] = p.shape;
    const up = ctx.upstream([B]);
    const td = t.data, pd = p.data;
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    const sorted = new Float64Array(C), cums = new Float64Array(C);
    let supportTotal = 0;
    for (let b = 0; b < B; b++) {
      const i0 = b * C;
      for (let j = 0; j < C; j++) sorted[j] = pd[i0 + j];
      sorted.sort();
      // Descending cumulative sums; k(z) = #{k : 1 + k·z_(k) > Σ_{j≤k} z_(j)}; tfa gathers the sum at max(k(z), 1).
      let cum = 0, kz = 0;
      for (let k = 1; k <= C; k++) {
        const zk = sorted[C - k];
        cum += zk;
        cums[k - 1] = cum;
        if (1 + k * zk > cum) kz++;
      }
      const tauSum = cums[Math.max(kz, 1) - 1];
      const tau = (tauSum - 1) / kz;
      const bad = kz === 0 || Number.isNaN(cum);
      const g = up[b];
      let loss = 0;
      for (let j = 0; j < C; j++) {
        const i = i0 + j;
        const z = pd[i], q = td[i];
        const s = bad ? NaN : Math.max(0, z - tau);
        if (s > 0 || Number.isNaN(s)) { loss += s * (z - 0.5 * s); supportTotal++; }
        if (!(q === 0 && (z === Infinity || z === -Infinity))) loss += q * (0.5 * q - z);
        grad[i] = g * (s - q);
      }
      values[b] = loss;
    }
    ctx.trace.notes.push(`sparsemax support: ${supportTotal} of ${pd.length} logit(s) get a non-zero probability; the others have zero gradient from the sparsemax term.`);
    return { values: { data: values, shape: [B] }, grad };
  },
  doc: {
    summary: 'The sparsemax loss (Martins & Astudillo 2016): the natural loss for sparsemax outputs, which, unlike softmax, can assign exactly zero probability.',
    formula: 's = sparsemax(z): s_j = max(z_j − τ, 0) with τ chosen so Σ s = 1\nloss = Σ_{j: s_j>0} s_j·(z_j − s_j/2) + Σ_j q_j·(q_j/2 − z_j)   (q = y_true)\ngradient w.r.t. z = s − q',
    domain: 'y_true: label distributions (usually one-hot) of shape (batch, classes). y_pred: logits z of the same shape (rank 2). from_logits must be True.',
    output: 'shape (batch,) per sample; default reduction AUTO = sum_over_batch_size (Keras 2 base class).',
    pitfalls: [
      'from_logits=False raises: the loss needs the logits, not the sparsemax probabilities.',
      'The loss is 0 once the true class beats every other logit by at least 1 (the margin), so it stops pushing earlier than cross-entropy.',
      'tfa.losses.sparsemax_loss(logits, sparsemax, labels) is the low-level op with a different argument order; the Keras-style function is sparsemax_loss_from_logits(y_true, logits).',
      'tensorflow-addons is archived; Keras 3 has no sparsemax loss (optax.multiclass_sparsemax_loss is the maintained equivalent).',
    ],
    equivalents: [
      { framework: 'Optax', name: 'optax.multiclass_sparsemax_loss(scores, labels)', note: 'integer labels instead of label distributions; per example' },
      { framework: 'PyTorch', name: '—', note: 'no built-in (entmax package: SparsemaxLoss)' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// tfa WeightedKappaLoss

/**
 * tfa WeightedKappaLoss: label_i = Σ_c t_ic·c; numerator = Σ_ij w(label_i, j)·p_ij; denominator =
 * Σ_ab hist_a·W_ab·(Σ_i p_ib) / B; loss = log(divide_no_nan(num, den) + ε), ε = `epsilon or keras epsilon`.
 */
const WeightedKappaLoss: LossSpec = {
  id: 'WeightedKappaLoss', framework: 'tfa', family: 'probabilistic', base: 'keras2',
  functionName: null, defaultName: 'cohen_kappa_loss', aliases: [],
  params: [
    { name: 'num_classes', type: 'int', default: null, required: true, min: 1, position: 0, doc: 'Number of classes C; y_true and y_pred must have shape (batch, C). Required.' },
    { name: 'weightage', type: 'enum', default: 'quadratic', choices: ['quadratic', 'linear'], position: 1, doc: 'Penalty for predicting class j when the label is i: (i − j)² ("quadratic", default) or |i − j| ("linear"). tfa raises "Unknown kappa weighting type." otherwise.' },
    // Third positional argument of the class is `name`, so epsilon is keyword-only here.
    { name: 'epsilon', type: 'floatOrNone', default: 1e-6, min: 0, doc: 'Added inside the log: log(1 − κ + ε). tfa uses `epsilon or keras epsilon`, so 0 or None become 1e-7.', ui: { min: 0, max: 0.001, step: 0.000001 } },
  ],
  defaultReduction: 'none', inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'probability', range: [0, 1] },
  example: {
    yTrue: [[0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]],
    yPred: [[0.1, 0.2, 0.6, 0.1], [0.1, 0.5, 0.3, 0.1], [0.8, 0.05, 0.05, 0.1], [0.01, 0.09, 0.1, 0.8]],
    config: { num_classes: 4 },
  },
  compute(t, p, cfg, ctx) {
    const C = cfg.num_classes as number;
    if (p.shape.length !== 2 || p.shape[1] !== C) throw shapeErr(ctx, 'y_pred', `shape (batch_size, num_classes=${C})`, p.shape);
    if (!sameShape(t.shape, p.shape)) throw shapeErr(ctx, 'y_true', `one-hot labels of shape ${shapeStr(p.shape)} (batch_size, num_classes=${C})`, t.shape);
    const linear = cfg.weightage === 'linear';
    const epsCfg = cfg.epsilon as number | null;
    const eps = epsCfg ? ctx.round(epsCfg) : ctx.epsilon;
    const B = p.shape[0];
    const td = t.data, pd = p.data;
    const up = ctx.upstream([]);
    const labels = new Float64Array(B);
    const hist = new Float64Array(C), predDist = new Float64Array(C);
    let num = 0;
    for (let b = 0, i = 0; b < B; b++) {
      let lab = 0;
      for (let c = 0; c < C; c++) { lab += td[b * C + c] * c; hist[c] += td[b * C + c]; }
      labels[b] = lab;
      for (let j = 0; j < C; j++, i++) {
        const d = lab - j;
        num += (linear ? Math.abs(d) : d * d) * pd[i];
        predDist[j] += pd[i];
      }
    }
    // v_j = Σ_a hist_a·W_aj: d(denominator)/d p_ij = v_j / B.
    const vcol = new Float64Array(C);
    let den = 0;
    for (let j = 0; j < C; j++) {
      let s = 0;
      for (let a = 0; a < C; a++) { const d = a - j; s += hist[a] * (linear ? Math.abs(d) : d * d); }
      vcol[j] = s;
      den += s * predDist[j];
    }
    den /= B;
    const ratio = den === 0 ? 0 : num / den;
    const value = Math.log(ratio + eps);
    const grad = new Float64Array(pd.length);
    if (den !== 0) {
      const f = up[0] / (ratio + eps);
      const r2 = num / (den * den * B);
      for (let b = 0, i = 0; b < B; b++) {
        for (let j = 0; j < C; j++, i++) {
          const d = labels[b] - j;
          grad[i] = f * ((linear ? Math.abs(d) : d * d) / den - r2 * vcol[j]);
        }
      }
    } else {
      warnOnce(ctx.trace, 'kappa-zero-denominator', 'The expected-disagreement denominator is 0 (for example every label and every prediction is the same class): tfa uses divide_no_nan, so the loss is log(ε) and the gradient is 0.');
    }
    ctx.trace.notes.push(`Observed weighted disagreement ${num}, expected ${den} (both Σ over the batch); loss = log(${ratio} + ${eps}).`);
    return { values: { data: Float64Array.of(value), shape: [] }, grad };
  },
  doc: {
    summary: 'Weighted kappa loss for ordinal classes (de la Torre et al. 2018): the log of observed over chance-expected weighted disagreement, so predicting a far-away class costs more than a neighbouring one.',
    formula: 'label_i = Σ_c y_true[i, c]·c; w(a, b) = (a − b)² (quadratic) or |a − b| (linear)\nnumerator = Σ_i Σ_j w(label_i, j)·y_pred[i, j]\ndenominator = Σ_a Σ_b (Σ_i y_true[i, a])·w(a, b)·(Σ_i y_pred[i, b]) / B\nloss = log(numerator / denominator + ε)  (divide_no_nan: 0 when the denominator is 0)\ngradient: quotient rule; the denominator depends on the predicted class masses',
    domain: 'y_true: one-hot labels (batch, num_classes); y_pred: softmax probabilities of the same shape. num_classes is required.',
    output: 'one scalar for the whole batch (not per sample); default reduction NONE. Values lie in (−∞, log 2]; lower is better (log(1 − κ)).',
    pitfalls: [
      'It is a batch statistic: the value depends on the batch composition, and sample_weight cannot weight single samples (tfa: multiply the predictions instead).',
      'Class order matters: the weights assume class indices are ordinal (0 < 1 < 2 …).',
      'epsilon=0 is replaced by the Keras epsilon 1e-7 (`epsilon or 1e-7`), so log(0) never occurs but perfect predictions give about log(ε).',
      'num_classes must match the last dimension of y_true and y_pred, else the matmul fails.',
    ],
    equivalents: [
      { framework: 'scikit-learn', name: 'sklearn.metrics.cohen_kappa_score(weights="quadratic")', note: 'the metric κ on hard labels; this loss is log(1 − κ + ε) on soft predictions' },
      { framework: 'PyTorch / Optax', name: '—', note: 'no built-in' },
    ],
  },
};

export const PROBABILISTIC: LossSpec[] = [
  BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy, SparseCategoricalCrossentropy,
  KLDivergence, Poisson, CategoricalGeneralizedCrossEntropy, SigmoidFocalCrossEntropy, SparsemaxLoss, WeightedKappaLoss,
];
