/** Dense float64 tensors: a flat row-major Float64Array plus a shape. No object per number. */
import { LossInspectorError, argError } from './errors';

export type Shape = number[];

/** A dense row-major tensor. `shape` [] is a scalar. */
export interface Tensor {
  readonly shape: Shape;
  readonly data: Float64Array;
}

/** Nested JS arrays of numbers, as parsed from a literal or a JSON line. */
export type Nested = number | Nested[];

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Builds a tensor, checking that data and shape agree. */
export function tensor(data: Float64Array | number[], shape: Shape): Tensor {
  const d = data instanceof Float64Array ? data : Float64Array.from(data);
  if (d.length !== sizeOf(shape)) throw new RangeError(`tensor: ${d.length} values do not fill shape [${shape.join(', ')}]`);
  return { data: d, shape: shape.slice() };
}

export function scalar(x: number): Tensor {
  return { data: Float64Array.of(x), shape: [] };
}

/** Node's Buffer, when the core runs under Node (the extension host, the CLI); absent in a browser. */
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } }).Buffer;

/**
 * A Float64Array whose contents are unspecified, for a kernel that writes every element. Under Node a large one
 * comes from `Buffer.allocUnsafeSlow` (malloc, not calloc): the allocator recycles the memory of the previous
 * result instead of mapping fresh zeroed pages, which at 1e6 elements (1954 pages) cost as much as an MSE.
 * Elsewhere, or small, it is a plain zeroed array.
 */
export function uninitF64(n: number): Float64Array {
  if (n < 1024 || NodeBuffer === undefined) return new Float64Array(n);
  const b = NodeBuffer.allocUnsafeSlow(n * 8);
  return new Float64Array(b.buffer, b.byteOffset, n);
}

export function zeros(shape: Shape): Tensor {
  return { data: new Float64Array(sizeOf(shape)), shape: shape.slice() };
}

/** Same data viewed with another shape of the same size (no copy). */
export function reshape(t: Tensor, shape: Shape): Tensor {
  if (sizeOf(shape) !== t.data.length) throw new RangeError(`reshape: [${t.shape}] to [${shape}]`);
  return { data: t.data, shape: shape.slice() };
}

export function shapeStr(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}

/** NumPy broadcasting of two shapes; null when they are incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): Shape | null {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else return null;
  }
  return out;
}

/**
 * For each element of `outShape`, the flat index of the element of `from` it reads under broadcasting.
 * Returned as an Int32Array of length size(outShape) (only used on the general, non-fast paths).
 */
export function broadcastIndex(from: readonly number[], outShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape);
  const idx = new Int32Array(n);
  const r = outShape.length;
  const off = r - from.length;
  const fs = stridesOf(from);
  // effective stride per output axis (0 where broadcast)
  const eff = new Array<number>(r).fill(0);
  for (let i = 0; i < from.length; i++) eff[i + off] = from[i] === 1 ? 0 : fs[i];
  const counter = new Array<number>(r).fill(0);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = pos;
    for (let ax = r - 1; ax >= 0; ax--) {
      counter[ax]++;
      pos += eff[ax];
      if (counter[ax] < outShape[ax]) break;
      pos -= eff[ax] * outShape[ax];
      counter[ax] = 0;
    }
  }
  return idx;
}

/** Materialises `t` broadcast to `shape`. */
export function broadcastTo(t: Tensor, shape: Shape): Tensor {
  if (sameShape(t.shape, shape)) return t;
  const idx = broadcastIndex(t.shape, shape);
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = t.data[idx[k]];
  return { data: out, shape: shape.slice() };
}

/** Adjoint of broadcastTo: sums a gradient of `fromShape` down to `toShape`. */
export function sumToShape(g: Float64Array, fromShape: readonly number[], toShape: readonly number[]): Float64Array {
  if (sameShape(fromShape, toShape)) return g;
  const idx = broadcastIndex(toShape, fromShape);
  const out = new Float64Array(sizeOf(toShape));
  for (let k = 0; k < idx.length; k++) out[idx[k]] += g[k];
  return out;
}

/** Converts a tensor to nested arrays (a number for a scalar). */
export function toNested(t: Tensor): Nested {
  if (t.shape.length === 0) return t.data[0];
  let pos = 0;
  const rec = (ax: number): Nested[] => {
    const out: Nested[] = new Array(t.shape[ax]);
    if (ax === t.shape.length - 1) {
      for (let i = 0; i < t.shape[ax]; i++) out[i] = t.data[pos++];
    } else {
      for (let i = 0; i < t.shape[ax]; i++) out[i] = rec(ax + 1);
    }
    return out;
  };
  return rec(0);
}

