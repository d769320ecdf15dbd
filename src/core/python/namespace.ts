/**
 * The namespace table: every builtin the interpreter knows by an exact canonical dotted path (see canonicalPath
 * in values.ts): Python builtins (`len`, `round`, `isinstance`), constructors (`np.zeros`, `tf.fill`), constants
 * (`np.pi`, `tf.float32`) and framework entries (`tf.GradientTape`). This is where a new builtin or a framework's
 * namespace goes: `defineBuiltin(['torch.nn.CrossEntropyLoss'], (c) => ...)` / `defineConstant(path, value)`.
 * A path not found here falls back to the tensor library (library.ts: the element-wise, reduction and shape ops
 * under every framework prefix, by bare name) and then to the built-in losses (registry.ts).
 */
import { sizeOf, shapeStr, Tensor, broadcastShapes, broadcastIndex } from '../tensor';
import type { EvalResult } from '../evaluate';
import { Value, Site, ObjectValue, NONE, num, str, bool, list, callable, truthy, typeName } from './values';
import { errAt, skip, repr, asNumber } from './pyops';
import { binop } from './operators';
import { tv, toNode, dtypeName } from './convert';
import { makeNode, variable, backward } from './autodiff';
import * as O from './ops';
import { pyStr, NotPrintable } from './stdout';
import type { Interpreter, ArgSites } from './interp';
import { smoothLabels, smoothLabelsDtypeError } from '../optax/extras';

/** One call of a builtin: the interpreter (its session, conversions, iteration), the arguments and where they stand. */
export interface BuiltinCall {
  interp: Interpreter;
  /** The canonical dotted path called. */
  path: string;
  args: Value[];
  kwargs: Map<string, Value>;
  site: Site;
  sites: ArgSites;
}

/** A builtin: a Value, or undefined to let the next layer (tensor library, losses) try. */
export type Builtin = (c: BuiltinCall) => Value | undefined;

const BUILTINS = new Map<string, Builtin>();
const CONSTANTS = new Map<string, Value>();

/** Registers a builtin under one or more canonical dotted paths (a later registration replaces an earlier one). */
export function defineBuiltin(paths: string[], impl: Builtin): void {
  for (const p of paths) BUILTINS.set(p, impl);
}

/** Registers a constant (an attribute that is a value, not a call). */
export function defineConstant(paths: string[], v: Value): void {
  for (const p of paths) CONSTANTS.set(p, v);
}

export function builtinAt(path: string): Builtin | undefined { return BUILTINS.get(path); }
export function constantAt(path: string): Value | undefined { return CONSTANTS.get(path); }

/** Bare names that are Python builtins (resolved before implicit modules and loss names). */
export function isPythonBuiltin(name: string): boolean {
  return BUILTINS.has(name) && !name.includes('.');
}

// ---------------------------------------------------------------- constants

defineConstant(['np.nan', 'np.NaN', 'np.NAN', 'math.nan', 'jnp.nan', 'torch.nan'], num(NaN));
defineConstant(['np.inf', 'np.Inf', 'np.infty', 'math.inf', 'jnp.inf', 'torch.inf'], num(Infinity));
defineConstant(['np.pi', 'math.pi', 'torch.pi', 'jnp.pi'], num(Math.PI));
defineConstant(['np.e', 'math.e'], num(Math.E));
defineConstant(['np.newaxis', 'tf.newaxis', 'jnp.newaxis'], NONE);
for (const fw of ['tf', 'np', 'torch', 'jnp', 'keras']) {
  for (const d of ['float16', 'float32', 'float64', 'bfloat16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool', 'bool_']) defineConstant([`${fw}.${d}`], str(d.replace(/_$/, '')));
}
defineConstant(['tf.double', 'torch.double', 'np.double'], str('float64'));
defineConstant(['tf.half', 'torch.half'], str('float16'));
defineConstant(['torch.float'], str('float32'));
defineConstant(['torch.long'], str('int64'));
defineConstant(['torch.int'], str('int32'));

// ---------------------------------------------------------------- Python builtins

