/**
 * The typed messages between the extension host and the Loss Inspector webview panel.
 *
 * One direction each way: the host posts one `PanelState` (`empty | error | result`) that carries everything
 * the view renders; the webview posts `ready` and user intents. Every intent may carry an `id`; the host
 * answers each one with a `reply` (ok or an error message), so no request hangs.
 * Imports only core types (no vscode, no DOM).
 */
import type { Nested, Tensor } from '../core/tensor';

/**
 * An array argument: nested lists (JSON: command links, the webview's persisted state) or, on the extension
 * host and in its worker only, a Tensor (a large input is never turned into nested JS arrays).
 */
export type ArrayArg = Nested | Tensor;
import type { ParamValue } from '../core/spec';
import type { TorchDtype } from '../core/torch/types';
import type { PatchOp } from './statePatch';

/** A loss call that survives JSON (command arguments, webview state). */
export interface SerializableRequest {
  /** Any spelling the registry resolves ('Huber', 'mse', 'tf.keras.losses.Huber', ...). */
  loss: string;
  yTrue: ArrayArg;
  yPred: ArrayArg;
  sampleWeight?: ArrayArg | null;
  /** Keyword arguments by their Python names. */
  config?: Record<string, ParamValue>;
  mode?: 'class' | 'function';
  /**
   * 'torch': a PyTorch call computed by the torch core (torch 1.13 semantics). `loss` is then 'nn.X' (the module,
   * mode 'class') or 'F.x' (the functional, mode 'function'); `yPred` holds torch's first argument (input, input1,
   * anchor, log_probs), `yTrue` its second (target, input2, positive, targets), `args` the others by torch's names
   * (var, negative, input_lengths, …), `config` the constructor's keywords by torch's names.
   */
  framework?: 'torch';
  /** torch: the arguments after the first two, by name. */
  args?: Record<string, ArrayArg>;
  /** torch: every argument's dtype ('float32', 'float64', 'int64'); nested lists lose 1 vs 1.0, so it is carried here. */
  dtypes?: Record<string, TorchDtype>;
  /**
   * torch: factors a tensor parameter is multiplied by before the call (`pos_weight`: one slider scales the whole
   * per-class tensor, or a scalar pos_weight when it is None).
   */
  scale?: Record<string, number>;
}

/** A place in the user's code: `line` is 1-based, as editors show it; `label` names it for people. */
export interface SourceRef {
  uri: string;
  line: number;
  /** "huber.ipynb, cell 2, line 3" or "torch_ce.py:4", set by the host (the webview cannot see notebooks). */
  label?: string;
}

/** Arguments of `lossInspector.openPanel` and `registerPanel(...).open`. */
export interface PanelOpenArgs {
  request?: SerializableRequest;
  title?: string;
  /** Where the call was found (shown as a link back to the code). */
  source?: SourceRef;
  /** The request is the loss's own example, not data from the user's code (no source then). */
  example?: boolean;
  /**
   * A PyTorch name ('nn.CrossEntropyLoss', 'F.huber_loss') whose own example the panel opens instead of `request`
   * (the CodeLens and the hover name the loss; the torch example is built by the panel, loaded on first use).
   */
  torchExample?: string;
  /**
   * A loss call in the user's code (a CodeLens or hover link): plot its evaluated arguments when the call evaluates,
   * else fall back to `request` (then an example).
   */
  at?: { uri: string; line: number };
  /** A snippet defining a user loss, re-evaluated through the custom-loss plugin. */
  customSource?: string;
  /** Lines shown with the result (where the inputs came from: expression, dtype, shape; non-finite inputs). */
  notes?: string[];
  /** A loss watched across debugger stops (its history is plotted above the result). */
  watch?: WatchSeries;
  /** The view the panel opens on (the result hover's "Compare in panel" link opens the Frameworks view). */
  view?: PanelView;
}

/** The panel's two views of one result: the plots, or the call beside its ports in the other frameworks. */
export type PanelView = 'plots' | 'frameworks';

