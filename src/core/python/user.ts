/**
 * What the user defines: functions (`def`, `lambda`, functools.partial of them) and keras.losses.Loss subclasses
 * (`__init__` with `super().__init__(...)`, `self.x = ...`, `call`, Loss.__call__'s reduction and sample weights).
 * Their bodies are run by the one interpreter (interp.ts); this file holds their model and Python's argument binding.
 */
import type { SyntaxNode } from '@lezer/common';
import { LossInspectorError } from '../errors';
import { planReduction } from '../reduce';
import { sizeOf } from '../tensor';
import type { Reduction } from '../spec';
import { Scope, NONE, str, list } from './values';
import type { Value, Site, Callable, ObjectValue } from './values';
import { Node, makeNode } from './autodiff';
import * as O from './ops';
import { tv, toNode, describe } from './convert';
import type { Interpreter } from './interp';

export interface Param { name: string; kind: 'pos' | 'varargs' | 'kwonly' | 'varkw'; default?: Value }

/** A `def` or a `lambda`. */
export interface UserFunction {
  kind: 'function';
  name: string;
  params: Param[];
  /** The Body node of a def, or the expression of a lambda. */
  body: SyntaxNode;
  isLambda: boolean;
  closure: Scope;
  interp: Interpreter;
  node: SyntaxNode;
  /** Parameters already bound by functools.partial (positional ones removed from `params`). */
  preset?: [string, Value][];
}

/** A `class X(keras.losses.Loss)`. */
export interface UserClass {
  kind: 'class';
  name: string;
  methods: Map<string, UserFunction>;
  classAttrs: Map<string, Value>;
  base: UserClass | null;
  interp: Interpreter;
  node: SyntaxNode;
}

export interface UserInstance { kind: 'instance'; cls: UserClass; obj: ObjectValue; ctorArgs?: Map<string, Value> }

export type UserEntity = UserFunction | UserClass | UserInstance;

/** The user-defined function, class or Loss instance behind a value, if it is one. */
export function userEntityOf(v: Value | undefined): UserEntity | undefined {
  if (!v || (v.kind !== 'callable' && v.kind !== 'object')) return undefined;
  return v.entity;
}

/** A Callable for a user function; calls go through the interpreter that defined it. */
export function functionValue(fn: UserFunction): Callable {
  return { kind: 'callable', name: fn.name, userDefined: true, entity: fn, call: (args, kwargs, site) => fn.interp.callEntity(fn, args, kwargs, site) };
}

/** The reference of a Loss base class: keras.losses.Loss, tf.keras.losses.Loss, Loss, losses.Loss. */
export function isLossBase(path: string): boolean {
  return /(^|\.)losses\.Loss$/.test(path) || path === 'Loss' || path === 'keras.losses.loss.Loss';
}

export function findMethod(cls: UserClass, name: string): UserFunction | undefined {
  for (let c: UserClass | null = cls; c; c = c.base) { const m = c.methods.get(name); if (m) return m; }
  return undefined;
}

/** Binds call arguments to a function's parameters in `scope`, with Python's errors. */
export function bindArgs(fn: UserFunction, args: Value[], kwargs: Map<string, Value>, scope: Scope, site: Site): void {
  const pos = fn.params.filter((p) => p.kind === 'pos');
  const varargs = fn.params.find((p) => p.kind === 'varargs');
  const varkw = fn.params.find((p) => p.kind === 'varkw');
  const bound = new Map<string, Value>(fn.preset ?? []);
  const fname = fn.name;
  const at = { offset: site.offset, length: site.length };
  args.forEach((a, i) => {
    if (i < pos.length) bound.set(pos[i].name, a);
    else if (!varargs) throw new LossInspectorError(`TypeError: ${fname}() takes ${pos.length} positional argument${pos.length === 1 ? '' : 's'} but ${args.length} were given.`, { code: 'argument', ...at });
  });
  if (varargs) bound.set(varargs.name, list(args.slice(pos.length), true));
  const extra: [Value, Value][] = [];
  for (const [k, v] of kwargs) {
    const p = fn.params.find((q) => q.name === k && (q.kind === 'pos' || q.kind === 'kwonly'));
    if (p) {
      if (bound.has(k)) throw new LossInspectorError(`TypeError: ${fname}() got multiple values for argument '${k}'.`, { code: 'argument', ...at });
      bound.set(k, v);
    } else if (varkw) extra.push([str(k), v]);
    else throw new LossInspectorError(`TypeError: ${fname}() got an unexpected keyword argument '${k}'.`, { code: 'unknown-param', argument: k, ...at });
  }
  if (varkw) bound.set(varkw.name, { kind: 'dict', entries: extra });
  for (const p of fn.params) {
    if (p.kind === 'varargs' || p.kind === 'varkw') continue;
    if (!bound.has(p.name)) {
      if (p.default === undefined) throw new LossInspectorError(`TypeError: ${fname}() missing required argument '${p.name}'.`, { code: 'argument', argument: p.name, ...at });
      bound.set(p.name, p.default);
    }
  }
  for (const [k, v] of bound) scope.set(k, v);
}

