/** Whatever Python text a user loss contains, evaluating it returns or throws a LossInspectorError, nothing else. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadModule } from '../../../src/core/python';
import { evaluateCustom } from '../../../src/core/python';
import { evaluateSnippet } from '../../../src/core/python';
import { LossInspectorError } from '../../../src/core/errors';

const TOKENS = [
  'y_true', 'y_pred', 'x', 'self', 'tf.', 'np.', 'K.', 'torch.', 'reduce_sum', 'reduce_mean', 'square', 'split', 'concat', 'maximum', 'where', 'clip_by_value',
  'reshape', 'transpose', 'matmul', 'one_hot', 'softmax', 'cast', 'float32', 'epsilon', 'shape', 'T', 'sum', 'mean', '(', ')', '[', ']', ',', ':', '.', '=', '+', '-',
  '*', '/', '**', '//', '%', '@', '<', '>', '==', ' if ', ' else ', ' and ', ' or ', 'not ', ' is ', 'None', 'True', '0', '1', '2', '-1', '0.5', '1e-7', 'axis=', 'keepdims=',
  'lambda a: ', '...', '::', '"s"', '[0, 1]', '(1, 2)', '{}', 'len', 'abs', 'max', 'print', 'super()', 'return ', '\n', '\n    ', 'for ', ' in ', 'def g():', 'class ',
];

function body(parts: string[]): string {
  return parts.join('');
}

export const outcomes = new Map<string, number>();
function check(f: () => unknown): void {
  try {
    f();
    outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
  } catch (e) {
    const k = e instanceof LossInspectorError ? (e.details.code ?? '?') + ':' + e.message.replace(/\(line.*$/, '').slice(0, 40) : 'other';
    outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    // 'internal' is the last-line guard of evaluateCustom wrapping a bug: that counts as escaping.
    if (e instanceof LossInspectorError && e.details.code !== 'internal') return;
    throw new Error(`escaped: ${(e as Error)?.stack ?? e}`);
  }
}

describe('custom losses: fuzzing', () => {
  it('random token soup in a def body: only LossInspectorError escapes', function () {
    this.timeout(120_000);
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), (toks) => {
      const src = `import tensorflow as tf\nimport numpy as np\nimport torch\nimport keras.backend as K\ndef f(y_true, y_pred):\n    ${body(toks)}\n    return ${body(toks.slice(0, 12))}\n`;
      check(() => {
        const scope = loadModule(src, { maxSteps: 20_000 });
        const fn = scope.get('f');
        if (fn) evaluateCustom(fn, [[1, 0, 1], [0, 1, 0]], [[0.2, 0.7, 0.4], [0.9, 0.1, 0.3]], { mode: 'direct', limits: { maxMillis: 2000 } });
      });
    }), { numRuns: 1500, seed: 42 });
  });

  it('random expressions from the library on random shapes: only LossInspectorError escapes', function () {
    this.timeout(120_000);
    const fns = ['tf.reduce_sum', 'tf.reduce_max', 'np.mean', 'K.sum', 'tf.split', 'tf.concat', 'tf.stack', 'tf.transpose', 'tf.reshape', 'tf.matmul', 'np.dot',
      'tf.one_hot', 'tf.nn.softmax', 'tf.where', 'tf.clip_by_value', 'torch.max', 'torch.split', 'np.split', 'tf.expand_dims', 'tf.squeeze', 'tf.gather_nd', 'tf.norm',
      'tf.math.l2_normalize', 'K.binary_crossentropy', 'keras.losses.mse', 'keras.losses.Huber()', 'tf.cast', 'tf.ones_like', 'np.clip', 'tf.pow', 'tf.argmax'];
    const args = ['y_pred', 'y_true', '0', '1', '-1', '2', '3', '[1, 2]', '[2, -1]', 'axis=1', 'axis=-1', 'axis=5', 'keepdims=True', 'tf.float32', '0.5', 'None', '[0, 2, 1]', '(3, 2)', '[-1]'];
    fc.assert(fc.property(fc.constantFrom(...fns), fc.array(fc.constantFrom(...args), { maxLength: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (fn, as, B, C) => {
      const src = `import tensorflow as tf\nimport numpy as np\nimport torch\nimport keras\nimport keras.backend as K\ndef f(y_true, y_pred):\n    return ${fn}(${as.join(', ')})\n`;
      const yt = Array.from({ length: B }, (_, i) => Array.from({ length: C }, (_, j) => (i + j) % 2));
      const yp = Array.from({ length: B }, (_, i) => Array.from({ length: C }, (_, j) => 0.1 + 0.2 * ((i * 3 + j) % 4)));
      check(() => {
        const scope = loadModule(src, { maxSteps: 100_000 });
        evaluateCustom(scope.get('f')!, B ? yt : [], B ? yp : [], { mode: Math.random() < 0.5 ? 'direct' : 'keras' });
      });
    }), { numRuns: 2000, seed: 43 });
  });

  it('random well-formed expressions and statements: only LossInspectorError escapes', function () {
    this.timeout(120_000);
    const names = ['y_true', 'y_pred', 'a', 'b', 'self', 'tf', 'np', 'K', 'torch', 'keras', 'None', 'True', 'len', 'abs', 'max', 'float', 'print', 'g'];
    const attrs = ['reduce_sum', 'shape', 'T', 'ndim', 'dtype', 'square', 'split', 'float32', 'sum', 'mean', 'losses', 'mse', 'Huber', 'x', 'numpy', 'reshape', 'astype', 'nn', 'softmax'];
    const ops = [' + ', ' - ', ' * ', ' / ', ' ** ', ' // ', ' % ', ' @ ', ' < ', ' == ', ' and ', ' or ', ' is ', ' in ', ' & '];
    const expr = fc.letrec((tie) => ({
      e: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        fc.constantFrom(...names), fc.constantFrom('0', '1', '-1', '2.5', '1e-7', '"sum"', '[1, 2]', '(0, 1)', '{"k": 1}'),
        fc.tuple(tie('e'), fc.constantFrom(...ops), tie('e')).map(([x, o, y]) => `(${x}${o}${y})`),
        fc.tuple(tie('e'), fc.constantFrom(...attrs)).map(([x, a]) => `${x}.${a}`),
        fc.tuple(tie('e'), fc.array(tie('e'), { maxLength: 3 }), fc.option(fc.tuple(fc.constantFrom('axis', 'keepdims', 'delta', 'k'), tie('e')))).map(([f, as, kw]) => `${f}(${[...as, ...(kw ? [`${kw[0]}=${kw[1]}`] : [])].join(', ')})`),
        fc.tuple(tie('e'), tie('e')).map(([x, i]) => `${x}[${i}]`),
        fc.tuple(tie('e'), fc.constantFrom(':', '::-1', '1:', ':, 0', '..., None', '0, :2')).map(([x, i]) => `${x}[${i}]`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([x, c, y]) => `(${x} if ${c} else ${y})`),
        tie('e').map((x) => `(lambda a, b=1: ${x})`),
        tie('e').map((x) => `(-${x})`), tie('e').map((x) => `(not ${x})`),
      ),
    })).e;
    const stmt = fc.oneof(
      expr.map((x) => `a = ${x}`), expr.map((x) => `b = ${x}`), expr.map((x) => `a, b = ${x}`), expr.map((x) => `a += ${x}`),
      fc.tuple(expr, expr).map(([c, x]) => `if ${c}:\n        a = ${x}\n    else:\n        b = ${x}`), expr.map((x) => `return ${x}`), expr,
      expr.map((x) => `def g(a, *r, **k):\n        return ${x}`),
    );
    fc.assert(fc.property(fc.array(stmt, { minLength: 1, maxLength: 5 }), (stmts) => {
      const src = `import tensorflow as tf\nimport numpy as np\nimport torch\nimport keras\nimport keras.backend as K\ndef f(y_true, y_pred):\n    a = y_pred\n    b = 1.0\n    ${stmts.join('\n    ')}\n    return a\n`;
      check(() => {
        const scope = loadModule(src, { maxSteps: 20_000 });
        evaluateCustom(scope.get('f')!, [[1, 0, 1], [0, 1, 0]], [[0.2, 0.7, 0.4], [0.9, 0.1, 0.3]], { mode: 'direct', limits: { maxMillis: 2000, maxTensorElements: 100_000 } });
      });
    }), { numRuns: 3000, seed: 45 });
    if (process.env.FUZZ_STATS) console.log([...outcomes].sort((x, y) => y[1] - x[1]).slice(0, 25));
  });

  it('evaluateSnippet with the plugin never throws on token soup around defs and calls', function () {
    this.timeout(120_000);
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }), (toks) => {
      const src = `def f(y_true, y_pred):\n    return ${body(toks)}\nf(np.array([1., 0.]), np.array([0.5, 0.5]))\nclass L(keras.losses.Loss):\n    def call(self, y_true, y_pred):\n        return ${body(toks.slice(5))}\nL()([1.], [2.])\n`;
      const out = evaluateSnippet(src);
      assert.ok(Array.isArray(out.results));
    }), { numRuns: 500, seed: 44 });
  });
});
