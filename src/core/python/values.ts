/**
 * The value model of the Python interpreter: what a Python name can be bound to while we evaluate the user's code
 * (top level, defs, lambdas, Loss subclasses alike). Tensors carry their autodiff node, so any value can be
 * differentiated.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Node } from './autodiff';
import type { UserEntity, UserClass } from './user';
import type { Tensor } from '../tensor';
import type { EvalResult, EvalRequest } from '../evaluate';
import type { LossSpec, ParamValue } from '../spec';
import type { LiteralLimits } from '../literal';

/** Where a value or a call comes from in the source (offsets are UTF-16 indices into the evaluated text). */
export interface Site {
  offset: number;
  length: number;
  /** The syntax node, when there is one. */
  node?: SyntaxNode;
}

export interface NoneValue { kind: 'none' }
export interface BoolValue { kind: 'bool'; value: boolean }
/** A Python int or float (`int` tells them apart: 2 vs 2.0). */
export interface NumberValue { kind: 'number'; value: number; int: boolean }
/** `display`: how print() shows it when that differs (torch's dtype attribute `float32` prints as `torch.float32`). */
export interface StringValue { kind: 'string'; value: string; display?: string }
/**
 * A list or tuple; `site` is where its literal stands, so errors about it (ragged rows) point there. `node`: the
 * differentiable tensor this very list converts to (a list passed as y_pred keeps its gradient).
 */
export interface ListValue { kind: 'list'; items: Value[]; tuple: boolean; site?: Site; node?: Node; /** A torch.Size (a tuple that prints as `torch.Size([2, 3])`). */ torchSize?: boolean }
/** A Python dict (keys compared by their Python repr). */
export interface DictValue { kind: 'dict'; entries: [Value, Value][] }
/**
 * A dense array: a Python list of numbers turned into an array (np.array, tf.constant, a loss result).
 * `evalResult` is set on what a loss call returns: a top-level statement whose value carries one is a result.
 */
export interface TensorValue {
  kind: 'tensor';
  tensor: Tensor;
  /** 'float32' (the Keras default), 'float64', 'int32', 'int64', 'bool'... informational. */
  dtype?: string;
  evalResult?: EvalResult;
  /** Built-in losses: what to re-evaluate when the user changes a parameter (arrays as Tensors). */
  request?: EvalRequest;
  /** The autodiff node of this value (absent: a constant, made on first use). */
  node?: Node;
  /** A NumPy array made from a torch tensor (`.numpy()`): print() shows NumPy's layout, not torch's. */
  numpy?: boolean;
}
/** A module or a dotted attribute path we resolve lazily: `tf`, `tf.keras.losses`, `np`, `K`. `path` is canonical (see canonicalPath). */
export interface ModuleValue { kind: 'module'; path: string }
/** A constructed built-in loss (class form): calling it evaluates the loss. */
export interface LossObjectValue {
  kind: 'loss';
  spec: LossSpec;
  /** Constructor keyword arguments as given (positional ones already named). */
  config: Record<string, ParamValue>;
  /** How the user wrote the class (for messages), e.g. 'tf.keras.losses.Huber'. */
  ctorName: string;
}
/** A built-in loss class or loss function not yet called: `Huber`, `keras.losses.huber`. */
export interface LossRefValue { kind: 'lossref'; spec: LossSpec; form: 'class' | 'function'; name: string }
/** Anything callable: builtins, numpy/tf helpers, user-defined functions (plugin), bound methods. */
export interface Callable {
  kind: 'callable';
  name: string;
  call(args: Value[], kwargs: Map<string, Value>, site: Site): Value;
  /** Set on user-defined losses (def/lambda/Loss subclass); informational. */
  userDefined?: boolean;
  /** The user-defined function, class or Loss instance behind it. */
  entity?: UserEntity;
}
/** A user-defined class instance (Loss subclasses) or another object with attributes. */
export interface ObjectValue { kind: 'object'; className: string; attrs: Map<string, Value>; call?: Callable; entity?: UserEntity }
/**
 * Something we cannot evaluate (a model, a layer, a dataset, a plot): using it is not an error, the statement
 * is skipped with an info note. `what` says what it is, for that note.
 */
export interface OpaqueValue {
  kind: 'opaque';
  what: string;
  /** Set when the name was never bound in the evaluated text (a NameError if it is used as data). */
  undefinedName?: string;
  /** Set when the value comes from a random draw (np.random.rand, tf.random.normal): not reproduced. */
  random?: boolean;
  /** `super()` inside a method of a Loss subclass. */
  superOf?: { cls: UserClass; self: ObjectValue };
}

export type Value =
  | NoneValue | BoolValue | NumberValue | StringValue | ListValue | DictValue | TensorValue
  | ModuleValue | LossObjectValue | LossRefValue | Callable | ObjectValue | OpaqueValue;

