/**
 * torch.nn binary losses: BCELoss (the −100 log clamp, the 1e-12 backward epsilon), BCEWithLogitsLoss (stable,
 * pos_weight on the last dim) and SoftMarginLoss (the literal log(1 + exp(−y·x)) that overflows), torch 1.13.
 */
import type { TorchSpec, TorchArgSpec, TorchArgs, TorchContext } from '../types';
import { torchError, torchSize, configTensor, torchBroadcast, bIndex, cSize } from '../base';
import { elementwise, softplus64, type ElementwiseFast } from './common';
import { exp as fexp, log as flog } from '../../fastmath';
import { uninitF64 } from '../../tensor';

/** float32(1e-12): the clamp of p(1 − p) in binary_cross_entropy_backward, in float64 too. */
const BCE_EPS = Math.fround(1e-12);

const BIN_ARGS = (what: string): TorchArgSpec[] => [
  { name: 'input', kind: 'float', differentiable: true, doc: what },
  { name: 'target', kind: 'float', differentiable: true, doc: 'Targets in [0, 1] (float), the input\'s shape.' },
];

function sameSize(ctx: TorchContext, a: TorchArgs, msg: (t: string, i: string) => string): void {
  const x = a.input.shape, t = a.target.shape;
  if (x.length !== t.length || x.some((d, i) => d !== t[i])) {
    throw torchError(ctx.loss, 'target', 'ValueError', msg(torchSize(t), torchSize(x)), { expected: `shape ${cSize(x)} like the input`, received: cSize(t), code: 'shape' });
  }
}

function floatTarget(ctx: TorchContext): void {
  if (ctx.argDtypes.target === 'int64') throw torchError(ctx.loss, 'target', 'RuntimeError', 'Found dtype Long but expected Float', { expected: 'a float target (e.g. torch.tensor([1., 0.]) or .float())', received: 'int64', code: 'dtype' });
}

/** weight broadcast to the input's shape (BCE: element-wise, not per class), as an index map. */
function weightMap(a: TorchArgs, ctx: TorchContext, name: string, w: ReturnType<typeof configTensor>): ((k: number) => number) {
  if (!w) return () => 1;
  const shape = torchBroadcast(ctx.loss, name, a.target.shape, w.shape);
  if (shape.length !== a.input.shape.length || shape.some((d, i) => d !== a.input.shape[i])) {
    throw torchError(ctx.loss, name, 'RuntimeError', `The size of tensor a (${w.shape[w.shape.length - 1]}) must match the size of tensor b (${a.input.shape[a.input.shape.length - 1]}) at non-singleton dimension ${a.input.shape.length - 1}`, { code: 'shape' });
  }
  const iw = bIndex(w.shape, a.input.shape);
  return (k) => w.data[iw ? iw[k] : k];
}