function need(args: Value[], n: number, name: string, site: Site): void {
  if (args.length < n) throw errAt(site, `TypeError: ${name}() takes at least ${n} argument${n > 1 ? 's' : ''}`, 'param');
}

// print(...) returns None and writes what Python would print to the session's stdout; a value whose printed form we
// do not reproduce leaves the whole line out, named (tf.print writes to stderr: nothing on stdout)
defineBuiltin(['tf.print'], () => NONE);
defineBuiltin(['print'], ({ interp, args, kwargs, site }) => writePrint(interp, args, kwargs, site));

/** What print(*args, **kwargs) writes, appended to the session's stdout (or the line listed as not reproduced). */
export function writePrint(interp: Interpreter, args: Value[], kwargs: Map<string, Value>, site: Site): Value {
  const text = (v: Value | undefined, dflt: string) => (v === undefined || v.kind === 'none' ? dflt : v.kind === 'string' ? v.value : null);
  const sep = text(kwargs.get('sep'), ' '), end = text(kwargs.get('end'), '\n');
  let line: string;
  try {
    if (sep === null || end === null) throw new NotPrintable('sep/end that are not strings');
    if (kwargs.has('file')) throw new NotPrintable('print to a file');
    line = args.map((a) => pyStr(a, interp.isTorch())).join(sep) + end;
  } catch (e) {
    if (!(e instanceof NotPrintable)) throw e;
    interp.session.stdoutGaps.push(interp.lineOf(site.offset));
    // torch snippets name the line; elsewhere (Keras/NumPy printing is not modelled yet) it is only listed as omitted
    if (interp.isTorch()) throw skip(site, `print(...) is not reproduced (${e.message}): left out of what the snippet prints`);
    return NONE;
  }
  interp.session.stdout.push(line);
  return NONE;
}
defineBuiltin(['len'], ({ args, site }) => {
  need(args, 1, 'len', site);
  const v = args[0];
  if (v.kind === 'list') return num(v.items.length, true);
  if (v.kind === 'string') return num(v.value.length, true);
  if (v.kind === 'dict') return num(v.entries.length, true);
  if (v.kind === 'tensor' && v.tensor.shape.length) return num(v.tensor.shape[0], true);
  if (v.kind === 'opaque') throw skip(site, `len(${v.what}) is not evaluated; skipped`);
  throw errAt(site, `TypeError: object of type '${typeName(v)}' has no len()`, 'type');
});
defineBuiltin(['range'], ({ interp, args, site }) => {
  const ns = args.map((a) => asNumber(a));
  if (!ns.length || ns.some((x) => x === undefined || !Number.isInteger(x))) throw errAt(site, 'TypeError: range() takes integers', 'type');
  const [start, stop, step] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
  if (step === 0) throw errAt(site, 'ValueError: range() arg 3 must not be zero', 'param');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > interp.session.limits.maxSteps) throw errAt(site, `range of ${n} items is over the step limit`, 'limit');
  const out: Value[] = [];
  for (let i = 0; i < n; i++) out.push(num(start + i * step, true));
  return list(out);
});
defineBuiltin(['float'], ({ args, site }) => {
  if (!args.length) return num(0);
  const v = args[0];
  if (v.kind === 'string') {
    const s = v.value.trim().toLowerCase();
    const x = /^[+-]?nan$/.test(s) ? NaN : /^[+-]?inf(inity)?$/.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : s === '' ? NaN : Number(s.replace(/_/g, ''));
    if (Number.isNaN(x) && !/nan/.test(s)) throw errAt(site, `ValueError: could not convert string to float: '${v.value}'`, 'type');
    return num(x);
  }
  const x = asNumber(v);
  if (x === undefined) {
    if (v.kind === 'opaque') throw skip(site, `float(${v.what}) is not evaluated; skipped`);
    throw errAt(site, `TypeError: float() argument must be a string or a number, not '${typeName(v)}'`, 'type');
  }
  if (v.kind === 'tensor' && v.tensor.data.length !== 1) throw errAt(site, 'TypeError: only length-1 arrays can be converted to Python scalars', 'type');
  return num(x);
});
defineBuiltin(['int'], ({ args, site }) => {
  if (!args.length) return num(0, true);
  const v = args[0];
  const x = v.kind === 'string' ? Number(v.value.trim()) : asNumber(v);
  if (x === undefined || Number.isNaN(x)) throw errAt(site, `ValueError: invalid literal for int(): ${repr(v, 1)}`, 'type');
  if (!Number.isFinite(x)) throw errAt(site, 'OverflowError: cannot convert float infinity to integer', 'type');
  return num(Math.trunc(x), true);
});
defineBuiltin(['bool'], ({ args, site }) => {
  if (!args.length) return bool(false);
  const t = truthy(args[0]);
  if (t === undefined) throw errAt(site, 'ValueError: the truth value of an array with more than one element is ambiguous', 'type');
  return bool(t);
});
defineBuiltin(['str'], ({ args }) => str(args.length ? repr(args[0]) : ''));
defineBuiltin(['abs'], ({ interp, args, site }) => {
  need(args, 1, 'abs', site);
  const v = args[0];
  if (v.kind === 'number') return num(Math.abs(v.value), v.int);
  if (v.kind === 'bool') return num(v.value ? 1 : 0, true);
  return tv(O.abs(toNode(v, 'abs()', null, site, interp.session.budget)));
});
defineBuiltin(['pow'], ({ interp, args, site }) => { need(args, 2, 'pow', site); return binop('**', args[0], args[1], site, interp.session.budget); });
defineBuiltin(['round'], ({ interp, args, kwargs, site }) => {
  need(args, 1, 'round', site);
  const nd = args[1] ?? kwargs.get('ndigits');
  const digits = nd && nd.kind !== 'none' ? asNumber(nd) : undefined;
  if (digits !== undefined && !Number.isInteger(digits)) throw errAt(site, `TypeError: 'float' object cannot be interpreted as an integer (round's ndigits)`, 'type');
  const v = args[0];
  if (v.kind === 'tensor') {
    if (digits === undefined || digits === 0) return tv(O.round(toNode(v, 'round()', null, site, interp.session.budget)));
    const f = 10 ** digits;
    const n = toNode(v, 'round()', null, site, interp.session.budget);
    return tv(O.div(O.round(O.mul(n, O.fill([], f, n.dtype, interp.session.budget))), O.fill([], f, n.dtype, interp.session.budget)));
  }
  const x = asNumber(v);
  if (x === undefined) throw errAt(site, `TypeError: type ${typeName(v)} doesn't define __round__ method`, 'type');
  return num(pyRound(x, digits ?? 0), digits === undefined || (v.kind !== 'number' || v.int));
});
defineBuiltin(['min'], ({ args, site }) => minmax(args, site, -1));
defineBuiltin(['max'], ({ args, site }) => minmax(args, site, 1));
defineBuiltin(['sum'], ({ interp, args, site }) => {
  need(args, 1, 'sum', site);
  const items = args[0].kind === 'list' ? args[0].items : args[0].kind === 'tensor' ? interp.iterate(args[0], site) : null;
  if (!items) throw errAt(site, `TypeError: '${typeName(args[0])}' object is not iterable`, 'type');
  let acc: Value = args[1] ?? num(0, true);
  for (const x of items) acc = binop('+', acc, x, site, interp.session.budget);
  return acc;
});
defineBuiltin(['list'], ({ interp, args, site }) => list(args.length ? [...interp.iterate(args[0], site)] : []));
defineBuiltin(['tuple'], ({ interp, args, site }) => list(args.length ? [...interp.iterate(args[0], site)] : [], true));
defineBuiltin(['zip'], ({ interp, args, site }) => {
  const its = args.map((a) => interp.iterate(a, site));
  const n = its.length ? Math.min(...its.map((x) => x.length)) : 0;
  const out: Value[] = [];
  for (let i = 0; i < n; i++) out.push(list(its.map((x) => x[i]), true));
  return list(out);
});
defineBuiltin(['enumerate'], ({ interp, args, site }) => list(interp.iterate(args[0] ?? list([]), site).map((x, i) => list([num(i, true), x], true))));
defineBuiltin(['reversed'], ({ interp, args, site }) => list(interp.iterate(args[0] ?? list([]), site).slice().reverse()));
defineBuiltin(['dict'], ({ kwargs }) => ({ kind: 'dict', entries: [...kwargs].map(([k, v]) => [str(k), v] as [Value, Value]) }));
defineBuiltin(['isinstance'], ({ args, site }) => {
  need(args, 2, 'isinstance', site);
  const r = isInstance(args[0], args[1]);
  if (r === undefined) throw skip(site, `isinstance(..., ${repr(args[1], 1)}) is not evaluated (an unknown type); skipped`);
  return bool(r);
});
defineBuiltin(['type'], ({ site }) => { throw skip(site, 'type() is not evaluated; skipped'); });

