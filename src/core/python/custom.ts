/**
 * Evaluates a user-defined loss (a def, a lambda, or an instance of a keras.losses.Loss subclass) on arrays,
 * as an EvalResult like the built-in losses: value, per-sample values, gradient d(value)/d(y_pred), trace.
 *
 * Two applications, stated in trace.notes:
 *  - 'direct': what Python returns when the snippet calls the function itself (`f(np.array(a), np.array(b))`);
 *    the per-sample values are what it returned, the gradient is that of their sum.
 *  - 'keras': what compile(loss=f) trains on: LossFunctionWrapper (inputs cast to float32,
 *    squeeze_or_expand_to_same_rank, then f), then the base-class reduction sum_over_batch_size
 *    with sample weights (planReduction). A Loss subclass instance always goes through its own __call__.
 */
import type { Value, Site, TensorValue } from './values';
import { Tensor, Nested, fromNested, toNested, shapeStr, castFloat32, sizeOf } from '../tensor';
import { LossInspectorError } from '../errors';
import type { EvalResult } from '../evaluate';
import { newTrace } from '../evaluate';
import type { Config, ParamValue } from '../spec';
import { planReduction, squeezeOrExpand } from '../reduce';
import { Node, variable, constant, backward, BudgetLimits, DType } from './autodiff';
import { tv, toNode, dtypeName, describe, bindListNode } from './convert';
import { UserEntity, userEntityOf, reductionOf, findMethod } from './user';
import { parser } from '@lezer/python';
import { Interpreter } from './interp';
import { EvalSession, Limits } from './session';
import type { Scope } from './values';
import { kids } from './syntax';
import * as O from './ops';

export interface CustomOptions {
  /** 'direct': exactly what Python returns; 'keras': Keras's wrapping as in compile(loss=...). */
  mode: 'direct' | 'keras';
  sampleWeight?: Tensor | Nested | null;
  /** Extra keyword arguments of the call (beta=1), direct mode. */
  kwargs?: Map<string, Value>;
  /** Extra positional arguments after y_true, y_pred, direct mode. */
  extraArgs?: Value[];
  /** Input dtypes (as the snippet knows them: np.array → float64, tf.constant → float32). Default: float32 for 'keras', float64 for 'direct'. */
  yTrueDtype?: string;
  yPredDtype?: string;
  /**
   * Direct mode: the Python values as the caller passed them. A list stays a list inside the function (so
   * `y_true - y_pred` on two lists is Python's TypeError) while tensor ops convert it with its gradient attached.
   */
  asGiven?: { yTrue?: Value; yPred?: Value };
  limits?: Partial<BudgetLimits>;
  /** 'keras3' or 'keras2' (tf.keras in TF ≤ 2.15): the base class that reduces and weights, and built-ins called inside. Default: the session's. */
  semantics?: 'keras3' | 'keras2';
  site?: Site;
}

type Arr = Tensor | Nested | TensorValue;

function asTensor(x: Arr, what: string): { t: Tensor; dtype?: string } {
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    if ((x as TensorValue).kind === 'tensor') return { t: (x as TensorValue).tensor, dtype: (x as TensorValue).dtype };
    if ((x as Tensor).data instanceof Float64Array) return { t: x as Tensor };
  }
  try {
    return { t: fromNested(x as Nested, what) };
  } catch (e) {
    throw new LossInspectorError(`argument \`${what}\`: ${(e as Error).message}`, { argument: what, code: 'input' });
  }
}

/** The user loss behind a value (a def/lambda Callable, a Loss-subclass instance), or null. */
export function customLossOf(v: Value | UserEntity | undefined): UserEntity | null {
  if (!v) return null;
  if ((v as UserEntity).kind === 'function' || (v as UserEntity).kind === 'class' || (v as UserEntity).kind === 'instance') {
    if ('interp' in v || 'obj' in v) return v as UserEntity;
  }
  return userEntityOf(v as Value) ?? null;
}

function entityName(e: UserEntity): string {
  return e.kind === 'instance' ? e.cls.name : e.name;
}

