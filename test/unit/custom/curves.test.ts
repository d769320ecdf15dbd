/** Loss curves of user-defined losses (the panel's plots): every point is an exact evaluation. */
import * as assert from 'node:assert/strict';
import { fnOf, closeArr } from './util';
import { sweepCustom, sweepCustomSource } from '../../../src/core/python';

const SRC = 'import tensorflow as tf\ndef custom_loss_function(y_true, y_pred):\n   squared_difference = tf.square(y_true - y_pred)\n   return tf.reduce_mean(squared_difference, axis=-1)\n';

describe('custom losses: curves', () => {
  it('custom_loss_function swept on the error of y_pred[1]: (x² + others)/4 and its derivative x/2', () => {
    const f = fnOf(SRC, 'custom_loss_function');
    const yt = [12, 20, 29, 60], yp = [14, 18, 27, 55];
    const c = sweepCustom(f, yt, yp, { mode: 'direct' }, { element: 1, points: 7 });
    assert.equal(c.kind, 'error');
    assert.deepEqual(c.x, [-3, -2, -1, 0, 1, 2, 3]);
    // the other errors: −2·… squares 4 (elt 0), 4 (elt 2), 25 (elt 3) → 33
    closeArr(c.loss, c.x.map((x) => (x * x + 33) / 4), 1e-12, 1e-12, 'loss');
    closeArr(c.grad, c.x.map((x) => x / 2), 1e-12, 1e-12, 'grad');
    assert.deepEqual(c.current, { x: -2, loss: 9.25, grad: -1 });
    assert.equal(c.xLabel, 'error y_pred[1] − y_true[1]');
  });

  it('from the panel request: a batch-coupled loss (triplet) swept exactly, the hinge visible', () => {
    const src = 'import tensorflow as tf\ndef triplet_loss(y_true, y_pred, alpha=0.2):\n    a, p, n = tf.split(y_pred, 3, axis=1)\n    return tf.reduce_mean(tf.maximum(tf.reduce_sum(tf.square(a - p), axis=1) - tf.reduce_sum(tf.square(a - n), axis=1) + alpha, 0.0))\n';
    const c = sweepCustomSource(src, { loss: 'triplet_loss', yTrue: null, yPred: [[0, 0, 1, 0, 2, 0]], mode: 'function' }, { element: 4, range: [0, 2], points: 5 });
    assert.equal(c.kind, 'raw');
    // negative x-coordinate n₀ = x: loss = max(1 − x² + 0.2, 0) → [1.2, 0.95, 0.2, 0, 0]
    closeArr(c.loss, [1.2, 0.95, 0.2, 0, 0], 1e-12, 1e-12, 'loss');
    closeArr(c.grad, [0, -1, -2, 0, 0], 1e-12, 1e-12, 'grad');
  });
});
