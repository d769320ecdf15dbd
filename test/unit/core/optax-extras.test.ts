/**
 * optax.ntxent, optax.triplet_margin_loss, optax.ctc_loss and optax.smooth_labels against optax's own tests
 * (google-deepmind/optax: optax/losses/_self_supervised_test.py, _classification_test.py, _smoothing_test.py; the
 * test is named beside each expected value). The CTC tests of optax check properties on random logits (one-to-one
 * alignments, their gradient, repeated labels): the same properties are checked here on seeded pseudo-random logits.
 */
import * as assert from 'node:assert/strict';
import { evaluate, toNested, LossInspectorError, evaluateSnippet, type EvalRequest } from '../../../src/core';
import { assertClose, numericGrad } from '../helpers';

const val = (loss: string, yPred: unknown, yTrue: unknown, config: Record<string, unknown> = {}) =>
  toNested(evaluate({ loss, yPred: yPred as never, yTrue: yTrue as never, config: config as never }).value);

function gradMatches(req: EvalRequest, tol = 1e-5): void {
  const r = evaluate({ ...req, config: { ...req.config, dtype: 'float64' } });
  const num = numericGrad({ ...req, config: { ...req.config, dtype: 'float64' } });
  for (let i = 0; i < num.length; i++) {
    assert.ok(Math.abs(r.grad.data[i] - num[i]) <= tol + 1e-4 * Math.abs(num[i]), `grad[${i}]: ${r.grad.data[i]} vs ${num[i]}`);
  }
}

/** Deterministic standard-normal-ish numbers (Box–Muller on a 32-bit LCG). */
function randn(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s + 0.5) / 4294967296; };
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}
const logSoftmax = (row: number[]) => { const m = Math.max(...row); const l = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0)); return row.map((x) => x - l); };
const reshape3 = (flat: number[], B: number, T: number, K: number) => Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => flat.slice((b * T + t) * K, (b * T + t + 1) * K)));

describe('optax.ntxent (optax/losses/_self_supervised_test.py, NtxentTest)', () => {
  const ys = [[-1.954, 1.078], [0.238, -0.5703], [1.8745, -0.0195], [-0.6719, -1.921]];
  const ys2 = [[0.0, 0.0], [0.238, -0.5703], [1.8745, -0.0195], [-0.6719, -1.921]];
  it('test_batched: exp_1 = 14.01032, exp_2 = 8.968544, exp_3 = 9.2889 (atol 1e-4; ys_2 has a zero embedding)', () => {
    assertClose(val('optax.ntxent', ys, [0, 0, 1, 1]), 14.01032, 0, 1e-4);
    assertClose(val('optax.ntxent', ys, [0, 0, 0, 1]), 8.968544, 0, 1e-4);
    assertClose(val('optax.ntxent', ys2, [0, 0, 1, 1]), 9.2889, 0, 1e-4);
  });
  it('the gradient equals finite differences (temperature 0.5 and 0.07, groups of 2 and 3)', () => {
    gradMatches({ loss: 'optax.ntxent', yPred: ys, yTrue: [0, 0, 1, 1], config: { temperature: 0.5 } });
    gradMatches({ loss: 'optax.ntxent', yPred: ys, yTrue: [0, 0, 0, 1] }, 1e-4);
  });
  it('no positive pair is NaN with a warning; mismatched labels are refused naming `labels`', () => {
    const r = evaluate({ loss: 'optax.ntxent', yPred: ys, yTrue: [0, 1, 2, 3] });
    assert.ok(Number.isNaN(r.value.data[0]));
    assert.ok(r.trace.warnings.some((w) => w.code === 'optax-ntxent-no-pairs'));
    assert.throws(() => evaluate({ loss: 'optax.ntxent', yPred: ys, yTrue: [0, 0, 1] }),
      (e: unknown) => e instanceof LossInspectorError && /argument `labels`.*leading dimension 4/.test(e.message));
  });
});

