/**
 * Python's float-to-text rules, in one place for the snippet printer (format specs, '%' formatting, repr) and the
 * torch tensor printer: the exact binary value rounded half to even, as CPython's dtoa rounds it. JavaScript's
 * toFixed/toExponential round exact decimal ties up (0.125 → '0.13' where Python prints '0.12') and stop at 100
 * digits and 1e21; exact ties and those ranges go through the exact decimal expansion of the double.
 */

/** A finite double's magnitude as an exact decimal: |x| = digits / 10^scale (scale ≤ 1074). */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bexp !== 0) mant |= 1n << 52n;
  const e = (bexp === 0 ? 1 : bexp) - 1075; // |x| = mant · 2^e
  return e >= 0 ? { digits: mant << BigInt(e), scale: 0 } : { digits: mant * 5n ** BigInt(-e), scale: -e };
}

/** digits / 10^drop rounded half to even (drop < 0: scaled up). */
function roundHalfEven(digits: bigint, drop: number): bigint {
  if (drop <= 0) return digits * 10n ** BigInt(-drop);
  const d = 10n ** BigInt(drop);
  const q = digits / d, twice = 2n * (digits % d);
  return twice > d || (twice === d && (q & 1n) === 1n) ? q + 1n : q;
}

/** Whether |x|·10^k may be an exact …5 tie (cheap test; false means toFixed/toExponential already round right). */
function mayTie(t: number): boolean {
  if (!Number.isFinite(t) || t >= 2 ** 52) return true;
  const r = Math.round(t);
  return Math.abs(t - r) <= 1e-9 * Math.max(1, t) && r % 10 === 5;
}

/** Python's format(x, '.{d}f'), sign included ('-0.00' for −0.001 and −0). */
export function pyFixed(x: number, d: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  let s: string;
  if (a < 1e21 && d <= 100 && !mayTie(a * 10 ** (d + 1))) s = a.toFixed(d);
  else {
    const { digits, scale } = exactDecimal(a);
    const q = roundHalfEven(digits, scale - d).toString().padStart(d + 1, '0');
    s = d === 0 ? q : `${q.slice(0, q.length - d)}.${q.slice(q.length - d)}`;
  }
  return x < 0 || Object.is(x, -0) ? '-' + s : s;
}

/** The d+1 significant digits of |x| rounded half to even, and the decimal exponent of the first. */
function sciDigits(a: number, d: number): { mant: string; exp: number } {
  if (a === 0) return { mant: '0'.repeat(d + 1), exp: 0 };
  if (d <= 100) {
    const fast = a.toExponential(d);
    const k = fast.indexOf('e');
    const exp = Number(fast.slice(k + 1));
    if (!mayTie(a * 10 ** (d + 1 - exp))) return { mant: fast.slice(0, k).replace('.', ''), exp };
  }
  const { digits, scale } = exactDecimal(a);
  const len = digits.toString().length;
  let exp = len - 1 - scale;
  let q = roundHalfEven(digits, len - (d + 1)).toString();
  if (q.length > d + 1) { q = q.slice(0, d + 1); exp++; } // 9.99…5 carried into 10.0…: one more power of ten
  return { mant: q, exp };
}

function sciText(m: { mant: string; exp: number }, neg: boolean): string {
  const e = Math.abs(m.exp);
  return `${neg ? '-' : ''}${m.mant[0]}${m.mant.length > 1 ? '.' + m.mant.slice(1) : ''}e${m.exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

/** Python's format(x, '.{d}e'): mantissa with d decimals (ties to even), exponent with a sign and ≥ 2 digits. */
export function pyExp(x: number, d: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return sciText(sciDigits(Math.abs(x), d), x < 0 || Object.is(x, -0));
}

/**
 * Python's general format of |x| ('g' with precision p, or the spec's missing type with a precision: `addDot0`):
 * the exponent after rounding to p digits picks fixed or scientific; trailing zeros go unless `alt` ('#').
 */
export function pyGeneral(a: number, p: number, alt: boolean, addDot0: boolean): string {
  const pp = p === 0 ? 1 : p;
  const sci = sciDigits(a, pp - 1);
  const trim = (t: string) => (alt || !t.includes('.') ? t : t.replace(/\.?0+$/, ''));
  let s: string;
  if (sci.exp < -4 || sci.exp >= (addDot0 ? pp - 1 : pp)) {
    const t = sciText(sci, false);
    const k = t.indexOf('e');
    s = trim(t.slice(0, k)) + t.slice(k);
    if (alt && !s.slice(0, s.indexOf('e')).includes('.')) s = s.replace('e', '.e');
  } else {
    s = trim(pyFixed(a, pp - 1 - sci.exp));
    if (addDot0 && !s.includes('.')) s += '.0';
    else if (alt && !s.includes('.')) s += '.';
  }
  return s;
}

/** Python's repr of a float (shortest round-trip digits; scientific below 1e-4 and from 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e16 || a < 1e-4) {
    const [mant, e] = x.toExponential().split('e');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : s + '.0';
}
