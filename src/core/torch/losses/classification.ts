/**
 * torch.nn classification losses: CrossEntropyLoss, NLLLoss (LossNLL.cpp, LossNLL2d.cpp), MultiMarginLoss,
 * MultiLabelMarginLoss (LossMultiMargin.cpp, LossMultiLabelMargin.cpp) and MultiLabelSoftMarginLoss
 * (torch/nn/functional.py), with torch 1.13's class axis (dim 1), weight-normalised means and ignore_index.
 */
import type { TorchSpec, TorchArgs, TorchContext, TorchKernelOut, TorchTensor, TorchArgSpec } from '../types';
import type { Config } from '../../spec';
import { torchError, cSize, configTensor, requireLong, num, torchBroadcast, bIndex } from '../base';
import { spread, SEL } from './embedding';
import { uninitF64 } from '../../tensor';
import { exp as fexp, log as flog } from '../../fastmath';

/** Geometry of a (N, C, d1, …) input with class axis 1, or an unbatched (C,) input. */
interface ClassLayout { N: number; C: number; S: number; batched: boolean; spatial: number[] }

function layout(x: TorchTensor): ClassLayout {
  if (x.shape.length === 1) return { N: 1, C: x.shape[0], S: 1, batched: false, spatial: [] };
  const spatial = x.shape.slice(2);
  return { N: x.shape[0], C: x.shape[1], S: spatial.reduce((a, b) => a * b, 1), batched: true, spatial };
}

function checkWeight(loss: string, w: TorchTensor | null, C: number): void {
  if (w && (w.shape.length !== 1 || w.shape[0] !== C)) {
    throw torchError(loss, 'weight', 'RuntimeError', `weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${cSize(w.shape)}`,
      { expected: `a 1-D tensor of ${C} class weights`, received: `shape ${cSize(w.shape)}`, code: 'shape' });
  }
}

/** nll_loss's shape checks (input (N,C,…) or (C,), target (N,…) or ()). */
function checkIndexTarget(loss: string, x: TorchTensor, t: TorchTensor, L: ClassLayout): void {
  if (x.shape.length === 0) throw torchError(loss, 'input', 'ValueError', 'Expected 1 or more dimensions (got 0)', { expected: 'an input of shape (N, C, …) or (C,)', received: 'a 0-d tensor', code: 'shape' });
  if (x.shape.length <= 2) {
    if (t.shape.length > 1) throw torchError(loss, 'target', 'RuntimeError', '0D or 1D target tensor expected, multi-target not supported', { expected: 'class indices of shape (N,) (or class probabilities of the input\'s shape)', received: `shape ${cSize(t.shape)}`, code: 'shape' });
    const tn = t.shape.length === 0 ? 1 : t.shape[0];
    const xn = x.shape.length === 1 ? 1 : x.shape[0];
    const batchOk = x.shape.length === 1 ? t.shape.length === 0 : tn === xn && t.shape.length === 1;
    if (!batchOk) {
      if (x.shape.length === 1) throw torchError(loss, 'target', 'RuntimeError', `Expected input batch_size (1) to match target batch_size (${tn}).`, { code: 'shape' });
      throw torchError(loss, 'target', 'ValueError', `Expected input batch_size (${xn}) to match target batch_size (${tn}).`, { expected: `${xn} class indices`, received: String(tn), code: 'shape' });
    }
    return;
  }
  const want = [x.shape[0], ...x.shape.slice(2)];
  if (x.shape[0] !== (t.shape[0] ?? -1) && t.shape.length >= 1) {
    throw torchError(loss, 'target', 'ValueError', `Expected input batch_size (${x.shape[0]}) to match target batch_size (${t.shape[0]}).`, { code: 'shape' });
  }
  if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
    throw torchError(loss, 'target', 'RuntimeError', `Expected target size ${cSize(want)}, got ${cSize(t.shape)}`, { expected: `shape ${cSize(want)}`, received: cSize(t.shape), code: 'shape' });
  }
}

/** Index of class c of sample (n, s) in a (N, C, S) layout. */
const at = (L: ClassLayout, n: number, c: number, s: number) => (n * L.C + c) * L.S + s;

/** Class indices, validated (ignore_index skipped; others must be in [0, C)). */
function readTargets(loss: string, t: TorchTensor, C: number, ignore: number): Int32Array {
  const y = new Int32Array(t.data.length);
  for (let i = 0; i < y.length; i++) {
    const v = t.data[i];
    if (v !== ignore && (v < 0 || v >= C)) throw torchError(loss, 'target', 'IndexError', `Target ${v} is out of bounds.`, { expected: `class indices in [0, ${C - 1}]${ignore >= 0 || ignore === -100 ? ` or ignore_index ${ignore}` : ''}`, received: String(v), code: 'index' });
    y[i] = v;
  }
  return y;
}

