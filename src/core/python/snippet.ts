/**
 * Keras snippets as users select them: a few array literals, or Python that builds losses and calls them.
 * `evaluateSnippet` runs the Python subset (see interp.ts) and returns one result per evaluated loss call,
 * attached to its source line, plus diagnostics (syntax errors with line/column, skipped statements, failures).
 */
import { parser } from '@lezer/python';
import type { SyntaxNode, Tree } from '@lezer/common';
import { LossInspectorError } from '../errors';
import { scanArrayLiteral } from '../literal';
import type { Tensor } from '../tensor';
import type { SnippetResult, SnippetDiagnostic } from './types';
import { Limits, DEFAULT_LIMITS, EvalSession } from './session';
import { Interpreter } from './interp';
import { kids, isTrailingDotFloat } from './syntax';

/** Big numeric literals (at least this many characters) skip the Python parser: the fast scanner reads them. */
const BIG_LITERAL = 4096;

export interface SnippetOptions {
  limits?: Partial<Limits>;
  /**
   * 'keras3' (default behaviour of 'auto'), 'keras2' (tf.keras in TF ≤ 2.15), or 'auto': Keras 2 when the text can
   * only have run on Keras 2 (it imports tensorflow_addons, or spells tf.keras.losses.Reduction.* or
   * reduction='auto', on which Keras 3 raises), Keras 3 otherwise.
   */
  semantics?: 'keras3' | 'keras2' | 'auto';
}