/** One debugger stop of a watched loss. */
export interface WatchPoint {
  /** 1-based count of the stops since the watch began. */
  stop: number;
  /** The loss (a scalar, or the mean of an unreduced result); null when it could not be computed or is not finite. */
  value: number | null;
  /** As Keras prints it ('0.2876821', 'nan'), or the error. */
  text: string;
  /** The first non-finite input element ('y_pred logits[3, 1] = nan (2 non-finite values)'). */
  bad?: string;
  error?: string;
  /** Where the program was paused ('train.py:42'). */
  where?: string;
}

/** `loss(y_true_expr, y_pred_expr)` re-evaluated on every stop of a debug session. */
export interface WatchSeries {
  label: string;
  points: WatchPoint[];
  /** The debug session ended (no more stops). */
  ended: boolean;
}

/**
 * What the panel inspects, as the host needs it to rebuild the state: the webview persists it verbatim with
 * `setState`, and the serializer hands it back after a reload.
 */
export interface PanelSession {
  request: SerializableRequest;
  title?: string;
  source?: SourceRef;
  customSource?: string;
  notes?: string[];
  watch?: WatchSeries;
  /** The arrays are the loss's own example (switching loss then switches to the new loss's example). */
  example?: boolean;
  /** The arrays were too large to persist across a reload and were left out (the restored panel asks to recompute). */
  dataDropped?: boolean;
  /** Flat index of the y_pred element the loss curve sweeps (-1: the default element). */
  sweepElement: number;
  compare: { enabled: boolean; losses: string[] };
  /** The view shown (absent: the plots). The Frameworks rows are computed only while their view is shown. */
  view?: PanelView;
  /**
   * First flat index of the windows sent for the per-sample views (perSample, weighted, weights) and the element
   * views (grad, y_true, y_pred, the other gradients); 0 when absent. Pages of a 1e6-element result are read
   * window by window; the whole data goes only into the CSV export.
   */
  pages?: { samples?: number; grad?: number };
}

// ---------------------------------------------------------------------------------------------------------
// Host → webview

/** One parameter control built from a ParamSpec. */
export interface ParamControl {
  name: string;
  /** range: slider + number input; number: number input only; bool: checkbox; enum: select; text: free text (read-only view of other types). */
  kind: 'range' | 'number' | 'bool' | 'enum' | 'text';
  /** The value in effect (after defaults and validation). */
  value: ParamValue;
  default: ParamValue;
  doc: string;
  min?: number;
  max?: number;
  step?: number;
  /** For integers. */
  integer?: boolean;
  /** Enum choices; null is shown as "None". */
  choices?: (string | null)[];
  /** The value may be None (a checkbox "None" beside the number). */
  nullable?: boolean;
}

/** A sampled curve: the loss (and d loss / d y_pred of the swept element) as one y_pred element sweeps its range. */
export interface CurveData {
  x: number[];
  loss: number[];
  grad: number[];
  xLabel: string;
  /** What the y axis is: 'loss', or 'sum of the returned values' when the result is unreduced (the gradient is that of the sum). */
  yLabel?: string;
  /** The point of the actual input, when it lies in the swept range's scale. */
  current?: { x: number; loss: number; grad: number };
}

/** One loss in compare mode, swept on the same x as the main curve. */
export interface CompareSeries {
  /** Label as shown in the legend: 'Huber(delta=1.0)'. */
  label: string;
  loss: string;
  /** Loss values at `CompareData.x`; null where the loss could not be evaluated. */
  values: (number | null)[];
  grad: (number | null)[];
  /** Why this loss could not be swept on these inputs (then values are all null). */
  error?: string;
}

export interface CompareData {
  x: number[];
  xLabel: string;
  series: CompareSeries[];
}

