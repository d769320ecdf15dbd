/**
 * Loss core vs TensorFlow.js (tfjs-layers' Keras losses on tfjs-backend-cpu and tfjs-backend-wasm), side by side
 * in one run: value + gradient w.r.t. y_pred, Keras default reduction (sum_over_batch_size), inputs Float64Array
 * shaped [N/10, 10]. Reports median ms per call and the ratios; writes bench/results-losses.json.
 * tfjs-wasm runs single-threaded SIMD under Node (its threaded build needs a blob: worker).
 * Two core columns: "core" allocates a fresh gradient array per call (what a plain evaluate() does; the ratios and
 * the targets use it), "core+buf" passes a reused gradient buffer (EvalRequest.out.grad, the opt-in hot path),
 * which removes the page faults of a fresh 8 MB array at 1e6.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as L from '@tensorflow/tfjs-layers/dist/losses';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate, getSpec, Tensor } from '../../src/core';

type Case = { name: string; loss: string; config?: Record<string, unknown>; weighted?: boolean; data: 'reg' | 'prob' | 'onehot' | 'logits' | 'count' | 'binary' };

const CASES: Case[] = [
  { name: 'mse', loss: 'MeanSquaredError', data: 'reg' },
  { name: 'mae', loss: 'MeanAbsoluteError', data: 'reg' },
  { name: 'bce', loss: 'BinaryCrossentropy', data: 'binary' },
  { name: 'bce+sw', loss: 'BinaryCrossentropy', data: 'binary', weighted: true },
  { name: 'cce', loss: 'CategoricalCrossentropy', data: 'onehot' },
  { name: 'cce logits', loss: 'CategoricalCrossentropy', data: 'logits', config: { from_logits: true } },
  { name: 'logcosh', loss: 'LogCosh', data: 'reg' },
  { name: 'kld', loss: 'KLDivergence', data: 'prob' },
  { name: 'poisson', loss: 'Poisson', data: 'count' },
  { name: 'huber', loss: 'Huber', data: 'reg' },
];

function rng(seed: number) { let s = seed >>> 0; return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296); }

function makeData(kind: Case['data'], n: number): { t: Float64Array; p: Float64Array } {
  const r = rng(42 + n);
  const t = new Float64Array(n), p = new Float64Array(n);
  const D = 10;
  for (let i = 0; i < n; i += D) {
    const cls = Math.floor(r() * D);
    let sum = 0;
    for (let j = 0; j < D; j++) {
      const k = i + j;
      switch (kind) {
        case 'reg': t[k] = r() * 4 - 2; p[k] = r() * 4 - 2; break;
        case 'binary': t[k] = r() < 0.5 ? 0 : 1; p[k] = 0.01 + 0.98 * r(); break;
        case 'onehot': t[k] = j === cls ? 1 : 0; p[k] = 0.05 + r(); sum += p[k]; break;
        case 'logits': t[k] = j === cls ? 1 : 0; p[k] = r() * 6 - 3; break;
        case 'prob': t[k] = 0.05 + r(); p[k] = 0.05 + r(); sum += p[k]; break;
        case 'count': t[k] = Math.floor(r() * 5); p[k] = 0.1 + r() * 4; break;
      }
    }
    if (kind === 'onehot' || kind === 'prob') for (let j = 0; j < D; j++) p[i + j] /= sum;
  }
  return { t, p };
}

function tfjsLoss(c: Case, yt: tf.Tensor2D, yp: tf.Tensor2D, sw: tf.Tensor1D | null): tf.Scalar {
  let per: tf.Tensor;
  switch (c.loss) {
    case 'MeanSquaredError': per = L.meanSquaredError(yt, yp); break;
    case 'MeanAbsoluteError': per = L.meanAbsoluteError(yt, yp); break;
    case 'BinaryCrossentropy': per = L.binaryCrossentropy(yt, yp); break;
    case 'CategoricalCrossentropy': per = L.categoricalCrossentropy(yt, yp, !!c.config?.from_logits); break;
    case 'LogCosh': per = L.logcosh(yt, yp); break;
    case 'KLDivergence': per = L.kullbackLeiblerDivergence(yt, yp); break;
    case 'Poisson': per = L.poisson(yt, yp); break;
    case 'Huber': return tf.losses.huberLoss(yt, yp, undefined, 1.0, tf.Reduction.MEAN) as tf.Scalar;
    default: throw new Error(c.loss);
  }
  if (sw) per = tf.mul(per, sw);
  return tf.mean(per) as tf.Scalar;
}

function median(xs: number[]): number { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

/**
 * Median ms per call in the steady state: warms up for a third of the budget (at least 3 calls), then repeats until
 * ~budget ms spent (at least 3 runs). The same for every column. The warm-up matters for more than the JIT: with a
 * fresh 8 MB result per call (the core's gradient, tfjs-cpu's tensors), the first ~100 calls at 1e6 fault in fresh
 * pages (2–3 ms a call on this machine) until the allocator settles into recycling the freed ones.
 */
function time(fn: () => void, budgetMs: number): number {
  const w0 = performance.now();
  for (let k = 0; k < 3 || (performance.now() - w0 < budgetMs / 3 && k < 300); k++) fn();
  const runs: number[] = [];
  const t0 = performance.now();
  while (runs.length < 3 || (performance.now() - t0 < budgetMs && runs.length < 200)) {
    const a = performance.now(); fn(); runs.push(performance.now() - a);
  }
  if (process.env.BENCH_DEBUG) { const s = runs.slice().sort((a, b) => a - b); console.log(`  runs ${runs.length} min ${s[0].toFixed(2)} p25 ${s[s.length >> 2].toFixed(2)} med ${s[s.length >> 1].toFixed(2)} p75 ${s[(3 * s.length) >> 2].toFixed(2)} first ${runs.slice(0, 8).map((x) => x.toFixed(1)).join(' ')}`); }
  return median(runs);
}

