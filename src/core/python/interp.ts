/**
 * The one interpreter of the Python subset users select: top-level code, `def` and `lambda` bodies, Loss
 * subclasses and loops are all run by this class, on @lezer/python syntax trees. Nothing is ever run by Python.
 * Values are Python values and tensors whose autodiff node is kept (operators.ts), so anything the user computes
 * can be differentiated; a built-in loss is evaluated Keras-exactly by the core and enters the tape as one node.
 * Names resolve through the namespace table (namespace.ts), then the tensor library (library.ts), then the losses.
 * Everything we cannot evaluate (models, layers, plots, datasets) is skipped with an info note; every failure is
 * a LossInspectorError turned into a diagnostic on its statement, so one bad statement hides nothing else.
 */
import type { SyntaxNode } from '@lezer/common';
import { LossInspectorError } from '../errors';
import { evaluate, EvalRequest, EvalResult } from '../evaluate';
import { tryResolveLoss, resolveLoss } from '../registry';
import { allParams, resolveConfig } from '../config';
import { formatKeras, formatArray, float32Digits, float64Digits } from '../format';
import type { LossSpec, ParamValue } from '../spec';
import { Tensor, toNested } from '../tensor';
import { closest } from '../suggest';
import type { SnippetResult, SnippetDiagnostic } from './types';
import {
  Value, Site, Scope, LossObjectValue, LossRefValue, TensorValue, ModuleValue, ObjectValue, Callable,
  NONE, num, str, bool, list, opaque, callable, typeName, truthy, canonicalPath,
} from './values';
import { errAt, skip, repr, asNumber, valueToTensor, toParamValue } from './pyops';
import { binop, unaryValue, indexValue, opaqueSkip, Index, COMPARISONS } from './operators';
import type { EvalSession } from './session';
import { Node, constant, variable, backward } from './autodiff';
import * as O from './ops';
import { tv, toNode, nodeOf, hasTensor, describe, dtypeName } from './convert';
import { callOp, callMethod } from './library';
import { lossNode } from './lossnode';
import { builtinAt, constantAt, isPythonBuiltin, BuiltinCall, writePrint } from './namespace';
import { torchTensorAttr } from './torch';
import { labelCall, labelIndex } from './gradfn';
import { pyFloatRepr } from '../torch/print';
import { pyStr, NotPrintable } from './stdout';
import { kids, PUNCT, parsePyNumber, parsePyString, isTrailingDotFloat, firstLineLength, unescapePy, formatSpec } from './syntax';
import {
  UserFunction, UserClass, UserEntity, UserInstance, Param, userEntityOf, functionValue, isLossBase, findMethod, bindArgs, construct as constructUser,
  baseInit, callInstance, findUnsupported, callFunctional, FUNCTION_REFUSED,
} from './user';
import { topLevelCall } from './custom';

type Control = undefined | { kind: 'return'; value: Value } | { kind: 'break' } | { kind: 'continue' };

/** Where each argument of a call stands (errors about an argument point at it). */
export interface ArgSites { pos: Site[]; kw: Map<string, Site> }

/** Conventional import names snippets use without importing them: name → [canonical path, the import it stands for]. */
/** optax's names for the predictions and the targets (its functions take them in that order). */
const OPTAX_PRED_ARGS = new Set(['predictions', 'logits', 'scores', 'predictor_outputs', 'log_predictions', 'embeddings', 'anchors']);
const OPTAX_TRUE_ARGS = new Set(['targets', 'labels', 'log_targets', 'positives']);

const IMPLICIT_MODULES: Record<string, [string, string]> = {
  tf: ['tf', 'import tensorflow as tf'], tensorflow: ['tf', 'import tensorflow'], np: ['np', 'import numpy as np'], numpy: ['np', 'import numpy'],
  keras: ['keras', 'from tensorflow import keras'], tfa: ['tfa', 'import tensorflow_addons as tfa'], K: ['K', 'from keras import backend as K'],
  losses: ['keras.losses', 'from keras import losses'], jnp: ['jnp', 'import jax.numpy as jnp'], math: ['math', 'import math'],
  torch: ['torch', 'import torch'], F: ['torch.nn.functional', 'import torch.nn.functional as F'],
  // NumPy's and torch's printed forms pasted back: array([...], dtype=float32), tensor([...])
  array: ['np.array', 'from numpy import array'], tensor: ['torch.tensor', 'from torch import tensor'],
};

const LOSS_MODULES = /^(keras\.losses|tfa\.losses|tf\.losses|keras\.metrics|tf\.metrics)\.(\w+)$/;
/** Calls that would draw random numbers: not reproduced. */
const RANDOM = /^(np\.random|tf\.random|torch\.(rand|randn|randint|normal|randn_like|rand_like)$|jax\.random|random\.)/;
const IO_PATHS = /^tf\.(io|gfile)\b|^(os|sys|subprocess|shutil|pathlib|open|input|breakpoint)(\.|$)/;
const UNSAFE = new Set(['exec', 'eval', '__import__', 'compile', 'globals', 'locals', 'vars', 'getattr', 'setattr', 'delattr', 'exit', 'quit', 'help', 'dir', 'iter', 'next']);

export interface InterpreterOptions {
  /** Parsed-text offset → user-text offset (big literals are compacted before parsing). */
  toOrig?: (offset: number) => number;
  /** Big numeric literals replaced by names before parsing (`__lit0`). */
  literals?: Map<string, Tensor>;
  /** Top-level loss calls become results (false when only the definitions are wanted, as the panel does). */
  collectResults?: boolean;
}

export class Interpreter {
  readonly globals = new Scope();
  readonly diagnostics: SnippetDiagnostic[] = [];
  readonly results: SnippetResult[] = [];
  private readonly reported = new Set<EvalResult>();
  private exprDepth = 0;
  private curStmt: SyntaxNode | null = null;
  private stmtNotes: string[] = [];
  private readonly lineStarts: number[] = [0];
  private readonly toOrig: (offset: number) => number;
  private readonly literals: Map<string, Tensor>;
  readonly collectResults: boolean;
  /** Why Keras 2 semantics were chosen, when they were (a note on built-in results). */
  semanticsReason: string | null = null;
  private starImports: string[] = [];
  /**
   * Loss results made by the top-level statement under way: a result is the statement's value, so they are
   * attached when the statement ends (finishStatement), not when the call returns.
   */
  private pending: { r: EvalResult; request?: EvalRequest; site: Site; leaf: Node | null }[] = [];
  private readonly implicit = new Set<string>();

  constructor(
    /** Text the tree was parsed from (curly quotes normalised, big literals replaced by names). */
    public source: string,
    /** The user's text (same length unless big literals were compacted), for result text. */
    private readonly original: string,
    readonly session: EvalSession,
    opts: InterpreterOptions = {},
  ) {
    this.toOrig = opts.toOrig ?? ((c) => c);
    this.literals = opts.literals ?? new Map();
    this.collectResults = opts.collectResults ?? true;
    for (let i = 0; i < original.length; i++) if (original.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** After a re-parse (error recovery blanks a broken statement): the text the new tree comes from. */
  setSource(text: string): void { this.source = text; }

  // ---- positions and reporting ----

  lineCol(offset: number): { line: number; column: number } {
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (this.lineStarts[mid] <= offset) lo = mid; else hi = mid - 1; }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }
  site(node: SyntaxNode): Site { return { offset: node.from, length: node.to - node.from, node }; }
  /** 1-based line in the user's text of an offset in the parsed text. */
  lineOf(offset: number): number { return this.lineCol(this.toOrig(offset)).line; }
  text(node: SyntaxNode): string { return this.source.slice(node.from, node.to); }
  private get inFunction(): boolean { return this.session.userDepth > 0; }

  /** Adds a diagnostic; `site` is in the parsed text unless `original` (then already in the user's text). */
  report(site: Site, message: string, severity: 'error' | 'warning' | 'info', original = false): void {
    if (this.diagnostics.length >= 1000) return;
    if (!original) {
      const from = this.toOrig(site.offset);
      site = { offset: from, length: Math.max(0, this.toOrig(site.offset + site.length) - from) };
    }
    const { line, column } = this.lineCol(site.offset);
    // a statement inside a line already reported as a syntax error adds nothing
    if (severity === 'error' && this.diagnostics.some((d) => d.severity === 'error' && d.line === line && /^SyntaxError/.test(d.message))) return;
    this.diagnostics.push({ offset: site.offset, length: site.length, line, column, message, severity });
  }

  /** A construct outside the subset: names it and its line (code 'unsupported': an info note, not a failure). */
  unsupported(n: SyntaxNode | Site, construct: string, why = 'a loss function is evaluated without running Python, on the subset of Python losses are written in'): LossInspectorError {
    const from = 'from' in n ? n.from : n.offset;
    const len = 'from' in n ? firstLineLength(this.source, n.from, n.to - n.from) : n.length;
    return new LossInspectorError(`${construct} (line ${this.lineOf(from)}) is not supported: ${why}.`, { code: 'unsupported', offset: from, length: len });
  }

  // ---- statements ----

  /** Runs one top-level statement; never throws. */
  runTop(stmt: SyntaxNode): void {
    // the step budget is per top-level statement (an endless loop does not starve the rest); time is global
    this.session.steps = 0;
    this.curStmt = stmt;
    this.stmtNotes = [];
    try {
      this.exec(stmt, this.globals);
      this.flushPending();
    } catch (e) {
      this.flushPending();
      this.fail(e, stmt);
      // names the failed statement would have bound: later uses say so instead of "not defined"
      if (stmt.name === 'AssignStatement') {
        const line = this.lineOf(stmt.from);
        const ch = kids(stmt);
        const last = ch.map((c) => c.name).lastIndexOf('AssignOp');
        for (const t of ch.slice(0, last)) {
          const why = e instanceof LossInspectorError && (e.details.code === 'skip' || e.details.code === 'unsupported') ? `its value on line ${line} is not evaluated` : `its assignment on line ${line} failed`;
          if (t.name === 'VariableName') this.globals.set(this.text(t), opaque(`'${this.text(t)}' (${why})`));
        }
      }
    }
  }

  /** Runs one top-level statement and lets its error through (definitions read by the panel and the tests). */
  runStrict(stmt: SyntaxNode): void {
    this.session.steps = 0;
    this.curStmt = stmt;
    this.stmtNotes = [];
    this.checkSyntax(stmt);
    this.exec(stmt, this.globals);
  }

  /** Turns anything thrown while running `stmt` into a diagnostic. */
  fail(e: unknown, stmt: SyntaxNode): void {
    const s = this.site(stmt);
    if (e instanceof LossInspectorError) {
      const off = e.details.offset ?? s.offset;
      const len = e.details.offset !== undefined ? e.details.length ?? 0 : firstLineLength(this.source, s.offset, s.length);
      // 'skip' and 'unsupported': not evaluated, which is a note, not a failure
      this.report({ offset: off, length: len }, e.message, e.details.code === 'skip' || e.details.code === 'unsupported' ? 'info' : 'error');
    } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      this.report({ offset: s.offset, length: firstLineLength(this.source, s.offset, s.length) }, 'too deeply nested to evaluate', 'error');
    } else {
      this.report({ offset: s.offset, length: firstLineLength(this.source, s.offset, s.length) }, `internal error while evaluating this statement: ${(e as Error)?.message ?? String(e)}`, 'error');
    }
  }

