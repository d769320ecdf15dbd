/**
 * torch.nn embedding/ranking losses: MarginRankingLoss, HingeEmbeddingLoss, CosineEmbeddingLoss, TripletMarginLoss
 * and TripletMarginWithDistanceLoss (default distance), torch 1.13 (aten Loss.cpp, Distance.cpp, functional.py).
 * Clamp-based hinges count a zero argument as active (clamp_min's backward uses ≥).
 */
import type { TorchSpec, TorchArgSpec, TorchArgs, TorchContext, TorchKernelOut, TorchTensor } from '../types';
import type { Config } from '../../spec';
import { torchError, num, torchBroadcast, bIndex, unbroadcast, cSize } from '../base';

/**
 * The values of an argument at every element of the broadcast output: the data itself when the shapes agree, else
 * gathered once (the kernels' loops then index plain arrays: the per-element index closures cost more than the math).
 */
export function spread(d: Float64Array, idx: Int32Array | null): Float64Array {
  if (!idx) return d;
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = d[idx[k]];
  return out;
}

/**
 * A branch-free select: SEL[1] = v; SEL[i] is v for i = 1 and +0 for i = 0 (exact for every v, −0, ±inf and NaN
 * included, unlike v·i). Hinges active on a data-dependent half of the elements were a mispredicted branch on every
 * other element.
 */
export const SEL = new Float64Array(2);

/** float32(1e-12), added to the squared norms in cosine_embedding_loss (also in float64). */
const COS_EPS = Math.fround(1e-12);

export const MARGIN_RANKING: TorchSpec = {
  id: 'MarginRankingLoss', framework: 'torch', family: 'hinge', functionName: 'margin_ranking_loss', legacy: true,
  args: [
    { name: 'input1', kind: 'float', differentiable: true, doc: 'Scores of the first item.' },
    { name: 'input2', kind: 'float', differentiable: true, doc: 'Scores of the second item.' },
    { name: 'target', kind: 'float', differentiable: true, doc: '1 where input1 should rank higher, −1 where input2 should.' },
  ],
  params: [{ name: 'margin', type: 'float', default: 0.0, doc: 'Required gap between the two scores.', ui: { min: 0, max: 2, step: 0.05 } }],
  reductions: ['mean', 'sum', 'none'], gradFn: { none: 'ClampMinBackward0', mean: 'MeanBackward0', sum: 'SumBackward0' },
  compute(a, cfg, ctx) {
    const x1 = a.input1, x2 = a.input2, y = a.target;
    if (x1.shape.length !== x2.shape.length || x1.shape.length !== y.shape.length) {
      throw torchError(ctx.loss, 'target', 'RuntimeError', `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size([${x1.shape.join(', ')}]), input2: torch.Size([${x2.shape.join(', ')}]), target: torch.Size([${y.shape.join(', ')}]) `, { code: 'shape' });
    }
    const m = num(cfg, 'margin');
    const s1 = torchBroadcast(ctx.loss, 'input2', y.shape, x1.shape);
    const shape = torchBroadcast(ctx.loss, 'input2', s1, x2.shape);
    const n = shape.reduce((p, d) => p * d, 1);
    const i1 = bIndex(x1.shape, shape), i2 = bIndex(x2.shape, shape), iy = bIndex(y.shape, shape);
    const A = spread(x1.data, i1), B = spread(x2.data, i2), Y = spread(y.data, iy);
    // without broadcasting every output is written in the loss dtype here (no rounding pass after); broadcast
    // gradients are summed into the arguments' shapes first and rounded after
    const f32 = ctx.dtype === 'float32', rounded = !i1 && !i2 && !iy, r32 = f32 && rounded;
    const none = new Float64Array(n);
    // max(z, 0) as a select (z where z > 0 or NaN, else +0): the hinge is active on about half the pairs, a branch
    // mispredicted on every other element
    for (let k = 0; k < n; k++) { const z = -Y[k] * (A[k] - B[k]) + m; SEL[1] = z; const v = SEL[+(z > 0) | +(z !== z)]; none[k] = r32 ? Math.fround(v) : v; }
    return {
      none: { data: none, shape }, mean: { divisor: n, text: 'pairs' },
      fresh: true, rounded,
      backward: (up) => grad(up, 0),
      backwardUniform: (u) => grad(null, u),
    };
    function grad(up: Float64Array | null, u0: number): Record<string, Float64Array> {
      const g1 = new Float64Array(n), g2 = new Float64Array(n), gy = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        // the three entries where the hinge is active (z ≥ 0, NaN not), else +0: selects, not a branch
        const yk = Y[k], d = A[k] - B[k], a = +(-yk * d + m >= 0), uk = up ? up[k] : u0;
        SEL[1] = -yk * uk; const v1 = SEL[a];
        SEL[1] = yk * uk; const v2 = SEL[a];
        SEL[1] = -d * uk; const v3 = SEL[a];
        if (r32) { g1[k] = Math.fround(v1); g2[k] = Math.fround(v2); gy[k] = Math.fround(v3); } else { g1[k] = v1; g2[k] = v2; gy[k] = v3; }
      }
      return { input1: unbroadcast(g1, i1, x1.data.length), input2: unbroadcast(g2, i2, x2.data.length), target: unbroadcast(gy, iy, y.data.length) };
    }
  },
  example: { args: { input1: [0.8, -0.3, 0.5, 0.1], input2: [0.2, 0.4, 0.9, -0.6], target: [1.0, -1.0, 1.0, -1.0] }, config: { margin: 0.1 } },
  doc: {
    summary: 'Pairwise ranking hinge: input1 should beat input2 by `margin` where target = 1 (and lose where −1).',
    formula: 'ℓ_i = max(0, −y_i·(x1_i − x2_i) + margin)',
    domain: 'input1, input2, target: tensors of the same number of dimensions; target ±1.',
    output: "'none': the broadcast shape; default 'mean'.",
    pitfalls: ['With the default margin 0 a tie costs 0 but still has gradient −y (a zero argument counts as active).', "Keras's Hinge max(0, 1 − y·x) is MarginRankingLoss(x, 0, y, margin=1)."],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.Hinge', note: 'equals MarginRankingLoss(x, zeros, y, margin=1)' }],
  },
};