/**
 * NLL with optional label smoothing over log-probabilities `lp` (already log_softmax-ed for CE): per sample
 * (1−ls)·w[y]·(−lp[y]) + ls/C·Σ_c w[c]·(−lp[c]); 'mean' divides by Σ w[y_i] over non-ignored samples.
 * Plain strided loops (element (n, c, s) at (n·C + c)·S + s): at 1e6 elements the index closures cost more than the math.
 */
function nllCore(lp: Float64Array, L: ClassLayout, y: Int32Array, w: TorchTensor | null, ignore: number, ls: number, f32: boolean) {
  const C = L.C, S = L.S, M = L.N * S;
  const wd = w ? w.data : null;
  const none = new Float64Array(M);
  let wsum = 0;
  let W = 0;
  if (ls > 0) for (let c = 0; c < C; c++) W += wd ? wd[c] : 1;
  for (let n = 0; n < L.N; n++) for (let s = 0; s < S; s++) {
    const i = n * S + s, yi = y[i];
    if (yi === ignore) continue;
    const base = n * C * S + s;
    const wy = wd ? wd[yi] : 1;
    wsum += wy;
    let v = -wy * lp[base + yi * S];
    if (ls > 0) {
      let sm = 0;
      for (let c = 0; c < C; c++) sm -= (wd ? wd[c] : 1) * lp[base + c * S];
      v = (1 - ls) * v + ls / C * sm;
    }
    none[i] = f32 ? Math.fround(v) : v;
  }
  return { none, wsum, W };
}

/**
 * nll_loss's own reduction of a (N, C) / (C,) input (LossNLL.cpp, nll_loss_out_frame, torch 1.13): −x[y]·w[y] and w[y]
 * summed in the loss dtype through a cascade of 8 partial sums, the first pushed up whenever the sample index has its
 * low 2^max(4, ⌈log2 N⌉/8) bits clear (sample 0 included), then the 8 partials added in order. Gives 'sum' and the
 * divisor of 'mean' (Σ w[y], or the count of non-ignored samples without weights) bit for bit. Writes the 'none'
 * output −w[y]·x[y] (in the loss dtype) into `none` on the way: one pass over the input's rows instead of two (at 1e6
 * elements the rows do not stay in cache between passes).
 */
function nllCascade(lp: Float64Array, C: number, N: number, y: Int32Array, wd: Float64Array | null, ignore: number, f32: boolean, none: Float64Array): { sum: number; wsum: number } {
  const LEVELS = 8;
  const lg = N <= 2 ? 1 : Math.floor(Math.log2(N - 1)) + 1;
  const power = Math.max(4, Math.floor(lg / LEVELS)), mask = 2 ** power - 1;
  const ls = new Float64Array(LEVELS), ws = new Float64Array(LEVELS);
  const r = (v: number) => (f32 ? Math.fround(v) : v);
  let ignored = 0;
  for (let b = 0; b < N; b++) {
    const t = y[b];
    if (t === ignore) { ignored++; continue; }
    const d = lp[b * C + t], wy = wd ? wd[t] : 1, v = -wy * d;
    none[b] = f32 ? Math.fround(v) : v;
    if (wd) { const wv = wd[t]; ls[0] = r(ls[0] - r(d * wv)); ws[0] = r(ws[0] + wv); } else ls[0] = r(ls[0] - d);
    for (let j = 0; j + 1 < LEVELS; j++) {
      if ((b & (mask * 2 ** (j * power))) !== 0) break;
      ws[j + 1] = r(ws[j + 1] + ws[j]); ls[j + 1] = r(ls[j + 1] + ls[j]);
      ws[j] = 0; ls[j] = 0;
    }
  }
  let sum = 0, wsum = 0;
  for (let j = 0; j < LEVELS; j++) { sum = r(sum + ls[j]); wsum = r(wsum + ws[j]); }
  return { sum, wsum: wd ? wsum : N - ignored };
}

function noneShape(L: ClassLayout): number[] {
  return L.batched ? [L.N, ...L.spatial] : [];
}

/**
 * log_softmax over the class axis with torch's CPU steps rounded to the loss dtype (logSoftmaxAt's arithmetic, inlined),
 * exp and log from fastmath (within 1 ulp, as torch's own vectorised exp/log; Math.exp/log were half the time at 1e6).
 */
function logSoftmaxAll(x: TorchTensor, L: ClassLayout, ctx: TorchContext): Float64Array {
  const d = x.data, C = L.C, S = L.S, f32 = ctx.dtype === 'float32';
  // every element is written (x − max first, kept for the last pass)
  const lp = uninitF64(d.length);
  for (let n = 0; n < L.N; n++) for (let s = 0; s < S; s++) {
    const base = n * C * S + s, end = base + C * S;
    let m = -Infinity;
    for (let k = base; k < end; k += S) { const v = d[k]; if (v > m) m = v; }
    if (m === -Infinity || Number.isNaN(m)) m = 0;
    let sum = 0;
    if (f32) {
      for (let k = base; k < end; k += S) { const z = Math.fround(d[k] - m); lp[k] = z; sum = Math.fround(sum + Math.fround(fexp(z))); }
      const ls = Math.fround(flog(sum));
      // x − max − log Σ, in that order (torch keeps it to avoid cancellation between a large max and a small log-sum)
      for (let k = base; k < end; k += S) lp[k] = Math.fround(lp[k] - ls);
    } else {
      for (let k = base; k < end; k += S) { const z = d[k] - m; lp[k] = z; sum = sum + fexp(z); }
      const ls = flog(sum);
      for (let k = base; k < end; k += S) lp[k] = lp[k] - ls;
    }
  }
  return lp;
}

