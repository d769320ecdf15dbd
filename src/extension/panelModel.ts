/**
 * Host-side model of the panel, without `vscode`: turns a PanelSession into the PanelState the webview renders
 * (evaluate + curves + compare, all through the core), applies intents to the session, and builds the exports
 * (CSV, Python). panel.ts only moves messages and files; everything testable lives here.
 */
import { evaluate, EvalResult } from '../core/evaluate';
import { ALL_SPECS, getSpec, resolveLoss } from '../core/registry';
import { allParams } from '../core/config';
import { formatFor, float32Digits } from '../core/format';
import { sweepCurve, SweepDetails } from '../core/curves';
import { fromNested, MAX_NESTING, nestingDepth, shapeStr, stridesOf, tooDeep, Tensor } from '../core/tensor';
import { snippetCoreIfLoaded, type SnippetCore } from './lazyCore';

/** For hosts of this model outside the extension (the webview tests): load the custom-loss interpreter first. */
export { loadSnippetCore } from './lazyCore';
import { LossInspectorError } from '../core/errors';
import { parseParamText } from '../core/literal';
import type { Config, LossSpec, ParamSpec, ParamValue } from '../core/spec';
import {
  ArrayView, CompareData, DEFAULT_COMPARE, ErrorState, EmptyState, GradMap, Intent, LossOption, MAX_HEAT_COLS, MAX_HEAT_ROWS, MAX_VIEW_VALUES, PanelOpenArgs,
  PanelSession, PanelState, ParamControl, ResultState, SerializableRequest,
} from '../shared/protocol';
import { l10n } from './model/l10n';
import { divisorKindText } from './model/resultText';
import { frameworksData } from './model/frameworks';
import {
  applyTorchIntent, buildTorchCsv, buildTorchPython, buildTorchState, isTorchRequest, torchErrorControls, torchExampleSession, torchLossOptions, TorchArgsCache,
} from './panelTorch';

/** Evaluates a user-defined loss (issue 6's custom-loss plugin) for a session with `customSource`. */
export type CustomEvaluator = (source: string, request: SerializableRequest) => EvalResult;

/** The default custom evaluator: the custom-loss plugin reads the definitions in `source` and evaluates `request.loss`. */
export const sourceCustomEvaluator: CustomEvaluator = (source, request) => customCore().evaluateCustomSource(source, request);

/** The custom-loss interpreter; the panel host loads it (loadSnippetCore) before it renders a custom session. */
function customCore(): SnippetCore {
  const c = snippetCoreIfLoaded();
  if (!c) throw new Error('internal: the custom-loss interpreter is not loaded yet');
  return c;
}

export interface ModelOptions {
  custom?: CustomEvaluator;
  /** Sweep points of the loss curve (default 101). */
  points?: number;
}

/** Nested lists (or, from in-process callers, Tensors) to a Tensor; bad input is a LossInspectorError naming the argument. */
function toTensor(x: unknown, what: string): Tensor {
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array) return x as Tensor;
  try {
    return fromNested(x, what);
  } catch (e) {
    if (e instanceof LossInspectorError) throw e;
    throw new LossInspectorError(`argument \`${what}\`: ${(e as Error).message}`, { argument: what, code: 'input' });
  }
}

/** Parsed tensors of a request, kept while the data does not change (parameters change far more often). */
export class TensorCache {
  private key: SerializableRequest | null = null;
  private keyT: unknown; private keyP: unknown; private keyW: unknown;
  private value: { yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null } | null = null;
  /** The torch tensors of a torch request (with their dtypes). */
  readonly torch = new TorchArgsCache();
  get(r: SerializableRequest): { yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null } {
    if (this.value && this.keyT === r.yTrue && this.keyP === r.yPred && this.keyW === (r.sampleWeight ?? null)) return this.value;
    const v = {
      yTrue: toTensor(r.yTrue, 'y_true'),
      yPred: toTensor(r.yPred, 'y_pred'),
      sampleWeight: r.sampleWeight == null ? null : toTensor(r.sampleWeight, 'sample_weight'),
    };
    this.key = r; this.keyT = r.yTrue; this.keyP = r.yPred; this.keyW = r.sampleWeight ?? null; this.value = v;
    return v;
  }
}

let optionsCache: LossOption[] | null = null;
/** Every registered loss for the picker. */
export function lossOptions(): LossOption[] {
  optionsCache ??= [...ALL_SPECS.map((s) => ({ id: s.id, family: s.family, framework: s.framework, summary: s.doc.summary })), ...torchLossOptions()];
  return optionsCache;
}

