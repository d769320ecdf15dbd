/** The quick pick model: families, aliases, parameter rows, typed values. */
import * as assert from 'node:assert/strict';
import { ALL_SPECS, getSpec } from '../../../src/core/registry';
import { LossInspectorError } from '../../../src/core/errors';
import { lossPickEntries, paramRows, parseParamInput, paramChoices, changedOnly, editableParams, familyLabels, paramRepr, pickId, type TorchPickSpec } from '../../../src/extension/model/lossPick';
import { TORCH_SPECS, torchParams } from '../../../src/core/torch';

describe('loss quick pick model', () => {
  const entries = lossPickEntries();
  it('lists every loss exactly once', () => {
    const ids = entries.filter((e) => e.kind === 'loss').map((e) => (e as { id: string }).id);
    assert.deepEqual([...ids].sort(), ALL_SPECS.map((s) => s.id).sort());
  });
  it('groups by family under separators, in a fixed order, starting with a separator', () => {
    assert.equal(entries[0].kind, 'separator');
    let fam = '';
    const seen: string[] = [];
    for (const e of entries) {
      if (e.kind === 'separator') { fam = e.label; seen.push(fam); continue; }
      assert.equal(familyLabels()[getSpec(e.id).family], fam, `${e.id} under ${fam}`);
    }
    assert.equal(new Set(seen).size, seen.length, 'each family once');
    const order = Object.values(familyLabels());
    assert.deepEqual(seen, [...seen].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
  });
  it('descriptions carry the module, the function name and every alias (searchable)', () => {
    for (const e of entries) {
      if (e.kind !== 'loss') continue;
      const s = getSpec(e.id);
      assert.ok(e.description.startsWith(s.framework === 'tfa' ? 'tfa.losses' : s.framework === 'optax' ? 'optax' : 'keras.losses'));
      for (const a of [s.functionName, ...s.aliases]) if (a) assert.ok(e.description.includes(a), `${e.id}: ${a}`);
      assert.equal(e.detail, s.doc.summary);
    }
  });
  it('other frameworks\' names are searchable too', function () {
    const h = entries.find((e) => e.kind === 'loss' && e.id === 'Huber') as { description: string } | undefined;
    if (!h) this.skip();
    assert.match(h!.description, /also .*SmoothL1Loss/);
    assert.match(h!.description, /smooth_l1_loss/);
  });
  it('recently used losses come first, under their own separator, and again in their family', () => {
    const r = lossPickEntries(['MeanSquaredError', 'NoSuchLoss']);
    assert.deepEqual(r[0], { kind: 'separator', label: 'Recently used' });
    assert.equal((r[1] as { id: string }).id, 'MeanSquaredError');
    assert.equal(r[2].kind, 'separator');
    assert.equal(r.filter((e) => e.kind === 'loss' && e.id === 'MeanSquaredError').length, 2);
  });
});

describe('parameter rows', () => {
  const huber = ALL_SPECS.find((s) => s.id === 'Huber');
  it('never offers `name`; offers reduction and dtype', () => {
    for (const s of ALL_SPECS) {
      const names = editableParams(s).map((p) => p.name);
      assert.ok(!names.includes('name'), s.id);
      if (s.functionOnly) assert.ok(!names.includes('reduction') && names.includes('dtype'), s.id); // optax never reduces
      else if (!s.fixedReduction) assert.ok(names.includes('reduction'), s.id);
      else assert.ok(!names.includes('reduction'), s.id);
    }
  });
  it('marks defaults and changes', function () {
    if (!huber) this.skip();
    const rows = paramRows(huber!, { delta: 2 });
    const d = rows.find((r) => r.name === 'delta')!;
    assert.equal(d.isDefault, false);
    assert.equal(d.label, 'delta = 2.0 (default 1.0)');
    const red = rows.find((r) => r.name === 'reduction')!;
    assert.equal(red.isDefault, true);
    assert.equal(red.label, "reduction = 'sum_over_batch_size'");
  });
  it('the reduction default follows the spec (tfa losses that default to none)', () => {
    for (const s of ALL_SPECS) {
      if (s.fixedReduction || s.functionOnly) continue;
      const red = paramRows(s, {}).find((r) => r.name === 'reduction')!;
      assert.deepEqual(red.value, s.defaultReduction === 'none' ? null : s.defaultReduction, s.id);
    }
  });
  it('changedOnly keeps only what differs from the defaults', () => {
    const mse = getSpec('MeanSquaredError');
    assert.deepEqual(changedOnly(mse, { reduction: 'sum_over_batch_size', dtype: null }), {});
    assert.deepEqual(changedOnly(mse, { reduction: 'sum' }), { reduction: 'sum' });
  });
  it('floats print as Python floats', () => {
    assert.equal(paramRepr({ name: 'delta', type: 'float', default: 1, doc: '' }, 1), '1.0');
    assert.equal(paramRepr({ name: 'alpha', type: 'floatOrList', default: 0.25, doc: '' }, [1, 0.5]), '[1.0, 0.5]');
    assert.equal(paramRepr({ name: 'axis', type: 'axis', default: -1, doc: '' }, -1), '-1');
    assert.equal(paramRepr({ name: 'r', type: 'enum', default: null, doc: '' }, null), 'None');
  });
  it('bool and enum parameters are chosen from a list', () => {
    const red = editableParams(getSpec('MeanSquaredError')).find((p) => p.name === 'reduction')!;
    assert.ok(paramChoices(red)!.includes('sum'));
    assert.deepEqual(paramChoices({ name: 'b', type: 'bool', default: false, doc: '' }), [true, false]);
    assert.equal(paramChoices({ name: 'f', type: 'float', default: 1, doc: '' }), null);
  });
});

describe('parseParamInput', () => {
  const mse = getSpec('MeanSquaredError');
  it('Python spellings', () => {
    assert.equal(parseParamInput(mse, 'reduction', "'sum'"), 'sum');
    assert.equal(parseParamInput(mse, 'reduction', 'sum'), 'sum');
    assert.equal(parseParamInput(mse, 'reduction', 'None'), null);
    assert.equal(parseParamInput(mse, 'dtype', '"float64"'), 'float64');
  });
  it('numbers, lists and tuples', function () {
    const dice = ALL_SPECS.find((s) => s.id === 'Dice');
    if (!dice) this.skip();
    assert.deepEqual(parseParamInput(dice!, 'axis', '(1, 2)'), [1, 2]);
    assert.deepEqual(parseParamInput(dice!, 'axis', '[1,2,3]'), [1, 2, 3]);
    assert.equal(parseParamInput(dice!, 'axis', '-1'), -1);
    assert.equal(parseParamInput(dice!, 'axis', 'None'), null);
  });
  it('invalid values throw what to fix, naming the parameter', () => {
    assert.throws(() => parseParamInput(mse, 'reduction', 'average'), (e: unknown) => e instanceof LossInspectorError && /`reduction`/.test(e.message));
    assert.throws(() => parseParamInput(mse, 'nope', '1'), LossInspectorError);
  });
  it('range checks come from the spec', function () {
    const huber = ALL_SPECS.find((s) => s.id === 'Huber');
    if (!huber) this.skip();
    assert.equal(parseParamInput(huber!, 'delta', '2.5'), 2.5);
    assert.equal(parseParamInput(huber!, 'delta', '1e-3'), 1e-3);
    assert.throws(() => parseParamInput(huber!, 'delta', '-1'), LossInspectorError);
    assert.throws(() => parseParamInput(huber!, 'delta', 'abc'), LossInspectorError);
  });
});

describe('loss quick pick: the PyTorch group', () => {
  const torch: TorchPickSpec[] = TORCH_SPECS.map((s) => ({ framework: 'torch', id: s.id, functionName: s.functionName, family: s.family, args: s.args, doc: s.doc, kerasMatch: s.kerasMatch, params: torchParams(s) }));
  const ids = (es: ReturnType<typeof lossPickEntries>) => es.filter((e) => e.kind === 'loss').map((e) => (e as { id: string }).id);
  const groupOf = (es: ReturnType<typeof lossPickEntries>) => {
    const out: string[] = [];
    for (const e of es) if (e.kind === 'separator') out.push(e.label);
    return out;
  };
  it('every torch.nn loss once, as nn.X, beside every Keras/tfa/optax loss once', () => {
    const all = ids(lossPickEntries([], undefined, undefined, torch));
    assert.deepEqual(all.filter((i) => i.startsWith('nn.')).sort(), TORCH_SPECS.map((s) => `nn.${s.id}`).sort());
    assert.deepEqual(all.filter((i) => !i.startsWith('nn.')).sort(), ALL_SPECS.map((s) => s.id).sort());
  });
  it('a torch document lists the PyTorch group first; any other lists it last', () => {
    const first = lossPickEntries([], undefined, 'torch', torch);
    assert.deepEqual(first[0], { kind: 'separator', label: 'PyTorch (torch.nn)' });
    assert.ok(ids(first).slice(0, TORCH_SPECS.length).every((i) => i.startsWith('nn.')));
    for (const f of ['keras', 'optax', undefined]) {
      const es = lossPickEntries([], undefined, f, torch);
      assert.equal(groupOf(es).at(-1), 'PyTorch (torch.nn)', String(f));
      assert.ok(ids(es).slice(-TORCH_SPECS.length).every((i) => i.startsWith('nn.')), String(f));
    }
  });
  it('Keras first for a Keras document, optax first for an optax one (inside each family)', () => {
    const firstOf = (f: string) => ids(lossPickEntries([], undefined, f, torch))[0];
    assert.equal(getSpec(firstOf('keras')).framework, 'keras');
    assert.equal(getSpec(firstOf('optax')).framework, 'optax');
  });
  it('torch entries: the functional, the arguments in torch\'s order and the Keras match are searchable', () => {
    const ce = lossPickEntries([], undefined, 'torch', torch).find((e) => e.kind === 'loss' && e.id === 'nn.CrossEntropyLoss') as { description: string; detail: string };
    assert.match(ce.description, /^torch\.nn · F\.cross_entropy · \(input, target\) · Keras: SparseCategoricalCrossentropy$/);
    assert.equal(ce.detail, TORCH_SPECS.find((s) => s.id === 'CrossEntropyLoss')!.doc.summary);
  });
  it('a recently used torch loss comes back under "Recently used"', () => {
    const r = lossPickEntries(['nn.HuberLoss', 'Huber'], undefined, undefined, torch);
    assert.deepEqual(ids(r).slice(0, 2), ['nn.HuberLoss', 'Huber']);
    // without the torch list (the debugger's picker) it is left out, not shown as an unknown id
    assert.deepEqual(ids(lossPickEntries(['nn.HuberLoss', 'Huber'])).slice(0, 1), ['Huber']);
  });
  it('torch parameters: reduction defaults to mean, the deprecated size_average/reduce are not offered', () => {
    const huber = torch.find((t) => t.id === 'HuberLoss')!;
    const rows = paramRows(huber, { delta: 2 });
    assert.deepEqual(rows.map((r) => r.name), ['delta', 'reduction']);
    assert.equal(rows[0].label, 'delta = 2.0 (default 1.0)');
    assert.equal(rows[1].label, "reduction = 'mean'");
    assert.deepEqual(paramChoices(rows[1].spec), ['mean', 'sum', 'none']);
    assert.equal(pickId(huber), 'nn.HuberLoss');
    assert.deepEqual(changedOnly(huber, { delta: 1, reduction: 'sum' }), { reduction: 'sum' });
    const kl = torch.find((t) => t.id === 'KLDivLoss')!;
    assert.ok(paramChoices(paramRows(kl, {}).find((r) => r.name === 'reduction')!.spec)!.includes('batchmean'));
  });
  it('torch parameters are validated with the torch spelling in the message', () => {
    const huber = torch.find((t) => t.id === 'HuberLoss')!;
    assert.equal(parseParamInput(huber, 'delta', '0.5'), 0.5);
    assert.throws(() => parseParamInput(huber, 'reduction', "'average'"), (e: unknown) => e instanceof LossInspectorError && /nn\.HuberLoss/.test(e.message) && /`reduction`/.test(e.message));
    assert.throws(() => parseParamInput(huber, 'beta', '1'), (e: unknown) => e instanceof LossInspectorError && /nn\.HuberLoss has no parameter `beta`/.test(e.message));
    const ce = torch.find((t) => t.id === 'CrossEntropyLoss')!;
    assert.deepEqual(parseParamInput(ce, 'weight', '[0.2, 1.0, 3.0]'), [0.2, 1, 3]);
    assert.equal(parseParamInput(ce, 'ignore_index', '-100'), -100);
  });
});
