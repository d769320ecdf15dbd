/**
 * Shared pieces of the optax specs: the per-example reduction over `axis` (an int, a tuple or None, as
 * `jnp.sum(..., axis=, where=)` takes it), the `where` mask, JAX's gradient conventions at ties, and the
 * parameters every optax function shares. optax never reduces over the batch: each function returns one value
 * per example (or per element) and users call `.mean()` themselves.
 */
import { LossInspectorError, pyRepr } from '../errors';
import type { Config, KernelContext, LossDoc, LossSpec, ParamSpec } from '../spec';
import { shapeStr, sizeOf, stridesOf, broadcastShapes, broadcastIndex, type Tensor } from '../tensor';

/** A view of a tensor as B rows of D reduced elements: `idx[b*D + j]` is the flat index of element j of row b. */
export interface Rows {
  B: number;
  D: number;
  idx: Int32Array;
  /** Shape of the per-example output (the input's shape without the reduced axes). */
  outShape: number[];
}

/** Normalises an optax `axis` (int, list of ints, or None = all axes) against a rank; errors as JAX's canonicalize_axis. */
export function optaxAxes(loss: string, rank: number, axis: Config[string], keepOrder = false): number[] {
  if (axis === null || axis === undefined) return [...Array(rank).keys()];
  const list = (Array.isArray(axis) ? axis : [axis]) as number[];
  const out: number[] = [];
  for (const a0 of list) {
    const a = a0 < 0 ? a0 + rank : a0;
    if (!(Number.isInteger(a0) && a >= 0 && a < rank)) {
      throw new LossInspectorError(`${loss}: argument \`axis\`: axis ${a0} is out of bounds for an array of dimension ${rank}.`,
        { loss, argument: 'axis', code: 'param', expected: `an axis in [${-rank}, ${rank})`, received: pyRepr(axis) });
    }
    if (out.includes(a)) {
      throw new LossInspectorError(`${loss}: argument \`axis\`: repeated axis ${a0} in ${pyRepr(axis)}.`,
        { loss, argument: 'axis', code: 'param', expected: 'distinct axes', received: pyRepr(axis) });
    }
    out.push(a);
  }
  return keepOrder ? out : out.sort((x, y) => x - y);
}

/**
 * Groups the elements of `shape` into rows over `axes`, in the order given (the batch axes keep theirs): the
 * transpose-and-flatten optax's integer-label cross-entropy applies for a tuple of axes.
 */
export function rowsOver(shape: number[], axes: number[]): Rows {
  const strides = stridesOf(shape);
  const batchAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = batchAxes.map((i) => shape[i]);
  const B = sizeOf(outShape), D = sizeOf(axes.map((i) => shape[i]));
  const idx = new Int32Array(B * D);
  const order = [...batchAxes, ...axes];
  const dims = order.map((i) => shape[i]);
  const st = order.map((i) => strides[i]);
  const n = B * D;
  const counter = new Array<number>(order.length).fill(0);
  for (let k = 0; k < n; k++) {
    let flat = 0;
    for (let a = 0; a < order.length; a++) flat += counter[a] * st[a];
    idx[k] = flat;
    for (let a = order.length - 1; a >= 0; a--) {
      if (++counter[a] < dims[a]) break;
      counter[a] = 0;
    }
  }
  return { B, D, idx, outShape };
}

/**
 * The `where=` mask broadcast onto `shape` (1 = included). optax expands a mask of lower rank at `axis` first
 * (softmax_cross_entropy); a mask that cannot broadcast is an error naming the loss and the argument.
 */
export function whereMask(loss: string, shape: number[], where: Config[string], axis?: Config[string]): Uint8Array | null {
  if (where === null || where === undefined) return null;
  const w = toMaskTensor(loss, where);
  let wShape = w.shape;
  if (axis !== undefined && wShape.length !== shape.length && typeof axis === 'number') {
    const a = axis < 0 ? axis + wShape.length + 1 : axis;
    wShape = [...wShape.slice(0, a), 1, ...wShape.slice(a)];
  }
  const b = broadcastShapes(wShape, shape);
  if (!b || b.length !== shape.length || b.some((d, i) => d !== shape[i])) {
    throw new LossInspectorError(`${loss}: argument \`where\`: a mask of shape ${shapeStr(w.shape)} does not broadcast to the input's shape ${shapeStr(shape)}.`,
      { loss, argument: 'where', code: 'shape', expected: `a boolean mask broadcastable to ${shapeStr(shape)}`, received: `shape ${shapeStr(w.shape)}` });
  }
  const bi = broadcastIndex(wShape, shape);
  const out = new Uint8Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = w.data[bi[i]] !== 0 ? 1 : 0;
  return out;
}

function toMaskTensor(loss: string, v: Config[string]): Tensor {
  const shape: number[] = [];
  let x: unknown = v;
  while (Array.isArray(x)) { shape.push(x.length); x = x[0]; }
  const flat = (Array.isArray(v) ? (v as unknown[]).flat(Infinity) : [v]) as unknown[];
  const data = new Float64Array(flat.length);
  flat.forEach((e, i) => {
    if (typeof e === 'boolean') data[i] = e ? 1 : 0;
    else if (typeof e === 'number') data[i] = e;
    else throw new LossInspectorError(`${loss}: argument \`where\`: expected booleans, received ${pyRepr(e)}.`, { loss, argument: 'where', code: 'param', expected: 'a boolean mask', received: pyRepr(e) });
  });
  if (data.length !== sizeOf(shape)) throw new LossInspectorError(`${loss}: argument \`where\`: the mask is not rectangular.`, { loss, argument: 'where', code: 'param', expected: 'a rectangular boolean mask', received: pyRepr(v) });
  return { data, shape };
}