/** A session from the open command's arguments; null when there is nothing to inspect yet. */
export function sessionFromArgs(args: PanelOpenArgs | undefined): PanelSession | null {
  if (args?.torchExample && (args.example || !args.request)) {
    // a torch name's own example, titled "(example)" and without file:line
    try {
      const s = torchExampleSession(args.torchExample);
      return { ...s, ...(args.view === 'frameworks' ? { view: 'frameworks' as const } : {}) };
    } catch { /* not a torch loss the core knows: the request the link carries */ }
  }
  if (!args?.request) return null;
  return {
    request: { ...args.request, config: { ...(args.request.config ?? {}) } },
    title: args.title, source: args.example ? undefined : args.source, customSource: args.customSource,
    ...(args.example ? { example: true } : {}),
    ...(args.notes?.length ? { notes: args.notes.slice() } : {}), ...(args.watch ? { watch: args.watch } : {}),
    ...(args.view === 'frameworks' ? { view: 'frameworks' as const } : {}),
    sweepElement: -1, compare: { enabled: false, losses: DEFAULT_COMPARE.slice() },
  };
}

/** A session on a loss's own example (the picker in the empty state, or switching loss without user data). */
export function exampleSession(lossName: string): PanelSession {
  const spec = resolveLoss(lossName).spec;
  return {
    request: { loss: spec.id, yTrue: spec.example.yTrue, yPred: spec.example.yPred, sampleWeight: spec.example.sampleWeight ?? null, config: { ...(spec.example.config ?? {}) }, mode: 'class' },
    title: l10n.t('{0} (example)', spec.id), example: true,
    sweepElement: -1, compare: { enabled: false, losses: DEFAULT_COMPARE.slice() },
  };
}

export function emptyState(): EmptyState {
  return { kind: 'empty', title: 'Loss Inspector', hint: l10n.t('Select two arrays or a loss call in Python and run "Loss Inspector: Compute Loss", or pick a loss below to explore it on its example.'), lossOptions: lossOptions() };
}

const HIDDEN_PARAMS = new Set(['reduction', 'name']);

function sameValue(a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The controls of a loss's parameters, with the values in effect. */
export function paramControls(spec: LossSpec, cfg: Config, isClass: boolean): ParamControl[] {
  return allParams(spec, isClass).filter((p) => !HIDDEN_PARAMS.has(p.name)).map((p) => control(p, cfg[p.name] !== undefined ? cfg[p.name] : p.default));
}

function control(p: ParamSpec, value: ParamValue): ParamControl {
  const base = { name: p.name, value, default: p.default, doc: p.doc };
  const integer = p.type === 'int' || p.type === 'intOrNone';
  const nullable = p.type === 'intOrNone' || p.type === 'floatOrNone';
  switch (p.type) {
    case 'bool': return { ...base, kind: 'bool' };
    case 'enum': return { ...base, kind: 'enum', choices: p.choices ?? [] };
    case 'float': case 'int': case 'intOrNone': case 'floatOrNone': {
      const bounds = { min: p.min, max: p.max };
      if (p.ui) return { ...base, kind: 'range', min: p.ui.min, max: p.ui.max, step: p.ui.step, integer, nullable };
      return { ...base, kind: 'number', ...bounds, step: integer ? 1 : undefined, integer, nullable };
    }
    default: return { ...base, kind: 'text' };
  }
}

/** Python literal of a parameter value, floats written as floats (`1.0`). */
export function pyValue(v: ParamValue, p?: ParamSpec): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return "float('nan')";
    if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "float('-inf')";
    const isFloat = p && (p.type === 'float' || p.type === 'floatOrNone' || p.type === 'floatOrList');
    return isFloat && Number.isInteger(v) ? `${v}.0` : String(v);
  }
  return `[${v.map((x) => pyValue(x, p)).join(', ')}]`;
}

/** Module path users write for a spec. */
export function modulePath(spec: LossSpec): string {
  return spec.framework === 'tfa' ? 'tfa.losses' : spec.framework === 'optax' ? 'optax' : 'tf.keras.losses';
}

