/**
 * Two independent implementations that must agree: built-in losses re-written as Python defs, run through the
 * interpreter and the autodiff, against the core's fused kernels (`evaluate`, float64, reduction none), values
 * and gradients, on random inputs (fast-check). Also built-in losses called from inside a custom loss (their
 * vector-Jacobian product for a non-uniform upstream) against finite differences.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { fnOf, run, fdGrad, closeArr } from './util';
import { evaluate } from '../../../src/core/evaluate';
import { evaluateCustom } from '../../../src/core/python';
import type { Tensor } from '../../../src/core/tensor';

const DEFS = `
import tensorflow as tf
import keras
from keras import backend as K
import numpy as np

def mse(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true), axis=-1)

def mae(y_true, y_pred):
    return np.mean(np.abs(y_pred - y_true), axis=-1)

def huber(y_true, y_pred, delta=1.0):
    error = y_pred - y_true
    abs_error = tf.abs(error)
    half = 0.5
    return tf.reduce_mean(tf.where(abs_error <= delta, half * tf.square(error), delta * abs_error - half * delta ** 2), axis=-1)

def bce(y_true, y_pred):
    eps = K.epsilon()
    p = tf.clip_by_value(y_pred, eps, 1.0 - eps)
    return tf.reduce_mean(-(y_true * tf.math.log(p) + (1.0 - y_true) * tf.math.log(1.0 - p)), axis=-1)

def bce_logits(y_true, y_pred):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred), axis=-1)

def cce(y_true, y_pred):
    p = y_pred / tf.reduce_sum(y_pred, axis=-1, keepdims=True)
    p = tf.clip_by_value(p, K.epsilon(), 1.0 - K.epsilon())
    return -tf.reduce_sum(y_true * tf.math.log(p), axis=-1)

def cce_logits(y_true, y_pred):
    return -tf.reduce_sum(y_true * tf.nn.log_softmax(y_pred, axis=-1), axis=-1)
`;

interface Case { def: string; loss: string; config?: Record<string, number | boolean>; kwargs?: [string, number][]; pred: [number, number]; truth: 'prob' | 'onehot' | 'real' }
const CASES: Case[] = [
  { def: 'mse', loss: 'MeanSquaredError', pred: [-3, 3], truth: 'real' },
  { def: 'mae', loss: 'MeanAbsoluteError', pred: [-3, 3], truth: 'real' },
  { def: 'huber', loss: 'Huber', pred: [-3, 3], truth: 'real' },
  { def: 'huber', loss: 'Huber', config: { delta: 0.7 }, kwargs: [['delta', 0.7]], pred: [-3, 3], truth: 'real' },
  { def: 'bce', loss: 'BinaryCrossentropy', pred: [0.02, 0.98], truth: 'prob' },
  { def: 'bce_logits', loss: 'BinaryCrossentropy', config: { from_logits: true }, pred: [-4, 4], truth: 'prob' },
  { def: 'cce', loss: 'CategoricalCrossentropy', pred: [0.05, 1], truth: 'onehot' },
  { def: 'cce_logits', loss: 'CategoricalCrossentropy', config: { from_logits: true }, pred: [-3, 3], truth: 'prob' },
];

function mk(vals: number[], shape: number[]): Tensor {
  return { data: Float64Array.from(vals), shape };
}

describe('custom losses: re-implemented built-ins agree with the fused kernels', () => {
  for (const c of CASES) {
    it(`${c.def}${c.config ? ' ' + JSON.stringify(c.config) : ''} ≡ ${c.loss} (values and gradients, random inputs)`, () => {
      const fn = fnOf(DEFS, c.def);
      fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 2 ** 30 }), (B, C, seed) => {
        let s = seed || 1;
        const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
        const n = B * C;
        const yp = Array.from({ length: n }, () => c.pred[0] + (c.pred[1] - c.pred[0]) * rnd());
        let yt: number[];
        if (c.truth === 'real') yt = Array.from({ length: n }, () => -3 + 6 * rnd());
        else if (c.truth === 'prob') yt = Array.from({ length: n }, () => rnd());
        else { yt = new Array(n).fill(0); for (let b = 0; b < B; b++) yt[b * C + Math.floor(rnd() * C)] = 1; }
        // Random reals: ties at the kinks (|e| = delta, e = 0, clip edges) have probability 0.
        const ytT = mk(yt, [B, C]), ypT = mk(yp, [B, C]);
        const ref = evaluate({ loss: c.loss, yTrue: ytT, yPred: ypT, config: { ...(c.config ?? {}), dtype: 'float64', reduction: 'none' } });
        const mine = run(fn, ytT, ypT, { kwargs: new Map((c.kwargs ?? []).map(([k, v]) => [k, { kind: 'number', value: v, int: false }])) });
        assert.deepEqual(mine.value.shape, ref.value.shape);
        closeArr(mine.value.data, ref.value.data, 1e-12, 1e-12, `${c.def} value`);
        closeArr(mine.grad.data, ref.grad.data, 1e-9, 1e-12, `${c.def} grad`);
      }), { numRuns: 60, seed: 7 });
    });
  }

  it('the Keras wrapping of a re-implemented MSE equals the MeanSquaredError class (float32 inputs, weights, sum_over_batch_size)', () => {
    const fn = fnOf(DEFS, 'mse');
    const yt = [[0.1, 0.7, 0.3], [1.5, -0.2, 0.9]], yp = [[0.4, 0.2, 0.3], [1.0, 0.1, 0.5]], sw = [0.3, 1.7];
    const ref = evaluate({ loss: 'MeanSquaredError', yTrue: yt, yPred: yp, sampleWeight: sw });
    const mine = evaluateCustom(fn, yt, yp, { mode: 'keras', sampleWeight: sw });
    // The core computes in float32 like Keras, we in float64 from float32-rounded inputs: agree to float32 precision.
    closeArr(mine.value.data, ref.value.data, 1e-6, 0, 'value');
    closeArr(mine.perSample.data, ref.perSample.data, 1e-6, 0, 'per-sample');
    closeArr(mine.grad.data, ref.grad.data, 1e-6, 1e-9, 'grad');
    assert.equal(mine.reduction?.divisor, ref.reduction?.divisor);
  });
});

describe('custom losses: built-in losses called inside a custom loss', () => {
  const SRC = `
import tensorflow as tf
import keras

def combo(y_true, y_pred):
    a = keras.losses.mean_squared_error(y_true, y_pred)
    b = tf.keras.losses.Huber(delta=0.5, dtype='float64')(y_true, y_pred)
    c = keras.losses.categorical_crossentropy(y_true, tf.nn.softmax(y_pred), label_smoothing=0.1)
    return tf.square(a) * 3.0 + b * a + tf.exp(-c)
`;
  it('values match evaluate(); the gradient (non-uniform upstream through each built-in) matches finite differences', () => {
    const fn = fnOf(SRC, 'combo');
    const yt = [[0, 1, 0], [1, 0, 0]], yp = [[0.3, 1.2, -0.4], [0.9, -0.3, 0.1]];
    const r = run(fn, yt, yp);
    const f64 = { dtype: 'float64' as const, reduction: 'none' };
    const a = evaluate({ loss: 'MeanSquaredError', yTrue: yt, yPred: yp, config: f64 }).value.data;
    // the class computes in its own dtype (float64 here, so finite differences are meaningful); the function forms in their inputs' float64
    const b = evaluate({ loss: 'Huber', yTrue: yt, yPred: yp, config: { delta: 0.5, dtype: 'float64' } }).value.data[0];
    const sm = yp.map((row) => { const e = row.map(Math.exp); const z = e.reduce((x, y) => x + y, 0); return e.map((v) => v / z); });
    const c = evaluate({ loss: 'CategoricalCrossentropy', yTrue: yt, yPred: sm, config: { ...f64, label_smoothing: 0.1 } }).value.data;
    const expected = [0, 1].map((i) => a[i] ** 2 * 3 + b * a[i] + Math.exp(-c[i]));
    closeArr(r.value.data, expected, 1e-12, 0, 'value');
    closeArr(r.grad.data, fdGrad(fn, yt, yp), 1e-6, 1e-8, 'grad');
  });

  it('a y_true computed from y_pred cannot flow into a built-in (no gradient there): a clear error', () => {
    const fn = fnOf('import keras\ndef f(y_true, y_pred):\n    return keras.losses.mse(y_pred * 2.0, y_pred)\n', 'f');
    assert.throws(() => run(fn, [1, 2], [0.5, 1]), /y_true argument depends on y_pred/);
  });
});
