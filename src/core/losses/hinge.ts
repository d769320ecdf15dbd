/**
 * Hinge losses (Keras 3): Hinge, SquaredHinge, CategoricalHinge. The elementwise loops use a 0/1 mask instead of a
 * branch for max(m, 0) (mispredicted branches cost more than the arithmetic); a row whose sum is not finite is
 * recomputed with plain branches.
 */
import type { KernelContext, LossSpec } from '../spec';
import type { Tensor } from '../tensor';
import { lastAxis, warnOnce } from './common';

/**
 * Keras' convert_binary_labels_to_hinge, decided once for the whole batch: when every label is 0 or 1 the labels
 * become 2t − 1; otherwise they are used unchanged (so zeros next to a −1 stay 0). Returns the affine map
 * t ↦ scale·t + shift and records the decision and the pitfalls in the trace.
 */
function hingeLabels(t: Tensor, ctx: KernelContext): { scale: number; shift: number } {
  const td = t.data;
  let zeros = 0, ones = 0, minusOnes = 0;
  for (let i = 0; i < td.length; i++) {
    const v = td[i];
    zeros += +(v === 0); ones += +(v === 1); minusOnes += +(v === -1); // counted without branches (labels are random)
  }
  const odd = td.length - zeros - ones - minusOnes;
  let firstOdd = NaN;
  if (odd > 0) for (let i = 0; i < td.length; i++) { const v = td[i]; if (v !== 0 && v !== 1 && v !== -1) { firstOdd = v; break; } }
  const binary = minusOnes === 0 && odd === 0;
  if (binary) {
    ctx.trace.labelConversion = `Every y_true value is 0 or 1, so Keras converts the whole batch to 2·y_true − 1 (0 → −1, 1 → 1) before the hinge.`;
    if (td.length <= 100_000) {
      const conv = new Float64Array(td.length);
      for (let i = 0; i < td.length; i++) conv[i] = 2 * td[i] - 1;
      ctx.trace.smoothedLabels = { data: conv, shape: t.shape.slice() };
    }
    return { scale: 2, shift: -1 };
  }
  if (zeros > 0) {
    warnOnce(ctx.trace, 'hinge-mixed-labels', `y_true mixes 0 with ${minusOnes > 0 ? '−1' : 'other values'}: Keras converts 0/1 labels to −1/1 only when EVERY label in the batch is 0 or 1, so here ${zeros} zero label(s) stay 0 and each contributes max(1 − 0·y_pred, 0) = 1 whatever the prediction. Use −1/1 labels throughout (or 0/1 throughout).`);
  }
  if (odd > 0) {
    warnOnce(ctx.trace, 'hinge-label-values', `${odd} y_true value(s) are neither −1 nor 1 (e.g. ${firstOdd}): hinge losses expect labels −1/1 (or 0/1, converted for the whole batch). Class indices or soft labels give a loss without a margin meaning.`);
  }
  return { scale: 1, shift: 0 };
}

const HINGE_LABEL_PITFALL = 'The 0/1 → −1/1 conversion is decided for the WHOLE batch: a row [0, 1] is converted when every label is 0/1, but left as 0 when any other label (e.g. −1) appears, so the same row gives a different loss (0.95 vs 0.8 for y_pred [0.3, 0.4]).';

