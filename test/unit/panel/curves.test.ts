/** Loss curves: every point is the core's evaluate; the fast row-separable path equals the exact one. */
import * as assert from 'node:assert/strict';
import { sweepCurve, defaultElement } from '../../../src/core/curves';
import { ALL_SPECS, getSpec, resolveLoss } from '../../../src/core/registry';
import { evaluate } from '../../../src/core/evaluate';
import { fromNested, Tensor } from '../../../src/core/tensor';
import type { LossSpec } from '../../../src/core/spec';

function total(t: Tensor): number { let s = 0; for (const v of t.data) s += v; return s; }

/** Repeats the example's batch `k` times along axis 0 with small distinct perturbations of y_pred. */
function stacked(spec: LossSpec, k: number): { yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null } | null {
  const yt = fromNested(spec.example.yTrue), yp = fromNested(spec.example.yPred);
  const sw = spec.example.sampleWeight === undefined ? null : fromNested(spec.example.sampleWeight);
  if (yp.shape.length < 1 || yt.shape.length < 1) return null;
  const rep = (t: Tensor, jitter: boolean): Tensor => {
    const d = new Float64Array(t.data.length * k);
    for (let r = 0; r < k; r++) for (let i = 0; i < t.data.length; i++) d[r * t.data.length + i] = t.data[i] * (jitter ? 1 + 0.01 * r : 1);
    return { data: d, shape: [t.shape[0] * k, ...t.shape.slice(1)] };
  };
  return { yTrue: rep(yt, false), yPred: rep(yp, true), sampleWeight: sw && sw.shape.length ? rep(sw, false) : sw };
}

