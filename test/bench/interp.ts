/**
 * The Python interpreter on 1e6-element snippets: a built-in loss call, top-level tensor arithmetic, and a user
 * def called on the arrays (value and gradient), each timed as a whole evaluateSnippet. The arrays come from
 * np.linspace/np.zeros so the literal scanner (bench/parse) does not dominate. Run: node out/bench/interp.js [n]
 * Baseline: the same snippets on the evaluator before the one-interpreter change (commit b7b2b62^: top level
 * plain-array evaluator + custom-loss plugin), measured by building this file there (see bench/results.md notes).
 */
import { evaluateSnippet } from '../../src/core/python';

const N = Number(process.argv[2] ?? 1e6);
const HEAD = `import keras\nimport tensorflow as tf\nimport numpy as np\ny_pred = np.linspace(0., 1., ${N})\ny_true = np.zeros(${N})\n`;
const CASES: [string, string][] = [
  ['built-in loss (MeanSquaredError()(y_true, y_pred))', 'keras.losses.MeanSquaredError()(y_true, y_pred)\n'],
  ['top-level arithmetic (tf.reduce_mean(tf.square(y_true - y_pred)))', 'x = tf.reduce_mean(tf.square(y_true - y_pred))\nkeras.losses.mse([0.], [0.])\n'],
  ['user def on the arrays (value + gradient)', 'def f(a, b):\n    return tf.reduce_mean(tf.square(a - b))\nf(y_true, y_pred)\n'],
];

function median(f: () => void, reps: number): number {
  const ts: number[] = [];
  for (let k = 0; k < reps; k++) { const t0 = process.hrtime.bigint(); f(); ts.push(Number(process.hrtime.bigint() - t0) / 1e6); }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

for (const [name, body] of CASES) {
  const src = HEAD + body;
  let printed = '';
  const run = () => {
    const r = evaluateSnippet(src, { limits: { maxMillis: 60_000 } });
    printed = r.results[r.results.length - 1]?.printed ?? `no result: ${r.diagnostics.map((d) => d.message).join('; ')}`;
  };
  run();
  const t = median(run, 5);
  console.log(`${N} elements, ${name}: ${t.toFixed(1)} ms  (${printed})`);
}
