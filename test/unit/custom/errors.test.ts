/** Constructs outside the subset stop with a LossInspectorError naming the construct and its line. */
import * as assert from 'node:assert/strict';
import { fnOf, run, load } from './util';
import { LossInspectorError } from '../../../src/core/errors';

function failsWith(src: string, name: string, re: RegExp, line: number): void {
  const f = fnOf(src, name);
  assert.throws(() => run(f, [[1, 2]], [[0.5, 1.5]]), (e: unknown) => {
    assert.ok(e instanceof LossInspectorError, `not a LossInspectorError: ${e}`);
    assert.match(e.message, re);
    assert.match(e.message, new RegExp(`line ${line}\\b`));
    assert.equal(typeof e.details.offset, 'number');
    return true;
  });
}

describe('custom losses: unsupported constructs', () => {
  it('loops are evaluated inside functions as at top level (one interpreter); an endless one stops at the step limit with its line', () => {
    const r = run(fnOf('import tensorflow as tf\ndef loss(y_true, y_pred):\n    total = 0.0\n    for i in range(3):\n        total += y_pred[0, i]\n    return total\n', 'loss'), [[1, 2, 3]], [[0.5, 1.5, 2.5]]);
    assert.deepEqual(Array.from(r.value.data), [4.5]);
    assert.deepEqual(Array.from(r.grad.data), [1, 1, 1]);
    failsWith('def loss(y_true, y_pred):\n    while True:\n        pass\n', 'loss', /steps \(the limit\): an endless loop\?/, 2);
  });
  it('open() is I/O', () => {
    failsWith('def loss(y_true, y_pred):\n    f = open("weights.txt")\n    return y_pred\n', 'loss', /I\/O \(`open\(\)`\)/, 2);
  });
  it('print() and tf.print() print nothing we could show: they return None, the loss is evaluated', () => {
    const r = run(fnOf('import tensorflow as tf\ndef loss(y_true, y_pred):\n    x = tf.square(y_pred)\n    print(x)\n    tf.print(x)\n    return x\n', 'loss'), [[1, 2]], [[0.5, 1.5]]);
    assert.deepEqual(Array.from(r.value.data), [0.25, 2.25]);
  });
  it('an import inside a def', () => {
    failsWith('def loss(y_true, y_pred):\n    import os\n    return y_pred\n', 'loss', /import inside a function/, 2);
  });
  it('attribute access on an unknown object', () => {
    failsWith('import tensorflow as tf\ndef loss(y_true, y_pred):\n    n = 3\n    return y_pred * n.real\n', 'loss', /AttributeError: 'int' object has no attribute 'real'/, 4);
  });
  it('an unknown tf function is named', () => {
    failsWith('import tensorflow as tf\ndef loss(y_true, y_pred):\n    return tf.image.ssim(y_true, y_pred, 1.0)\n', 'loss', /`tf\.image\.ssim\(\.\.\.\)` is not evaluated/, 3);
  });
  it('a list comprehension is evaluated as at top level', () => {
    const r = run(fnOf('def loss(y_true, y_pred):\n    xs = [v * 2 for v in [1, 2]]\n    return y_pred * xs[1]\n', 'loss'), [[1, 2]], [[0.5, 1.5]]);
    assert.deepEqual(Array.from(r.value.data), [2, 6]);
  });
  it('try / with / raise / assert / del / global', () => {
    failsWith('def loss(y_true, y_pred):\n    try:\n        pass\n    except Exception:\n        pass\n    return y_pred\n', 'loss', /`try` block/, 2);
    failsWith('def loss(y_true, y_pred):\n    with tf.GradientTape() as t:\n        pass\n', 'loss', /`with` block/, 2);
    failsWith('def loss(y_true, y_pred):\n\n    raise ValueError("no")\n', 'loss', /`raise`/, 3);
    failsWith('def loss(y_true, y_pred):\n    assert y_pred is not None\n', 'loss', /`assert`/, 2);
    failsWith('def loss(y_true, y_pred):\n    global G\n    return y_pred\n', 'loss', /`global`/, 2);
  });
  it('eval/exec are never run', () => {
    failsWith('def loss(y_true, y_pred):\n    return eval("y_pred")\n', 'loss', /`eval\(\)`/, 2);
  });
  it('item assignment on a tensor', () => {
    failsWith('def loss(y_true, y_pred):\n    y_pred[0] = 1.0\n    return y_pred\n', 'loss', /Item assignment/, 2);
  });
  it('an undefined name', () => {
    failsWith('def loss(y_true, y_pred):\n    return y_pred * weights\n', 'loss', /`weights` is not defined/, 2);
  });
  it('a class that is not a Loss subclass is refused at definition', () => {
    assert.throws(() => load('class Foo(SomethingElse):\n    def call(self, a, b):\n        return a\n'), /deriving from `SomethingElse`.*line 1/);
  });
  it('shape errors name the op and both shapes', () => {
    failsWith('import tensorflow as tf\ndef loss(y_true, y_pred):\n    return tf.matmul(y_true, y_pred)\n', 'loss', /tf\.matmul: inner dimensions differ: \(1, 2\) @ \(1, 2\)/, 3);
  });
  it('Python list arithmetic is a TypeError as in Python', () => {
    failsWith('def loss(y_true, y_pred):\n    return [1, 2] - [0, 1]\n', 'loss', /TypeError/, 2);
  });
  it('a tensor above the element limit is refused', () => {
    const f = fnOf('import tensorflow as tf\ndef loss(y_true, y_pred):\n    return tf.ones([5000, 5000])\n', 'loss');
    assert.throws(() => run(f, [1], [1], { limits: { maxTensorElements: 1_000_000 } }), (e: unknown) => e instanceof LossInspectorError && e.details.code === 'limit' && /above the limit/.test(e.message));
  });
  it('infinite recursion stops at the call-depth limit', () => {
    const f = fnOf('def loss(y_true, y_pred):\n    return loss(y_true, y_pred)\n', 'loss');
    assert.throws(() => run(f, [1], [1]), (e: unknown) => e instanceof LossInspectorError && e.details.code === 'limit');
  });
  it('the evaluation is bounded in time', () => {
    // 2·10^6-element products repeated: the deadline stops it, not the element limit.
    const f = fnOf('import tensorflow as tf\ndef loss(y_true, y_pred):\n    x = tf.ones([700, 700])\n    y = tf.matmul(x, x)\n    y = tf.matmul(y, x)\n    y = tf.matmul(y, x)\n    return tf.reduce_sum(y)\n', 'loss');
    const t0 = Date.now();
    assert.throws(() => run(f, [1], [1], { limits: { maxMillis: 50 } }), (e: unknown) => e instanceof LossInspectorError && e.details.code === 'limit' && /longer than 50 ms/.test(e.message));
    assert.ok(Date.now() - t0 < 20_000);
  });
});