function minmax(args: Value[], site: Site, sign: number): Value | undefined {
  const items = args.length === 1 && args[0].kind === 'list' ? args[0].items : args;
  if (!items.length) throw errAt(site, `ValueError: ${sign > 0 ? 'max' : 'min'}() arg is an empty sequence`, 'param');
  if (!items.every((x) => asNumber(x) !== undefined && x.kind !== 'tensor')) {
    throw errAt(site, `Python's ${sign > 0 ? 'max' : 'min'}() on tensors is not evaluated; use tf.reduce_${sign > 0 ? 'max' : 'min'} or tf.${sign > 0 ? 'max' : 'min'}imum`, 'unsupported');
  }
  let best = items[0];
  for (const x of items) if ((asNumber(x)! - asNumber(best)!) * sign > 0) best = x;
  return best;
}

/** Python's round: half to even, to `digits` decimals (correctly rounded through the decimal string, as CPython). */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  if (digits === 0) { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; }
  if (digits > 0 && digits <= 20) {
    // exact decimal expansion of the double decides the tie, like CPython's round (which works on the exact value)
    const exact = x.toFixed(Math.min(100, digits + 30));
    const [ip, fp] = exact.split('.');
    const keep = fp.slice(0, digits), rest = fp.slice(digits);
    let up = rest[0] > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
    if (rest[0] === '5' && !/[1-9]/.test(rest.slice(1))) up = Number((keep || ip).slice(-1)) % 2 === 1;
    const base = Number(`${ip}.${keep}`);
    const ulp = 10 ** -digits;
    return up ? Number((base + (x < 0 ? -ulp : ulp)).toFixed(digits)) : base;
  }
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const TYPE_TESTS: Record<string, (v: Value) => boolean> = {
  int: (v) => (v.kind === 'number' && v.int) || v.kind === 'bool', float: (v) => v.kind === 'number' && !v.int, bool: (v) => v.kind === 'bool',
  str: (v) => v.kind === 'string', list: (v) => v.kind === 'list' && !v.tuple, tuple: (v) => v.kind === 'list' && v.tuple, dict: (v) => v.kind === 'dict',
  'np.ndarray': (v) => v.kind === 'tensor', 'tf.Tensor': (v) => v.kind === 'tensor', 'tf.Variable': (v) => v.kind === 'tensor', 'torch.Tensor': (v) => v.kind === 'tensor',
  'jnp.ndarray': (v) => v.kind === 'tensor', 'keras.KerasTensor': (v) => v.kind === 'tensor', 'np.floating': (v) => v.kind === 'number' && !v.int, 'np.integer': (v) => v.kind === 'number' && v.int,
  'keras.losses.Loss': (v) => v.kind === 'loss' || (v.kind === 'object' && v.entity?.kind === 'instance'),
};