/** Evaluates a user-defined loss on arrays; see the module comment for the two modes. Throws LossInspectorError only. */
export function evaluateCustom(fn: Value | UserEntity, yTrue: Arr | null, yPred: Arr, opts: CustomOptions): EvalResult {
  const found = customLossOf(fn);
  if (!found) throw new LossInspectorError(`Not a user-defined loss: ${describe(fn as Value)}.`, { code: 'type' });
  const ent: UserEntity = found;
  if (ent.kind === 'class') {
    throw new LossInspectorError(`${ent.name} is a Loss class: construct it first (${ent.name}()) and call the instance.`, { code: 'type', loss: ent.name });
  }
  const name = entityName(ent);
  // y_true may be None (losses that ignore it, like the seed's triplet_loss): it is passed as None.
  const yt0 = yTrue === null ? { t: { data: new Float64Array(0), shape: [0] } as Tensor, dtype: undefined } : asTensor(yTrue, 'y_true');
  const noTrue = yTrue === null;
  const yp0 = asTensor(yPred, 'y_pred');
  const site = opts.site ?? { offset: 0, length: 0 };
  const keras = opts.mode === 'keras' || ent.kind === 'instance';
  const interp = ent.kind === 'instance' ? ent.cls.interp : ent.interp;
  const session = interp.session;
  // this evaluation's own budget (inputs are checked against it) and its own collection of inner notes
  const budget = session.childBudget(opts.limits ?? {});
  const saved = { inner: session.inner, semantics: session.semantics, budget: session.budget };
  const semantics = opts.semantics ?? session.semantics;
  session.inner = { notes: [], warnings: [] };
  session.semantics = semantics;
  session.budget = budget;
  try {
    return run();
  } catch (e) {
    if (e instanceof LossInspectorError) throw e;
    if (e instanceof RangeError) throw new LossInspectorError(`${name}: ${e.message}`, { code: 'limit', loss: name });
    throw new LossInspectorError(`${name}: internal error: ${(e as Error).message}`, { code: 'internal', loss: name });
  } finally {
    session.inner = saved.inner; session.semantics = saved.semantics; session.budget = saved.budget;
  }

  function run(): EvalResult {
    const trace = newTrace();
    const shapes = { yTrue: noTrue ? [] : yt0.t.shape.slice(), yPred: yp0.t.shape.slice(), sampleWeight: null as number[] | null };
    // dtypes: Keras casts both inputs to float32 (the loss dtype); a direct call keeps what it was given.
    let dtT: DType, dtP: DType;
    let ytT = yt0.t, ypT = yp0.t;
    const lossDtype = ent.kind === 'instance' ? instanceDtype(ent) : 'float32';
    if (keras && lossDtype === 'float64') {
      dtT = dtP = 'float64';
    } else if (keras) {
      dtT = dtP = 'float32';
      ytT = castFloat32(ytT); ypT = castFloat32(ypT);
    } else {
      dtT = dtypeName(opts.yTrueDtype ?? yt0.dtype) ?? 'float64';
      dtP = dtypeName(opts.yPredDtype ?? yp0.dtype) ?? 'float64';
    }
    const ypV = variable(ypT, dtP, budget);
    const ytC = constant(ytT, dtT, budget, true);
    let yt: Node = ytC, yp: Node = ypV;
    const ytArg = (): Value => {
      if (noTrue) return { kind: 'none' };
      const g = opts.asGiven?.yTrue;
      if (!keras && g?.kind === 'list') { bindListNode(g, ytC); return g; }
      return tv(yt);
    };
    const ypArg = (): Value => {
      const g = opts.asGiven?.yPred;
      if (!keras && g?.kind === 'list') { bindListNode(g, ypV); return g; }
      return tv(yp);
    };
    const config: Config = Object.create(null); // `__proto__=` stays an own key, refused as an unknown parameter
    for (const [k, v] of opts.kwargs ?? []) config[k] = paramOf(v);

    let value: Tensor, perSample: Tensor, weighted: Tensor, grad: Float64Array;
    let reduction: EvalResult['reduction'] = null;
    let resultDtype: DType;
    if (!keras) {
      const kw = opts.kwargs ?? new Map<string, Value>();
      const out = callEntity(ent as UserEntity & { kind: 'function' }, [ytArg(), ypArg(), ...(opts.extraArgs ?? [])], kw);
      value = out.value; perSample = out.value; weighted = out.value;
      resultDtype = out.dtype;
      [grad] = backward(out, [ypV]);
      trace.notes.push(`Called directly: the value is exactly what ${name}(y_true, y_pred${kw.size ? ', ' + [...kw.keys()].map((k) => `${k}=…`).join(', ') : ''}) returns, shape ${shapeStr(value.shape)}; no Keras reduction or sample weights are applied. The gradient is d(${value.shape.length ? 'sum of the returned values' : 'value'})/d(y_pred).`);
    } else {
      let values: Node;
      let red: ReturnType<typeof reductionOf> = 'sum_over_batch_size';
      if (ent.kind === 'instance') {
        red = reductionOf(ent.obj, name);
        const call = findMethod(ent.cls, 'call')!;
        const r = interp.callFunction(call, [ent.obj, ytArg(), tv(yp)], new Map(), site, ent.cls);
        values = toNode(r, `${name}.call: its result`, null, site, budget);
        trace.notes.push(`Keras wrapping: ${name}.__call__ (keras.losses.Loss) casts y_true and y_pred to ${lossDtype}, calls ${name}.call(y_true, y_pred) for the per-sample values, then reduces them with reduction="${red}"${opts.sampleWeight != null ? ' and the sample weights' : ''}.`);
      } else {
        const [ts, ps] = noTrue ? [ytT.shape, ypT.shape] : squeezeOrExpand(ytT.shape, ypT.shape);
        if (ts.length !== ytT.shape.length || ps.length !== ypT.shape.length) {
          trace.notes.push(`squeeze_or_expand_to_same_rank: y_true ${shapeStr(ytT.shape)} → ${shapeStr(ts)}, y_pred ${shapeStr(ypT.shape)} → ${shapeStr(ps)} before calling ${name}.`);
          yt = O.reshape(ytC, ts); yp = O.reshape(ypV, ps);
        }
        // LossFunctionWrapper(fn, **kwargs) passes its keyword arguments on every call.
        const r = callEntity(ent as UserEntity & { kind: 'function' }, [ytArg(), tv(yp)], opts.kwargs ?? new Map());
        values = r;
        trace.notes.push(`Keras wrapping (as compile(loss=${name}) applies it): y_true and y_pred cast to float32, squeeze_or_expand_to_same_rank, per-sample values from ${name}, then reduction="sum_over_batch_size" (LossFunctionWrapper, keras.losses.Loss).`);
      }
      resultDtype = values.dtype;
      const sw = opts.sampleWeight == null ? null : castFloat32(asTensor(opts.sampleWeight as Arr, 'sample_weight').t);
      shapes.sampleWeight = sw ? sw.shape.slice() : null;
      const plan = planReduction(name, semantics, red, values.shape, sw, null);
      if (semantics === 'keras2') trace.notes.push('Keras 2 semantics (tf.keras in TF ≤ 2.15): compute_weighted_loss weights and reduces the per-sample values.');
      trace.warnings.push(...plan.warnings);
      const fin = plan.finish(values.value);
      value = fin.value; perSample = values.value; weighted = fin.weighted;
      reduction = fin.info;
      config.reduction = red;
      [grad] = backward(values, [ypV], plan.upstream);
      if (values.shape.length === 0) {
        trace.notes.push(`${name} returns a scalar (it reduces over the batch itself), so Keras's reduction has nothing left to average${sw ? ' and the sample weights only scale that scalar' : ''}; per-sample values are not available.`);
      }
    }
    trace.notes.push(`Computed in float64 by Loss Inspector's autodiff; inputs were ${describeDtypes(dtT, dtP)}${dtP === 'float32' || resultDtype === 'float32' ? ' (TensorFlow computes float32 tensors in float32: expect differences in the 7th significant digit)' : ''}.`);
    trace.notes.push(...session.inner.notes);
    trace.warnings.push(...session.inner.warnings);
    if (!ypV.requiresGrad || grad.every((g) => g === 0)) {
      if (!dependsOn(value, grad)) trace.warnings.push({ code: 'no-gradient', message: `The result of ${name} does not depend on y_pred (the gradient is zero): check the argument order (y_true, y_pred) and operations without gradients (comparisons, argmax, round, cast to int).` });
    }
    if (value.data.some((v) => !Number.isFinite(v))) trace.warnings.push({ code: 'non-finite', message: `${name} returned NaN or infinite values (log of 0, division by 0, sqrt of a negative number?).` });
    else if (grad.some((g) => !Number.isFinite(g))) trace.warnings.push({ code: 'non-finite-gradient', message: `The gradient of ${name} has NaN or infinite entries (sqrt or log at 0, division by 0): training would produce NaN weights.` });
    const result: EvalResult = {
      loss: name, callee: name, mode: keras ? 'class' : 'function', config,
      value: own(value), perSample: own(perSample), weighted: own(weighted),
      grad: { data: grad.length === sizeOf(yp0.t.shape) ? grad : new Float64Array(sizeOf(yp0.t.shape)), shape: yp0.t.shape.slice() },
      reduction, mask: null, trace, shapes,
    };
    result.customRequest = ({
      loss: name, yTrue: noTrue ? null : toNested(yt0.t), yPred: toNested(yp0.t),
      sampleWeight: opts.sampleWeight == null ? null : toNested(asTensor(opts.sampleWeight as Arr, 'sample_weight').t),
      // a Loss subclass is re-constructed from its constructor arguments; a function gets its call's keywords
      config: ent.kind === 'instance' ? Object.fromEntries([...(ent.ctorArgs ?? [])].map(([k, v]) => [k, paramOf(v)]))
        : Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'reduction')),
      mode: keras ? 'class' : 'function',
    });
    return result;
  }

  function callEntity(e: UserEntity & { kind: 'function' }, args: Value[], kwargs: Map<string, Value>): Node {
    const r = interp.callFunction(e, args, kwargs, site);
    if (r.kind === 'list' && r.tuple) throw new LossInspectorError(`${name} returned a tuple of ${r.items.length} values; a loss must return a tensor (or a number).`, { code: 'type', loss: name });
    if (r.kind === 'none') throw new LossInspectorError(`${name} returned None; a loss must return a tensor (missing \`return\`?).`, { code: 'type', loss: name });
    return toNode(r, `${name}: its result`, null, site, budget);
  }
}

