/**
 * The panel's model for PyTorch calls (SerializableRequest.framework = 'torch'), beside panelModel.ts's Keras model
 * and built from the same parts: the torch core (evaluateTorch: the value as torch returns it, the 'none' output,
 * the gradient of every differentiable argument, the reduction's numerator and divisor) gives every number, the
 * curve is torch's own sweep (src/core/torch/sweep.ts), and the state has the same shape as a Keras result plus
 * `torch` (TorchView): RESULT is printed as torch prints it, the reduction selector offers torch's reductions and the
 * controls are the module's constructor keywords. No vscode here (it runs in the evaluation worker too).
 */
import { evaluateTorch, torchParams, tryResolveTorch, TORCH_SPECS, toTorchTensor, formatTorch, pyFloatRepr } from '../core/torch';
import type { TorchArgs, TorchDtype, TorchResult, TorchSpec, TorchTensor } from '../core/torch';
import { torchSweep, argIndexLabel } from '../core/torch/sweep';
import { float32Digits } from '../core/format';
import { LossInspectorError } from '../core/errors';
import { parseParamText } from '../core/literal';
import { shapeStr, type Nested, type Tensor } from '../core/tensor';
import type { Config, ParamSpec, ParamValue } from '../core/spec';
import type {
  ArrayArg, ErrorState, Intent, LossOption, PanelSession, ParamControl, ResultState, SerializableRequest, TorchView,
} from '../shared/protocol';
import { frameworksState, gradMap, windowView, type ModelOptions } from './panelModel';
import type { SweepDetails } from '../core/curves';
import { l10n } from './model/l10n';

export function isTorchRequest(r: SerializableRequest | undefined | null): boolean {
  return !!r && r.framework === 'torch';
}

/** The spec and form of a torch request's loss ('nn.X' → module, 'F.x' → functional). */
export function torchSpecOf(r: SerializableRequest): { spec: TorchSpec; mode: 'module' | 'functional' } {
  const found = tryResolveTorch(r.loss);
  if (!found) throw new LossInspectorError(`Unknown torch loss '${r.loss}'.`, { loss: r.loss, argument: 'loss', code: 'unknown-loss' });
  const mode = r.mode === 'function' ? 'functional' : r.mode === 'class' ? 'module' : found.mode;
  return { spec: found.spec, mode };
}

/** What the user writes for the call: `nn.CrossEntropyLoss` or `F.cross_entropy`. */
export function torchCallee(spec: TorchSpec, mode: 'module' | 'functional'): string {
  return mode === 'module' ? `nn.${spec.id}` : `F.${spec.functionName}`;
}

/** The argument of the request that holds torch's argument `i` (yPred, yTrue, then `args` by name). */
function argOf(r: SerializableRequest, spec: TorchSpec, i: number): ArrayArg | undefined {
  return i === 0 ? r.yPred : i === 1 ? r.yTrue : r.args?.[spec.args[i].name];
}

/** The dtype an argument gets when none was given: ints where torch wants indices, float32 elsewhere. */
function defaultDtype(spec: TorchSpec, i: number, x: ArrayArg | undefined, first: ArrayArg | undefined): TorchDtype {
  const a = spec.args[i];
  if (a.kind === 'index' || a.kind === 'lengths') return 'int64';
  if (a.kind === 'index-or-prob') {
    // class indices: integers, one axis fewer than the input
    const rank = (v: ArrayArg | undefined): number => {
      if (v == null) return -1;
      if (!Array.isArray(v) && typeof v === 'object') return (v as Tensor).shape.length;
      let n = 0; let c: unknown = v;
      while (Array.isArray(c)) { n++; c = c[0]; }
      return n;
    };
    if (rank(x) === rank(first) - 1 && allIntegers(x)) return 'int64';
  }
  return 'float32';
}

function allIntegers(x: ArrayArg | undefined): boolean {
  if (x == null) return false;
  if (!Array.isArray(x) && typeof x === 'object') { const d = (x as Tensor).data; for (let i = 0; i < d.length; i++) if (!Number.isInteger(d[i])) return false; return true; }
  const walk = (v: unknown): boolean => (Array.isArray(v) ? v.every(walk) : typeof v === 'number' && Number.isInteger(v));
  return walk(x);
}

