/**
 * The Loss base classes: sample weights, masks and reductions, in one place, with their gradient.
 * Keras 3: keras/src/losses/loss.py (reduce_weighted_values, apply_mask, squeeze_or_expand_to_same_rank).
 * Keras 2 (tf.keras, used by every tfa loss): losses_utils.compute_weighted_loss.
 */
import { Tensor, Shape, sizeOf, sameShape, broadcastShapes, broadcastIndex, shapeStr } from './tensor';
import { LossInspectorError } from './errors';
import type { BaseKind, Reduction, Warning } from './spec';

/** Keras 3 squeeze_or_expand_to_same_rank, on shapes only (data order never changes). */
export function squeezeOrExpand(a: Shape, b: Shape, expandRank1 = true): [Shape, Shape] {
  let x1 = a.slice();
  let x2 = b.slice();
  const r1 = x1.length;
  const r2 = x2.length;
  if (r1 === r2) return [x1, x2];
  if (r1 === r2 + 1 && x1[r1 - 1] === 1) {
    if (r2 === 1 && expandRank1) x2 = [...x2, 1];
    else x1 = x1.slice(0, -1);
  }
  if (r2 === r1 + 1 && x2[r2 - 1] === 1) {
    if (r1 === 1 && expandRank1) x1 = [...x1, 1];
    else x2 = x2.slice(0, -1);
  }
  return [x1, x2];
}

export interface ReductionInfo {
  reduction: Reduction;
  /** Shape of the weighted per-sample tensor (after broadcasting values with the weights). */
  weightedShape: Shape;
  /** Σ of the weighted values (NaN-propagating). */
  numerator: number;
  /** What the sum was divided by (null for sum/none or unreduced results). */
  divisor: number | null;
  /** How the divisor was obtained, in words. */
  divisorKind: 'elements' | 'valid elements' | 'sum of weights' | null;
  /** True when the result is returned unreduced (reduction none, or a scalar/empty weighted tensor). */
  unreduced: boolean;
  /** The effective weights, as Keras multiplies them (mask merged), or null when none were applied. */
  weights: Tensor | null;
}

/** A plan computed from shapes before the kernel's values exist: the upstream gradient and how to reduce. */
export interface ReductionPlan {
  /** d(result)/d(values), materialised on first access. */
  readonly upstream: Float64Array;
  /** The upstream's value when all its elements are equal (no weights): kernels can skip the array. */
  readonly uniform: number | null;
  finish(values: Tensor): { value: Tensor; weighted: Tensor; info: ReductionInfo };
  warnings: Warning[];
}

function shapeError(loss: string, msg: string, expected: string, received: string): LossInspectorError {
  return new LossInspectorError(`${loss}: argument \`sample_weight\`: ${msg}`, { loss, argument: 'sample_weight', expected, received, code: 'shape' });
}

/** Elementwise product under broadcasting, with the result shape. */
function mulBroadcast(a: Tensor, b: Tensor, loss: string, what: string): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) throw shapeError(loss, `${what} of shape ${shapeStr(b.shape)} cannot broadcast with the per-sample losses of shape ${shapeStr(a.shape)}`,
    `a shape that broadcasts with ${shapeStr(a.shape)}`, shapeStr(b.shape));
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  if (sameShape(a.shape, b.shape)) {
    for (let i = 0; i < n; i++) out[i] = a.data[i] * b.data[i];
  } else {
    const ia = broadcastIndex(a.shape, shape);
    const ib = broadcastIndex(b.shape, shape);
    for (let i = 0; i < n; i++) out[i] = a.data[ia[i]] * b.data[ib[i]];
  }
  return { data: out, shape };
}

