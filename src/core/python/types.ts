/** What evaluating a snippet produces: results attached to source lines, and diagnostics. */
import type { EvalResult, EvalRequest } from '../evaluate';

/** One evaluated loss call. Offsets are UTF-16 indices into the evaluated text; lines and columns are 1-based. */
export interface SnippetResult {
  /** 1-based line where the evaluated call starts. */
  line: number;
  /** 1-based column where the evaluated call starts. */
  column: number;
  /** Source range of the whole statement/expression holding the call. */
  offset: number;
  end: number;
  /** 1-based last line of the statement (decorations go at its end). */
  lineEnd: number;
  /** The statement's text. */
  text: string;
  /** The value as Keras prints `.numpy()` of it: `0.2876821`, `array([0.9162905 , 0.5919184 ], dtype=float32)`. */
  printed: string;
  result: EvalResult;
  /** Built-in losses: the request to re-evaluate with changed parameters (arrays as Tensors). */
  request?: EvalRequest;
  /** Notes about this statement (e.g. `.NumPy()` would raise in Python; Keras 2 spellings). */
  notes: string[];
}

export interface SnippetDiagnostic {
  offset: number;
  length: number;
  /** 1-based line and column of `offset`. */
  line: number;
  column: number;
  message: string;
  /** error: the statement failed (bad input, syntax); warning: evaluated, but Python would differ; info: skipped/not evaluated. */
  severity: 'error' | 'warning' | 'info';
}