describe('optax.triplet_margin_loss (optax/losses/_self_supervised_test.py, TripletMarginLossTest; the docstring example)', () => {
  const ones = [[1, 1], [1, 1]], zeros = [[0, 0], [0, 0]], twos = [[2, 2], [2, 2]];
  it('test_batched: anchor ones / positive zeros / negative twos → 1; anchor zeros / positive ones → 0', () => {
    assertClose(val('optax.triplet_margin_loss', ones, zeros, { negatives: twos }), [1, 1], 0, 1e-4);
    assertClose(val('optax.triplet_margin_loss', zeros, ones, { negatives: twos }), [0, 0], 0, 1e-4);
  });
  it('docstring: [0.1414 0.1414] for anchors [[0,0],[1,1]], positives +0.1, negatives [[1,0],[0,1]]', () => {
    assertClose(val('optax.triplet_margin_loss', [[0, 0], [1, 1]], [[0.1, 0.1], [1.1, 1.1]], { negatives: [[1, 0], [0, 1]], margin: 1.0 }), [0.1414, 0.1414], 0, 1e-4);
  });
  it('gradient with respect to the anchors (p = 2 and 3), and shape errors name the argument', () => {
    gradMatches({ loss: 'optax.triplet_margin_loss', yPred: [[0.3, -0.2, 0.5], [1, 0.4, 0.1]], yTrue: [[0.1, 0.1, 0.6], [1.1, 1.1, 0.2]], config: { negatives: [[1, 0, 0.2], [0, 1, 0.3]] } });
    gradMatches({ loss: 'optax.triplet_margin_loss', yPred: [[2.3, 1.2], [3, 2.4]], yTrue: [[0.1, 0.1], [1.1, 1.1]], config: { negatives: [[1, 0.5], [0.5, 1]], norm_degree: 3 } });
    assert.throws(() => evaluate({ loss: 'optax.triplet_margin_loss', yPred: ones, yTrue: zeros, config: { negatives: [[2, 2]] } }),
      (e: unknown) => e instanceof LossInspectorError && /argument `negatives`/.test(e.message));
    assert.throws(() => evaluate({ loss: 'optax.triplet_margin_loss', yPred: ones, yTrue: zeros }),
      (e: unknown) => e instanceof LossInspectorError && /negatives/.test(e.message));
  });
});