/** The one-line call that reproduces the configuration: `tf.keras.losses.Huber(delta=0.5)(y_true, y_pred)`. */
export function pythonCall(spec: LossSpec, mode: 'class' | 'function', config: Record<string, ParamValue>, hasWeights: boolean): string {
  const isClass = mode === 'class' || !spec.functionName;
  const params = allParams(spec, isClass);
  const kwargs: string[] = [];
  for (const p of params) {
    if (p.name === 'name' || !(p.name in config)) continue;
    const v = config[p.name];
    if (sameValue(v, p.default)) continue;
    kwargs.push(`${p.name}=${pyValue(v, p)}`);
  }
  const w = hasWeights && isClass ? ', sample_weight=sample_weight' : '';
  if (isClass) return `${modulePath(spec)}.${spec.id}(${kwargs.join(', ')})(y_true, y_pred${w})`;
  // optax: (predictions, targets) order, one value per example; the ids already carry the module path.
  if (spec.functionOnly) return `${spec.id}(y_pred, y_true${kwargs.length ? ', ' + kwargs.join(', ') : ''})`;
  return `${modulePath(spec)}.${spec.functionName}(y_true, y_pred${kwargs.length ? ', ' + kwargs.join(', ') : ''})`;
}

function pyArray(t: Tensor): string {
  if (t.shape.length === 0) return pyNum(t.data[0]);
  let pos = 0;
  const rec = (ax: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < t.shape[ax]; i++) parts.push(ax === t.shape.length - 1 ? pyNum(t.data[pos++]) : rec(ax + 1));
    return `[${parts.join(', ')}]`;
  };
  return rec(0);
}
function pyNum(x: number): string {
  if (Number.isNaN(x)) return 'np.nan';
  if (!Number.isFinite(x)) return x > 0 ? 'np.inf' : '-np.inf';
  return String(x);
}

/** A runnable script: imports, the arrays, the call, the print. */
export function pythonScript(spec: LossSpec, mode: 'class' | 'function', config: Record<string, ParamValue>, t: { yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null }): string {
  if (spec.framework === 'optax') {
    const dt = config.dtype === 'float64' ? 'jnp.float64' : 'jnp.float32';
    return ['import jax.numpy as jnp', 'import optax', '', `y_true = jnp.array(${pyArray(t.yTrue)}, dtype=${dt})`, `y_pred = jnp.array(${pyArray(t.yPred)}, dtype=${dt})`,
      '', `loss = ${pythonCall(spec, 'function', config, false)}`, 'print(loss)  # optax does not reduce: loss.mean() for the batch value', ''].join('\n');
  }
  const lines = ['import numpy as np', 'import tensorflow as tf'];
  if (spec.framework === 'tfa') lines.push('import tensorflow_addons as tfa');
  lines.push('', `y_true = np.array(${pyArray(t.yTrue)}, dtype=np.float32)`, `y_pred = np.array(${pyArray(t.yPred)}, dtype=np.float32)`);
  if (t.sampleWeight) lines.push(`sample_weight = np.array(${pyArray(t.sampleWeight)}, dtype=np.float32)`);
  lines.push('', `loss = ${pythonCall(spec, mode, config, !!t.sampleWeight)}`, 'print(loss.numpy())', '');
  return lines.join('\n');
}

/** The gradient heatmap of a rank ≥ 2 tensor over the whole array, decimated (see ResultState.gradMap). */
export function gradMap(g: Tensor, maxRows = MAX_HEAT_ROWS, maxCols = MAX_HEAT_COLS): GradMap | null {
  if (g.shape.length < 2) return null;
  const cols = g.shape[g.shape.length - 1];
  const rows = cols ? g.data.length / cols : 0;
  if (!rows || !cols) return null;
  const starts = (n: number, bins: number) => Array.from({ length: bins }, (_, i) => Math.floor((i * n) / bins));
  const rb = Math.min(rows, maxRows), cb = Math.min(cols, maxCols);
  const rowStarts = starts(rows, rb), colStarts = starts(cols, cb);
  // Per bin: the largest |g| so far (-1: none finite yet) and its flat index, which starts at the bin's first element
  // (a bin of non-finite values still points somewhere). Row by row, each column bin is one tight loop whose best
  // is merged into the bin once (issue 16: this pass over the whole gradient runs on every slider step).
  const best = new Float64Array(rb * cb).fill(-1);
  const at = new Float64Array(rb * cb);
  for (let r = 0; r < rb; r++) for (let c = 0; c < cb; c++) at[r * cb + c] = rowStarts[r] * cols + colStarts[c];
  const colEnd = (c: number) => (c + 1 < cb ? colStarts[c + 1] : cols);
  const d = g.data;
  for (let i = 0, rbin = 0; i < rows; i++) {
    while (rbin + 1 < rb && rowStarts[rbin + 1] <= i) rbin++;
    const base = i * cols, off = rbin * cb;
    for (let c = 0; c < cb; c++) {
      const k = off + c;
      let b = best[k], bi = -1;
      for (let p = base + colStarts[c], end = base + colEnd(c); p < end; p++) {
        const a = Math.abs(d[p]);
        if (a > b) { b = a; bi = p; }
      }
      if (bi >= 0) { best[k] = b; at[k] = bi; }
    }
  }
  const values: (number | null)[] = new Array(rb * cb);
  const index: number[] = new Array(rb * cb);
  for (let k = 0; k < rb * cb; k++) { index[k] = at[k]; values[k] = best[k] >= 0 ? d[at[k]] : null; }
  return { rows, cols, rowStarts, colStarts, values, index };
}

