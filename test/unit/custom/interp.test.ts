/** The Python subset: parameters, assignments, control flow, Python number semantics, indexing, classes, library semantics per framework. */
import * as assert from 'node:assert/strict';
import { fnOf, run, load, closeArr, fdGrad } from './util';
import { evaluateCustom } from '../../../src/core/python';
import type { Value } from '../../../src/core/python';

const H = 'import tensorflow as tf\nimport numpy as np\nimport torch\nimport keras\nimport keras.backend as K\n';
/** Evaluates `body` (the statements of `def f(y_true, y_pred)`) on the given arrays; returns [value data, shape]. */
function f(body: string, yt: unknown = [[1, 2, 3], [4, 5, 6]], yp: unknown = [[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]], extra = ''): { v: number[]; s: number[]; g: number[] } {
  const src = `${H}${extra}\ndef f(y_true, y_pred):\n${body.split('\n').map((l) => '    ' + l).join('\n')}\n`;
  const r = run(fnOf(src, 'f'), yt as never, yp as never);
  return { v: Array.from(r.value.data), s: r.value.shape, g: Array.from(r.grad.data) };
}
const num = (value: number, int = false): Value => ({ kind: 'number', value, int });

describe('custom losses: the Python subset', () => {
  it('parameters: defaults, keyword-only, *args, **kwargs, keyword calls', () => {
    const src = `${H}
def g(a, b=2, *rest, scale=1.0, **kw):
    extra = kw['shift'] if 'shift' in kw else 0.0
    return (a * b + len(rest)) * scale + extra

def f(y_true, y_pred, beta=1):
    return g(y_pred, 3) + g(y_pred, b=1, scale=beta) + g(y_pred, 1, 7, 8, shift=10.0)
`;
    const fn = fnOf(src, 'f');
    const r = run(fn, [0], [2], { kwargs: new Map([['beta', num(0.5)]]) });
    // g(2,3) = 6; g(2, b=1, scale=.5) = 1; g(2, 1, 7, 8, shift=10) = (2 + 2) + 10 = 14
    assert.deepEqual(Array.from(r.value.data), [21]);
    closeArr(r.grad.data, [3 + 0.5 + 1], 0, 1e-12);
    assert.throws(() => run(fnOf(`${H}def f(y_true, y_pred):\n    return g2(1)\ndef g2(a, b):\n    return a\n`, 'f'), [0], [1]), /missing required argument 'b'/);
    assert.throws(() => run(fnOf(`${H}def f(y_true, y_pred):\n    return g2(1, c=2)\ndef g2(a):\n    return a\n`, 'f'), [0], [1]), /unexpected keyword argument 'c'/);
  });

  it('assignments: tuple unpacking, chained, augmented, unpacking tensor rows, swapping', () => {
    const r = f('a, b = y_pred\nc = d = 2.0\nc += 1\na, b = b, a\n(p, q), s = (y_true[0], y_true[1]), 3\nreturn a * c + b * d - p + q * s');
    // a=row1, b=row0, c=3, d=2 → 3·row1 + 2·row0 − row0_true + 3·row1_true
    const exp = [0, 1, 2].map((i) => 3 * [3.5, 4.5, 5.5][i] + 2 * [0.5, 1.5, 2.5][i] - [1, 2, 3][i] + 3 * [4, 5, 6][i]);
    assert.deepEqual(r.v, exp);
    assert.deepEqual(r.g, [2, 2, 2, 3, 3, 3]);
  });

  it('if/elif/else and conditional expressions on Python values; ambiguous tensor truth is an error', () => {
    const body = (mode: string) => `mode = '${mode}'\nif mode == 'sum':\n    r = tf.reduce_sum(y_pred)\nelif mode == 'max':\n    r = tf.reduce_max(y_pred)\nelse:\n    r = tf.reduce_mean(y_pred) if mode != 'none' else y_pred\nreturn r`;
    assert.deepEqual(f(body('sum')).v, [18]);
    assert.deepEqual(f(body('max')).v, [5.5]);
    assert.deepEqual(f(body('mean')).v, [3]);
    assert.deepEqual(f(body('none')).s, [2, 3]);
    assert.throws(() => f('if y_pred > 0:\n    return y_pred\nreturn -y_pred'), /truth value of a tensor of shape \(2, 3\) is ambiguous/);
    assert.deepEqual(f('return y_pred if tf.reduce_sum(y_pred) > 0 else -y_pred').v, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    assert.deepEqual(f('x = None\ny = x is None and 2 or 3\nreturn y_pred[0, 0] * y + (not x)').v, [2]);
  });

  it('chained comparisons mean `a < b and b < c`; on tensors they are ambiguous as in NumPy', () => {
    assert.deepEqual(f('k = 0 < 0.5 < 1\nj = 1 < 2 > 3\nreturn y_pred[0, 0] * k + j').v, [0.5]);
    assert.deepEqual(f('return y_pred[0, 0] * (1 == 1.0 != 2 < 3)').v, [0.5]);
    assert.throws(() => f('return 0 < y_pred < 1'), /chained comparison on tensors/);
    assert.deepEqual(f('return -y_pred[0, 0] ** 2').v, [-0.25]);
  });

  it('Python numbers: int/float, //, %, **, true division; bools', () => {
    assert.deepEqual(f('return y_pred[0, 0] * (7 // 2) + (7 % 3) + 2 ** 3 + 1 / 4 + True').v, [0.5 * 3 + 1 + 8 + 0.25 + 1]);
    assert.deepEqual(f('return y_pred[0, 0] * (-7 // 2) + (-7 % 3)').v, [0.5 * -4 + 2]);
    assert.throws(() => f('return y_pred / (1 / 0)'), /ZeroDivisionError/);
  });

  it('nested defs and closures, lambdas with defaults, recursion into user helpers', () => {
    const r = f('def inner(x, k=2.0):\n    return x * k + offset\noffset = 1.0\nsq = lambda t, p=2: t ** p\nreturn tf.reduce_sum(sq(inner(y_pred)))');
    const exp = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5].reduce((s, x) => s + (2 * x + 1) ** 2, 0);
    assert.deepEqual(r.v, [exp]);
  });

  it('indexing: ints, negative, slices with steps, None, Ellipsis, boolean masks, integer lists; .shape/.T/.ndim', () => {
    const yp = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]];
    const g = (e: string) => f(`return ${e}`, [[0]], yp);
    assert.deepEqual(g('y_pred[-1]').v, [8, 9, 10, 11]);
    assert.deepEqual(g('y_pred[1, -2]').v, [6]);
    assert.deepEqual(g('y_pred[::2, 1::2]').v, [1, 3, 9, 11]);
    assert.deepEqual(g('y_pred[::-1, -1]').v, [11, 7, 3]);
    assert.deepEqual(g('y_pred[:, None, 0]').s, [3, 1]);
    assert.deepEqual(g('y_pred[..., 1]').v, [1, 5, 9]);
    assert.deepEqual(g('y_pred[y_pred > 8.5]').v, [9, 10, 11]);
    assert.deepEqual(g('y_pred[[2, 0]][:, 0]').v, [8, 0]);
    assert.deepEqual(g('y_pred[5:]').s, [0, 4]);
    assert.deepEqual(g('y_pred.T[1]').v, [1, 5, 9]);
    assert.deepEqual(g('y_pred[0, :y_pred.shape[1] // 2] * y_pred.ndim').v, [0, 2]);
    assert.deepEqual(g('tf.shape(y_pred)[0] * 1.0 + y_pred[0, 1]').v, [4]);
    // gradient of a slice scatters back
    const r = g('tf.reduce_sum(y_pred[1:, ::3] * 2.0)');
    assert.deepEqual(r.g, [0, 0, 0, 0, 2, 0, 0, 2, 2, 0, 0, 2]);
    assert.throws(() => g('y_pred[0, 0, 0]'), /too many indices/);
    assert.throws(() => g('y_pred[3]'), /out of bounds for axis 0 with size 3/);
  });

  it('split semantics per framework: tf sizes, np indices, torch chunk size, torch.chunk count', () => {
    const yp = [[0, 1, 2, 3, 4, 5]];
    const w = (e: string, n: number) => {
      const idx = Array.from({ length: n }, (_, i) => `float(parts[${i}].shape[1])`).join(', ');
      return f(`parts = ${e}\nreturn tf.constant([${idx}]) + 0.0 * tf.reduce_sum(y_pred)`, [[0]], yp).v;
    };
    assert.deepEqual(w('tf.split(y_pred, [1, 2, 3], axis=1)', 3), [1, 2, 3]);
    assert.deepEqual(w('tf.split(y_pred, 3, axis=1)', 3), [2, 2, 2]);
    assert.deepEqual(w('tf.split(y_pred, [2, -1], axis=1)', 2), [2, 4]);
    assert.deepEqual(w('np.split(y_pred, [1, 4], axis=1)', 3), [1, 3, 2]);
    assert.deepEqual(w('torch.split(y_pred, 4, dim=1)', 2), [4, 2]);
    assert.deepEqual(w('torch.chunk(y_pred, 4, dim=1)', 3), [2, 2, 2]);
    assert.deepEqual(w('keras.ops.split(y_pred, 2, axis=1)', 2), [3, 3]);
  });

  it('framework defaults: K.concatenate on the last axis, tf.concat/np.concatenate on the one given, torch.max(dim) → (values, indices)', () => {
    const yp = [[1, 5], [7, 3]];
    assert.deepEqual(f('return K.concatenate([y_pred, y_pred])', [[0]], yp).s, [2, 4]);
    assert.deepEqual(f('return np.concatenate([y_pred, y_pred])', [[0]], yp).s, [4, 2]);
    assert.deepEqual(f('values, idx = torch.max(y_pred, dim=1)\nreturn values + 0.0 * tf.cast(idx, tf.float64)', [[0]], yp).v, [5, 7]);
    assert.deepEqual(f('return torch.max(y_pred, y_pred * 0.0 + 4.0)', [[0]], yp).v, [4, 5, 7, 4]);
    assert.deepEqual(f('return tf.argmax(y_pred, axis=1) * 1.0 + K.argmax(y_pred) * 10.0', [[0]], yp).v, [11, 0]);
    assert.deepEqual(f('return torch.transpose(y_pred, 0, 1)', [[0]], yp).v, [1, 7, 5, 3]);
    assert.deepEqual(f('return y_pred.sum(axis=0) + y_pred.mean() + y_pred.max()', [[0]], yp).v, [8 + 4 + 7, 8 + 4 + 7]);
    assert.deepEqual(f('return tf.one_hot([0, 2], 3) * y_pred[0, 0]', [[0]], yp).v, [1, 0, 0, 0, 0, 1]);
    assert.deepEqual(f('return tf.reduce_sum(tf.ones_like(y_pred)) + tf.reduce_sum(tf.zeros_like(y_pred)) + K.epsilon() * 0.0 + np.pi * 0.0', [[0]], yp).v, [4]);
  });

  it('a Loss subclass with super().__init__(reduction=...), helper methods, class attributes', () => {
    const src = `${H}
class Focalish(keras.losses.Loss):
    scale = 2.0
    def __init__(self, gamma=2.0, reduction="sum", name="focalish", **kwargs):
        super().__init__(reduction=reduction, name=name, **kwargs)
        self.gamma = gamma
    def weight(self, p):
        return tf.pow(1.0 - p, self.gamma) * self.scale
    def call(self, y_true, y_pred):
        p = tf.sigmoid(y_pred)
        return tf.reduce_mean(self.weight(p) * tf.square(y_true - p), axis=-1)

loss = Focalish(gamma=1.0)
loss64 = Focalish(gamma=1.0, dtype="float64")
`;
    const obj = load(src).get('loss')!;
    const yt = [[1, 0], [0, 1]], yp = [[0.3, -0.2], [1.1, 0.4]];
    const r = evaluateCustom(obj, yt, yp, { mode: 'keras' });
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const fr = (x: number) => Math.fround(x);
    const per = [0, 1].map((b) => [0, 1].reduce((s, c) => { const p = sig(fr(yp[b][c])); return s + (1 - p) * 2 * (yt[b][c] - p) ** 2; }, 0) / 2);
    closeArr(r.value.data, [per[0] + per[1]], 1e-12, 0, 'reduction=sum');
    assert.equal(r.config.reduction, 'sum');
    assert.ok(r.trace.notes.some((n) => /reduction="sum"/.test(n)));
    // gradient check in float64 (dtype="float64": no cast) through the instance (direct = __call__ as well)
    const obj64 = load(src).get('loss64')!;
    const r64 = evaluateCustom(obj64, yt, yp, { mode: 'direct' });
    assert.ok(r64.trace.notes.some((n) => /casts y_true and y_pred to float64/.test(n)));
    closeArr(r64.grad.data, fdGrad(obj64, yt, yp, { mode: 'direct' }), 1e-6, 1e-9, 'grad');
  });

  it('a returned tuple or None is refused with a message', () => {
    assert.throws(() => f('return y_pred, y_true'), /returned a tuple of 2 values/);
    assert.throws(() => f('x = y_pred'), /returned None/);
  });

  it('a result that does not depend on y_pred warns (argument order?)', () => {
    const src = `${H}def f(y_pred, y_true):\n    return tf.reduce_mean(tf.square(y_pred))\n`;
    const r = run(fnOf(src, 'f'), [1, 2], [3, 4]);
    assert.ok(r.trace.warnings.some((w) => w.code === 'no-gradient'));
  });

  it('torch.nn.functional losses (prediction first): values by hand, reductions', () => {
    const T = 'import torch\nimport torch.nn.functional as F\n';
    const v = (e: string, yt: unknown, yp: unknown) => f(`return ${e}`, yt, yp, T).v;
    assert.deepEqual(v('F.mse_loss(y_pred, y_true)', [1, 2], [1.5, 2.5]), [0.25]);
    assert.deepEqual(v("F.mse_loss(y_pred, y_true, reduction='sum')", [1, 2], [1.5, 2.5]), [0.5]);
    assert.deepEqual(v("F.l1_loss(y_pred, y_true, reduction='none')", [1, 2], [1.5, 3]), [0.5, 1]);
    // smooth_l1 (β = 1): 0.5·0.5²/1 = 0.125 and 3 − 0.5 = 2.5 → mean 1.3125
    assert.deepEqual(v('F.smooth_l1_loss(y_pred, y_true)', [0, 0], [0.5, 3]), [1.3125]);
    // huber (δ = 2): 0.125 and 2·(3 − 1) = 4 → mean 2.0625
    assert.deepEqual(v('F.huber_loss(y_pred, y_true, delta=2.0)', [0, 0], [0.5, 3]), [2.0625]);
    closeArr(v('F.binary_cross_entropy(y_pred, y_true)', [1, 0], [0.8, 0.3]), [(-Math.log(0.8) - Math.log(0.7)) / 2], 1e-12);
    // a hard 0/1 prediction: torch clamps the log at −100
    closeArr(v("F.binary_cross_entropy(y_pred, y_true, reduction='none')", [1, 0], [0, 0.5]), [100, Math.log(2)], 1e-12);
    closeArr(v('F.binary_cross_entropy_with_logits(y_pred, y_true)', [1], [0]), [Math.log(2)], 1e-12);
    // cross_entropy on logits [1, 2, 3] with class 2: log(e + e² + e³) − 3
    closeArr(v('F.cross_entropy(y_pred, torch.tensor([2]))', [[0]], [[1, 2, 3]]), [Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3], 1e-12);
    closeArr(v('F.cross_entropy(y_pred, y_true)', [[0, 0, 1]], [[1, 2, 3]]), [Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3], 1e-12);
    // torch's own message (IndexError: Target 3 is out of bounds.), with the valid range
    assert.throws(() => v('F.cross_entropy(y_pred, torch.tensor([3]))', [[0]], [[1, 2, 3]]), /Target 3 is out of bounds.*\[0, 2\]/);
  });

  it('a Loss instance called inside another user loss: its reduction and weights are differentiable', () => {
    const src = `${H}
class Sq(keras.losses.Loss):
    def call(self, y_true, y_pred):
        return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
mean_obj = Sq()
none_obj = Sq(reduction=None)
sum_obj = Sq(reduction="sum")
def f(y_true, y_pred):
    w = tf.constant([[2.0], [0.5]], dtype=tf.float64)
    return mean_obj(y_true, y_pred) * 3.0 + tf.reduce_sum(none_obj(y_true, y_pred, sample_weight=[1.0, 4.0]) ** 2) + sum_obj(y_true, y_pred, w)
`;
    const fn = fnOf(src, 'f');
    const yt = [[0, 1, 2], [1, 1, 0]], yp = [[0.5, 0.2, 2.5], [1.4, 0.1, -0.3]];
    const per = yt.map((row, b) => row.reduce((s2, y, i) => s2 + (y - yp[b][i]) ** 2, 0) / 3);
    const expected = 3 * (per[0] + per[1]) / 2 + (per[0] * 1) ** 2 + (per[1] * 4) ** 2 + (2 * per[0] + 0.5 * per[1]);
    const r = run(fn, yt, yp);
    closeArr(r.value.data, [expected], 1e-12, 0, 'value');
    closeArr(r.grad.data, fdGrad(fn, yt, yp), 1e-6, 1e-9, 'grad');
  });

  it('more of the library: var/std (ddof per framework), any/all, gather, boolean_mask, l2_loss, eye, range, diag_part, tile, sparse softmax CE', () => {
    const yp = [[1, 2], [3, 4]];
    const g = (e: string) => f(`return ${e}`, [[0]], yp, 'import torch\n');
    assert.deepEqual(g('np.var(y_pred)').v, [1.25]);
    closeArr(g('torch.var(y_pred)').v, [5 / 3], 1e-12);
    closeArr(g('tf.math.reduce_std(y_pred, axis=0)').v, [1, 1], 1e-12);
    closeArr(g('y_pred.std(axis=1, ddof=1)').v, [Math.SQRT1_2, Math.SQRT1_2], 1e-12);
    assert.deepEqual(g('tf.cast(tf.reduce_any(y_pred > 3.5, axis=1), tf.float32) + tf.cast(tf.reduce_all(y_pred > 1.5), tf.float32)').v, [0, 1]);
    assert.deepEqual(g('tf.math.count_nonzero(y_pred - 2.0) * 1.0').v, [3]);
    assert.deepEqual(g('tf.gather(y_pred, [1, 0, 1])').v, [3, 4, 1, 2, 3, 4]);
    assert.deepEqual(g('tf.gather(y_pred, [1], axis=1)').v, [2, 4]);
    assert.deepEqual(g('tf.boolean_mask(y_pred, [False, True])').v, [3, 4]);
    assert.deepEqual(g('tf.boolean_mask(y_pred, y_pred > 1.5)').v, [2, 3, 4]);
    assert.deepEqual(g('tf.nn.l2_loss(y_pred)').v, [15]);
    assert.deepEqual(g('tf.eye(2) * y_pred').v, [1, 0, 0, 4]);
    assert.deepEqual(g('tf.cast(tf.range(3), tf.float32) + np.arange(0, 1, 0.25)[:3]').v, [0, 1.25, 2.5]);
    assert.deepEqual(g('tf.linalg.diag_part(y_pred)').v, [1, 4]);
    assert.deepEqual(g('tf.tile(y_pred[:1], [2, 2])').v, [1, 2, 1, 2, 1, 2, 1, 2]);
    closeArr(g('tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 0], logits=y_pred)').v, [Math.log(Math.E + Math.E ** 2) - 2, Math.log(Math.E ** 3 + Math.E ** 4) - 3], 1e-12);
    // gradients through the gathers scatter back (and add up for repeated indices)
    assert.deepEqual(g('tf.reduce_sum(tf.gather(y_pred, [1, 0, 1]))').g, [1, 1, 2, 2]);
    assert.deepEqual(g('tf.reduce_sum(tf.tile(y_pred[:1], [2, 2]))').g, [4, 4, 0, 0]);
  });
});
