/**
 * The snippet engine's contract as the extension uses it. TEMPORARY local adapter until
 * `src/core/snippet/index.ts` lands: then this file only re-exports from there.
 */
import type { EvalRequest, EvalResult } from '../core/evaluate';
import type { Tensor } from '../core/tensor';
import { parseArrayLiteral } from '../core/literal';
import { fromNested } from '../core/tensor';

export interface SnippetResult {
  line: number; column: number; offset: number; end: number; lineEnd: number;
  text: string; printed: string; result: EvalResult; request?: EvalRequest; notes: string[];
}
export interface SnippetDiagnostic { offset: number; length: number; line: number; column: number; message: string; severity: 'error' | 'warning' | 'info' }
export interface SnippetOptions { maxInputChars?: number; maxDepth?: number }

export function evaluateSnippet(source: string, _opts?: SnippetOptions): { results: SnippetResult[]; diagnostics: SnippetDiagnostic[] } {
  return { results: [], diagnostics: [{ offset: 0, length: Math.min(source.length, 1), line: 1, column: 1, message: 'The snippet evaluator is not built yet.', severity: 'info' }] };
}

/** Two top-level bracketed literals separated by a comma/newline/semicolon. */
function splitTwo(text: string): [number, number, number, number] | null {
  const spans: [number, number][] = [];
  let depth = 0, start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '(') { if (depth === 0) start = i; depth++; }
    else if (c === ']' || c === ')') { depth--; if (depth === 0) spans.push([start, i + 1]); }
  }
  return spans.length === 2 ? [spans[0][0], spans[0][1], spans[1][0], spans[1][1]] : null;
}

export function classifySelection(text: string): 'arrays' | 'snippet' {
  const s = splitTwo(text);
  if (!s) return 'snippet';
  const rest = text.slice(0, s[0]) + text.slice(s[1], s[2]) + text.slice(s[3]);
  return /^[\s,;]*$/.test(rest) ? 'arrays' : 'snippet';
}

export function parseTwoArrays(text: string): { yTrue: Tensor; yPred: Tensor; sampleWeight?: Tensor; ranges: [number, number][] } {
  const s = splitTwo(text);
  if (!s) throw new Error('expected two array literals');
  return {
    yTrue: fromNested(parseArrayLiteral(text.slice(s[0], s[1]), 'y_true')),
    yPred: fromNested(parseArrayLiteral(text.slice(s[2], s[3]), 'y_pred')),
    ranges: [[s[0], s[1]], [s[2], s[3]]],
  };
}
