'use strict';
const assert = require('assert');
const { open, posOf, hoverText, compute, waitFor } = require('./helpers');

// [file, needle, offset into the needle, what the hover must say]
const CASES = [
  ['names.py', 'CategoricalCrossentropy()', 3, /keras\.losses\.CategoricalCrossentropy/],
  ['names.py', 'tf.keras.losses.CategoricalCrossentropy', 20, /keras\.losses\.CategoricalCrossentropy/],
  ['names.py', 'keras.losses.Huber', 14, /keras\.losses\.Huber/],
  ['names.py', "'mse'", 2, /keras\.losses\.MeanSquaredError/],
  ['names.py', 'tfa.losses.SigmoidFocalCrossEntropy', 15, /tfa\.losses\.SigmoidFocalCrossEntropy/],
  ['names.py', 'torch.nn.CrossEntropyLoss', 12, /CrossEntropyLoss[\s\S]*keras\.losses\.(Sparse)?CategoricalCrossentropy|keras\.losses\.(Sparse)?CategoricalCrossentropy[\s\S]*CrossEntropyLoss/],
  ['names.py', 'optax.softmax_cross_entropy', 8, /softmax_cross_entropy[\s\S]*keras\.losses\.CategoricalCrossentropy|keras\.losses\.CategoricalCrossentropy[\s\S]*softmax_cross_entropy/],
  ['names.ts', 'tf.losses.meanSquaredError', 12, /keras\.losses\.MeanSquaredError/],
];

suite('hover on loss names', () => {
  for (const [file, needle, at, re] of CASES) {
    test(`${file}: ${needle}`, async () => {
      const { doc } = await open(file);
      const text = await hoverText(doc.uri, posOf(doc, needle, at));
      assert.match(text, re, `hover was: ${text.slice(0, 300)}`);
    });
  }

  test('the hover carries the loss/gradient image as a data: URI', async () => {
    const { doc } = await open('names.py');
    const text = await hoverText(doc.uri, posOf(doc, 'CategoricalCrossentropy()', 3));
    assert.match(text, /!\[[^\]]*\]\(data:image\/(svg\+xml|png);base64,[A-Za-z0-9+/=]{200,}/);
  });

  test('Elsewhere, computed: on the numbers of the evaluated call below the constructor, each port with its value and condition', async () => {
    const { doc } = await open('seeds.py');
    await compute({ uri: doc.uri.toString() });
    const at = posOf(doc, 'cross_entropy_loss = CategoricalCrossentropy()', 24);
    const text = await waitFor(async () => { const t = await hoverText(doc.uri, at); return /Elsewhere, computed\*\* on the numbers of the call on line 9/.test(t) && t; }, 15000, 'the computed rows on the call\'s numbers');
    assert.match(text, /`keras\.losses\.CategoricalCrossentropy\(\)\(y_true, y_pred\)` = 0\.2876821/);
    assert.match(text, /PyTorch: `nn\.NLLLoss\(\)\(torch\.log\(y_pred\), y_true\.argmax\(1\)\)` = 0\.287682\d* \(same when y\\?_pred are probabilities/);
    assert.match(text, /PyTorch: `nn\.CrossEntropyLoss\(\)\(logits, y_true\.argmax\(1\)\)` = [\d.]+ \(same when y\\?_pred are logits and from\\?_logits=True; on probabilities it gives [\d.]+: CrossEntropyLoss applies log\\?_softmax/);
  });

  test('no Loss Inspector hover on other names (len, Math.max)', async () => {
    const py = await open('names.py');
    assert.doesNotMatch(await hoverText(py.doc.uri, posOf(py.doc, 'len(names)', 1)), /keras\.losses|tfa\.losses/);
    const ts = await open('names.ts');
    assert.doesNotMatch(await hoverText(ts.doc.uri, posOf(ts.doc, 'Math.max', 6)), /keras\.losses|tfa\.losses/);
  });
});