/** The torch tensors of a request, kept while its arrays and dtypes do not change (parameters change far more often). */
export class TorchArgsCache {
  /** The last evaluation and curve, reused when only the view changes (a page of a 1e6-element result). */
  last: { key: string; args: TorchArgs; r: TorchResult; sweep: ReturnType<typeof torchSweep> | null; sweepError?: string } | null = null;
  /** The gradient heatmap of the last gradient tensor it was drawn from (a page step reuses the evaluation and its heatmap). */
  heat: { of: Tensor; map: ReturnType<typeof gradMap> } | null = null;
  private keys: unknown[] = [];
  private dt = '';
  private value: TorchArgs | null = null;
  get(spec: TorchSpec, r: SerializableRequest): TorchArgs {
    const raw = spec.args.map((_, i) => argOf(r, spec, i));
    const dt = JSON.stringify(r.dtypes ?? {}) + spec.id;
    if (this.value && dt === this.dt && raw.length === this.keys.length && raw.every((x, i) => x === this.keys[i])) return this.value;
    const callee = torchSpecOf(r).mode === 'module' ? `nn.${spec.id}` : `F.${spec.functionName}`;
    const out: TorchArgs = {};
    spec.args.forEach((a, i) => {
      const x = raw[i];
      if (x === undefined) {
        throw new LossInspectorError(`${callee}: argument \`${a.name}\` is missing: ${spec.id} is called with ${spec.args.map((q) => q.name).join(', ')}.`,
          { loss: callee, argument: a.name, code: 'missing-argument', expected: spec.args.map((q) => q.name).join(', ') });
      }
      const dtype = r.dtypes?.[a.name] ?? (isTorchTensor(x) ? x.dtype : defaultDtype(spec, i, x, raw[0]));
      out[a.name] = toTorchTensor(x as Nested | TorchTensor, dtype, callee, a.name);
    });
    this.keys = raw; this.dt = dt; this.value = out;
    return out;
  }
}

function isTorchTensor(x: unknown): x is TorchTensor {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as TorchTensor).data instanceof Float64Array && typeof (x as TorchTensor).dtype === 'string';
}

/** A nested list multiplied by a factor (pos_weight's scale slider). */
function scaled(v: ParamValue, k: number): ParamValue {
  if (typeof v === 'number') return v * k;
  if (Array.isArray(v)) return v.map((x) => scaled(x as ParamValue, k)) as ParamValue;
  return v;
}

/** The keywords the call is evaluated with: the user's, with a scaled tensor parameter put in (request.scale). */
export function effectiveTorchConfig(r: SerializableRequest): Record<string, ParamValue> {
  const cfg: Record<string, ParamValue> = { ...(r.config ?? {}) };
  const k = r.scale?.pos_weight;
  if (typeof k === 'number' && k !== 1) cfg.pos_weight = scaled(cfg.pos_weight == null ? [1.0] : cfg.pos_weight, k);
  return cfg;
}

/** Every torch loss for the panel's picker ('nn.CrossEntropyLoss', grouped as PyTorch). */
export function torchLossOptions(): LossOption[] {
  return TORCH_SPECS.map((s) => ({ id: `nn.${s.id}`, family: s.family, framework: 'torch', summary: s.doc.summary }));
}

/** A session on a torch loss's own example. */
export function torchExampleSession(name: string): PanelSession {
  const found = tryResolveTorch(name);
  if (!found) throw new LossInspectorError(`Unknown torch loss '${name}'.`, { argument: 'loss', code: 'unknown-loss' });
  const spec = found.spec;
  const ex = spec.example;
  const dtypes: Record<string, TorchDtype> = {};
  spec.args.forEach((a, i) => { dtypes[a.name] = ex.dtypes?.[a.name] ?? (a.kind === 'index' || a.kind === 'lengths' ? 'int64' : a.kind === 'index-or-prob' ? defaultDtype(spec, i, ex.args[a.name], ex.args[spec.args[0].name]) : 'float32'); });
  const rest: Record<string, Nested> = {};
  for (const a of spec.args.slice(2)) rest[a.name] = ex.args[a.name];
  return {
    request: {
      loss: found.mode === 'functional' ? `F.${spec.functionName}` : `nn.${spec.id}`, framework: 'torch', mode: found.mode === 'functional' ? 'function' : 'class',
      yPred: ex.args[spec.args[0].name], yTrue: ex.args[spec.args[1].name],
      ...(spec.args.length > 2 ? { args: rest } : {}), dtypes, config: { ...(ex.config ?? {}) },
    },
    title: l10n.t('{0} (example)', found.mode === 'functional' ? `F.${spec.functionName}` : `nn.${spec.id}`), example: true,
    sweepElement: -1, compare: { enabled: false, losses: [] },
  };
}

