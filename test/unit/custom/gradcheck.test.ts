/**
 * Reverse-mode gradients against central finite differences, in float64:
 *  - on random compositions of the ops (fast-check drives a generator of random expression trees over the
 *    library, with random shapes and framework prefixes), written as Python and run through the interpreter;
 *  - a few hand-picked compositions that exercise each op family once.
 * "Away from kinks": a point is skipped when two finite differences with different steps disagree
 * (the function is not smooth there); otherwise AD must match them.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { fnOf, run, closeArr } from './util';
import type { Value } from '../../../src/core/python';
import type { Tensor } from '../../../src/core/tensor';

type Sh = 'M' | 'R' | 'C' | 'S';

/** A small deterministic PRNG (mulberry32) so one fast-check seed is one expression. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const P = ['tf.', 'tf.math.', 'K.', 'np.', 'keras.ops.', 'torch.', 'jnp.'];

/** Random expression of shape `want` over y_pred/y_true of shape (B, D). Depth-bounded; smooth-ish, bounded ranges. */
function gen(r: () => number, want: Sh, depth: number, D: number, B = 2): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const p = () => pick(P);
  const leaf = (): string => {
    if (want === 'S') return pick(['0.5', '1.5', '2', '(-0.75)']);
    if (want === 'M') return pick(['y_pred', 'y_pred', 'y_pred', 'y_true']);
    if (want === 'R') return pick(['y_pred[:, :1]', `tf.reduce_sum(y_pred, axis=1, keepdims=True)`, 'y_true[:, 1:2]']);
    return pick(['y_pred[:1, :]', 'tf.reduce_mean(y_pred, axis=0, keepdims=True)']);
  };
  if (depth <= 0) return leaf();
  const sub = (s: Sh = want) => gen(r, s, depth - 1, D, B);
  const k = r();
  if (k < 0.08) return leaf();
  if (k < 0.40) {
    const x = sub();
    const u = pick([
      `${p()}square(${x})`, `tf.tanh(${x})`, `${pick(['tf.', 'tf.math.', 'K.', 'keras.ops.', 'torch.'])}sigmoid(${x})`, `${pick(['tf.math.', 'tf.nn.', 'K.', 'keras.ops.'])}softplus(${x})`,
      `${p()}exp(tf.tanh(${x}))`, `${p()}sqrt(${p()}square(${x}) + 1.0)`, `${p()}log(tf.nn.softplus(${x}) + 0.5)`, `${p()}log1p(${p()}square(${x}))`,
      `(${x}) ** 2`, `${pick(['tf.', 'np.', 'K.', 'torch.'])}pow(${x}, 3)`, `${p()}abs(${x})`, `tf.nn.relu(${x})`, `-(${x})`, `${pick(['tf.', 'np.', 'keras.ops.'])}sign(${x}) * ${x}`,
      `K.clip(${x}, -0.5, 0.5)`, `tf.clip_by_value(${x}, -1.0, 0.25)`, `np.clip(${x}, -0.3, None)`, `torch.clamp(${x}, min=-0.2, max=0.7)`,
      `tf.sin(${x})`, `tf.cos(${x})`, `tf.cast(${x}, tf.float64)`,
    ]);
    return u;
  }
  if (k < 0.72) {
    // broadcasting binary: mix in other shapes
    const other: Sh = want === 'M' ? pick<Sh>(['M', 'M', 'R', 'C', 'S']) : want === 'S' ? 'S' : pick<Sh>([want, 'S']);
    const [a, b] = r() < 0.5 ? [sub(), sub(other)] : [sub(other), sub()];
    return pick([
      `(${a} + ${b})`, `(${a} - ${b})`, `(${a} * ${b})`, `(${a} / (${p()}square(${b}) + 1.0))`, `${pick(['tf.', 'np.', 'K.', 'torch.'])}maximum(${a}, ${b})`,
      `${pick(['tf.', 'np.', 'K.', 'torch.'])}minimum(${a}, ${b})`, `tf.where(${a} > ${b}, ${a}, ${b} * 0.5)`, `tf.math.squared_difference(${a}, ${b})`,
      `tf.math.divide_no_nan(${a}, ${p()}square(${b}) + 0.5)`,
    ]);
  }
  if (k < 0.88) {
    // reductions from M down to `want`
    const x = sub('M');
    const red = pick(['reduce_sum', 'reduce_mean', 'reduce_max', 'reduce_min', 'reduce_logsumexp']);
    const npRed = red.replace('reduce_', '').replace('logsumexp', 'sum');
    if (want === 'R') return pick([`tf.${red}(${x}, axis=1, keepdims=True)`, `K.${npRed === 'sum' ? 'sum' : npRed}(${x}, axis=-1, keepdims=True)`, `torch.${npRed}(${x}, dim=1, keepdim=True)${npRed === 'max' || npRed === 'min' ? '' : ''}`.replace(/torch\.(max|min)\((.*), dim=1, keepdim=True\)/, 'torch.$1($2, dim=1, keepdim=True)[0]')]);
    if (want === 'C') return pick([`tf.${red}(${x}, axis=0, keepdims=True)`, `np.${npRed}(${x}, axis=0, keepdims=True)`]);
    if (want === 'S') return pick([`tf.${red}(${x})`, `np.${npRed}(${x})`, `(${x}).sum()`, `(${x}).mean()`, `tf.math.reduce_std(${x}) + np.var(${x})`, `F.mse_loss(${x}, y_true) + F.smooth_l1_loss(${x}, y_true * 2.0)`, `tf.nn.l2_loss(${x})`]);
    // M: softmax / normalisation / reductions broadcast back
    return pick([`tf.nn.softmax(${x}, axis=-1)`, `(${x} - tf.reduce_mean(${x}, axis=1, keepdims=True))`, `tf.math.l2_normalize(${x}, axis=1)`, `tf.nn.log_softmax(${x})`, `keras.ops.softmax(${x}, axis=0)`]);
  }
  // shape ops that come back to the same shape
  const x = sub(want);
  if (want !== 'M') return x;
  const y = sub('M');
  return pick([
    `tf.transpose(tf.transpose(${x}))`, `tf.reshape(tf.reshape(${x}, [-1]), tf.shape(${x}))`, `(${x})[:, ::-1]`, `(${x})[::-1]`,
    `tf.concat(tf.split(${x}, [1, ${D - 1}], axis=1)[::-1], axis=1)`, `tf.reduce_sum(tf.stack([${x}, ${y}], axis=0), axis=0)`,
    `tf.matmul(${x}, tf.matmul(tf.transpose(${y}), ${y})) * 0.1`, `(${x} @ tf.ones([${D}, ${D}])) * 0.3`, `np.concatenate([(${x})[:, :1], (${y})[:, 1:]], axis=1)`,
    `tf.expand_dims(${x}, 0)[0]`, `tf.gather(${x}, [${Array.from({ length: B }, (_, i) => B - 1 - i).join(', ')}])`, `tf.tile((${x})[:1], [${B}, 1])`, `tf.gather(${x}, [${Array.from({ length: D }, (_, i) => (i * 2) % D).join(', ')}], axis=1)`, `tf.squeeze(tf.expand_dims(${x}, -1), axis=-1)`, `K.concatenate([(${x})[:, 1:], (${x})[:, :1]])`,
  ]);
}