/** One row of the Frameworks view: the source call or a port of it in another framework, computed on the user's numbers. */
export interface FrameworkRowView {
  framework: 'keras3' | 'keras2' | 'pytorch' | 'optax';
  /** The call as that framework writes it; `y_true`/`y_pred` are the arrays of `snippet`. */
  call: string;
  /** A runnable Python script (imports, the arrays, `print(call)`) that reproduces the number in that framework. */
  snippet: string;
  /** The value as a short text ('0.2876821', '[0.58, 1.39]'); '—' when the call raises. */
  valueText: string;
  /** The plotted number: the value, or the sum of an unreduced result; null when it raises or is not finite. */
  value: number | null;
  /** The call returns one value per example (or element): the curves plot their sum. */
  unreduced: boolean;
  /** Gives the source's number on these arrays. */
  same: boolean;
  role: 'source' | 'faithful' | 'common';
  /** Empty when the number is the source's; else one sentence why it differs. */
  why: string;
}

/** The Frameworks view: the rows and each row's loss on the main plot's sweep. */
export interface FrameworksData {
  rows: FrameworkRowView[];
  /** The main curve's sweep (the same x), `xLabel` as there. */
  x: number[];
  xLabel: string;
  /** series[i][k]: row i's number (its value, or the sum of an unreduced result) at x[k]; null where it raises or is not finite. */
  series: (number | null)[][];
  /** The input's own x (the point of the table's values), when the rows are of the whole input. */
  current?: number;
  /** Set when the rows and curves are not of the whole input (a large input: one sample alone), saying which part. */
  scope?: string;
  /** Conversions the rows assume and conventions checked on the numbers (from compare). */
  notes: string[];
  warnings: string[];
}

/** A numeric array sent for display: a window of at most MAX_VIEW_VALUES values (CSV export has all of them). */
export interface ArrayView {
  shape: number[];
  /** Row-major values `offset` … `offset + values.length - 1` of `total`. Non-finite values are sent as null. */
  values: (number | null)[];
  total: number;
  /** Flat index of `values[0]` (absent: 0). */
  offset?: number;
}

/** What a PyTorch result adds to the state (ResultState.torch). */
export interface TorchView {
  /** The computation dtype (float64 when any floating argument is float64). */
  dtype: 'float32' | 'float64';
  /** torch's reduction as given ('mean', 'sum', 'none', 'batchmean'). */
  reduction: string;
  /** Every argument in torch's order: its name, shape and dtype ('input', [4, 3], 'float32'). */
  args: { name: string; shape: number[]; dtype: string }[];
  /** The gradient of every differentiable argument besides the first (which is ResultState.grad), windowed like it. */
  grads: { name: string; view: ArrayView }[];
  /** The grad_fn torch prints on the result when an argument requires grad: 'NllLossBackward0'. */
  gradFn: string;
  /** The 'none' output as torch prints it (`tensor([1.5398, 0.4934])`), for small results. */
  noneText?: string;
}

/** See ResultState.gradMap. */
export interface GradMap {
  /** Rows and columns of the whole array (rows = product of all axes but the last). */
  rows: number;
  cols: number;
  /** First row / column of each bin; bin i covers rowStarts[i] … rowStarts[i + 1] - 1. */
  rowStarts: number[];
  colStarts: number[];
  /** Row-major over the bins: the signed value of largest magnitude (null: non-finite) and its flat index. */
  values: (number | null)[];
  index: number[];
}

/** Bins of the decimated gradient heatmap. */
export const MAX_HEAT_ROWS = 64;
export const MAX_HEAT_COLS = 120;

/** A loss in the picker. */
export interface LossOption {
  id: string;
  family: string;
  framework: string;
  /** Short text: the doc summary. */
  summary: string;
}

