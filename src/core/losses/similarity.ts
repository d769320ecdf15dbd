/** Similarity losses (Keras 3): CosineSimilarity. */
import type { Config, KernelContext, LossSpec } from '../spec';
import { LossInspectorError, pyRepr } from '../errors';
import { type Shape, shapeStr, stridesOf } from '../tensor';
import { warnOnce } from './common';

/**
 * How a reduction over `axis` (int, list, or None = all) splits a row-major tensor. `rows`: the reduced axes are
 * the trailing ones, so each output element owns a contiguous run of `len` inputs. Otherwise `index` maps every
 * input element to its output element. Throws like Keras on an out-of-range or repeated axis.
 */
function reductionLayout(ctx: KernelContext, shape: Shape, axis: Config[string]):
  { outShape: Shape; len: number; rows: boolean; index: Int32Array | null } {
  const r = shape.length;
  let axes: number[];
  if (axis === null || axis === undefined) axes = [...Array(r).keys()];
  else {
    const list = (Array.isArray(axis) ? axis : [axis]) as number[];
    axes = [];
    for (const a0 of list) {
      const a = a0 < 0 ? a0 + r : a0;
      if (!(a >= 0 && a < r)) {
        throw new LossInspectorError(`${ctx.loss}: argument \`axis\`: axis ${a0} is out of range for inputs of rank ${r} (shape ${shapeStr(shape)}).`,
          { loss: ctx.loss, argument: 'axis', code: 'param', expected: `an axis in [${-r}, ${r})`, received: pyRepr(axis) });
      }
      if (axes.includes(a)) {
        throw new LossInspectorError(`${ctx.loss}: argument \`axis\`: duplicate axis ${a0} in ${pyRepr(axis)}.`,
          { loss: ctx.loss, argument: 'axis', code: 'param', expected: 'distinct axes', received: pyRepr(axis) });
      }
      axes.push(a);
    }
    axes.sort((x, y) => x - y);
  }
  const outShape = shape.filter((_, k) => !axes.includes(k));
  let len = 1;
  for (const a of axes) len *= shape[a];
  const trailing = axes.every((a, k) => a === r - axes.length + k);
  if (trailing) return { outShape, len, rows: true, index: null };
  // General case: output index of every input element (strides of the output for kept axes, 0 for reduced ones).
  const outStrides = stridesOf(outShape);
  const strideIn: number[] = [];
  for (let k = 0, o = 0; k < r; k++) strideIn.push(axes.includes(k) ? 0 : outStrides[o++]);
  const n = shape.reduce((s, d) => s * d, 1);
  const index = new Int32Array(n);
  const pos = new Array<number>(r).fill(0);
  for (let i = 0, out = 0; i < n; i++) {
    index[i] = out;
    for (let k = r - 1; k >= 0; k--) {
      pos[k]++; out += strideIn[k];
      if (pos[k] < shape[k]) break;
      out -= strideIn[k] * shape[k]; pos[k] = 0;
    }
  }
  return { outShape, len, rows: false, index };
}

const AXIS = {
  name: 'axis', type: 'axis' as const, default: -1, position: 0,
  doc: 'Axis (or axes) along which the vectors are normalised and the dot product is summed: the feature axis. The per-sample output drops it.',
};

/**
 * −Σ_axis n(t)·n(p) with n(x) = x·rsqrt(max(Σ_axis x², ε²)). With r_t, r_p the two rsqrt factors and s = Σ t·p:
 * loss = −r_t·r_p·s and dL/dp_k = −r_t·r_p·t_k + r_t·s·r_p³·p_k, the second term only while Σp² ≥ ε² (TF maximum
 * passes the gradient to the squared norm on ties; below the clamp r_p is the constant 1/ε).
 */