describe('sweepCurve', () => {
  it('gives a canonical curve for every registered loss (no data): points, monotone x, something to see', () => {
    for (const spec of ALL_SPECS) {
      const c = sweepCurve(spec, {}, { points: 31 });
      assert.equal(c.x.length, 31, spec.id);
      assert.equal(c.loss.length, 31, spec.id);
      assert.equal(c.grad.length, 31, spec.id);
      for (let i = 1; i < c.x.length; i++) assert.ok(c.x[i] > c.x[i - 1], `${spec.id}: x increases`);
      assert.ok(c.loss.some(Number.isFinite), `${spec.id}: some finite loss`);
      const fin = c.loss.filter(Number.isFinite);
      assert.ok(Math.max(...fin) > Math.min(...fin), `${spec.id}: the canonical curve is not flat`);
      assert.ok(c.current && Number.isFinite(c.current.loss), `${spec.id}: current point`);
      assert.ok(c.xLabel.length > 0);
    }
  });

  it('the canonical curve is the loss of one element: MSE is e², Huber δ=1 is 2.5 at |e| = 3, CCE falls back to a row', () => {
    const mse = sweepCurve(getSpec('MeanSquaredError'), {}, { points: 61 });
    assert.equal(mse.kind, 'error');
    assert.ok(mse.x[0] <= -3 && mse.x[60] >= 3);
    const at = (c: typeof mse, x: number) => c.loss[c.x.findIndex((v) => Math.abs(v - x) < 1e-9)];
    assert.equal(at(mse, 0), 0);
    assert.equal(at(mse, -3), 9);
    const huber = sweepCurve(getSpec('Huber'), {}, { points: 61 });
    const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);
    near(at(huber, 3), 2.5, 'Huber(3)');
    near(at(huber, 0), 0, 'Huber(0)');
    const h2 = sweepCurve(getSpec('Huber'), { delta: 0.5 }, { points: 61 });
    near(at(h2, 3), 0.5 * 3 - 0.125, 'the config reaches the canonical curve');
    const cce = sweepCurve(getSpec('CategoricalCrossentropy'), {}, { points: 31 });
    assert.ok(cce.loss[0] > cce.loss[30], 'CCE falls as the true-class probability grows');
  });

  it('each point is evaluate() on y_pred with only the swept element changed', () => {
    for (const id of ['Huber', 'BinaryCrossentropy', 'CategoricalCrossentropy', 'Hinge', 'CosineSimilarity', 'TripletSemiHardLoss']) {
      const spec = getSpec(id);
      const c = sweepCurve(spec, spec.example.config ?? {}, { points: 11, method: 'full', yTrue: spec.example.yTrue, yPred: spec.example.yPred, sampleWeight: spec.example.sampleWeight });
      const yp = fromNested(spec.example.yPred);
      const yt = fromNested(spec.example.yTrue);
      for (const i of [0, 4, 10]) {
        const d = new Float64Array(yp.data);
        d[c.element] = (c.kind === 'error' ? yt.data[c.element] : 0) + c.x[i];
        const r = evaluate({ loss: spec, yTrue: spec.example.yTrue, yPred: { data: d, shape: yp.shape }, sampleWeight: spec.example.sampleWeight, config: spec.example.config ?? {} });
        assert.equal(c.loss[i], total(r.value), `${id} point ${i}`);
        assert.equal(c.grad[i], r.grad.data[c.element], `${id} grad ${i}`);
      }
    }
  });

  it('the sampled gradient is the derivative of the sampled loss (smooth losses)', () => {
    for (const id of ['MeanSquaredError', 'LogCosh', 'BinaryCrossentropy']) {
      const spec = getSpec(id);
      const c = sweepCurve(spec, { ...(spec.example.config ?? {}), dtype: 'float64' }, { points: 201, method: 'full', yTrue: spec.example.yTrue, yPred: spec.example.yPred });
      for (let i = 20; i < 180; i += 20) {
        const fd = (c.loss[i + 1] - c.loss[i - 1]) / (c.x[i + 1] - c.x[i - 1]);
        assert.ok(Math.abs(fd - c.grad[i]) <= 2e-3 * (1 + Math.abs(fd)), `${id} at x=${c.x[i]}: fd ${fd} vs ${c.grad[i]}`);
      }
    }
  });

  it('error sweeps report x = y_pred − y_true and keep the actual point in range', () => {
    const c = sweepCurve(resolveLoss('mse').spec, {}, { yTrue: [[0, 10]], yPred: [[0, 17]], element: 1 });
    assert.equal(c.kind, 'error');
    assert.equal(c.current!.x, 7);
    assert.ok(c.x[c.x.length - 1] >= 7, 'range extended to the current error');
    assert.match(c.xLabel, /y_pred\[0, 1\] − y_true\[0, 1\]/);
  });

  it('classification sweeps the true class; from_logits switches to a logit sweep', () => {
    const yt = fromNested([[0, 0, 1], [1, 0, 0]]), yp = fromNested([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]);
    assert.equal(defaultElement('probability', yt, yp), 2);
    assert.equal(defaultElement('probability', fromNested([1, 0]), yp), 1, 'sparse label');
    const p = sweepCurve(getSpec('CategoricalCrossentropy'), {}, { yTrue: yt, yPred: yp });
    assert.equal(p.kind, 'probability');
    assert.equal(p.element, 2);
    assert.ok(p.x[0] > 0 && p.x[p.x.length - 1] < 1, 'probabilities inside (0, 1)');
    const l = sweepCurve(getSpec('CategoricalCrossentropy'), { from_logits: true }, { yTrue: yt, yPred: yp });
    assert.equal(l.kind, 'logit');
    assert.ok(l.x[0] < 0 && l.x[l.x.length - 1] > 0);
  });

  it('row-separable path equals the exact path for every loss it accepts, and is refused for batch-coupled losses', () => {
    const accepted: string[] = [], refused: string[] = [];
    for (const spec of ALL_SPECS) {
      const s = stacked(spec, 4);
      if (!s) continue;
      let exact;
      try { exact = sweepCurve(spec, spec.example.config ?? {}, { ...s, points: 15, method: 'full' }); } catch { continue; }
      let row;
      try { row = sweepCurve(spec, spec.example.config ?? {}, { ...s, points: 15, method: 'row' }); } catch { refused.push(spec.id); continue; }
      accepted.push(spec.id);
      assert.equal(row.method, 'row');
      for (let i = 0; i < exact.x.length; i++) {
        const tol = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * (Math.abs(a) + Math.abs(b)) + 1e-7 || (Number.isNaN(a) && Number.isNaN(b));
        assert.ok(tol(row.loss[i], exact.loss[i]), `${spec.id} loss[${i}]: row ${row.loss[i]} vs exact ${exact.loss[i]}`);
        assert.ok(tol(row.grad[i], exact.grad[i]), `${spec.id} grad[${i}]: row ${row.grad[i]} vs exact ${exact.grad[i]}`);
      }
    }
    for (const id of ['MeanSquaredError', 'Huber', 'LogCosh', 'BinaryCrossentropy', 'CategoricalCrossentropy', 'Hinge', 'CosineSimilarity']) assert.ok(accepted.includes(id), `${id} should take the row path (accepted: ${accepted.join(', ')})`);
    for (const id of ['TripletSemiHardLoss', 'TripletHardLoss', 'LiftedStructLoss']) assert.ok(refused.includes(id), `${id} is batch-coupled and must be refused (refused: ${refused.join(', ')})`);
  });

  it('a 1e4-element input takes the verified row path (its speed is measured in npm run bench, not here)', () => {
    const n = 1000, c = 10;
    const yt = new Float64Array(n * c), yp = new Float64Array(n * c);
    for (let i = 0; i < yt.length; i++) { yt[i] = Math.sin(i); yp[i] = Math.cos(i); }
    const spec = getSpec('Huber');
    const args = { yTrue: { data: yt, shape: [n, c] }, yPred: { data: yp, shape: [n, c] }, element: 4321 };
    const fast = sweepCurve(spec, {}, args);
    assert.equal(fast.method, 'row');
    const exact = sweepCurve(spec, {}, { ...args, method: 'full', points: 101 });
    for (let i = 0; i < 101; i += 10) assert.ok(Math.abs(fast.loss[i] - exact.loss[i]) < 1e-6 * Math.abs(exact.loss[i]) + 1e-9, `loss[${i}]`);
  });
});
