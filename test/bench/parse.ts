/**
 * Array-literal scanner vs JSON.parse on the same 1e6 numbers: numpy's printed form for ours, JSON for
 * JSON.parse (plus Number() per element to make the comparison fair for NumPy-only spellings is NOT done:
 * JSON.parse gets its own best case). Prints MB/s of each and the ratio; checks bit-identical numbers.
 * Run: node esbuild.mjs --bench && node out/bench/parse.js [count]
 */
import { parseArrayLiteralTensor } from '../../src/core/literal';
import { float32Digits } from '../../src/core/format';
import { evaluateSnippet } from '../../src/core/python';
import { parser } from '@lezer/python';

const N = Number(process.argv[2] ?? 1e6);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** NumPy's repr of a float32 1-D array: shortest float32 digits, padded, 6 per line, continuation indent. */
function numpyText(vals: number[]): string {
  const cells = vals.map((v) => float32Digits(v).replace(/^(-?\d+)\.0$/, '$1.'));
  let w = 0;
  for (const c of cells) w = Math.max(w, c.length);
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 6) lines.push(cells.slice(i, i + 6).map((c) => c.padEnd(w)).join(', '));
  return `array([${lines.join(',\n       ')}], dtype=float32)`;
}

function main(): void {
  const r = rng(42);
  const vals: number[] = [];
  for (let i = 0; i < N; i++) {
    const x = (r() - 0.5) * (r() < 0.1 ? 2000 : 4);
    vals.push(Number(float32Digits(x)));
  }
  const np = numpyText(vals);
  const json = JSON.stringify(vals);
  const mb = (s: string) => s.length / 1e6;
  console.log(`${N} numbers: numpy text ${mb(np).toFixed(1)} MB, JSON ${mb(json).toFixed(1)} MB`);

  // correctness: bit-identical to JSON.parse / Number()
  const ours = parseArrayLiteralTensor(np, 'bench').data;
  const theirs = JSON.parse(json) as number[];
  let mismatches = 0;
  for (let i = 0; i < N; i++) if (!Object.is(ours[i], theirs[i])) mismatches++;
  console.log(`bit-identical: ${mismatches === 0 ? 'yes' : `NO (${mismatches} differ)`}`);

  const time = (f: () => void, reps: number): number => {
    const ts: number[] = [];
    for (let k = 0; k < reps; k++) { const t0 = process.hrtime.bigint(); f(); ts.push(Number(process.hrtime.bigint() - t0) / 1e6); }
    ts.sort((a, b) => a - b);
    return ts[Math.floor(ts.length / 2)];
  };
  const reps = 7;
  // interleave warm-up
  time(() => JSON.parse(json), 2); time(() => parseArrayLiteralTensor(np, 'bench'), 2);
  const tJson = time(() => JSON.parse(json), reps);
  const tOurs = time(() => parseArrayLiteralTensor(np, 'bench'), reps);
  const tJsonOurs = time(() => parseArrayLiteralTensor(json, 'bench'), reps);
  const sJson = mb(json) / (tJson / 1000);
  const sOurs = mb(np) / (tOurs / 1000);
  const sJsonOurs = mb(json) / (tJsonOurs / 1000);
  console.log(`JSON.parse (JSON text):            ${tJson.toFixed(1)} ms  ${sJson.toFixed(1)} MB/s`);
  console.log(`parseArrayLiteralTensor (numpy):   ${tOurs.toFixed(1)} ms  ${sOurs.toFixed(1)} MB/s`);
  console.log(`parseArrayLiteralTensor (JSON):    ${tJsonOurs.toFixed(1)} ms  ${sJsonOurs.toFixed(1)} MB/s`);
  console.log(`ratio (ours numpy MB/s / JSON.parse MB/s): ${(sOurs / sJson).toFixed(2)}x  (target >= 1.0x)`);

  // The same literal inside a Keras snippet: the evaluator reads it with the scanner (compacted before the Python
  // parser). For comparison, @lezer/python on a tenth of it: what parsing it as Python would cost.
  const snippet = `import keras\ny_pred = ${np}\ny_true = np.zeros(${N})\nprint(keras.losses.MeanSquaredError()(y_true, y_pred).numpy())\n`;
  let printed = '';
  const tSnip = time(() => { printed = evaluateSnippet(snippet).results[0]?.printed ?? 'no result'; }, 3);
  const tenth = numpyText(vals.slice(0, Math.floor(N / 10)));
  const tLezer = time(() => parser.parse(`y_pred = ${tenth}\n`), 3);
  console.log(`evaluateSnippet, ${mb(snippet).toFixed(1)} MB snippet:  ${tSnip.toFixed(1)} ms  ${(mb(snippet) / (tSnip / 1000)).toFixed(1)} MB/s  (MSE printed ${printed})`);
  console.log(`@lezer/python parse, ${mb(tenth).toFixed(1)} MB literal: ${tLezer.toFixed(1)} ms  ${(mb(tenth) / (tLezer / 1000)).toFixed(1)} MB/s  (the fast path is ${((mb(snippet) / tSnip) / (mb(tenth) / tLezer)).toFixed(1)}x faster, with no tree of 1e6 nodes)`);
  if (mismatches) process.exitCode = 1;
}

main();
