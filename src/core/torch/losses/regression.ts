/** torch.nn regression losses: L1Loss, MSELoss, HuberLoss, SmoothL1Loss (aten/src/ATen/native/Loss.cpp, torch 1.13). */
import type { TorchSpec, TorchArgSpec } from '../types';
import { elementwise, sign, type ElementwiseFast } from './common';
import { torchError, num } from '../base';

const PAIR: TorchArgSpec[] = [
  { name: 'input', kind: 'float', differentiable: true, doc: 'Predictions, any shape.' },
  { name: 'target', kind: 'float', differentiable: true, doc: 'Targets, the same shape as input (other shapes broadcast, with a warning).' },
];

const BROADCAST_PITFALL = 'A target of another shape broadcasts with only a warning: input (N,1) against target (N,) becomes (N,N) and the mean averages N² numbers.';
const PER_ELEMENT = "Torch reduces per element: 'sum' is Σ over every element and 'none' has the input's shape; Keras first averages the last axis per sample, so Keras's 'sum' is a factor C smaller.";

// Fused loops (the same expressions as the closures beside them; bench part torch measures them at 1e6 elements).
// Branch-free selects: a data-dependent `a < b ? p : q` is a branch the CPU mispredicts on about every other element
// of random residuals (~6 ns each here: the ternary forms took 8–12 ms per 1e6-element pass, the selects 2–3 ms).
// A comparison as a number, +(a < b), compiles to a flag set without a branch, and s·P + (1 − s)·Q or a difference
// of such terms picks P or Q bit for bit while P and Q are finite (x·1 = x, x·0 = ±0, x + ±0 = x for x ≠ 0, and
// x − (+0) = x keeps −0); where a term is ±inf or NaN the select gives NaN, and that element takes the ternary again.
// Factors that V8 may hold as small integers (delta = 1 from the config) are read from a Float64Array: an integer
// multiply that can give 0 carries a −0 test, itself a mispredicted branch.
const L1_FAST: ElementwiseFast = {
  value(x, t, none, f32) { for (let k = 0; k < none.length; k++) { const v = Math.abs(x[k] - t[k]); none[k] = f32 ? Math.fround(v) : v; } },
  grad(x, t, up, u, gx, gt, f32) {
    // sign as +(d > 0) − +(d < 0): 1, −1 or +0 (NaN: 0), what the ternary gave
    for (let k = 0; k < gx.length; k++) {
      const uk = up ? up[k] : u, d = x[k] - t[k], e = t[k] - x[k];
      const ga = uk * (+(d > 0) - +(d < 0)); gx[k] = f32 ? Math.fround(ga) : ga;
      if (gt) { const gb = uk * (+(e > 0) - +(e < 0)); gt[k] = f32 ? Math.fround(gb) : gb; }
    }
  },
};

const MSE_FAST: ElementwiseFast = {
  value(x, t, none, f32) { for (let k = 0; k < none.length; k++) { const d = x[k] - t[k], v = d * d; none[k] = f32 ? Math.fround(v) : v; } },
  grad(x, t, up, u, gx, gt, f32) {
    for (let k = 0; k < gx.length; k++) {
      const uk = up ? up[k] : u;
      const ga = uk * (2 * (x[k] - t[k])); gx[k] = f32 ? Math.fround(ga) : ga;
      if (gt) { const gb = uk * (2 * (t[k] - x[k])); gt[k] = f32 ? Math.fround(gb) : gb; }
    }
  },
};

/** clamp(e, −d, d) as torch's huber backward: e < −d ? −d : e > d ? d : e. */
const clampRef = (e: number, d: number) => (e < -d ? -d : e > d ? d : e);

