/** Every torch.nn loss is declared, has fixture cases from torch, and its analytic gradients match finite differences. */
import * as assert from 'node:assert/strict';
import { TORCH_SPECS, evaluateTorch, tryResolveTorch, torchParams, LossInspectorError } from '../../../src/core';
import type { TorchSpec, Nested } from '../../../src/core';
import { loadFixtures } from './fixtures.test';

/** The torch.nn losses of issue 11 (torch 1.13's torch/nn/modules/loss.py). */
const ALL = ['L1Loss', 'MSELoss', 'CrossEntropyLoss', 'CTCLoss', 'NLLLoss', 'PoissonNLLLoss', 'GaussianNLLLoss', 'KLDivLoss', 'BCELoss',
  'BCEWithLogitsLoss', 'MarginRankingLoss', 'HingeEmbeddingLoss', 'MultiLabelMarginLoss', 'HuberLoss', 'SmoothL1Loss', 'SoftMarginLoss',
  'MultiLabelSoftMarginLoss', 'CosineEmbeddingLoss', 'MultiMarginLoss', 'TripletMarginLoss', 'TripletMarginWithDistanceLoss'];

describe('torch specs', () => {
  it('declares every torch.nn loss, each with torch fixture cases', () => {
    assert.deepEqual(TORCH_SPECS.map((s) => s.id).sort(), [...ALL].sort());
    const files = loadFixtures().map((f) => f.file);
    for (const id of ALL) assert.ok(files.includes(id), `no fixture for ${id}`);
  });
  it('resolves every spelling to one spec and mode', () => {
    for (const s of TORCH_SPECS) {
      for (const n of [`nn.${s.id}`, `torch.nn.${s.id}`, s.id, `torch.nn.modules.loss.${s.id}`]) assert.deepEqual(tryResolveTorch(n), { spec: s, mode: 'module' }, n);
      for (const n of [`F.${s.functionName}`, `torch.nn.functional.${s.functionName}`, `nn.functional.${s.functionName}`]) assert.deepEqual(tryResolveTorch(n), { spec: s, mode: 'functional' }, n);
    }
    assert.equal(tryResolveTorch('mse_loss'), null, 'a bare snake_case name is a variable, not F.mse_loss');
  });
  it('unknown names and keywords are errors naming what was received, with suggestions', () => {
    assert.throws(() => evaluateTorch({ loss: 'nn.CrossEntropyLos', args: { input: [[1, 2]], target: [0] } }), (e: LossInspectorError) => e.details.suggestions!.includes('nn.CrossEntropyLoss'));
    assert.throws(() => evaluateTorch({ loss: 'nn.HuberLoss', config: { detla: 1 }, args: { input: [1.5], target: [0.5] } }),
      (e: LossInspectorError) => e.details.argument === 'detla' && e.details.torch!.type === 'TypeError' && /HuberLoss.__init__\(\) got an unexpected keyword argument 'detla'/.test(e.message));
    assert.throws(() => evaluateTorch({ loss: 'nn.MSELoss', args: { input: [1.5] } }), (e: LossInspectorError) => e.details.argument === 'target' && /missing 1 required positional argument: 'target'/.test(e.message));
  });
  it('torch.tensor dtype inference: integer literals are int64, any float makes float32', () => {
    const r = evaluateTorch({ loss: 'nn.CrossEntropyLoss', args: { input: [[2.0, 1.0, 0.1]], target: [0] } });
    assert.equal(r.dtype, 'float32');
    assert.throws(() => evaluateTorch({ loss: 'nn.CrossEntropyLoss', args: { input: [[2.0, 1.0, 0.1]], target: [0.5] } }), (e: LossInspectorError) => /expected scalar type Long but found Float/.test(e.message));
    assert.equal(evaluateTorch({ loss: 'nn.MSELoss', args: { input: [1.5], target: [0.5] }, dtypes: { input: 'float64' } }).dtype, 'float64');
  });

  const numeric = (spec: TorchSpec, name: string, h = 1e-6): number[] => {
    const args = spec.example.args;
    const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
    const base = flat(args[name]);
    const dtypes = { ...Object.fromEntries(spec.args.filter((a) => a.kind === 'float').map((a) => [a.name, 'float64'])), ...spec.example.dtypes } as Record<string, never>;
    const rebuild = (x: Nested, vals: number[], pos = { i: 0 }): Nested => (Array.isArray(x) ? x.map((e) => rebuild(e, vals, pos)) : vals[pos.i++]);
    const f = (vals: number[]) => evaluateTorch({ loss: spec, config: spec.example.config, args: { ...args, [name]: rebuild(args[name], vals) }, dtypes }).value.data[0];
    return base.map((_, i) => { const p = base.slice(); p[i] += h; const m = base.slice(); m[i] -= h; return (f(p) - f(m)) / (2 * h); });
  };
  for (const spec of TORCH_SPECS) {
    it(`${spec.id}: analytic gradients = finite differences on its example (float64)`, () => {
      const dtypes = { ...Object.fromEntries(spec.args.filter((a) => a.kind === 'float').map((a) => [a.name, 'float64'])), ...spec.example.dtypes } as Record<string, never>;
      const r = evaluateTorch({ loss: spec, config: spec.example.config, args: spec.example.args, dtypes });
      assert.equal(r.dtype, 'float64');
      const flatLp = spec.id === 'CTCLoss' ? (spec.example.args.log_probs as Nested[]).flat(3) as number[] : [];
      for (const a of spec.args) {
        if (!a.differentiable || a.kind !== 'float') continue;
        const num = numeric(spec, a.name);
        const g = r.grads[a.name];
        assert.ok(g, `${a.name}: no gradient`);
        // CTC: torch returns up·(exp(log_probs) − posterior), the logits' gradient through log_softmax folded in;
        // the derivative w.r.t. log_probs itself is −up·posterior (example: N = 1, 'mean' → up = 1 / target_length).
        if (spec.id === 'CTCLoss') {
          const up = 1 / (spec.example.args.target_lengths as number[])[0];
          num.forEach((n, i) => assert.ok(Math.abs(g.data[i] - up * Math.exp(flatLp[i]) - n) <= 1e-6, `CTC d/dlog_probs[${i}]: ${g.data[i]} − up·exp(lp) vs ${n}`));
          continue;
        }
        num.forEach((n, i) => assert.ok(Math.abs(g.data[i] - n) <= 1e-6 + 1e-5 * Math.abs(n), `${spec.id} d/d${a.name}[${i}]: ${g.data[i]} vs ${n}`));
      }
      assert.ok(torchParams(spec).some((p) => p.name === 'reduction'));
      assert.ok(spec.doc.summary && spec.doc.formula && spec.doc.pitfalls.length >= 2, 'documented');
    });
  }
});

