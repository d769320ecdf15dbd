/**
 * optax classification losses (optax/losses/_classification.py): sigmoid and softmax cross-entropies (one-hot or
 * probability labels, integer labels, the -inf-safe variant, PolyLoss), focal loss, KL divergences, binary and
 * multiclass hinge / perceptron / sparsemax losses. y_pred = logits/scores/log_predictions, y_true =
 * labels/targets; one value per example, no reduction.
 */
import type { Config, KernelContext, LossSpec } from '../spec';
import type { Tensor } from '../tensor';
import { LossInspectorError } from '../errors';
import { warnOnce } from '../losses/common';
import {
  optaxSpec, optaxAxes, rowsOver, whereMask, perRow, logSumExp, logSigmoid, sigmoid, integerLabel, requireSameShape,
  dMax, AXIS, WHERE, type Rows,
} from './common';

const NO_REDUCE = 'optax does not reduce: one value per example; write `.mean()` for the batch loss.';
const ORDER = 'Argument order (logits, labels): the reverse of Keras\'s (y_true, y_pred).';

function elementwise(t: Tensor, p: Tensor, ctx: KernelContext, f: (x: number, y: number) => [number, number]): { values: Tensor; grad: Float64Array } {
  const n = p.data.length;
  const values = new Float64Array(n);
  const up = ctx.upstream(p.shape);
  const grad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [v, d] = f(p.data[i], t.data[i]);
    values[i] = ctx.round(v);
    grad[i] = up[i] * d;
  }
  return { values: { data: values, shape: p.shape.slice() }, grad };
}

/** Rows over `axis` with the `where` mask of a probability-label loss (labels already broadcast to the logits). */
function labelRows(p: Tensor, cfg: Config, ctx: KernelContext): { rows: Rows; mask: Uint8Array | null } {
  const axes = optaxAxes(ctx.loss, p.shape.length, cfg.axis ?? -1);
  return { rows: rowsOver(p.shape, axes), mask: whereMask(ctx.loss, p.shape, cfg.where ?? null, cfg.axis) };
}

/** −Σ t·log_softmax(x) over the included elements; gradient Σt·softmax − t. */
function softmaxCE(x: Float64Array, y: Float64Array, m: Uint8Array, g: Float64Array): number {
  const lse = logSumExp(x, m);
  let v = 0, ty = 0;
  for (let j = 0; j < x.length; j++) if (m[j]) { v -= y[j] * (x[j] - lse); ty += y[j]; }
  for (let j = 0; j < x.length; j++) if (m[j]) g[j] = ty * Math.exp(x[j] - lse) - y[j];
  return v;
}

const sigmoidBCE = optaxSpec({
  name: 'sigmoid_binary_cross_entropy', family: 'probabilistic', aliases: ['optax.sigmoid_binary_cross_entropy_with_logits'],
  compute(t, p, _cfg, ctx) {
    // −t·log σ(x) − (1 − t)·log σ(−x); d/dx = σ(x) − t
    return elementwise(t, p, ctx, (x, y) => [-y * logSigmoid(x) - (1 - y) * logSigmoid(-x), sigmoid(x) - y]);
  },
  example: { yTrue: [[0, 1, 0.3], [1, 0, 1]], yPred: [[-1.2, 0.4, 2.1], [3, -0.5, 0.7]] },
  sweep: { kind: 'logit', range: [-6, 6] },
  doc: {
    summary: 'Elementwise binary cross-entropy on logits (sigmoid inside, computed stably with log_sigmoid).',
    formula: 'loss_i = −labels_i·log σ(logits_i) − (1 − labels_i)·log σ(−logits_i)\nd/dlogits = σ(logits) − labels',
    domain: 'logits: any real numbers (not probabilities). labels: in [0, 1] (soft labels allowed), broadcast against logits.',
    output: 'Same shape as logits. ' + NO_REDUCE,
    pitfalls: [
      ORDER,
      'Takes logits only: passing sigmoid outputs squashes them twice (there is no from_logits switch).',
      'No ε and no clamp: a logit of ±1000 on the wrong side costs 1000 (Keras\'s probability path saturates at 15.94, torch BCELoss at 100).',
    ],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.BinaryCrossentropy(from_logits=True)', note: 'mean over the last axis, then the batch: equals .mean() for equal rows' },
      { framework: 'PyTorch', name: 'torch.nn.BCEWithLogitsLoss()', note: "reduction='mean' equals .mean()" },
    ],
  },
});

