/**
 * Compare coverage beyond the first families: Poisson, MAPE, MSLE, the hinges, KL with log targets, cosine ↔
 * CosineEmbeddingLoss, binary focal ↔ torchvision/optax, CTC, triplets, NT-Xent, weighted rows (Keras sample_weight,
 * torch weight= and pos_weight) and the tf.keras 2 row of a rank-1 sample_weight. Every row's value is checked
 * against a direct call of its framework's core (or, for an expression a framework has no built-in for, against the
 * formula computed here), and every differing row says why.
 */
import * as assert from 'node:assert/strict';
import { compareFrameworks, evaluate, evaluateTorch, type CompareRow, type CompareResult } from '../../../src/core';
import { compareJsonl } from '../../../src/cli/compare';
import { assertClose } from '../helpers';

const row = (r: CompareResult, call: string | RegExp): CompareRow => {
  const x = r.rows.find((w) => (typeof call === 'string' ? w.call === call : call.test(w.call)));
  assert.ok(x, `no row ${call} in\n${r.rows.map((w) => w.call).join('\n')}`);
  return x;
};
const num = (v: unknown) => v as number;
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const kv = (loss: string, yTrue: unknown, yPred: unknown, config: Record<string, unknown> = {}, sampleWeight: unknown = null) =>
  evaluate({ loss, yTrue: yTrue as never, yPred: yPred as never, config: config as never, sampleWeight: sampleWeight as never }).value.data[0];
const tv = (loss: string, args: Record<string, unknown>, config: Record<string, unknown> = {}, dtypes: Record<string, string> = {}) =>
  evaluateTorch({ loss, args: args as never, config: config as never, dtypes: { ...Object.fromEntries(Object.keys(args).map((k) => [k, 'float32'])), ...dtypes } as never }).value.data[0];
/** Every differing row says why, every equal one does not. */
function whysPresent(r: CompareResult): void {
  for (const x of r.rows) assert.equal(x.why === '', x.same_as_source, `${x.call}: same=${x.same_as_source} why='${x.why}'`);
}

describe('compare coverage: regression losses without a common definition (Poisson, MAPE, MSLE)', () => {
  const yT = [[1, 2], [0, 3]], yP = [[0.8, 2.5], [0.3, 2.0]];
  it('Poisson ↔ PoissonNLLLoss(log_input=False) and on log(y_pred); the default log_input=True reads rates as log-rates', () => {
    const r = compareFrameworks({ loss: 'Poisson', yTrue: yT, yPred: yP });
    whysPresent(r);
    const f = row(r, 'nn.PoissonNLLLoss(log_input=False)(y_pred, y_true)');
    assert.equal(f.same_as_source, true);
    assert.equal(f.value, tv('nn.PoissonNLLLoss', { input: yP, target: yT }, { log_input: false }));
    const c = row(r, 'nn.PoissonNLLLoss()(y_pred, y_true)');
    assert.equal(c.same_as_source, false);
    assert.equal(c.value, tv('nn.PoissonNLLLoss', { input: yP, target: yT }));
    assert.match(c.why, /log-rate/);
    // optax has no Poisson: the expression's value, computed here in float64
    const o = row(r, '(y_pred - y_true * jnp.log(y_pred + 1e-7)).mean()');
    assertClose(num(o.value), mean(yP.flat().map((p, i) => p - yT.flat()[i] * Math.log(p + 1e-7))), 1e-6);
    assert.ok(r.notes.some((n) => /optax has no Poisson loss/.test(n)));
  });
  it('a torch PoissonNLLLoss source (log-rates) gets the Keras row on exp(input), equal', () => {
    const x = [[0.1, 0.9], [-1, 1.2]];
    const r = compareFrameworks({ loss: 'nn.PoissonNLLLoss', yTrue: yT, yPred: x });
    const k = row(r, 'keras.losses.Poisson()(y_true, y_pred)');
    assert.equal(k.same_as_source, true);
    assertClose(num(k.value), kv('Poisson', yT, x.map((q) => q.map(Math.exp))), 1e-7);
    assert.ok(r.notes.some((n) => /exp\(input\)/.test(n)));
  });
  it('MAPE: torch and optax have none; the written expression equals Keras, L1Loss does not', () => {
    const yt = [[1, 2], [4, 3]];
    const r = compareFrameworks({ loss: 'MeanAbsolutePercentageError', yTrue: yt, yPred: yP });
    whysPresent(r);
    const expected = 100 * mean(yP.flat().map((p, i) => Math.abs(yt.flat()[i] - p) / Math.abs(yt.flat()[i])));
    for (const call of ['100 * ((y_true - y_pred).abs() / y_true.abs().clamp(min=1e-7)).mean()', '100 * (jnp.abs(y_true - y_pred) / jnp.maximum(jnp.abs(y_true), 1e-7)).mean()']) {
      const x = row(r, call);
      assert.equal(x.same_as_source, true);
      assertClose(num(x.value), expected, 1e-6);
    }
    assert.equal(row(r, 'nn.L1Loss()(y_pred, y_true)').same_as_source, false);
  });
  it('MSLE ↔ MSELoss on log1p of both (torch core) and optax.squared_error on log1p; log without the +1 differs, inf where y_true is 0', () => {
    const r = compareFrameworks({ loss: 'MeanSquaredLogarithmicError', yTrue: yT, yPred: yP });
    whysPresent(r);
    const f = row(r, 'nn.MSELoss()(torch.log1p(y_pred.clamp(min=1e-7)), torch.log1p(y_true.clamp(min=1e-7)))');
    assert.equal(f.same_as_source, true);
    assertClose(num(f.value), tv('nn.MSELoss', { input: yP.map((q) => q.map(Math.log1p)), target: yT.map((q) => q.map((t) => Math.log1p(Math.max(t, 1e-7)))) }), 1e-6);
    const c = row(r, 'nn.MSELoss()(torch.log(y_pred), torch.log(y_true))');
    assert.equal(c.same_as_source, false); // log(0) = −inf: an infinite loss is not the source's number
    assert.equal(c.value, Infinity);
  });
});

