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

/**
 * Axis tick labels, compact: 3 significant digits at most, exponents without padding (1e-6, 2.5e-7, 8e+5 → 8e5),
 * never "1.0000000E-6".
 */
export function tick(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = x.toExponential(2).split('e');
    return `${Number(m)}e${Number(e)}`;
  }
  return String(Number(x.toPrecision(a >= 1000 ? 6 : 4)));
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