const sigmoidFocal = optaxSpec({
  name: 'sigmoid_focal_loss', family: 'probabilistic',
  params: [
    { name: 'alpha', type: 'floatOrNone', default: null, min: 0, max: 1, doc: 'Weight of the positive class (α·t + (1 − α)(1 − t)); None: no weighting.' },
    { name: 'gamma', type: 'float', default: 2.0, min: 0, doc: 'Focusing exponent on (1 − p_t).', ui: { min: 0, max: 5, step: 0.1 } },
  ],
  compute(t, p, cfg, ctx) {
    const gamma = cfg.gamma as number, alpha = cfg.alpha as number | null;
    return elementwise(t, p, ctx, (x, y) => {
      const ce = -y * logSigmoid(x) - (1 - y) * logSigmoid(-x);
      // 1 − p_t = y(1 − σ(x)) + (1 − y)σ(x), taken in log space from the larger of {y, 1 − y} for stability.
      const big = y >= 0.5;
      const yp = big ? y : 1 - y, xp = big ? -x : x;
      const z = -xp + Math.log1p(-yp) - Math.log(yp);
      const logM = logSigmoid(xp) + Math.log(yp) + (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
      const w = Math.exp(gamma * logM);
      const s = sigmoid(x);
      const dM = (1 - 2 * y) * s * (1 - s); // d(1 − p_t)/dx
      const dw = gamma === 0 ? 0 : gamma * Math.exp((gamma - 1) * logM) * dM;
      const a = alpha === null ? 1 : alpha * y + (1 - alpha) * (1 - y);
      return [a * ce * w, a * ((s - y) * w + ce * dw)];
    });
  },
  example: { yTrue: [[0, 0, 1], [1, 0, 0]], yPred: [[2, 0.1, -2], [0.3, -0.1, 1.2]] },
  sweep: { kind: 'logit', range: [-6, 6] },
  doc: {
    summary: 'Elementwise sigmoid focal loss: binary cross-entropy on logits scaled by (1 − p_t)^γ, optionally α-weighted.',
    formula: 'p = σ(logits), 1 − p_t = labels·(1 − p) + (1 − labels)·p\nloss_i = [α·labels + (1 − α)(1 − labels)]·BCE_logits·(1 − p_t)^γ',
    domain: 'logits: real numbers. labels: in [0, 1], broadcast against logits.',
    output: 'Same shape as logits. ' + NO_REDUCE,
    pitfalls: [ORDER, 'alpha=None by default (no class weighting), unlike torchvision\'s alpha=0.25 and Keras BinaryFocalCrossentropy(apply_class_balancing=False, alpha=0.25).', 'Logits only.'],
    equivalents: [
      { framework: 'torchvision', name: "torchvision.ops.sigmoid_focal_loss(logits, labels, alpha=0.25, gamma=2, reduction='none')", note: 'alpha 0.25 by default there' },
      { framework: 'Keras', name: 'keras.losses.BinaryFocalCrossentropy(from_logits=True)', note: 'mean over the last axis, then the batch' },
    ],
  },
});

const SM_PARAMS = [AXIS, WHERE];

const softmaxCrossEntropy = optaxSpec({
  name: 'softmax_cross_entropy', family: 'probabilistic', params: SM_PARAMS,
  compute(t, p, cfg, ctx) {
    const { rows, mask } = labelRows(p, cfg, ctx);
    return perRow(t, p, rows, mask, ctx, (x, y, m, g) => softmaxCE(x, y!, m, g));
  },
  example: { yTrue: [[0, 1, 0], [1, 0, 0]], yPred: [[10, 1, -2], [1, 4, 0.2]] },
  sweep: { kind: 'logit', range: [-6, 6] },
  doc: {
    summary: 'Softmax cross-entropy between logits and label distributions (one-hot or soft), per example.',
    formula: 'loss = −Σ_axis labels·log_softmax(logits) (over `where` only)\nd/dlogits = Σlabels·softmax(logits) − labels',
    domain: 'logits: real numbers along `axis` (default last). labels: a distribution per example (one-hot or probabilities), broadcast against logits.',
    output: 'logits.shape without `axis`. ' + NO_REDUCE,
    pitfalls: [
      ORDER,
      'Integer class indices go to optax.softmax_cross_entropy_with_integer_labels; here they would be read as (unnormalised) label weights.',
      'A −inf logit with label 0 gives NaN (0·−inf); optax.safe_softmax_cross_entropy handles it.',
      'Takes logits: softmax outputs passed here are softmaxed twice.',
    ],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.CategoricalCrossentropy(from_logits=True)', note: 'equals .mean() of this' },
      { framework: 'PyTorch', name: 'torch.nn.CrossEntropyLoss()(logits, probs)', note: 'class axis dim 1, not last; probability targets since 1.10' },
    ],
  },
});