/** `MyLoss(...)`: runs __init__ (or the base Loss.__init__ on the arguments). */
export function construct(cls: UserClass, args: Value[], kwargs: Map<string, Value>, site: Site): ObjectValue {
  const obj: ObjectValue = { kind: 'object', className: cls.name, attrs: new Map() };
  for (let c: UserClass | null = cls; c; c = c.base) for (const [k, v] of c.classAttrs) if (!obj.attrs.has(k)) obj.attrs.set(k, v);
  obj.attrs.set('reduction', str('sum_over_batch_size'));
  obj.attrs.set('name', str(cls.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()));
  const init = findMethod(cls, '__init__');
  if (init) cls.interp.callFunction(init, [obj, ...args], kwargs, site, cls);
  else baseInit(obj, args, kwargs, site);
  // The constructor arguments by name (positional ones named after __init__'s parameters), for re-construction.
  const ctorArgs = new Map<string, Value>();
  const names = init ? init.params.filter((p) => p.kind === 'pos').slice(1).map((p) => p.name) : ['name', 'reduction', 'dtype'];
  args.forEach((a, i) => { if (i < names.length) ctorArgs.set(names[i], a); });
  for (const [k, v] of kwargs) ctorArgs.set(k, v);
  const inst: UserInstance = { kind: 'instance', cls, obj, ctorArgs };
  obj.entity = inst;
  obj.call = { kind: 'callable', name: cls.name, userDefined: true, entity: inst, call: (a, kw, s) => cls.interp.callEntity(inst, a, kw, s) };
  return obj;
}

/** keras.losses.Loss.__init__(name=None, reduction="sum_over_batch_size", dtype=None). */
export function baseInit(obj: ObjectValue, args: Value[], kwargs: Map<string, Value>, site: Site): void {
  const names = ['name', 'reduction', 'dtype'];
  args.forEach((a, i) => { if (i < names.length) obj.attrs.set(names[i], a); });
  for (const [k, v] of kwargs) {
    if (!names.includes(k)) throw new LossInspectorError(`Loss.__init__: unexpected argument \`${k}\` (accepted: name, reduction, dtype).`, { code: 'unknown-param', offset: site.offset, length: site.length });
    obj.attrs.set(k, v);
  }
}

/** Loss.__call__ on nodes: self.call on the inputs, then the instance's reduction (with sample_weight). */
export function callInstance(inst: UserInstance, args: Value[], kwargs: Map<string, Value>, site: Site): Value {
  const { cls, obj } = inst;
  const call = findMethod(cls, 'call')!;
  const kw = new Map(kwargs);
  const swv = kw.get('sample_weight') ?? (args.length > 2 ? args[2] : undefined);
  kw.delete('sample_weight');
  const values = cls.interp.callFunction(call, [obj, ...args.slice(0, 2)], kw, site, cls);
  const budget = cls.interp.session.budget;
  const vn = toNode(values, `${cls.name}.call: its result`, null, site, budget);
  const sw = swv && swv.kind !== 'none' ? toNode(swv, `${cls.name}: sample_weight`, null, site, budget) : null;
  return tv(reduceNode(cls.name, vn, reductionOf(obj, cls.name), sw));
}

/** The reduction of a Loss instance (self.reduction), in Keras 3's meaning. */
export function reductionOf(obj: ObjectValue, name: string): Reduction {
  const r = obj.attrs.get('reduction');
  if (!r || r.kind === 'none') return 'none';
  const s = r.kind === 'string' ? r.value.replace(/^Reduction\./, '') : r.kind === 'module' ? r.path.split('.').pop()! : '';
  const map: Record<string, Reduction> = {
    sum_over_batch_size: 'sum_over_batch_size', auto: 'sum_over_batch_size', mean: 'mean', sum: 'sum', none: 'none', mean_with_sample_weight: 'mean_with_sample_weight',
    SUM_OVER_BATCH_SIZE: 'sum_over_batch_size', AUTO: 'sum_over_batch_size', SUM: 'sum', NONE: 'none',
  };
  const red = map[s];
  if (!red) throw new LossInspectorError(`${name}: unknown reduction ${describe(r)}.`, { code: 'param', argument: 'reduction' });
  return red;
}

/** The base-class reduction (planReduction) as a differentiable node. */
export function reduceNode(loss: string, values: Node, reduction: Reduction, sw: Node | null, semantics: 'keras3' | 'keras2' = 'keras3'): Node {
  const plan = planReduction(loss, semantics, reduction, values.shape, sw ? sw.value : null, null);
  const fin = plan.finish(values.value);
  const info = fin.info;
  if (info.unreduced) {
    if (!sw) return values;
    // weighted = values ⊙ weights under the plan's broadcasting: multiply as nodes for the gradient.
    const w = info.weights!;
    const vShape = sizeOf(info.weightedShape) === values.size ? info.weightedShape : values.shape;
    const v = O.reshape(values, sizeOf(vShape) === values.size ? vShape : values.shape);
    return O.mul(v, makeNode('sample_weight', w.data, w.shape, 'float64', [], null, values.budget));
  }
  return makeNode(`${loss} reduction`, Float64Array.from(fin.value.data), [], values.dtype, [values], (g) => {
    const up = new Float64Array(plan.upstream.length);
    for (let i = 0; i < up.length; i++) up[i] = plan.upstream[i] * g[0];
    return [up];
  });
}

