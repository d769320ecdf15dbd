/**
 * torch snippets through the one Python evaluator: every loss call is a result on its line printed as torch prints
 * it, loss.backward() fills .grad, and what the snippet prints (stdout) is exactly what torch 1.13 printed when
 * scripts/fixtures/torch_losses.py ran test/fixtures/torch/snippets/*.py (the .stdout files beside them).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateSnippet } from '../../../src/core/python';

const DIR = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'torch', 'snippets');

describe('torch snippets', () => {
  for (const f of fs.readdirSync(DIR).filter((x) => x.endsWith('.py'))) {
    it(`${f}: stdout exactly as torch printed it`, () => {
      const r = evaluateSnippet(fs.readFileSync(path.join(DIR, f), 'utf8'));
      assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual(r.stdoutGaps, []);
      assert.equal(r.stdout, fs.readFileSync(path.join(DIR, f.replace(/\.py$/, '.stdout')), 'utf8'));
    });
  }
  it('tutorial.py: each loss call is a result on its line, printed as torch prints it, with the broadcast warning', () => {
    const r = evaluateSnippet(fs.readFileSync(path.join(DIR, 'tutorial.py'), 'utf8'));
    const byLine = new Map(r.results.map((x) => [x.line, x]));
    assert.equal(byLine.get(9)?.printed, 'tensor(0.7065, grad_fn=<NllLossBackward0>)');
    assert.equal(byLine.get(9)?.result.reduction?.divisor, 3);
    assert.equal(byLine.get(17)?.printed, 'tensor(0.9341, grad_fn=<AddBackward0>)');
    const mse = byLine.get(28)!;
    assert.match(mse.result.trace.warnings.map((w) => w.message).join('\n'), /Using a target size \(torch\.Size\(\[3\]\)\) that is different to the input size \(torch\.Size\(\[3, 1\]\)\)/);
  });
  it('a print we cannot reproduce is left out and named; backward on a tensor without grad is torch\'s error', () => {
    // softmax's sum is exactly 1 in float64; torch's float32 may print 1.0000 or 1.: not guessed
    const src = 'import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = torch.softmax(x, dim=0).sum()\nprint(y)\nprint("after")\nz = torch.tensor([1.0])\nz.backward()\n';
    const r = evaluateSnippet(src);
    assert.equal(r.stdout, 'after\n');
    assert.deepEqual(r.stdoutGaps, [4]);
    assert.ok(r.diagnostics.some((d) => d.line === 4 && /not reproduced/.test(d.message)));
    assert.ok(r.diagnostics.some((d) => d.line === 7 && /does not require grad/.test(d.message)));
  });
  it('torch.tensor infers int64 from integer literals: a float target of the input\'s shape is a probability target', () => {
    const r = evaluateSnippet('import torch\nimport torch.nn.functional as F\nx = torch.tensor([[1.0, 2.0, 0.5]])\na = F.cross_entropy(x, torch.tensor([1]))\nb = F.cross_entropy(x, torch.tensor([[0.0, 1.0, 0.0]]))\nc = F.cross_entropy(x, torch.tensor([1.0]))\n');
    assert.equal(r.results.find((x) => x.line === 4)?.printed, r.results.find((x) => x.line === 5)?.printed);
    assert.ok(r.diagnostics.some((d) => d.line === 6 && /expected scalar type Long but found Float/.test(d.message)));
  });
});
