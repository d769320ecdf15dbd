/**
 * optax regression losses (optax/losses/_regression.py): squared_error, l2_loss, huber_loss, log_cosh,
 * cosine_similarity, cosine_distance. Elementwise ones return one value per element; the cosine ones one per
 * vector. No reduction: `.mean()` is the user's.
 */
import type { KernelContext, LossSpec, Config } from '../spec';
import type { Tensor } from '../tensor';
import { optaxSpec, requireSameShape, optaxAxes, rowsOver, whereMask, AXIS, WHERE, dMax } from './common';

const ORDER = 'Argument order (predictions, targets): the reverse of Keras\'s (y_true, y_pred).';
const NO_REDUCE = 'optax does not reduce: the result has one value per element; write `.mean()` for the MSE-style number.';

/** An elementwise loss f(e), e = predictions − targets: value and df/de, in float64, rounded to the arrays' dtype. */
function elementwise(t: Tensor, p: Tensor, ctx: KernelContext, f: (e: number) => [number, number]): { values: Tensor; grad: Float64Array } {
  const n = p.data.length;
  const values = new Float64Array(n);
  const up = ctx.upstream(p.shape);
  const grad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = ctx.round(p.data[i] - t.data[i]);
    const [v, d] = f(e);
    values[i] = ctx.round(v);
    grad[i] = up[i] * d;
  }
  return { values: { data: values, shape: p.shape.slice() }, grad };
}

const squaredError = optaxSpec({
  name: 'squared_error', family: 'regression', inputs: 'custom',
  compute(t, p, _cfg, ctx) {
    requireSameShape(ctx, t, p, 'targets', 'predictions');
    // float32: (p − t) is rounded, then its square (XLA rounds each op).
    return elementwise(t, p, ctx, (e) => [ctx.round(e * e), 2 * e]);
  },
  example: { yTrue: [-1.5, 0, -1, 1], yPred: [-2, -1, 0.5, 1.2] },
  sweep: { kind: 'error', range: [-3, 3] },
  doc: {
    summary: 'Elementwise squared error (predictions − targets)²; MSE is `squared_error(p, t).mean()`.',
    formula: 'loss_i = (predictions_i − targets_i)²\nd/dpredictions = 2·(predictions − targets)',
    domain: 'Float arrays of equal shape (optax checks the shapes; no broadcasting). targets=None means zeros.',
    output: 'Same shape as predictions. ' + NO_REDUCE,
    pitfalls: [ORDER, 'optax.l2_loss is half of this: 0.5·(p − t)², so its mean is half of Keras MeanSquaredError.', 'Integer arrays are refused (optax checks a floating dtype).'],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.MeanSquaredError()', note: 'mean over the last axis per sample, then over the batch: equals squared_error(p, t).mean()' },
      { framework: 'PyTorch', name: "torch.nn.MSELoss(reduction='none')", note: 'same elementwise values; the default reduction=\'mean\' equals .mean()' },
    ],
  },
});

const l2Loss = optaxSpec({
  name: 'l2_loss', family: 'regression', inputs: 'custom',
  compute(t, p, _cfg, ctx) {
    requireSameShape(ctx, t, p, 'targets', 'predictions');
    return elementwise(t, p, ctx, (e) => [0.5 * ctx.round(e * e), e]);
  },
  example: { yTrue: [-1.5, 0, -1, 1], yPred: [-2, -1, 0.5, 1.2] },
  sweep: { kind: 'error', range: [-3, 3] },
  doc: {
    summary: 'Half the elementwise squared error, 0.5·(predictions − targets)² (Bishop\'s convention).',
    formula: 'loss_i = 0.5·(predictions_i − targets_i)²\nd/dpredictions = predictions − targets',
    domain: 'Float arrays of equal shape (optax checks the shapes; no broadcasting). targets=None means zeros.',
    output: 'Same shape as predictions. ' + NO_REDUCE,
    pitfalls: [ORDER, 'The 0.5: `l2_loss(p, t).mean()` is half of Keras MeanSquaredError and of torch MSELoss; use optax.squared_error for those numbers.'],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.MeanSquaredError()', note: 'twice l2_loss(p, t).mean()' },
      { framework: 'PyTorch', name: 'torch.nn.MSELoss()', note: 'twice l2_loss(p, t).mean()' },
    ],
  },
});

