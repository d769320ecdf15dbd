/**
 * The panel on a PyTorch call at 1e4, 1e5, 1e6 elements (issue 11's panel, issue 16's goals): what the host does
 * from a torch request to the state the webview draws, in the panel worker for large inputs as the extension does.
 *   open        — the first state (evaluate, the curve with its verified per-sample path, the views, the heatmap)
 *   slider step — label_smoothing moved → the new state
 *   page step   — the per-sample view moved to another page (no number moves: the evaluation is reused)
 * Baseline: one plain evaluateTorch() of the same call (the arithmetic every step has to do anyway); ratios are
 * against it. Medians; the machine is shared and noisy: compare columns of one run.
 * Run: node esbuild.mjs && node esbuild.mjs --bench && node out/bench/paneltorch.js [sizes...]
 */
import * as path from 'node:path';
import { evaluateTorch, type TorchTensor } from '../../src/core/torch';
import { PanelEvaluator } from '../../src/extension/panelWorker';
import { nodeWorker } from '../../src/extension/platform.node';
import { applyIntent } from '../../src/extension/panelModel';
import type { PanelSession } from '../../src/shared/protocol';

const repo = path.resolve(__dirname, '../..');
const workerPath = path.join(repo, 'dist/esm/node/worker.js');
const startWorker = () => nodeWorker(workerPath);

function median(xs: number[]): number { const s = xs.slice().sort((a, b) => a - b); return s[s.length >> 1]; }

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const ns = sizes.length ? sizes : [1e4, 1e5, 1e6];
  const C = 10;
  console.log(`panel on nn.CrossEntropyLoss(weight=…) with (N, ${C}) logits and int64 targets (N·${C} elements), node ${process.version}; medians`);
  console.log('elements  evaluateTorch  open   slider-step  page-step   open/eval  step/eval  page/eval');
  for (const n of ns) {
    const N = Math.max(1, Math.round(n / C));
    let s = 12345;
    const rnd = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
    const input: TorchTensor = { data: new Float64Array(N * C).map(() => Math.fround(rnd() * 6 - 3)), shape: [N, C], dtype: 'float32' };
    const target: TorchTensor = { data: new Float64Array(N).map(() => Math.floor(rnd() * C)), shape: [N], dtype: 'int64' };
    const weight = Array.from({ length: C }, (_, i) => 0.5 + (i % 4) * 0.5);
    const base: number[] = [];
    for (let k = 0; k < 5; k++) { const t0 = performance.now(); evaluateTorch({ loss: 'nn.CrossEntropyLoss', config: { weight }, args: { input, target } }); base.push(performance.now() - t0); }
    let session: PanelSession = {
      request: { loss: 'nn.CrossEntropyLoss', framework: 'torch', mode: 'class', yPred: input, yTrue: target, dtypes: { input: 'float32', target: 'int64' }, config: { weight } },
      title: 'nn.CrossEntropyLoss', sweepElement: -1, compare: { enabled: false, losses: [] },
    };
    const panel = new PanelEvaluator({ startWorker });
    const openMs: number[] = [], stepMs: number[] = [], pageMs: number[] = [];
    for (let k = 0; k < 3; k++) {
      panel.reset();
      const t0 = performance.now();
      const st = await panel.build(session);
      openMs.push(performance.now() - t0);
      if (!st || st.kind !== 'result') throw new Error(`panel: ${st && st.kind === 'error' ? st.message : st?.kind}`);
    }
    for (let k = 0; k < 7; k++) {
      session = applyIntent(session, { type: 'setParam', name: 'label_smoothing', value: 0.05 * (k + 1) })!;
      const t0 = performance.now();
      const st = await panel.build(session);
      stepMs.push(performance.now() - t0);
      if (!st || st.kind !== 'result') throw new Error('panel step');
    }
    for (let k = 0; k < 7; k++) {
      session = applyIntent(session, { type: 'setPage', view: 'samples', offset: Math.floor((N * (k + 1)) / 8 / 500) * 500 })!;
      const t0 = performance.now();
      const st = await panel.build(session);
      pageMs.push(performance.now() - t0);
      if (!st || st.kind !== 'result') throw new Error('panel page');
    }
    panel.dispose();
    const b = median(base), o = median(openMs), st = median(stepMs), p = median(pageMs);
    console.log(`${String(N * C).padEnd(9)} ${b.toFixed(1).padStart(13)}  ${o.toFixed(0).padStart(5)}  ${st.toFixed(1).padStart(11)}  ${p.toFixed(1).padStart(9)}   ${(o / b).toFixed(1).padStart(9)}  ${(st / b).toFixed(1).padStart(9)}  ${(p / b).toFixed(2).padStart(9)}`);
  }
  console.log('targets at 1e6 (issue 16): panel open < 1000 ms, slider step < 100 ms; a step costs at least one evaluateTorch (the core\'s speed: npm run bench, part torch)');
}

main().catch((e) => { console.log(`paneltorch: ${(e as Error).stack ?? e}`); process.exitCode = 1; });
