/**
 * Loss curves for the panel and the hover: the loss (and d loss / d y_pred of the swept element) as one y_pred
 * element sweeps its range. Every point is computed by `evaluate` (the kernels are never re-implemented here).
 *
 * Speed: evaluating the whole input once per point costs O(N·points). When the loss is row-separable, the sweep
 * is evaluated on the affected row alone (a batch of one) and mapped onto the full result by an affine map
 * `total(x) = A + B·row(x)`, `grad(x) = B·rowGrad(x)`. Separability is not assumed from the spec, it is checked
 * numerically on the actual input before it is used:
 *  1. the full gradient over the row's elements must equal B × the row-only gradient (one B for the whole row);
 *  2. on a small batch of the same call (the row and up to two neighbours along axis 0), the value and gradient
 *     at the sweep point farthest from the current value must match A' + B'·row(x) and B'·rowGrad(x).
 * Neither check evaluates the whole input again, so a curve costs the caller's one evaluation (a panel step at
 * 1e6 elements, issue 16; the torch curves, src/core/torch/sweep.ts, check the same way). Only when the row's
 * gradient is 0 at the current value (B cannot be read from it) is one full evaluation at the far point used.
 * A batch-coupled loss (triplet, lifted struct, Dice over the whole batch, batch-wide label conversion) fails
 * one of the checks and falls back to full evaluation per point. Small inputs always take the exact path.
 */
import type { Config, LossSpec } from './spec';
import { evaluate, EvalResult } from './evaluate';
import { fromNested, Tensor, Nested, stridesOf } from './tensor';

export type SweepKind = 'error' | 'probability' | 'logit' | 'raw';

export interface SweepCurve {
  x: number[];
  loss: number[];
  grad: number[];
  xLabel: string;
  /** The actual input's point (the element's current value), when data was given or taken from the example. */
  current?: { x: number; loss: number; grad: number };
}

export interface SweepDetails extends SweepCurve {
  kind: SweepKind;
  /** Flat index into y_pred of the swept element. */
  element: number;
  /** 'row' when the fast row-separable path was used (and verified), 'full' otherwise. */
  method: 'row' | 'full';
}

export interface SweepOptions {
  /** Number of sampled points (default 101). */
  points?: number;
  yTrue?: Tensor | Nested;
  yPred?: Tensor | Nested;
  sampleWeight?: Tensor | Nested | null;
  /** Flat index into y_pred of the swept element (default: the true class of the first row for classification, else 0). */
  element?: number;
  mode?: 'class' | 'function';
  /** Override what x means and its range (compare mode sweeps several losses on the same x). */
  kind?: SweepKind;
  range?: [number, number];
  /** The full evaluation of the given inputs, when the caller already has it (saves one evaluation). */
  result?: EvalResult;
  /** Force a method (tests). */
  method?: 'row' | 'full' | 'auto';
}

const LABELS: Record<SweepKind, string> = {
  error: 'error y_pred − y_true',
  probability: 'y_pred (probability)',
  logit: 'y_pred (logit)',
  raw: 'y_pred',
};

/** Below this many element-evaluations (N × points) the exact per-point path is cheap enough. */
const EXACT_BUDGET = 20_000;

function asTensor(x: Tensor | Nested, what: string): Tensor {
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array) return x as Tensor;
  return fromNested(x, what);
}

