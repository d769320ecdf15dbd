/**
 * The fifteen confusions of CROSS_FRAMEWORK.md, each on numbers that trigger it: the warning the user gets (with the
 * framework whose convention it checks and the fix), the comparison rows, and the fix applied giving the intended number.
 */
import * as assert from 'node:assert/strict';
import { evaluate, evaluateTorch, compareFrameworks, LossInspectorError, predictionKind, type CompareResult } from '../../../src/core';
import { quickFixes, applyEdits } from '../../../src/extension/model/quickFix';
import { assertClose } from '../helpers';

const warns = (ws: { code: string; message: string }[], code: string) => ws.find((w) => w.code === code);
const row = (r: CompareResult, call: string) => { const x = r.rows.find((w) => w.call === call); assert.ok(x, `${call} not in ${r.rows.map((w) => w.call).join(' | ')}`); return x; };
const torchWarn = (loss: string, args: Record<string, unknown>, code: string, config = {}, dtypes: Record<string, 'float32' | 'int64'> = {}) => {
  const r = evaluateTorch({ loss, args: args as never, config, dtypes });
  const w = warns(r.trace.warnings, code);
  assert.ok(w, `${code} not in ${JSON.stringify(r.trace.warnings)}`);
  return { r, w };
};

describe('the fifteen cross-framework confusions (CROSS_FRAMEWORK.md)', () => {
  it('1. from_logits: logits to BinaryCrossentropy() — warning, both settings side by side, the quick fix sets from_logits=True', () => {
    const yTrue = [[0, 1, 1]], yPred = [[2.3, -1.1, 0.4]];
    const w = warns(evaluate({ loss: 'BinaryCrossentropy', yTrue, yPred }).trace.warnings, 'looks-like-logits')!;
    assert.match(w.message, /Set from_logits=True/);
    const r = compareFrameworks({ loss: 'BinaryCrossentropy', yTrue, yPred });
    const other = row(r, 'keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred)');
    assert.equal(other.same_as_source, false);
    const fixed = applyEdits(['loss = keras.losses.BinaryCrossentropy()'], quickFixes(['loss = keras.losses.BinaryCrossentropy()'], 0, w.message));
    assert.equal(fixed[0], 'loss = keras.losses.BinaryCrossentropy(from_logits=True)');
    assert.equal(other.value, evaluate({ loss: 'BinaryCrossentropy', yTrue, yPred, config: { from_logits: true } }).value.data[0]);
  });
  it('2. softmax before nn.CrossEntropyLoss — warning with the fix, and the gradient shrink factor in the rows', () => {
    const probs = [[0.05, 0.9, 0.05], [0.6, 0.3, 0.1]];
    const { w } = torchWarn('nn.CrossEntropyLoss', { input: probs, target: [1, 0] }, 'torch-double-softmax');
    assert.match(w.message, /Fix: pass the logits, or nn\.NLLLoss\(\)\(torch\.log\(probs\), target\)/);
    const r = compareFrameworks({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0], [1, 0, 0]], yPred: probs });
    assert.match(row(r, 'nn.CrossEntropyLoss()(y_pred, y_true.argmax(1))').why, /gradient shrinks to 0\.\d+×/);
    assert.equal(row(r, 'nn.NLLLoss()(torch.log(y_pred), y_true.argmax(1))').same_as_source, true); // the fix
    assert.equal(predictionKind({ data: Float64Array.from(probs.flat()), shape: [2, 3] }), 'probabilities');
  });
  it('3. one-hot floats to nn.CrossEntropyLoss are read as probabilities; integer labels to CategoricalCrossentropy are refused with the fix', () => {
    const { w } = torchWarn('nn.CrossEntropyLoss', { input: [[0.1, 2.0, -1.0]], target: [[0.0, 1.0, 0.0]] }, 'torch-one-hot-as-probabilities', {}, { target: 'float32' });
    assert.match(w.message, /Fix: target\.argmax\(1\)/);
    assert.throws(() => evaluate({ loss: 'CategoricalCrossentropy', yTrue: [1, 0], yPred: [[0.2, 0.8], [0.6, 0.4]] }), (e: unknown) => e instanceof LossInspectorError && /use SparseCategoricalCrossentropy/.test(e.message));
    const r = compareFrameworks({ loss: 'SparseCategoricalCrossentropy', config: { from_logits: true }, yTrue: [1], yPred: [[0.1, 2.0, -1.0]] });
    assert.equal(row(r, 'nn.CrossEntropyLoss()(y_pred, F.one_hot(y_true, 3).float())').same_as_source, true);
  });
  it('4. class axis: classes last (Keras layout) into nn.CrossEntropyLoss — torch\'s error gains the axis and the fix', () => {
    const x = [[[1, 2, 0.5, 0.1], [0.3, 0.2, 0.1, 0], [1, 1, 1, 1]], [[1, 2, 0.5, 0.1], [0.3, 0.2, 0.1, 0], [1, 1, 1, 1]]];
    assert.throws(() => evaluateTorch({ loss: 'nn.CrossEntropyLoss', args: { input: x, target: [[0, 1, 3], [2, 2, 1]] } }),
      (e: unknown) => e instanceof LossInspectorError && /puts the classes last.*Fix: input\.movedim\(-1, 1\)/.test(e.message));
    // the fix: classes at dim 1 give Keras's number
    const moved = x.map((s) => s[0].map((_, c) => s.map((pos) => pos[c])));
    const t = evaluateTorch({ loss: 'nn.CrossEntropyLoss', args: { input: moved, target: [[0, 1, 3], [2, 2, 1]] } });
    const k = evaluate({ loss: 'SparseCategoricalCrossentropy', config: { from_logits: true }, yTrue: [[0, 1, 3], [2, 2, 1]], yPred: x });
    assertClose(t.value.data[0], k.value.data[0], 1e-6);
  });
  it('5. (N,1) against (N,) broadcasts to (N,N): torch warns, optax warns of the outer product; Keras squeezes', () => {
    const r = evaluateTorch({ loss: 'nn.MSELoss', args: { input: [[1.0], [2.0], [3.0]], target: [1.0, 2.0, 4.0] } });
    assert.ok(r.trace.warnings.some((w) => /broadcast/.test(w.message)));
    const o = evaluate({ loss: 'optax.huber_loss', yPred: [1, 2, 3], yTrue: [[1], [2], [4]] });
    assert.deepEqual(o.value.shape, [3, 3]);
    assert.match(warns(o.trace.warnings, 'outer-product')!.message, /\(3, 3\).*Reshape one of them/);
    const k = evaluate({ loss: 'MeanSquaredError', yTrue: [[1], [2], [4]], yPred: [1, 2, 3] });
    assertClose(k.value.data[0], 1 / 3, 1e-6); // squeezed: one pair per sample, not 9
    assertClose(evaluateTorch({ loss: 'nn.MSELoss', args: { input: [1.0, 2.0, 3.0], target: [1.0, 2.0, 4.0] } }).value.data[0], 1 / 3, 1e-6); // .squeeze(-1)
  });
  it("6. KLDivLoss wants log-probabilities and 'mean' is not the KL: domain warning, sum/mean/batchmean rows", () => {
    const q = [[0.2, 0.8], [0.5, 0.5]], p = [[0.5, 0.5], [0.9, 0.1]];
    const { w } = torchWarn('nn.KLDivLoss', { input: p, target: q }, 'torch-kl-not-log');
    assert.match(w.message, /Fix: nn\.KLDivLoss\(reduction='batchmean'\)\(torch\.log\(probs\), target\)/);
    const r = compareFrameworks({ loss: 'KLDivergence', yTrue: q, yPred: p });
    assert.equal(row(r, "nn.KLDivLoss(reduction='batchmean')(torch.log(y_pred), y_true)").same_as_source, true);
    const mean = row(r, 'nn.KLDivLoss()(torch.log(y_pred), y_true)');
    assertClose(mean.value, (r.rows[0].value as number) / 2, 1e-6);
    assert.match(mean.why, /N·C/);
    assert.equal(row(r, 'nn.KLDivLoss()(y_pred, y_true)').same_as_source, false);
  });
  it('7. BCELoss clamps the log at −100, Keras clips p at 1e-7: both warnings, the −100 row', () => {
    const yTrue = [[1, 0]], yPred = [[0, 0.3]];
    assert.match(warns(evaluate({ loss: 'BinaryCrossentropy', yTrue, yPred }).trace.warnings, 'saturated-probabilities')!.message, /15\.94/);
    torchWarn('nn.BCELoss', { input: [0.0, 0.3], target: [1.0, 0.0] }, 'torch-bce-clamp', {}, { input: 'float32', target: 'float32' });
    const r = compareFrameworks({ loss: 'BinaryCrossentropy', yTrue, yPred });
    const bce = row(r, 'nn.BCELoss()(y_pred, y_true)');
    assertClose(bce.value, (100 - Math.log(0.7)) / 2, 1e-6);
    assert.match(bce.why, /−100/);
  });
  it('8. weighted CrossEntropyLoss(reduction=mean) divides by Σ weight[target], not N', () => {
    const r = evaluateTorch({ loss: 'nn.CrossEntropyLoss', config: { weight: [1.0, 3.0] }, args: { input: [[0.2, 0.1], [0.5, -0.5], [0.0, 1.0]], target: [1, 0, 1] } });
    assert.equal(r.mean!.divisor, 3 + 1 + 3);
    assert.match(r.mean!.text, /w/);
    const c = compareFrameworks({ loss: 'nn.CrossEntropyLoss', config: { weight: [1.0, 3.0] }, yTrue: [1, 0, 1], yPred: [[0.2, 0.1], [0.5, -0.5], [0.0, 1.0]] });
    assert.match(c.rows[1].why, /Σ weight\[target\]/);
  });
  it('9. Keras sample_weight under sum_over_batch_size divides by the element count, not Σw', () => {
    const req = { loss: 'MeanSquaredError', yTrue: [[0], [1], [1]], yPred: [[1], [1], [3]], sampleWeight: [1, 0, 2] };
    const a = evaluate(req), b = evaluate({ ...req, config: { reduction: 'mean_with_sample_weight' } });
    assert.equal(a.reduction!.divisor, 3);
    assert.equal(b.reduction!.divisor, 3);
    assertClose(a.value.data[0], (1 + 8) / 3, 1e-6);
    const c = evaluate({ ...req, sampleWeight: [1, 0, 4] , config: { reduction: 'mean_with_sample_weight' } });
    assert.equal(c.reduction!.divisor, 5);
    assert.ok(compareFrameworks(req).notes.some((n) => /sample_weight/.test(n)));
  });
  it('10. every target ignored: mean is NaN, with how many and why', () => {
    const { r, w } = torchWarn('nn.CrossEntropyLoss', { input: [[0.2, 0.1], [0.5, -0.5]], target: [-100, -100] }, 'torch-all-ignored');
    assert.ok(Number.isNaN(r.value.data[0]));
    assert.match(w.message, /0 by 0 .*NaN/);
  });
  it('11. label smoothing: Keras smooths the one-hot target; optax integer labels have no smoothing (an error naming the argument); smoothing the one-hot labels first matches', () => {
    const logits = [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]], oh = [[1, 0, 0], [0, 0, 1]];
    const k = evaluate({ loss: 'CategoricalCrossentropy', config: { from_logits: true, label_smoothing: 0.1 }, yTrue: oh, yPred: logits });
    assertClose(Array.from(k.trace.smoothedLabels!.data), oh.flat().map((v) => 0.9 * v + 0.1 / 3), 1e-6);
    assert.throws(() => evaluate({ loss: 'optax.softmax_cross_entropy_with_integer_labels', config: { label_smoothing: 0.1 }, yTrue: [0, 2], yPred: logits }),
      (e: unknown) => e instanceof LossInspectorError && e.details.argument === 'label_smoothing');
    const o = evaluate({ loss: 'optax.softmax_cross_entropy', yTrue: oh.map((r) => r.map((v) => 0.9 * v + 0.1 / 3)), yPred: logits }).value.data;
    assertClose((o[0] + o[1]) / 2, k.value.data[0], 1e-6);
  });
  it('12. Huber(delta) vs SmoothL1Loss(beta): a factor beta apart, both rows with the slope of the linear part', () => {
    const r = compareFrameworks({ loss: 'Huber', config: { delta: 2.0 }, yTrue: [[0, 0]], yPred: [[5, 7]] });
    assert.equal(row(r, 'nn.HuberLoss(delta=2.0)(y_pred, y_true)').same_as_source, true);
    const s = row(r, 'nn.SmoothL1Loss(beta=2.0)(y_pred, y_true)');
    assertClose(s.value, (r.rows[0].value as number) / 2, 1e-6);
    assert.match(s.why, /slope 1, not δ/);
    assertClose((s.grad as number[][])[0], [0.5, 0.5], 1e-6); // slope 1 (/2 for the mean) vs Huber's δ
    assertClose((r.rows[0].grad as number[][])[0], [1, 1], 1e-6);
  });
  it('13. NaN/inf from log(0): Keras clips and names the elements; the port on raw log-probabilities gives NaN and says why', () => {
    const k = evaluate({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0]], yPred: [[0, 1, 0]] });
    assert.equal(k.trace.clipped!.count, 3); // the zeros up to 1e-7, the one down to 1 − 1e-7
    const r = compareFrameworks({ loss: 'CategoricalCrossentropy', yTrue: [[0, 1, 0]], yPred: [[0, 1, 0]] });
    const o = row(r, 'optax.softmax_cross_entropy(jnp.log(y_pred), y_true).mean()');
    assert.ok(Number.isNaN(o.value as number));
    assert.match(o.why, /clips p/);
  });
  it('14. Keras CosineSimilarity is −cos; 1 − cos elsewhere: rows shifted by one, the same gradient', () => {
    const r = compareFrameworks({ loss: 'CosineSimilarity', yTrue: [[1, 2], [0, 1]], yPred: [[2, 1], [1, 1]] });
    const d = row(r, 'optax.cosine_distance(y_pred, y_true).mean()');
    assertClose(d.value, (r.rows[0].value as number) + 1, 1e-6);
    assertClose(d.grad, r.rows[0].grad, 1e-5, 1e-7);
    assert.match(d.why, /shifted by 1/);
    const t = evaluateTorch({ loss: 'nn.CosineEmbeddingLoss', args: { input1: [[2.0, 1.0], [1.0, 1.0]], input2: [[1.0, 2.0], [0.0, 1.0]], target: [1.0, 1.0] } });
    assertClose(t.value.data[0], (r.rows[0].value as number) + 1, 1e-6);
  });
  it('15. optax does not reduce; two softmax-CE functions: the per-example vector labelled, the mean matching, one-hot to the integer one refused with the fix', () => {
    const r = compareFrameworks({ loss: 'SparseCategoricalCrossentropy', config: { from_logits: true }, yTrue: [2, 0], yPred: [[0.1, 0.2, 3.0], [1.5, -1, 0.3]] });
    const per = row(r, 'optax.softmax_cross_entropy_with_integer_labels(y_pred, y_true)');
    assert.match(per.why, /optax does not reduce/);
    assertClose(((per.value as number[])[0] + (per.value as number[])[1]) / 2, r.rows[0].value as number, 1e-6);
    assert.throws(() => evaluate({ loss: 'optax.softmax_cross_entropy_with_integer_labels', yTrue: [[0, 0, 1], [1, 0, 0]], yPred: [[0.1, 0.2, 3.0], [1.5, -1, 0.3]] }),
      /One-hot labels go to optax\.softmax_cross_entropy/);
    assert.match(warns(evaluate({ loss: 'optax.softmax_cross_entropy', yTrue: [[0, 1, 0]], yPred: [[0.2, 0.7, 0.1]] }).trace.warnings, 'optax-probabilities-as-logits')!.message, /Fix: pass jnp\.log\(probs\)/);
  });
});
