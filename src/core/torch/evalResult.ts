/**
 * A torch result in the shape the extension's results, hover and panel read (EvalResult: input as y_pred, target as
 * y_true), with the text torch prints for it. Shared by snippet calls and the two-array Compute Loss.
 */
import type { EvalResult } from '../evaluate';
import type { TorchResult } from './types';

/** The torch result in the shape the snippet results, hover and panel read (input as y_pred, target as y_true). */
export function torchAsEvalResult(r: TorchResult, printed: string): EvalResult {
  const first = Object.keys(r.grads)[0];
  const g = first ? r.grads[first] : { data: new Float64Array(0), shape: [0] };
  const pred = r.shapes.input ?? r.shapes.input1 ?? r.shapes.anchor ?? r.shapes.log_probs ?? [];
  const truth = r.shapes.target ?? r.shapes.targets ?? r.shapes.input2 ?? r.shapes.positive ?? [];
  const weighted = r.config.weight !== null && r.config.weight !== undefined;
  return {
    loss: r.loss, callee: r.callee, mode: r.mode === 'module' ? 'class' : 'function', config: r.config,
    value: r.value, perSample: r.perSample, weighted: r.perSample, grad: { data: g.data, shape: g.shape },
    reduction: r.reduction === 'none' ? null : {
      reduction: r.reduction === 'sum' ? 'sum' : 'sum_over_batch_size', weightedShape: r.perSample.shape,
      numerator: r.mean ? r.mean.numerator : r.value.data[0], divisor: r.mean ? r.mean.divisor : null,
      divisorKind: r.mean ? (weighted && /Σ w/.test(r.mean.text) ? 'sum of weights' : /non-ignored/.test(r.mean.text) ? 'valid elements' : 'elements') : null,
      unreduced: false, weights: null,
    },
    mask: null, trace: { warnings: r.trace.warnings, notes: [...r.trace.notes, `PyTorch ${r.callee}: torch 1.13 semantics, computed in ${r.dtype}.`] },
    shapes: { yTrue: truth, yPred: pred, sampleWeight: null }, printedAs: printed,
  };
}
