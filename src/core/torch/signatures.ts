/**
 * The Python signatures of torch 1.13's loss modules and functionals, as `inspect.signature` reports them: which
 * constructor and functional keywords may also be given by position, in which order (legacy size_average/reduce
 * included), which are keyword-only (after `*`), and forward()'s own argument names (PoissonNLLLoss's forward
 * calls its input `log_input`). test/unit/torch/signatures.test.ts checks this table against
 * test/fixtures/torch/signatures.json, written by torch itself (scripts/fixtures/torch_signatures.py).
 */
export interface TorchSignature {
  /** __init__'s parameters after self that may be given by position, in order. */
  init: string[];
  /** __init__'s keyword-only parameters (after `*`). */
  initKwOnly?: string[];
  /** The functional's parameters after the tensors that may be given by position, in order. */
  fn: string[];
  /** The functional's keyword-only parameters. */
  fnKwOnly?: string[];
  /** forward()'s argument names when they differ from the functional's. */
  forward?: string[];
}

const LEGACY3 = ['size_average', 'reduce', 'reduction'];

export const TORCH_SIGNATURES: Record<string, TorchSignature> = {
  L1Loss: { init: LEGACY3, fn: LEGACY3 },
  MSELoss: { init: LEGACY3, fn: LEGACY3 },
  CrossEntropyLoss: { init: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'], fn: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'] },
  CTCLoss: { init: ['blank', 'reduction', 'zero_infinity'], fn: ['blank', 'reduction', 'zero_infinity'] },
  NLLLoss: { init: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'], fn: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'] },
  PoissonNLLLoss: { init: ['log_input', 'full', 'size_average', 'eps', 'reduce', 'reduction'], fn: ['log_input', 'full', 'size_average', 'eps', 'reduce', 'reduction'], forward: ['log_input', 'target'] },
  GaussianNLLLoss: { init: [], initKwOnly: ['full', 'eps', 'reduction'], fn: ['full', 'eps', 'reduction'] },
  KLDivLoss: { init: [...LEGACY3, 'log_target'], fn: [...LEGACY3, 'log_target'] },
  BCELoss: { init: ['weight', ...LEGACY3], fn: ['weight', ...LEGACY3] },
  BCEWithLogitsLoss: { init: ['weight', ...LEGACY3, 'pos_weight'], fn: ['weight', ...LEGACY3, 'pos_weight'] },
  MarginRankingLoss: { init: ['margin', ...LEGACY3], fn: ['margin', ...LEGACY3] },
  HingeEmbeddingLoss: { init: ['margin', ...LEGACY3], fn: ['margin', ...LEGACY3] },
  MultiLabelMarginLoss: { init: LEGACY3, fn: LEGACY3 },
  HuberLoss: { init: ['reduction', 'delta'], fn: ['reduction', 'delta'] },
  SmoothL1Loss: { init: [...LEGACY3, 'beta'], fn: [...LEGACY3, 'beta'] },
  SoftMarginLoss: { init: LEGACY3, fn: LEGACY3 },
  MultiLabelSoftMarginLoss: { init: ['weight', ...LEGACY3], fn: ['weight', ...LEGACY3] },
  CosineEmbeddingLoss: { init: ['margin', ...LEGACY3], fn: ['margin', ...LEGACY3] },
  MultiMarginLoss: { init: ['p', 'margin', 'weight', ...LEGACY3], fn: ['p', 'margin', 'weight', ...LEGACY3] },
  TripletMarginLoss: { init: ['margin', 'p', 'eps', 'swap', ...LEGACY3], fn: ['margin', 'p', 'eps', 'swap', ...LEGACY3] },
  TripletMarginWithDistanceLoss: { init: [], initKwOnly: ['distance_function', 'margin', 'swap', 'reduction'], fn: [], fnKwOnly: ['distance_function', 'margin', 'swap', 'reduction'] },
};

/** "'a'", "'a' and 'b'", "'a', 'b', and 'c'": how Python lists missing arguments. */
function pyNames(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 2) return q.join(' and ');
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/**
 * Binds a call's positional and keyword arguments to a Python signature the way CPython does, returning the values by
 * name, or Python's TypeError message. `owner` is the function's qualified name as Python prints it
 * ('HuberLoss.__init__', 'huber_loss'); `self` counts one more positional as Python's messages do; `anyKeyword`:
 * unknown keywords are left to the caller (its message lists what the function takes).
 */
export function bindPython<V>(owner: string, required: string[], optional: string[], kwOnly: string[], args: V[], kwargs: [string, V][], self: boolean, anyKeyword = false):
  { values: Map<string, V>; error?: undefined } | { values?: undefined; error: string } {
  const positional = [...required, ...optional];
  const s = self ? 1 : 0;
  if (args.length > positional.length) {
    const lo = required.length + s, hi = positional.length + s;
    const takes = lo === hi ? `${hi} positional argument${hi === 1 ? '' : 's'}` : `from ${lo} to ${hi} positional arguments`;
    return { error: `${owner}() takes ${takes} but ${args.length + s} ${args.length + s === 1 ? 'was' : 'were'} given` };
  }
  const values = new Map<string, V>();
  args.forEach((a, i) => values.set(positional[i], a));
  for (const [k, v] of kwargs) {
    if (!positional.includes(k) && !kwOnly.includes(k) && !anyKeyword) return { error: `${owner}() got an unexpected keyword argument '${k}'` };
    if (values.has(k)) return { error: `${owner}() got multiple values for argument '${k}'` };
    values.set(k, v);
  }
  const missing = required.filter((r) => !values.has(r));
  if (missing.length) return { error: `${owner}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${pyNames(missing)}` };
  return { values };
}