/** isinstance(v, t) for the types we model; undefined for a type we do not know. */
function isInstance(v: Value, t: Value): boolean | undefined {
  if (t.kind === 'list') {
    let unknown = false;
    for (const x of t.items) { const r = isInstance(v, x); if (r) return true; if (r === undefined) unknown = true; }
    return unknown ? undefined : false;
  }
  if (t.kind !== 'module') return undefined;
  const test = TYPE_TESTS[t.path];
  return test ? test(v) : undefined;
}

// ---------------------------------------------------------------- array constructors

function shapeArg(c: BuiltinCall, v: Value): number[] {
  const items = v.kind === 'list' ? v.items : [v];
  const shape = items.map((x) => asNumber(x));
  if (shape.some((d) => d === undefined || !Number.isInteger(d) || d < 0)) throw errAt(c.site, 'shape must be a tuple of non-negative integers', 'param');
  const n = sizeOf(shape as number[]);
  if (n > c.interp.session.limits.maxTensorElements) throw errAt(c.site, `shape ${shapeStr(shape as number[])} has ${n} elements, over the limit`, 'limit');
  return shape as number[];
}

function filled(c: BuiltinCall, value: number, dtype = 'float64'): Value {
  need(c.args, 1, c.path, c.site);
  const shape = shapeArg(c, c.args[0]);
  return tv(O.fill(shape, value, dtype === 'float32' ? 'float32' : 'float64', c.interp.session.budget));
}