/** What the heatmap's axes are, in words that fit the loss: classes for classification, outputs for regression, … */
export function heatmapAxes(spec: LossSpec | null, shape: readonly number[]): { rows: string; cols: string } {
  const id = spec?.id ?? '';
  const fam = spec?.family ?? '';
  const what = /Categorical|Sparse|KLDivergence|CTC|Circle/.test(id) || fam === 'sequence' ? l10n.t('last axis (class)')
    : fam === 'segmentation' ? l10n.t('last axis (channel)')
      : fam === 'similarity' || fam === 'metric-learning' ? l10n.t('last axis (feature)')
        : l10n.t('last axis (output)');
  return { cols: what, rows: shape.length === 2 ? l10n.t('sample (axis 0)') : l10n.t('row (all other axes)') };
}

/** A tensor for display: first MAX_VIEW_VALUES values, non-finite as null. */
export function arrayView(t: Tensor, cap = MAX_VIEW_VALUES): ArrayView {
  const n = Math.min(cap, t.data.length);
  const values: (number | null)[] = new Array(n);
  for (let i = 0; i < n; i++) { const v = t.data[i]; values[i] = Number.isFinite(v) ? v : null; }
  return { shape: t.shape.slice(), values, total: t.data.length };
}

/**
 * A window of a tensor for display: MAX_VIEW_VALUES values from flat index `offset` (clamped to the data; see
 * PanelSession.pages), so page 2000 of a 1e6-element result sends 4096 numbers, not the million.
 */
export function windowView(t: Tensor, offset: number | undefined): ArrayView {
  const n = t.data.length;
  const o = Math.max(0, Math.min(Math.floor(Number(offset) || 0), Math.max(0, n - 1)));
  if (!o) return arrayView(t);
  const v = arrayView({ data: t.data.subarray(o, o + MAX_VIEW_VALUES), shape: t.shape });
  return { ...v, total: n, offset: o };
}

function num(x: number): string {
  return float32Digits(x);
}

/** The reduction written out: "sum 3.42 / 4 elements = 0.855". */
export function reductionText(r: EvalResult): string {
  const value = r.value.shape.length === 0 ? num(r.value.data[0]) : null;
  if (!r.reduction) return l10n.t('function form {0}(): per-sample values, no reduction (shape {1})', r.callee, shapeStr(r.value.shape));
  const info = r.reduction;
  const weighted = !!info.weights;
  if (info.unreduced && r.value.shape.length === 0 && info.reduction !== 'none') {
    return l10n.t('the loss function already returns a scalar (rank-1 inputs are one sample, reduced over their last axis) = {0}; "{1}" leaves a scalar as it is', String(value), info.reduction);
  }
  if (info.unreduced) {
    const red = info.reduction === 'none' ? 'None' : `"${info.reduction}"`;
    return weighted
      ? l10n.t('reduction={0}: weighted per-sample values returned unreduced (shape {1})', red, shapeStr(r.value.shape))
      : l10n.t('reduction={0}: per-sample values returned unreduced (shape {1})', red, shapeStr(r.value.shape));
  }
  if (info.divisor === null) {
    return weighted
      ? l10n.t('weighted sum {0} (reduction "sum") = {1}', num(info.numerator), value ?? num(info.numerator))
      : l10n.t('sum {0} (reduction "sum") = {1}', num(info.numerator), value ?? num(info.numerator));
  }
  const what = info.divisorKind === 'sum of weights' ? l10n.t('Σ sample weights') : divisorKindText(info.divisorKind ?? 'elements');
  const div = info.divisorKind !== 'sum of weights' && Number.isInteger(info.divisor) ? String(info.divisor) : num(info.divisor);
  return (weighted
    ? l10n.t('weighted sum {0} / {1} {2} = {3}', num(info.numerator), div, what, value ?? '')
    : l10n.t('sum {0} / {1} {2} = {3}', num(info.numerator), div, what, value ?? '')).trim();
}