// ---------------------------------------------------------------------------------------------------- controls

/** Slider ranges of torch's float keywords that the specs leave without one. */
const SLIDERS: Record<string, { min: number; max: number; step: number }> = {
  delta: { min: 0.05, max: 5, step: 0.05 },
  beta: { min: 0, max: 5, step: 0.05 },
  margin: { min: 0, max: 3, step: 0.05 },
  label_smoothing: { min: 0, max: 1, step: 0.01 },
  p: { min: 1, max: 4, step: 0.5 },
  eps: { min: 0, max: 0.01, step: 1e-6 },
};

/** The hidden keywords: the reduction has its own selector; the legacy flags only override it. */
const HIDDEN = new Set(['reduction', 'size_average', 'reduce']);

/** The name of pos_weight's scale slider (request.scale.pos_weight). */
export const POS_WEIGHT_SCALE = 'pos_weight_scale';

export function torchParamControls(spec: TorchSpec, cfg: Config, scale: Record<string, number> | undefined): ParamControl[] {
  const out: ParamControl[] = [];
  for (const p of torchParams(spec)) {
    if (HIDDEN.has(p.name)) continue;
    const value = cfg[p.name] !== undefined ? cfg[p.name] : p.default;
    out.push(control(p, value));
    if (p.name === 'pos_weight') {
      // One slider scales the whole pos_weight tensor (a scalar pos_weight when it is None): the class count can be
      // anything up to thousands, so one slider per class does not scale, while a common factor keeps the user's
      // per-class ratios and moves the positive/negative balance, the thing one explores. Per-class values stay
      // editable in the text field above it.
      out.push({
        name: POS_WEIGHT_SCALE, kind: 'range', value: scale?.pos_weight ?? 1, default: 1, min: 0, max: 10, step: 0.05,
        doc: value == null
          ? l10n.t('pos_weight as one number for every class (None = 1): the weight of the positive term.')
          : l10n.t('A factor on every element of pos_weight (1 = as given): shifts the positive/negative balance, keeping the per-class ratios.'),
      });
    }
  }
  return out;
}

function control(p: ParamSpec, value: ParamValue): ParamControl {
  const base = { name: p.name, value, default: p.default, doc: p.doc };
  switch (p.type) {
    case 'bool': return { ...base, kind: 'bool' };
    case 'enum': return { ...base, kind: 'enum', choices: p.choices ?? [] };
    case 'float': case 'floatOrNone': {
      const ui = p.ui ?? SLIDERS[p.name];
      if (ui) return { ...base, kind: 'range', min: ui.min, max: ui.max, step: ui.step, nullable: p.type === 'floatOrNone' };
      return { ...base, kind: 'number', min: p.min, max: p.max, nullable: p.type === 'floatOrNone' };
    }
    case 'int': case 'intOrNone':
      if (p.name === 'p') return { ...base, kind: 'range', min: 1, max: 2, step: 1, integer: true };
      return { ...base, kind: 'number', min: p.min, max: p.max, step: 1, integer: true, nullable: p.type === 'intOrNone' };
    default: return { ...base, kind: 'text' };
  }
}

// ---------------------------------------------------------------------------------------------------- text

/** A number as the result's dtype holds it: the shortest float32 repr, or Python's repr of a float64. */
function num(x: number, dtype: 'float32' | 'float64'): string {
  return dtype === 'float32' ? float32Digits(x) : pyFloatRepr(x);
}

/** The divisor as an integer when it is one (a count), else as a number of the dtype. */
function divisorText(x: number, dtype: 'float32' | 'float64'): string {
  return Number.isInteger(x) ? String(x) : num(x, dtype);
}

