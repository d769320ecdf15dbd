/**
 * Big inputs end to end, without the editor: a `y_true = [[...]]; y_pred = [[...]]` selection of N elements each
 * (1e4, 1e5, 1e6 = the 1000×1000 pair of issue 16) through what Compute Loss and the panel do on the extension host.
 *   compute      — the job in the real evaluation worker (dist/worker.js), until its answer is on the host
 *   host stall   — the longest the host's event loop was blocked meanwhile (a typed key waits this long)
 *   first result — compute + what the host does before the inline result is drawn (the result's hover text)
 *   panel open   — the panel's first state for that result (in the panel worker for large inputs)
 *   slider step  — a parameter change → the new state
 * Baseline: one plain evaluate() of the same arrays (the arithmetic every step has to do anyway); ratios are
 * against it. Medians; the machine is shared and noisy: compare columns of one run.
 * Run: node esbuild.mjs && node esbuild.mjs --bench && node out/bench/big.js [sizes...]
 */
import * as path from 'node:path';
import { evaluate } from '../../src/core/evaluate';
import { float32Digits } from '../../src/core/format';
import { run } from '../../src/extension/runner';
import { resultHoverMarkdown } from '../../src/extension/model/resultText';
import { PanelEvaluator } from '../../src/extension/panelWorker';
import { nodeWorker } from '../../src/extension/platform.node';
import { applyIntent, sessionFromArgs } from '../../src/extension/panelModel';
import type { PanelSession } from '../../src/shared/protocol';

const repo = path.resolve(__dirname, '../..');
const workerPath = path.join(repo, 'dist/esm/node/worker.js');
const startWorker = () => nodeWorker(workerPath);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** The selection text: two rows×cols literals, numbers as NumPy prints float32. */
function selection(rows: number, cols: number): string {
  const r = rng(11);
  const lit = () => {
    const out: string[] = [];
    for (let i = 0; i < rows; i++) {
      const row: string[] = new Array(cols);
      for (let j = 0; j < cols; j++) row[j] = float32Digits(Math.fround(r() * 4 - 2));
      out.push(`[${row.join(', ')}]`);
    }
    return `[${out.join(',\n ')}]`;
  };
  return `y_true = ${lit()}\ny_pred = ${lit()}\n`;
}

function median(xs: number[]): number { const s = xs.slice().sort((a, b) => a - b); return s[s.length >> 1]; }

/** Longest gap between event-loop turns while `p` runs (what a keystroke handled on this thread would wait). */
async function withStallMonitor<T>(p: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now(), worst = 0, on = true;
  const tick = () => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; if (on) setImmediate(tick); };
  setImmediate(tick);
  const value = await p();
  on = false;
  worst = Math.max(worst, performance.now() - last);
  return { value, stallMs: worst };
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const ns = sizes.length ? sizes : [1e4, 1e5, 1e6];
  console.log(`big inputs: MSE on a rows×1000 pair (y_true, y_pred of N elements each), node ${process.version}; medians`);
  console.log('N        chars      evaluate  compute  host-stall  first-result  panel-open  slider-step   compute/eval  open/eval  step/eval');
  for (const n of ns) {
    const cols = Math.min(1000, n), rows = Math.max(1, Math.round(n / cols));
    const text = selection(rows, cols);
    const limits = { maxInputChars: 1e9, maxDepth: 32 };
    const job = { kind: 'arrays' as const, text, loss: 'MeanSquaredError', config: {}, limits };
    const runs = n >= 1e6 ? 3 : 5;
    const computeMs: number[] = [], stalls: number[] = [], firstMs: number[] = [];
    let lastOut: Awaited<ReturnType<typeof run>> | null = null;
    for (let k = 0; k < runs; k++) {
      const t0 = performance.now();
      const { value: out, stallMs } = await withStallMonitor(() => run(job, { workerThresholdChars: 0, timeoutMs: 120000, startWorker }));
      const t1 = performance.now();
      if (!out.results.length) throw new Error(`no result: ${JSON.stringify(out.diagnostics).slice(0, 300)}`);
      // What finish() computes per result before the decoration is set: the inline text and the hover Markdown.
      resultHoverMarkdown(out.results[0].result, {});
      const t2 = performance.now();
      computeMs.push(t1 - t0); stalls.push(stallMs); firstMs.push(t2 - t0);
      lastOut = out;
    }
    const res = lastOut!.results[0];
    const t = { yTrue: res.request!.yTrue, yPred: res.request!.yPred };
    const baseline: number[] = [];
    for (let k = 0; k < 5; k++) { const t0 = performance.now(); evaluate({ loss: 'MeanSquaredError', yTrue: t.yTrue, yPred: t.yPred }); baseline.push(performance.now() - t0); }
    // The panel: opened on this result, then a slider (the reduction, then Huber's delta after a switch) moved.
    const panel = new PanelEvaluator({ startWorker });
    let session: PanelSession = sessionFromArgs({ request: res.request, title: 'MeanSquaredError' })!;
    session = applyIntent(session, { type: 'setLoss', loss: 'Huber' })!;
    const openMs: number[] = [], stepMs: number[] = [];
    for (let k = 0; k < 3; k++) {
      panel.reset();
      const t0 = performance.now();
      const st = await panel.build(session);
      if (!st) throw new Error('superseded');
      openMs.push(performance.now() - t0);
      if (st.kind !== 'result') throw new Error(`panel: ${st.kind === 'error' ? st.message : st.kind}`);
    }
    for (let k = 0; k < 9; k++) {
      session = applyIntent(session, { type: 'setParam', name: 'delta', value: 0.5 + (k % 5) * 0.25 })!;
      const t0 = performance.now();
      const st = await panel.build(session);
      stepMs.push(performance.now() - t0);
      if (!st || st.kind !== 'result') throw new Error('panel step');
    }
    panel.dispose();
    const b = median(baseline), c = median(computeMs), o = median(openMs), s = median(stepMs);
    console.log(`${String(n).padEnd(8)} ${String(text.length).padEnd(10)} ${b.toFixed(1).padStart(8)}  ${c.toFixed(0).padStart(7)}  ${median(stalls).toFixed(1).padStart(10)}  ${median(firstMs).toFixed(0).padStart(12)}  ${o.toFixed(0).padStart(10)}  ${s.toFixed(1).padStart(11)}   ${(c / b).toFixed(0).padStart(12)}  ${(o / b).toFixed(1).padStart(9)}  ${(s / b).toFixed(1).padStart(9)}`);
  }
  console.log('targets at 1e6: panel open < 1000 ms, slider step < 100 ms (webview drawing: see "redraw"); host stall is what a typed key waits');
}

main().catch((e) => { console.log(`big: ${(e as Error).stack ?? e}`); process.exitCode = 1; });