describe('compare coverage: the hinge family', () => {
  it('CategoricalHinge ↔ optax.multiclass_hinge_loss (equal while a wrong score is ≥ 0) and MultiMarginLoss (Σ over wrong classes / C)', () => {
    const yt = [[0, 1, 0], [1, 0, 0]];
    const pos = [[0.3, 0.5, 0.2], [0.5, 0.2, 0.9]], neg = [[0.3, 0.5, 0.2], [-0.5, -0.2, -0.9]];
    const a = compareFrameworks({ loss: 'CategoricalHinge', yTrue: yt, yPred: pos });
    assert.equal(row(a, 'optax.multiclass_hinge_loss(y_pred, y_true.argmax(-1)).mean()').same_as_source, true);
    const b = compareFrameworks({ loss: 'CategoricalHinge', yTrue: yt, yPred: neg });
    whysPresent(b);
    const o = row(b, 'optax.multiclass_hinge_loss(y_pred, y_true.argmax(-1)).mean()');
    assert.equal(o.same_as_source, false);
    assert.match(o.why, /every wrong score is below 0/);
    assertClose(num(o.value), mean(Array.from(evaluate({ loss: 'optax.multiclass_hinge_loss', yTrue: [1, 0], yPred: neg }).value.data)), 1e-7);
    const m = row(b, 'nn.MultiMarginLoss()(y_pred, y_true.argmax(1))');
    assert.equal(m.value, tv('nn.MultiMarginLoss', { input: neg, target: [1, 0] }, {}, { target: 'int64' }));
    assert.match(m.why, /divides by C = 3/);
  });
  it('SquaredHinge ↔ the clamp expression and (optax.hinge_loss ** 2).mean(); MultiMarginLoss(p=2) is another quantity', () => {
    const yt = [[0, 1, 0], [1, 0, 0]], yp = [[0.3, 0.5, -0.2], [0.5, -0.2, 0.9]];
    const r = compareFrameworks({ loss: 'SquaredHinge', yTrue: yt, yPred: yp });
    whysPresent(r);
    const expected = mean(yp.flat().map((p, i) => Math.max(1 - (2 * yt.flat()[i] - 1) * p, 0) ** 2));
    assertClose(num(row(r, 'torch.clamp(1 - (2 * y_true - 1) * y_pred, min=0).pow(2).mean()').value), expected, 1e-6);
    assertClose(num(row(r, '(optax.hinge_loss(y_pred, (2 * y_true - 1)) ** 2).mean()').value), expected, 1e-6);
    assert.equal(row(r, 'nn.MultiMarginLoss(p=2)(y_pred, y_true.argmax(1))').value, tv('nn.MultiMarginLoss', { input: yp, target: [1, 0] }, { p: 2 }, { target: 'int64' }));
  });
  it('Hinge: HingeEmbeddingLoss (a distance loss) differs, the clamp expression equals; a HingeEmbeddingLoss source says it is another quantity', () => {
    const yt = [[0, 1], [1, 0]], yp = [[0.3, 0.5], [0.5, -0.2]];
    const r = compareFrameworks({ loss: 'Hinge', yTrue: yt, yPred: yp });
    whysPresent(r);
    const h = row(r, 'nn.HingeEmbeddingLoss()(y_pred, (2 * y_true - 1))');
    assert.equal(h.value, tv('nn.HingeEmbeddingLoss', { input: yp, target: yt.map((q) => q.map((t) => 2 * t - 1)) }));
    assert.match(h.why, /distance loss/);
    assert.equal(row(r, 'torch.clamp(1 - (2 * y_true - 1) * y_pred, min=0).mean()').same_as_source, true);
  });
});