/** The dtype a Loss instance casts its inputs to (its `dtype` attribute; None → float32, keras.config.floatx()). */
function instanceDtype(e: UserEntity & { kind: 'instance' }): DType {
  const d = e.obj.attrs.get('dtype');
  const name = d?.kind === 'string' ? d.value : d?.kind === 'module' ? d.path : undefined;
  return dtypeName(name) === 'float64' ? 'float64' : 'float32';
}

function own(t: Tensor): Tensor {
  return { data: Float64Array.from(t.data), shape: t.shape.slice() };
}

function dependsOn(_value: Tensor, grad: Float64Array): boolean {
  return grad.some((g) => g !== 0);
}

function describeDtypes(t: DType, p: DType): string {
  return t === p ? `${p}` : `y_true ${t}, y_pred ${p}`;
}

function paramOf(v: Value): ParamValue {
  switch (v.kind) {
    case 'number': return v.value;
    case 'bool': return v.value;
    case 'string': return v.value;
    case 'none': return null;
    case 'list': return v.items.map(paramOf) as ParamValue[];
    case 'tensor': return v.tensor.data.length === 1 ? v.tensor.data[0] : `tensor ${shapeStr(v.tensor.shape)}`;
    default: return describe(v);
  }
}

/**
 * A call of a user loss from outside the interpreter (the snippet evaluator at top level): when it is called on
 * two arrays, the result carries an EvalResult (direct mode for functions; __call__ semantics for Loss instances).
 */
