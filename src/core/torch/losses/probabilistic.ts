/**
 * torch.nn probabilistic losses: KLDivLoss (xlogy; 'batchmean'), PoissonNLLLoss (log_input, Stirling term only
 * where t > 1) and GaussianNLLLoss (var clamped under no_grad), torch 1.13 (aten Loss.cpp, torch/nn/functional.py).
 */
import type { TorchSpec, TorchKernelOut } from '../types';
import { torchError, num, torchBroadcast, bIndex, unbroadcast, cSize } from '../base';
import { elementwise, type ElementwiseFast } from './common';
import { log as flog } from '../../fastmath';
import { uninitF64 } from '../../tensor';

const LOG_2PI_HALF = 0.5 * Math.log(2 * Math.PI);

// KLDivLoss's fused loops (the expressions of its closures; both arguments differentiated).
const KL_FAST: ElementwiseFast = {
  value(x, t, none, f32) {
    if (f32) for (let k = 0; k < none.length; k++) { const tk = t[k]; none[k] = Math.fround(Math.fround(tk === 0 ? 0 : tk * Math.log(tk)) - Math.fround(tk * x[k])); }
    else for (let k = 0; k < none.length; k++) { const tk = t[k]; none[k] = (tk === 0 ? 0 : tk * Math.log(tk)) - tk * x[k]; }
  },
  grad(x, t, up, u, gx, gt, f32) {
    for (let k = 0; k < gx.length; k++) {
      const uk = up ? up[k] : u, tk = t[k], ga = uk * -tk, gb = uk * (tk > 0 ? Math.log(tk) + 1 - x[k] : NaN);
      gx[k] = f32 ? Math.fround(ga) : ga; gt![k] = f32 ? Math.fround(gb) : gb;
    }
  },
};

const KL_LOG_TARGET_FAST: ElementwiseFast = {
  value(x, t, none, f32) { for (let k = 0; k < none.length; k++) { const tk = t[k], v = Math.exp(tk) * (tk - x[k]); none[k] = f32 ? Math.fround(v) : v; } },
  grad(x, t, up, u, gx, gt, f32) {
    for (let k = 0; k < gx.length; k++) {
      const uk = up ? up[k] : u, tk = t[k], e = Math.exp(tk), ga = uk * -e, gb = uk * (e * (tk - x[k] + 1));
      gx[k] = f32 ? Math.fround(ga) : ga; gt![k] = f32 ? Math.fround(gb) : gb;
    }
  },
};

