/** Similarity losses (Keras 3): CosineSimilarity. */
import type { Config, KernelContext, LossSpec } from '../spec';
import { LossInspectorError } from '../errors';
import { type Shape, shapeStr, stridesOf, sameShape, sizeOf, broadcastShapes, broadcastIndex } from '../tensor';
import { warnOnce, normalizeAxes } from './common';

/**
 * How a reduction over `axis` (int, list, or None = all) splits a row-major tensor. `rows`: the reduced axes are
 * the trailing ones, so each output element owns a contiguous run of `len` inputs. Otherwise `index` maps every
 * input element to its output element. Throws like Keras on an out-of-range or repeated axis.
 */
function reductionLayout(ctx: KernelContext, shape: Shape, axis: Config[string]):
  { outShape: Shape; len: number; rows: boolean; index: Int32Array | null } {
  const r = shape.length;
  const axes = normalizeAxes(ctx, shape, axis, 'inputs');
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

/** Output index of every input element for a layout from reductionLayout. */
function outIndex(lay: { len: number; rows: boolean; index: Int32Array | null }, n: number): Int32Array {
  if (lay.index) return lay.index;
  const idx = new Int32Array(n);
  for (let i = 0, k = 0; i < n; k++) for (let j = 0; j < lay.len; j++, i++) idx[i] = k;
  return idx;
}

/** 1/sqrt(max(S, ε²)): keras.ops.normalize's clamp (NaN stays NaN). */
function invNorm(S: number, eps2: number): number {
  return 1 / Math.sqrt(S >= eps2 ? S : Math.max(S, eps2));
}

/** The same factor as TF computes it in float32 (squared norm, clamp and rsqrt each rounded). */
function invNorm32(S: number, eps2: number): number {
  return Math.fround(1 / Math.sqrt(Math.fround(S >= eps2 ? S : Math.max(S, eps2))));
}

/** y_true and y_pred of one shape: one fused pass per vector (the common case). */
function cosineSameShape(ctx: KernelContext, td: Float64Array, pd: Float64Array, shape: Shape, axis: Config[string], eps2: number, f32: boolean,
  counts: { zeroTrue: number; zeroPred: number }): { values: Float64Array; shape: Shape; grad: Float64Array; len: number } {
  const lay = reductionLayout(ctx, shape, axis);
  const nOut = sizeOf(lay.outShape);
  const up = ctx.upstream(lay.outShape);
  const n = pd.length;
  const values = new Float64Array(nOut);
  const grad = new Float64Array(n);
  if (lay.rows) {
    const D = lay.len;
    for (let b = 0, o = 0; b < nOut; b++, o += D) {
      let st = 0, sp = 0, s = 0;
      for (let j = o; j < o + D; j++) { const tv = td[j], pv = pd[j]; st += tv * tv; sp += pv * pv; s += tv * pv; }
      const rt = invNorm(st, eps2), rp = invNorm(sp, eps2);
      if (st < eps2) counts.zeroTrue++;
      if (sp < eps2) counts.zeroPred++;
      if (f32) {
        // the value as TF forms it in float32: normalised vectors and their products rounded (identical vectors give
        // −0.99999994, not −1); the sum is taken exactly and rounded once, as close to TF's tree reduction as any order
        const rt32 = invNorm32(st, eps2), rp32 = invNorm32(sp, eps2);
        let acc = 0;
        for (let j = o; j < o + D; j++) acc += Math.fround(Math.fround(td[j] * rt32) * Math.fround(pd[j] * rp32));
        values[b] = -Math.fround(acc);
      } else values[b] = -rt * rp * s;
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
      const rt = invNorm(st[k], eps2), rp = invNorm(sp[k], eps2);
      if (st[k] < eps2) counts.zeroTrue++;
      if (sp[k] < eps2) counts.zeroPred++;
      values[k] = -rt * rp * s[k];
      a[k] = -up[k] * rt * rp;
      c[k] = sp[k] >= eps2 ? up[k] * rt * s[k] * rp * rp * rp : 0;
    }
    for (let i = 0; i < n; i++) { const k = idx[i]; grad[i] = a[k] * td[i] + c[k] * pd[i]; }
    if (f32) {
      const rt32 = new Float64Array(nOut), rp32 = new Float64Array(nOut), acc = new Float64Array(nOut);
      for (let k = 0; k < nOut; k++) { rt32[k] = invNorm32(st[k], eps2); rp32[k] = invNorm32(sp[k], eps2); }
      for (let i = 0; i < n; i++) { const k = idx[i]; acc[k] += Math.fround(Math.fround(td[i] * rt32[k]) * Math.fround(pd[i] * rp32[k])); }
      for (let k = 0; k < nOut; k++) values[k] = -Math.fround(acc[k]);
    }
  }
  return { values, shape: lay.outShape, grad, len: lay.len };
}

/**
 * y_true and y_pred of different shapes, as Keras does it: each is normalised over `axis` of its OWN shape, then the
 * product is broadcast and summed over `axis` of the broadcast shape. With g_j = dL/dn(p)_j summed over the
 * broadcast, dL/dp_j = r_p·g_j − r_p³·p_j·Σ_{i in the vector} g_i·p_i (the second term while Σp² ≥ ε²).
 */
function cosineBroadcast(ctx: KernelContext, td: Float64Array, pd: Float64Array, tS: Shape, pS: Shape, axis: Config[string], eps2: number, f32: boolean,
  counts: { zeroTrue: number; zeroPred: number }): { values: Float64Array; shape: Shape; grad: Float64Array; len: number } {
  const b = broadcastShapes(tS, pS);
  if (!b) {
    throw new LossInspectorError(`${ctx.loss}: arguments \`y_true\` ${shapeStr(tS)} and \`y_pred\` ${shapeStr(pS)} cannot be broadcast together.`,
      { loss: ctx.loss, argument: 'y_pred', code: 'shape', expected: `a shape compatible with ${shapeStr(tS)}`, received: shapeStr(pS) });
  }
  const nb = sizeOf(b), nt = td.length, np = pd.length;
  if (nb > Math.max(nt, np)) {
    warnOnce(ctx.trace, 'outer-product', `y_true ${shapeStr(tS)} and y_pred ${shapeStr(pS)} broadcast to ${shapeStr(b)}: an outer product of ${nb} pairs, almost always a shape bug (e.g. (N,) against (N,1)). Reshape one of them.`);
  }
  warnOnce(ctx.trace, 'cosine-broadcast', `y_true ${shapeStr(tS)} and y_pred ${shapeStr(pS)} differ: Keras normalises each over \`axis\` of its own shape and only then broadcasts the product, so the result is not a cosine of matching vectors and can leave [−1, 1]. Give both the same shape.`);
  const layT = reductionLayout(ctx, tS, axis), layP = reductionLayout(ctx, pS, axis), layB = reductionLayout(ctx, b, axis);
  const idxT = outIndex(layT, nt), idxP = outIndex(layP, np), idxB = outIndex(layB, nb);
  const nOutT = sizeOf(layT.outShape), nOutP = sizeOf(layP.outShape), nOut = sizeOf(layB.outShape);
  const rT = new Float64Array(nOutT), rP = new Float64Array(nOutP);
  for (let i = 0; i < nt; i++) rT[idxT[i]] += td[i] * td[i];
  for (let i = 0; i < np; i++) rP[idxP[i]] += pd[i] * pd[i];
  const clampedP = new Uint8Array(nOutP);
  const rT32 = f32 ? new Float64Array(nOutT) : rT, rP32 = f32 ? new Float64Array(nOutP) : rP;
  for (let k = 0; k < nOutT; k++) { if (rT[k] < eps2) counts.zeroTrue++; if (f32) rT32[k] = invNorm32(rT[k], eps2); rT[k] = invNorm(rT[k], eps2); }
  for (let k = 0; k < nOutP; k++) { if (rP[k] < eps2) { counts.zeroPred++; clampedP[k] = 1; } if (f32) rP32[k] = invNorm32(rP[k], eps2); rP[k] = invNorm(rP[k], eps2); }
  const up = ctx.upstream(layB.outShape);
  const it = broadcastIndex(tS, b), ip = broadcastIndex(pS, b);
  const values = new Float64Array(nOut);
  const g = new Float64Array(np); // dL/dn(p)
  for (let k = 0; k < nb; k++) {
    const i = it[k], j = ip[k], o = idxB[k];
    const ntv = td[i] * rT[idxT[i]];
    if (f32) values[o] -= Math.fround(Math.fround(td[i] * rT32[idxT[i]]) * Math.fround(pd[j] * rP32[idxP[j]]));
    else values[o] -= ntv * pd[j] * rP[idxP[j]];
    g[j] -= up[o] * ntv;
  }
  if (f32) for (let o = 0; o < nOut; o++) values[o] = Math.fround(values[o]);
  const dot = new Float64Array(nOutP);
  for (let j = 0; j < np; j++) dot[idxP[j]] += g[j] * pd[j];
  const grad = new Float64Array(np);
  for (let j = 0; j < np; j++) {
    const v = idxP[j], r = rP[v];
    grad[j] = r * g[j] - (clampedP[v] ? 0 : r * r * r * pd[j] * dot[v]);
  }
  return { values, shape: layB.outShape, grad, len: layB.len };
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
  params: [AXIS], defaultReduction: 'sum_over_batch_size', inputs: 'custom',
  sweep: { kind: 'raw', range: [-3, 3] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[4, 8, 12], [8, 1, 3]], sampleWeight: [1.2, 3.4] },
  compute(t, p, cfg, ctx) {
    // A rank-0 input is normalised as shape (1,), like keras.ops.normalize does.
    const tS = t.shape.length ? t.shape : [1], pS = p.shape.length ? p.shape : [1];
    const td = t.data, pd = p.data;
    // Keras 3 clamps the squared norm at ε²; Keras 2 (tf.linalg.l2_normalize) at 1e-12.
    const keras2 = ctx.semantics === 'keras2';
    const eps2 = keras2 ? ctx.round(1e-12) : ctx.round(ctx.epsilon * ctx.epsilon);
    const counts = { zeroTrue: 0, zeroPred: 0 };
    let out: { values: Float64Array; shape: Shape; grad: Float64Array; len: number };
    const f32 = ctx.round(0.1) !== 0.1;
    if (sameShape(tS, pS)) out = cosineSameShape(ctx, td, pd, pS, cfg.axis, eps2, f32, counts);
    else out = cosineBroadcast(ctx, td, pd, tS, pS, cfg.axis, eps2, f32, counts);
    const { zeroTrue, zeroPred } = counts;
    if (zeroTrue + zeroPred > 0) {
      warnOnce(ctx.trace, 'cosine-zero-vector', `${zeroTrue} y_true and ${zeroPred} y_pred vector(s) have a norm below ${keras2 ? '1e-6' : 'ε = 1e-7'} (e.g. all zeros): Keras clamps the squared norm at ${keras2 ? '1e-12' : 'ε²'}, so their cosine is ~0 (loss 0) whatever the other vector${zeroPred > 0 ? `, and the gradient w.r.t. a zero y_pred is scaled by ${keras2 ? '1e6' : '1/ε = 1e7'}` : ''}.`);
    }
    if (out.len === 1) {
      warnOnce(ctx.trace, 'cosine-axis-size-1', `The similarity axis has size 1 (shape ${shapeStr(pS)}): each "vector" is one number, so the loss is just −sign(y_true)·sign(y_pred) ∈ {−1, 0, 1} and its gradient is 0. Check \`axis\` or the shapes.`);
    }
    return { values: { data: out.values, shape: out.shape }, grad: out.grad };
  },
  doc: {
    summary: 'Negative cosine similarity along an axis: −1 when the vectors point the same way, 0 orthogonal, +1 opposite.',
    formula: 'n(x) = x / sqrt(max(Σ_axis x², ε²)), ε = 1e-7 (each tensor over its own shape)\nloss = −Σ_axis n(y_true)·n(y_pred), the value rounded step by step in float32 like TF\ngradient w.r.t. y_pred = −(n(y_true) − cos·n(y_pred)) / ‖y_pred‖ (while ‖y_pred‖ ≥ ε)',
    domain: 'Any real vectors along `axis` (default the last). Broadcasting after squeeze/expand of a trailing 1. A zero vector gives cosine 0.',
    output: 'shape y_pred.shape without `axis` per sample, in [−1, 1]; default reduction sum_over_batch_size. Minimising it maximises the similarity.',
    pitfalls: [
      'The loss is the NEGATIVE cosine, in [−1, 1]: −1 is perfect, and negative loss values are normal. torch F.cosine_similarity and optax.cosine_similarity return +cos.',
      'A zero vector (all-zero target or prediction) gives loss 0 whatever the other vector, and a zero y_pred gets a gradient scaled by 1/ε = 1e7.',
      'axis picks the feature axis: with (B, 1) inputs every vector has one element and the loss degenerates to −sign(t·p) with zero gradient.',
      'Identical vectors give −0.99999994 (sometimes −1.0000001), not −1: float32 rounding of the normalised vectors. Loss Inspector reproduces these float32 values (dtype="float64" gives ±1), like the docstring\'s [-0., -0.99999994, 0.99999994].',
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
