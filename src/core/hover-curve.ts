/** The curve drawn in a loss's hover: core's sweepCurve on the spec's own example, sampled coarsely. */
import type { Config, LossSpec } from './spec';
import type { CurveData } from './hover-image';
import { sweepCurve } from './curves';

/** Sampled loss and gradient for the hover image, or null when the loss cannot be swept on its example. */
export function hoverCurve(spec: LossSpec, cfg: Config = {}, points = 61): CurveData | null {
  try {
    const c = sweepCurve(spec, cfg, { points });
    return { x: c.x, loss: c.loss, grad: c.grad, xLabel: c.xLabel };
  } catch {
    return null;
  }
}
