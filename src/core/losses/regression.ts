/** Regression losses: MSE, MAE, MAPE, MSLE, Huber, LogCosh (Keras 3) and tfa PinballLoss. */
import type { LossSpec, ParamSpec } from '../spec';
import { LossInspectorError, pyRepr } from '../errors';
import { shapeStr } from '../tensor';
import { lastAxis, ClipRecorder, warnOnce, upstreamOf, gradArray } from './common';
import { exp as fexp, log as flog, log1p as flog1p } from '../fastmath';

// Speed: the inner loops below avoid data-dependent branches (a mispredicted branch per element costs more than
// the arithmetic): sign(e) is (e > 0) − (e < 0), and a two-way choice is a 0/1 mask times each side (exact, as
// 0·x + 1·y = y for finite x). A row whose sum is not finite (NaN or ±Inf input) is recomputed with the plain
// branches, which keep TF's results for those cases.

// Hot loops live in their own small functions taking only typed arrays and numbers: V8 then optimises them once
// and keeps the code. Inside compute() the loop was on-stack-replaced on every call and the replacement code bailed
// out at the first cold statement after the loop (half the time ran unoptimised). `up` null: the upstream is `uni`
// everywhere. `r32`: the inputs are raw and each element is rounded to float32 on load (ctx.rawInputs).

function mseLoop(td: Float64Array, pd: Float64Array, values: Float64Array, grad: Float64Array, up: Float64Array | null, uni: number, B: number, D: number, r32: boolean): void {
  const inv = 1 / D;
  for (let b = 0, i = 0; b < B; b++) {
    let s = 0;
    const g = 2 * (up === null ? uni : up[b]) * inv;
    for (let j = 0; j < D; j++, i++) {
      let pv = pd[i], tv = td[i];
      if (r32) { pv = Math.fround(pv); tv = Math.fround(tv); }
      const e = pv - tv;
      s += e * e;
      grad[i] = g * e;
    }
    values[b] = s * inv;
  }
}

function maeLoop(td: Float64Array, pd: Float64Array, values: Float64Array, grad: Float64Array, up: Float64Array | null, uni: number, B: number, D: number, r32: boolean): void {
  const inv = 1 / D;
  for (let b = 0, i = 0; b < B; b++) {
    let s = 0;
    const g = (up === null ? uni : up[b]) * inv;
    const i0 = i;
    for (let j = 0; j < D; j++, i++) {
      let pv = pd[i], tv = td[i];
      if (r32) { pv = Math.fround(pv); tv = Math.fround(tv); }
      const e = pv - tv;
      const sg = +(e > 0) - +(e < 0);
      s += sg * e; // |e| for finite e; a non-finite row is redone below
      grad[i] = g * sg;
    }
    if (!Number.isFinite(s)) {
      s = 0;
      for (let k = i0; k < i; k++) {
        const e = r32 ? Math.fround(pd[k]) - Math.fround(td[k]) : pd[k] - td[k];
        s += Math.abs(e); grad[k] = g * Math.sign(e);
      }
    }
    values[b] = s * inv;
  }
}

/** Returns how many elements took the linear branch. */
function huberLoop(td: Float64Array, pd: Float64Array, values: Float64Array, grad: Float64Array, up: Float64Array | null, uni: number, B: number, D: number, r32: boolean, delta: number): number {
  const halfDelta2 = 0.5 * delta * delta;
  const twoDelta = 2 * delta;
  const inv = 1 / D;
  let linear = 0;
  for (let b = 0, i = 0; b < B; b++) {
    let s = 0;
    const g = (up === null ? uni : up[b]) * inv;
    const i0 = i;
    for (let j = 0; j < D; j++, i++) {
      let pv = pd[i], tv = td[i];
      if (r32) { pv = Math.fround(pv); tv = Math.fround(tv); }
      const e = pv - tv;
      const sg = +(e > 0) - +(e < 0);
      const a = sg * e; // |e| (a non-finite row is redone below)
      const lin = +(a > delta); // 1: linear branch; the tie |e| = δ stays quadratic
      linear += lin;
      s += lin * (delta * a - halfDelta2) + (1 - lin) * (0.5 * a * a);
      // e or δ·sign(e). (0.5·lin)·2δ is lin·δ exactly, but never an integer × integer product: for an integral δ
      // (the default 1) V8 would speculate small-integer arithmetic, whose −0 check branches on lin (3–4× slower).
      grad[i] = g * sg * ((0.5 * lin) * twoDelta + (1 - lin) * a);
    }
    if (!Number.isFinite(s)) {
      s = 0;
      for (let k = i0; k < i; k++) {
        const e = r32 ? Math.fround(pd[k]) - Math.fround(td[k]) : pd[k] - td[k], a = Math.abs(e);
        if (a <= delta) { s += 0.5 * e * e; grad[k] = g * e; } else { s += delta * a - halfDelta2; grad[k] = g * delta * Math.sign(e); }
      }
    }
    values[b] = s * inv;
  }
  return linear;
}

