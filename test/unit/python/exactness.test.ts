/**
 * Keras exactness of built-in losses as the one interpreter calls them, at top level and inside user code alike
 * (issue 10). Expected numbers are computed here from the formulas Keras implements (named per test) or come from
 * the core's own Keras-checked evaluate(); where a number comes from Keras itself, the test says so.
 */
import * as assert from 'node:assert/strict';
import { evaluateSnippet } from '../../../src/core/python';
import { evaluate } from '../../../src/core/evaluate';

const H = 'import keras\nimport numpy as np\nimport tensorflow as tf\nt = np.array([[0., 1.], [0., 0.]])\np = np.array([[0.6, 0.4], [0.4, 0.6]])\nt2 = np.array([[0., 3.]])\np2 = np.array([[1.5, 0.]])\n';

function run(src: string) {
  const r = evaluateSnippet(H + src);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  return { ...r, errors, values: r.results.map((x) => Array.from(x.result.value.data)), printed: r.results.map((x) => x.printed) };
}

/** Evaluates `call` at top level and returned from a def, a lambda and a Loss subclass's call: one value each. */
function everywhere(call: string): number[][] {
  const args = /\((t2?), (p2?)/.exec(call)!;
  const inner = call.replace(/\((t2?), (p2?)/, '(a, b');
  const src = `${call}\ndef f(a, b):\n    return ${inner}\nf(${args[1]}, ${args[2]})\ng = lambda a, b: ${inner}\ng(${args[1]}, ${args[2]})\n`;
  const r = run(src);
  assert.deepEqual(r.errors, [], call);
  return r.values;
}

describe('python: Keras signature order for positional arguments, anywhere', () => {
  it('Huber(2.0): the positional delta is kept at top level and inside a def or lambda', () => {
    const vs = everywhere('keras.losses.Huber(2.0)(t2, p2)');
    // errors 1.5 and 3: δ = 2 gives 0.5·1.5² = 1.125 and 2·3 − 0.5·2² = 4, mean 2.5625 (δ = 1 would give 1.75)
    assert.equal(vs.length, 3);
    for (const v of vs) assert.equal(v[0], 2.5625);
  });

  it('CategoricalCrossentropy(True), MeanSquaredError("sum"), huber(t, p, 2.0), binary_crossentropy(t, p, True): the same inside a def', () => {
    const cce = everywhere('keras.losses.CategoricalCrossentropy(True)(t, p)');
    assert.equal(cce[0][0], evaluate({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]], config: { from_logits: true } }).value.data[0]);
    for (const v of cce) assert.deepEqual(v, cce[0]);
    const mse = everywhere("keras.losses.MeanSquaredError('sum')(t, p)");
    // MSE per row: (0.36 + 0.36)/2, (0.16 + 0.36)/2; 'sum' adds the rows: 0.62
    for (const v of mse) assert.ok(Math.abs(v[0] - 0.62) < 1e-7, String(v));
    const hub = everywhere('keras.losses.huber(t, p, 2.0)');
    for (const v of hub) assert.deepEqual(v, hub[0]);
    assert.ok(Math.abs(hub[0][0] - 0.18) < 1e-12 && Math.abs(hub[0][1] - 0.13) < 1e-12, String(hub[0]));
    const bce = everywhere('keras.losses.binary_crossentropy(t, p, True)');
    for (const v of bce) assert.deepEqual(v, bce[0]);
  });

  it('reduction, name and dtype follow the loss parameters positionally: Huber(2.0, "sum"), CosineSimilarity(-1, "sum"), BinaryCrossentropy(False, 0.0, -1, "sum")', () => {
    const r = run('keras.losses.Huber(2.0, "sum")(t, p)\nkeras.losses.Huber(delta=2.0, reduction="sum")(t, p)\nkeras.losses.CosineSimilarity(-1, "sum")(t, p)\nkeras.losses.CosineSimilarity(axis=-1, reduction="sum")(t, p)\nkeras.losses.BinaryCrossentropy(False, 0.0, -1, "sum")(t, p)\nkeras.losses.BinaryCrossentropy(reduction="sum")(t, p)\nkeras.losses.Huber(2.0, "sum", "h", "float32", 5)');
    assert.equal(r.values.length, 6);
    assert.deepEqual(r.values[0], r.values[1]);
    assert.deepEqual(r.values[2], r.values[3]);
    assert.deepEqual(r.values[4], r.values[5]);
    assert.ok(Math.abs(r.values[0][0] - 0.31) < 1e-7);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /Huber\(\) takes at most 4 positional arguments \(delta, reduction, name, dtype\), 5 given/);
  });
});