/** mean_{-1} max(1 − t·p, 0) with the batch-wide 0/1 → ±1 conversion; the margin tie 1 − t·p = 0 passes −t (TF maximum). */
const Hinge: LossSpec = {
  id: 'Hinge', framework: 'keras', family: 'hinge', base: 'keras3',
  functionName: 'hinge', defaultName: 'hinge', aliases: [],
  foreignNames: ['optax.hinge_loss', 'tf.losses.hingeLoss', 'hingeLoss'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'raw', range: [-3, 3] },
  example: { yTrue: [[0, 1, 1], [1, 0, 0]], yPred: [[0.3, 1.5, 0.2], [-0.4, 0.8, -2.0]], sampleWeight: [1.2, 3.4] },
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const { scale, shift } = hingeLabels(t, ctx);
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data;
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    const inv = 1 / D;
    for (let b = 0, i = 0; b < B; b++) {
      let s = 0;
      const g = up[b] * inv;
      const i0 = i;
      for (let j = 0; j < D; j++, i++) {
        const y = scale * td[i] + shift;
        const m = 1 - y * pd[i];
        const on = +(m >= 0); // inside the margin, or exactly on it (TF maximum passes ties to 1 − y·p)
        s += on * m;
        grad[i] = -g * y * on;
      }
      if (!Number.isFinite(s)) {
        s = 0;
        for (let k = i0; k < i; k++) {
          const y = scale * td[k] + shift, m = 1 - y * pd[k];
          if (m >= 0) { s += m; grad[k] = -g * y; } else if (m < 0) grad[k] = 0; else { s += m; grad[k] = NaN; }
        }
      }
      values[b] = s * inv;
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Margin loss for ±1 labels: zero once y_true·y_pred ≥ 1, linear penalty inside the margin.',
    formula: 'y = 2·y_true − 1 if EVERY y_true in the batch is 0 or 1, else y = y_true\nloss = mean(max(1 − y·y_pred, 0), axis=−1)\ngradient w.r.t. y_pred = −y/D where 1 − y·y_pred ≥ 0 (TF gives the tie to the first argument of maximum), 0 beyond',
    domain: 'y_true in {−1, 1} (or all 0/1, converted); y_pred are raw scores (decision values), not probabilities. Broadcasting after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      HINGE_LABEL_PITFALL,
      'The conversion is silent: computing max(1 − y·p, 0) by hand with the raw 0/1 labels of the Keras test data gives 0.9, Keras gives 1.3 (keras-team/keras#15665).',
      'y_pred should be an unbounded score: sigmoid/softmax outputs in [0, 1] can never reach the margin for a −1 label, so the loss never drops below 1 there.',
      'Exactly at the margin (y·y_pred = 1) TF still passes the gradient −y (maximum gives ties to its first argument); JAX and PyTorch split it 0.5/0.5.',
    ],
    equivalents: [
      { framework: 'Optax', name: 'optax.hinge_loss(predictor_outputs, targets)', note: 'targets must be −1/1 (no 0/1 conversion); elementwise, no mean' },
      { framework: 'TF.js', name: 'tf.losses.hingeLoss', note: 'ALWAYS maps labels 2t − 1, so it expects 0/1 and breaks on −1/1 labels; default reduction SUM_BY_NONZERO_WEIGHTS' },
      { framework: 'PyTorch', name: '—', note: 'nn.HingeEmbeddingLoss and nn.SoftMarginLoss are different losses; write clamp(1 − y·x, min=0).mean()' },
    ],
  },
};

/** mean_{-1} max(1 − t·p, 0)² with the same batch-wide label conversion; gradient −2·max(1 − t·p, 0)·t/D. */
const SquaredHinge: LossSpec = {
  id: 'SquaredHinge', framework: 'keras', family: 'hinge', base: 'keras3',
  functionName: 'squared_hinge', defaultName: 'squared_hinge', aliases: [],
  foreignNames: ['squaredHinge'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'raw', range: [-3, 3] },
  example: { yTrue: [[0, 1, 1], [1, 0, 0]], yPred: [[0.3, 1.5, 0.2], [-0.4, 0.8, -2.0]], sampleWeight: [1.2, 3.4] },
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const { scale, shift } = hingeLabels(t, ctx);
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data;
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    const inv = 1 / D;
    for (let b = 0, i = 0; b < B; b++) {
      let s = 0;
      const g = 2 * up[b] * inv;
      const i0 = i;
      for (let j = 0; j < D; j++, i++) {
        const y = scale * td[i] + shift;
        const m = 1 - y * pd[i];
        const h = +(m >= 0) * m; // max(m, 0) without a branch
        s += h * h;
        grad[i] = -g * h * y;
      }
      if (!Number.isFinite(s)) {
        s = 0;
        for (let k = i0; k < i; k++) {
          const y = scale * td[k] + shift, m = 1 - y * pd[k];
          if (m >= 0) { s += m * m; grad[k] = -g * m * y; } else if (m < 0) grad[k] = 0; else { s += m; grad[k] = NaN; }
        }
      }
      values[b] = s * inv;
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Squared margin loss for ±1 labels: like Hinge, but quadratic inside the margin (smooth at the margin).',
    formula: 'y = 2·y_true − 1 if EVERY y_true in the batch is 0 or 1, else y = y_true\nloss = mean(max(1 − y·y_pred, 0)², axis=−1)\ngradient w.r.t. y_pred = −2·max(1 − y·y_pred, 0)·y/D',
    domain: 'y_true in {−1, 1} (or all 0/1, converted); y_pred are raw scores. Broadcasting after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      HINGE_LABEL_PITFALL.replace('(0.95 vs 0.8 for y_pred [0.3, 0.4])', '(1.025 vs 0.68 for y_pred [0.3, 0.4])'),
      'Squaring makes badly misclassified points dominate (an error of 3 inside the margin costs 9), much like MSE versus MAE.',
      'y_pred should be an unbounded score, not a probability in [0, 1].',
    ],
    equivalents: [
      { framework: 'Optax', name: 'optax.hinge_loss(...) ** 2', note: 'no dedicated squared hinge; targets must be −1/1' },
      { framework: 'TF.js', name: "model.compile({loss: 'squaredHinge'})", note: 'tfjs-layers does NOT convert 0/1 labels' },
      { framework: 'PyTorch', name: '—', note: 'write clamp(1 − y·x, min=0).pow(2).mean()' },
    ],
  },
};