function elementLabel(flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return 'y_pred';
  const st = stridesOf(shape);
  return `y_pred[${shape.map((_, i) => Math.floor(flat / st[i]) % shape[i]).join(', ')}]`;
}

function compareLabel(spec: LossSpec): string {
  if (spec.id === 'Huber') return 'Huber(delta=1.0)';
  return spec.id;
}

/** Losses offered in compare mode: the defaults, the current loss's family, and those already chosen. */
function compareAvailable(spec: LossSpec, chosen: string[]): string[] {
  const set = new Set<string>([...DEFAULT_COMPARE, ...chosen]);
  for (const s of ALL_SPECS) if (s.family === spec.family && s.id !== spec.id && !s.fixedReduction) set.add(s.id);
  return [...set];
}

/** Compare mode: every chosen loss swept on the same x as the main curve, with default parameters. */
export function compareData(main: SweepDetails, chosen: string[], t: { yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null }, points: number): CompareData {
  const range: [number, number] = [main.x[0], main.x[main.x.length - 1]];
  const series = chosen.map((id) => {
    let spec: LossSpec;
    try { spec = getSpec(id); } catch { return { label: id, loss: id, values: [], grad: [], error: l10n.t('unknown loss {0}', id) }; }
    try {
      const c = sweepCurve(spec, {}, { yTrue: t.yTrue, yPred: t.yPred, sampleWeight: t.sampleWeight, element: main.element, kind: main.kind, range, points });
      return { label: compareLabel(spec), loss: spec.id, values: c.loss.map(fin), grad: c.grad.map(fin) };
    } catch (e) {
      return { label: compareLabel(spec), loss: spec.id, values: [], grad: [], error: (e as Error).message };
    }
  });
  return { x: main.x, xLabel: main.xLabel, series };
}

function fin(v: number): number | null { return Number.isFinite(v) ? v : null; }

/**
 * The Frameworks view of a result: computed only while the view is shown (each sweep point is a compare of its own);
 * a loss without ports, or a user-defined one, gets the reason instead of rows.
 */
export function frameworksState(session: PanelSession, loss: string, t: { yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null }, curve: SweepDetails | null): ResultState['frameworks'] {
  const view = session.view === 'frameworks' ? 'frameworks' : 'plots';
  if (view !== 'frameworks') return { view, data: null };
  if (session.customSource) return { view, data: null, error: l10n.t('{0} is a user-defined loss: it has no ports in other frameworks.', loss) };
  const req = session.request;
  try {
    const sweep = curve ? { element: curve.element, x: curve.x, xLabel: curve.xLabel, offset: curve.kind === 'error' && t.yTrue.data.length === t.yPred.data.length ? t.yTrue.data[curve.element] : 0 } : null;
    return { view, data: frameworksData({ loss: req.loss, config: req.config ?? {}, yTrue: t.yTrue, yPred: t.yPred, sampleWeight: t.sampleWeight, ...(req.dtypes ? { dtypes: req.dtypes } : {}) }, sweep) };
  } catch (e) {
    return { view, data: null, error: (e as Error).message };
  }
}