/**
 * Deepest nesting accepted in any value a user hands the core (a tensor's rank, a config value): deeper input is
 * refused with this number named, before any walk over it (so no recursion can overflow the stack).
 */
export const MAX_NESTING = 64;

/**
 * How deeply `x` nests lists and objects (a number is 0, `[1]` is 1), walked iteratively; stops counting once past
 * `limit` (returns limit + 1), so a 1e5-deep value costs no more than a shallow one.
 */
export function nestingDepth(x: unknown, limit = MAX_NESTING): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[x, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (d + 1 > deepest) { deepest = d + 1; if (deepest > limit) return deepest; }
    for (const c of Array.isArray(v) ? v : Object.values(v)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return deepest;
}

/** The refusal of a value nested deeper than MAX_NESTING, naming the argument and the limit. */
export function tooDeep(loss: string, argument: string): LossInspectorError {
  return argError(loss, argument, `at most ${MAX_NESTING} levels of nested lists (the nesting limit)`, `a value nested deeper than ${MAX_NESTING} levels`, 'limit');
}

/** Converts nested arrays to a tensor; throws a RangeError naming the ragged row. */
export function fromNested(x: unknown, what = 'array'): Tensor {
  if (typeof x === 'number') return scalar(x);
  if (typeof x === 'boolean') return scalar(x ? 1 : 0);
  if (!Array.isArray(x)) throw new TypeError(`${what}: expected a number or a nested list of numbers, received ${x === null ? 'None' : typeof x}`);
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    // The walk below recurses once per level: refuse deep input before it starts.
    if (shape.length === MAX_NESTING) throw new LossInspectorError(`${what}: nested deeper than ${MAX_NESTING} levels (the nesting limit)`, { argument: what, code: 'limit', expected: `at most ${MAX_NESTING} levels of nested lists`, received: `more than ${MAX_NESTING}` });
    shape.push(cur.length); cur = cur[0];
  }
  const data = new Float64Array(sizeOf(shape));
  let pos = 0;
  const rec = (a: unknown, ax: number, path: number[]): void => {
    if (ax === shape.length) {
      if (typeof a === 'number') data[pos++] = a;
      else if (typeof a === 'boolean') data[pos++] = a ? 1 : 0;
      else if (a === null) throw new TypeError(`${what}[${path.join('][')}]: None is not a number`);
      else throw new RangeError(`${what}[${path.join('][')}]: expected a number at depth ${ax}, received ${Array.isArray(a) ? 'a list' : typeof a} (ragged nesting)`);
      return;
    }
    if (!Array.isArray(a)) throw new RangeError(`${what}${path.length ? '[' + path.join('][') + ']' : ''}: expected a list of length ${shape[ax]} at depth ${ax}, received ${typeof a === 'number' ? 'a number' : typeof a} (ragged nesting)`);
    if (a.length !== shape[ax]) throw new RangeError(`${what}${path.length ? '[' + path.join('][') + ']' : ''}: row has length ${a.length}, expected ${shape[ax]} like the first row (ragged)`);
    for (let i = 0; i < a.length; i++) rec(a[i], ax + 1, [...path, i]);
  };
  rec(x, 0, []);
  return { data, shape };
}

/** Float32 rounding of a whole tensor (Keras casts inputs to the loss dtype, float32 by default). */
export function castFloat32(t: Tensor): Tensor {
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.fround(t.data[i]);
  return { data: out, shape: t.shape.slice() };
}

/**
 * Reusable scratch buffers for the float32 cast of large inputs. A fresh multi-megabyte Float64Array costs as
 * much as the loss arithmetic itself (page faults on first touch), so repeated evaluations (panel sweeps,
 * benchmarks) reuse them. Only evaluate() uses these, and nothing it returns references them.
 */
const scratch: (Float64Array | null)[] = [null, null, null];
export const SCRATCH_MIN = 1 << 16;

/** Float32-rounds `t` into scratch slot `slot` (large inputs) or a fresh array (small ones). */
export function castFloat32Scratch(t: Tensor, slot: number): Tensor {
  const n = t.data.length;
  if (n < SCRATCH_MIN) return castFloat32(t);
  let buf = scratch[slot];
  if (!buf || buf.length !== n) buf = scratch[slot] = new Float64Array(n);
  const src = t.data;
  for (let i = 0; i < n; i++) buf[i] = Math.fround(src[i]);
  return { data: buf, shape: t.shape.slice() };
}

/** True when `a` is one of the scratch buffers (results must never alias them). */
export function isScratch(a: Float64Array): boolean {
  return scratch.includes(a);
}
