/**
 * Public entry point of the core: evaluate a loss on arrays exactly as Keras would, with the gradient of the
 * result w.r.t. y_pred and everything a user needs to trust the number.
 */
import { Tensor, Nested, fromNested, castFloat32, castFloat32Scratch, isScratch, sameShape, broadcastShapes, broadcastTo, broadcastIndex, sumToShape, shapeStr, sizeOf, reshape, uninitF64 } from './tensor';
import { LossInspectorError } from './errors';
import type { CustomRequest } from './python/custom';
import type { Config, KernelContext, LossSpec, ParamValue, Trace, Reduction } from './spec';
import { resolveLoss, getSpec, resolveAutoCrossentropy, NameKind } from './registry';
import { resolveConfig } from './config';
import { planReduction, squeezeOrExpand, ReductionInfo, ReductionPlan } from './reduce';
import { optaxConventions, kerasConventions } from './conventions';

export interface EvalRequest {
  /** Any spelling: 'Huber', 'huber', 'mse', 'tf.keras.losses.Huber', 'tfa.losses.GIoULoss', or a spec. */
  loss: string | LossSpec;
  yTrue: Tensor | Nested;
  yPred: Tensor | Nested;
  sampleWeight?: Tensor | Nested | null;
  /** Keyword arguments by their Python names (null = None). */
  config?: Record<string, ParamValue>;
  /** 'class': construct the loss and call it (base class applies weights + reduction); 'function': call the function. Default from the name. */
  mode?: 'class' | 'function';
  /**
   * 'keras3' (default) or 'keras2' (tf.keras in TF ≤ 2.15, as older articles print): the Keras 2 base class
   * (sample weights expanded over rows, 'auto') and Keras 2 numerics where they differ (BCE's log(q + ε)).
   */
  semantics?: 'keras3' | 'keras2';
  /**
   * Function forms: the dtype of the inputs as the caller holds them. Keras's loss functions compute in their
   * inputs' dtype (ops.convert_to_tensor keeps a float64 NumPy array float64, with the float64 ε and clip bounds);
   * classes cast to their own dtype (float32 unless `dtype=` says otherwise) and ignore this.
   */
  inputDtype?: 'float32' | 'float64';
  /**
   * Opt-in output buffers for hot paths (sweeps, benchmarks): `grad`, when its length is y_pred's size, receives the
   * gradient (zeroed first) instead of a fresh array, and the result's grad then aliases it. A fresh multi-megabyte
   * array costs as much as the arithmetic (page faults on first touch). Kernels that do not support it ignore it.
   */
  out?: { grad?: Float64Array };
  /**
   * The gradient of a later computation with respect to this call's result (as many elements as the result):
   * `grad` is then the vector-Jacobian product upstreamᵀ·∂result/∂y_pred instead of ∂(Σ result)/∂y_pred. This is
   * how a loss called inside a user's expression enters reverse-mode autodiff as one node.
   */
  upstream?: Float64Array;
}

export interface EvalResult {
  /** Spec id (class name). */
  loss: string;
  /** The framework whose semantics produced the numbers ('keras', 'tfa', 'optax'); absent for user-defined losses. */
  framework?: import('./spec').Framework;
  /** The result as its framework prints it, when a caller outside the Keras core made it (torch: `tensor(0.9391, grad_fn=<…>)`). */
  printedAs?: string;
  /** What was called: class name or function name. */
  callee: string;
  mode: 'class' | 'function';
  config: Config;
  /** The result as Keras returns it (scalar shape [] or a tensor). */
  value: Tensor;
  /** Per-sample values as the loss function returns them (before weights and reduction). */
  perSample: Tensor;
  /** The weighted per-sample values (equal to perSample without weights or mask). */
  weighted: Tensor;
  /** d(value)/d(y_pred), or d(sum(value))/d(y_pred) when the value is not a scalar; shaped like y_pred. */
  grad: Tensor;
  /** The reduction's numerator and divisor (null in function mode). */
  reduction: ReductionInfo | null;
  /** Keras mask attached by the loss (SCCE ignore_class, Circle), if any. */
  mask: Uint8Array | null;
  trace: Trace;
  shapes: { yTrue: number[]; yPred: number[]; sampleWeight: number[] | null };
  /** User-defined losses: what the result was computed from, for the panel to evaluate it again (see customRequestOf). */
  customRequest?: CustomRequest;
  /** PyTorch calls in a snippet: the call as the torch core evaluates it, for the panel to evaluate it again. */
  torchRequest?: {
    /** 'nn.CrossEntropyLoss' or 'F.cross_entropy'. */
    loss: string;
    mode: 'module' | 'functional';
    /** The keywords the user wrote (constructor or functional), by torch's names. */
    config: Record<string, ParamValue>;
    /** Every argument by torch's name, with its dtype. */
    args: Record<string, import('./torch/types').TorchTensor>;
  };
}

