/**
 * The panel for PyTorch calls: states built from torch requests against numbers torch 1.13 computed itself
 * (test/fixtures/torch/panel.json, scripts/fixtures/torch_panel.py): RESULT as torch prints it, the reduction's
 * numerator and divisor, per-element losses, gradients of every differentiable argument, the curve, the intents
 * (sliders, reduction selector, pos_weight's scale, loss switch), the exports, and the paged views.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyIntent, buildCsv, buildPython, buildState, TensorCache, lossOptions, sessionFromArgs } from '../../../src/extension/panelModel';
import { torchExampleSession, POS_WEIGHT_SCALE } from '../../../src/extension/panelTorch';
import { torchSerializableRequest } from '../../../src/extension/jobs';
import { torchSweep, FULL_BUDGET } from '../../../src/core/torch/sweep';
import { tryResolveTorch, toTorchTensor, type TorchDtype, type TorchArgs } from '../../../src/core/torch';
import { evaluateSnippet } from '../../../src/core/python';
import type { PanelSession, ResultState, ErrorState, SerializableRequest } from '../../../src/shared/protocol';
import type { Nested } from '../../../src/core/tensor';
import { float32Digits } from '../../../src/core/format';

interface Case {
  id: string; loss: string; config: Record<string, never>; args: Record<string, Nested>; dtypes: Record<string, TorchDtype>;
  value: number | Nested; str: string; shape: number[]; grads: Record<string, Nested>; none: Nested;
  numerator?: number; divisor?: number;
  sweep?: { element: number; points: { x: number; input: number; loss: number; grad: number }[] };
}
const FIX = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../test/fixtures/torch/panel.json'), 'utf8')) as { cases: Case[] };
const byId = (id: string): Case => { const c = FIX.cases.find((x) => x.id === id); assert.ok(c, id); return c; };

function flat(x: Nested): number[] {
  return Array.isArray(x) ? (x as Nested[]).flatMap(flat) : [x as number];
}
function near(a: number | null, b: number, rel = 2e-6, what = ''): void {
  assert.ok(a !== null && Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs torch ${b}`);
}

/**
 * The reduction sentence "<head> = a / b = v": its head exactly, and its numbers equal to torch's numerator, divisor
 * and value to float32 precision (our float32 sums may end one ulp from torch's vectorised ones).
 */
function sentence(text: string, head: string, c: Case, divisorExact?: string): void {
  assert.ok(text.startsWith(head + ' = '), `${text} does not start with ${head}`);
  const [a, b, v] = text.slice(head.length + 3).split(/ \/ | = /);
  near(Number(a), c.numerator!, 1e-6, `${c.id} numerator`);
  if (divisorExact !== undefined) assert.equal(b, divisorExact);
  near(Number(b), c.divisor!, 1e-6, `${c.id} divisor`);
  near(Number(v), c.value as number, 1e-6, `${c.id} value`);
  assert.equal(v, float32Digits(Number(v)), 'printed as float32');
}

/** A torch session as "Open in panel" builds it: first argument as yPred, second as yTrue, the rest in args. */
function torchSession(c: Case, extra: Partial<SerializableRequest> = {}): PanelSession {
  const names = Object.keys(c.args);
  const { pos_weight_scale: _x, ...config } = c.config as Record<string, never>;
  return {
    request: {
      loss: c.loss, framework: 'torch', mode: 'class', yPred: c.args[names[0]], yTrue: c.args[names[1]],
      ...(names.length > 2 ? { args: Object.fromEntries(names.slice(2).map((n) => [n, c.args[n]])) } : {}),
      dtypes: c.dtypes, config, ...extra,
    },
    title: c.loss, sweepElement: -1, compare: { enabled: false, losses: [] },
  };
}
function result(s: PanelSession, cache = new TensorCache()): ResultState {
  const st = buildState(s, cache);
  assert.equal(st.kind, 'result', st.kind === 'error' ? st.message : st.kind);
  return st as ResultState;
}