describe('optax.ctc_loss (optax/losses/_classification_test.py, CTCTest)', () => {
  it('test_with_one_to_one_alignment: T = N labels without repeats → −Σ_t log p(label_t)', () => {
    const B = 3, T = 12, K = 9;
    const logits = reshape3(randn(B * T * K, 1234), B, T, K);
    const u = randn(B * T * 3, 99);
    const labels = Array.from({ length: B }, (_, b) => {
      const row: number[] = [];
      for (let t = 0; t < T; t++) { let k = 1 + Math.floor(Math.abs(u[b * T + t] * 1000)) % (K - 1); if (t && k === row[t - 1]) k = k % (K - 1) + 1; row.push(k); }
      return row;
    });
    const got = val('optax.ctc_loss', logits, labels) as number[];
    for (let b = 0; b < B; b++) {
      const expected = -labels[b].reduce((s, k, t) => s + logSoftmax(logits[b][t])[k], 0);
      assertClose(got[b], expected, 1e-6);
    }
  });
  it('test_with_one_to_one_alignment_and_paddings: loss on the unpadded frames; gradient of the mean = (softmax − one_hot)/B there, 0 on padded frames', () => {
    const B = 4, T = 7, K = 13;
    const logits = reshape3(randn(B * T * K, 7), B, T, K);
    const labels = [[3, 7, 1, 12, 5, 9, 2], [11, 4, 6, 8, 1, 3, 10], [2, 9, 12, 4, 7, 6, 1], [5, 1, 8, 3, 11, 2, 4]];
    const lengths = [3, 5, 4, 3];
    const pad = lengths.map((l) => Array.from({ length: T }, (_, t) => (t < l ? 0 : 1)));
    const req: EvalRequest = { loss: 'optax.ctc_loss', yPred: logits, yTrue: labels, config: { logit_paddings: pad, label_paddings: pad } };
    const r = evaluate(req);
    for (let b = 0; b < B; b++) {
      const expected = -labels[b].slice(0, lengths[b]).reduce((s, k, t) => s + logSoftmax(logits[b][t])[k], 0);
      assertClose(r.value.data[b], expected, 1e-6);
      for (let t = 0; t < T; t++) {
        const sm = logSoftmax(logits[b][t]).map(Math.exp);
        for (let k = 0; k < K; k++) {
          const expG = t < lengths[b] ? sm[k] - (k === labels[b][t] ? 1 : 0) : 0;
          // r.grad is d(Σ per-sequence)/dlogits; the test differentiates the mean over B
          assertClose(r.grad.data[(b * T + t) * K + k] / B, expG / B, 1e-6, 1e-9);
        }
      }
    }
  });
  it('test_repeat_with_one_to_one_alignment: repeated labels need a blank between them (minimal alignments)', () => {
    const labels = [[1, 2, 2, 3], [2, 3, 4, 4], [1, 1, 1, 1], [1, 1, 2, 3], [1, 1, 1, 2]];
    const alignment = [[1, 2, 0, 2, 3], [2, 3, 4, 0, 4], [1, 0, 1, 0, 1, 0, 1], [1, 0, 1, 2, 3], [1, 0, 1, 0, 1, 2]];
    const B = 5, K = 5, N = 6, T = 7;
    const padded = labels.map((l) => [...l, 0, 0]);
    const labelPad = labels.map(() => [0, 0, 0, 0, 1, 1]);
    const logitPad = alignment.map((a) => Array.from({ length: T }, (_, t) => (t < a.length ? 0 : 1)));
    const logits = reshape3(randn(B * T * K, 4321), B, T, K);
    const got = val('optax.ctc_loss', logits, padded, { logit_paddings: logitPad, label_paddings: labelPad }) as number[];
    assert.equal(N, padded[0].length);
    for (let b = 0; b < B; b++) {
      const expected = -alignment[b].reduce((s, k, t) => s + logSoftmax(logits[b][t])[k], 0);
      assertClose(got[b], expected, 1e-6);
    }
  });
  it('the gradient through alignments with blanks equals finite differences; an infeasible label sequence costs ≈ −log_epsilon', () => {
    const logits = reshape3(randn(2 * 5 * 4, 5), 2, 5, 4);
    gradMatches({ loss: 'optax.ctc_loss', yPred: logits, yTrue: [[1, 2, 2], [3, 1, 0]], config: { label_paddings: [[0, 0, 0], [0, 0, 1]], logit_paddings: [[0, 0, 0, 0, 0], [0, 0, 0, 0, 1]] } });
    const inf = val('optax.ctc_loss', reshape3(randn(1 * 2 * 4, 6), 1, 2, 4), [[1, 2, 3]]) as number[];
    assert.ok(inf[0] > 9e4 && inf[0] < 1.1e5, String(inf[0]));
  });
  it('rank and batch errors name the argument; float labels are refused', () => {
    assert.throws(() => evaluate({ loss: 'optax.ctc_loss', yPred: [[0.1, 0.2]], yTrue: [[1]] }), (e: unknown) => e instanceof LossInspectorError && /argument `logits`.*rank-3/.test(e.message));
    assert.throws(() => evaluate({ loss: 'optax.ctc_loss', yPred: [[[0.1, 0.2]]], yTrue: [[1], [1]] }), (e: unknown) => e instanceof LossInspectorError && /argument `labels`.*batch size 1/.test(e.message));
    assert.throws(() => evaluate({ loss: 'optax.ctc_loss', yPred: [[[0.1, 0.2]]], yTrue: [[0.5]] }), (e: unknown) => e instanceof LossInspectorError && /integer/.test(e.message));
  });
});

