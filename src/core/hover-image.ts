/**
 * A small SVG of a loss and its gradient for hovers, as a base64 `data:` URI (VS Code hovers render images from
 * data URIs but never inline `<svg>`). Pure string building: no DOM, no Buffer.
 */

export interface CurveData {
  x: ArrayLike<number>;
  loss: ArrayLike<number>;
  grad: ArrayLike<number>;
  xLabel: string;
}

export interface SvgOptions {
  width?: number;
  height?: number;
  /** Accessible title of the image. */
  title?: string;
}

const LOSS_COLOUR = '#3794ff';
const GRAD_COLOUR = '#e2923b';
const AXIS_COLOUR = '#8c8c8c';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function finiteRange(...series: ArrayLike<number>[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (let i = 0; i < s.length; i++) { const v = s[i]; if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
  if (!Number.isFinite(lo)) return [-1, 1];
  if (hi - lo < 1e-12) { lo -= 1; hi += 1; }
  return [lo, hi];
}

/**
 * The y-range to draw: the full range, unless a few extreme values (a gradient spike at a clip edge or a log
 * near 0) would flatten everything else; then the 5–95 % range, padded, with the extremes clamped to the border.
 */
export function robustRange(values: ArrayLike<number>): [number, number] {
  const [lo, hi] = finiteRange(values);
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length < 8) return [lo, hi];
  const q = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))];
  let a = q(0.05), b = q(0.95);
  if (b - a < 1e-12) return [lo, hi];
  if (hi - lo <= 4 * (b - a)) return [lo, hi];
  const pad = 0.15 * (b - a);
  a = Math.max(lo, a - pad); b = Math.min(hi, b + pad);
  return [a, b];
}

function num(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

function tick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(1).replace('e-', 'e−').replace('e+', 'e');
  return String(Number(v.toPrecision(3))).replace('-', '−');
}

/** Polyline points of a series; non-finite values break the line into several paths. */
function paths(x: ArrayLike<number>, y: ArrayLike<number>, sx: (v: number) => number, sy: (v: number) => number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(y[i]) && Number.isFinite(x[i])) cur.push(`${num(sx(x[i]))},${num(sy(y[i]))}`);
    else if (cur.length) { out.push(cur.join(' ')); cur = []; }
  }
  if (cur.length) out.push(cur.join(' '));
  return out;
}

/**
 * The loss (solid, left scale) and its gradient (dashed, right scale) over the swept input, with the zero
 * lines, axis extremes and a legend. Colours are mid-tones readable on light, dark and high-contrast themes.
 */
export function curveSvg(c: CurveData, opts: SvgOptions = {}): string {
  const W = opts.width ?? 260, H = opts.height ?? 120;
  const L = 40, R = 44, T = 16, B = 20;
  const pw = W - L - R, ph = H - T - B;
  const [x0, x1] = finiteRange(c.x);
  const [l0, l1] = robustRange(c.loss);
  const [g0, g1] = robustRange(c.grad);
  const clamp = (y: number) => Math.min(T + ph, Math.max(T, y));
  const sx = (v: number) => L + ((v - x0) / (x1 - x0)) * pw;
  const sl = (v: number) => clamp(T + ph - ((v - l0) / (l1 - l0)) * ph);
  const sg = (v: number) => clamp(T + ph - ((v - g0) / (g1 - g0)) * ph);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="9">`);
  parts.push(`<title>${esc(opts.title ?? 'loss and gradient')}</title>`);
  parts.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="${AXIS_COLOUR}" stroke-width="0.5"/>`);
  if (g0 < 0 && g1 > 0) parts.push(`<line x1="${L}" x2="${L + pw}" y1="${num(sg(0))}" y2="${num(sg(0))}" stroke="${GRAD_COLOUR}" stroke-width="0.5" stroke-dasharray="1 2"/>`);
  if (x0 < 0 && x1 > 0) parts.push(`<line x1="${num(sx(0))}" x2="${num(sx(0))}" y1="${T}" y2="${T + ph}" stroke="${AXIS_COLOUR}" stroke-width="0.5" stroke-dasharray="1 2"/>`);
  for (const p of paths(c.x, c.grad, sx, sg)) parts.push(`<polyline points="${p}" fill="none" stroke="${GRAD_COLOUR}" stroke-width="1.5" stroke-dasharray="4 2"/>`);
  for (const p of paths(c.x, c.loss, sx, sl)) parts.push(`<polyline points="${p}" fill="none" stroke="${LOSS_COLOUR}" stroke-width="2"/>`);
  parts.push(`<text x="${L - 3}" y="${T + 7}" text-anchor="end" fill="${LOSS_COLOUR}">${esc(tick(l1))}</text>`);
  parts.push(`<text x="${L - 3}" y="${T + ph}" text-anchor="end" fill="${LOSS_COLOUR}">${esc(tick(l0))}</text>`);
  parts.push(`<text x="${L + pw + 3}" y="${T + 7}" fill="${GRAD_COLOUR}">${esc(tick(g1))}</text>`);
  parts.push(`<text x="${L + pw + 3}" y="${T + ph}" fill="${GRAD_COLOUR}">${esc(tick(g0))}</text>`);
  parts.push(`<text x="${L}" y="${H - 6}" fill="${AXIS_COLOUR}">${esc(tick(x0))}</text>`);
  parts.push(`<text x="${L + pw}" y="${H - 6}" text-anchor="end" fill="${AXIS_COLOUR}">${esc(tick(x1))}</text>`);
  parts.push(`<text x="${L + pw / 2}" y="${H - 6}" text-anchor="middle" fill="${AXIS_COLOUR}">${esc(c.xLabel)}</text>`);
  parts.push(`<text x="${L}" y="${T - 5}" fill="${LOSS_COLOUR}">— loss</text>`);
  parts.push(`<text x="${L + pw}" y="${T - 5}" text-anchor="end" fill="${GRAD_COLOUR}">- - gradient</text>`);
  parts.push('</svg>');
  return parts.join('');
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** UTF-8 bytes of a string (no TextEncoder in the core's lib). */
function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else { out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)); c = 0; }
  }
  return out;
}

/** Standard base64 of a string's UTF-8 bytes. */
export function base64Utf8(s: string): string {
  const b = utf8(s);
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
  }
  return out;
}

/** `data:image/svg+xml;base64,…` of an SVG string. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${base64Utf8(svg)}`;
}