defineBuiltin(['np.zeros', 'jnp.zeros'], (c) => filled(c, 0));
defineBuiltin(['np.ones', 'jnp.ones'], (c) => filled(c, 1));
defineBuiltin(['np.full'], (c) => { need(c.args, 2, 'np.full', c.site); return filled(c, asNumber(c.args[1]) ?? NaN); });
defineBuiltin(['np.arange'], ({ interp, args, site }) => {
  const ns = args.map((a) => asNumber(a));
  if (!ns.length || ns.some((x) => x === undefined)) throw errAt(site, 'np.arange() takes numbers', 'type');
  const [start, stop, step] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
  if (step === 0) throw errAt(site, 'ZeroDivisionError: arange step is zero', 'param');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > interp.session.limits.maxTensorElements) throw errAt(site, `np.arange of ${n} elements is over the limit`, 'limit');
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return tv(makeNode('arange', data, [n], args.every((a) => a.kind === 'number' && a.int) ? 'int64' : 'float64', [], null, interp.session.budget));
});
defineBuiltin(['np.linspace'], ({ interp, args, kwargs, site }) => {
  need(args, 2, 'np.linspace', site);
  const a = asNumber(args[0]); const b = asNumber(args[1]);
  const n = asNumber(args[2] ?? kwargs.get('num') ?? num(50, true));
  if (a === undefined || b === undefined || n === undefined || !Number.isInteger(n) || n < 0) throw errAt(site, 'np.linspace(start, stop, num) takes numbers', 'type');
  if (n > interp.session.limits.maxTensorElements) throw errAt(site, `np.linspace of ${n} elements is over the limit`, 'limit');
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  if (n > 1) data[n - 1] = b;
  return tv(makeNode('linspace', data, [n], 'float64', [], null, interp.session.budget));
});

/** Calls that make an array from data: np.array(x, dtype=...), tf.constant, torch.tensor, tf.cast(x, dtype), np.float32(x). */
const ARRAY_CTORS = [
  'np.array', 'np.asarray', 'np.asanyarray', 'tf.constant', 'tf.convert_to_tensor', 'tf.Variable', 'torch.tensor', 'torch.as_tensor', 'torch.Tensor',
  'torch.FloatTensor', 'jnp.array', 'jnp.asarray', 'K.constant', 'K.variable', 'keras.ops.array', 'keras.ops.convert_to_tensor', 'tf.cast', 'K.cast',
  'np.float32', 'np.float64', 'tf.identity', 'keras.Variable',
];
defineBuiltin(ARRAY_CTORS, ({ interp, path, args, kwargs, site, sites }) => {
  if (!args.length) throw errAt(site, `${path}() needs an array argument`, 'param');
  const dtype = kwargs.get('dtype') ?? (path === 'tf.cast' || path === 'K.cast' ? args[1] : undefined);
  const dt = path === 'np.float32' ? 'float32' : path === 'np.float64' ? 'float64' : dtype?.kind === 'string' ? dtype.value : undefined;
  const v = interp.convertArray(args[0], dt, site, sites.pos[0], path);
  // a variable is watched by every GradientTape (trainable): a leaf of the tape
  if (/Variable$/.test(path) && v.kind === 'tensor') return watched(v, interp);
  return v;
});

