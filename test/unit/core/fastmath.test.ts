/**
 * src/core/fastmath.ts against V8's Math.exp / Math.log / Math.log1p (fdlibm ports, themselves within 1 ulp): the
 * largest difference in ulps over ≥ 1e6 random inputs per function and every edge case (NaN, ±Inf, ±0, negatives,
 * subnormals, the overflow/underflow bounds, around 1 and the table cells' edges).
 */
import { strict as assert } from 'node:assert';
import { exp, log, log1p } from '../../../src/core/fastmath';

const F = new Float64Array(1);
const B = new BigInt64Array(F.buffer);
/** Position of a double on the number line of doubles (−0 and +0 both 0). */
function ord(x: number): bigint { F[0] = x; const b = B[0]; return b < 0n ? -(b & 0x7fffffffffffffffn) : b; }
function fromBits(b: bigint): number { B[0] = b; return F[0]; }

/** Largest ulp distance (and where) between f and ref on xs; identical NaN/±Inf/±0 handling is required. */
function maxUlp(f: (x: number) => number, ref: (x: number) => number, xs: Iterable<number>): { ulp: number; at: number } {
  let worst = 0, at = NaN;
  for (const x of xs) {
    const a = f(x), b = ref(x);
    if (Number.isNaN(b) || !Number.isFinite(b) || b === 0) {
      assert.ok(Object.is(a, b), `f(${x}) = ${a}, expected ${b}`);
      continue;
    }
    assert.ok(Number.isFinite(a), `f(${x}) = ${a}, expected ${b}`);
    const d = ord(a) - ord(b);
    const u = Number(d < 0n ? -d : d);
    if (u > worst) { worst = u; at = x; }
  }
  return { ulp: worst, at };
}

function rng(seed: number) { let s = BigInt(seed); return () => { s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn; return Number(s >> 11n) / 2 ** 53; }; }
function* uniform(n: number, lo: number, hi: number, seed: number) { const r = rng(seed); for (let i = 0; i < n; i++) yield lo + (hi - lo) * r(); }
/** Random bit patterns of positive doubles (every binade, subnormals included). */
function* positiveBits(n: number, seed: number) { const r = rng(seed); for (let i = 0; i < n; i++) yield fromBits(BigInt(Math.floor(r() * 0x7ff0000000000000))); }
/** x and its 4 neighbours on either side. */
function* around(xs: number[]) { for (const x of xs) for (let d = -4n; d <= 4n; d++) { F[0] = x; B[0] += d; yield F[0]; } }

/**
 * The full sweep (≥ 1e6 inputs per function, ~10 s) runs when FASTMATH_FULL=1 (CI sets it in .ci/run); the
 * everyday run takes a 1-in-40 sample of each random set (same seeds, same generators) and every edge case.
 */
const FULL = process.env.FASTMATH_FULL === '1';
const n = (count: number) => (FULL ? count : Math.ceil(count / 40));
const SWEEP = FULL ? 'full sweep' : 'sample; FASTMATH_FULL=1 for the full sweep';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 0.5, 2, 1e-300, -1e-300];

