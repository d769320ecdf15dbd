/**
 * NumPy's str() and repr() of an ndarray, as numpy.core.arrayprint writes them with the default options (precision 8,
 * floatmode 'maxprec', suppress False, linewidth 75, threshold 1000, edgeitems 3): every element formatted alike —
 * shortest round-trip digits of its dtype, at most 8 fractional digits, '1.' for integral floats, padded to common
 * integer and fraction widths; scientific for all when the non-zero magnitudes reach 1e8, go below 1e-4 or span more
 * than 1000×; rows wrapped at the line width; arrays over 1000 elements summarised as 3 edge items, '...', 3 edge items.
 * `print(x.numpy())` and `print(np.array(...))` in snippets write this.
 */
import type { Tensor } from '../tensor';
import { pyFixed, pyExp } from '../pyfloat';

export type NpDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

const LINEWIDTH = 75, THRESHOLD = 1000, EDGE = 3, PRECISION = 8;

/** Shortest round-trip digits of x in its dtype: digits (no dot, no leading zeros) and the decimal exponent of the first. */
function shortest(x: number, f32: boolean): { digits: string; exp: number } {
  const a = Math.abs(x);
  let s = a.toExponential();
  if (f32) {
    for (let p = 0; p <= 8; p++) { const t = a.toExponential(p); if (Math.fround(Number(t)) === a) { s = t; break; } }
  }
  const [m, e] = s.split('e');
  return { digits: m.replace('.', '').replace(/0+$/, '') || '0', exp: Number(e) };
}

/** dragon4_positional(x, precision=8, unique=True, trim='.'): the integer part (with its sign) and the fraction digits. */
function positional(x: number, f32: boolean): [string, string] {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return [sign + '0', ''];
  const { digits, exp } = shortest(x, f32);
  let int: string, frac: string;
  if (digits.length - 1 - exp > PRECISION) {
    // more than 8 fractional digits: the exact value rounded to 8, ties to even as Dragon4 rounds (0.001953125 → 0.00195312)
    const t = pyFixed(Math.abs(x), PRECISION).split('.');
    int = t[0]; frac = t[1].replace(/0+$/, '');
  } else if (exp >= 0) {
    int = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
    frac = digits.slice(exp + 1);
  } else {
    int = '0'; frac = '0'.repeat(-exp - 1) + digits;
  }
  return [sign + int, frac];
}

/** dragon4_scientific(x, precision=8, unique=True, trim='.'): mantissa integer digit (with sign), fraction digits, exponent. */
function scientific(x: number, f32: boolean): [string, string, number] {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return [sign + '0', '', 0];
  let { digits, exp } = shortest(x, f32);
  if (digits.length - 1 > PRECISION) {
    const [m, e] = pyExp(Math.abs(x), PRECISION).split('e');
    digits = m.replace('.', '').replace(/0+$/, ''); exp = Number(e);
  }
  return [sign + digits[0], digits.slice(1), exp];
}

/** The element formatter of FloatingFormat (fillFormat, then __call__) for the values shown. */
function floatFormatter(vals: number[], f32: boolean): (x: number) => string {
  const finite = vals.filter((v) => Number.isFinite(v));
  const nz = finite.filter((v) => v !== 0).map(Math.abs);
  let expFormat = false;
  if (nz.length) {
    const max = Math.max(...nz), min = Math.min(...nz);
    expFormat = max >= 1e8 || min < 0.0001 || max / min > 1000;
  }
  let padLeft = 0, padRight = 0, prec = 0, expSize = 0;
  if (finite.length && expFormat) {
    const parts = finite.map((v) => scientific(v, f32));
    prec = Math.max(...parts.map((p) => p[1].length));
    expSize = Math.max(2, ...parts.map((p) => String(Math.abs(p[2])).length));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = expSize + 2 + prec;
  } else if (finite.length) {
    const parts = finite.map((v) => positional(v, f32));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = Math.max(...parts.map((p) => p[1].length));
  }
  if (finite.length !== vals.length) {
    const neginf = vals.some((v) => v === -Infinity);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (neginf ? 1 : 0) - (padRight + 1));
  }
  return (x: number) => {
    if (!Number.isFinite(x)) {
      const s = Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
      return ' '.repeat(Math.max(0, padLeft + padRight + 1 - s.length)) + s;
    }
    if (expFormat) {
      const [i, f, e] = scientific(x, f32);
      return `${i.padStart(padLeft)}.${f.padEnd(prec, '0')}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(expSize, '0')}`;
    }
    const [i, f] = positional(x, f32);
    return `${i.padStart(padLeft)}.${f.padEnd(padRight)}`;
  };
}

function formatter(vals: number[], dtype: NpDtype): (x: number) => string {
  if (dtype === 'bool') return (x) => (x ? ' True' : 'False');
  if (dtype === 'int64' || dtype === 'int32') {
    const w = vals.length ? Math.max(...vals.map((v) => String(v).length)) : 0;
    return (x) => String(x).padStart(w);
  }
  return floatFormatter(vals, dtype === 'float32');
}