export const HINGE_EMBEDDING: TorchSpec = {
  id: 'HingeEmbeddingLoss', framework: 'torch', family: 'hinge', functionName: 'hinge_embedding_loss', legacy: true,
  args: [
    { name: 'input', kind: 'float', differentiable: true, doc: 'Distances (e.g. an L1 pairwise distance), any shape.' },
    { name: 'target', kind: 'float', differentiable: false, doc: '1 for similar pairs, −1 for dissimilar ones.' },
  ],
  params: [{ name: 'margin', type: 'float', default: 1.0, doc: 'Dissimilar pairs closer than this are penalised.', ui: { min: 0, max: 3, step: 0.05 } }],
  reductions: ['mean', 'sum', 'none'], gradFn: { none: 'AddBackward0', mean: 'MeanBackward0', sum: 'SumBackward0' },
  compute(a, cfg, ctx) {
    const m = num(cfg, 'margin');
    const x = a.input, y = a.target;
    const shape = torchBroadcast(ctx.loss, 'target', y.shape, x.shape);
    const n = shape.reduce((p, d) => p * d, 1);
    const ix = bIndex(x.shape, shape), iy = bIndex(y.shape, shape);
    const X = spread(x.data, ix), Y = spread(y.data, iy);
    const f32 = ctx.dtype === 'float32', rounded = !ix, r32 = f32 && rounded;
    const none = new Float64Array(n);
    // where(y != 1, max(0, margin − x), 0) + where(y != −1, x, 0): a target that is neither gets both terms.
    // the same terms through selects (the target's sign and the hinge are data-dependent branches otherwise)
    for (let k = 0; k < n; k++) {
      const xk = X[k], yk = Y[k], z = m - xk;
      SEL[1] = z; SEL[1] = SEL[+(z > 0) | +(z !== z)]; const ta = SEL[+(yk !== 1)];
      SEL[1] = xk; const tb = SEL[+(yk !== -1)];
      const v = ta + tb;
      none[k] = f32 ? Math.fround(v) : v;
    }
    return {
      none: { data: none, shape }, mean: { divisor: n, text: 'elements' },
      fresh: true, rounded,
      backward: (up) => grad(up, 0),
      backwardUniform: (u) => grad(null, u),
    };
    function grad(up: Float64Array | null, u0: number): Record<string, Float64Array> {
      const g = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        // the factor −1, 0 or 1 in integer arithmetic (the same numbers as the two ternaries' sum)
        const xk = X[k], yk = Y[k], v = (up ? up[k] : u0) * (+(yk !== -1) - (+(yk !== 1) & +(m - xk >= 0)));
        g[k] = r32 ? Math.fround(v) : v;
      }
      return { input: unbroadcast(g, ix, x.data.length) };
    }
  },
  example: { args: { input: [[0.3, 1.4, 0.2], [0.9, 0.4, 2.0]], target: [[1.0, -1.0, -1.0], [1.0, -1.0, 1.0]] } },
  doc: {
    summary: 'Embedding hinge on distances: similar pairs (y = 1) pay their distance, dissimilar ones (y = −1) pay max(0, margin − distance).',
    formula: 'ℓ_i = x_i if y_i = 1;  max(0, margin − x_i) if y_i = −1;  both summed for any other y',
    domain: 'input: distances (non-negative in intended use); target: ±1.',
    output: "'none': the broadcast shape; default 'mean'.",
    pitfalls: ['For y = 1 the loss is x itself: a negative input gives a negative loss.', 'It is not Keras\'s Hinge max(0, 1 − y·x); that is MarginRankingLoss(x, 0, y, margin=1).', 'A target 0 adds both terms.'],
    equivalents: [{ framework: 'torch', name: 'nn.MarginRankingLoss', note: 'for score pairs' }],
  },
};

