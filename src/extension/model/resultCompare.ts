/**
 * The result hover's rows in the other frameworks: the compare request of a result's request. A torch call keeps its
 * torch dtypes (nested lists lose 1.0 vs 1: BCELoss's 0/1 float targets would be read as int64 labels) and every
 * argument by torch's name (CosineEmbeddingLoss's input1/input2/target, TripletMarginLoss's anchor/positive/negative),
 * functional forms (F.binary_cross_entropy) included. Loaded with Compute Loss, never at activation.
 */
import type { SerializableRequest } from '../../shared/protocol';
import { compareFrameworks, type CompareRequest, type CompareResult } from '../../core/compare';
import { tryResolveTorch } from '../../core/torch/registry';
import { LossInspectorError } from '../../core/errors';
import { toNested, type Nested, type Tensor } from '../../core/tensor';

const nestedOf = (x: SerializableRequest['yTrue']): Nested => (x && typeof x === 'object' && !Array.isArray(x) ? toNested(x as Tensor) : x as Nested);

/** The compare request of a result's request, or null for calls without rows (Keras's function forms). */
export function compareRequestOf(req: SerializableRequest | undefined): CompareRequest | null {
  if (!req) return null;
  const base = { loss: req.loss, yTrue: req.yTrue, yPred: req.yPred, config: req.config };
  if (req.framework === 'torch') {
    const torch = tryResolveTorch(req.loss);
    if (!torch) return null;
    // the request holds torch's first argument as yPred, its second as yTrue, the others in args (by name)
    const names = torch.spec.args.map((a) => a.name);
    const args: Record<string, Nested> = {};
    names.forEach((n, i) => {
      const v = i === 0 ? req.yPred : i === 1 ? req.yTrue : req.args?.[n];
      if (v !== undefined) args[n] = nestedOf(v);
    });
    return { ...base, sampleWeight: null, args, ...(req.dtypes ? { dtypes: req.dtypes } : {}) };
  }
  if (req.mode === 'function' && !/^optax\./.test(req.loss)) return null;
  return { ...base, sampleWeight: (req.sampleWeight ?? null) as never };
}

/** The compare rows of a result's request, or null for losses without ports (and for calls a port cannot take). */
export function compareOf(req: SerializableRequest | undefined): CompareResult | null {
  const c = compareRequestOf(req);
  if (!c) return null;
  try {
    return compareFrameworks(c);
  } catch (e) {
    // A call no port takes (bad shapes for another framework) has no rows; the result itself is still shown.
    if (!(e instanceof LossInspectorError)) console.error('Loss Inspector: compare failed', e);
    return null;
  }
}