// ---------------------------------------------------------------- definition-time scan

const STATEMENT_CONSTRUCTS: Record<string, string> = {
  WithStatement: 'a `with` block', TryStatement: 'a `try` block', RaiseStatement: 'a `raise` statement', ImportStatement: 'an import',
  YieldStatement: 'a generator (`yield`)', ScopeStatement: 'a global/nonlocal declaration',
};

/** Statements a function body may not hold (they are refused when the body runs): the kind → what to call it. */
export const FUNCTION_REFUSED: Record<string, [string, string?]> = {
  ImportStatement: ['An import inside a function', 'imports are read at the top of the file only; move it out of the function'],
  WithStatement: ['A `with` block'], TryStatement: ['A `try` block'], RaiseStatement: ['A `raise` statement'], AssertStatement: ['An `assert` statement'],
  DeleteStatement: ['A `del` statement'], YieldStatement: ['A generator (`yield`)'], MatchStatement: ['A `match` statement'],
};

/**
 * The first construct outside the subset inside a def/lambda/class, found without running it (so a loss that is
 * only passed to compile() still gets a note at its definition). Calls of open/input are I/O; eval/exec are refused.
 */
export function findUnsupported(node: SyntaxNode, source: string): { construct: string; offset: number; length: number; line: number } | null {
  const cur = node.cursor();
  const lineOf = (off: number) => { let n = 1; for (let i = 0; i < off; i++) if (source.charCodeAt(i) === 10) n++; return n; };
  do {
    let construct: string | null = STATEMENT_CONSTRUCTS[cur.name] ?? null;
    if (!construct && cur.name === 'CallExpression') {
      const callee = cur.node.firstChild;
      const t = callee ? source.slice(callee.from, callee.to) : '';
      if (/^(open|input|eval|exec|__import__)$/.test(t)) construct = `\`${t}()\``;
    }
    if (construct) {
      const nl = source.indexOf('\n', cur.from);
      return { construct, offset: cur.from, length: (nl < 0 || nl > cur.to ? cur.to : nl) - cur.from, line: lineOf(cur.from) };
    }
  } while (cur.next() && cur.from < node.to);
  return null;
}

// ---------------------------------------------------------------- functools.partial and tf.function(f)

/**
 * functools.partial(f, *args, **kwargs) of a user function: a user function again (its bound positional
 * parameters preset, its bound keywords as new defaults). tf.function(f) is f. Undefined for anything else.
 */
export function callFunctional(path: string, args: Value[], kwargs: Map<string, Value>): Value | undefined {
  if ((path === 'tf.function' || path === 'tf.autograph.experimental.do_not_convert') && args.length >= 1 && userEntityOf(args[0])) return args[0];
  if (path !== 'functools.partial' && path !== 'partial') return undefined;
  const ent = userEntityOf(args[0]);
  if (!ent || ent.kind !== 'function') return undefined;
  const pos = ent.params.filter((p) => p.kind === 'pos');
  const extra = args.slice(1);
  if (extra.length > pos.length) throw new LossInspectorError(`partial(${ent.name}, ...): more positional arguments than ${ent.name} takes.`, { code: 'argument' });
  const preset: [string, Value][] = [...(ent.preset ?? []), ...extra.map((v, i): [string, Value] => [pos[i].name, v])];
  const removed = new Set(pos.slice(0, extra.length).map((p) => p.name));
  const params = ent.params.filter((p) => !removed.has(p.name)).map((p) => (kwargs.has(p.name) ? { ...p, default: kwargs.get(p.name) } : p));
  for (const k of kwargs.keys()) {
    if (!ent.params.some((p) => p.name === k) && !ent.params.some((p) => p.kind === 'varkw')) {
      throw new LossInspectorError(`partial(${ent.name}, ${k}=...): ${ent.name}() has no parameter '${k}'.`, { code: 'unknown-param', argument: k });
    }
  }
  const varkwExtra = [...kwargs].filter(([k]) => !ent.params.some((p) => p.name === k));
  const fn: UserFunction = { ...ent, params, preset };
  if (varkwExtra.length) {
    // keywords that only **kwargs takes: preset them into the dict at call time
    const vk = ent.params.find((p) => p.kind === 'varkw')!;
    fn.preset = [...preset, [vk.name, { kind: 'dict', entries: varkwExtra.map(([k, v]) => [{ kind: 'string', value: k }, v] as [Value, Value]) }]];
    fn.params = params.filter((p) => p.kind !== 'varkw');
  }
  return functionValue(fn);
}

export { NONE };