export const BCE: TorchSpec = {
  id: 'BCELoss', framework: 'torch', family: 'probabilistic', functionName: 'binary_cross_entropy', legacy: true,
  args: BIN_ARGS('Probabilities in [0, 1] (a sigmoid output), any shape.'),
  params: [{ name: 'weight', type: 'arrayOrNone', default: null, doc: 'An element-wise rescaling weight broadcast against the input (not per class; not normalised).' }],
  reductions: ['mean', 'sum', 'none'], gradFn: 'BinaryCrossEntropyBackward0',
  compute(a, cfg, ctx) {
    floatTarget(ctx);
    sameSize(ctx, a, (t, i) => `Using a target size (${t}) that is different to the input size (${i}) is deprecated. Please ensure they have the same size.`);
    const x = a.input, xd = x.data, td = a.target.data;
    for (let k = 0; k < xd.length; k++) { const p = xd[k]; if (!(p >= 0 && p <= 1)) throw torchError(ctx.loss, 'input', 'RuntimeError', 'all elements of input should be between 0 and 1', { expected: 'probabilities in [0, 1] (apply torch.sigmoid, or use BCEWithLogitsLoss on logits)', received: String(p), code: 'domain' }); }
    const W = weightMap(a, ctx, 'weight', configTensor(cfg, 'weight', ctx.loss, ctx));
    const f32 = ctx.dtype === 'float32';
    // log is taken in the loss dtype and clamped at −100: a confidently wrong 0/1 costs exactly 100.
    // (fastmath's log: within 1 ulp, as torch's vectorised one; fused loops rounded to the loss dtype as they write)
    // The gradient for the upstream evaluateTorch will ask for (1/N under 'mean', 1 otherwise) is computed in the same
    // loop as the value, from the same two logs (no second pass, no arrays keeping the logs); another upstream takes
    // the logs again with the same expressions (the same bits).
    const n = xd.length, u0 = ctx.reduction === 'mean' ? 1 / n : 1;
    const none = uninitF64(n), gx0 = uninitF64(n), gt0 = uninitF64(n);
    for (let k = 0; k < n; k++) {
      const p = xd[k], t = td[k], a = flog(1 - p), b = flog(p), l1 = f32 ? Math.fround(a) : a, l0 = f32 ? Math.fround(b) : b;
      const w = W(k), v = w * ((t - 1) * Math.max(l1, -100) - t * Math.max(l0, -100));
      none[k] = f32 ? Math.fround(v) : v;
      const u = u0 * w, q = (1 - p) * p;
      const a1 = u * (p - t) / Math.max(f32 ? Math.fround(q) : q, BCE_EPS);
      // the target's gradient ignores the clamp: log(1 − p) − log(p)
      const a2 = u * (l1 - l0);
      gx0[k] = f32 ? Math.fround(a1) : a1; gt0[k] = f32 ? Math.fround(a2) : a2;
    }
    let pre: Record<string, Float64Array> | null = { input: gx0, target: gt0 };
    const grad = (up: Float64Array | null, uu: number): Record<string, Float64Array> => {
      const gx = uninitF64(n), gt = uninitF64(n);
      for (let k = 0; k < n; k++) {
        const p = xd[k], t = td[k], a = flog(1 - p), b = flog(p), l1 = f32 ? Math.fround(a) : a, l0 = f32 ? Math.fround(b) : b;
        const u = (up ? up[k] : uu) * W(k), q = (1 - p) * p;
        const a1 = u * (p - t) / Math.max(f32 ? Math.fround(q) : q, BCE_EPS);
        const a2 = u * (l1 - l0);
        gx[k] = f32 ? Math.fround(a1) : a1; gt[k] = f32 ? Math.fround(a2) : a2;
      }
      return { input: gx, target: gt };
    };
    return {
      none: { data: none, shape: x.shape.slice() },
      mean: { divisor: n, text: 'elements' },
      fresh: true, rounded: true,
      backward: (up) => grad(up, 0),
      // handed over once: the arrays must be fresh
      backwardUniform: (u) => { if (pre && Object.is(u, u0)) { const g = pre; pre = null; return g; } return grad(null, u); },
    };
  },
  example: { args: { input: [[0.8, 0.3, 0.6], [0.1, 0.9, 0.45]], target: [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]] } },
  kerasMatch: { name: 'BinaryCrossentropy', note: "equal under 'mean' away from 0/1 (Keras clips p to [1e-7, 1 − 1e-7]: a wrong 0/1 costs 15.94 there, 100 here)." },
  doc: {
    summary: 'Binary cross-entropy on probabilities, each log clamped at −100.',
    formula: 'ℓ_i = −w_i·(y_i·max(log p_i, −100) + (1 − y_i)·max(log(1 − p_i), −100))\n∂ℓ/∂p = w·(p − y) / max(p(1 − p), 1e-12)',
    domain: 'input: probabilities in [0, 1] (torch raises otherwise); target: floats of the same shape (a size mismatch raises).',
    output: "'none': input's shape; default 'mean' divides by the element count (also with weight).",
    pitfalls: [
      'Each log is clamped at −100: a confidently wrong 0/1 prediction costs exactly 100, never inf; log(1e-50) also counts as −100.',
      'float32 changes the number: p = 1 − 1e-9 rounds to 1.0 and costs 100 instead of 20.7.',
      '`weight` is element-wise, broadcast against the input; (N, 1) weights one sample each.',
      'On logits use BCEWithLogitsLoss (stable, no clamp).',
    ],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.BinaryCrossentropy', note: 'clips p to [1e-7, 1 − 1e-7]; per-sample mean over the last axis' }],
  },
};

