/**
 * Live values from a paused program: fetch + evaluate of a 1e6-element float32 pair from a REAL debugpy
 * (python3-debugpy under /usr/bin/python3), split into transfer (waiting for the evaluate replies), parse
 * (decoding them into Float64Arrays) and evaluate (the loss with its gradient). Side by side with the baseline
 * the docs suggest: `json.dumps(x.reshape(-1)[i:j].tolist())` per window, parsed by JSON.parse and rounded to float32
 * (one reply for 1e6 elements did not finish in 90 s here, so the baseline reads the same 262144-element windows).
 * Goal: under 2 s for the pair. Run: node esbuild.mjs --bench && node out/bench/debug.js [runs]
 */
import * as path from 'node:path';
import { fetchValue } from '../../src/extension/model/debugFetch';
import { evaluate } from '../../src/core/evaluate';
import { launchPaused, pythonHas } from '../unit/debug/dap';

const runs = Number(process.argv[2] ?? 3);
const program = path.resolve(__dirname, '../../test/bench/fixtures/debug_pair.py');

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;

async function main(): Promise<void> {
  if (!pythonHas('numpy')) { console.log('debug: skipped (/usr/bin/python3 lacks debugpy/numpy: apt-get install -y python3-debugpy python3-numpy)'); return; }
  const dbg = await launchPaused(program);
  try {
    const ev = (e: string) => dbg.evaluate(e);
    const ours: { transfer: number; parse: number; evaluate: number; total: number; chars: number; requests: number }[] = [];
    const base: { transfer: number; parse: number; evaluate: number; total: number; chars: number }[] = [];
    for (let r = 0; r < runs + 1; r++) {
      // ours: base64 float32 windows of 262144 elements
      let t0 = performance.now();
      const t = await fetchValue('python', 'y_true', ev);
      const p = await fetchValue('python', 'y_pred', ev);
      const fetched = performance.now();
      evaluate({ loss: 'BinaryCrossentropy', yTrue: t.tensor, yPred: p.tensor, sampleWeight: null, config: {}, mode: 'class' });
      const done = performance.now();
      const o = { transfer: t.transferMs + p.transferMs, parse: t.parseMs + p.parseMs, evaluate: done - fetched, total: done - t0, chars: t.chars + p.chars, requests: t.requests + p.requests };
      // baseline: one tolist() JSON reply per array
      t0 = performance.now();
      let transfer = 0, parse = 0, chars = 0;
      const arrays = [];
      const W = 262_144, N = 1_000_000;
      for (const name of ['y_true', 'y_pred']) {
        const data = new Float64Array(N);
        for (let at = 0; at < N; at += W) {
          const a = performance.now();
          const raw = await ev(`__import__('json').dumps(${name}.reshape(-1)[${at}:${at + W}].tolist())`);
          const b = performance.now();
          const j = JSON.parse(raw) as number[];
          for (let i = 0; i < j.length; i++) data[at + i] = Math.fround(j[i]);
          transfer += b - a; parse += performance.now() - b; chars += raw.length;
        }
        arrays.push({ data, shape: [1000, 1000] });
      }
      const f2 = performance.now();
      evaluate({ loss: 'BinaryCrossentropy', yTrue: arrays[0], yPred: arrays[1], sampleWeight: null, config: {}, mode: 'class' });
      const d2 = performance.now();
      const b = { transfer, parse, evaluate: d2 - f2, total: d2 - t0, chars };
      if (r > 0) { ours.push(o); base.push(b); } // the first round warms up both sides
    }
    const m = (xs: { [k: string]: number }[], k: string) => median(xs.map((x) => x[k]));
    console.log(`debug: fetch + evaluate of a 1e6-element float32 pair (1000×1000 y_true, y_pred) from debugpy, BinaryCrossentropy with gradient; median of ${runs} after a warm-up`);
    console.log(`                     transfer     parse  evaluate     total   received`);
    console.log(`  ours (base64 f32) ${ms(m(ours, 'transfer'))}  ${ms(m(ours, 'parse'))}  ${ms(m(ours, 'evaluate'))}  ${ms(m(ours, 'total'))}   ${(m(ours, 'chars') / 1e6).toFixed(1)} MB in ${m(ours, 'requests')} replies`);
    console.log(`  baseline (tolist) ${ms(m(base, 'transfer'))}  ${ms(m(base, 'parse'))}  ${ms(m(base, 'evaluate'))}  ${ms(m(base, 'total'))}   ${(m(base, 'chars') / 1e6).toFixed(1)} MB in 8 replies`);
    console.log(`  total: ${(m(base, 'total') / m(ours, 'total')).toFixed(2)}× faster than the baseline; goal < 2000 ms: ${m(ours, 'total') < 2000 ? 'met' : 'NOT met'}`);
  } finally {
    await dbg.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