  /** Refuses a subtree with a syntax error (lezer's error nodes), pointing at the first one. */
  checkSyntax(n: SyntaxNode): void {
    const cur = n.cursor();
    do {
      if (cur.type.isError) {
        if (cur.node.parent && isTrailingDotFloat(cur.node.parent)) continue;
        const near = this.source.slice(cur.from, Math.min(cur.from + 20, this.source.length)).split('\n')[0];
        throw new LossInspectorError(`SyntaxError: invalid syntax${near ? ` near '${near}'` : ' (unexpected end)'} (line ${this.lineOf(cur.from)})`, { code: 'syntax', offset: cur.from, length: Math.max(1, cur.to - cur.from) });
      }
    } while (cur.next() && cur.from <= n.to);
  }

  exec(stmt: SyntaxNode, scope: Scope): Control {
    this.session.tick(this.site(stmt));
    if (!this.inFunction && stmt.name !== 'Body') this.curStmtIfSimple(stmt);
    if (this.inFunction) {
      const refused = FUNCTION_REFUSED[stmt.name];
      if (refused) throw this.unsupported(stmt, refused[0], refused[1]);
      if (stmt.name === 'ScopeStatement') throw this.unsupported(stmt, `A \`${this.text(stmt).split(/\s/)[0]}\` declaration`);
    }
    const ch = kids(stmt);
    switch (stmt.name) {
      case 'ExpressionStatement': {
        if (this.inFunction && (ch[0]?.name === 'String' || ch[0]?.name === 'ContinuedString')) return; // docstring
        this.flushPending();
        // print(x): the statement shows what is printed, x
        const printed = !this.inFunction ? this.printArg(ch[0], scope) : null;
        const v = printed ?? this.evalExpr(ch[0], scope);
        this.finishStatement(v, stmt);
        return;
      }
      case 'AssignStatement': return this.assign(stmt, ch, scope);
      case 'UpdateStatement': {
        const [target, opNode, valueNode] = [ch[0], ch[1], ch[ch.length - 1]];
        const op = this.text(opNode).slice(0, -1);
        this.flushPending();
        const cur = this.evalExpr(target, scope);
        const v = binop(op, cur, this.evalExpr(valueNode, scope), this.site(stmt), this.session.budget);
        this.bindTarget(target, v, scope);
        this.finishStatement(v, stmt);
        return;
      }
      case 'ImportStatement': this.importStatement(stmt, ch, scope); return;
      case 'PassStatement': case 'ScopeStatement': case 'DeleteStatement': return;
      case 'BreakStatement': return { kind: 'break' };
      case 'ContinueStatement': return { kind: 'continue' };
      case 'ReturnStatement': return { kind: 'return', value: ch.length > 1 ? this.evalSequence(ch.slice(1), scope) : NONE };
      case 'IfStatement': {
        let i = 0;
        while (i < ch.length) {
          const kw = ch[i].name;
          if (kw === 'if' || kw === 'elif') {
            if (this.cond(this.evalExpr(ch[i + 1], scope), ch[i + 1])) return this.execBlock(ch[i + 2], scope);
            i += 3;
          } else if (kw === 'else') return this.execBlock(ch[i + 1], scope);
          else i++;
        }
        return;
      }
      case 'WhileStatement': {
        for (;;) {
          this.session.tick(this.site(stmt));
          if (!this.cond(this.evalExpr(ch[1], scope), ch[1])) break;
          const c = this.execBlock(ch[2], scope);
          if (c?.kind === 'break') break;
          if (c?.kind === 'return') return c;
        }
        return;
      }
      case 'ForStatement': {
        const inIdx = ch.findIndex((c) => c.name === 'in');
        const targets = ch.slice(1, inIdx);
        const body = ch.find((c) => c.name === 'Body')!;
        const iterNodes = ch.slice(inIdx + 1, ch.indexOf(body));
        for (const item of this.iterate(this.evalSequence(iterNodes, scope), this.site(stmt))) {
          this.session.tick(this.site(stmt));
          this.bindTargets(targets, item, scope, this.site(stmt));
          const c = this.execBlock(body, scope);
          if (c?.kind === 'break') break;
          if (c?.kind === 'return') return c;
        }
        return;
      }
      case 'WithStatement': {
        // `with tf.GradientTape() as tape:` binds the tape; other context managers (devices, name scopes, files) are
        // not evaluated, their bodies are.
        const asIdx = ch.findIndex((c) => c.name === 'as');
        let ctx: Value = opaque(`the context manager ${this.text(ch[1])}`);
        try {
          const v = this.evalExpr(ch[1], scope);
          if (v.kind === 'object') ctx = v;
        } catch (e) {
          if (!(e instanceof LossInspectorError)) throw e;
        }
        if (asIdx > 0) this.bindTarget(ch[asIdx + 1], ctx, scope);
        const body = ch.find((c) => c.name === 'Body');
        return body ? this.execBlock(body, scope) : undefined;
      }
      case 'TryStatement': {
        const body = ch.find((c) => c.name === 'Body');
        return body ? this.execBlock(body, scope) : undefined;
      }
      case 'AssertStatement': {
        const v = this.evalExpr(ch[1], scope);
        if (!this.cond(v, ch[1])) throw errAt(this.site(stmt), `AssertionError${ch[3] ? ': ' + repr(this.evalExpr(ch[3], scope)) : ''}`, 'assert');
        return;
      }
      case 'RaiseStatement':
        throw errAt(this.site(stmt), `${this.text(stmt).replace(/^raise\s*/, '') || 'raise'} (raised by the snippet)`, 'raise');
      case 'FunctionDefinition': case 'ClassDefinition': {
        const nameNode = ch.find((c) => c.name === 'VariableName');
        const name = nameNode ? this.text(nameNode) : '?';
        scope.set(name, this.define(stmt, scope));
        return;
      }
      case 'DecoratedStatement': {
        for (const d of ch.filter((c) => c.name === 'Decorator')) {
          const t = this.text(d).replace(/^@\s*/, '').replace(/\(.*$/s, '').trim();
          if (!/(^|\.)function$|register_keras_serializable$|^(tf\.)?autograph/.test(t)) this.report(this.site(d), `decorator @${t} ignored`, 'info');
        }
        return this.exec(ch[ch.length - 1], scope);
      }
      case 'Body': return this.execBlock(stmt, scope);
      case 'StatementGroup': {
        // `a = 1; b = 2` on one line
        for (const c of ch) {
          if (c.name === ';') continue;
          const r = this.exec(c, scope);
          if (r) return r;
        }
        return;
      }
      default:
        throw skip(this.site(stmt), `${stmt.name.replace(/Statement$/, '').toLowerCase()} statements are not evaluated; skipped`);
    }
  }

  private curStmtIfSimple(stmt: SyntaxNode): void {
    if (!/^(If|For|While|With|Try|Decorated|FunctionDefinition|ClassDefinition|StatementGroup)/.test(stmt.name)) {
      if (this.curStmt !== stmt) { this.curStmt = stmt; this.stmtNotes = []; }
    }
  }

  private cond(v: Value, node: SyntaxNode): boolean {
    if (v.kind === 'opaque') throw opaqueSkip(v, this.site(node));
    const t = truthy(v);
    if (t === undefined) throw errAt(this.site(node), `ValueError: the truth value of ${describe(v)} is ambiguous (use reduce_any/reduce_all or where)`, 'type');
    return t;
  }

  execBlock(body: SyntaxNode, scope: Scope): Control {
    if (body.name !== 'Body') return this.exec(body, scope);
    for (const s of kids(body)) {
      if (PUNCT.has(s.name)) continue;
      if (s.type.isError) throw errAt(this.site(s), 'SyntaxError: invalid syntax', 'syntax');
      const c = this.exec(s, scope);
      if (c) return c;
    }
    return undefined;
  }

  // ---- definitions ----

  private define(node: SyntaxNode, scope: Scope): Value {
    const v = node.name === 'ClassDefinition' ? this.defineClass(node, scope) : this.defineFunction(node, scope);
    if (!this.inFunction) {
      const bad = findUnsupported(node, this.source);
      if (bad) this.report({ offset: bad.offset, length: bad.length }, `${v.kind === 'callable' ? v.name : 'this loss'}: ${bad.construct} (line ${this.lineOf(bad.offset)}) is outside the Python subset Loss Inspector evaluates, so calls of it will not be evaluated.`, 'info');
    }
    return v;
  }

  /** A user function from a FunctionDefinition (bound to its name by the caller) or a LambdaExpression. */
  defineFunction(n: SyntaxNode, scope: Scope): Callable {
    this.checkSyntax(n);
    const isLambda = n.name === 'LambdaExpression';
    const cs = kids(n);
    const nameNode = isLambda ? null : cs.find((c) => c.name === 'VariableName');
    const plist = cs.find((c) => c.name === 'ParamList');
    const body = isLambda ? cs[cs.length - 1] : cs.find((c) => c.name === 'Body');
    if (!body) throw errAt(this.site(n), 'SyntaxError: a function without a body', 'syntax');
    return functionValue({
      kind: 'function', name: nameNode ? this.text(nameNode) : '<lambda>', params: plist ? this.params(plist, scope) : [],
      body, isLambda, closure: scope, interp: this, node: n,
    });
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
      }
    }
    return out;
  }

  /** A Loss subclass from a ClassDefinition. */
  defineClass(n: SyntaxNode, scope: Scope): Callable {
    this.checkSyntax(n);
    const cs = kids(n);
    const name = this.text(cs.find((c) => c.name === 'VariableName')!);
    const argl = cs.find((c) => c.name === 'ArgList');
    let base: UserClass | null = null;
    let isLoss = false;
    for (const b of argl ? kids(argl).filter((c) => !PUNCT.has(c.name)) : []) {
      const dotted = this.dottedName(b);
      const bv = b.name === 'VariableName' && dotted ? scope.get(dotted) : undefined;
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
        const fn = this.defineFunction(st, scope).entity as UserFunction;
        cls.methods.set(fn.name, fn);
      } else if (st.name === 'DecoratedStatement') throw this.unsupported(st, 'A decorated method');
      else if (st.name === 'AssignStatement') {
        const parts = kids(st);
        if (parts.length === 3 && parts[0].name === 'VariableName') cls.classAttrs.set(this.text(parts[0]), this.evalExpr(parts[2], scope));
        else throw this.unsupported(st, 'This class attribute assignment');
      } else if (st.name === 'ExpressionStatement' && (kids(st)[0]?.name === 'String' || kids(st)[0]?.name === 'ContinuedString')) continue;
      else if (st.name === 'PassStatement' || PUNCT.has(st.name)) continue;
      else throw this.unsupported(st, `\`${this.text(st).split('\n')[0].trim()}\` in a class body`);
    }
    if (!findMethod(cls, 'call')) throw this.unsupported(n, `The Loss subclass ${name} defines no \`call(self, y_true, y_pred)\` method; it`, 'a Loss subclass computes its per-sample values in `call`');
    return { kind: 'callable', name, userDefined: true, entity: cls, call: (args, kwargs, site) => this.callEntity(cls, args, kwargs, site) };
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

  /** Calls a user function with Python argument binding; `cls` is set for methods (enables super()). */
  callFunction(fn: UserFunction, args: Value[], kwargs: Map<string, Value>, site: Site, cls?: UserClass): Value {
    this.session.enter(site);
    try {
      const scope = new Scope(fn.closure, cls ?? null);
      bindArgs(fn, args, kwargs, scope, site);
      if (fn.isLambda) return this.evalExpr(fn.body, scope);
      const r = this.execBlock(fn.body, scope);
      if (r && r.kind !== 'return') throw errAt(this.site(fn.body), `SyntaxError: '${r.kind}' outside loop`, 'syntax');
      return r ? r.value : NONE;
    } catch (e) {
      // errors inside a function body name their line (the call's statement is elsewhere)
      if (e instanceof LossInspectorError && !/\(line \d+\)/.test(e.message) && e.details.offset !== undefined && e.details.offset >= fn.node.from && e.details.offset <= fn.node.to) {
        throw new LossInspectorError(`${e.message.replace(/\.$/, '')} (line ${this.lineOf(e.details.offset)})`, e.details);
      }
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw errAt(site, 'RecursionError: too deeply nested to evaluate', 'limit');
      throw e;
    } finally {
      this.session.leave();
    }
  }

  /**
   * A call of a user-defined function, class or Loss instance. At top level a call on arrays is a result (see
   * topLevelCall: the value with its gradient); anywhere else it is simply run.
   */
  callEntity(e: UserEntity, args: Value[], kwargs: Map<string, Value>, site: Site): Value {
    if (!this.inFunction && this.collectResults && e.kind !== 'class') {
      const v = topLevelCall(e, args, kwargs, site);
      if (v.kind === 'tensor' && v.evalResult) this.pending.push({ r: v.evalResult, request: v.request, site, leaf: null });
      return v;
    }
    return this.runEntity(e, args, kwargs, site);
  }

  /** Runs a user function, constructs a user class, or calls a Loss instance (Loss.__call__). */
  runEntity(e: UserEntity, args: Value[], kwargs: Map<string, Value>, site: Site): Value {
    if (e.kind === 'function') return this.callFunction(e, args, kwargs, site);
    if (e.kind === 'class') return constructUser(e, args, kwargs, site);
    return callInstance(e as UserInstance, args, kwargs, site);
  }

  private assign(stmt: SyntaxNode, ch: SyntaxNode[], scope: Scope): Control {
    // groups separated by AssignOp: targets... = value
    const groups: SyntaxNode[][] = [[]];
    for (const c of ch) {
      if (c.name === 'AssignOp') groups.push([]);
      else if (c.name !== 'TypeDef') groups[groups.length - 1].push(c);
    }
    const valueNodes = groups.pop()!;
    if (!groups.length) return; // annotation only: `x: int`
    this.flushPending();
    const v = this.evalSequence(valueNodes, scope);
    for (const g of groups) this.bindTargets(g, v, scope, this.site(stmt));
    this.finishStatement(v, stmt);
    return;
  }

  /** `a, b = v` (several target nodes) or `a = v`. */
  private bindTargets(targets: SyntaxNode[], v: Value, scope: Scope, site: Site): void {
    const ts = targets.filter((n) => !PUNCT.has(n.name));
    if (ts.length === 1 && !targets.some((n) => n.name === ',')) { this.bindTarget(ts[0], v, scope); return; }
    this.unpack(ts, v, scope, site);
  }

  private unpack(ts: SyntaxNode[], v: Value, scope: Scope, site: Site): void {
    if (v.kind === 'opaque') { for (const t of ts) this.bindTarget(t, v, scope); return; }
    const star = ts.findIndex((t) => t.name === 'StarExpression');
    if (star >= 0) throw this.unsupported(ts[star], 'Starred assignment');
    const items = this.iterate(v, site);
    if (items.length !== ts.length) throw errAt(site, `ValueError: ${items.length > ts.length ? 'too many' : 'not enough'} values to unpack (expected ${ts.length}, got ${items.length})`, 'unpack');
    ts.forEach((t, i) => this.bindTarget(t, items[i], scope));
  }

  bindTarget(t: SyntaxNode, v: Value, scope: Scope): void {
    switch (t.name) {
      case 'VariableName': scope.set(this.text(t), v); return;
      case 'TupleExpression': case 'ArrayExpression': case 'ParenthesizedExpression': {
        const inner = kids(t).filter((n) => !PUNCT.has(n.name));
        if (t.name === 'ParenthesizedExpression' && inner.length === 1 && !kids(t).some((c) => c.name === ',')) { this.bindTarget(inner[0], v, scope); return; }
        this.unpack(inner, v, scope, this.site(t));
        return;
      }
      case 'MemberExpression': {
        const ch = kids(t);
        const obj = this.evalExpr(ch[0], scope);
        if (obj.kind === 'object' && ch[1]?.name === '.') { obj.attrs.set(this.text(ch[2]), v); return; }
        if (obj.kind === 'list' && ch[1]?.name === '[') {
          const i = asNumber(this.evalExpr(ch[2], scope));
          if (i !== undefined && Number.isInteger(i)) {
            const k = i < 0 ? i + obj.items.length : i;
            if (k < 0 || k >= obj.items.length) throw errAt(this.site(t), 'IndexError: list assignment index out of range', 'index');
            obj.items[k] = v; obj.node = undefined; return;
          }
        }
        if (obj.kind === 'dict' && ch[1]?.name === '[') {
          const key = this.evalExpr(ch[2], scope);
          const e = obj.entries.find(([k]) => repr(k, 1) === repr(key, 1));
          if (e) e[1] = v; else obj.entries.push([key, v]);
          return;
        }
        if (obj.kind === 'tensor' && ch[1]?.name === '[') throw this.unsupported(t, 'Item assignment (`x[...] = ...`)', 'tensors are immutable; build the value with where/concat instead');
        throw skip(this.site(t), `assignment to ${this.text(t)} is not evaluated; skipped`);
      }
      default:
        throw errAt(this.site(t), `SyntaxError: cannot assign to ${this.text(t).slice(0, 40)}`, 'syntax');
    }
  }

  private importStatement(stmt: SyntaxNode, ch: SyntaxNode[], scope: Scope): void {
    if (ch[0].name === 'from') {
      const impIdx = ch.findIndex((c) => c.name === 'import');
      const mod = ch.slice(1, impIdx).map((c) => this.text(c)).join('');
      if (mod.startsWith('.')) throw skip(this.site(stmt), 'relative imports are not evaluated; skipped');
      const names = ch.slice(impIdx + 1).filter((c) => !PUNCT.has(c.name));
      for (let i = 0; i < names.length; i++) {
        const n = names[i];
        if (n.name === '*' || this.text(n) === '*') {
          this.report(this.site(n), `from ${mod} import *: names are resolved when used`, 'info');
          this.starImports.push(canonicalPath(mod));
          continue;
        }
        const name = this.text(n);
        let bindAs = name;
        if (names[i + 1]?.name === 'as') { bindAs = this.text(names[i + 2]); i += 2; }
        scope.set(bindAs, this.resolvePath(canonicalPath(`${mod}.${name}`)));
      }
      return;
    }
    // import a.b.c [as x], d
    const parts = ch.slice(1);
    let i = 0;
    while (i < parts.length) {
      const path: string[] = [];
      while (i < parts.length && (parts[i].name === 'VariableName' || parts[i].name === '.')) { if (parts[i].name === 'VariableName') path.push(this.text(parts[i])); i++; }
      if (parts[i]?.name === 'as') { scope.set(this.text(parts[i + 1]), this.resolvePath(canonicalPath(path.join('.')))); i += 2; }
      else if (path.length) scope.set(path[0], { kind: 'module', path: canonicalPath(path[0]) });
      if (parts[i]?.name === ',') i++;
      else if (i < parts.length && parts[i].name !== 'VariableName') i++;
    }
  }

  private implicitNote(name: string, site: Site, message: string): void {
    if (this.implicit.has(name)) return;
    this.implicit.add(name);
    this.report(site, message, 'info');
  }

  // ---- expressions ----

  evalSequence(nodes: SyntaxNode[], scope: Scope): Value {
    const items = nodes.filter((n) => n.name !== ',');
    if (items.length === 1 && !nodes.some((n) => n.name === ',')) return this.evalExpr(items[0], scope);
    return list(items.map((n) => this.evalExpr(n, scope)), true);
  }

  evalExpr(node: SyntaxNode, scope: Scope): Value {
    if (++this.exprDepth > this.session.limits.maxExprDepth) {
      this.exprDepth--;
      throw errAt(this.site(node), `expression nested deeper than ${this.session.limits.maxExprDepth} levels (the limit)`, 'limit');
    }
    try {
      return this.evalInner(node, scope);
    } finally {
      this.exprDepth--;
    }
  }

  private evalInner(node: SyntaxNode, scope: Scope): Value {
    const site = this.site(node);
    if (node.type.isError) throw errAt(site, 'SyntaxError: invalid syntax', 'syntax');
    switch (node.name) {
      case 'Number': return parsePyNumber(this.text(node), site);
      case 'String': return str(parsePyString(this.text(node), site));
      case 'ContinuedString': return str(kids(node).map((k) => (k.name === 'String' ? parsePyString(this.text(k), this.site(k)) : this.text(k))).join(''));
      case 'FormatString': return this.formatString(node, scope);
      case 'Boolean': return bool(this.text(node) === 'True');
      case 'None': return NONE;
      case 'Ellipsis': return opaque('Ellipsis');
      case 'VariableName': return this.lookup(this.text(node), scope, site);
      case 'ParenthesizedExpression': {
        const inner = kids(node).filter((n) => !PUNCT.has(n.name));
        return inner.length === 1 && !kids(node).some((n) => n.name === ',') ? this.evalExpr(inner[0], scope) : list(inner.map((n) => this.evalExpr(n, scope)), true);
      }
      case 'TupleExpression': return { ...list(kids(node).filter((n) => !PUNCT.has(n.name)).map((n) => this.evalExpr(n, scope)), true), site };
      case 'ArrayExpression': case 'SetExpression': {
        const items: Value[] = [];
        for (const n of kids(node)) {
          if (PUNCT.has(n.name)) continue;
          if (items.length % 4096 === 0) this.session.tick(site);
          const v = this.evalExpr(n, scope);
          // `[1, 2, x]` with x never bound: Python's NameError, at x
          if (v.kind === 'opaque' && v.undefinedName) throw errAt(this.site(n), `NameError: name '${v.undefinedName}' is not defined`, 'name');
          items.push(v);
        }
        return { ...list(items, false), site };
      }
      case 'DictionaryExpression': {
        const ch = kids(node).filter((n) => !PUNCT.has(n.name));
        const entries: [Value, Value][] = [];
        for (let i = 0; i + 1 < ch.length; i += 2) entries.push([this.evalExpr(ch[i], scope), this.evalExpr(ch[i + 1], scope)]);
        return { kind: 'dict', entries };
      }
      case 'UnaryExpression': {
        const ch = kids(node);
        return unaryValue(this.text(ch[0]), this.evalExpr(ch[1], scope), site, this.session.budget);
      }
      case 'BinaryExpression': return this.binary(node, scope);
      case 'ConditionalExpression': {
        const ch = kids(node);
        return this.evalExpr(this.cond(this.evalExpr(ch[2], scope), ch[2]) ? ch[0] : ch[4], scope);
      }
      case 'LambdaExpression': return this.defineFunction(node, scope);
      case 'MemberExpression': {
        const ch = kids(node);
        if (isTrailingDotFloat(node)) return parsePyNumber(this.text(ch[0]) + '.', site);
        const obj = this.evalExpr(ch[0], scope);
        if (ch[1]?.name === '.') return this.getAttr(obj, this.text(ch[2]), this.site(ch[2]));
        const idx = this.indices(ch.slice(2, -1), scope);
        return labelIndex(indexValue(obj, idx, site, this.session.budget), idx, obj);
      }
      case 'CallExpression': return this.evalCall(node, scope);
      case 'ArrayComprehensionExpression': case 'ComprehensionExpression': case 'SetComprehensionExpression':
        return this.comprehension(node, scope);
      case 'StarExpression': throw skip(site, 'starred expressions are not evaluated; skipped');
      default:
        throw skip(site, `${node.name.replace(/Expression$/, ' expression')} is not evaluated; skipped`);
    }
  }

  /** f"...{expr!r:spec}...": the text Python builds (the expressions evaluated, so loss calls inside are seen). */
  private formatString(node: SyntaxNode, scope: Scope): Value {
    const text = this.text(node);
    const m = /^([a-zA-Z]*)('''|"""|'|")/.exec(text);
    if (!m) return str(text);
    const raw = /[rR]/.test(m[1]);
    const lit = (s: string) => { const t = s.replace(/\{\{/g, '{').replace(/\}\}/g, '}'); return raw ? t : unescapePy(t); };
    let out = '';
    let pos = node.from + m[0].length;
    for (const r of kids(node)) {
      if (r.name !== 'FormatReplacement') continue;
      out += lit(this.source.slice(pos, r.from));
      let v: Value = NONE, spec = '', conv = '';
      for (const e of kids(r)) {
        if (e.name === 'FormatSpec') spec = this.text(e).replace(/^:/, '');
        else if (e.name === 'FormatConversion') conv = this.text(e).replace(/^!/, '');
        else if (!PUNCT.has(e.name) && !e.name.startsWith('{') && !e.name.startsWith('}') && e.name !== '=') v = this.evalExpr(e, scope);
      }
      out += this.formatValue(v, spec, conv);
      pos = r.to;
    }
    out += lit(this.source.slice(pos, node.to - m[2].length));
    return str(out);
  }

  /** str.format: '{}', '{0}', '{name}' fields with an optional !r/!s and :spec, '{{' and '}}'; anything else is refused. */
  private strFormat(tpl: string, args: Value[], kwargs: Map<string, Value>, site: Site): string {
    let auto = 0;
    return tpl.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      const f = /^(\w*)(?:!([rs]))?(?::(.*))?$/.exec(field ?? '');
      if (!f) throw this.unsupported(site, `the str.format field \`${m}\``);
      const [, key, conv, spec] = f;
      const v = key === '' ? args[auto++] : /^\d+$/.test(key) ? args[Number(key)] : kwargs.get(key);
      if (v === undefined) throw errAt(site, key === '' || /^\d+$/.test(key) ? `IndexError: Replacement index ${key === '' ? auto - 1 : key} out of range for positional args tuple` : `KeyError: '${key}'`, 'index');
      return this.formatValue(v, spec ?? '', conv ?? '');
    });
  }

  /** format(v, spec) of a Python value or a scalar tensor (printed in its dtype). */
  private formatValue(v: Value, spec: string, conv: string): string {
    if (v.kind === 'opaque') throw opaqueSkip(v, undefined);
    if (v.kind === 'tensor' && !conv && this.isTorch() && !v.numpy) {
      // torch's Tensor.__format__: a 0-d tensor formats its item() (f"{loss}" is the Python float, not tensor(...));
      // any other tensor is str(tensor) without a spec and a TypeError with one
      if (v.tensor.shape.length === 0) {
        const d = v.dtype ?? 'float32';
        const raw = v.tensor.data[0];
        if (d === 'bool') return formatSpec(raw !== 0 ? 'True' : 'False', spec, false);
        const isInt = !/float/.test(d);
        const item = d === 'float64' || isInt ? raw : Math.fround(raw);
        if (!spec) return isInt ? String(item) : pyFloatRepr(item);
        return formatSpec(item, spec, isInt);
      }
      if (spec) throw errAt(undefined, 'TypeError: unsupported format string passed to Tensor.__format__', 'type');
      return pyStr(v, true);
    }
    const x = v.kind === 'tensor' && v.tensor.data.length === 1 ? v.tensor.data[0] : v.kind === 'number' ? v.value : v.kind === 'bool' ? v : undefined;
    if (typeof x === 'number') {
      if (!spec) return v.kind === 'tensor' ? (v.dtype === 'float64' ? float64Digits(x) : float32Digits(x)) : repr(v);
      const isInt = v.kind === 'number' ? v.int : v.kind === 'tensor' ? !/^float/.test(v.dtype ?? 'float32') : true;
      return formatSpec(v.kind === 'tensor' && v.dtype !== 'float64' ? Math.fround(x) : x, spec, isInt);
    }
    const s = conv === 'r' ? repr(v, 1) : repr(v);
    return spec ? formatSpec(s, spec, false) : s;
  }

  private binary(node: SyntaxNode, scope: Scope): Value {
    const site = this.site(node);
    const ch = kids(node);
    const op = this.opText(node);
    if (op === 'and' || op === 'or') {
      const a = this.evalExpr(ch[0], scope);
      if (a.kind === 'opaque') { this.evalExpr(ch[ch.length - 1], scope); throw opaqueSkip(a, site); }
      const t = truthy(a);
      if (t === undefined) throw errAt(site, `ValueError: the truth value of ${describe(a)} is ambiguous (use tf.logical_${op})`, 'type');
      if (op === 'and') return t ? this.evalExpr(ch[ch.length - 1], scope) : a;
      return t ? a : this.evalExpr(ch[ch.length - 1], scope);
    }
    const left = ch[0];
    if (COMPARISONS.has(op) && left.name === 'BinaryExpression' && COMPARISONS.has(this.opText(left))) {
      // A chain `a < b < c` (lezer nests it to the left) means `a < b and b < c`, b evaluated once.
      const operands: SyntaxNode[] = [ch[ch.length - 1]];
      const ops: string[] = [op];
      let cur = left;
      while (cur.name === 'BinaryExpression' && COMPARISONS.has(this.opText(cur))) {
        const k = kids(cur);
        ops.unshift(this.opText(cur));
        operands.unshift(k[k.length - 1]);
        cur = k[0];
      }
      operands.unshift(cur);
      let prev = this.evalExpr(operands[0], scope);
      let result: Value = bool(true);
      for (let i = 0; i < ops.length; i++) {
        const next = this.evalExpr(operands[i + 1], scope);
        result = binop(ops[i], prev, next, site, this.session.budget);
        if (i < ops.length - 1) {
          const t = truthy(result);
          if (t === undefined) throw errAt(site, `ValueError: the truth value of ${describe(result)} is ambiguous (a chained comparison on tensors; use tf.logical_and)`, 'type');
          if (!t) return result;
        }
        prev = next;
      }
      return result;
    }
    const a = this.evalExpr(left, scope);
    const b = this.evalExpr(ch[ch.length - 1], scope);
    if (op === '%' && a.kind === 'string') return str(this.percentFormat(a.value, b, site));
    return binop(op, a, b, site, this.session.budget);
  }

  /**
   * printf-style `fmt % values` (str.__mod__): %[(name)][flags][width][.precision]type with d i u f F e E g G s r x X o c %,
   * a tuple for several values, a dict for named ones, else the one value.
   */
  private percentFormat(fmt: string, v: Value, site: Site): string {
    const dict = v.kind === 'dict' ? v : null;
    const items = dict ? [] : v.kind === 'list' && v.tuple ? v.items : [v];
    let k = 0;
    const out = fmt.replace(/%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g, (m, name: string | undefined, flags: string, width: string | undefined, prec: string | undefined, type: string) => {
      if (type === '%') return '%';
      const take = (): Value => {
        if (name !== undefined) {
          const e = dict?.entries.find(([kk]) => kk.kind === 'string' && kk.value === name);
          if (!e) throw errAt(site, dict ? `KeyError: '${name}'` : 'TypeError: format requires a mapping', 'type');
          return e[1];
        }
        if (k >= items.length) throw errAt(site, 'TypeError: not enough arguments for format string', 'type');
        return items[k++];
      };
      const w = width === '*' ? String((take() as { value: number }).value) : width ?? '';
      const p = prec === '*' ? String((take() as { value: number }).value) : prec;
      const x = take();
      const align = flags.includes('-') ? '<' : '';
      const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      const zero = flags.includes('0') && !align ? '0' : '';
      if (type === 's' || type === 'r' || type === 'a') {
        let s: string;
        try {
          s = type === 's' ? pyStr(x, this.isTorch()) : repr(x, 1);
        } catch (e) {
          if (e instanceof NotPrintable) throw skip(site, `'%' formatting of this value is not reproduced (${e.message})`);
          throw e;
        }
        if (p !== undefined) s = s.slice(0, Number(p));
        return formatSpec(s, `${align || '>'}${w}`, false);
      }
      const num = x.kind === 'number' ? x.value : x.kind === 'bool' ? (x.value ? 1 : 0) : x.kind === 'tensor' && x.tensor.data.length === 1 ? (x.dtype === 'float64' || !/float/.test(x.dtype ?? 'float32') ? x.tensor.data[0] : Math.fround(x.tensor.data[0])) : NaN;
      if (Number.isNaN(num) && !(x.kind === 'number' || x.kind === 'tensor')) throw errAt(site, `TypeError: %${type} format: a real number is required, not ${typeName(x)}`, 'type');
      if (type === 'c') return String.fromCodePoint(num);
      if ('diu'.includes(type)) return formatSpec(Math.trunc(num), `${align}${sign}${zero}${w}d`, true);
      if ('xXo'.includes(type)) {
        const t = Math.trunc(num), body = Math.abs(t).toString(type === 'o' ? 8 : 16);
        const s = (t < 0 ? '-' : sign) + (type === 'X' ? body.toUpperCase() : body);
        return zero ? s.padStart(Number(w || 0), '0') : align ? s.padEnd(Number(w || 0)) : s.padStart(Number(w || 0));
      }
      return formatSpec(num, `${align}${sign}${zero}${w}.${p ?? 6}${type}`, false);
    });
    if (!dict && k < items.length) throw errAt(site, 'TypeError: not all arguments converted during string formatting', 'type');
    return out;
  }

  private opText(b: SyntaxNode): string {
    const cs = kids(b);
    return cs.slice(1, cs.length - 1).map((c) => this.text(c)).join(' ');
  }

  private comprehension(node: SyntaxNode, scope: Scope): Value {
    const ch = kids(node).filter((n) => !['[', ']', '(', ')', '{', '}'].includes(n.name));
    const forIdx = ch.findIndex((c) => c.name === 'for');
    const elem = ch.slice(0, forIdx);
    const inner = new Scope(scope);
    const out: Value[] = [];
    const clauses = ch.slice(forIdx);
    const run = (k: number): void => {
      if (k >= clauses.length) { out.push(this.evalSequence(elem, inner)); this.session.tick(this.site(node)); return; }
      const c = clauses[k];
      if (c.name === 'for') {
        const inIdx = clauses.findIndex((x, j) => j > k && x.name === 'in');
        const targets = clauses.slice(k + 1, inIdx);
        for (const item of this.iterate(this.evalExpr(clauses[inIdx + 1], inner), this.site(node))) {
          this.bindTargets(targets, item, inner, this.site(node));
          run(inIdx + 2);
        }
        return;
      }
      if (c.name === 'if') {
        if (this.cond(this.evalExpr(clauses[k + 1], inner), clauses[k + 1])) run(k + 2);
        return;
      }
      run(k + 1);
    };
    run(0);
    return list(out, false);
  }

  /** The items of a subscript `[...]`: ints, slices, None, `...`, array or key indices (a tuple value spreads). */
  private indices(nodes: SyntaxNode[], scope: Scope): Index[] {
    const parts: SyntaxNode[][] = [[]];
    for (const n of nodes) { if (n.name === ',') parts.push([]); else parts[parts.length - 1].push(n); }
    const out: Index[] = [];
    const one = (v: Value, at: SyntaxNode): void => {
      if (v.kind === 'none') out.push({ k: 'new' });
      else if (v.kind === 'bool') out.push({ k: 'int', v: v.value ? 1 : 0 });
      else if (v.kind === 'number') {
        if (!v.int) throw errAt(this.site(at), 'IndexError: only integers, slices (:), ellipsis (...), None and integer or boolean arrays are valid indices', 'index');
        out.push({ k: 'int', v: v.value });
      } else if (v.kind === 'opaque' && v.what === 'Ellipsis') out.push({ k: 'ell' });
      else out.push({ k: 'key', v });
    };
    for (const p of parts) {
      if (!p.length) continue;
      if (p.some((n) => n.name === ':')) {
        const b: (number | null)[] = [null, null, null];
        let k = 0;
        for (const n of p) {
          if (n.name === ':') { k++; continue; }
          const v = this.evalExpr(n, scope);
          const x = asNumber(v);
          if (v.kind !== 'none' && (x === undefined || !Number.isInteger(x))) throw errAt(this.site(n), 'TypeError: slice indices must be integers or None', 'index');
          b[Math.min(k, 2)] = v.kind === 'none' ? null : x!;
        }
        out.push({ k: 'slice', start: b[0], stop: b[1], step: b[2] });
        continue;
      }
      const v = this.evalExpr(p[0], scope);
      if (v.kind === 'list' && v.tuple && parts.length === 1) v.items.forEach((x) => one(x, p[0]));
      else one(v, p[0]);
    }
    return out;
  }

  private lookup(name: string, scope: Scope, site: Site): Value {
    const v = scope.get(name);
    if (v !== undefined) return v;
    const lit = this.literals.get(name);
    if (lit) return { kind: 'tensor', tensor: lit };
    if (isPythonBuiltin(name) || UNSAFE.has(name) || name === 'open' || name === 'input') return { kind: 'module', path: name };
    for (const m of this.starImports) {
      const r = this.resolvePath(`${m}.${name}`);
      if (r.kind !== 'module') return r;
    }
    // Snippets assume the usual imports: read `tf`, `np`, `tfa`, ... as them, and bare loss names as imported.
    const mod = IMPLICIT_MODULES[name];
    if (mod) {
      if (!this.inFunction) this.implicitNote(name, site, `'${name}' is not imported in the evaluated text: read as \`${mod[1]}\``);
      const m: ModuleValue = { kind: 'module', path: mod[0] };
      if (!this.inFunction) this.globals.set(name, m);
      return m;
    }
    const loss = tryResolveLoss(name);
    if (loss && loss.kind !== 'string' && /^[A-Za-z]\w*$/.test(name)) {
      this.implicitNote(name, site, `'${name}' is not imported in the evaluated text: read as \`from keras.losses import ${name}\``);
      const r: LossRefValue = { kind: 'lossref', spec: loss.spec, form: loss.kind === 'class' ? 'class' : 'function', name };
      this.globals.set(name, r);
      return r;
    }
    if (this.inFunction) throw errAt(site, `NameError: the name \`${name}\` is not defined`, 'name');
    return { kind: 'opaque', what: `'${name}'`, undefinedName: name };
  }

  /** The value a canonical dotted path stands for: a loss class/function, a constant, or a module (callable later). */
  resolvePath(path: string): Value {
    const red = /(^|\.)Reduction(V2)?\.(\w+)$/.exec(path);
    if (red) return str(`Reduction.${red[3]}`);
    const c = constantAt(path);
    if (c) return c;
    if (path.startsWith('optax.')) {
      // optax losses: function-only specs registered under their optax path (optax.l2_loss, optax.losses.l2_loss)
      const r = tryResolveLoss(path);
      if (r && r.spec.functionOnly) return { kind: 'lossref', spec: r.spec, form: 'function', name: path };
    }
    const lm = LOSS_MODULES.exec(path);
    if (lm) {
      const r = tryResolveLoss(lm[2]);
      if (r) return { kind: 'lossref', spec: r.spec, form: r.kind === 'class' ? 'class' : 'function', name: path };
    }
    return { kind: 'module', path };
  }

  getAttr(obj: Value, name: string, site: Site): Value {
    switch (obj.kind) {
      case 'module': return this.resolvePath(canonicalPath(`${obj.path}.${name}`));
      case 'tensor': return this.tensorAttr(obj, name, site);
      case 'loss':
        if (name === 'reduction') return str(String(obj.config.reduction ?? obj.spec.defaultReduction));
        if (name === 'name') return str(String(obj.config.name ?? obj.spec.defaultName));
        if (name === '__call__' || name === 'call') return callable(`${obj.spec.id}.__call__`, (a, k, s) => this.callValue(obj, a, k, s));
        if (name === 'get_config') return callable('get_config', () => ({ kind: 'dict', entries: Object.entries(obj.config).map(([k, v]) => [str(k), paramToValue(v)] as [Value, Value]) }));
        throw skip(site, `${obj.spec.id}.${name} is not evaluated; skipped`);
      case 'opaque':
        if (obj.superOf) return this.superAttr(obj.superOf, name, site);
        return obj;
      case 'object': {
        const v = obj.attrs.get(name);
        if (v) return v;
        if (obj.entity?.kind === 'instance') {
          const m = findMethod(obj.entity.cls, name);
          if (m) return this.boundMethod(m, obj, obj.entity.cls);
          if (name === '__call__' && obj.call) return obj.call;
        }
        throw errAt(site, `AttributeError: '${obj.className}' object has no attribute '${name}'`, 'attribute');
      }
      case 'list':
        if (name === 'append' && !obj.tuple) return callable('list.append', (a) => { obj.items.push(a[0] ?? NONE); obj.node = undefined; return NONE; });
        if (name === 'index') return callable('list.index', (a) => num(obj.items.findIndex((x) => repr(x, 1) === repr(a[0], 1)), true));
        break;
      case 'dict':
        if (name === 'items') return callable('dict.items', () => list(obj.entries.map(([k, v]) => list([k, v], true))));
        if (name === 'keys') return callable('dict.keys', () => list(obj.entries.map(([k]) => k)));
        if (name === 'values') return callable('dict.values', () => list(obj.entries.map(([, v]) => v)));
        if (name === 'get') return callable('dict.get', (a) => obj.entries.find(([k]) => repr(k, 1) === repr(a[0], 1))?.[1] ?? a[1] ?? NONE);
        break;
      case 'string':
        if (name === 'lower') return callable('str.lower', () => str(obj.value.toLowerCase()));
        if (name === 'upper') return callable('str.upper', () => str(obj.value.toUpperCase()));
        if (name === 'strip') return callable('str.strip', () => str(obj.value.trim()));
        if (name === 'format') return callable('str.format', (args, kwargs, s) => str(this.strFormat(obj.value, args, kwargs, s)));
        break;
      default: break;
    }
    throw errAt(site, `AttributeError: '${typeName(obj)}' object has no attribute '${name}'`, 'attribute');
  }

  private boundMethod(m: UserFunction, self: ObjectValue, cls: UserClass): Callable {
    return callable(`${cls.name}.${m.name}`, (args, kwargs, site) => this.callFunction(m, [self, ...args], kwargs, site, cls));
  }

  /** super().__init__(...) and super().method(...) inside a Loss subclass. */
  private superAttr(ctx: { cls: UserClass; self: ObjectValue }, prop: string, site: Site): Value {
    const base = ctx.cls.base;
    const m = base ? findMethod(base, prop) : undefined;
    if (m && base) return this.boundMethod(m, ctx.self, base);
    if (prop === '__init__') return callable('Loss.__init__', (args, kwargs, s) => { baseInit(ctx.self, args, kwargs, s); return NONE; });
    throw this.unsupported(site, `\`super().${prop}\``, 'the Loss base class is modelled for __init__ only');
  }

  /** The evaluated text uses torch (torch's tensor attributes and x.size() as a method apply). */
  isTorch(): boolean {
    return /\bimport torch\b|\btorch\./.test(this.source);
  }

  private tensorAttr(t: TensorValue, name: string, site: Site): Value {
    if (this.isTorch()) {
      const r = torchTensorAttr(this, t, name, site);
      if (r) return r;
    }
    if (name === 'numpy') return callable('numpy', () => t);
    if (name.toLowerCase() === 'numpy') {
      const msg = `.${name}() is not a method: Python raises AttributeError: 'EagerTensor' object has no attribute '${name}'. Evaluated as .numpy().`;
      this.report(site, msg, 'warning');
      this.stmtNotes.push(msg);
      return callable('numpy', () => t);
    }
    if (name === 'shape') return list(t.tensor.shape.map((d) => num(d, true)), true);
    if (name === 'ndim') return num(t.tensor.shape.length, true);
    if (name === 'size' && !this.isTorch()) return num(t.tensor.data.length, true);
    if (name === 'dtype') return str(t.dtype ?? 'float32');
    if (name === 'T' || name === 'mT') return labelCall(tv(O.transpose(nodeOf(t, this.session.budget))), 'permute', [t], new Map(), true);
    if (name === 'tolist') return callable('tolist', () => nestedToValue(toNested(t.tensor)));
    return callable(`.${name}`, (args, kwargs, s) => {
      const r = callMethod(name, t, args, kwargs, s, this.session.budget);
      if (r === undefined) throw this.unsupported(s, `The tensor method \`.${name}()\``);
      return this.isTorch() ? labelCall(r, name, [t, ...args], kwargs, true) : r;
    });
  }

  private evalCall(node: SyntaxNode, scope: Scope): Value {
    const ch = kids(node);
    const calleeNode = ch[0];
    const argList = ch[ch.length - 1];
    const site: Site = { offset: node.from, length: node.to - node.from, node };
    if (calleeNode.name === 'VariableName' && this.text(calleeNode) === 'super' && !scope.has('super')) return this.makeSuper(scope, site);
    const fn = this.evalExpr(calleeNode, scope);
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    const sites: ArgSites = { pos: [], kw: new Map() };
    const items = argList.name === 'ArgList' ? kids(argList) : [];
    for (let i = 0; i < items.length; i++) {
      const n = items[i];
      if (PUNCT.has(n.name)) continue;
      if (n.type.isError) throw errAt(this.site(n), 'SyntaxError: invalid syntax', 'syntax');
      if (n.name === 'VariableName' && items[i + 1]?.name === 'AssignOp') {
        const key = this.text(n);
        const vNode = items[i + 2];
        if (!vNode) throw errAt(this.site(n), `SyntaxError: expected a value after ${key}=`, 'syntax');
        if (kwargs.has(key)) throw errAt(this.site(n), `SyntaxError: keyword argument repeated: ${key}`, 'syntax');
        kwargs.set(key, this.evalExpr(vNode, scope));
        sites.kw.set(key, { offset: n.from, length: vNode.to - n.from });
        i += 2;
        continue;
      }
      if (n.name === '*' || n.name === '**' || this.text(n) === '*' || this.text(n) === '**') {
        const star = this.text(n);
        const vNode = items[++i];
        const v = this.evalExpr(vNode, scope);
        if (star === '*') { for (const x of this.iterate(v, this.site(vNode))) { args.push(x); sites.pos.push(this.site(vNode)); } }
        else if (v.kind === 'dict') { for (const [k, x] of v.entries) { if (k.kind !== 'string') throw errAt(this.site(vNode), 'TypeError: keywords must be strings', 'type'); kwargs.set(k.value, x); sites.kw.set(k.value, this.site(vNode)); } }
        else if (v.kind === 'opaque') throw skip(this.site(vNode), `**${this.text(vNode)} is not evaluated; skipped`);
        else throw errAt(this.site(vNode), `TypeError: argument after ** must be a mapping, not ${typeName(v)}`, 'type');
        continue;
      }
      if (items[i + 1]?.name === 'for') throw skip(this.site(argList), 'generator arguments are not evaluated; skipped');
      args.push(this.evalExpr(n, scope));
      sites.pos.push(this.site(n));
    }
    return this.callValue(fn, args, kwargs, site, sites);
  }

  private makeSuper(scope: Scope, site: Site): Value {
    for (let s: Scope | null = scope; s; s = s.parent) {
      if (s.cls) {
        const self = s.get('self');
        if (self?.kind === 'object') return { kind: 'opaque', what: 'super()', superOf: { cls: s.cls, self } };
        break;
      }
    }
    throw this.unsupported(site, '`super()` outside a method of a Loss subclass');
  }

  /** Calls any value the way Python would. */
  callValue(fn: Value, args: Value[], kwargs: Map<string, Value>, site: Site, sites?: ArgSites): Value {
    this.session.tick(site);
    const argSites = sites ?? { pos: args.map(() => site), kw: new Map([...kwargs.keys()].map((k) => [k, site])) };
    const ent = userEntityOf(fn);
    if (ent) return this.callEntity(ent, args, kwargs, site);
    switch (fn.kind) {
      case 'lossref':
        if (fn.form === 'class') return this.construct(fn, args, kwargs, site, argSites);
        return this.callLoss(fn, args, kwargs, site, argSites);
      case 'loss': return this.callLoss(fn, args, kwargs, site, argSites);
      case 'callable': {
        const v = fn.call(args, kwargs, site);
        if (!this.inFunction && v.kind === 'tensor' && v.evalResult) this.pending.push({ r: v.evalResult, request: v.request, site, leaf: null });
        return v;
      }
      case 'object':
        if (fn.call) return fn.call.call(args, kwargs, site);
        throw errAt(site, `TypeError: '${fn.className}' object is not callable`, 'type');
      case 'module': return this.callModule(fn.path, args, kwargs, site, argSites);
      case 'string': {
        // np.float32(x) where np.float32 resolved to the dtype name
        if (/^(float|int|bool)/.test(fn.value)) return this.convertArray(args[0] ?? num(0), fn.value, site, argSites.pos[0], fn.value);
        throw errAt(site, `TypeError: 'str' object is not callable`, 'type');
      }
      case 'opaque': {
        if (fn.random) return fn;
        const callee = site.node?.firstChild ? this.text(site.node.firstChild).replace(/\s+/g, '') : 'call';
        if (fn.undefinedName) {
          const known = fn.undefinedName.length >= 3 ? closest(fn.undefinedName, this.globals.names(), 1) : [];
          throw skip(site, `${callee}(...) skipped: '${fn.undefinedName}' is not defined in the evaluated text${known.length && callee === fn.undefinedName ? ` (did you mean '${known[0]}'?)` : ''}`);
        }
        const failed = /^'([^']*)' \((its (?:assignment|value) on line \d+ (?:failed|is not evaluated))\)$/.exec(fn.what);
        if (failed) throw skip(site, `${callee}(...) skipped: '${failed[1]}' has no value (${failed[2]})`);
        if (/^(function|class) /.test(fn.what)) throw skip(site, `${callee}(...) skipped: ${fn.what}`);
        throw skip(site, `${callee}(...) is not evaluated: ${fn.what} is not (models, layers, data and plots are skipped)`);
      }
      default:
        throw errAt(site, `TypeError: '${typeName(fn)}' object is not callable`, 'type');
    }
  }

  /** A built-in loss class constructed with Keras's positional order and keywords. */
  private construct(ref: LossRefValue, args: Value[], kwargs: Map<string, Value>, site: Site, sites: ArgSites): LossObjectValue {
    const spec = ref.spec;
    // Keras's signature order: the loss's own parameters, then the base class's reduction, name, dtype
    const own = new Set(spec.params.map((p) => p.name));
    const positional = [...positionalOrder(spec.params), ...allParams(spec, true).filter((p) => !own.has(p.name)).map((p) => p.name)];
    // No prototype: `__proto__=`, `constructor=` or `toString=` are own keys, refused by resolveConfig as unknown.
    const config: Record<string, ParamValue> = Object.create(null);
    args.forEach((a, i) => {
      const p = positional[i];
      if (!p) throw errAt(sites.pos[i] ?? site, `${spec.id}() takes at most ${positional.length} positional arguments (${positional.join(', ')}), ${args.length} given`, 'param', { loss: spec.id });
      config[p] = toParamValue(a, p, sites.pos[i]);
    });
    for (const [k, v] of kwargs) {
      if (Object.hasOwn(config, k)) throw errAt(sites.kw.get(k) ?? site, `${spec.id}() got multiple values for argument '${k}'`, 'param', { loss: spec.id });
      config[k] = toParamValue(v, k, sites.kw.get(k));
    }
    try {
      resolveConfig(spec, config, true, []);
    } catch (e) {
      throw locate(e, site, sites);
    }
    return { kind: 'loss', spec, config, ctorName: ref.name };
  }

  /** y_true / y_pred / sample_weight of a built-in loss as nodes (lists checked with the snippet's messages). */
  private arrayNode(v: Value, what: string, site: Site): Node {
    if (v.kind === 'tensor') return nodeOf(v, this.session.budget);
    if (v.kind === 'list' && (v.node || hasTensor(v))) return toNode(v, what, null, site, this.session.budget);
    // Python lists and numbers: tf.convert_to_tensor makes float32 of Python floats
    return constant(valueToTensor(v, what, site, this.session.limits.maxTensorElements), 'float32', this.session.budget, true);
  }

  /** A built-in loss called (class instance or function form): Keras-exact (optax-exact for optax), one node on the tape, a result at top level. */
  private callLoss(fn: LossObjectValue | LossRefValue, args: Value[], kwargs: Map<string, Value>, site: Site, sites: ArgSites): Value {
    const spec: LossSpec = fn.spec;
    const isClass = fn.kind === 'loss';
    const callee = isClass ? spec.id : (spec.functionName ?? spec.id);
    // optax takes (predictions, targets) — the reverse of Keras — under its own argument names
    const names = isClass ? ['y_true', 'y_pred', 'sample_weight'] : spec.functionOnly ? spec.positional ?? ['y_pred', 'y_true', ...positionalOrder(spec.functionParams ?? spec.params)] : ['y_true', 'y_pred', ...positionalOrder(spec.functionParams ?? spec.params)];
    if (spec.functionOnly) {
      const renamed = new Map<string, Value>();
      for (const [k, v] of kwargs) renamed.set(OPTAX_PRED_ARGS.has(k) ? 'y_pred' : OPTAX_TRUE_ARGS.has(k) ? 'y_true' : k, v);
      for (const [k, s] of [...sites.kw]) if (OPTAX_PRED_ARGS.has(k) || OPTAX_TRUE_ARGS.has(k)) sites.kw.set(OPTAX_PRED_ARGS.has(k) ? 'y_pred' : 'y_true', s);
      kwargs = renamed;
    }
    const bound = new Map<string, { v: Value; s: Site }>();
    args.forEach((a, i) => {
      if (i >= names.length) throw errAt(sites.pos[i] ?? site, `${callee}() takes ${names.length} positional arguments (${names.join(', ')}) but ${args.length} were given`, 'param', { loss: callee });
      bound.set(names[i], { v: a, s: sites.pos[i] ?? site });
    });
    const config: Record<string, ParamValue> = Object.assign(Object.create(null), isClass ? fn.config : {}); // no prototype: see construct()
    for (const [k, v] of kwargs) {
      const s = sites.kw.get(k) ?? site;
      if (bound.has(k)) throw errAt(s, `${callee}() got multiple values for argument '${k}'`, 'param', { loss: callee });
      if (k === 'y_true' || k === 'y_pred' || (isClass && k === 'sample_weight')) { bound.set(k, { v, s }); continue; }
      if (isClass) throw errAt(s, `${callee}.__call__() got an unexpected keyword argument '${k}' (it takes y_true, y_pred, sample_weight; loss parameters go to the constructor)`, 'unknown-param', { loss: callee, argument: k });
      bound.set(k, { v, s });
    }
    for (const [k, { v, s }] of bound) if (k !== 'y_true' && k !== 'y_pred' && k !== 'sample_weight') config[k] = toParamValue(v, k, s);
    const yt = bound.get('y_true');
    const yp = bound.get('y_pred');
    if (!yt || !yp) throw errAt(site, `${callee}() missing required argument${!yt && !yp ? 's' : ''}: ${[!yt && "'y_true'", !yp && "'y_pred'"].filter(Boolean).join(' and ')}`, 'param', { loss: callee });
    const ytN = this.arrayNode(yt.v, 'y_true', yt.s);
    const ypN = this.arrayNode(yp.v, 'y_pred', yp.s);
    const swb = bound.get('sample_weight');
    const swN = swb && swb.v.kind !== 'none' ? this.arrayNode(swb.v, 'sample_weight', swb.s) : null;
    const request: EvalRequest = { loss: spec.id, yTrue: ytN.value, yPred: ypN.value, sampleWeight: swN?.value ?? null, config, mode: isClass ? 'class' : 'function', semantics: this.session.semantics };
    // function forms compute in y_pred's dtype (a float64 NumPy array stays float64); classes in their own
    // (JAX makes float32 of NumPy float64 arrays unless jax_enable_x64 is set: optax stays float32)
    if (!isClass && !spec.functionOnly && ypN.dtype === 'float64') request.inputDtype = 'float64';
    let r: EvalResult;
    let node: Node;
    const dtype = isClass ? (dtypeName(String(config.dtype ?? 'float32')) ?? 'float32') : request.inputDtype ?? 'float32';
    // at top level y_pred enters the tape as a leaf of its own (unless a GradientTape watches it already), so the
    // statement's value can be differentiated with respect to it
    const leaf = !this.inFunction && !ypN.requiresGrad ? variable(ypN.value, ypN.dtype, this.session.budget) : null;
    try {
      r = evaluate(request);
      node = lossNode(request, r, ytN, leaf ?? ypN, swN, dtype);
    } catch (e) {
      const s2: ArgSites = { pos: [yt.s, yp.s, swb?.s ?? site], kw: new Map([...bound].map(([k, b]) => [k, b.s])) };
      throw locate(e instanceof LossInspectorError ? e : errAt(undefined, `${callee}: ${(e as Error)?.message ?? e}`, 'internal'), site, s2);
    }
    if (this.inFunction) {
      for (const n of r.trace.notes) this.session.inner.notes.push(`${callee}: ${n}`);
      for (const w of r.trace.warnings) this.session.inner.warnings.push({ code: w.code, message: `${callee}: ${w.message}` });
    }
    const v: TensorValue = { kind: 'tensor', tensor: r.value, dtype, evalResult: r, request, node };
    if (this.semanticsReason && spec.base === 'keras3' && !r.trace.notes.some((n) => n.includes(this.semanticsReason!))) r.trace.notes.unshift(`Snippet ${this.semanticsReason}.`);
    if (!this.inFunction) this.pending.push({ r, request, site, leaf });
    return v;
  }

  /** A call of a dotted path: the namespace table, then loss lookups, the tensor library, and what we refuse or skip. */
  private callModule(path: string, args: Value[], kwargs: Map<string, Value>, site: Site, sites: ArgSites): Value {
    const r = this.callModuleInner(path, args, kwargs, site, sites);
    // what np.* returns is an ndarray: print() shows NumPy's layout (arithmetic on it keeps the mark, gradfn.ts)
    if (r.kind === 'tensor' && /^np\./.test(path) && !r.evalResult) {
      const fresh = !args.some((a) => a === r || (a.kind === 'tensor' && !!a.node && a.node === r.node));
      if (fresh) { r.numpy = true; if (r.node) r.node.numpy = true; }
    }
    return r;
  }

  private callModuleInner(path: string, args: Value[], kwargs: Map<string, Value>, site: Site, sites: ArgSites): Value {
    const b = builtinAt(path);
    if (b) {
      const call: BuiltinCall = { interp: this, path, args, kwargs, site, sites };
      const r = b(call);
      if (r !== undefined) return r;
    }
    if (UNSAFE.has(path)) throw this.unsupported(site, `\`${path}()\``, 'dynamic code and reflection are never evaluated');
    if (/^(keras|tf)\.losses\.(get|deserialize)$/.test(path)) return this.lossFromIdentifier(path, args[0] ?? kwargs.get('identifier') ?? kwargs.get('name') ?? kwargs.get('config'), site, sites);
    const functional = callFunctional(path, args, kwargs);
    if (functional) return functional;
    if (RANDOM.test(path)) return { kind: 'opaque', what: `${path}(...)`, random: true };
    let lib: Value | undefined;
    try {
      lib = callOp(path, args, kwargs, site, this.session.budget);
    } catch (e) {
      if (e instanceof LossInspectorError && e.details.offset === undefined) throw e.at(site.offset, site.length);
      throw e;
    }
    if (lib) return this.isTorch() ? labelCall(lib, path.split('.').pop()!, args, kwargs, false) : lib;
    const lm = LOSS_MODULES.exec(path);
    if (lm) throw errAt(site, `Unknown loss '${path}'.${closestLoss(lm[2])}`, 'unknown-loss');
    if (IO_PATHS.test(path)) throw this.unsupported(site, `I/O (\`${/\./.test(path) ? path : path + '()'}\`)`, 'a loss function is evaluated as a pure computation; remove printing and file access');
    if (/^tf\.(debugging|assert)/.test(path) && this.inFunction) throw this.unsupported(site, `\`${path}\``, 'assertions are not evaluated');
    throw skip(site, `\`${path}(...)\` is not evaluated (Loss Inspector evaluates losses, the arrays they take and the tensor operations it knows); skipped`);
  }

  /**
   * keras.losses.get(identifier) and keras.losses.deserialize(config): a name ('mse', 'Huber') or a serialized
   * loss ({'class_name': 'Huber', 'config': {'delta': 2.0, ...}}). get() instantiates a class, deserialize() of a
   * bare class name returns the class, as Keras does.
   */
  private lossFromIdentifier(path: string, id: Value | undefined, site: Site, sites: ArgSites): Value {
    const at = sites.pos[0] ?? site;
    const isGet = path.endsWith('.get');
    if (!id || id.kind === 'none') {
      if (isGet) return NONE;
      throw errAt(site, `${path}() needs a loss name or a serialized loss`, 'param');
    }
    const unknown = (name: string) => errAt(at, `Unknown loss '${name}'.${closestLoss(name)}`, 'unknown-loss');
    if (id.kind === 'string') {
      const r = tryResolveLoss(id.value);
      if (!r) throw unknown(id.value);
      if (r.kind !== 'class') return { kind: 'lossref', spec: r.spec, form: 'function', name: id.value };
      return isGet ? { kind: 'loss', spec: r.spec, config: {}, ctorName: id.value } : { kind: 'lossref', spec: r.spec, form: 'class', name: id.value };
    }
    if (id.kind === 'dict') {
      const get = (k: string) => id.entries.find(([key]) => key.kind === 'string' && key.value === k)?.[1];
      const cls = get('class_name');
      if (cls?.kind !== 'string') throw errAt(at, `${path}: a serialized loss needs a 'class_name' string`, 'param');
      const r = tryResolveLoss(cls.value);
      if (!r || r.kind !== 'class') throw unknown(cls.value);
      const cfg = get('config');
      const kwargs = new Map<string, Value>();
      if (cfg?.kind === 'dict') {
        for (const [k, v] of cfg.entries) {
          if (k.kind !== 'string') continue;
          // what Keras writes beside the parameters when it serializes (the wrapped function of a LossFunctionWrapper)
          if (k.value === 'fn' || k.value === 'module' || k.value === 'registered_name') continue;
          kwargs.set(k.value, v);
        }
      } else if (cfg && cfg.kind !== 'none') throw errAt(at, `${path}: 'config' of a serialized loss must be a dict, received ${typeName(cfg)}`, 'type');
      const kwSites = new Map([...kwargs.keys()].map((k) => [k, at]));
      return this.construct({ kind: 'lossref', spec: r.spec, form: 'class', name: cls.value }, [], kwargs, site, { pos: [], kw: kwSites });
    }
    if (id.kind === 'loss' || id.kind === 'lossref' || id.kind === 'callable' || id.kind === 'object') return id;
    throw errAt(at, `${path}: expected a loss name, a serialized loss dict or a loss, received ${typeName(id)}`, 'type');
  }

  /** np.array(x, dtype=...), tf.constant(x), np.float32(x): a tensor of x in that dtype (gradients flow through float casts). */
  convertArray(v: Value, dtype: string | undefined, site: Site, argSite: Site | undefined, path: string): Value {
    const dt = dtype ? dtypeName(dtype) : undefined;
    if (v.kind === 'tensor' && (!dt || dt === dtypeName(v.dtype ?? 'float32'))) return v;
    if (v.kind === 'opaque' && v.random) return v;
    if (v.kind === 'tensor' || (v.kind === 'list' && (v.node || hasTensor(v)))) {
      const n = toNode(v, 'array', null, argSite ?? site, this.session.budget);
      const out = tv(dt ? O.cast(n, dt) : n);
      if (v.kind === 'tensor' && v.evalResult) { out.evalResult = v.evalResult; out.request = v.request; }
      return out;
    }
    const t = valueToTensor(v, 'array', argSite ?? site, this.session.limits.maxTensorElements);
    // NumPy infers int64/float64 from Python numbers; TensorFlow and torch make int32/float32
    const isInt = inferIsInt(v);
    const d = dt ?? (/^(tf|K|keras|torch)\./.test(path) ? (isInt ? 'int32' : 'float32') : (isInt ? 'int64' : 'float64'));
    let data = t.data;
    if (dtype && /^u?int|^bool/.test(dtype)) data = data.map((x) => (dtype.startsWith('bool') ? (x ? 1 : 0) : Math.trunc(x)));
    else if (dtype === 'float32' || dtype === 'float16') data = data.map(Math.fround);
    const tensor = data === t.data ? t : { data, shape: t.shape.slice() };
    return { kind: 'tensor', tensor, dtype: d, node: constant(tensor, d, this.session.budget, true) };
  }

  iterate(v: Value, site: Site): Value[] {
    if (v.kind === 'list') return v.items;
    if (v.kind === 'string') return [...v.value].map(str);
    if (v.kind === 'dict') return v.entries.map(([k]) => k);
    if (v.kind === 'tensor') {
      const n = nodeOf(v, this.session.budget);
      if (!n.shape.length) throw errAt(site, 'TypeError: iteration over a 0-d array', 'type');
      return O.split(n, n.shape[0], 0).map((p) => tv(O.squeeze(p, 0)));
    }
    if (v.kind === 'opaque') throw opaqueSkip(v, site);
    throw errAt(site, `TypeError: '${typeName(v)}' object is not iterable`, 'type');
  }

  // ---- results ----

  /** Loss results of a statement that did not end as a simple statement (an `if` condition, a failed statement). */
  private flushPending(): void {
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.addResult(p.r, p.request, p.site);
  }

  /** `print(x)` with one argument: x's value (what the statement shows); null for any other expression. */
  private printArg(e: SyntaxNode, scope: Scope): Value | null {
    if (e?.name !== 'CallExpression') return null;
    const [callee, argList] = kids(e);
    if (callee.name !== 'VariableName' || this.text(callee) !== 'print' || scope.get('print')) return null;
    const items = argList ? kids(argList).filter((n) => !PUNCT.has(n.name)) : [];
    if (items.length !== 1 || items[0].name === 'VariableName' && kids(argList).some((n) => n.name === 'AssignOp')) return null;
    const v = this.evalExpr(items[0], scope);
    writePrint(this, [v], new Map(), this.site(e));
    return v;
  }

  /**
   * The end of a top-level statement: its loss results become results on its line. When the statement's value is
   * computed from one loss call (`tf.reduce_mean(mse(a, b))`, `float(l(a, b)) ** 0.5`, `print(f"{l(a, b):.4f}")`),
   * the result is that value (its gradient through the tape where it has one), and the call's own value is noted.
   */
  private finishStatement(v: Value, stmt: SyntaxNode): void {
    if (this.inFunction) return;
    const pending = this.pending;
    this.pending = [];
    if (v.kind === 'tensor' && v.evalResult && !pending.some((p) => p.r === v.evalResult)) pending.push({ r: v.evalResult, request: v.request, site: { offset: stmt.from, length: 0 }, leaf: null });
    const own = pending.find((p) => v.kind === 'tensor' && v.evalResult === p.r);
    if (own || pending.length !== 1) {
      for (const p of own ? [own] : pending) this.addResult(p.r, p.request, p.site);
      return;
    }
    const p = pending[0];
    const derived = this.derivedResult(p, v);
    this.addResult(derived ?? p.r, p.request, p.site, derived ? this.printedValue(v) : undefined);
  }

  /** The result of a statement whose value `v` was computed from the loss call `p` (null: v is not a value to show). */
  private derivedResult(p: { r: EvalResult; request?: EvalRequest; leaf: Node | null }, v: Value): EvalResult | null {
    let value: Tensor;
    let grad: Tensor | null = null;
    if (v.kind === 'tensor') {
      value = v.tensor;
      if (v.node?.requiresGrad && p.leaf) grad = { data: backward(v.node, [p.leaf])[0], shape: p.r.grad.shape.slice() };
    } else if (v.kind === 'number' || v.kind === 'bool') value = { data: Float64Array.of(asNumber(v)!), shape: [] };
    else if (v.kind === 'string' && /^\s*[-+]?(\d|\.\d|nan|inf)/i.test(v.value) && Number.isFinite(Number(v.value.trim()))) value = { data: Float64Array.of(Number(v.value.trim())), shape: [] };
    else return null;
    const inner = `${p.r.callee}(...) = ${printedOf(p.r, p.request)}`;
    const notes = [`The statement's value, computed from ${inner}; ${grad ? 'the gradient is that of the statement\'s value (through the tape).' : `the gradient shown is that of ${p.r.callee}(...) (the statement's value is a Python ${v.kind === 'string' ? 'string' : 'number'}, outside the tape).`}`];
    return { ...p.r, value, grad: grad ?? p.r.grad, trace: { ...p.r.trace, notes: [...notes, ...p.r.trace.notes] } };
  }

  private printedValue(v: Value): string | undefined {
    if (v.kind === 'string') return v.value;
    if (v.kind === 'number' || v.kind === 'bool') return repr(v);
    return undefined;
  }

  private addResult(r: EvalResult, request: EvalRequest | undefined, callSite: Site, printed?: string): void {
    if (!this.collectResults || this.reported.has(r)) return;
    this.reported.add(r);
    const stmt = this.curStmt;
    const from = this.toOrig(stmt ? stmt.from : callSite.offset);
    let to = this.toOrig(stmt ? stmt.to : callSite.offset + callSite.length);
    while (to > from && /\s/.test(this.original[to - 1])) to--;
    const { line, column } = this.lineCol(this.toOrig(callSite.offset));
    this.results.push({
      line, column, offset: from, end: to, lineEnd: this.lineCol(Math.max(from, to - 1)).line,
      text: this.original.slice(from, to), printed: printed ?? r.printedAs ?? printedOf(r, request), result: r, request, notes: this.stmtNotes,
    });
  }
}

// ---- helpers ----

/** A loss result as Keras prints it, in the dtype it was computed in. */
function printedOf(r: EvalResult, request: EvalRequest | undefined): string {
  const dtype = r.config.dtype === 'float64' || request?.inputDtype === 'float64' ? 'float64' : 'float32';
  // optax returns a jax.Array: `Array([...], dtype=float32)`
  return r.framework === 'optax' && r.value.shape.length ? formatArray(r.value, 1000, 'Array', dtype) : formatKeras(r.value, dtype);
}

/** Points an error at the argument it names, else at the call. */
function locate(e: unknown, site: Site, sites: ArgSites): unknown {
  if (!(e instanceof LossInspectorError) || e.details.offset !== undefined) return e;
  const arg = e.details.argument;
  const s = (arg && sites.kw.get(arg)) || (arg === 'y_true' ? sites.pos[0] : arg === 'y_pred' ? sites.pos[1] : arg === 'sample_weight' ? sites.pos[2] : undefined) || site;
  return e.at(s.offset, s.length);
}

function inferIsInt(v: Value): boolean {
  let allInt = true;
  const walk = (x: Value): void => { if (x.kind === 'number' && !x.int) allInt = false; else if (x.kind === 'list') x.items.forEach(walk); else if (x.kind === 'tensor') allInt = false; };
  walk(v);
  return allInt;
}

/** Names of positional parameters in order: ParamSpec.position when any param has one, else declaration order. */
function positionalOrder(params: { name: string; position?: number }[]): string[] {
  const withPos = params.filter((p) => p.position !== undefined);
  if (withPos.length) return withPos.sort((a, b) => a.position! - b.position!).map((p) => p.name);
  return params.map((p) => p.name);
}

function closestLoss(name: string): string {
  try {
    resolveLoss(name);
  } catch (e) {
    if (e instanceof LossInspectorError) return e.message.replace(/^Unknown loss '[^']*'\./, '');
  }
  return '';
}

function paramToValue(v: ParamValue): Value {
  if (v === null) return NONE;
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'string') return str(v);
  return list((v as ParamValue[]).map(paramToValue));
}

function nestedToValue(n: unknown): Value {
  if (typeof n === 'number') return num(n);
  return list((n as unknown[]).map(nestedToValue));
}
