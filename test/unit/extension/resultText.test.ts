/** Inline decoration text, its hover, and the clipboard literal. */
import * as assert from 'node:assert/strict';
import { evaluate } from '../../../src/core/evaluate';
import { tensor, scalar } from '../../../src/core/tensor';
import { decorationText, resultHoverMarkdown, pythonLiteral, formatNumber, inlineTensor, compareTableMarkdown } from '../../../src/extension/model/resultText';
import { compareFrameworks } from '../../../src/core/compare';

describe('result text', () => {
  const r = evaluate({ loss: 'mse', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]] });
  it('decoration shows the value as Keras prints it', () => {
    assert.equal(decorationText(r), '→ 0.31');
    assert.equal(decorationText(evaluate({ loss: 'mse', yTrue: [[1]], yPred: [[1 / 3]] })), '→ 0.44444442');
  });
  it('precision other than 7 rounds', () => {
    assert.equal(formatNumber(0.44444448, 3), '0.444');
    assert.equal(formatNumber(2, 3), '2.0');
    assert.equal(formatNumber(1.23456e-9, 3), '1.23e-09');
    assert.equal(formatNumber(NaN, 3), 'nan');
  });
  it('tensors are elided with their shape', () => {
    assert.equal(inlineTensor(tensor([1, 2], [2])), '[1.0, 2.0]');
    assert.equal(inlineTensor(tensor(Array.from({ length: 20 }, (_, i) => i), [4, 5]), 7, 3), '[0.0, 1.0, 2.0, …] shape (4, 5)');
  });
  it('results with warnings are marked', () => {
    const w = evaluate({ loss: 'mse', yTrue: [[1], [2], [3]], yPred: [[1, 2, 3]] });
    assert.ok(w.trace.warnings.some((x) => x.code === 'outer-product'));
    assert.match(decorationText(w), /⚠$/);
    assert.doesNotMatch(decorationText(r), /⚠/);
  });
  it('hover shows reduction numerator and divisor, per-sample values, gradient, notes and links', () => {
    const md = resultHoverMarkdown(r, { notes: ['skipped print()'], links: [{ label: 'Open in panel', uri: 'command:lossInspector.openPanel?%5B%5D' }] });
    assert.match(md, /\*\*mean_squared_error\*\*|\*\*MeanSquaredError\*\*/);
    assert.match(md, /`reduction='sum_over_batch_size'`/);
    assert.match(md, /\*\*Reduction\*\* `sum_over_batch_size`: 0\.62 \/ 2\.0 \(elements\) = 0\.31\./);
    assert.match(md, /\*\*Per-sample values\*\*\n\n```python\narray\(\[0\.36      , 0\.26000002\], dtype=float32\)\n```/);
    assert.match(md, /\*\*Gradient\*\* d\(result\)\/d\(y_pred\)/);
    assert.match(md, /- skipped print\(\)/);
    assert.match(md.split('\n\n')[1], /^\[Open in panel\]\(command:lossInspector\.openPanel\?%5B%5D\)$/, 'links right under the title');
  });
  it('python literal', () => {
    assert.equal(pythonLiteral(scalar(Math.fround(0.2876821))), '0.2876821');
    assert.equal(pythonLiteral(tensor([0.5, NaN, Infinity, -Infinity], [2, 2])), 'np.array([[0.5, np.nan], [np.inf, -np.inf]], dtype=np.float32)');
    assert.equal(pythonLiteral(scalar(NaN)), 'float(np.nan)');
    assert.equal(pythonLiteral(tensor([], [0])), 'np.array([], dtype=np.float32)');
  });
});

describe('result hover: the other frameworks\' rows', () => {
  it('one compact table (framework, value, same, call) with each differing row\'s why, computed from the call', () => {
    const req = { loss: 'Huber', yTrue: [[0, 1]], yPred: [[0.3, 2.5]], config: { delta: 0.5 } };
    const c = compareFrameworks(req);
    const md = resultHoverMarkdown(evaluate(req), { compare: c });
    assert.match(md, /\*\*In other frameworks\*\*/);
    assert.match(md, /\| Framework \| Value \| Same \| Call \|/);
    assert.match(md, /\| pytorch \| 0\.335 \| yes \| `nn\.HuberLoss\(delta=0\.5\)\(y_pred, y_true\)` \|/);
    const smooth = c.rows.findIndex((r) => r.call.startsWith('nn.SmoothL1Loss'));
    assert.match(md, new RegExp(`\\| no ⁽${smooth}⁾ \\|`));
    assert.match(md, new RegExp(`⁽${smooth}⁾ SmoothL1Loss\\(beta\\) = Huber`));
    assert.doesNotMatch(resultHoverMarkdown(evaluate(req)), /In other frameworks/);
  });
  it('an unreduced row says "per example" instead of a long vector', () => {
    const c = compareFrameworks({ loss: 'SparseCategoricalCrossentropy', config: { from_logits: true }, yTrue: [1], yPred: [[0.1, 2.0]] });
    assert.match(compareTableMarkdown(c), /\| optax \| per example \| no ⁽\d+⁾ \|/);
  });
});