const safeSoftmaxCrossEntropy = optaxSpec({
  name: 'safe_softmax_cross_entropy', family: 'probabilistic',
  compute(t, p, _cfg, ctx) {
    const rows = rowsOver(p.shape, optaxAxes(ctx.loss, p.shape.length, -1));
    return perRow(t, p, rows, null, ctx, (x, y, m, g) => {
      const lse = logSumExp(x, m);
      let v = 0, ty = 0;
      // where(labels != 0, labels·log_softmax, 0): a −inf logit with label 0 contributes 0, not NaN.
      for (let j = 0; j < x.length; j++) { if (y![j] !== 0) v -= y![j] * (x[j] - lse); ty += y![j]; }
      for (let j = 0; j < x.length; j++) g[j] = ty * Math.exp(x[j] - lse) - y![j];
      return v;
    });
  },
  example: { yTrue: [[0, 1, 0], [0.2, 0.5, 0.3]], yPred: [[10, 1, -2], [1, 4, 0.2]] },
  sweep: { kind: 'logit', range: [-6, 6] },
  doc: {
    summary: 'softmax_cross_entropy that tolerates −inf logits where the label is 0 (masked-out classes).',
    formula: 'loss = −Σ_last where(labels ≠ 0, labels·log_softmax(logits), 0)',
    domain: 'logits: real numbers or −inf along the last axis. labels: distributions, same layout.',
    output: 'logits.shape[:-1]. ' + NO_REDUCE,
    pitfalls: [ORDER, 'A −inf logit where the label is nonzero still gives inf.'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.CategoricalCrossentropy(from_logits=True)', note: 'NaN where this gives a number for −inf logits' }],
  },
});

const softmaxCEInt = optaxSpec({
  name: 'softmax_cross_entropy_with_integer_labels', family: 'probabilistic', inputs: 'custom', params: SM_PARAMS,
  compute(t, p, cfg, ctx) {
    const axes = optaxAxes(ctx.loss, p.shape.length, cfg.axis, true);
    const rows = rowsOver(p.shape, axes);
    const mask = whereMask(ctx.loss, p.shape, cfg.where, typeof cfg.axis === 'number' ? cfg.axis : undefined);
    if (t.data.length !== rows.B || (t.shape.length !== rows.outShape.length && !(t.shape.length === 0 && rows.B === 1)) || t.shape.some((d, i) => d !== rows.outShape[i])) {
      throw new LossInspectorError(`${ctx.loss}: argument \`labels\`: expected integer labels of shape (${rows.outShape.join(', ')}${rows.outShape.length === 1 ? ',' : ''}) (logits without the class axis), received shape (${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''}). One-hot labels go to optax.softmax_cross_entropy.`,
        { loss: ctx.loss, argument: 'labels', code: 'shape', expected: `shape (${rows.outShape.join(', ')})`, received: `shape (${t.shape.join(', ')})` });
    }
    let outOfRange = 0;
    const res = perRow(null, p, rows, mask, ctx, (x, _y, m, g, b) => {
      let lab = integerLabel(ctx, t.data[b]);
      const C = x.length;
      if (lab < 0 && lab >= -C) lab += C;
      let any = 0;
      for (let j = 0; j < C; j++) any |= m[j];
      if (!any) return 0; // jnp.where(any(where), out, 0)
      if (lab < 0 || lab >= C) { outOfRange++; return NaN; }
      const lse = logSumExp(x, m);
      for (let j = 0; j < C; j++) if (m[j]) g[j] = Math.exp(x[j] - lse);
      g[lab] -= 1;
      return lse - x[lab];
    });
    if (outOfRange) warnOnce(ctx.trace, 'optax-label-range', `${outOfRange} label(s) outside [0, ${rows.D}): JAX's take_along_axis fills NaN for an out-of-range index (no error is raised).`);
    return res;
  },
  example: { yTrue: [1, 0], yPred: [[10, 1, -2], [1, 4, 0.2]] },
  sweep: { kind: 'logit', range: [-6, 6] },
  doc: {
    summary: 'Softmax cross-entropy with integer class labels, per example: logsumexp(logits) − logits[label].',
    formula: 'loss = logsumexp(logits, axis, where) − logits[label]\nd/dlogits = softmax(logits) − one_hot(label)',
    domain: 'logits: real numbers, classes along `axis` (int or tuple, default last). labels: integer indices, shape = logits.shape without `axis`.',
    output: 'labels.shape. ' + NO_REDUCE,
    pitfalls: [
      ORDER,
      'No label_smoothing argument (optax.smooth_labels works on one-hot labels only): smooth one-hot labels and use softmax_cross_entropy.',
      'An out-of-range label gives NaN, not an error (torch raises; Keras SCCE gives NaN too).',
    ],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)', note: 'the same per-example values' },
      { framework: 'PyTorch', name: "torch.nn.CrossEntropyLoss(reduction='none')", note: 'class axis dim 1 for (N, C, d…) inputs' },
    ],
  },
});

