/**
 * The interpreter of the Python subset loss snippets are written in. Structure comes from @lezer/python; this
 * file gives it meaning: names and imports, built-in loss objects and functions, literals, arithmetic, calls.
 * Everything it cannot evaluate (models, layers, plots, datasets) is skipped with an info note; every failure
 * is a LossInspectorError turned into a diagnostic on its statement, so one bad statement hides nothing else.
 */
import type { SyntaxNode } from '@lezer/common';
import { LossInspectorError } from '../errors';
import { evaluate, EvalRequest, EvalResult } from '../evaluate';
import { tryResolveLoss, resolveLoss } from '../registry';
import { allParams, resolveConfig } from '../config';
import { formatKeras } from '../format';
import type { LossSpec, ParamValue } from '../spec';
import { Tensor, sizeOf, toNested, shapeStr } from '../tensor';
import { closest } from '../suggest';
import type { SnippetPlugin } from './plugin';
import type { SnippetResult, SnippetDiagnostic } from './types';
import {
  Value, Site, Scope, EvalContext, Limits, LossObjectValue, LossRefValue, TensorValue, ModuleValue,
  NONE, num, str, bool, list, tensorValue, opaque, callable, typeName, truthy, canonicalPath,
} from './values';
import { errAt, skip, repr, asNumber, valueToTensor, toParamValue, binaryOp, unaryOp, indexValue, SliceSpec } from './ops';

type Control = undefined | { kind: 'return'; value: Value } | { kind: 'break' } | { kind: 'continue' };

/** Children of a node, without punctuation-free filtering (comments dropped). */
export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', ';']);

/** Names Python code commonly uses for models/data that we never evaluate: using them is a skip, not an error. */
const ARRAY_CTORS = new Set([
  'np.array', 'np.asarray', 'np.asanyarray', 'tf.constant', 'tf.convert_to_tensor', 'tf.Variable', 'torch.tensor', 'torch.as_tensor', 'torch.Tensor',
  'torch.FloatTensor', 'jnp.array', 'jnp.asarray', 'K.constant', 'K.variable', 'keras.ops.array', 'keras.ops.convert_to_tensor', 'tf.cast', 'K.cast',
  'np.float32', 'np.float64', 'tf.identity',
]);

const CONSTANTS: Record<string, Value> = {
  'np.nan': num(NaN), 'np.NaN': num(NaN), 'np.NAN': num(NaN), 'math.nan': num(NaN), 'np.inf': num(Infinity), 'np.Inf': num(Infinity), 'np.infty': num(Infinity),
  'math.inf': num(Infinity), 'np.pi': num(Math.PI), 'math.pi': num(Math.PI), 'np.e': num(Math.E), 'math.e': num(Math.E), 'np.newaxis': NONE,
  'jnp.nan': num(NaN), 'jnp.inf': num(Infinity), 'torch.nan': num(NaN), 'torch.inf': num(Infinity), 'tf.newaxis': NONE,
};

/** Conventional import names blog snippets use without importing them: name → [canonical path, the import it stands for]. */
const IMPLICIT_MODULES: Record<string, [string, string]> = {
  tf: ['tf', 'import tensorflow as tf'], tensorflow: ['tf', 'import tensorflow'], np: ['np', 'import numpy as np'], numpy: ['np', 'import numpy'],
  keras: ['keras', 'from tensorflow import keras'], tfa: ['tfa', 'import tensorflow_addons as tfa'], K: ['K', 'from keras import backend as K'],
  losses: ['keras.losses', 'from keras import losses'], jnp: ['jnp', 'import jax.numpy as jnp'], math: ['math', 'import math'],
  // NumPy's and torch's printed forms pasted back: array([...], dtype=float32), tensor([...])
  array: ['np.array', 'from numpy import array'], tensor: ['torch.tensor', 'from torch import tensor'],
};

const LOSS_MODULES = /^(keras\.losses|tfa\.losses|tf\.losses|keras\.metrics|tf\.metrics)\.(\w+)$/;

interface ArgSites { pos: Site[]; kw: Map<string, Site> }

export class Interpreter implements EvalContext {
  readonly globals = new Scope();
  readonly diagnostics: SnippetDiagnostic[] = [];
  readonly results: SnippetResult[] = [];
  private readonly reported = new Set<EvalResult>();
  private steps = 0;
  readonly startedAt = Date.now();
  private exprDepth = 0;
  private userDepth = 0;
  private curStmt: SyntaxNode | null = null;
  private stmtNotes: string[] = [];
  private argSites: ArgSites | null = null;
  private lineStarts: number[] = [0];
  /** Keras 3 or Keras 2 numerics for the built-in losses (see snippetSemantics). */
  semantics: 'keras3' | 'keras2' = 'keras3';
  semanticsReason: string | null = null;

