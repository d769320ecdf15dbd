/**
 * The `grad_fn=<…>` torch 1.13 prints on the result of an operation on tensors that require grad, named from the
 * torch-level call the user wrote (our ops are composites: softmax is exp/sum/div inside, so the name comes from the
 * call, not from the tape). Each name here was read from torch 1.13 (`out.grad_fn.name()`); a result we cannot name
 * keeps no label, and printing it is left out and named instead of guessed.
 */
import type { Value, TensorValue } from './values';
import type { Node } from './autodiff';
import type { Index } from './operators';

const SIMPLE: Record<string, string> = {
  softmax: 'SoftmaxBackward0', log_softmax: 'LogSoftmaxBackward0', sigmoid: 'SigmoidBackward0', exp: 'ExpBackward0',
  log: 'LogBackward0', abs: 'AbsBackward0', absolute: 'AbsBackward0', sqrt: 'SqrtBackward0', tanh: 'TanhBackward0', relu: 'ReluBackward0',
  log1p: 'Log1PBackward0', neg: 'NegBackward0', negative: 'NegBackward0', square: 'PowBackward0', sin: 'SinBackward0', cos: 'CosBackward0',
  view: 'ViewBackward0', transpose: 'TransposeBackward0', permute: 'PermuteBackward0', t: 'TBackward0', unsqueeze: 'UnsqueezeBackward0',
  cat: 'CatBackward0', concat: 'CatBackward0', stack: 'StackBackward0', where: 'WhereBackward0', maximum: 'MaximumBackward0',
  minimum: 'MinimumBackward0', mul: 'MulBackward0', multiply: 'MulBackward0', add: 'AddBackward0', sub: 'SubBackward0',
  subtract: 'SubBackward0', div: 'DivBackward0', divide: 'DivBackward0', true_divide: 'DivBackward0', double: 'ToCopyBackward0',
};

/** Ops whose grad_fn name depends on whether a dim was given: [without, with]. */
const BY_DIM: Record<string, [string, string | null]> = {
  sum: ['SumBackward0', 'SumBackward1'], mean: ['MeanBackward0', 'MeanBackward1'], squeeze: ['SqueezeBackward0', 'SqueezeBackward1'],
  // max/min with a dim return (values, indices): not a tensor, not labelled here
  max: ['MaxBackward1', null], min: ['MinBackward1', null], amax: ['AmaxBackward0', 'AmaxBackward0'],
};

const VIEWS_OF_TRANSPOSED = new Set(['TransposeBackward0', 'PermuteBackward0', 'TBackward0']);

function nodeOfValue(v: Value | undefined): Node | undefined {
  return v && v.kind === 'tensor' ? v.node : undefined;
}

/**
 * Arithmetic whose float32 result in torch can differ in the last bits from the float64 one rounded once: the
 * transcendentals (torch's vectorised exp/log are not correctly rounded). +, −, ×, ÷, sqrt and means of exactly
 * representable values are correctly rounded in both, so an integer result there is an integer in torch too.
 */
const INEXACT = new Set(['softmax', 'log_softmax', 'sigmoid', 'exp', 'log', 'tanh', 'log1p', 'sin', 'cos', 'cosine_similarity',
  'pairwise_distance', 'logsumexp', 'softplus', 'normalize', 'expm1']);

/**
 * Sets the label of a fresh result node (not one of the inputs) that requires grad, and marks it inexact when it or
 * any input is.
 */
function set(out: Value, label: string | null, inputs: (Value | undefined)[], inexact = false): Value {
  if (out.kind !== 'tensor') return out;
  const n = (out as TensorValue).node;
  if (!n || inputs.some((i) => nodeOfValue(i) === n)) return out;
  if (inexact || inputs.some((i) => nodeOfValue(i)?.inexact)) n.inexact = true;
  if (inputs.some((i) => i?.kind === 'tensor' && (i.numpy || i.node?.numpy))) n.numpy = true;
  if (!label || !n.requiresGrad || n.label) return out;
  n.label = label;
  return out;
}

