/** The CLI with torch requests: `eval --jsonl` beside Keras lines, dtype inference from the literal text, flags. */
import * as assert from 'node:assert/strict';
import { evalJsonl } from '../../../src/cli/main';
import { literalDtype, parseTaggedJson, torchArgsFromFlags } from '../../../src/cli/torch';
import { tryResolveTorch } from '../../../src/core';
import { loadFixtures, decode } from './fixtures.test';
import { assertClose } from '../helpers';
import { evaluateSnippet } from '../../../src/core/python';

async function jsonl(lines: string[]): Promise<Record<string, unknown>[]> {
  const out: string[] = [];
  await evalJsonl((async function* () { yield lines.join('\n') + '\n'; })(), (s) => out.push(s));
  return out.join('').trim().split('\n').map((l) => JSON.parse(l));
}

describe('CLI: torch requests', () => {
  it('eval --jsonl answers torch and Keras lines in order, with value, per_sample, grads and the printed form', async () => {
    const [t, k, e] = await jsonl([
      // test/fixtures/torch/CrossEntropyLoss.json, "F.cross_entropy": torch 1.13 gives 2.1188... (value checked below)
      '{"loss": "nn.CrossEntropyLoss", "config": {"weight": [0.2, 1.0, 3.0]}, "args": {"input": [[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], "target": [1, 2]}}',
      '{"loss": "Huber", "y_true": [[0, 1], [0, 0]], "y_pred": [[0.6, 0.4], [0.4, 0.6]]}',
      '{"loss": "torch.nn.functional.cross_entropy", "args": {"input": [[1.0, 2.0, 0.5]], "target": [[0, 1, 0]]}}',
    ]);
    assert.deepEqual(Object.keys(t).slice(0, 4), ['value', 'per_sample', 'grads', 'printed']);
    assert.equal(t.printed, 'tensor(0.1983, grad_fn=<NllLossBackward0>)');
    assert.deepEqual((t.mean as { divisor: number }).divisor, 4, 'Σ w[y] = 1.0 + 3.0');
    assertClose(k.value, 0.155, 1e-6);
    assert.match(String(e.error), /Expected floating point type for target with class probabilities, got Long/, 'integer literals are int64 as torch.tensor infers');
  });
  it('a float literal makes the argument float32: [[0.0, 1.0, 0.0]] is a probability target, [1, 0] class indices', async () => {
    const [p, i] = await jsonl([
      '{"loss": "F.cross_entropy", "args": {"input": [[1.0, 2.0, 0.5]], "target": [[0.0, 1.0, 0.0]]}}',
      '{"loss": "F.cross_entropy", "args": {"input": [[1.0, 2.0, 0.5]], "target": [1]}}',
    ]);
    assert.equal(p.value, i.value, 'a one-hot probability target equals its index target');
    assert.ok('target' in (p.grads as object) && !('target' in (i.grads as object)), 'only the float target has a gradient');
    assert.deepEqual(parseTaggedJson('{"a": [1, 2.5, 1e3, -0.0, NaN], "s": "1.5"}'), { a: [1, '\u00012.5', '\u00011e3', '\u0001-0.0', '\u0001NaN'], s: '1.5' });
  });
  it('every fixture case through --jsonl (explicit dtypes) gives torch\'s value or torch\'s error', async () => {
    const cases = loadFixtures().flatMap((f) => f.cases.filter((c) => !c.config.distance_function).slice(0, 8));
    const dt = (c: (typeof cases)[number]) => Object.fromEntries(Object.entries(c.dtypes).map(([k, v]) => [k, v === 'pyint' ? 'int64' : v]));
    const answers = await jsonl(cases.map((c) => JSON.stringify({ loss: c.loss, config: c.config, args: c.args, dtypes: dt(c) })));
    assert.equal(answers.length, cases.length);
    cases.forEach((c, i) => {
      const a = answers[i];
      if (c.error) { assert.ok(String(a.error).includes(c.error.message), `${c.id}: ${a.error}`); return; }
      const f64 = Object.values(c.dtypes).includes('float64');
      assertClose(decode(a.value), decode(c.value), f64 ? 1e-12 : 2e-6, f64 ? 1e-15 : 1e-6, c.id);
    });
  });
  it('command-line literals: dtype as torch.tensor infers it, an explicit dtype or .double()/.long() wins', () => {
    assert.equal(literalDtype('[1, 2, 3]'), 'int64');
    assert.equal(literalDtype('[1., 2]'), 'float32');
    assert.equal(literalDtype('[1e-3, 2]'), 'float32');
    assert.equal(literalDtype('torch.tensor([1, 2], dtype=torch.float64)'), 'float64');
    assert.equal(literalDtype('torch.tensor([0.5, 2.0]).long()'), 'int64');
    const { args, dtypes } = torchArgsFromFlags(tryResolveTorch('nn.CTCLoss')!.spec, { 'log-probs': '[[[-0.5, -1.0]]]', targets: '[[1]]', 'input-lengths': '[1]', 'target-lengths': '[1]' });
    assert.deepEqual(Object.keys(args), ['log_probs', 'targets', 'input_lengths', 'target_lengths']);
    assert.deepEqual(dtypes, { log_probs: 'float32', targets: 'int64', input_lengths: 'int64', target_lengths: 'int64' });
  });

  it('TripletMarginWithDistanceLoss with distance_function as Python source: the fixture cases through --jsonl give torch\'s value, \'none\' and gradients', async () => {
    // test/fixtures/torch/TripletMarginWithDistanceLoss.json (scripts/fixtures/torch_losses.py): lambdas, a def, F.pairwise_distance
    const cases = loadFixtures().flatMap((f) => f.cases.filter((c) => typeof c.config.distance_function === 'string' && !c.error));
    assert.ok(cases.length >= 5, `${cases.length} cases`);
    const dt = (c: (typeof cases)[number]) => Object.fromEntries(Object.entries(c.dtypes).map(([k, v]) => [k, v === 'pyint' ? 'int64' : v]));
    const answers = await jsonl(cases.map((c) => JSON.stringify({ loss: c.loss, config: c.config, args: c.args, dtypes: dt(c) })));
    cases.forEach((c, i) => {
      const a = answers[i];
      assert.equal(a.error, undefined, `${c.id}: ${a.error}`);
      const f64 = Object.values(c.dtypes).includes('float64');
      const [rt, at] = f64 ? [1e-12, 1e-15] : [2e-6, 1e-6];
      assertClose(decode(a.value), decode(c.value), rt, at, `${c.id} value`);
      if (c.none !== undefined) assertClose(decode(a.per_sample), decode(c.none), rt, at, `${c.id} none`);
      for (const [k, g] of Object.entries(c.grads ?? {})) assertClose(decode((a.grads as Record<string, unknown>)[k]), decode(g), rt, at, `${c.id} grad ${k}`);
      assert.equal(a.loss, c.loss);
    });
  });
  it('distance_function source and the snippet evaluator give the same numbers (one Python evaluator)', async () => {
    const args = { anchor: [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]], positive: [[0.1, 0.25, 0.3], [0.9, -1.0, 0.4]], negative: [[-0.3, 0.2, 0.1], [1.0, 1.0, 1.0]] };
    const src = 'lambda x, y: 1 - F.cosine_similarity(x, y)';
    const [a] = await jsonl([JSON.stringify({ loss: 'nn.TripletMarginWithDistanceLoss', config: { distance_function: src, reduction: 'none' }, args })]);
    const lit = (x: number[][]) => `torch.tensor(${JSON.stringify(x)})`;
    const snippet = `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nloss = nn.TripletMarginWithDistanceLoss(distance_function=${src}, reduction='none')(${lit(args.anchor)}, ${lit(args.positive)}, ${lit(args.negative)})\n`;
    const r = evaluateSnippet(snippet).results[0].result;
    assert.deepEqual(a.value, Array.from(r.value.data));
    assert.ok((a.value as number[]).every((v) => v > 0), 'both triplets active');
  });
  it('a distance_function that is not a callable is an error naming the loss, the argument, what is expected and what was given', async () => {
    const args = { anchor: [[0.1, 0.2]], positive: [[0.1, 0.25]], negative: [[-0.3, 0.2]] };
    const line = (d: unknown) => JSON.stringify({ loss: 'nn.TripletMarginWithDistanceLoss', config: { distance_function: d }, args });
    const answers = await jsonl([line('3'), line(5), line('lambda x, y: (x - y'), line('no_such_name'), line('torch.nn')]);
    const received = ['"3", a value of type int', '5 (not Python source text)', '"lambda x, y: (x - y", which does not evaluate: SyntaxError', '"no_such_name", a name the evaluator does not know', '"torch.nn", whose call fails'];
    answers.forEach((a, i) => {
      const e = String(a.error);
      assert.ok(e.startsWith('nn.TripletMarginWithDistanceLoss: argument `distance_function`: expected a callable (a, b) → distances'), e);
      assert.ok(e.includes(`received ${received[i]}`), e);
    });
    // the command line's --config takes the same source
    const [ok] = await jsonl([line('lambda a, b: (a - b).abs().sum(-1)')]);
    assert.equal(ok.error, undefined);
  });
});