/** A NumPy scalar's str(): np.float32 shortest digits, np.float64 as Python's float repr, ints, True/False. */
export function npScalarStr(x: number, dtype: NpDtype): string {
  if (dtype === 'bool') return x ? 'True' : 'False';
  if (dtype === 'int64' || dtype === 'int32') return String(x);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const { digits, exp } = shortest(x, dtype === 'float32');
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) return `${sign}${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  // a scalar keeps every shortest digit (no 8-digit cutoff) and writes '1.0', not '1.'
  const [int, frac] = exp >= 0 ? [digits.slice(0, exp + 1).padEnd(exp + 1, '0'), digits.slice(exp + 1)] : ['0', '0'.repeat(-exp - 1) + digits];
  return `${sign}${int}.${frac || '0'}`;
}

/** _formatArray: nested brackets, rows wrapped at the line width, '...' for summarised axes. */
function formatArray(t: Tensor, fmt: (x: number) => string, lineWidth: number, nextLinePrefix: string, separator: string, summary: boolean): string {
  const shape = t.shape, nd = shape.length;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const extendLine = (s: string, line: string, word: string, width: number, prefix: string): [string, string] => {
    let wrap = line.length + word.length > width;
    if (line.length <= prefix.length) wrap = false;
    if (wrap) { s += line.replace(/\s+$/, '') + '\n'; line = prefix; }
    return [s, line + word];
  };
  const rec = (axis: number, offset: number, hanging: string, width: number): string => {
    if (axis === nd) return fmt(t.data[offset]);
    const nextHanging = hanging + ' ', nextWidth = width - 1;
    const n = shape[axis];
    const show = summary && 2 * EDGE < n;
    const lead = show ? EDGE : 0, trail = show ? EDGE : n;
    const at = (i: number) => offset + (i < 0 ? n + i : i) * strides[axis];
    let s = '';
    if (nd - axis === 1) {
      const elemWidth = width - Math.max(separator.trimEnd().length, 1);
      let line = hanging;
      for (let i = 0; i < lead; i++) { [s, line] = extendLine(s, line, rec(axis + 1, at(i), nextHanging, nextWidth), elemWidth, hanging); line += separator; }
      if (show) { [s, line] = extendLine(s, line, '...', elemWidth, hanging); line += separator; }
      for (let i = trail; i > 1; i--) { [s, line] = extendLine(s, line, rec(axis + 1, at(-i), nextHanging, nextWidth), elemWidth, hanging); line += separator; }
      [s, line] = extendLine(s, line, rec(axis + 1, at(-1), nextHanging, nextWidth), elemWidth, hanging);
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(nd - axis - 1);
      for (let i = 0; i < lead; i++) s += hanging + rec(axis + 1, at(i), nextHanging, nextWidth) + lineSep;
      if (show) s += hanging + '...' + lineSep;
      for (let i = trail; i > 1; i--) s += hanging + rec(axis + 1, at(-i), nextHanging, nextWidth) + lineSep;
      s += hanging + rec(axis + 1, at(-1), nextHanging, nextWidth);
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return rec(0, 0, nextLinePrefix, lineWidth);
}

/** The elements printed (all, or the edge items of every summarised axis), for the common format. */
function shown(t: Tensor, summary: boolean): number[] {
  if (!summary) return Array.from(t.data);
  const out: number[] = [];
  const shape = t.shape;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const walk = (axis: number, offset: number) => {
    if (axis === shape.length) { out.push(t.data[offset]); return; }
    const n = shape[axis];
    const idx = 2 * EDGE < n ? [0, 1, 2, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    for (const i of idx) walk(axis + 1, offset + i * strides[axis]);
  };
  walk(0, 0);
  return out;
}

function array2string(t: Tensor, dtype: NpDtype, separator: string, prefix: string, suffix: string): string {
  const summary = t.data.length > THRESHOLD;
  const fmt = formatter(shown(t, summary), dtype);
  if (t.shape.length === 0) return fmt(t.data[0]).trim();
  if (t.data.length === 0) return '[]';
  return formatArray(t, fmt, LINEWIDTH - suffix.length, ' ' + ' '.repeat(prefix.length), separator, summary);
}

/** str(ndarray): `[1. 2. 3.]`, `[[0.1 0.2]\n [0.3 0.4]]`; a 0-d array prints as its scalar. */
export function npStr(t: Tensor, dtype: NpDtype): string {
  if (t.shape.length === 0) return npScalarStr(t.data[0], dtype);
  return array2string(t, dtype, ' ', '', '');
}

/** repr(ndarray): `array([1., 2.], dtype=float32)` (float64, int64 and bool arrays carry no dtype). */
export function npRepr(t: Tensor, dtype: NpDtype): string {
  const suffix = dtype === 'float32' || dtype === 'int32' ? `, dtype=${dtype})` : ')';
  if (t.data.length === 0 && t.shape.length === 1) return `array([], dtype=${dtype})`;
  const body = t.shape.length === 0 ? formatter([t.data[0]], dtype)(t.data[0]).trim() : array2string(t, dtype, ', ', 'array(', suffix);
  return `array(${body}${suffix}`;
}