const huberLoss = optaxSpec({
  name: 'huber_loss', family: 'regression',
  params: [{ name: 'delta', type: 'float', default: 1.0, doc: 'Where the quadratic part turns linear.', ui: { min: 0.05, max: 5, step: 0.05 } }],
  compute(t, p, cfg, ctx) {
    const delta = ctx.round(cfg.delta as number);
    return elementwise(t, p, ctx, (e) => {
      const a = Math.abs(e);
      const q = Math.min(a, delta);
      // d min(a, δ)/da: 1 below δ, JAX's ½ at the tie, 0 above; d/da (0.5·q² + δ·(a − q)) = q·dq + δ·(1 − dq).
      const dq = dMax(delta, a);
      const da = q * dq + delta * (1 - dq);
      return [0.5 * q * q + delta * (a - q), Math.sign(e) * da];
    });
  },
  example: { yTrue: [0, -0.5, 0, 1, 1, 2, 0.3], yPred: [-2, 0.5, 0.2, 0.5, 2.5, 4, 132] },
  sweep: { kind: 'error', range: [-3, 3] },
  doc: {
    summary: 'Elementwise Huber loss: 0.5·e² for |e| ≤ δ, δ·(|e| − δ/2) beyond (gradient = l2_loss\'s clipped to [−δ, δ]).',
    formula: 'q = min(|e|, δ), loss_i = 0.5·q² + δ·(|e| − q), e = predictions − targets\nd/dpredictions = clip(e, −δ, δ)',
    domain: 'Float arrays; targets broadcast against predictions. targets=None means zeros.',
    output: 'Same shape as predictions. ' + NO_REDUCE,
    pitfalls: [ORDER, 'Keras Huber(delta) is huber_loss(p, t, delta).mean() (mean over the last axis, then the batch); torch HuberLoss(delta) too. torch SmoothL1Loss(beta) is huber_loss/beta.'],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.Huber(delta)', note: 'equals huber_loss(p, t, delta=delta).mean()' },
      { framework: 'PyTorch', name: 'torch.nn.HuberLoss(delta=delta)', note: "reduction='mean' equals .mean()" },
      { framework: 'PyTorch', name: 'torch.nn.SmoothL1Loss(beta=delta)', note: 'huber_loss / delta: a factor δ apart unless δ = 1' },
    ],
  },
});