describe('python: dtypes follow Keras', () => {
  it('function forms on float64 NumPy arrays compute in float64 (ops.convert_to_tensor keeps float64: clip 1 − 1e-7 in float64); classes and float32 tensors in float32', () => {
    const r = evaluateSnippet('import keras\nimport numpy as np\nimport tensorflow as tf\nkeras.losses.binary_crossentropy(np.array([[0.]]), np.array([[1.]]))\nkeras.losses.binary_crossentropy(tf.constant([[0.]]), tf.constant([[1.]]))\nkeras.losses.BinaryCrossentropy()(np.array([[0.]]), np.array([[1.]]))\nkeras.losses.BinaryCrossentropy(dtype="float64")(np.array([[0.]]), np.array([[1.]]))\n');
    assert.equal(r.results.length, 4);
    // −log(1 − (1 − 1e-7)) in float64: 16.118095651484676 (issue 10: Keras prints 16.118096..., not float32's 15.942385)
    assert.equal(r.results[0].result.value.data[0], -Math.log(1 - (1 - 1e-7)));
    assert.equal(r.results[0].printed, 'array([16.11809565])');
    // float32: ε = float32(1e-7), 1 − ε rounded to float32 before the log
    const f32 = Math.fround(-Math.log(1 - Math.fround(1 - Math.fround(1e-7))));
    assert.equal(r.results[1].printed, 'array([15.942385], dtype=float32)');
    assert.ok(Math.abs(r.results[1].result.value.data[0] - f32) < 1e-5);
    assert.equal(r.results[2].printed, '15.942385');
    assert.equal(r.results[3].printed, '16.118095651484676');
  });
});

describe('python: the BCE functions do not squeeze', () => {
  it('binary_crossentropy / binary_focal_crossentropy on (4,) against (4, 1) raise as Keras\'s backend op does; the classes squeeze', () => {
    const src = 'import keras\nimport numpy as np\nt = np.array([1., 0., 1., 0.])\np = np.array([[0.9], [0.2], [0.6], [0.3]])\n';
    const r = evaluateSnippet(`${src}keras.losses.binary_crossentropy(t, p)\nkeras.losses.binary_focal_crossentropy(t, p)\nkeras.losses.BinaryCrossentropy()(t, p)\nkeras.losses.binary_crossentropy(t, p[:, 0])\n`);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.line), [5, 6]);
    for (const e of errors) assert.match(e.message, /Arguments `target` and `output` must have the same rank \(ndim\)\. Received: target\.shape=\(4,\), output\.shape=\(4, 1\)/);
    assert.deepEqual(r.results.map((x) => x.line), [7, 8]);
  });
});

describe('python: keras.losses.get and deserialize', () => {
  it('names and serialized dicts ({"class_name", "config"}) give the loss Keras gives', () => {
    const r = evaluateSnippet(`${H}keras.losses.deserialize("mean_absolute_error")(t2, p2)\nkeras.losses.get("mae")(t2, p2)\nkeras.losses.get("Huber")(t2, p2)\nkeras.losses.deserialize("Huber")(2.0)(t2, p2)\nkeras.losses.deserialize({"class_name": "Huber", "config": {"delta": 2.0, "reduction": "sum_over_batch_size", "name": "huber_loss", "dtype": None}})(t2, p2)\nkeras.losses.get({"class_name": "Huber", "config": {"delta": 2.0}})(t2, p2)\nkeras.losses.get({"class_name": "Hubber", "config": {}})\n`);
    const vals = r.results.map((x) => Array.from(x.result.value.data));
    // MAE of errors 1.5 and 3: 2.25 (function: one value per row); Huber δ=1: (1 + 2.5)/2 = 1.75; δ=2: 2.5625
    assert.deepEqual(vals, [[2.25], [2.25], [1.75], [2.5625], [2.5625], [2.5625]]);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /Unknown loss 'Hubber'\. Did you mean 'Huber'/);
  });
});

