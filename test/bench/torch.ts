/**
 * The torch core (evaluateTorch) against torch itself on CPU, side by side in one run (issue 11): every torch.nn loss
 * of TORCH_SPECS on inputs of 1e6 elements, value + the gradient of every differentiable floating argument, as a
 * float32 request and as a float64 request. torch runs in one /usr/bin/python3 subprocess (test/bench/torch_side.py)
 * with torch.set_num_threads(1), on the same numbers (written once as raw float64 files, float32-representable so both
 * dtypes read them exactly), timed the same way: warm-up, then the median CPU time (user + system) of the calls in a
 * time budget — CPU time, because wall time on the shared 2-core machine swings with the other jobs.
 * Goal: ratio torch ms / our ms ≥ 1 for float32 and ≥ 2 for float64 on every loss.
 * Without torch the torch columns are skipped with a note (npm test never needs Python).
 * Writes bench/results-torch.json; when bench/torch-before.json (the same bench's JSON from the commit before the
 * kernels were optimised) exists, its ratios are printed beside this run's.
 * BENCH_BASELINE_CORE=file.js: a CommonJS bundle of another commit's core (e.g. `git worktree add /tmp/base a90453e &&
 * npx esbuild /tmp/base/src/core/index.ts --bundle --platform=node --outfile=/tmp/base-core.js`), in slices alternating
 * with ours on the same arguments (time2): columns base f32/f64 (ms) and the speed-up base ms / our ms, measured in one run under
 * the same load; `=` when its value equals ours bit for bit (BENCH_BASELINE_LABEL names it, default the file name).
 * Column floor f32 (FLOORS): the bare JS loop of a few element-wise losses, what any JS implementation needs.
 * Env: BENCH_BUDGET_MS (default 1000 per column), BENCH_LOSSES=MSELoss,CTCLoss (a subset), BENCH_TORCH_PY (python).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { evaluateTorch, TORCH_SPECS } from '../../src/core';
import type { TorchTensor, TorchDtype } from '../../src/core';

const N = 1_000_000, C = 10, B = N / C;
type Arr = { data: Float64Array; shape: number[]; kind: 'float' | 'int' };
interface Case { loss: string; shape: string; config?: Record<string, unknown>; args: () => Record<string, Arr> }

function rng(seed: number) { let s = seed >>> 0; return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296); }
const f = (shape: number[], g: (i: number) => number): Arr => { const n = shape.reduce((a, b) => a * b, 1); const d = new Float64Array(n); for (let i = 0; i < n; i++) d[i] = Math.fround(g(i)); return { data: d, shape, kind: 'float' }; };
const int = (shape: number[], g: (i: number) => number): Arr => ({ ...f(shape, g), kind: 'int' });

/** log_softmax over the last axis of random logits (rows of `c`), float32-rounded. */
function logProbs(shape: number[], r: () => number, scale = 6): Arr {
  const a = f(shape, () => r() * scale - scale / 2);
  const c = shape[shape.length - 1];
  for (let i = 0; i < a.data.length; i += c) {
    let m = -Infinity; for (let j = 0; j < c; j++) m = Math.max(m, a.data[i + j]);
    let s = 0; for (let j = 0; j < c; j++) s += Math.exp(a.data[i + j] - m);
    const ls = Math.log(s) + m;
    for (let j = 0; j < c; j++) a.data[i + j] = Math.fround(a.data[i + j] - ls);
  }
  return a;
}

