/**
 * The panel's Frameworks view, without vscode: the rows of core/compare.ts for the panel's current call (the call
 * beside its ports in Keras 3, tf.keras 2, PyTorch and optax, each computed by that framework's core on the user's
 * numbers), each with a runnable snippet, and each row's number along the main plot's sweep (the same x: one y_pred
 * element moved, every point a compare of its own, so a curve is exactly what compare.ts gives there).
 *
 * Cost: a compare is ~10 evaluations of the whole input, and the sweep has ~100 points. Small inputs take the exact
 * path on the whole input; above SWEEP_BUDGET element-evaluations the curves are of the swept sample alone (a
 * batch of one), and above TABLE_ELEMENTS the table too, with the view saying so (FrameworksData.scope).
 */
import { compareFrameworks, type CompareRequest, type CompareResult, type CompareRow } from '../../core/compare';
import { float32Digits } from '../../core/format';
import { LossInspectorError } from '../../core/errors';
import type { Nested, Tensor } from '../../core/tensor';
import type { ParamValue } from '../../core/spec';
import type { FrameworkRowView, FrameworksData } from '../../shared/protocol';
import { l10n } from './l10n';

/** Above this many element-evaluations (y_pred elements × sweep points) the curves are of the swept sample alone. */
export const SWEEP_BUDGET = 20_000;
/** Above this many y_pred elements the table's rows are of the swept sample alone too (one compare is ~10 evaluations). */
export const TABLE_ELEMENTS = 200_000;
/** Snippets carry the arrays up to this many elements; larger ones say where the arrays go. */
export const SNIPPET_ELEMENTS = 2_000;

export interface FrameworksInput {
  loss: string;
  config?: Record<string, ParamValue>;
  yTrue: Tensor;
  yPred: Tensor;
  sampleWeight?: Tensor | null;
  semantics?: 'keras3' | 'keras2';
  /** torch dtypes of input/target (a torch call: 0/1 float targets are not int64 labels). */
  dtypes?: CompareRequest['dtypes'];
}

/** The main plot's sweep: the flat y_pred element moved, its x values, and y_pred[element] = offset + x. */
export interface FrameworksSweep {
  element: number;
  x: number[];
  xLabel: string;
  /** y_true[element] when x is the error y_pred − y_true, else 0. */
  offset: number;
}

/** The number a curve plots for a row: the value, or the sum of an unreduced value; null when absent or not finite. */
export function plotted(v: Nested | null): number | null {
  if (v === null) return null;
  let s = 0;
  const add = (x: Nested): void => { if (Array.isArray(x)) for (const y of x) add(y); else s += x; };
  add(v);
  return Number.isFinite(s) ? s : null;
}

function valueText(v: Nested | null): string {
  if (v === null) return '—';
  if (!Array.isArray(v)) return float32Digits(v);
  const flat = (v as unknown[]).flat(Infinity) as number[];
  return `[${flat.slice(0, 6).map(float32Digits).join(', ')}${flat.length > 6 ? ', …' : ''}]`;
}

const rowKey = (r: CompareRow) => `${r.framework}|${r.role}|${r.call}`;

// ---- snippets: the call with the imports and the arrays that make it run in its framework

function pyNum(x: number, int: boolean): string {
  if (Number.isNaN(x)) return "float('nan')";
  if (!Number.isFinite(x)) return x > 0 ? "float('inf')" : "float('-inf')";
  if (int) return String(Math.round(x));
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

function pyList(t: Tensor, int: boolean): string {
  if (t.shape.length === 0) return pyNum(t.data[0], int);
  let pos = 0;
  const rec = (ax: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < t.shape[ax]; i++) parts.push(ax === t.shape.length - 1 ? pyNum(t.data[pos++], int) : rec(ax + 1));
    return `[${parts.join(', ')}]`;
  };
  return rec(0);
}

interface SnippetArrays {
  yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null; labels: boolean;
  /** The other arrays the rows' calls may name (compare's `arrays`: weight, pos_weight, negatives, paddings…). */
  extra?: Record<string, Tensor>;
}

/** The arrays a call names besides y_true/y_pred, in the order they first appear in it. */
function namedIn(call: string, a: SnippetArrays): [string, Tensor][] {
  const all: Record<string, Tensor> = { ...(a.sampleWeight ? { sample_weight: a.sampleWeight } : {}), ...(a.extra ?? {}) };
  const used: [string, number, Tensor][] = [];
  for (const [name, t] of Object.entries(all)) {
    if (name === 'y_true' || name === 'y_pred') continue;
    // the name as a value (`w * sample_weight`, `weight[y_true]`, `sample_weight=sample_weight`), not only as a keyword
    const m = new RegExp(`(?<![\\w.])${name}\\b(?!\\s*=(?!=))`).exec(call);
    if (m) used.push([name, m.index, t]);
  }
  return used.sort((x, y) => x[1] - y[1]).map(([n, , t]) => [n, t]);
}