function rankOf(v: Value | undefined): number | null {
  if (!v) return null;
  if (v.kind === 'tensor') return v.tensor.shape.length;
  return null;
}

/**
 * Labels the result of `torch.name(args)` / `F.name(args)` / `x.name(args)` (for methods `args[0]` is the tensor).
 * `hasDim`: a dim/axis argument was given (positionally or by keyword).
 */
export function labelCall(out: Value, name: string, args: Value[], kwargs: Map<string, Value>, method: boolean): Value {
  const inputs = [...args, ...kwargs.values()];
  const first = args[0];
  const inexact = INEXACT.has(name) || (name === 'pow' && !(args[1]?.kind === 'number' && args[1].int && args[1].value >= 0));
  if (name in SIMPLE) return set(out, SIMPLE[name], inputs, inexact);
  if (name === 'pow') return set(out, args[1]?.kind === 'tensor' ? 'PowBackward1' : 'PowBackward0', inputs, inexact);
  if (name in BY_DIM) {
    const hasDim = args.length > 1 || kwargs.has('dim') || kwargs.has('axis');
    return set(out, BY_DIM[name][hasDim ? 1 : 0], inputs, inexact);
  }
  if (name === 'reshape' || name === 'flatten') {
    const src = nodeOfValue(first)?.label;
    return set(out, src && VIEWS_OF_TRANSPOSED.has(src) ? 'UnsafeViewBackward0' : 'ReshapeAliasBackward0', inputs);
  }
  if (name === 'clamp' || name === 'clip') {
    const bounds = [...args.slice(1), kwargs.get('min'), kwargs.get('max')];
    return set(out, bounds.every((b) => !b || b.kind === 'number' || b.kind === 'none') ? 'ClampBackward1' : null, inputs);
  }
  if (name === 'matmul' || name === 'mm' || name === 'dot' || name === 'mv') return set(out, matmulLabel(rankOf(args[0]), rankOf(args[1])), inputs);
  void method;
  return set(out, null, inputs, inexact);
}

function matmulLabel(a: number | null, b: number | null): string | null {
  if (a === 2 && b === 2) return 'MmBackward0';
  if (a === 2 && b === 1) return 'MvBackward0';
  if (a === 1 && b === 1) return 'DotBackward0';
  return null;
}

/** Labels `a op b` as torch's operators name it (a Python number on the left: `1 - x` is RsubBackward1, `1 / x` MulBackward0). */
export function labelBinop(out: Value, op: string, a: Value, b: Value): Value {
  const numLeft = a.kind === 'number' || a.kind === 'bool';
  let label: string | null = null;
  switch (op) {
    case '+': label = 'AddBackward0'; break;
    case '-': label = numLeft ? 'RsubBackward1' : 'SubBackward0'; break;
    case '*': label = 'MulBackward0'; break;
    case '/': label = numLeft ? 'MulBackward0' : 'DivBackward0'; break;
    case '**': label = b.kind === 'tensor' ? 'PowBackward1' : 'PowBackward0'; break;
    case '@': label = matmulLabel(rankOf(a), rankOf(b)); break;
  }
  const inexact = op === '**' && !(b.kind === 'number' && b.int && b.value >= 0);
  return set(out, label, [a, b], inexact);
}

export function labelUnary(out: Value, op: string, v: Value): Value {
  return op === '-' ? set(out, 'NegBackward0', [v]) : out;
}

/** `x[0]`, `x[0, 1]`, `x[:, 0]` → SelectBackward0; `x[1:]` → SliceBackward0 (the last index torch applies names it). */
export function labelIndex(out: Value, idx: Index[], v: Value): Value {
  if (idx.some((i) => i.k !== 'int' && i.k !== 'slice')) return out;
  const applied = idx.filter((i) => i.k === 'int' || (i.k === 'slice' && !(i.start === null && i.stop === null && i.step === null)));
  const last = applied[applied.length - 1];
  if (!last) return out;
  return set(out, last.k === 'int' ? 'SelectBackward0' : 'SliceBackward0', [v]);
}
