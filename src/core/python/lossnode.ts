/**
 * A built-in loss call as one autodiff node: its value is exactly what `evaluate` (the Keras-exact core) returns,
 * and its vector-Jacobian product is the loss's fused analytic gradient (the core evaluated again with the
 * upstream gradient, or the call's own gradient scaled when the upstream is uniform). Gradients flow to y_pred
 * only; a y_true or sample_weight that depends on the differentiated input is refused.
 */
import { LossInspectorError } from '../errors';
import { evaluate, EvalRequest, EvalResult } from '../evaluate';
import { Node, makeNode } from './autodiff';
import type { DType } from './autodiff';

/** The node of a loss call already evaluated as `r` from `request`; `yp` is y_pred's node, `yt`/`sw` the others'. */
export function lossNode(request: EvalRequest, r: EvalResult, yt: Node, yp: Node, sw: Node | null, dtype: DType): Node {
  if (yt.requiresGrad) {
    throw new LossInspectorError(`${r.callee}: its y_true argument depends on y_pred (the differentiated input); the gradient of a built-in loss is available with respect to y_pred only.`, { loss: r.callee, argument: 'y_true', code: 'unsupported' });
  }
  if (sw?.requiresGrad) throw new LossInspectorError(`${r.callee}: a sample_weight that depends on the differentiated input is not supported (no gradient through the weights).`, { loss: r.callee, argument: 'sample_weight', code: 'unsupported' });
  return makeNode(r.callee, r.value.data, r.value.shape, dtype, [yp], (g) => {
    let uniform = true;
    for (let i = 1; i < g.length && uniform; i++) uniform = g[i] === g[0];
    if (uniform) {
      const out = new Float64Array(r.grad.data.length);
      for (let i = 0; i < out.length; i++) out[i] = g[0] * r.grad.data[i];
      return [out];
    }
    return [evaluate({ ...request, upstream: g }).grad.data];
  });
}