function sumOf(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/**
 * Plans the base-class reduction of values of shape `valuesShape`.
 * `sampleWeight` null = none given. `mask` = the Keras mask the loss attached (Keras 3 only).
 */
export function planReduction(loss: string, base: BaseKind, reduction: Reduction, valuesShape: Shape,
  sampleWeight: Tensor | null, mask: Uint8Array | null): ReductionPlan {
  const warnings: Warning[] = [];
  let sw: Tensor | null = sampleWeight;
  let vShape = valuesShape.slice();
  let divisorKind: ReductionInfo['divisorKind'] = 'elements';

  if (base === 'keras3') {
    // apply_mask: a mask becomes weights total/valid (mean-type reductions) or 0/1.
    if (mask) {
      const total = mask.length;
      let valid = 0;
      for (let i = 0; i < mask.length; i++) valid += mask[i] ? 1 : 0;
      const meanType = reduction === 'sum_over_batch_size' || reduction === 'mean';
      const w = meanType ? (valid === 0 ? 0 : total / valid) : 1;
      const fm = new Float64Array(mask.length);
      for (let i = 0; i < mask.length; i++) fm[i] = mask[i] ? w : 0;
      let floatMask: Tensor = { data: fm, shape: valuesShape.slice() };
      if (meanType) divisorKind = 'valid elements';
      if (sw) {
        const [ms, ss] = squeezeOrExpand(floatMask.shape, sw.shape);
        floatMask = { data: floatMask.data, shape: ms };
        sw = mulBroadcast({ data: sw.data, shape: ss }, floatMask, loss, 'sample_weight');
      } else sw = floatMask;
    }
    if (sw) {
      const [vs, ss] = squeezeOrExpand(vShape, sw.shape);
      vShape = vs;
      sw = { data: sw.data, shape: ss };
      if (!broadcastShapes(vShape, sw.shape)) {
        const trap = sw.shape.length === 1 && vShape.length >= 2
          ? ` Keras 3 broadcasts a rank-1 sample_weight along the LAST axis (size ${vShape[vShape.length - 1]}), not the batch axis; pass it with shape (${vShape[0]}, 1) to weight samples.`
          : '';
        throw shapeError(loss, `shape ${shapeStr(sw.shape)} cannot broadcast with the per-sample losses of shape ${shapeStr(vShape)}.${trap}`,
          `a shape that broadcasts with ${shapeStr(vShape)}`, shapeStr(sw.shape));
      }
      if (!mask && sw.shape.length === 1 && vShape.length >= 2 && sw.shape[0] === vShape[vShape.length - 1] && sw.shape[0] > 1) {
        warnings.push({ code: 'sample-weight-trailing-axis', message: `sample_weight of shape ${shapeStr(sw.shape)} weights the LAST axis of the per-sample losses ${shapeStr(vShape)} (Keras 3 broadcasting), not the samples. Keras 2 weighted rows. Use shape (${vShape[0]}, 1) to weight samples.` });
      }
    }
  } else {
    // Keras 2 compute_weighted_loss: sw defaults to 1.0; squeeze if one rank more, expand if one rank less.
    if (sw && sw.shape.length > 0) {
      const rv = vShape.length;
      const rs = sw.shape.length;
      if (rs === rv + 1) {
        if (sw.shape[rs - 1] !== 1) throw shapeError(loss, `shape ${shapeStr(sw.shape)} has one more dimension than the losses ${shapeStr(vShape)} and its last dimension is not 1`, `shape ${shapeStr(vShape)} or ${shapeStr([...vShape, 1])}`, shapeStr(sw.shape));
        sw = { data: sw.data, shape: sw.shape.slice(0, -1) };
      } else if (rs === rv - 1) {
        sw = { data: sw.data, shape: [...sw.shape, 1] };
      }
      if (!broadcastShapes(vShape, sw.shape)) throw shapeError(loss, `shape ${shapeStr(sw.shape)} cannot broadcast with the losses of shape ${shapeStr(vShape)}`, `a shape that broadcasts with ${shapeStr(vShape)}`, shapeStr(sw.shape));
    }
  }

  const wShape = sw ? broadcastShapes(vShape, sw.shape)! : vShape.slice();
  const nW = sizeOf(wShape);
  const unreduced = reduction === 'none' || wShape.length === 0 || (wShape.length === 1 && wShape[0] === 0);
  const meanType = reduction === 'sum_over_batch_size' || reduction === 'mean' || reduction === 'mean_with_sample_weight';
  let divisor: number | null = null;
  if (!unreduced && meanType) {
    if (reduction === 'mean_with_sample_weight' && sw) {
      divisor = base === 'keras3' ? sumOf(sw.data) : nW;
      divisorKind = base === 'keras3' ? 'sum of weights' : 'elements';
    } else {
      divisor = nW;
    }
  } else divisorKind = null;
  const scale = divisor === null ? 1 : divisor === 0 ? 0 : 1 / divisor; // divide_no_nan

  // d(sum of weighted)/d(values_j) = Σ of the weights broadcast onto j. Built on first access only: without weights
  // it is one constant, and a fresh array of 1e5 doubles costs ~0.5 ms here (calloc'd pages faulted in by the fill),
  // which kernels that read `uniform` avoid.
  const nV = sizeOf(vShape);
  const weightsT = sw;
  let upstream: Float64Array | null = null;
  const build = (): Float64Array => {
    const up = new Float64Array(nV);
    if (!weightsT) {
      up.fill(scale);
    } else if (sameShape(weightsT.shape, vShape)) {
      for (let i = 0; i < nV; i++) up[i] = weightsT.data[i] * scale;
    } else {
      const iv = broadcastIndex(vShape, wShape);
      const is = broadcastIndex(weightsT.shape, wShape);
      for (let k = 0; k < iv.length; k++) up[iv[k]] += weightsT.data[is[k]];
      for (let i = 0; i < nV; i++) up[i] *= scale;
    }
    return up;
  };

  return {
    get upstream() { return upstream ??= build(); },
    uniform: weightsT ? null : scale,
    warnings,
    finish(values: Tensor) {
      const v: Tensor = { data: values.data, shape: vShape };
      const weighted = weightsT ? mulBroadcast(v, weightsT, loss, 'sample_weight') : v;
      const numerator = sumOf(weighted.data);
      let value: Tensor;
      if (unreduced) value = weighted;
      else if (divisor === null) value = { data: Float64Array.of(numerator), shape: [] };
      else value = { data: Float64Array.of(divisor === 0 ? 0 : numerator / divisor), shape: [] };
      return {
        value, weighted,
        info: { reduction, weightedShape: weighted.shape, numerator, divisor: unreduced ? null : divisor, divisorKind: unreduced ? null : divisorKind, unreduced, weights: weightsT },
      };
    },
  };
}