/** Per-block scratch of logCoshLoop (x and e^−2x of up to 64 elements of a row). */
const LC_X = new Float64Array(64), LC_E = new Float64Array(64);

/**
 * Returns how many elements have |x| < 0.01 (float32 rounding note). Each row runs in blocks of ≤ 64 elements, in
 * two passes over an L1-resident scratch: e = exp(−2x) first, then the softplus log, value and gradient. The
 * one-pass form chained exp → log → divisions per element, too long for the CPU to overlap elements (19 vs 14 ms at
 * 1e6); the inputs are still read once.
 */
function logCoshLoop(td: Float64Array, pd: Float64Array, values: Float64Array, grad: Float64Array, up: Float64Array | null, uni: number, B: number, D: number, r32: boolean, f32: boolean): number {
  const inv = 1 / D;
  const th = f32 ? Math.fround(Math.fround(Math.log(2 ** -23)) + 2) : Math.log(2 ** -52) + 2; // TF softplus thresholds
  const log2 = f32 ? Math.fround(Math.LN2) : Math.LN2;
  const X = LC_X, E = LC_E;
  let small = 0;
  for (let b = 0, i = 0; b < B; b++) {
    let s = 0;
    const g = (up === null ? uni : up[b]) * inv;
    for (let j0 = 0; j0 < D; j0 += 64) {
      const len = D - j0 < 64 ? D - j0 : 64;
      for (let j = 0, k = i; j < len; j++, k++) {
        let x = r32 ? Math.fround(pd[k]) - Math.fround(td[k]) : pd[k] - td[k];
        if (f32) x = Math.fround(x);
        let e = fexp(-2 * x);
        if (f32) e = Math.fround(e);
        X[j] = x; E[j] = e;
      }
      for (let j = 0; j < len; j++, i++) {
        const x = X[j], e = E[j];
        const m = -2 * x;
        let sp: number;
        if (m > -th) sp = m;
        else if (m < th) sp = e;
        // in float32 the rounding of 1 + e (1e-16) is far below float32 resolution, so a plain log suffices there
        else sp = f32 ? Math.fround(flog(1 + e)) : flog1p(e);
        let v = x + sp;
        if (f32) v = Math.fround(v);
        v -= log2;
        if (f32) v = Math.fround(v);
        let sig = e < Infinity ? e / (1 + e) : e > 0 ? 1 : NaN; // sigmoid(m); NaN stays NaN
        if (f32) sig = Math.fround(sig);
        s += v;
        grad[i] = g * (1 - 2 * sig);
        small += +(Math.abs(x) < 1e-2);
      }
    }
    values[b] = s * inv;
  }
  return small;
}

