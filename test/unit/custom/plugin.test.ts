/** User-defined losses inside snippets: the one interpreter runs defs, lambdas and Loss subclasses (and so does the CLI). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateSnippet } from '../../../src/core/python';
import { evaluateCustom, customLossOf, evaluateCustomSource, customRequestOf, loadCustomLoss } from '../../../src/core/python';
import { closeArr } from './util';

const seed = (name: string) => fs.readFileSync(path.join(__dirname, '../../../../test/fixtures/seeds', name), 'utf8');
const ev = (src: string) => {
  const out = evaluateSnippet(src);
  return { ...out, errors: out.diagnostics.filter((d) => d.severity === 'error') };
};

describe('custom losses in snippets', () => {
  it('seed custom_loss_function: the call on line 13 is a result, 9.25, exactly what Python returns', () => {
    const r = ev(seed('001-custom.py'));
    assert.deepEqual(r.results.map((x) => x.line), [13]);
    const res = r.results[0].result;
    assert.equal(res.value.data[0], 9.25);
    assert.deepEqual(res.value.shape, []);
    closeArr(res.grad.data, [1, -1, -1, -2.5], 0, 1e-15, 'grad');
    assert.equal(res.loss, 'custom_loss_function');
    assert.ok(res.trace.notes.some((n) => /Called directly/.test(n)));
    assert.ok(res.trace.notes.some((n) => /float64/.test(n)), 'np.array makes float64; the note says so');
    // the definition itself and compile(loss=...) are not results
    assert.ok(!r.results.some((x) => x.line === 1 || x.line === 5));
  });

  it('seed triplet_loss and custom_fbeta_loss: defining is not a result, calling them is', () => {
    const t = ev(seed('000-triplet.py') + '\ny_pred = np.array([[0., 0., 1., 0., 2., 0.], [1., 1., 1., 2., 1., 1.5]])\nprint(triplet_loss(None, y_pred).numpy())\n');
    assert.equal(t.results.length, 1);
    closeArr(t.results[0].result.value.data, [0.475], 1e-12, 0, 'triplet');
    assert.equal(t.results[0].printed, '0.475');
    const f = ev(seed('000-fbeta.py') + '\nf = lambda y_true, y_pred: custom_fbeta_loss(y_true, y_pred, beta=1)\nv = f(tf.constant([1., 0., 1., 1.]), tf.constant([0.9, 0.2, 0.6, 0.3]))\n');
    assert.equal(f.results.length, 1, JSON.stringify(f.diagnostics));
    // ≈ 0.28 (see seeds.test.ts for the derivation); the dtype the snippet gave the inputs is stated
    closeArr(f.results[0].result.value.data, [0.28], 1e-6, 0, 'fbeta');
    assert.ok(f.results[0].result.trace.notes.some((n) => /inputs were float(32|64)/.test(n)));
  });

  it('a Loss subclass: constructing is not a result; calling the instance applies its reduction and sample_weight', () => {
    const src = [
      'import tensorflow as tf',
      'import keras',
      'class WeightedMSE(keras.losses.Loss):',
      '    def __init__(self, w=2.0, name="weighted_mse", **kwargs):',
      '        super().__init__(name=name, **kwargs)',
      '        self.w = w',
      '    def call(self, y_true, y_pred):',
      '        return self.w * tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)',
      'loss = WeightedMSE(w=3.0)',
      'y_true = [[0., 1.], [1., 1.]]',
      'y_pred = [[1., 1.], [1., 0.]]',
      'loss(y_true, y_pred).numpy()',
      'loss(y_true, y_pred, sample_weight=[1., 0.])',
      'WeightedMSE(reduction="sum")(y_true, y_pred)',
      'WeightedMSE(reduction=None)(y_true, y_pred)',
    ].join('\n');
    const r = ev(src);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.results.map((x) => x.line), [12, 13, 14, 15]);
    // per-sample: 3·mean([1, 0]) = 1.5 and 3·mean([0, 1]) = 1.5; sum_over_batch_size → 1.5
    assert.equal(r.results[0].result.value.data[0], 1.5);
    assert.deepEqual(Array.from(r.results[0].result.perSample.data), [1.5, 1.5]);
    assert.equal(r.results[0].result.mode, 'class');
    // weights [1, 0]: (1.5 + 0)/2 = 0.75
    assert.equal(r.results[1].result.value.data[0], 0.75);
    // w defaults to 2: per-sample [1, 1]; sum → 2; none → [1, 1]
    assert.equal(r.results[2].result.value.data[0], 2);
    assert.deepEqual(Array.from(r.results[3].result.value.data), [1, 1]);
    // gradient of the mean: 3·2(ŷ−y)/2 /2 = 1.5(ŷ−y)
    closeArr(r.results[0].result.grad.data, [1.5, 0, 0, -1.5], 0, 1e-12, 'grad');
    // the panel re-constructs the instance from its constructor arguments
    const req = customRequestOf(r.results[0].result)!;
    assert.deepEqual([req.loss, req.config], ['WeightedMSE', { w: 3 }]);
    assert.equal(evaluateCustomSource(src, req).value.data[0], 1.5);
    assert.deepEqual(customRequestOf(r.results[2].result)!.config, { reduction: 'sum' });
  });

  it('compile(loss=lambda ...) is not a result; the lambda value can be evaluated with Keras wrapping (panel)', () => {
    const src = seed('000-fbeta.py') + '\nwrapped = lambda y_true, y_pred: custom_fbeta_loss(y_true, y_pred, beta=2)\n';
    const out = evaluateSnippet(src);
    assert.equal(out.results.length, 0);
  });

  it('top-level tensor ops go through the library; tensor methods too', () => {
    const r = ev('import numpy as np\nimport tensorflow as tf\nx = tf.reduce_mean(tf.square(np.array([1., 2., 3.])), axis=-1)\ndef f(a, b):\n    return tf.reduce_sum(a * b) + x\nf(np.array([1., 2.]), np.array([3., 4.]))\n');
    assert.deepEqual(r.errors, []);
    assert.equal(r.results.length, 1);
    // x = (1 + 4 + 9)/3 = 14/3; f = 1·3 + 2·4 + 14/3
    closeArr(r.results[0].result.value.data, [11 + 14 / 3], 1e-12, 0, 'value');
    closeArr(r.results[0].result.grad.data, [1, 2], 0, 0, 'grad w.r.t. b is a');
  });

  it('an unsupported construct inside a def is reported on the call with the construct and its line', () => {
    const out = evaluateSnippet('import tensorflow as tf\ndef f(y_true, y_pred):\n    try:\n        pass\n    except Exception:\n        pass\n    return y_pred\nf(tf.constant([1.]), tf.constant([2.]))\n');
    assert.equal(out.results.length, 0);
    const d = out.diagnostics.find((x) => /^A `try` block/.test(x.message));
    assert.ok(d, JSON.stringify(out.diagnostics));
    assert.match(d!.message, /line 3/);
  });

  it('a def with a `with` block gets a note at its definition, even when it is only passed to compile(); loops are evaluated', () => {
    const out = evaluateSnippet('import tensorflow as tf\ndef f(y_true, y_pred):\n    s = 0.0\n    with tf.name_scope("x"):\n        s += y_pred[0]\n    return s\nmodel.compile(loss=f)\n');
    const d = out.diagnostics.find((x) => x.line === 4);
    assert.ok(d, JSON.stringify(out.diagnostics));
    assert.match(d!.message, /^f: a `with` block \(line 4\) is outside the Python subset/);
    assert.equal(d!.severity, 'info');
    const ok = evaluateSnippet('import tensorflow as tf\ndef g(y_true, y_pred):\n    return tf.reduce_mean(tf.square(y_true - y_pred))\n');
    assert.deepEqual(ok.diagnostics, []);
  });

  it('customLossOf + evaluateCustom serve the panel: a def bound in a snippet, evaluated with Keras wrapping', () => {
    // The panel holds the Callable of a user loss and re-evaluates it on new arrays.
    const captured = loadCustomLoss(seed('001-custom.py'), { loss: 'custom_loss_function' }).ent;
    const ent = customLossOf(captured);
    assert.ok(ent);
    const r = evaluateCustom(captured, [[12, 20], [29, 60]], [[14, 18], [27, 55]], { mode: 'keras' });
    // rows: mean(4, 4) = 4, mean(4, 25) = 14.5; sum_over_batch_size: 9.25
    assert.equal(r.value.data[0], 9.25);
    assert.deepEqual(Array.from(r.perSample.data), [4, 14.5]);
    assert.ok(r.trace.notes.some((n) => /Keras wrapping/.test(n)));
  });

  it('the panel seam: customRequestOf(result) gives the inputs, evaluateCustomSource(source, request) re-evaluates by name', () => {
    const src = seed('000-fbeta.py') + '\ny_true = np.array([1., 0., 1., 1.])\ny_pred = np.array([0.9, 0.2, 0.6, 0.3])\nv = custom_fbeta_loss(y_true, y_pred, beta=2)\n';
    const out = ev(src);
    assert.equal(out.results.length, 1);
    const req = customRequestOf(out.results[0].result);
    assert.ok(req);
    assert.equal(req!.loss, 'custom_fbeta_loss');
    assert.deepEqual(req!.yPred, [0.9, 0.2, 0.6, 0.3]);
    assert.deepEqual(req!.config, { beta: 2 });
    assert.equal(req!.mode, 'function');
    // the panel re-evaluates from the snippet text (prose lines and compile() in it are ignored)
    const again = evaluateCustomSource(src, req!);
    assert.deepEqual(Array.from(again.value.data), Array.from(out.results[0].result.value.data));
    // Keras wrapping (the panel default) with beta=1: the same F1 loss, to float32 precision
    const keras = evaluateCustomSource(src, { ...req!, config: { beta: 1 }, mode: 'class' });
    closeArr(keras.value.data, [0.28], 1e-6, 0, 'keras');
    assert.equal(keras.mode, 'class');
    // a Loss subclass by its class name, constructor arguments from config
    const cls = 'import keras\nimport tensorflow as tf\nclass Scaled(keras.losses.Loss):\n    def __init__(self, k=1.0, **kw):\n        super().__init__(**kw)\n        self.k = k\n    def call(self, y_true, y_pred):\n        return self.k * tf.abs(y_true - y_pred)\n';
    const rc = evaluateCustomSource(cls, { loss: 'Scaled', yTrue: [1, 2], yPred: [2, 4], config: { k: 3, reduction: 'sum' } });
    assert.equal(rc.value.data[0], 9);
    assert.throws(() => evaluateCustomSource(cls, { loss: 'Nope', yTrue: [1], yPred: [1] }), /No user-defined loss named `Nope`/);
  });

  it('functools.partial and tf.function of a user loss are user losses too', () => {
    const src = [
      'import numpy as np',
      'import tensorflow as tf',
      'from functools import partial',
      'def wbce(y_true, y_pred, pos_weight=1.0):',
      '    return tf.reduce_mean(-(pos_weight * y_true * tf.math.log(y_pred) + (1 - y_true) * tf.math.log(1 - y_pred)))',
      'loss = partial(wbce, pos_weight=3.0)',
      'loss(np.array([1., 0.]), np.array([0.8, 0.3]))',
      'fast = tf.function(loss)',
      'fast(np.array([1., 0.]), np.array([0.8, 0.3]), pos_weight=1.0)',
    ].join('\n');
    const r = ev(src);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.results.map((x) => x.line), [7, 9]);
    closeArr(r.results[0].result.value.data, [(-3 * Math.log(0.8) - Math.log(0.7)) / 2], 1e-12, 0, 'partial');
    closeArr(r.results[1].result.value.data, [(-Math.log(0.8) - Math.log(0.7)) / 2], 1e-12, 0, 'override');
    assert.equal(r.results[0].result.loss, 'wbce');
  });

  it('Python lists passed directly stay lists: list arithmetic is a TypeError, tensor functions convert them (with the gradient)', () => {
    const bad = ev('import tensorflow as tf\ndef custom_loss_function(y_true, y_pred):\n   return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)\ncustom_loss_function([12, 20, 29., 60.], [14., 18., 27., 55.])\n');
    assert.equal(bad.results.length, 0);
    // located where Python raises it: the subtraction inside the function (line 3)
    assert.ok(bad.diagnostics.some((d) => /TypeError/.test(d.message) && d.line === 3), JSON.stringify(bad.diagnostics));
    const ok = ev('import tensorflow as tf\ndef f(y_true, y_pred):\n   return tf.reduce_mean(tf.square(tf.subtract(y_true, y_pred)))\nf([12, 20, 29., 60.], [14., 18., 27., 55.])\n');
    assert.equal(ok.results.length, 1);
    assert.equal(ok.results[0].result.value.data[0], 9.25);
    closeArr(ok.results[0].result.grad.data, [1, -1, -1, -2.5], 0, 1e-12, 'grad through the list');
    assert.ok(ok.results[0].result.trace.notes.some((n) => /Python lists/.test(n)));
  });
});