/**
 * The reduction written out with torch's numbers: "mean: Σ w[y]·ℓ / Σ w[y] = 3.21 / 2.4 = 1.3375",
 * "mean: Σ ℓ / 6 elements = 4.2 / 6 = 0.7", "sum: Σ ℓ = 4.2", "reduction='none': the per-element losses, shape (4,)".
 */
export function torchReductionText(r: TorchResult, spec: TorchSpec, ignored = 0): string {
  const dt = r.dtype;
  const v = r.value.shape.length === 0 ? num(r.value.data[0], dt) : '';
  if (r.reduction === 'none') return l10n.t("reduction='none': the per-element losses, shape {0}", shapeStr(r.value.shape));
  if (r.reduction === 'sum') return l10n.t('sum: Σ ℓ = {0}', v);
  const m = r.mean;
  if (!m) return `${r.reduction}: ${v}`;
  if (spec.id === 'CTCLoss') return l10n.t('mean: Σ ℓ_i / target_length_i over the batch, / {0} samples = {1}', divisorText(m.divisor, dt), v);
  const weighted = /Σ w/.test(m.text);
  const n = num(m.numerator, dt), d = divisorText(m.divisor, dt);
  if (weighted) {
    return ignored > 0
      ? l10n.t('mean: Σ w[y]·ℓ / Σ w[y] (non-ignored targets) = {0} / {1} = {2}', n, num(m.divisor, dt), v)
      : l10n.t('mean: Σ w[y]·ℓ / Σ w[y] = {0} / {1} = {2}', n, num(m.divisor, dt), v);
  }
  const what = /non-ignored/.test(m.text) ? l10n.t('non-ignored targets')
    : r.reduction === 'batchmean' ? l10n.t('input.size(0), the batch size')
      : m.text === 'elements' ? l10n.t('elements') : m.text;
  return l10n.t('{0}: Σ ℓ / {1} = {2} / {3} = {4}', r.reduction, what, n, d, v);
}

function pyNumber(x: number, dtype: TorchDtype): string {
  if (Number.isNaN(x)) return "float('nan')";
  if (!Number.isFinite(x)) return x > 0 ? "float('inf')" : "float('-inf')";
  if (dtype === 'int64' || dtype === 'bool') return String(Math.trunc(x));
  return dtype === 'float32' ? float32Digits(x) : pyFloatRepr(x);
}

/** `torch.tensor([[0.5, 1.0]], requires_grad=True)`: floats always with a point, so torch infers the same dtype. */
function tensorLiteral(t: TorchTensor, requiresGrad: boolean): string {
  let pos = 0;
  const rec = (ax: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < t.shape[ax]; i++) parts.push(ax === t.shape.length - 1 ? pyNumber(t.data[pos++], t.dtype) : rec(ax + 1));
    return `[${parts.join(', ')}]`;
  };
  const body = t.shape.length === 0 ? pyNumber(t.data[0], t.dtype) : rec(0);
  const kw: string[] = [];
  if (t.dtype === 'float64') kw.push('dtype=torch.float64');
  if (t.dtype === 'bool') kw.push('dtype=torch.bool');
  if (requiresGrad) kw.push('requires_grad=True');
  return `torch.tensor(${body}${kw.length ? ', ' + kw.join(', ') : ''})`;
}

function pyKeyword(v: ParamValue, p: ParamSpec | undefined): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return p?.name === 'distance_function' ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return pyNumber(v, 'float64');
    return p && (p.type === 'float' || p.type === 'floatOrNone') && Number.isInteger(v) ? `${v}.0` : String(v);
  }
  // a tensor keyword (weight, pos_weight): floats, as torch.tensor needs them for a float weight
  const lit = (x: ParamValue): string => (Array.isArray(x) ? `[${x.map(lit).join(', ')}]` : typeof x === 'number' ? (Number.isInteger(x) ? `${x}.0` : String(x)) : String(x));
  return `torch.tensor(${lit(v)})`;
}

/** The keywords the user changed, as Python: `weight=torch.tensor([0.2, 1.0, 3.0]), label_smoothing=0.1`. */
function kwargs(spec: TorchSpec, config: Record<string, ParamValue>): string[] {
  const out: string[] = [];
  for (const p of torchParams(spec)) {
    if (!(p.name in config)) continue;
    const v = config[p.name];
    if (JSON.stringify(v ?? null) === JSON.stringify(p.default ?? null)) continue;
    out.push(`${p.name}=${pyKeyword(v, p)}`);
  }
  return out;
}