const logCosh = optaxSpec({
  name: 'log_cosh', family: 'regression',
  compute(t, p, _cfg, ctx) {
    return elementwise(t, p, ctx, (e) => {
      const a = Math.abs(e);
      // logaddexp(e, −e) − log 2 = |e| + log1p(exp(−2|e|)) − log 2 (no overflow for large |e|)
      const v = a + Math.log1p(Math.exp(-2 * a)) - Math.LN2;
      return [v, Math.tanh(e)];
    });
  },
  example: { yTrue: [-200, -1.5, 0, -1, 1], yPred: [500, -2, -1, 0.5, 1.3] },
  sweep: { kind: 'error', range: [-3, 3] },
  doc: {
    summary: 'Elementwise log(cosh(predictions − targets)): ≈ e²/2 near 0, |e| − log 2 far away.',
    formula: 'loss_i = logaddexp(e, −e) − log 2, e = predictions − targets\nd/dpredictions = tanh(e)',
    domain: 'Float arrays; targets broadcast. targets=None means zeros.',
    output: 'Same shape as predictions. ' + NO_REDUCE,
    pitfalls: [ORDER, 'Keras LogCosh averages over the last axis first; .mean() over everything gives the same number for equal-length rows.'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.LogCosh()', note: 'equals log_cosh(p, t).mean()' }],
  },
});

/** cosine similarity over `axis` with optax's clip of the squared norms at `epsilon`; sign −1 gives the distance's gradient. */
function cosine(t: Tensor, p: Tensor, cfg: Config, ctx: KernelContext, distance: boolean): { values: Tensor; grad: Float64Array } {
  const axes = optaxAxes(ctx.loss, p.shape.length, cfg.axis);
  const rows = rowsOver(p.shape, axes);
  const mask = whereMask(ctx.loss, p.shape, cfg.where);
  const eps = cfg.epsilon as number;
  const { B, D, idx } = rows;
  const values = new Float64Array(B);
  const up = ctx.upstream(rows.outShape);
  const grad = new Float64Array(p.data.length);
  const s = distance ? -1 : 1;
  for (let b = 0; b < B; b++) {
    let na2 = 0, nb2 = 0, dot = 0;
    for (let j = 0; j < D; j++) {
      const k = idx[b * D + j];
      if (mask && !mask[k]) continue;
      const x = p.data[k], y = t.data[k];
      na2 += x * x; nb2 += y * y; dot += x * y;
    }
    const na = Math.sqrt(Math.max(na2, eps)), nb = Math.sqrt(Math.max(nb2, eps));
    const cos = dot / (na * nb);
    values[b] = ctx.round(distance ? 1 - ctx.round(cos) : cos);
    // d cos/dx_k = y_k/(na·nb) − cos·x_k/na² · d(na2 clipped)/d na2 (JAX: ½ at the clip's tie)
    const dClip = dMax(na2, eps);
    for (let j = 0; j < D; j++) {
      const k = idx[b * D + j];
      if (mask && !mask[k]) continue;
      grad[k] = s * up[b] * (t.data[k] / (na * nb) - cos * p.data[k] / (na * na) * dClip);
    }
  }
  return { values: { data: values, shape: rows.outShape }, grad };
}

const COS_PARAMS = [
  { name: 'epsilon', type: 'float' as const, default: 0.0, min: 0, doc: 'Lower clip of the squared norms (not the norms): the effective minimum norm is √epsilon. 0 = none, so a zero vector gives NaN.' },
  AXIS, WHERE,
];

const cosineSimilarity = optaxSpec({
  name: 'cosine_similarity', family: 'similarity', params: COS_PARAMS,
  compute: (t, p, cfg, ctx) => cosine(t, p, cfg, ctx, false),
  example: { yTrue: [[0, 1.2, 0.2], [1, -0.3, 0]], yPred: [[10, 1, -2], [1, 4, 0.2]] },
  sweep: { kind: 'raw', range: [-3, 3] },
  doc: {
    summary: 'Cosine of the angle between predictions and targets along `axis`: +1 for the same direction (a similarity, not a loss to minimise).',
    formula: 'cos = Σ (p/‖p‖)(t/‖t‖), ‖x‖ = sqrt(max(Σx², epsilon)) over axis (and where)',
    domain: 'Float vectors [..., dim]; targets broadcast.',
    output: 'Shape predictions.shape without `axis`. ' + NO_REDUCE,
    pitfalls: [ORDER, 'Keras CosineSimilarity is −cos (a loss: minimise it); torch CosineEmbeddingLoss with target 1 is 1 − cos = optax.cosine_distance.', 'epsilon=0 by default: a zero vector gives NaN (torch adds 1e-12 to the squared norms; Keras l2-normalises with ε 1e-12).'],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.CosineSimilarity()', note: 'returns −cos, averaged over the batch' },
      { framework: 'PyTorch', name: 'torch.nn.functional.cosine_similarity(p, t, dim=-1)', note: 'same value (eps on the norm product)' },
    ],
  },
});

const cosineDistance = optaxSpec({
  name: 'cosine_distance', family: 'similarity', params: COS_PARAMS,
  compute: (t, p, cfg, ctx) => cosine(t, p, cfg, ctx, true),
  example: { yTrue: [[0, 1.2, 0.2], [1, -0.3, 0]], yPred: [[10, 1, -2], [1, 4, 0.2]] },
  sweep: { kind: 'raw', range: [-3, 3] },
  doc: {
    summary: 'Cosine distance 1 − cos(predictions, targets) along `axis`: 0 for the same direction, 2 for opposite.',
    formula: 'loss = 1 − cosine_similarity(predictions, targets, epsilon, axis, where)',
    domain: 'Float vectors [..., dim]; targets broadcast.',
    output: 'Shape predictions.shape without `axis`. ' + NO_REDUCE,
    pitfalls: [ORDER, 'Keras CosineSimilarity is −cos, so it is cosine_distance − 1 (mean over the batch): the same gradient, another range.'],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.CosineSimilarity()', note: '−cos = cosine_distance − 1' },
      { framework: 'PyTorch', name: 'torch.nn.CosineEmbeddingLoss()', note: 'with target +1: 1 − cos (eps 1e-12 on the squared norms)' },
    ],
  },
});

export const OPTAX_REGRESSION: LossSpec[] = [squaredError, l2Loss, huberLoss, logCosh, cosineSimilarity, cosineDistance];