function total(r: EvalResult): number {
  const d = r.value.data;
  if (d.length === 1) return d[0];
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

function indexLabel(flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return 'y_pred';
  const st = stridesOf(shape);
  const idx = shape.map((_, i) => Math.floor(flat / st[i]) % shape[i]);
  return `y_pred[${idx.join(', ')}]`;
}

/** The sweep kind that fits the spec and config: logits when from_logits=True even if the spec sweeps probabilities. */
export function sweepKindOf(spec: LossSpec, cfg: Config): SweepKind {
  const k = spec.sweep?.kind ?? 'raw';
  if (k === 'probability' && cfg.from_logits === true) return 'logit';
  return k;
}

function defaultRange(spec: LossSpec, kind: SweepKind): [number, number] {
  const declared = spec.sweep?.kind;
  if (declared === kind && spec.sweep) return spec.sweep.range;
  if (kind === 'probability') return [0, 1];
  if (kind === 'logit') return [-6, 6];
  return [-3, 3];
}

/** Default element: the true class of the first row (one-hot or sparse labels) for classification sweeps, else 0. */
export function defaultElement(kind: SweepKind, yTrue: Tensor, yPred: Tensor): number {
  if ((kind === 'probability' || kind === 'logit') && yPred.shape.length >= 2) {
    const c = yPred.shape[yPred.shape.length - 1];
    if (c > 1) {
      if (yTrue.data.length === yPred.data.length) {
        // One-hot / probabilities: argmax of the first row.
        let best = 0;
        for (let j = 1; j < c; j++) if (yTrue.data[j] > yTrue.data[best]) best = j;
        return best;
      }
      if (yTrue.data.length * c === yPred.data.length) {
        const k = Math.round(yTrue.data[0]);
        if (k >= 0 && k < c) return k;
      }
    }
  }
  return 0;
}

/**
 * The loss and its gradient as one y_pred element sweeps its range.
 * Without data, a canonical curve (one element, see canonicalCurve), e.g. for hover sparklines.
 * Throws what `evaluate` throws when the inputs themselves are invalid.
 */
export function sweepCurve(spec: LossSpec, cfg: Config = {}, opts: SweepOptions = {}): SweepDetails {
  const haveData = opts.yPred !== undefined && opts.yTrue !== undefined;
  if (!haveData) return canonicalCurve(spec, cfg, opts);
  const config: Config = { ...cfg };
  const yTrue = asTensor(opts.yTrue!, 'y_true');
  const yPred = asTensor(opts.yPred!, 'y_pred');
  const sampleWeight = opts.sampleWeight == null ? null : asTensor(opts.sampleWeight, 'sample_weight');
  const mode = opts.mode ?? 'class';
  const points = Math.max(2, Math.min(2001, Math.floor(opts.points ?? 101)));

  let kind = opts.kind ?? sweepKindOf(spec, config);
  const n = yPred.data.length;
  const element = Math.max(0, Math.min(n - 1, Math.floor(opts.element ?? defaultElement(kind, yTrue, yPred))));
  // The error needs the matching y_true element; with broadcasting shapes sweep y_pred itself.
  if (kind === 'error' && yTrue.data.length !== n) kind = 'raw';
  const offset = kind === 'error' ? yTrue.data[element] : 0;
  const curX = yPred.data[element] - offset;

  let [a, b] = opts.range ?? defaultRange(spec, kind);
  if (!opts.range && Number.isFinite(curX) && (curX < a || curX > b)) {
    // Keep the actual point on the plot.
    const lo = Math.min(a, curX), hi = Math.max(b, curX);
    const pad = 0.1 * (hi - lo || 1);
    a = curX < a ? lo - pad : a;
    b = curX > b ? hi + pad : b;
    if (kind === 'probability') { a = Math.max(0, a); b = Math.min(1, b); }
  }
  const xs: number[] = new Array(points);
  for (let i = 0; i < points; i++) {
    let v = a + ((b - a) * i) / (points - 1);
    // Probabilities exactly 0 or 1 sit on Keras's clip edge; stay just inside.
    if (kind === 'probability') v = Math.min(Math.max(v, 1e-3), 1 - 1e-3);
    xs[i] = v;
  }

  const base = opts.result ?? evaluate({ loss: spec, yTrue, yPred, sampleWeight, config, mode });
  const current = { x: curX, loss: total(base), grad: base.grad.data[element] };
  const xLabel = LABELS[kind].replace(/y_pred/g, indexLabel(element, yPred.shape)).replace(/y_true$/, indexLabel(element, yPred.shape).replace('y_pred', 'y_true'));

  const method = opts.method ?? 'auto';
  let out: { loss: number[]; grad: number[] } | null = null;
  let used: 'row' | 'full' = 'full';
  if (method === 'row' || (method === 'auto' && n * points > EXACT_BUDGET)) {
    out = rowSweep(spec, config, mode, yTrue, yPred, sampleWeight, element, offset, xs, base);
    if (out) used = 'row';
    else if (method === 'row') throw new Error(`${spec.id}: the row-separable sweep does not apply to these inputs`);
  }
  if (!out) out = fullSweep(spec, config, mode, yTrue, yPred, sampleWeight, element, offset, xs);
  return { x: xs, loss: out.loss, grad: out.grad, xLabel, current, kind, element, method: used };
}

/**
 * The curve without data (hover sparklines): the loss of ONE element, y_true = t and y_pred = x, so the curve is the
 * loss function's own shape (MSE: e², minimum 0 at e = 0). Losses where one element says nothing (a row renormalised
 * to sum 1 is constant; labels of another shape) fall back to the example's first row, then to the whole example.
 */
function canonicalCurve(spec: LossSpec, cfg: Config, opts: SweepOptions): SweepDetails {
  const config: Config = { ...(spec.example.config ?? {}), ...cfg };
  const exT = asTensor(spec.example.yTrue, 'y_true');
  const exP = asTensor(spec.example.yPred, 'y_pred');
  const kind = opts.kind ?? sweepKindOf(spec, config);
  const e = Math.max(0, Math.min(exP.data.length - 1, Math.floor(opts.element ?? defaultElement(kind, exT, exP))));
  const candidates: { yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null; element: number }[] = [];
  if (spec.inputs !== 'custom' && !spec.noSqueeze && exT.data.length === exP.data.length && exP.shape.length >= 1) {
    const one = exP.shape.map(() => 1);
    candidates.push({ yTrue: { data: Float64Array.of(exT.data[e]), shape: one }, yPred: { data: Float64Array.of(exP.data[e]), shape: one }, sampleWeight: null, element: 0 });
  }
  if (exP.shape.length >= 2 && exP.shape[0] > 1 && exT.shape.length >= 1 && exT.shape[0] === exP.shape[0]) {
    const rowP = exP.data.length / exP.shape[0];
    const r = Math.floor(e / rowP);
    const slice = (t: Tensor): Tensor => { const k = t.data.length / t.shape[0]; return { data: t.data.slice(r * k, (r + 1) * k), shape: [1, ...t.shape.slice(1)] }; };
    candidates.push({ yTrue: slice(exT), yPred: slice(exP), sampleWeight: null, element: e - r * rowP });
  }
  const exW = spec.example.sampleWeight == null ? null : asTensor(spec.example.sampleWeight, 'sample_weight');
  candidates.push({ yTrue: exT, yPred: exP, sampleWeight: exW, element: e });
  let last: unknown = null;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    try {
      const out = sweepCurve(spec, config, { ...opts, yTrue: c.yTrue, yPred: c.yPred, sampleWeight: c.sampleWeight, element: c.element });
      if (i === candidates.length - 1 || informative(out.loss)) return out;
    } catch (err) { last = err; if (i === candidates.length - 1) throw err; }
  }
  throw last;
}

