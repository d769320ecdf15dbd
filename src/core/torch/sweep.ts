/**
 * The panel's loss curve for a PyTorch call: the result (and d result / d input of the swept element) as one element
 * of torch's first argument (input, input1, anchor, log_probs) sweeps its range. Every point is an `evaluateTorch`
 * call; kernels are never re-implemented here.
 *
 * Speed, as for the Keras curves (src/core/curves.ts), by the same verified idea written for torch's arguments:
 * when every argument has the batch on dim 0, the sweep runs on the swept element's sample alone (reduction='sum',
 * every argument sliced to that sample) and is mapped onto the full result by `total(x) = A + B·row(x)`. The map is
 * used only after two numerical checks on the actual input: the full gradient over the sample's elements equals B ×
 * the sample-only gradient, and one full evaluation at the farthest sweep point matches A + B·row(x). A loss whose
 * samples are coupled (CTC's time-major layout, a batch-wide divisor that moves) fails a check and every point is
 * then a full evaluation.
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
  const xs: number[] = opts.xs ? opts.xs.slice() : new Array(points);
  for (let i = 0; i < points && !opts.xs; i++) {
    let v = a + ((b - a) * i) / (points - 1);
    // BCELoss at exactly 0 or 1 is its −100 log clamp, a cliff: stay just inside
    if (kind === 'probability') v = Math.min(Math.max(v, 1e-3), 1 - 1e-3);
    xs[i] = v;
  }
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
    out = rowSweep(spec, opts, element, offset, xs, base);
    if (out) used = 'row';
    else if (method === 'row') throw new Error(`${spec.id}: the per-sample sweep does not apply to these inputs`);
  }
  if (!out) {
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

/** The per-sample sweep, verified; null when the arguments have no common batch dim or a check fails. */
function rowSweep(spec: TorchSpec, opts: TorchSweepOptions, element: number, offset: number, xs: number[], base: TorchResult): { loss: number[]; grad: number[] } | null {
  if (spec.id === 'CTCLoss') return null; // time-major: dim 0 is T, not the batch
  const first = spec.args[0].name;
  const input = opts.args[first];
  if (input.shape.length < 1) return null;
  const N = input.shape[0];
  if (N < 2) return null;
  const sub: TorchArgs = {};
  const rowSize = input.data.length / N;
  const r = Math.floor(element / rowSize);
  for (const a of spec.args) {
    const t = opts.args[a.name];
    if (!t) continue;
    if (t.shape.length < 1 || t.shape[0] !== N) return null;
    const k = t.data.length / N;
    sub[a.name] = { data: t.data.slice(r * k, (r + 1) * k), shape: [1, ...t.shape.slice(1)], dtype: t.dtype };
  }
  const local = element - r * rowSize;
  const cfg: Config = { ...opts.config, reduction: 'sum' };
  delete cfg.size_average; delete cfg.reduce;
  const evalRow = (): TorchResult | null => { try { return evaluateTorch({ loss: spec, mode: opts.mode, config: cfg, args: sub }); } catch { return null; } };
  const r0 = evalRow();
  const fg = base.grads[first]?.data;
  const rg = r0?.grads[first]?.data;
  if (!r0 || !fg || !rg || rg.length !== rowSize) return null;
  let j = -1;
  for (let k = 0; k < rowSize; k++) if (Number.isFinite(rg[k]) && rg[k] !== 0 && (j < 0 || Math.abs(rg[k]) > Math.abs(rg[j]))) j = k;
  let B = NaN;
  const rowStart = r * rowSize;
  if (j >= 0) {
    B = fg[rowStart + j] / rg[j];
    for (let k = 0; k < rowSize; k++) if (!close(fg[rowStart + k], B * rg[k], Math.abs(fg[rowStart + k]) + Math.abs(B * rg[k]))) return null;
  }
  const sp = sub[first];
  const saved = sp.data[local];
  const rowVals: number[] = new Array(xs.length), rowGrads: number[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    sp.data[local] = roundTo(sp, offset + xs[i]);
    const ri = evalRow();
    rowVals[i] = ri ? total(ri) : NaN;
    rowGrads[i] = ri?.grads[first]?.data[local] ?? NaN;
  }
  sp.data[local] = saved;
  const R0 = total(r0);
  let far = -1;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(rowVals[i]) && (far < 0 || Math.abs(rowVals[i] - R0) > Math.abs(rowVals[far] - R0))) far = i;
  if (far < 0) return null;
  const data = new Float64Array(input.data);
  data[element] = roundTo(input, offset + xs[far]);
  let f1: TorchResult;
  try { f1 = evaluateTorch({ loss: spec, mode: opts.mode, config: opts.config, args: { ...opts.args, [first]: { data, shape: input.shape, dtype: input.dtype } } }); } catch { return null; }
  const T0 = total(base), T1 = total(f1);
  const fg1 = f1.grads[first]?.data[element] ?? NaN;
  if (!Number.isFinite(B)) {
    if (!(Number.isFinite(rowGrads[far]) && rowGrads[far] !== 0)) return null;
    B = fg1 / rowGrads[far];
  }
  const A = T0 - B * R0;
  const scale = Math.abs(T0) + Math.abs(T1) + Math.abs(B * rowVals[far]) + Math.abs(B * R0);
  if (!close(T1, A + B * rowVals[far], scale)) return null;
  if (!close(fg1, B * rowGrads[far], Math.abs(fg1) + Math.abs(B * rowGrads[far]))) return null;
  const loss: number[] = new Array(xs.length), grad: number[] = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) { loss[i] = A + B * rowVals[i]; grad[i] = B * rowGrads[i]; }
  return { loss, grad };
}
