/**
 * Formats results the way Keras prints them: values are float32, printed with NumPy's shortest round-trip
 * repr (e.g. 0.2876821), arrays as `array([0.9162905 , 0.5919184 ], dtype=float32)`.
 */
import type { Tensor } from './tensor';

/** Shortest decimal string that reads back to the same float32 (NumPy's float32 repr digits). */
export function float32Digits(x: number): string {
  const f = Math.fround(x);
  if (Number.isNaN(f)) return 'nan';
  if (f === Infinity) return 'inf';
  if (f === -Infinity) return '-inf';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return normalizeNumber(s);
  }
  return normalizeNumber(f.toPrecision(9));
}

/** Turns JS exponent/precision output into NumPy style: 0.5, 1.0, 1e-07, 12345678.0. */
function normalizeNumber(s: string): string {
  let n = Number(s);
  const abs = Math.abs(n);
  // NumPy scalar repr switches to scientific below 1e-4 or at/above 1e16.
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mant, exp] = n.toExponential().split('e');
    // keep only the digits we need (the shortest round-trip mantissa)
    let m = mant;
    const digits = s.replace(/^-?/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
    m = Number(mant).toPrecision(Math.max(1, digits)).replace(/\.?0+$/, '');
    const e = Number(exp);
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  let out = Number(s).toString();
  if (/e/.test(out)) out = n.toFixed(Math.max(0, -Math.floor(Math.log10(abs)) + 8)).replace(/0+$/, '');
  if (!out.includes('.')) out += '.0';
  return out;
}

/** A scalar as Keras's `.numpy()` prints it (np.float32 repr). */
export function formatScalar(x: number): string {
  return float32Digits(x);
}

/** Shortest decimal string that reads back to the same float64 (NumPy's float64 repr digits). */
export function float64Digits(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return normalizeNumber(String(x));
}

/**
 * NumPy array repr (`array([...], dtype=float32)`; a float64 array, NumPy's default, has no dtype suffix), columns
 * padded like NumPy.
 */
export function formatArray(t: Tensor, maxElems = 1000, prefixName = 'array', dtype: 'float32' | 'float64' = 'float32'): string {
  const digits = dtype === 'float64' ? float64Digits : float32Digits;
  if (t.shape.length === 0) return digits(t.data[0]);
  // In arrays NumPy writes 1.0 as '1.' (trailing zeros dropped, then padded).
  // NumPy's array print uses at most 8 fractional digits (floatmode 'maxprec', precision 8): 0.000109709006 → 0.00010971.
  const strs = Array.from(t.data, (v) => maxPrec8(digits(v)).replace(/^(-?\d+)\.0$/, '$1.'));
  // NumPy pads every element to a common width: integer part left-padded, fraction right-padded.
  const finite = strs.filter((s) => /^-?\d+\.\d*$/.test(s));
  const intW = Math.max(0, ...finite.map((s) => s.indexOf('.')));
  const fracW = Math.max(0, ...finite.map((s) => s.length - s.indexOf('.') - 1));
  const sci = strs.some((s) => /e/.test(s));
  const cells = strs.map((s) => {
    if (sci || !/^-?\d+\.\d*$/.test(s)) return s;
    const dot = s.indexOf('.');
    return ' '.repeat(intW - dot) + s + ' '.repeat(fracW - (s.length - dot - 1));
  });
  const width = Math.max(...cells.map((c) => c.length));
  const padded = cells.map((c) => c.padStart(width));
  const prefix = `${prefixName}(`;
  let pos = 0;
  const rec = (ax: number, indent: string): string => {
    const n = t.shape[ax];
    if (ax === t.shape.length - 1) {
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(padded[pos++]);
      if (n > maxElems) return `[${items.slice(0, 3).join(', ')}, ..., ${items.slice(-3).join(', ')}]`;
      return `[${items.join(', ')}]`;
    }
    const rows: string[] = [];
    for (let i = 0; i < n; i++) rows.push(rec(ax + 1, indent + ' '));
    const sep = ',' + '\n'.repeat(t.shape.length - 1 - ax) + indent + ' ';
    return `[${rows.join(sep)}]`;
  };
  return `${prefix}${rec(0, ' '.repeat(prefix.length))}${dtype === 'float64' ? '' : ', dtype=float32'})`;
}

/** Rounds a positional decimal string to at most 8 fractional digits, dropping trailing zeros (NumPy 'maxprec'). */
function maxPrec8(s: string): string {
  const m = /^(-?\d+)\.(\d{9,})$/.exec(s);
  if (!m) return s;
  const r = Number(s).toFixed(8).replace(/0+$/, '');
  return r.endsWith('.') ? r + '0' : r;
}

/** Keras-style print of a result value in its dtype: scalar repr or array repr. */
export function formatKeras(t: Tensor, dtype: 'float32' | 'float64' = 'float32'): string {
  if (dtype === 'float64') return formatArray(t, 1000, 'array', 'float64');
  return t.shape.length === 0 ? formatScalar(t.data[0]) : formatArray(t);
}

/**
 * A result as its framework prints it: Keras's `.numpy()` repr, or for JAX (optax) the `Array([...], dtype=float32)`
 * repr of a jax.Array (a scalar prints as its float32 value, as `print(loss.mean())` shows it).
 */
export function formatFor(t: Tensor, framework: string): string {
  if (framework === 'optax' && t.shape.length > 0) return formatArray(t, 1000, 'Array');
  return formatKeras(t);
}

/** A plain nested-list / number JSON value of a float32-rounded tensor (for --json outputs, full float64 kept). */
export function toJsonValue(t: Tensor): unknown {
  if (t.shape.length === 0) return jsonNum(t.data[0]);
  let pos = 0;
  const rec = (ax: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < t.shape[ax]; i++) out.push(ax === t.shape.length - 1 ? jsonNum(t.data[pos++]) : rec(ax + 1));
    return out;
  };
  return rec(0);
}

/** JSON has no NaN/Infinity: they become the strings "nan", "inf", "-inf". */
export function jsonNum(x: number): number | string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return x;
}