const CASES: Case[] = [
  ...['L1Loss', 'MSELoss', 'HuberLoss', 'SmoothL1Loss'].map((loss): Case => ({ loss, shape: '(N,)', args: () => { const r = rng(1); return { input: f([N], () => r() * 4 - 2), target: f([N], () => r() * 4 - 2) }; } })),
  { loss: 'CrossEntropyLoss', shape: '(N/10, 10), indices', args: () => { const r = rng(2); return { input: f([B, C], () => r() * 6 - 3), target: int([B], () => Math.floor(r() * C)) }; } },
  { loss: 'NLLLoss', shape: '(N/10, 10), indices', args: () => { const r = rng(3); return { input: logProbs([B, C], r), target: int([B], () => Math.floor(r() * C)) }; } },
  {
    loss: 'CTCLoss', shape: '(T=100, 100, C=100), S=20', args: () => {
      const r = rng(4), T = 100, NB = 100, K = 100, S = 20;
      return { log_probs: logProbs([T, NB, K], r), targets: int([NB, S], () => 1 + Math.floor(r() * (K - 1))), input_lengths: int([NB], () => T), target_lengths: int([NB], () => S) };
    },
  },
  { loss: 'PoissonNLLLoss', shape: '(N,) log-rates', args: () => { const r = rng(5); return { input: f([N], () => r() * 2 - 1), target: f([N], () => Math.floor(r() * 5)) }; } },
  { loss: 'GaussianNLLLoss', shape: '(N,) ×3', args: () => { const r = rng(6); return { input: f([N], () => r() * 4 - 2), target: f([N], () => r() * 4 - 2), var: f([N], () => 0.1 + 2 * r()) }; } },
  { loss: 'KLDivLoss', shape: '(N/10, 10) batchmean', config: { reduction: 'batchmean' }, args: () => { const r = rng(7); const t = logProbs([B, C], r); for (let i = 0; i < N; i++) t.data[i] = Math.fround(Math.exp(t.data[i])); return { input: logProbs([B, C], r), target: t }; } },
  { loss: 'BCELoss', shape: '(N,)', args: () => { const r = rng(8); return { input: f([N], () => 0.01 + 0.98 * r()), target: f([N], () => (r() < 0.5 ? 0 : 1)) }; } },
  { loss: 'BCEWithLogitsLoss', shape: '(N,)', args: () => { const r = rng(9); return { input: f([N], () => r() * 6 - 3), target: f([N], () => (r() < 0.5 ? 0 : 1)) }; } },
  { loss: 'MarginRankingLoss', shape: '(N,) ×3', args: () => { const r = rng(10); return { input1: f([N], () => r() * 2 - 1), input2: f([N], () => r() * 2 - 1), target: f([N], () => (r() < 0.5 ? -1 : 1)) }; } },
  { loss: 'HingeEmbeddingLoss', shape: '(N,)', args: () => { const r = rng(11); return { input: f([N], () => r() * 2), target: f([N], () => (r() < 0.5 ? -1 : 1)) }; } },
  {
    loss: 'MultiLabelMarginLoss', shape: '(N/10, 10), 1–3 labels', args: () => {
      const r = rng(12);
      const t = int([B, C], () => -1);
      for (let n = 0; n < B; n++) {
        const k = 1 + Math.floor(r() * 3), used = new Set<number>();
        for (let j = 0; j < k; j++) { let c; do c = Math.floor(r() * C); while (used.has(c)); used.add(c); t.data[n * C + j] = c; }
      }
      return { input: f([B, C], () => r() * 2 - 1), target: t };
    },
  },
  { loss: 'SoftMarginLoss', shape: '(N,)', args: () => { const r = rng(13); return { input: f([N], () => r() * 4 - 2), target: f([N], () => (r() < 0.5 ? -1 : 1)) }; } },
  { loss: 'MultiLabelSoftMarginLoss', shape: '(N/10, 10)', args: () => { const r = rng(14); return { input: f([B, C], () => r() * 6 - 3), target: f([B, C], () => (r() < 0.3 ? 1 : 0)) }; } },
  { loss: 'CosineEmbeddingLoss', shape: '(N/10, 10) ×2', args: () => { const r = rng(15); return { input1: f([B, C], () => r() * 2 - 1), input2: f([B, C], () => r() * 2 - 1), target: f([B], () => (r() < 0.5 ? -1 : 1)) }; } },
  { loss: 'MultiMarginLoss', shape: '(N/10, 10), indices', args: () => { const r = rng(16); return { input: f([B, C], () => r() * 2 - 1), target: int([B], () => Math.floor(r() * C)) }; } },
  ...['TripletMarginLoss', 'TripletMarginWithDistanceLoss'].map((loss): Case => ({ loss, shape: '(N/10, 10) ×3', args: () => { const r = rng(17); return { anchor: f([B, C], () => r() * 2 - 1), positive: f([B, C], () => r() * 2 - 1), negative: f([B, C], () => r() * 2 - 1) }; } })),
];

