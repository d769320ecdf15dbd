/** Helpers shared by the torch kernels: elementwise losses over broadcast input/target, and small math. */
import type { TorchArgs, TorchContext, TorchKernelOut } from '../types';
import { torchBroadcast, bIndex, unbroadcast, sizeWarning, numel, torchError, cSize } from '../base';
import { exp as fexp } from '../../fastmath';
import { uninitF64 } from '../../tensor';

/** Per-element value and its partial derivatives (dx: w.r.t. input, dt: w.r.t. target). */
export type Elem = (x: number, t: number) => number;

export interface ElementwiseOpts {
  /** torch's "Using a target size ..." UserWarning before broadcasting (l1/mse/huber/smooth_l1). */
  warnSize?: boolean;
  /** The broadcast result must keep the input's shape (SoftMarginLoss writes into an input-shaped output). */
  outputLikeInput?: boolean;
  /** d value / d target; absent when torch does not differentiate the target. */
  dt?: Elem;
  /**
   * The same loss as fused loops over same-shaped input and target (no broadcasting): no call per element through
   * `f`/`dx`/`dt`, which V8 cannot inline at this shared call site. Must compute exactly what f/dx/dt compute.
   */
  fast?: ElementwiseFast;
}

/**
 * Fused loops of one elementwise loss; `gt` is given when the target is differentiated (opts.dt). Every value written
 * is rounded to float32 when `f32` (what evaluateTorch would do in another pass over the array).
 */
export interface ElementwiseFast {
  /** none[k] = f(x[k], t[k]). */
  value(x: Float64Array, t: Float64Array, none: Float64Array, f32: boolean): void;
  /** gx[k] = uk·dx(x[k], t[k]) and gt[k] = uk·dt(x[k], t[k]), uk = up ? up[k] : u. */
  grad(x: Float64Array, t: Float64Array, up: Float64Array | null, u: number, gx: Float64Array, gt: Float64Array | null, f32: boolean): void;
}

/**
 * An elementwise loss of (input, target) under torch broadcasting: the 'none' output has the broadcast shape and
 * 'mean' divides by its element count. Values are computed in float64 from the dtype-rounded inputs and rounded by
 * the caller; kernels that need float32 intermediates (overflow) round inside `f`.
 */
export function elementwise(a: TorchArgs, ctx: TorchContext, f: Elem, dx: Elem, opts: ElementwiseOpts = {}): TorchKernelOut {
  const x = a.input, t = a.target;
  if (opts.warnSize) {
    const w = sizeWarning(x.shape, t.shape);
    if (w) ctx.trace.warnings.push({ code: 'size-mismatch', message: w });
  }
  const shape = torchBroadcast(ctx.loss, 'target', x.shape, t.shape);
  if (opts.outputLikeInput && (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i]))) {
    throw torchError(ctx.loss, 'target', 'RuntimeError', `output with shape ${cSize(x.shape)} doesn't match the broadcast shape ${cSize(shape)}`,
      { expected: `a target that broadcasts to the input's shape ${cSize(x.shape)}`, received: cSize(t.shape), code: 'shape' });
  }
  const n = numel(shape);
  const ix = bIndex(x.shape, shape), it = bIndex(t.shape, shape);
  const fast = opts.fast;
  if (fast && !ix && !it) {
    const f32 = ctx.dtype === 'float32';
    // the fused loops write every element: no zeroed (freshly mapped) 8 MB arrays
    const none = uninitF64(n);
    fast.value(x.data, t.data, none, f32);
    const grad = (up: Float64Array | null, u: number): Record<string, Float64Array> => {
      const gx = uninitF64(n), gt = opts.dt ? uninitF64(n) : null;
      fast.grad(x.data, t.data, up, u, gx, gt, f32);
      return gt ? { input: gx, target: gt } : { input: gx };
    };
    return { none: { data: none, shape }, mean: { divisor: n, text: 'elements' }, fresh: true, rounded: true, backward: (up) => grad(up, 0), backwardUniform: (u) => grad(null, u) };
  }
  const none = new Float64Array(n);
  for (let k = 0; k < n; k++) none[k] = f(x.data[ix ? ix[k] : k], t.data[it ? it[k] : k]);
  return {
    none: { data: none, shape },
    mean: { divisor: n, text: 'elements' },
    fresh: true,
    backward(up) {
      const gx = new Float64Array(n), gt = opts.dt ? new Float64Array(n) : null;
      for (let k = 0; k < n; k++) {
        const xv = x.data[ix ? ix[k] : k], tv = t.data[it ? it[k] : k];
        gx[k] = up[k] * dx(xv, tv);
        if (gt) gt[k] = up[k] * opts.dt!(xv, tv);
      }
      const out: Record<string, Float64Array> = { input: unbroadcast(gx, ix, x.data.length) };
      if (gt) out.target = unbroadcast(gt, it, t.data.length);
      return out;
    },
  };
}

/** sign as torch's kernels compute it, (0 < v) − (v < 0): sign(0) = 0 and sign(NaN) = 0. */
export function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/**
 * log(1 + exp(v)) without overflow (the softplus inside the stable logits losses); exp from fastmath (within 1 ulp, as
 * torch's own vectorised one; half the cost of Math.exp). log1p stays Math.log1p: fastmath's is not inlined into the
 * loss loops, and a call that returns a double allocates it (it was 3x slower there, with the GC).
 */
export function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(fexp(-v)) : Math.log1p(fexp(v));
}

export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + fexp(-v));
  const e = fexp(v);
  return e / (1 + e);
}

/**
 * softplus and sigmoid with Math.exp/Math.log1p, for float64 requests: there the last bit shows in `.item()` (the fast
 * ones cost 6 of the float64 fixture values their exact repr); float32 rounding hides it.
 */
export function softplus64(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

export function sigmoid64(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/**
 * log-softmax of `n` values read at data[base + c·stride], with torch's CPU steps rounded to the loss dtype (`r`):
 * x − max − log Σ exp(x − max).
 */
export function logSoftmaxAt(data: Float64Array, base: number, stride: number, n: number, out: Float64Array, r: (x: number) => number = (x) => x): void {
  let m = -Infinity;
  for (let c = 0; c < n; c++) { const v = data[base + c * stride]; if (v > m) m = v; }
  if (m === -Infinity || Number.isNaN(m)) m = 0;
  let s = 0;
  for (let c = 0; c < n; c++) s = r(s + r(Math.exp(r(data[base + c * stride] - m))));
  const ls = r(Math.log(s));
  // x − max − log Σ, in that order (torch keeps it to avoid cancellation between a large max and a small log-sum)
  for (let c = 0; c < n; c++) out[c] = r(r(data[base + c * stride] - m) - ls);
}