export const KL_DIV: TorchSpec = {
  id: 'KLDivLoss', framework: 'torch', family: 'probabilistic', functionName: 'kl_div', legacy: true,
  args: [
    { name: 'input', kind: 'float', differentiable: true, doc: 'LOG-probabilities of the approximating distribution (log_softmax output).' },
    { name: 'target', kind: 'float', differentiable: true, doc: 'Probabilities of the reference distribution (log-probabilities with log_target=True).' },
  ],
  params: [{ name: 'log_target', type: 'bool', default: false, doc: 'The target is given as log-probabilities.' }],
  reductions: ['mean', 'batchmean', 'sum', 'none'],
  gradFn: (r, _a, cfg) => (r === 'none' ? (cfg.log_target ? 'MulBackward0' : 'SubBackward0') : r === 'mean' ? 'MeanBackward0' : r === 'batchmean' && _a.input.shape.length > 0 ? 'DivBackward0' : 'SumBackward0'),
  compute(a, cfg, ctx) {
    if (ctx.reduction === 'mean') {
      ctx.trace.warnings.push({ code: 'kl-mean', message: "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release." });
    }
    const xs = a.input.shape, ts = a.target.shape;
    if (!cfg.log_target && xs.length === ts.length && xs.every((d, i) => d === ts[i])) {
      // Same shapes: one Math.log(t) per element for the value and the target's gradient (KL_FAST's two loops each took
      // it), and the gradient for the upstream evaluateTorch will ask for (1/numel 'mean', 1/input.size(0)
      // 'batchmean', 1 otherwise) in the value's loop; another upstream computes it again with KL_FAST.grad. Same bits.
      const xd = a.input.data, td = a.target.data, n = xd.length, f32 = ctx.dtype === 'float32';
      const bd = xs.length === 0 ? 1 : xs[0];
      const u0 = ctx.reduction === 'mean' ? 1 / n : ctx.reduction === 'batchmean' ? 1 / bd : 1;
      const none = uninitF64(n), gx0 = uninitF64(n), gt0 = uninitF64(n);
      if (f32) {
        for (let k = 0; k < n; k++) {
          const tk = td[k], x = xd[k], L = Math.log(tk);
          none[k] = Math.fround(Math.fround(tk === 0 ? 0 : tk * L) - Math.fround(tk * x));
          gx0[k] = Math.fround(u0 * -tk); gt0[k] = Math.fround(u0 * (tk > 0 ? L + 1 - x : NaN));
        }
      } else {
        for (let k = 0; k < n; k++) {
          const tk = td[k], x = xd[k], L = Math.log(tk);
          none[k] = (tk === 0 ? 0 : tk * L) - tk * x;
          gx0[k] = u0 * -tk; gt0[k] = u0 * (tk > 0 ? L + 1 - x : NaN);
        }
      }
      let pre: Record<string, Float64Array> | null = { input: gx0, target: gt0 };
      const grad = (up: Float64Array | null, u: number): Record<string, Float64Array> => {
        const gx = uninitF64(n), gt = uninitF64(n);
        KL_FAST.grad(xd, td, up, u, gx, gt, f32);
        return { input: gx, target: gt };
      };
      const out: TorchKernelOut = {
        none: { data: none, shape: xs.slice() }, mean: { divisor: n, text: 'elements' }, fresh: true, rounded: true,
        backward: (up) => grad(up, 0),
        // handed over once: the arrays must be fresh
        backwardUniform: (u) => { if (pre && Object.is(u, u0)) { const g = pre; pre = null; return g; } return grad(null, u); },
      };
      if (ctx.reduction === 'batchmean') out.mean = { divisor: bd, text: xs.length === 1 ? 'input.size(0) — for a 1-D input that is the number of classes' : 'input.size(0), the batch size' };
      return out;
    }
    const out = cfg.log_target
      ? elementwise(a, ctx, (x, t) => Math.exp(t) * (t - x), (_x, t) => -Math.exp(t), { dt: (x, t) => Math.exp(t) * (t - x + 1), fast: KL_LOG_TARGET_FAST })
      // xlogy(t, t) − t·x: t = 0 contributes exactly 0; t < 0 gives nan.
      // xlogy(t, t) and t·x are float32 tensors before the subtraction: rounding each matters where they nearly cancel.
      : elementwise(a, ctx, (x, t) => ctx.round(t === 0 ? 0 : t * Math.log(t)) - ctx.round(t * x), (_x, t) => -t, { dt: (x, t) => (t > 0 ? Math.log(t) + 1 - x : NaN), fast: KL_FAST });
    if (ctx.reduction === 'batchmean') {
      const x = a.input;
      const d = x.shape.length === 0 ? 1 : x.shape[0];
      out.mean = { divisor: d, text: x.shape.length === 1 ? 'input.size(0) — for a 1-D input that is the number of classes' : 'input.size(0), the batch size' };
    }
    return out;
  },
  example: { args: { input: [[-1.2, -0.9, -1.2], [-0.5, -1.5, -1.6]], target: [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]] } },
  kerasMatch: { name: 'KLDivergence', note: "Keras KLDivergence(y_true=q, y_pred=p) equals KLDivLoss(reduction='batchmean')(log p, q)." },
  doc: {
    summary: 'Kullback–Leibler divergence KL(target ‖ exp(input)); the input must be log-probabilities.',
    formula: "ℓ_i = t_i·(log t_i − x_i)   (xlogy: t = 0 gives 0)\nlog_target: ℓ_i = e^{t_i}·(t_i − x_i)\n'batchmean': Σ ℓ / input.size(0) — the KL;  'mean': Σ ℓ / numel",
    domain: 'input: log-probabilities (N, C); target: probabilities of the same shape (or log-probabilities with log_target=True).',
    output: "'none': the broadcast shape; default 'mean' (with a warning) divides by N·C — not the KL.",
    pitfalls: ["'mean' divides by the element count N·C, a factor C below the KL; use 'batchmean'.", 'The input must be log-probabilities: passing probabilities gives a meaningless number (often negative).', "For a 1-D input 'batchmean' divides by C.", 'log_target with a −inf target (probability 0) gives nan.'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.KLDivergence', note: "takes probabilities (clipped); equals torch 'batchmean' on log(p)" }, { framework: 'Optax', name: 'optax.kl_divergence', note: 'same argument order (log_predictions, targets); no reduction' }],
  },
};

