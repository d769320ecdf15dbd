/**
 * Compare rows: every number is the framework core's own (checked here against direct calls of those cores), the
 * faithful port equals the source, the common wrong ports differ and say why, and the CLI answers `compare --jsonl`.
 */
import * as assert from 'node:assert/strict';
import { compareFrameworks, evaluate, evaluateTorch, tryResolveTorch, type CompareRow, type CompareResult } from '../../../src/core';
import { compareJson, compareTable, compareJsonl } from '../../../src/cli/compare';
import { assertClose } from '../helpers';

const row = (r: CompareResult, call: string | RegExp): CompareRow => {
  const x = r.rows.find((w) => (typeof call === 'string' ? w.call === call : call.test(w.call)));
  assert.ok(x, `no row ${call} in ${r.rows.map((w) => w.call).join(' | ')}`);
  return x;
};
const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;

describe('compare: CategoricalCrossentropy on probabilities (confusions 1, 2, 15)', () => {
  const yTrue = [[0, 1, 0], [1, 0, 0]], yPred = [[0.05, 0.9, 0.05], [0.6, 0.3, 0.1]];
  const r = compareFrameworks({ loss: 'CategoricalCrossentropy', yTrue, yPred });
  it('the source row is Keras 3 with its own value and gradient', () => {
    const k = evaluate({ loss: 'CategoricalCrossentropy', yTrue, yPred });
    assert.equal(r.rows[0].role, 'source');
    assert.equal(r.rows[0].framework, 'keras3');
    assert.equal(r.rows[0].value, k.value.data[0]);
  });
  it('faithful ports (NLLLoss on log p, optax on log p) give the same number and, through the log, the same gradient', () => {
    const nll = row(r, 'nn.NLLLoss()(torch.log(y_pred), y_true.argmax(1))');
    assert.equal(nll.same_as_source, true);
    assert.equal(nll.why, '');
    const direct = evaluateTorch({ loss: 'nn.NLLLoss', args: { input: yPred.map((q) => q.map(Math.log)), target: [1, 0] } });
    assertClose(nll.value, direct.value.data[0], 1e-7);
    // dL/dp through torch.log is −1/(N·p_y) at the target only; Keras renormalises p by its row sum, whose derivative
    // adds 1/(N·Σp) = 1/N to every element of a row summing to 1.
    const kg = (r.rows[0].grad as number[][]).flat(), ng = (nll.grad as number[][]).flat();
    kg.forEach((g, i) => assertClose(g - ng[i], 1 / 2, 1e-5, 1e-6));
    assert.equal(row(r, 'optax.softmax_cross_entropy(jnp.log(y_pred), y_true).mean()').same_as_source, true);
  });
  it('CrossEntropyLoss on probabilities (double softmax) differs and names the gradient shrink factor', () => {
    const ce = row(r, 'nn.CrossEntropyLoss()(y_pred, y_true.argmax(1))');
    assert.equal(ce.same_as_source, false);
    assert.equal(ce.role, 'common');
    const direct = evaluateTorch({ loss: 'nn.CrossEntropyLoss', args: { input: yPred, target: [1, 0] } });
    assertClose(ce.value, direct.value.data[0], 1e-7);
    const m = /gradient shrinks to ([\d.]+)×/.exec(ce.why);
    assert.ok(m, ce.why);
    assert.ok(Number(m[1]) < 1);
  });
  it('from_logits=True on probabilities is a Keras row of its own with the second softmax explained', () => {
    const k = row(r, 'keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, y_pred)');
    assert.equal(k.same_as_source, false);
    assert.match(k.why, /second softmax/);
  });
  it('optax does not reduce: the per-example vector, whose mean is the source', () => {
    const o = row(r, 'optax.softmax_cross_entropy(jnp.log(y_pred), y_true)');
    assert.ok(Array.isArray(o.value));
    assertClose(mean(Float64Array.from(o.value as number[])), r.rows[0].value as number, 1e-6);
    assert.match(o.why, /optax does not reduce/);
  });
});

