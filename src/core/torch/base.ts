/**
 * torch's base semantics in one place: dtype inference and promotion as `torch.tensor` does it, the legacy
 * size_average/reduce rule (torch/nn/_reduction.py), reductions per element, broadcasting with torch's warning and
 * error texts, and errors that carry torch's exception type and message.
 */
import { LossInspectorError, pyRepr } from '../errors';
import { fromNested, sizeOf, broadcastShapes, broadcastIndex, type Nested, type Shape, type Tensor } from '../tensor';
import type { ParamSpec, ParamValue, Config } from '../spec';
import type { TorchDtype, TorchTensor, TorchReduction, TorchContext, TorchSpec } from './types';

/** An error as torch raises it: our message names the loss and the argument; details.torch keeps torch's exact text. */
export function torchError(loss: string, argument: string, type: string, message: string, extra: { expected?: string; received?: string; code?: string } = {}): LossInspectorError {
  return new LossInspectorError(`${loss}: argument \`${argument}\`: ${message}${extra.expected ? ` (expected ${extra.expected}${extra.received ? `, received ${extra.received}` : ''})` : ''}`, {
    loss, argument, code: extra.code ?? 'torch', expected: extra.expected, received: extra.received, torch: { type, message },
  });
}

/** torch.Size([3, 1]) as torch prints it. */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** `[2, 4]` as torch's C++ messages print sizes. */
export function cSize(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The dtype torch.tensor infers for a nested list: int64 when every number is an integer, float32 otherwise. */
export function inferDtype(x: Nested): TorchDtype {
  let allInt = true;
  const walk = (v: Nested): void => {
    if (!allInt) return;
    if (Array.isArray(v)) { for (const e of v) walk(e); return; }
    if (typeof v !== 'number' || !Number.isInteger(v)) allInt = false;
  };
  walk(x);
  return allInt ? 'int64' : 'float32';
}

/** A torch tensor from nested numbers (or an existing tensor), rounded to its dtype. */
export function toTorchTensor(x: Nested | TorchTensor, dtype: TorchDtype | undefined, loss: string, argument: string): TorchTensor {
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && (x as TorchTensor).data instanceof Float64Array) {
    const t = x as TorchTensor;
    return dtype && dtype !== t.dtype ? castTo(t, dtype) : t;
  }
  let t: Tensor;
  try {
    t = fromNested(x, argument);
  } catch (e) {
    throw new LossInspectorError(`${loss}: argument \`${argument}\`: ${(e as Error).message}`, { loss, argument, code: 'input', expected: 'a rectangular nested list of numbers', received: (e as Error).message });
  }
  const dt = dtype ?? inferDtype(x as Nested);
  return castTo({ ...t, dtype: dt }, dt);
}

/** Casts like `.to(dtype)`: float32 rounds, int64 truncates toward zero. */
export function castTo(t: Tensor & { dtype?: TorchDtype }, dtype: TorchDtype): TorchTensor {
  const src = t.data, n = src.length;
  const d = new Float64Array(n);
  // one loop per dtype: the per-element dtype test cost more than the rounding at 1e6 elements
  if (dtype === 'float32') for (let i = 0; i < n; i++) d[i] = Math.fround(src[i]);
  else if (dtype === 'int64') for (let i = 0; i < n; i++) d[i] = Math.trunc(src[i]);
  else if (dtype === 'bool') for (let i = 0; i < n; i++) d[i] = src[i] !== 0 ? 1 : 0;
  else d.set(src);
  return { data: d, shape: t.shape.slice(), dtype };
}

export function isFloat(t: TorchTensor): boolean {
  return t.dtype === 'float32' || t.dtype === 'float64';
}

/** The legacy size_average/reduce rule: either flag given overrides `reduction` entirely (with torch's warning). */
export function legacyReduction(sizeAverage: ParamValue | undefined, reduce: ParamValue | undefined): { reduction: TorchReduction; warning: string } | null {
  if ((sizeAverage === undefined || sizeAverage === null) && (reduce === undefined || reduce === null)) return null;
  const sa = sizeAverage === undefined || sizeAverage === null ? true : !!sizeAverage;
  const rd = reduce === undefined || reduce === null ? true : !!reduce;
  const r: TorchReduction = sa && rd ? 'mean' : rd ? 'sum' : 'none';
  return { reduction: r, warning: `size_average and reduce args will be deprecated, please use reduction='${r}' instead.` };
}

