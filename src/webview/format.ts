/** Number formatting in the view: the float32 repr Keras prints (values are float32 unless dtype=float64). */
import { float32Digits } from '../core/format';

export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'nan';
  return float32Digits(x);
}

/** Compact: 4 significant digits (slider readouts, axis hints). */
export function short(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

/** Row-major multi-index of a flat index. */
export function multiIndex(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  let rest = flat;
  for (let i = shape.length - 1; i >= 0; i--) { idx[i] = rest % shape[i]; rest = Math.floor(rest / shape[i]); }
  return idx;
}

export function indexLabel(flat: number, shape: readonly number[]): string {
  return shape.length === 0 ? '' : multiIndex(flat, shape).join(', ');
}
