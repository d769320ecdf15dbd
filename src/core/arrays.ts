/**
 * Selections of plain array literals: telling them from a snippet, reading two or three of them, and the default
 * limits. Kept apart from the Python interpreter (python/, on @lezer/python) so that the extension reaches these
 * without loading the Python parser, which it loads on the first snippet only.
 */
import { LossInspectorError } from './errors';
import { DEFAULT_LITERAL_LIMITS, scanArrayLiteral } from './literal';
import type { Tensor } from './tensor';
import type { LiteralLimits } from './literal';

/** Evaluation limits of a selection (literals and snippets). The extension exposes them as settings. */
export interface Limits extends LiteralLimits {
  /** Statements (and loop iterations) executed per top-level statement. */
  maxSteps: number;
  /** Nesting depth of expressions. */
  maxExprDepth: number;
  /** Wall-clock budget for one evaluation, in milliseconds. */
  maxMillis: number;
  /** Elements of any one tensor the evaluator creates (np.zeros((1e6, 1e6)) is refused). */
  maxTensorElements: number;
  /** Tensor elements allocated in total by one evaluation. */
  maxTotalElements: number;
}

/** Default evaluation limits. */
export const DEFAULT_LIMITS: Limits = {
  ...DEFAULT_LITERAL_LIMITS,
  maxSteps: 200_000,
  maxExprDepth: 100,
  maxMillis: 3000,
  maxTensorElements: 20_000_000,
  maxTotalElements: 160_000_000,
};

/**
 * A selection of two (optionally three) array literals: `[..], [..]`, one per line, or assignments
 * `y_true = [...]\ny_pred = [...]` (names y_true/labels/targets, y_pred/preds/logits, sample_weight/weights
 * are honoured; otherwise the order is y_true, y_pred, sample_weight). Throws LossInspectorError.
 */
/** One literal of a selection, in source order: the name it was assigned to (`logits = [...]`), if any. */
export interface ArrayItem { name: string | null; tensor: Tensor; start: number; end: number }

export interface TwoArrays {
  yTrue: Tensor; yPred: Tensor; sampleWeight?: Tensor;
  ranges: { start: number; end: number }[];
  /** Every literal in source order (offsets like `ranges`): torch assigns its own roles (input first). */
  items: ArrayItem[];
}

export function parseTwoArrays(text: string, opts: { limits?: Partial<Limits>; baseOffset?: number } = {}): TwoArrays {
  try {
    return parseTwoArraysUnguarded(text, opts);
  } catch (e) {
    if (e instanceof LossInspectorError) throw e;
    throw new LossInspectorError(`Could not read the arrays: ${e instanceof Error ? e.message : String(e)}`, { code: 'internal', offset: opts.baseOffset ?? 0, length: 0 });
  }
}

