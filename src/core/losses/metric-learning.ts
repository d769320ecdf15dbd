/**
 * Metric-learning losses: Keras 3 Circle, and the tfa ContrastiveLoss, TripletSemiHardLoss, TripletHardLoss,
 * LiftedStructLoss, NpairsLoss, NpairsMultilabelLoss (Keras 2 base class; tfa fixes the reduction of all but
 * Contrastive to NONE because their functions already return the batch scalar).
 * Gradients follow TF's conventions: maximum/minimum give ties to the first argument, reduce_max/min split the
 * gradient equally among exact ties, and the sqrt of a zero squared distance is masked (zero gradient).
 */
import type { KernelContext, LossSpec, ParamSpec, ParamValue } from '../spec';
import { argError } from '../errors';
import type { Tensor } from '../tensor';
import { shapeErr, warnOnce } from './common';

// ---------------------------------------------------------------------------------------------------------
// Shared pieces

/** Labels of shape (B,) or (B,1) (tfa reshapes them to (B,1)); returns their values. */
function labelVector(ctx: KernelContext, t: Tensor, B: number, argument = 'y_true'): Float64Array {
  const ok = (t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1)) && t.shape[0] === B;
  if (!ok) throw shapeErr(ctx, argument, `integer labels of shape (${B},) or (${B}, 1), one per embedding row`, t.shape);
  return t.data;
}

/** y_pred as a (B, D) matrix of embeddings. */
function embeddingMatrix(ctx: KernelContext, p: Tensor, what = 'embeddings'): { B: number; D: number } {
  if (p.shape.length !== 2) throw shapeErr(ctx, 'y_pred', `a 2-D tensor of ${what}, shape (batch_size, dim)`, p.shape);
  return { B: p.shape[0], D: p.shape[1] };
}

/**
 * tfa _masked_minimum of one row: min over masked elements, or the row maximum when none is masked. `w` receives
 * d(result)/d(row) with TF's gradient of (min((x − max x)·m) + max x): ties of reduce_min/max share equally.
 */
export function maskedMinimum(row: ArrayLike<number>, mask: ArrayLike<number>, w?: Float64Array): number {
  const n = row.length;
  let M = -Infinity;
  for (let j = 0; j < n; j++) if (row[j] > M) M = row[j];
  let zmin = Infinity;
  for (let j = 0; j < n; j++) { const z = (row[j] - M) * mask[j]; if (z < zmin) zmin = z; }
  if (w) tieWeights(row, mask, M, zmin, w);
  return zmin + M;
}

/** tfa _masked_maximum of one row: max over masked elements, or the row minimum when none is masked. */
export function maskedMaximum(row: ArrayLike<number>, mask: ArrayLike<number>, w?: Float64Array): number {
  const n = row.length;
  let m = Infinity;
  for (let j = 0; j < n; j++) if (row[j] < m) m = row[j];
  let zmax = -Infinity;
  for (let j = 0; j < n; j++) { const z = (row[j] - m) * mask[j]; if (z > zmax) zmax = z; }
  if (w) tieWeights(row, mask, m, zmax, w);
  return zmax + m;
}

/** d/d row of (ext_j (row_j − a)·mask_j) + a, where a = an extreme of the row (gradient split among ties). */
function tieWeights(row: ArrayLike<number>, mask: ArrayLike<number>, a: number, zext: number, w: Float64Array): void {
  const n = row.length;
  w.fill(0);
  let nS = 0, mS = 0, nA = 0;
  for (let j = 0; j < n; j++) {
    if ((row[j] - a) * mask[j] === zext) { nS++; mS += mask[j]; }
    if (row[j] === a) nA++;
  }
  const toA = nS === 0 ? 1 : 1 - mS / nS;
  for (let j = 0; j < n; j++) {
    if (nS > 0 && (row[j] - a) * mask[j] === zext) w[j] += mask[j] / nS;
    if (nA > 0 && row[j] === a) w[j] += toA / nA;
  }
}

type Metric = 'L2' | 'squared-L2' | 'angular';

/**
 * tfa pairwise distances of the rows of x (B×D): squared distance ‖a‖²+‖b‖²−2a·b clamped at 0, exact zeros
 * masked (distance 0, zero gradient), sqrt for L2, diagonal set to 0; or the angular distance
 * max(1 − cos, 0) of the l2-normalised rows (diagonal kept). `backward(gD)` returns d/dx for an upstream gD (B×B).
 */
function pairwiseDistances(x: Float64Array, B: number, D: number, metric: Metric, round: (v: number) => number):
  { dist: Float64Array; backward(gD: Float64Array): Float64Array } {
  const dist = new Float64Array(B * B);
  if (metric === 'angular') {
    const eps = round(1e-12);
    const f = new Float64Array(B * D), norm = new Float64Array(B), clamped = new Uint8Array(B);
    for (let i = 0; i < B; i++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += x[i * D + k] * x[i * D + k];
      clamped[i] = s >= eps ? 0 : 1;
      const inv = 1 / Math.sqrt(Math.max(s, eps));
      norm[i] = 1 / inv;
      for (let k = 0; k < D; k++) f[i * D + k] = x[i * D + k] * inv;
    }
    const pass = new Uint8Array(B * B);
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
      let dot = 0;
      for (let k = 0; k < D; k++) dot += f[i * D + k] * f[j * D + k];
      const a = 1 - dot;
      pass[i * B + j] = a >= 0 ? 1 : 0;
      dist[i * B + j] = Math.max(a, 0);
    }
    return {
      dist,
      backward(gD) {
        const gf = new Float64Array(B * D);
        for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
          const g = gD[i * B + j];
          if (g === 0 || !pass[i * B + j]) continue;
          for (let k = 0; k < D; k++) { gf[i * D + k] -= g * f[j * D + k]; gf[j * D + k] -= g * f[i * D + k]; }
        }
        const gx = new Float64Array(B * D);
        for (let i = 0; i < B; i++) {
          if (clamped[i]) { for (let k = 0; k < D; k++) gx[i * D + k] = gf[i * D + k] / norm[i]; continue; }
          let fg = 0;
          for (let k = 0; k < D; k++) fg += f[i * D + k] * gf[i * D + k];
          for (let k = 0; k < D; k++) gx[i * D + k] = (gf[i * D + k] - f[i * D + k] * fg) / norm[i];
        }
        return gx;
      },
    };
  }
  const sqn = new Float64Array(B);
  for (let i = 0; i < B; i++) { let s = 0; for (let k = 0; k < D; k++) s += x[i * D + k] * x[i * D + k]; sqn[i] = s; }
  const live = new Uint8Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
    if (i === j) continue;
    let dot = 0;
    for (let k = 0; k < D; k++) dot += x[i * D + k] * x[j * D + k];
    const sq = Math.max(sqn[i] + sqn[j] - 2 * dot, 0);
    if (sq > 0) { live[i * B + j] = 1; dist[i * B + j] = metric === 'L2' ? Math.sqrt(sq) : sq; }
  }
  return {
    dist,
    backward(gD) {
      const gx = new Float64Array(B * D);
      for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
        const g = gD[i * B + j];
        if (g === 0 || !live[i * B + j]) continue;
        // d sq/d x_i = 2 (x_i − x_j); d sqrt(sq)/d sq = 1 / (2 d)
        const c = metric === 'L2' ? g / dist[i * B + j] : 2 * g;
        for (let k = 0; k < D; k++) {
          const diff = x[i * D + k] - x[j * D + k];
          gx[i * D + k] += c * diff;
          gx[j * D + k] -= c * diff;
        }
      }
      return gx;
    },
  };
}

