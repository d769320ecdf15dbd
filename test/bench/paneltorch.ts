/**
 * The panel on a PyTorch call at 1e4, 1e5, 1e6 elements (issue 11's panel, issue 16's goals): what the host does
 * from a torch request to the state the webview draws, in the panel worker for large inputs as the extension does.
 *   open        — the first state in a fresh worker (the arrays sent, evaluate, the curve with its verified
 *                 per-sample path, the paged views, the heatmap)
 *   slider step — a keyword slider moved → the new state (CrossEntropyLoss: label_smoothing; BCEWithLogitsLoss:
 *                 pos_weight's scale slider)
 *   page step   — the per-sample view moved to another page (no number moves: the evaluation is reused)
 * Baseline: one plain evaluateTorch() of the stepped call (the arithmetic every step has to do anyway), measured in
 * this process between the panel's runs; ratios are against it: a step should cost about one evaluation (1.0×), the
 * curve's per-sample path and the views next to nothing. Wall-clock medians, and the process's CPU time (host and
 * worker threads) of the same runs: the machine is shared, compare columns of one run.
 * Run: node esbuild.mjs && node esbuild.mjs --bench && node out/bench/paneltorch.js [sizes...]
 * Env: BENCH_LOSSES=CrossEntropyLoss,BCEWithLogitsLoss (a subset).
 */
import * as path from 'node:path';
import { evaluateTorch, type TorchTensor } from '../../src/core/torch';
import { PanelEvaluator } from '../../src/extension/panelWorker';
import { nodeWorker } from '../../src/extension/platform.node';
import { applyIntent } from '../../src/extension/panelModel';
import { effectiveTorchConfig, POS_WEIGHT_SCALE } from '../../src/extension/panelTorch';
import type { Intent, PanelSession } from '../../src/shared/protocol';

const repo = path.resolve(__dirname, '../..');
const workerPath = path.join(repo, 'dist/esm/node/worker.js');
const startWorker = () => nodeWorker(workerPath);
const C = 10;

function median(xs: number[]): number { const s = xs.slice().sort((a, b) => a - b); return s[s.length >> 1]; }
function cpuMs(): number { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }

interface Case {
  loss: string;
  what: string;
  session: (input: TorchTensor, rnd: () => number) => PanelSession;
  /** The k-th slider move. */
  step: (k: number) => Intent;
}