function huberFast(delta: number): ElementwiseFast {
  // D[0] = delta as a double; SEL[p | 2q] is what is subtracted from e·m: 0 (inside), −delta (e > delta), delta (e < −delta)
  const D = Float64Array.of(delta), SEL = Float64Array.of(0, -delta, delta);
  return {
    value(x, t, none, f32) {
      const d = D[0], hd = 0.5 * d;
      for (let k = 0; k < none.length; k++) {
        const e = Math.abs(x[k] - t[k]), s = +(e < d);
        let v = s * (0.5 * e * e) + (1 - s) * (d * (e - hd));
        if (v !== v) v = e < d ? 0.5 * e * e : d * (e - 0.5 * d);
        none[k] = f32 ? Math.fround(v) : v;
      }
    },
    grad(x, t, up, u, gx, gt, f32) {
      const d = D[0], nd = -d;
      for (let k = 0; k < gx.length; k++) {
        const uk = up ? up[k] : u, e = x[k] - t[k];
        // inside: e·1 − 0 = e (−0 kept); above: (+0) − (−d) = d; below: (−0) − d = −d
        const p = +(e > d), q = +(e < nd);
        let c = e * (1 - p - q) - SEL[p | (q << 1)];
        if (c !== c) c = clampRef(e, d);
        const ga = uk * c; gx[k] = f32 ? Math.fround(ga) : ga;
        if (gt) {
          const f = t[k] - x[k], pf = +(f > d), qf = +(f < nd);
          let cf = f * (1 - pf - qf) - SEL[pf | (qf << 1)];
          if (cf !== cf) cf = clampRef(f, d);
          const gb = uk * cf; gt[k] = f32 ? Math.fround(gb) : gb;
        }
      }
    },
  };
}

/** smooth_l1 backward's factor: e <= −beta ? −1 : e >= beta ? 1 : e / beta (torch 1.13 tests e <= −beta first). */
const smoothRef = (e: number, b: number) => (e <= -b ? -1 : e >= b ? 1 : e / b);

function smoothL1Fast(beta: number): ElementwiseFast {
  const B = Float64Array.of(beta);
  return {
    value(x, t, none, f32) {
      const b = B[0], hb = 0.5 * b;
      for (let k = 0; k < none.length; k++) {
        const e = Math.abs(x[k] - t[k]), s = +(e < b);
        let v = s * (0.5 * e * e / b) + (1 - s) * (e - hb);
        if (v !== v) v = e < b ? 0.5 * e * e / b : e - 0.5 * b;
        none[k] = f32 ? Math.fround(v) : v;
      }
    },
    grad(x, t, up, u, gx, gt, f32) {
      const b = B[0], nb = -b;
      for (let k = 0; k < gx.length; k++) {
        const uk = up ? up[k] : u, e = x[k] - t[k];
        // q: e <= −beta (tested first), p: e >= beta and not q; inside: (e/b)·1 − 0; p: (+0) − (−1) = 1; q: (−0) − 1 = −1
        const q = +(e <= nb), p = +(e >= b) & (1 - q);
        let c = (e / b) * (1 - p - q) - (q - p);
        if (c !== c) c = smoothRef(e, b);
        const ga = uk * c; gx[k] = f32 ? Math.fround(ga) : ga;
        if (gt) {
          const f = t[k] - x[k], qf = +(f <= nb), pf = +(f >= b) & (1 - qf);
          let cf = (f / b) * (1 - pf - qf) - (qf - pf);
          if (cf !== cf) cf = smoothRef(f, b);
          const gb = uk * cf; gt[k] = f32 ? Math.fround(gb) : gb;
        }
      }
    },
  };
}