const polyLoss = optaxSpec({
  name: 'poly_loss_cross_entropy', family: 'probabilistic',
  params: [{ name: 'epsilon', type: 'float', default: 2.0, doc: 'Coefficient of the Poly-1 term Σ labels·(1 − p).', ui: { min: -1, max: 6, step: 0.05 } }, AXIS, WHERE],
  compute(t, p, cfg, ctx) {
    const eps = cfg.epsilon as number;
    const { rows, mask } = labelRows(p, cfg, ctx);
    return perRow(t, p, rows, mask, ctx, (x, y, m, g) => {
      const ce = softmaxCE(x, y!, m, g);
      const lse = logSumExp(x, m);
      let s = 0, tp = 0;
      for (let j = 0; j < x.length; j++) if (m[j]) { const pj = Math.exp(x[j] - lse); s += y![j] * (1 - pj); tp += y![j] * pj; }
      // d/dx_k Σ t(1 − p) = p_k·(Σ t·p − t_k)
      for (let j = 0; j < x.length; j++) if (m[j]) g[j] += eps * Math.exp(x[j] - lse) * (tp - y![j]);
      return ce + eps * s;
    });
  },
  example: { yTrue: [[1, 0, 0], [0, 0.8, 0.2]], yPred: [[4, 2, 1], [0, 5, 1]] },
  sweep: { kind: 'logit', range: [-6, 6] },
  doc: {
    summary: 'Poly-1 cross-entropy (Leng et al. 2022): softmax cross-entropy plus ε·Σ labels·(1 − softmax).',
    formula: 'loss = softmax_cross_entropy(logits, labels) + ε·Σ_axis labels·(1 − softmax(logits))',
    domain: 'logits: real numbers. labels: distributions along `axis`.',
    output: 'logits.shape without `axis`. ' + NO_REDUCE,
    pitfalls: [ORDER, 'epsilon=0 gives plain softmax_cross_entropy; negative ε is allowed.'],
    equivalents: [{ framework: 'Keras', name: '—', note: 'no built-in; CategoricalCrossentropy(from_logits=True) at ε = 0' }],
  },
});

