/** The three custom losses of the seeds, evaluated through the interpreter, with hand-derived expected values. */
import * as assert from 'node:assert/strict';
import { fnOf, run, fdGrad, closeArr } from './util';
import { evaluateCustom } from '../../../src/core/python';

const CUSTOM_MSE = `
import tensorflow as tf
import numpy as np

def custom_loss_function(y_true, y_pred):
   squared_difference = tf.square(y_true - y_pred)
   return tf.reduce_mean(squared_difference, axis=-1)
`;

const TRIPLET = `
import tensorflow as tf

def triplet_loss(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = tf.split(y_pred, num_or_size_splits=3, axis=1)

    positive_distance = tf.reduce_sum(tf.square(anchor - positive), axis=1)
    negative_distance = tf.reduce_sum(tf.square(anchor - negative), axis=1)

    loss = tf.maximum(positive_distance - negative_distance + alpha, 0.0)
    return tf.reduce_mean(loss)
`;

const FBETA = `
import keras.backend as K

def custom_fbeta_loss(y_true, y_pred, beta=1):
    # Calculate true positives, false positives, and false negatives
    true_positives = K.sum(y_true * y_pred)
    false_positives = K.sum((1 - y_true) * y_pred)
    false_negatives = K.sum(y_true * (1 - y_pred))

    # Calculate precision and recall
    precision = true_positives / (true_positives + false_positives + K.epsilon())
    recall = true_positives / (true_positives + false_negatives + K.epsilon())

    # Calculate the F-beta score and return its negative value as a loss
    fbeta_score = (1 + beta**2) * (precision * recall) / ((beta**2 * precision) + recall + K.epsilon())
    return 1 - fbeta_score

wrapped = lambda y_true, y_pred: custom_fbeta_loss(y_true, y_pred, beta=1)
`;

