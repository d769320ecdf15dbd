/** Helpers every family of ports shares: the framework cores' calls, prediction transforms, call text, sameness. */
import { evaluate } from '../evaluate';
import { fromNested, toNested, type Nested, type Tensor } from '../tensor';
import type { ParamValue } from '../spec';
import { evaluateTorch, tryResolveTorch, type TorchDtype } from '../torch';
import type { Data, Out, Port, Transform } from './types';

export const ID: Transform = { apply: (x) => x, vjp: (_x, g) => g };
export const LOG: Transform = { apply: Math.log, vjp: (x, g) => g / x };
export const EXP: Transform = { apply: Math.exp, vjp: (x, g) => g * Math.exp(x) };
export const LOGIT: Transform = { apply: (x) => Math.log(x) - Math.log1p(-x), vjp: (x, g) => g / (x * (1 - x)) };
export const SIGMOID: Transform = { apply: (x) => 1 / (1 + Math.exp(-x)), vjp: (x, g) => { const s = 1 / (1 + Math.exp(-x)); return g * s * (1 - s); } };

export function mapT(t: Tensor, f: (x: number) => number): Tensor {
  return { data: t.data.map(f), shape: t.shape.slice() };
}

export function kerasOut(loss: string, config: Record<string, ParamValue>, t: Tensor, p: Tensor, semantics: 'keras3' | 'keras2' = 'keras3', sampleWeight: Tensor | null = null): Out {
  const r = evaluate({ loss, config, yTrue: t, yPred: p, semantics, sampleWeight: sampleWeight ? toNested(sampleWeight) : null });
  return { value: r.value, grad: r.grad };
}

/** An optax call as it returns (one value per example). */
export function optaxOut(loss: string, config: Record<string, ParamValue>, t: Tensor, p: Tensor): Out {
  const r = evaluate({ loss, config, yTrue: t, yPred: p });
  return { value: r.value, grad: r.grad };
}

/** An optax call followed by `.mean()`: the mean of the per-example values, its gradient divided by their count. */
export function optaxMean(loss: string, config: Record<string, ParamValue>, t: Tensor, p: Tensor): Out {
  return meanOf(optaxOut(loss, config, t, p));
}

/** `.mean()` of an unreduced result (float32, as JAX/torch print it); the gradient of the sum divided by the count. */
export function meanOf(o: Out): Out {
  const n = o.value.data.length;
  let s = 0;
  for (const v of o.value.data) s += v;
  return { value: { data: Float64Array.of(Math.fround(s / n)), shape: [] }, grad: o.grad ? mapT(o.grad, (g) => g / n) : null };
}

export function torchOut(loss: string, config: Record<string, ParamValue>, args: Record<string, Tensor>, dtypes: Record<string, TorchDtype>, gradArg = 'input'): Out {
  // a float32 tensor holds float32 values: round what the comparison computed in float64 (torch.tensor(..., dtype=float32) does)
  const targs = Object.fromEntries(Object.entries(args).map(([k, t]) => { const dt = dtypes[k] ?? 'float32'; return [k, { data: dt === 'float32' ? t.data.map(Math.fround) : t.data, shape: t.shape, dtype: dt }]; }));
  const r = evaluateTorch({ loss, config, args: targs, dtypes });
  const g = r.grads[gradArg];
  return { value: r.value, grad: g ?? { data: new Float64Array(args[gradArg].data.length), shape: args[gradArg].shape } };
}

export const torchHas = (name: string) => tryResolveTorch(name) !== null;

export function gradNorm(o: Out): number {
  let s = 0;
  for (const g of o.grad?.data ?? []) s += g * g;
  return Math.sqrt(s);
}

/** The why of a faithful port whose number still differs: the formula is the same, an element's edge case is not. */
export const SAME_FORMULA = 'The same formula; the numbers part where one framework clips, clamps or saturates an element and the other does not.';

/** A Python float literal: 2 → 2.0. */
export const pyFloat = (x: number) => (Number.isInteger(x) ? `${x}.0` : f7(x));
export const f7 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(7)).toString() : String(x));