function toTensor(x: Tensor | Nested, loss: string, argument: string): Tensor {
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array) return x as Tensor;
  try {
    return fromNested(x, argument);
  } catch (e) {
    const limit = e instanceof LossInspectorError && e.details.code === 'limit';
    const message = (e as Error).message.replace(new RegExp(`^${argument}: `), '');
    throw new LossInspectorError(`${loss}: argument \`${argument}\`: ${message}`, { loss, argument, code: limit ? 'limit' : 'input', expected: limit ? (e as LossInspectorError).details.expected : 'a rectangular nested list of numbers', received: message });
  }
}

export function newTrace(): Trace {
  return { warnings: [], notes: [] };
}

/** Evaluates one loss call. Throws LossInspectorError for bad input; NaN/Inf inputs propagate like Keras. */
export function evaluate(req: EvalRequest): EvalResult {
  let spec: LossSpec;
  let kind: NameKind = 'class';
  const trace = newTrace();
  if (typeof req.loss === 'string') {
    if (/^(crossentropy|ce)$/i.test(req.loss.trim())) {
      const yt = toTensor(req.yTrue, req.loss, 'y_true');
      const yp = toTensor(req.yPred, req.loss, 'y_pred');
      spec = getSpec(resolveAutoCrossentropy(yt.shape, yp.shape));
      kind = 'string';
      trace.notes.push(`'${req.loss}' resolved to ${spec.id} from the shapes y_true ${shapeStr(yt.shape)}, y_pred ${shapeStr(yp.shape)} (Keras 3 compile rule).`);
    } else {
      const r = resolveLoss(req.loss);
      spec = r.spec; kind = r.kind;
    }
  } else spec = req.loss;
  const mode = spec.functionOnly ? 'function' : req.mode ?? (kind === 'function' ? 'function' : 'class');
  const isClass = mode === 'class';
  const callee = isClass ? spec.id : (spec.functionName ?? spec.id);
  if (!isClass && !spec.functionName) {
    throw new LossInspectorError(`${spec.id} has no function form; construct the class and call it.`, { loss: spec.id, code: 'no-function' });
  }
  if (spec.functionOnly && req.sampleWeight != null) {
    throw new LossInspectorError(`${callee}: unexpected argument \`sample_weight\`: ${spec.framework} losses take no weights and do not reduce; multiply the per-example losses by your weights, then take the mean.`,
      { loss: callee, argument: 'sample_weight', code: 'unknown-param', expected: 'no sample_weight', received: 'sample_weight' });
  }
  if (!isClass && req.sampleWeight != null) {
    throw new LossInspectorError(`${callee}: unexpected argument \`sample_weight\`: the function form takes only y_true, y_pred and its own parameters; use the class ${spec.id} to weight samples.`,
      { loss: callee, argument: 'sample_weight', code: 'unknown-param', expected: 'no sample_weight for the function form', received: 'sample_weight' });
  }
  const cfg = resolveConfig(spec, req.config ?? {}, isClass, trace.notes);
  let yTrue = toTensor(req.yTrue, callee, 'y_true');
  let yPred = toTensor(req.yPred, callee, 'y_pred');
  const sw0 = req.sampleWeight == null ? null : toTensor(req.sampleWeight, callee, 'sample_weight');
  const shapes = { yTrue: yTrue.shape.slice(), yPred: yPred.shape.slice(), sampleWeight: sw0 ? sw0.shape.slice() : null };
  if (yTrue.data.length === 0) throw new LossInspectorError(`${callee}: argument \`y_true\`: expected a non-empty array, received shape ${shapeStr(yTrue.shape)}.`, { loss: callee, argument: 'y_true', code: 'empty', expected: 'a non-empty array', received: shapeStr(yTrue.shape) });
  if (yPred.data.length === 0) throw new LossInspectorError(`${callee}: argument \`y_pred\`: expected a non-empty array, received shape ${shapeStr(yPred.shape)}.`, { loss: callee, argument: 'y_pred', code: 'empty', expected: 'a non-empty array', received: shapeStr(yPred.shape) });

  const f64 = cfg.dtype === 'float64' || (!isClass && req.inputDtype === 'float64');
  const round = f64 ? (x: number) => x : Math.fround;
  // Kernels that round what they read themselves get the inputs as given (no float32 copy); broadcasting copies them.
  const rawInputs = !f64 && !!spec.roundsInputs;
  if (!f64 && !rawInputs) { yTrue = castFloat32Scratch(yTrue, 0); yPred = castFloat32Scratch(yPred, 1); }
  const eps = round(1e-7);
  const ome = round(1 - eps);

  if (!isClass && spec.functionSameRank && yTrue.shape.length !== yPred.shape.length) {
    // Keras's backend op (e.g. ops.binary_crossentropy), called by the function without squeezing
    throw new LossInspectorError(`${callee}: Arguments \`target\` and \`output\` must have the same rank (ndim). Received: target.shape=${shapeStr(yTrue.shape)}, output.shape=${shapeStr(yPred.shape)} (Keras raises ValueError; the class ${spec.id} squeezes them to the same rank).`,
      { loss: callee, argument: 'y_pred', code: 'shape', expected: `rank ${yTrue.shape.length}`, received: `rank ${yPred.shape.length}` });
  }
  // LossFunctionWrapper.call: squeeze_or_expand_to_same_rank(y_true, y_pred).
  const origPredShape = yPred.shape.slice();
  if (!spec.noSqueeze) {
    const [ts, ps] = squeezeOrExpand(yTrue.shape, yPred.shape);
    yTrue = reshape(yTrue, ts); yPred = reshape(yPred, ps);
  }
  if (spec.inputs === 'same' && !sameShape(yTrue.shape, yPred.shape)) {
    throw new LossInspectorError(`${callee}: arguments \`y_true\` and \`y_pred\` must have the same shape, received y_true ${shapeStr(shapes.yTrue)} and y_pred ${shapes.yPred === undefined ? '' : shapeStr(shapes.yPred)}.`,
      { loss: callee, argument: 'y_pred', code: 'shape', expected: `shape ${shapeStr(yTrue.shape)}`, received: shapeStr(yPred.shape) });
  }
  if (spec.inputs === 'broadcast' && !sameShape(yTrue.shape, yPred.shape)) {
    const b = broadcastShapes(yTrue.shape, yPred.shape);
    if (!b) throw new LossInspectorError(`${callee}: arguments \`y_true\` ${shapeStr(shapes.yTrue)} and \`y_pred\` ${shapeStr(shapes.yPred)} cannot be broadcast together.`,
      { loss: callee, argument: 'y_pred', code: 'shape', expected: `a shape compatible with ${shapeStr(yTrue.shape)}`, received: shapeStr(yPred.shape) });
    if (sizeOf(b) > Math.max(yTrue.data.length, yPred.data.length)) {
      trace.warnings.push({ code: 'outer-product', message: `y_true ${shapeStr(yTrue.shape)} and y_pred ${shapeStr(yPred.shape)} broadcast to ${shapeStr(b)}: an outer product of ${sizeOf(b)} pairs, almost always a shape bug (e.g. (N,) against (N,1)). Reshape one of them.` });
    }
    yTrue = broadcastTo(yTrue, b);
    yPred = broadcastTo(yPred, b);
  }

  let plan: ReductionPlan | null = null;
  let planMask: Uint8Array | null = null;
  const semantics = req.semantics ?? 'keras3';
  const base = semantics === 'keras2' ? 'keras2' : spec.base;
  if (semantics === 'keras2' && spec.base === 'keras3' && !spec.functionOnly) trace.notes.push('Evaluated with Keras 2 semantics (tf.keras in TF ≤ 2.15): the Keras 2 base class and Keras 2 numerics where they differ.');
  const reduction = (isClass ? cfg.reduction : 'none') as Reduction;
  let uniformAsked = false;
  const makePlan = (valuesShape: number[], mask: Uint8Array | null | undefined): ReductionPlan => {
    planMask = mask ?? null;
    if (!isClass) return planReduction(callee, base, 'none', valuesShape, null, null);
    return planReduction(callee, base, reduction, valuesShape, sw0 ? (f64 ? sw0 : castFloat32(sw0)) : null, base === 'keras3' ? planMask : null);
  };
  const outGrad = req.out?.grad;
  const ctx: KernelContext = {
    trace, epsilon: eps, oneMinusEpsilon: ome, round, loss: callee, semantics, rawInputs,
    upstream(valuesShape, mask) {
      if (plan && !uniformAsked) throw new Error(`${callee}: kernel asked for the upstream gradient twice`);
      uniformAsked = false;
      plan ??= makePlan(valuesShape, mask);
      return req.upstream ? vjpUpstream(plan, valuesShape, req.upstream) : plan.upstream;
    },
    uniformUpstream(valuesShape, mask) {
      if (plan) throw new Error(`${callee}: kernel asked for the upstream gradient twice`);
      plan = makePlan(valuesShape, mask);
      uniformAsked = true;
      return req.upstream ? null : plan.uniform;
    },
    gradBuffer(n, overwritesAll) {
      if (outGrad && outGrad.length === n && n === yPred.data.length) { if (!overwritesAll) outGrad.fill(0); return outGrad; }
      return overwritesAll ? uninitF64(n) : new Float64Array(n);
    },
  };
  const out = spec.compute(yTrue, yPred, cfg, ctx);
  if (!plan) ctx.upstream(out.values.shape, out.mask ?? null);
  const p = plan as unknown as ReductionPlan;
  trace.warnings.push(...p.warnings);
  // Conventions checked on the numbers (what the arrays look like against what this loss reads them as).
  const findings = spec.framework === 'optax' ? optaxConventions(spec.id, yTrue, yPred, cfg) : spec.framework === 'keras' ? kerasConventions(spec.id, yTrue, yPred, cfg) : [];
  for (const f of findings) if (!trace.warnings.some((w) => w.code === f.code)) trace.warnings.push({ code: f.code, message: f.message });
  const fin = p.finish(out.values);
  let g = out.grad;
  // Undo broadcasting of y_pred (sum the gradient back), then restore the caller's shape.
  const squeezedPred = spec.noSqueeze ? origPredShape : squeezeOrExpand(shapes.yTrue, origPredShape)[1];
  if (g.length !== sizeOf(squeezedPred)) g = sumToShape(g, yPred.shape, squeezedPred);
  const value: Tensor = isClass ? fin.value : out.values;
  // Nothing returned may alias the reusable input buffers.
  const own = (x: Tensor): Tensor => (isScratch(x.data) ? { data: x.data.slice(), shape: x.shape } : x);
  if (trace.smoothedLabels) trace.smoothedLabels = own(trace.smoothedLabels);
  if (isScratch(g)) g = g.slice();
  return {
    loss: spec.id, framework: spec.framework, callee, mode, config: cfg,
    value, perSample: out.values, weighted: fin.weighted,
    grad: { data: g, shape: origPredShape },
    reduction: isClass ? fin.info : null,
    mask: planMask, trace, shapes,
  };
}