describe('custom losses from the seeds', () => {
  it('custom_loss_function on the seed arrays is 9.25 (the MSE) with gradient (y_pred − y_true)/2', () => {
    // y_true − y_pred = [−2, 2, 2, 5]; squares [4, 4, 4, 25]; mean over the last (only) axis = 37/4 = 9.25.
    // d/dŷ_i mean((y − ŷ)²) = −2(y_i − ŷ_i)/4 = (ŷ_i − y_i)/2 = [1, −1, −1, −2.5].
    const f = fnOf(CUSTOM_MSE, 'custom_loss_function');
    const r = run(f, [12, 20, 29, 60], [14, 18, 27, 55]);
    assert.deepEqual(r.value.shape, []);
    assert.equal(r.value.data[0], 9.25);
    closeArr(r.grad.data, [1, -1, -1, -2.5], 0, 1e-15, 'grad');
    assert.equal(r.mode, 'function');
    assert.ok(r.trace.notes.some((n) => /Called directly/.test(n)), r.trace.notes.join('\n'));
    assert.equal(r.reduction, null);
  });

  it('custom_loss_function under Keras wrapping: per-row means then sum_over_batch_size, weights applied', () => {
    // rows: [(1−0)², (2−4)²] → mean 2.5; [(3−3)², (0−1)²] → mean 0.5. Keras: (2.5 + 0.5)/2 = 1.5.
    // With sample_weight [2, 0]: (2·2.5 + 0)/2 = 2.5.
    const f = fnOf(CUSTOM_MSE, 'custom_loss_function');
    const yt = [[1, 2], [3, 0]], yp = [[0, 4], [3, 1]];
    const r = evaluateCustom(f, yt, yp, { mode: 'keras' });
    assert.equal(r.value.data[0], 1.5);
    assert.deepEqual(Array.from(r.perSample.data), [2.5, 0.5]);
    assert.equal(r.reduction?.divisor, 2);
    assert.equal(r.mode, 'class');
    assert.ok(r.trace.notes.some((n) => /Keras wrapping/.test(n) && /sum_over_batch_size/.test(n)));
    // dL/dŷ_ij = (1/2)·(2(ŷ−y)/2) = (ŷ − y)/2
    closeArr(r.grad.data, [-0.5, 1, 0, 0.5], 0, 1e-12, 'grad');
    const w = evaluateCustom(f, yt, yp, { mode: 'keras', sampleWeight: [2, 0] });
    assert.equal(w.value.data[0], 2.5);
    closeArr(w.grad.data, [-1, 2, 0, 0], 0, 1e-12, 'weighted grad');
    // A rank-1 weight on rank-2 per-sample values: Keras 3 weights the last axis, Keras 2 the rows. Values (B,) = (2,):
    // same here; with values of shape (2, 2) (no reduction inside) they differ.
    const elem = fnOf('import tensorflow as tf\ndef f(y_true, y_pred):\n    return tf.square(y_true - y_pred)\n', 'f');
    // squares [[1, 4], [0, 1]]; Keras 3: sw [2, 0] on the last axis → [[2, 0], [0, 0]] → 2/4 = 0.5;
    // Keras 2: sw expanded to (2, 1), rows → [[2, 8], [0, 0]] → 10/4 = 2.5.
    assert.equal(evaluateCustom(elem, yt, yp, { mode: 'keras', sampleWeight: [2, 0] }).value.data[0], 0.5);
    const k2 = evaluateCustom(elem, yt, yp, { mode: 'keras', sampleWeight: [2, 0], semantics: 'keras2' });
    assert.equal(k2.value.data[0], 2.5);
    assert.ok(k2.trace.notes.some((n) => /Keras 2 semantics/.test(n)));
  });

  it('triplet_loss on a (2, 6) y_pred: one active triplet', () => {
    // D = 2. Row 0: a=(0,0) p=(1,0) n=(2,0): d+ = 1, d− = 4 → max(1 − 4 + 0.2, 0) = 0.
    // Row 1: a=(1,1) p=(1,2) n=(1,1.5): d+ = 1, d− = 0.25 → 0.95. Mean over the batch: 0.475.
    // Gradient (row 1 only, mean ⇒ ½): d/da = (2(a−p) − 2(a−n))/2 = n − p = (0, −0.5);
    //   d/dp = −(a − p) = (0, 1); d/dn = a − n = (0, −0.5).
    const f = fnOf(TRIPLET, 'triplet_loss');
    const yp = [[0, 0, 1, 0, 2, 0], [1, 1, 1, 2, 1, 1.5]];
    const r = run(f, [[0], [0]], yp);
    closeArr(r.value.data, [0.475], 1e-12, 0, 'value');
    closeArr(r.grad.data, [0, 0, 0, 0, 0, 0, 0, -0.5, 0, 1, 0, -0.5], 0, 1e-12, 'grad');
    closeArr(r.grad.data, fdGrad(f, [[0], [0]], yp), 1e-5, 1e-7, 'fd');
    // alpha as a keyword
    const r2 = run(f, [[0], [0]], yp, { kwargs: new Map([['alpha', { kind: 'number', value: 3.5, int: false }]]) });
    // Row 0: 1 − 4 + 3.5 = 0.5; row 1: 1 − 0.25 + 3.5 = 4.25 → mean 2.375.
    closeArr(r2.value.data, [2.375], 1e-12, 0, 'alpha=3.5');
  });

  it('triplet_loss refuses a width that is not a multiple of 3', () => {
    const f = fnOf(TRIPLET, 'triplet_loss');
    assert.throws(() => run(f, [[0]], [[1, 2, 3, 4]]), (e: Error) => e.name === 'LossInspectorError' && /tf\.split/.test(e.message) && /line 5\)/.test(e.message));
  });

  it('custom_fbeta_loss on small binary data (beta=1), and through the lambda wrapper', () => {
    // y=[1,0,1,1], ŷ=[0.9,0.2,0.6,0.3]: TP = 0.9+0.6+0.3 = 1.8, FP = 0.2, FN = 0.1+0.4+0.7 = 1.2.
    // precision = 1.8/(2.0+ε) ≈ 0.9, recall = 1.8/(3.0+ε) ≈ 0.6, F1 = 2·0.54/(1.5+ε) ≈ 0.72 → loss ≈ 0.28.
    const eps = 1e-7;
    const p = 1.8 / (2 + eps), rc = 1.8 / (3 + eps);
    const expected = 1 - (2 * p * rc) / (p + rc + eps);
    const yt = [1, 0, 1, 1], yp = [0.9, 0.2, 0.6, 0.3];
    const f = fnOf(FBETA, 'custom_fbeta_loss');
    const r = run(f, yt, yp);
    closeArr(r.value.data, [expected], 1e-12, 0, 'value');
    assert.ok(Math.abs(r.value.data[0] - 0.28) < 1e-6);
    closeArr(r.grad.data, fdGrad(f, yt, yp), 1e-6, 1e-8, 'fd');
    const w = fnOf(FBETA, 'wrapped');
    const rw = evaluateCustom(w, yt, yp, { mode: 'keras' });
    // Keras casts to float32: the same number within float32 rounding; a scalar is left as is by the reduction.
    closeArr(rw.value.data, [expected], 1e-6, 0, 'lambda value');
    assert.ok(rw.trace.notes.some((n) => /returns a scalar/.test(n)));
    // beta = 2 weighs recall: F2 = 5·p·r/(4p + r + ε).
    const r2 = run(f, yt, yp, { kwargs: new Map([['beta', { kind: 'number', value: 2, int: true }]]) });
    closeArr(r2.value.data, [1 - (5 * p * rc) / (4 * p + rc + eps)], 1e-12, 0, 'beta=2');
  });
});