describe('panel model: PyTorch sessions (numbers from torch 1.13)', () => {
  it('CrossEntropyLoss with class weights: tensor(2.0053), "Σ w[y]·ℓ / Σ w[y] = 14.437812 / 7.2 = 2.0052516"', () => {
    const c = byId('CE weighted mean');
    const st = result(torchSession(c));
    assert.equal(st.valueText, c.str);
    assert.equal(st.valueText, 'tensor(2.0053)');
    assert.equal(st.callee, 'nn.CrossEntropyLoss');
    assert.equal(st.loss, 'nn.CrossEntropyLoss');
    // the numbers of the sentence are torch's own numerator and divisor, printed as float32
    sentence(st.reductionText, 'mean: Σ w[y]·ℓ / Σ w[y]', c, '7.2');
    near(st.reductionInfo!.numerator, c.numerator!, 1e-6, 'numerator');
    near(st.reductionInfo!.divisor, c.divisor!, 1e-6, 'divisor');
    assert.deepEqual(st.reduction, { value: 'mean', choices: ['mean', 'sum', 'none'] });
    flat(c.none).forEach((v, i) => near(st.perSample.values[i], v, 1e-6, `none[${i}]`));
    flat(c.grads.input).forEach((v, i) => near(st.grad.values[i], v, 1e-5, `grad[${i}]`));
    assert.deepEqual(st.torch!.args.map((a) => `${a.name}:${a.dtype}:${a.shape.join('x')}`), ['input:float32:4x3', 'target:int64:4']);
    assert.equal(st.torch!.gradFn, 'NllLossBackward0');
    assert.equal(st.python, 'nn.CrossEntropyLoss(weight=torch.tensor([0.2, 1.0, 3.0]))(input, target)');
    assert.ok(st.params.some((p) => p.name === 'label_smoothing' && p.kind === 'range'));
    assert.ok(!st.params.some((p) => ['reduction', 'size_average', 'reduce'].includes(p.name)));
  });

  it('ignore_index: the divisor counts the non-ignored targets', () => {
    const c = byId('CE ignore_index mean');
    const st = result(torchSession(c));
    assert.equal(st.valueText, c.str);
    sentence(st.reductionText, 'mean: Σ ℓ / non-ignored targets', c, '3');
  });

  it('MSELoss mean, KLDivLoss batchmean, HuberLoss sum: value, sentence, per-element output', () => {
    const m = byId('MSE mean');
    const sm = result(torchSession(m));
    assert.equal(sm.valueText, m.str);
    sentence(sm.reductionText, 'mean: Σ ℓ / elements', m, '6');
    const k = byId('KLDiv batchmean');
    const sk = result(torchSession(k));
    assert.equal(sk.valueText, k.str);
    sentence(sk.reductionText, 'batchmean: Σ ℓ / input.size(0), the batch size', k, '2');
    assert.deepEqual(sk.reduction!.choices, ['mean', 'batchmean', 'sum', 'none'].filter((x) => sk.reduction!.choices.includes(x)));
    assert.ok(sk.reduction!.choices.includes('batchmean'));
    const h = byId('Huber sum delta 0.5');
    const sh = result(torchSession(h));
    assert.equal(sh.valueText, h.str);
    assert.match(sh.reductionText, /^sum: Σ ℓ = /);
    near(Number(sh.reductionText.slice('sum: Σ ℓ = '.length)), h.value as number, 1e-6, 'sum');
    assert.equal(sh.python, "nn.HuberLoss(delta=0.5, reduction='sum')(input, target)");
  });

  it('GaussianNLLLoss: the gradients of target and var beside the input gradient', () => {
    const c = byId('GaussianNLL');
    const st = result(torchSession(c));
    assert.equal(st.valueText, c.str);
    flat(c.grads.input).forEach((v, i) => near(st.grad.values[i], v, 1e-5, 'grad input'));
    const names = st.torch!.grads.map((g) => g.name);
    assert.deepEqual(names, Object.keys(c.grads).filter((n) => n !== 'input'));
    for (const g of st.torch!.grads) flat(c.grads[g.name]).forEach((v, i) => near(g.view.values[i], v, 1e-5, `grad ${g.name}`));
  });

  it('the reduction selector and sliders re-evaluate: none gives the per-element tensor, label_smoothing moves the value as torch', () => {
    const c = byId('CE weighted mean');
    let s = torchSession(c);
    s = applyIntent(s, { type: 'setReduction', reduction: 'none' })!;
    const none = result(s);
    assert.equal(none.valueShape.join(), '4');
    assert.match(none.valueText, /^tensor\(\[/);
    assert.equal(none.reductionText, "reduction='none': the per-element losses, shape (4,)");
    assert.throws(() => applyIntent(s, { type: 'setReduction', reduction: 'batchmean' }), /reduction must be one of 'mean', 'sum', 'none'/);
    const ls = byId('CE label_smoothing');
    let s2 = torchSession(byId('CE ignore_index mean'));
    s2 = applyIntent(s2, { type: 'resetParams' })!;
    s2 = applyIntent(s2, { type: 'setParam', name: 'label_smoothing', value: 0.25 })!;
    assert.equal(result(s2).valueText, ls.str);
    assert.equal(result(s2).python, 'nn.CrossEntropyLoss(label_smoothing=0.25)(input, target)');
    assert.throws(() => applyIntent(s2, { type: 'setParam', name: 'from_logits', value: true }), /nn.CrossEntropyLoss has no parameter `from_logits`/);
  });

  it('pos_weight: one slider scales the whole tensor (or sets a scalar pos_weight when it is None), as torch computes it', () => {
    const scaled = byId('BCEWithLogits pos_weight x2.5');
    const base = { ...torchSession(scaled) };
    base.request = { ...base.request, config: { pos_weight: [1.0, 2.0, 0.5] } };
    const s = applyIntent(base, { type: 'setParam', name: POS_WEIGHT_SCALE, value: 2.5 })!;
    const st = result(s);
    assert.equal(st.valueText, scaled.str);
    near(Number(st.reductionText.split(' = ').pop()), scaled.value as number, 1e-6, 'value');
    assert.equal(st.params.find((p) => p.name === POS_WEIGHT_SCALE)!.value, 2.5);
    assert.equal(st.python, 'nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.5, 5.0, 1.25]))(input, target)');
    const scalar = byId('BCEWithLogits pos_weight scalar 3');
    const none = { ...torchSession(scalar) };
    none.request = { ...none.request, config: {} };
    const s3 = applyIntent(none, { type: 'setParam', name: POS_WEIGHT_SCALE, value: 3 })!;
    assert.equal(result(s3).valueText, scalar.str);
    assert.throws(() => applyIntent(none, { type: 'setParam', name: POS_WEIGHT_SCALE, value: -1 }), /pos_weight_scale must be a number ≥ 0/);
    // reset puts pos_weight back to None
    assert.equal(applyIntent(s3, { type: 'resetParams' })!.request.scale, undefined);
  });

  it('the curve is torch\'s: loss and gradient at the swept element equal torch\'s at the same values (exact and per-sample paths)', () => {
    for (const id of ['CE weighted mean', 'MSE mean', 'CE big weighted sweep', 'SmoothL1 big sweep']) {
      const c = byId(id);
      const { spec } = tryResolveTorch(c.loss)!;
      const args: TorchArgs = {};
      for (const [k, v] of Object.entries(c.args)) args[k] = toTorchTensor(v, c.dtypes[k], c.loss, k);
      const el = c.sweep!.element;
      const errorKind = ['MSE mean', 'SmoothL1 big sweep'].includes(id);
      const off = errorKind ? args.target.data[el] : 0;
      const xs = c.sweep!.points.map((p) => p.x - off);
      for (const method of ['full', 'auto'] as const) {
        const sw = torchSweep(spec, { mode: 'module', config: c.config, args, element: el, xs, method });
        if (id.includes('big') && method === 'auto') assert.equal(sw.method, 'row', `${id}: the per-sample path was not taken`);
        c.sweep!.points.forEach((p, i) => {
          near(sw.loss[i], p.loss, 2e-5, `${id} ${method} loss at ${p.x}`);
          near(sw.grad[i], p.grad, 2e-5, `${id} ${method} grad at ${p.x}`);
        });
      }
    }
  });

  it('the per-sample shortcut is refused where samples are coupled: MSELoss (250, 1) against (250,) broadcasts, and the curve is still torch\'s', () => {
    // torch's curve: scripts/fixtures/torch_panel.py, case 'MSE broadcast big sweep' (torch warns of the broadcast)
    const c = byId('MSE broadcast big sweep');
    const { spec } = tryResolveTorch(c.loss)!;
    const args: TorchArgs = {};
    for (const [k, v] of Object.entries(c.args)) args[k] = toTorchTensor(v, c.dtypes[k], c.loss, k);
    const el = c.sweep!.element;
    const off = args.target.data[el];
    const xs = c.sweep!.points.map((p) => p.x - off);
    // the shortcut would be wrong here: the map A + B·row(x) fitted at the current value (B from the gradients,
    // the row being (x − target[el])² alone) misses torch's result at the farthest point by far more than the tolerance
    const input = args.input.data[el], t = args.target.data[el];
    const full = torchSweep(spec, { mode: 'module', config: c.config, args, element: el, xs: [input - off], method: 'full' });
    const B = full.grad[0] / (2 * (input - t));
    const A = full.loss[0] - B * (input - t) ** 2;
    const last = c.sweep!.points[c.sweep!.points.length - 1];
    assert.ok(Math.abs(A + B * (last.x - t) ** 2 - last.loss) > 1e-3 * Math.abs(last.loss), 'this case tells the shortcut from the full evaluation');
    // the sweep sees it and evaluates every point in full: torch's numbers
    const sw = torchSweep(spec, { mode: 'module', config: c.config, args, element: el, xs, method: 'auto' });
    assert.equal(sw.method, 'full', 'the coupled samples were mapped by the per-sample shortcut');
    c.sweep!.points.forEach((p, i) => {
      near(sw.loss[i], p.loss, 2e-5, `auto loss at ${p.x}`);
      near(sw.grad[i], p.grad, 2e-5, `auto grad at ${p.x}`);
    });
    assert.throws(() => torchSweep(spec, { mode: 'module', config: c.config, args, element: el, xs, method: 'row' }), /per-sample sweep does not apply/);
    // the state's curve (the panel's default 101 points) is the full one too
    const st = result(torchSession(c));
    const ref = torchSweep(spec, { mode: 'module', config: c.config, args, element: st.sweep.element, method: 'full' });
    assert.deepEqual(st.curve!.loss, ref.loss);
  });

  it('CTCLoss (time-major log_probs (T, N, C)) and a hinge past its margin take the per-sample path, with the full evaluation\'s numbers', () => {
    let s = 11;
    const rnd = (): number => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
    const logSoftmax = (d: Float64Array, C: number): Float64Array => {
      for (let i = 0; i < d.length; i += C) {
        let m = -Infinity; for (let j = 0; j < C; j++) m = Math.max(m, d[i + j]);
        let z = 0; for (let j = 0; j < C; j++) z += Math.exp(d[i + j] - m);
        for (let j = 0; j < C; j++) d[i + j] = Math.fround(d[i + j] - m - Math.log(z));
      }
      return d;
    };
    const T = 12, N = 30, C = 6, S = 4;
    const ctc: TorchArgs = {
      log_probs: { data: logSoftmax(new Float64Array(T * N * C).map(() => rnd() * 4 - 2), C), shape: [T, N, C], dtype: 'float32' },
      targets: { data: new Float64Array(N * S).map(() => 1 + Math.floor(rnd() * (C - 1))), shape: [N, S], dtype: 'int64' },
      input_lengths: { data: new Float64Array(N).map(() => T - Math.floor(rnd() * 3)), shape: [N], dtype: 'int64' },
      target_lengths: { data: new Float64Array(N).map(() => 2 + Math.floor(rnd() * (S - 1))), shape: [N], dtype: 'int64' },
    };
    // MarginRankingLoss: sample 3 has y·(x1 − x2) past the margin, so its gradient is 0 where the sweep starts
    const mr: TorchArgs = {
      input1: { data: new Float64Array(300).map(() => Math.fround(rnd() * 2 - 1)), shape: [300], dtype: 'float32' },
      input2: { data: new Float64Array(300).map(() => Math.fround(rnd() * 2 - 1)), shape: [300], dtype: 'float32' },
      target: { data: new Float64Array(300).map(() => (rnd() < 0.5 ? -1 : 1)), shape: [300], dtype: 'float32' },
    };
    mr.input1.data[3] = 0.75; mr.input2.data[3] = -0.25; mr.target.data[3] = 1;
    const cases: [string, TorchArgs, Record<string, never>, number][] = [
      ['nn.CTCLoss', ctc, {}, (5 * N + 7) * C + 2],
      ['nn.CTCLoss', ctc, { reduction: 'sum' } as never, (9 * N + 21) * C + 4],
      ['nn.MarginRankingLoss', mr, { margin: 0.2 } as never, 3],
    ];
    for (const [loss, args, config, element] of cases) {
      const { spec } = tryResolveTorch(loss)!;
      const row = torchSweep(spec, { mode: 'module', config, args, element, method: 'row' });
      const full = torchSweep(spec, { mode: 'module', config, args, element, method: 'full', xs: row.x });
      assert.equal(row.method, 'row');
      if (loss === 'nn.MarginRankingLoss') assert.equal(full.current!.grad, 0, 'the sweep starts where the gradient is 0');
      row.x.forEach((x, i) => {
        near(row.loss[i], full.loss[i], 2e-6, `${loss} ${JSON.stringify(config)} loss at ${x}`);
        near(row.grad[i], full.grad[i], 2e-6, `${loss} ${JSON.stringify(config)} grad at ${x}`);
      });
    }
  });

  it('one sample (N = 1) whose arguments share the input\'s shape is swept element by element, where its elements are independent', () => {
    let s = 5;
    const rnd = (): number => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
    const L = 400;
    const t = (g: () => number): TorchArgs[string] => ({ data: new Float64Array(L).map(() => Math.fround(g())), shape: [1, L], dtype: 'float32' });
    const probs = t(() => rnd());
    const z = probs.data.reduce((a, b) => a + b, 0);
    for (let i = 0; i < L; i++) probs.data[i] = Math.fround(probs.data[i] / z);
    const cases: [string, TorchArgs, string][] = [
      // an image-like (1, L) pair: every element its own sample
      ['nn.MSELoss', { input: t(() => rnd() * 4 - 2), target: t(() => rnd() * 4 - 2) }, 'row'],
      // the mean over the L labels of the one sample: B = 1/L comes from the call's gradient, not from the flat reading
      ['nn.MultiLabelSoftMarginLoss', { input: t(() => rnd() * 6 - 3), target: t(() => (rnd() < 0.3 ? 1 : 0)) }, 'row'],
      // class probabilities: the softmax couples every element of the sample, the element-by-element map is refused
      ['nn.CrossEntropyLoss', { input: t(() => rnd() * 6 - 3), target: probs }, 'full'],
    ];
    for (const [loss, args, method] of cases) {
      const { spec } = tryResolveTorch(loss)!;
      const auto = torchSweep(spec, { mode: 'module', config: {}, args, element: 123 });
      assert.equal(auto.method, method, loss);
      const full = torchSweep(spec, { mode: 'module', config: {}, args, element: 123, method: 'full', xs: auto.x });
      auto.x.forEach((x, i) => {
        near(auto.loss[i], full.loss[i], 2e-6, `${loss} loss at ${x}`);
        near(auto.grad[i], full.grad[i], 2e-6, `${loss} grad at ${x}`);
      });
    }
  });

  it('a curve that needs a full evaluation per point spends at most FULL_BUDGET element-evaluations on a large input (fewer points, each exact)', () => {
    // one sample (N = 1): no per-sample map; CrossEntropyLoss over (1, 4, 6000) positions
    const { spec } = tryResolveTorch('nn.CrossEntropyLoss')!;
    const L = 6000;
    let s = 7;
    const rnd = (): number => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
    const args: TorchArgs = {
      input: { data: new Float64Array(4 * L).map(() => Math.fround(rnd() * 4 - 2)), shape: [1, 4, L], dtype: 'float32' },
      target: { data: new Float64Array(L).map(() => Math.floor(rnd() * 4)), shape: [1, L], dtype: 'int64' },
    };
    const n = 4 * L;
    const sw = torchSweep(spec, { mode: 'module', config: {}, args, element: 5 });
    assert.equal(sw.method, 'full');
    assert.ok(sw.x.length < 101 && sw.x.length * n <= FULL_BUDGET, `${sw.x.length} points of ${n} elements`);
    assert.deepEqual([sw.x[0], sw.x[sw.x.length - 1]], [-6, 6], 'the range is kept');
    // every point is the call's own result at that value
    for (const i of [0, sw.x.length >> 1, sw.x.length - 1]) {
      const one = torchSweep(spec, { mode: 'module', config: {}, args, element: 5, xs: [sw.x[i]], method: 'full' });
      assert.equal(sw.loss[i], one.loss[0]);
      assert.equal(sw.grad[i], one.grad[0]);
    }
  });

  it('the state\'s curve sweeps the true class of the first sample for CrossEntropyLoss, and the error for MSELoss', () => {
    const ce = result(torchSession(byId('CE weighted mean')));
    assert.equal(ce.sweep.element, 2);
    assert.equal(ce.sweep.label, 'input[0, 2]');
    assert.equal(ce.curve!.xLabel, 'input[0, 2] (logit)');
    assert.equal(ce.curve!.x.length, 101);
    near(ce.curve!.current!.loss, byId('CE weighted mean').value as number, 1e-6, 'current');
    const mse = result(torchSession(byId('MSE mean')));
    assert.equal(mse.curve!.xLabel, 'error input[0, 0] − target[0, 0]');
  });

  it('Python export writes the torch snippet; CSV has every element, the per-element losses and the curve', () => {
    const c = byId('CE weighted mean');
    const s = torchSession(c);
    const py = buildPython(s);
    assert.match(py, /^import torch\nimport torch.nn as nn\n/);
    assert.match(py, /input = torch.tensor\(\[\[-1.846, 2.312, 1.029\], .*\], requires_grad=True\)/);
    assert.match(py, /target = torch.tensor\(\[2, 0, 1, 2\]\)\n/);
    assert.match(py, /loss = nn.CrossEntropyLoss\(weight=torch.tensor\(\[0.2, 1.0, 3.0\]\)\)\(input, target\)\nprint\(loss\)\nloss.backward\(\)\nprint\(input.grad\)/);
    const csv = buildCsv(s);
    const lines = csv.split('\n');
    assert.equal(lines[0], '# nn.CrossEntropyLoss(weight=torch.tensor([0.2, 1.0, 3.0]))(input, target)');
    assert.equal(lines[1], '# result = tensor(2.0053)');
    assert.equal(lines[3], 'flat,index,input,grad_input');
    assert.match(lines[4], /^0,"0, 0",-1.84/);
    const at = lines.indexOf("element,loss (reduction='none')");
    assert.ok(at > 0);
    near(Number(lines[at + 1].split(',')[1]), flat(c.none)[0], 1e-6, 'csv none');
    assert.ok(lines.some((l) => l.startsWith('curve_x (input[0, 2] (logit)),loss,grad')));
  });

  it('a bad argument is an error state that names it, with the controls still there', () => {
    const c = byId('CE weighted mean');
    const s = torchSession(c, { yTrue: [2, 0, 1, 7] });
    const st = buildState(s) as ErrorState;
    assert.equal(st.kind, 'error');
    assert.match(st.message, /target/);
    assert.equal(st.loss, 'nn.CrossEntropyLoss');
    assert.ok(st.params!.some((p) => p.name === 'weight'));
  });

  it('the picker offers torch losses; switching loss keeps the arrays, switching to a loss needing other arguments opens its example', () => {
    assert.ok(lossOptions().some((o) => o.id === 'nn.HuberLoss' && o.framework === 'torch'));
    const s = torchSession(byId('MSE mean'));
    const h = applyIntent(s, { type: 'setLoss', loss: 'nn.HuberLoss' })!;
    assert.equal(h.request.loss, 'nn.HuberLoss');
    assert.equal(h.request.yPred, s.request.yPred);
    assert.equal(result(h).callee, 'nn.HuberLoss');
    const g = applyIntent(s, { type: 'setLoss', loss: 'nn.GaussianNLLLoss' })!;
    assert.equal(g.example, true);
    assert.match(result(g).title, /nn.GaussianNLLLoss \(example\)/);
    // to a Keras loss: the torch fields go
    const k = applyIntent(s, { type: 'setLoss', loss: 'MeanSquaredError' })!;
    assert.equal(k.request.framework, undefined);
    assert.match(result(k).valueText, /^0\.355/);
    // every torch loss's own example evaluates in the panel
    for (const o of lossOptions().filter((x) => x.framework === 'torch')) {
      const st = buildState(torchExampleSession(o.id));
      assert.equal(st.kind, 'result', `${o.id}: ${st.kind === 'error' ? st.message : ''}`);
    }
  });

  it('a torch name\'s example (CodeLens Plot, hover link): torch\'s loss on its own example, titled "(example)", without file:line', () => {
    const s = sessionFromArgs({ request: { loss: 'CategoricalCrossentropy', yTrue: [[0, 1]], yPred: [[0.3, 0.7]] }, torchExample: 'nn.CrossEntropyLoss', title: 'x', example: true, source: { uri: 'file:///w/torch_ce.py', line: 4 } })!;
    const st = result(s);
    assert.equal(st.title, 'nn.CrossEntropyLoss (example)');
    assert.equal(st.loss, 'nn.CrossEntropyLoss');
    assert.match(st.valueText, /^tensor\(\d\.\d{4}\)$/);
    assert.equal(st.source, undefined);
    assert.equal(s.example, true);
    const f = result(sessionFromArgs({ torchExample: 'F.huber_loss', example: true })!);
    assert.equal(f.title, 'F.huber_loss (example)');
    assert.equal(f.callee, 'F.huber_loss');
    assert.match(f.python, /^F\.huber_loss\(input, target\)$/);
    // a name the torch core does not know keeps the request the link carries
    const k = sessionFromArgs({ request: { loss: 'Huber', yTrue: [0], yPred: [1] }, torchExample: 'nn.NotALoss', example: true })!;
    assert.equal(k.request.loss, 'Huber');
  });

  it('a torch snippet\'s result opens as a torch session (dtypes kept, nested or Tensor arrays alike)', () => {
    const src = 'import torch\nimport torch.nn as nn\nx = torch.tensor([[-1.846, 2.312, 1.029], [0.988, 0.462, -2.072], [-1.949, -2.178, 1.92], [-0.43, 2.803, 1.149]], requires_grad=True)\n'
      + 'y = torch.tensor([2, 0, 1, 2])\nloss = nn.CrossEntropyLoss(weight=torch.tensor([0.2, 1.0, 3.0]))(x, y)\n';
    const out = evaluateSnippet(src);
    const r = out.results[0];
    assert.ok(r.result.torchRequest, 'the snippet result carries its torch request');
    const req = torchSerializableRequest(r.result.torchRequest!);
    assert.equal(req.loss, 'nn.CrossEntropyLoss');
    assert.deepEqual(req.dtypes, { input: 'float32', target: 'int64' });
    assert.deepEqual(req.config, { weight: [0.2, 1, 3] }, 'the float32 weight tensor as written, not 0.20000000298');
    const st = result({ request: req, title: 'nn.CrossEntropyLoss', sweepElement: -1, compare: { enabled: false, losses: [] } });
    assert.equal(st.valueText, byId('CE weighted mean').str);
  });
});

describe('panel model: paged views (issue 16)', () => {
  it('setPage moves the per-sample window and the element window; the state never carries more than one window', () => {
    const n = 1_000_000;
    const input: number[] = new Array(n), target: number[] = new Array(n);
    for (let i = 0; i < n; i++) { input[i] = Math.sin(i) * 2; target[i] = Math.cos(i); }
    const s: PanelSession = {
      request: { loss: 'nn.L1Loss', framework: 'torch', yPred: toTorchTensor(input, 'float32', 'x', 'input'), yTrue: toTorchTensor(target, 'float32', 'x', 'target'), config: { reduction: 'none' }, dtypes: { input: 'float32', target: 'float32' } },
      sweepElement: -1, compare: { enabled: false, losses: [] },
    };
    const cache = new TensorCache();
    result(s, cache);
    const evaluated = cache.torch.last!.r;
    const p = applyIntent(applyIntent(s, { type: 'setPage', view: 'samples', offset: 500_000 })!, { type: 'setPage', view: 'grad', offset: 999_500 })!;
    const st = result(p, cache);
    assert.equal(cache.torch.last!.r, evaluated, 'a page change reuses the evaluation (no number moves)');
    result(applyIntent(p, { type: 'setReduction', reduction: 'sum' })!, cache);
    assert.notEqual(cache.torch.last!.r, evaluated, 'a reduction change evaluates again');
    assert.equal(st.perSample.offset, 500_000);
    assert.equal(st.perSample.total, n);
    assert.equal(st.perSample.values.length, 4096);
    near(st.perSample.values[0], Math.abs(Math.fround(Math.sin(500_000) * 2) - Math.fround(Math.cos(500_000))), 1e-6, 'window start');
    assert.equal(st.grad.offset, 999_500);
    assert.equal(st.grad.values.length, 500);
    assert.equal(st.yPred.offset, 999_500);
    assert.throws(() => applyIntent(s, { type: 'setPage', view: 'samples', offset: -1 }), /setPage: expected a flat index ≥ 0/);
    // Keras sessions page the same way
    const k: PanelSession = { request: { loss: 'mae', yTrue: [[1], [2], [3]], yPred: [[1], [1], [1]] }, sweepElement: -1, compare: { enabled: false, losses: [] } };
    const sk = result(applyIntent(k, { type: 'setPage', view: 'samples', offset: 2 })!);
    assert.equal(sk.perSample.offset, 2);
    assert.deepEqual(sk.perSample.values, [2]);
  });

  it('the gradient heatmap is drawn once per evaluation: a page step reuses it, a slider step draws the new gradient', () => {
    const c = byId('CE big weighted sweep');
    const cache = new TensorCache();
    const s = torchSession(c);
    const st0 = result(s, cache);
    const paged = result(applyIntent(s, { type: 'setPage', view: 'grad', offset: 100 })!, cache);
    assert.equal(paged.gradMap, st0.gradMap, 'a page step draws no new heatmap');
    const moved = applyIntent(s, { type: 'setParam', name: 'label_smoothing', value: 0.3 })!;
    const st1 = result(moved, cache);
    assert.notDeepEqual(st1.gradMap, st0.gradMap);
    assert.deepEqual(st1.gradMap, result(moved).gradMap, 'the heatmap of a fresh panel on the same call');
  });
});