/**
 * The floor: for a few element-wise losses, the least any JS implementation has to do for a float32 request — one
 * loop for the value ('mean': a plain double sum / N, not torch's cascade), one loop writing the gradient of every
 * argument ours returns into fresh Float32Arrays (the store rounds to float32), branch-free where the loss has a
 * kink, Math.exp/Math.log1p for the transcendentals; no validation, no conventions checks, no 'none' array, no
 * float32 rounding of intermediates. Timed as ours, in the same process: what JS could reach at all, beside torch.
 */
type Floor = (x: Float64Array, t: Float64Array) => number;
const FLOORS: Record<string, Floor> = {
  L1Loss(x, t) {
    const n = x.length, u = 1 / n, gx = new Float32Array(n), gt = new Float32Array(n);
    let s = 0;
    for (let k = 0; k < n; k++) { const d = x[k] - t[k]; s += Math.abs(d); const g = u * (+(d > 0) - +(d < 0)); gx[k] = g; gt[k] = -g; }
    return s / n;
  },
  MSELoss(x, t) {
    const n = x.length, u = 2 / n, gx = new Float32Array(n), gt = new Float32Array(n);
    let s = 0;
    for (let k = 0; k < n; k++) { const d = x[k] - t[k]; s += d * d; gx[k] = u * d; gt[k] = -u * d; }
    return s / n;
  },
  HuberLoss(x, t) {
    const n = x.length, u = 1 / n, gx = new Float32Array(n), gt = new Float32Array(n);
    let s = 0;
    for (let k = 0; k < n; k++) {
      const d = x[k] - t[k], e = Math.abs(d), q = +(e < 1), m = 1 - q;
      s += q * (0.5 * e * e) + m * (e - 0.5);
      const c = q * d + m * (+(d > 0) - +(d < 0));
      gx[k] = u * c; gt[k] = -u * c;
    }
    return s / n;
  },
  BCEWithLogitsLoss(x, t) {
    const n = x.length, u = 1 / n, gx = new Float32Array(n), gt = new Float32Array(n);
    let s = 0;
    for (let k = 0; k < n; k++) {
      const v = x[k], y = t[k], e = Math.exp(-Math.abs(v)), sp = 0.5 * (Math.abs(v) - v) + Math.log1p(e), p = +(v >= 0);
      s += (1 - y) * v + sp;
      const sg = (p + (1 - p) * e) / (1 + e);
      gx[k] = u * (sg - y); gt[k] = u * (-v);
    }
    return s / n;
  },
  SoftMarginLoss(x, t) {
    const n = x.length, u = 1 / n, gx = new Float32Array(n);
    let s = 0;
    for (let k = 0; k < n; k++) { const z = Math.exp(-t[k] * x[k]); s += Math.log1p(z); gx[k] = u * (-t[k] * z / (1 + z)); }
    return s / n;
  },
};

