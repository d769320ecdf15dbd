/**
 * The panel's loss curve for a PyTorch call: the result (and d result / d input of the swept element) as one element
 * of torch's first argument (input, input1, anchor, log_probs) sweeps its range. Every point is an `evaluateTorch`
 * call; kernels are never re-implemented here.
 *
 * Speed, as for the Keras curves (src/core/curves.ts), by the same verified idea written for torch's arguments:
 * when every argument has the batch on one dim (dim 0; dim 1 for CTC's time-major log_probs), the sweep runs on the
 * swept element's sample alone (reduction='sum', every argument sliced to that sample) and is mapped onto the full
 * result by `total(x) = A + B·row(x)`. The map is used only after two numerical checks on the actual input
 * (rowSweep): the full gradient over the sample's elements equals B × the sample-only gradient, and on a small batch
 * of the same call (the sample and two neighbours) the farthest sweep point matches A' + B'·row(x). Neither evaluates
 * the whole input again: with the caller's evaluation a curve costs one full evaluation. A loss whose samples are
 * coupled (MSELoss broadcasting (N, 1) against (N,), a divisor that moves with x) fails a check and every point is
 * then a full evaluation, on fewer points when the input is large (FULL_BUDGET). One sample whose arguments all have
 * the input's shape is swept element by element (elementSweep).
 */
import { stridesOf } from '../tensor';
import type { Config } from '../spec';
import { evaluateTorch } from './evaluate';
import type { TorchArgs, TorchResult, TorchSpec, TorchTensor } from './types';

export type TorchSweepKind = 'error' | 'logit' | 'probability' | 'log-probability' | 'raw';

export interface TorchSweep {
  x: number[];
  /** The call's result at each x (Σ of the returned values when reduction='none'). */
  loss: number[];
  /** d result / d input[element] at each x. */
  grad: number[];
  xLabel: string;
  kind: TorchSweepKind;
  /** Flat index into the first argument. */
  element: number;
  current?: { x: number; loss: number; grad: number };
  method: 'row' | 'full';
}

export interface TorchSweepOptions {
  mode: 'module' | 'functional';
  config: Config;
  args: TorchArgs;
  /** Flat index into the first argument (default: the true class of the first sample for classification, else 0). */
  element?: number;
  points?: number;
  /** The evaluation of `args` the caller already has. */
  result?: TorchResult;
  method?: 'row' | 'full' | 'auto';
  /** The sweep's x values instead of the loss's default range (tests compare them with torch's own numbers). */
  xs?: number[];
}

/** What x means per loss: the error for regression, the logit or probability of the true class, … */
const KINDS: Record<string, { kind: TorchSweepKind; range: [number, number] }> = {
  L1Loss: { kind: 'error', range: [-3, 3] },
  MSELoss: { kind: 'error', range: [-3, 3] },
  HuberLoss: { kind: 'error', range: [-3, 3] },
  SmoothL1Loss: { kind: 'error', range: [-3, 3] },
  GaussianNLLLoss: { kind: 'error', range: [-3, 3] },
  CrossEntropyLoss: { kind: 'logit', range: [-6, 6] },
  MultiMarginLoss: { kind: 'logit', range: [-4, 4] },
  MultiLabelMarginLoss: { kind: 'logit', range: [-4, 4] },
  MultiLabelSoftMarginLoss: { kind: 'logit', range: [-6, 6] },
  BCEWithLogitsLoss: { kind: 'logit', range: [-6, 6] },
  SoftMarginLoss: { kind: 'logit', range: [-6, 6] },
  BCELoss: { kind: 'probability', range: [0, 1] },
  NLLLoss: { kind: 'log-probability', range: [-6, 0] },
  KLDivLoss: { kind: 'log-probability', range: [-6, 0] },
  CTCLoss: { kind: 'log-probability', range: [-6, 0] },
};

const EXACT_BUDGET = 20_000;
/** Element-evaluations the full path may spend on a curve (N × points), and the fewest points it draws. */
export const FULL_BUDGET = 2_000_000;
const FULL_MIN_POINTS = 9;