const CosineSimilarity: LossSpec = {
  id: 'CosineSimilarity', framework: 'keras', family: 'similarity', base: 'keras3',
  functionName: 'cosine_similarity', defaultName: 'cosine_similarity', aliases: [],
  foreignNames: ['torch.nn.CosineEmbeddingLoss', 'nn.CosineEmbeddingLoss', 'CosineEmbeddingLoss', 'F.cosine_embedding_loss', 'torch.nn.functional.cosine_embedding_loss',
    'torch.nn.CosineSimilarity', 'nn.CosineSimilarity', 'F.cosine_similarity', 'torch.nn.functional.cosine_similarity',
    'optax.cosine_similarity', 'optax.cosine_distance', 'tf.losses.cosineDistance', 'cosineDistance', 'cosineProximity'],
  params: [AXIS], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'raw', range: [-3, 3] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[4, 8, 12], [8, 1, 3]], sampleWeight: [1.2, 3.4] },
  compute(t, p, cfg, ctx) {
    if (p.shape.length === 0) {
      throw new LossInspectorError(`${ctx.loss}: argument \`y_pred\`: expected an array of rank ≥ 1 (the vectors lie along \`axis\`), received a scalar.`,
        { loss: ctx.loss, argument: 'y_pred', code: 'shape', expected: 'rank ≥ 1', received: 'a scalar' });
    }
    const lay = reductionLayout(ctx, p.shape, cfg.axis);
    const nOut = lay.outShape.reduce((s, d) => s * d, 1);
    const up = ctx.upstream(lay.outShape);
    const td = t.data, pd = p.data;
    const n = pd.length;
    const eps2 = ctx.round(ctx.epsilon * ctx.epsilon);
    const values = new Float64Array(nOut);
    const grad = new Float64Array(n);
    let zeroTrue = 0, zeroPred = 0;
    if (lay.rows) {
      const D = lay.len;
      for (let b = 0, o = 0; b < nOut; b++, o += D) {
        let st = 0, sp = 0, s = 0;
        for (let j = o; j < o + D; j++) { const tv = td[j], pv = pd[j]; st += tv * tv; sp += pv * pv; s += tv * pv; }
        const rt = 1 / Math.sqrt(st >= eps2 ? st : Math.max(st, eps2));
        const rp = 1 / Math.sqrt(sp >= eps2 ? sp : Math.max(sp, eps2));
        if (st < eps2) zeroTrue++;
        if (sp < eps2) zeroPred++;
        values[b] = -rt * rp * s;
        const a = -up[b] * rt * rp;
        const c = sp >= eps2 ? up[b] * rt * s * rp * rp * rp : 0;
        for (let j = o; j < o + D; j++) grad[j] = a * td[j] + c * pd[j];
      }
    } else {
      const idx = lay.index!;
      const st = new Float64Array(nOut), sp = new Float64Array(nOut), s = new Float64Array(nOut);
      for (let i = 0; i < n; i++) { const k = idx[i], tv = td[i], pv = pd[i]; st[k] += tv * tv; sp[k] += pv * pv; s[k] += tv * pv; }
      const a = new Float64Array(nOut), c = new Float64Array(nOut);
      for (let k = 0; k < nOut; k++) {
        const rt = 1 / Math.sqrt(st[k] >= eps2 ? st[k] : Math.max(st[k], eps2));
        const rp = 1 / Math.sqrt(sp[k] >= eps2 ? sp[k] : Math.max(sp[k], eps2));
        if (st[k] < eps2) zeroTrue++;
        if (sp[k] < eps2) zeroPred++;
        values[k] = -rt * rp * s[k];
        a[k] = -up[k] * rt * rp;
        c[k] = sp[k] >= eps2 ? up[k] * rt * s[k] * rp * rp * rp : 0;
      }
      for (let i = 0; i < n; i++) { const k = idx[i]; grad[i] = a[k] * td[i] + c[k] * pd[i]; }
    }
    if (zeroTrue + zeroPred > 0) {
      warnOnce(ctx.trace, 'cosine-zero-vector', `${zeroTrue} y_true and ${zeroPred} y_pred vector(s) have a norm below ε = 1e-7 (e.g. all zeros): Keras clamps the squared norm at ε², so their cosine is ~0 (loss 0) whatever the other vector${zeroPred > 0 ? ', and the gradient w.r.t. a zero y_pred is scaled by 1/ε = 1e7' : ''}.`);
    }
    if (lay.len === 1 && n > 0) {
      warnOnce(ctx.trace, 'cosine-axis-size-1', `The similarity axis has size 1 (shape ${shapeStr(p.shape)}): each "vector" is one number, so the loss is just −sign(y_true)·sign(y_pred) ∈ {−1, 0, 1} and its gradient is 0. Check \`axis\` or the shapes.`);
    }
    return { values: { data: values, shape: lay.outShape }, grad };
  },
  doc: {
    summary: 'Negative cosine similarity along an axis: −1 when the vectors point the same way, 0 orthogonal, +1 opposite.',
    formula: 'n(x) = x / sqrt(max(Σ_axis x², ε²)), ε = 1e-7\nloss = −Σ_axis n(y_true)·n(y_pred)\ngradient w.r.t. y_pred = −(n(y_true) − cos·n(y_pred)) / ‖y_pred‖ (while ‖y_pred‖ ≥ ε)',
    domain: 'Any real vectors along `axis` (default the last). Broadcasting after squeeze/expand of a trailing 1. A zero vector gives cosine 0.',
    output: 'shape y_pred.shape without `axis` per sample, in [−1, 1]; default reduction sum_over_batch_size. Minimising it maximises the similarity.',
    pitfalls: [
      'The loss is the NEGATIVE cosine, in [−1, 1]: −1 is perfect, and negative loss values are normal. torch F.cosine_similarity and optax.cosine_similarity return +cos.',
      'A zero vector (all-zero target or prediction) gives loss 0 whatever the other vector, and a zero y_pred gets a gradient scaled by 1/ε = 1e7.',
      'axis picks the feature axis: with (B, 1) inputs every vector has one element and the loss degenerates to −sign(t·p) with zero gradient.',
      'float32 rounding can give −1.0000001 or −0.99999994 for identical vectors; the docstring outputs −0. and −0.99999994 are such artefacts.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'F.cosine_similarity(x1, x2, dim=1, eps=1e-8)', note: 'returns +cos (not a loss), dim=1 by default, eps clamps each norm separately' },
      { framework: 'PyTorch', name: 'torch.nn.CosineEmbeddingLoss(margin=0.0)', note: '1 − cos for target y = 1 (max(0, cos − margin) for y = −1): shifted by 1 from Keras' },
      { framework: 'Optax', name: 'optax.cosine_similarity(predictions, targets, epsilon=0.)', note: '+cos; optax.cosine_distance = 1 − cos' },
      { framework: 'TF.js', name: 'tf.losses.cosineDistance(labels, predictions, axis)', note: '1 − Σ t·p WITHOUT normalising: inputs must already be unit vectors' },
    ],
  },
};

export const SIMILARITY: LossSpec[] = [CosineSimilarity];