describe('compare coverage: KL with log targets, cosine ↔ CosineEmbeddingLoss, binary focal', () => {
  it('KLDivergence ↔ KLDivLoss(log_target=True) and optax.kl_divergence_with_log_targets; a zero target gives NaN there, and the why says so', () => {
    const yp = [[0.3, 0.7], [0.6, 0.4]];
    const ok = compareFrameworks({ loss: 'KLDivergence', yTrue: [[0.2, 0.8], [0.5, 0.5]], yPred: yp });
    const lt = row(ok, "nn.KLDivLoss(reduction='batchmean', log_target=True)(torch.log(y_pred), torch.log(y_true))");
    assert.equal(lt.same_as_source, true);
    assertClose(num(lt.value), tv('nn.KLDivLoss', { input: yp.map((q) => q.map(Math.log)), target: [[0.2, 0.8], [0.5, 0.5]].map((q) => q.map(Math.log)) }, { reduction: 'batchmean', log_target: true }), 1e-6);
    const zero = compareFrameworks({ loss: 'KLDivergence', yTrue: [[0, 1], [0.5, 0.5]], yPred: yp });
    whysPresent(zero);
    const o = row(zero, 'optax.kl_divergence_with_log_targets(jnp.log(y_pred), jnp.log(y_true)).mean()');
    assert.equal(o.value === null || Number.isNaN(num(o.value)), true);
    assert.match(o.why, /NaN/);
    assert.equal(row(zero, 'optax.kl_divergence(jnp.log(y_pred), y_true).mean()').same_as_source, true);
  });
  it('an optax.kl_divergence source (log-predictions) reads y_pred as exp(log_predictions) in every row', () => {
    const r = compareFrameworks({ loss: 'optax.kl_divergence', yTrue: [[0.2, 0.8]], yPred: [[-1.2, -0.35]] });
    const k = row(r, 'keras.losses.KLDivergence()(y_true, y_pred)');
    assert.equal(k.same_as_source, true);
    assertClose(num(k.value), kv('KLDivergence', [[0.2, 0.8]], [[Math.exp(-1.2), Math.exp(-0.35)]]), 1e-7);
  });
  it('CosineSimilarity ↔ CosineEmbeddingLoss(target 1) − 1; a CosineEmbeddingLoss source is 1 − cos, the Keras row −cos', () => {
    const yt = [[1, 2], [0, 1]], yp = [[2, 1], [1, 1]];
    const r = compareFrameworks({ loss: 'CosineSimilarity', yTrue: yt, yPred: yp });
    whysPresent(r);
    const direct = tv('nn.CosineEmbeddingLoss', { input1: yp, input2: yt, target: [1, 1] });
    assertClose(num(row(r, 'nn.CosineEmbeddingLoss()(y_pred, y_true, torch.ones(2)) - 1').value), direct - 1, 1e-7);
    assert.equal(row(r, 'nn.CosineEmbeddingLoss()(y_pred, y_true, torch.ones(2))').value, direct);
    const t = compareFrameworks({ loss: 'nn.CosineEmbeddingLoss', yTrue: [], yPred: [], args: { input1: yp, input2: yt, target: [1, 1] } });
    assert.equal(t.rows[0].value, direct);
    const k = row(t, 'keras.losses.CosineSimilarity()(y_true, y_pred)');
    assertClose(num(k.value), direct - 1, 1e-6);
    assert.match(k.why, /1 − cos/);
    assert.throws(() => compareFrameworks({ loss: 'nn.CosineEmbeddingLoss', yTrue: [], yPred: [], args: { input1: yp, input2: yt, target: [1, -1] } }), /only target 1/);
  });
  it('BinaryFocalCrossentropy(from_logits=True) ↔ torchvision sigmoid_focal_loss(alpha=-1) and optax; alpha=0.25 defaults differ', () => {
    const yt = [[0, 1], [1, 0]], yp = [[0.3, 1.5], [-0.5, -2]];
    const r = compareFrameworks({ loss: 'BinaryFocalCrossentropy', config: { from_logits: true }, yTrue: yt, yPred: yp });
    whysPresent(r);
    // torchvision's formula, in float64 here: BCE-with-logits · (1 − p_t)^2 · α_t
    const tvFocal = (alpha: number) => mean(yp.flat().map((x, i) => {
      const t = yt.flat()[i], p = 1 / (1 + Math.exp(-x));
      const ce = Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
      const pt = p * t + (1 - p) * (1 - t);
      return (alpha >= 0 ? alpha * t + (1 - alpha) * (1 - t) : 1) * ce * (1 - pt) ** 2;
    }));
    const f = row(r, "torchvision.ops.sigmoid_focal_loss(y_pred, y_true, alpha=-1, reduction='mean')");
    assert.equal(f.same_as_source, true);
    assertClose(num(f.value), tvFocal(-1), 1e-6);
    const c = row(r, "torchvision.ops.sigmoid_focal_loss(y_pred, y_true, reduction='mean')");
    assertClose(num(c.value), tvFocal(0.25), 1e-6);
    assert.match(c.why, /alpha=0\.25/);
    const o = row(r, 'optax.sigmoid_focal_loss(y_pred, y_true).mean()');
    assert.equal(o.same_as_source, true);
    assertClose(num(o.value), mean(Array.from(evaluate({ loss: 'optax.sigmoid_focal_loss', yTrue: yt, yPred: yp }).value.data)), 1e-7);
  });
});

