/**
 * The value fetcher against a REAL debugpy (Debian's python3-debugpy + python3-numpy under /usr/bin/python3;
 * scripts/setup.sh installs them): a program paused at a breakpoint, values read through DAP `evaluate` exactly
 * as the extension reads them. Expected values are recomputed here from the formulas in fixtures/arrays.py.
 */
import * as assert from 'node:assert';
import * as path from 'node:path';
import { fetchValue, nonFiniteText, firstNonFinite, isPlainReference, debugLanguageOf, unsupportedDebuggerMessage, fetchExpression } from '../../../src/extension/model/debugFetch';
import { LossInspectorError } from '../../../src/core/errors';
import { launchPaused, pythonHas, type PausedDebuggee } from './dap';

const PROGRAM = path.resolve(__dirname, '../../../../test/unit/debug/fixtures/arrays.py');
const N = 1_000_000;

async function rejects(p: Promise<unknown>, re: RegExp): Promise<LossInspectorError> {
  try { await p; } catch (e) { assert.ok(e instanceof LossInspectorError, `not a LossInspectorError: ${(e as Error).stack}`); assert.match((e as Error).message, re); return e; }
  assert.fail(`expected a rejection matching ${re}`);
}

describe('debug values: adapters and expressions (no debugger)', () => {
  it('debugpy/python read as Python, js-debug types as JavaScript, anything else refused with its type', () => {
    assert.strictEqual(debugLanguageOf('debugpy'), 'python');
    assert.strictEqual(debugLanguageOf('python'), 'python');
    for (const t of ['pwa-node', 'node', 'pwa-chrome']) assert.strictEqual(debugLanguageOf(t), 'javascript');
    assert.strictEqual(debugLanguageOf('cppdbg'), null);
    assert.match(unsupportedDebuggerMessage('cppdbg'), /not supported for this debugger.*"cppdbg"|"cppdbg".*not supported for this debugger/);
  });
  it('plain references are re-read per window; calls and arithmetic are not', () => {
    for (const e of ['x', 'self.logits', "batch['y'][0]", 'a.b[2].c']) assert.ok(isPlainReference(e), e);
    for (const e of ['model(x)', 'x * 2', 'x.pop()', 'next(gen)', 'x[i]', 'a = 1']) assert.ok(!isPlainReference(e), e);
  });
  it('the Python request assigns nothing in the frame: the value is an argument of a lambda, the helper runs in its own dict', () => {
    const e = fetchExpression('python', 'logits', 0, 10, 100, false);
    assert.match(e, /^\(lambda _li_ns: \(exec\(/);
    assert.ok(!/:=/.test(e.replace(/"(?:[^"\\]|\\.)*"/g, '""')), 'no walrus outside the helper text');
  });
  it('non-finite values are reported with their index before any loss', () => {
    const t = { data: Float64Array.from([0, 1, 2, NaN, 4, Infinity]), shape: [2, 3] };
    assert.deepStrictEqual(firstNonFinite(t), { index: [1, 0], value: NaN, count: 2 });
    assert.strictEqual(nonFiniteText('logits', t), 'logits[1, 0] = nan (2 non-finite values)');
    assert.strictEqual(nonFiniteText('x', { data: Float64Array.from([1, 2]), shape: [2] }), null);
  });
});

describe('debug values: fetching from a real debugpy', function () {
  this.timeout(120000);
  let dbg: PausedDebuggee | undefined;
  const hasTorch = pythonHas('numpy', 'torch');
  before(async function () {
    if (!pythonHas('numpy')) {
      // CI installs both (scripts/setup.sh); a developer machine without them says so instead of failing obscurely.
      console.warn('    ! skipped: /usr/bin/python3 lacks debugpy or numpy (apt-get install -y python3-debugpy python3-numpy)');
      this.skip();
    }
    dbg = await launchPaused(PROGRAM);
  });
  after(async () => { await dbg?.stop(); });
  const ev = (e: string) => dbg!.evaluate(e);

  it('float32 (1e6) arrives exact, in windows, with progress; the NaN is found with its index', async () => {
    const seen: number[] = [];
    const v = await fetchValue('python', 'f32', ev, { onProgress: (d, t) => { assert.strictEqual(t, N); seen.push(d); } });
    assert.strictEqual(v.dtype, 'float32');
    assert.strictEqual(v.kind, 'numpy');
    assert.deepStrictEqual(v.tensor.shape, [N]);
    assert.strictEqual(v.requests, 4, 'four windows of 262144');
    assert.deepStrictEqual(seen, [262144, 524288, 786432, N]);
    const d = v.tensor.data;
    for (let i = 0; i < N; i++) {
      if (i === 123_456) { assert.ok(Number.isNaN(d[i])); continue; }
      if (d[i] !== Math.fround(i * 0.1)) assert.fail(`f32[${i}] = ${d[i]}, expected ${Math.fround(i * 0.1)}`);
    }
    assert.strictEqual(nonFiniteText('f32', v.tensor), 'f32[123456] = nan (1 non-finite value)');
  });

  it('a 2-D float32 view keeps its shape; the NaN index is 2-D', async () => {
    const v = await fetchValue('python', 'f32_2d', ev, { sliceElements: 300_000 });
    assert.deepStrictEqual(v.tensor.shape, [1000, 1000]);
    assert.strictEqual(v.requests, 4);
    assert.strictEqual(v.tensor.data[999_999], Math.fround(999_999 * 0.1));
    assert.strictEqual(nonFiniteText('f32_2d', v.tensor), 'f32_2d[123, 456] = nan (1 non-finite value)');
  });

  it('float64 and int64 (1e6 each) arrive exact', async () => {
    const f = await fetchValue('python', 'f64', ev);
    assert.strictEqual(f.dtype, 'float64');
    for (let i = 0; i < N; i++) if (f.tensor.data[i] !== i / 7) assert.fail(`f64[${i}] = ${f.tensor.data[i]}`);
    const n = await fetchValue('python', 'i64', ev);
    assert.strictEqual(n.dtype, 'int64');
    for (let i = 0; i < N; i++) if (n.tensor.data[i] !== 3 * i - 5) assert.fail(`i64[${i}] = ${n.tensor.data[i]}`);
  });

  it('labels (few distinct values) travel deflated: exact, and a fraction of the raw size', async () => {
    const v = await fetchValue('python', 'labels', ev);
    for (let i = 0; i < N; i++) if (v.tensor.data[i] !== (i % 3 === 0 ? 1 : 0)) assert.fail(`labels[${i}] = ${v.tensor.data[i]}`);
    assert.ok(v.chars < 0.1 * N * 4, `${v.chars} characters for 4 MB of float32`);
  });

  it('small arrays, lists, tuples and scalars: shape and dtype as Python has them', async () => {
    const s = await fetchValue('python', 'small', ev);
    assert.deepStrictEqual([...s.tensor.data], [Math.fround(0.1), Math.fround(0.2), Math.fround(0.7), Infinity]);
    assert.deepStrictEqual(s.tensor.shape, [2, 2]);
    const l = await fetchValue('python', 'lst', ev);
    assert.deepStrictEqual([...l.tensor.data], [0.1, 0.9, 1, 2.5]);
    assert.strictEqual(l.dtype, 'float64');
    assert.strictEqual(l.kind, 'list');
    const t = await fetchValue('python', 'tup', ev);
    assert.deepStrictEqual([t.dtype, t.tensor.shape, [...t.tensor.data]], ['int64', [3], [1, 2, 3]]);
    const c = await fetchValue('python', 'scalar', ev);
    assert.deepStrictEqual([c.tensor.shape, [...c.tensor.data]], [[], [2.5]]);
    const e = await fetchValue('python', "d['logits']", ev);
    assert.deepStrictEqual([...e.tensor.data], [1, 2]);
  });

  it('an expression that is not a plain reference is evaluated once, whole', async () => {
    const v = await fetchValue('python', 'f64[:1000] * 2', ev, { sliceElements: 100 });
    assert.strictEqual(v.requests, 1);
    assert.strictEqual(v.tensor.data[999], 999 / 7 * 2);
  });

  it('not arrays: a dict, a generator (not consumed), a string, a ragged list, an unknown name', async () => {
    await rejects(fetchValue('python', 'd', ev), /`d` is not an array but a dict/);
    await rejects(fetchValue('python', 'gen', ev), /`gen` is not an array but a generator/);
    assert.strictEqual(await ev('next(gen)'), '0', 'the generator was not advanced by the fetch');
    await rejects(fetchValue('python', 'text', ev), /not an array but a string/);
    await rejects(fetchValue('python', 'ragged', ev), /not a rectangular list of numbers: row \[1\] has 1 elements/);
    await rejects(fetchValue('python', 'no_such_name', ev), /Could not evaluate `no_such_name`.*NameError/);
  });

  it('above the element cap: refused before any data is sent', async () => {
    let sent = 0;
    const e = await rejects(fetchValue('python', 'f32', async (x) => { const r = await ev(x); sent += r.length; return r; }, { maxElements: 999_999 }), /1,000,000 elements \(shape \(1000000\)\), more than lossInspector\.debug\.maxElements \(999,999\)/);
    assert.strictEqual(e.details.code, 'limit');
    assert.ok(sent < 300, `reply of ${sent} characters`);
  });

  it('cancelling stops between windows', async () => {
    let calls = 0;
    await rejects(fetchValue('python', 'f64', ev, { isCancelled: () => ++calls > 1 }), /cancelled after 524,288 of 1,000,000 elements/);
  });

  it('reading leaves the frame as it was (no new names, values unchanged)', async () => {
    const names = async () => {
      const sc = await dbg!.client.request('scopes', { frameId: dbg!.frameId });
      const vars = await dbg!.client.request('variables', { variablesReference: sc.scopes[0].variablesReference });
      return vars.variables.map((x: { name: string; value: string }) => `${x.name}=${x.value.slice(0, 40)}`).sort().join('\n');
    };
    const before = await names();
    await fetchValue('python', 'f32_2d', ev);
    await fetchValue('python', 'lst', ev);
    await fetchValue('python', 'f64[:10] + 1', ev);
    assert.strictEqual(await names(), before);
  });

  it('torch: a tensor that requires grad (detached), bfloat16 through JSON rounded back', async function () {
    if (!hasTorch) { console.warn('    ! skipped: no python3-torch'); this.skip(); }
    const v = await fetchValue('python', 'torch_t', ev);
    assert.deepStrictEqual([v.kind, v.dtype, v.tensor.shape], ['torch', 'float32', [3, 4]]);
    assert.deepStrictEqual([...v.tensor.data], Array.from({ length: 12 }, (_, i) => Math.fround(Math.fround(i) / 3)));
    const b = await fetchValue('python', 'torch_bf16', ev);
    assert.strictEqual(b.dtype, 'bfloat16');
    // bfloat16(0.1) = 0.10009765625 exactly; 1.5 and -2.25 are representable
    assert.deepStrictEqual([...b.tensor.data], [0.10009765625, 1.5, -2.25]);
  });
});
