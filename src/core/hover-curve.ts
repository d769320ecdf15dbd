/**
 * The curve drawn in a loss's hover. Temporary local sweep until `core/curves.ts` (sweepCurve) lands:
 * varies the first element of the spec's example y_pred over `spec.sweep.range` and records the loss and
 * d(loss)/d(that element).
 */
import type { Config, LossSpec } from './spec';
import type { CurveData } from './hover-image';
import { evaluate } from './evaluate';
import { fromNested } from './tensor';

const LABELS: Record<string, string> = { error: 'y_pred − y_true', probability: 'y_pred (probability)', logit: 'y_pred (logit)', raw: 'first y_pred value' };

/** Sampled loss and gradient for the hover image, or null when the loss cannot be swept this way. */
export function hoverCurve(spec: LossSpec, cfg: Config = {}, points = 61): CurveData | null {
  const kind = spec.sweep?.kind ?? 'raw';
  const [a, b] = spec.sweep?.range ?? [-3, 3];
  try {
    const yt = fromNested(spec.example.yTrue);
    const yp = fromNested(spec.example.yPred);
    const offset = kind === 'error' && yt.data.length === yp.data.length ? yt.data[0] : 0;
    const x: number[] = [], loss: number[] = [], grad: number[] = [];
    for (let i = 0; i < points; i++) {
      let v = a + ((b - a) * i) / (points - 1);
      if (kind === 'probability') v = Math.min(Math.max(v, 1e-3), 1 - 1e-3);
      const data = new Float64Array(yp.data);
      data[0] = offset + v;
      const r = evaluate({ loss: spec, yTrue: spec.example.yTrue, yPred: { data, shape: yp.shape }, sampleWeight: spec.example.sampleWeight, config: { ...(spec.example.config ?? {}), ...cfg }, mode: 'class' });
      let s = 0;
      for (const q of r.value.data) s += q;
      x.push(v); loss.push(s); grad.push(r.grad.data[0]);
    }
    return { x, loss, grad, xLabel: LABELS[kind] ?? 'y_pred' };
  } catch {
    return null;
  }
}