describe('compare coverage: CTC, triplets, NT-Xent', () => {
  const labels = [[1, 2, 1, 0], [2, 2, 0, 0]];
  const logits = [
    [[0.2, -0.5, 1.1], [0.9, 0.3, -0.4], [-0.3, 1.4, 0.2], [0.5, -0.1, 0.8], [1.2, 0.4, -0.6]],
    [[-0.2, 0.7, 0.1], [0.6, -0.8, 0.3], [0.1, 0.9, -0.5], [0.4, 0.2, 0.6], [-0.7, 0.5, 1.0]],
  ];
  const logSoftmax = (row: number[]) => { const m = Math.max(...row); const l = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0)); return row.map((x) => x - l); };
  const torchArgs = (reduction: string) => tv('nn.CTCLoss', {
    log_probs: [0, 1, 2, 3, 4].map((t) => logits.map((b) => logSoftmax(b[t]))), targets: labels, input_lengths: [5, 5], target_lengths: [3, 2],
  }, { reduction }, { targets: 'int64', input_lengths: 'int64', target_lengths: 'int64' });
  it("Keras CTC ↔ torch CTCLoss('sum') / B ↔ optax.ctc_loss(...).mean(); torch's 'mean' divides by the target lengths", () => {
    const r = compareFrameworks({ loss: 'CTC', yTrue: labels, yPred: logits });
    whysPresent(r);
    const s = row(r, /^nn\.CTCLoss\(reduction='sum'\)/);
    assert.equal(s.same_as_source, true);
    assertClose(num(s.value), torchArgs('sum') / 2, 1e-6);
    const m = row(r, /^nn\.CTCLoss\(\)/);
    assertClose(num(m.value), torchArgs('mean'), 1e-6);
    assert.match(m.why, /target length/);
    assert.equal(row(r, /^optax\.ctc_loss/).same_as_source, true);
    // the gradient of the torch row, carried back through log_softmax and the transpose, is Keras's
    const kg = (r.rows[0].grad as number[][][]).flat(2), tg = (s.grad as number[][][]).flat(2);
    tg.forEach((g, i) => assertClose(g, kg[i], 1e-4, 1e-6));
  });
  it('an optax.ctc_loss source gets the Keras CTC row (paddings ↔ label zeros)', () => {
    const r = compareFrameworks({ loss: 'optax.ctc_loss', config: { label_paddings: [[0, 0, 0, 1], [0, 0, 1, 1]] }, yTrue: labels, yPred: logits });
    assert.equal(row(r, 'keras.losses.CTC()(y_true, y_pred)').same_as_source, true);
  });
  it('optax.triplet_margin_loss ↔ nn.TripletMarginLoss (eps in another place), from either side; no Keras row, said in the notes', () => {
    const a = [[0.1, 0.9], [1.0, 0.3]], p = [[0.3, 0.7], [0.8, 0.1]], n = [[0.8, 0.4], [0.9, 0.6]];
    const r = compareFrameworks({ loss: 'nn.TripletMarginLoss', yTrue: [], yPred: [], args: { anchor: a, positive: p, negative: n } });
    assert.equal(r.rows[0].value, tv('nn.TripletMarginLoss', { anchor: a, positive: p, negative: n }));
    const o = row(r, 'optax.triplet_margin_loss(y_pred, y_true, negatives).mean()');
    assertClose(num(o.value), mean(Array.from(evaluate({ loss: 'optax.triplet_margin_loss', yPred: a, yTrue: p, config: { negatives: n } }).value.data)), 1e-7);
    assert.ok(r.notes.some((x) => /no Keras row/.test(x)));
    const s = compareFrameworks({ loss: 'optax.triplet_margin_loss', config: { negatives: n }, yTrue: p, yPred: a });
    assert.equal(row(s, 'nn.TripletMarginLoss()(y_pred, y_true, negatives)').value, r.rows[0].value);
  });
  it('optax.ntxent: the tfa NpairsLoss row on the cosine similarity matrix is another quantity, and torch.nn has none', () => {
    const emb = [[-1.954, 1.078], [0.238, -0.5703], [1.8745, -0.0195], [-0.6719, -1.921]];
    const r = compareFrameworks({ loss: 'optax.ntxent', config: { temperature: 0.5 }, yTrue: [0, 0, 1, 1], yPred: emb });
    whysPresent(r);
    assert.equal(r.rows[0].value, evaluate({ loss: 'optax.ntxent', yTrue: [0, 0, 1, 1], yPred: emb, config: { temperature: 0.5 } }).value.data[0]);
    const u = emb.map((e) => { const n = Math.hypot(...e); return e.map((x) => x / n); });
    const S = u.map((a) => u.map((b) => (a[0] * b[0] + a[1] * b[1]) / 0.5));
    const np = row(r, /^tfa\.losses\.NpairsLoss/);
    assertClose(num(np.value), kv('NpairsLoss', [0, 0, 1, 1], S), 1e-6);
    assert.match(np.why, /different quantity/);
    assert.ok(r.notes.some((x) => /torch\.nn has no NT-Xent/.test(x)));
  });
});

