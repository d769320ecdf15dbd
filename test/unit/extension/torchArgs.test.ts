/** Two selected arrays given to a torch loss: the document's framework, input/target placement, Swap, dtypes. */
import * as assert from 'node:assert/strict';
import { assignedNames, frameworkOfText, literalDtype, looksSwapped, rolesReason, rolesText, swapPair, torchRoles } from '../../../src/extension/model/torchArgs';

describe('torch arguments: the document\'s framework', () => {
  const cases: [string, string | undefined][] = [
    ['import torch\nimport torch.nn as nn\n', 'torch'],
    ['from torch import nn\n', 'torch'],
    ['import numpy as np\nimport torch.nn.functional as F\n', 'torch'],
    ['import tensorflow as tf\n', 'keras'],
    ['import keras\nfrom keras import losses\n', 'keras'],
    ['from tensorflow import keras\n', 'keras'],
    ['import optax\nimport jax.numpy as jnp\n', 'optax'],
    ['import tensorflow_addons as tfa\nimport tensorflow as tf\n', 'tfa'],
    // the first framework import decides when a file has two
    ['import tensorflow as tf\nimport torch\n', 'keras'],
    ['import torch\nimport tensorflow as tf\n', 'torch'],
    // no import: the names used
    ['loss = nn.CrossEntropyLoss()\n', 'torch'],
    ['y = torch.tensor([1, 2])\n', 'torch'],
    ['l = keras.losses.Huber()\n', 'keras'],
    ['l = optax.l2_loss(p, t)\n', 'optax'],
    ['# import torch\ny_true = [1, 0]\n', undefined],
    ['y_true = [1, 0]\ny_pred = [0.2, 0.8]\n', undefined],
    ['const yTrue = [1, 0];\n', undefined],
  ];
  for (const [text, want] of cases) it(`${JSON.stringify(text.split('\n')[0])} → ${want}`, () => assert.equal(frameworkOfText(text), want));
  it('reads only the head of a huge file', () => {
    assert.equal(frameworkOfText('x = [' + '0.5, '.repeat(100_000) + ']\nimport torch\n'), undefined);
    assert.equal(frameworkOfText('import torch\nx = [' + '0.5, '.repeat(100_000) + ']\n'), 'torch');
  });
});

describe('torch arguments: which array is input, which target', () => {
  const two = ['input', 'target'];
  it('unnamed arrays: the selection order, prediction first (torch\'s order)', () => {
    assert.deepEqual(torchRoles([null, null], two), { items: [0, 1], byName: false, swapped: false });
  });
  it('names decide over the order, in either spelling', () => {
    assert.deepEqual(torchRoles(['labels', 'logits'], two).items, [1, 0]);
    assert.deepEqual(torchRoles(['y_true', 'y_pred'], two).items, [1, 0]);
    assert.deepEqual(torchRoles(['target', 'input'], two).items, [1, 0]);
    assert.deepEqual(torchRoles(['y_pred', 'y_true'], two).items, [0, 1]);
    assert.equal(torchRoles(['labels', 'logits'], two).byName, true);
  });
  it('one name places the other array too', () => {
    assert.deepEqual(torchRoles([null, 'logits'], two).items, [1, 0]);
    assert.deepEqual(torchRoles(['target', null], two).items, [1, 0]);
  });
  it('names that mean nothing keep the order', () => {
    assert.deepEqual(torchRoles(['a', 'b'], two), { items: [0, 1], byName: false, swapped: false });
  });
  it('Swap exchanges input and target after placement', () => {
    assert.deepEqual(torchRoles([null, null], two, true), { items: [1, 0], byName: false, swapped: true });
    assert.deepEqual(torchRoles(['labels', 'logits'], two, true).items, [0, 1]);
  });
  it('three-argument losses: own names, then order; Swap takes input and target where both exist', () => {
    assert.deepEqual(torchRoles(['var', 'y_true', 'mu'], ['input', 'target', 'var']).items, [2, 1, 0]);
    assert.deepEqual(torchRoles([null, null, null], ['anchor', 'positive', 'negative']).items, [0, 1, 2]);
    assert.deepEqual(swapPair(['input', 'target', 'var']), [0, 1]);
    assert.deepEqual(swapPair(['input1', 'input2', 'target']), [0, 1]);
    assert.deepEqual(torchRoles([null, null, null], ['input', 'target', 'var'], true).items, [1, 0, 2]);
  });
  it('the note names each array by its name or position and line, and says why', () => {
    const r = torchRoles(['labels', 'logits'], two);
    assert.equal(rolesText(r, two, [{ name: 'labels', line: 3 }, { name: 'logits', line: 4 }]), 'input ← `logits` (line 4), target ← `labels` (line 3)');
    assert.match(rolesReason(r), /names/);
    const o = torchRoles([null, null], two);
    assert.equal(rolesText(o, two, [{ name: null, line: 1 }, { name: null, line: 2 }]), 'input ← the first array (line 1), target ← the second array (line 2)');
    assert.match(rolesReason(o), /order selected.*prediction first.*Keras/);
    assert.match(rolesReason(torchRoles([null, null], two, true)), /swapped/);
  });
  it('an integer input with a fractional target looks like Keras\'s order', () => {
    assert.equal(looksSwapped(two, { input: 'int64', target: 'float32' }), true);
    assert.equal(looksSwapped(two, { input: 'float32', target: 'int64' }), false);
    assert.equal(looksSwapped(two, { input: 'float32', target: 'float32' }), false);
  });
  it('assigned names are read without parsing the numbers', () => {
    assert.deepEqual(assignedNames('y_true = [1, 0]\ny_pred = np.array([0.2, 0.8], dtype=np.float32)\n'), ['y_true', 'y_pred']);
    assert.deepEqual(assignedNames('const yTrue = [1, 0]; let logits: number[] = [0.2, 0.8];'), ['yTrue', 'logits']);
    assert.equal(assignedNames('[1, 0]\n[0.2, 0.8]'), null);
  });
});

describe('torch arguments: the dtype torch.tensor infers from the literal', () => {
  const cases: [string, string][] = [
    ['[0, 2, 1]', 'int64'],
    ['[[1, 0], [0, 1]]', 'int64'],
    ['[0., 2, 1]', 'float32'],
    ['[0, 2.5]', 'float32'],
    ['[.5, 1]', 'float32'],
    ['[1e-3, 2]', 'float32'],
    ['[1, nan]', 'float32'],
    ['np.array([0, 1])', 'int64'],
    ['np.array([0, 1], dtype=np.float32)', 'float32'],
    ['torch.tensor([0, 1], dtype=torch.float64)', 'float64'],
    ['torch.tensor([0.5, 1.5], dtype=torch.double)', 'float64'],
    ["np.array([0.5, 1.5], dtype='float64')", 'float64'],
    ['torch.tensor([0.5, 1.5]).long()', 'int64'],
    ['torch.tensor([1, 2]).float()', 'float32'],
    ['torch.tensor([1, 2], requires_grad=True)', 'int64'],
    ['[]', 'float32'],
    ['[[], []]', 'float32'],
    ['np.array([])', 'float32'],
  ];
  for (const [text, want] of cases) it(`${text} → ${want}`, () => assert.equal(literalDtype(text), want));
});