/** cos(x1, x2) along `dim` of (N, D) / (D,) inputs as cosine_embedding_loss computes it, with d cos / d x. */
function cosines(x1: TorchTensor, x2: TorchTensor, rows: number, D: number) {
  const cos = new Float64Array(rows), m1 = new Float64Array(rows), m2 = new Float64Array(rows), den = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let p = 0, a = 0, b = 0;
    for (let j = 0; j < D; j++) { const u = x1.data[r * D + j], v = x2.data[r * D + j]; p += u * v; a += u * u; b += v * v; }
    m1[r] = a + COS_EPS; m2[r] = b + COS_EPS; den[r] = Math.sqrt(m1[r] * m2[r]); cos[r] = p / den[r];
  }
  return { cos, m1, m2, den };
}

export const COSINE_EMBEDDING: TorchSpec = {
  id: 'CosineEmbeddingLoss', framework: 'torch', family: 'similarity', functionName: 'cosine_embedding_loss', legacy: true,
  args: [
    { name: 'input1', kind: 'float', differentiable: true, doc: 'Embeddings (N, D) or (D,).' },
    { name: 'input2', kind: 'float', differentiable: true, doc: 'Embeddings of the same shape.' },
    { name: 'target', kind: 'float', differentiable: false, doc: '1 (should be similar) or −1 (dissimilar), shape (N,) or ().' },
  ],
  params: [{ name: 'margin', type: 'float', default: 0.0, doc: 'Dissimilar pairs are penalised above this cosine; between −1 and 1, 0 to 0.5 suggested.', ui: { min: -1, max: 1, step: 0.05 } }],
  reductions: ['mean', 'sum', 'none'], gradFn: { none: 'AddBackward0', mean: 'MeanBackward0', sum: 'SumBackward0' },
  compute(a, cfg, ctx) {
    const x1 = a.input1, x2 = a.input2, y = a.target;
    const td = y.shape.length;
    if (td > 1) throw torchError(ctx.loss, 'target', 'RuntimeError', '0D or 1D target tensor expected, multi-target not supported', { expected: 'a target of shape (N,) or ()', received: cSize(y.shape), code: 'shape' });
    if (td === 1 && (x1.shape.length !== 2 || x2.shape.length !== 2)) throw torchError(ctx.loss, 'input1', 'RuntimeError', `1D target tensor expects 2D input tensors, but found inputs with sizes ${cSize(x1.shape)} and ${cSize(x2.shape)}.`, { code: 'shape' });
    if (td === 0 && (x1.shape.length !== 1 || x2.shape.length !== 1)) throw torchError(ctx.loss, 'input1', 'RuntimeError', `0D target tensor expects 1D input tensors, but found inputs with sizes ${cSize(x1.shape)} and ${cSize(x2.shape)}.`, { code: 'shape' });
    torchBroadcast(ctx.loss, 'input2', x1.shape, x2.shape);
    if (x1.shape.some((d, i) => d !== x2.shape[i])) throw torchError(ctx.loss, 'input2', 'RuntimeError', `input2 ${cSize(x2.shape)} must have the shape of input1 ${cSize(x1.shape)}`, { code: 'shape' });
    const rows = td === 1 ? x1.shape[0] : 1, D = x1.shape[x1.shape.length - 1];
    const outShape = torchBroadcast(ctx.loss, 'target', y.shape, td === 1 ? [rows] : []);
    const n = outShape.reduce((p, d) => p * d, 1);
    if (n !== rows) throw torchError(ctx.loss, 'target', 'RuntimeError', `The size of tensor a (${y.shape[0]}) must match the size of tensor b (${rows}) at non-singleton dimension 0`, { code: 'shape' });
    const Y = spread(y.data, bIndex(y.shape, outShape));
    const m = num(cfg, 'margin'), f32 = ctx.dtype === 'float32';
    const c = cosines(x1, x2, rows, D);
    const none = new Float64Array(rows);
    for (let r = 0; r < rows; r++) { const v = (Y[r] === 1 ? 1 - c.cos[r] : 0) + (Y[r] === -1 ? Math.max(c.cos[r] - m, 0) : 0); none[r] = f32 ? Math.fround(v) : v; }
    return {
      none: { data: none, shape: td === 1 ? [rows] : [] }, mean: { divisor: rows, text: 'pairs' },
      // written in the loss dtype here: no rounding pass after
      fresh: true, rounded: true,
      backward: (up) => grad(up, 0),
      backwardUniform: (u) => grad(null, u),
    };
    function grad(up: Float64Array | null, u0: number): Record<string, Float64Array> {
      const a1 = x1.data, a2 = x2.data;
      const g1 = new Float64Array(a1.length), g2 = new Float64Array(a2.length);
      for (let r = 0; r < rows; r++) {
        const cs = c.cos[r], dc = (Y[r] === 1 ? -1 : 0) + (Y[r] === -1 && cs - m >= 0 ? 1 : 0);
        if (dc === 0) continue;
        const u = (up ? up[r] : u0) * dc, den = c.den[r], m1 = c.m1[r], m2 = c.m2[r];
        for (let k = r * D; k < r * D + D; k++) {
          const v1 = u * (a2[k] / den - cs * a1[k] / m1), v2 = u * (a1[k] / den - cs * a2[k] / m2);
          g1[k] = f32 ? Math.fround(v1) : v1; g2[k] = f32 ? Math.fround(v2) : v2;
        }
      }
      return { input1: g1, input2: g2 };
    }
  },
  example: { args: { input1: [[0.3, 1.2, -0.4], [1.0, 0.2, 0.5]], input2: [[0.5, 0.9, 0.1], [-0.8, 0.4, 0.3]], target: [1.0, -1.0] }, config: { margin: -0.5 } },
  kerasMatch: { name: 'CosineSimilarity', note: 'not equal: Keras returns −cos (in [−1, 1]), CosineEmbeddingLoss 1 − cos for similar pairs.' },
  doc: {
    summary: 'Cosine embedding loss: 1 − cos for similar pairs, max(0, cos − margin) for dissimilar ones.',
    formula: 'cos = x1·x2 / √((|x1|² + ε)(|x2|² + ε)),  ε = float32(1e-12)\nℓ = 1 − cos  (y = 1);  max(0, cos − margin)  (y = −1);  0 otherwise',
    domain: 'input1, input2: (N, D) with a target (N,), or (D,) with a 0-d target; target ±1.',
    output: "'none': (N,); default 'mean'.",
    pitfalls: ['A zero vector gives cos = 0 (ε inside the norms), not nan.', 'Targets other than ±1 contribute 0.', 'Keras CosineSimilarity is −cos: a different range and sign.'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.CosineSimilarity', note: '−cos' }, { framework: 'Optax', name: 'optax.cosine_distance', note: '1 − cos' }],
  },
};

/**
 * pairwise_distance(a, b, p, eps) = ‖a − b + eps‖_p over the last dim, with its backward. The Euclidean norm (p = 2,
 * the default and TripletMarginWithDistanceLoss's) has loops of its own: the per-element test of p cost more than it.
 */
function pairwiseDistance(a: TorchTensor, b: TorchTensor, p: number, eps: number, rows: number, D: number) {
  const ad = a.data, bd = b.data;
  const d = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let s = 0;
    if (p === 2) {
      for (let j = 0; j < D; j++) { const v = Math.abs(ad[o + j] - bd[o + j] + eps); s += v * v; }
      d[r] = Math.sqrt(s);
      continue;
    }
    for (let j = 0; j < D; j++) {
      const v = Math.abs(ad[o + j] - bd[o + j] + eps);
      if (p === Infinity) s = Math.max(s, v); else if (p === 1) s += v; else s += Math.pow(v, p);
    }
    d[r] = p === Infinity || p === 1 ? s : Math.pow(s, 1 / p);
  }
  /** Adds u_r·∂d_r/∂a into ga and −u_r·∂d_r/∂a into gb. */
  const back = (u: Float64Array, ga: Float64Array, gb: Float64Array) => {
    for (let r = 0; r < rows; r++) {
      const ur = u[r];
      if (ur === 0) continue;
      const o = r * D, dr = d[r];
      if (p === 2) {
        for (let k = o; k < o + D; k++) { const g = dr === 0 ? 0 : (ad[k] - bd[k] + eps) / dr; ga[k] += ur * g; gb[k] -= ur * g; }
        continue;
      }
      let ties = 0;
      if (p === Infinity) for (let j = 0; j < D; j++) if (Math.abs(ad[o + j] - bd[o + j] + eps) === dr) ties++;
      for (let j = 0; j < D; j++) {
        const k = o + j, v = ad[k] - bd[k] + eps, sg = v > 0 ? 1 : v < 0 ? -1 : 0;
        let g: number;
        if (p === Infinity) g = Math.abs(v) === dr ? sg / ties : 0;
        else if (p === 1) g = sg;
        else if (dr === 0) g = 0;
        else g = sg * Math.pow(Math.abs(v), p - 1) / Math.pow(dr, p - 1);
        ga[k] += ur * g; gb[k] -= ur * g;
      }
    }
  };
  return { d, back };
}

