/** Results print as Keras prints float32 (NumPy's shortest round-trip repr). */
import * as assert from 'node:assert/strict';
import { float32Digits, formatArray, formatKeras, tensor } from '../../../src/core';

describe('Keras/NumPy float32 printing', () => {
  // Strings as printed in the seed articles (/work/shared/seeds) and numpy's float32 repr.
  it('scalars: shortest round-trip float32 digits', () => {
    assert.equal(float32Digits(0.2876821), '0.2876821');
    assert.equal(float32Digits(0.79465103), '0.79465103');
    assert.equal(float32Digits(2), '2.0');
    assert.equal(float32Digits(1e-7), '1e-07');
    assert.equal(float32Digits(-3.08e-6), '-3.08e-06');
    assert.equal(float32Digits(NaN), 'nan');
    assert.equal(float32Digits(-Infinity), '-inf');
    // a float64 value prints as its float32 rounding
    assert.equal(float32Digits(0.28768207245178090), '0.2876821');
  });
  it('arrays: NumPy padding (seed: BCE reduction="none")', () => {
    assert.equal(formatArray(tensor([0.9162905, 0.5919184, 0.79465103, 1.0549198], [4])), 'array([0.9162905 , 0.5919184 , 0.79465103, 1.0549198 ], dtype=float32)');
    assert.equal(formatArray(tensor([0.00010971, 0.00329749, 0.00030611], [3])), 'array([0.00010971, 0.00329749, 0.00030611], dtype=float32)');
    assert.equal(formatArray(tensor([1, 2, 3, 4.5], [2, 2])), 'array([[1. , 2. ],\n       [3. , 4.5]], dtype=float32)');
  });
  it('formatKeras picks scalar or array', () => {
    assert.equal(formatKeras(tensor([5], [])), '5.0');
    assert.match(formatKeras(tensor([5, 6], [2])), /^array\(\[5\., 6\.\], dtype=float32\)$/);
  });
});