/** Builds the state for a session: evaluate, curve, compare, everything the view shows. Never throws. */
export function buildState(session: PanelSession | null, cache = new TensorCache(), opts: ModelOptions = {}): PanelState {
  if (!session) return emptyState();
  if (session.dataDropped) {
    return { ...emptyState(), title: session.title ?? 'Loss Inspector', hint: l10n.t('The arrays of this panel ({0}) were too large to keep across a reload. Run "Loss Inspector: Compute Loss" on them again, or pick a loss below to explore it on its example.', session.request.loss) };
  }
  const t0 = Date.now();
  const perf = typeof performance !== 'undefined' ? performance : { now: Date.now };
  const start = perf.now();
  const req = session.request;
  const title = session.title ?? 'Loss Inspector';
  if (isTorchRequest(req)) {
    try {
      return buildTorchState(session, cache.torch, opts, lossOptions(), start);
    } catch (e) {
      const err = e as Error;
      const details = e instanceof LossInspectorError ? e.details : {};
      const out: ErrorState = {
        kind: 'error', title, message: err instanceof LossInspectorError ? err.message : l10n.t('Internal error: {0}', err.message),
        argument: details.argument, lossOptions: lossOptions(), session,
      };
      torchErrorControls(session, out);
      return out;
    }
  }
  let spec: LossSpec | null = null;
  let isClass = req.mode !== 'function';
  try {
    let r: EvalResult;
    const t = cache.get(req);
    if (session.customSource) {
      r = (opts.custom ?? sourceCustomEvaluator)(session.customSource, req);
    } else {
      const resolved = resolveLoss(req.loss);
      spec = resolved.spec;
      const mode = req.mode ?? (resolved.kind === 'function' ? 'function' : 'class');
      isClass = mode === 'class';
      r = evaluate({ loss: req.loss, yTrue: t.yTrue, yPred: t.yPred, sampleWeight: t.sampleWeight, config: req.config ?? {}, mode });
      spec = getSpec(r.loss);
    }
    const points = opts.points ?? 101;
    let curve: SweepDetails | null = null, curveError: string | undefined;
    const element = session.sweepElement >= 0 && session.sweepElement < t.yPred.data.length ? session.sweepElement : -1;
    if (spec && !session.customSource) {
      try {
        curve = sweepCurve(spec, r.config, { yTrue: t.yTrue, yPred: t.yPred, sampleWeight: t.sampleWeight, element: element >= 0 ? element : undefined, mode: r.mode, result: r, points });
      } catch (e) { curveError = (e as Error).message; }
    } else if (session.customSource && !opts.custom) {
      // User losses may couple the batch: every point is an exact evaluation (the plugin caps the points for big inputs).
      try {
        curve = customCore().sweepCustomSource(session.customSource, req, { element: element >= 0 ? element : undefined, result: r, points });
      } catch (e) { curveError = (e as Error).message; }
    } else curveError = l10n.t('No loss curve for this loss.');
    const sweepEl = curve ? curve.element : Math.max(0, element);
    let compare: CompareData | null = null;
    if (session.compare.enabled && curve) compare = compareData(curve, session.compare.losses, t, points);
    const frameworks = frameworksState(session, r.loss, t, curve);
    const weights = r.reduction?.weights ?? null;
    const pages = session.pages ?? {};
    const userConfig = req.config ?? {};
    const state: ResultState = {
      kind: 'result', title,
      loss: r.loss, callee: r.callee, mode: r.mode, custom: !!session.customSource,
      lossOptions: lossOptions(),
      params: spec && !session.customSource ? paramControls(spec, r.config, isClass) : [],
      reduction: spec && isClass && !spec.fixedReduction && !session.customSource
        ? { value: String(r.config.reduction ?? 'none'), choices: spec.base === 'keras2' ? ['sum_over_batch_size', 'sum', 'none'] : ['sum_over_batch_size', 'sum', 'mean_with_sample_weight', 'none'] }
        : null,
      valueText: formatFor(r.value, r.framework ?? 'keras'),
      valueShape: r.value.shape.slice(),
      reductionText: reductionText(r),
      reductionInfo: r.reduction ? { reduction: r.reduction.reduction, numerator: fin(r.reduction.numerator), divisor: r.reduction.divisor, divisorKind: r.reduction.divisorKind, unreduced: r.reduction.unreduced } : null,
      shapes: r.shapes,
      perSample: windowView(r.perSample, pages.samples), weighted: windowView(r.weighted, pages.samples), weights: weights ? windowView(weights, pages.samples) : null,
      grad: windowView(r.grad, pages.grad), yTrue: windowView(t.yTrue, pages.grad), yPred: windowView(t.yPred, pages.grad),
      gradMap: gradMap(r.grad), gradAxes: heatmapAxes(spec, r.grad.shape),
      clipped: r.trace.clipped ?? null,
      smoothedLabels: r.trace.smoothedLabels ? arrayView(r.trace.smoothedLabels) : null,
      renormalizedRows: r.trace.renormalizedRows ?? null,
      labelConversion: r.trace.labelConversion ?? null,
      warnings: r.trace.warnings.slice(), notes: [...(session.notes ?? []), ...r.trace.notes],
      curve: curve ? { x: curve.x, loss: curve.loss, grad: curve.grad, xLabel: curve.xLabel, yLabel: r.value.shape.length ? l10n.t('sum of the returned values') : l10n.t('loss'), current: curve.current } : null,
      curveError,
      sweep: { element: sweepEl, count: t.yPred.data.length, label: elementLabel(sweepEl, t.yPred.shape), kind: curve?.kind ?? 'raw' },
      compare: { enabled: session.compare.enabled, losses: session.compare.losses.slice(), available: spec ? compareAvailable(spec, session.compare.losses) : [], data: compare },
      frameworks,
      python: spec ? pythonCall(spec, r.mode, userConfig, !!t.sampleWeight) : '# user-defined loss',
      source: session.source,
      elapsedMs: 0,
      session,
    };
    state.elapsedMs = Math.round((perf.now() - start) * 100) / 100 || (Date.now() - t0);
    return state;
  } catch (e) {
    const err = e as Error;
    const details = e instanceof LossInspectorError ? e.details : {};
    const out: ErrorState = {
      kind: 'error', title, message: err instanceof LossInspectorError ? err.message : l10n.t('Internal error: {0}', err.message),
      argument: details.argument, lossOptions: lossOptions(), session,
    };
    if (spec) {
      out.loss = spec.id;
      // Controls still show the values the user asked for, so a bad parameter can be fixed in place.
      const cfg: Config = {};
      for (const p of allParams(spec, isClass)) cfg[p.name] = p.default;
      Object.assign(cfg, req.config ?? {});
      out.params = paramControls(spec, cfg, isClass);
    }
    return out;
  }
}