/** A curve that shows something: finite values that are not all equal. */
function informative(ys: number[]): boolean {
  let lo = Infinity, hi = -Infinity, n = 0;
  for (const y of ys) if (Number.isFinite(y)) { n++; if (y < lo) lo = y; if (y > hi) hi = y; }
  return n >= Math.min(3, ys.length) && hi - lo > 1e-9 * Math.max(1, Math.abs(hi), Math.abs(lo));
}

/** Exact: one full evaluation per point, on a copy of y_pred with the one element changed. */
function fullSweep(spec: LossSpec, config: Config, mode: 'class' | 'function', yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null,
  element: number, offset: number, xs: number[]): { loss: number[]; grad: number[] } {
  const data = new Float64Array(yPred.data);
  const yp: Tensor = { data, shape: yPred.shape };
  const loss: number[] = [], grad: number[] = [];
  for (const x of xs) {
    data[element] = offset + x;
    try {
      const r = evaluate({ loss: spec, yTrue, yPred: yp, sampleWeight, config, mode });
      loss.push(total(r)); grad.push(r.grad.data[element]);
    } catch {
      loss.push(NaN); grad.push(NaN);
    }
  }
  return { loss, grad };
}

/** Rows r0 … r0 + count − 1 along axis 0 of a tensor whose leading dimension is `n` (a scalar, e.g. a scalar sample_weight, as it is); null without that axis. */
function sliceRows(t: Tensor, r0: number, count: number, n: number): Tensor | null {
  if (t.shape.length === 0) return t;
  if (t.shape[0] !== n) return null;
  const rowSize = t.data.length / n;
  return { data: t.data.slice(r0 * rowSize, (r0 + count) * rowSize), shape: [count, ...t.shape.slice(1)] };
}