/** mean_{-1}((t−p)²); dL/dp = 2(p−t)/D · upstream. */
const MeanSquaredError: LossSpec = {
  id: 'MeanSquaredError', framework: 'keras', family: 'regression', base: 'keras3',
  functionName: 'mean_squared_error', defaultName: 'mean_squared_error', aliases: ['mse', 'MSE'],
  foreignNames: ['torch.nn.MSELoss', 'nn.MSELoss', 'MSELoss', 'F.mse_loss', 'torch.nn.functional.mse_loss', 'optax.squared_error', 'optax.l2_loss',
    'tf.losses.meanSquaredError', 'meanSquaredError'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'error', range: [-3, 3] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[4, 8, 12], [8, 1, 3]] },
  roundsInputs: true,
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const { uni, arr: up } = upstreamOf(ctx, vShape);
    const td = t.data, pd = p.data;
    const r32 = ctx.rawInputs === true;
    const values = new Float64Array(B);
    const grad = gradArray(ctx, pd.length, true);
    mseLoop(td, pd, values, grad, up, uni, B, D, r32);
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Mean of squared errors over the last axis: penalises large errors quadratically.',
    formula: 'loss = mean((y_true − y_pred)², axis=−1)',
    domain: 'Any real numbers; y_true and y_pred broadcast after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction sum_over_batch_size (mean over those values).',
    pitfalls: [
      'Shapes (N,) against (N,1) are squeezed, but (N,) against (1,N)… broadcast to an (N,N) outer product: check the shapes.',
      'Sensitive to outliers: one error of 10 weighs as much as 100 errors of 1. Consider Huber or LogCosh.',
      'With a rank-1 input the per-sample value is a scalar, so sample_weight of shape (N,) multiplies that scalar into N values before the mean.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.MSELoss()', note: "reduction='mean' averages all elements, same as Keras's default" },
      { framework: 'Optax', name: 'optax.squared_error', note: 'elementwise (y_pred − y_true)², no mean' },
      { framework: 'Optax', name: 'optax.l2_loss', note: 'elementwise 0.5 · (y_pred − y_true)²: the factor is 0.5, so it is half of optax.squared_error and the mean of l2_loss over the last axis is 0.5 × Keras MSE; no mean' },
      { framework: 'TF.js', name: 'tf.losses.meanSquaredError' },
    ],
  },
};

/**
 * mean_{-1}|t−p|. The gradient of |x| is TF's sign(x): 0 where y_pred equals y_true exactly, so a perfect
 * prediction has a zero gradient (not a subgradient of ±1).
 */
const MeanAbsoluteError: LossSpec = {
  id: 'MeanAbsoluteError', framework: 'keras', family: 'regression', base: 'keras3',
  functionName: 'mean_absolute_error', defaultName: 'mean_absolute_error', aliases: ['mae', 'MAE'],
  foreignNames: ['torch.nn.L1Loss', 'nn.L1Loss', 'L1Loss', 'F.l1_loss', 'torch.nn.functional.l1_loss',
    'tf.losses.absoluteDifference', 'absoluteDifference', 'meanAbsoluteError'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'error', range: [-3, 3] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[4, 8, 12], [8, 1, 3]], sampleWeight: [[1.2], [3.4]] },
  roundsInputs: true,
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const { uni, arr: up } = upstreamOf(ctx, vShape);
    const td = t.data, pd = p.data;
    const r32 = ctx.rawInputs === true;
    const values = new Float64Array(B);
    const grad = gradArray(ctx, pd.length, true);
    maeLoop(td, pd, values, grad, up, uni, B, D, r32);
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Mean of absolute errors over the last axis: every unit of error costs the same, so outliers weigh linearly.',
    formula: 'loss = mean(|y_true − y_pred|, axis=−1)\ngradient w.r.t. y_pred = sign(y_pred − y_true) / D, and 0 where they are equal (TF sign(0) = 0)',
    domain: 'Any real numbers; y_true and y_pred broadcast after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction sum_over_batch_size (mean over those values).',
    pitfalls: [
      'The gradient has the same size (1/D) for every wrong element, however small the error: training does not slow down near the optimum, so a decaying learning rate helps.',
      'At an exact match the gradient is 0, not ±1: TF differentiates |x| as sign(x).',
      'Rank-1 inputs give ONE scalar (the mean over the last and only axis), not one value per element; a (N,) sample_weight then multiplies that scalar.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.L1Loss()', note: "reduction='mean' averages all elements, same as Keras's default" },
      { framework: 'Optax', name: 'jnp.abs(predictions − targets)', note: 'no dedicated loss; elementwise, no mean' },
      { framework: 'TF.js', name: 'tf.losses.absoluteDifference', note: 'default reduction SUM_BY_NONZERO_WEIGHTS' },
    ],
  },
};