export function pyLit(v: ParamValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyLit).join(', ')}]`;
  return String(v);
}

/** The size of the last axis (the classes / features). */
export const C = (d: Data) => d.p.shape[d.p.shape.length - 1] ?? 1;

/** y_true as class indices in a framework's call (`y_true` when indices were given, else an argmax of the one-hot rows). */
export function tIdx(d: Data, fw: 'torch' | 'jax'): string {
  return d.idxGiven ? 'y_true' : fw === 'torch' ? 'y_true.argmax(1)' : 'y_true.argmax(-1)';
}
/** y_true as one-hot rows in a framework's call. */
export function tDist(d: Data, fw: 'torch' | 'jax' | 'keras'): string {
  if (!d.idxGiven) return 'y_true';
  const c = d.p.shape[d.p.shape.length - 1];
  return fw === 'torch' ? `F.one_hot(y_true, ${c}).float()` : fw === 'jax' ? `jax.nn.one_hot(y_true, ${c})` : `keras.ops.one_hot(y_true, ${c})`;
}

/** The not-reducing optax row (CROSS_FRAMEWORK.md #15): the per-example vector of the faithful optax call. */
export function perExampleOptax(loss: string, cfg: Record<string, ParamValue>, call: string, pre: Transform = ID, labels: 'dist' | 'idx' | 't' = 't'): Port {
  return {
    framework: 'optax', role: 'common', call, pre,
    run: (d, pIn) => optaxOut(loss, cfg, labels === 'dist' ? d.dist! : labels === 'idx' ? d.idx! : d.t, pIn),
    why: () => 'optax does not reduce: one value per example; `.mean()` gives the batch value.',
  };
}

/**
 * A row for a framework without the loss built in: the expression to write, `f(p, t)` per element computed op by op
 * in float32 (each op rounded, as torch and JAX compute float32 arrays) with its derivative in p, then `.mean()`.
 */
export function formulaMean(d: Data, pIn: Tensor, f: (p: number, t: number) => [number, number]): Out {
  const n = pIn.data.length;
  const g = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const [v, dv] = f(pIn.data[i], d.t.data[i]);
    s += v;
    g[i] = dv / n;
  }
  return { value: { data: Float64Array.of(Math.fround(s / n)), shape: [] }, grad: { data: g, shape: pIn.shape.slice() } };
}
export const r32 = Math.fround;

/** Close enough to be the same number (float32 results of different kernels differ in the last digits). */
export function sameValue(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i], y = b.data[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    if (!(Math.abs(x - y) <= 1e-5 * Math.max(Math.abs(x), Math.abs(y)) + 1e-7)) return false;
  }
  return true;
}

export const nested = (t: Tensor): Nested => (t.shape.length === 0 ? t.data[0] : toNested(t));

export function tensorOf(x: Nested | Tensor, what: string): Tensor {
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array) return x as Tensor;
  return fromNested(x as Nested, what);
}

/** Class indices of exactly one-hot rows (last axis), else null. */
export function oneHotIndices(t: Tensor): Tensor | null {
  const c = t.shape[t.shape.length - 1];
  if (t.shape.length < 1 || !c) return null;
  const rows = t.data.length / c;
  const idx = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let k = -1;
    for (let j = 0; j < c; j++) {
      const v = t.data[r * c + j];
      if (v === 1 && k < 0) k = j;
      else if (v !== 0) return null;
    }
    if (k < 0) return null;
    idx[r] = k;
  }
  return { data: idx, shape: t.shape.slice(0, -1) };
}

export function oneHot(idx: Tensor, c: number): Tensor {
  const out = new Float64Array(idx.data.length * c);
  idx.data.forEach((k, r) => { if (k >= 0 && k < c) out[r * c + k] = 1; });
  return { data: out, shape: [...idx.shape, c] };
}

/** Mean over the last axis of an elementwise result (Keras's per-sample value), in float32; the gradient divided by C. */
export function meanLast(o: Out): Out {
  const c = o.value.shape[o.value.shape.length - 1] ?? 1, rows = o.value.data.length / c;
  const v = new Float64Array(rows);
  for (let r = 0; r < rows; r++) { let s = 0; for (let j = 0; j < c; j++) s += o.value.data[r * c + j]; v[r] = Math.fround(s / c); }
  return { value: { data: v, shape: o.value.shape.slice(0, -1) }, grad: o.grad ? mapT(o.grad, (x) => x / c) : null };
}