const KL_NOTE = 'Takes log-probabilities as predictions (like torch KLDivLoss), not probabilities like Keras KLDivergence.';

const klDivergence = optaxSpec({
  name: 'kl_divergence', family: 'probabilistic', params: SM_PARAMS,
  compute(t, p, cfg, ctx) {
    const { rows, mask } = labelRows(p, cfg, ctx);
    return perRow(t, p, rows, mask, ctx, (x, y, m, g) => {
      let v = 0;
      for (let j = 0; j < x.length; j++) if (m[j]) { const q = y![j]; v += q * ((q === 0 ? 0 : Math.log(q)) - x[j]); g[j] = -q; }
      return v;
    });
  },
  example: { yTrue: [[0.2, 0.2, 0.2, 0.1, 0.15, 0.15], [0.05, 0.03, 0.02, 0.3, 0.5, 0.1]], yPred: [[-2.9957, -3.5066, -3.912, -1.204, -0.6931, -2.3026], [-1.6094, -1.6094, -1.6094, -2.3026, -1.8971, -1.8971]] },
  sweep: { kind: 'raw', range: [-5, 0] },
  doc: {
    summary: 'KL(targets ‖ predictions) per example, with predictions given as log-probabilities.',
    formula: 'loss = Σ_axis targets·(log targets − log_predictions), with 0·log 0 = 0',
    domain: 'log_predictions: log-probabilities (≤ 0). targets: probabilities, broadcast.',
    output: 'Shape without `axis`. ' + NO_REDUCE,
    pitfalls: [ORDER + ' Here (log_predictions, targets).', KL_NOTE, 'A negative target gives NaN (log of a negative number).'],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.KLDivergence()(q, p)', note: 'takes probabilities p = exp(log_predictions), clipped to [1e-7, 1]' },
      { framework: 'PyTorch', name: "torch.nn.KLDivLoss(reduction='batchmean')(log_p, q)", note: "equals .mean(); reduction='mean' divides by C more" },
    ],
  },
});

const klLogTargets = optaxSpec({
  name: 'kl_divergence_with_log_targets', family: 'probabilistic', params: SM_PARAMS,
  compute(t, p, cfg, ctx) {
    const { rows, mask } = labelRows(p, cfg, ctx);
    return perRow(t, p, rows, mask, ctx, (x, y, m, g) => {
      let v = 0;
      for (let j = 0; j < x.length; j++) if (m[j]) { const q = Math.exp(y![j]); v += q * (y![j] - x[j]); g[j] = -q; }
      return v;
    });
  },
  example: { yTrue: [[-1.6094, -1.6094, -1.6094, -2.3026, -1.8971, -1.8971]], yPred: [[-2.9957, -3.5066, -3.912, -1.204, -0.6931, -2.3026]] },
  sweep: { kind: 'raw', range: [-5, 0] },
  doc: {
    summary: 'KL(targets ‖ predictions) per example, with both given as log-probabilities.',
    formula: 'loss = Σ_axis exp(log_targets)·(log_targets − log_predictions)',
    domain: 'log_predictions and log_targets: log-probabilities.',
    output: 'Shape without `axis`. ' + NO_REDUCE,
    pitfalls: [ORDER, 'A −inf log-target gives NaN (0·inf), as torch KLDivLoss(log_target=True) does.'],
    equivalents: [{ framework: 'PyTorch', name: "torch.nn.KLDivLoss(reduction='batchmean', log_target=True)", note: 'equals .mean()' }],
  },
});