const MARGIN = (def: number, doc: string, position: number): ParamSpec => ({ name: 'margin', type: 'float', default: def, doc, ui: { min: 0, max: 2, step: 0.05 }, position });
const DISTANCE = (position: number): ParamSpec => ({
  name: 'distance_metric', type: 'enum', default: 'L2', choices: ['L2', 'squared-L2', 'angular'], position,
  doc: 'Pairwise distance: "L2" (Euclidean, default), "squared-L2", or "angular" (1 − cosine similarity of the l2-normalised rows). tfa also accepts a callable, which cannot be evaluated here.',
});

/** Adjacency helpers: same[i*B+j] = labels equal; posMask excludes the diagonal. */
function adjacency(labels: Float64Array, B: number): { same: Uint8Array; notSame: Float64Array; pos: Float64Array; nPos: number } {
  const same = new Uint8Array(B * B), notSame = new Float64Array(B * B), pos = new Float64Array(B * B);
  let nPos = 0;
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
    const s = labels[i] === labels[j] ? 1 : 0;
    same[i * B + j] = s;
    notSame[i * B + j] = 1 - s;
    if (s && i !== j) { pos[i * B + j] = 1; nPos++; }
  }
  return { same, notSame, pos, nPos };
}

function noNegativesWarning(ctx: KernelContext, notSame: Float64Array, B: number, what: string): void {
  let rows = 0;
  for (let i = 0; i < B; i++) { let any = false; for (let j = 0; j < B; j++) if (notSame[i * B + j]) { any = true; break; } if (!any) rows++; }
  if (rows > 0) warnOnce(ctx.trace, 'no-negatives', `${rows} anchor(s) have no negative (every label in the batch is the same as theirs): ${what}`);
}

// ---------------------------------------------------------------------------------------------------------
// Keras 3 Circle

const CIRCLE_GAMMA = (def: number, position: number): ParamSpec => ({ name: 'gamma', type: 'float', default: def, position, doc: 'Scale of the similarity scores (the largest logit scale). Larger values sharpen the soft maxima.', ui: { min: 1, max: 256, step: 1 } });
const CIRCLE_MARGIN = (position: number): ParamSpec => ({ name: 'margin', type: 'float', default: 0.4, position, doc: 'Relaxation m: positives are pushed to cosine similarity above 1 − m (distance below m), negatives below m (distance above 1 − m).', ui: { min: 0, max: 1, step: 0.05 } });
const CIRCLE_DIAG = (position: number): ParamSpec => ({ name: 'remove_diagonal', type: 'bool', default: true, position, doc: 'Drop each embedding\'s pair with itself from its positives (default True).' });

/** Nested numbers → flat values and shape (a rectangular array; the config checked the leaves are numbers). */
function nestedArray(v: ParamValue): { data: number[]; shape: number[] } {
  const shape: number[] = [];
  for (let a: ParamValue = v; Array.isArray(a); a = a[0]) shape.push(a.length);
  const data = (Array.isArray(v) ? (v as unknown[]).flat(Infinity) : [v]) as number[];
  return { data, shape };
}

/** Circle's ref_labels / ref_embeddings (function form): each defaults to the batch's own, as in keras.losses.circle. */
function circleReference(ctx: KernelContext, refLabels: ParamValue, refEmb: ParamValue, labels: Float64Array, x: Float64Array, B: number, D: number):
  { M: number; emb: Float64Array; labels: Float64Array; given: boolean } {
  let emb = x, M = B;
  if (refEmb !== null) {
    const a = nestedArray(refEmb);
    if (a.shape.length !== 2 || a.shape[1] !== D) throw shapeErr(ctx, 'ref_embeddings', `a 2-D array of reference embeddings with ${D} columns like y_pred, shape (M, ${D})`, a.shape);
    emb = Float64Array.from(a.data, ctx.round); M = a.shape[0];
  }
  let lab = labels;
  if (refLabels !== null) {
    const a = nestedArray(refLabels);
    if (!(a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1))) throw shapeErr(ctx, 'ref_labels', 'integer labels of shape (M,), one per reference embedding', a.shape);
    lab = Float64Array.from(a.data, (v) => Math.trunc(v));
  }
  if (lab.length !== M) {
    const which = refLabels === null ? 'ref_labels (default: y_true)' : 'ref_labels';
    throw argError(ctx.loss, refLabels === null ? 'ref_embeddings' : 'ref_labels', `${which} to have one label per reference embedding (${M} ${refEmb === null ? 'rows of y_pred, the default ref_embeddings' : 'rows of ref_embeddings'})`, `${lab.length} labels`, 'shape');
  }
  return { M, emb, labels: lab, given: refLabels !== null || refEmb !== null };
}

/**
 * keras.losses.circle (ref = the batch, or the function form's ref_labels/ref_embeddings r): d = max(1 − p·rᵀ, 0); for positives sp = −γ·max(m + d, 0)·(m − d),
 * negatives sn = γ·max(1 + m − d, 0)·(1 − m − d); loss_i = softplus(LSE_pos sp + LSE_neg sn); mask loss > 0.
 */