/** 100·mean_{-1}|(t−p)/max(|t|, ε)|; dL/dp = 100·sign(p−t)/(max(|t|, ε)·D). */
const MeanAbsolutePercentageError: LossSpec = {
  id: 'MeanAbsolutePercentageError', framework: 'keras', family: 'regression', base: 'keras3',
  functionName: 'mean_absolute_percentage_error', defaultName: 'mean_absolute_percentage_error', aliases: ['mape', 'MAPE'],
  foreignNames: ['meanAbsolutePercentageError', 'sklearn.metrics.mean_absolute_percentage_error', 'torchmetrics.MeanAbsolutePercentageError'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'raw', range: [0, 20] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[4, 8, 12], [8, 1, 3]], sampleWeight: [[1.2], [3.4]] },
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data;
    const eps = ctx.epsilon;
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    const scale = 100 / D;
    let zeros = 0;
    for (let b = 0, i = 0; b < B; b++) {
      let s = 0;
      const g = up[b] * scale;
      const i0 = i;
      for (let j = 0; j < D; j++, i++) {
        const at = Math.abs(td[i]);
        let m = at;
        if (!(at >= eps)) { m = Math.max(at, eps); if (at < eps) zeros++; }
        const e = pd[i] - td[i];
        s += Math.abs(e) / m;
        grad[i] = g * (+(e > 0) - +(e < 0)) / m;
      }
      if (!Number.isFinite(s)) {
        s = 0;
        for (let k = i0; k < i; k++) { const m = Math.max(Math.abs(td[k]), eps), e = pd[k] - td[k]; s += Math.abs(e) / m; grad[k] = g * Math.sign(e) / m; }
      }
      values[b] = s * scale;
    }
    if (zeros > 0) {
      warnOnce(ctx.trace, 'mape-zero-target', `${zeros} element(s) of y_true are 0 (|y_true| < ε = 1e-7): MAPE divides their error by ε instead, so each contributes about 1e9·|y_pred| percent and dominates the mean. MAPE is meant for targets far from 0; consider MAE or MSLE.`);
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Mean absolute error relative to the target, in percent: an error of 10 on a target of 100 costs 10.',
    formula: 'loss = 100 · mean(|(y_true − y_pred) / max(|y_true|, ε)|, axis=−1), ε = 1e-7\ngradient w.r.t. y_pred = 100 · sign(y_pred − y_true) / (max(|y_true|, ε) · D)',
    domain: 'Real targets away from 0; y_true and y_pred broadcast after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample, in percent (not a fraction); default reduction sum_over_batch_size.',
    pitfalls: [
      'A target of exactly 0 is divided by ε = 1e-7 instead of raising: the loss becomes huge but finite (1e9 percent per unit of error) and swamps every other element.',
      'Asymmetric: over-predicting a small target costs far more than under-predicting a large one, so MAPE-trained models are biased towards predicting low.',
      'The result is a percentage (10.0 means 10 %); scikit-learn\'s mean_absolute_percentage_error returns the fraction 0.1.',
    ],
    equivalents: [
      { framework: 'scikit-learn', name: 'sklearn.metrics.mean_absolute_percentage_error', note: 'returns a fraction (no ×100); divides by max(|y_true|, machine epsilon)' },
      { framework: 'TorchMetrics', name: 'torchmetrics.MeanAbsolutePercentageError', note: 'a fraction, not percent' },
      { framework: 'PyTorch / Optax', name: '—', note: 'no built-in loss' },
    ],
  },
};