function tripletCore(a: TorchArgs, ctx: TorchContext, margin: number, swap: boolean, p: number, eps: number): TorchKernelOut {
  const an = a.anchor, po = a.positive, ne = a.negative;
  torchBroadcast(ctx.loss, 'positive', an.shape, po.shape);
  torchBroadcast(ctx.loss, 'negative', an.shape, ne.shape);
  for (const [name, t] of [['positive', po], ['negative', ne]] as const) {
    if (t.shape.length !== an.shape.length || t.shape.some((d, i) => d !== an.shape[i])) throw torchError(ctx.loss, name, 'RuntimeError', `${name} ${cSize(t.shape)} must have the anchor's shape ${cSize(an.shape)}`, { code: 'shape' });
  }
  const D = an.shape[an.shape.length - 1] ?? 1, rows = an.data.length / D;
  const dp = pairwiseDistance(an, po, p, eps, rows, D), dn = pairwiseDistance(an, ne, p, eps, rows, D);
  const ds = swap ? pairwiseDistance(po, ne, p, eps, rows, D) : null;
  const none = new Float64Array(rows);
  const neg = (r: number) => (ds ? Math.min(dn.d[r], ds.d[r]) : dn.d[r]);
  // the Euclidean distance without swap (the default) computes the three gradients in one pass and rounds on store
  const fused = p === 2 && !ds, f32 = ctx.dtype === 'float32';
  for (let r = 0; r < rows; r++) { const v = Math.max(margin + dp.d[r] - neg(r), 0); none[r] = fused && f32 ? Math.fround(v) : v; }
  return {
    none: { data: none, shape: an.shape.slice(0, -1) }, mean: { divisor: rows, text: 'triplets' },
    fresh: true, rounded: fused,
    backward: (up) => (fused ? gradFused(up, 0) : grad(up, 0)),
    backwardUniform: (u) => (fused ? gradFused(null, u) : grad(null, u)),
  };
  function grad(up: Float64Array | null, u0: number): Record<string, Float64Array> {
    const ga = new Float64Array(an.data.length), gp = new Float64Array(po.data.length), gn = new Float64Array(ne.data.length);
    const uP = new Float64Array(rows), uN = new Float64Array(rows), uS = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      if (!(margin + dp.d[r] - neg(r) >= 0)) continue;
      const ur = up ? up[r] : u0;
      uP[r] = ur;
      if (!ds) { uN[r] = -ur; continue; }
      // minimum's backward: the smaller side gets the gradient, a tie splits it
      if (dn.d[r] < ds.d[r]) uN[r] = -ur; else if (ds.d[r] < dn.d[r]) uS[r] = -ur; else { uN[r] = -ur / 2; uS[r] = -ur / 2; }
    }
    dp.back(uP, ga, gp); dn.back(uN, ga, gn);
    if (ds) ds.back(uS, gp, gn);
    return { anchor: ga, positive: gp, negative: gn };
  }
  /**
   * grad's numbers for p = 2 without swap, in one pass: the anchor's entry is (0 + uP·∂d(a, p)) + uN·∂d(a, n) as the two
   * back() calls added it, the positive's 0 − uP·∂d(a, p), the negative's 0 − uN·∂d(a, n); a zero upstream adds nothing.
   */
  function gradFused(up: Float64Array | null, u0: number): Record<string, Float64Array> {
    const ad = an.data, pd = po.data, nd = ne.data;
    const ga = new Float64Array(ad.length), gp = new Float64Array(pd.length), gn = new Float64Array(nd.length);
    for (let r = 0; r < rows; r++) {
      if (!(margin + dp.d[r] - dn.d[r] >= 0)) continue;
      const uPr = up ? up[r] : u0, uNr = -uPr, dpr = dp.d[r], dnr = dn.d[r];
      if (uPr === 0) continue;
      for (let k = r * D; k < r * D + D; k++) {
        const g1 = dpr === 0 ? 0 : (ad[k] - pd[k] + eps) / dpr, g2 = dnr === 0 ? 0 : (ad[k] - nd[k] + eps) / dnr;
        const va = (0 + uPr * g1) + uNr * g2, vp = 0 - uPr * g1, vn = 0 - uNr * g2;
        if (f32) { ga[k] = Math.fround(va); gp[k] = Math.fround(vp); gn[k] = Math.fround(vn); } else { ga[k] = va; gp[k] = vp; gn[k] = vn; }
      }
    }
    return { anchor: ga, positive: gp, negative: gn };
  }
}