function tensorOf(r: () => number, shape: number[], lo: number, hi: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float64Array.from({ length: n }, () => lo + (hi - lo) * r()), shape };
}

function fd(f: Value, yt: Tensor, yp: Tensor, h: number): Float64Array {
  const total = (t: Tensor) => { let s = 0; for (const x of run(f, yt, t).value.data) s += x; return s; };
  const g = new Float64Array(yp.data.length);
  for (let i = 0; i < g.length; i++) {
    const hs = h * Math.max(1, Math.abs(yp.data[i]));
    const a = new Float64Array(yp.data); a[i] += hs;
    const b = new Float64Array(yp.data); b[i] -= hs;
    g[i] = (total({ data: a, shape: yp.shape }) - total({ data: b, shape: yp.shape })) / (2 * hs);
  }
  return g;
}

function agree(a: Float64Array, b: Float64Array, rtol: number, atol: number): boolean {
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.max(Math.abs(a[i]), Math.abs(b[i])))) return false;
  return true;
}

describe('custom losses: gradients vs finite differences', () => {
  it('random compositions of the ops (fast-check), every framework prefix', function () {
    this.timeout(120_000);
    let checked = 0, skipped = 0;
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 4 }), (seed, B, D, depth) => {
      const r = rng(seed);
      const final = r() < 0.5 ? 'M' : 'S';
      const expr = gen(r, final, depth, D, B);
      const src = `import tensorflow as tf\nimport numpy as np\nimport keras\nimport torch\nimport torch.nn.functional as F\nimport keras.backend as K\nimport jax.numpy as jnp\n\ndef f(y_true, y_pred):\n    return ${expr}\n`;
      const fn = fnOf(src, 'f');
      const yt = tensorOf(r, [B, D], 0, 1);
      const yp = tensorOf(r, [B, D], -1.5, 1.5);
      const res = run(fn, yt, yp);
      const g = res.grad.data;
      if (!Array.from(res.value.data).every(Number.isFinite) || !Array.from(g).every(Number.isFinite)) { skipped++; return; }
      const f1 = fd(fn, yt, yp, 1e-6), f2 = fd(fn, yt, yp, 1e-5);
      if (!agree(f1, f2, 1e-4, 1e-6)) { skipped++; return; } // a kink within a step: not smooth here
      checked++;
      if (!agree(g, f1, 1e-4, 1e-6)) throw new Error(`AD vs FD mismatch for\n${expr}\nAD ${Array.from(g)}\nFD ${Array.from(f1)}`);
    }), { numRuns: 600, seed: 20261122 });
    assert.ok(checked > 400, `only ${checked} points were smooth enough to check (${skipped} skipped)`);
  });

  it('each op family once, by hand', () => {
    const exprs = [
      'tf.reduce_sum(tf.square(y_true - y_pred), axis=-1)',
      'tf.reduce_max(y_pred * y_true, axis=1)',
      'K.mean(K.abs(y_pred - y_true) + K.epsilon(), axis=-1)',
      'tf.reduce_logsumexp(y_pred, axis=1) - tf.reduce_sum(y_true * y_pred, axis=1)',
      'K.categorical_crossentropy(y_true, tf.nn.softmax(y_pred))',
      'K.binary_crossentropy(y_true, tf.sigmoid(y_pred))',
      'tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)',
      'tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred)',
      'tf.norm(y_pred - y_true, axis=1)',
      'tf.reduce_prod(y_pred + 3.0, axis=0)',
      'tf.linalg.matmul(y_pred, y_true, transpose_b=True)',
      'np.dot(y_pred, np.ones(3))',
      'tf.where(y_true > 0.5, tf.math.log(tf.sigmoid(y_pred)), tf.math.log(1.0 - tf.sigmoid(y_pred)))',
      'y_pred[y_true > 0.5]',
      'y_pred[[1, 0]] * 2.0',
      'tf.reduce_mean(tf.stack(tf.unstack(y_pred, axis=1), axis=0), axis=0)',
      'torch.max(y_pred, dim=1)[0] + torch.chunk(y_pred, 3, dim=1)[2][:, 0]',
      'np.split(y_pred, [1, 2], axis=1)[1] * 1.0',
      'y_pred.T.reshape(-1)[::2]',
      'F.mse_loss(y_pred, y_true) + F.smooth_l1_loss(y_pred, y_true, beta=0.5) + F.huber_loss(y_pred, y_true, delta=0.3)',
      'F.binary_cross_entropy(torch.sigmoid(y_pred), y_true) + F.binary_cross_entropy_with_logits(y_pred, y_true, pos_weight=torch.tensor([2.0, 1.0, 0.5]))',
      'F.cross_entropy(y_pred, torch.tensor([0, 2]), label_smoothing=0.1) + F.nll_loss(F.log_softmax(y_pred, dim=1), torch.tensor([1, 1]))',
      'tf.math.reduce_std(y_pred, axis=1) + torch.var(y_pred, dim=1) + np.var(y_pred)',
      'tf.reduce_sum(tf.gather(y_pred, [1, 1, 0], axis=0) * tf.tile(y_true[:1], [3, 1])) + tf.nn.l2_loss(tf.boolean_mask(y_pred, y_true > 0.5))',
      'tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[2, 0], logits=y_pred) + tf.linalg.diag_part(tf.matmul(y_pred, y_pred, transpose_b=True))',
    ];
    const yt = { data: Float64Array.from([1, 0, 0, 0, 1, 1]), shape: [2, 3] };
    const yp = { data: Float64Array.from([0.3, -1.2, 0.7, 1.1, 0.2, -0.4]), shape: [2, 3] };
    for (const e of exprs) {
      const fn = fnOf(`import tensorflow as tf\nimport numpy as np\nimport torch\nimport torch.nn.functional as F\nimport keras.backend as K\ndef f(y_true, y_pred):\n    return ${e}\n`, 'f');
      const r = run(fn, yt, yp);
      closeArr(r.grad.data, fd(fn, yt, yp, 1e-6), 1e-5, 1e-7, e);
    }
  });

  it('TF tie conventions: maximum/minimum to the first argument, abs\'(0) = 0, reduce_max splits ties', () => {
    const fn = (e: string) => fnOf(`import tensorflow as tf\ndef f(y_true, y_pred):\n    return ${e}\n`, 'f');
    const yp = [1, 1, 0.5];
    assert.deepEqual(Array.from(run(fn('tf.maximum(y_pred, y_true)'), [1, 0, 0.5], yp).grad.data), [1, 1, 1]);
    assert.deepEqual(Array.from(run(fn('tf.maximum(y_true, y_pred)'), [1, 0, 0.5], yp).grad.data), [0, 1, 0]);
    assert.deepEqual(Array.from(run(fn('tf.minimum(y_pred, y_true)'), [1, 2, 0.5], yp).grad.data), [1, 1, 1]);
    assert.deepEqual(Array.from(run(fn('tf.abs(y_pred - y_true)'), [1, 0, 0.5], yp).grad.data), [0, 1, 0]);
    assert.deepEqual(Array.from(run(fn('tf.reduce_max(y_pred)'), [0, 0, 0], yp).grad.data), [0.5, 0.5, 0]);
    assert.deepEqual(Array.from(run(fn('tf.reduce_min(y_pred)'), [0, 0, 0], [2, 1, 1]).grad.data), [0, 0.5, 0.5]);
    // clip_by_value passes the gradient at the bounds
    assert.deepEqual(Array.from(run(fn('tf.clip_by_value(y_pred, 0.5, 1.0)'), [0, 0, 0], [1, 0.5, 2]).grad.data), [1, 1, 0]);
    assert.deepEqual(Array.from(run(fn('tf.nn.relu(y_pred)'), [0, 0, 0], [0, -1, 2]).grad.data), [0, 0, 1]);
  });
});