/**
 * Applies an intent to the session; returns the new session (the old one is not modified) or null when the
 * intent does not change the session (exports, openSource). Throws LossInspectorError for malformed intents.
 */
export function applyIntent(session: PanelSession | null, intent: Intent): PanelSession | null {
  // A value nested deeper than the core accepts is refused here, before anything walks it recursively
  // (JSON.stringify in comparisons and logs would overflow the stack).
  if (nestingDepth(intent, MAX_NESTING + 1) > MAX_NESTING + 1) { // + 1: the intent object itself
    const loss = session ? session.request.loss : 'panel';
    throw tooDeep(loss, intent.type === 'setParam' && typeof intent.name === 'string' ? intent.name : intent.type);
  }
  // PyTorch sessions, and a switch to a torch loss, have their own model (panelTorch.ts).
  const torch = applyTorchIntent(session, intent);
  if (torch !== undefined) return torch;
  switch (intent.type) {
    case 'setLoss': {
      if (typeof intent.loss !== 'string') throw new LossInspectorError('setLoss: expected a loss name');
      const spec = resolveLoss(intent.loss).spec;
      if (!session || session.example) {
        const s = exampleSession(spec.id);
        if (session) s.compare = session.compare;
        return s;
      }
      // Keep the user's arrays and the parameters the new loss also accepts.
      const names = new Set(allParams(spec, true).map((p) => p.name));
      const config: Record<string, ParamValue> = {};
      for (const [k, v] of Object.entries(session.request.config ?? {})) if (names.has(k)) config[k] = v;
      // The title named the old loss (Compute Loss passes the callee): it follows the switch.
      const title = !session.title || session.title === session.request.loss || /^[A-Za-z_]\w*$/.test(session.title) ? spec.id : session.title;
      // From a torch call: its first argument is the prediction, its second the target (torch's own keywords are dropped).
      const { framework: _f, args: _a, dtypes: _d, scale: _s, ...keras } = session.request;
      return { ...session, title, customSource: undefined, request: { ...keras, loss: spec.id, mode: 'class', config }, sweepElement: -1, pages: undefined };
    }
    case 'setParam': {
      if (!session) throw new LossInspectorError('setParam: nothing is open in the panel');
      if (typeof intent.name !== 'string') throw new LossInspectorError('setParam: expected a parameter name');
      const spec = resolveLoss(session.request.loss).spec;
      const p = allParams(spec, session.request.mode !== 'function').find((q) => q.name === intent.name);
      if (!p) throw new LossInspectorError(`${spec.id} has no parameter \`${intent.name}\``, { argument: intent.name, code: 'unknown-param' });
      const config = { ...(session.request.config ?? {}) };
      // free text is read here, with the core's literal scanner (the webview keeps no parser of its own)
      const value = typeof intent.text === 'string' ? parseParamText(intent.text, p.name) : intent.value;
      if (sameValue(value, p.default)) delete config[p.name];
      else config[p.name] = value;
      return { ...session, request: { ...session.request, config } };
    }
    case 'setReduction': {
      if (!session) throw new LossInspectorError('setReduction: nothing is open in the panel');
      const config = { ...(session.request.config ?? {}) };
      const spec = resolveLoss(session.request.loss).spec;
      const v = intent.reduction === null ? 'none' : intent.reduction;
      if (v === spec.defaultReduction) delete config.reduction; else config.reduction = v;
      return { ...session, request: { ...session.request, config } };
    }
    case 'setSweepElement': {
      if (!session) throw new LossInspectorError('setSweepElement: nothing is open in the panel');
      const e = Number(intent.element);
      if (!Number.isInteger(e) || e < 0) throw new LossInspectorError(`setSweepElement: expected a flat index ≥ 0, received ${intent.element}`);
      return { ...session, sweepElement: e };
    }
    case 'setCompare': {
      if (!session) throw new LossInspectorError('setCompare: nothing is open in the panel');
      const losses = Array.isArray(intent.losses) ? intent.losses.filter((x): x is string => typeof x === 'string').slice(0, 12) : session.compare.losses;
      return { ...session, compare: { enabled: !!intent.enabled, losses } };
    }
    case 'setView': {
      if (!session) throw new LossInspectorError('setView: nothing is open in the panel');
      if (intent.view !== 'plots' && intent.view !== 'frameworks') throw new LossInspectorError(`setView: expected 'plots' or 'frameworks', received ${JSON.stringify(intent.view)}`);
      return { ...session, view: intent.view };
    }
    case 'setPage': {
      if (!session) throw new LossInspectorError('setPage: nothing is open in the panel');
      const o = Number(intent.offset);
      if (intent.view !== 'samples' && intent.view !== 'grad') throw new LossInspectorError(`setPage: expected the view 'samples' or 'grad', received ${JSON.stringify(intent.view)}`);
      if (!Number.isInteger(o) || o < 0) throw new LossInspectorError(`setPage: expected a flat index ≥ 0, received ${intent.offset}`);
      return { ...session, pages: { ...(session.pages ?? {}), [intent.view]: o } };
    }
    case 'resetParams': {
      if (!session) return null;
      return { ...session, request: { ...session.request, config: {} } };
    }
    default:
      return null;
  }
}

