/** Resolves user-given constructor/function arguments against a loss's parameter specs. */
import { argError, pyRepr, LossInspectorError } from './errors';
import type { Config, LossSpec, ParamSpec, ParamValue, Reduction } from './spec';
import { closest } from './suggest';
import { MAX_NESTING, nestingDepth, tooDeep } from './tensor';

/** Parameters every loss class accepts besides its own. */
export const COMMON_PARAMS: ParamSpec[] = [
  { name: 'reduction', type: 'enum', default: 'sum_over_batch_size', doc: 'How the weighted per-sample losses are reduced: "sum_over_batch_size" (= "mean", the default: Σ/element count), "sum", "mean_with_sample_weight" (Σ/Σweights), or None/"none" (no reduction).', choices: ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none', null] },
  { name: 'name', type: 'string', default: null, doc: 'Name of the loss instance.' },
  { name: 'dtype', type: 'enum', default: null, doc: 'Loss dtype; None means keras.config.floatx() = "float32". Inputs are cast to it.', choices: [null, 'float32', 'float64'] },
];

/**
 * For function-only frameworks (optax), the dtype is not an argument but the arrays' own: JAX computes float32 unless
 * jax_enable_x64 is on and the arrays are float64. Accepted as `dtype` so a request can say which.
 */
export const ARRAY_DTYPE: ParamSpec = { name: 'dtype', type: 'enum', default: null, doc: 'Not an argument of the function: the dtype of the input arrays. None = float32 (JAX\'s default); "float64" needs jax_enable_x64.', choices: [null, 'float32', 'float64'] };

const REDUCTION_SPELLINGS: Record<string, Reduction> = {
  sum_over_batch_size: 'sum_over_batch_size', sum: 'sum', mean: 'mean', mean_with_sample_weight: 'mean_with_sample_weight',
  none: 'none', auto: 'sum_over_batch_size',
  // tf.keras.losses.Reduction.X (Keras 2 enum); the snippet evaluator passes them as 'Reduction.X'.
  'Reduction.SUM_OVER_BATCH_SIZE': 'sum_over_batch_size', 'Reduction.SUM': 'sum', 'Reduction.NONE': 'none', 'Reduction.AUTO': 'sum_over_batch_size',
  SUM_OVER_BATCH_SIZE: 'sum_over_batch_size', SUM: 'sum', NONE: 'none', AUTO: 'sum_over_batch_size',
};

/** Maps any reduction spelling users paste (Keras 3 strings, Keras 2 'auto' and the Reduction enum) to Keras 3's meaning. */
export function normalizeReduction(loss: string, v: ParamValue, base: 'keras3' | 'keras2', notes?: string[]): Reduction {
  if (v === null) return 'none';
  if (typeof v !== 'string' || !Object.hasOwn(REDUCTION_SPELLINGS, v)) {
    throw argError(loss, 'reduction', `one of "sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none" or None`, pyRepr(v), 'param');
  }
  const r = REDUCTION_SPELLINGS[v];
  if (base === 'keras2' && r === 'mean_with_sample_weight') {
    throw argError(loss, 'reduction', 'a Keras 2 reduction ("auto", "none", "sum", "sum_over_batch_size"): this is a tfa loss on the Keras 2 base class', pyRepr(v), 'param');
  }
  if (notes && base === 'keras3' && (v === 'auto' || v.startsWith('Reduction.') || v === v.toUpperCase())) {
    notes.push(`reduction=${v.startsWith('Reduction.') ? 'tf.keras.losses.' + v : pyRepr(v)} is a Keras 2 spelling (Keras 3 raises on it); evaluated as its meaning, "${r}".`);
  }
  return r;
}

function isNum(v: unknown): v is number { return typeof v === 'number'; }

/** Checks one parameter value against its spec; returns the normalised value. */
/** A number, or a non-empty nested list of numbers whose rows at each depth have equal lengths. */
function isRectangular(v: ParamValue, leaf: (x: unknown) => boolean = isNum): boolean {
  if (leaf(v)) return true;
  if (!Array.isArray(v) || v.length === 0) return false;
  const first = v[0];
  if (leaf(first)) return v.every(leaf);
  if (!Array.isArray(first)) return false;
  return v.every((row) => Array.isArray(row) && row.length === first.length && isRectangular(row as ParamValue, leaf));
}
const isBoolOrNum = (x: unknown): boolean => typeof x === 'boolean' || isNum(x);

export function checkParam(loss: string, p: ParamSpec, v: ParamValue): ParamValue {
  const bad = (expected: string) => argError(loss, p.name, expected, pyRepr(v), 'param');
  const range = (x: number) => {
    if (p.min !== undefined && (p.exclusiveMin ? !(x > p.min) : !(x >= p.min))) throw bad(`a number ${p.exclusiveMin ? '>' : '≥'} ${p.min}${p.max !== undefined ? ` and ${p.exclusiveMax ? '<' : '≤'} ${p.max}` : ''}`);
    if (p.max !== undefined && (p.exclusiveMax ? !(x < p.max) : !(x <= p.max))) throw bad(`a number ${p.exclusiveMax ? '<' : '≤'} ${p.max}${p.min !== undefined ? ` and ${p.exclusiveMin ? '>' : '≥'} ${p.min}` : ''}`);
  };
  switch (p.type) {
    case 'float':
      if (typeof v === 'boolean') return checkParam(loss, p, v ? 1 : 0);
      if (!isNum(v)) throw bad('a number');
      range(v); return v;
    case 'int':
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (!isNum(v) || !Number.isInteger(v)) throw bad('an integer');
      range(v); return v;
    case 'intOrNone':
      if (v === null) return null;
      if (!isNum(v) || !Number.isInteger(v)) throw bad('an integer or None');
      range(v); return v;
    case 'floatOrNone':
      if (v === null) return null;
      if (typeof v === 'boolean') return checkParam(loss, p, v ? 1 : 0);
      if (!isNum(v)) throw bad('a number or None');
      range(v); return v;
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 0 || v === 1) return v === 1;
      throw bad('True or False');
    case 'enum':
      if (!p.choices!.includes(v as string | null)) throw bad(`one of ${p.choices!.map((c) => pyRepr(c)).join(', ')}`);
      return v;
    case 'string':
      if (v !== null && typeof v !== 'string') throw bad('a string or None');
      return v;
    case 'floatOrList':
      if (isNum(v)) { range(v); return v; }
      if (Array.isArray(v) && v.length > 0 && v.every(isNum)) { (v as number[]).forEach(range); return v; }
      throw bad('a number or a list of numbers');
    case 'arrayOrNone':
      if (v === null || isRectangular(v)) return v;
      throw bad('an array of numbers (a rectangular nested list) or None');
    case 'maskOrNone':
      if (v === null || isRectangular(v, isBoolOrNum)) return v;
      throw bad('a boolean mask (a rectangular nested list of True/False) or None');
    case 'axis':
      if (v === null) return null;
      if (isNum(v) && Number.isInteger(v)) return v;
      if (Array.isArray(v) && v.every((x) => isNum(x) && Number.isInteger(x))) return v;
      throw bad('an integer axis, a list/tuple of axes, or None');
  }
}

