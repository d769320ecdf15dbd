/**
 * An interpreter for the Python subset loss functions are written in, on @lezer/python syntax trees. Nothing is
 * ever run by Python: `def` (positional, default, keyword-only, *args/**kwargs parameters), lambdas, classes
 * deriving from keras.losses.Loss (`__init__` with `super().__init__(...)`, `self.x = ...`, `call`), local and
 * tuple assignments, augmented assignments, if/elif/else, conditional expressions, arithmetic and comparisons with
 * NumPy broadcasting, indexing and slicing of tensors, and the tensor library (library.ts). Tensors are autodiff
 * nodes, so any value a function returns can be differentiated with respect to y_pred.
 *
 * Anything else (loops, comprehensions, I/O, imports inside functions, try/with/raise, attribute access on objects
 * we do not know) stops with a LossInspectorError that names the construct and its line.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import { LossInspectorError } from '../errors';
import { Scope, NONE, TRUE, FALSE, num, str, bool, list, canonicalPath, truthy } from '../snippet/values';
import type { Value, Site, Callable, ObjectValue, TensorValue } from '../snippet/values';
import { resolveLoss } from '../registry';
import type { LossSpec, ParamValue, Reduction } from '../spec';
import { planReduction } from '../reduce';
import { shapeStr, sizeOf } from '../tensor';
import { Node, makeNode, BudgetLimits } from './autodiff';
import * as O from './ops';
import { nodeOf, tv, toNode, toInt, describe, hasTensor } from './convert';
import { callOp, callMethod, splitOpName } from './library';
import { builtinLossNode } from './builtin';

// ---------------------------------------------------------------- host (limits and the outer evaluator)

/** What the interpreter needs from its environment: step/time limits, call depth, calling foreign callables. */
export interface Host {
  tick(site: Site): void;
  enter(site: Site): void;
  leave(): void;
  /** Calls a callable the interpreter did not create (from the snippet evaluator). */
  callForeign?(fn: Value, args: Value[], kwargs: Map<string, Value>, site: Site): Value;
  /** Tensor size and time limits of the evaluations started from here (the snippet's limits). */
  limits?: Partial<BudgetLimits>;
}

/** A host with its own limits, for standalone use (tests, the panel). */
export function standaloneHost(maxSteps = 100_000, maxDepth = 48): Host {
  let steps = 0, depth = 0;
  return {
    tick(site) {
      if (++steps > maxSteps) throw new LossInspectorError(`Stopped after ${maxSteps} evaluation steps.`, { code: 'limit', offset: site.offset, length: site.length });
    },
    enter(site) {
      if (++depth > maxDepth) { depth--; throw new LossInspectorError(`Calls nested deeper than ${maxDepth} (recursion?).`, { code: 'limit', offset: site.offset, length: site.length }); }
    },
    leave() { depth--; },
  };
}

// ---------------------------------------------------------------- user-defined entities

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
  interp: Interp;
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
  interp: Interp;
  node: SyntaxNode;
}

export type UserEntity = UserFunction | UserClass | { kind: 'instance'; cls: UserClass; obj: ObjectValue; ctorArgs?: Map<string, Value> };

const entities = new WeakMap<object, UserEntity>();

/** The user-defined function, class or Loss instance behind a value, if it is one. */
export function userEntityOf(v: Value | undefined): UserEntity | undefined {
  if (!v || (v.kind !== 'callable' && v.kind !== 'object')) return undefined;
  return entities.get(v);
}

/**
 * What a call from outside the interpreter (the snippet evaluator calling a user loss at top level) does.
 * Set by evaluate-custom (it turns such a call into a result); the default just runs the function.
 */
export const entryHooks: { call: ((e: UserEntity, args: Value[], kwargs: Map<string, Value>, site: Site, host: Host) => Value) | null } = { call: null };

// ---------------------------------------------------------------- helpers

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', ';', '.', 'Comment', 'AssignOp', '=', '*', '**', 'TypeDef']);

function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

const IMPLICIT_MODULES: Record<string, string> = {
  tf: 'tf', tensorflow: 'tf', np: 'np', numpy: 'np', K: 'K', keras: 'keras', torch: 'torch', jnp: 'jnp', F: 'torch.nn.functional', math: 'math',
};

const IO_BUILTINS = new Set(['print', 'open', 'input', 'breakpoint']);
const UNSAFE_BUILTINS = new Set(['exec', 'eval', '__import__', 'compile', 'globals', 'locals', 'vars', 'getattr', 'setattr', 'delattr', 'exit', 'quit', 'help', 'dir', 'iter', 'next']);
const LOOP_BUILTINS = new Set(['map', 'filter', 'zip', 'enumerate', 'reversed', 'sorted', 'range', 'any', 'all']);

/** The reference of a Loss base class: keras.losses.Loss, tf.keras.losses.Loss, Loss, losses.Loss. */
function isLossBase(path: string): boolean {
  return /(^|\.)losses\.Loss$/.test(path) || path === 'Loss' || path === 'keras.losses.loss.Loss';
}

type Flow = { ret: Value } | null;

// ---------------------------------------------------------------- the interpreter

export class Interp {
  private lineStarts: number[] | null = null;
  constructor(readonly source: string, readonly host: Host) {}

  // ---- positions and errors

