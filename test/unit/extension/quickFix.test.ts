/** Quick fixes: from_logits and sparse/one-hot switches land on the right call. */
import * as assert from 'node:assert/strict';
import { quickFixes, applyEdits } from '../../../src/extension/model/quickFix';

const fix = (src: string, line: number, msg: string) => {
  const lines = src.split('\n');
  const edits = quickFixes(lines, line, msg);
  return { edits, text: applyEdits(lines, edits).join('\n') };
};

describe('quick fixes', () => {
  const LOGITS = '3 of 4 y_pred value(s) lie outside [0, 1] ... Set from_logits=True, or apply sigmoid/softmax to the model output.';
  it('inserts from_logits=True into an empty constructor above the call', () => {
    const src = 'import keras\nbce = keras.losses.BinaryCrossentropy()\nprint(bce(y_true, y_pred).numpy())';
    const { edits, text } = fix(src, 2, LOGITS);
    assert.equal(edits.length, 1);
    assert.equal(edits[0].title, 'Set from_logits=True');
    assert.equal(text.split('\n')[1], 'bce = keras.losses.BinaryCrossentropy(from_logits=True)');
  });
  it('inserts before other arguments and replaces an existing value', () => {
    assert.equal(fix('l = losses.CategoricalCrossentropy(label_smoothing=0.1)(t, p)', 0, LOGITS).text, 'l = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(t, p)');
    assert.equal(fix('l = losses.CategoricalCrossentropy(from_logits=False)(t, p)', 0, LOGITS).text, 'l = losses.CategoricalCrossentropy(from_logits=True)(t, p)');
    assert.equal(fix('v = keras.losses.binary_crossentropy(t, p, from_logits=True)', 0, 'looks like probabilities. Set from_logits=False, or feed …').text, 'v = keras.losses.binary_crossentropy(t, p, from_logits=False)');
  });
  it('skips losses without from_logits (MSE above the BCE is not touched)', () => {
    const src = 'a = keras.losses.BinaryCrossentropy()\nb = keras.losses.MeanSquaredError()\nprint(a(t, p))';
    assert.equal(fix(src, 2, LOGITS).text.split('\n')[0], 'a = keras.losses.BinaryCrossentropy(from_logits=True)');
  });
  it('switches CCE to SCCE for integer labels, keeping the module path', () => {
    const msg = 'y_true contains 2 value(s) greater than 1: CategoricalCrossentropy expects one-hot (or probability) labels. Integer class indices belong to SparseCategoricalCrossentropy.';
    assert.equal(fix('cce = tf.keras.losses.CategoricalCrossentropy(from_logits=True)\ncce(t, p)', 1, msg).text.split('\n')[0], 'cce = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)');
    assert.equal(fix('v = keras.losses.categorical_crossentropy(t, p)', 0, msg).text, 'v = keras.losses.sparse_categorical_crossentropy(t, p)');
    assert.equal(fix("model.compile(loss='categorical_crossentropy')", 0, msg).text, "model.compile(loss='sparse_categorical_crossentropy')");
  });
  it('switches SCCE to CCE for one-hot labels', () => {
    const msg = 'y_true has the shape of y_pred, so it looks one-hot encoded: use CategoricalCrossentropy, or pass the class indices';
    assert.equal(fix('s = SparseCategoricalCrossentropy()\ns(t, p)', 1, msg).text.split('\n')[0], 's = CategoricalCrossentropy()');
  });
  it('no fix when nothing matches', () => {
    assert.deepEqual(fix('x = 1', 0, LOGITS).edits, []);
    assert.deepEqual(fix('bce = keras.losses.BinaryCrossentropy()', 0, 'some other warning').edits, []);
  });
});