function total(r: TorchResult): number {
  const d = r.value.data;
  if (d.length === 1 && r.value.shape.length === 0) return d[0];
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

/** `input[0, 2]`: a flat index of an argument written with its indices. */
export function argIndexLabel(name: string, flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return name;
  const st = stridesOf(shape);
  return `${name}[${shape.map((_, i) => Math.floor(flat / st[i]) % shape[i]).join(', ')}]`;
}

/** The element of the true class of the first sample (class axis dim 1, torch's layout), else 0. */
export function torchDefaultElement(spec: TorchSpec, args: TorchArgs): number {
  const input = args[spec.args[0].name];
  const target = args[spec.args[1]?.name ?? ''];
  if (!input || !target || !['CrossEntropyLoss', 'NLLLoss', 'MultiMarginLoss'].includes(spec.id)) return 0;
  const sh = input.shape;
  if (sh.length === 0) return 0;
  const batched = sh.length >= 2;
  const C = batched ? sh[1] : sh[0];
  const inner = batched ? sh.slice(2).reduce((a, b) => a * b, 1) : 1;
  let k: number;
  if (target.dtype === 'int64' && target.data.length) k = target.data[0];
  else if (target.data.length === input.data.length) {
    // class probabilities: the largest one of the first position
    k = 0;
    for (let j = 1; j < C; j++) if (target.data[j * inner] > target.data[k * inner]) k = j;
  } else return 0;
  return Number.isInteger(k) && k >= 0 && k < C ? k * inner : 0;
}

function sweepKind(spec: TorchSpec, config: Config): { kind: TorchSweepKind; range: [number, number] } {
  if (spec.id === 'PoissonNLLLoss') return config.log_input === false ? { kind: 'raw', range: [0.05, 5] } : { kind: 'raw', range: [-3, 3] };
  return KINDS[spec.id] ?? { kind: 'raw', range: [-3, 3] };
}

/** The curve of a torch call (see the file comment). Throws what evaluateTorch throws when the inputs are invalid. */
export function torchSweep(spec: TorchSpec, opts: TorchSweepOptions): TorchSweep {
  const first = spec.args[0].name, second = spec.args[1]?.name;
  const input = opts.args[first];
  const target = second ? opts.args[second] : undefined;
  const points = Math.max(2, Math.min(2001, Math.floor(opts.points ?? 101)));
  const n = input.data.length;
  if (!n) throw new Error(`${spec.id}: ${first} has no elements to sweep`);
  let { kind, range } = sweepKind(spec, opts.config);
  const element = Math.max(0, Math.min(n - 1, Math.floor(opts.element ?? torchDefaultElement(spec, opts.args))));
  if (kind === 'error' && (!target || target.data.length !== n)) kind = 'raw';
  const offset = kind === 'error' ? target!.data[element] : 0;
  const curX = input.data[element] - offset;
  let [a, b] = range;
  if (Number.isFinite(curX) && (curX < a || curX > b)) {
    // keep the actual point on the plot
    const lo = Math.min(a, curX), hi = Math.max(b, curX);
    const pad = 0.1 * (hi - lo || 1);
    a = curX < a ? lo - pad : a;
    b = curX > b ? hi + pad : b;
    if (kind === 'probability') { a = Math.max(0, a); b = Math.min(1, b); }
  }
  const grid = (m: number): number[] => {
    const out: number[] = new Array(m);
    for (let i = 0; i < m; i++) {
      const v = a + ((b - a) * i) / (m - 1);
      // BCELoss at exactly 0 or 1 is its −100 log clamp, a cliff: stay just inside
      out[i] = kind === 'probability' ? Math.min(Math.max(v, 1e-3), 1 - 1e-3) : v;
    }
    return out;
  };
  let xs: number[] = opts.xs ? opts.xs.slice() : grid(points);
  const call = (args: TorchArgs, config: Config = opts.config): TorchResult => evaluateTorch({ loss: spec, mode: opts.mode, config, args });
  const base = opts.result ?? call(opts.args);
  const g0 = base.grads[first];
  const current = { x: curX, loss: total(base), grad: g0 ? g0.data[element] : NaN };
  const el = argIndexLabel(first, element, input.shape);
  const xLabel = kind === 'error' ? `error ${el} − ${argIndexLabel(second!, element, target!.shape)}`
    : kind === 'raw' ? el : `${el} (${kind})`;

  const method = opts.method ?? 'auto';
  let out: { loss: number[]; grad: number[] } | null = null;
  let used: 'row' | 'full' = 'full';
  if (method === 'row' || (method === 'auto' && n * points > EXACT_BUDGET)) {
    out = rowSweep(spec, opts, element, offset, xs, base) ?? elementSweep(spec, opts, element, offset, xs, base);
    if (out) used = 'row';
    else if (method === 'row') throw new Error(`${spec.id}: the per-sample sweep does not apply to these inputs`);
  }
  if (!out) {
    // every point a full evaluation: on a large input, fewer points (a 1e6-element CTC or coupled call would
    // otherwise take 101 full evaluations per slider step)
    if (!opts.xs && n * xs.length > FULL_BUDGET) xs = grid(Math.max(FULL_MIN_POINTS, Math.min(xs.length, Math.floor(FULL_BUDGET / n))));
    const data = new Float64Array(input.data);
    const args: TorchArgs = { ...opts.args, [first]: { data, shape: input.shape, dtype: input.dtype } };
    const loss: number[] = [], grad: number[] = [];
    for (const x of xs) {
      data[element] = roundTo(input, offset + x);
      try {
        const r = call(args);
        loss.push(total(r)); grad.push(r.grads[first]?.data[element] ?? NaN);
      } catch { loss.push(NaN); grad.push(NaN); }
    }
    out = { loss, grad };
  }
  return { x: xs, loss: out.loss, grad: out.grad, xLabel, kind, element, current, method: used };
}

function roundTo(t: TorchTensor, v: number): number {
  return t.dtype === 'float32' ? Math.fround(v) : v;
}

function close(a: number, b: number, scale: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-5 * scale + 1e-30; // float32 sums of different lengths: a few ulps of the magnitudes
}

/**
 * One sample in the batch (an image (1, C, H, W) under MSELoss): when every argument has the input's shape, each
 * element is taken as a sample of its own (every argument read flat, as (n,)), under rowSweep's two checks — B comes
 * from the call's own gradient and linearity from a small batch of three elements, so a loss whose elements are
 * coupled (a softmax over class probabilities) fails the check as before.
 */
function elementSweep(spec: TorchSpec, opts: TorchSweepOptions, element: number, offset: number, xs: number[], base: TorchResult): { loss: number[]; grad: number[] } | null {
  const input = opts.args[spec.args[0].name];
  if (input.shape.length < 2 || spec.id === 'CTCLoss') return null; // rank 1 was rowSweep's own case
  const same = (t: TorchTensor | undefined) => !!t && t.shape.length === input.shape.length && t.shape.every((d, i) => d === input.shape[i]);
  if (!spec.args.every((a) => same(opts.args[a.name]))) return null;
  const flat: TorchArgs = {};
  for (const a of spec.args) { const t = opts.args[a.name]; flat[a.name] = { data: t.data, shape: [t.data.length], dtype: t.dtype }; }
  return rowSweep(spec, { ...opts, args: flat }, element, offset, xs, base, opts.args);
}

/** The batch dim of an argument: CTC's log_probs are time-major (T, N, C), every other batched argument has N on dim 0. */
function batchAxis(spec: TorchSpec, name: string, t: TorchTensor): number {
  return spec.id === 'CTCLoss' && name === spec.args[0].name && t.shape.length === 3 ? 1 : 0;
}

/** The samples `rows` (ascending) of every argument as one batch, with each argument's flat indices into the original; null when an argument has no batch dim of N. */
function takeRows(spec: TorchSpec, args: TorchArgs, N: number, rows: number[]): { args: TorchArgs; index: Record<string, Int32Array> } | null {
  const out: TorchArgs = {};
  const index: Record<string, Int32Array> = {};
  for (const a of spec.args) {
    const t = args[a.name];
    if (!t) continue;
    const ax = batchAxis(spec, a.name, t);
    if (t.shape.length <= ax || t.shape[ax] !== N) return null;
    const inner = t.shape.slice(ax + 1).reduce((x, y) => x * y, 1);
    const outer = t.data.length / (N * inner);
    const idx = new Int32Array(outer * rows.length * inner);
    let k = 0;
    for (let o = 0; o < outer; o++) for (const r of rows) for (let i = 0, at = (o * N + r) * inner; i < inner; i++) idx[k++] = at + i;
    const data = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) data[i] = t.data[idx[i]];
    const shape = t.shape.slice();
    shape[ax] = rows.length;
    out[a.name] = { data, shape, dtype: t.dtype };
    index[a.name] = idx;
  }
  return { args: out, index };
}