/** Evaluation limits. Defaults in DEFAULT_LIMITS; the extension exposes them as settings. */
export interface Limits extends LiteralLimits {
  /** Statements (and loop iterations) executed, in total. */
  maxSteps: number;
  /** Nesting depth of expressions and of user function calls. */
  maxExprDepth: number;
  /** Wall-clock budget for one evaluateSnippet call, in milliseconds. */
  maxMillis: number;
  /** Elements of any one tensor the evaluator creates (np.zeros((1e6, 1e6)) is refused). */
  maxTensorElements: number;
}

/** Variables of one Python scope (module, function call), chained to the enclosing scope. */
export class Scope {
  private readonly vars = new Map<string, Value>();
  constructor(
    readonly parent: Scope | null = null,
    /** Set on the scope of a method call: the class it belongs to (super() looks for it). */
    readonly cls: UserClass | null = null,
  ) {}
  get(name: string): Value | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  /** Binds in this scope (Python assignment semantics: local unless declared otherwise). */
  set(name: string, v: Value): void { this.vars.set(name, v); }
  has(name: string): boolean { return this.get(name) !== undefined; }
  /** Names bound in this scope only. */
  names(): string[] { return [...this.vars.keys()]; }
}

// ---- constructors and small helpers ----

export const NONE: NoneValue = { kind: 'none' };
export const TRUE: BoolValue = { kind: 'bool', value: true };
export const FALSE: BoolValue = { kind: 'bool', value: false };
export const num = (value: number, int = false): NumberValue => ({ kind: 'number', value, int });
export const str = (value: string): StringValue => ({ kind: 'string', value });
export const bool = (b: boolean): BoolValue => (b ? TRUE : FALSE);
export const list = (items: Value[], tuple = false): ListValue => ({ kind: 'list', items, tuple });
export const tensorValue = (tensor: Tensor, extra: Partial<Omit<TensorValue, 'kind' | 'tensor'>> = {}): TensorValue => ({ kind: 'tensor', tensor, ...extra });
export const opaque = (what: string): OpaqueValue => ({ kind: 'opaque', what });
export function callable(name: string, call: Callable['call'], userDefined = false): Callable {
  return { kind: 'callable', name, call, userDefined };
}

/** Python's type name of a value, for messages ("a list", "a str", ...). */
export function typeName(v: Value): string {
  switch (v.kind) {
    case 'none': return 'None';
    case 'bool': return 'bool';
    case 'number': return v.int ? 'int' : 'float';
    case 'string': return 'str';
    case 'list': return v.tuple ? 'tuple' : 'list';
    case 'dict': return 'dict';
    case 'tensor': return 'tensor';
    case 'module': return `module ${v.path}`;
    case 'loss': return v.spec.id;
    case 'lossref': return v.form === 'class' ? `class ${v.spec.id}` : `function ${v.name}`;
    case 'callable': return `function ${v.name}`;
    case 'object': return v.className;
    case 'opaque': return v.what;
  }
}

/** Python truthiness (tensors: only single-element ones have a truth value). */
export function truthy(v: Value): boolean | undefined {
  switch (v.kind) {
    case 'none': return false;
    case 'bool': return v.value;
    case 'number': return v.value !== 0 && !Number.isNaN(v.value) ? true : Number.isNaN(v.value);
    case 'string': return v.value.length > 0;
    case 'list': return v.items.length > 0;
    case 'dict': return v.entries.length > 0;
    case 'tensor': return v.tensor.data.length === 1 ? v.tensor.data[0] !== 0 : undefined;
    default: return true;
  }
}

/**
 * Canonical dotted names, so one table serves every import spelling: `tensorflow` → `tf`, `numpy` → `np`,
 * `tf.keras`/`tensorflow.keras` → `keras`, `keras.backend` → `K`, `tensorflow_addons` → `tfa`, `jax.numpy` → `jnp`,
 * `keras.src.losses` → `keras.losses`, `tf.compat.v1.keras` → `keras`. Namespace entries are keyed in this form
 * (`tf.square`, `tf.math.reduce_mean`, `np.mean`, `K.sum`, `keras.ops.mean`; builtins bare: `abs`, `max`).
 */
export function canonicalPath(path: string): string {
  let p = path;
  const rules: [RegExp, string][] = [
    [/^tensorflow(?=\.|$)/, 'tf'], [/^numpy(?=\.|$)/, 'np'], [/^tensorflow_addons(?=\.|$)/, 'tfa'], [/^jax\.numpy(?=\.|$)/, 'jnp'],
    [/^tf\.compat\.v[12](?=\.|$)/, 'tf'], [/^tf\.keras(?=\.|$)/, 'keras'], [/^tf\.python\.keras(?=\.|$)/, 'keras'],
    [/^keras\.src(?=\.|$)/, 'keras'], [/^keras\.backend(?=\.|$)/, 'K'],
  ];
  for (const [re, to] of rules) p = p.replace(re, to);
  return p;
}
