/**
 * Loss curves of a user-defined loss for the panel: the loss (the sum of the result) and d loss / d y_pred of one
 * element as that element sweeps a range, every point an exact evaluateCustom (user losses may couple the batch,
 * so no row shortcut). Same shape of result as the built-ins' sweepCurve.
 */
import type { SweepDetails, SweepKind } from '../curves';
import type { EvalResult } from '../evaluate';
import { Tensor, Nested, fromNested, stridesOf, sizeOf } from '../tensor';
import { LossInspectorError } from '../errors';
import type { Value } from './values';
import { evaluateCustom, loadCustomLoss, CustomOptions, CustomRequest } from './custom';
import type { UserEntity } from './user';

export interface CustomSweepOptions {
  /** Flat index into y_pred of the swept element (default 0). */
  element?: number;
  /** Sampled points (default 101; fewer for large inputs so the sweep stays within ~2·10⁶ element-evaluations). */
  points?: number;
  range?: [number, number];
  kind?: SweepKind;
  /** The evaluation of the given inputs, when the caller has it. */
  result?: EvalResult;
}

function asTensor(x: Tensor | Nested, what: string): Tensor {
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array) return x as Tensor;
  try { return fromNested(x as Nested, what); } catch (e) { throw new LossInspectorError(`argument \`${what}\`: ${(e as Error).message}`, { code: 'input', argument: what }); }
}

function total(r: EvalResult): number {
  let s = 0;
  for (const v of r.value.data) s += v;
  return s;
}

/** The loss and its gradient as y_pred[element] sweeps a range, for a user loss (a Callable/instance or an entity). */
export function sweepCustom(fn: Value | UserEntity, yTrue: Tensor | Nested | null, yPred: Tensor | Nested, opts: CustomOptions, sweep: CustomSweepOptions = {}): SweepDetails {
  const yt = yTrue === null ? null : asTensor(yTrue, 'y_true');
  const yp = asTensor(yPred, 'y_pred');
  const n = yp.data.length;
  const element = Math.max(0, Math.min(n - 1, Math.floor(sweep.element ?? 0)));
  const kind: SweepKind = sweep.kind ?? (yt && yt.data.length === n ? 'error' : 'raw');
  const offset = kind === 'error' && yt ? yt.data[element] : 0;
  const base = sweep.result ?? evaluateCustom(fn, yt, yp, opts);
  const curX = yp.data[element] - offset;
  let [a, b] = sweep.range ?? (kind === 'error' ? [-3, 3] : [curX - 3, curX + 3]);
  if (!sweep.range && Number.isFinite(curX) && (curX < a || curX > b)) {
    const lo = Math.min(a, curX), hi = Math.max(b, curX), pad = 0.1 * (hi - lo || 1);
    if (curX < a) a = lo - pad;
    if (curX > b) b = hi + pad;
  }
  const maxPoints = Math.max(11, Math.floor(2e6 / Math.max(1, n + (yt ? sizeOf(yt.shape) : 0))));
  const points = Math.max(2, Math.min(2001, maxPoints, Math.floor(sweep.points ?? 101)));
  const xs: number[] = [], loss: number[] = [], grad: number[] = [];
  const data = new Float64Array(yp.data);
  const moving: Tensor = { data, shape: yp.shape };
  for (let i = 0; i < points; i++) {
    const x = a + ((b - a) * i) / (points - 1);
    xs.push(x);
    data[element] = offset + x;
    try {
      const r = evaluateCustom(fn, yt, moving, opts);
      loss.push(total(r)); grad.push(r.grad.data[element]);
    } catch (e) {
      if (!(e instanceof LossInspectorError)) throw e;
      if (e.details.code === 'limit') throw e;
      loss.push(NaN); grad.push(NaN);
    }
  }
  const label = indexLabel(element, yp.shape);
  const xLabel = kind === 'error' ? `error ${label} − ${label.replace('y_pred', 'y_true')}` : label;
  return { x: xs, loss, grad, xLabel, current: { x: curX, loss: total(base), grad: base.grad.data[element] }, kind, element, method: 'full' };
}

/** sweepCustom from the panel's (source, request) pair (see evaluateCustomSource). */
export function sweepCustomSource(source: string, request: CustomRequest, sweep: CustomSweepOptions = {}): SweepDetails {
  const { ent, options } = loadCustomLoss(source, request);
  return sweepCustom(ent, request.yTrue, request.yPred, options, sweep);
}

function indexLabel(flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return 'y_pred';
  const st = stridesOf(shape);
  return `y_pred[${shape.map((_, i) => Math.floor(flat / st[i]) % shape[i]).join(', ')}]`;
}