export const BCE_WITH_LOGITS: TorchSpec = {
  id: 'BCEWithLogitsLoss', framework: 'torch', family: 'probabilistic', functionName: 'binary_cross_entropy_with_logits', legacy: true,
  args: BIN_ARGS('Logits, any shape.'),
  params: [
    { name: 'weight', type: 'arrayOrNone', default: null, doc: 'An element-wise rescaling weight broadcast against the input.' },
    { name: 'pos_weight', type: 'arrayOrNone', default: null, doc: 'Weight of the positive term, broadcast against the LAST dim (shape (C,) for (N, C); (C, 1, 1) for (N, C, H, W)).' },
  ],
  reductions: ['mean', 'sum', 'none'], gradFn: 'BinaryCrossEntropyWithLogitsBackward0',
  compute(a, cfg, ctx) {
    sameSize(ctx, a, (t, i) => `Target size (${t}) must be the same as input size (${i})`);
    const x = a.input, tt = a.target;
    const W = weightMap(a, ctx, 'weight', configTensor(cfg, 'weight', ctx.loss, ctx));
    const pw = configTensor(cfg, 'pos_weight', ctx.loss, ctx);
    let PW: (k: number) => number = () => 1;
    if (pw) {
      const shape = torchBroadcast(ctx.loss, 'pos_weight', pw.shape, x.shape);
      if (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i])) throw torchError(ctx.loss, 'pos_weight', 'RuntimeError', `pos_weight ${cSize(pw.shape)} does not broadcast to the input ${cSize(x.shape)}`, { code: 'shape' });
      const ip = bIndex(pw.shape, x.shape);
      PW = (k) => pw.data[ip ? ip[k] : k];
    }
    const n = x.data.length, xd = x.data, td = tt.data;
    const f32 = ctx.dtype === 'float32';
    // (1 − y)·x + lw·softplus(−x), lw = 1 + (pos_weight − 1)·y: stable for any logit, no clamp. (softplus written out in
    // the float32 loops: V8 did not inline the call, and each double it returned was allocated)
    // softplus(m) branch-free: +(m > 0)·m + log1p(exp(−|m|)) is m + log1p(exp(−m)) for m > 0 and (±0) + log1p(exp(m))
    // = log1p(exp(m)) otherwise, bit for bit (the log1p term is ≥ +0); the sign test as a ternary was a mispredicted
    // branch on every other random logit. m = −inf gives 0·(−inf) = NaN: that element takes the ternary.
    // torch's gradient: ((pos_weight·t + 1 − t)·σ(x) − pos_weight·t)·grad, with σ(x) = 1 / (1 + e^(−x)) in the loss dtype
    // (e^100 overflows float32, so σ(−100) is 0 there, not 3.8e-44), written out: V8 did not inline it as a closure.
    // The gradient for the upstream evaluateTorch will ask for (1/N under 'mean', 1 otherwise) is computed in the same
    // loop as the value, from the same softplus (no second pass, no array keeping it); another upstream takes the
    // softplus again with the same expressions (the same bits).
    const u0 = ctx.reduction === 'mean' ? 1 / n : 1;
    const none = uninitF64(n), gx0 = uninitF64(n), gt0 = uninitF64(n);
    for (let k = 0; k < n; k++) {
      const v = xd[k], t = td[k], p = PW(k), lw = 1 + (p - 1) * t, mv = -v, am = -Math.abs(mv);
      let sp = +(mv > 0) * mv + Math.log1p(f32 ? fexp(am) : Math.exp(am));
      if (sp !== sp) sp = f32 ? (mv > 0 ? mv + Math.log1p(fexp(-mv)) : Math.log1p(fexp(mv))) : softplus64(mv);
      const w = W(k), l = w * ((1 - t) * v + lw * sp); none[k] = f32 ? Math.fround(l) : l;
      const u = u0 * w, sg = f32 ? Math.fround(1 / Math.fround(1 + Math.fround(fexp(-v)))) : 1 / (1 + Math.exp(-v));
      const a1 = u * (lw * sg - p * t), a2 = u * (-v + (p - 1) * sp);
      gx0[k] = f32 ? Math.fround(a1) : a1; gt0[k] = f32 ? Math.fround(a2) : a2;
    }
    let pre: Record<string, Float64Array> | null = { input: gx0, target: gt0 };
    const grad = (up: Float64Array | null, uu: number): Record<string, Float64Array> => {
      const gx = uninitF64(n), gt = uninitF64(n);
      for (let k = 0; k < n; k++) {
        const v = xd[k], t = td[k], p = PW(k), u = (up ? up[k] : uu) * W(k), lw = 1 + (p - 1) * t, mv = -v, am = -Math.abs(mv);
        let sp = +(mv > 0) * mv + Math.log1p(f32 ? fexp(am) : Math.exp(am));
        if (sp !== sp) sp = f32 ? (mv > 0 ? mv + Math.log1p(fexp(-mv)) : Math.log1p(fexp(mv))) : softplus64(mv);
        const sg = f32 ? Math.fround(1 / Math.fround(1 + Math.fround(fexp(-v)))) : 1 / (1 + Math.exp(-v));
        const a1 = u * (lw * sg - p * t), a2 = u * (-v + (p - 1) * sp);
        gx[k] = f32 ? Math.fround(a1) : a1; gt[k] = f32 ? Math.fround(a2) : a2;
      }
      return { input: gx, target: gt };
    };
    return {
      none: { data: none, shape: x.shape.slice() },
      mean: { divisor: n, text: 'elements' },
      fresh: true, rounded: true,
      backward: (up) => grad(up, 0),
      // handed over once: the arrays must be fresh
      backwardUniform: (u) => { if (pre && Object.is(u, u0)) { const g = pre; pre = null; return g; } return grad(null, u); },
    };
  },
  example: { args: { input: [[1.2, -0.7, 0.3], [-2.0, 2.5, 0.1]], target: [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]] } },
  kerasMatch: { name: 'BinaryCrossentropy', note: "with from_logits=True under 'mean' (no pos_weight in Keras)." },
  doc: {
    summary: 'Binary cross-entropy from logits: a sigmoid and BCE in one numerically stable expression.',
    formula: 'ℓ_i = w_i·[ (1 − y)·x + (1 + (pos_weight − 1)·y)·log(1 + e^(−x)) ]\n    = −w_i·[ pos_weight·y·log σ(x) + (1 − y)·log(1 − σ(x)) ]',
    domain: 'input: logits, any shape; target: floats of the same shape (a size mismatch raises).',
    output: "'none': input's shape; default 'mean'.",
    pitfalls: ['No −100 clamp: a logit of ±1000 on the wrong side costs 1000.', 'pos_weight broadcasts against the last dim: on (N, C, H, W) a (C,) pos_weight lines up with W; use shape (C, 1, 1).', 'Passing probabilities applies a second sigmoid.'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.BinaryCrossentropy(from_logits=True)' }, { framework: 'Optax', name: 'optax.sigmoid_binary_cross_entropy', note: 'no reduction' }],
  },
};

