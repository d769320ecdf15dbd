/**
 * The result hover's rows in the other frameworks for torch results (model/resultCompare.ts): the request a Compute
 * Loss job stores is turned into a compare request with its torch dtypes and every argument by torch's name. Before,
 * 0/1 float targets of a functional call and the calls of (input1, input2, target) / (anchor, positive, negative)
 * losses got no rows. Expected numbers are the torch result's own value (the source row must repeat it).
 */
import * as assert from 'node:assert/strict';
import { runJob } from '../../../src/extension/jobs';
import { compareOf, compareRequestOf } from '../../../src/extension/model/resultCompare';
import { compareFrameworks } from '../../../src/core/compare';

const limits = { maxInputChars: 1_000_000, maxDepth: 32 };
const HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

async function stored(line: string) {
  const out = await runJob({ kind: 'snippet', text: HEAD + line + '\n', limits } as never);
  assert.deepEqual(out.diagnostics.filter((d) => d.severity === 'error'), []);
  const r = out.results[0];
  assert.ok(r.request, 'the job stores a request');
  return r;
}

describe('result hover: compare rows of torch results', () => {
  it('F.binary_cross_entropy with 0/1 float targets: rows on float targets (not int64 labels), Keras BinaryCrossentropy the same', async () => {
    const r = await stored('loss = F.binary_cross_entropy(torch.tensor([0.2, 0.9, 0.4]), torch.tensor([0., 1., 1.]))');
    assert.deepEqual(r.request!.dtypes, { input: 'float32', target: 'float32' });
    const c = compareOf(r.request)!;
    assert.ok(c, 'rows for a torch functional call');
    const src = c.rows.find((x) => x.role === 'source')!;
    assert.equal(src.value, r.result.value.data[0]);
    const keras = c.rows.find((x) => x.call === 'keras.losses.BinaryCrossentropy()(y_true, y_pred)')!;
    assert.equal(keras.same_as_source, true);
    // the same numbers without the dtypes are int64 targets, which torch's BCE refuses: the dtypes are what keeps them floats
    const { dtypes: _d, ...bare } = compareRequestOf(r.request)!;
    assert.throws(() => compareFrameworks(bare), /Float|float|dtype|Long/);
  });

  it('nn.BCELoss on two selected arrays (0/1 float target): the Keras row equals the source', async () => {
    const out = await runJob({ kind: 'arrays', text: 'input = [0.2, 0.9]\ntarget = [0.0, 1.0]', loss: 'nn.BCELoss', config: {}, limits, swap: false } as never);
    const r = out.results[0];
    const c = compareOf(r.request)!;
    assert.equal(c.rows.find((x) => x.role === 'source')!.value, r.result.value.data[0]);
    assert.ok(c.rows.some((x) => x.call.startsWith('keras.losses.BinaryCrossentropy()') && x.same_as_source));
  });

  it('nn.CosineEmbeddingLoss (input1, input2, target) and nn.TripletMarginLoss (anchor, positive, negative): every argument by its name', async () => {
    const cos = await stored('loss = nn.CosineEmbeddingLoss()(torch.tensor([[0.2, 0.9], [1.0, -0.5]]), torch.tensor([[0.3, 1.0], [0.5, 0.5]]), torch.tensor([1, 1]))');
    const cc = compareOf(cos.request)!;
    assert.ok(cc, 'rows for CosineEmbeddingLoss');
    assert.equal(cc.rows.find((x) => x.role === 'source')!.value, cos.result.value.data[0]);
    assert.ok(cc.rows.some((x) => x.framework === 'keras3'), cc.rows.map((x) => x.call).join(' | '));
    const tri = await stored('loss = nn.TripletMarginLoss()(torch.tensor([[0.2, 0.9]]), torch.tensor([[0.3, 1.0]]), torch.tensor([[1.0, 2.0]]))');
    const tc = compareOf(tri.request)!;
    assert.ok(tc, 'rows for TripletMarginLoss');
    assert.equal(tc.rows.find((x) => x.role === 'source')!.value, tri.result.value.data[0]);
    assert.deepEqual(Object.keys(compareRequestOf(tri.request)!.args!), ['anchor', 'positive', 'negative']);
  });

  it('Keras function forms still have no rows; Keras classes keep theirs', () => {
    assert.equal(compareRequestOf({ loss: 'keras.losses.mean_squared_error', mode: 'function', yTrue: [1], yPred: [2] }), null);
    assert.ok(compareOf({ loss: 'MeanSquaredError', mode: 'class', yTrue: [1, 0], yPred: [0.5, 0.5] })!.rows.length > 1);
  });
});