  line(offset: number): number {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.source.length; i++) if (this.source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (this.lineStarts[mid] <= offset) lo = mid; else hi = mid - 1; }
    return lo + 1;
  }
  site(n: SyntaxNode): Site { return { offset: n.from, length: n.to - n.from, node: n }; }
  text(n: SyntaxNode): string { return this.source.slice(n.from, n.to); }
  private firstLine(n: SyntaxNode): number {
    const t = this.text(n);
    const nl = t.indexOf('\n');
    return nl < 0 ? t.length : nl;
  }
  error(n: SyntaxNode, message: string, code = 'eval'): LossInspectorError {
    return new LossInspectorError(`${message} (line ${this.line(n.from)})`, { code, offset: n.from, length: this.firstLine(n) });
  }
  /** A construct outside the subset: names it and its line. */
  unsupported(n: SyntaxNode, construct: string, why = 'a loss function is evaluated without running Python, on the subset of Python losses are written in'): LossInspectorError {
    return new LossInspectorError(`${construct} (line ${this.line(n.from)}) is not supported: ${why}.`, { code: 'unsupported', offset: n.from, length: this.firstLine(n) });
  }
  /** Adds the position of `n` to an error raised below it (keeps an inner position). */
  private located<T>(n: SyntaxNode, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof LossInspectorError) {
        if (e.details.offset !== undefined) throw e;
        throw new LossInspectorError(`${e.message} (line ${this.line(n.from)})`, { ...e.details, offset: n.from, length: this.firstLine(n) });
      }
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw this.error(n, 'Expression nested too deeply', 'limit');
      throw e;
    }
  }

  // ---- module level (standalone use: tests, the panel re-reading a file)

  /** Runs the top level of a module: imports, defs, classes, assignments and expression statements. */
  runModule(scope: Scope, root?: SyntaxNode): Scope {
    const tree = root ?? parser.parse(this.source).topNode;
    for (const st of kids(tree)) {
      this.checkSyntax(st);
      this.execTop(st, scope);
    }
    return scope;
  }

  /** Runs one top-level statement (after checking its syntax). */
  runTopStatement(st: SyntaxNode, scope: Scope): void {
    this.checkSyntax(st);
    this.execTop(st, scope);
  }

  /** Refuses a subtree with a syntax error (lezer's error nodes), pointing at the first one. */
  checkSyntax(n: SyntaxNode): void {
    const cur = n.cursor();
    do {
      if (cur.type.isError) {
        const at = cur.node;
        const near = this.source.slice(at.from, Math.min(at.from + 20, this.source.length)).split('\n')[0];
        throw new LossInspectorError(`SyntaxError: invalid syntax${near ? ` near '${near}'` : ' (unexpected end)'} (line ${this.line(at.from)})`, { code: 'syntax', offset: at.from, length: Math.max(1, at.to - at.from) });
      }
    } while (cur.next() && cur.from <= n.to);
  }

  private execTop(st: SyntaxNode, scope: Scope): void {
    switch (st.name) {
      case 'ImportStatement': this.execImport(st, scope); return;
      case 'StatementGroup': for (const c of kids(st)) if (c.name !== ';') this.execTop(c, scope); return;
      default: {
        const r = this.execStatement(st, scope, true);
        if (r) throw this.unsupported(st, '`return` outside a function');
      }
    }
  }

  /** `import a.b as c`, `from a import b as c`: binds module values (canonical paths). */
  execImport(st: SyntaxNode, scope: Scope): void {
    const cs = kids(st);
    const names: string[] = [];
    let i = 0;
    const readDotted = (): string => {
      const parts: string[] = [];
      while (i < cs.length && (cs[i].name === 'VariableName' || cs[i].name === '.')) { parts.push(this.text(cs[i])); i++; }
      return parts.join('');
    };
    if (cs[0]?.name === 'from') {
      i = 1;
      const mod = readDotted();
      if (cs[i]?.name === 'import') i++;
      while (i < cs.length) {
        if (cs[i].name === 'VariableName') {
          const n = this.text(cs[i]); i++;
          let as = n;
          if (cs[i]?.name === 'as') { as = this.text(cs[i + 1]); i += 2; }
          scope.set(as, this.moduleOrLoss(`${mod}.${n}`));
          names.push(as);
        } else if (cs[i].name === '*') throw this.unsupported(st, '`from ... import *`');
        else i++;
      }
      return;
    }
    i = 1;
    while (i < cs.length) {
      if (cs[i].name === 'VariableName') {
        const dotted = readDotted();
        if (cs[i]?.name === 'as') { scope.set(this.text(cs[i + 1]), this.moduleOrLoss(dotted)); i += 2; } else {
          const first = dotted.split('.')[0];
          scope.set(first, { kind: 'module', path: canonicalPath(first) });
        }
      } else i++;
    }
  }

  private moduleOrLoss(path: string): Value {
    return { kind: 'module', path: canonicalPath(path) };
  }

  // ---- definitions

  /** Builds a user function from a FunctionDefinition (bound to its name by the caller) or a LambdaExpression. */
  defineFunction(n: SyntaxNode, scope: Scope): Callable {
    this.checkSyntax(n);
    const isLambda = n.name === 'LambdaExpression';
    const cs = kids(n);
    const nameNode = isLambda ? null : cs.find((c) => c.name === 'VariableName');
    const plist = cs.find((c) => c.name === 'ParamList');
    const body = isLambda ? cs[cs.length - 1] : cs.find((c) => c.name === 'Body');
    if (!body) throw this.error(n, 'A function without a body');
    const fn: UserFunction = {
      kind: 'function', name: nameNode ? this.text(nameNode) : '<lambda>', params: plist ? this.params(plist, scope) : [],
      body, isLambda, closure: scope, interp: this, node: n,
    };
    return this.wrapFunction(fn);
  }

  /** A Callable for a user function (public for functools.partial). */
  wrapFunction(fn: UserFunction): Callable {
    const c: Callable = {
      kind: 'callable', name: fn.name, userDefined: true,
      call: (args, kwargs, site) => (entryHooks.call ? entryHooks.call(fn, args, kwargs, site, this.host) : this.callFunction(fn, args, kwargs, site)),
    };
    entities.set(c, fn);
    return c;
  }

  private params(plist: SyntaxNode, scope: Scope): Param[] {
    const out: Param[] = [];
    let mode: Param['kind'] = 'pos';
    const cs = kids(plist);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === '*') {
        if (cs[i + 1]?.name === 'VariableName') { out.push({ name: this.text(cs[i + 1]), kind: 'varargs' }); i++; }
        mode = 'kwonly';
      } else if (c.name === '**') {
        out.push({ name: this.text(cs[i + 1]), kind: 'varkw' }); i++;
      } else if (c.name === 'VariableName') {
        const p: Param = { name: this.text(c), kind: mode };
        if (cs[i + 1]?.name === 'TypeDef') i++;
        if (cs[i + 1]?.name === 'AssignOp') { p.default = this.evalExpr(cs[i + 2], scope); i += 2; }
        out.push(p);
      } else if (c.name === '/') continue;
    }
    return out;
  }

  /** Builds a Loss subclass from a ClassDefinition. */
  defineClass(n: SyntaxNode, scope: Scope): Callable {
    this.checkSyntax(n);
    const cs = kids(n);
    const name = this.text(cs.find((c) => c.name === 'VariableName')!);
    const argl = cs.find((c) => c.name === 'ArgList');
    let base: UserClass | null = null;
    let isLoss = false;
    for (const b of argl ? kids(argl).filter((c) => !PUNCT.has(c.name)) : []) {
      const dotted = this.dottedName(b);
      const bound = dotted ? scope.get(dotted.split('.')[0]) : undefined;
      const bv = b.name === 'VariableName' && bound ? bound : undefined;
      const be = userEntityOf(bv);
      if (be?.kind === 'class') { base = be; isLoss = true; continue; }
      const path = bv?.kind === 'module' ? bv.path : dotted ? this.canonicalDotted(dotted, scope) : '';
      if (isLossBase(path)) { isLoss = true; continue; }
      if (dotted === 'object') continue;
      throw this.unsupported(b, `A class deriving from \`${this.text(b)}\``, 'only subclasses of keras.losses.Loss are evaluated');
    }
    if (!isLoss) throw this.unsupported(n, `The class \`${name}\``, 'only subclasses of keras.losses.Loss (with a `call(self, y_true, y_pred)` method) are evaluated');
    const cls: UserClass = { kind: 'class', name, methods: new Map(), classAttrs: new Map(), base, interp: this, node: n };
    const body = cs.find((c) => c.name === 'Body');
    for (const st of body ? kids(body) : []) {
      if (st.name === 'FunctionDefinition') {
        const f = this.defineFunction(st, scope);
        const fn = entities.get(f) as UserFunction;
        cls.methods.set(fn.name, fn);
      } else if (st.name === 'DecoratedStatement') {
        throw this.unsupported(st, 'A decorated method');
      } else if (st.name === 'AssignStatement') {
        const parts = kids(st);
        if (parts.length === 3 && parts[0].name === 'VariableName') cls.classAttrs.set(this.text(parts[0]), this.evalExpr(parts[2], scope));
        else throw this.unsupported(st, 'This class attribute assignment');
      } else if (st.name === 'ExpressionStatement' && kids(st)[0]?.name === 'String') continue;
      else if (st.name === 'PassStatement' || st.name === ':' || st.name === 'Comment') continue;
      else throw this.unsupported(st, `\`${this.text(st).split('\n')[0].trim()}\` in a class body`);
    }
    if (!this.findMethod(cls, 'call')) throw this.error(n, `The Loss subclass ${name} defines no \`call(self, y_true, y_pred)\` method`, 'unsupported');
    const ctor: Callable = {
      kind: 'callable', name, userDefined: true,
      call: (args, kwargs, site) => this.construct(cls, args, kwargs, site),
    };
    entities.set(ctor, cls);
    return ctor;
  }

  findMethod(cls: UserClass, name: string): UserFunction | undefined {
    for (let c: UserClass | null = cls; c; c = c.base) { const m = c.methods.get(name); if (m) return m; }
    return undefined;
  }

  /** `MyLoss(...)`: runs __init__ (or the base Loss.__init__ on the keyword arguments). */
  construct(cls: UserClass, args: Value[], kwargs: Map<string, Value>, site: Site): ObjectValue {
    const obj: ObjectValue = { kind: 'object', className: cls.name, attrs: new Map() };
    for (let c: UserClass | null = cls; c; c = c.base) for (const [k, v] of c.classAttrs) if (!obj.attrs.has(k)) obj.attrs.set(k, v);
    obj.attrs.set('reduction', str('sum_over_batch_size'));
    obj.attrs.set('name', str(cls.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()));
    const init = this.findMethod(cls, '__init__');
    if (init) this.callFunction(init, [obj, ...args], kwargs, site, cls);
    else this.baseInit(obj, args, kwargs, site);
    // The constructor arguments by name (positional ones named after __init__'s parameters), for re-construction.
    const ctorArgs = new Map<string, Value>();
    const names = init ? init.params.filter((p) => p.kind === 'pos').slice(1).map((p) => p.name) : ['name', 'reduction', 'dtype'];
    args.forEach((a, i) => { if (i < names.length) ctorArgs.set(names[i], a); });
    for (const [k, v] of kwargs) ctorArgs.set(k, v);
    const inst: UserEntity = { kind: 'instance', cls, obj, ctorArgs };
    const call: Callable = {
      kind: 'callable', name: cls.name, userDefined: true,
      call: (a, kw, s) => (entryHooks.call ? entryHooks.call(inst, a, kw, s, this.host) : this.callInstance(inst.cls, obj, a, kw, s)),
    };
    obj.call = call;
    entities.set(obj, inst);
    entities.set(call, inst);
    return obj;
  }

  /** keras.losses.Loss.__init__(name=None, reduction="sum_over_batch_size", dtype=None). */
  private baseInit(obj: ObjectValue, args: Value[], kwargs: Map<string, Value>, site: Site): void {
    const names = ['name', 'reduction', 'dtype'];
    args.forEach((a, i) => { if (i < names.length) obj.attrs.set(names[i], a); });
    for (const [k, v] of kwargs) {
      if (!names.includes(k)) throw new LossInspectorError(`Loss.__init__: unexpected argument \`${k}\` (accepted: name, reduction, dtype).`, { code: 'unknown-param', offset: site.offset, length: site.length });
      obj.attrs.set(k, v);
    }
  }

  /**
   * Loss.__call__ on nodes: the inputs, self.call, then the instance's reduction (with sample_weight).
   * Returns the reduced value as a node (differentiable).
   */
  callInstance(cls: UserClass, obj: ObjectValue, args: Value[], kwargs: Map<string, Value>, site: Site): Value {
    const call = this.findMethod(cls, 'call')!;
    const kw = new Map(kwargs);
    const swv = kw.get('sample_weight') ?? (args.length > 2 ? args[2] : undefined);
    kw.delete('sample_weight');
    const values = this.callFunction(call, [obj, ...args.slice(0, 2)], kw, site, cls);
    const vn = toNode(values, `${cls.name}.call: its result`, null, site);
    const sw = swv && swv.kind !== 'none' ? toNode(swv, `${cls.name}: sample_weight`, null, site) : null;
    return tv(reduceNode(cls.name, vn, reductionOf(obj, cls.name), sw));
  }

  /** Calls a user function with Python argument binding. `cls` is set for methods (enables super()). */
  callFunction(fn: UserFunction, args: Value[], kwargs: Map<string, Value>, site: Site, cls?: UserClass): Value {
    this.host.enter(site);
    try {
      const scope = new Scope(fn.closure);
      this.bindArgs(fn, args, kwargs, scope, site);
      if (cls) scope.set('__class__', { kind: 'opaque', what: `class ${cls.name}` });
      if (cls) classOfScope.set(scope, cls);
      if (fn.isLambda) return this.evalExpr(fn.body, scope);
      const r = this.execBlock(fn.body, scope);
      return r ? r.ret : NONE;
    } finally {
      this.host.leave();
    }
  }

  private bindArgs(fn: UserFunction, args: Value[], kwargs: Map<string, Value>, scope: Scope, site: Site): void {
    const pos = fn.params.filter((p) => p.kind === 'pos');
    const varargs = fn.params.find((p) => p.kind === 'varargs');
    const varkw = fn.params.find((p) => p.kind === 'varkw');
    const bound = new Map<string, Value>(fn.preset ?? []);
    const fname = fn.name;
    args.forEach((a, i) => {
      if (i < pos.length) bound.set(pos[i].name, a);
      else if (!varargs) throw new LossInspectorError(`${fname}() takes ${pos.length} positional arguments but ${args.length} were given.`, { code: 'argument', offset: site.offset, length: site.length });
    });
    if (varargs) bound.set(varargs.name, list(args.slice(pos.length), true));
    const extra: [Value, Value][] = [];
    for (const [k, v] of kwargs) {
      const p = fn.params.find((q) => q.name === k && (q.kind === 'pos' || q.kind === 'kwonly'));
      if (p) {
        if (bound.has(k)) throw new LossInspectorError(`${fname}() got multiple values for argument '${k}'.`, { code: 'argument', offset: site.offset, length: site.length });
        bound.set(k, v);
      } else if (varkw) extra.push([str(k), v]);
      else throw new LossInspectorError(`${fname}() got an unexpected keyword argument '${k}'.`, { code: 'unknown-param', argument: k, offset: site.offset, length: site.length });
    }
    if (varkw) bound.set(varkw.name, { kind: 'dict', entries: extra });
    for (const p of fn.params) {
      if (p.kind === 'varargs' || p.kind === 'varkw') continue;
      if (!bound.has(p.name)) {
        if (p.default === undefined) throw new LossInspectorError(`${fname}() missing required argument '${p.name}'.`, { code: 'argument', argument: p.name, offset: site.offset, length: site.length });
        bound.set(p.name, p.default);
      }
    }
    for (const [k, v] of bound) scope.set(k, v);
  }

  // ---- statements

  /** Executes a Body (or one statement); returns the value of the first `return` reached. */
  execBlock(body: SyntaxNode, scope: Scope): Flow {
    if (body.name !== 'Body') return this.execStatement(body, scope, false);
    for (const st of kids(body)) {
      if (st.name === ':' || st.name === 'Comment') continue;
      const r = this.execStatement(st, scope, false);
      if (r) return r;
    }
    return null;
  }

  private execStatement(st: SyntaxNode, scope: Scope, top: boolean): Flow {
    this.host.tick(this.site(st));
    switch (st.name) {
      case 'ExpressionStatement': {
        const e = kids(st)[0];
        if (e && (e.name === 'String' || e.name === 'ContinuedString')) return null; // docstring
        if (e) this.located(st, () => this.evalExpr(e, scope));
        return null;
      }
      case 'AssignStatement': this.located(st, () => this.execAssign(st, scope)); return null;
      case 'UpdateStatement': this.located(st, () => this.execUpdate(st, scope)); return null;
      case 'ReturnStatement': {
        const es = kids(st).filter((c) => c.name !== 'return' && c.name !== ',');
        const hasComma = kids(st).some((c) => c.name === ',');
        if (es.length === 0) return { ret: NONE };
        const vals = es.map((e) => this.evalExpr(e, scope));
        return { ret: hasComma ? list(vals, true) : vals[0] };
      }
      case 'IfStatement': return this.execIf(st, scope);
      case 'PassStatement': case 'Comment': return null;
      case 'FunctionDefinition': {
        const f = this.defineFunction(st, scope);
        scope.set(f.name, f);
        return null;
      }
      case 'ClassDefinition': {
        const c = this.defineClass(st, scope);
        scope.set(c.name, c);
        return null;
      }
      case 'DecoratedStatement': {
        const decs = kids(st).filter((c) => c.name === 'Decorator');
        for (const d of decs) {
          const t = this.text(d).replace(/^@\s*/, '').replace(/\(.*$/s, '').trim();
          if (!/(^|\.)function$|register_keras_serializable$|^(tf\.)?autograph/.test(t)) throw this.unsupported(d, `The decorator \`@${t}\``);
        }
        const inner = kids(st).find((c) => c.name === 'FunctionDefinition' || c.name === 'ClassDefinition');
        return inner ? this.execStatement(inner, scope, top) : null;
      }
      case 'StatementGroup': {
        for (const c of kids(st)) {
          if (c.name === ';') continue;
          const r = this.execStatement(c, scope, top);
          if (r) return r;
        }
        return null;
      }
      case 'ImportStatement':
        if (top) { this.execImport(st, scope); return null; }
        throw this.unsupported(st, 'An import inside a function', 'imports are read at the top of the file only; move it out of the function');
      case 'ForStatement': throw this.unsupported(st, 'A `for` loop', 'loops over data are not evaluated; write the computation with tensor operations (reduce_sum, where, ...)');
      case 'WhileStatement': throw this.unsupported(st, 'A `while` loop', 'loops are not evaluated; write the computation with tensor operations');
      case 'WithStatement': throw this.unsupported(st, 'A `with` block');
      case 'TryStatement': throw this.unsupported(st, 'A `try` block');
      case 'RaiseStatement': throw this.unsupported(st, 'A `raise` statement');
      case 'AssertStatement': throw this.unsupported(st, 'An `assert` statement');
      case 'DeleteStatement': throw this.unsupported(st, 'A `del` statement');
      case 'ScopeStatement': throw this.unsupported(st, `A \`${this.text(st).split(/\s/)[0]}\` declaration`);
      case 'BreakStatement': case 'ContinueStatement': throw this.unsupported(st, `\`${this.text(st)}\``);
      case 'YieldStatement': throw this.unsupported(st, 'A generator (`yield`)');
      case 'MatchStatement': throw this.unsupported(st, 'A `match` statement');
      default: throw this.unsupported(st, `The statement \`${this.text(st).split('\n')[0].trim()}\``);
    }
  }

  private execIf(st: SyntaxNode, scope: Scope): Flow {
    const cs = kids(st);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === 'if' || c.name === 'elif') {
        const cond = cs[i + 1];
        const body = cs[i + 2];
        if (this.condition(cond, scope)) return this.execBlock(body, scope);
        i += 2;
      } else if (c.name === 'else') {
        return this.execBlock(cs[i + 1], scope);
      }
    }
    return null;
  }

  /** Python truthiness of an expression, refusing multi-element tensors like NumPy. */
  condition(e: SyntaxNode, scope: Scope): boolean {
    const v = this.evalExpr(e, scope);
    const t = truthy(v);
    if (t === undefined) throw this.error(e, `The truth value of ${describe(v)} is ambiguous (use reduce_any/reduce_all or where)`, 'type');
    return t;
  }

  private execAssign(st: SyntaxNode, scope: Scope): void {
    const cs = kids(st).filter((c) => c.name !== 'TypeDef');
    // Groups separated by `=`: targets..., value.
    const groups: SyntaxNode[][] = [[]];
    for (const c of cs) {
      if (c.name === 'AssignOp') groups.push([]);
      else groups[groups.length - 1].push(c);
    }
    const valueGroup = groups.pop()!;
    if (groups.length === 0) return; // annotation only: `x: int`
    const valExprs = valueGroup.filter((c) => c.name !== ',');
    const value = valueGroup.some((c) => c.name === ',') ? list(valExprs.map((e) => this.evalExpr(e, scope)), true) : this.evalExpr(valExprs[0], scope);
    for (const g of groups) {
      const targets = g.filter((c) => c.name !== ',');
      if (g.some((c) => c.name === ',')) this.unpack(targets, value, scope, st);
      else this.assignTo(targets[0], value, scope);
    }
  }

  private assignTo(t: SyntaxNode, v: Value, scope: Scope): void {
    switch (t.name) {
      case 'VariableName': scope.set(this.text(t), v); return;
      case 'TupleExpression': case 'ArrayExpression': case 'ParenthesizedExpression': {
        const inner = kids(t).filter((c) => !PUNCT.has(c.name));
        if (t.name === 'ParenthesizedExpression' && !kids(t).some((c) => c.name === ',')) { this.assignTo(inner[0], v, scope); return; }
        this.unpack(inner, v, scope, t);
        return;
      }
      case 'MemberExpression': {
        const cs = kids(t);
        if (cs.some((c) => c.name === '[')) throw this.unsupported(t, 'Item assignment (`x[...] = ...`)', 'tensors are immutable; build the value with where/concat instead');
        const obj = this.evalExpr(cs[0], scope);
        const prop = this.text(cs[cs.length - 1]);
        if (obj.kind === 'object') { obj.attrs.set(prop, v); return; }
        throw this.unsupported(t, `Setting the attribute \`${prop}\` of ${describe(obj)}`);
      }
      default: throw this.unsupported(t, `Assignment to \`${this.text(t)}\``);
    }
  }

  private unpack(targets: SyntaxNode[], v: Value, scope: Scope, at: SyntaxNode): void {
    const items = this.iterItems(v, at);
    const star = targets.findIndex((t) => t.name === 'StarExpression' || this.text(t).startsWith('*'));
    if (star >= 0) throw this.unsupported(targets[star], 'Starred assignment');
    if (items.length !== targets.length) throw this.error(at, `Cannot unpack ${items.length} values into ${targets.length} names`, 'type');
    targets.forEach((t, i) => this.assignTo(t, items[i], scope));
  }

  /** The items of a tuple/list, or the rows of a tensor (unpacking along axis 0). */
  private iterItems(v: Value, at: SyntaxNode): Value[] {
    if (v.kind === 'list') return v.items;
    if (v.kind === 'tensor') {
      const n = nodeOf(v);
      if (n.shape.length === 0) throw this.error(at, 'Cannot unpack a scalar tensor', 'type');
      return O.split(n, n.shape[0], 0).map((p) => tv(O.squeeze(p, 0)));
    }
    throw this.error(at, `Cannot unpack ${describe(v)}`, 'type');
  }

  private execUpdate(st: SyntaxNode, scope: Scope): void {
    const [t, op, e] = kids(st);
    const opText = this.text(op).replace('=', '');
    const cur = this.evalExpr(t, scope);
    const v = this.binop(opText, cur, this.evalExpr(e, scope), st);
    this.assignTo(t, v, scope);
  }

  // ---- expressions

  evalExpr(e: SyntaxNode, scope: Scope): Value {
    switch (e.name) {
      case 'Number': return this.number(e);
      case 'String': return str(this.stringValue(e));
      case 'ContinuedString': return str(kids(e).map((c) => this.stringValue(c)).join(''));
      case 'FormatString': return str(this.text(e));
      case 'Boolean': return this.text(e) === 'True' ? TRUE : FALSE;
      case 'None': return NONE;
      case 'VariableName': return this.lookup(e, scope);
      case 'ParenthesizedExpression': {
        const inner = kids(e).filter((c) => !PUNCT.has(c.name));
        if (inner.length !== 1) throw this.unsupported(e, `\`${this.text(e)}\``);
        return this.evalExpr(inner[0], scope);
      }
      case 'TupleExpression': case 'ArrayExpression': {
        const items: Value[] = [];
        for (const c of kids(e)) {
          if (PUNCT.has(c.name)) continue;
          items.push(this.evalExpr(c, scope));
        }
        return list(items, e.name === 'TupleExpression');
      }
      case 'DictionaryExpression': {
        const cs = kids(e).filter((c) => !PUNCT.has(c.name));
        const entries: [Value, Value][] = [];
        for (let i = 0; i + 1 < cs.length; i += 2) entries.push([this.evalExpr(cs[i], scope), this.evalExpr(cs[i + 1], scope)]);
        return { kind: 'dict', entries };
      }
      case 'MemberExpression': return this.located(e, () => this.member(e, scope));
      case 'CallExpression': return this.located(e, () => this.call(e, scope));
      case 'BinaryExpression': return this.located(e, () => this.binary(e, scope));
      case 'UnaryExpression': return this.located(e, () => this.unaryExpr(e, scope));
      case 'ConditionalExpression': {
        const cs = kids(e);
        // a if cond else b
        return this.condition(cs[2], scope) ? this.evalExpr(cs[0], scope) : this.evalExpr(cs[4], scope);
      }
      case 'LambdaExpression': return this.defineFunction(e, scope);
      case 'ArrayComprehensionExpression': case 'DictionaryComprehensionExpression': case 'SetComprehensionExpression': case 'ComprehensionExpression':
        throw this.unsupported(e, 'A comprehension', 'it loops over data; write the computation with tensor operations');
      case 'SetExpression': throw this.unsupported(e, 'A set');
      case 'AwaitExpression': case 'YieldExpression': throw this.unsupported(e, `\`${this.text(e).split(/\s/)[0]}\``);
      case 'Ellipsis': throw this.unsupported(e, '`...` outside an index');
      case '⚠': throw this.error(e, `Syntax error near \`${this.source.slice(e.from, Math.min(e.to + 10, this.source.length)).split('\n')[0]}\``, 'syntax');
      default: throw this.unsupported(e, `The expression \`${this.text(e).split('\n')[0]}\``);
    }
  }

  private number(e: SyntaxNode): Value {
    const t = this.text(e).replace(/_/g, '');
    if (/[jJ]$/.test(t)) throw this.unsupported(e, 'A complex number');
    if (/^0[xob]/i.test(t)) return num(Number(t), true);
    const isInt = /^\d+$/.test(t);
    return num(Number(t), isInt);
  }

  private stringValue(e: SyntaxNode): string {
    const t = this.text(e);
    const m = /^([a-zA-Z]*)('''|"""|'|")([\s\S]*)\2$/.exec(t);
    return m ? m[3] : t;
  }

  /** Names: locals → enclosing scopes → builtins → well-known module aliases (tf, np, K...). */
  private lookup(e: SyntaxNode, scope: Scope): Value {
    const name = this.text(e);
    const v = scope.get(name);
    if (v !== undefined && !(v.kind === 'opaque' && v.undefinedName)) return v;
    if (IO_BUILTINS.has(name)) return builtinRef(name);
    if (UNSAFE_BUILTINS.has(name) || LOOP_BUILTINS.has(name)) return builtinRef(name);
    if (BUILTINS.has(name)) return builtinRef(name);
    if (name in IMPLICIT_MODULES) return { kind: 'module', path: canonicalPath(IMPLICIT_MODULES[name]) };
    throw this.error(e, `The name \`${name}\` is not defined`, 'name');
  }

  private dottedName(e: SyntaxNode): string | null {
    if (e.name === 'VariableName') return this.text(e);
    if (e.name === 'MemberExpression') {
      const cs = kids(e);
      if (cs.some((c) => c.name === '[')) return null;
      const left = this.dottedName(cs[0]);
      return left === null ? null : `${left}.${this.text(cs[cs.length - 1])}`;
    }
    return null;
  }

  private canonicalDotted(dotted: string, scope: Scope): string {
    const [first, ...rest] = dotted.split('.');
    const v = scope.get(first);
    const head = v?.kind === 'module' ? v.path : first;
    return canonicalPath([head, ...rest].join('.'));
  }

  private member(e: SyntaxNode, scope: Scope): Value {
    const cs = kids(e);
    if (cs.some((c) => c.name === '[')) return this.subscript(e, cs, scope);
    const obj = this.evalExpr(cs[0], scope);
    const prop = this.text(cs[cs.length - 1]);
    return this.getAttr(obj, prop, e);
  }

  getAttr(obj: Value, prop: string, e: SyntaxNode): Value {
    switch (obj.kind) {
      case 'module': {
        const path = canonicalPath(`${obj.path}.${prop}`);
        const c = CONSTANTS[path] ?? CONSTANTS[`*.${prop}`];
        if (c !== undefined && splitOpName(path)) return c;
        return { kind: 'module', path };
      }
      case 'tensor': {
        const n = nodeOf(obj);
        switch (prop) {
          case 'shape': return list(n.shape.map((d) => num(d, true)), true);
          case 'ndim': return num(n.shape.length, true);
          case 'T': case 'mT': return tv(O.transpose(n));
          case 'dtype': return str(n.dtype);
          case 'size': if (!hasTorchHint(this.source)) return num(n.size, true); break;
        }
        return boundMethod(prop, obj, this);
      }
      case 'object': {
        const a = obj.attrs.get(prop);
        if (a !== undefined) return a;
        const inst = entities.get(obj);
        if (inst?.kind === 'instance') {
          const m = this.findMethod(inst.cls, prop);
          if (m) return this.boundUserMethod(m, obj, inst.cls);
          if (prop === '__call__' && obj.call) return obj.call;
        }
        throw this.error(e, `${obj.className} has no attribute \`${prop}\``, 'name');
      }
      case 'opaque':
        if (obj.what === 'super') return this.superAttr(obj, prop, e);
        break;
      case 'list':
        if (prop === 'append' || prop === 'extend') throw this.unsupported(e, `\`.${prop}()\` on a list`, 'lists are built by loops, which are not evaluated');
        break;
      case 'loss': case 'lossref':
        break;
    }
    throw this.unsupported(e, `Attribute access \`.${prop}\` on ${describe(obj)}`, 'only tensors, modules (tf, np, K, ...) and the Loss object itself (self) have known attributes');
  }

  private boundUserMethod(m: UserFunction, self: ObjectValue, cls: UserClass): Callable {
    return { kind: 'callable', name: `${cls.name}.${m.name}`, call: (args, kwargs, site) => this.callFunction(m, [self, ...args], kwargs, site, cls) };
  }

  /** super().__init__(...) and super().call/method(...) inside a Loss subclass. */
  private superAttr(sup: Value & { kind: 'opaque' }, prop: string, e: SyntaxNode): Value {
    const ctx = superContexts.get(sup)!;
    const base = ctx.cls.base;
    if (base) {
      const m = this.findMethod(base, prop);
      if (m) return this.boundUserMethod(m, ctx.self, base);
    }
    if (prop === '__init__') {
      return { kind: 'callable', name: 'Loss.__init__', call: (args, kwargs, site) => { this.baseInit(ctx.self, args, kwargs, site); return NONE; } };
    }
    throw this.unsupported(e, `\`super().${prop}\``, 'the Loss base class is modelled for __init__ only');
  }

  // ---- subscripts

  private subscript(e: SyntaxNode, cs: SyntaxNode[], scope: Scope): Value {
    const obj = this.evalExpr(cs[0], scope);
    const open = cs.findIndex((c) => c.name === '[');
    const inner = cs.slice(open + 1, cs.length - 1);
    // Split into comma-separated index items; each item is an expression or a slice (has ':').
    const items: SyntaxNode[][] = [[]];
    for (const c of inner) { if (c.name === ',') items.push([]); else items[items.length - 1].push(c); }
    if (items[items.length - 1].length === 0 && items.length > 1) items.pop();
    type Idx = { k: 'int'; v: number } | { k: 'slice'; start: number | null; stop: number | null; step: number | null } | { k: 'new' } | { k: 'ell' } | { k: 'tensor'; v: Value };
    const idx: Idx[] = items.map((it) => {
      if (it.some((c) => c.name === ':')) {
        const parts: (SyntaxNode | null)[] = [null];
        for (const c of it) { if (c.name === ':') parts.push(null); else parts[parts.length - 1] = c; }
        const val = (p: SyntaxNode | null | undefined) => {
          if (!p) return null;
          const v = this.evalExpr(p, scope);
          return v.kind === 'none' ? null : toInt(v, 'slice bound');
        };
        return { k: 'slice', start: val(parts[0]), stop: val(parts[1]), step: val(parts[2]) };
      }
      if (it.length !== 1) throw this.unsupported(e, `The index \`${this.text(e)}\``);
      if (it[0].name === 'Ellipsis') return { k: 'ell' };
      const v = this.evalExpr(it[0], scope);
      if (v.kind === 'none') return { k: 'new' };
      if (v.kind === 'number' && v.int) return { k: 'int', v: v.value };
      if (v.kind === 'bool') return { k: 'int', v: v.value ? 1 : 0 };
      if (v.kind === 'tensor' || v.kind === 'list' || v.kind === 'string') return { k: 'tensor', v };
      throw this.error(it[0], `Indices must be integers or slices, received ${describe(v)}`, 'type');
    });
    // Python containers.
    if (obj.kind === 'list' || obj.kind === 'string') {
      if (idx.length !== 1) throw this.error(e, `Too many indices for a ${obj.kind}`, 'type');
      const seq = obj.kind === 'list' ? obj.items : [...obj.value].map((ch) => str(ch));
      const i0 = idx[0];
      if (i0.k === 'int') {
        const i = i0.v < 0 ? i0.v + seq.length : i0.v;
        if (i < 0 || i >= seq.length) throw this.error(e, `Index ${i0.v} out of range for length ${seq.length}`, 'index');
        return seq[i];
      }
      if (i0.k === 'slice') {
        const r = sliceRange(i0.start, i0.stop, i0.step, seq.length);
        const out = r.map((i) => seq[i]);
        return obj.kind === 'list' ? list(out, obj.tuple) : str(out.map((s) => (s as { value: string }).value).join(''));
      }
      throw this.error(e, 'Unsupported index on a list', 'type');
    }
    if (obj.kind === 'dict') {
      const key = items[0][0] ? this.evalExpr(items[0][0], scope) : NONE;
      const hit = obj.entries.find(([k]) => pyEquals(k, key));
      if (!hit) throw this.error(e, `Key ${describe(key)} not found`, 'index');
      return hit[1];
    }
    if (obj.kind === 'object' || obj.kind === 'module' || obj.kind === 'opaque') throw this.unsupported(e, `Indexing ${describe(obj)}`);
    if (obj.kind !== 'tensor') throw this.error(e, `TypeError: ${describe(obj)} is not subscriptable`, 'type');
    let x = nodeOf(obj);
    // Advanced indexing: one boolean mask of x's shape, or integer indices along axis 0.
    if (idx.length === 1 && idx[0].k === 'tensor') {
      const iv = toNode(idx[0].v, 'index', null);
      if (iv.dtype === 'bool') {
        if (!sameShapeArr(iv.shape, x.shape)) throw this.unsupported(e, `A boolean mask of shape ${shapeStr(iv.shape)} on a tensor of shape ${shapeStr(x.shape)}`);
        const pos: number[] = [];
        for (let i = 0; i < iv.size; i++) if (iv.data[i]) pos.push(i);
        return tv(O.gather('boolean_mask', O.reshape(x, [-1]), Int32Array.from(pos), [pos.length]));
      }
      const rows = x.shape[0];
      const inner = sizeOf(x.shape.slice(1));
      const gi = new Int32Array(iv.size * inner);
      for (let r = 0; r < iv.size; r++) {
        let k = iv.data[r];
        if (!Number.isInteger(k)) throw this.error(e, 'Indices must be integers', 'type');
        if (k < 0) k += rows;
        if (k < 0 || k >= rows) throw this.error(e, `Index ${iv.data[r]} is out of bounds for axis 0 with size ${rows}`, 'index');
        for (let i = 0; i < inner; i++) gi[r * inner + i] = k * inner + i;
      }
      return tv(O.gather('gather', x, gi, [...iv.shape, ...x.shape.slice(1)]));
    }
    if (idx.some((i) => i.k === 'tensor')) throw this.unsupported(e, `The index \`${this.text(e)}\` (mixed tensor indices)`);
    // Basic indexing: ints, slices, None, one Ellipsis.
    const nEll = idx.filter((i) => i.k === 'ell').length;
    if (nEll > 1) throw this.error(e, 'An index can only have a single ellipsis', 'index');
    const consumed = idx.filter((i) => i.k === 'int' || i.k === 'slice').length;
    if (consumed > x.shape.length) throw this.error(e, `Too many indices for a tensor of rank ${x.shape.length}`, 'index');
    const full: Idx[] = [];
    for (const i of idx) {
      if (i.k === 'ell') for (let j = 0; j < x.shape.length - consumed; j++) full.push({ k: 'slice', start: null, stop: null, step: null });
      else full.push(i);
    }
    while (full.filter((i) => i.k === 'int' || i.k === 'slice').length < x.shape.length) full.push({ k: 'slice', start: null, stop: null, step: null });
    let ax = 0;
    const finalShape: number[] = [];
    for (const i of full) {
      if (i.k === 'new') { finalShape.push(1); continue; }
      const dim = x.shape[ax];
      if (i.k === 'int') {
        const k = i.v < 0 ? i.v + dim : i.v;
        if (k < 0 || k >= dim) throw this.error(e, `Index ${i.v} is out of bounds for axis ${ax} with size ${dim}`, 'index');
        x = O.sliceAxis(x, ax, k, 1, 1);
        x = O.squeeze(x, ax);
        continue;
      }
      if (i.k === 'slice') {
        const r = sliceRange(i.start, i.stop, i.step, dim);
        if (r.length === dim && (i.step ?? 1) === 1) { finalShape.push(dim); ax++; continue; }
        x = r.length === 0 ? O.sliceAxis(x, ax, 0, 0, 1) : O.sliceAxis(x, ax, r[0], r.length, r.length > 1 ? r[1] - r[0] : 1);
        finalShape.push(r.length);
        ax++;
      }
    }
    return tv(sameShapeArr(finalShape, x.shape) ? x : O.reshape(x, finalShape));
  }

  // ---- calls

  private call(e: SyntaxNode, scope: Scope): Value {
    const [calleeNode, argList] = kids(e);
    const { args, kwargs } = this.args(argList, scope);
    const site = this.site(e);
    // super() inside a method
    if (calleeNode.name === 'VariableName' && this.text(calleeNode) === 'super' && !scope.has('super')) return this.makeSuper(scope, e);
    // Tensor methods: x.sum(axis=1)
    if (calleeNode.name === 'MemberExpression' && !kids(calleeNode).some((c) => c.name === '[')) {
      const cs = kids(calleeNode);
      const recv = this.evalExpr(cs[0], scope);
      const prop = this.text(cs[cs.length - 1]);
      if (recv.kind === 'tensor') {
        const r = callMethod(prop, recv, args, kwargs, site);
        if (r === undefined) throw this.unsupported(calleeNode, `The tensor method \`.${prop}()\``);
        return r;
      }
      return this.callValue(this.getAttr(recv, prop, calleeNode), args, kwargs, site, calleeNode);
    }
    const fn = this.evalExpr(calleeNode, scope);
    return this.callValue(fn, args, kwargs, site, calleeNode);
  }

  private makeSuper(scope: Scope, e: SyntaxNode): Value {
    let cls: UserClass | undefined;
    let self: Value | undefined;
    for (let s: Scope | null = scope; s; s = s.parent) {
      const c = classOfScope.get(s);
      if (c) { cls = c; self = s.get('self'); break; }
    }
    if (!cls || !self || self.kind !== 'object') throw this.unsupported(e, '`super()` outside a method of a Loss subclass');
    const v: Value = { kind: 'opaque', what: 'super' };
    superContexts.set(v, { cls, self });
    return v;
  }

  private args(argList: SyntaxNode, scope: Scope): { args: Value[]; kwargs: Map<string, Value> } {
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    const cs = kids(argList);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === '(' || c.name === ')' || c.name === ',') continue;
      if (c.name === 'VariableName' && cs[i + 1]?.name === 'AssignOp') {
        kwargs.set(this.text(c), this.evalExpr(cs[i + 2], scope));
        i += 2;
      } else if (c.name === '*') {
        const v = this.evalExpr(cs[i + 1], scope);
        if (v.kind !== 'list') throw this.error(cs[i + 1], `Cannot unpack ${describe(v)} as arguments`, 'type');
        args.push(...v.items);
        i++;
      } else if (c.name === '**') {
        const v = this.evalExpr(cs[i + 1], scope);
        if (v.kind !== 'dict') throw this.error(cs[i + 1], `Cannot unpack ${describe(v)} as keyword arguments`, 'type');
        for (const [k, val] of v.entries) if (k.kind === 'string') kwargs.set(k.value, val);
        i++;
      } else if (c.name === 'ComprehensionExpression' || c.name === 'for') {
        throw this.unsupported(c, 'A generator expression', 'it loops over data');
      } else args.push(this.evalExpr(c, scope));
    }
    return { args, kwargs };
  }

  /** Calls any value the way Python would. */
  callValue(fn: Value, args: Value[], kwargs: Map<string, Value>, site: Site, at: SyntaxNode): Value {
    const ent = userEntityOf(fn);
    if (ent) {
      if (ent.kind === 'function') return ent.interp.callFunction(ent, args, kwargs, site);
      if (ent.kind === 'class') return ent.interp.construct(ent, args, kwargs, site);
      return ent.cls.interp.callInstance(ent.cls, ent.obj, args, kwargs, site);
    }
    switch (fn.kind) {
      case 'module': return this.callDotted(fn.path, args, kwargs, site, at);
      case 'callable': {
        const b = builtinNames.get(fn);
        if (b) return this.callBuiltin(b, args, kwargs, site, at);
        if (this.host.callForeign) return this.host.callForeign(fn, args, kwargs, site);
        return fn.call(args, kwargs, site);
      }
      case 'lossref': {
        if (fn.form === 'class') return { kind: 'loss', spec: fn.spec, config: toConfig(kwargs, this, at), ctorName: fn.name };
        return this.callBuiltinLoss(fn.spec, 'function', {}, args, kwargs, fn.name, at);
      }
      case 'loss': return this.callBuiltinLoss(fn.spec, 'class', fn.config, args, kwargs, fn.ctorName, at);
      case 'object': if (fn.call) return fn.call.call(args, kwargs, site); break;
    }
    throw this.error(at, `${describe(fn)} is not callable`, 'type');
  }

  /** tf.square(...), np.mean(...), keras.losses.mean_squared_error(...), keras.losses.Huber(delta=2)(...). */
  private callDotted(path: string, args: Value[], kwargs: Map<string, Value>, site: Site, at: SyntaxNode): Value {
    const special = callFunctional(path, args, kwargs);
    if (special) return special;
    const r = callOp(path, args, kwargs, site);
    if (r !== undefined) return r;
    // keras.losses.X / keras.metrics.X / tfa.losses.X / K.binary_crossentropy-like built-ins
    if (/^(keras\.(losses|metrics)|tfa\.losses|losses)\./.test(path)) {
      let resolved;
      try { resolved = resolveLoss(path); } catch (err) {
        if (err instanceof LossInspectorError) throw this.error(at, err.message, 'unknown-loss');
        throw err;
      }
      if (resolved.kind === 'class') return { kind: 'loss', spec: resolved.spec, config: toConfig(kwargs, this, at), ctorName: path };
      return this.callBuiltinLoss(resolved.spec, 'function', {}, args, kwargs, path, at);
    }
    if (path.endsWith('.print') || /^tf\.(io|data|summary|saved_model|gfile)\b/.test(path) || path.startsWith('os.') || path.startsWith('sys.') || path.startsWith('subprocess')) {
      throw this.unsupported(at, `I/O (\`${path}\`)`, 'a loss function is evaluated as a pure computation; remove printing and file access');
    }
    if (/^tf\.(debugging|assert)/.test(path)) throw this.unsupported(at, `\`${path}\``, 'assertions are not evaluated');
    throw this.unsupported(at, `The function \`${path}\``, 'it is not one of the tensor operations Loss Inspector knows (square, reduce_mean, maximum, clip, where, split, ...)');
  }

  private callBuiltinLoss(spec: LossSpec, form: 'function' | 'class', ctorCfg: Record<string, ParamValue>, args: Value[], kwargs: Map<string, Value>, callee: string, at: SyntaxNode): Value {
    const kw = new Map(kwargs);
    const get = (i: number, name: string): Value | undefined => { const v = kw.get(name) ?? args[i]; kw.delete(name); return v; };
    const yt = get(0, 'y_true'), yp = get(1, 'y_pred');
    const sw = form === 'class' ? get(2, 'sample_weight') : undefined;
    if (!yt || !yp) throw this.error(at, `${callee}: expected y_true and y_pred`, 'argument');
    const config = form === 'class' ? ctorCfg : toConfig(kw, this, at);
    if (form === 'class' && kw.size) throw this.error(at, `${callee}: unexpected argument \`${[...kw.keys()][0]}\` in the call (constructor arguments go to the class)`, 'unknown-param');
    const pn = toNode(yp, `${callee}: y_pred`, null);
    const tn = toNode(yt, `${callee}: y_true`, pn.dtype);
    const swn = sw && sw.kind !== 'none' ? toNode(sw, `${callee}: sample_weight`, null) : null;
    return tv(builtinLossNode(spec, form, config, tn, pn, swn, callee.split('.').pop()!));
  }

  private callBuiltin(name: string, args: Value[], _kwargs: Map<string, Value>, site: Site, at: SyntaxNode): Value {
    if (IO_BUILTINS.has(name)) throw this.unsupported(at, `I/O (\`${name}()\`)`, 'a loss function is evaluated as a pure computation; remove printing and file access');
    if (UNSAFE_BUILTINS.has(name)) throw this.unsupported(at, `\`${name}()\``, 'dynamic code and reflection are never evaluated');
    if (LOOP_BUILTINS.has(name)) throw this.unsupported(at, `\`${name}()\``, 'it iterates over data; write the computation with tensor operations');
    const one = () => { if (args.length !== 1) throw this.error(at, `${name}() takes exactly one argument (${args.length} given)`, 'argument'); return args[0]; };
    switch (name) {
      case 'abs': {
        const v = one();
        if (v.kind === 'number') return num(Math.abs(v.value), v.int);
        return tv(O.abs(toNode(v, 'abs()', null, site)));
      }
      case 'float': { const v = one(); return num(toNum(v, this, at), false); }
      case 'int': { const v = one(); return num(Math.trunc(toNum(v, this, at)), true); }
      case 'bool': { const v = one(); const t = truthy(v); if (t === undefined) throw this.error(at, 'The truth value of a tensor with more than one element is ambiguous', 'type'); return bool(t); }
      case 'len': {
        const v = one();
        if (v.kind === 'list') return num(v.items.length, true);
        if (v.kind === 'string') return num(v.value.length, true);
        if (v.kind === 'tensor') { if (v.tensor.shape.length === 0) throw this.error(at, 'len() of a scalar tensor', 'type'); return num(v.tensor.shape[0], true); }
        throw this.error(at, `len() of ${describe(v)}`, 'type');
      }
      case 'max': case 'min': {
        const items = args.length === 1 && args[0].kind === 'list' ? args[0].items : args;
        if (items.length === 0) throw this.error(at, `${name}() of an empty sequence`, 'argument');
        if (items.every((v) => v.kind === 'number' || v.kind === 'bool')) {
          const ns = items.map((v) => toNum(v, this, at));
          const r = name === 'max' ? Math.max(...ns) : Math.min(...ns);
          const i = ns.indexOf(r);
          return items[i];
        }
        throw this.unsupported(at, `Python's ${name}() on tensors`, `use tf.reduce_${name} or tf.${name}imum`);
      }
      case 'sum': {
        const items = args[0]?.kind === 'list' ? args[0].items : null;
        if (!items) throw this.unsupported(at, "Python's sum() on a tensor", 'use tf.reduce_sum');
        let acc: Value = args[1] ?? num(0, true);
        for (const it of items) acc = this.binop('+', acc, it, at);
        return acc;
      }
      case 'pow': return this.binop('**', args[0], args[1], at);
      case 'round': {
        const v = one();
        if (v.kind === 'number') { const r = Math.round(v.value); return num(Math.abs(v.value % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r, true); }
        return tv(O.round(toNode(v, 'round()', null)));
      }
      case 'list': case 'tuple': {
        const v = args[0] ?? list([], name === 'tuple');
        if (v.kind === 'list') return list(v.items.slice(), name === 'tuple');
        if (v.kind === 'tensor') return list(this.iterItems(v, at), name === 'tuple');
        throw this.error(at, `${name}() of ${describe(v)}`, 'type');
      }
      case 'isinstance': return FALSE;
      case 'str': return str(args[0] ? describe(args[0]) : '');
    }
    throw this.unsupported(at, `\`${name}()\``);
  }

  // ---- operators

  private binary(e: SyntaxNode, scope: Scope): Value {
    const cs = kids(e);
    const left = cs[0];
    const right = cs[cs.length - 1];
    const ops = cs.slice(1, cs.length - 1).map((c) => this.text(c)).join(' ');
    if (ops === 'and' || ops === 'or') {
      const l = this.evalExpr(left, scope);
      const t = truthy(l);
      if (t === undefined) throw this.error(e, `The truth value of ${describe(l)} is ambiguous (use tf.logical_${ops})`, 'type');
      if (ops === 'and') return t ? this.evalExpr(right, scope) : l;
      return t ? l : this.evalExpr(right, scope);
    }
    if (COMPARISONS.has(ops) && left.name === 'BinaryExpression' && COMPARISONS.has(this.opText(left))) {
      // A chain `a < b < c` (lezer nests it to the left) means `a < b and b < c`, b evaluated once.
      const operands: SyntaxNode[] = [right];
      const chainOps: string[] = [ops];
      let cur = left;
      while (cur.name === 'BinaryExpression' && COMPARISONS.has(this.opText(cur))) {
        const k = kids(cur);
        chainOps.unshift(this.opText(cur));
        operands.unshift(k[k.length - 1]);
        cur = k[0];
      }
      operands.unshift(cur);
      let prev = this.evalExpr(operands[0], scope);
      let result: Value = TRUE;
      for (let i = 0; i < chainOps.length; i++) {
        const next = this.evalExpr(operands[i + 1], scope);
        result = this.binop(chainOps[i], prev, next, e);
        if (i < chainOps.length - 1) {
          const t = truthy(result);
          if (t === undefined) throw this.error(e, `The truth value of ${describe(result)} is ambiguous (a chained comparison on tensors; use tf.logical_and)`, 'type');
          if (!t) return result;
        }
        prev = next;
      }
      return result;
    }
    const l = this.evalExpr(left, scope);
    const r = this.evalExpr(right, scope);
    return this.binop(ops, l, r, e);
  }

  private opText(b: SyntaxNode): string {
    const cs = kids(b);
    return cs.slice(1, cs.length - 1).map((c) => this.text(c)).join(' ');
  }

  /** A binary operator on two values (Python numbers, strings, lists, None, tensors with broadcasting). */
  binop(op: string, a: Value, b: Value, at: SyntaxNode): Value {
    if (op === 'is' || op === 'is not') {
      const same = a === b || (a.kind === 'none' && b.kind === 'none') || (a.kind === 'bool' && b.kind === 'bool' && a.value === b.value);
      return bool(op === 'is' ? same : !same);
    }
    if (op === 'in' || op === 'not in') {
      let found = false;
      if (b.kind === 'list') found = b.items.some((x) => pyEquals(x, a));
      else if (b.kind === 'dict') found = b.entries.some(([k]) => pyEquals(k, a));
      else if (b.kind === 'string' && a.kind === 'string') found = b.value.includes(a.value);
      else throw this.unsupported(at, `\`${op}\` on ${describe(b)}`);
      return bool(op === 'in' ? found : !found);
    }
    const isNum = (v: Value) => v.kind === 'number' || v.kind === 'bool';
    if (isNum(a) && isNum(b)) return numberOp(op, a, b, this, at);
    if (a.kind === 'string' || b.kind === 'string' || a.kind === 'none' || b.kind === 'none') {
      if (op === '==') return bool(pyEquals(a, b));
      if (op === '!=') return bool(!pyEquals(a, b));
      if (op === '+' && a.kind === 'string' && b.kind === 'string') return str(a.value + b.value);
      if (a.kind === 'none' || b.kind === 'none') throw this.error(at, `Unsupported operand for \`${op}\`: ${describe(a)} and ${describe(b)}`, 'type');
    }
    if (a.kind === 'list' && b.kind === 'list' && !hasTensor(a) && !hasTensor(b)) {
      if (op === '+') return list([...a.items, ...b.items], a.tuple);
      if (op === '==') return bool(pyEquals(a, b));
      if (op === '!=') return bool(!pyEquals(a, b));
    }
    if ((a.kind === 'list' && isNum(b) && !hasTensor(a) && op === '*') || (b.kind === 'list' && isNum(a) && !hasTensor(b) && op === '*')) {
      const [l, n] = a.kind === 'list' ? [a, b] : [b as Value & { kind: 'list' }, a];
      const k = toNum(n, this, at);
      const items: Value[] = [];
      for (let i = 0; i < k; i++) items.push(...(l as { items: Value[] }).items);
      return list(items, (l as { tuple: boolean }).tuple);
    }
    if (!hasTensor(a) && !hasTensor(b) && (a.kind === 'list' || b.kind === 'list')) {
      throw this.error(at, `TypeError: unsupported operand types for \`${op}\`: ${describe(a)} and ${describe(b)} (Python lists do not broadcast; wrap them with np.array or tf.constant)`, 'type');
    }
    if (!isArrayLike(a) || !isArrayLike(b)) throw this.error(at, `Unsupported operand types for \`${op}\`: ${describe(a)} and ${describe(b)}`, 'type');
    // Tensors: Python numbers take the tensor's dtype.
    const aT = hasTensor(a);
    let x: Node, y: Node;
    if (aT || !hasTensor(b)) { x = toNode(a, `left operand of ${op}`, null); y = toNode(b, `right operand of ${op}`, x.dtype); } else { y = toNode(b, `right operand of ${op}`, null); x = toNode(a, `left operand of ${op}`, y.dtype); }
    return tv(tensorOp(op, x, y, this, at));
  }

  private unaryExpr(e: SyntaxNode, scope: Scope): Value {
    const [opN, argN] = kids(e);
    const op = this.text(opN);
    const v = this.evalExpr(argN, scope);
    if (op === 'not') {
      const t = truthy(v);
      if (t === undefined) throw this.error(e, `The truth value of ${describe(v)} is ambiguous (use tf.logical_not)`, 'type');
      return bool(!t);
    }
    if (v.kind === 'number' || v.kind === 'bool') {
      const x = v.kind === 'bool' ? (v.value ? 1 : 0) : v.value;
      const isInt = v.kind === 'bool' || v.int;
      if (op === '-') return num(-x, isInt);
      if (op === '+') return num(x, isInt);
      if (op === '~') return num(~x, true);
    }
    if (isArrayLike(v)) {
      const n = toNode(v, 'operand', null);
      if (op === '-') return tv(O.neg(n));
      if (op === '+') return tv(n);
      if (op === '~') return tv(n.dtype === 'bool' ? O.logicalNot(n) : O.sub(O.neg(n), O.fill([], 1, n.dtype)));
    }
    throw this.error(e, `Bad operand for unary ${op}: ${describe(v)}`, 'type');
  }
}

// ---------------------------------------------------------------- module-private helpers

const COMPARISONS = new Set(['<', '>', '==', '>=', '<=', '!=', 'in', 'not in', 'is', 'is not']);
const classOfScope = new WeakMap<Scope, UserClass>();
const superContexts = new WeakMap<object, { cls: UserClass; self: ObjectValue }>();

const BUILTINS = new Set(['abs', 'float', 'int', 'bool', 'len', 'max', 'min', 'sum', 'pow', 'round', 'list', 'tuple', 'isinstance', 'str']);
const builtinNames = new WeakMap<Callable, string>();
const builtinCache = new Map<string, Callable>();
function builtinRef(name: string): Callable {
  let c = builtinCache.get(name);
  if (!c) {
    c = { kind: 'callable', name, call: () => { throw new LossInspectorError(`${name}() called outside the interpreter`, { code: 'internal' }); } };
    builtinNames.set(c, name);
    builtinCache.set(name, c);
  }
  return c;
}

function boundMethod(prop: string, self: TensorValue, interp: Interp): Callable {
  return {
    kind: 'callable', name: `.${prop}`,
    call: (args, kwargs, site) => {
      const r = callMethod(prop, self, args, kwargs, site);
      if (r === undefined) throw new LossInspectorError(`The tensor method \`.${prop}()\` is not supported (line ${interp.line(site.offset)}).`, { code: 'unsupported', offset: site.offset, length: site.length });
      return r;
    },
  };
}

/** torch's x.size() is a method; numpy's x.size an attribute. */
function hasTorchHint(source: string): boolean {
  return /\bimport torch\b|\btorch\./.test(source);
}

const CONSTANTS: Record<string, Value> = {
  'np.pi': num(Math.PI), 'np.e': num(Math.E), 'np.inf': num(Infinity), 'np.nan': num(NaN), 'np.newaxis': NONE,
  'math.pi': num(Math.PI), 'math.e': num(Math.E), 'math.inf': num(Infinity), 'math.nan': num(NaN),
  'torch.pi': num(Math.PI), 'tf.newaxis': NONE,
  '*.float32': str('float32'), '*.float64': str('float64'), '*.float16': str('float32'), '*.int32': str('int32'), '*.int64': str('int64'),
  '*.bool': str('bool'), '*.double': str('float64'), '*.float': str('float32'), '*.long': str('int64'),
};

function isArrayLike(v: Value): boolean {
  return v.kind === 'tensor' || v.kind === 'number' || v.kind === 'bool' || v.kind === 'list';
}

function toNum(v: Value, interp: Interp, at: SyntaxNode): number {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  if (v.kind === 'tensor' && v.tensor.data.length === 1) return v.tensor.data[0];
  if (v.kind === 'string' && v.value.trim() !== '' && !Number.isNaN(Number(v.value))) return Number(v.value);
  throw interp.error(at, `Expected a number, received ${describe(v)}`, 'type');
}

function pyEquals(a: Value, b: Value): boolean {
  const n = (v: Value) => (v.kind === 'number' ? v.value : v.kind === 'bool' ? (v.value ? 1 : 0) : undefined);
  if (n(a) !== undefined && n(b) !== undefined) return n(a) === n(b);
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value;
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
  if (a.kind === 'list' && b.kind === 'list') return a.items.length === b.items.length && a.items.every((x, i) => pyEquals(x, b.items[i]));
  return a === b;
}

function numberOp(op: string, a: Value, b: Value, interp: Interp, at: SyntaxNode): Value {
  const x = a.kind === 'number' ? a.value : (a as { value: boolean }).value ? 1 : 0;
  const y = b.kind === 'number' ? b.value : (b as { value: boolean }).value ? 1 : 0;
  const ints = (a.kind !== 'number' || a.int) && (b.kind !== 'number' || b.int);
  const zero = () => { throw interp.error(at, `ZeroDivisionError: division by zero in \`${op}\``, 'value'); };
  switch (op) {
    case '+': return num(x + y, ints);
    case '-': return num(x - y, ints);
    case '*': return num(x * y, ints);
    case '/': if (y === 0) zero(); return num(x / y, false);
    case '//': if (y === 0) zero(); return num(Math.floor(x / y), ints);
    case '%': if (y === 0) zero(); return num(x - Math.floor(x / y) * y, ints);
    case '**': {
      if (x === 0 && y < 0) zero();
      return num(Math.pow(x, y), ints && y >= 0);
    }
    case '==': return bool(x === y);
    case '!=': return bool(x !== y);
    case '<': return bool(x < y);
    case '<=': return bool(x <= y);
    case '>': return bool(x > y);
    case '>=': return bool(x >= y);
    case '&': return ints ? num(x & y, true) : bool(!!x && !!y);
    case '|': return ints ? num(x | y, true) : bool(!!x || !!y);
    case '^': return num(x ^ y, true);
    case '@': throw interp.error(at, 'matmul (`@`) of two numbers', 'type');
  }
  throw interp.error(at, `Unsupported operator \`${op}\``, 'unsupported');
}

function tensorOp(op: string, x: Node, y: Node, interp: Interp, at: SyntaxNode): Node {
  switch (op) {
    case '+': return O.add(x, y);
    case '-': return O.sub(x, y);
    case '*': return O.mul(x, y);
    case '/': return O.div(x, y);
    case '//': return O.floordiv(x, y);
    case '%': return O.mod(x, y);
    case '**': return O.pow(x, y);
    case '@': return O.matmul(x, y);
    case '==': return O.compare('eq', x, y);
    case '!=': return O.compare('ne', x, y);
    case '<': return O.compare('lt', x, y);
    case '<=': return O.compare('le', x, y);
    case '>': return O.compare('gt', x, y);
    case '>=': return O.compare('ge', x, y);
    case '&': return O.logicalAnd(x, y);
    case '|': return O.logicalOr(x, y);
  }
  throw interp.error(at, `Unsupported operator \`${op}\` on tensors`, 'unsupported');
}

function sameShapeArr(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Python's slice.indices(len) as the list of selected positions. */
function sliceRange(start: number | null, stop: number | null, step: number | null, len: number): number[] {
  const st = step ?? 1;
  if (st === 0) throw new LossInspectorError('slice step cannot be zero', { code: 'index' });
  const norm = (v: number | null, dflt: number, lo: number, hi: number) => {
    if (v === null) return dflt;
    let r = v < 0 ? v + len : v;
    r = Math.max(lo, Math.min(hi, r));
    return r;
  };
  const out: number[] = [];
  if (st > 0) {
    const s = norm(start, 0, 0, len), e = norm(stop, len, 0, len);
    for (let i = s; i < e; i += st) out.push(i);
  } else {
    const s = norm(start, len - 1, -1, len - 1), e = norm(stop, -1, -1, len - 1);
    for (let i = s; i > e; i += st) out.push(i);
  }
  return out;
}

/** Keyword arguments of a built-in loss constructor/function as ParamValues. */
function toConfig(kwargs: Map<string, Value>, interp: Interp, at: SyntaxNode): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = Object.create(null); // `__proto__=` stays an own key, refused as unknown
  const conv = (v: Value): ParamValue => {
    switch (v.kind) {
      case 'none': return null;
      case 'bool': return v.value;
      case 'number': return v.value;
      case 'string': return v.value;
      case 'list': return v.items.map(conv) as ParamValue[];
      case 'module': return v.path.replace(/^.*\.(Reduction\.)/, '$1');
      case 'tensor': return v.tensor.data.length === 1 ? v.tensor.data[0] : Array.from(v.tensor.data);
      default: throw interp.error(at, `Unsupported argument value ${describe(v)}`, 'type');
    }
  };
  for (const [k, v] of kwargs) out[k] = conv(v);
  return out;
}

/** The reduction of a Loss instance (self.reduction), in Keras 3's meaning. */
export function reductionOf(obj: ObjectValue, name: string): Reduction {
  const r = obj.attrs.get('reduction');
  if (!r || r.kind === 'none') return 'none';
  const s = r.kind === 'string' ? r.value : r.kind === 'module' ? r.path.split('.').pop()! : '';
  const map: Record<string, Reduction> = {
    sum_over_batch_size: 'sum_over_batch_size', auto: 'sum_over_batch_size', mean: 'mean', sum: 'sum', none: 'none', mean_with_sample_weight: 'mean_with_sample_weight',
    SUM_OVER_BATCH_SIZE: 'sum_over_batch_size', AUTO: 'sum_over_batch_size', SUM: 'sum', NONE: 'none',
  };
  const red = map[s];
  if (!red) throw new LossInspectorError(`${name}: unknown reduction ${describe(r)}.`, { code: 'param', argument: 'reduction' });
  return red;
}

/** The Keras 3 base-class reduction (planReduction) as a differentiable node. */
export function reduceNode(loss: string, values: Node, reduction: Reduction, sw: Node | null): Node {
  const plan = planReduction(loss, 'keras3', reduction, values.shape, sw ? sw.value : null, null);
  const fin = plan.finish(values.value);
  const info = fin.info;
  if (info.unreduced) {
    if (!sw) return values;
    // weighted = values ⊙ weights under the plan's broadcasting: multiply as nodes for the gradient.
    const w = info.weights!;
    const vShape = sizeOf(info.weightedShape) === values.size ? info.weightedShape : values.shape;
    const v = O.reshape(values, sizeOf(vShape) === values.size ? vShape : values.shape);
    return O.mul(v, makeNode('sample_weight', w.data, w.shape, 'float64', [], null));
  }
  return makeNode(`${loss} reduction`, Float64Array.from(fin.value.data), [], values.dtype, [values], (g) => {
    const up = new Float64Array(plan.upstream.length);
    for (let i = 0; i < up.length; i++) up[i] = plan.upstream[i] * g[0];
    return [up];
  });
}

// ---------------------------------------------------------------- definition-time scan

const STATEMENT_CONSTRUCTS: Record<string, string> = {
  ForStatement: 'a `for` loop', WhileStatement: 'a `while` loop', WithStatement: 'a `with` block', TryStatement: 'a `try` block',
  RaiseStatement: 'a `raise` statement', ImportStatement: 'an import', ArrayComprehensionExpression: 'a comprehension',
  DictionaryComprehensionExpression: 'a comprehension', SetComprehensionExpression: 'a comprehension', ComprehensionExpression: 'a generator expression',
  YieldStatement: 'a generator (`yield`)', ScopeStatement: 'a global/nonlocal declaration',
};

/**
 * The first construct outside the subset inside a def/lambda/class, found without running it (so a loss that is
 * only passed to compile() still gets a note at its definition). Calls of print/open are I/O.
 */
export function findUnsupported(node: SyntaxNode, source: string): { construct: string; offset: number; length: number; line: number } | null {
  const cur = node.cursor();
  const lineOf = (off: number) => { let n = 1; for (let i = 0; i < off; i++) if (source.charCodeAt(i) === 10) n++; return n; };
  do {
    const what = STATEMENT_CONSTRUCTS[cur.name];
    let construct: string | null = what ?? null;
    if (!construct && cur.name === 'CallExpression') {
      const callee = cur.node.firstChild;
      const t = callee ? source.slice(callee.from, callee.to) : '';
      if (/^(print|open|input|eval|exec|__import__)$/.test(t) || /(^|\.)print$/.test(t)) construct = `\`${t}()\``;
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
 * parameters preset, its bound keywords as new defaults), so it is evaluated like any other user loss.
 * tf.function(f) is f. Returns undefined for anything else.
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
  return ent.interp.wrapFunction(fn);
}