/** Markers of code that only runs on Keras 2 (tfa needs it; Keras 3 raises on the Reduction enum and 'auto'). */
const KERAS2_MARKERS = /^\s*(?:import\s+tensorflow_addons|from\s+tensorflow_addons\b)|\blosses\.Reduction\.[A-Z_]+|\breduction\s*=\s*['"\u2018\u2019]auto['"\u2018\u2019]/m;

/** The semantics a snippet is evaluated with, and why. */
export function snippetSemantics(source: string, requested: SnippetOptions['semantics'] = 'auto'): { semantics: 'keras3' | 'keras2'; reason: string | null } {
  if (requested === 'keras3' || requested === 'keras2') return { semantics: requested, reason: null };
  const m = KERAS2_MARKERS.exec(source);
  if (!m) return { semantics: 'keras3', reason: null };
  return { semantics: 'keras2', reason: `evaluated as Keras 2 (tf.keras in TF ≤ 2.15) because the code uses \`${m[0].trim()}\`, which only runs there` };
}

/** Evaluates a selection, a file or a notebook cell. Never throws: problems come back as diagnostics. */
export function evaluateSnippet(source: string, opts: SnippetOptions = {}): { results: SnippetResult[]; diagnostics: SnippetDiagnostic[]; stdout?: string; stdoutGaps?: number[] } {
  try {
    return evaluateSnippetUnguarded(source, opts);
  } catch (e) {
    // every statement is guarded already; this is the last line of defence (a bug), reported, never thrown
    const message = e instanceof LossInspectorError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    return { results: [], diagnostics: [{ offset: 0, length: 0, line: 1, column: 1, severity: 'error', message }] };
  }
}

function evaluateSnippetUnguarded(source: string, opts: SnippetOptions): { results: SnippetResult[]; diagnostics: SnippetDiagnostic[]; stdout?: string; stdoutGaps?: number[] } {
  const limits = new EvalSession(opts.limits ?? {}).limits;
  const diagnostics: SnippetDiagnostic[] = [];
  if (typeof source !== 'string') source = String(source);
  if (source.length > limits.maxChars) {
    diagnostics.push({ offset: 0, length: 0, line: 1, column: 1, severity: 'error', message: `The text is ${(source.length / 1e6).toFixed(1)} M characters, over the limit of ${(limits.maxChars / 1e6).toFixed(1)} M; select less, or raise the limit in the settings.` });
    return { results: [], diagnostics };
  }
  const pre = prescan(source, limits);
  // the time limit counts from here: reading big literals (prescan) is not the Python's evaluation
  const session = new EvalSession(opts.limits ?? {});
  const sem = snippetSemantics(source, opts.semantics);
  session.semantics = sem.semantics;
  const interp = new Interpreter(pre.text, source, session, { literals: pre.literals, toOrig: offsetMapper(pre.regions ?? []) });
  interp.semanticsReason = sem.reason;
  for (const d of pre.notes) interp.report({ offset: d.offset, length: d.length }, d.message, d.severity, true);
  if (pre.error) {
    interp.report({ offset: pre.error.offset, length: pre.error.length }, pre.error.message, 'error', true);
    return { results: interp.results, diagnostics: sortDiagnostics(interp.diagnostics) };
  }
  let text = pre.text;
  let resumeAt = 0;
  for (let pass = 0; pass < 100; pass++) {
    let tree: Tree;
    try {
      tree = parser.parse(text);
    } catch (e) {
      interp.report({ offset: resumeAt, length: 0 }, `The text is too deeply nested to parse${e instanceof Error ? ` (${e.message})` : ''}`, 'error');
      break;
    }
    interp.setSource(text);
    let restart = -1;
    let prevError = false;
    for (const stmt of kids(tree.topNode)) {
      if (stmt.from < resumeAt) continue;
      if (stmt.type.isError && prevError) continue;
      if (Date.now() - session.startedAt > limits.maxMillis) {
        interp.report({ offset: stmt.from, length: 0 }, `Stopped after ${limits.maxMillis} ms (the time limit); the rest is not evaluated.`, 'error');
        break;
      }
      const err = firstError(stmt);
      prevError = !!err;
      if (err) {
        const open = unclosedBracket(text, stmt.from, err.offset);
        const at = open >= 0 ? { offset: open, length: 1 } : err;
        const msg = open >= 0 ? `SyntaxError: '${text[open]}' was never closed` : syntaxMessage(text, err.offset, err.length);
        // one syntax error per line: a line of prose pasted with the code is one problem, not one per word
        const line = interp.lineOf(at.offset);
        if (!interp.diagnostics.some((d) => d.severity === 'error' && (d.offset === at.offset || d.offset === err.offset || d.line === line))) interp.report(at, msg, 'error');
        const eol = text.indexOf('\n', stmt.from);
        if (eol >= 0 && eol < stmt.to) {
          const next = nextTopLevelLine(text, eol + 1, stmt.to);
          if (next > 0 && next < stmt.to) {
            text = blank(text, stmt.from, next);
            resumeAt = next;
            restart = next;
            break;
          }
        }
        continue;
      }
      interp.runTop(stmt);
    }
    if (restart < 0) break;
  }
  return { results: interp.results, diagnostics: sortDiagnostics(interp.diagnostics), stdout: session.stdout.join(''), stdoutGaps: session.stdoutGaps };
}

function sortDiagnostics(d: SnippetDiagnostic[]): SnippetDiagnostic[] {
  return d.slice().sort((a, b) => a.offset - b.offset);
}

/** The first error node inside a statement: where lezer could not continue. */
function firstError(stmt: SyntaxNode): { offset: number; length: number } | null {
  const c = stmt.cursor();
  do {
    if (c.type.isError) {
      const parent = c.node.parent;
      if (parent && isTrailingDotFloat(parent)) continue;
      return { offset: c.from, length: c.to - c.from };
    }
  } while (c.next() && c.from < stmt.to + 1 && isInside(c.from, stmt));
  return null;
}

function isInside(pos: number, stmt: SyntaxNode): boolean {
  return pos >= stmt.from && pos <= stmt.to;
}

function syntaxMessage(text: string, offset: number, length: number): string {
  if (offset >= text.length || /^\s*$/.test(text.slice(offset))) return 'SyntaxError: unexpected end of text (is a bracket or a string not closed?)';
  const what = length > 0 ? text.slice(offset, offset + Math.min(length, 30)) : text.slice(offset, offset + 1);
  if (what === '\n') return 'SyntaxError: invalid syntax: unexpected end of line';
  return `SyntaxError: invalid syntax: unexpected '${what.replace(/\n[\s\S]*$/, '')}'`;
}

/** The last bracket opened in [from, to) and not closed before `to` when a line break follows it, else -1. */
function unclosedBracket(text: string, from: number, to: number): number {
  const stack: number[] = [];
  for (let i = from; i < to && i < text.length; i++) {
    const c = text[i];
    if (c === '#') { const nl = text.indexOf('\n', i); if (nl < 0) break; i = nl; continue; }
    if (c === "'" || c === '"') { i = skipString(text, i) - 1; continue; }
    if (c === '(' || c === '[' || c === '{') stack.push(i);
    else if (c === ')' || c === ']' || c === '}') stack.pop();
  }
  if (!stack.length) return -1;
  // the outermost one: recovery re-parses from the next line and finds the inner ones
  return text.slice(stack[0], to).includes('\n') || to >= text.length ? stack[0] : -1;
}

/** Start of the first line in [from, limit) that begins with a non-blank character at column 0 (a new top-level statement). */
function nextTopLevelLine(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 35 && c !== 41 && c !== 93 && c !== 125) return i;
    const nl = text.indexOf('\n', i);
    if (nl < 0) return -1;
    i = nl + 1;
  }
  return -1;
}