const generalizedKL = optaxSpec({
  name: 'generalized_kl_divergence', family: 'probabilistic', params: SM_PARAMS, aliases: ['optax.convex_kl_divergence', 'optax.losses.convex_kl_divergence'],
  compute(t, p, cfg, ctx) {
    const { rows, mask } = labelRows(p, cfg, ctx);
    return perRow(t, p, rows, mask, ctx, (x, y, m, g) => {
      let v = 0;
      for (let j = 0; j < x.length; j++) if (m[j]) { const q = y![j], e = Math.exp(x[j]); v += q * ((q === 0 ? 0 : Math.log(q)) - x[j]) + e - q; g[j] = e - q; }
      return v;
    });
  },
  example: { yTrue: [[0.2, 0.2, 0.2, 0.1, 0.15, 0.15]], yPred: [[-2.9957, -3.5066, -3.912, -1.204, -0.6931, -2.3026]] },
  sweep: { kind: 'raw', range: [-5, 0] },
  doc: {
    summary: 'Generalised KL divergence for unnormalised measures: kl_divergence + Σ(exp(log_predictions) − targets). convex_kl_divergence is its deprecated name.',
    formula: 'loss = Σ_axis [targets·(log targets − log_predictions) + exp(log_predictions) − targets]',
    domain: 'log_predictions: logs of non-negative measures. targets: non-negative.',
    output: 'Shape without `axis`. ' + NO_REDUCE,
    pitfalls: [ORDER, 'Equals kl_divergence when both sides sum to 1.'],
    equivalents: [{ framework: 'PyTorch', name: '—', note: 'no built-in' }],
  },
});

const SIGNED = 'targets are signed labels in {−1, +1}; 0/1 labels make every negative example a zero loss.';

const hingeLoss = optaxSpec({
  name: 'hinge_loss', family: 'hinge',
  compute(t, p, _cfg, ctx) {
    // max(0, 1 − x·y): JAX's max gives ½ of the slope at a zero argument.
    return elementwise(t, p, ctx, (x, y) => { const a = 1 - x * y; return [Math.max(0, a), -y * dMax(a, 0)]; });
  },
  example: { yTrue: [1, -1, 1, -1], yPred: [0.3, 0.5, 2, -3] },
  sweep: { kind: 'raw', range: [-3, 3] },
  doc: {
    summary: 'Elementwise binary hinge loss max(0, 1 − outputs·targets).',
    formula: 'loss_i = max(0, 1 − predictor_outputs_i·targets_i)',
    domain: 'predictor_outputs: real scores. ' + SIGNED,
    output: 'Broadcast shape. ' + NO_REDUCE,
    pitfalls: [ORDER + ' Here (predictor_outputs, targets).', 'Keras Hinge converts 0/1 labels to ±1 itself; optax does not.'],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.Hinge()', note: 'mean over the last axis, labels 0/1 converted to ±1' },
      { framework: 'PyTorch', name: "torch.nn.MarginRankingLoss(margin=1)(x, zeros, y)", note: 'same per element; torch HingeEmbeddingLoss is another function' },
    ],
  },
});

const perceptronLoss = optaxSpec({
  name: 'perceptron_loss', family: 'hinge', inputs: 'custom',
  compute(t, p, _cfg, ctx) {
    requireSameShape(ctx, t, p, 'targets', 'predictor_outputs');
    return elementwise(t, p, ctx, (x, y) => { const a = -x * y; return [Math.max(0, a), -y * dMax(a, 0)]; });
  },
  example: { yTrue: [1, -1, 1, -1], yPred: [0.3, 0.5, -2, -3] },
  sweep: { kind: 'raw', range: [-3, 3] },
  doc: {
    summary: 'Elementwise binary perceptron loss max(0, −outputs·targets).',
    formula: 'loss_i = max(0, −predictor_outputs_i·targets_i)',
    domain: 'predictor_outputs: real scores, same shape as targets. ' + SIGNED,
    output: 'Same shape. ' + NO_REDUCE,
    pitfalls: [ORDER, 'Zero margin: a correct score of any size costs 0.'],
    equivalents: [{ framework: 'Keras', name: '—', note: 'no built-in' }],
  },
});