describe('compare: sparse labels, torch sources, reductions', () => {
  it('SparseCategoricalCrossentropy(from_logits=True) ↔ CrossEntropyLoss ↔ optax integer labels, y_true stays the labels', () => {
    const r = compareFrameworks({ loss: 'SparseCategoricalCrossentropy', config: { from_logits: true }, yTrue: [2, 0], yPred: [[0.1, 0.2, 3.0], [1.5, -1, 0.3]] });
    assert.equal(row(r, 'nn.CrossEntropyLoss()(y_pred, y_true)').same_as_source, true);
    assert.equal(row(r, 'optax.softmax_cross_entropy_with_integer_labels(y_pred, y_true).mean()').same_as_source, true);
    // one-hot floats are read as probabilities by torch: the same number for exact one-hot rows (confusion 3)
    assert.equal(row(r, 'nn.CrossEntropyLoss()(y_pred, F.one_hot(y_true, 3).float())').same_as_source, true);
    // forgetting from_logits: Keras renormalises the logits as if they were probabilities
    assert.equal(row(r, 'keras.losses.SparseCategoricalCrossentropy()(y_true, y_pred)').same_as_source, false);
  });
  it('a torch source: nn.CrossEntropyLoss with index targets gets the Keras faithful row first', () => {
    const r = compareFrameworks({ loss: 'nn.CrossEntropyLoss', yTrue: [2, 0], yPred: [[0.1, 0.2, 3.0], [1.5, -1, 0.3]] });
    assert.equal(r.rows[0].framework, 'pytorch');
    assert.equal(r.rows[1].call, 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, y_pred)');
    assert.equal(r.rows[1].same_as_source, true);
  });
  it("Keras reduction='sum' ↔ torch 'sum' / C (faithful) and torch 'sum' (C× larger)", () => {
    const r = compareFrameworks({ loss: 'MeanSquaredError', config: { reduction: 'sum' }, yTrue: [[0, 1], [1, 0]], yPred: [[0.3, 2.5], [-1, 0.2]] });
    assert.equal(row(r, "nn.MSELoss(reduction='sum')(y_pred, y_true) / 2").same_as_source, true);
    const s = row(r, "nn.MSELoss(reduction='sum')(y_pred, y_true)");
    assert.equal(s.same_as_source, false);
    assertClose(s.value, 2 * (r.rows[0].value as number), 1e-6);
    assert.match(s.why, /2× larger/);
  });
  it("reduction='none': torch keeps every element (another shape), .mean(-1) is the faithful port", () => {
    const r = compareFrameworks({ loss: 'MeanAbsoluteError', config: { reduction: null }, yTrue: [[0, 1], [1, 0]], yPred: [[0.3, 2.5], [-1, 0.2]] });
    assert.equal(row(r, "nn.L1Loss(reduction='none')(y_pred, y_true).mean(-1)").same_as_source, true);
    assert.match(row(r, "nn.L1Loss(reduction='none')(y_pred, y_true)").why, /every element/);
  });
});