/** d/dx of log_softmax given d/d lp (per row: g − softmax·Σg). */
function logSoftmaxBackward(lp: Float64Array, glp: Float64Array, L: ClassLayout): Float64Array {
  const C = L.C, S = L.S;
  const gx = new Float64Array(lp.length);
  for (let n = 0; n < L.N; n++) for (let s = 0; s < S; s++) {
    const base = n * C * S + s;
    let sg = 0;
    for (let c = 0; c < C; c++) sg += glp[base + c * S];
    for (let c = 0; c < C; c++) { const k = base + c * S; gx[k] = glp[k] - fexp(lp[k]) * sg; }
  }
  return gx;
}

function indexPath(a: TorchArgs, cfg: Config, ctx: TorchContext, logits: boolean): TorchKernelOut {
  const x = a.input, t = a.target;
  const L = layout(x);
  const w = configTensor(cfg, 'weight', ctx.loss, ctx);
  checkWeight(ctx.loss, w, L.C);
  checkIndexTarget(ctx.loss, x, t, L);
  requireLong(ctx.loss, 'target', t);
  const ignore = num(cfg, 'ignore_index');
  const y = readTargets(ctx.loss, t, L.C, ignore);
  const ls = logits ? num(cfg, 'label_smoothing') : 0;
  const lp = logits ? logSoftmaxAll(x, L, ctx) : x.data;
  const f32 = ctx.dtype === 'float32';
  // (N, C) and (C,) inputs without label smoothing reduce in nll_loss's own cascade, which writes 'none' too (K-dim
  // inputs go through nll_loss2d and label smoothing through a composite: element by element here, as before)
  const cascadeNone = ls === 0 && L.S === 1 ? new Float64Array(L.N) : null;
  const cascade = cascadeNone ? nllCascade(lp, L.C, L.N, y, w ? w.data : null, ignore, f32, cascadeNone) : null;
  const core = cascadeNone ? { none: cascadeNone, wsum: 0 } : nllCore(lp, L, y, w, ignore, ls, f32);
  const C = L.C, S = L.S, wd = w ? w.data : null;
  /**
   * d/d input of Σ uk·none, uk = up ? up[i] : u, row by row: d/d lp of the row as the NLL accumulates it (the true
   * class, then the smoothing term of every class), then through log_softmax for CE; rounded to the loss dtype.
   */
  const grad = (up: Float64Array | null, u: number): Record<string, Float64Array> => {
    // CE without smoothing writes every element; NLL writes one per row into zeros (filled: recycled memory
    // written once costs less than fresh zeroed pages faulted in)
    const g = logits && ls === 0 ? uninitF64(lp.length) : uninitF64(lp.length).fill(0);
    const row = new Float64Array(C);
    for (let n = 0; n < L.N; n++) for (let s = 0; s < S; s++) {
      const i = n * S + s, base = n * C * S + s, yi = y[i], uk = up ? up[i] : u;
      if (ls === 0) {
        // one nonzero entry in the row (none where ignored): the same numbers without the row buffer
        const rv = yi === ignore ? 0 : 0 - (1 - ls) * (wd ? wd[yi] : 1) * uk;
        if (logits) {
          const sg = 0 + rv;
          for (let c = 0; c < C; c++) { const k = base + c * S, v = (c === yi ? rv : 0) - fexp(lp[k]) * sg; g[k] = f32 ? Math.fround(v) : v; }
        } else if (yi !== ignore) g[base + yi * S] = f32 ? Math.fround(rv) : rv;
        continue;
      }
      row.fill(0);
      if (yi !== ignore) {
        const wy = wd ? wd[yi] : 1;
        row[yi] -= (1 - ls) * wy * uk;
        if (ls > 0) for (let c = 0; c < C; c++) row[c] -= ls / C * (wd ? wd[c] : 1) * uk;
      }
      if (logits) {
        let sg = 0;
        for (let c = 0; c < C; c++) sg += row[c];
        for (let c = 0; c < C; c++) { const k = base + c * S, v = row[c] - fexp(lp[k]) * sg; g[k] = f32 ? Math.fround(v) : v; }
      } else {
        for (let c = 0; c < C; c++) g[base + c * S] = f32 ? Math.fround(row[c]) : row[c];
      }
    }
    return { input: g };
  };
  return {
    none: { data: core.none, shape: noneShape(L) },
    mean: { divisor: cascade ? cascade.wsum : core.wsum, text: w ? 'Σ w[y_i] over the non-ignored targets' : 'non-ignored targets' },
    fresh: true, rounded: true, sum: cascade ? cascade.sum : 'sequential',
    backward: (up) => grad(up, 0),
    backwardUniform: (u) => grad(null, u),
  };
}