/** The upstream on the per-sample values given the upstream `g` on the loss's result (see EvalRequest.upstream). */
function vjpUpstream(plan: ReductionPlan, valuesShape: number[], g: Float64Array): Float64Array {
  const nV = sizeOf(valuesShape);
  // Probe the plan's result shape: unreduced results are the weighted values, reduced ones a scalar.
  const info = plan.finish({ data: new Float64Array(nV), shape: valuesShape }).info;
  const up = new Float64Array(nV);
  if (!info.unreduced) {
    for (let i = 0; i < nV; i++) up[i] = plan.upstream[i] * g[0];
    return up;
  }
  const w = info.weights;
  if (!w) { up.set(g.subarray(0, nV)); return up; }
  const wShape = info.weightedShape;
  const iw = broadcastIndex(w.shape, wShape);
  const full = new Float64Array(sizeOf(wShape));
  for (let k = 0; k < full.length; k++) full[k] = g[k] * w.data[iw[k]];
  // Weights that did not expand the values keep their element order (only size-1 axes differ); otherwise sum back.
  return full.length === nV ? full : sumToShape(full, wShape, alignedTo(valuesShape, wShape));
}

/** The values' shape as the plan sees it (rank aligned to the weighted shape). */
function alignedTo(valuesShape: number[], wShape: number[]): number[] {
  if (valuesShape.length === wShape.length) return valuesShape;
  if (valuesShape.length === wShape.length + 1 && valuesShape[valuesShape.length - 1] === 1) return valuesShape.slice(0, -1);
  return [...new Array(Math.max(0, wShape.length - valuesShape.length)).fill(1), ...valuesShape];
}