export const POISSON_NLL: TorchSpec = {
  id: 'PoissonNLLLoss', framework: 'torch', family: 'probabilistic', functionName: 'poisson_nll_loss', legacy: true,
  args: [
    { name: 'input', kind: 'float', differentiable: true, doc: 'The log-rate (log_input=True, the default) or the rate.' },
    { name: 'target', kind: 'float', differentiable: true, doc: 'Counts (non-negative).' },
  ],
  params: [
    { name: 'log_input', type: 'bool', default: true, doc: 'The input is log λ (loss exp(x) − t·x); False: the input is λ (loss x − t·log(x + eps)).' },
    { name: 'full', type: 'bool', default: false, doc: 'Add the Stirling approximation of log(t!) where t > 1.' },
    { name: 'eps', type: 'float', default: 1e-8, doc: 'Added inside the log when log_input=False.' },
  ],
  reductions: ['mean', 'sum', 'none'],
  gradFn: (r, _a, cfg) => (r === 'none' ? (cfg.full ? 'AddBackward0' : 'SubBackward0') : r === 'mean' ? 'MeanBackward0' : 'SumBackward0'),
  compute(a, cfg, ctx) {
    const eps = num(cfg, 'eps'), full = !!cfg.full, logIn = !!cfg.log_input, r = ctx.round;
    const stir = (t: number) => (t > 1 ? t * Math.log(t) - t + 0.5 * Math.log(2 * Math.PI * t) : 0);
    // masked_fill keeps d/dt of the Stirling term out where t ≤ 1, except that 0·(log 0 + 1) is nan at t = 0.
    const dStir = (t: number) => (!full ? 0 : t > 1 ? Math.log(t) + 0.5 / t : t === 0 ? NaN : 0);
    // Fused loops: the closures of each form called from a loop of its own (one target per call site, inlined).
    if (logIn) {
      const f = (x: number, t: number) => Math.exp(x) - t * x + (full ? stir(t) : 0), dx = (x: number, t: number) => Math.exp(x) - t, dt = (x: number, t: number) => -x + dStir(t);
      const xs = a.input.shape, ts = a.target.shape;
      if (xs.length === ts.length && xs.every((d, i) => d === ts[i])) {
        // Same shapes: one Math.exp per element for the value and the gradient (f and dx each took it), and the
        // gradient for the upstream evaluateTorch will ask for (1/N under 'mean', 1 otherwise) in the value's loop;
        // another upstream computes it again with dx/dt's expressions. The same bits as the closures.
        const xd = a.input.data, td = a.target.data, n = xd.length, f32 = ctx.dtype === 'float32', u0 = ctx.reduction === 'mean' ? 1 / n : 1;
        const none = uninitF64(n), gx0 = uninitF64(n), gt0 = uninitF64(n);
        for (let k = 0; k < n; k++) {
          const x = xd[k], t = td[k], e = Math.exp(x), v = e - t * x + (full ? stir(t) : 0);
          const ga = u0 * (e - t), gb = u0 * (-x + dStir(t));
          none[k] = f32 ? Math.fround(v) : v; gx0[k] = f32 ? Math.fround(ga) : ga; gt0[k] = f32 ? Math.fround(gb) : gb;
        }
        let pre: Record<string, Float64Array> | null = { input: gx0, target: gt0 };
        const grad = (up: Float64Array | null, uu: number): Record<string, Float64Array> => {
          const gx = uninitF64(n), gt = uninitF64(n);
          for (let k = 0; k < n; k++) {
            const x = xd[k], t = td[k], uk = up ? up[k] : uu, ga = uk * (Math.exp(x) - t), gb = uk * (-x + dStir(t));
            gx[k] = f32 ? Math.fround(ga) : ga; gt[k] = f32 ? Math.fround(gb) : gb;
          }
          return { input: gx, target: gt };
        };
        return {
          none: { data: none, shape: xs.slice() }, mean: { divisor: n, text: 'elements' }, fresh: true, rounded: true,
          backward: (up) => grad(up, 0),
          // handed over once: the arrays must be fresh
          backwardUniform: (u) => { if (pre && Object.is(u, u0)) { const g = pre; pre = null; return g; } return grad(null, u); },
        };
      }
      return elementwise(a, ctx, f, dx, { dt, fast: {
        value(x, t, none, f32) { for (let k = 0; k < none.length; k++) { const v = f(x[k], t[k]); none[k] = f32 ? Math.fround(v) : v; } },
        grad(x, t, up, u, gx, gt, f32) {
          for (let k = 0; k < gx.length; k++) {
            const uk = up ? up[k] : u, ga = uk * dx(x[k], t[k]), gb = uk * dt(x[k], t[k]);
            gx[k] = f32 ? Math.fround(ga) : ga; gt![k] = f32 ? Math.fround(gb) : gb;
          }
        },
      } });
    }
    const f = (x: number, t: number) => x - t * Math.log(r(x + eps)) + (full ? stir(t) : 0), dx = (x: number, t: number) => 1 - t / r(x + eps), dt = (x: number, t: number) => -Math.log(r(x + eps)) + dStir(t);
    return elementwise(a, ctx, f, dx, { dt, fast: {
      value(x, t, none, f32) { for (let k = 0; k < none.length; k++) { const v = f(x[k], t[k]); none[k] = f32 ? Math.fround(v) : v; } },
      grad(x, t, up, u, gx, gt, f32) {
        for (let k = 0; k < gx.length; k++) {
          const uk = up ? up[k] : u, ga = uk * dx(x[k], t[k]), gb = uk * dt(x[k], t[k]);
          gx[k] = f32 ? Math.fround(ga) : ga; gt![k] = f32 ? Math.fround(gb) : gb;
        }
      },
    } });
  },
  example: { args: { input: [[0.5, -0.2, 1.1], [0.0, 0.7, -1.0]], target: [[2.0, 0.0, 3.0], [1.0, 2.0, 0.0]] } },
  kerasMatch: { name: 'Poisson', note: 'with log_input=False (Keras takes the rate and uses eps 1e-7; torch 1e-8); Keras averages the last axis first.' },
  doc: {
    summary: 'Negative log-likelihood of a Poisson distribution; by default the input is the LOG of the rate.',
    formula: 'log_input: ℓ = exp(x) − t·x\nelse:      ℓ = x − t·log(x + eps)\nfull: + t·log t − t + ½·log(2πt) where t > 1',
    domain: 'input: log-rate (default) or rate; target: counts ≥ 0.',
    output: "'none': the broadcast shape; default 'mean'.",
    pitfalls: ['The default input is log λ, not λ (Keras Poisson takes λ).', 'full=True adds the Stirling term only where t > 1: the value jumps at t = 1.', 'With full=True the target gradient is nan at t = 0.'],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.Poisson', note: 'rate input, eps 1e-7' }],
  },
};