function probPath(a: TorchArgs, cfg: Config, ctx: TorchContext): TorchKernelOut {
  const x = a.input, t = a.target;
  const L = layout(x);
  const w = configTensor(cfg, 'weight', ctx.loss, ctx);
  checkWeight(ctx.loss, w, L.C);
  if (num(cfg, 'ignore_index') >= 0) throw torchError(ctx.loss, 'ignore_index', 'RuntimeError', 'ignore_index is not supported for floating point target', { expected: 'no ignore_index with class-probability targets (or index targets of shape (N,))', received: String(cfg.ignore_index), code: 'param' });
  const ls = num(cfg, 'label_smoothing');
  const lp = logSoftmaxAll(x, L, ctx);
  const M = L.N * L.S;
  const none = new Float64Array(M);
  const tt = (k: number) => t.data[k] * (1 - ls) + ls / L.C;
  for (let n = 0; n < L.N; n++) for (let s = 0; s < L.S; s++) {
    let v = 0;
    for (let c = 0; c < L.C; c++) { const k = at(L, n, c, s); v -= (w ? w.data[c] : 1) * tt(k) * lp[k]; }
    none[n * L.S + s] = v;
  }
  return {
    none: { data: none, shape: noneShape(L) },
    mean: { divisor: M, text: L.S > 1 ? 'N·d1·…·dk positions' : 'samples' },
    backward(up) {
      const glp = new Float64Array(lp.length), gt = new Float64Array(lp.length);
      for (let n = 0; n < L.N; n++) for (let s = 0; s < L.S; s++) {
        const u = up[n * L.S + s];
        for (let c = 0; c < L.C; c++) {
          const k = at(L, n, c, s), wc = w ? w.data[c] : 1;
          glp[k] = -wc * tt(k) * u;
          gt[k] = -wc * lp[k] * (1 - ls) * u;
        }
      }
      return { input: logSoftmaxBackward(lp, glp, L), target: gt };
    },
  };
}

const isProb = (a: TorchArgs) => a.input.shape.length === a.target.shape.length && a.input.shape.every((d, i) => d === a.target.shape[i]);

const WEIGHT = { name: 'weight', type: 'arrayOrNone' as const, default: null, doc: 'A manual rescaling weight per class, a 1-D tensor of size C.' };
const IGNORE = { name: 'ignore_index', type: 'int' as const, default: -100, doc: 'A target value that is ignored and does not contribute to the loss or to the mean\'s divisor.' };
const CLASS_ARGS = (target: TorchArgSpec['kind']): TorchArgSpec[] => [
  { name: 'input', kind: 'float', differentiable: true, doc: target === 'index' ? 'Log-probabilities, shape (N, C), (C,) or (N, C, d1, …).' : 'Unnormalised logits, shape (N, C), (C,) or (N, C, d1, …): the class axis is dim 1.' },
  { name: 'target', kind: target, differentiable: target !== 'index', doc: target === 'index' ? 'Class indices (int64), shape (N,), () or (N, d1, …).' : 'Class indices (int64), shape (N,) / () / (N, d1, …), or class probabilities of the input\'s shape (float).' },
];