/** The reduction parameter every torch loss takes. */
export function reductionParam(spec: TorchSpec): ParamSpec {
  return {
    name: 'reduction', type: 'enum', default: 'mean', choices: spec.reductions,
    doc: spec.reductions.includes('batchmean')
      ? "'mean' (Σ / element count — not the KL; torch warns), 'batchmean' (Σ / input.size(0), the KL divergence), 'sum', or 'none'."
      : "'mean' (Σ / element count, or the weight-normalised mean where the loss takes class weights), 'sum', or 'none' (the per-element output).",
  };
}

export const LEGACY_PARAMS: ParamSpec[] = [
  { name: 'size_average', type: 'bool', default: null, doc: 'Deprecated. When it or `reduce` is given, it overrides `reduction`: size_average and reduce → mean, reduce only → sum, reduce=False → none.' },
  { name: 'reduce', type: 'bool', default: null, doc: 'Deprecated. When it or `size_average` is given, it overrides `reduction` (reduce=False → none).' },
];

/** A config parameter read with its type: number, boolean, tensor (nested list) or string. */
export function num(cfg: Config, name: string): number {
  return cfg[name] as number;
}

/** Warns like torch's `_Loss` when shapes differ and broadcasting will mix elements (MSELoss (N,1) vs (N,)). */
export function sizeWarning(input: Shape, target: Shape): string | null {
  if (input.length === target.length && input.every((d, i) => d === target[i])) return null;
  return `Using a target size (${torchSize(target)}) that is different to the input size (${torchSize(input)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`;
}

/** torch's broadcast of two shapes, raising its RuntimeError text (tensor a = the first) when they do not broadcast. */
export function torchBroadcast(loss: string, argument: string, a: Shape, b: Shape): Shape {
  const s = broadcastShapes(a, b);
  if (s) return s;
  const n = Math.max(a.length, b.length);
  for (let i = n - 1; i >= 0; i--) {
    const da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
    const db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw torchError(loss, argument, 'RuntimeError', `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
        { expected: `a shape that broadcasts with ${cSize(a)}`, received: cSize(b), code: 'shape' });
    }
  }
  return n ? a.slice() : [];
}

/** For each element of `out`, the flat index of `t`'s element under broadcasting (identity when shapes agree). */
export function bIndex(t: Shape, out: Shape): Int32Array | null {
  if (t.length === out.length && t.every((d, i) => d === out[i])) return null;
  return broadcastIndex(t, out);
}

/** Adds `g` (shaped like the broadcast output) into a gradient of the argument's own shape. */
export function unbroadcast(g: Float64Array, idx: Int32Array | null, size: number): Float64Array {
  if (!idx) return g;
  const out = new Float64Array(size);
  for (let k = 0; k < idx.length; k++) out[idx[k]] += g[k];
  return out;
}

/** The element count of a shape (empty shape = 1). */
export const numel = sizeOf;

/** Rounds every element to the context's dtype in place and returns the array. */
export function roundAll(a: Float64Array, ctx: TorchContext): Float64Array {
  if (ctx.dtype === 'float32') for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i]);
  return a;
}

/** Throws torch's message when a float argument was required to be an index tensor, and vice versa. */
export function requireLong(loss: string, argument: string, t: TorchTensor): void {
  if (t.dtype !== 'int64') {
    throw torchError(loss, argument, 'RuntimeError', `expected scalar type Long but found ${t.dtype === 'float64' ? 'Double' : t.dtype === 'bool' ? 'Bool' : 'Float'}`,
      { expected: 'an int64 tensor of class indices (torch.tensor([...]) of integers, or .long())', received: t.dtype, code: 'dtype' });
  }
}

/** Reads a tensor-valued config entry (weight, pos_weight) in the loss dtype, or null. */
export function configTensor(cfg: Config, name: string, loss: string, ctx: TorchContext): TorchTensor | null {
  const v = cfg[name];
  if (v === null || v === undefined) return null;
  return toTorchTensor(v as Nested, ctx.dtype, loss, name);
}

/** Python repr for messages. */
export { pyRepr };