const TRIPLET_ARGS: TorchArgSpec[] = [
  { name: 'anchor', kind: 'float', differentiable: true, doc: 'Anchor embeddings (N, D) or (D,).' },
  { name: 'positive', kind: 'float', differentiable: true, doc: 'Embeddings of the same class, the anchor\'s shape.' },
  { name: 'negative', kind: 'float', differentiable: true, doc: 'Embeddings of another class, the anchor\'s shape.' },
];

export const TRIPLET_MARGIN: TorchSpec = {
  id: 'TripletMarginLoss', framework: 'torch', family: 'metric-learning', functionName: 'triplet_margin_loss', legacy: true,
  args: TRIPLET_ARGS,
  params: [
    { name: 'margin', type: 'float', default: 1.0, doc: 'Required gap d(a, n) − d(a, p).', ui: { min: 0, max: 3, step: 0.05 } },
    { name: 'p', type: 'float', default: 2.0, doc: 'The norm degree of the pairwise distance (inf allowed).' },
    { name: 'eps', type: 'float', default: 1e-6, doc: 'Added to the difference vector before the norm.' },
    { name: 'swap', type: 'bool', default: false, doc: 'Use min(d(a, n), d(p, n)) as the negative distance (distance swap).' },
  ],
  reductions: ['mean', 'sum', 'none'], gradFn: { none: 'ClampMinBackward0', mean: 'MeanBackward0', sum: 'SumBackward0' },
  compute: (a, cfg, ctx) => tripletCore(a, ctx, num(cfg, 'margin'), !!cfg.swap, num(cfg, 'p'), num(cfg, 'eps')),
  example: { args: { anchor: [[0.1, 0.9], [1.0, 0.3]], positive: [[0.3, 0.7], [0.8, 0.1]], negative: [[0.8, 0.4], [0.9, 0.6]] } },
  kerasMatch: { name: 'TripletSemiHardLoss', note: 'not equal: tfa mines triplets in the batch from labels; torch takes explicit triplets.' },
  doc: {
    summary: 'Triplet loss on explicit triplets: the anchor should be nearer the positive than the negative by `margin`.',
    formula: 'd(a, b) = ‖a − b + eps‖_p;  ℓ_i = max(0, margin + d(a_i, p_i) − d(a_i, n_i))   (swap: min(d(a, n), d(p, n)))',
    domain: 'anchor, positive, negative: (N, D) or (D,), equal shapes.',
    output: "'none': (N,); default 'mean'.",
    pitfalls: ['eps is added to the difference vector: d(a, a) = 1e-6·D^(1/p), not 0.', 'p = inf is accepted (max-norm).', 'At a loss of exactly 0 the gradient is still taken (the clamp counts 0 as active).'],
    equivalents: [{ framework: 'Optax', name: 'optax.triplet_margin_loss' }, { framework: 'tfa', name: 'tfa.losses.TripletSemiHardLoss', note: 'mines the triplets' }],
  },
};