/** mean_{-1}(log(max(p,ε)+1) − log(max(t,ε)+1))², the + 1 rounded in the loss dtype as Keras does. The clamp cuts the gradient for p < ε. */
const MeanSquaredLogarithmicError: LossSpec = {
  id: 'MeanSquaredLogarithmicError', framework: 'keras', family: 'regression', base: 'keras3',
  functionName: 'mean_squared_logarithmic_error', defaultName: 'mean_squared_logarithmic_error', aliases: ['msle', 'MSLE'],
  foreignNames: ['meanSquaredLogarithmicError', 'sklearn.metrics.mean_squared_log_error', 'torchmetrics.MeanSquaredLogError'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'raw', range: [0, 20] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[4, 8, 12], [8, 1, 3]], sampleWeight: [[1.2], [3.4]] },
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data;
    const eps = ctx.epsilon;
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    const inv = 1 / D;
    const clip = new ClipRecorder(eps, Infinity);
    const f32 = ctx.round(0.1) !== 0.1;
    let negTrue = 0;
    for (let b = 0, i = 0; b < B; b++) {
      let s = 0;
      const g = 2 * up[b] * inv;
      for (let j = 0; j < D; j++, i++) {
        const pv = pd[i], tv = td[i];
        const pc = pv >= eps ? pv : Math.max(pv, eps);
        const tc = tv >= eps ? tv : Math.max(tv, eps);
        // Keras computes log(x + 1), not log1p(x): in float32 the + 1 rounds, which matters for small x (ε gives
        // log(1 + 1.19e-7), not 1e-7), so the sum is rounded in the loss dtype before the log.
        let zp = pc + 1, zt = tc + 1, d: number;
        if (f32) {
          // float32 like TF: the logs and their difference are rounded too (the difference cancels, so it shows)
          zp = Math.fround(zp); zt = Math.fround(zt);
          d = Math.fround(Math.fround(Math.log(zp)) - Math.fround(Math.log(zt)));
        } else d = Math.log(zp) - Math.log(zt);
        s += d * d;
        if (pv >= eps) grad[i] = g * d / zp;
        else if (pv < eps) clip.hit(i);
        else grad[i] = NaN;
        if (tv < 0) negTrue++;
      }
      values[b] = s * inv;
    }
    clip.flush(ctx.trace);
    if (clip.count > 0) {
      warnOnce(ctx.trace, 'msle-clamped-pred', `${clip.count} element(s) of y_pred are below ε = 1e-7 and are clamped to ε: they all count as 0, and their gradient is 0, so nothing pushes them back up. Use a non-negative output activation (softplus, relu, exp).`);
    }
    if (negTrue > 0) {
      warnOnce(ctx.trace, 'msle-negative-target', `${negTrue} element(s) of y_true are negative and are clamped to ε: MSLE treats −5 and 0 as the same target. MSLE is for non-negative targets.`);
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Mean squared difference of log(1 + x): relative errors on non-negative targets, so 10 vs 20 costs like 100 vs 200 (roughly).',
    formula: 'loss = mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))², axis=−1), ε = 1e-7\n(x + 1, both logs and their difference are rounded to the loss dtype as in TF; it is log(x + 1), not log1p)\ngradient w.r.t. y_pred = 2·(log-difference)/((1 + y_pred)·D) for y_pred ≥ ε (the tie included), 0 below (the clamp)',
    domain: 'Non-negative targets and predictions; anything below ε is clamped to ε (never NaN). Broadcasting after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction sum_over_batch_size.',
    pitfalls: [
      'Negative values are silently clamped to ε = 1e-7 in y_true AND y_pred: negative targets all become 0, and a negative prediction gets no gradient at all.',
      'Under-prediction costs more than over-prediction of the same size (log is concave): predicting 5 for 10 costs more than predicting 15.',
      'scikit-learn\'s mean_squared_log_error validates its inputs and raises ValueError where Keras silently clamps.',
    ],
    equivalents: [
      { framework: 'scikit-learn', name: 'sklearn.metrics.mean_squared_log_error', note: 'raises ValueError on invalid (negative) values instead of clamping' },
      { framework: 'PyTorch', name: 'F.mse_loss(torch.log1p(y_pred), torch.log1p(y_true))', note: 'no built-in; no clamp, so negatives below −1 give NaN' },
      { framework: 'TF.js', name: "model.compile({loss: 'meanSquaredLogarithmicError'})", note: 'tfjs-layers, same clamp at ε' },
    ],
  },
};

const DELTA: ParamSpec = {
  name: 'delta', type: 'float', default: 1.0, min: 0, exclusiveMin: true, position: 0,
  doc: 'Error size where the loss turns from quadratic (½e²) to linear (δ|e| − ½δ²), in the units of the target. Must be > 0 (Keras raises on δ ≤ 0 since PR #23573, September 2026; earlier versions accepted it silently).',
  ui: { min: 0.05, max: 5, step: 0.05 },
};