export const L1: TorchSpec = {
  id: 'L1Loss', framework: 'torch', family: 'regression', functionName: 'l1_loss', args: PAIR, params: [], legacy: true,
  reductions: ['mean', 'sum', 'none'], gradFn: { none: 'AbsBackward0', mean: 'MeanBackward0', sum: 'SumBackward0' },
  compute: (a, _cfg, ctx) => elementwise(a, ctx, (x, t) => Math.abs(x - t), (x, t) => sign(x - t), { warnSize: true, dt: (x, t) => sign(t - x), fast: L1_FAST }),
  example: { args: { input: [[0.5, -1.2, 2.0], [0.1, 0.7, -0.3]], target: [[0.0, -1.0, 1.0], [0.5, 0.5, 0.5]] } },
  kerasMatch: { name: 'MeanAbsoluteError', note: "equal under 'mean' (Keras's mean of per-sample means is the mean of all elements for equal-length rows); 'sum' differs by the last dim." },
  doc: {
    summary: 'Mean absolute error between input and target, per element.',
    formula: 'ℓ_i = |x_i − y_i|\nmean: Σ ℓ_i / numel,  sum: Σ ℓ_i,  none: ℓ',
    domain: 'input and target: floating tensors of the same shape (float32 by default).',
    output: "'none': input's shape; default 'mean' → a 0-d tensor.",
    pitfalls: [BROADCAST_PITFALL, 'The gradient at a zero residual is 0 (sign(0) = 0).', PER_ELEMENT],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.MeanAbsoluteError', note: 'mean over the last axis per sample, then over the batch' }, { framework: 'Optax', name: 'no l1 loss; jnp.abs(p - t)' }],
  },
};

export const MSE: TorchSpec = {
  id: 'MSELoss', framework: 'torch', family: 'regression', functionName: 'mse_loss', args: PAIR, params: [], legacy: true,
  reductions: ['mean', 'sum', 'none'], gradFn: 'MseLossBackward0',
  compute: (a, _cfg, ctx) => elementwise(a, ctx, (x, t) => (x - t) * (x - t), (x, t) => 2 * (x - t), { warnSize: true, dt: (x, t) => 2 * (t - x), fast: MSE_FAST }),
  example: { args: { input: [[0.5, -1.2, 2.0], [0.1, 0.7, -0.3]], target: [[0.0, -1.0, 1.0], [0.5, 0.5, 0.5]] } },
  kerasMatch: { name: 'MeanSquaredError', note: "equal under 'mean'; 'sum' differs by a factor of the last dim." },
  doc: {
    summary: 'Mean squared error between input and target, per element.',
    formula: 'ℓ_i = (x_i − y_i)²\nmean: Σ ℓ_i / numel,  sum: Σ ℓ_i,  none: ℓ',
    domain: 'input and target: floating tensors of the same shape.',
    output: "'none': input's shape; default 'mean' → a 0-d tensor.",
    pitfalls: [BROADCAST_PITFALL, PER_ELEMENT],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.MeanSquaredError' }, { framework: 'Optax', name: 'optax.squared_error', note: 'no reduction; optax.l2_loss is ½·err²' }],
  },
};

function checkDelta(loss: string, delta: number): void {
  if (!(delta > 0)) throw torchError(loss, 'delta', 'RuntimeError', 'huber_loss does not support non-positive values for delta.', { expected: 'delta > 0', received: String(delta), code: 'param' });
}