/** Rows besides the swept one in the small batch of check 2 (its neighbours along axis 0). */
const CHECK_OTHERS = 2;

function close(a: number, b: number, scale: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  // float32 results: a few ulps of the magnitudes involved.
  return Math.abs(a - b) <= 2e-6 * scale + 1e-30;
}

/**
 * Row-separable sweep, verified (see the file comment). Returns null when the inputs have no row structure
 * or a check fails.
 */
function rowSweep(spec: LossSpec, config: Config, mode: 'class' | 'function', yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null,
  element: number, offset: number, xs: number[], base: EvalResult): { loss: number[]; grad: number[] } | null {
  // The sub-batch: row r along axis 0, or, for rank-1 elementwise inputs, the single element.
  let subT: Tensor | null, subP: Tensor | null, subW: Tensor | null, local: number, rowStart: number, rowLen: number;
  if (yPred.shape.length >= 2 || (yPred.shape.length === 1 && yTrue.shape.length === 1 && yTrue.data.length === yPred.data.length)) {
    const n = yPred.shape[0];
    if (n < 2) return null;
    const rowSize = yPred.data.length / n;
    const r = Math.floor(element / rowSize);
    subP = sliceRows(yPred, r, 1, n);
    subT = sliceRows(yTrue, r, 1, n);
    subW = sampleWeight ? sliceRows(sampleWeight, r, 1, n) : null;
    if (!subP || !subT || (sampleWeight && !subW)) return null;
    if (yPred.shape.length === 1) { subP = { data: subP.data, shape: [1] }; subT = { data: subT.data, shape: [1] }; if (subW && subW.shape.length) subW = { data: subW.data, shape: [1] }; }
    local = element - r * rowSize; rowStart = r * rowSize; rowLen = rowSize;
  } else return null;

  const evalRow = (): EvalResult | null => {
    try { return evaluate({ loss: spec, yTrue: subT!, yPred: subP!, sampleWeight: subW, config, mode }); } catch { return null; }
  };
  const r0 = evalRow();
  if (!r0 || r0.grad.data.length !== rowLen) return null;
  const g0 = r0.grad.data, fg = base.grad.data;
  // B from the largest row-gradient component (one B must fit every element of the row).
  let j = -1;
  for (let k = 0; k < rowLen; k++) if (Number.isFinite(g0[k]) && g0[k] !== 0 && (j < 0 || Math.abs(g0[k]) > Math.abs(g0[j]))) j = k;
  let B = NaN;
  if (j >= 0) {
    B = fg[rowStart + j] / g0[j];
    for (let k = 0; k < rowLen; k++) if (!close(fg[rowStart + k], B * g0[k], Math.abs(fg[rowStart + k]) + Math.abs(B * g0[k]))) return null;
  }

  // The sweep on the row alone.
  const loss: number[] = new Array(xs.length), grad: number[] = new Array(xs.length);
  const rowVals: number[] = new Array(xs.length), rowGrads: number[] = new Array(xs.length);
  const saved = subP.data[local];
  for (let i = 0; i < xs.length; i++) {
    subP.data[local] = offset + xs[i];
    const ri = evalRow();
    rowVals[i] = ri ? total(ri) : NaN;
    rowGrads[i] = ri ? ri.grad.data[local] : NaN;
  }
  subP.data[local] = saved;
  const R0 = total(r0);

  // Verification point: the sweep point whose row value is farthest from the current one.
  let far = -1;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(rowVals[i]) && (far < 0 || Math.abs(rowVals[i] - R0) > Math.abs(rowVals[far] - R0))) far = i;
  if (far < 0) return null;
  const T0 = total(base);
  if (Number.isFinite(B)) {
    // Check 2 on a small batch: the swept row and its neighbours, the same call (weights sliced alike).
    const n = yPred.shape.length >= 1 ? yPred.shape[0] : 1;
    const count = Math.min(n, 1 + CHECK_OTHERS);
    const r = Math.floor(element / rowLen);
    const first = Math.max(0, Math.min(r - 1, n - count));
    const smallP = sliceRows(yPred, first, count, n), smallT = sliceRows(yTrue, first, count, n);
    const smallW = sampleWeight ? sliceRows(sampleWeight, first, count, n) : null;
    if (!smallP || !smallT || (sampleWeight && !smallW)) return null;
    const at = (r - first) * rowLen + local;
    const evalSmall = (): EvalResult | null => {
      try { return evaluate({ loss: spec, yTrue: smallT, yPred: smallP, sampleWeight: smallW, config, mode }); } catch { return null; }
    };
    const s0 = evalSmall();
    if (!s0 || s0.grad.data.length !== smallP.data.length) return null;
    // B' from the small batch's gradient over the row, as B from the full one
    const gs = s0.grad.data, rowOff = (r - first) * rowLen;
    const Bs = gs[rowOff + j] / g0[j];
    for (let k = 0; k < rowLen; k++) if (!close(gs[rowOff + k], Bs * g0[k], Math.abs(gs[rowOff + k]) + Math.abs(Bs * g0[k]))) return null;
    smallP.data[at] = offset + xs[far];
    const s1 = evalSmall();
    if (!s1) return null;
    const S0 = total(s0), S1 = total(s1);
    const As = S0 - Bs * R0;
    if (!close(S1, As + Bs * rowVals[far], Math.abs(S0) + Math.abs(S1) + Math.abs(Bs * rowVals[far]) + Math.abs(Bs * R0))) return null;
    if (!close(s1.grad.data[at], Bs * rowGrads[far], Math.abs(s1.grad.data[at]) + Math.abs(Bs * rowGrads[far]))) return null;
    const A = T0 - B * R0;
    for (let i = 0; i < xs.length; i++) { loss[i] = A + B * rowVals[i]; grad[i] = B * rowGrads[i]; }
    return { loss, grad };
  }
  // The row's gradient is 0 here: B from one full evaluation at the far point (which checks the value as well).
  const data = new Float64Array(yPred.data);
  data[element] = offset + xs[far];
  let f1: EvalResult;
  try { f1 = evaluate({ loss: spec, yTrue, yPred: { data, shape: yPred.shape }, sampleWeight, config, mode }); } catch { return null; }
  const T1 = total(f1);
  if (!(Number.isFinite(rowGrads[far]) && rowGrads[far] !== 0)) return null;
  B = f1.grad.data[element] / rowGrads[far];
  const A = T0 - B * R0;
  const scale = Math.abs(T0) + Math.abs(T1) + Math.abs(B * rowVals[far]) + Math.abs(B * R0);
  if (!close(T1, A + B * rowVals[far], scale)) return null;
  if (!close(f1.grad.data[element], B * rowGrads[far], Math.abs(f1.grad.data[element]) + Math.abs(B * rowGrads[far]))) return null;

  for (let i = 0; i < xs.length; i++) { loss[i] = A + B * rowVals[i]; grad[i] = B * rowGrads[i]; }
  return { loss, grad };
}