function csvNum(x: number): string {
  return Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : String(x);
}

/**
 * The numbers as CSV: one row per y_pred element (index, y_true, y_pred, gradient), then the per-sample
 * losses (unweighted, weight, weighted), then the loss curve. Sections are separated by a blank line.
 */
export function buildCsv(session: PanelSession, cache = new TensorCache(), opts: ModelOptions = {}): string {
  const st = buildState(session, cache, { ...opts });
  if (st.kind !== 'result') throw new LossInspectorError(st.kind === 'error' ? st.message : l10n.t('Nothing to export.'));
  if (isTorchRequest(session.request)) return buildTorchCsv(session, cache.torch, st);
  const t = cache.get(session.request);
  const r = session.customSource ? (opts.custom ?? sourceCustomEvaluator)(session.customSource, session.request)
    : evaluate({ loss: session.request.loss, yTrue: t.yTrue, yPred: t.yPred, sampleWeight: t.sampleWeight, config: session.request.config ?? {}, mode: st.mode });
  const lines: string[] = [];
  lines.push(`# ${st.python}`, `# result = ${st.valueText.replace(/\n\s*/g, ' ')}`, `# ${st.reductionText}`);
  lines.push('flat,index,y_true,y_pred,grad');
  const sameT = t.yTrue.data.length === t.yPred.data.length;
  for (let i = 0; i < t.yPred.data.length; i++) {
    lines.push(`${i},"(${elementLabel(i, t.yPred.shape).slice(7, -1)})",${sameT ? csvNum(t.yTrue.data[i]) : ''},${csvNum(t.yPred.data[i])},${csvNum(r.grad.data[i])}`);
  }
  lines.push('', 'sample,loss,weight,weighted_loss');
  const w = r.reduction?.weights;
  const sameW = w && w.data.length === r.weighted.data.length;
  const per = r.perSample.data.length === r.weighted.data.length ? r.perSample : null;
  for (let i = 0; i < r.weighted.data.length; i++) {
    lines.push(`${i},${per ? csvNum(per.data[i]) : ''},${sameW ? csvNum(w!.data[i]) : ''},${csvNum(r.weighted.data[i])}`);
  }
  if (st.curve) {
    lines.push('', `curve_x (${st.curve.xLabel}),loss,grad`);
    for (let i = 0; i < st.curve.x.length; i++) lines.push(`${csvNum(st.curve.x[i])},${csvNum(st.curve.loss[i])},${csvNum(st.curve.grad[i])}`);
  }
  return lines.join('\n') + '\n';
}

/** The Python script reproducing the session. */
export function buildPython(session: PanelSession, cache = new TensorCache()): string {
  if (session.customSource) return session.customSource;
  if (isTorchRequest(session.request)) return buildTorchPython(session, cache.torch);
  const spec = resolveLoss(session.request.loss).spec;
  const mode = session.request.mode ?? 'class';
  return pythonScript(spec, mode, session.request.config ?? {}, cache.get(session.request));
}