describe('fastmath (vs Math.*, in ulps)', () => {
  it(`exp: within 1 ulp on 2e6 random inputs over its whole domain, exact at the edges (${SWEEP})`, () => {
    const res = [
      maxUlp(exp, Math.exp, uniform(n(1e6), -746, 710, 1)),
      maxUlp(exp, Math.exp, uniform(n(5e5), -20, 20, 2)),
      maxUlp(exp, Math.exp, uniform(n(2e5), -1e-3, 1e-3, 3)),
      maxUlp(exp, Math.exp, uniform(n(2e5), -745.2, -700, 4)), // subnormal results
      maxUlp(exp, Math.exp, uniform(n(1e5), 700, 709.79, 5)),
      maxUlp(exp, Math.exp, positiveBits(n(1e5), 6)),
      maxUlp(exp, Math.exp, [...positiveBits(n(1e5), 7)].map((x) => -x)),
      maxUlp(exp, Math.exp, around([709.782712893384, -745.1332191019411, -745.1332191019412, -708.3964185322641, 708, -708, 0, 5e-324, 1e-16, -1e-16])),
      maxUlp(exp, Math.exp, SPECIAL),
    ];
    const worst = Math.max(...res.map((r) => r.ulp));
    if (process.env.FASTMATH_REPORT) console.log(JSON.stringify(res));
    assert.ok(worst <= 1, `exp: ${JSON.stringify(res)}`);
    assert.equal(exp(709.782712893384), Math.exp(709.782712893384));
    assert.equal(exp(709.7827128933841), Infinity);
    assert.equal(exp(-745.1332191019411), 5e-324);
    assert.equal(exp(-745.1332191019412), 0);
    assert.equal(exp(-745.2), 0);
    assert.ok(Object.is(exp(-Infinity), 0) && exp(Infinity) === Infinity && exp(0) === 1 && exp(-0) === 1 && Number.isNaN(exp(NaN)));
  });

  it(`log: within 1 ulp on 2e6 random inputs, subnormals and the neighbourhood of 1 included (${SWEEP})`, () => {
    const cells: number[] = [];
    for (let i = 0; i <= 128; i++) { F[0] = 0; new Int32Array(F.buffer)[1] = 0x3fe5f000 + i * 0x2000; cells.push(F[0], 2 * F[0], F[0] / 1024); }
    const res = [
      maxUlp(log, Math.log, positiveBits(n(1e6), 11)),
      maxUlp(log, Math.log, uniform(n(5e5), 0, 4, 12)),
      maxUlp(log, Math.log, uniform(n(3e5), 0.9, 1.1, 13)),
      maxUlp(log, Math.log, uniform(n(2e5), 1 - 1e-6, 1 + 1e-6, 14)),
      maxUlp(log, Math.log, uniform(n(1e5), 0, 2.2250738585072014e-308, 15)),
      maxUlp(log, Math.log, around([1, 2, 0.5, Number.MAX_VALUE, 2.2250738585072014e-308, 5e-324, 1e-7, 1 - 1e-7, 0.99999988079071044921875, ...cells])),
      maxUlp(log, Math.log, SPECIAL),
    ];
    const worst = Math.max(...res.map((r) => r.ulp));
    if (process.env.FASTMATH_REPORT) console.log(JSON.stringify(res));
    assert.ok(worst <= 1, `log: ${JSON.stringify(res)}`);
    assert.ok(log(1) === 0 && Object.is(log(0), -Infinity) && Object.is(log(-0), -Infinity) && log(Infinity) === Infinity);
    assert.ok(Number.isNaN(log(-1)) && Number.isNaN(log(-Infinity)) && Number.isNaN(log(NaN)) && Number.isNaN(log(-5e-324)));
  });

  it(`log1p: within 2 ulps on 1.5e6 random inputs and the edges (${SWEEP})`, () => {
    const res = [
      maxUlp(log1p, Math.log1p, uniform(n(5e5), -1, 10, 21)),
      maxUlp(log1p, Math.log1p, uniform(n(3e5), -1e-3, 1e-3, 22)),
      maxUlp(log1p, Math.log1p, positiveBits(n(3e5), 23)),
      maxUlp(log1p, Math.log1p, [...positiveBits(n(2e5), 24)].filter((x) => x < 1).map((x) => -x)),
      maxUlp(log1p, Math.log1p, uniform(n(2e5), 0, 1, 25)), // e^-|x| in softplus: the kernels' domain
      maxUlp(log1p, Math.log1p, around([-1 + 2 ** -53, 1e-300, -1e-300, 2 ** -53, -(2 ** -54), 1, 2, 1e16, Number.MAX_VALUE, 5e-324, -0.5, 1e-8])),
      maxUlp(log1p, Math.log1p, SPECIAL),
    ];
    const worst = Math.max(...res.map((r) => r.ulp));
    if (process.env.FASTMATH_REPORT) console.log(JSON.stringify(res));
    assert.ok(worst <= 2, `log1p: ${JSON.stringify(res)}`);
    assert.ok(Object.is(log1p(-0), -0) && Object.is(log1p(0), 0) && log1p(-1) === -Infinity && log1p(Infinity) === Infinity);
    assert.ok(Number.isNaN(log1p(-1.5)) && Number.isNaN(log1p(-Infinity)) && Number.isNaN(log1p(NaN)));
  });
});

describe('evaluate fast paths (uniform upstream, inputs rounded on load, reused gradient buffer)', () => {
  // Imported here so the fastmath tests above stay independent of the registry.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const core = require('../../../src/core') as typeof import('../../../src/core');
  const specs = [...core.specsOf('keras'), ...core.specsOf('tfa')];

  it('a reused out.grad buffer (full of garbage) gives the same gradient as a fresh one, for every registered loss', () => {
    for (const spec of specs) {
      const ex = spec.example;
      for (const sampleWeight of [undefined, ex.sampleWeight]) {
        for (const dtype of ['float32', 'float64']) {
          const req = { loss: spec.id, yTrue: ex.yTrue, yPred: ex.yPred, sampleWeight, config: { ...(ex.config ?? {}), dtype } };
          const plain = core.evaluate(req);
          const buf = new Float64Array(plain.grad.data.length).fill(NaN);
          const reused = core.evaluate({ ...req, out: { grad: buf } });
          assert.deepEqual(Array.from(reused.grad.data), Array.from(plain.grad.data), `${spec.id} ${dtype} sw=${!!sampleWeight}`);
          assert.deepEqual(Array.from(reused.value.data), Array.from(plain.value.data), spec.id);
        }
      }
    }
  });

  it('kernels that round raw float64 inputs on load match rounding the inputs first (float32 default)', () => {
    const r = rng(99);
    const f = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + (hi - lo) * r());
    const rows = 7, D = 5;
    const mk = (lo: number, hi: number) => Array.from({ length: rows }, () => f(D, lo, hi));
    const onehot = Array.from({ length: rows }, (_, i) => Array.from({ length: D }, (_, j) => +(j === i % D)));
    const cases: [string, number[][], number[][], Record<string, unknown>?][] = [
      ['MeanSquaredError', mk(-2, 2), mk(-2, 2)], ['MeanAbsoluteError', mk(-2, 2), mk(-2, 2)], ['Huber', mk(-2, 2), mk(-2, 2)],
      ['LogCosh', mk(-2, 2), mk(-2, 2)], ['BinaryCrossentropy', onehot, mk(0.01, 0.99)], ['KLDivergence', mk(0.01, 1), mk(0.01, 1)],
      ['Poisson', mk(0, 4), mk(0.1, 4)], ['CategoricalCrossentropy', onehot, mk(0.05, 1)], ['CategoricalCrossentropy', onehot, mk(-3, 3), { from_logits: true }],
    ];
    for (const [loss, yTrue, yPred, config] of cases) {
      const raw = core.evaluate({ loss, yTrue, yPred, config: config as never });
      const rounded = core.evaluate({ loss, yTrue: yTrue.map((row) => row.map(Math.fround)), yPred: yPred.map((row) => row.map(Math.fround)), config: config as never });
      assert.deepEqual(Array.from(raw.grad.data), Array.from(rounded.grad.data), loss);
      assert.deepEqual(Array.from(raw.perSample.data), Array.from(rounded.perSample.data), loss);
    }
  });
});