function parseTwoArraysUnguarded(text: string, opts: { limits?: Partial<Limits>; baseOffset?: number }): TwoArrays {
  const limits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
  const base = opts.baseOffset ?? 0;
  const found: { name: string | null; tensor: Tensor; start: number; end: number }[] = [];
  const order = ['y_true', 'y_pred', 'sample_weight'];
  let i = 0;
  const n = text.length;
  const assign = /([A-Za-z_][\w.]*)\s*(?::[^=\n]*)?=(?!=)\s*/y;
  for (;;) {
    // separators: blanks, comments, commas, semicolons
    for (;;) {
      while (i < n && /[\s,;]/.test(text[i])) i++;
      if (text[i] === '#' || (text[i] === '/' && text[i + 1] === '/')) { const nl = text.indexOf('\n', i); i = nl < 0 ? n : nl + 1; continue; }
      if (text[i] === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
      break;
    }
    if (i >= n) break;
    if (found.length === 3) throw new LossInspectorError('Expected two or three array literals (y_true, y_pred[, sample_weight]); found more.', { code: 'syntax', offset: base + i, length: 1 });
    assign.lastIndex = i;
    const m = assign.exec(text);
    let name: string | null = null;
    if (m && !/^(np|tf|torch|jnp|array)\b/.test(m[1])) { name = m[1].replace(/^.*\./, ''); i += m[0].length; }
    const what = roleOf(name) ?? order[found.length];
    const { tensor, from, end } = scanArrayLiteral(text, i, what, base, limits);
    found.push({ name, tensor, start: from, end });
    i = end;
  }
  if (found.length < 2) {
    throw new LossInspectorError(`Expected two array literals (y_true and y_pred), found ${found.length}.`, { code: 'syntax', offset: base, length: text.length });
  }
  const roles = new Map<string, (typeof found)[number]>();
  const rest: (typeof found)[number][] = [];
  for (const f of found) {
    const r = roleOf(f.name);
    if (r && !roles.has(r)) roles.set(r, f); else rest.push(f);
  }
  for (const r of order) if (!roles.has(r) && rest.length) roles.set(r, rest.shift()!);
  const yt = roles.get('y_true')!;
  const yp = roles.get('y_pred')!;
  const sw = roles.get('sample_weight');
  return { yTrue: yt.tensor, yPred: yp.tensor, ...(sw ? { sampleWeight: sw.tensor } : {}), ranges: found.map((f) => ({ start: base + f.start, end: base + f.end })),
    items: found.map((f) => ({ name: f.name, tensor: f.tensor, start: base + f.start, end: base + f.end })) };
}

function roleOf(name: string | null): string | null {
  if (!name) return null;
  const n = name.toLowerCase();
  if (/^(y_?true|y|labels?|targets?|truth|gt|ground_truth|y_?test|true)$/.test(n)) return 'y_true';
  if (/^(y_?pred|y_?hat|preds?|predictions?|logits|outputs?|probs|scores|pred)$/.test(n)) return 'y_pred';
  if (/^(sample_?weights?|weights?|sw|w)$/.test(n)) return 'sample_weight';
  return null;
}

const LITERAL_WORDS = new Set(['nan', 'inf', 'NaN', 'Infinity', 'True', 'False', 'true', 'false', 'None', 'null', 'dtype', 'float32', 'float64', 'int32', 'int64',
  'array', 'np.array', 'np.asarray', 'numpy.array', 'tf.constant', 'tf.convert_to_tensor', 'torch.tensor', 'jnp.array', 'np.nan', 'np.inf', 'np.float32', 'np.float64',
  'tf.float32', 'tf.float64', 'torch.float32', 'float', 'requires_grad', 'tensor', 'asarray', 'jnp.asarray', 'K.constant', 'math.inf', 'math.nan']);

/**
 * 'arrays' when the selection is only array literals (optionally assigned to names), 'snippet' when it has any
 * other Python (imports, loss constructors, calls). Cheap: a scan of the names in the text, no evaluation.
 */
export function classifySelection(text: string): 'arrays' | 'snippet' {
  if (!/[[(]/.test(text)) return 'snippet';
  const noComments = text.length > 5_000_000 ? text : text.replace(/#[^\n]*/g, '');
  const re = /(?<![\w.])[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*/g;
  let m: RegExpExecArray | null;
  let names = 0;
  while ((m = re.exec(noComments))) {
    const w = m[0];
    if (LITERAL_WORDS.has(w)) continue;
    // `name =` assignment of a literal
    const after = noComments.slice(re.lastIndex, re.lastIndex + 40);
    if (/^\s*(?::[^=\n]*)?=(?!=)\s*[-+\d.[(a-zA-Z]/.test(after) && !/^\s*=\s*[A-Za-z_][\w.]*\s*\(/.test(after.replace(/^\s*=\s*(np\.array|np\.asarray|tf\.constant|torch\.tensor|jnp\.array|array)\s*\(/, '= ['))) { names++; continue; }
    if (/^e\d*$/i.test(w)) continue;
    return 'snippet';
  }
  void names;
  return 'arrays';
}
