/** Array literals: every spelling users paste, ragged rows located, limits refused, numbers bit-identical to Number(). */
import * as assert from 'node:assert/strict';
import { parseArrayLiteral, parseArrayLiteralTensor, scanArrayLiteral } from '../../../src/core/literal';
import { LossInspectorError } from '../../../src/core/errors';
import { parseTwoArrays, classifySelection } from '../../../src/core/python';

function t(text: string): { shape: number[]; data: number[] } {
  const r = parseArrayLiteralTensor(text, 'x');
  return { shape: r.shape, data: Array.from(r.data) };
}

function err(text: string, limits = {}): LossInspectorError {
  try {
    parseArrayLiteralTensor(text, 'y_true', 0, limits);
  } catch (e) {
    assert.ok(e instanceof LossInspectorError, `expected LossInspectorError, got ${e}`);
    return e;
  }
  assert.fail(`expected an error for ${JSON.stringify(text.slice(0, 60))}`);
}

describe('literal: Python, JSON and JS spellings', () => {
  it('nested lists and tuples of any rank', () => {
    assert.deepEqual(t('[1, 2, 3]'), { shape: [3], data: [1, 2, 3] });
    assert.deepEqual(t('((1, 2), (3, 4))'), { shape: [2, 2], data: [1, 2, 3, 4] });
    assert.deepEqual(t('[[[1], [2]], [[3], [4]]]'), { shape: [2, 2, 1], data: [1, 2, 3, 4] });
    assert.deepEqual(t('[(1, 2), [3, 4]]'), { shape: [2, 2], data: [1, 2, 3, 4] });
    assert.deepEqual(t('5'), { shape: [], data: [5] });
    assert.deepEqual(t('[]'), { shape: [0], data: [] });
    assert.deepEqual(t('[[], []]'), { shape: [2, 0], data: [] });
    assert.deepEqual(t('[(1), (2)]'), { shape: [2], data: [1, 2] }, '(x) without a comma is grouping, not a tuple');
    assert.deepEqual(t('[(1,), (2,)]'), { shape: [2, 1], data: [1, 2] });
  });

  it('every number form: 1. .5 -3e-07 1_000 +2 1E3 -0.0', () => {
    const r = t('[1., .5, -3e-07, 1_000, +2, 1E3, -0.0, 0.1]');
    assert.deepEqual(r.data.slice(0, 6), [1, 0.5, -3e-7, 1000, 2, 1000]);
    assert.ok(Object.is(r.data[6], -0), '-0.0 keeps its sign');
    assert.equal(r.data[7], 0.1);
  });

  it('nan/inf spellings, np.nan, np.inf, float("nan"), True/False', () => {
    const r = t("[nan, inf, -inf, np.nan, np.inf, -np.inf, float('nan'), float(\"-inf\"), float('inf'), NaN, Infinity, True, False, math.inf]");
    assert.ok(Number.isNaN(r.data[0]));
    assert.deepEqual(r.data.slice(1, 3), [Infinity, -Infinity]);
    assert.ok(Number.isNaN(r.data[3]));
    assert.deepEqual(r.data.slice(4, 6), [Infinity, -Infinity]);
    assert.ok(Number.isNaN(r.data[6]));
    assert.deepEqual(r.data.slice(7, 9), [-Infinity, Infinity]);
    assert.ok(Number.isNaN(r.data[9]));
    assert.deepEqual(r.data.slice(10), [Infinity, 1, 0, Infinity]);
  });

  it('None is refused with a clear message and its position', () => {
    const e = err('[[1, 2], [3, None]]');
    assert.match(e.message, /y_true\[1\]\[1\]: None is not a number/);
    assert.equal(e.details.offset, 13);
    assert.equal(e.details.length, 4);
  });

  it('JSON and JS arrays, trailing commas, comments and line breaks', () => {
    assert.deepEqual(t('[[0.1, 0.9],\n [0.8, 0.2],]  // JS comment'), { shape: [2, 2], data: [0.1, 0.9, 0.8, 0.2] });
    assert.deepEqual(t('[1, /* two */ 2, # three\n 3,\n]'), { shape: [3], data: [1, 2, 3] });
    assert.deepEqual(t('{"a": 1}'.length ? '[true, false, null]'.replace('null', '1') : ''), { shape: [3], data: [1, 0, 1] });
  });

  it('wrappers: np.array(dtype=), np.asarray, tf.constant, tf.convert_to_tensor, torch.tensor, jnp.array', () => {
    for (const w of ['np.array([[1, 2]], dtype=np.float32)', 'np.asarray([[1, 2]])', 'tf.constant([[1, 2]])', 'tf.convert_to_tensor([[1, 2]], dtype=tf.float32)',
      "torch.tensor([[1., 2.]], requires_grad=True, device='cpu')", 'jnp.array([[1, 2]])', 'numpy.array( [ [1,2] ] , )']) {
      assert.deepEqual(t(w), { shape: [1, 2], data: [1, 2] }, w);
    }
  });

  it("NumPy's printed form and a tf.Tensor repr", () => {
    // seed 001 prints BinaryCrossentropy(reduction='none'): array([0.9162905 , 0.5919184 , 0.79465103, 1.0549198 ], dtype=float32)
    assert.deepEqual(t('array([0.9162905 , 0.5919184 , 0.79465103, 1.0549198 ], dtype=float32)'), { shape: [4], data: [0.9162905, 0.5919184, 0.79465103, 1.0549198] });
    assert.deepEqual(t('array([[1., 2.],\n       [3., 4.]], dtype=float32)'), { shape: [2, 2], data: [1, 2, 3, 4] });
    assert.deepEqual(t('<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>'), { shape: [2], data: [1, 2] });
  });

  it('ragged rows: which row, its length, the expected length, and where', () => {
    const text = '[[1, 2, 3],\n [4, 5],\n [6, 7, 8]]';
    const e = err(text);
    assert.equal(e.details.code, 'ragged');
    assert.match(e.message, /row y_true\[1\] has length 2, expected 3/);
    assert.equal(text.slice(e.details.offset!, e.details.offset! + e.details.length!), '[4, 5]');
    const e2 = err('[[1, 2], 3]');
    assert.match(e2.message, /y_true\[1\]: a number where a list was expected/);
    const e3 = err('[1, [2, 3]]');
    assert.match(e3.message, /y_true\[1\]: a list where a number was expected/);
    assert.equal(e3.details.offset, 4);
  });

  it('syntax errors carry offsets', () => {
    assert.equal(err('[1, 2').details.offset, 0);
    const e = err('[1 2]');
    assert.equal(e.details.offset, 3);
    assert.match(err('[1, "a"]').message, /string where a number/);
    assert.match(err('[1, x]').message, /'x' is not a number/);
    assert.match(err('[1, 2] junk').message, /unexpected text after the array/);
    assert.match(err('[1.5f]').message, /'1.5f' is not a number/);
  });

  it('limits: 100 MB text and 10,000-deep nesting are refused clearly, without a stack overflow', () => {
    const big = 'x'.repeat(1000);
    const e = err(big, { maxChars: 999 });
    assert.equal(e.details.code, 'limit');
    assert.match(e.message, /over the limit/);
    const deep = '['.repeat(10_000) + '1' + ']'.repeat(10_000);
    const e2 = err(deep);
    assert.equal(e2.details.code, 'limit');
    assert.match(e2.message, /nested deeper than 64 levels/);
    const e3 = err('[' + '1,'.repeat(100) + ']', { maxElements: 50 });
    assert.equal(e3.details.code, 'limit');
  });

  it('a real 100 MB text is refused before any scanning (default 50 MB limit)', () => {
    const text = ' '.repeat(100_000_001);
    const t0 = Date.now();
    const e = err(text);
    assert.equal(e.details.code, 'limit');
    // scanning 100 MB would take seconds; a refusal before it is milliseconds (generous for a loaded machine)
    assert.ok(Date.now() - t0 < 5000);
  });

  it('numbers are bit-identical to Number() for random decimals of every length', () => {
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
    const vals: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rnd() * 20);
      let s = '';
      for (let k = 0; k < digits; k++) s += Math.floor(rnd() * 10);
      const dot = Math.floor(rnd() * (digits + 1));
      s = s.slice(0, dot) + '.' + s.slice(dot);
      if (s === '.') s = '0.';
      if (rnd() < 0.3) s += `e${rnd() < 0.5 ? '-' : ''}${Math.floor(rnd() * 40)}`;
      if (rnd() < 0.5) s = '-' + s;
      vals.push(s);
    }
    const r = parseArrayLiteralTensor(`[${vals.join(', ')}]`);
    vals.forEach((s, i) => assert.ok(Object.is(r.data[i], Number(s)), `${s}: ${r.data[i]} vs ${Number(s)}`));
    // and on the general (slow) path: the same numbers with a comment forcing it
    const r2 = parseArrayLiteralTensor(`[${vals.join(', ')}, # c\n]`);
    vals.forEach((s, i) => assert.ok(Object.is(r2.data[i], Number(s)), `${s} (general path)`));
  });

  it('parseArrayLiteral returns nested arrays for the CLI', () => {
    assert.deepEqual(parseArrayLiteral('np.array([[1, 2], [3, 4]])'), [[1, 2], [3, 4]]);
    assert.equal(parseArrayLiteral('2.5'), 2.5);
  });

  it('scanArrayLiteral stops after one literal', () => {
    const text = 'y_true = [1, 2], [3, 4]';
    const r = scanArrayLiteral(text, 8);
    assert.equal(text.slice(r.from, r.end), '[1, 2]');
  });
});