// ---------------------------------------------------------------- tf.GradientTape

/** `x` as a leaf the tape differentiates with respect to (a fresh TensorValue: the binding the user holds is replaced by watch()). */
function watched(v: Value & { kind: 'tensor' }, interp: Interpreter): Value & { kind: 'tensor' } {
  if (v.node?.requiresGrad) return v;
  return { kind: 'tensor', tensor: v.tensor, dtype: v.dtype, node: variable(v.tensor, dtypeName(v.dtype) ?? 'float32', interp.session.budget) };
}

/**
 * tf.GradientTape(): `with tf.GradientTape() as tape: tape.watch(x); l = f(x)` then `tape.gradient(l, x)` is the
 * gradient by the interpreter's reverse-mode autodiff (a built-in loss contributes its fused analytic gradient).
 */
defineBuiltin(['tf.GradientTape'], ({ interp }) => {
  const tape: ObjectValue = { kind: 'object', className: 'GradientTape', attrs: new Map() };
  tape.attrs.set('watch', callable('GradientTape.watch', (args, _kw, site) => {
    for (const a of args[0]?.kind === 'list' ? args[0].items : args.slice(0, 1)) {
      if (a.kind !== 'tensor') throw errAt(site, `GradientTape.watch: expected a tensor, received ${typeName(a)}`, 'type');
      const w = watched(a, interp);
      a.node = w.node; // the user's binding is the same object: later uses see the leaf
    }
    return NONE;
  }));
  tape.attrs.set('gradient', callable('GradientTape.gradient', (args, kwargs, site) => {
    const target = args[0] ?? kwargs.get('target');
    const sources = args[1] ?? kwargs.get('sources');
    if (!target || !sources) throw errAt(site, 'GradientTape.gradient(target, sources) needs both arguments', 'param');
    if (target.kind !== 'tensor') throw errAt(site, `GradientTape.gradient: the target must be a tensor, received ${typeName(target)}`, 'type');
    const list1 = sources.kind === 'list';
    const srcs = list1 ? sources.items : [sources];
    const out = srcs.map((s) => tapeGradient(target, s, site));
    return list1 ? list(out, sources.tuple) : out[0];
  }));
  return tape;
});

function tapeGradient(target: Value & { kind: 'tensor' }, source: Value, site: Site): Value {
  if (source.kind !== 'tensor') throw errAt(site, `GradientTape.gradient: a source must be a tensor, received ${typeName(source)}`, 'type');
  const r = target.evalResult;
  let grad: Tensor | null = null;
  let how: string;
  if (target.node?.requiresGrad && source.node?.requiresGrad) {
    const g = backward(target.node, [source.node])[0];
    if (g.some((x) => x !== 0) || target.node !== source.node) grad = { data: g, shape: source.tensor.shape.slice() };
    how = 'by reverse-mode autodiff through the tape';
  } else how = '';
  if (!grad && r && !target.node?.requiresGrad && r.shapes.yPred.length === source.tensor.shape.length && r.shapes.yPred.every((d, i) => d === source.tensor.shape[i])) {
    // a user-defined loss evaluated on its own tape: its gradient with respect to its y_pred
    grad = { data: r.grad.data, shape: source.tensor.shape.slice() };
    how = `as the gradient of ${r.callee} with respect to its y_pred`;
  }
  if (!grad) {
    if (!source.node?.requiresGrad) throw skip(site, 'GradientTape.gradient: the source is not watched (call tape.watch(x) inside the `with` block, or make it a tf.Variable); TensorFlow returns None');
    return NONE;
  }
  const dtype = target.dtype === 'float64' ? 'float64' : 'float32';
  const result: EvalResult = {
    loss: r?.loss ?? 'GradientTape.gradient', callee: 'tape.gradient', mode: 'function', config: {},
    value: grad, perSample: grad, weighted: grad, grad, reduction: null, mask: null,
    trace: { notes: [`tape.gradient(target, source): d target / d source, ${how}${r ? `; the target is ${r.callee}(...)` : ''}.`, ...(r?.trace.notes ?? [])], warnings: r?.trace.warnings ?? [] },
    shapes: { yTrue: r?.shapes.yTrue ?? [], yPred: source.tensor.shape.slice(), sampleWeight: null },
  };
  return { kind: 'tensor', tensor: grad, dtype, evalResult: result };
}