export interface ResultState {
  kind: 'result';
  title: string;
  /** Spec id (class name) and what was called. */
  loss: string;
  callee: string;
  mode: 'class' | 'function';
  /** True when the result came from a user-defined loss (customSource): controls are then read-only. */
  custom: boolean;
  /** Losses offered by the picker (grouped by family in the view). */
  lossOptions: LossOption[];
  params: ParamControl[];
  /** The reduction selector; null in function mode or for a loss whose reduction is fixed. */
  reduction: { value: string; choices: string[] } | null;
  /** The result as Keras prints it (`.numpy()`): '0.855' or '[0.5 1.25]'. */
  valueText: string;
  valueShape: number[];
  /** The reduction written out: 'sum 3.42 / 4 elements = 0.855'. */
  reductionText: string;
  reductionInfo: { reduction: string; numerator: number | null; divisor: number | null; divisorKind: string | null; unreduced: boolean } | null;
  shapes: { yTrue: number[]; yPred: number[]; sampleWeight: number[] | null };
  perSample: ArrayView;
  weighted: ArrayView;
  /** Effective weights (mask merged), when any were applied. */
  weights: ArrayView | null;
  grad: ArrayView;
  /**
   * The gradient of a rank ≥ 2 y_pred as a heatmap of the whole array, decimated: rows (all axes but the last) and
   * columns (the last axis) are cut into at most MAX_HEAT_ROWS × MAX_HEAT_COLS bins, each showing the element of
   * largest |gradient| in it (its signed value and flat index). Bins of one element when the array is small.
   */
  gradMap: GradMap | null;
  /** Axis titles of the gradient heatmap, in words that fit the loss ('last axis (class)', '… (output)'). */
  gradAxes: { rows: string; cols: string };
  yTrue: ArrayView;
  yPred: ArrayView;
  clipped: { count: number; indices: number[]; lo: number; hi: number } | null;
  smoothedLabels: ArrayView | null;
  renormalizedRows: { rows: number[]; sums: number[]; count: number } | null;
  labelConversion: string | null;
  warnings: { code: string; message: string }[];
  notes: string[];
  /** The loss curve, or null when the loss cannot be swept (e.g. CTC); `curveError` says why. */
  curve: CurveData | null;
  curveError?: string;
  /** Flat index into y_pred of the swept element, and a label for it ('y_pred[1, 2]'). */
  sweep: { element: number; count: number; label: string; kind: string };
  compare: { enabled: boolean; losses: string[]; available: string[]; data: CompareData | null };
  /**
   * The view shown, and in the Frameworks view its rows and curves (null in the plots view: not computed), or why
   * there are none (a loss without ports in the other frameworks).
   */
  frameworks: { view: PanelView; data: FrameworksData | null; error?: string };
  /** `tf.keras.losses.Huber(delta=0.5)(y_true, y_pred)`; torch: `nn.HuberLoss(delta=0.5)(input, target)`. */
  python: string;
  /** Present for a PyTorch result: RESULT is then printed as torch prints it (`tensor(0.9391)`). */
  torch?: TorchView;
  source?: SourceRef;
  /** Milliseconds the host spent building this state (evaluate + curves). */
  elapsedMs: number;
  session: PanelSession;
}

export interface ErrorState {
  kind: 'error';
  title: string;
  message: string;
  /** Which argument/parameter was wrong, when known. */
  argument?: string;
  /** Loss picker and controls still work on an error (so the user can fix the parameter). */
  loss?: string;
  lossOptions?: LossOption[];
  params?: ParamControl[];
  session?: PanelSession;
}

export interface EmptyState {
  kind: 'empty';
  title: string;
  /** What to do next. */
  hint: string;
  lossOptions: LossOption[];
}

export type PanelState = EmptyState | ErrorState | ResultState;

export type HostToWebview =
  /**
   * `sameData`: the session's arrays (request.yTrue/yPred/sampleWeight) are left out because they equal the
   * ones of the previous state; the webview keeps its copy (a slider move on a large input then sends
   * kilobytes, not the whole input).
   */
  | { type: 'state'; state: PanelState; sameData?: boolean }
  /**
   * A step on the result the webview shows (a slider, a page, the swept element, on the same arrays): only what
   * changed since the state it holds (statePatch.ts: `[path, value]` sets, `[path]` removes). Not sent after a
   * reload (`ready`) or when the last state was not a result; a webview without a result state answers `ready`.
   * At 1e6 elements a Huber delta step carries the loss value and texts, the curve (101 points), the windows of
   * the per-sample values and the gradient (≤ MAX_VIEW_VALUES each) and the heatmap's values (≤ 64 × 120), not
   * y_true/y_pred, the loss list, the heatmap's bins or indices when they are unchanged.
   */
  | { type: 'patch'; ops: PatchOp[] }
  /** The answer to an intent that carried an `id`. */
  | { type: 'reply'; id: number; ok: true; message?: string }
  | { type: 'reply'; id: number; ok: false; error: string };

