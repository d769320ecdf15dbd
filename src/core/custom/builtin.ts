/**
 * Built-in Keras losses called from inside a user-defined loss, as autodiff nodes.
 *
 * The forward pass runs the loss's own kernel (the same LossSpec the evaluator uses, in float64), with the
 * LossFunctionWrapper's squeeze/broadcast steps as `evaluate` does them. A kernel computes its gradient against an
 * upstream it asks for once, so the backward pass re-runs the kernel with the real upstream: the vector-Jacobian
 * product for any upstream, not only for ones. Gradients flow to y_pred only; a y_true that depends on y_pred is refused.
 */
import { Tensor, sameShape, broadcastShapes, broadcastTo, broadcastIndex, sumToShape, shapeStr, sizeOf, reshape as reshapeT } from '../tensor';
import { LossInspectorError } from '../errors';
import type { Config, KernelContext, LossSpec, ParamValue, Reduction } from '../spec';
import { resolveConfig } from '../config';
import { planReduction, squeezeOrExpand, ReductionPlan } from '../reduce';
import { newTrace } from '../evaluate';
import { Node, makeNode } from './autodiff';

/** Notes and warnings the inner built-in calls produce, collected by the evaluation under way. */
export const innerTrace: { notes: string[]; warnings: { code: string; message: string }[]; semantics: 'keras3' | 'keras2' } = { notes: [], warnings: [], semantics: 'keras3' };

interface Prepared { yTrue: Tensor; yPred: Tensor; squeezedPred: number[]; origPred: number[] }

function prepare(spec: LossSpec, callee: string, yt: Tensor, yp: Tensor): Prepared {
  const origPred = yp.shape.slice();
  let yTrue = yt, yPred = yp;
  if (yTrue.data.length === 0 || yPred.data.length === 0) throw new LossInspectorError(`${callee}: expected non-empty y_true and y_pred, received ${shapeStr(yt.shape)} and ${shapeStr(yp.shape)}.`, { loss: callee, code: 'empty' });
  if (!spec.noSqueeze) {
    const [ts, ps] = squeezeOrExpand(yTrue.shape, yPred.shape);
    yTrue = reshapeT(yTrue, ts); yPred = reshapeT(yPred, ps);
  }
  const squeezedPred = yPred.shape.slice();
  if (spec.inputs === 'same' && !sameShape(yTrue.shape, yPred.shape)) {
    throw new LossInspectorError(`${callee}: arguments \`y_true\` and \`y_pred\` must have the same shape, received y_true ${shapeStr(yt.shape)} and y_pred ${shapeStr(yp.shape)}.`, { loss: callee, argument: 'y_pred', code: 'shape' });
  }
  if (spec.inputs === 'broadcast' && !sameShape(yTrue.shape, yPred.shape)) {
    const b = broadcastShapes(yTrue.shape, yPred.shape);
    if (!b) throw new LossInspectorError(`${callee}: arguments \`y_true\` ${shapeStr(yt.shape)} and \`y_pred\` ${shapeStr(yp.shape)} cannot be broadcast together.`, { loss: callee, argument: 'y_pred', code: 'shape' });
    yTrue = broadcastTo(yTrue, b); yPred = broadcastTo(yPred, b);
  }
  return { yTrue, yPred, squeezedPred, origPred };
}

/**
 * Calls a built-in loss (function form, or class form with its reduction and optional sample_weight) on nodes.
 * `kwargs` are the Python keyword arguments (constructor ones for the class form).
 */
export function builtinLossNode(spec: LossSpec, form: 'function' | 'class', kwargs: Record<string, ParamValue>, yt: Node, yp: Node, sw: Node | null, callee: string): Node {
  if (yt.requiresGrad) {
    throw new LossInspectorError(`${callee}: its y_true argument depends on y_pred; the gradient of a built-in loss is available with respect to y_pred only.`, { loss: callee, argument: 'y_true', code: 'unsupported' });
  }
  if (sw?.requiresGrad) throw new LossInspectorError(`${callee}: a sample_weight that depends on y_pred is not supported (no gradient through the weights).`, { loss: callee, argument: 'sample_weight', code: 'unsupported' });
  const isClass = form === 'class';
  if (!isClass && !spec.functionName) throw new LossInspectorError(`${spec.id} has no function form; construct the class and call it.`, { loss: spec.id, code: 'no-function' });
  const trace = newTrace();
  const cfg: Config = resolveConfig(spec, kwargs, isClass, trace.notes);
  const p = prepare(spec, callee, yt.value, yp.value);
  const reduction = (isClass ? cfg.reduction : 'none') as Reduction;
  const swT = sw ? sw.value : null;

  // One run of the kernel; `scale` maps the plan's upstream (d result/d values) to the upstream we want.
  const run = (g: Float64Array | null) => {
    let plan: ReductionPlan | null = null;
    const ctx: KernelContext = {
      trace, epsilon: 1e-7, oneMinusEpsilon: 1 - 1e-7, round: (x) => x, loss: callee, semantics: innerTrace.semantics,
      upstream(valuesShape, mask) {
        plan = isClass ? planReduction(callee, innerTrace.semantics === 'keras2' ? 'keras2' : spec.base, reduction, valuesShape, swT, spec.base === 'keras3' ? mask ?? null : null)
          : planReduction(callee, spec.base, 'none', valuesShape, null, null);
        return g ? vjpUpstream(plan, valuesShape, g) : plan.upstream;
      },
    };
    const out = spec.compute(p.yTrue, p.yPred, cfg, ctx);
    if (!plan) ctx.upstream(out.values.shape, out.mask ?? null);
    return { out, plan: plan as unknown as ReductionPlan };
  };

  const first = run(null);
  const fin = first.plan.finish(first.out.values);
  const value = isClass ? fin.value : first.out.values;
  for (const n of trace.notes) innerTrace.notes.push(`${callee}: ${n}`);
  for (const w of [...trace.warnings, ...first.plan.warnings]) innerTrace.warnings.push({ code: w.code, message: `${callee}: ${w.message}` });
  return makeNode(callee, Float64Array.from(value.data), value.shape, yp.dtype, [yt, yp], (g) => {
    const { out } = run(g);
    let gp = out.grad;
    if (gp.length !== sizeOf(p.squeezedPred)) gp = sumToShape(gp, p.yPred.shape, p.squeezedPred);
    return [null, Float64Array.from(gp)];
  });
}

/** The upstream on the per-sample values given the upstream `g` on the loss's result. */
function vjpUpstream(plan: ReductionPlan, valuesShape: number[], g: Float64Array): Float64Array {
  const nV = sizeOf(valuesShape);
  // Probe the plan's result shape: unreduced results are the weighted values, reduced ones a scalar.
  const probe = plan.finish({ data: new Float64Array(nV), shape: valuesShape });
  const info = probe.info;
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
  return full.length === nV ? full : sumToShape(full, wShape, squeezeTo(valuesShape, wShape));
}

/** The values' shape as the plan sees it (rank aligned to the weighted shape). */
function squeezeTo(valuesShape: number[], wShape: number[]): number[] {
  if (valuesShape.length === wShape.length) return valuesShape;
  if (valuesShape.length === wShape.length + 1 && valuesShape[valuesShape.length - 1] === 1) return valuesShape.slice(0, -1);
  const pad = new Array(Math.max(0, wShape.length - valuesShape.length)).fill(1);
  return [...pad, ...valuesShape];
}
