/** Evaluation jobs inline and in the worker thread: results, diagnostics with exact offsets, limits, timeout. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INPUT_TOO_LARGE, runJob, suggestedLimit, transferables, type EvalJob } from '../../../src/extension/jobs';
import { runInWorker, run } from '../../../src/extension/runner';
import { nodeWorker } from '../../../src/extension/platform.node';

const limits = { maxInputChars: 1_000_000, maxDepth: 32 };
const workerPath = path.resolve('dist/esm/node/worker.js');
const startWorker = () => nodeWorker(workerPath);

describe('jobs: two arrays', () => {
  const text = '[[0., 1.], [0., 0.]],\n[[0.6, 0.4], [0.4, 0.6]]';
  it('evaluates with the chosen loss and config', async () => {
    const out = await runJob({ kind: 'arrays', text, loss: 'mse', config: {}, limits });
    assert.equal(out.diagnostics.length, 0, JSON.stringify(out.diagnostics));
    assert.equal(out.results.length, 1);
    assert.equal(out.results[0].printed, '0.31');
    // The arrays stay Tensors (a Float64Array each, transferred from the worker, never nested JS lists).
    const yt = out.results[0].request?.yTrue as { shape: number[]; data: Float64Array };
    assert.deepEqual(yt.shape, [2, 2]);
    assert.deepEqual(Array.from(yt.data), [0, 1, 0, 0]);
    assert.equal(out.results[0].offset, 0);
    assert.equal(out.results[0].end, text.length);
    const sum = await runJob({ kind: 'arrays', text, loss: 'mse', config: { reduction: 'sum' }, limits });
    assert.equal(sum.results[0].printed, '0.62');
  });
  it('a function spelling is reduced like a compile string (the loss object)', async () => {
    const out = await runJob({ kind: 'arrays', text, loss: 'mean_squared_error', config: {}, limits });
    assert.equal(out.results[0].printed, '0.31');
    assert.equal(out.results[0].request?.mode, 'class');
  });
  it('a bad literal is an error diagnostic inside the text', async () => {
    const bad = '[[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, oops]]';
    const out = await runJob({ kind: 'arrays', text: bad, loss: 'mse', config: {}, limits });
    assert.equal(out.results.length, 0);
    assert.equal(out.diagnostics.length, 1);
    const d = out.diagnostics[0];
    assert.equal(d.severity, 'error');
    assert.ok(d.offset >= 0 && d.offset + d.length <= bad.length, JSON.stringify(d));
  });
  it('an unknown parameter names the argument', async () => {
    const out = await runJob({ kind: 'arrays', text, loss: 'mse', config: { delta: 1 }, limits });
    assert.match(out.diagnostics[0].message, /unexpected argument `delta`/);
  });
  it('shape errors point at y_pred', async () => {
    const t = '[[1., 2.]], [[1., 2., 3.]]';
    const out = await runJob({ kind: 'arrays', text: t, loss: 'mse', config: {}, limits });
    assert.equal(out.diagnostics.length, 1);
    const d = out.diagnostics[0];
    assert.equal(t.slice(d.offset, d.offset + d.length), '[[1., 2., 3.]]');
  });
  it('inputs over maxInputChars are refused with the setting named, a code for the quick fix and a limit to raise to', async () => {
    const out = await runJob({ kind: 'arrays', text, loss: 'mse', config: {}, limits: { maxInputChars: 10, maxDepth: 32 } });
    assert.match(out.diagnostics[0].message, /lossInspector\.maxInputChars/);
    assert.equal(out.diagnostics[0].code, INPUT_TOO_LARGE);
    assert.deepEqual(out.refused, { chars: text.length, limit: 10 });
    assert.equal(suggestedLimit(13_800_000), 18_000_000);
    assert.ok(suggestedLimit(text.length) >= text.length);
  });
  it('the typed arrays of an output are listed once each for transfer (small ones are copied)', () => {
    const big = new Float64Array(20000), small = new Float64Array(10);
    const t = { shape: [20000], data: big };
    const bufs = transferables({ results: [{ a: t, b: { shape: [20000], data: big }, c: { data: small } }], n: [[1, 2]] });
    assert.equal(bufs.length, 1);
    assert.equal(bufs[0], big.buffer);
  });
  it('results are structured-clone safe', async () => {
    const out = await runJob({ kind: 'arrays', text, loss: 'mse', config: {}, limits });
    assert.doesNotThrow(() => structuredClone(out));
  });
});

describe('jobs: worker thread', function () {
  this.timeout(20000);
  before(function () { if (!fs.existsSync(workerPath)) this.skip(); });
  const job: EvalJob = { kind: 'arrays', text: '[1., 2., 3.], [1., 2., 5.]', loss: 'mse', config: {}, limits };
  it('gives the same output as inline', async () => {
    const w = await runInWorker(job, startWorker, 15000);
    const i = await runJob(job);
    assert.equal(w.results[0].printed, i.results[0].printed);
    assert.equal(w.results[0].printed, '1.3333334');
    assert.ok(w.results[0].result.grad.data instanceof Float64Array);
  });
  it('a 1e5-element pair comes back as Tensors (transferred), never as nested lists', async () => {
    const n = 100_000;
    const lit = (k: number) => `[${Array.from({ length: n }, (_, i) => ((i * k) % 97) / 97).join(', ')}]`;
    const out = await runInWorker({ kind: 'arrays', text: `${lit(3)},\n${lit(5)}`, loss: 'mse', config: {}, limits: { maxInputChars: 1e8, maxDepth: 32 } }, startWorker, 15000);
    const r = out.results[0];
    assert.ok(r, JSON.stringify(out.diagnostics));
    assert.ok(!Array.isArray(r.request!.yPred));
    assert.equal((r.request!.yPred as { data: Float64Array }).data.length, n);
    assert.equal(r.result.grad.data.length, n);
  });
  it('an abort (Cancel) stops the worker and says cancelled', async () => {
    const ac = new AbortController();
    const p = runInWorker(job, startWorker, 15000, ac.signal);
    ac.abort();
    const out = await p;
    assert.equal(out.cancelled, true);
    assert.equal(out.results.length, 0);
  });
  it('run() picks the worker above the threshold', async () => {
    const out = await run(job, { workerThresholdChars: 5, timeoutMs: 15000, startWorker });
    assert.equal(out.usedWorker, true);
    assert.equal((await run(job, { workerThresholdChars: 1e6, timeoutMs: 15000, startWorker })).usedWorker, false);
  });
  it('a 300 kB snippet evaluates in the worker with the right value', async () => {
    const n = 30000;
    const yt = Array.from({ length: n }, (_, i) => (i % 7) / 7);
    const yp = Array.from({ length: n }, (_, i) => ((i + 3) % 7) / 7);
    const text = `import keras\ny_true = [${yt.map((v) => v.toFixed(6)).join(', ')}]\ny_pred = [${yp.map((v) => v.toFixed(6)).join(', ')}]\nprint(keras.losses.MeanSquaredError()(y_true, y_pred).numpy())\n`;
    assert.ok(text.length > 300_000);
    const out = await run({ kind: 'snippet', text, limits }, { workerThresholdChars: 200_000, timeoutMs: 15000, startWorker });
    assert.equal(out.usedWorker, true);
    assert.equal(out.results.length, 1, JSON.stringify(out.diagnostics));
    let s = 0;
    for (let i = 0; i < n; i++) { const e = Math.fround(Number(yp[i].toFixed(6))) - Math.fround(Number(yt[i].toFixed(6))); s += e * e; }
    assert.ok(Math.abs(Number(out.results[0].printed) - s / n) < 1e-5, `${out.results[0].printed} vs ${s / n}`);
    assert.equal(out.results[0].line, 4);
  });
  it('a timeout terminates the worker and says what to do', async () => {
    const out = await runInWorker(job, startWorker, 1);
    assert.equal(out.results.length, 0);
    assert.match(out.diagnostics[0].message, /stopped after .*lossInspector\.worker\.timeoutSeconds/);
  });
});

describe('jobs: user-defined losses open in the panel', () => {
  it('a custom loss result carries its inputs and the defining snippet, and the panel model re-evaluates it', async () => {
    const text = [
      'import tensorflow as tf',
      'def custom_loss_function(y_true, y_pred):',
      '   squared_difference = tf.square(y_true - y_pred)',
      '   return tf.reduce_mean(squared_difference, axis=-1)',
      'cl = custom_loss_function(tf.constant([[12., 20.], [29., 60.]]), tf.constant([[14., 18.], [27., 55.]]))',
    ].join('\n');
    const out = await runJob({ kind: 'snippet', text, loss: '', config: {}, limits } as EvalJob);
    assert.equal(out.results.length, 1, JSON.stringify(out.diagnostics));
    const r = out.results[0];
    assert.equal(r.request?.loss, 'custom_loss_function');
    assert.deepEqual(r.request?.yPred, [[14, 18], [27, 55]]);
    assert.equal(r.customSource, text);
    const { evaluateCustomSource } = await import('../../../src/core/python');
    // With Keras's wrapping (the panel's default): per-sample means [4, 14.5] then their mean = 9.25.
    const again = evaluateCustomSource(r.customSource!, { ...r.request!, yTrue: r.request!.yTrue });
    assert.ok(Math.abs(again.value.data[0] - 9.25) < 1e-6, String(again.value.data[0]));
  });
});