export const HUBER: TorchSpec = {
  id: 'HuberLoss', framework: 'torch', family: 'regression', functionName: 'huber_loss', args: PAIR, legacy: false,
  params: [{ name: 'delta', type: 'float', default: 1.0, doc: 'Where the quadratic part turns linear; must be > 0.', ui: { min: 0.05, max: 5, step: 0.05 } }],
  reductions: ['mean', 'sum', 'none'], gradFn: 'HuberLossBackward0',
  compute(a, cfg, ctx) {
    const d = num(cfg, 'delta');
    checkDelta(ctx.loss, d);
    const v = (x: number, t: number) => { const e = Math.abs(x - t); return e < d ? 0.5 * e * e : d * (e - 0.5 * d); };
    const g = (x: number, t: number) => { const e = x - t; return e < -d ? -d : e > d ? d : e; };
    return elementwise(a, ctx, v, g, { warnSize: true, dt: (x, t) => g(t, x), fast: huberFast(d) });
  },
  example: { args: { input: [[0.5, -1.2, 2.5], [0.1, 0.7, -0.3]], target: [[0.0, -1.0, 1.0], [0.5, 0.5, 0.5]] } },
  kerasMatch: { name: 'Huber', note: "equal under 'mean' with the same delta; 'sum' differs by the last dim." },
  doc: {
    summary: 'Huber loss: quadratic for small errors, linear (slope delta) beyond |x − y| = delta.',
    formula: 'ℓ_i = 0.5·d²            if |d| < delta\n      delta·(|d| − delta/2) otherwise,   d = x_i − y_i',
    domain: 'input and target: floating tensors of the same shape; delta > 0.',
    output: "'none': input's shape; default 'mean'.",
    pitfalls: ['HuberLoss(delta) = delta · SmoothL1Loss(beta=delta): they agree only at delta = beta = 1.', 'No size_average/reduce legacy arguments (torch raises TypeError).', BROADCAST_PITFALL],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.Huber', note: 'same formula, per-sample mean over the last axis' }, { framework: 'Optax', name: 'optax.huber_loss', note: 'no reduction' }],
  },
};

export const SMOOTH_L1: TorchSpec = {
  id: 'SmoothL1Loss', framework: 'torch', family: 'regression', functionName: 'smooth_l1_loss', args: PAIR, legacy: true,
  params: [{ name: 'beta', type: 'float', default: 1.0, doc: 'Where the quadratic part turns linear; ≥ 0 (beta = 0 is L1).', ui: { min: 0, max: 5, step: 0.05 } }],
  reductions: ['mean', 'sum', 'none'], gradFn: 'SmoothL1LossBackward0',
  compute(a, cfg, ctx) {
    const b = num(cfg, 'beta');
    if (b < 0) throw torchError(ctx.loss, 'beta', 'RuntimeError', 'smooth_l1_loss does not support negative values for beta.', { expected: 'beta ≥ 0', received: String(b), code: 'param' });
    const v = (x: number, t: number) => { const e = Math.abs(x - t); return e < b ? 0.5 * e * e / b : e - 0.5 * b; };
    // torch 1.13's kernel tests x <= -beta first: at beta = 0 a zero residual gets gradient -1 (newer torch routes beta=0 to l1_loss: 0).
    const g = (x: number, t: number) => { const e = x - t; return e <= -b ? -1 : e >= b ? 1 : e / b; };
    return elementwise(a, ctx, v, g, { warnSize: true, dt: (x, t) => g(t, x), fast: smoothL1Fast(b) });
  },
  example: { args: { input: [[0.5, -1.2, 2.5], [0.1, 0.7, -0.3]], target: [[0.0, -1.0, 1.0], [0.5, 0.5, 0.5]] } },
  kerasMatch: { name: 'Huber', note: 'equal only at beta = 1 (Keras Huber(delta) = delta · SmoothL1(beta=delta)).' },
  doc: {
    summary: 'Smooth L1: 0.5·d²/beta for |d| < beta, |d| − beta/2 beyond (the slope of the linear part is 1).',
    formula: 'ℓ_i = 0.5·d²/beta      if |d| < beta\n      |d| − 0.5·beta  otherwise,   d = x_i − y_i',
    domain: 'input and target: floating tensors of the same shape; beta ≥ 0.',
    output: "'none': input's shape; default 'mean'.",
    pitfalls: ['SmoothL1Loss(beta) is HuberLoss(delta=beta) / beta: a factor beta apart.', 'beta = 0 has the value of L1Loss, but in torch 1.13 the gradient at a zero residual is −1 (newer torch: 0).', BROADCAST_PITFALL],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.Huber', note: 'delta·SmoothL1(beta=delta)' }],
  },
};

export const TORCH_REGRESSION: TorchSpec[] = [L1, MSE, HUBER, SMOOTH_L1];