export const CROSS_ENTROPY: TorchSpec = {
  id: 'CrossEntropyLoss', framework: 'torch', family: 'probabilistic', functionName: 'cross_entropy', args: CLASS_ARGS('index-or-prob'), legacy: true,
  params: [WEIGHT, IGNORE, { name: 'label_smoothing', type: 'float', default: 0.0, doc: 'Mixes the target with the uniform distribution: (1 − ls)·target + ls/C.', ui: { min: 0, max: 1, step: 0.01 } }],
  reductions: ['mean', 'sum', 'none'],
  gradFn(r, a, cfg) {
    const prob = isProb(a);
    const ls = (cfg.label_smoothing as number) > 0;
    if (prob) return r === 'mean' ? 'DivBackward1' : 'NegBackward0';
    if (ls) return 'AddBackward0';
    return a.input.shape.length >= 3 ? 'NllLoss2DBackward0' : 'NllLossBackward0';
  },
  compute(a, cfg, ctx) {
    const ls = num(cfg, 'label_smoothing');
    if (!(ls >= 0 && ls <= 1)) throw torchError(ctx.loss, 'label_smoothing', 'RuntimeError', `label_smoothing must be between 0.0 and 1.0. Got: ${ls}`, { expected: 'a number in [0, 1]', received: String(ls), code: 'param' });
    if (isProb(a) && a.input.shape.length > 0) {
      if (ctx.argDtypes.target === 'int64') throw torchError(ctx.loss, 'target', 'RuntimeError', 'Expected floating point type for target with class probabilities, got Long', { code: 'dtype' });
      return probPath(a, cfg, ctx);
    }
    return indexPath(a, cfg, ctx, true);
  },
  example: { args: { input: [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], target: [0, 1] }, dtypes: { target: 'int64' } },
  kerasMatch: { name: 'SparseCategoricalCrossentropy', note: 'with from_logits=True and the class axis last (torch: dim 1); no class weights or ignore_index in Keras.' },
  doc: {
    summary: 'Cross-entropy of logits against class indices or class probabilities: log_softmax over dim 1, then NLL.',
    formula: 'index targets: ℓ_i = −w[y_i]·log softmax(x_i)[y_i]   (label_smoothing: (1−ls)·that + ls/C·Σ_c −w[c]·log softmax(x_i)[c])\n'
      + "mean = Σ_i ℓ_i / Σ_i w[y_i] over non-ignored i   (not / N)\n"
      + 'probability targets: ℓ_i = −Σ_c w[c]·t_ic·log softmax(x_i)[c];  mean = Σ ℓ_i / N',
    domain: 'input: raw logits (N, C) / (C,) / (N, C, d1, …), class axis 1. target: int64 indices, or floats of the input\'s shape (probabilities).',
    output: "'none': (N,) / () / (N, d1, …); default 'mean' → a 0-d tensor.",
    pitfalls: [
      'With `weight`, \'mean\' divides by Σ w[y_i], not N: a weighted mean. Ignored targets leave both sums; if every target is ignored the mean is 0/0 = nan.',
      'Always applies log_softmax: passing softmax outputs softmaxes twice (the gradient shrinks), and log-probabilities belong in NLLLoss.',
      'A float target of the input\'s shape is read as probabilities (one-hot floats work, as probabilities); ignore_index then raises.',
      'The class axis is dim 1: an (N, T, C) sequence output must be permuted to (N, C, T).',
    ],
    equivalents: [
      { framework: 'Keras', name: 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)', note: 'class axis last; no class weights (sample_weight divides by N)' },
      { framework: 'Keras', name: 'keras.losses.CategoricalCrossentropy(from_logits=True)', note: 'for probability targets' },
      { framework: 'Optax', name: 'optax.softmax_cross_entropy_with_integer_labels', note: 'no reduction' },
    ],
  },
};