function median(xs: number[]): number { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

/**
 * Median CPU ms per call (user + system time of this process: what the call itself costs, robust to the other jobs on
 * a shared machine, where wall time swings 3–5×), timed as torch_side.py times torch (time.process_time): warm-up
 * (⅓ budget, ≥ 3 calls), then ≥ 3 calls in the budget.
 */
function time(fn: () => void, budgetMs: number): number {
  const w0 = performance.now();
  for (let k = 0; k < 3 || (performance.now() - w0 < budgetMs / 3 && k < 300); k++) fn();
  const runs: number[] = [];
  const t0 = performance.now();
  while (runs.length < 3 || (performance.now() - t0 < budgetMs && runs.length < 200)) {
    const a = process.cpuUsage(); fn(); const d = process.cpuUsage(a);
    runs.push((d.user + d.system) / 1000);
  }
  return median(runs);
}

/**
 * time() for two functions at once, in alternating slices (a for budget/5 ms, b for budget/5 ms, …, 5 slices each):
 * both medians see the same load, which on the shared machine moves more between two consecutive budgets than within
 * a few hundred ms. Not call by call: with the calls interleaved, the page faults of the 8 MB results (glibc returning
 * and re-mapping memory, see "What the two columns differ by") landed on one side only, which side depending on the
 * allocation order (1950 faults per call, 2× the time, on one side and none on the other).
 */
function time2(fa: () => void, fb: () => void, budgetMs: number): [number, number] {
  const slice = (fn: () => void, ms: number, runs: number[] | null) => {
    const t0 = performance.now();
    for (let k = 0; k < 2 || (performance.now() - t0 < ms && k < 60); k++) {
      if (!runs) { fn(); continue; }
      const c = process.cpuUsage(); fn(); const d = process.cpuUsage(c); runs.push((d.user + d.system) / 1000);
    }
  };
  slice(fa, budgetMs / 3, null); slice(fb, budgetMs / 3, null);
  const ra: number[] = [], rb: number[] = [];
  for (let s = 0; s < 5; s++) { slice(fa, budgetMs / 5, ra); slice(fb, budgetMs / 5, rb); }
  return [median(ra), median(rb)];
}

/** The torch subprocess: one JSON line per request, answered in order. */
class TorchSide {
  private queue: ((line: string) => void)[] = [];
  private constructor(private proc: ReturnType<typeof spawn>) {
    readline.createInterface({ input: proc.stdout! }).on('line', (l) => this.queue.shift()?.(l));
  }
  static async start(python: string, script: string): Promise<{ side: TorchSide | null; note: string }> {
    if (!fs.existsSync(python)) return { side: null, note: `${python} not found` };
    const proc = spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const side = new TorchSide(proc);
    const hello = JSON.parse(await side.next()) as { torch?: string; threads?: number; error?: string };
    if (!hello.torch) { proc.stdin!.end(); return { side: null, note: `${python} has no torch (${hello.error}); apt-get install -y python3-torch` }; }
    return { side, note: `torch ${hello.torch}, ${hello.threads} thread (torch.set_num_threads(1)), ${python}` };
  }
  private next(): Promise<string> { return new Promise((res) => this.queue.push(res)); }
  async ask(req: unknown): Promise<{ ms?: number; runs?: number; value?: number; error?: string }> {
    const p = this.next();
    this.proc.stdin!.write(JSON.stringify(req) + '\n');
    return JSON.parse(await p);
  }
  close(): void { this.proc.stdin!.end(); }
}

interface Row { loss: string; shape: string; ours_f32: number; ours_f64: number; base_f32?: number; base_f64?: number; base_same?: boolean; floor_f32?: number; floor_ratio?: number; torch_f32?: number; torch_f64?: number; ratio_f32?: number; ratio_f64?: number; rel_diff_f32?: number; rel_diff_f64?: number; error?: string }

async function main(): Promise<void> {
  const budget = Number(process.env.BENCH_BUDGET_MS ?? 1000);
  const only = process.env.BENCH_LOSSES?.split(',');
  const python = process.env.BENCH_TORCH_PY ?? '/usr/bin/python3';
  const script = path.resolve(__dirname, '../../test/bench/torch_side.py');
  const { side, note } = await TorchSide.start(python, script);
  const basePath = process.env.BENCH_BASELINE_CORE;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const base = basePath ? (require(path.resolve(basePath)) as { evaluateTorch: typeof evaluateTorch }) : null;
  const baseLabel = process.env.BENCH_BASELINE_LABEL ?? (basePath ? path.basename(basePath) : '');
  const beforePath = 'bench/torch-before.json';
  const before = fs.existsSync(beforePath) ? JSON.parse(fs.readFileSync(beforePath, 'utf8')) as { commit: string; rows: Row[] } : null;
  const tmp = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'li-torch-bench-'));
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  console.log(`torch core vs torch on CPU: value + gradient of every differentiable floating argument, 1e6-element inputs, median CPU ms per call (user + system, both processes); commit ${git}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(side ? note : `torch column skipped: ${note}`);
  console.log('ratio = torch ms / our ms (> 1: we are faster); goal float32 ≥ 1, float64 ≥ 2; floor f32 = the bare JS loop (FLOORS: value + gradients into fresh Float32Arrays, no checks), t/flr = torch f32 ms / floor ms' + (before ? `; "before" = the same bench at ${before.commit}, before the kernels were optimised` : '') + (base ? `; base = the core of ${baseLabel} in this process, × = base ms / our ms, = its value bit for bit ours` : ''));
  const hdr = `${'loss'.padEnd(30)} ${'input'.padEnd(26)} ${'ours f32'.padStart(9)} ${'torch f32'.padStart(9)} ${'ratio'.padStart(6)} ${'ours f64'.padStart(9)} ${'torch f64'.padStart(9)} ${'ratio'.padStart(6)}${before ? `  ${'before f32'.padStart(10)} ${'f64'.padStart(5)}` : ''}${base ? ` ${'base f32'.padStart(9)} ${'×'.padStart(5)} ${'base f64'.padStart(9)} ${'×'.padStart(5)}  ` : ''} ${'floor f32'.padStart(9)} ${'t/flr'.padStart(5)}  goal   |Δvalue|/|value| f32, f64`;
  console.log(hdr);
  const rows: Row[] = [];
  try {
    for (const c of CASES) {
      if (only && !only.includes(c.loss)) continue;
      const spec = TORCH_SPECS.find((s) => s.id === c.loss);
      if (!spec) { console.log(`${c.loss.padEnd(30)} not in TORCH_SPECS`); continue; }
      const arrs = c.args();
      const row: Row = { loss: c.loss, shape: c.shape, ours_f32: NaN, ours_f64: NaN };
      for (const dtype of ['float32', 'float64'] as const) {
        const args: Record<string, TorchTensor> = {};
        for (const [k, a] of Object.entries(arrs)) args[k] = { data: a.data, shape: a.shape, dtype: (a.kind === 'int' ? 'int64' : dtype) as TorchDtype };
        let ours = NaN;
        const sfx = dtype === 'float32' ? 'f32' : 'f64';
        const run = () => { ours = evaluateTorch({ loss: `nn.${c.loss}`, config: c.config as never, args }).value.data[0]; };
        let ms: number;
        if (base) {
          let theirs = NaN;
          [ms, row[`base_${sfx}`]] = time2(run, () => { theirs = base.evaluateTorch({ loss: `nn.${c.loss}`, config: c.config as never, args }).value.data[0]; }, budget);
          row.base_same = (row.base_same ?? true) && Object.is(theirs, ours);
        } else {
          ms = time(run, budget);
        }
        row[`ours_${sfx}`] = ms;
        if (!side) continue;
        const req = {
          fn: spec.functionName, dtype, budget_ms: budget, config: c.config ?? {},
          args: spec.args.map((a) => {
            const file = path.join(tmp, `${a.name}.f64`);
            if (dtype === 'float32') fs.writeFileSync(file, Buffer.from(arrs[a.name].data.buffer));
            return { file, shape: arrs[a.name].shape, kind: arrs[a.name].kind, grad: a.differentiable && arrs[a.name].kind === 'float' };
          }),
        };
        const res = await side.ask(req);
        if (res.error) { row.error = res.error; continue; }
        row[`torch_${sfx}`] = res.ms!;
        row[`ratio_${sfx}`] = res.ms! / ms;
        row[`rel_diff_${sfx}`] = Math.abs(ours - res.value!) / Math.max(Math.abs(res.value!), 1e-30);
      }
      const fl = FLOORS[c.loss];
      if (fl) {
        const fx = arrs.input.data, ft = arrs.target.data;
        row.floor_f32 = time(() => { fl(fx, ft); }, budget);
        if (row.torch_f32 !== undefined) row.floor_ratio = row.torch_f32 / row.floor_f32;
      }
      for (const a of spec.args) fs.rmSync(path.join(tmp, `${a.name}.f64`), { force: true });
      rows.push(row);
      const num = (x: number | undefined, d = 2) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
      const b = before?.rows.find((r) => r.loss === c.loss);
      const goal = row.ratio_f32 === undefined ? '' : row.ratio_f32 >= 1 && (row.ratio_f64 ?? 0) >= 2 ? 'met' : 'missed';
      console.log(`${c.loss.padEnd(30)} ${c.shape.padEnd(26)} ${num(row.ours_f32).padStart(9)} ${num(row.torch_f32).padStart(9)} ${num(row.ratio_f32).padStart(6)} ${num(row.ours_f64).padStart(9)} ${num(row.torch_f64).padStart(9)} ${num(row.ratio_f64).padStart(6)}${before ? `  ${num(b?.ratio_f32).padStart(10)} ${num(b?.ratio_f64).padStart(5)}` : ''}${base ? ` ${num(row.base_f32).padStart(9)} ${num(row.base_f32! / row.ours_f32).padStart(5)} ${num(row.base_f64).padStart(9)} ${num(row.base_f64! / row.ours_f64).padStart(5)} ${row.base_same ? '=' : '≠'}` : ''} ${num(row.floor_f32).padStart(9)} ${num(row.floor_ratio).padStart(5)}  ${goal.padEnd(6)} ${row.rel_diff_f32 === undefined ? '' : `${row.rel_diff_f32.toExponential(1)}, ${row.rel_diff_f64?.toExponential(1)}`}${row.error ? `  torch: ${row.error}` : ''}`);
    }
  } finally {
    side?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const withTorch = rows.filter((r) => r.ratio_f32 !== undefined && r.ratio_f64 !== undefined);
  if (withTorch.length) {
    const gm = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
    const met = withTorch.filter((r) => r.ratio_f32! >= 1 && r.ratio_f64! >= 2);
    console.log(`geometric mean over ${withTorch.length} losses: ${gm(withTorch.map((r) => r.ratio_f32!)).toFixed(2)}× torch float32, ${gm(withTorch.map((r) => r.ratio_f64!)).toFixed(2)}× torch float64; goal met on ${met.length} of ${withTorch.length}`
      + (met.length < withTorch.length ? ` (missed: ${withTorch.filter((r) => !met.includes(r)).map((r) => `${r.loss} ${r.ratio_f32!.toFixed(2)}/${r.ratio_f64!.toFixed(2)}`).join(', ')})` : ''));
  }
  const withBase = rows.filter((r) => r.base_f32 !== undefined && r.base_f64 !== undefined);
  if (withBase.length) {
    const gm = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
    console.log(`speed-up over ${baseLabel} (geometric mean over ${withBase.length} losses, base ms / our ms): ${gm(withBase.map((r) => r.base_f32! / r.ours_f32)).toFixed(2)}× float32, ${gm(withBase.map((r) => r.base_f64! / r.ours_f64)).toFixed(2)}× float64; value bit for bit the same on ${withBase.filter((r) => r.base_same).length} of ${withBase.length}`);
  }
  fs.mkdirSync('bench', { recursive: true });
  fs.writeFileSync('bench/results-torch.json', JSON.stringify({ date: new Date().toISOString(), commit: git, node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg(), torch: side ? note : null, budget_ms: budget, rows }, null, 1));
}
main().catch((e) => { console.error(e); process.exit(1); });
