/** Keras 3 CTC: the Keras test value, an independent brute-force oracle over every alignment, errors. */
import * as assert from 'node:assert/strict';
import { evaluate, LossInspectorError, toNested } from '../../../src/core';
import { assertClose, value, numericGrad } from '../helpers';

/** Brute force: enumerate all C^T frame labelings, keep those that collapse to `target`; returns −log p and softmax − occupancy. */
function bruteForce(logits: number[][], target: number[]): { loss: number; grad: number[][] } {
  const T = logits.length, C = logits[0].length;
  const probs = logits.map((row) => { const m = Math.max(...row); const e = row.map((x) => Math.exp(x - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((x) => x / s); });
  let total = 0;
  const occ = logits.map((row) => row.map(() => 0));
  const path = new Array<number>(T).fill(0);
  const visit = (t: number): void => {
    if (t === T) {
      const collapsed: number[] = [];
      for (let i = 0; i < T; i++) if (path[i] !== 0 && (i === 0 || path[i] !== path[i - 1])) collapsed.push(path[i]);
      if (collapsed.length !== target.length || collapsed.some((c, i) => c !== target[i])) return;
      let pr = 1;
      for (let i = 0; i < T; i++) pr *= probs[i][path[i]];
      total += pr;
      for (let i = 0; i < T; i++) occ[i][path[i]] += pr;
      return;
    }
    for (let c = 0; c < C; c++) { path[t] = c; visit(t + 1); }
  };
  visit(0);
  return { loss: -Math.log(total), grad: probs.map((row, t) => row.map((p, c) => p - occ[t][c] / total)) };
}

// keras/src/losses/losses_test.py CTCTest fixture: (arange(24).reshape(2,4,3) − 12) / 100
const LOGITS = [0, 1].map((b) => [0, 1, 2, 3].map((t) => [0, 1, 2].map((c) => (b * 12 + t * 3 + c - 12) / 100)));

describe('CTC (Keras 3)', () => {
  it('CTCTest.test_correctness: 2.448645 (y_true [[1,2,1,0],[1,2,0,2]])', () =>
    assertClose(value({ loss: 'CTC', yTrue: [[1, 2, 1, 0], [1, 2, 0, 2]], yPred: LOGITS }), 2.448645));

  const tiny: [string, number[][], number[]][] = [
    ['T=3, C=3, label [1, 2]', [[0.3, -0.2, 0.9], [1.1, 0.4, -0.7], [-0.5, 0.8, 0.2]], [1, 2]],
    ['T=3, C=3, repeated label [1, 1] (needs a blank between)', [[0.3, -0.2, 0.9], [1.1, 0.4, -0.7], [-0.5, 0.8, 0.2]], [1, 1]],
    ['T=3, C=3, single label [2]', [[2.0, -1.0, 0.5], [0.1, 0.2, 0.3], [-0.4, 1.5, 0.0]], [2]],
    ['T=4, C=3, label [2, 1, 2]', [[0.2, 0.1, 0.7], [0.3, 0.9, -0.1], [1.2, -0.3, 0.4], [0.0, 0.5, 1.0]], [2, 1, 2]],
  ];
  for (const [name, logits, target] of tiny) {
    it(`value and gradient equal the brute-force sum over alignments: ${name}`, () => {
      const S = 3;
      const yTrue = [[...target, ...new Array(S - target.length).fill(0)]];
      const r = evaluate({ loss: 'CTC', yTrue, yPred: [logits], config: { dtype: 'float64', reduction: 'none' } });
      const bf = bruteForce(logits, target);
      assertClose(r.value.data[0], bf.loss, 1e-12, 1e-12);
      assertClose(toNested(r.grad), [bf.grad], 1e-10, 1e-12);
    });
  }
  it('per-sequence values are not divided by the label length; the default reduction averages over the batch', () => {
    const yt = [[1, 2, 0], [2, 0, 0]];
    const yp = [tiny[0][1], tiny[2][1]];
    const none = value({ loss: 'CTC', yTrue: yt, yPred: yp, config: { reduction: 'none', dtype: 'float64' } }) as number[];
    assertClose(none, [bruteForce(tiny[0][1], [1, 2]).loss, bruteForce(tiny[2][1], [2]).loss], 1e-12, 1e-12);
    assertClose(value({ loss: 'CTC', yTrue: yt, yPred: yp, config: { dtype: 'float64' } }), (none[0] + none[1]) / 2, 1e-12);
  });
  it('gradient rows sum to 0 for clean labels', () => {
    const r = evaluate({ loss: 'ctc', yTrue: [[1, 2, 1, 0], [1, 2, 2, 0]], yPred: LOGITS, config: {} });
    const g = r.grad.data;
    for (let row = 0; row < g.length / 3; row++) assert.ok(Math.abs(g[row * 3] + g[row * 3 + 1] + g[row * 3 + 2]) < 1e-6);
  });
  it('a 0 inside the labels: warned, and TF drops that state from the gradient (rows no longer sum to 0)', () => {
    const r = evaluate({ loss: 'CTC', yTrue: [[1, 2, 0, 2]], yPred: [LOGITS[1]], config: { dtype: 'float64' } });
    assert.ok(r.trace.warnings.some((w) => w.code === 'ctc-interior-zero' && /FIRST 3 positions \[1, 2, 0\]/.test(w.message)));
    const g = r.grad.data;
    const rowSums = [0, 1, 2, 3].map((t) => g[t * 3] + g[t * 3 + 1] + g[t * 3 + 2]);
    assert.ok(rowSums.some((s) => s > 1e-3), `row sums ${rowSums}`);
  });
  it('labels longer than the frames: no alignment, TF-like large finite loss and a warning', () => {
    const r = evaluate({ loss: 'CTC', yTrue: [[1, 1, 2]], yPred: [[[0, 0, 0], [0, 0, 0], [0, 0, 0]]] });
    assert.ok(Number.isFinite(r.value.data[0]) && r.value.data[0] > 700);
    assert.ok(r.trace.warnings.some((w) => w.code === 'ctc-infeasible' && /needs 4 frames/.test(w.message)));
    assert.ok(!evaluate({ loss: 'CTC', yTrue: [[1, 2, 2]], yPred: [[[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]] }).trace.warnings.some((w) => w.code === 'ctc-infeasible'));
  });
  it('bad shapes and labels are clear errors', () => {
    assert.throws(() => evaluate({ loss: 'CTC', yTrue: [1, 2], yPred: LOGITS }), (e: unknown) => e instanceof LossInspectorError && /CTC: argument `y_true`: expected integer labels of shape \(batch_size, max_length\)/.test(e.message));
    assert.throws(() => evaluate({ loss: 'CTC', yTrue: [[1, 2]], yPred: [[0.1, 0.2, 0.3]] }), /CTC: argument `y_pred`: expected logits of shape \(batch_size, max_length, num_classes\)/);
    assert.throws(() => evaluate({ loss: 'CTC', yTrue: [[1, 3, 0, 0], [1, 0, 0, 0]], yPred: LOGITS }), /CTC: argument `y_true`: label 3 at \[0, 1\] is out of range: labels must be integers in \[0, 3\)/);
    assert.throws(() => evaluate({ loss: 'CTC', yTrue: [[1, -1, 0, 0], [1, 0, 0, 0]], yPred: LOGITS }), /label -1 .* out of range/);
    assert.throws(() => evaluate({ loss: 'CTC', yTrue: [[1, 2, 0, 0]], yPred: LOGITS }), /must have the same batch size/);
  });
});

describe('CTC gradients vs finite differences (other configurations)', () => {
  const r = (k: number) => Math.sin(1.7 * k + 0.3) * 1.5;
  const logits = (B: number, T: number, C: number) => Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from({ length: C }, (_, c) => r(b * 100 + t * 10 + c))));
  const cases: [string, number[][], number, number][] = [
    ['T=6, C=4, repeats and padding', [[2, 2, 3, 0], [1, 3, 1, 1]], 6, 4],
    ['T=2, C=2, single label', [[1, 0]], 2, 2],
    ['T=7, C=5, empty label row (all blanks)', [[0, 0, 0], [4, 1, 0]], 7, 5],
  ];
  for (const [name, yTrue, T, C] of cases) {
    it(name, () => {
      const req = { loss: 'CTC', yTrue, yPred: logits(yTrue.length, T, C), sampleWeight: yTrue.map((_, i) => [0.5 + i]), config: { dtype: 'float64' } } as const;
      const res = evaluate(req);
      const num = numericGrad(req);
      for (let i = 0; i < num.length; i++) assert.ok(Math.abs(res.grad.data[i] - num[i]) <= 1e-5 + 1e-4 * Math.abs(num[i]), `grad[${i}]: ${res.grad.data[i]} vs ${num[i]}`);
    });
  }
  it('an empty label row is −Σ log p(blank)', () => {
    const lg = logits(1, 4, 3)[0];
    const expected = -lg.reduce((s, row) => s + row[0] - Math.log(row.reduce((a, x) => a + Math.exp(x), 0)), 0);
    assertClose(value({ loss: 'CTC', yTrue: [[0, 0]], yPred: [lg], config: { dtype: 'float64' } }), expected, 1e-12, 1e-12);
  });
});

describe('CTC names', () => {
  it('ctc / CTC resolve; torch and optax names are declared for the hover', async () => {
    const { resolveLoss, getSpec } = await import('../../../src/core');
    assert.equal(resolveLoss('ctc').spec.id, 'CTC');
    assert.equal(resolveLoss('keras.losses.CTC').kind, 'class');
    for (const n of ['nn.CTCLoss', 'optax.ctc_loss']) assert.ok(getSpec('CTC').foreignNames!.includes(n), n);
  });
});