export const GAUSSIAN_NLL: TorchSpec = {
  id: 'GaussianNLLLoss', framework: 'torch', family: 'probabilistic', functionName: 'gaussian_nll_loss', legacy: false,
  args: [
    { name: 'input', kind: 'float', differentiable: true, doc: 'The mean of the Gaussian, (N, *).' },
    { name: 'target', kind: 'float', differentiable: true, doc: 'Samples, the input\'s shape.' },
    { name: 'var', kind: 'float', differentiable: true, doc: 'Variances: the input\'s shape, one dim short, or with a last dim of 1 (homoscedastic).' },
  ],
  params: [
    { name: 'full', type: 'bool', default: false, doc: 'Add the constant ½·log(2π).' },
    { name: 'eps', type: 'float', default: 1e-6, doc: 'var is clamped to at least eps (under no_grad: the gradient still flows).' },
  ],
  reductions: ['mean', 'sum', 'none'],
  gradFn: (r, _a, cfg) => (r === 'none' ? (cfg.full ? 'AddBackward0' : 'MulBackward0') : r === 'mean' ? 'MeanBackward0' : 'SumBackward0'),
  compute(a, cfg, ctx) {
    const x = a.input, t = a.target;
    let v = a.var;
    const same = (p: number[], q: number[]) => p.length === q.length && p.every((d, i) => d === q[i]);
    if (!same(v.shape, x.shape)) {
      if (same(x.shape.slice(0, -1), v.shape)) v = { ...v, shape: [...v.shape, 1] };
      else if (!(same(x.shape.slice(0, -1), v.shape.slice(0, -1)) && v.shape[v.shape.length - 1] === 1)) {
        throw torchError(ctx.loss, 'var', 'ValueError', 'var is of incorrect size', { expected: `shape ${cSize(x.shape)}, ${cSize(x.shape.slice(0, -1))} or ${cSize([...x.shape.slice(0, -1), 1])}`, received: cSize(a.var.shape), code: 'shape' });
      }
    }
    for (let k = 0; k < v.data.length; k++) { const s = v.data[k]; if (s < 0) throw torchError(ctx.loss, 'var', 'ValueError', 'var has negative entry/entries', { expected: 'variances ≥ 0', received: String(s), code: 'domain' }); }
    const eps = num(cfg, 'eps'), full = !!cfg.full;
    const s1 = torchBroadcast(ctx.loss, 'target', x.shape, t.shape);
    const shape = torchBroadcast(ctx.loss, 'var', s1, v.shape);
    const n = shape.reduce((p, d) => p * d, 1);
    const ix = bIndex(x.shape, shape), it = bIndex(t.shape, shape), iv = bIndex(v.shape, shape);
    const X = (k: number) => x.data[ix ? ix[k] : k], T = (k: number) => t.data[it ? it[k] : k];
    const V = (k: number) => Math.max(v.data[iv ? iv[k] : k], eps);
    const none = uninitF64(n);
    const f32 = ctx.dtype === 'float32', c = full ? LOG_2PI_HALF : 0;
    if (!ix && !it && !iv) {
      // Same shapes (no broadcasting): plain loops over the arrays, each value rounded to the loss dtype as it is
      // stored (what evaluateTorch's rounding pass over the four 1e6-element outputs did), no index closures.
      // The gradient for the upstream evaluateTorch will ask for (1/N under 'mean', 1 otherwise) in the same loop as the
      // value (one pass over the three arguments); another upstream computes it again with the same expressions.
      const xd = x.data, td = t.data, vd = v.data, u0 = ctx.reduction === 'mean' ? 1 / n : 1;
      const gx0 = uninitF64(n), gt0 = uninitF64(n), gv0 = uninitF64(n);
      for (let k = 0; k < n; k++) {
        const d = xd[k] - td[k], vv = Math.max(vd[k], eps), l = 0.5 * (flog(vv) + d * d / vv) + c; none[k] = f32 ? Math.fround(l) : l;
        const a = u0 * d / vv, b = u0 * 0.5 * (1 / vv - d * d / (vv * vv)), ar = f32 ? Math.fround(a) : a;
        gx0[k] = ar; gt0[k] = -ar; gv0[k] = f32 ? Math.fround(b) : b;
      }
      let pre: Record<string, Float64Array> | null = { input: gx0, target: gt0, var: gv0 };
      const gradSame = (up: Float64Array | null, u0: number): Record<string, Float64Array> => {
        const gx = uninitF64(n), gt = uninitF64(n), gv = uninitF64(n);
        for (let k = 0; k < n; k++) {
          const d = xd[k] - td[k], vv = Math.max(vd[k], eps), uk = up ? up[k] : u0, a = uk * d / vv, b = uk * 0.5 * (1 / vv - d * d / (vv * vv));
          const ar = f32 ? Math.fround(a) : a;
          gx[k] = ar; gt[k] = -ar; gv[k] = f32 ? Math.fround(b) : b;
        }
        return { input: gx, target: gt, var: gv };
      };
      return {
        none: { data: none, shape }, mean: { divisor: n, text: 'elements' }, fresh: true, rounded: true,
        backward: (up) => gradSame(up, 0),
        // handed over once: the arrays must be fresh
        backwardUniform: (u) => { if (pre && Object.is(u, u0)) { const g = pre; pre = null; return g; } return gradSame(null, u); },
      };
    }
    for (let k = 0; k < n; k++) { const d = X(k) - T(k), vv = V(k); none[k] = 0.5 * (flog(vv) + d * d / vv) + c; }
    return {
      none: { data: none, shape },
      mean: { divisor: n, text: 'elements' },
      fresh: true,
      backward: (up) => grad(up, 0),
      backwardUniform: (u) => grad(null, u),
    };
    function grad(up: Float64Array | null, u0: number): Record<string, Float64Array> {
      const gx = uninitF64(n), gt = uninitF64(n), gv = uninitF64(n);
      for (let k = 0; k < n; k++) {
        const d = X(k) - T(k), vv = V(k), uk = up ? up[k] : u0;
        gx[k] = uk * d / vv; gt[k] = -gx[k];
        // evaluated at the clamped var and passed through (the clamp ran under no_grad)
        gv[k] = uk * 0.5 * (1 / vv - d * d / (vv * vv));
      }
      return { input: unbroadcast(gx, ix, x.data.length), target: unbroadcast(gt, it, t.data.length), var: unbroadcast(gv, iv, v.data.length) };
    }
  },
  example: { args: { input: [[0.5, -0.2], [1.0, 0.3]], target: [[0.0, 0.1], [1.5, -0.2]], var: [[0.5, 1.2], [0.8, 0.3]] } },
  doc: {
    summary: 'Negative log-likelihood of a Gaussian with predicted mean and variance.',
    formula: 'ℓ_i = ½·(log max(var_i, eps) + (x_i − y_i)² / max(var_i, eps))  (+ ½·log 2π with full=True)',
    domain: 'input, target: (N, *); var: (N, *), (N, *) one dim short, or (N, *, 1); var ≥ 0.',
    output: "'none': the broadcast shape; default 'mean' over all elements.",
    pitfalls: ['var is clamped to eps without stopping the gradient: at var = 1e-8 the var gradient is −5e10, not 0.', 'var == 0 is accepted, var < 0 raises; a var of shape (D,) for an (N, D) input raises.', 'No size_average/reduce legacy arguments.'],
    equivalents: [{ framework: 'Keras', name: 'no built-in; a custom loss' }],
  },
};

export const TORCH_PROBABILISTIC: TorchSpec[] = [KL_DIV, POISSON_NLL, GAUSSIAN_NLL];
