/** "Elsewhere, computed": each equivalent in another framework with its value on real numbers and when it gives the same number. */
import * as assert from 'node:assert/strict';
import { elsewhereRows } from '../../../src/core/elsewhere';
import { compareFrameworks } from '../../../src/core/compare';
import { evaluate } from '../../../src/core/evaluate';
import { explainMarkdown, hoverMarkdown } from '../../../src/core/explain';
import { getSpec } from '../../../src/core/registry';
import { float32Digits } from '../../../src/core/format';

const T = [[0, 1, 0], [0, 0, 1]];
const P = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];

describe('Elsewhere, computed (compare rows on numbers, with their condition)', () => {
  it('CategoricalCrossentropy on probabilities: NLLLoss(log p) is the same; CrossEntropyLoss is the same on the logits with from_logits=True', () => {
    const e = elsewhereRows('CategoricalCrossentropy', { yTrue: T, yPred: P }, 'CategoricalCrossentropy')!;
    assert.equal(e.source.value, float32Digits(evaluate({ loss: 'CategoricalCrossentropy', yTrue: T, yPred: P }).value.data[0]));
    const nll = e.rows.find((r) => r.call.startsWith('nn.NLLLoss()(torch.log(y_pred)'))!;
    assert.equal(nll.same, true);
    assert.equal(nll.condition, 'same when y_pred are probabilities (from_logits=False)');
    assert.equal(nll.value, e.source.value);
    const ce = e.rows.find((r) => r.call.startsWith('nn.CrossEntropyLoss()(logits'))!;
    assert.ok(ce, e.rows.map((r) => r.call).join(' | '));
    assert.equal(ce.same, true);
    assert.match(ce.condition, /^same when y_pred are logits and from_logits=True; on probabilities it gives [\d.]+: CrossEntropyLoss applies log_softmax/);
    // its number is Keras's own CCE(from_logits=True) on the logits log p (another core, evaluated here directly)
    const logits = P.map((row) => row.map((p) => Math.log(Math.min(Math.max(p, 1e-7), 1 - 1e-7))));
    const keras = evaluate({ loss: 'CategoricalCrossentropy', config: { from_logits: true }, yTrue: T, yPred: logits }).value.data[0];
    assert.ok(Math.abs(Number(ce.value) - keras) < 1e-6, `${ce.value} vs ${keras}`);
    // on probabilities it gives the double-softmax number of compare's own row
    const onProbs = compareFrameworks({ loss: 'CategoricalCrossentropy', yTrue: T, yPred: P }).rows.find((r) => r.call === 'nn.CrossEntropyLoss()(y_pred, y_true.argmax(1))')!;
    assert.ok(ce.condition.includes(`gives ${float32Digits(onProbs.value as number)}:`), ce.condition);
    // the Keras class itself with the other from_logits is not an "equivalent"
    assert.ok(!e.rows.some((r) => r.framework === 'keras3' && r.call.includes('CategoricalCrossentropy')), 'no Keras self-row');
    // every row that never gives the number says why
    for (const r of e.rows.filter((x) => !x.same)) assert.match(r.condition, /^differs: .{10,}/, r.call);
  });

  it('BinaryCrossentropy: BCELoss same on probabilities, BCEWithLogitsLoss same on logits (the logit of p)', () => {
    const yt = [[0, 1], [1, 0]], yp = [[0.2, 0.7], [0.6, 0.3]];
    const e = elsewhereRows('BinaryCrossentropy', { yTrue: yt, yPred: yp }, 'BinaryCrossentropy')!;
    const bce = e.rows.find((r) => r.call === 'nn.BCELoss()(y_pred, y_true)')!;
    assert.equal(bce.same, true);
    const wl = e.rows.find((r) => r.call === 'nn.BCEWithLogitsLoss()(logits, y_true)')!;
    assert.equal(wl.same, true);
    assert.match(wl.condition, /^same when y_pred are logits and from_logits=True; on probabilities it gives/);
  });

  it('regression: rows the same quantity, or why not (Huber δ=2 against SmoothL1Loss β=2)', () => {
    const e = elsewhereRows('Huber', { yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 3.6]], config: { delta: 2 } }, 'Huber')!;
    const hl = e.rows.find((r) => r.call.startsWith('nn.HuberLoss(delta=2.0)'))!;
    assert.deepEqual([hl.same, hl.condition], [true, 'same: it computes the same quantity']);
    const sl = e.rows.find((r) => r.call.startsWith('nn.SmoothL1Loss(beta=2.0)'))!;
    assert.equal(sl.same, false);
    assert.match(sl.condition, /^differs: SmoothL1Loss\(beta\) = Huber\(delta=beta\)\/beta/);
    assert.equal(Number(sl.value) * 2, Number(e.source.value));
  });

  it('no ports: null (the hover then has no computed section)', () => {
    assert.equal(elsewhereRows('Dice', { yTrue: [[[[1], [0]], [[0], [1]]], [[[1], [1]], [[0], [0]]]], yPred: [[[[0.9], [0.2]], [[0.1], [0.7]]], [[[0.6], [0.8]], [[0.3], [0.1]]]] }, 'Dice'), null);
    assert.ok(!hoverMarkdown('Dice', { images: false }).includes('Elsewhere, computed'));
    // torch losses of other arguments than (input, target) have no computed rows either (and their docs still render)
    assert.ok(!hoverMarkdown('nn.TripletMarginLoss', { images: false }).includes('Elsewhere, computed'));
  });

  it("the hover of a loss name computes the rows on the loss's example, or on the numbers it is given", () => {
    const spec = getSpec('CategoricalCrossentropy');
    const md = hoverMarkdown('CategoricalCrossentropy', { images: false });
    const e = elsewhereRows('CategoricalCrossentropy', { yTrue: spec.example.yTrue, yPred: spec.example.yPred, config: spec.example.config }, 'CategoricalCrossentropy')!;
    assert.ok(md.includes(`**Elsewhere, computed** on the example: \`keras.losses.CategoricalCrossentropy()(y_true, y_pred)\` = ${e.source.value}`), md);
    const ce = e.rows.find((r) => r.call.startsWith('nn.CrossEntropyLoss()(logits'))!;
    assert.ok(md.includes(`- PyTorch: \`${ce.call}\` = ${ce.value} (same when y\\_pred are logits`) || md.includes(`- PyTorch: \`${ce.call}\` = ${ce.value} (same when y_pred are logits`), md);
    const mine = hoverMarkdown('CategoricalCrossentropy', { images: false, numbers: { numbers: { yTrue: T, yPred: P }, where: 'the numbers of the call on line 7' } });
    const v = float32Digits(evaluate({ loss: 'CategoricalCrossentropy', yTrue: T, yPred: P }).value.data[0]);
    assert.ok(mine.includes(`on the numbers of the call on line 7: \`keras.losses.CategoricalCrossentropy()(y_true, y_pred)\` = ${v}`), mine);
    // the CLI's explain has the same section
    assert.ok(explainMarkdown('CategoricalCrossentropy').includes('**Elsewhere, computed** on the example'));
  });

  it('a torch name: the Keras and optax equivalents computed on the torch example', () => {
    const md = hoverMarkdown('nn.CrossEntropyLoss', { images: false });
    assert.match(md, /\*\*Elsewhere, computed\*\* on the example: `nn\.CrossEntropyLoss\(\)\(y_pred, y_true\)` = [\d.]+/);
    assert.match(md, /- Keras 3: `keras\.losses\.SparseCategoricalCrossentropy\(from_logits=True\)\(y_true, y_pred\)` = [\d.]+ \(same: it computes the same quantity\)/);
  });
});