  constructor(
    /** Text the tree was parsed from (curly quotes normalised, big literals replaced by names). */
    public source: string,
    /** The user's text (same length), for result text. */
    private readonly original: string,
    readonly limits: Limits,
    private readonly plugin: SnippetPlugin | undefined,
    private readonly literals: Map<string, Tensor>,
    /** Parsed-text offset → user-text offset (big literals are compacted before parsing). */
    private readonly toOrig: (offset: number) => number = (c) => c,
  ) {
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

  site(node: SyntaxNode): Site {
    return { offset: node.from, length: node.to - node.from, node };
  }

  /** 1-based line in the user's text of an offset in the parsed text. */
  lineOf(offset: number): number { return this.lineCol(this.toOrig(offset)).line; }

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

  tick(site?: Site): void {
    if (++this.steps > this.limits.maxSteps) throw errAt(site, `stopped after ${this.limits.maxSteps} steps (the limit): an endless loop?`, 'limit');
    if ((this.steps & 63) === 0 && Date.now() - this.startedAt > this.limits.maxMillis) throw errAt(site, `stopped after ${this.limits.maxMillis} ms (the time limit)`, 'limit');
  }

  enter(site: Site): void {
    if (++this.userDepth > 64) { this.userDepth--; throw errAt(site, 'RecursionError: user functions nested more than 64 calls deep', 'limit'); }
  }
  leave(): void { this.userDepth--; }
  newScope(parent: Scope): Scope { return new Scope(parent); }

  toTensor(v: Value, what: string, site?: Site): Tensor {
    return valueToTensor(v, what, site, this.limits.maxTensorElements);
  }

  text(node: SyntaxNode): string { return this.source.slice(node.from, node.to); }

  // ---- statements ----

  /** Runs one top-level statement; never throws. */
  runTop(stmt: SyntaxNode): void {
    // the step budget is per top-level statement (an endless loop does not starve the rest); time is global
    this.steps = 0;
    this.curStmt = stmt;
    this.stmtNotes = [];
    try {
      this.exec(stmt, this.globals);
    } catch (e) {
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

  /** Turns anything thrown while running `stmt` into a diagnostic. */
  fail(e: unknown, stmt: SyntaxNode): void {
    const s = this.site(stmt);
    if (e instanceof LossInspectorError) {
      const off = e.details.offset ?? s.offset;
      const len = e.details.offset !== undefined ? e.details.length ?? 0 : firstLineLength(this.source, s.offset, s.length);
      // 'skip' (ours) and 'unsupported' (the plugin's): not evaluated, which is a note, not a failure
      this.report({ offset: off, length: len }, e.message, e.details.code === 'skip' || e.details.code === 'unsupported' ? 'info' : 'error');
    } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      this.report({ offset: s.offset, length: firstLineLength(this.source, s.offset, s.length) }, 'too deeply nested to evaluate', 'error');
    } else {
      this.report({ offset: s.offset, length: firstLineLength(this.source, s.offset, s.length) }, `internal error while evaluating this statement: ${(e as Error)?.message ?? String(e)}`, 'error');
    }
  }

  exec(stmt: SyntaxNode, scope: Scope): Control {
    this.tick(this.site(stmt));
    if (this.userDepth === 0 && stmt.name !== 'Body') this.curStmtIfSimple(stmt);
    const ch = kids(stmt);
    switch (stmt.name) {
      case 'ExpressionStatement': {
        const v = this.evalExpr(ch[0], scope);
        this.maybeResult(v, stmt);
        return;
      }
      case 'AssignStatement': return this.assign(stmt, ch, scope);
      case 'UpdateStatement': {
        const [target, opNode, valueNode] = [ch[0], ch[1], ch[ch.length - 1]];
        const op = this.text(opNode).slice(0, -1);
        const cur = this.evalExpr(target, scope);
        const v = binaryOp(op, cur, this.evalExpr(valueNode, scope), this.site(stmt), this.limits.maxTensorElements);
        this.bindTarget(target, v, scope);
        return;
      }
      case 'ImportStatement': this.importStatement(stmt, ch, scope); return;
      case 'PassStatement': case 'GlobalStatement': case 'NonlocalStatement': return;
      case 'BreakStatement': return { kind: 'break' };
      case 'ContinueStatement': return { kind: 'continue' };
      case 'ReturnStatement': return { kind: 'return', value: ch.length > 1 ? this.evalSequence(ch.slice(1), scope) : NONE };
      case 'IfStatement': {
        let i = 0;
        while (i < ch.length) {
          const kw = ch[i].name;
          if (kw === 'if' || kw === 'elif') {
            const cond = this.cond(this.evalExpr(ch[i + 1], scope), ch[i + 1]);
            if (cond) return this.execBlock(ch[i + 2], scope);
            i += 3;
          } else if (kw === 'else') return this.execBlock(ch[i + 1], scope);
          else i++;
        }
        return;
      }
      case 'WhileStatement': {
        for (;;) {
          this.tick(this.site(stmt));
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
        const it = this.iterate(this.evalSequence(iterNodes, scope), this.site(stmt));
        for (const item of it) {
          this.tick(this.site(stmt));
          this.bindTargets(targets, item, scope, this.site(stmt));
          const c = this.execBlock(body, scope);
          if (c?.kind === 'break') break;
          if (c?.kind === 'return') return c;
        }
        return;
      }
      case 'WithStatement': {
        // `with tf.GradientTape() as tape:` — the context is not evaluated; its body is.
        const asIdx = ch.findIndex((c) => c.name === 'as');
        if (asIdx > 0) this.bindTarget(ch[asIdx + 1], opaque(`the context manager ${this.text(ch[1])}`), scope);
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
      case 'DeleteStatement': return;
      case 'FunctionDefinition': case 'ClassDefinition': {
        const nameNode = ch.find((c) => c.name === 'VariableName');
        const name = nameNode ? this.text(nameNode) : '?';
        const v = this.define(stmt, scope);
        scope.set(name, v ?? opaque(`${stmt.name === 'ClassDefinition' ? 'class' : 'function'} ${name} (user-defined, not evaluated)`));
        return;
      }
      case 'DecoratedStatement': {
        const inner = ch[ch.length - 1];
        this.report(this.site(ch[0]), `decorator ${this.text(ch[0]).trim()} ignored`, 'info');
        return this.exec(inner, scope);
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
    const t = truthy(v);
    if (t === undefined) throw errAt(this.site(node), 'ValueError: the truth value of an array with more than one element is ambiguous', 'type');
    if (v.kind === 'opaque') throw skip(this.site(node), v.undefinedName ? `name '${v.undefinedName}' is not defined in the evaluated text; statement skipped` : `${v.what} is not evaluated; statement skipped`);
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

  execBody(node: SyntaxNode, scope: Scope): Value | null {
    const c = this.execBlock(node, scope);
    if (!c) return null;
    if (c.kind === 'return') return c.value;
    throw errAt(this.site(node), `SyntaxError: '${c.kind}' outside loop`, 'syntax');
  }

  private define(node: SyntaxNode, scope: Scope): Value | null {
    const what = node.name === 'ClassDefinition' ? 'class' : node.name === 'LambdaExpression' ? 'lambda' : 'def';
    if (!this.plugin) {
      this.report({ offset: node.from, length: firstLineLength(this.source, node.from, node.to - node.from) }, `${what}: user-defined losses are not evaluated (the custom-loss plugin is not loaded); calls of it are skipped`, 'info');
      return null;
    }
    const v = this.plugin.define(node, this.source, scope, this);
    if (!v) this.report({ offset: node.from, length: firstLineLength(this.source, node.from, node.to - node.from) }, `${what}: not supported by the custom-loss evaluator; calls of it are skipped`, 'info');
    return v;
  }

  private assign(stmt: SyntaxNode, ch: SyntaxNode[], scope: Scope): Control {
    // groups separated by AssignOp: targets... = value
    const groups: SyntaxNode[][] = [[]];
    for (const c of ch) {
      if (c.name === 'AssignOp') groups.push([]);
      else if (c.name !== 'TypeDef') groups[groups.length - 1].push(c);
    }
    const valueNodes = groups.pop()!;
    if (!groups.length) { this.evalSequence(valueNodes, scope); return; }
    const v = this.evalSequence(valueNodes, scope);
    for (const g of groups) this.bindTargets(g.filter((n) => n.name !== ','), v, scope, this.site(stmt));
    this.maybeResult(v, stmt);
    return;
  }

  /** `a, b = v` (several target nodes) or `a = v`. */
  private bindTargets(targets: SyntaxNode[], v: Value, scope: Scope, site: Site): void {
    const ts = targets.filter((n) => !PUNCT.has(n.name));
    if (ts.length === 1) { this.bindTarget(ts[0], v, scope); return; }
    this.unpack(ts, v, scope, site);
  }

  private unpack(ts: SyntaxNode[], v: Value, scope: Scope, site: Site): void {
    if (v.kind === 'opaque') { for (const t of ts) this.bindTarget(t, v, scope); return; }
    const items = this.iterate(v, site);
    if (items.length !== ts.length) throw errAt(site, `ValueError: ${items.length > ts.length ? 'too many' : 'not enough'} values to unpack (expected ${ts.length}, got ${items.length})`, 'unpack');
    ts.forEach((t, i) => this.bindTarget(t, items[i], scope));
  }

  bindTarget(t: SyntaxNode, v: Value, scope: Scope): void {
    switch (t.name) {
      case 'VariableName': scope.set(this.text(t), v); return;
      case 'TupleExpression': case 'ArrayExpression': case 'ParenthesizedExpression': {
        const inner = kids(t).filter((n) => !PUNCT.has(n.name));
        if (t.name === 'ParenthesizedExpression' && inner.length === 1) { this.bindTarget(inner[0], v, scope); return; }
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
            obj.items[k] = v; return;
          }
        }
        if (obj.kind === 'dict' && ch[1]?.name === '[') {
          const key = this.evalExpr(ch[2], scope);
          const e = obj.entries.find(([k]) => repr(k, 1) === repr(key, 1));
          if (e) e[1] = v; else obj.entries.push([key, v]);
          return;
        }
        throw skip(this.site(t), `assignment to ${this.text(t)} is not evaluated; skipped`);
      }
      default:
        throw errAt(this.site(t), `SyntaxError: cannot assign to ${this.text(t).slice(0, 40)}`, 'syntax');
    }
  }

  private importStatement(stmt: SyntaxNode, ch: SyntaxNode[], scope: Scope): void {
    const from = ch[0].name === 'from';
    if (from) {
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
        scope.set(bindAs, this.resolvePath(canonicalPath(`${mod}.${name}`), this.site(n)));
      }
      return;
    }
    // import a.b.c [as x], d
    const parts = ch.slice(1);
    let i = 0;
    while (i < parts.length) {
      const path: string[] = [];
      while (i < parts.length && (parts[i].name === 'VariableName' || parts[i].name === '.')) { if (parts[i].name === 'VariableName') path.push(this.text(parts[i])); i++; }
      if (parts[i]?.name === 'as') { scope.set(this.text(parts[i + 1]), this.resolvePath(canonicalPath(path.join('.')), this.site(stmt))); i += 2; }
      else if (path.length) scope.set(path[0], { kind: 'module', path: canonicalPath(path[0]) });
      if (parts[i]?.name === ',') i++;
      else if (i < parts.length && parts[i].name !== 'VariableName') i++;
    }
  }

  private starImports: string[] = [];
  private readonly implicit = new Set<string>();

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
    if (++this.exprDepth > this.limits.maxExprDepth) {
      this.exprDepth--;
      throw errAt(this.site(node), `expression nested deeper than ${this.limits.maxExprDepth} levels (the limit)`, 'limit');
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
      case 'FormatString': {
        for (const r of kids(node)) if (r.name === 'FormatReplacement') {
          for (const e of kids(r)) if (!PUNCT.has(e.name) && e.name !== 'FormatSpec' && e.name !== 'FormatConversion' && !e.name.startsWith('{') && !e.name.startsWith('}')) this.evalExpr(e, scope);
        }
        return str(this.text(node));
      }
      case 'Boolean': return bool(this.text(node) === 'True');
      case 'None': return NONE;
      case 'Ellipsis': return opaque('Ellipsis');
      case 'VariableName': return this.lookup(this.text(node), scope, site);
      case 'ParenthesizedExpression': {
        const inner = kids(node).filter((n) => !PUNCT.has(n.name));
        return inner.length === 1 ? this.evalExpr(inner[0], scope) : list(inner.map((n) => this.evalExpr(n, scope)), true);
      }
      case 'TupleExpression': return { ...list(kids(node).filter((n) => !PUNCT.has(n.name)).map((n) => this.evalExpr(n, scope)), true), site };
      case 'ArrayExpression': case 'SetExpression': {
        const items: Value[] = [];
        for (const n of kids(node)) {
          if (PUNCT.has(n.name)) continue;
          if (items.length % 4096 === 0) this.tick(site);
          items.push(this.evalExpr(n, scope));
        }
        return { ...list(items, false), site };
      }
      case 'DictionaryExpression': {
        const ch = kids(node).filter((n) => n.name !== '{' && n.name !== '}' && n.name !== ',');
        const entries: [Value, Value][] = [];
        for (let i = 0; i + 2 < ch.length + 1; i += 3) {
          if (!ch[i + 2]) break;
          entries.push([this.evalExpr(ch[i], scope), this.evalExpr(ch[i + 2], scope)]);
        }
        return { kind: 'dict', entries };
      }
      case 'UnaryExpression': {
        const ch = kids(node);
        return unaryOp(this.text(ch[0]), this.evalExpr(ch[1], scope), site);
      }
      case 'BinaryExpression': {
        const ch = kids(node);
        const op = ch.slice(1, -1).map((c) => this.text(c)).join(' ');
        const a = this.evalExpr(ch[0], scope);
        if (op === 'and') { const t = truthy(a); if (a.kind !== 'opaque' && t === false) return a; if (t === undefined) throw errAt(site, 'ValueError: the truth value of an array with more than one element is ambiguous', 'type'); }
        if (op === 'or') { const t = truthy(a); if (a.kind !== 'opaque' && t === true) return a; if (t === undefined) throw errAt(site, 'ValueError: the truth value of an array with more than one element is ambiguous', 'type'); }
        const b = this.evalExpr(ch[ch.length - 1], scope);
        if (op === 'and' || op === 'or') {
          if (a.kind === 'opaque') return binaryOp('+', a, b, site);
          return b;
        }
        if (op === '@') {
          const r = this.plugin?.callFunction?.('operator.matmul', [a, b], new Map(), site, this);
          if (r) return r;
          throw skip(site, "the '@' operator is not evaluated; skipped");
        }
        return binaryOp(op, a, b, site, this.limits.maxTensorElements);
      }
      case 'ConditionalExpression': {
        const ch = kids(node);
        const c = this.cond(this.evalExpr(ch[2], scope), ch[2]);
        return this.evalExpr(c ? ch[0] : ch[4], scope);
      }
      case 'LambdaExpression': {
        const v = this.define(node, scope);
        return v ?? opaque('a lambda (user-defined, not evaluated)');
      }
      case 'MemberExpression': {
        const ch = kids(node);
        if (isTrailingDotFloat(node)) return parsePyNumber(this.text(ch[0]) + '.', site);
        const obj = this.evalExpr(ch[0], scope);
        if (ch[1]?.name === '.') return this.getAttr(obj, this.text(ch[2]), this.site(ch[2]), node);
        return indexValue(obj, this.subscript(ch.slice(2, -1), scope), site);
      }
      case 'CallExpression': return this.evalCall(node, scope);
      case 'ArrayComprehensionExpression': case 'ComprehensionExpression': case 'SetComprehensionExpression':
        return this.comprehension(node, scope);
      case 'StarExpression': throw skip(site, 'starred expressions are not evaluated; skipped');
      default:
        throw skip(site, `${node.name.replace(/Expression$/, ' expression')} is not evaluated; skipped`);
    }
  }

  private comprehension(node: SyntaxNode, scope: Scope): Value {
    const ch = kids(node).filter((n) => !['[', ']', '(', ')', '{', '}'].includes(n.name));
    const forIdx = ch.findIndex((c) => c.name === 'for');
    const elem = ch.slice(0, forIdx);
    const inner = new Scope(scope);
    const out: Value[] = [];
    const clauses = ch.slice(forIdx);
    const run = (k: number): void => {
      if (k >= clauses.length) { out.push(this.evalSequence(elem, inner)); this.tick(this.site(node)); return; }
      const c = clauses[k];
      if (c.name === 'for') {
        const inIdx = clauses.findIndex((x, j) => j > k && x.name === 'in');
        const targets = clauses.slice(k + 1, inIdx);
        let end = inIdx + 2;
        const iterV = this.evalExpr(clauses[inIdx + 1], inner);
        for (const item of this.iterate(iterV, this.site(node))) {
          this.bindTargets(targets, item, inner, this.site(node));
          run(end);
        }
        end++;
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

  private subscript(nodes: SyntaxNode[], scope: Scope): (number | SliceSpec | null | Value)[] {
    // split by ',' into parts; a part with ':' is a slice
    const parts: SyntaxNode[][] = [[]];
    for (const n of nodes) { if (n.name === ',') parts.push([]); else parts[parts.length - 1].push(n); }
    const out: (number | SliceSpec | null | Value)[] = [];
    for (const p of parts) {
      if (!p.length) continue;
      if (p.some((n) => n.name === ':')) {
        const b: (number | null)[] = [null, null, null];
        let k = 0;
        for (const n of p) {
          if (n.name === ':') { k++; continue; }
          const v = this.evalExpr(n, scope);
          const x = asNumber(v);
          if (v.kind !== 'none' && (x === undefined || !Number.isInteger(x))) throw errAt(this.site(n), 'slice indices must be integers or None', 'index');
          b[Math.min(k, 2)] = v.kind === 'none' ? null : x!;
        }
        out.push({ start: b[0], stop: b[1], step: b[2] });
      } else {
        const v = this.evalExpr(p[0], scope);
        if (v.kind === 'none') out.push(null);
        else if (v.kind === 'number' || v.kind === 'bool') {
          if (!Number.isInteger(asNumber(v))) throw errAt(this.site(p[0]), 'IndexError: only integers, slices (:), None are valid indices', 'index');
          out.push(asNumber(v)!);
        } else if (v.kind === 'list' && v.tuple) out.push(...v.items.map((x) => (x.kind === 'none' ? null : asNumber(x) ?? x)));
        else out.push(v);
      }
    }
    return out;
  }

  private lookup(name: string, scope: Scope, site: Site): Value {
    const v = scope.get(name);
    if (v !== undefined) return v;
    if (this.literals.has(name)) return tensorValue(this.literals.get(name)!);
    const b = this.builtin(name);
    if (b) return b;
    for (const m of this.starImports) {
      const r = this.resolvePath(`${m}.${name}`, site);
      if (r.kind !== 'module') return r;
    }
    // Blog snippets assume the usual imports: read `tf`, `np`, `tfa`, ... as them, and bare loss names as imported.
    const mod = IMPLICIT_MODULES[name];
    if (mod) {
      this.implicitNote(name, site, `'${name}' is not imported in the evaluated text: read as \`${mod[1]}\``);
      const v: ModuleValue = { kind: 'module', path: mod[0] };
      this.globals.set(name, v);
      return v;
    }
    const loss = tryResolveLoss(name);
    if (loss && loss.kind !== 'string' && /^[A-Za-z]\w*$/.test(name)) {
      this.implicitNote(name, site, `'${name}' is not imported in the evaluated text: read as \`from keras.losses import ${name}\``);
      const v: LossRefValue = { kind: 'lossref', spec: loss.spec, form: loss.kind === 'class' ? 'class' : 'function', name };
      this.globals.set(name, v);
      return v;
    }
    return { kind: 'opaque', what: `'${name}'`, undefinedName: name };
  }

  /** The value a canonical dotted path stands for: a loss class/function, a constant, a builtin, or a module. */
  resolvePath(path: string, site: Site): Value {
    const red = /(^|\.)Reduction(V2)?\.(\w+)$/.exec(path);
    if (red) return str(`Reduction.${red[3]}`);
    if (path in CONSTANTS) return CONSTANTS[path];
    const dt = /^(tf|np|torch|jnp|keras)\.(float16|float32|float64|bfloat16|int8|int16|int32|int64|uint8|bool_?|double|half)$/.exec(path);
    if (dt) return str(dt[2] === 'double' ? 'float64' : dt[2] === 'half' ? 'float16' : dt[2].replace(/_$/, ''));
    const lm = LOSS_MODULES.exec(path);
    if (lm) {
      const r = tryResolveLoss(lm[2]);
      if (r) return { kind: 'lossref', spec: r.spec, form: r.kind === 'class' ? 'class' : 'function', name: path };
    }
    const viaPlugin = this.plugin?.getAttribute?.(path, site, this);
    if (viaPlugin) return viaPlugin;
    return { kind: 'module', path };
  }

  private builtin(name: string): Value | undefined {
    if (name === 'print' || name in BUILTIN_NAMES) return { kind: 'module', path: name };
    if (name === 'nan') return undefined;
    return undefined;
  }

  getAttr(obj: Value, name: string, site: Site, node?: SyntaxNode): Value {
    switch (obj.kind) {
      case 'module': return this.resolvePath(canonicalPath(`${obj.path}.${name}`), site);
      case 'tensor': return this.tensorAttr(obj, name, site);
      case 'loss':
        if (name === 'reduction') return str(String(obj.config.reduction ?? obj.spec.defaultReduction));
        if (name === 'name') return str(String(obj.config.name ?? obj.spec.defaultName));
        if (name === '__call__' || name === 'call') return callable(`${obj.spec.id}.__call__`, (a, k, s) => this.callValue(obj, a, k, s));
        if (name === 'get_config') return callable('get_config', () => ({ kind: 'dict', entries: Object.entries(obj.config).map(([k, v]) => [str(k), paramToValue(v)] as [Value, Value]) }));
        throw skip(site, `${obj.spec.id}.${name} is not evaluated; skipped`);
      case 'opaque': return obj;
      case 'object': {
        const v = obj.attrs.get(name);
        if (v) return v;
        throw errAt(site, `AttributeError: '${obj.className}' object has no attribute '${name}'`, 'attribute');
      }
      case 'list':
        if (name === 'append' && !obj.tuple) return callable('list.append', (a) => { obj.items.push(a[0] ?? NONE); return NONE; });
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
        if (name === 'format') return callable('str.format', () => obj);
        break;
      default: break;
    }
    void node;
    throw errAt(site, `AttributeError: '${typeName(obj)}' object has no attribute '${name}'`, 'attribute');
  }

  private tensorAttr(t: TensorValue, name: string, site: Site): Value {
    if (name === 'numpy') return callable('numpy', () => t);
    if (name.toLowerCase() === 'numpy') {
      const msg = `.${name}() is not a method: Python raises AttributeError: 'EagerTensor' object has no attribute '${name}'. Evaluated as .numpy().`;
      this.report(site, msg, 'warning');
      this.stmtNotes.push(msg);
      return callable('numpy', () => t);
    }
    if (name === 'shape') return list(t.tensor.shape.map((d) => num(d, true)), true);
    if (name === 'ndim') return num(t.tensor.shape.length, true);
    if (name === 'size') return num(t.tensor.data.length, true);
    if (name === 'dtype') return str(t.dtype ?? 'float32');
    if (name === 'tolist') return callable('tolist', () => nestedToValue(toNested(t.tensor)));
    if (name === 'item') return callable('item', () => {
      if (t.tensor.data.length !== 1) throw errAt(site, 'ValueError: can only convert an array of size 1 to a Python scalar', 'type');
      return num(t.tensor.data[0]);
    });
    return callable(`<tensor>.${name}`, (args, kwargs, s) => {
      const r = this.plugin?.callFunction?.(`<tensor>.${name}`, [t, ...args], kwargs, s, this);
      if (r) return r;
      throw skip(s, `.${name}() on an array is not evaluated; skipped`);
    });
  }

  private evalCall(node: SyntaxNode, scope: Scope): Value {
    const ch = kids(node);
    const calleeNode = ch[0];
    const argList = ch[ch.length - 1];
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
        else if (v.kind === 'dict') { for (const [k, x] of v.entries) { if (k.kind !== 'string') throw errAt(this.site(vNode), 'keywords must be strings', 'type'); kwargs.set(k.value, x); sites.kw.set(k.value, this.site(vNode)); } }
        else if (v.kind === 'opaque') throw skip(this.site(vNode), `**${this.text(vNode)} is not evaluated; skipped`);
        else throw errAt(this.site(vNode), `argument after ** must be a mapping, not ${typeName(v)}`, 'type');
        continue;
      }
      if (items[i + 1] && ['for'].includes(items[i + 1].name)) throw skip(this.site(argList), 'generator arguments are not evaluated; skipped');
      args.push(this.evalExpr(n, scope));
      sites.pos.push(this.site(n));
    }
    this.argSites = sites;
    const site: Site = { offset: node.from, length: node.to - node.from, node };
    const v = this.callValue(fn, args, kwargs, site, sites);
    return v;
  }

  callValue(fn: Value, args: Value[], kwargs: Map<string, Value>, site: Site, sites?: ArgSites): Value {
    this.tick(site);
    const argSites = sites ?? { pos: args.map(() => site), kw: new Map([...kwargs.keys()].map((k) => [k, site])) };
    switch (fn.kind) {
      case 'lossref':
        if (fn.form === 'class') return this.construct(fn, args, kwargs, site, argSites);
        return this.callLoss(fn, args, kwargs, site, argSites);
      case 'loss': return this.callLoss(fn, args, kwargs, site, argSites);
      case 'callable': {
        const v = fn.call(args, kwargs, site);
        // a user-defined loss (plugin) returns a value carrying its EvalResult: at top level it is a result
        if (this.userDepth === 0 && v.kind === 'tensor' && v.evalResult) this.addResult(v.evalResult, v.request, site);
        return v;
      }
      case 'object':
        if (fn.call) return fn.call.call(args, kwargs, site);
        throw errAt(site, `TypeError: '${fn.className}' object is not callable`, 'type');
      case 'module': return this.callModule(fn, args, kwargs, site, argSites);
      case 'string': {
        // np.float32(x) where np.float32 resolved to the dtype name
        if (/^(float|int|bool)/.test(fn.value)) return this.convertArray(args[0] ?? num(0), fn.value, site, argSites.pos[0]);
        throw errAt(site, `TypeError: 'str' object is not callable`, 'type');
      }
      case 'opaque': {
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

  private construct(ref: LossRefValue, args: Value[], kwargs: Map<string, Value>, site: Site, sites: ArgSites): LossObjectValue {
    const spec = ref.spec;
    const params = allParams(spec, true);
    const positional = positionalOrder(params);
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
      throw this.locate(e, site, sites);
    }
    return { kind: 'loss', spec, config, ctorName: ref.name };
  }

  /** Points an error at the argument it names, else at the call. */
  private locate(e: unknown, site: Site, sites: ArgSites): unknown {
    if (!(e instanceof LossInspectorError) || e.details.offset !== undefined) return e;
    const arg = e.details.argument;
    const s = (arg && sites.kw.get(arg)) || (arg === 'y_true' ? sites.pos[0] : arg === 'y_pred' ? sites.pos[1] : arg === 'sample_weight' ? sites.pos[2] : undefined) || site;
    return e.at(s.offset, s.length);
  }

  private callLoss(fn: LossObjectValue | LossRefValue, args: Value[], kwargs: Map<string, Value>, site: Site, sites: ArgSites): Value {
    const spec: LossSpec = fn.spec;
    const isClass = fn.kind === 'loss';
    const callee = isClass ? spec.id : (spec.functionName ?? spec.id);
    const names = isClass ? ['y_true', 'y_pred', 'sample_weight'] : ['y_true', 'y_pred', ...positionalOrder(spec.functionParams ?? spec.params)];
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
    const yTrue = this.toTensor(yt.v, 'y_true', yt.s);
    const yPred = this.toTensor(yp.v, 'y_pred', yp.s);
    const swb = bound.get('sample_weight');
    const sampleWeight = swb && swb.v.kind !== 'none' ? this.toTensor(swb.v, 'sample_weight', swb.s) : null;
    const request: EvalRequest = { loss: spec.id, yTrue, yPred, sampleWeight, config, mode: isClass ? 'class' : 'function', semantics: this.semantics };
    let r: EvalResult;
    try {
      r = evaluate(request);
    } catch (e) {
      const s2: ArgSites = { pos: [yt.s, yp.s, swb?.s ?? site], kw: new Map([...bound].map(([k, b]) => [k, b.s])) };
      throw this.locate(e instanceof LossInspectorError ? e : errAt(undefined, `${callee}: ${(e as Error)?.message ?? e}`, 'internal'), site, s2);
    }
    const v: TensorValue = { kind: 'tensor', tensor: r.value, dtype: String(r.config.dtype ?? 'float32'), evalResult: r, request };
    if (this.semanticsReason && spec.base === 'keras3' && !r.trace.notes.some((n) => n.includes(this.semanticsReason!))) r.trace.notes.unshift(`Snippet ${this.semanticsReason}.`);
    if (this.userDepth === 0) this.addResult(r, request, site);
    return v;
  }

  private callModule(fn: ModuleValue, args: Value[], kwargs: Map<string, Value>, site: Site, sites: ArgSites): Value {
    const path = fn.path;
    const b = BUILTINS[path];
    if (b) {
      const r = b.call(this, args, kwargs, site, sites);
      if (r !== undefined) return r;
    }
    if (ARRAY_CTORS.has(path)) {
      if (!args.length) throw errAt(site, `${path}() needs an array argument`, 'param');
      const dtype = kwargs.get('dtype') ?? (path === 'tf.cast' || path === 'K.cast' ? args[1] : undefined);
      const dt = path === 'np.float32' ? 'float32' : path === 'np.float64' ? 'float64' : dtype?.kind === 'string' ? dtype.value : undefined;
      return this.convertArray(args[0], dt, site, sites.pos[0]);
    }
    if (path === 'keras.losses.get' || path === 'tf.losses.get') {
      const id = args[0];
      if (id?.kind === 'string') {
        const r = tryResolveLoss(id.value);
        if (!r) throw errAt(sites.pos[0] ?? site, `Unknown loss '${id.value}'`, 'unknown-loss');
        if (r.kind === 'class') return { kind: 'loss', spec: r.spec, config: {}, ctorName: id.value };
        return { kind: 'lossref', spec: r.spec, form: 'function', name: id.value };
      }
      if (id && (id.kind === 'loss' || id.kind === 'lossref' || id.kind === 'callable')) return id;
    }
    const viaPlugin = this.plugin?.callFunction?.(path, args, kwargs, site, this);
    if (viaPlugin) return viaPlugin;
    const lm = LOSS_MODULES.exec(path);
    if (lm) throw errAt(site, `Unknown loss '${path}'.${closestLoss(lm[2])}`, 'unknown-loss');
    throw skip(site, `${path}(...) is not evaluated (Loss Inspector evaluates losses and the arrays they take); skipped`);
  }

  convertArray(v: Value, dtype: string | undefined, site: Site, argSite?: Site): Value {
    if (v.kind === 'tensor' && !dtype) return v;
    const t = this.toTensor(v, 'array', argSite ?? site);
    let data = t.data;
    if (dtype && /^u?int|^bool/.test(dtype)) data = data.map((x) => (dtype.startsWith('bool') ? (x ? 1 : 0) : Math.trunc(x)));
    else if (dtype === 'float32' || dtype === 'float16') data = data.map(Math.fround);
    const out: TensorValue = { kind: 'tensor', tensor: data === t.data ? t : { data, shape: t.shape.slice() }, dtype: dtype ?? inferDtype(v) };
    if (v.kind === 'tensor' && v.evalResult) { out.evalResult = v.evalResult; out.request = v.request; }
    return out;
  }

  iterate(v: Value, site: Site): Value[] {
    if (v.kind === 'list') return v.items;
    if (v.kind === 'string') return [...v.value].map(str);
    if (v.kind === 'dict') return v.entries.map(([k]) => k);
    if (v.kind === 'tensor') {
      const t = v.tensor;
      if (!t.shape.length) throw errAt(site, 'TypeError: iteration over a 0-d array', 'type');
      const rows = t.shape[0];
      const inner = t.shape.slice(1);
      const n = sizeOf(inner);
      const out: Value[] = [];
      for (let i = 0; i < rows; i++) out.push(tensorValue({ data: t.data.slice(i * n, (i + 1) * n), shape: inner.slice() }, { dtype: v.dtype }));
      return out;
    }
    if (v.kind === 'opaque') throw skip(site, v.undefinedName ? `name '${v.undefinedName}' is not defined in the evaluated text; statement skipped` : `${v.what} is not evaluated; statement skipped`);
    throw errAt(site, `TypeError: '${typeName(v)}' object is not iterable`, 'type');
  }

  // ---- results ----

  private maybeResult(v: Value, stmt: SyntaxNode): void {
    if (this.userDepth !== 0) return;
    if (v.kind === 'tensor' && v.evalResult && !this.reported.has(v.evalResult)) this.addResult(v.evalResult, v.request, { offset: stmt.from, length: 0 });
    void stmt;
  }

  private addResult(r: EvalResult, request: EvalRequest | undefined, callSite: Site): void {
    if (this.reported.has(r)) return;
    this.reported.add(r);
    const stmt = this.curStmt;
    const from = this.toOrig(stmt ? stmt.from : callSite.offset);
    let to = this.toOrig(stmt ? stmt.to : callSite.offset + callSite.length);
    while (to > from && /\s/.test(this.original[to - 1])) to--;
    const { line, column } = this.lineCol(this.toOrig(callSite.offset));
    this.results.push({
      line, column, offset: from, end: to, lineEnd: this.lineCol(Math.max(from, to - 1)).line,
      text: this.original.slice(from, to), printed: formatKeras(r.value), result: r, request, notes: this.stmtNotes,
    });
  }
}

// ---- builtins ----

type Builtin = (this: Interpreter, args: Value[], kwargs: Map<string, Value>, site: Site, sites: ArgSites) => Value | undefined;

const BUILTIN_NAMES: Record<string, true> = {
  len: true, range: true, float: true, int: true, abs: true, min: true, max: true, sum: true, round: true, bool: true, str: true, list: true, tuple: true,
  zip: true, enumerate: true, isinstance: true, type: true, dict: true,
};

function need(args: Value[], n: number, name: string, site: Site): void {
  if (args.length < n) throw errAt(site, `${name}() takes at least ${n} argument${n > 1 ? 's' : ''}`, 'param');
}

function shapeArg(this: Interpreter, v: Value, site: Site): number[] {
  const items = v.kind === 'list' ? v.items : [v];
  const shape = items.map((x) => asNumber(x));
  if (shape.some((d) => d === undefined || !Number.isInteger(d) || d < 0)) throw errAt(site, 'shape must be a tuple of non-negative integers', 'param');
  const n = sizeOf(shape as number[]);
  if (n > this.limits.maxTensorElements) throw errAt(site, `shape ${shapeStr(shape as number[])} has ${n} elements, over the limit`, 'limit');
  return shape as number[];
}

function filled(this: Interpreter, args: Value[], site: Site, value: number): Value {
  need(args, 1, 'zeros/ones', site);
  const shape = shapeArg.call(this, args[0], site);
  return tensorValue({ data: new Float64Array(sizeOf(shape)).fill(value), shape });
}

const BUILTINS: Record<string, Builtin> = {
  print(args) { void args; return NONE; },
  len(args, _k, site) {
    need(args, 1, 'len', site);
    const v = args[0];
    if (v.kind === 'list') return num(v.items.length, true);
    if (v.kind === 'string') return num(v.value.length, true);
    if (v.kind === 'dict') return num(v.entries.length, true);
    if (v.kind === 'tensor' && v.tensor.shape.length) return num(v.tensor.shape[0], true);
    if (v.kind === 'opaque') throw skip(site, `len(${v.what}) is not evaluated; skipped`);
    throw errAt(site, `TypeError: object of type '${typeName(v)}' has no len()`, 'type');
  },
  range(args, _k, site) {
    const ns = args.map((a) => asNumber(a));
    if (!ns.length || ns.some((x) => x === undefined || !Number.isInteger(x))) throw errAt(site, 'range() takes integers', 'type');
    const [start, stop, step] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
    if (step === 0) throw errAt(site, 'ValueError: range() arg 3 must not be zero', 'param');
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (n > this.limits.maxSteps) throw errAt(site, `range of ${n} items is over the step limit`, 'limit');
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(num(start + i * step, true));
    return list(out);
  },
  float(args, _k, site) {
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
  },
  int(args, _k, site) {
    if (!args.length) return num(0, true);
    const v = args[0];
    const x = v.kind === 'string' ? Number(v.value.trim()) : asNumber(v);
    if (x === undefined || Number.isNaN(x)) throw errAt(site, `ValueError: invalid literal for int(): ${repr(v, 1)}`, 'type');
    if (!Number.isFinite(x)) throw errAt(site, 'OverflowError: cannot convert float infinity to integer', 'type');
    return num(Math.trunc(x), true);
  },
  bool(args) { return bool(args.length ? truthy(args[0]) ?? true : false); },
  str(args) { return str(args.length ? repr(args[0]) : ''); },
  abs(args, _k, site) {
    need(args, 1, 'abs', site);
    const v = args[0];
    if (v.kind === 'tensor') return tensorValue({ data: v.tensor.data.map(Math.abs), shape: v.tensor.shape.slice() }, { dtype: v.dtype });
    const x = asNumber(v);
    if (x === undefined) return undefined;
    return num(Math.abs(x), v.kind === 'number' ? v.int : true);
  },
  round(args, _k, site) {
    need(args, 1, 'round', site);
    const x = asNumber(args[0]);
    if (x === undefined) return undefined;
    const d = args[1] ? asNumber(args[1]) ?? 0 : 0;
    const f = 10 ** d;
    // Python rounds half to even
    const y = x * f;
    const r = Math.abs(y % 1) === 0.5 ? 2 * Math.round(y / 2) : Math.round(y);
    return num(r / f, args.length < 2);
  },
  min(args, _k, site) { return minmax.call(this, args, site, -1); },
  max(args, _k, site) { return minmax.call(this, args, site, 1); },
  sum(args, _k, site) {
    need(args, 1, 'sum', site);
    if (args[0].kind !== 'list') return undefined;
    let acc: Value = args[1] ?? num(0, true);
    for (const x of args[0].items) acc = binaryOp('+', acc, x, site, this.limits.maxTensorElements);
    return acc;
  },
  list(args, _k, site) { return list(args.length ? [...this.iterate(args[0], site)] : []); },
  tuple(args, _k, site) { return list(args.length ? [...this.iterate(args[0], site)] : [], true); },
  zip(args, _k, site) {
    const its = args.map((a) => this.iterate(a, site));
    const n = Math.min(...its.map((x) => x.length));
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(list(its.map((x) => x[i]), true));
    return list(out);
  },
  enumerate(args, _k, site) { return list(this.iterate(args[0] ?? list([]), site).map((x, i) => list([num(i, true), x], true))); },
  dict(_a, kwargs) { return { kind: 'dict', entries: [...kwargs].map(([k, v]) => [str(k), v] as [Value, Value]) }; },
  isinstance(_a, _k, site) { throw skip(site, 'isinstance() is not evaluated; skipped'); },
  type(_a, _k, site) { throw skip(site, 'type() is not evaluated; skipped'); },
  'np.zeros'(args, _k, site) { return filled.call(this, args, site, 0); },
  'np.ones'(args, _k, site) { return filled.call(this, args, site, 1); },
  'tf.zeros'(args, _k, site) { return filled.call(this, args, site, 0); },
  'tf.ones'(args, _k, site) { return filled.call(this, args, site, 1); },
  'np.full'(args, _k, site) { need(args, 2, 'np.full', site); return filled.call(this, args, site, asNumber(args[1]) ?? NaN); },
  'np.zeros_like'(args, _k, site) { need(args, 1, 'np.zeros_like', site); const t = this.toTensor(args[0], 'a', site); return tensorValue({ data: new Float64Array(t.data.length), shape: t.shape.slice() }); },
  'np.ones_like'(args, _k, site) { need(args, 1, 'np.ones_like', site); const t = this.toTensor(args[0], 'a', site); return tensorValue({ data: new Float64Array(t.data.length).fill(1), shape: t.shape.slice() }); },
  'np.arange'(args, _k, site) {
    const ns = args.map((a) => asNumber(a));
    if (!ns.length || ns.some((x) => x === undefined)) throw errAt(site, 'np.arange() takes numbers', 'type');
    const [start, stop, step] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
    if (step === 0) throw errAt(site, 'ZeroDivisionError: arange step is zero', 'param');
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (n > this.limits.maxTensorElements) throw errAt(site, `np.arange of ${n} elements is over the limit`, 'limit');
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = start + i * step;
    return tensorValue({ data, shape: [n] }, { dtype: args.every((a) => a.kind === 'number' && a.int) ? 'int64' : 'float64' });
  },
  'np.linspace'(args, kwargs, site) {
    need(args, 2, 'np.linspace', site);
    const a = asNumber(args[0]); const b = asNumber(args[1]);
    const n = asNumber(args[2] ?? kwargs.get('num') ?? num(50, true));
    if (a === undefined || b === undefined || n === undefined || !Number.isInteger(n) || n < 0) throw errAt(site, 'np.linspace(start, stop, num) takes numbers', 'type');
    if (n > this.limits.maxTensorElements) throw errAt(site, `np.linspace of ${n} elements is over the limit`, 'limit');
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
    if (n > 1) data[n - 1] = b;
    return tensorValue({ data, shape: [n] }, { dtype: 'float64' });
  },
};
// numpy and tf spellings of the same constructors
BUILTINS['jnp.zeros'] = BUILTINS['np.zeros'];
BUILTINS['jnp.ones'] = BUILTINS['np.ones'];
BUILTINS['torch.zeros'] = BUILTINS['np.zeros'];
BUILTINS['torch.ones'] = BUILTINS['np.ones'];
BUILTINS['tf.fill'] = function (args, k, site) { need(args, 2, 'tf.fill', site); return BUILTINS['np.full'].call(this, args, k, site, { pos: [], kw: new Map() }); };

function minmax(this: Interpreter, args: Value[], site: Site, sign: number): Value | undefined {
  const items = args.length === 1 && args[0].kind === 'list' ? args[0].items : args;
  if (!items.length) throw errAt(site, `ValueError: ${sign > 0 ? 'max' : 'min'}() arg is an empty sequence`, 'param');
  if (!items.every((x) => asNumber(x) !== undefined && x.kind !== 'tensor')) return undefined;
  let best = items[0];
  for (const x of items) if ((asNumber(x)! - asNumber(best)!) * sign > 0) best = x;
  return best;
}

function inferDtype(v: Value): string {
  let allInt = true;
  const walk = (x: Value): void => { if (x.kind === 'number' && !x.int) allInt = false; else if (x.kind === 'list') x.items.forEach(walk); else if (x.kind === 'tensor') allInt = false; };
  walk(v);
  return allInt ? 'int64' : 'float64';
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

/**
 * `1.` (a float with a trailing dot, everywhere in Keras docs) is not a number token for @lezer/python 1.1: it
 * parses as the member access `1 .<missing>`. Such a node is read as the float it is.
 */
export function isTrailingDotFloat(node: SyntaxNode): boolean {
  if (node.name !== 'MemberExpression') return false;
  const a = node.firstChild;
  const dot = a?.nextSibling;
  const rest = dot?.nextSibling;
  return a?.name === 'Number' && dot?.name === '.' && dot.from === a.to && (!rest || (rest.type.isError && rest.from === rest.to)) && !/[.eExXjJ]/.test(node.firstChild!.type.name === 'Number' ? '' : 'x');
}

/** Length of the first line of a range (diagnostics on multi-line statements underline their first line). */
export function firstLineLength(src: string, offset: number, length: number): number {
  const nl = src.indexOf('\n', offset);
  const end = nl < 0 ? offset + length : Math.min(offset + length, nl);
  return Math.max(0, end - offset);
}

/** Python number literals: 1, 1., .5, 1e-7, 1_000, 0x1F, 0o17, 0b101. Complex numbers are refused. */
export function parsePyNumber(text: string, site: Site): Value {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) throw errAt(site, `complex number ${text} is not supported`, 'type');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return num(parseInt(t.slice(2), 16), true);
  if (/^0[oO][0-7]+$/.test(t)) return num(parseInt(t.slice(2), 8), true);
  if (/^0[bB][01]+$/.test(t)) return num(parseInt(t.slice(2), 2), true);
  if (/^\d+[lL]?$/.test(t)) return num(Number(t.replace(/[lL]$/, '')), true);
  const x = Number(t);
  if (Number.isNaN(x)) throw errAt(site, `'${text}' is not a number`, 'syntax');
  return num(x, false);
}

/** Python string literals with prefixes (r, b, u, f) and the common escapes. */
export function parsePyString(text: string, site: Site): string {
  const m = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(text);
  if (!m) throw errAt(site, 'malformed string literal', 'syntax');
  const q = m[2];
  const raw = /[rR]/.test(m[1]);
  if (!text.endsWith(q) || text.length < m[0].length + q.length) throw errAt(site, 'SyntaxError: unterminated string literal', 'syntax');
  const body = text.slice(m[0].length, text.length - q.length);
  if (raw) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|N\{[^}]*\}|[0-7]{1,3}|\n|.)/g, (_s, e: string) => {
    switch (e[0]) {
      case 'n': return '\n'; case 't': return '\t'; case 'r': return '\r'; case '\\': return '\\'; case "'": return "'"; case '"': return '"';
      case '\n': return '';
      case 'a': return '\x07'; case 'b': return '\b'; case 'f': return '\f'; case 'v': return '\v';
      case 'x': case 'u': return String.fromCharCode(parseInt(e.slice(1), 16));
      default: if (/[0-7]/.test(e[0])) return String.fromCharCode(parseInt(e, 8)); return '\\' + e;
    }
  });
}