describe('compare: definitions that differ (confusions 12, 14) and Keras 3 vs tf.keras 2', () => {
  it('Huber(delta) ↔ HuberLoss(delta) ↔ optax.huber_loss; SmoothL1Loss(beta=delta) is a factor delta apart', () => {
    const r = compareFrameworks({ loss: 'Huber', config: { delta: 0.5 }, yTrue: [[0, 1], [1, 0]], yPred: [[0.3, 2.5], [-1, 0.2]] });
    assert.equal(row(r, 'nn.HuberLoss(delta=0.5)(y_pred, y_true)').same_as_source, true);
    assert.equal(row(r, 'optax.huber_loss(y_pred, y_true, delta=0.5).mean()').same_as_source, true);
    const s = row(r, 'nn.SmoothL1Loss(beta=0.5)(y_pred, y_true)');
    assertClose(s.value, (r.rows[0].value as number) / 0.5, 1e-6);
    assert.match(s.why, /Huber\(delta=beta\)\/beta/);
  });
  it('a SmoothL1Loss source: the Huber rows differ and say the source is Huber/β', () => {
    const r = compareFrameworks({ loss: 'nn.SmoothL1Loss', config: { beta: 2.0 }, yTrue: [0, 1], yPred: [0.3, 4.5] });
    const h = row(r, 'nn.HuberLoss(delta=2.0)(y_pred, y_true)');
    assert.equal(h.same_as_source, false);
    assert.match(h.why, /Huber\(delta=β\)\/β/);
  });
  it('Keras CosineSimilarity is −cos: −optax.cosine_similarity matches, cosine_distance (1 − cos) is shifted by 1', () => {
    const r = compareFrameworks({ loss: 'CosineSimilarity', yTrue: [[1, 2], [0, 1]], yPred: [[2, 1], [1, 1]] });
    assert.equal(row(r, '-optax.cosine_similarity(y_pred, y_true).mean()').same_as_source, true);
    const d = row(r, 'optax.cosine_distance(y_pred, y_true).mean()');
    assertClose(d.value, (r.rows[0].value as number) + 1, 1e-6);
  });
  it('BinaryCrossentropy on saturated probabilities: a tf.keras 2 row (ε inside the logs), and NaN for the optax logit port', () => {
    const r = compareFrameworks({ loss: 'BinaryCrossentropy', yTrue: [[0, 1], [1, 0]], yPred: [[0, 1], [0, 0.7]] });
    const k2 = row(r, 'tf.keras.losses.BinaryCrossentropy()(y_true, y_pred)');
    assert.equal(k2.framework, 'keras2');
    assertClose(k2.value, evaluate({ loss: 'BinaryCrossentropy', yTrue: [[0, 1], [1, 0]], yPred: [[0, 1], [0, 0.7]], semantics: 'keras2' }).value.data[0], 1e-7);
    assert.match(k2.why, /inside the logs/);
    if (tryResolveTorch('nn.BCELoss')) assert.match(row(r, 'nn.BCELoss()(y_pred, y_true)').why, /−100/);
  });
  it('optax.l2_loss as the source: the squared-error rows are twice it and say so', () => {
    const r = compareFrameworks({ loss: 'optax.l2_loss', yTrue: [0, 1], yPred: [0.3, 2.5] });
    assert.equal(r.rows[0].call, 'optax.l2_loss(y_pred, y_true).mean()');
    const m = row(r, 'keras.losses.MeanSquaredError()(y_true, y_pred)');
    assertClose(m.value, 2 * (r.rows[0].value as number), 1e-6);
    assert.match(m.why, /twice the source/);
  });
});

describe('compare: errors and the CLI forms', () => {
  it('a loss without ports is a clear error naming what compare covers', () => {
    assert.throws(() => compareFrameworks({ loss: 'Tversky', yTrue: [[0, 1]], yPred: [[0.6, 0.4]] }), /no ports of 'Tversky'/);
  });
  it('compareJson gives {rows: [{framework, call, value, grad, same_as_source, why}]}; NaN as "nan"', () => {
    const j = compareJson(compareFrameworks({ loss: 'BinaryCrossentropy', yTrue: [[0, 1]], yPred: [[0, 1]] })) as { rows: Record<string, unknown>[] };
    for (const x of j.rows) for (const k of ['framework', 'call', 'value', 'grad', 'same_as_source', 'why']) assert.ok(k in x, k);
    assert.ok(j.rows.some((x) => x.value === 'nan'));
  });
  it('compare --jsonl: one answer line per request (Keras and torch forms), an error line for a bad one', async () => {
    async function* lines() {
      yield '{"loss": "Huber", "y_true": [[0, 1]], "y_pred": [[0.5, 3]]}\n';
      yield '{"loss": "nn.CrossEntropyLoss", "input": [[0.1, 2.0]], "target": [1]}\n';
      yield '{"loss": "nope", "y_true": [1], "y_pred": [1]}\n';
    }
    const out: string[] = [];
    await compareJsonl(lines(), (s) => out.push(s));
    const ans = out.join('').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(ans.length, 3);
    assert.equal(ans[0].rows[0].framework, 'keras3');
    assert.equal(ans[1].rows[0].framework, 'pytorch');
    assert.equal(ans[1].rows[1].same_as_source, true);
    assert.match(ans[2].error, /no ports of 'nope'|Unknown/);
  });
  it('compareTable prints a row per framework with the why under each differing row', () => {
    const t = compareTable(compareFrameworks({ loss: 'Huber', config: { delta: 0.5 }, yTrue: [[0, 1]], yPred: [[0.3, 2.5]] }));
    assert.match(t, /^framework +value +same +call/);
    assert.match(t, /keras3 \* +0\.\d+ +source/);
    assert.match(t, /↳ SmoothL1Loss/);
  });
});