export const NLL: TorchSpec = {
  id: 'NLLLoss', framework: 'torch', family: 'probabilistic', functionName: 'nll_loss', args: CLASS_ARGS('index'), legacy: true,
  params: [WEIGHT, IGNORE], reductions: ['mean', 'sum', 'none'],
  gradFn: (_r, a) => (a.input.shape.length >= 3 ? 'NllLoss2DBackward0' : 'NllLossBackward0'),
  compute: (a, cfg, ctx) => indexPath(a, cfg, ctx, false),
  example: { args: { input: [[-0.42, -1.42, -2.32], [-2.2, -0.2, -2.4]], target: [0, 1] }, dtypes: { target: 'int64' } },
  kerasMatch: { name: 'SparseCategoricalCrossentropy', note: 'on probabilities p with input = log(p) (Keras clips p to [1e-7, 1 − 1e-7]).' },
  doc: {
    summary: 'Negative log-likelihood: picks −input[y] per sample; the input must already be log-probabilities.',
    formula: 'ℓ_i = −w[y_i]·x_i[y_i];  mean = Σ ℓ_i / Σ w[y_i] over non-ignored i',
    domain: 'input: log-probabilities (log_softmax output) (N, C) / (C,) / (N, C, d1, …). target: int64 class indices.',
    output: "'none': (N,) / () / (N, d1, …); default 'mean'.",
    pitfalls: ['Does not normalise: any numbers are accepted, and raw scores give negative "losses".', 'Weighted \'mean\' divides by Σ w[y_i], not N.', 'Targets must be int64 (.long()); floats raise "expected scalar type Long".'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.SparseCategoricalCrossentropy', note: 'on probabilities (takes the log itself, clipped)' }],
  },
};

export const MULTI_MARGIN: TorchSpec = {
  id: 'MultiMarginLoss', framework: 'torch', family: 'hinge', functionName: 'multi_margin_loss', legacy: true,
  args: [
    { name: 'input', kind: 'float', differentiable: true, doc: 'Scores (N, C) or (C,).' },
    { name: 'target', kind: 'index', differentiable: false, doc: 'Class indices (int64), (N,) or ().' },
  ],
  params: [
    { name: 'p', type: 'int', default: 1, doc: '1 or 2: the hinge is raised to this power.' },
    { name: 'margin', type: 'float', default: 1.0, doc: 'The margin by which the true class must win.', ui: { min: 0, max: 5, step: 0.05 } },
    WEIGHT,
  ],
  reductions: ['mean', 'sum', 'none'], gradFn: 'MultiMarginLossBackward0',
  compute(a, cfg, ctx) {
    const p = num(cfg, 'p');
    if (p !== 1 && p !== 2) throw torchError(ctx.loss, 'p', 'ValueError', 'only p == 1 and p == 2 supported', { expected: '1 or 2', received: String(p), code: 'param' });
    const x = a.input, t = a.target;
    requireLong(ctx.loss, 'target', t);
    const batched = x.shape.length === 2;
    const N = batched ? x.shape[0] : 1, C = x.shape[x.shape.length - 1];
    if (x.shape.length > 2 || x.shape.length === 0 || (batched ? t.shape.length !== 1 || t.shape[0] !== N : t.shape.length > 1 || t.data.length !== 1)) {
      throw torchError(ctx.loss, 'target', 'RuntimeError', `inconsistent target size, expected ${N} but got ${cSize(t.shape)}`, { expected: `(N,) class indices for input ${cSize(x.shape)}`, received: cSize(t.shape), code: 'shape' });
    }
    const w = configTensor(cfg, 'weight', ctx.loss, ctx);
    const margin = num(cfg, 'margin');
    const none = new Float64Array(N);
    const f32 = ctx.dtype === 'float32', xd = x.data;
    // multi_margin_inner_sum_cpu in the loss dtype, step by step: z = (margin − x[y]) + x[i], h = z or z², h·w[y], Σ h, / C
    for (let n = 0; n < N; n++) {
      const y = t.data[n];
      if (y < 0 || y >= C) throw torchError(ctx.loss, 'target', 'RuntimeError', 'target out of range', { expected: `class indices in [0, ${C - 1}]`, received: String(y), code: 'index' });
      const wy = w ? w.data[y] : 1, xy = xd[n * C + y];
      let s = 0;
      // an inactive hinge (z ≤ 0 or NaN) adds +0 through a select (s is never −0; a branch on z mispredicted on
      // about every other class)
      if (f32) {
        for (let i = 0; i < C; i++) {
          if (i === y) continue;
          const z = Math.fround(Math.fround(margin - xy) + xd[n * C + i]);
          let h = p === 1 ? z : Math.fround(z * z);
          if (w) h = Math.fround(h * wy);
          SEL[1] = h; s = Math.fround(s + SEL[+(z > 0)]);
        }
        none[n] = Math.fround(s / C);
      } else {
        for (let i = 0; i < C; i++) {
          if (i === y) continue;
          const z = margin - xy + xd[n * C + i];
          let h = p === 1 ? z : z * z;
          if (w) h = h * wy;
          SEL[1] = h; s = s + SEL[+(z > 0)];
        }
        none[n] = s / C;
      }
    }
    return {
      none: { data: none, shape: batched ? [N] : [] },
      mean: { divisor: N, text: 'samples (weights are not normalised)' },
      // the kernel adds the samples' losses in double (acc_type), divides by N there, and rounds once; 'none' is in
      // the loss dtype already, and the gradient is rounded where it is written
      fresh: true, rounded: true, sum: 'double',
      backward: (up) => grad(up, 0),
      backwardUniform: (u) => grad(null, u),
    };
    function grad(up: Float64Array | null, u0: number): Record<string, Float64Array> {
      const td = t.data, wd = w ? w.data : null;
      // recycled memory filled with 0 costs less than fresh zeroed pages; entries with an inactive hinge stay 0
      const g = uninitF64(xd.length).fill(0);
      for (let n = 0; n < N; n++) {
        const base = n * C, y = td[n], wy = wd ? wd[y] : 1, un = up ? up[n] : u0, xy = xd[base + y];
        // x[y]'s entry gathers −d over the classes in order; every other class gets one d
        let gy = 0;
        for (let i = 0; i < C; i++) {
          if (i === y) continue;
          const z = margin - xy + xd[base + i];
          SEL[1] = (p === 1 ? 1 : 2 * z) * wy * un / C;
          const d = SEL[+(z > 0)];
          g[base + i] = f32 ? Math.fround(0 + d) : 0 + d; gy -= d;
        }
        g[base + y] = f32 ? Math.fround(gy) : gy;
      }
      return { input: g };
    }
  },
  example: { args: { input: [[0.1, 0.2, 0.4, 0.8], [0.9, 0.3, 0.2, 0.1]], target: [3, 1] }, dtypes: { target: 'int64' } },
  kerasMatch: { name: 'CategoricalHinge', note: 'not equal: Keras takes the single worst wrong class, MultiMarginLoss sums over all wrong classes and divides by C.' },
  doc: {
    summary: 'Multi-class hinge: every wrong class whose score comes within `margin` of the true class adds to the loss.',
    formula: 'ℓ_n = Σ_{i≠y} w[y]·max(0, margin − x[y] + x[i])^p / C',
    domain: 'input: scores (N, C) or (C,); target: int64 indices; p ∈ {1, 2}.',
    output: "'none': (N,); default 'mean' divides by N (weights are not normalised).",
    pitfalls: ['The weight multiplies after the power (the documented formula puts it inside).', 'Divides by C, the number of classes, inside each sample.', 'A tie (margin − x[y] + x[i] = 0) contributes no gradient.'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.CategoricalHinge', note: 'the worst wrong class only; one-hot targets' }, { framework: 'Optax', name: 'optax.multiclass_hinge_loss' }],
  },
};

export const MULTI_LABEL_MARGIN: TorchSpec = {
  id: 'MultiLabelMarginLoss', framework: 'torch', family: 'hinge', functionName: 'multilabel_margin_loss', legacy: true,
  args: [
    { name: 'input', kind: 'float', differentiable: true, doc: 'Scores (N, C) or (C,).' },
    { name: 'target', kind: 'index', differentiable: false, doc: 'Class indices (int64) of the input\'s shape, read up to the first −1.' },
  ],
  params: [], reductions: ['mean', 'sum', 'none'], gradFn: 'MultilabelMarginLossBackward0',
  compute(a, _cfg, ctx) {
    const x = a.input, t = a.target;
    requireLong(ctx.loss, 'target', t);
    const batched = x.shape.length === 2;
    const N = batched ? x.shape[0] : 1, C = x.shape[x.shape.length - 1];
    if (t.shape.length !== x.shape.length || t.shape.some((d, i) => d !== x.shape[i])) {
      throw torchError(ctx.loss, 'target', 'RuntimeError', `inconsistent size ${cSize(t.shape)} for argument #2 'target'`, { expected: `shape ${cSize(x.shape)} (class indices, −1 terminated)`, received: cSize(t.shape), code: 'shape' });
    }
    for (const v of t.data) if (v < -1 || v >= C) throw torchError(ctx.loss, 'target', 'RuntimeError', "argument #2 'target' is out of range", { expected: `indices in [−1, ${C - 1}]`, received: String(v), code: 'index' });
    // each row's target classes (up to the first −1, count[n] of them) and its target mask, flat: no arrays per row
    const list = new Int32Array(N * C), count = new Int32Array(N), isT = new Uint8Array(N * C);
    for (let n = 0; n < N; n++) {
      let m = 0;
      for (let j = 0; j < C; j++) { const v = t.data[n * C + j]; if (v < 0) break; list[n * C + m++] = v; isT[n * C + v] = 1; }
      count[n] = m;
    }
    const xd = x.data, f32 = ctx.dtype === 'float32';
    // multilabel_margin_loss_forward_inner_sum_cpu: z = (1 − x[j]) + x[i] in the loss dtype, Σ z in double, returned
    // in the loss dtype; 'none' divides it by C in the loss dtype, 'sum'/'mean' add the samples' sums in double and
    // divide that total by C (then N) once, rounded at the end (LossMultiLabelMargin.cpp, torch 1.13)
    const none = new Float64Array(N);
    let total = 0;
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let q = 0; q < count[n]; q++) {
        const j = list[n * C + q], xj = f32 ? Math.fround(1 - xd[n * C + j]) : 1 - xd[n * C + j];
        for (let i = 0; i < C; i++) {
          if (isT[n * C + i]) continue;
          const z = f32 ? Math.fround(xj + xd[n * C + i]) : xj + xd[n * C + i];
          // + 0 where inactive (s is never −0, a NaN z adds 0 as before): a select, not a mispredicted branch
          SEL[1] = z; s += SEL[+(z > 0)];
        }
      }
      if (f32) s = Math.fround(s);
      total += s;
      none[n] = f32 ? Math.fround(s / C) : s / C;
    }
    const grad = (up: Float64Array | null, u0: number): Record<string, Float64Array> => {
      const g = new Float64Array(xd.length);
      for (let n = 0; n < N; n++) {
        const base = n * C, d = (up ? up[n] : u0) / C;
        for (let q = 0; q < count[n]; q++) {
          // x[j]'s entry in a local (i runs over the other classes only); ± 0 where inactive, as a select
          const j = list[base + q], xj = xd[base + j];
          let gj = g[base + j];
          for (let i = 0; i < C; i++) {
            if (isT[base + i]) continue;
            SEL[1] = d; const a = SEL[+(1 - (xj - xd[base + i]) > 0)];
            gj -= a; g[base + i] += a;
          }
          g[base + j] = gj;
        }
      }
      return { input: g };
    };
    return {
      none: { data: none, shape: batched ? [N] : [] },
      mean: { divisor: N, text: 'samples' },
      fresh: true, sum: total / C,
      backward: (up) => grad(up, 0),
      backwardUniform: (u) => grad(null, u),
    };
  },
  example: { args: { input: [[0.1, 0.2, 0.4, 0.8]], target: [[3, 0, -1, 1]] }, dtypes: { target: 'int64' } },
  doc: {
    summary: 'Multi-label hinge: every target class should beat every non-target class by 1.',
    formula: 'ℓ_n = Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x[j] − x[i])) / C',
    domain: 'input: scores (N, C) or (C,); target: int64 of the same shape, class indices padded with −1.',
    output: "'none': (N,); default 'mean'.",
    pitfalls: ['Targets are indices, not a 0/1 mask: [3, 0, −1, 1] means classes {3, 0}; everything after the first −1 is ignored.', 'A leading −1 is an empty target set: loss 0.', 'A repeated index counts once per occurrence.'],
    equivalents: [{ framework: 'torch', name: 'nn.MultiLabelSoftMarginLoss', note: 'takes a 0/1 mask' }],
  },
};