// ---------------------------------------------------------------- optax helpers that are not losses

/** optax.smooth_labels(labels, alpha, *, axis=-1, where=None): (1 − alpha)·labels + alpha / C, in JAX's float32. */
defineBuiltin(['optax.smooth_labels', 'optax.losses.smooth_labels'], (c) => {
  const labels = c.args[0] ?? c.kwargs.get('labels');
  const alphaV = c.args[1] ?? c.kwargs.get('alpha');
  if (!labels || !alphaV) throw errAt(c.site, `optax.smooth_labels() missing required argument${!labels && !alphaV ? 's' : ''}: ${[!labels && "'labels'", !alphaV && "'alpha'"].filter(Boolean).join(' and ')}`, 'param', { loss: 'optax.smooth_labels' });
  if (c.args.length > 2) throw errAt(c.sites.pos[2] ?? c.site, 'optax.smooth_labels() takes 2 positional arguments (labels, alpha); axis and where are keyword-only', 'param', { loss: 'optax.smooth_labels' });
  const n = toNode(labels, 'labels', null, c.sites.pos[0] ?? c.site, c.interp.session.budget);
  if (n.dtype !== 'float32' && n.dtype !== 'float64') throw smoothLabelsDtypeError(labels.kind === 'tensor' ? `an array of dtype ${n.dtype}` : 'integers');
  const alpha = asNumber(alphaV);
  if (alpha === undefined) throw errAt(c.sites.pos[1] ?? c.site, `optax.smooth_labels: argument \`alpha\`: expected a number, received ${typeName(alphaV)}`, 'param', { loss: 'optax.smooth_labels', argument: 'alpha' });
  const axisV = c.kwargs.get('axis');
  const axis = axisV === undefined ? -1 : axisV.kind === 'none' ? null : axisV.kind === 'list' ? axisV.items.map((x) => asNumber(x) ?? NaN) : asNumber(axisV) ?? NaN;
  const whereV = c.kwargs.get('where');
  let where: Uint8Array | null = null;
  if (whereV && whereV.kind !== 'none') {
    const w = toNode(whereV, 'where', null, c.site, c.interp.session.budget).value;
    const b = broadcastShapes(w.shape, n.shape);
    if (!b || b.length !== n.shape.length || b.some((d, i) => d !== n.shape[i])) throw errAt(c.site, `optax.smooth_labels: argument \`where\`: a mask of shape ${shapeStr(w.shape)} does not broadcast to the labels' shape ${shapeStr(n.shape)}`, 'shape', { loss: 'optax.smooth_labels', argument: 'where' });
    const bi = broadcastIndex(w.shape, n.shape);
    where = new Uint8Array(bi.length);
    for (let i = 0; i < bi.length; i++) where[i] = w.data[bi[i]] !== 0 ? 1 : 0;
  }
  // alpha / C per element (C = the included count along axis), then (1 − alpha)·labels added on the tape
  const zeros: Tensor = { data: new Float64Array(n.value.data.length), shape: n.shape.slice() };
  const share = smoothLabels(zeros, alpha, axis, where);
  const out = O.add(O.mul(n, makeNode('const', Float64Array.of(1 - alpha), [], 'float32', [], null)), makeNode('const', share.data, share.shape, 'float32', [], null));
  return tv(O.cast(out, 'float32'));
});
