/**
 * Panel latency: a slider change (setParam) on a 1e4-element input → the new PanelState (evaluate + loss curve
 * + per-sample/gradient views), as the host computes it before posting; compare mode adds four more curves.
 * Baseline: one plain evaluate() of the same input. Also the exact per-point sweep, to show what the
 * verified row-separable path saves. Median over runs.
 * Run: node esbuild.mjs --bench && node out/bench/panel.js [runs]
 */
import { applyIntent, buildState, TensorCache } from '../../src/extension/panelModel';
import { evaluate } from '../../src/core/evaluate';
import { sweepCurve } from '../../src/core/curves';
import { getSpec } from '../../src/core/registry';
import { withoutData, PanelSession, PanelState } from '../../src/shared/protocol';

const RUNS = Number(process.argv[2] ?? 41);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(f: () => void, runs = RUNS): number {
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); f(); ts.push(performance.now() - t); }
  return median(ts);
}

interface Case { name: string; loss: string; param: string; values: number[]; rows: number; cols: number; kind: 'reg' | 'cls' }

function data(c: Case): { yTrue: number[][]; yPred: number[][] } {
  const r = rng(7);
  const yTrue: number[][] = [], yPred: number[][] = [];
  for (let i = 0; i < c.rows; i++) {
    if (c.kind === 'reg') {
      yTrue.push(Array.from({ length: c.cols }, () => r() * 4 - 2));
      yPred.push(Array.from({ length: c.cols }, () => r() * 4 - 2));
    } else {
      const k = Math.floor(r() * c.cols);
      yTrue.push(Array.from({ length: c.cols }, (_, j) => (j === k ? 1 : 0)));
      const p = Array.from({ length: c.cols }, () => r() + 0.01);
      const s = p.reduce((a, b) => a + b, 0);
      yPred.push(p.map((x) => x / s));
    }
  }
  return { yTrue, yPred };
}

function main(): void {
  const cases: Case[] = [
    { name: 'Huber (1000×10), move delta', loss: 'Huber', param: 'delta', values: [0.5, 1.5], rows: 1000, cols: 10, kind: 'reg' },
    { name: 'CategoricalCrossentropy (1000×10), move label_smoothing', loss: 'CategoricalCrossentropy', param: 'label_smoothing', values: [0.05, 0.1], rows: 1000, cols: 10, kind: 'cls' },
    { name: 'BinaryFocalCrossentropy (10000×1), move gamma', loss: 'BinaryFocalCrossentropy', param: 'gamma', values: [1, 2], rows: 10000, cols: 1, kind: 'reg' },
  ];
  console.log(`panel: setParam → new PanelState on 1e4-element inputs, median of ${RUNS} runs (node ${process.version})`);
  for (const c of cases) {
    const d = data(c);
    if (c.loss === 'BinaryFocalCrossentropy') { for (const row of d.yTrue) row[0] = row[0] > 0 ? 1 : 0; for (const row of d.yPred) row[0] = 1 / (1 + Math.exp(-row[0])); }
    let session: PanelSession = {
      request: { loss: c.loss, yTrue: d.yTrue, yPred: d.yPred, config: {} }, sweepElement: -1,
      compare: { enabled: false, losses: ['MeanSquaredError', 'MeanAbsoluteError', 'Huber', 'LogCosh'] },
    };
    const cache = new TensorCache();
    const t = cache.get(session.request);
    let flip = 0;
    const base = time(() => { evaluate({ loss: c.loss, yTrue: t.yTrue, yPred: t.yPred, config: { [c.param]: c.values[flip++ & 1] } }); });
    const state = time(() => {
      session = applyIntent(session, { type: 'setParam', name: c.param, value: c.values[flip++ & 1] })!;
      const st = buildState(session, cache);
      if (st.kind !== 'result') throw new Error(st.kind === 'error' ? st.message : 'empty');
    });
    let last: PanelState | null = null;
    const stateAndJson = time(() => {
      session = applyIntent(session, { type: 'setParam', name: c.param, value: c.values[flip++ & 1] })!;
      last = buildState(session, cache);
      JSON.stringify({ type: 'state', state: withoutData(last), sameData: true });
    });
    const kb = JSON.stringify({ type: 'state', state: withoutData(last!), sameData: true }).length / 1024;
    const cmpSession = { ...session, compare: { ...session.compare, enabled: true } };
    const compare = time(() => {
      const st = buildState({ ...cmpSession, request: { ...session.request, config: { [c.param]: c.values[flip++ & 1] } } }, cache);
      if (st.kind !== 'result' || !st.compare.data) throw new Error('compare');
    });
    const spec = getSpec(c.loss);
    const r0 = evaluate({ loss: c.loss, yTrue: t.yTrue, yPred: t.yPred });
    const fast = sweepCurve(spec, r0.config, { yTrue: t.yTrue, yPred: t.yPred, result: r0 });
    const rowMs = time(() => { sweepCurve(spec, r0.config, { yTrue: t.yTrue, yPred: t.yPred, result: r0 }); });
    const fullMs = time(() => { sweepCurve(spec, r0.config, { yTrue: t.yTrue, yPred: t.yPred, result: r0, method: 'full' }); }, 5);
    console.log(`${c.name}`);
    console.log(`  baseline evaluate()           ${base.toFixed(2)} ms`);
    console.log(`  setParam → PanelState         ${state.toFixed(2)} ms  (${(state / base).toFixed(1)}× evaluate; target < 50 ms: ${state < 50 ? 'met' : 'MISSED'})`);
    console.log(`  + message JSON (${kb.toFixed(0)} kB)     ${stateAndJson.toFixed(2)} ms  (what postMessage serialises on a slider move)`);
    console.log(`  same, compare mode (+4 losses) ${compare.toFixed(2)} ms  (${(compare / base).toFixed(1)}× evaluate)`);
    console.log(`  loss curve, ${fast.method} path (101 pts)  ${rowMs.toFixed(2)} ms  vs exact per-point sweep ${fullMs.toFixed(1)} ms (${(fullMs / rowMs).toFixed(0)}× slower)`);
  }
}

main();