export function topLevelCall(e: UserEntity, args: Value[], kwargs: Map<string, Value>, site: Site): Value {
  const interp = e.kind === 'instance' ? e.cls.interp : e.interp;
  if (e.kind === 'class') return interp.runEntity(e, args, kwargs, site);
  const kw = new Map(kwargs);
  let yt: Value | undefined, yp: Value | undefined;
  let rest: Value[] = [];
  if (e.kind === 'instance') {
    yt = kw.get('y_true') ?? args[0]; yp = kw.get('y_pred') ?? args[1];
    const sw = kw.get('sample_weight') ?? args[2];
    if (!isArray(yp) || !(isArray(yt) || yt?.kind === 'none')) return interp.runEntity(e, args, kwargs, site);
    const r = evaluateCustom(e, yt!.kind === 'none' ? null : arrayOf(yt!), arrayOf(yp!), { mode: 'keras', site, sampleWeight: sw && sw.kind !== 'none' ? asTensor(arrayOf(sw), 'sample_weight').t : null });
    return { kind: 'tensor', tensor: r.value, dtype: 'float32', evalResult: r };
  }
  const pos = e.params.filter((p) => p.kind === 'pos').map((p) => p.name);
  const [n0, n1] = [pos[0] ?? 'y_true', pos[1] ?? 'y_pred'];
  yt = kw.get(n0) ?? args[0]; yp = kw.get(n1) ?? args[1];
  kw.delete(n0); kw.delete(n1);
  rest = args.slice(2);
  if (!isArray(yp) || !(isArray(yt) || yt?.kind === 'none')) return interp.runEntity(e, args, kwargs, site);
  const r = evaluateCustom(e, yt!.kind === 'none' ? null : arrayOf(yt!), arrayOf(yp!), { mode: 'direct', site, kwargs: kw, extraArgs: rest, yTrueDtype: dtypeOfArg(yt), yPredDtype: dtypeOfArg(yp), asGiven: { yTrue: yt, yPred: yp } });
  if (yp!.kind === 'list' || yt!.kind === 'list') r.trace.notes.push('y_true/y_pred were passed as Python lists: they stay lists inside the function (Python arithmetic on them would raise TypeError); tensor functions convert them (float32 for TensorFlow) and the gradient follows them.');
  return { kind: 'tensor', tensor: r.value, dtype: r.value.shape.length === 0 ? dtypeOfArg(yp) : dtypeOfArg(yp), evalResult: r };
}