const Circle: LossSpec = {
  id: 'Circle', framework: 'keras', family: 'metric-learning', base: 'keras3',
  functionName: 'circle', defaultName: 'circle', aliases: [],
  foreignNames: ['pytorch_metric_learning.losses.CircleLoss', 'CircleLoss', 'tfsim.losses.CircleLoss'],
  params: [CIRCLE_GAMMA(80.0, 0), CIRCLE_MARGIN(1), CIRCLE_DIAG(2)],
  functionParams: [
    { name: 'ref_labels', type: 'arrayOrNone', default: null, position: 0, doc: 'Integer labels of the reference embeddings, shape (M,). None: y_true.' },
    { name: 'ref_embeddings', type: 'arrayOrNone', default: null, position: 1, doc: 'L2-normalised reference embeddings, shape (M, dim), compared with every row of y_pred. None: y_pred itself (then the gradient flows through both sides of each pair).' },
    CIRCLE_DIAG(2), CIRCLE_GAMMA(80, 3), CIRCLE_MARGIN(4)],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom',
  sweep: { kind: 'raw', range: [-1, 1] },
  example: {
    yTrue: [1, 1, 2, 2, 3],
    yPred: [
      [0.70014004, -0.42008403, 0.14002801, 0.56011203],
      [0.17609018, 0.70436073, -0.52827054, 0.44022545],
      [-0.34050261, 0.25537696, -0.68100522, 0.59587957],
      [0.32163376, -0.75047877, 0.53605627, -0.21442251],
      [0.51261459, -0.34174306, 0.17087153, 0.76892189],
    ],
    sampleWeight: [2.0, 2.0, 1.0, 1.0, 0.5],
  },
  compute(t, p, cfg, ctx) {
    const { B, D } = embeddingMatrix(ctx, p, 'L2-normalised embeddings');
    const raw = labelVector(ctx, t, B);
    const labels = Float64Array.from(raw, (v) => Math.trunc(v)); // cast to int32
    const gamma = ctx.round(cfg.gamma as number), m = ctx.round(cfg.margin as number);
    const removeDiag = cfg.remove_diagonal as boolean;
    const x = p.data;
    // The function form compares the batch with reference embeddings/labels (default: the batch itself).
    const ref = circleReference(ctx, cfg.ref_labels ?? null, cfg.ref_embeddings ?? null, labels, x, B, D);
    const M = ref.M, r = ref.emb, refLabels = ref.labels;
    const dot = new Float64Array(B * M), d = new Float64Array(B * M);
    for (let i = 0; i < B; i++) for (let j = 0; j < M; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += x[i * D + k] * r[j * D + k];
      dot[i * M + j] = s;
      d[i * M + j] = Math.max(1 - s, 0);
    }
    // build_pos_neg_masks: positives share the label, minus the diagonal of eye(B, M) when remove_diagonal.
    const isPos = (i: number, j: number) => labels[i] === refLabels[j] && !(removeDiag && i === j);
    const isNeg = (i: number, j: number) => !(labels[i] === refLabels[j]);
    const sp = new Float64Array(B * M), sn = new Float64Array(B * M);
    const P = new Float64Array(B), N = new Float64Array(B), values = new Float64Array(B);
    for (let i = 0; i < B; i++) {
      let mp = -Infinity, mn = -Infinity;
      for (let j = 0; j < M; j++) {
        const dij = d[i * M + j];
        if (isPos(i, j)) { sp[i * M + j] = -gamma * Math.max(m + dij, 0) * (m - dij); mp = Math.max(mp, sp[i * M + j]); }
        if (isNeg(i, j)) { sn[i * M + j] = gamma * Math.max(1 + m - dij, 0) * (1 - m - dij); mn = Math.max(mn, sn[i * M + j]); }
      }
      let sP = 0, sN = 0;
      for (let j = 0; j < M; j++) {
        if (isPos(i, j)) sP += Math.exp(sp[i * M + j] - mp);
        if (isNeg(i, j)) sN += Math.exp(sn[i * M + j] - mn);
      }
      P[i] = mp === -Infinity ? -Infinity : mp + Math.log(sP);
      N[i] = mn === -Infinity ? -Infinity : mn + Math.log(sN);
      const z = P[i] + N[i];
      values[i] = z === -Infinity ? 0 : Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))); // stable softplus
    }
    const mask = new Uint8Array(B);
    let masked = 0, noPos = 0;
    for (let i = 0; i < B; i++) {
      mask[i] = ctx.round(values[i]) > 0 ? 1 : 0;
      if (!mask[i]) masked++;
      if (P[i] === -Infinity) noPos++;
    }
    if (masked > 0) {
      const meanType = cfg.reduction === 'sum_over_batch_size' || cfg.reduction === 'mean';
      ctx.trace.notes.push(`Circle attaches the mask loss > 0: ${masked} of ${B} sample(s) have loss 0 and are masked out${meanType ? ` of the mean (it divides by ${B - masked}, not ${B})` : ' (weight 0)'}.`);
    }
    if (noPos > 0) warnOnce(ctx.trace, 'no-positives', ref.given
      ? `${noPos} sample(s) have no reference embedding with the same label${removeDiag ? ' (remove_diagonal=True also drops reference j = i)' : ''}: their loss is 0 and they are masked out.`
      : `${noPos} sample(s) have no other sample with the same label in the batch: their loss is 0 and they are masked out. Build batches with at least two samples per class.`);
    let far = 0;
    for (const [e, rows] of ref.given && ref.emb !== x ? [[x, B], [r, M]] as const : [[x, B]] as const) {
      for (let i = 0; i < rows; i++) { let s = 0; for (let k = 0; k < D; k++) s += e[i * D + k] * e[i * D + k]; if (Math.abs(Math.sqrt(s) - 1) > 1e-3) far++; }
    }
    if (far > 0) warnOnce(ctx.trace, 'not-normalized', `${far} embedding row(s) are not L2-normalised (norm ≠ 1): Circle expects unit vectors (add keras.layers.UnitNormalization), otherwise 1 − p·pᵀ is not a cosine distance.`);

    const up = ctx.upstream([B], mask);
    const gdot = new Float64Array(B * M);
    for (let i = 0; i < B; i++) {
      const z = P[i] + N[i];
      if (up[i] === 0 || z === -Infinity) continue;
      const gz = up[i] / (1 + Math.exp(-z)); // softplus' = sigmoid
      for (let j = 0; j < M; j++) {
        const dij = d[i * M + j];
        let gd = 0;
        if (isPos(i, j)) {
          const w = Math.exp(sp[i * M + j] - P[i]);
          const ap = Math.max(m + dij, 0), apd = m + dij >= 0 ? 1 : 0;
          gd += gz * w * (-gamma) * (apd * (m - dij) - ap);
        }
        if (isNeg(i, j)) {
          const w = Math.exp(sn[i * M + j] - N[i]);
          const an = Math.max(1 + m - dij, 0), and = 1 + m - dij >= 0 ? -1 : 0;
          gd += gz * w * gamma * (and * (1 - m - dij) - an);
        }
        if (gd !== 0 && 1 - dot[i * M + j] >= 0) gdot[i * M + j] -= gd;
      }
    }
    // d(p_i · r_j): r_j for p_i, and p_i for p_j when the references are the batch itself.
    const grad = new Float64Array(B * D);
    const selfRef = r === x;
    for (let i = 0; i < B; i++) for (let j = 0; j < M; j++) {
      const g = gdot[i * M + j];
      if (g === 0) continue;
      for (let k = 0; k < D; k++) { grad[i * D + k] += g * r[j * D + k]; if (selfRef) grad[j * D + k] += g * x[i * D + k]; }
    }
    return { values: { data: values, shape: [B] }, grad, mask };
  },
  doc: {
    summary: 'Circle loss: pulls same-label embeddings together and pushes others apart, weighting each pair by how far it is from its optimum.',
    formula: 'd = max(1 − p·pᵀ, 0) (cosine distance of unit vectors)\npositives (same label, diagonal removed): s_p = −γ·max(m + d, 0)·(m − d)\nnegatives: s_n = γ·max(1 + m − d, 0)·(1 − m − d)\nloss_i = softplus(logsumexp_pos s_p + logsumexp_neg s_n)\nmask: loss_i > 0',
    domain: 'y_true: integer labels (B,) (cast to int32); y_pred: L2-normalised embeddings (B, D), e.g. after keras.layers.UnitNormalization.',
    output: 'shape (B,) per sample, with the Keras mask loss > 0 attached; default reduction sum_over_batch_size then averages over the samples with a positive loss only.',
    pitfalls: [
      'The mean runs over samples with loss > 0 only (the attached mask): the Keras test batch gives 188.39, not 150.71 = sum / 5, because one sample has no positive and is masked.',
      'A sample whose label appears once in the batch has no positive, gets 0 and is ignored: sample batches with ≥ 2 examples per class.',
      'Embeddings must be unit-norm; raw Dense outputs make 1 − p·pᵀ meaningless and the loss explodes with γ = 80.',
      'γ = 80 makes values large (hundreds); compare runs at the same γ and margin.',
    ],
    equivalents: [
      { framework: 'pytorch-metric-learning', name: 'losses.CircleLoss(m=0.4, gamma=80)', note: 'third-party; uses cosine similarity directly and averages over all anchors with a positive' },
      { framework: 'PyTorch / Optax', name: '—', note: 'no built-in Circle loss' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------
// tfa ContrastiveLoss

const Contrastive: LossSpec = {
  id: 'ContrastiveLoss', framework: 'tfa', family: 'metric-learning', base: 'keras2',
  functionName: 'contrastive_loss', defaultName: 'contrastive_loss', aliases: ['Addons>contrastive_loss'],
  foreignNames: ['torch.nn.CosineEmbeddingLoss', 'nn.CosineEmbeddingLoss', 'CosineEmbeddingLoss', 'torch.nn.HingeEmbeddingLoss', 'nn.HingeEmbeddingLoss', 'pytorch_metric_learning.losses.ContrastiveLoss'],
  params: [MARGIN(1.0, 'Negative pairs closer than the margin are penalised by (margin − distance)².', 0)],
  functionParams: [MARGIN(1.0, 'Negative pairs closer than the margin are penalised by (margin − distance)².', 0)],
  defaultReduction: 'sum_over_batch_size', inputs: 'broadcast', noSqueeze: true,
  sweep: { kind: 'raw', range: [0, 2] },
  example: { yTrue: [0, 0, 1, 1, 0, 1], yPred: [0.1, 0.3, 1.3, 0.7, 1.2, 0.5], sampleWeight: [1.2, 0.8, 0.5, 0.4, 1.5, 1.0] },
  compute(t, p, cfg, ctx) {
    const m = ctx.round(cfg.margin as number);
    const up = ctx.upstream(p.shape);
    const n = p.data.length;
    const values = new Float64Array(n), grad = new Float64Array(n);
    let negative = 0;
    for (let i = 0; i < n; i++) {
      const y = t.data[i], d = p.data[i];
      if (d < 0) negative++;
      const h = Math.max(m - d, 0);
      values[i] = y * d * d + (1 - y) * h * h;
      grad[i] = up[i] * (2 * y * d - (m - d >= 0 ? 2 * (1 - y) * h : 0));
    }
    if (negative > 0) warnOnce(ctx.trace, 'negative-distance', `${negative} value(s) of y_pred are negative: ContrastiveLoss expects distances ≥ 0 (e.g. tf.linalg.norm(a − b, axis=1)), not similarities or logits.`);
    return { values: { data: values, shape: p.shape.slice() }, grad };
  },
  doc: {
    summary: 'Contrastive loss on precomputed pair distances: similar pairs pulled to 0, dissimilar pairs pushed beyond the margin.',
    formula: 'loss = y·d² + (1 − y)·max(margin − d, 0)², elementwise',
    domain: 'y_true: 1 for a similar pair, 0 for a dissimilar one; y_pred: distances ≥ 0 between the two embeddings of each pair, shape (B,).',
    output: 'same shape as y_pred (no axis reduction); default reduction SUM_OVER_BATCH_SIZE (Keras 2 base class).',
    pitfalls: [
      'y_pred is a DISTANCE, not a similarity: feeding cosine similarities or logits inverts the meaning of the margin.',
      'Label 1 means "same" here; some papers and libraries use 1 for "different" (and torch.nn.CosineEmbeddingLoss uses ±1).',
      'No squeeze of y_true/y_pred: (B,) labels against (B, 1) distances broadcast to a (B, B) outer product.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.CosineEmbeddingLoss(margin=0.0)', note: 'takes two embeddings and y ∈ {1, −1}; 1 − cos for similar, max(0, cos − margin) for dissimilar: not squared' },
      { framework: 'PyTorch', name: 'torch.nn.HingeEmbeddingLoss(margin=1.0)', note: 'on distances x with y ∈ {1, −1}: x for similar, max(0, margin − x) for dissimilar: neither term squared, and the mean is taken by default' },
      { framework: 'pytorch-metric-learning', name: 'losses.ContrastiveLoss(pos_margin=0, neg_margin=1)', note: 'third-party, mines pairs from embeddings; hinge not squared by default' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------
// tfa TripletSemiHardLoss / TripletHardLoss

function tripletInputs(t: Tensor, p: Tensor, cfg: { distance_metric?: unknown }, ctx: KernelContext) {
  const { B, D } = embeddingMatrix(ctx, p);
  const labels = labelVector(ctx, t, B);
  const metric = (cfg.distance_metric ?? 'L2') as Metric;
  const pd = pairwiseDistances(p.data, B, D, metric, ctx.round);
  return { B, D, labels, pd, metric, ...adjacency(labels, B) };
}

const TripletSemiHard: LossSpec = {
  id: 'TripletSemiHardLoss', framework: 'tfa', family: 'metric-learning', base: 'keras2',
  functionName: 'triplet_semihard_loss', defaultName: 'triplet_semihard_loss', aliases: ['Addons>triplet_semihard_loss'],
  foreignNames: ['torch.nn.TripletMarginLoss', 'nn.TripletMarginLoss', 'TripletMarginLoss', 'F.triplet_margin_loss', 'torch.nn.functional.triplet_margin_loss',
    'torch.nn.TripletMarginWithDistanceLoss', 'optax.triplet_margin_loss', 'optax.losses.triplet_margin_loss', 'pytorch_metric_learning.losses.TripletMarginLoss'],
  params: [MARGIN(1.0, 'Required gap between the positive distance and the negative distance.', 0), DISTANCE(1)],
  functionParams: [MARGIN(1.0, 'Required gap between the positive distance and the negative distance.', 0), DISTANCE(1)],
  defaultReduction: 'none', fixedReduction: true, inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'raw', range: [-1, 1] },
  example: {
    yTrue: [0, 0, 1, 1, 2],
    yPred: [[0.9, 0.1, 0.2], [0.5, 0.6, -0.1], [0.1, 0.8, 0.3], [-0.2, 0.7, 0.65], [0.3, -0.4, 0.9]],
    config: { margin: 0.7 },
  },
  compute(t, p, cfg, ctx) {
    const { B, pd, notSame, pos, nPos } = tripletInputs(t, p, cfg, ctx);
    const Dm = pd.dist;
    const margin = ctx.round(cfg.margin as number);
    // per (anchor b, positive a): semi-hard negative = smallest D[b,j] > D[b,a] among negatives, else the largest negative
    const lm = new Float64Array(B * B);
    const useOutside = new Uint8Array(B * B);
    const ni = new Float64Array(B);
    for (let b = 0; b < B; b++) ni[b] = maskedMaximum(Dm.subarray(b * B, (b + 1) * B), notSame.subarray(b * B, (b + 1) * B));
    const mask = new Float64Array(B);
    /** Fills `mask` with the negatives of anchor b farther than D[b,a]; true when there is one. */
    const outside = (b: number, a: number): boolean => {
      let any = false;
      for (let j = 0; j < B; j++) { mask[j] = notSame[b * B + j] && Dm[b * B + j] > Dm[b * B + a] ? 1 : 0; if (mask[j]) any = true; }
      return any;
    };
    for (let b = 0; b < B; b++) for (let a = 0; a < B; a++) {
      const any = outside(b, a);
      useOutside[b * B + a] = any ? 1 : 0;
      const sh = any ? maskedMinimum(Dm.subarray(b * B, (b + 1) * B), mask) : ni[b];
      lm[b * B + a] = margin + Dm[b * B + a] - sh;
    }
    let sum = 0;
    for (let k = 0; k < B * B; k++) sum += Math.max(lm[k] * pos[k], 0);
    const value = sum / nPos;
    if (nPos === 0) warnOnce(ctx.trace, 'no-positive-pairs', 'No two embeddings share a label: there are no positive pairs and tfa divides 0 by 0 (NaN). Build batches with at least two samples per class.');
    noNegativesWarning(ctx, notSame, B, 'the "negative" falls back to the row minimum (the anchor\'s 0 distance to itself), so the loss is margin + d(anchor, positive).');
    const up = ctx.upstream([]);
    const gD = new Float64Array(B * B);
    if (nPos === 0) return { values: { data: Float64Array.of(value), shape: [] }, grad: new Float64Array(p.data.length).fill(NaN) };
    const c = up[0] / nPos;
    const w = new Float64Array(B);
    for (let b = 0; b < B; b++) for (let a = 0; a < B; a++) {
      const k = b * B + a;
      if (!pos[k] || !(lm[k] >= 0)) continue;
      gD[k] += c;
      // d(semi-hard negative)/d D[b, ·]: recomputed for the pairs that carry a gradient
      if (useOutside[k]) { outside(b, a); maskedMinimum(Dm.subarray(b * B, (b + 1) * B), mask, w); }
      else maskedMaximum(Dm.subarray(b * B, (b + 1) * B), notSame.subarray(b * B, (b + 1) * B), w);
      for (let j = 0; j < B; j++) gD[b * B + j] -= c * w[j];
    }
    return { values: { data: Float64Array.of(value), shape: [] }, grad: pd.backward(gD) };
  },
  doc: {
    summary: 'Triplet loss with semi-hard negative mining inside the batch (FaceNet): every positive pair is compared with the closest negative that is still farther than the positive.',
    formula: 'for each anchor i and positive j (same label, j ≠ i):\n  neg = min{ D[i,k] : label k ≠ label i, D[i,k] > D[i,j] }, or max{ D[i,k] : label k ≠ label i } if that set is empty\n  ℓ_ij = max(margin + D[i,j] − neg, 0)\nloss = Σ ℓ_ij / (number of positive pairs)',
    domain: 'y_true: integer labels (B,) or (B, 1); y_pred: embeddings (B, D), ideally L2-normalised. D is the tfa pairwise distance (squared distance clamped at 0, exact zeros masked, diagonal 0).',
    output: 'a scalar for the batch; the reduction is fixed (tfa passes Reduction.NONE), sample_weight only scales it.',
    pitfalls: [
      'Needs ≥ 2 samples of some class in the batch: with no positive pair the result is 0/0 = NaN.',
      'An anchor with no negative (a single-class batch) falls back to the row minimum, its 0 self-distance: the docstring pair [0, 0] gives 1 + √2 = 2.4142137.',
      'Mining happens inside the batch, so the value depends on the batch composition and size, unlike torch/optax triplet losses on explicit (anchor, positive, negative) triples.',
      'Duplicate embeddings: the squared distance is computed as ‖a‖² + ‖b‖² − 2a·b, which TF in float32 may leave as a tiny positive residue (distance ~1e-4 with a huge gradient) instead of 0; exact zeros are masked to distance 0 with no gradient.',
    ],
    equivalents: [
      { framework: 'Keras 3', name: 'keras.losses.Circle()', note: 'the in-batch metric-learning loss that ships with Keras 3 (tfa is archived); a different formula on L2-normalised embeddings' },
      { framework: 'PyTorch', name: 'torch.nn.TripletMarginLoss(margin=1.0, p=2, eps=1e-6)', note: 'explicit anchor/positive/negative tensors, no mining; eps added inside the norm' },
      { framework: 'Optax', name: 'optax.losses.triplet_margin_loss(anchors, positives, negatives, margin=1.0, eps=1e-6)', note: 'explicit triples, per-example values, no mining' },
    ],
  },
};

const TripletHard: LossSpec = {
  id: 'TripletHardLoss', framework: 'tfa', family: 'metric-learning', base: 'keras2',
  functionName: 'triplet_hard_loss', defaultName: 'triplet_hard_loss', aliases: ['Addons>triplet_hard_loss'],
  foreignNames: ['pytorch_metric_learning.miners.BatchHardMiner', 'BatchHardMiner'],
  params: [MARGIN(1.0, 'Required gap between the hardest positive and the hardest negative distance (ignored when soft=True).', 0),
    { name: 'soft', type: 'bool', default: false, position: 1, doc: 'Use the soft margin log(1 + exp(hp − hn)) instead of max(hp − hn + margin, 0).' }, DISTANCE(2)],
  functionParams: [MARGIN(1.0, 'Required gap between the hardest positive and the hardest negative distance (ignored when soft=True).', 0),
    { name: 'soft', type: 'bool', default: false, position: 1, doc: 'Use the soft margin log(1 + exp(hp − hn)) instead of max(hp − hn + margin, 0).' }, DISTANCE(2)],
  defaultReduction: 'none', fixedReduction: true, inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'raw', range: [-1, 1] },
  example: {
    yTrue: [[0], [0], [1], [1], [2]],
    yPred: [[0.9, 0.1, 0.2], [0.5, 0.6, -0.1], [0.1, 0.8, 0.3], [-0.2, 0.7, 0.65], [0.3, -0.4, 0.9]],
    config: { margin: 0.5 },
  },
  compute(t, p, cfg, ctx) {
    const { B, pd, notSame, pos } = tripletInputs(t, p, cfg, ctx);
    const Dm = pd.dist;
    const margin = ctx.round(cfg.margin as number);
    const soft = cfg.soft as boolean;
    const hn = new Float64Array(B), hp = new Float64Array(B);
    const wn: Float64Array[] = [], wp: Float64Array[] = [];
    const per = new Float64Array(B);
    let noPos = 0;
    for (let b = 0; b < B; b++) {
      const row = Dm.subarray(b * B, (b + 1) * B);
      const w1 = new Float64Array(B), w2 = new Float64Array(B);
      hn[b] = maskedMinimum(row, notSame.subarray(b * B, (b + 1) * B), w1);
      hp[b] = maskedMaximum(row, pos.subarray(b * B, (b + 1) * B), w2);
      wn.push(w1); wp.push(w2);
      let any = false;
      for (let j = 0; j < B; j++) if (pos[b * B + j]) any = true;
      if (!any) noPos++;
      const x = hp[b] - hn[b];
      per[b] = soft ? Math.log1p(ctx.round(Math.exp(x))) : Math.max(x + margin, 0);
    }
    let s = 0;
    for (let b = 0; b < B; b++) s += per[b];
    const value = s / B;
    if (noPos > 0) warnOnce(ctx.trace, 'no-positives', `${noPos} anchor(s) have no positive: tfa's masked maximum then returns the row minimum (0, the distance to itself) as the hardest positive.`);
    noNegativesWarning(ctx, notSame, B, 'the hardest negative falls back to the row maximum (a positive distance).');
    const up = ctx.upstream([]);
    const gD = new Float64Array(B * B);
    for (let b = 0; b < B; b++) {
      const x = hp[b] - hn[b];
      let g: number;
      if (soft) { const e = ctx.round(Math.exp(x)); g = e / (1 + e); } else g = x + margin >= 0 ? 1 : 0;
      g *= up[0] / B;
      if (g === 0) continue;
      for (let j = 0; j < B; j++) gD[b * B + j] += g * (wp[b][j] - wn[b][j]);
    }
    return { values: { data: Float64Array.of(value), shape: [] }, grad: pd.backward(gD) };
  },
  doc: {
    summary: 'Batch-hard triplet loss: each anchor is compared with its farthest positive and its closest negative in the batch.',
    formula: 'hp_i = max{ D[i,j] : same label, j ≠ i } (row minimum if none)\nhn_i = min{ D[i,k] : different label } (row maximum if none)\nℓ_i = max(hp_i − hn_i + margin, 0), or log(1 + exp(hp_i − hn_i)) if soft\nloss = mean_i ℓ_i',
    domain: 'y_true: integer labels (B,) or (B, 1); y_pred: embeddings (B, D), ideally L2-normalised.',
    output: 'a scalar for the batch; the reduction is fixed (tfa passes Reduction.NONE).',
    pitfalls: [
      'Anchors without a positive still count in the mean, with hp = 0 (their self-distance): the loss is then max(margin − hn, 0), which pushes negatives away but dilutes the mean.',
      'Hard mining is sensitive to label noise and outliers: one mislabelled sample becomes every anchor\'s hardest negative.',
      'soft=True ignores margin entirely.',
    ],
    equivalents: [
      { framework: 'Keras 3', name: 'keras.losses.Circle()', note: 'the in-batch metric-learning loss that ships with Keras 3 (tfa is archived); a different formula on L2-normalised embeddings' },
      { framework: 'pytorch-metric-learning', name: 'miners.BatchHardMiner + losses.TripletMarginLoss', note: 'third-party; torch and optax have no in-batch mining' },
      { framework: 'PyTorch', name: 'torch.nn.TripletMarginLoss(margin=1.0)', note: 'explicit triples only' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------
// tfa LiftedStructLoss

const LiftedStruct: LossSpec = {
  id: 'LiftedStructLoss', framework: 'tfa', family: 'metric-learning', base: 'keras2',
  functionName: 'lifted_struct_loss', defaultName: 'lifted_struct_loss', aliases: ['Addons>lifted_struct_loss'],
  foreignNames: ['pytorch_metric_learning.losses.LiftedStructureLoss', 'LiftedStructureLoss', 'pytorch_metric_learning.losses.GeneralizedLiftedStructureLoss'],
  params: [MARGIN(1.0, 'Margin α inside log Σ exp(α − D_negative).', 0)],
  functionParams: [MARGIN(1.0, 'Margin α inside log Σ exp(α − D_negative).', 0)],
  defaultReduction: 'none', fixedReduction: true, inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'raw', range: [-2, 2] },
  example: {
    yTrue: [0, 0, 1, 1, 2],
    yPred: [[0.9, 0.1, 0.2], [0.5, 0.6, -0.1], [0.1, 0.8, 0.3], [-0.2, 0.7, 0.65], [0.3, -0.4, 0.9]],
  },
  compute(t, p, cfg, ctx) {
    const { B, D } = embeddingMatrix(ctx, p);
    const labels = labelVector(ctx, t, B);
    const pd = pairwiseDistances(p.data, B, D, 'L2', ctx.round);
    const Dm = pd.dist;
    const { notSame, pos, nPos } = adjacency(labels, B);
    const margin = ctx.round(cfg.margin as number);
    const diff = Dm.map((v) => margin - v);
    const rnm = new Float64Array(B);
    for (let i = 0; i < B; i++) rnm[i] = maskedMaximum(diff.subarray(i * B, (i + 1) * B), notSame.subarray(i * B, (i + 1) * B));
    const half = nPos / 2;
    // R_i = Σ_{j neg of i} e^{diff[i,j] − rnm_i}; then for a pair with shift mx = max(rnm_a, rnm_b) the two sums of
    // tfa's loss_exp_left are e^{rnm_b − mx}·R_b and e^{rnm_a − mx}·R_a (same terms, regrouped: O(B²) instead of O(B³)).
    const R = new Float64Array(B);
    for (let i = 0; i < B; i++) { let r = 0; for (let j = 0; j < B; j++) if (notSame[i * B + j]) r += Math.exp(diff[i * B + j] - rnm[i]); R[i] = r; }
    // J[a,b] = mx + log(S) + D[a,b]
    const J = new Float64Array(B * B), S = new Float64Array(B * B), MX = new Float64Array(B * B);
    let sum = 0;
    for (let a = 0; a < B; a++) for (let b = 0; b < B; b++) {
      const mx = Math.max(rnm[a], rnm[b]);
      const k = a * B + b;
      S[k] = Math.exp(rnm[b] - mx) * R[b] + Math.exp(rnm[a] - mx) * R[a];
      MX[k] = mx;
      J[k] = mx + Math.log(S[k]) + Dm[k];
      const h = Math.max(J[k] * pos[k], 0);
      sum += h * h;
    }
    const value = 0.25 * sum / half;
    if (nPos === 0) warnOnce(ctx.trace, 'no-positive-pairs', 'No two embeddings share a label: there are no positive pairs and tfa divides 0 by 0 (NaN).');
    noNegativesWarning(ctx, notSame, B, 'a batch with a single label has no negatives at all and the loss is NaN (log 0 · 0).');
    const up = ctx.upstream([]);
    const gD = new Float64Array(B * B);
    if (!Number.isFinite(value)) return { values: { data: Float64Array.of(value), shape: [] }, grad: new Float64Array(p.data.length).fill(NaN) };
    // d J/d diff[x,j] = e^{diff[x,j] − mx}/S for x ∈ {a, b} (the shift mx cancels exactly); accumulate per row
    const K = new Float64Array(B);
    for (let a = 0; a < B; a++) for (let b = 0; b < B; b++) {
      const k = a * B + b;
      if (!pos[k] || !(J[k] >= 0)) continue;
      const c = up[0] * 0.5 * J[k] / half;
      if (c === 0) continue;
      gD[k] += c;
      K[b] += c * Math.exp(rnm[b] - MX[k]) / S[k];
      K[a] += c * Math.exp(rnm[a] - MX[k]) / S[k];
    }
    for (let i = 0; i < B; i++) {
      if (K[i] === 0) continue;
      for (let j = 0; j < B; j++) if (notSame[i * B + j]) gD[i * B + j] -= K[i] * Math.exp(diff[i * B + j] - rnm[i]);
    }
    return { values: { data: Float64Array.of(value), shape: [] }, grad: pd.backward(gD) };
  },
  doc: {
    summary: 'Lifted structured loss: each positive pair against a soft maximum over the negatives of both of its members.',
    formula: 'for each positive pair (i, j): J_ij = log( Σ_{k neg of i} e^{α − D[i,k]} + Σ_{l neg of j} e^{α − D[j,l]} ) + D[i,j]\nloss = ¼ · Σ_{ordered positive pairs} max(J_ij, 0)² / (number of positive pairs / 2) = Σ_{unordered} max(J,0)² / (2·#pairs)',
    domain: 'y_true: integer labels (B,) or (B, 1); y_pred: embeddings (B, D), NOT L2-normalised (tfa\'s advice); Euclidean distances.',
    output: 'a scalar for the batch; the reduction is fixed (tfa passes Reduction.NONE).',
    pitfalls: [
      'Embeddings should NOT be L2-normalised (tfa\'s advice): on the unit sphere every distance is ≤ 2, so log Σ e^{1 − D} over more than a handful of negatives stays above 0 and the loss can never reach 0.',
      'A single-label batch has no negatives: log 0 makes the result NaN; with no positive pair it is 0/0 = NaN.',
      'Every positive pair is counted twice (i, j) and (j, i) and the ¼ and ½ factors cancel to the mean of max(J, 0)² over unordered pairs, divided by 2.',
    ],
    equivalents: [
      { framework: 'Keras 3', name: 'keras.losses.Circle()', note: 'the in-batch metric-learning loss that ships with Keras 3 (tfa is archived); a different formula on L2-normalised embeddings' },
      { framework: 'pytorch-metric-learning', name: 'losses.LiftedStructureLoss(neg_margin=1, pos_margin=0)', note: 'third-party; different normalisation' },
      { framework: 'PyTorch / Optax', name: '—', note: 'no built-in equivalent' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------
// tfa NpairsLoss / NpairsMultilabelLoss

/** Mean softmax cross-entropy of the rows of the (B,B) logits against row-normalised targets; gradient softmax − target (TF fused op). */
function npairsCE(p: Tensor, target: Float64Array, B: number, ctx: KernelContext) {
  const x = p.data;
  const per = new Float64Array(B), sm = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    let m = -Infinity;
    for (let j = 0; j < B; j++) m = Math.max(m, x[i * B + j]);
    let s = 0;
    for (let j = 0; j < B; j++) s += Math.exp(x[i * B + j] - m);
    const lse = m + Math.log(s);
    let l = 0;
    for (let j = 0; j < B; j++) {
      sm[i * B + j] = Math.exp(x[i * B + j] - lse);
      const tij = target[i * B + j];
      if (tij !== 0 || Number.isNaN(tij)) l -= tij * (x[i * B + j] - lse);
    }
    per[i] = l;
  }
  let s = 0;
  for (let i = 0; i < B; i++) s += per[i];
  const value = s / B;
  const up = ctx.upstream([]);
  const grad = new Float64Array(B * B);
  for (let k = 0; k < B * B; k++) grad[k] = up[0] * (sm[k] - target[k]) / B;
  return { values: { data: Float64Array.of(value), shape: [] as number[] }, grad };
}

function similarityMatrix(ctx: KernelContext, p: Tensor, B: number): void {
  if (p.shape.length !== 2 || p.shape[0] !== B || p.shape[1] !== B) {
    throw shapeErr(ctx, 'y_pred', `a (${B}, ${B}) similarity matrix between the ${B} anchors and their ${B} positives (e.g. tf.matmul(a, b, transpose_b=True))`, p.shape);
  }
}

const Npairs: LossSpec = {
  id: 'NpairsLoss', framework: 'tfa', family: 'metric-learning', base: 'keras2',
  functionName: 'npairs_loss', defaultName: 'npairs_loss', aliases: ['Addons>npairs_loss'],
  foreignNames: ['pytorch_metric_learning.losses.NPairsLoss', 'NPairsLoss'],
  params: [], defaultReduction: 'none', fixedReduction: true, inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'logit', range: [-5, 5] },
  example: { yTrue: [0, 1, 2, 1], yPred: [[2.1, 0.3, -0.5, 0.2], [0.4, 1.7, 0.1, 0.9], [-0.3, 0.2, 2.4, 0.0], [0.1, 1.1, -0.2, 1.5]] },
  compute(t, p, _cfg, ctx) {
    if (t.shape.length !== 1) throw shapeErr(ctx, 'y_true', 'integer labels of shape (batch_size,) (tfa expands them to (B, 1); a (B, 1) input would become (B, 1, 1) and mis-broadcast)', t.shape);
    const B = t.shape[0];
    similarityMatrix(ctx, p, B);
    const target = new Float64Array(B * B);
    for (let i = 0; i < B; i++) {
      let c = 0;
      for (let j = 0; j < B; j++) if (t.data[i] === t.data[j]) c++;
      for (let j = 0; j < B; j++) target[i * B + j] = t.data[i] === t.data[j] ? 1 / c : 0;
    }
    return npairsCE(p, target, B, ctx);
  },
  doc: {
    summary: 'N-pairs loss: softmax cross-entropy of each anchor\'s row of similarities, with its positives as the target.',
    formula: 'target_ij = [label_i = label_j] / #{k : label_k = label_i}\nloss = mean_i ( −Σ_j target_ij · log softmax(S_i)_j )',
    domain: 'y_true: integer labels (B,); y_pred: (B, B) similarity matrix S = anchors · positivesᵀ (logits, not distances).',
    output: 'a scalar for the batch; the reduction is fixed (tfa passes Reduction.NONE).',
    pitfalls: [
      'y_pred is a similarity matrix (B, B), not the embeddings: compute tf.matmul(anchors, positives, transpose_b=True) first.',
      'Labels should be distinct across pairs: a repeated label spreads the target over several columns (row-normalised), weakening the signal.',
      'Larger similarities mean "closer"; passing distances inverts the loss.',
    ],
    equivalents: [
      { framework: 'pytorch-metric-learning', name: 'losses.NPairsLoss()', note: 'third-party; takes embeddings and builds the pairs itself' },
      { framework: 'Optax', name: 'optax.ntxent(embeddings, labels, temperature=0.07)', note: 'a different (NT-Xent) contrastive loss with cosine similarities and temperature' },
    ],
  },
};

const NpairsMultilabel: LossSpec = {
  id: 'NpairsMultilabelLoss', framework: 'tfa', family: 'metric-learning', base: 'keras2',
  functionName: 'npairs_multilabel_loss', defaultName: 'npairs_multilabel_loss', aliases: ['Addons>npairs_multilabel_loss'],
  foreignNames: [],
  params: [], defaultReduction: 'none', fixedReduction: true, inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'logit', range: [-5, 5] },
  example: {
    yTrue: [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]],
    yPred: [[2.1, 0.3, -0.5, 0.2], [0.4, 1.7, 0.1, 0.9], [-0.3, 0.2, 2.4, 0.0], [0.1, 1.1, -0.2, 1.5]],
  },
  compute(t, p, _cfg, ctx) {
    if (t.shape.length !== 2) throw shapeErr(ctx, 'y_true', 'a (batch_size, num_classes) binary indicator matrix', t.shape);
    const [B, K] = t.shape;
    similarityMatrix(ctx, p, B);
    const target = new Float64Array(B * B);
    let empty = 0;
    for (let i = 0; i < B; i++) {
      let rs = 0;
      for (let j = 0; j < B; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += t.data[i * K + k] * t.data[j * K + k];
        target[i * B + j] = s;
        rs += s;
      }
      if (rs === 0) empty++;
      for (let j = 0; j < B; j++) target[i * B + j] /= rs;
    }
    if (empty > 0) warnOnce(ctx.trace, 'empty-label-row', `${empty} row(s) of y_true have no label: their target row is 0/0 and the loss is NaN.`);
    return npairsCE(p, target, B, ctx);
  },
  doc: {
    summary: 'Multi-label N-pairs loss: the target of each anchor row is proportional to the number of labels it shares with each positive.',
    formula: 'target = Y·Yᵀ, each row divided by its sum (|labels_i ∩ labels_j| normalised)\nloss = mean_i ( −Σ_j target_ij · log softmax(S_i)_j )',
    domain: 'y_true: (B, C) binary indicator matrix; y_pred: (B, B) similarity matrix (logits).',
    output: 'a scalar for the batch; the reduction is fixed (tfa passes Reduction.NONE).',
    pitfalls: [
      'A sample with no label makes its target row 0/0 and the whole loss NaN.',
      'With one-hot y_true it equals NpairsLoss on the corresponding integer labels.',
      'y_pred must be the (B, B) similarity matrix, not the embeddings.',
    ],
    equivalents: [
      { framework: 'PyTorch / Optax', name: '—', note: 'no built-in equivalent' },
    ],
  },
};

export const METRIC_LEARNING: LossSpec[] = [Circle, Contrastive, TripletSemiHard, TripletHard, LiftedStruct, Npairs, NpairsMultilabel];
