/**
 * torch 2.x differences that change a number, noted where they apply (TORCH_SEMANTICS.md, "torch 1.13 compared with
 * current 2.x"): the note appears on exactly the calls it concerns, and the 1.13 errors for what newer torch accepts
 * say so. The numbers stay torch 1.13's (checked by the fixtures).
 */
import * as assert from 'node:assert/strict';
import { evaluateTorch, LossInspectorError } from '../../../src/core';
import { evaluateSnippet } from '../../../src/core/python';

const notesOf = (req: Parameters<typeof evaluateTorch>[0]) => evaluateTorch(req).trace.notes.filter((n) => /torch 2\.x/.test(n));

describe('torch 2.x differences, noted where they apply', () => {
  it('SmoothL1Loss(beta=0): a zero residual gets 1.13\'s gradient −1/N with a note that newer torch gives 0', () => {
    const r = evaluateTorch({ loss: 'nn.SmoothL1Loss', config: { beta: 0 }, args: { input: [0.5, 1.0, 2.0], target: [0.0, 1.0, 2.5] } });
    assert.deepEqual(Array.from(r.grads.input.data).map((g) => Math.round(g * 3)), [1, -1, -1]);
    const n = r.trace.notes.filter((x) => /torch 2\.x/.test(x));
    assert.equal(n.length, 1);
    assert.match(n[0], /1 zero residual is 0 instead of torch 1\.13's −1\/N/);
    assert.deepEqual(notesOf({ loss: 'nn.SmoothL1Loss', config: { beta: 0 }, args: { input: [0.5, 1.0], target: [0.0, 0.0] } }), [], 'no zero residual: nothing differs');
    assert.deepEqual(notesOf({ loss: 'nn.SmoothL1Loss', config: { beta: 1 }, args: { input: [0.5, 1.0], target: [0.5, 0.0] } }), [], 'beta > 0: nothing differs');
    assert.deepEqual(notesOf({ loss: 'nn.L1Loss', args: { input: [0.5, 1.0], target: [0.5, 0.0] } }), []);
  });

  it('the note reaches the snippet result (hover) of a torch snippet', () => {
    const r = evaluateSnippet('import torch\nimport torch.nn as nn\nx = torch.tensor([1.0, 2.0], requires_grad=True)\nl = nn.SmoothL1Loss(beta=0.0)(x, torch.tensor([1.0, 0.0]))\n');
    const res = r.results.find((x) => x.line === 4);
    assert.ok(res?.result.trace.notes.some((n) => /newer torch computes smooth_l1_loss as l1_loss/.test(n)), JSON.stringify(res?.result.trace.notes));
  });

  it('F.mse_loss(..., weight=w): torch 1.13\'s TypeError, saying that recent 2.x takes it', () => {
    assert.throws(() => evaluateTorch({ loss: 'F.mse_loss', config: { weight: [1, 2] }, args: { input: [0.5, 1.0], target: [0.0, 0.0] } }), (e: unknown) => {
      assert.ok(e instanceof LossInspectorError);
      assert.deepEqual(e.details.torch, { type: 'TypeError', message: "mse_loss() got an unexpected keyword argument 'weight'" });
      assert.match(e.message, /Recent torch 2\.x functionals \(F\.l1_loss, F\.mse_loss, F\.huber_loss\) take weight=/);
      return true;
    });
    assert.throws(() => evaluateTorch({ loss: 'nn.MSELoss', config: { weight: [1, 2] }, args: { input: [0.5, 1.0], target: [0.0, 0.0] } }), (e: unknown) => {
      assert.ok(e instanceof LossInspectorError && !/Recent torch 2\.x/.test(e.message), 'the module takes no weight in 2.x either');
      return true;
    });
    const r = evaluateSnippet('import torch\nimport torch.nn.functional as F\nx = torch.tensor([1.0, 2.0])\nl = F.huber_loss(x, x, weight=x)\n');
    assert.ok(r.diagnostics.some((d) => d.line === 4 && /huber_loss\(\) got an unexpected keyword argument 'weight'.*Recent torch 2\.x/.test(d.message)), JSON.stringify(r.diagnostics));
  });

  it('GaussianNLLLoss with a Python float var: 1.13\'s AttributeError, saying that recent 2.x accepts it', () => {
    const r = evaluateSnippet('import torch\nimport torch.nn.functional as F\nx = torch.tensor([1.0, 2.0])\nl = F.gaussian_nll_loss(x, x, 0.5)\n');
    assert.ok(r.diagnostics.some((d) => d.line === 4 && /AttributeError: 'float' object has no attribute 'size'.*Recent torch 2\.x accepts a Python float var/.test(d.message)), JSON.stringify(r.diagnostics));
  });
});
