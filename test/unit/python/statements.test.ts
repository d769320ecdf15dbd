/** A top-level statement's result is the value of the statement the user wrote, also when a loss call is nested in it. */
import * as assert from 'node:assert/strict';
import { evaluateSnippet } from '../../../src/core/python';

const H = 'import keras\nimport tensorflow as tf\nimport numpy as np\na = np.array([[0., 1.], [1., 0.]])\nb = np.array([[0.2, 0.7], [0.6, 0.3]])\nl = keras.losses.MeanSquaredError()\n';

function at(src: string) {
  const r = evaluateSnippet(H + src);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.results;
}

describe('python: the statement\'s value is the result', () => {
  // MSE per row: ((0.2)² + (0.3)²)/2 = 0.065 and ((0.4)² + (0.3)²)/2 = 0.125; their mean 0.095
  it('tf.reduce_mean(keras.losses.mse(a, b)): the mean, with its gradient through the tape; the inner call is noted', () => {
    const [r] = at('tf.reduce_mean(keras.losses.mse(a, b))');
    assert.equal(r.line, 7);
    assert.ok(Math.abs(r.result.value.data[0] - 0.095) < 1e-15);
    // d mean(mse)/dp = (p − t)/2 per element (mean over 2 rows of a mean over 2 columns of squares)
    assert.deepEqual(Array.from(r.result.grad.data).map((x) => +x.toFixed(12)), [0.1, -0.15, -0.2, 0.15]);
    assert.match(r.result.trace.notes[0], /statement's value, computed from mean_squared_error\(\.\.\.\) = array\(\[0\.065, 0\.125\]\)/);
  });

  it('float(l(a, b)) ** 0.5 is the Python float; print(f"{l(a, b):.4f}") is the printed text', () => {
    const rs = at('float(l(a, b)) ** 0.5\nprint(f"{l(a, b):.4f}")\nprint(l(a, b).numpy())');
    assert.equal(rs.length, 3);
    const loss32 = Math.fround(0.095);
    assert.equal(rs[0].printed, String(Math.sqrt(rs[2].result.value.data[0])));
    assert.ok(Math.abs(rs[0].result.value.data[0] - Math.sqrt(loss32)) < 1e-7);
    assert.match(rs[0].result.trace.notes[0], /outside the tape/);
    assert.equal(rs[1].printed, '0.0950');
    assert.equal(rs[2].printed, '0.095');
  });

  it('arithmetic on a loss value (x = mse(a, b) * 2, total += l(a, b)) shows the statement\'s value and gradient', () => {
    const rs = at('x = keras.losses.mse(a, b) * 2\ntotal = 0\ntotal += l(a, b)');
    assert.deepEqual(Array.from(rs[0].result.value.data).map((v) => +v.toFixed(12)), [0.13, 0.25]);
    assert.deepEqual(Array.from(rs[0].result.grad.data).map((v) => +v.toFixed(12)), [0.4, -0.6, -0.8, 0.6]);
    assert.equal(rs[1].line, 9);
    assert.equal(rs[1].printed, '0.095');
  });

  it('f-strings format as Python does', () => {
    const r = evaluateSnippet('s = f"{3.14159:8.2f}|{42:05d}|{0.123:.1%}|{2.5}|{1e-7:g}|{{x}}|{\'a\':>3}"\nimport keras\nkeras.losses.mse([1.], [float(s == "    3.14|00042|12.3%|2.5|1e-07|{x}|  a")])');
    assert.deepEqual(Array.from(r.results[0].result.value.data), [0], JSON.stringify(r.diagnostics));
  });
});

describe('python: tf.GradientTape at top level', () => {
  const T = 'import tensorflow as tf\nimport keras\ny_true = tf.constant([[0., 1.], [1., 0.]])\ny_pred = tf.constant([[0.2, 0.7], [0.6, 0.3]])\n';
  it('tape.watch(y_pred); l = loss_fn(y_true, y_pred); tape.gradient(l, y_pred) is a result: the loss\'s analytic gradient', () => {
    const r = evaluateSnippet(`${T}loss_fn = keras.losses.MeanSquaredError()\nwith tf.GradientTape() as tape:\n    tape.watch(y_pred)\n    l = loss_fn(y_true, y_pred)\ng = tape.gradient(l, y_pred)\n`);
    assert.deepEqual(r.results.map((x) => x.line), [8, 9]);
    // d MSE/dp = 2(p − t)/4 over the 4 elements (float32 inputs)
    const exp = [0.2, 0.7, 0.6, 0.3].map((p, i) => (2 * (Math.fround(p) - [0, 1, 1, 0][i])) / 4);
    Array.from(r.results[1].result.value.data).forEach((g, i) => assert.ok(Math.abs(g - exp[i]) < 1e-7, `${g} vs ${exp[i]}`));
    assert.deepEqual(r.results[1].result.value.shape, [2, 2]);
    assert.match(r.results[1].printed, /^array\(\[\[ 0\.1 {7}, -0\.15/);
  });

  it('a tf.Variable is watched; arithmetic and tensor functions differentiate; an unwatched source says why', () => {
    const r = evaluateSnippet(`${T}v = tf.Variable([[0.2, 0.7], [0.6, 0.3]])\nwith tf.GradientTape() as t2:\n    l2 = tf.reduce_sum(tf.square(v - y_true)) * 0.5\ng2 = t2.gradient(l2, v)\nwith tf.GradientTape() as t3:\n    l3 = tf.reduce_sum(y_pred)\nt3.gradient(l3, y_pred)\n`);
    assert.equal(r.results.length, 1);
    Array.from(r.results[0].result.value.data).forEach((g, i) => assert.ok(Math.abs(g - ([0.2, 0.7, 0.6, 0.3][i] - [0, 1, 1, 0][i])) < 1e-7));
    const d = r.diagnostics.find((x) => x.line === 11);
    assert.ok(d && /not watched/.test(d.message), JSON.stringify(r.diagnostics));
  });

  it('a user-defined loss under the tape: its gradient with respect to y_pred', () => {
    const r = evaluateSnippet(`${T}def my_loss(a, b):\n    return tf.reduce_mean(tf.square(a - b))\nwith tf.GradientTape() as t:\n    t.watch(y_pred)\n    l = my_loss(y_true, y_pred)\nprint(t.gradient(l, y_pred))\n`);
    assert.deepEqual(r.results.map((x) => x.line), [9, 10]);
    assert.deepEqual(Array.from(r.results[1].result.value.data).map((x) => +x.toFixed(6)), [0.1, -0.15, -0.2, 0.15]);
  });
});