/** Huber: ½e² for |e| ≤ δ (ties included), δ|e| − ½δ² beyond; gradient e or δ·sign(e). */
const Huber: LossSpec = {
  id: 'Huber', framework: 'keras', family: 'regression', base: 'keras3',
  functionName: 'huber', defaultName: 'huber_loss', aliases: [],
  // 'huber_loss' is only a Keras 2 compile string (Keras 3 raises on it): listed for hover documentation only.
  foreignNames: ['torch.nn.HuberLoss', 'nn.HuberLoss', 'HuberLoss', 'F.huber_loss', 'torch.nn.functional.huber_loss',
    'torch.nn.SmoothL1Loss', 'nn.SmoothL1Loss', 'SmoothL1Loss', 'F.smooth_l1_loss', 'torch.nn.functional.smooth_l1_loss',
    'optax.huber_loss', 'tf.losses.huberLoss', 'huberLoss', 'huber_loss'],
  params: [DELTA], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'error', range: [-3, 3] },
  example: {
    yTrue: [[0.9, 0.2, 2.5], [0.8, -1.4, 0.6]], yPred: [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
    sampleWeight: [[1.2], [3.4]],
  },
  roundsInputs: true,
  compute(t, p, cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const { uni, arr: up } = upstreamOf(ctx, vShape);
    const td = t.data, pd = p.data;
    const r32 = ctx.rawInputs === true;
    const delta = ctx.round(cfg.delta as number);
    const values = new Float64Array(B);
    const grad = gradArray(ctx, pd.length, true);
    const linear = huberLoop(td, pd, values, grad, up, uni, B, D, r32, delta);
    ctx.trace.notes.push(`${linear} of ${pd.length} element(s) have |error| > delta = ${cfg.delta} and use the linear branch.`);
    if (linear === pd.length && pd.length > 1) {
      warnOnce(ctx.trace, 'huber-all-linear', `Every |error| exceeds delta = ${cfg.delta}: here Huber is just delta·|error| − ½delta² (a scaled MAE) and the quadratic part never acts. delta is in the units of the target; raise it to the error size you consider normal.`);
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Quadratic for small errors, linear for large ones: MSE near the target, MAE-like robustness to outliers.',
    formula: 'e = y_pred − y_true\nℓ(e) = ½e² if |e| ≤ δ (the tie |e| = δ is quadratic), δ·|e| − ½δ² otherwise\nloss = mean(ℓ(e), axis=−1)\ngradient w.r.t. y_pred = e (quadratic) or δ·sign(e) (linear), divided by D',
    domain: 'Any real numbers; y_true and y_pred broadcast after squeeze/expand of a trailing 1. δ > 0.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction sum_over_batch_size. Default name "huber_loss".',
    pitfalls: [
      'δ is in the units of the target: with targets in the thousands the default δ = 1 makes Huber behave like MAE scaled by δ almost everywhere. Scale δ with your data.',
      'δ ≤ 0 is rejected (Keras PR #23573; older Keras accepted it): with δ = 0 every non-zero error takes the linear branch δ|e| − ½δ² = 0, so the loss is 0 with no gradient, and δ < 0 makes it negative.',
      'PyTorch SmoothL1Loss(beta) is Huber divided by beta (slope 1 in the linear part); HuberLoss(delta) matches Keras exactly.',
      '"huber_loss" is the default name, not a compile string: compile(loss="huber_loss") raises in Keras 3 (it worked in Keras 2); use "huber" or Huber().',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.HuberLoss(delta=1.0)', note: 'identical; reduction="mean" over all elements' },
      { framework: 'PyTorch', name: 'torch.nn.SmoothL1Loss(beta=1.0)', note: '= Huber / beta; equal to Huber only for beta = 1' },
      { framework: 'Optax', name: 'optax.huber_loss(predictions, targets, delta=1.0)', note: 'identical, elementwise, no mean' },
      { framework: 'TF.js', name: 'tf.losses.huberLoss(labels, predictions, weights, delta=1.0)', note: 'default reduction SUM_BY_NONZERO_WEIGHTS' },
    ],
  },
};

/**
 * Keras' log cosh: x + softplus(−2x) − log 2 with x = p − t, evaluated as TF does it (softplus(m) = m above
 * −th, e^m below th, log1p(e^m) between, th = log(machine ε) + 2). In float32 every step is rounded to float32 like
 * TF's kernels, because the cancellation against log 2 makes that rounding visible: Keras gives 0 for an error of
 * 1e-4 (exact value 5e-9) and is 4.6 % low at 1e-3. The gradient 1 − 2·sigmoid(−2x) (= tanh x) is rounded likewise.
 */
const LogCosh: LossSpec = {
  id: 'LogCosh', framework: 'keras', family: 'regression', base: 'keras3',
  functionName: 'log_cosh', defaultName: 'log_cosh', aliases: [],
  // 'logcosh' is only a Keras 2 compile string (Keras 3 raises on it); tfjs-layers also spells it so.
  foreignNames: ['optax.log_cosh', 'logcosh'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'error', range: [-3, 3] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[1.5, 8.7, 12], [8, 1, 3]], sampleWeight: [[1.2], [3.4]] },
  roundsInputs: true,
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const { uni, arr: up } = upstreamOf(ctx, vShape);
    const td = t.data, pd = p.data;
    const r32 = ctx.rawInputs === true;
    const values = new Float64Array(B);
    const grad = gradArray(ctx, pd.length, true);
    const f32 = ctx.round(0.1) !== 0.1;
    const small = logCoshLoop(td, pd, values, grad, up, uni, B, D, r32, f32);
    if (f32 && small > 0) {
      ctx.trace.notes.push(`${small} element(s) have |y_pred − y_true| < 0.01: Keras evaluates log cosh in float32 as x + softplus(−2x) − log 2, which loses most of such small values to rounding (an error of 1e-4 gives 0 instead of 5e-9); these numbers reproduce Keras. Pass dtype="float64" for accurate values.`);
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Mean of log(cosh(error)): about ½e² for small errors and |e| − log 2 for large ones, smooth everywhere.',
    formula: 'x = y_pred − y_true\nloss = mean(log(cosh(x)), axis=−1), evaluated as x + softplus(−2x) − log 2 (no overflow; each step rounded to the loss dtype like TF)\ngradient w.r.t. y_pred = (1 − 2·sigmoid(−2x)) / D = tanh(x) / D',
    domain: 'Any real numbers; y_true and y_pred broadcast after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction sum_over_batch_size. Default name "log_cosh".',
    pitfalls: [
      'The transition scale is fixed at |error| ≈ 1 (there is no δ): with targets in the thousands it behaves like MAE − log 2 everywhere. Rescale the targets or use Huber(delta).',
      'The gradient saturates at ±1/D for large errors, like MAE: outliers no longer dominate, but large errors are also corrected slowly.',
      '"logcosh" was a Keras 2 compile string; Keras 3 raises on it. Use "log_cosh" or LogCosh().',
      'Small errors are lost to float32 rounding: Keras computes x + softplus(−2x) − log 2 ≈ log 2 − log 2, so an error of 1e-4 gives exactly 0 (true value 5e-9) and 1e-3 is 4.6 % low. Loss Inspector reproduces this in float32; use dtype="float64" for accurate values.',
    ],
    equivalents: [
      { framework: 'Optax', name: 'optax.log_cosh(predictions, targets)', note: 'identical, elementwise, no mean' },
      { framework: 'TF.js', name: "model.compile({loss: 'logcosh'})", note: 'tfjs-layers, same formula' },
      { framework: 'PyTorch', name: '—', note: 'no built-in; torch.log(torch.cosh(x)) overflows for |x| > 89 in float32' },
    ],
  },
};