export const SOFT_MARGIN: TorchSpec = {
  id: 'SoftMarginLoss', framework: 'torch', family: 'hinge', functionName: 'soft_margin_loss', legacy: true,
  args: [
    { name: 'input', kind: 'float', differentiable: true, doc: 'Scores, any shape.' },
    { name: 'target', kind: 'float', differentiable: false, doc: 'Labels ±1 of the input\'s shape (torch refuses requires_grad on it).' },
  ],
  params: [], reductions: ['mean', 'sum', 'none'], gradFn: 'SoftMarginLossBackward0',
  compute(a, _cfg, ctx) {
    const r = ctx.round;
    // Literal log(1 + exp(−y·x)) in the loss dtype (1.13's kernel): exp overflows below y·x ≈ −88.7 in float32 (−709.8 in
    // float64) → inf, and 1 + e^(−50) is 1, so the loss is exactly 0 there.
    const f = (x: number, t: number) => Math.log(r(1 + r(Math.exp(-t * x))));
    const g = (x: number, t: number) => { const z = r(Math.exp(-t * x)); return -t * z / (1 + z); };
    const fast: ElementwiseFast = {
      value(x, t, none, f32) {
        if (f32) for (let k = 0; k < none.length; k++) none[k] = Math.fround(Math.log(Math.fround(1 + Math.fround(Math.exp(-t[k] * x[k])))));
        else for (let k = 0; k < none.length; k++) none[k] = Math.log(1 + Math.exp(-t[k] * x[k]));
      },
      grad(x, t, up, u, gx, _gt, f32) {
        for (let k = 0; k < gx.length; k++) {
          const uk = up ? up[k] : u, tk = t[k], e = Math.exp(-tk * x[k]), z = f32 ? Math.fround(e) : e, v = uk * (-tk * z / (1 + z));
          gx[k] = f32 ? Math.fround(v) : v;
        }
      },
    };
    const xs = a.input.shape, ts = a.target.shape;
    if (xs.length === ts.length && xs.every((d, i) => d === ts[i])) {
      // Same shapes: one Math.exp(−y·x) per element for the value and the gradient (the two loops each took it), and
      // the gradient for the upstream evaluateTorch will ask for (1/N under 'mean', 1 otherwise) in the value's loop;
      // another upstream runs fast.grad. The same expressions, the same bits.
      const xd = a.input.data, td = a.target.data, n = xd.length, f32 = ctx.dtype === 'float32', u0 = ctx.reduction === 'mean' ? 1 / n : 1;
      const none = uninitF64(n), gx0 = uninitF64(n);
      if (f32) {
        for (let k = 0; k < n; k++) {
          const tk = td[k], z = Math.fround(Math.exp(-tk * xd[k]));
          none[k] = Math.fround(Math.log(Math.fround(1 + z))); gx0[k] = Math.fround(u0 * (-tk * z / (1 + z)));
        }
      } else {
        for (let k = 0; k < n; k++) {
          const tk = td[k], z = Math.exp(-tk * xd[k]);
          none[k] = Math.log(1 + z); gx0[k] = u0 * (-tk * z / (1 + z));
        }
      }
      let pre: Record<string, Float64Array> | null = { input: gx0 };
      const grad = (up: Float64Array | null, u: number): Record<string, Float64Array> => {
        const gx = uninitF64(n);
        fast.grad(xd, td, up, u, gx, null, f32);
        return { input: gx };
      };
      return {
        none: { data: none, shape: xs.slice() }, mean: { divisor: n, text: 'elements' }, fresh: true, rounded: true,
        backward: (up) => grad(up, 0),
        // handed over once: the arrays must be fresh
        backwardUniform: (u) => { if (pre && Object.is(u, u0)) { const g = pre; pre = null; return g; } return grad(null, u); },
      };
    }
    return elementwise(a, ctx, f, g, { outputLikeInput: true, fast });
  },
  example: { args: { input: [[0.8, -0.3, 1.5], [-1.2, 0.4, 0.1]], target: [[1.0, -1.0, 1.0], [-1.0, 1.0, -1.0]] } },
  doc: {
    summary: 'Two-class logistic loss on ±1 labels: log(1 + exp(−y·x)).',
    formula: 'ℓ_i = log(1 + exp(−y_i·x_i))',
    domain: 'input: scores; target: ±1 floats (other values are used as they are).',
    output: "'none': input's shape; default 'mean' over all elements.",
    pitfalls: ['Evaluated literally: exp overflows at y·x < −88.7 in float32, so the loss is inf where a stable softplus would give |x|.', 'Labels are ±1, not 0/1: a 0 label gives log 2 whatever the input.'],
    equivalents: [{ framework: 'torch', name: 'nn.BCEWithLogitsLoss', note: 'same loss on 0/1 labels ((y + 1)/2), numerically stable' }],
  },
};

export const TORCH_BINARY: TorchSpec[] = [BCE, BCE_WITH_LOGITS, SOFT_MARGIN];