/** The one factor B with full[at[k]] = B·part[k] over a sample's gradient (from its largest component); NaN when the sample's gradient is all 0; null when no single B fits. */
function gradRatio(full: ArrayLike<number>, part: ArrayLike<number>, at: (k: number) => number, size: number): number | null {
  let j = -1;
  for (let k = 0; k < size; k++) if (Number.isFinite(part[k]) && part[k] !== 0 && (j < 0 || Math.abs(part[k]) > Math.abs(part[j]))) j = k;
  if (j < 0) return NaN;
  const B = full[at(j)] / part[j];
  for (let k = 0; k < size; k++) if (!close(full[at(k)], B * part[k], Math.abs(full[at(k)]) + Math.abs(B * part[k]))) return null;
  return B;
}

/** B as the reduction defines it: 1 for 'sum' and 'none' (Σ of the returned values), 1 / divisor for a mean with one divisor; NaN otherwise. */
function reductionFactor(r: TorchResult): number {
  if (r.reduction === 'sum' || r.reduction === 'none') return 1;
  return r.mean && Number.isFinite(r.mean.divisor) && r.mean.divisor !== 0 ? 1 / r.mean.divisor : NaN;
}

/** Samples besides the swept one in the small batch that checks the per-sample map (its neighbours along the batch dim). */
const CHECK_OTHERS = 2;