/** Integer class labels as optax reads them (jnp.integer); a fractional label is refused like JAX's dtype check. */
export function integerLabel(ctx: KernelContext, v: number, argument = 'labels'): number {
  if (!Number.isInteger(v)) {
    throw new LossInspectorError(`${ctx.loss}: argument \`${argument}\`: expected integer class indices (optax checks for an integer dtype), received ${pyRepr(v)}. One-hot or probability targets go to optax.softmax_cross_entropy.`,
      { loss: ctx.loss, argument, code: 'input', expected: 'integer class indices', received: pyRepr(v) });
  }
  return v;
}

/** Shape check of optax's `utils.check_shapes_equal`. */
export function requireSameShape(ctx: KernelContext, t: Tensor, p: Tensor, tName: string, pName: string): void {
  if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new LossInspectorError(`${ctx.loss}: arguments \`${pName}\` ${shapeStr(p.shape)} and \`${tName}\` ${shapeStr(t.shape)} must have equal shapes (optax checks them; it does not broadcast here).`,
      { loss: ctx.loss, argument: tName, code: 'shape', expected: `shape ${shapeStr(p.shape)}`, received: `shape ${shapeStr(t.shape)}` });
  }
}

/** JAX's derivative of max(a, b) with respect to a: 1 when a wins, ½ at a tie (lax.max splits ties), else 0. */
export function dMax(a: number, b: number): number {
  return a > b ? 1 : a === b ? 0.5 : 0;
}

/** The reduction axis parameter optax functions take (`axis=-1`; a tuple or None also allowed). */
export const AXIS: ParamSpec = { name: 'axis', type: 'axis', default: -1, doc: 'Axis or axes along which the per-example value is computed (None: every axis). optax does not reduce over the batch.' };
/** The `where=` mask optax functions take. */
export const WHERE: ParamSpec = { name: 'where', type: 'maskOrNone', default: null, doc: 'Boolean mask of the elements to include (broadcast to the input; lower rank is expanded at `axis`). None: all.' };

/** The pitfall every optax loss shares (CROSS_FRAMEWORK.md #15). */
export const NO_REDUCTION_PITFALL = 'optax does not reduce: the result is per example (or per element), and `loss(...).mean()` is the batch value a Keras or torch loss returns by default. Weights are multiplied in by hand.';

/** Builds an optax spec: function-only, no reduction, `(predictions, targets)` order, no Keras squeeze. */
export function optaxSpec(s: {
  name: string; family: LossSpec['family']; params?: ParamSpec[]; inputs?: LossSpec['inputs'];
  compute: LossSpec['compute']; example: LossSpec['example']; sweep?: LossSpec['sweep']; doc: LossDoc;
  aliases?: string[]; validate?: LossSpec['validate']; positional?: string[];
}): LossSpec {
  const id = `optax.${s.name}`;
  return {
    id, framework: 'optax', family: s.family, functionName: id, defaultName: s.name,
    aliases: [`optax.losses.${s.name}`, ...(s.aliases ?? [])],
    params: s.params ?? [], defaultReduction: 'none', base: 'keras3', functionOnly: true, noSqueeze: true,
    inputs: s.inputs ?? 'broadcast', positional: s.positional, compute: s.compute, example: s.example, sweep: s.sweep, validate: s.validate,
    doc: { ...s.doc, pitfalls: [...s.doc.pitfalls, NO_REDUCTION_PITFALL] },
  };
}

/**
 * Runs `row` over every row of `rows` with the row's predictions `x`, targets `y` (same layout; null when the
 * targets are per row, such as integer labels) and mask `m` (1 = included) gathered into scratch arrays; `row`
 * returns the row's value and writes d(value)/dx into `g` (zeros on entry). The gradient is scaled by the upstream
 * and scattered back into the predictions' layout; values are rounded to the arrays' dtype.
 */
export function perRow(
  t: Tensor | null, p: Tensor, rows: Rows, mask: Uint8Array | null, ctx: KernelContext,
  row: (x: Float64Array, y: Float64Array | null, m: Uint8Array, g: Float64Array, b: number) => number,
): { values: Tensor; grad: Float64Array } {
  const { B, D, idx, outShape } = rows;
  const x = new Float64Array(D), y = t ? new Float64Array(D) : null, m = new Uint8Array(D), g = new Float64Array(D);
  const values = new Float64Array(B);
  const up = ctx.upstream(outShape);
  const grad = new Float64Array(p.data.length);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < D; j++) {
      const k = idx[b * D + j];
      x[j] = p.data[k];
      if (y) y[j] = t!.data[k];
      m[j] = mask ? mask[k] : 1;
      g[j] = 0;
    }
    values[b] = ctx.round(row(x, y, m, g, b));
    for (let j = 0; j < D; j++) grad[idx[b * D + j]] = up[b] * g[j];
  }
  return { values: { data: values, shape: outShape }, grad };
}

/** log Σ exp(x_j) over the included elements, shifted by their maximum; −∞ for an empty row. */
export function logSumExp(x: Float64Array, m: Uint8Array): number {
  let mx = -Infinity;
  for (let j = 0; j < x.length; j++) if (m[j] && x[j] > mx) mx = x[j];
  if (mx === -Infinity) return -Infinity;
  if (!Number.isFinite(mx)) return mx;
  let s = 0;
  for (let j = 0; j < x.length; j++) if (m[j]) s += Math.exp(x[j] - mx);
  return mx + Math.log(s);
}

/** log σ(x) = −softplus(−x), stable for either sign. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** σ(x) without overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