export const MULTI_LABEL_SOFT_MARGIN: TorchSpec = {
  id: 'MultiLabelSoftMarginLoss', framework: 'torch', family: 'probabilistic', functionName: 'multilabel_soft_margin_loss', legacy: true,
  args: [
    { name: 'input', kind: 'float', differentiable: true, doc: 'Logits (N, C); the class axis is the last.' },
    { name: 'target', kind: 'float', differentiable: true, doc: '0/1 labels (or probabilities) of the input\'s shape.' },
  ],
  params: [WEIGHT], reductions: ['mean', 'sum', 'none'], gradFn: { none: 'DivBackward0', mean: 'MeanBackward0', sum: 'SumBackward0' },
  compute(a, cfg, ctx) {
    const x = a.input, t = a.target;
    const shape = torchBroadcast(ctx.loss, 'target', t.shape, x.shape);
    const w = configTensor(cfg, 'weight', ctx.loss, ctx);
    const full = w ? torchBroadcast(ctx.loss, 'weight', shape, w.shape) : shape;
    const C = full[full.length - 1] ?? 1;
    const M = full.reduce((p, d) => p * d, 1) / C;
    const ix = bIndex(x.shape, full), it = bIndex(t.shape, full), n = M * C;
    const X = spread(x.data, ix), T = spread(t.data, it), Wt = w ? spread(w.data, bIndex(w.shape, full)) : null;
    const f32 = ctx.dtype === 'float32';
    // softplus(x) and softplus(−x) share log1p(e), e = exp(−|x|) (one is x + that, the other that alone), and
    // sigmoid(x) is 1/(1 + e) or e/(1 + e): one exp and one log1p per element where there were two of each and an
    // exp in the backward, the same numbers (common.ts's softplus/sigmoid; fastmath's exp for float32, Math's for float64)
    const sig = new Float64Array(n);
    const none = new Float64Array(M);
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let k = m * C; k < m * C + C; k++) {
        const xv = X[k], tv = T[k], e = f32 ? fexp(-Math.abs(xv)) : Math.exp(-Math.abs(xv)), l = Math.log1p(e);
        const spPos = xv > 0 ? xv + l : l, spNeg = -xv > 0 ? -xv + l : l;
        s += (Wt ? Wt[k] : 1) * (tv * spNeg + (1 - tv) * spPos);
        sig[k] = xv >= 0 ? 1 / (1 + e) : e / (1 + e);
      }
      none[m] = f32 ? Math.fround(s / C) : s / C;
    }
    // without broadcasting each gradient element is one term, rounded where it is written
    const rounded = !ix && !it;
    return {
      none: { data: none, shape: full.slice(0, -1) },
      mean: { divisor: M, text: 'samples (each already the mean over the last dim)' },
      fresh: true, rounded,
      backward: (up) => grad(up, 0),
      backwardUniform: (u) => grad(null, u),
    };
    function grad(up: Float64Array | null, u0: number): Record<string, Float64Array> {
      const gx = new Float64Array(x.data.length), gt = new Float64Array(t.data.length);
      for (let m = 0; m < M; m++) {
        const um = up ? up[m] : u0;
        for (let k = m * C; k < m * C + C; k++) {
          const u = um * (Wt ? Wt[k] : 1) / C, a = u * (sig[k] - T[k]), b = -u * X[k];
          if (rounded) { gx[k] = f32 ? Math.fround(0 + a) : 0 + a; gt[k] = f32 ? Math.fround(0 + b) : 0 + b; } else { gx[ix ? ix[k] : k] += a; gt[it ? it[k] : k] += b; }
        }
      }
      return { input: gx, target: gt };
    }
  },
  example: { args: { input: [[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], target: [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]] } },
  kerasMatch: { name: 'BinaryCrossentropy', note: "with from_logits=True under 'mean' (and torch's BCEWithLogitsLoss); 'none' differs: Keras averages the last axis too, torch gives (N,)." },
  doc: {
    summary: 'Multi-label one-vs-all logistic loss: binary cross-entropy from logits, averaged over the last dim per sample.',
    formula: 'ℓ_n = −Σ_c w[c]·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)) / C',
    domain: 'input: logits (N, C) or (C,) — the class dim is the LAST; target: 0/1 floats of the same shape.',
    output: "'none': input.shape[:-1]; default 'mean' → equals BCEWithLogitsLoss's mean.",
    pitfalls: ['Averages over the last dim, unlike CrossEntropyLoss\'s dim 1.', 'Under \'mean\' it equals BCEWithLogitsLoss (without pos_weight).'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.BinaryCrossentropy(from_logits=True)' }, { framework: 'torch', name: 'nn.BCEWithLogitsLoss' }],
  },
};

export const TORCH_CLASSIFICATION: TorchSpec[] = [CROSS_ENTROPY, NLL, MULTI_MARGIN, MULTI_LABEL_MARGIN, MULTI_LABEL_SOFT_MARGIN];