describe('literal: parseTwoArrays and classifySelection', () => {
  it('two literals separated by a comma, a newline, or as assignments', () => {
    const a = parseTwoArrays('[1, 2], [3, 4]');
    assert.deepEqual(Array.from(a.yTrue.data), [1, 2]);
    assert.deepEqual(Array.from(a.yPred.data), [3, 4]);
    assert.deepEqual(a.ranges, [{ start: 0, end: 6 }, { start: 8, end: 14 }]);
    const b = parseTwoArrays('y_pred = [[0.6, 0.4]]\ny_true = [[0, 1]]\n');
    assert.deepEqual(Array.from(b.yTrue.data), [0, 1], 'names decide the roles');
    assert.deepEqual(Array.from(b.yPred.data), [0.6, 0.4]);
    const c = parseTwoArrays('[1, 2]\n[3, 4]\nsample_weight = [0.5, 1]');
    assert.deepEqual(Array.from(c.sampleWeight!.data), [0.5, 1]);
    const d = parseTwoArrays('y_true = np.array([1., 0.])\ny_pred = tf.constant([0.9, 0.2])');
    assert.deepEqual(Array.from(d.yPred.data), [0.9, 0.2]);
  });

  it('errors name the argument and point into the selection', () => {
    assert.throws(() => parseTwoArrays('[1, 2]'), (e: unknown) => e instanceof LossInspectorError && /found 1/.test(e.message));
    try {
      parseTwoArrays('[1, 2],\n[[3, 4], [5]]');
      assert.fail('ragged');
    } catch (e) {
      assert.ok(e instanceof LossInspectorError);
      assert.match(e.message, /^y_pred: ragged/);
      assert.equal(e.details.offset, 17, 'the ragged row [5]');
    }
  });

  it('classifySelection tells literals from snippets', () => {
    assert.equal(classifySelection('[1, 2], [3, 4]'), 'arrays');
    assert.equal(classifySelection('y_true = [[0., 1.]]\ny_pred = np.array([[0.6, 0.4]], dtype=np.float32)'), 'arrays');
    assert.equal(classifySelection('array([0.9162905 , 0.5919184 ], dtype=float32)'), 'arrays');
    assert.equal(classifySelection('bce = tf.keras.losses.BinaryCrossentropy()\nbce([1], [0.5])'), 'snippet');
    assert.equal(classifySelection('import tensorflow as tf'), 'snippet');
    assert.equal(classifySelection('y_true = [1, 0]\ny_pred = [0.2, 0.4]\nmse(y_true, y_pred)'), 'snippet');
  });
});