const sparsemaxLoss = optaxSpec({
  name: 'sparsemax_loss', family: 'hinge', aliases: ['optax.binary_sparsemax_loss', 'optax.losses.binary_sparsemax_loss'],
  compute(t, p, _cfg, ctx) {
    // sparse_plus(where(labels, −x, x)): 0 for z ≤ −1, (z + 1)²/4 inside, z for z ≥ 1.
    return elementwise(t, p, ctx, (x, y) => {
      const s = y !== 0 ? -1 : 1, z = s * x;
      if (z <= -1) return [0, 0];
      if (z >= 1) return [z, s];
      return [(z + 1) * (z + 1) / 4, s * (z + 1) / 2];
    });
  },
  example: { yTrue: [1, 0, 1, 0], yPred: [0.3, 0.5, 2, -3] },
  sweep: { kind: 'logit', range: [-3, 3] },
  doc: {
    summary: 'Binary sparsemax loss: a smooth hinge (sparse_plus) on the signed logit, zero once the margin reaches 1.',
    formula: 'loss_i = sparse_plus(labels_i ? −logits_i : logits_i), sparse_plus(z) = 0 | (z + 1)²/4 | z',
    domain: 'logits: real numbers. labels: 0/1 (any nonzero label counts as 1).',
    output: 'Broadcast shape. ' + NO_REDUCE,
    pitfalls: [ORDER, 'Labels are 0/1 here, while hinge_loss wants ±1.'],
    equivalents: [{ framework: 'Keras', name: '—', note: 'no built-in' }],
  },
});

/** Checks (scores (..., C), labels (...)) and returns the labels; shared by the multiclass losses. */
function multiclassRows(t: Tensor, p: Tensor, ctx: KernelContext): Rows {
  const rows = rowsOver(p.shape, optaxAxes(ctx.loss, p.shape.length, -1));
  if (t.data.length !== rows.B || t.shape.length !== rows.outShape.length || t.shape.some((d, i) => d !== rows.outShape[i])) {
    throw new LossInspectorError(`${ctx.loss}: argument \`labels\`: expected integer labels of shape (${rows.outShape.join(', ')}${rows.outShape.length === 1 ? ',' : ''}) (scores without the last axis), received shape (${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''}).`,
      { loss: ctx.loss, argument: 'labels', code: 'shape', expected: `shape (${rows.outShape.join(', ')})`, received: `shape (${t.shape.join(', ')})` });
  }
  return rows;
}

/** max_j(s_j + margin·[j ≠ y]) − s_y with JAX's gradient of max (shared equally among ties); one_hot of an out-of-range label is all zeros. */
function multiclassMargin(t: Tensor, p: Tensor, ctx: KernelContext, margin: number): { values: Tensor; grad: Float64Array } {
  const rows = multiclassRows(t, p, ctx);
  return perRow(null, p, rows, null, ctx, (x, _y, _m, g, b) => {
    const lab = integerLabel(ctx, t.data[b]);
    let mx = -Infinity;
    const C = x.length;
    const sh = (j: number) => x[j] + (j === lab ? 0 : margin);
    for (let j = 0; j < C; j++) mx = Math.max(mx, sh(j));
    let ties = 0;
    for (let j = 0; j < C; j++) if (sh(j) === mx) ties++;
    for (let j = 0; j < C; j++) if (sh(j) === mx) g[j] += 1 / ties;
    if (lab >= 0 && lab < C) { g[lab] -= 1; return mx - x[lab]; }
    return mx;
  });
}

const multiclassHinge = optaxSpec({
  name: 'multiclass_hinge_loss', family: 'hinge', inputs: 'custom',
  compute: (t, p, _cfg, ctx) => multiclassMargin(t, p, ctx, 1),
  example: { yTrue: [1, 0], yPred: [[10, 3, 1], [11, -2, 0.5]] },
  sweep: { kind: 'raw', range: [-3, 3] },
  doc: {
    summary: 'Multiclass (Crammer–Singer) hinge loss: the worst margin violation max_j(s_j + 1 − [j = y]) − s_y.',
    formula: 'loss = max_j(scores_j + 1 − one_hot(label)_j) − scores[label]',
    domain: 'scores: real numbers (..., C). labels: integer indices (...).',
    output: 'labels.shape. ' + NO_REDUCE,
    pitfalls: [ORDER + ' Here (scores, labels).', 'torch MultiMarginLoss sums the violations over all wrong classes and divides by C instead of taking the worst.'],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.CategoricalHinge()', note: 'same worst-class margin with one-hot labels' },
      { framework: 'PyTorch', name: 'torch.nn.MultiMarginLoss()', note: 'Σ over wrong classes / C' },
    ],
  },
});