/** Replaces [from, to) with blanks, keeping line breaks (offsets and lines stay valid). */
function blank(text: string, from: number, to: number): string {
  return text.slice(0, from) + text.slice(from, to).replace(/[^\n\r]/g, ' ') + text.slice(to);
}

/** A big literal replaced in the parsed text: [cStart, cEnd) there stands for [oStart, oEnd) in the user's text. */
interface Region { cStart: number; cEnd: number; oStart: number; oEnd: number }

/** Maps an offset in the parsed (compacted) text to the user's text. */
function offsetMapper(regions: Region[]): (c: number) => number {
  if (!regions.length) return (c) => c;
  return (c) => {
    let lo = 0, hi = regions.length - 1, k = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (regions[mid].cStart <= c) { k = mid; lo = mid + 1; } else hi = mid - 1; }
    if (k < 0) return c;
    const r = regions[k];
    if (c < r.cEnd) return r.oStart + Math.min(c - r.cStart, r.oEnd - r.oStart);
    return c - r.cEnd + r.oEnd;
  };
}

interface Prescan {
  regions?: Region[];
  text: string;
  literals: Map<string, Tensor>;
  notes: { offset: number; length: number; message: string; severity: 'info' | 'warning' }[];
  error?: { offset: number; length: number; message: string };
}

const QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"' };

/**
 * Before the Python parser: normalises what blogs do to code (curly quotes, en-dash minus, non-breaking spaces;
 * same length, so offsets hold), refuses bracket nesting past the limit (the parser would overflow its stack),
 * and replaces big numeric literals by names the fast scanner fills.
 */
