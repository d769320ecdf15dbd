/** Helpers shared by the loss kernels (shape checks, clipping records, warnings). */
import { LossInspectorError } from '../errors';
import type { KernelContext, Trace } from '../spec';
import { shapeStr, type Tensor } from '../tensor';
import { pyRepr } from '../errors';
import type { Config } from '../spec';

/** Rows × columns view of a tensor reduced over its last axis: B rows of D elements. */
export function lastAxis(ctx: KernelContext, p: Tensor, argument = 'y_pred'): { B: number; D: number; vShape: number[] } {
  if (p.shape.length === 0) {
    throw new LossInspectorError(`${ctx.loss}: argument \`${argument}\`: expected an array of rank ≥ 1 (the loss reduces over the last axis), received a scalar.`,
      { loss: ctx.loss, argument, code: 'shape', expected: 'rank ≥ 1', received: 'a scalar' });
  }
  const D = p.shape[p.shape.length - 1];
  return { B: D === 0 ? 0 : p.data.length / D, D, vShape: p.shape.slice(0, -1) };
}

/** Records clipped elements (exact count, first 50 indices). */
export class ClipRecorder {
  count = 0;
  indices: number[] = [];
  constructor(private lo: number, private hi: number) {}
  hit(i: number): void {
    this.count++;
    if (this.indices.length < 50) this.indices.push(i);
  }
  flush(trace: Trace): void {
    if (this.count === 0) return;
    if (trace.clipped) {
      trace.clipped.count += this.count;
      for (const i of this.indices) if (trace.clipped.indices.length < 50) trace.clipped.indices.push(i);
    } else trace.clipped = { count: this.count, indices: this.indices, lo: this.lo, hi: this.hi };
  }
}

/** Adds a warning once per code. */
export function warnOnce(trace: Trace, code: string, message: string): void {
  if (!trace.warnings.some((w) => w.code === code)) trace.warnings.push({ code, message });
}

export function shapeErr(ctx: KernelContext, argument: string, expected: string, received: number[] | string): LossInspectorError {
  const rec = typeof received === 'string' ? received : `shape ${shapeStr(received)}`;
  return new LossInspectorError(`${ctx.loss}: argument \`${argument}\`: expected ${expected}, received ${rec}.`,
    { loss: ctx.loss, argument, code: 'shape', expected, received: rec });
}

/**
 * Keras/TF `axis` argument (an int, a list of ints, or None = every axis) → sorted distinct non-negative axes.
 * Throws like TF on an out-of-range or repeated axis; `what` names the tensor in the message.
 */
export function normalizeAxes(ctx: KernelContext, shape: readonly number[], axis: Config[string], what: string): number[] {
  const r = shape.length;
  if (axis === null || axis === undefined) return [...Array(r).keys()];
  const list = (Array.isArray(axis) ? axis : [axis]) as number[];
  const axes: number[] = [];
  for (const a0 of list) {
    const a = a0 < 0 ? a0 + r : a0;
    if (!(a >= 0 && a < r)) {
      throw new LossInspectorError(`${ctx.loss}: argument \`axis\`: axis ${a0} is out of range for ${what} of rank ${r} (shape ${shapeStr(shape as number[])}).`,
        { loss: ctx.loss, argument: 'axis', code: 'param', expected: `axes in [${-r}, ${r})`, received: pyRepr(axis) });
    }
    if (axes.includes(a)) {
      throw new LossInspectorError(`${ctx.loss}: argument \`axis\`: duplicate axis ${a0} in ${pyRepr(axis)}.`,
        { loss: ctx.loss, argument: 'axis', code: 'param', expected: 'distinct axes', received: pyRepr(axis) });
    }
    axes.push(a);
  }
  return axes.sort((x, y) => x - y);
}

/**
 * The upstream gradient for hot kernels: `uni` when every element is that number (no weights or mask; nothing is
 * materialised), else `arr`. Read it as `arr === null ? uni : arr[b]`.
 */
export function upstreamOf(ctx: KernelContext, vShape: number[], mask?: Uint8Array | null): { uni: number; arr: Float64Array | null } {
  const u = ctx.uniformUpstream ? ctx.uniformUpstream(vShape, mask) : null;
  return u === null ? { uni: 0, arr: ctx.upstream(vShape, mask) } : { uni: u, arr: null };
}

/**
 * The gradient array: the caller's reusable buffer when the context offers one, else a fresh array of zeros.
 * `overwritesAll`: the kernel writes every element, so a reused buffer is not zeroed first.
 */
export function gradArray(ctx: KernelContext, n: number, overwritesAll = false): Float64Array {
  return ctx.gradBuffer ? ctx.gradBuffer(n, overwritesAll) : new Float64Array(n);
}