const weight = Array.from({ length: C }, (_, i) => 0.5 + (i % 4) * 0.5);
const CASES: Case[] = [
  {
    loss: 'CrossEntropyLoss', what: `nn.CrossEntropyLoss(weight=…) on (N, ${C}) logits, int64 targets; slider: label_smoothing`,
    session: (input, rnd) => {
      const N = input.shape[0];
      const target: TorchTensor = { data: new Float64Array(N).map(() => Math.floor(rnd() * C)), shape: [N], dtype: 'int64' };
      return {
        request: { loss: 'nn.CrossEntropyLoss', framework: 'torch', mode: 'class', yPred: input, yTrue: target, dtypes: { input: 'float32', target: 'int64' }, config: { weight } },
        title: 'nn.CrossEntropyLoss', sweepElement: -1, compare: { enabled: false, losses: [] },
      };
    },
    step: (k) => ({ type: 'setParam', name: 'label_smoothing', value: 0.05 * (k + 1) }),
  },
  {
    loss: 'BCEWithLogitsLoss', what: `nn.BCEWithLogitsLoss(pos_weight=…) on (N, ${C}) logits, 0/1 targets; slider: pos_weight's scale`,
    session: (input, rnd) => {
      const target: TorchTensor = { data: new Float64Array(input.data.length).map(() => (rnd() < 0.3 ? 1 : 0)), shape: input.shape.slice(), dtype: 'float32' };
      return {
        request: { loss: 'nn.BCEWithLogitsLoss', framework: 'torch', mode: 'class', yPred: input, yTrue: target, dtypes: { input: 'float32', target: 'float32' }, config: { pos_weight: weight } },
        title: 'nn.BCEWithLogitsLoss', sweepElement: -1, compare: { enabled: false, losses: [] },
      };
    },
    step: (k) => ({ type: 'setParam', name: POS_WEIGHT_SCALE, value: 1 + 0.25 * (k + 1) }),
  },
];

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const ns = sizes.length ? sizes : [1e4, 1e5, 1e6];
  const only = process.env.BENCH_LOSSES ? new Set(process.env.BENCH_LOSSES.split(',').map((s) => s.trim())) : null;
  const goals: string[] = [];
  console.log(`panel on a torch call at N·${C} elements, node ${process.version}; medians of 3 opens, 7 slider steps, 7 page steps, 10 plain evaluations between them; ms wall (CPU time of the process: host and worker threads)`);
  for (const c of CASES) {
    if (only && !only.has(c.loss)) continue;
    console.log(c.what);
    console.log('elements  evaluate (cpu)   open (cpu)    slider-step (cpu)   page-step   open/eval (cpu)  step/eval (cpu)');
    for (const n of ns) {
      const N = Math.max(1, Math.round(n / C));
      let s = 12345;
      const rnd = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
      const input: TorchTensor = { data: new Float64Array(N * C).map(() => Math.fround(rnd() * 6 - 3)), shape: [N, C], dtype: 'float32' };
      let session = c.session(input, rnd);
      let panel = new PanelEvaluator({ startWorker });
      const openMs: number[] = [], openCpu: number[] = [], stepMs: number[] = [], stepCpu: number[] = [], pageMs: number[] = [], base: number[] = [], baseCpu: number[] = [];
      // the baseline: the stepped call (the third slider position), evaluated plainly
      const stepped = applyIntent(session, c.step(3))!;
      const q = stepped.request;
      const evalOnce = () => evaluateTorch({ loss: q.loss, config: effectiveTorchConfig(q), args: { input: q.yPred as TorchTensor, target: q.yTrue as TorchTensor } });
      const baseline = () => { const c0 = cpuMs(), t0 = performance.now(); evalOnce(); base.push(performance.now() - t0); baseCpu.push(cpuMs() - c0); };
      evalOnce(); evalOnce();
      for (let k = 0; k < 3; k++) {
        // a new panel each time: a fresh worker, and no cached evaluation on the host (inline sizes)
        panel.dispose();
        panel = new PanelEvaluator({ startWorker });
        const c0 = cpuMs(), t0 = performance.now();
        const st = await panel.build(session);
        openMs.push(performance.now() - t0); openCpu.push(cpuMs() - c0);
        if (!st || st.kind !== 'result') throw new Error(`panel: ${st && st.kind === 'error' ? st.message : st?.kind}`);
        baseline();
      }
      for (let k = 0; k < 7; k++) {
        session = applyIntent(session, c.step(k))!;
        const c0 = cpuMs(), t0 = performance.now();
        const st = await panel.build(session);
        stepMs.push(performance.now() - t0); stepCpu.push(cpuMs() - c0);
        if (!st || st.kind !== 'result') throw new Error(`panel step: ${st && st.kind === 'error' ? st.message : st?.kind}`);
        if (st.curve == null) throw new Error(`panel step: no curve (${st.curveError})`);
        baseline();
      }
      for (let k = 0; k < 7; k++) {
        session = applyIntent(session, { type: 'setPage', view: 'samples', offset: Math.floor((N * (k + 1)) / 8 / 500) * 500 })!;
        const t0 = performance.now();
        const st = await panel.build(session);
        pageMs.push(performance.now() - t0);
        if (!st || st.kind !== 'result') throw new Error('panel page');
      }
      panel.dispose();
      const b = median(base), bc = median(baseCpu), o = median(openMs), oc = median(openCpu), st = median(stepMs), sc = median(stepCpu), p = median(pageMs);
      console.log(`${String(N * C).padEnd(9)} ${b.toFixed(1).padStart(6)} (${bc.toFixed(1).padStart(6)})  ${o.toFixed(0).padStart(5)} (${oc.toFixed(0).padStart(5)})  ${st.toFixed(1).padStart(9)} (${sc.toFixed(1).padStart(6)})  ${p.toFixed(1).padStart(9)}   ${(o / b).toFixed(1).padStart(5)} (${(oc / bc).toFixed(1).padStart(5)})  ${(st / b).toFixed(2).padStart(5)} (${(sc / bc).toFixed(2).padStart(5)})`);
      if (N * C >= 1e6) goals.push(`${c.loss} at ${N * C}: open ${o.toFixed(0)} ms ${o < 1000 ? 'met' : 'MISSED'}, step ${st.toFixed(0)} ms ${st < 100 ? 'met' : 'MISSED'} (one evaluateTorch alone: ${b.toFixed(0)} ms)`);
    }
  }
  console.log('goal (issue 16) at 1e6 elements: panel open < 1000 ms, slider step < 100 ms; a step costs at least one evaluateTorch (the core\'s speed: npm run bench, part torch)');
  for (const g of goals) console.log(`  ${g}`);
}

main().catch((e) => { console.log(`paneltorch: ${(e as Error).stack ?? e}`); process.exitCode = 1; });