function prescan(source: string, limits: Limits): Prescan {
  const notes: Prescan['notes'] = [];
  let text = source;
  const curly = /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033]/.exec(text);
  if (curly) {
    notes.push({ offset: curly.index, length: 1, severity: 'info', message: `Curly quotes (${curly[0]}) read as straight quotes; Python would raise SyntaxError on them.` });
    text = text.replace(/[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033]/g, (c) => QUOTES[c]);
  }
  const dash = /[\u2013\u2212]/.exec(text);
  if (dash) {
    notes.push({ offset: dash.index, length: 1, severity: 'info', message: `'${dash[0]}' read as a minus sign '-'.` });
    text = text.replace(/[\u2013\u2212]/g, '-');
  }
  // IPython magics and shell escapes in notebook cells (`%matplotlib inline`, `!pip install ...`): not Python, blanked
  if (/^[ \t]*[%!]/m.test(text)) {
    text = text.replace(/^([ \t]*)([%!][^\n]*)/gm, (_m, indent: string, magic: string, off: number) => {
      notes.push({ offset: off + indent.length, length: magic.length, severity: 'info', message: `${magic.startsWith('%') ? 'IPython magic' : 'shell command'} skipped` });
      return indent + ' '.repeat(magic.length);
    });
  }
  // `1.e-7` would parse as (1).e - 7: write it `1e-07` (same length) for the parser.
  if (/\d\.[eE][+-]?\d/.test(text)) text = text.replace(/(\d)\.([eE])([+-]?)(\d)/g, '$1$2$30$4');
  if (/[\u00a0\u200b\ufeff]/.test(text)) text = text.replace(/[\u00a0\u200b\ufeff]/g, ' ');

  const literals = new Map<string, Tensor>();
  const subs: { from: number; to: number; name: string }[] = [];
  const n = text.length;
  let depth = 0;
  const maxDepth = Math.max(8, limits.maxDepth);
  /** Offsets of the open brackets, outermost first (at most maxDepth): the refusal of deep input names its argument. */
  const opens: number[] = [];
  let noCandidateUntil = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) { const nl = text.indexOf('\n', i); if (nl < 0) break; i = nl; continue; }
    if (c === 39 || c === 34) { i = skipString(text, i) - 1; continue; }
    if (c === 40 || c === 91 || c === 123) {
      if (c === 91 && i >= noCandidateUntil && !isSubscript(text, i)) {
        // Common case first: the whole bracket is a literal (one pass of the scanner).
        let direct: { tensor: Tensor; end: number } | null = null;
        let failedAt = -1;
        try {
          direct = scanArrayLiteral(text, i, 'array', 0, limits);
        } catch (e) {
          if (e instanceof LossInspectorError) {
            failedAt = e.details.offset ?? i;
            if ((e.details.code === 'ragged' || e.details.code === 'limit') && failedAt - i >= BIG_LITERAL) {
              return { text, literals, notes, error: { offset: failedAt, length: e.details.length ?? 1, message: e.message.replace(/^array: /, '') } };
            }
          } else throw e;
        }
        if (direct) {
          noCandidateUntil = direct.end;
          if (direct.end - i >= BIG_LITERAL) {
            const name = `__lit${subs.length}`;
            literals.set(name, direct.tensor);
            subs.push({ from: i, to: direct.end, name });
            i = direct.end - 1;
            continue;
          }
        }
        // Not one literal (names, comprehensions, ...): big literals may still sit inside it.
        const seg = direct || failedAt - i < BIG_LITERAL ? { segments: [], stop: direct ? direct.end : failedAt } : numericSegments(text, i);
        noCandidateUntil = seg.stop;
        for (const [from, to] of seg.segments) {
          try {
            const { tensor, end } = scanArrayLiteral(text, from, 'array', 0, limits, to);
            if (end !== to) continue;
            const name = `__lit${subs.length}`;
            literals.set(name, tensor);
            subs.push({ from, to, name });
          } catch (e) {
            if (e instanceof LossInspectorError && (e.details.code === 'ragged' || e.details.code === 'limit')) {
              return { text, literals, notes, error: { offset: e.details.offset ?? from, length: e.details.length ?? 1, message: e.message.replace(/^array: /, '') } };
            }
          }
        }
        if (subs.length && subs[subs.length - 1].from === i) { i = subs[subs.length - 1].to - 1; continue; }
      }
      if (++depth > maxDepth) {
        const arg = argumentOf(text, opens);
        return { text, literals, notes, error: { offset: i, length: 1, message: `${arg ? `\`${arg}\`: b` : 'B'}rackets nested deeper than ${maxDepth} levels (the nesting limit); nothing evaluated.` } };
      }
      opens.push(i);
      continue;
    }
    if (c === 41 || c === 93 || c === 125) { if (depth > 0) { depth--; opens.pop(); } }
  }
  // The parser sees `(__litK)` in place of each big literal; `regions` maps its offsets back to the user's text.
  const regions: Region[] = [];
  if (subs.length) {
    const parts: string[] = [];
    let last = 0;
    let c = 0;
    for (const s of subs) {
      const before = text.slice(last, s.from);
      parts.push(before);
      c += before.length;
      // keep the literal's line breaks so line numbers in the parsed text stay the user's (user functions report lines)
      let nl = 0;
      for (let k = text.indexOf('\n', s.from); k >= 0 && k < s.to; k = text.indexOf('\n', k + 1)) nl++;
      const ph = `(${s.name}${'\n'.repeat(nl)})`;
      parts.push(ph);
      regions.push({ cStart: c, cEnd: c + ph.length, oStart: s.from, oEnd: s.to });
      c += ph.length;
      last = s.to;
    }
    parts.push(text.slice(last));
    text = parts.join('');
  }
  return { text, literals, notes, regions };
}

function skipString(text: string, i: number): number {
  const q = text[i];
  const triple = text.startsWith(q + q + q, i);
  if (triple) {
    const end = text.indexOf(q + q + q, i + 3);
    return end < 0 ? text.length : end + 3;
  }
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') { j++; continue; }
    if (c === q) return j + 1;
    if (c === '\n') return j;
  }
  return text.length;
}

/** `x[...]`, `f()[...]`: a subscript, not a list literal. */
function isSubscript(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  if (j < 0) return false;
  const c = text[j];
  return /[\w)\]'"]/.test(c);
}

const NUMERIC_CHARS = new Uint8Array(128);
for (const ch of '0123456789.,eE+-_ \t\r\n[]()naifNIT') NUMERIC_CHARS[ch.charCodeAt(0)] = 1;

/** From a `[`: the maximal bracketed segments of at least BIG_LITERAL chars made only of number characters. */
function numericSegments(text: string, start: number): { segments: [number, number][]; stop: number } {
  const open: number[] = [];
  const done: [number, number][] = [];
  let i = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || !NUMERIC_CHARS[c]) break;
    if (c === 91 || c === 40) open.push(i);
    else if (c === 93 || c === 41) {
      const o = open.pop();
      if (o === undefined) break;
      if (i + 1 - o >= BIG_LITERAL && text.charCodeAt(o) === 91) {
        while (done.length && done[done.length - 1][0] > o) done.pop();
        done.push([o, i + 1]);
      }
      if (!open.length) { i++; break; }
    }
  }
  return { segments: done, stop: i };
}

/** The name a run of open brackets is bound to (`y_true = [[[`, `axis=[[`), innermost binding first; null if none. */
function argumentOf(text: string, opens: number[]): string | null {
  for (let k = opens.length - 1; k >= 0; k--) {
    const m = /([A-Za-z_]\w*)\s*=\s*$/.exec(text.slice(Math.max(0, opens[k] - 64), opens[k]));
    if (m) return m[1]; // `==`, `<=`, `!=` cannot match: the `=` must follow the name
  }
  return null;
}