/** A runnable script for one row: its framework's imports, the arrays the call names, and the printed call. */
export function rowSnippet(row: Pick<CompareRow, 'framework' | 'call'>, a: SnippetArrays): string {
  const named = namedIn(row.call, a);
  const big = a.yTrue.data.length + a.yPred.data.length + named.reduce((k, [, t]) => k + t.data.length, 0) > SNIPPET_ELEMENTS;
  const lines: string[] = [];
  let arr: (t: Tensor, int: boolean) => string;
  switch (row.framework) {
    case 'pytorch':
      lines.push('import torch', 'import torch.nn as nn', 'import torch.nn.functional as F');
      arr = (t, int) => `torch.tensor(${pyList(t, int)}${int ? '' : ', dtype=torch.float32'})`;
      break;
    case 'optax':
      lines.push(...(/\bjax\.nn\./.test(row.call) ? ['import jax'] : []), 'import jax.numpy as jnp', 'import optax');
      arr = (t, int) => `jnp.array(${pyList(t, int)}${int ? '' : ', dtype=jnp.float32'})`;
      break;
    case 'keras2':
      lines.push('import numpy as np', 'import tensorflow as tf');
      arr = (t, int) => `np.array(${pyList(t, int)}${int ? '' : ', dtype=np.float32'})`;
      break;
    default:
      lines.push('import numpy as np', 'import keras');
      arr = (t, int) => `np.array(${pyList(t, int)}${int ? '' : ', dtype=np.float32'})`;
  }
  lines.push('');
  if (big) {
    lines.push(`# y_true ${shapeText(a.yTrue)}${a.labels ? ' (class indices)' : ''}, y_pred ${shapeText(a.yPred)}${named.map(([n, t]) => `, ${n} ${shapeText(t)}`).join('')}: your arrays`);
  } else {
    lines.push(`y_true = ${arr(a.yTrue, a.labels)}`, `y_pred = ${arr(a.yPred, false)}`);
    // lengths are integer counts (CTC); every other array the call names is a float tensor of its framework
    for (const [n, t] of named) lines.push(`${n} = ${arr(t, /lengths$/.test(n))}`);
  }
  // torch's weight/pos_weight are tensors (a list is refused when the module registers its buffer)
  const call = row.framework === 'pytorch' ? row.call.replace(/\b(weight|pos_weight)=(\[[^\][]*\])/g, '$1=torch.tensor($2)') : row.call;
  lines.push('', `print(${call})`, '');
  return lines.join('\n');
}

const shapeText = (t: Tensor) => `(${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''})`;

// ---- the view's data

function compareRequest(inp: FrameworksInput, yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null): CompareRequest {
  return { loss: inp.loss, config: inp.config ?? {}, yTrue, yPred, sampleWeight: sampleWeight ? tensorNested(sampleWeight) : null, ...(inp.semantics ? { semantics: inp.semantics } : {}), ...(inp.dtypes ? { dtypes: inp.dtypes } : {}) };
}

function tensorNested(t: Tensor): Nested {
  if (t.shape.length === 0) return t.data[0];
  let pos = 0;
  const rec = (ax: number): Nested => {
    const out: Nested[] = [];
    for (let i = 0; i < t.shape[ax]; i++) out.push(ax === t.shape.length - 1 ? t.data[pos++] : rec(ax + 1));
    return out;
  };
  return rec(0);
}

/** Sample `r` (axis 0) of the inputs as a batch of one, or null when the arrays do not share a batch axis. */
function sampleOf(inp: FrameworksInput, r: number): { yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null } | null {
  const n = inp.yPred.shape[0];
  if (inp.yPred.shape.length < 2 || inp.yTrue.shape.length < 1 || inp.yTrue.shape[0] !== n) return null;
  const slice = (t: Tensor): Tensor => { const k = t.data.length / n; return { data: t.data.slice(r * k, (r + 1) * k), shape: [1, ...t.shape.slice(1)] }; };
  const w = inp.sampleWeight ?? null;
  let sw: Tensor | null = null;
  if (w) {
    if (w.shape.length === 0) sw = w;
    else if (w.shape[0] === n) sw = slice(w);
    else return null;
  }
  return { yTrue: slice(inp.yTrue), yPred: slice(inp.yPred), sampleWeight: sw };
}