/** `nn.HuberLoss(delta=0.5)(input, target)` or `F.huber_loss(input, target, delta=0.5)`. */
export function torchPythonCall(spec: TorchSpec, mode: 'module' | 'functional', config: Record<string, ParamValue>): string {
  const kw = kwargs(spec, config);
  const names = spec.args.map((a) => a.name).join(', ');
  return mode === 'module' ? `nn.${spec.id}(${kw.join(', ')})(${names})` : `F.${spec.functionName}(${names}${kw.length ? ', ' + kw.join(', ') : ''})`;
}

/** A runnable torch script: the tensors (dtypes and requires_grad as torch needs them), the call, backward, the prints. */
export function torchPythonScript(spec: TorchSpec, mode: 'module' | 'functional', config: Record<string, ParamValue>, args: TorchArgs, reduction: string): string {
  const lines = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', ''];
  const grads: string[] = [];
  for (const a of spec.args) {
    const t = args[a.name];
    const rg = a.differentiable && (t.dtype === 'float32' || t.dtype === 'float64');
    if (rg) grads.push(a.name);
    lines.push(`${a.name} = ${tensorLiteral(t, rg)}`);
  }
  lines.push('', `loss = ${torchPythonCall(spec, mode, config)}`, 'print(loss)');
  if (grads.length) {
    lines.push(reduction === 'none' ? 'loss.sum().backward()' : 'loss.backward()');
    for (const g of grads) lines.push(`print(${g}.grad)`);
  }
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------- state

/** Axis titles of the gradient heatmap: torch's classes sit on dim 1, the last axis for (N, C). */
function torchHeatAxes(spec: TorchSpec, shape: readonly number[]): { rows: string; cols: string } {
  const classy = ['CrossEntropyLoss', 'NLLLoss', 'MultiMarginLoss', 'MultiLabelMarginLoss', 'MultiLabelSoftMarginLoss', 'KLDivLoss', 'CTCLoss'].includes(spec.id);
  const cols = classy && shape.length === 2 ? l10n.t('last axis (class)')
    : spec.family === 'similarity' || spec.family === 'metric-learning' ? l10n.t('last axis (feature)') : l10n.t('last axis (output)');
  return { cols, rows: shape.length === 2 ? l10n.t('sample (axis 0)') : l10n.t('row (all other axes)') };
}

/** How many class-index targets equal ignore_index (they drop out of the weighted mean's Σ w[y]). */
function ignoredTargets(r: TorchResult, target: TorchTensor): number {
  const ii = r.config.ignore_index;
  if (typeof ii !== 'number' || target.dtype !== 'int64') return 0;
  let n = 0;
  for (let i = 0; i < target.data.length; i++) if (target.data[i] === ii) n++;
  return n;
}

/** The gradient heatmap, drawn once per gradient tensor: a page step reuses the evaluation, so the same tensor. */
function heatOf(cache: TorchArgsCache, grad: Tensor): ReturnType<typeof gradMap> {
  if (cache.heat?.of !== grad) cache.heat = { of: grad, map: gradMap(grad) };
  return cache.heat.map;
}

/** The state of a torch session. Throws for bad input (buildState turns it into an error state). */
export function buildTorchState(session: PanelSession, cache: TorchArgsCache, opts: ModelOptions, lossOptions: LossOption[], start: number): ResultState {
  const req = session.request;
  const { spec, mode } = torchSpecOf(req);
  const args = cache.get(spec, req);
  const config = effectiveTorchConfig(req);
  const points = opts.points ?? 101;
  // paging moves no number: the evaluation and the curve of the same call are reused
  const key = JSON.stringify([spec.id, mode, config, session.sweepElement, points]);
  const hit = cache.last && cache.last.key === key && cache.last.args === args ? cache.last : null;
  const r = hit ? hit.r : evaluateTorch({ loss: spec, mode, config, args });
  const first = spec.args[0].name, second = spec.args[1].name;
  const input = args[first], target = args[second];
  const grad: Tensor = r.grads[first] ?? { data: new Float64Array(input.data.length), shape: input.shape.slice() };
  let curve: ResultState['curve'] = null, curveError: string | undefined;
  let element = session.sweepElement >= 0 && session.sweepElement < input.data.length ? session.sweepElement : -1;
  let kind = 'raw';
  let sweep: SweepDetails | null = null;
  if (!r.grads[first]) curveError = l10n.t('{0} is not differentiable here ({1}): no curve.', first, input.dtype);
  else {
    try {
      if (hit && !hit.sweep) throw new Error(hit.sweepError ?? '');
      const c = hit?.sweep ?? torchSweep(spec, { mode, config, args, element: element >= 0 ? element : undefined, points, result: r });
      cache.last = { key, args, r, sweep: c };
      element = c.element; kind = c.kind;
      sweep = { ...c, kind: c.kind === 'error' ? 'error' : 'raw' };
      curve = { x: c.x, loss: c.loss, grad: c.grad, xLabel: c.xLabel, yLabel: r.value.shape.length ? l10n.t('sum of the returned values') : l10n.t('loss'), current: c.current };
    } catch (e) { curveError = (e as Error).message; cache.last = { key, args, r, sweep: null, sweepError: curveError }; }
  }
  if (element < 0) element = 0;
  const pages = session.pages ?? {};
  const others = spec.args.slice(1).filter((a) => r.grads[a.name]).map((a) => ({ name: a.name, view: windowView(r.grads[a.name], pages.grad) }));
  const torch: TorchView = {
    dtype: r.dtype, reduction: r.reduction,
    args: spec.args.map((a) => ({ name: a.name, shape: args[a.name].shape.slice(), dtype: args[a.name].dtype })),
    grads: others, gradFn: r.gradFn,
    ...(r.reduction !== 'none' && r.perSample.data.length <= 1000 ? { noneText: formatTorch(r.perSample, r.dtype) } : {}),
  };
  const callee = torchCallee(spec, mode);
  const notes = [...(session.notes ?? []), ...r.trace.notes,
    l10n.t('PyTorch {0}: torch 1.13 semantics, computed in {1}; the gradient is d result / d {2}.', callee, r.dtype, first)];
  const perf = typeof performance !== 'undefined' ? performance : { now: Date.now };
  return {
    kind: 'result', title: session.title ?? callee,
    loss: `nn.${spec.id}`, callee, mode: mode === 'module' ? 'class' : 'function', custom: false,
    lossOptions,
    params: torchParamControls(spec, r.config, req.scale),
    reduction: { value: r.reduction, choices: spec.reductions.slice() },
    valueText: formatTorch(r.value, r.dtype),
    valueShape: r.value.shape.slice(),
    reductionText: torchReductionText(r, spec, ignoredTargets(r, target)),
    reductionInfo: {
      reduction: r.reduction, numerator: r.mean ? r.mean.numerator : r.reduction === 'sum' ? r.value.data[0] : null,
      divisor: r.mean ? r.mean.divisor : null, divisorKind: r.mean ? r.mean.text : null, unreduced: r.reduction === 'none',
    },
    shapes: { yTrue: target.shape.slice(), yPred: input.shape.slice(), sampleWeight: null },
    perSample: windowView(r.perSample, pages.samples), weighted: windowView(r.perSample, pages.samples), weights: null,
    grad: windowView(grad, pages.grad), yTrue: windowView(target, pages.grad), yPred: windowView(input, pages.grad),
    gradMap: heatOf(cache, grad), gradAxes: torchHeatAxes(spec, grad.shape),
    clipped: null, smoothedLabels: null, renormalizedRows: null, labelConversion: null,
    warnings: r.trace.warnings.slice(), notes,
    curve, curveError,
    sweep: { element, count: input.data.length, label: argIndexLabel(first, element, input.shape), kind },
    compare: { enabled: false, losses: session.compare.losses.slice(), available: [], data: null },
    python: torchPythonCall(spec, mode, config),
    // the Frameworks view (model/frameworks.ts) reads the call as compare.ts does: torch's input and target
    frameworks: spec.args.length === 2 ? frameworksState(session, callee, { yTrue: target, yPred: input, sampleWeight: null }, sweep)
      : { view: session.view === 'frameworks' ? 'frameworks' : 'plots', data: null, ...(session.view === 'frameworks' ? { error: l10n.t('{0} takes {1} arguments: the Frameworks view compares two-argument calls.', callee, spec.args.length) } : {}) },
    source: session.source,
    elapsedMs: Math.round((perf.now() - start) * 100) / 100,
    session,
    torch,
  };
}

/** The error state's controls for a torch session whose call failed (so a bad keyword can be fixed in place). */
export function torchErrorControls(session: PanelSession, out: ErrorState): void {
  try {
    const { spec } = torchSpecOf(session.request);
    out.loss = `nn.${spec.id}`;
    const cfg: Config = {};
    for (const p of torchParams(spec)) cfg[p.name] = p.default;
    Object.assign(cfg, session.request.config ?? {});
    out.params = torchParamControls(spec, cfg, session.request.scale);
  } catch { /* an unknown loss: no controls */ }
}

// ---------------------------------------------------------------------------------------------------- intents

/** The request of a torch loss on the arrays of another session (the picker switched loss): first two arguments kept. */
function switchedRequest(spec: TorchSpec, from: SerializableRequest): SerializableRequest | null {
  if (spec.args.length > 2) {
    // extra arguments (var, negative, lengths) come along only from a torch call that has them under the same names
    if (!from.args || spec.args.slice(2).some((a) => from.args![a.name] === undefined)) return null;
  }
  const dtypes: Record<string, TorchDtype> = {};
  const fromSpec = isTorchRequest(from) ? torchSpecOf(from).spec : null;
  spec.args.forEach((a, i) => {
    const prev = fromSpec && i < 2 ? from.dtypes?.[fromSpec.args[i].name] : from.dtypes?.[a.name];
    const x = argOf(from, spec, i);
    const want = defaultDtype(spec, i, x, from.yPred);
    // a float where torch wants indices (or the reverse) would only be an error: take what this loss needs
    dtypes[a.name] = prev && ((a.kind === 'float') === (prev !== 'int64')) ? prev : want;
  });
  const names = new Set(torchParams(spec).map((p) => p.name));
  const config: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(from.config ?? {})) if (names.has(k)) config[k] = v;
  return {
    loss: `nn.${spec.id}`, framework: 'torch', mode: 'class', yPred: from.yPred, yTrue: from.yTrue,
    ...(spec.args.length > 2 ? { args: Object.fromEntries(spec.args.slice(2).map((a) => [a.name, from.args![a.name]])) } : {}),
    dtypes, config,
  };
}