const multiclassPerceptron = optaxSpec({
  name: 'multiclass_perceptron_loss', family: 'hinge', inputs: 'custom',
  compute: (t, p, _cfg, ctx) => multiclassMargin(t, p, ctx, 0),
  example: { yTrue: [1, 0], yPred: [[10, 3, 1], [11, -2, 0.5]] },
  sweep: { kind: 'raw', range: [-3, 3] },
  doc: {
    summary: 'Multiclass perceptron loss max_j s_j − s_y: zero once the true class has the top score.',
    formula: 'loss = max_j scores_j − scores[label]',
    domain: 'scores: real numbers (..., C). labels: integer indices (...).',
    output: 'labels.shape. ' + NO_REDUCE,
    pitfalls: [ORDER],
    equivalents: [{ framework: 'Keras', name: '—', note: 'no built-in' }],
  },
});

/** Euclidean projection onto the simplex (sparsemax). */
function projectSimplex(z: Float64Array): Float64Array {
  const s = Array.from(z).sort((a, b) => b - a);
  let cum = 0, k = 0, cumK = 0;
  for (let i = 0; i < s.length; i++) {
    cum += s[i];
    if (1 + (i + 1) * s[i] > cum) { k = i + 1; cumK = cum; }
  }
  const tau = (cumK - 1) / k;
  return z.map((v) => Math.max(v - tau, 0));
}

const multiclassSparsemax = optaxSpec({
  name: 'multiclass_sparsemax_loss', family: 'hinge', inputs: 'custom',
  compute(t, p, _cfg, ctx) {
    const rows = multiclassRows(t, p, ctx);
    return perRow(null, p, rows, null, ctx, (x, _y, _m, g, b) => {
      const lab = integerLabel(ctx, t.data[b]);
      const pr = projectSimplex(x);
      let v = 0, pp = 0;
      for (let j = 0; j < x.length; j++) {
        if (pr[j] !== 0 && j !== lab) v += pr[j] * (x[j] - x[lab]);
        pp += pr[j] * pr[j];
        g[j] = pr[j]; // Fenchel–Young: the gradient is sparsemax(scores) − one_hot(label)
      }
      g[lab] -= 1;
      return v + 0.5 * (1 - pp);
    });
  },
  example: { yTrue: [1, 0], yPred: [[0.4, 0.9, 0.1], [1.2, 0.3, 0.8]] },
  sweep: { kind: 'raw', range: [-3, 3] },
  doc: {
    summary: 'Multiclass sparsemax loss (Martins & Astudillo 2016): the Fenchel–Young loss of sparsemax; zero once the true class wins by a margin of 1.',
    formula: 'p = sparsemax(scores); loss = Σ_{j≠y, p_j>0} p_j·(s_j − s_y) + ½(1 − ‖p‖²)\nd/dscores = p − one_hot(y)',
    domain: 'scores: real numbers (N, C). labels: integer indices (N,).',
    output: '(N,). ' + NO_REDUCE,
    pitfalls: [ORDER],
    equivalents: [{ framework: 'Keras', name: '—', note: 'no built-in' }],
  },
});

export const OPTAX_CLASSIFICATION: LossSpec[] = [
  sigmoidBCE, sigmoidFocal, softmaxCrossEntropy, safeSoftmaxCrossEntropy, softmaxCEInt, polyLoss,
  klDivergence, klLogTargets, generalizedKL, hingeLoss, perceptronLoss, sparsemaxLoss,
  multiclassHinge, multiclassPerceptron, multiclassSparsemax,
];