const TAU: ParamSpec = {
  name: 'tau', type: 'floatOrList', default: 0.5, min: 0, max: 1, position: 0,
  doc: 'Quantile level(s) in [0, 1]: the slope for under-prediction (y_true > y_pred) is tau, for over-prediction 1 − tau. 0.5 is half the MAE (the median). A list gives one tau per position of the last axis.',
  ui: { min: 0, max: 1, step: 0.01 },
};

/**
 * tfa pinball_loss: d = t − p; mean_{-1} max(τd, (τ−1)d), τ expanded to shape (1, …) so a list of taus runs along
 * the last axis. TF maximum gives a tie (d = 0) to its first argument, so the gradient there is −τ, not 0.
 * tfa's LossFunctionWrapper does not squeeze y_true/y_pred: (N,) against (N,1) broadcasts to (N,N).
 */
const PinballLoss: LossSpec = {
  id: 'PinballLoss', framework: 'tfa', family: 'regression', base: 'keras2',
  functionName: 'pinball_loss', defaultName: 'pinball_loss', aliases: ['Addons>pinball_loss'],
  foreignNames: ['sklearn.metrics.mean_pinball_loss', 'mean_pinball_loss'],
  params: [TAU], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast', noSqueeze: true,
  sweep: { kind: 'error', range: [-3, 3] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[4, 8, 12], [8, 1, 3]], sampleWeight: [1.2, 3.4], config: { tau: 0.3 } },
  compute(t, p, cfg, ctx) {
    const tauCfg = cfg.tau as number | number[];
    const taus = Array.isArray(tauCfg) ? tauCfg.map(ctx.round) : [ctx.round(tauCfg)];
    const isList = Array.isArray(tauCfg);
    const L = taus.length;
    // Shape of the tau tensor after tf.expand_dims(tau, 0): (1,) for a scalar, (1, L) for a list.
    const r = p.shape.length;
    const D = r === 0 ? 1 : p.shape[r - 1];
    if (isList && L !== D && L !== 1 && D !== 1) {
      throw new LossInspectorError(`${ctx.loss}: argument \`tau\`: ${L} values ${pyRepr(tauCfg)} cannot broadcast with the last axis of y_true − y_pred (shape ${shapeStr(p.shape)}): give one tau per position of the last axis (${D}) or a single number.`,
        { loss: ctx.loss, argument: 'tau', code: 'shape', expected: `a number or a list of ${D} numbers`, received: pyRepr(tauCfg) });
    }
    const W = isList ? Math.max(D, L) : D; // width of the broadcast last axis
    const B = r === 0 ? 1 : p.data.length / D;
    let vShape: number[];
    if (!isList) vShape = r === 0 ? [] : p.shape.slice(0, -1);
    else vShape = r >= 2 ? p.shape.slice(0, -1) : [1];
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data;
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    const inv = 1 / W;
    const ds = D === 1 ? 0 : 1; // step through a row of y (0: one element broadcast over the taus)
    const ts = L === 1 ? 0 : 1; // step through the taus
    for (let b = 0; b < B; b++) {
      let s = 0;
      const g = up[b] * inv;
      const base = b * D;
      for (let w = 0, i = base, k = 0; w < W; w++, i += ds, k += ts) {
        const tau = taus[k];
        const d = td[i] - pd[i];
        const hi = tau * d, lo = (tau - 1) * d;
        const first = +(hi >= lo); // TF maximum: a tie (d = 0) goes to the first argument, τ·d
        s += first * hi + (1 - first) * lo;
        grad[i] += g * (first * -tau + (1 - first) * (1 - tau));
      }
      if (!Number.isFinite(s)) {
        s = 0;
        for (let w = 0, i = base; w < W; w++, i += ds) grad[i] = 0;
        for (let w = 0, i = base, k = 0; w < W; w++, i += ds, k += ts) {
          const tau = taus[k], d = td[i] - pd[i], hi = tau * d, lo = (tau - 1) * d;
          if (hi >= lo) { s += hi; grad[i] -= g * tau; } else { s += lo; grad[i] += g * (1 - tau); }
        }
      }
      values[b] = s * inv;
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Quantile (pinball) loss: minimised by the tau-quantile of the target, e.g. tau = 0.9 for an upper estimate.',
    formula: 'd = y_true − y_pred\nloss = mean(max(τ·d, (τ − 1)·d), axis=−1)  (τ·d when under-predicting, (1 − τ)·|d| when over-predicting)\ngradient w.r.t. y_pred = −τ/D for d ≥ 0 (TF gives the tie d = 0 to the first argument), (1 − τ)/D for d < 0',
    domain: 'Any real numbers. tau is a number or a list with one value per position of the last axis (multi-quantile outputs). y_true and y_pred are NOT squeezed: they broadcast as given.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction AUTO = sum_over_batch_size (Keras 2 base class: a (B,) sample_weight weights the rows of a (B,T) loss).',
    pitfalls: [
      'tfa does not squeeze or expand y_true/y_pred: a (N,) target against a (N,1) prediction broadcasts to an (N,N) outer product and a silently wrong mean.',
      'tau = 0.5 is HALF the MAE (slopes 0.5/0.5), not the MAE.',
      'For several quantiles pass tau as a list matching the last axis of y_pred, e.g. y_pred (B, 3) with tau=[0.1, 0.5, 0.9], and y_true (B, 1) broadcast across them; a list whose length differs from that axis raises.',
      'tensorflow-addons is archived; Keras 3 has no pinball loss, so port it as a custom loss (a few lines).',
    ],
    equivalents: [
      { framework: 'scikit-learn', name: 'sklearn.metrics.mean_pinball_loss(alpha=0.5)', note: 'metric; alpha = tau' },
      { framework: 'PyTorch / Optax', name: '—', note: 'no built-in; forecasting libraries (e.g. pytorch-forecasting) ship their own QuantileLoss' },
    ],
  },
};

export const REGRESSION: LossSpec[] = [MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh, PinballLoss];
