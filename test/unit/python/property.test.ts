/**
 * One interpreter, one meaning (issue 10): generated programs — built-in losses with positional and keyword
 * arguments, arithmetic, reductions, branches and comprehension-free loops — evaluated at top level under a
 * tf.GradientTape and wrapped in a def, a lambda (expression programs) and a keras.losses.Loss subclass give the
 * same value and the same gradient with respect to y_pred.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadModule, evaluateCustom } from '../../../src/core/python';
import type { Value } from '../../../src/core/python';

/** A tensor-valued expression of yt, yp (shape (2, 3)) and scalars; losses reduce to scalars so shapes compose. */
const tensorExpr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('yp', 'yp', 'yt', '0.5', '2.0', '3'),
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('e').map((a) => `tf.square(${a})`),
    tie('e').map((a) => `tf.abs(${a})`),
    tie('e').map((a) => `tf.sqrt(tf.square(${a}) + 1.0)`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `tf.maximum(${a}, ${b})`),
    tie('e').map((a) => `tf.reduce_mean(${a})`),
    tie('e').map((a) => `tf.reduce_sum(${a}, axis=-1, keepdims=True)`),
    // built-in losses: positional and keyword arguments, class and function forms; y_pred depends on yp
    tie('e').map((a) => `keras.losses.Huber(0.5, 'sum')(yt, ${a})`),
    tie('e').map((a) => `keras.losses.MeanSquaredError(reduction='sum_over_batch_size')(yt, ${a})`),
    tie('e').map((a) => `tf.reduce_mean(keras.losses.huber(yt, ${a}, 2.0))`),
    tie('e').map((a) => `tf.reduce_sum(keras.losses.mean_absolute_error(yt, ${a}))`),
    tie('e').map((a) => `keras.losses.LogCosh()(yt, ${a})`),
    tie('e').map((a) => `keras.losses.BinaryCrossentropy(True, 0.1)(yt, ${a})`),
  ),
})).e;

/** Statement programs: assignments, if/else on Python values, for loops over range, augmented assignments. */
const stmts: fc.Arbitrary<string[]> = fc.array(fc.oneof(
  tensorExpr.map((e) => `acc = acc + ${e}`),
  fc.tuple(fc.integer({ min: 1, max: 3 }), tensorExpr).map(([n, e]) => `for i in range(${n}):\n    acc += ${e} * (i + 1)`),
  fc.tuple(fc.boolean(), tensorExpr, tensorExpr).map(([c, a, b]) => `if ${c ? 'len([1, 2]) == 2' : 'False'}:\n    acc = acc * 0.5 + ${a}\nelse:\n    acc = acc - ${b}`),
  tensorExpr.map((e) => `k = 2\nwhile k > 0:\n    acc = acc + ${e}\n    k -= 1`),
), { minLength: 1, maxLength: 3 });

const HEADER = 'import tensorflow as tf\nimport keras\nyt = tf.constant([[0., 1., 0.5], [1., 0., 0.25]])\nyp = tf.constant([[0.25, 0.75, -0.5], [0.5, 1.5, 0.125]])\n';
const indent = (lines: string[], by: string) => lines.join('\n').split('\n').map((l) => by + l).join('\n');

interface Outcome { value: number; grad: number[] }

function topLevel(body: string[]): Outcome {
  const src = `${HEADER}with tf.GradientTape() as tape:\n    tape.watch(yp)\n    acc = 0.0\n${indent(body, '    ')}\n    res = tf.reduce_sum(acc)\ng = tape.gradient(res, yp)\n`;
  const scope = loadModule(src);
  return { value: num(scope.get('res')!), grad: arr(scope.get('g')!) };
}

function wrapped(src: string, name: string, mode: 'direct' | 'keras'): Outcome {
  const scope = loadModule(`${HEADER}${src}`);
  const r = evaluateCustom(scope.get(name)!, scope.get('yt') as never, scope.get('yp') as never, { mode });
  return { value: r.value.data[0], grad: Array.from(r.grad.data) };
}

const num = (v: Value): number => (v.kind === 'tensor' ? v.tensor.data[0] : v.kind === 'number' ? v.value : NaN);
/** A gradient; None (TensorFlow's answer when the target does not depend on the source) is zeros. */
const arr = (v: Value): number[] => (v.kind === 'tensor' ? Array.from(v.tensor.data) : v.kind === 'none' ? new Array(6).fill(0) : []);

function same(a: Outcome, b: Outcome, what: string, rtol = 0): void {
  const close = (x: number, y: number) => Object.is(x, y) || Math.abs(x - y) <= rtol * Math.max(Math.abs(x), Math.abs(y));
  assert.ok(close(a.value, b.value), `${what}: value ${a.value} vs ${b.value}`);
  assert.equal(a.grad.length, b.grad.length, `${what}: gradient length`);
  a.grad.forEach((g, i) => assert.ok(close(g, b.grad[i]), `${what}: grad[${i}] ${g} vs ${b.grad[i]}`));
}

/** Runs `f`; a LossInspectorError (a generated program Python would refuse too) must be the same everywhere. */
function outcome(f: () => Outcome): Outcome | string {
  try { return f(); } catch (e) { return (e as Error).message.replace(/ \(line \d+\)/g, '').replace(/^.*?: /, ''); }
}

describe('python: the same program at top level and inside a def / lambda / Loss subclass (property)', () => {
  it('statement programs: top level under GradientTape ≡ def ≡ Loss subclass (its reduction of a scalar)', function () {
    this.timeout(120_000);
    fc.assert(fc.property(stmts, (body) => {
      const top = outcome(() => topLevel(body));
      const def = outcome(() => wrapped(`def f(yt, yp):\n    acc = 0.0\n${indent(body, '    ')}\n    return tf.reduce_sum(acc)\n`, 'f', 'direct'));
      const cls = outcome(() => wrapped(`class L(keras.losses.Loss):\n    def call(self, yt, yp):\n        acc = 0.0\n${indent(body, '        ')}\n        return tf.reduce_sum(acc)\nl = L(reduction='sum')\n`, 'l', 'keras'));
      if (typeof top === 'string') { assert.equal(typeof def, 'string', `top level failed (${top}) but the def did not`); return; }
      assert.notEqual(typeof def, 'string', `def failed: ${def}`);
      same(top, def as Outcome, 'def');
      assert.notEqual(typeof cls, 'string', `Loss subclass failed: ${cls}`);
      // the subclass's reduction returns the scalar in its float32 dtype (Keras's Loss.__call__ casts its result)
      same(top, cls as Outcome, 'Loss subclass', 1e-6);
    }), { numRuns: 150, seed: 10 });
  });

  it('expression programs: top level ≡ lambda ≡ def', function () {
    this.timeout(120_000);
    fc.assert(fc.property(tensorExpr, (e) => {
      const top = outcome(() => topLevel([`acc = ${e}`]));
      const lam = outcome(() => wrapped(`f = lambda yt, yp: tf.reduce_sum(${e})\n`, 'f', 'direct'));
      const def = outcome(() => wrapped(`def f(yt, yp):\n    return tf.reduce_sum(${e})\n`, 'f', 'direct'));
      if (typeof top === 'string') { assert.equal(typeof lam, 'string'); return; }
      same(top, lam as Outcome, 'lambda');
      same(top, def as Outcome, 'def');
    }), { numRuns: 150, seed: 11 });
  });
});