/**
 * Applies an intent to a session whose request is (or becomes, by setLoss to a torch name) a torch call; null
 * when the intent is not a torch one (the Keras model handles it). Throws LossInspectorError for bad intents.
 */
export function applyTorchIntent(session: PanelSession | null, intent: Intent): PanelSession | null | undefined {
  const torchSession = !!session && isTorchRequest(session.request);
  if (intent.type === 'setLoss') {
    const found = typeof intent.loss === 'string' ? tryResolveTorch(intent.loss) : null;
    if (!found || !/^(nn\.|F\.|torch\.)/.test(intent.loss.trim())) return undefined; // a Keras name
    if (!session || session.example) {
      const s = torchExampleSession(intent.loss);
      if (session) s.compare = session.compare;
      return s;
    }
    const request = switchedRequest(found.spec, session.request);
    if (!request) {
      const s = torchExampleSession(intent.loss);
      s.compare = session.compare;
      return s;
    }
    const title = !session.title || session.title === session.request.loss || /^(nn\.|F\.)?[A-Za-z_]\w*$/.test(session.title) ? `nn.${found.spec.id}` : session.title;
    return { ...session, title, customSource: undefined, request, sweepElement: -1, pages: undefined };
  }
  if (!torchSession) return undefined;
  const s = session!;
  const { spec } = torchSpecOf(s.request);
  switch (intent.type) {
    case 'setParam': {
      if (typeof intent.name !== 'string') throw new LossInspectorError('setParam: expected a parameter name');
      if (intent.name === POS_WEIGHT_SCALE) {
        const k = typeof intent.text === 'string' ? Number(intent.text) : intent.value;
        if (typeof k !== 'number' || !Number.isFinite(k) || k < 0) {
          throw new LossInspectorError(`nn.${spec.id}: ${POS_WEIGHT_SCALE} must be a number ≥ 0, received ${JSON.stringify(intent.text ?? intent.value)}`, { argument: POS_WEIGHT_SCALE, code: 'param', expected: 'a number ≥ 0' });
        }
        const scale = { ...(s.request.scale ?? {}) };
        if (k === 1) delete scale.pos_weight; else scale.pos_weight = k;
        return { ...s, request: { ...s.request, scale } };
      }
      const p = torchParams(spec).find((q) => q.name === intent.name && !HIDDEN.has(q.name));
      if (!p) throw new LossInspectorError(`nn.${spec.id} has no parameter \`${intent.name}\``, { argument: intent.name, code: 'unknown-param' });
      const config = { ...(s.request.config ?? {}) };
      const value = typeof intent.text === 'string' ? parseParamText(intent.text, p.name) : intent.value;
      if (JSON.stringify(value ?? null) === JSON.stringify(p.default ?? null)) delete config[p.name]; else config[p.name] = value;
      return { ...s, request: { ...s.request, config } };
    }
    case 'setReduction': {
      const v = intent.reduction === null ? 'none' : String(intent.reduction);
      if (!spec.reductions.includes(v as never)) {
        throw new LossInspectorError(`nn.${spec.id}: reduction must be one of ${spec.reductions.map((x) => `'${x}'`).join(', ')}, received '${v}'`, { argument: 'reduction', code: 'param' });
      }
      const config = { ...(s.request.config ?? {}) };
      // the legacy flags would override the selector: the selector's choice replaces them
      delete config.size_average; delete config.reduce;
      if (v === 'mean') delete config.reduction; else config.reduction = v;
      return { ...s, request: { ...s.request, config }, pages: { ...(s.pages ?? {}), samples: 0 } };
    }
    case 'resetParams':
      return { ...s, request: { ...s.request, config: {}, scale: undefined } };
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------- exports

function csvNum(x: number): string {
  return Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : String(x);
}

/** Every number of a torch session as CSV: per element of the first argument, per output element, then the curve. */
export function buildTorchCsv(session: PanelSession, cache: TorchArgsCache, st: ResultState): string {
  const req = session.request;
  const { spec, mode } = torchSpecOf(req);
  const args = cache.get(spec, req);
  const r = evaluateTorch({ loss: spec, mode, config: effectiveTorchConfig(req), args });
  const first = spec.args[0].name;
  const input = args[first];
  const lines: string[] = [`# ${st.python}`, `# result = ${st.valueText.replace(/\n\s*/g, ' ')}`, `# ${st.reductionText}`];
  // arguments of the input's size go beside it, element by element; gradients likewise
  const same = spec.args.filter((a) => a.name !== first && args[a.name].data.length === input.data.length).map((a) => a.name);
  const gradNames = spec.args.filter((a) => r.grads[a.name] && r.grads[a.name].data.length === input.data.length).map((a) => a.name);
  lines.push(['flat', 'index', first, ...same, ...gradNames.map((g) => `grad_${g}`)].join(','));
  for (let i = 0; i < input.data.length; i++) {
    const cells = [String(i), `"${argIndexLabel('', i, input.shape).slice(1, -1)}"`, csvNum(input.data[i]), ...same.map((n) => csvNum(args[n].data[i])), ...gradNames.map((g) => csvNum(r.grads[g].data[i]))];
    lines.push(cells.join(','));
  }
  lines.push('', "element,loss (reduction='none')");
  for (let i = 0; i < r.perSample.data.length; i++) lines.push(`${i},${csvNum(r.perSample.data[i])}`);
  if (st.curve) {
    lines.push('', `curve_x (${st.curve.xLabel}),loss,grad`);
    for (let i = 0; i < st.curve.x.length; i++) lines.push(`${csvNum(st.curve.x[i])},${csvNum(st.curve.loss[i])},${csvNum(st.curve.grad[i])}`);
  }
  return lines.join('\n') + '\n';
}

export function buildTorchPython(session: PanelSession, cache: TorchArgsCache): string {
  const req = session.request;
  const { spec, mode } = torchSpecOf(req);
  const config = effectiveTorchConfig(req);
  const reduction = String(config.reduction ?? 'mean');
  return torchPythonScript(spec, mode, config, cache.get(spec, req), reduction);
}