export const TRIPLET_MARGIN_WITH_DISTANCE: TorchSpec = {
  id: 'TripletMarginWithDistanceLoss', framework: 'torch', family: 'metric-learning', functionName: 'triplet_margin_with_distance_loss', legacy: false,
  args: TRIPLET_ARGS,
  params: [
    { name: 'distance_function', type: 'string', default: null, doc: 'A callable (a, b) → distances; None = pairwise_distance (p = 2, eps = 1e-6). A Python callable is evaluated through the snippet interpreter.' },
    { name: 'margin', type: 'float', default: 1.0, doc: 'Required gap (torch 1.13 accepts any value).', ui: { min: 0, max: 3, step: 0.05 } },
    { name: 'swap', type: 'bool', default: false, doc: 'Use min(d(a, n), d(p, n)) as the negative distance.' },
  ],
  reductions: ['mean', 'sum', 'none'], gradFn: { none: 'ClampBackward1', mean: 'MeanBackward0', sum: 'SumBackward0' },
  compute(a, cfg: Config, ctx) {
    if (cfg.distance_function !== null && cfg.distance_function !== undefined) {
      throw torchError(ctx.loss, 'distance_function', 'NotImplemented', 'a custom distance function is a Python callable: select the snippet that defines it (Compute Loss evaluates it with the snippet interpreter)', { code: 'unsupported' });
    }
    return tripletCore(a, ctx, num(cfg, 'margin'), !!cfg.swap, 2, 1e-6);
  },
  example: { args: { anchor: [[0.1, 0.9], [1.0, 0.3]], positive: [[0.3, 0.7], [0.8, 0.1]], negative: [[0.8, 0.4], [0.9, 0.6]] } },
  doc: {
    summary: 'Triplet loss with a user-chosen distance (default: the Euclidean pairwise_distance, identical to TripletMarginLoss).',
    formula: 'ℓ_i = max(0, margin + d(a_i, p_i) − d(a_i, n_i));  default d = ‖a − b + 1e-6‖₂',
    domain: 'anchor, positive, negative: (N, D) or (D,).',
    output: "'none': (N,); default 'mean'.",
    pitfalls: ['The default distance adds eps = 1e-6 to the difference, like TripletMarginLoss.', 'No size_average/reduce legacy arguments.'],
    equivalents: [{ framework: 'torch', name: 'nn.TripletMarginLoss', note: 'the same numbers with the default distance' }],
  },
};

export const TORCH_EMBEDDING: TorchSpec[] = [MARGIN_RANKING, HINGE_EMBEDDING, COSINE_EMBEDDING, TRIPLET_MARGIN, TRIPLET_MARGIN_WITH_DISTANCE];
