/** JS/TS selections of two named arrays read as array literals, offsets unchanged. */
import * as assert from 'node:assert/strict';
import { blankDeclarations } from '../../../src/extension/model/jsText';
import { classifySelection, parseTwoArrays } from '../../../src/core/python';

describe('JS/TS array selections', () => {
  const cases = [
    'const yTrue = [[0, 1], [0, 0]];\nconst yPred = [[0.6, 0.4], [0.4, 0.6]];',
    'let labels: number[][] = [[0, 1], [0, 0]];\nlet preds: number[][] = [[0.6, 0.4], [0.4, 0.6]];',
    'export const y_true = [[0, 1], [0, 0]]\nexport const y_pred = [[0.6, 0.4], [0.4, 0.6]]',
  ];
  for (const t of cases) {
    it(JSON.stringify(t.split('\n')[0]), () => {
      const b = blankDeclarations(t);
      assert.equal(b.length, t.length, 'same length');
      assert.equal(classifySelection(t), 'snippet', 'raw JS is not plain literals');
      assert.equal(classifySelection(b), 'arrays');
      const p = parseTwoArrays(b);
      assert.deepEqual(p.yTrue.shape, [2, 2]);
      assert.deepEqual(Array.from(p.yPred.data), [0.6, 0.4, 0.4, 0.6]);
      for (const r of p.ranges) assert.match(t.slice(r.start, r.end), /^\[\[.*\]\]$/, 'ranges point into the original text');
    });
  }
  it('leaves calls, comparisons and arrows alone', () => {
    for (const t of ['const l = tf.losses.meanSquaredError(a, b);', 'if (a == b) x = 1', 'const f = (x: number) => x']) assert.equal(classifySelection(blankDeclarations(t)), 'snippet', t);
    assert.equal(blankDeclarations('x == y'), 'x == y');
  });
});
