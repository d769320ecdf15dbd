/**
 * The panel's Frameworks view: what a slider move costs with the view shown (the compare rows of the call and each
 * row along the 101-point sweep) against the same move in the plots view (baseline, same run, same input).
 * Inputs: CategoricalCrossentropy and Huber at 4×3 (exact sweep on the whole input), 100×10 and 1000×10 (curves of
 * the swept sample alone, table of the whole input). Median over runs.
 * Run: node esbuild.mjs --bench && node out/bench/frameworks.js [runs]
 */
import { applyIntent, buildState } from '../../src/extension/panelModel';
import type { PanelSession } from '../../src/shared/protocol';

const RUNS = Number(process.argv[2] ?? 9);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

function inputs(kind: 'cls' | 'reg', rows: number, cols: number): { yTrue: number[][]; yPred: number[][] } {
  const r = rng(11);
  const yTrue: number[][] = [], yPred: number[][] = [];
  for (let i = 0; i < rows; i++) {
    if (kind === 'reg') { yTrue.push(Array.from({ length: cols }, () => r() * 4 - 2)); yPred.push(Array.from({ length: cols }, () => r() * 4 - 2)); continue; }
    const k = Math.floor(r() * cols);
    yTrue.push(Array.from({ length: cols }, (_, j) => (j === k ? 1 : 0)));
    const p = Array.from({ length: cols }, () => r() + 0.01);
    const s = p.reduce((a, b) => a + b, 0);
    yPred.push(p.map((x) => x / s));
  }
  return { yTrue, yPred };
}

function timeMoves(base: PanelSession, param: string, values: number[]): number {
  let s = base;
  const ts: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    s = applyIntent(s, { type: 'setParam', name: param, value: values[i % values.length] })!;
    const t = performance.now();
    const st = buildState(s);
    if (st.kind !== 'result') throw new Error(st.kind === 'error' ? st.message : st.kind);
    if (i >= 2) ts.push(performance.now() - t);
  }
  return median(ts);
}

console.log(`Frameworks view: setParam → PanelState, plots view (baseline) vs Frameworks view, median of ${RUNS} (node ${process.version})`);
for (const [loss, kind, param, values] of [['CategoricalCrossentropy', 'cls', 'label_smoothing', [0.05, 0.1]], ['Huber', 'reg', 'delta', [0.5, 1.5]]] as const) {
  for (const [rows, cols] of [[4, 3], [100, 10], [1000, 10]]) {
    const d = inputs(kind, rows, cols);
    const session: PanelSession = { request: { loss, yTrue: d.yTrue, yPred: d.yPred, config: {} }, sweepElement: -1, compare: { enabled: false, losses: [] } };
    const plots = timeMoves(session, param, [...values]);
    const fw = timeMoves({ ...session, view: 'frameworks' }, param, [...values]);
    const scope = (buildState({ ...session, view: 'frameworks' }) as { frameworks?: { data?: { scope?: string } } }).frameworks?.data?.scope ? 'sample sweep' : 'whole-input sweep';
    console.log(`  ${loss.padEnd(24)} ${`${rows}×${cols}`.padEnd(8)} plots ${plots.toFixed(1).padStart(7)} ms · frameworks ${fw.toFixed(1).padStart(7)} ms · ${(fw / plots).toFixed(1).padStart(5)}× (${scope})`);
  }
}