describe('python: one interpreter inside and outside functions', () => {
  it('a built-in loss inside a def is the same Keras-exact call as at top level (float32 ε and clip, not unrounded)', () => {
    const r = evaluateSnippet('import keras\nimport numpy as np\nt = np.array([[0., 1., 1.], [1., 0., 0.]], dtype=np.float32)\np = np.array([[1e-9, 0.5, 1.], [0.3, 1., 0.]], dtype=np.float32)\nkeras.losses.binary_crossentropy(t, p)\ndef f(a, b):\n    return keras.losses.binary_crossentropy(a, b)\nf(t, p)\n');
    assert.equal(r.results.length, 2);
    assert.deepEqual(Array.from(r.results[1].result.value.data), Array.from(r.results[0].result.value.data));
    assert.deepEqual(Array.from(r.results[1].result.grad.data), Array.from(r.results[0].result.grad.data));
    // the float32 clip (1 − float32(1e-7) rounds to 0.99999988) gives 5.7154527 for the second row, not the float64 5.8...
    assert.equal(r.results[0].printed, 'array([0.23104914, 5.7154527 ], dtype=float32)');
  });

  it('isinstance, string escapes and round(x, 2) inside a def behave as in Python', () => {
    const r = evaluateSnippet('import tensorflow as tf\nimport numpy as np\ndef g(a, b):\n    s = 1.0\n    if isinstance(a, np.ndarray) and isinstance(2, (int, float)) and not isinstance("x", list):\n        s = 2.0\n    n = len("a\\tb\\\\")\n    return tf.reduce_sum(a - b) * 0 + s * n + round(0.12345, 2) + round(2.675, 2) + round(0.5) + round(1.5)\ng(np.array([1.]), np.array([0.]))\n');
    // s = 2, n = 4 (tab and backslash are one character each), round(0.12345, 2) = 0.12, round(2.675, 2) = 2.67
    // (the double below 2.675), round(0.5) = 0, round(1.5) = 2 (half to even)
    assert.deepEqual(r.diagnostics, []);
    assert.ok(Math.abs(r.results[0].result.value.data[0] - (8 + 0.12 + 2.67 + 0 + 2)) < 1e-12, String(r.results[0].result.value.data[0]));
  });

  it('random draws are named as not reproduced; an undefined name in a list is a NameError at its place', () => {
    const src = 'import keras\nimport numpy as np\ny_true = np.random.rand(3)\nkeras.losses.mse(y_true, [1., 2., 3.])\nrng = np.random.default_rng(0)\nkeras.losses.mse(rng.normal(size=3), [1., 2., 3.])\ny_pred = [1, 2, x]\n';
    const r = evaluateSnippet(src);
    const d4 = r.diagnostics.find((d) => d.line === 4);
    assert.match(d4!.message, /np\.random\.rand\(\.\.\.\) is a random draw, and random numbers are not reproduced/);
    assert.match(r.diagnostics.find((d) => d.line === 6)!.message, /np\.random\.default_rng\(\.\.\.\) is a random draw/);
    const d7 = r.diagnostics.find((d) => d.line === 7)!;
    assert.equal(d7.severity, 'error');
    assert.equal(d7.message, "NameError: name 'x' is not defined");
    assert.equal(src.slice(d7.offset, d7.offset + d7.length), 'x');
  });
});