function isArray(v: Value | undefined): boolean {
  return !!v && (v.kind === 'tensor' || (v.kind === 'list' && v.items.length > 0) || v.kind === 'number');
}
function arrayOf(v: Value): TensorValue {
  if (v.kind === 'tensor') return v;
  return tv(toNode(v, 'argument', 'float32'));
}
function dtypeOfArg(v: Value): string {
  if (v.kind === 'tensor') return v.dtype ?? 'float32';
  return 'float32';
}

/** What a user-loss result was computed from, in the panel's request form (arrays as nested lists). */
export interface CustomRequest {
  /** The user loss's name: def name, lambda variable, Loss subclass name. */
  loss: string;
  yTrue: Nested | Tensor | null;
  yPred: Nested | Tensor;
  sampleWeight?: Nested | Tensor | null;
  /** Keyword arguments of the call (beta=1), or of the constructor for a Loss subclass. */
  config?: Record<string, ParamValue>;
  /** 'function': called directly (exactly what Python returns); 'class' (default): Keras's wrapping. */
  mode?: 'class' | 'function';
}

/**
 * The inputs of a result evaluateCustom produced (null for any other result): the panel needs the arrays to
 * re-evaluate the user loss.
 */
export function customRequestOf(result: EvalResult): CustomRequest | null {
  return (result.customRequest as CustomRequest | undefined) ?? null;
}