describe('torch docs: explain and hover document torch\'s own loss first', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { explainMarkdown, hoverMarkdown } = require('../../../src/core/explain') as typeof import('../../../src/core/explain');
  for (const s of TORCH_SPECS) {
    it(`${s.id}: nn.${s.id} and F.${s.functionName}`, () => {
      for (const n of [`nn.${s.id}`, `torch.nn.functional.${s.functionName}`]) {
        const doc = explainMarkdown(n);
        assert.ok(doc.startsWith(`**torch.nn.${s.id}**`), n);
        for (const p of torchParams(s)) assert.ok(doc.includes(`\`${p.name}=`), `${n}: parameter ${p.name}`);
        for (const a of s.args) assert.ok(doc.includes(`\`${a.name}\``), `${n}: argument ${a.name}`);
        if (s.kerasMatch) assert.ok(doc.includes(`keras.losses.${s.kerasMatch.name}`), `${n}: the Keras match`);
      }
    });
  }
  it('the hover of a torch name with a Keras equivalent keeps the Keras section and its link list', () => {
    const h = hoverMarkdown('nn.CrossEntropyLoss', { images: false, links: [{ label: 'Compute', uri: 'command:x' }] });
    assert.match(h, /^\$\(symbol-function\) \*\*torch\.nn\.CrossEntropyLoss\*\*/);
    assert.match(h, /weight-normalised mean/);
    assert.match(h, /\*\*Keras\*\*/);
    assert.match(h, /\[Compute\]\(command:x\)$/);
  });
});
