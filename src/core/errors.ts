/** The one error type the core throws for bad input. Anything else escaping the core is a bug. */

export interface ErrorDetails {
  /** Loss class or function the error is about (e.g. "BinaryCrossentropy"). */
  loss?: string;
  /** Argument name: y_true, y_pred, sample_weight, delta, ... */
  argument?: string;
  expected?: string;
  received?: string;
  /** Offset and length in the user's selection/source, when known. */
  offset?: number;
  length?: number;
  /** Machine-readable code, e.g. 'shape', 'param', 'unknown-loss', 'syntax', 'limit'. */
  code?: string;
  /** Suggestions (closest names) for unknown names. */
  suggestions?: string[];
  /** The exception torch raises on the same call (torch losses): its type and exact message. */
  torch?: { type: string; message: string };
}

export class LossInspectorError extends Error {
  readonly details: ErrorDetails;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'LossInspectorError';
    this.details = details;
  }
  /** A copy that points at a place in the source (keeps the innermost position if one is set). */
  at(offset: number, length: number): LossInspectorError {
    if (this.details.offset !== undefined) return this;
    const e = new LossInspectorError(this.message, { ...this.details, offset, length });
    return e;
  }
}

/** Builds the standard message: "Huber: argument `delta`: expected a number > 0, received -1." */
export function argError(loss: string, argument: string, expected: string, received: string, code = 'argument', extra: Partial<ErrorDetails> = {}): LossInspectorError {
  return new LossInspectorError(`${loss}: argument \`${argument}\`: expected ${expected}, received ${received}.`, {
    loss, argument, expected, received, code, ...extra,
  });
}

/** Python-style repr of a JS value for messages. */
export function pyRepr(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  // Three levels are enough for a message (and the walk stays shallow whatever the input's depth).
  if (Array.isArray(v)) return depth >= 3 ? '[...]' : `[${v.slice(0, 8).map((x) => pyRepr(x, depth + 1)).join(', ')}${v.length > 8 ? ', ...' : ''}]`;
  if (typeof v === 'object') return '{...}';
  return String(v);
}