/**
 * The panel's evaluator for user-defined losses (panelModel's CustomEvaluator): reads the definitions in `source`
 * (imports, defs, lambdas, Loss subclasses and plain assignments; anything else at top level is ignored), finds
 * `request.loss` by name and evaluates it on the request's arrays, with Keras's wrapping unless mode is 'function'.
 */
export function evaluateCustomSource(source: string, request: CustomRequest, opts: { limits?: Partial<BudgetLimits>; semantics?: 'keras3' | 'keras2' } = {}): EvalResult {
  const { ent, options } = loadCustomLoss(source, request, { semantics: opts.semantics });
  return evaluateCustom(ent, request.yTrue, request.yPred, { ...options, limits: opts.limits, semantics: opts.semantics });
}

/**
 * Reads the definitions in `source` (imports, defs, lambdas, Loss subclasses, plain assignments; anything else at
 * top level is ignored, as are statements that fail) and returns the user loss named `request.loss` with the
 * evaluateCustom options the request implies (kwargs from config; a Loss subclass is constructed with them).
 */
export function loadCustomLoss(source: string, request: Pick<CustomRequest, 'loss' | 'config' | 'mode' | 'sampleWeight'>, opts: { semantics?: 'keras3' | 'keras2' } = {}): { ent: UserEntity; options: CustomOptions } {
  source = blogToPython(source);
  const session = new EvalSession({ maxMillis: 1000 });
  if (opts.semantics) session.semantics = opts.semantics;
  // definitions only: calls found at top level are not results here
  const interp = new Interpreter(source, source, session, { collectResults: false });
  const scope = interp.globals;
  const tree = parser.parse(source);
  for (let st = tree.topNode.firstChild; st; st = st.nextSibling) {
    if (!/^(ImportStatement|FunctionDefinition|ClassDefinition|DecoratedStatement|AssignStatement)$/.test(st.name)) continue;
    try {
      interp.runStrict(st);
    } catch (e) {
      if (!(e instanceof LossInspectorError)) throw e;
    }
  }
  const v = scope.get(request.loss);
  let ent = customLossOf(v);
  if (!ent) throw new LossInspectorError(`No user-defined loss named \`${request.loss}\` in the source (a def, a lambda assigned to a name, or a keras.losses.Loss subclass).`, { code: 'custom', loss: request.loss });
  const kwargs = new Map<string, Value>(Object.entries(request.config ?? {}).map(([k, x]) => [k, valueOf(x)]));
  if (ent.kind === 'class') {
    const obj = ent.interp.runEntity(ent, [], kwargs, { offset: 0, length: 0 });
    ent = customLossOf(obj)!;
  }
  return {
    ent,
    options: { mode: request.mode === 'function' ? 'direct' : 'keras', sampleWeight: request.sampleWeight ?? null, kwargs: ent.kind === 'instance' ? undefined : kwargs },
  };
}

function valueOf(x: ParamValue): Value {
  if (x === null) return { kind: 'none' };
  if (typeof x === 'boolean') return { kind: 'bool', value: x };
  if (typeof x === 'number') return { kind: 'number', value: x, int: Number.isInteger(x) };
  if (typeof x === 'string') return { kind: 'string', value: x };
  return { kind: 'list', tuple: false, items: (x as ParamValue[]).map(valueOf) };
}

/** What blogs do to code, undone with same-length replacements (offsets hold): non-breaking spaces, curly quotes, en dashes. */
function blogToPython(s: string): string {
  return s.replace(/[\u00a0\u200b\ufeff]/g, ' ').replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'").replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"').replace(/[\u2013\u2212]/g, '-');
}

/**
 * Runs every top-level statement of `source` (imports, defs, classes, assignments, calls) without collecting
 * results, stopping at the first error (thrown), and returns the module scope: user losses by name.
 */
export function loadModule(source: string, limits: Partial<Limits> = {}): Scope {
  const interp = new Interpreter(source, source, new EvalSession(limits), { collectResults: false });
  for (const st of kids(parser.parse(source).topNode)) interp.runStrict(st);
  return interp.globals;
}