async function main() {
  const sizes = (process.env.BENCH_SIZES ?? '1e3,1e5,1e6').split(',').map(Number);
  const budget = Number(process.env.BENCH_BUDGET_MS ?? 1500);
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
  setWasmPaths(wasmDir);
  const only = process.env.BENCH_LOSSES?.split(',');
  const available = CASES.filter((c) => { try { getSpec(c.loss); return !only || only.includes(c.name); } catch { return false; } });
  const rows: Record<string, unknown>[] = [];
  console.log(`loss core vs tfjs (value + gradient, [N/10, 10], Keras default reduction); load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log('N        loss         core ms  core+buf ms  tfjs-cpu ms  tfjs-wasm ms  cpu/core  wasm/core  wasm/core+buf  |value diff|');
  for (const backend of ['cpu', 'wasm']) { await tf.setBackend(backend); await tf.ready(); }
  for (const n of sizes) {
    for (const c of available) {
      const { t, p } = makeData(c.data, n);
      const B = n / 10;
      const swArr = c.weighted ? Float64Array.from({ length: B }, (_, i) => 0.5 + (i % 7) / 7) : null;
      const yT: Tensor = { data: t, shape: [B, 10] };
      const yP: Tensor = { data: p, shape: [B, 10] };
      const sW: Tensor | null = swArr ? { data: swArr, shape: [B] } : null;
      let coreVal = 0;
      const core = time(() => { const r = evaluate({ loss: c.loss, yTrue: yT, yPred: yP, sampleWeight: sW, config: c.config as never }); coreVal = r.value.data[0]; if (r.grad.data.length !== n) throw new Error('grad'); }, budget);
      const gbuf = new Float64Array(n);
      const coreBuf = time(() => { const r = evaluate({ loss: c.loss, yTrue: yT, yPred: yP, sampleWeight: sW, config: c.config as never, out: { grad: gbuf } }); if (r.grad.data !== gbuf || r.value.data[0] !== coreVal) throw new Error('grad buffer'); }, budget);
      const res: Record<string, number> = {};
      let tfVal = NaN;
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        res[backend] = time(() => {
          tf.tidy(() => {
            const yt = tf.tensor2d(Float32Array.from(t), [B, 10]);
            const yp = tf.tensor2d(Float32Array.from(p), [B, 10]);
            const sw = swArr ? tf.tensor1d(Float32Array.from(swArr)) : null;
            const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tfjsLoss(c, yt, x as tf.Tensor2D, sw))(yp);
            tfVal = value.dataSync()[0];
            grad.dataSync();
          });
        }, budget);
      }
      const row = { n, loss: c.name, core_ms: core, core_buf_ms: coreBuf, tfjs_cpu_ms: res.cpu, tfjs_wasm_ms: res.wasm, cpu_ratio: res.cpu / core, wasm_ratio: res.wasm / core,
        cpu_ratio_buf: res.cpu / coreBuf, wasm_ratio_buf: res.wasm / coreBuf, value_diff: Math.abs(coreVal - tfVal) };
      rows.push(row);
      console.log(`${String(n).padEnd(8)} ${c.name.padEnd(12)} ${core.toFixed(3).padStart(8)} ${coreBuf.toFixed(3).padStart(12)} ${res.cpu.toFixed(3).padStart(12)} ${res.wasm.toFixed(3).padStart(13)} ${(res.cpu / core).toFixed(1).padStart(9)} ${(res.wasm / core).toFixed(1).padStart(10)} ${(res.wasm / coreBuf).toFixed(1).padStart(14)}   ${row.value_diff.toExponential(1)}`);
    }
  }
  const gm = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  const summary: Record<string, unknown> = {};
  for (const n of sizes) {
    const r = rows.filter((x) => x.n === n);
    if (!r.length) continue;
    const g = (k: string) => gm(r.map((x) => x[k] as number));
    summary[String(n)] = { cpu_geomean: g('cpu_ratio'), wasm_geomean: g('wasm_ratio'), cpu_geomean_buf: g('cpu_ratio_buf'), wasm_geomean_buf: g('wasm_ratio_buf'), losses: r.length };
    console.log(`N=${n}: geometric mean over ${r.length} losses: ${g('cpu_ratio').toFixed(1)}× faster than tfjs-cpu (target ≥ 40× at 1e6), ${g('wasm_ratio').toFixed(1)}× faster than tfjs-wasm (target ≥ 4× at 1e6); with a reused grad buffer ${g('cpu_ratio_buf').toFixed(1)}× / ${g('wasm_ratio_buf').toFixed(1)}×`);
  }
  if (available.length < CASES.length) console.log(`not registered yet: ${CASES.filter((c) => !available.includes(c)).map((c) => c.name).join(', ')}`);
  fs.mkdirSync('bench', { recursive: true });
  fs.writeFileSync('bench/results-losses.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg(), tfjs: '4.22.0', wasm: 'single-threaded SIMD (Node)', rows, summary }, null, 1));
}
main().catch((e) => { console.error(e); process.exit(1); });