describe('optax in snippets: smooth_labels (SmoothLabelsTest), ctc_loss\'s positional order, triplet and ntxent keywords', () => {
  it('smooth_labels: test_batched alpha 0, 0.1, 1 (0.9·ts + 0.1/3, then 1/3 everywhere), read back through squared_error against zeros', () => {
    const src = [
      'import optax, jax.numpy as jnp',
      'ts = jnp.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])',
      'z = jnp.zeros((2, 3))',
      'a = optax.squared_error(optax.smooth_labels(ts, 0.0), z)',
      'b = optax.squared_error(optax.smooth_labels(ts, 0.1), z)',
      'c = optax.squared_error(optax.losses.smooth_labels(ts, 1.0), z)',
      'd = optax.squared_error(optax.smooth_labels(ts, 0.1, axis=0), z)',
    ].join('\n');
    const r = evaluateSnippet(src);
    assert.equal(r.diagnostics.length, 0, JSON.stringify(r.diagnostics));
    const got = r.results.map((x) => Array.from(x.result.value.data, Math.sqrt));
    const ts = [0, 1, 0, 1, 0, 0];
    assertClose(got[0], ts, 0, 1e-4);
    assertClose(got[1], ts.map((t) => 0.9 * t + 0.1 / 3), 0, 1e-4);
    assertClose(got[2], ts.map(() => 1 / 3), 0, 1e-4);
    assertClose(got[3], ts.map((t) => 0.9 * t + 0.1 / 2), 0, 1e-4); // axis=0: two categories per column
  });
  it('smooth_labels into softmax_cross_entropy equals Keras CategoricalCrossentropy(label_smoothing=0.1, from_logits=True) per example', () => {
    const src = [
      'import optax, jax.numpy as jnp',
      'logits = jnp.array([[2.0, 0.5, -1.0], [0.1, 1.5, 0.3]])',
      'labels = jnp.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])',
      'l = optax.softmax_cross_entropy(logits, optax.smooth_labels(labels, 0.1))',
    ].join('\n');
    const r = evaluateSnippet(src);
    const k = evaluate({ loss: 'CategoricalCrossentropy', config: { label_smoothing: 0.1, from_logits: true, reduction: null }, yTrue: [[1, 0, 0], [0, 0, 1]], yPred: [[2, 0.5, -1], [0.1, 1.5, 0.3]] });
    assertClose(Array.from(r.results[0].result.value.data), Array.from(k.value.data), 1e-6);
  });
  it('smooth_labels refuses integer labels naming the argument', () => {
    const r = evaluateSnippet('import optax, jax.numpy as jnp\nx = optax.smooth_labels(jnp.array([[0, 1]]), 0.1)');
    assert.ok(r.diagnostics.some((d) => /smooth_labels.*`labels`.*floating/.test(d.message)), JSON.stringify(r.diagnostics));
  });
  it('optax.ctc_loss(logits, logit_paddings, labels, label_paddings) binds by optax\'s positions; triplet and ntxent by keywords', () => {
    const src = [
      'import optax, jax.numpy as jnp',
      'logits = jnp.array([[[0.2, 1.1, -0.3], [0.5, -0.2, 0.9], [-0.4, 0.3, 0.1]]])',
      'c = optax.ctc_loss(logits, jnp.zeros((1, 3)), jnp.array([[1, 2]]), jnp.zeros((1, 2)))',
      't = optax.triplet_margin_loss(anchors=jnp.array([[0.0, 0.0]]), positives=jnp.array([[0.1, 0.1]]), negatives=jnp.array([[1.0, 0.0]]))',
      'n = optax.ntxent(embeddings=jnp.array([[1.0, 0.2], [0.9, 0.1], [-1.0, 0.5]]), labels=jnp.array([0, 0, 1]), temperature=0.5)',
    ].join('\n');
    const r = evaluateSnippet(src);
    assert.equal(r.diagnostics.length, 0, JSON.stringify(r.diagnostics));
    const direct = evaluate({ loss: 'optax.ctc_loss', yPred: [[[0.2, 1.1, -0.3], [0.5, -0.2, 0.9], [-0.4, 0.3, 0.1]]], yTrue: [[1, 2]] });
    assert.equal(r.results[0].result.value.data[0], direct.value.data[0]);
    assertClose(r.results[1].result.value.data[0], 0.1414, 0, 1e-4);
    assert.equal(r.results[2].result.value.shape.length, 0);
  });
});