/**
 * The per-sample sweep, verified; null when the arguments have no common batch dim or a check fails.
 *
 * The map total(x) = A + B·row(x) holds when x reaches the result through its own sample only and the reduction's
 * divisor does not move with x. Two checks, neither of which evaluates the whole input again (a slider step at 1e6
 * elements costs the one evaluation the state needs, issue 16):
 *  1. B: the full gradient over the swept sample's elements (from the evaluation the caller already has) equals
 *     B × the sample-only gradient, one B for every element of the sample;
 *  2. linearity in x: on a small batch of the same call (the swept sample and its neighbours along the batch dim,
 *     every keyword as given), the result and gradient at the sweep point farthest from the current value equal
 *     A' + B'·row(x) and B'·rowGrad(x). A loss that couples samples (MSELoss broadcasting (N, 1) against (N,),
 *     a keyword tensor shaped by the batch) fails it on three samples as it would on N, and every point is then
 *     a full evaluation.
 * When the sample's gradient is 0 at the current value (a hinge past its margin), B cannot be read from it: it is
 * the reduction's own factor (1 for 'sum', 1 / divisor for 'mean'), used only when the small batch's B' equals its
 * reduction factor too; otherwise one full evaluation at the far point gives B and checks the value.
 */
function rowSweep(spec: TorchSpec, opts: TorchSweepOptions, element: number, offset: number, xs: number[], base: TorchResult, original?: TorchArgs): { loss: number[]; grad: number[] } | null {
  const first = spec.args[0].name;
  const input = opts.args[first];
  const ax = batchAxis(spec, first, input);
  if (input.shape.length <= ax) return null;
  const N = input.shape[ax];
  if (N < 2) return null;
  const inner = input.shape.slice(ax + 1).reduce((x, y) => x * y, 1);
  const r = Math.floor(element / inner) % N;
  const one = takeRows(spec, opts.args, N, [r]);
  if (!one) return null;
  const sub = one.args, subIdx = one.index[first];
  const local = subIdx.indexOf(element);
  const rowSize = subIdx.length;
  const cfg: Config = { ...opts.config, reduction: 'sum' };
  delete cfg.size_average; delete cfg.reduce;
  const tryEval = (args: TorchArgs, config: Config): TorchResult | null => { try { return evaluateTorch({ loss: spec, mode: opts.mode, config, args }); } catch { return null; } };
  const r0 = tryEval(sub, cfg);
  const fg = base.grads[first]?.data;
  const rg = r0?.grads[first]?.data;
  if (local < 0 || !r0 || !fg || !rg || rg.length !== rowSize) return null;
  let B = gradRatio(fg, rg, (k) => subIdx[k], rowSize);
  if (B === null) return null;
  const sp = sub[first];
  const saved = sp.data[local];
  const rowVals: number[] = new Array(xs.length), rowGrads: number[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    sp.data[local] = roundTo(sp, offset + xs[i]);
    const ri = tryEval(sub, cfg);
    rowVals[i] = ri ? total(ri) : NaN;
    rowGrads[i] = ri?.grads[first]?.data[local] ?? NaN;
  }
  sp.data[local] = saved;
  const R0 = total(r0);
  let far = -1;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(rowVals[i]) && (far < 0 || Math.abs(rowVals[i] - R0) > Math.abs(rowVals[far] - R0))) far = i;
  if (far < 0) return null;
  const xFar = roundTo(input, offset + xs[far]);
  // check 2 on the swept sample and its neighbours
  const rows = [r];
  for (let k = 1; k <= CHECK_OTHERS && k < N; k++) rows.push((r + k) % N);
  rows.sort((a, b) => a - b);
  const few = takeRows(spec, opts.args, N, rows);
  if (!few) return null;
  const miniIdx = few.index[first];
  // the swept sample's elements in the small batch, in the order of its own elements
  const pos = new Map<number, number>();
  miniIdx.forEach((v, k) => pos.set(v, k));
  const atMini = (k: number): number => pos.get(subIdx[k])!;
  const m0 = tryEval(few.args, opts.config);
  const mg0 = m0?.grads[first]?.data;
  if (!m0 || !mg0) return null;
  few.args[first].data[atMini(local)] = xFar;
  const m1 = tryEval(few.args, opts.config);
  if (!m1) return null;
  const mg1 = m1.grads[first]?.data[atMini(local)] ?? NaN;
  let Bm = gradRatio(mg0, rg, atMini, rowSize);
  if (Bm === null) return null;
  if (!Number.isFinite(Bm)) {
    if (!(Number.isFinite(rowGrads[far]) && rowGrads[far] !== 0)) return null;
    Bm = mg1 / rowGrads[far];
  }
  const M0 = total(m0), M1 = total(m1);
  if (!close(M1, M0 + Bm * (rowVals[far] - R0), Math.abs(M0) + Math.abs(M1) + Math.abs(Bm * rowVals[far]) + Math.abs(Bm * R0))) return null;
  if (!close(mg1, Bm * rowGrads[far], Math.abs(mg1) + Math.abs(Bm * rowGrads[far]))) return null;
  const T0 = total(base);
  if (!Number.isFinite(B)) {
    // the sample's gradient is 0 here: the reduction's factor, when the small batch shows the same rule
    const fm = reductionFactor(m0), fb = reductionFactor(base);
    // (not for elementSweep's flat reading: the divisor of (n,) and of the call's own shape may differ)
    if (!original && Number.isFinite(fm) && Number.isFinite(fb) && close(Bm, fm, Math.abs(Bm) + Math.abs(fm))) B = fb;
    else {
      // else one full evaluation at the far point gives B and checks the value
      if (!(Number.isFinite(rowGrads[far]) && rowGrads[far] !== 0)) return null;
      const data = new Float64Array(input.data);
      data[element] = xFar;
      const own = original ?? opts.args;
      const f1 = tryEval({ ...own, [first]: { data, shape: own[first].shape, dtype: input.dtype } }, opts.config);
      if (!f1) return null;
      B = (f1.grads[first]?.data[element] ?? NaN) / rowGrads[far];
      const T1 = total(f1);
      if (!close(T1, T0 + B * (rowVals[far] - R0), Math.abs(T0) + Math.abs(T1) + Math.abs(B * rowVals[far]) + Math.abs(B * R0))) return null;
    }
  }
  const A = T0 - B * R0;
  const loss: number[] = new Array(xs.length), grad: number[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) { loss[i] = A + B * rowVals[i]; grad[i] = B * rowGrads[i]; }
  return { loss, grad };
}
