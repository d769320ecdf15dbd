/** Python syntax helpers on @lezer/python trees: children, number and string literals, diagnostic ranges. */
import type { SyntaxNode } from '@lezer/common';
import { Value, Site, num } from './values';
import { errAt } from './pyops';
import { pyFixed, pyExp, pyGeneral, pyFloatRepr } from '../pyfloat';

/** Children of a node (comments dropped). */
export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

/** Punctuation tokens between the meaningful children of a node. */
export const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', ';']);

/**
 * `1.` (a float with a trailing dot, everywhere in Keras docs) is not a number token for @lezer/python 1.1: it
 * parses as the member access `1 .<missing>`. Such a node is read as the float it is.
 */
export function isTrailingDotFloat(node: SyntaxNode): boolean {
  if (node.name !== 'MemberExpression') return false;
  const a = node.firstChild;
  const dot = a?.nextSibling;
  const rest = dot?.nextSibling;
  return a?.name === 'Number' && dot?.name === '.' && dot.from === a.to && (!rest || (rest.type.isError && rest.from === rest.to)) && !/[.eExXjJ]/.test(node.firstChild!.type.name === 'Number' ? '' : 'x');
}

/** Length of the first line of a range (diagnostics on multi-line statements underline their first line). */
export function firstLineLength(src: string, offset: number, length: number): number {
  const nl = src.indexOf('\n', offset);
  const end = nl < 0 ? offset + length : Math.min(offset + length, nl);
  return Math.max(0, end - offset);
}

/** Python number literals: 1, 1., .5, 1e-7, 1_000, 0x1F, 0o17, 0b101. Complex numbers are refused. */
export function parsePyNumber(text: string, site: Site): Value {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) throw errAt(site, `complex number ${text} is not supported`, 'type');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return num(parseInt(t.slice(2), 16), true);
  if (/^0[oO][0-7]+$/.test(t)) return num(parseInt(t.slice(2), 8), true);
  if (/^0[bB][01]+$/.test(t)) return num(parseInt(t.slice(2), 2), true);
  if (/^\d+[lL]?$/.test(t)) return num(Number(t.replace(/[lL]$/, '')), true);
  const x = Number(t);
  if (Number.isNaN(x)) throw errAt(site, `'${text}' is not a number`, 'syntax');
  return num(x, false);
}

/** Python string literals with prefixes (r, b, u, f) and the common escapes. */
export function parsePyString(text: string, site: Site): string {
  const m = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(text);
  if (!m) throw errAt(site, 'malformed string literal', 'syntax');
  const q = m[2];
  const raw = /[rR]/.test(m[1]);
  if (!text.endsWith(q) || text.length < m[0].length + q.length) throw errAt(site, 'SyntaxError: unterminated string literal', 'syntax');
  const body = text.slice(m[0].length, text.length - q.length);
  return raw ? body : unescapePy(body);
}

/** Python's backslash escapes in a (non-raw) string body. */
export function unescapePy(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|N\{[^}]*\}|[0-7]{1,3}|\n|.)/g, (_s, e: string) => {
    switch (e[0]) {
      case 'n': return '\n'; case 't': return '\t'; case 'r': return '\r'; case '\\': return '\\'; case "'": return "'"; case '"': return '"';
      case '\n': return '';
      case 'a': return '\x07'; case 'b': return '\b'; case 'f': return '\f'; case 'v': return '\v';
      case 'x': case 'u': return String.fromCharCode(parseInt(e.slice(1), 16));
      default: if (/[0-7]/.test(e[0])) return String.fromCharCode(parseInt(e, 8)); return '\\' + e;
    }
  });
}

/**
 * Python's format(value, spec) for numbers and strings: [[fill]align][sign][0][width][,][.precision][type] with the
 * types f, F, e, E, g, G, n, %, d, s (what f-strings in loss snippets use: f"{loss:.4f}"), and no type (repr, or
 * the general format that keeps a '.0'). Floats round as CPython rounds them (src/core/pyfloat.ts: ties to even).
 */
export function formatSpec(x: number | string, spec: string, isInt: boolean): string {
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([eEfFgGn%ds])?$/.exec(spec);
  if (!m) return String(x);
  const [, fill0, align0, sign, alt, zero, width, group, prec, type0] = m;
  let s: string;
  if (typeof x === 'string') s = prec ? x.slice(0, Number(prec)) : x;
  else {
    const type = type0 ?? (isInt ? 'd' : '');
    const p = prec === undefined ? 6 : Number(prec);
    const abs = Math.abs(x);
    if (Number.isNaN(x)) s = 'nan';
    else if (!Number.isFinite(x)) s = 'inf';
    else if (type === 'f' || type === 'F') s = pyFixed(abs, p);
    else if (type === 'e' || type === 'E') s = pyExp(abs, p);
    else if (type === '%') s = pyFixed(abs * 100, p) + '%';
    else if (type === 'd') s = String(Math.round(abs));
    else if (type === 'g' || type === 'G' || type === 'n') s = pyGeneral(abs, p, !!alt, false);
    else if (isInt) s = String(abs);
    else s = prec === undefined ? pyFloatRepr(abs) : pyGeneral(abs, p, !!alt, true);
    if (alt && 'fFeE%'.includes(type) && p === 0) s = s.replace(/^(\d+)/, '$1.');
    if (type === 'E' || type === 'G' || type === 'F') s = s.toUpperCase();
    if (group) s = s.replace(/^(\d+)/, (d) => d.replace(/\B(?=(\d{3})+$)/g, group));
    const neg = x < 0 || Object.is(x, -0);
    s = (neg ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '') + s;
  }
  const w = width ? Number(width) : 0;
  if (s.length >= w) return s;
  const fill = fill0 ?? (zero && !align0 ? '0' : ' ');
  const align = align0 ?? (zero ? '=' : typeof x === 'string' ? '<' : '>');
  const pad = fill.repeat(w - s.length);
  if (align === '<') return s + pad;
  if (align === '^') return pad.slice(0, Math.floor(pad.length / 2)) + s + pad.slice(Math.floor(pad.length / 2));
  if (align === '=' && /^[+\- ]/.test(s)) return s[0] + pad + s.slice(1);
  return pad + s;
}