/**
 * The Frameworks view's rows and curves. Throws LossInspectorError when the loss has no ports (compare's message
 * names the loss) or the call itself is invalid.
 */
export function frameworksData(inp: FrameworksInput, sweep: FrameworksSweep | null, limits: { sweepBudget?: number; tableElements?: number } = {}): FrameworksData {
  const n = inp.yPred.data.length;
  const points = sweep?.x.length ?? 0;
  let yTrue = inp.yTrue, yPred = inp.yPred, sampleWeight = inp.sampleWeight ?? null;
  let element = sweep?.element ?? 0;
  let scope: string | undefined;
  let curvesOnSample = false;
  const big = n > (limits.tableElements ?? TABLE_ELEMENTS), costly = n * points > (limits.sweepBudget ?? SWEEP_BUDGET);
  let sample: ReturnType<typeof sampleOf> = null;
  let r = 0;
  if ((big || costly) && sweep) {
    const rowSize = inp.yPred.shape.length >= 2 ? n / inp.yPred.shape[0] : n;
    r = Math.floor(sweep.element / rowSize);
    sample = sampleOf(inp, r);
  }
  if (big && sample) {
    ({ yTrue, yPred, sampleWeight } = sample);
    element -= r * (n / inp.yPred.shape[0]);
    scope = l10n.t('The input has {0} elements: the rows and curves are of sample {1} alone (a batch of one).', n, r);
  }
  const base: CompareResult = compareFrameworks(compareRequest(inp, yTrue, yPred, sampleWeight));
  const labels = base.rows.length > 0 && yTrue.shape.length < yPred.shape.length;
  const extra: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(base.arrays)) if (k !== 'y_true' && k !== 'y_pred' && k !== 'sample_weight') extra[k] = toTensor(v);
  const arrays: SnippetArrays = labels
    ? { yTrue, yPred: toTensor(base.arrays.y_pred), sampleWeight, labels: true, extra }
    : { yTrue: toTensor(base.arrays.y_true), yPred: toTensor(base.arrays.y_pred), sampleWeight, labels: false, extra };
  const rows: FrameworkRowView[] = base.rows.map((row) => ({
    framework: row.framework, call: row.call, snippet: rowSnippet(row, arrays),
    valueText: valueText(row.value), value: plotted(row.value), unreduced: Array.isArray(row.value),
    same: row.role === 'source' || row.same_as_source, role: row.role, why: row.why,
  }));
  const series: (number | null)[][] = rows.map(() => []);
  if (sweep) {
    // The curves: the table's call on a batch of one when the whole input would cost too much per point.
    let st = yTrue, sp = yPred, sw = sampleWeight, el = element;
    if (costly && !big && sample) {
      ({ yTrue: st, yPred: sp, sampleWeight: sw } = sample);
      el = element - r * (n / inp.yPred.shape[0]);
      scope = l10n.t('The curves are of sample {0} alone (a batch of one): the input has {1} elements. The table is of the whole input.', r, n);
      curvesOnSample = true;
    }
    const keys = base.rows.map(rowKey);
    const data = new Float64Array(sp.data);
    const moved: Tensor = { data, shape: sp.shape.slice() };
    for (const x of sweep.x) {
      data[el] = sweep.offset + x;
      let res: CompareResult | null = null;
      try { res = compareFrameworks(compareRequest(inp, st, moved, sw)); } catch (e) { if (!(e instanceof LossInspectorError)) throw e; }
      const byKey = new Map((res?.rows ?? []).map((row) => [rowKey(row), row]));
      keys.forEach((k, i) => { const row = byKey.get(k); series[i].push(row ? plotted(row.value) : null); });
    }
  }
  const cur = sweep ? yPred.data[element] - sweep.offset : undefined;
  return {
    rows, x: sweep?.x.slice() ?? [], xLabel: sweep?.xLabel ?? '', series,
    ...(cur !== undefined && Number.isFinite(cur) && !curvesOnSample ? { current: cur } : {}),
    ...(scope ? { scope } : {}),
    notes: base.notes.slice(), warnings: base.warnings.slice(),
  };
}

function toTensor(x: Nested): Tensor {
  const shape: number[] = [];
  for (let v: Nested = x; Array.isArray(v); v = v[0]) shape.push(v.length);
  const flat = Array.isArray(x) ? ((x as unknown[]).flat(Infinity) as number[]) : [x];
  return { data: Float64Array.from(flat), shape };
}
