/** The panel's large sessions in the evaluation worker (panelWorker.ts): same states as inline, latest wins. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PanelEvaluator, PANEL_WORKER_ELEMENTS } from '../../../src/extension/panelWorker';
import { nodeWorker } from '../../../src/extension/platform.node';
import { applyIntent, buildState, sessionFromArgs } from '../../../src/extension/panelModel';
import type { PanelSession, ResultState } from '../../../src/shared/protocol';

const workerPath = path.resolve('dist/esm/node/worker.js');
const startWorker = () => nodeWorker(workerPath);

function bigSession(rows: number, cols: number): PanelSession {
  const yTrue = { shape: [rows, cols], data: new Float64Array(rows * cols).map((_, i) => ((i * 7) % 13) / 13) };
  const yPred = { shape: [rows, cols], data: new Float64Array(rows * cols).map((_, i) => ((i * 5) % 11) / 11) };
  return sessionFromArgs({ request: { loss: 'Huber', yTrue, yPred }, title: 'Huber' })!;
}

describe('panel states of large sessions in the worker', function () {
  this.timeout(30000);
  before(function () { if (!fs.existsSync(workerPath)) this.skip(); });

  it('a session above the threshold is computed in the worker, with the same numbers as inline', async () => {
    const s = bigSession(100, 600);
    const ev = new PanelEvaluator({ startWorker });
    assert.ok(ev.usesWorker(s), `${PANEL_WORKER_ELEMENTS}`);
    const st = await ev.build(s) as ResultState;
    const inline = buildState(s) as ResultState;
    assert.equal(st.kind, 'result', JSON.stringify(st).slice(0, 300));
    assert.equal(st.valueText, inline.valueText);
    assert.deepEqual(st.grad.values.slice(0, 50), inline.grad.values.slice(0, 50));
    assert.equal(st.session, s, 'the host\'s own session is put back (the worker never sends the arrays)');
    const step = applyIntent(s, { type: 'setParam', name: 'delta', value: 0.25 })!;
    assert.equal((await ev.build(step) as ResultState).valueText, (buildState(step) as ResultState).valueText);
    const csv = await ev.csv(step);
    assert.equal(csv.split('\n').filter((l) => /^\d+,"/.test(l)).length, 60000, 'the export has every element');
    ev.dispose();
  });

  it('latest wins: requests made while one is computed are replaced by the newest', async () => {
    const s = bigSession(100, 600);
    const ev = new PanelEvaluator({ startWorker });
    const deltas = [0.3, 0.4, 0.5, 0.6];
    const out = await Promise.all(deltas.map((d) => ev.build(applyIntent(s, { type: 'setParam', name: 'delta', value: d })!)));
    assert.notEqual(out[0], null, 'the first is computed');
    assert.equal(out[1], null, 'replaced');
    assert.equal(out[2], null, 'replaced');
    const last = out[3] as ResultState;
    assert.equal(last.valueText, (buildState(applyIntent(s, { type: 'setParam', name: 'delta', value: 0.6 })!) as ResultState).valueText);
    ev.dispose();
  });

  it('a large PyTorch session (three arguments, their dtypes) is computed in the worker with the numbers of the inline model', async () => {
    const n = 30000;
    const t = (f: (i: number) => number) => ({ shape: [n / 3, 3], data: new Float64Array(n).map((_, i) => Math.fround(f(i))), dtype: 'float32' as const });
    const s = sessionFromArgs({
      request: { loss: 'nn.GaussianNLLLoss', framework: 'torch', yPred: t((i) => Math.sin(i)), yTrue: t((i) => Math.cos(i)), args: { var: t((i) => 0.5 + ((i * 3) % 7) / 7) }, dtypes: { input: 'float32', target: 'float32', var: 'float32' } },
      title: 'nn.GaussianNLLLoss',
    })!;
    const ev = new PanelEvaluator({ startWorker });
    assert.ok(ev.usesWorker(s));
    const st = await ev.build(s) as ResultState;
    const inline = buildState(s) as ResultState;
    assert.equal(st.kind, 'result', JSON.stringify(st).slice(0, 300));
    assert.equal(st.valueText, inline.valueText);
    assert.match(st.valueText, /^tensor\(/);
    assert.deepEqual(st.torch!.grads.map((g) => g.name), ['target', 'var']);
    assert.deepEqual(st.torch!.grads[1].view.values.slice(0, 20), inline.torch!.grads[1].view.values.slice(0, 20));
    const step = applyIntent(s, { type: 'setParam', name: 'eps', value: 0.01 })!;
    assert.equal((await ev.build(step) as ResultState).valueText, (buildState(step) as ResultState).valueText);
    assert.match(await ev.python(step), /var = torch.tensor\(/);
    ev.dispose();
  });

  it('small sessions stay on the host thread', async () => {
    const ev = new PanelEvaluator({ startWorker });
    const s = sessionFromArgs({ request: { loss: 'Huber', yTrue: [[0, 1], [0, 0]], yPred: [[0.6, 0.4], [0.4, 0.6]] } })!;
    assert.equal(ev.usesWorker(s), false);
    assert.equal((await ev.build(s) as ResultState).valueText, '0.155');
    ev.dispose();
  });
});
