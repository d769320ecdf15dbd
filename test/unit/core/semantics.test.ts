/** Keras 2 semantics (tf.keras in TF ≤ 2.15) where they differ from Keras 3. */
import * as assert from 'node:assert/strict';
import { evaluate, toNested } from '../../../src/core';
import { assertClose } from '../helpers';

describe("semantics: 'keras2'", () => {
  it('BCE puts ε inside the logs: 3.83331 vs Keras 3 3.98559 (KERAS_SEMANTICS §1 example, §5)', () => {
    const req = { loss: 'BinaryCrossentropy', yTrue: [[1, 0], [1, 0]], yPred: [[1, 1], [1, 0]] };
    assertClose(evaluate(req).value.data[0], 3.98559, 1e-5);
    assertClose(evaluate({ ...req, semantics: 'keras2' }).value.data[0], 3.83331, 1e-5);
  });
  it("BCE reduction='none' matches the seed article's Keras 2 print (seed 001: array([0.9162905, 0.5919184, 0.79465103, 1.0549198]))", () => {
    const r = evaluate({ loss: 'BinaryCrossentropy', yTrue: [[0, 1], [0.2, 0.8], [0.3, 0.7], [0.4, 0.6]], yPred: [[0.6, 0.4], [0.4, 0.6], [0.6, 0.4], [0.8, 0.2]], config: { reduction: 'none' }, semantics: 'keras2' });
    // float32 arithmetic in TF vs float64 here: agreement to a few float32 ulps.
    assertClose(toNested(r.value), [0.9162905, 0.5919184, 0.79465103, 1.0549198], 3e-7, 0);
  });
  it('the Keras 2 base class weights rows with a rank-1 sample_weight (KERAS_SEMANTICS §2 trailing-axis trap)', () => {
    const yt = [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]];
    const yp = [[[0], [0], [0]], [[0], [0], [0]], [[0], [0], [0]]];
    const r = evaluate({ loss: 'mse', yTrue: yt, yPred: yp, sampleWeight: [1, 0, 0], config: { reduction: 'none' }, semantics: 'keras2' });
    assert.deepEqual(toNested(r.value), [[1, 4, 9], [0, 0, 0], [0, 0, 0]]);
  });
  it('gradient under Keras 2 BCE matches finite differences', () => {
    const base = { loss: 'BinaryCrossentropy', yTrue: [[0, 1, 0.3]], config: { dtype: 'float64' as const }, semantics: 'keras2' as const };
    const p = [0.2, 0.7, 0.55];
    const g = evaluate({ ...base, yPred: [p] }).grad.data;
    for (let i = 0; i < 3; i++) {
      const h = 1e-6, a = p.slice(), b = p.slice(); a[i] += h; b[i] -= h;
      const num = (evaluate({ ...base, yPred: [a] }).value.data[0] - evaluate({ ...base, yPred: [b] }).value.data[0]) / (2 * h);
      assertClose(g[i], num, 1e-5, 1e-7);
    }
  });
});