/**
 * Resolves kwargs for `spec` (class form when `isClass`), filling defaults and validating every value.
 * Unknown parameters are errors that list the accepted ones and the closest match.
 */
export function resolveConfig(spec: LossSpec, kwargs: Record<string, ParamValue>, isClass = true, notes?: string[]): Config {
  const loss = isClass ? spec.id : (spec.functionName ?? spec.id);
  const params = allParams(spec, isClass);
  const cfg: Config = {};
  for (const p of params) cfg[p.name] = p.default;
  // Own keys only, compared by name: `__proto__`, `constructor` or `toString` are unknown parameters like any other.
  for (const [k, v] of Object.entries(kwargs)) {
    const p = params.find((q) => q.name === k);
    if (!p) {
      const near = closest(k, params.map((q) => q.name), 2);
      throw new LossInspectorError(`${loss}: unexpected argument \`${k}\`${near.length ? `; did you mean \`${near[0]}\`?` : '.'} Accepted: ${params.map((q) => q.name).join(', ')}.`,
        { loss, argument: k, expected: `one of ${params.map((q) => q.name).join(', ')}`, received: k, code: 'unknown-param', suggestions: near });
    }
    if (nestingDepth(v) > MAX_NESTING) throw tooDeep(loss, k);
    if (p.name === 'reduction') cfg.reduction = normalizeReduction(loss, v, spec.base, notes);
    else cfg[k] = checkParam(loss, p, v);
  }
  if (isClass && cfg.reduction === undefined) cfg.reduction = spec.defaultReduction;
  for (const p of params) if (p.required && (cfg[p.name] === null || cfg[p.name] === undefined)) {
    throw argError(loss, p.name, 'a value (this argument is required)', 'nothing', 'param');
  }
  spec.validate?.(cfg);
  return cfg;
}

/** The full parameter list of the class (own params + reduction/name/dtype) or the function (own params). */
export function allParams(spec: LossSpec, isClass = true): ParamSpec[] {
  if (spec.functionOnly) return [...(spec.functionParams ?? spec.params), ARRAY_DTYPE];
  if (!isClass) return spec.functionParams ?? spec.params;
  const common = COMMON_PARAMS.map((p) => p.name === 'reduction' ? { ...p, default: spec.defaultReduction } : p.name === 'name' ? { ...p, default: spec.defaultName } : p);
  return [...spec.params, ...common.filter((p) => !(spec.fixedReduction && p.name === 'reduction'))];
}

/** A parameter value as Python writes it: floats keep their `.0` (`delta=1.0`, `gamma=2.0`), the rest as pyRepr. */
export function paramRepr(p: Pick<ParamSpec, 'type'> & Partial<ParamSpec>, v: unknown): string {
  const float = p.type === 'float' || p.type === 'floatOrList' || (p.type as string) === 'floatOrNone';
  const f = (x: unknown): string => (typeof x === 'number' && Number.isInteger(x) && float ? `${x}.0` : Array.isArray(x) ? `[${x.map(f).join(', ')}]` : pyRepr(x));
  return f(v);
}