/**
 * pos = Σ t·p, neg = max((1 − t)·p) over the last axis, loss = max(neg − pos + 1, 0). Gradient as TF: the outer
 * maximum passes on ties (first argument), and reduce_max splits its gradient equally among tied maxima.
 */
const CategoricalHinge: LossSpec = {
  id: 'CategoricalHinge', framework: 'keras', family: 'hinge', base: 'keras3',
  functionName: 'categorical_hinge', defaultName: 'categorical_hinge', aliases: [],
  foreignNames: ['torch.nn.MultiMarginLoss', 'nn.MultiMarginLoss', 'MultiMarginLoss', 'F.multi_margin_loss', 'torch.nn.functional.multi_margin_loss',
    'optax.multiclass_hinge_loss', 'categoricalHinge'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'raw', range: [-3, 3] },
  example: { yTrue: [[0, 1, 0], [1, 0, 0], [0, 0, 1]], yPred: [[0.6, 0.4, 0.2], [0.3, 0.9, 0.5], [0.1, 0.2, 2.5]], sampleWeight: [1.2, 3.4, 0.5] },
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data;
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    let ties = 0, badLabels = 0;
    for (let b = 0; b < B; b++) {
      const o = b * D;
      let pos = 0, neg = -Infinity, k = 0;
      for (let j = 0; j < D; j++) {
        const tv = td[o + j], pv = pd[o + j];
        pos += tv * pv;
        const q = (1 - tv) * pv;
        if (q > neg) { neg = q; k = 1; } else if (q === neg) k++;
        if (tv !== 0 && tv !== 1 && tv !== -1) badLabels++;
      }
      if (Number.isNaN(pos) || k === 0) { values[b] = NaN; for (let j = 0; j < D; j++) grad[o + j] = NaN; continue; }
      const m = neg - pos + 1;
      values[b] = m >= 0 ? m : 0;
      if (k > 1) ties++;
      if (!(m >= 0)) continue;
      const g = up[b];
      const gk = g / k;
      for (let j = 0; j < D; j++) {
        const tv = td[o + j];
        let gj = -g * tv;
        if ((1 - tv) * pd[o + j] === neg) gj += gk * (1 - tv);
        grad[o + j] = gj;
      }
    }
    if (ties > 0) {
      ctx.trace.notes.push(`${ties} row(s) have several entries tied for neg = max((1 − y_true)·y_pred); as TF's reduce_max, the gradient of neg is split equally among them.`);
    }
    if (badLabels > 0) {
      warnOnce(ctx.trace, 'categorical-hinge-labels', `${badLabels} y_true value(s) are not 0, 1 or −1: CategoricalHinge expects one-hot rows (pass integer class indices through keras.utils.to_categorical first).`);
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Multi-class margin loss: the true class score must beat the best other score by 1.',
    formula: 'pos = Σ(y_true·y_pred, axis=−1), neg = max((1 − y_true)·y_pred, axis=−1)\nloss = max(neg − pos + 1, 0)\ngradient: −y_true + (1 − y_true)·[argmax of neg]/(number of tied maxima), where neg − pos + 1 ≥ 0',
    domain: 'y_true one-hot rows (the docstring also allows −1/+1); y_pred raw class scores. No label conversion. Broadcasting after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample (one value per row, no mean over classes); default reduction sum_over_batch_size.',
    pitfalls: [
      'The target slot contributes (1 − 1)·p = 0 to neg, so neg ≥ 0: when every wrong-class score is negative the loss is still 1 − p_true (p = [−2 (true), −1, −3] gives 3 in Keras, 2 in optax).',
      'Integer class labels are not accepted: (B,) indices against (B, C) scores broadcast along the class axis (or raise). One-hot encode them.',
      'Only the single best wrong class is penalised (max, not a sum): PyTorch MultiMarginLoss sums over all wrong classes and divides by C.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.MultiMarginLoss(p=1, margin=1.0)', note: 'Σ_{j≠y} max(0, 1 − x_y + x_j)/C with integer targets: sums every wrong class' },
      { framework: 'Optax', name: 'optax.multiclass_hinge_loss(scores, labels)', note: 'integer labels; max over the wrong classes only, without the 0 floor of Keras\'s neg' },
      { framework: 'TF.js', name: "model.compile({loss: 'categoricalHinge'})", note: 'same formula' },
    ],
  },
};

export const HINGE: LossSpec[] = [Hinge, SquaredHinge, CategoricalHinge];