// ---------------------------------------------------------------------------------------------------------
// Webview → host

export type ChartId = 'curve' | 'samples' | 'grad' | 'compare' | 'watch' | 'frameworks';

export type Intent =
  | { type: 'setLoss'; loss: string }
  /** `text`: what the user typed in a free-text field (lists, None, numbers): the host reads it as Python does. */
  | { type: 'setParam'; name: string; value: ParamValue; text?: string }
  | { type: 'setReduction'; reduction: string | null }
  | { type: 'setSweepElement'; element: number }
  | { type: 'setCompare'; enabled: boolean; losses?: string[] }
  | { type: 'setView'; view: PanelView }
  /** Copy a row's snippet (the host writes the clipboard: a webview's own clipboard access depends on focus). */
  | { type: 'copyText'; text: string }
  /** Moves the window of a paged view (per-sample values or element values) to start at flat index `offset`. */
  | { type: 'setPage'; view: 'samples' | 'grad'; offset: number }
  | { type: 'resetParams' }
  | { type: 'exportCsv' }
  | { type: 'exportPython' }
  | { type: 'exportPng'; chart: ChartId; dataUrl: string }
  | { type: 'openSource' };

/** Intents carry an optional `id` the host's `reply` echoes. */
export type WebviewToHost = { type: 'ready'; id?: number } | (Intent & { id?: number });

/** The webview's persisted state (getState/setState). */
export interface WebviewPersisted {
  session?: PanelSession;
}

/** Inputs with more elements than this are not persisted with the webview state (setState copies it on every change). */
export const MAX_PERSISTED_ELEMENTS = 200_000;

/** Upper bound on values per array sent to the view (charts and tables); the CSV export has them all. */
export const MAX_VIEW_VALUES = 4096;

/** Longest text a copyText intent may carry (a snippet with its arrays). */
export const MAX_COPY_CHARS = 1_000_000;

/** The losses compare mode starts with. */
export const DEFAULT_COMPARE = ['MeanSquaredError', 'MeanAbsoluteError', 'Huber', 'LogCosh'];

/** The state without the session's arrays (see `sameData`). */
export function withoutData(state: PanelState): PanelState {
  if (state.kind === 'empty' || !state.session) return state;
  const r = state.session.request;
  return { ...state, session: { ...state.session, request: { ...r, yTrue: [], yPred: [], sampleWeight: r.sampleWeight == null ? r.sampleWeight : [], ...(r.args ? { args: {} } : {}) } } } as PanelState;
}

/** Puts the arrays of `previous` back into a state sent with `sameData`. */
export function withData(state: PanelState, previous: PanelSession | undefined): PanelState {
  if (state.kind === 'empty' || !state.session || !previous) return state;
  const r = state.session.request, p = previous.request;
  return { ...state, session: { ...state.session, request: { ...r, yTrue: p.yTrue, yPred: p.yPred, sampleWeight: r.sampleWeight == null ? r.sampleWeight : p.sampleWeight, ...(r.args ? { args: p.args ?? {} } : {}) } } } as PanelState;
}

/** Type guard for messages arriving at the host (the webview is not trusted to send well-formed data). */
export function isWebviewMessage(m: unknown): m is WebviewToHost {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  return typeof t === 'string' && ['ready', 'setLoss', 'setParam', 'setReduction', 'setSweepElement', 'setCompare', 'setView', 'copyText', 'setPage', 'resetParams', 'exportCsv', 'exportPython', 'exportPng', 'openSource'].includes(t);
}