describe('compare coverage: weighted rows (confusions 8, 9) and the tf.keras 2 row of a rank-1 sample_weight', () => {
  const yt = [[0, 1, 0], [1, 0, 0]], yp = [[0.5, 2, -1], [1, 0.2, 0.1]];
  it('Keras sample_weight: (loss_none * w).mean() equals (Keras divides by N); .sum() / w.sum() differs and names both divisors', () => {
    const r = compareFrameworks({ loss: 'CategoricalCrossentropy', config: { from_logits: true }, yTrue: yt, yPred: yp, sampleWeight: [2, 0.5] });
    whysPresent(r);
    const none = Array.from(evaluateTorch({ loss: 'nn.CrossEntropyLoss', config: { reduction: 'none' }, args: { input: yp, target: [1, 0] }, dtypes: { target: 'int64' } }).value.data);
    const f = row(r, "(nn.CrossEntropyLoss(reduction='none')(y_pred, y_true.argmax(1)) * sample_weight).mean()");
    assert.equal(f.same_as_source, true);
    assertClose(num(f.value), (2 * none[0] + 0.5 * none[1]) / 2, 1e-6);
    const c = row(r, "(nn.CrossEntropyLoss(reduction='none')(y_pred, y_true.argmax(1)) * sample_weight).sum() / sample_weight.sum()");
    assertClose(num(c.value), (2 * none[0] + 0.5 * none[1]) / 2.5, 1e-6);
    assert.match(c.why, /Σw = 2\.5.*N = 2/);
    assert.equal(row(r, /^\(optax\.softmax_cross_entropy_with_integer_labels\(.*\* sample_weight\)\.mean\(\)$/).same_as_source, true);
    // the unweighted faithful rows say they are unweighted, not "the same formula"
    assert.match(row(r, 'nn.CrossEntropyLoss()(y_pred, y_true.argmax(1))').why, /unweighted/);
  });
  it('torch CrossEntropyLoss(weight=w): Keras reaches Σ w[y]·l / Σ w[y] only with reduction=\'sum\' and w[y] / Σ w[y]; sample_weight=w[y] divides by N', () => {
    const w = [0.2, 1.0, 3.0];
    const r = compareFrameworks({ loss: 'nn.CrossEntropyLoss', config: { weight: w }, yTrue: [1, 0], yPred: yp });
    whysPresent(r);
    const src = num(r.rows[0].value);
    assert.equal(src, tv('nn.CrossEntropyLoss', { input: yp, target: [1, 0] }, { weight: w }, { target: 'int64' }));
    const f = row(r, /reduction='sum'\)\(y_true, y_pred, sample_weight=weight\[y_true\] \/ weight\[y_true\]\.sum\(\)\)$/);
    assert.equal(f.same_as_source, true);
    assertClose(num(f.value), kv('SparseCategoricalCrossentropy', [1, 0], yp, { from_logits: true, reduction: 'sum' }, [1 / 1.2, 0.2 / 1.2]), 1e-7);
    const c = row(r, 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, y_pred, sample_weight=weight[y_true])');
    assertClose(num(c.value), kv('SparseCategoricalCrossentropy', [1, 0], yp, { from_logits: true }, [1, 0.2]), 1e-7);
    assertClose(num(c.value) * 2 / 1.2, src, 1e-6); // Σw l / N vs Σw l / Σw
    assert.match(c.why, /N = 2.*Σ weight\[target\] = 1\.2/);
    assert.equal(row(r, /^\(weight\[y_true\] \* optax.*\.sum\(\) \/ weight\[y_true\]\.sum\(\)$/).same_as_source, true);
  });
  it('BCEWithLogitsLoss(pos_weight): the written expressions (Keras, optax) equal it; the unweighted rows say why they differ', () => {
    const t = [[0, 1], [1, 0]], x = [[0.3, 1.5], [-0.5, -2]];
    const r = compareFrameworks({ loss: 'nn.BCEWithLogitsLoss', config: { pos_weight: [3.0, 1.0] }, yTrue: t, yPred: x });
    whysPresent(r);
    const expected = mean(x.flat().map((v, i) => { const y = t.flat()[i], q = [3, 1][i % 2]; const ls = -Math.log1p(Math.exp(-v)); return -(q * y * ls + (1 - y) * (ls - v)); }));
    assertClose(num(r.rows[0].value), expected, 1e-6);
    const k = row(r, /^keras\.ops\.mean\(-\(pos_weight/);
    assert.equal(k.same_as_source, true);
    assertClose(num(k.value), expected, 1e-6);
    assert.match(row(r, 'optax.sigmoid_binary_cross_entropy(y_pred, y_true).mean()').why, /pos_weight/);
  });
  it('a rank-1 sample_weight on rank-3 inputs: the tf.keras 2 row weights samples, Keras 3 the last axis, and the why says so', () => {
    const a = [[[0, 1], [1, 0]], [[0, 1], [1, 1]]], b = [[[0.3, 0.5], [0.5, -0.2]], [[0.3, 0.5], [0.5, -0.2]]];
    const r = compareFrameworks({ loss: 'MeanSquaredError', yTrue: a, yPred: b, sampleWeight: [1, 3] });
    const k2 = row(r, 'tf.keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=sample_weight)');
    assert.equal(k2.value, evaluate({ loss: 'MeanSquaredError', yTrue: a, yPred: b, sampleWeight: [1, 3], semantics: 'keras2' }).value.data[0]);
    assert.equal(k2.same_as_source, false);
    assert.match(k2.why, /rank-1 sample_weight/);
  });
});

describe('compare --jsonl with torch requests of other argument names', () => {
  it('a TripletMarginLoss request with "args" gives the optax row', async () => {
    async function* lines() {
      yield '{"loss": "nn.TripletMarginLoss", "args": {"anchor": [[0.1, 0.9]], "positive": [[0.3, 0.7]], "negative": [[0.8, 0.4]]}}\n';
      yield '{"loss": "nn.PoissonNLLLoss", "args": {"input": [0.1, 0.9], "target": [1.0, 2.0]}}\n';
    }
    const out: string[] = [];
    await compareJsonl(lines(), (s) => out.push(s));
    const [a, b] = out.join('').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(!a.error, a.error);
    assert.ok(a.rows.some((x: CompareRow) => x.framework === 'optax'));
    assert.ok(b.rows.some((x: CompareRow) => x.framework === 'keras3' && x.same_as_source));
    assert.ok(b.rows.some((x: CompareRow) => x.framework === 'optax'));
  });
});

describe('compare coverage: label smoothing (confusion 11)', () => {
  const yt = [[0, 1, 0], [1, 0, 0]], yp = [[0.5, 2, -1], [1, 0.2, 0.1]];
  it('CategoricalCrossentropy(label_smoothing=0.1) ↔ CrossEntropyLoss(label_smoothing=0.1) ↔ optax.smooth_labels; the unsmoothed rows say so', () => {
    const r = compareFrameworks({ loss: 'CategoricalCrossentropy', config: { from_logits: true, label_smoothing: 0.1 }, yTrue: yt, yPred: yp });
    whysPresent(r);
    const t = row(r, 'nn.CrossEntropyLoss(label_smoothing=0.1)(y_pred, y_true.argmax(1))');
    assert.equal(t.same_as_source, true);
    assert.equal(t.value, tv('nn.CrossEntropyLoss', { input: yp, target: [1, 0] }, { label_smoothing: 0.1 }, { target: 'int64' }));
    const o = row(r, 'optax.softmax_cross_entropy(y_pred, optax.smooth_labels(y_true, 0.1)).mean()');
    assert.equal(o.same_as_source, true);
    const smoothed = yt.map((q) => q.map((v) => 0.9 * v + 0.1 / 3));
    assertClose(num(o.value), mean(Array.from(evaluate({ loss: 'optax.softmax_cross_entropy', yTrue: smoothed, yPred: yp }).value.data)), 1e-6);
    const u = row(r, 'optax.softmax_cross_entropy_with_integer_labels(y_pred, y_true.argmax(-1)).mean()');
    assert.equal(u.same_as_source, false);
    assert.match(u.why, /smooths the labels/);
  });
  it('BinaryCrossentropy(from_logits=True, label_smoothing=0.2): the targets written out for torch and optax', () => {
    const t = [[0, 1], [1, 0]], x = [[0.3, 1.5], [-0.5, -2]];
    const r = compareFrameworks({ loss: 'BinaryCrossentropy', config: { from_logits: true, label_smoothing: 0.2 }, yTrue: t, yPred: x });
    whysPresent(r);
    const b = row(r, 'nn.BCEWithLogitsLoss()(y_pred, y_true * 0.8 + 0.1)');
    assert.equal(b.same_as_source, true);
    assert.equal(b.value, tv('nn.BCEWithLogitsLoss', { input: x, target: t.map((q) => q.map((v) => Math.fround(Math.fround(v * 0.8) + 0.1))) }));
    assert.equal(row(r, 'optax.sigmoid_binary_cross_entropy(y_pred, y_true * 0.8 + 0.1).mean()').same_as_source, true);
    assert.equal(row(r, 'nn.BCEWithLogitsLoss()(y_pred, y_true)').same_as_source, false);
  });
});

describe('compare coverage: torch sources of other forms (CTCLoss, SoftMarginLoss, MultiLabelSoftMarginLoss) and the named arrays', () => {
  const labels = [[1, 2, 1, 0], [2, 2, 0, 0]];
  const logits = [
    [[0.2, -0.5, 1.1], [0.9, 0.3, -0.4], [-0.3, 1.4, 0.2], [0.5, -0.1, 0.8], [1.2, 0.4, -0.6]],
    [[-0.2, 0.7, 0.1], [0.6, -0.8, 0.3], [0.1, 0.9, -0.5], [0.4, 0.2, 0.6], [-0.7, 0.5, 1.0]],
  ];
  const logSoftmax = (r: number[]) => { const m = Math.max(...r); const l = m + Math.log(r.reduce((s, x) => s + Math.exp(x - m), 0)); return r.map((x) => x - l); };
  const logProbs = [0, 1, 2, 3, 4].map((t) => logits.map((b) => logSoftmax(b[t]))); // (T, N, C)
  it("nn.CTCLoss (time-first log-probabilities, 'mean'): the Keras row is the raw mean, said why; gradients come back time-first", () => {
    const args = { log_probs: logProbs, targets: labels, input_lengths: [5, 5], target_lengths: [3, 2] };
    const r = compareFrameworks({ loss: 'nn.CTCLoss', yTrue: [], yPred: [], args, dtypes: { targets: 'int64', input_lengths: 'int64', target_lengths: 'int64' } });
    whysPresent(r);
    assert.equal(r.rows[0].value, tv('nn.CTCLoss', args, {}, { targets: 'int64', input_lengths: 'int64', target_lengths: 'int64' }));
    const k = row(r, 'keras.losses.CTC()(y_true, y_pred)');
    assertClose(num(k.value), kv('CTC', labels, logits), 1e-6);
    assert.match(k.why, /target length/);
    const kg = k.grad as number[][][];
    assert.deepEqual([kg.length, kg[0].length, kg[0][0].length], [5, 2, 3]); // (T, N, C) like the source's log_probs
    assert.ok(r.notes.some((n) => /batch first/.test(n)));
    assert.throws(() => compareFrameworks({ loss: 'nn.CTCLoss', yTrue: [], yPred: [], args: { ...args, input_lengths: [5, 4] } }), /input_lengths.*all frames/);
  });
  it('SoftMarginLoss (±1 labels) and MultiLabelSoftMarginLoss equal Keras BinaryCrossentropy(from_logits=True) on 0/1 targets', () => {
    const x = [[0.3, 1.5], [-0.5, -2]], pm = [[-1, 1], [1, -1]], t01 = [[0, 1], [1, 0]];
    const s = compareFrameworks({ loss: 'nn.SoftMarginLoss', yTrue: pm, yPred: x });
    const k = row(s, 'keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred)');
    assert.equal(k.same_as_source, true);
    assertClose(num(k.value), kv('BinaryCrossentropy', t01, x, { from_logits: true }), 1e-7);
    const m = compareFrameworks({ loss: 'nn.MultiLabelSoftMarginLoss', yTrue: t01, yPred: x });
    assert.equal(row(m, 'keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred)').same_as_source, true);
  });
  it('arrays names every array a call uses: sample_weight, weight, negatives, paddings', () => {
    const w = compareFrameworks({ loss: 'MeanSquaredError', yTrue: [[0, 1], [1, 0]], yPred: [[0.3, 0.5], [0.5, -0.2]], sampleWeight: [1, 3] });
    assert.deepEqual(w.arrays.sample_weight, [1, 3]);
    const c = compareFrameworks({ loss: 'nn.CrossEntropyLoss', config: { weight: [0.2, 1.0, 3.0] }, yTrue: [1, 0], yPred: [[0.5, 2, -1], [1, 0.2, 0.1]] });
    assert.deepEqual(c.arrays.weight, [0.2, 1, 3]);
    const t = compareFrameworks({ loss: 'optax.triplet_margin_loss', config: { negatives: [[1, 0]] }, yTrue: [[0.1, 0.1]], yPred: [[0, 0]] });
    assert.deepEqual(t.arrays.negatives, [[1, 0]]);
    const o = compareFrameworks({ loss: 'optax.ctc_loss', yTrue: labels, yPred: logits });
    assert.deepEqual(o.arrays.label_paddings, [[0, 0, 0, 0], [0, 0, 0, 0]]);
    for (const r of [w, c, t, o]) for (const x of r.rows) for (const name of ['sample_weight', 'weight', 'negatives', 'logit_paddings', 'label_paddings', 'pos_weight']) {
      if (new RegExp(`\\b${name}\\b(?!=)`).test(x.call.replace(/sample_weight=/g, '').replace(/\w+=/g, ''))) assert.ok(name in r.arrays, `${x.call} names ${name}`);
    }
  });
});

describe('compare coverage: ignored targets (confusion 10)', () => {
  const yp = [[0.5, 2, -1], [1, 0.2, 0.1], [0.3, 0.1, 0.9]];
  it('SparseCategoricalCrossentropy(ignore_class=-1) ↔ CrossEntropyLoss(ignore_index=-1) ↔ optax masked by hand, all equal', () => {
    const r = compareFrameworks({ loss: 'SparseCategoricalCrossentropy', config: { from_logits: true, ignore_class: -1 }, yTrue: [1, -1, 2], yPred: yp });
    whysPresent(r);
    const t = row(r, 'nn.CrossEntropyLoss(ignore_index=-1)(y_pred, y_true)');
    assert.equal(t.same_as_source, true);
    assert.equal(t.value, tv('nn.CrossEntropyLoss', { input: yp, target: [1, -1, 2] }, { ignore_index: -1 }, { target: 'int64' }));
    const o = row(r, /^\(optax\.softmax_cross_entropy_with_integer_labels\(y_pred, jnp\.where/);
    assert.equal(o.same_as_source, true);
    const per = Array.from(evaluate({ loss: 'optax.softmax_cross_entropy_with_integer_labels', yTrue: [1, 0, 2], yPred: yp }).value.data);
    assertClose(num(o.value), (per[0] + per[2]) / 2, 1e-6);
  });
  it('a torch source whose every target is ignore_index (-100): torch NaN, Keras 0, each row says why', () => {
    const r = compareFrameworks({ loss: 'nn.CrossEntropyLoss', yTrue: [-100, -100], yPred: yp.slice(0, 2), dtypes: { target: 'int64' } });
    assert.ok(Number.isNaN(num(r.rows[0].value)) || r.rows[0].value === null);
    whysPresent(r);
    const k = row(r, 'keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-100)(y_true, y_pred)');
    assert.equal(k.value, 0);
    assert.match(k.why, /Every target is ignored/);
  });
});
