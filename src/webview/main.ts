/**
 * The Loss Inspector panel (browser side). It only renders the PanelState the host posts and sends intents
 * back (`ready`, `setLoss`, `setParam`, ...); every number comes from the core in the extension host.
 * The DOM skeleton is built once; states update it in place so a slider keeps focus while it is dragged.
 */
import type {
  ArrayView, ErrorState, HostToWebview, Intent, LossOption, PanelSession, PanelState, ParamControl, ResultState, WebviewPersisted, WebviewToHost, ChartId, WatchSeries,
} from '../shared/protocol';
import { withData, MAX_PERSISTED_ELEMENTS } from '../shared/protocol';
import { applyPatch, changedKeys } from '../shared/statePatch';
import type { ParamValue } from '../core/spec';
import { h, byId, show, clear, fillTable } from './dom';
import { readTheme, watchTheme, Theme } from './theme';
import { drawCurve, drawCompare, drawSamples, drawGradBars, drawGradHeatmap, drawWatch, destroyChart, destroyAll, chartPng, getChart } from './charts';
import { fmt, short, tick, indexLabel, multiIndex } from './format';
import type { WebviewStringId } from '../shared/strings';
import { tr } from './i18n';
import { pagerControls, wirePager, page, showIndex, type PagedView } from './pager';
import { torchSection, renderTorch, argNames } from './torch';
import { renderFrameworksView } from './frameworks';

interface VsCodeApi { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let theme: Theme;
let current: PanelState | null = null;

// ------------------------------------------------------------------------------------------------ messaging

let nextId = 1;
const waiting = new Map<number, { type: string; timer: ReturnType<typeof setTimeout> }>();

function post(m: WebviewToHost): number {
  const id = nextId++;
  // A reply that never comes must not leave the view waiting forever (exports wait for the user's save dialog).
  const userPaced = m.type.startsWith('export') || m.type === 'openSource';
  waiting.set(id, { type: m.type, timer: setTimeout(() => onReply({ type: 'reply', id, ok: false, error: tr('noAnswer', m.type) }), userPaced ? 600_000 : 15_000) });
  vscode.postMessage({ ...m, id });
  return id;
}

/** Slider drags produce many changes: one setParam in flight, the latest value per parameter queued. */
let paramInFlight: number | null = null;
const paramQueue = new Map<string, Intent>();
function sendParam(intent: Intent & { type: 'setParam' | 'setSweepElement' }): void {
  const key = intent.type === 'setParam' ? `p:${intent.name}` : 'sweep';
  if (paramInFlight !== null) { paramQueue.set(key, intent); return; }
  paramInFlight = post(intent);
}
function flushParams(): void {
  paramInFlight = null;
  const first = paramQueue.entries().next();
  if (first.done) return;
  paramQueue.delete(first.value[0]);
  paramInFlight = post(first.value[1]);
}

function onReply(m: Extract<HostToWebview, { type: 'reply' }>): void {
  const w = waiting.get(m.id);
  if (!w) return;
  clearTimeout(w.timer);
  waiting.delete(m.id);
  if (m.id === paramInFlight) flushParams();
  if (m.ok) { if (m.message && m.message !== 'cancelled') status(m.message, false); }
  else status(m.error, true);
}

function status(text: string, isError: boolean): void {
  const el = byId('status');
  el.textContent = text;
  el.classList.toggle('status-error', isError);
}

// ------------------------------------------------------------------------------------------------ skeleton

function figure(id: ChartId, titleId: WebviewStringId, extra?: HTMLElement): HTMLElement {
  const title = tr(titleId);
  return h('figure', { id: `fig-${id}`, class: 'chart-figure', 'aria-labelledby': `title-${id}` },
    h('div', { class: 'figure-head' },
      h('h2', { id: `title-${id}`, text: title }),
      extra ?? null,
      h('button', { type: 'button', class: 'secondary', 'data-export': id, title: tr('savePng', title), text: 'PNG' })),
    h('p', { id: `note-${id}`, class: 'chart-note', hidden: true }),
    h('div', { id: `box-${id}`, class: `chart-box chart-box-${id}` },
      h('canvas', { id: `chart-${id}`, role: 'img', tabindex: 0, 'aria-label': title },
        h('p', { text: tr('seeTable', title) }))),
    h('details', { class: 'data-table' }, h('summary', { text: tr('dataTable') }), h('table', { id: `table-${id}` })));
}

function buildSkeleton(): void {
  const app = byId('app');
  clear(app);
  app.append(
    h('header', { class: 'toolbar' },
      h('div', { class: 'title-row' },
        h('h1', { id: 'title', text: 'Loss Inspector' }),
        h('button', { id: 'open-source', type: 'button', class: 'link', hidden: true }),
        h('span', { id: 'elapsed', class: 'muted' })),
      h('div', { class: 'controls-row', role: 'toolbar', 'aria-label': tr('lossAndReduction') },
        h('label', { for: 'loss-select', text: tr('loss') }),
        h('select', { id: 'loss-select' }),
        h('span', { id: 'reduction-wrap', class: 'group' },
          h('label', { for: 'reduction-select', text: tr('reduction') }),
          h('select', { id: 'reduction-select' })),
        h('span', { class: 'group' },
          h('input', { id: 'compare-toggle', type: 'checkbox' }),
          h('label', { for: 'compare-toggle', text: tr('compareLosses') })),
        h('span', { class: 'spacer' }),
        h('button', { id: 'reset-params', type: 'button', class: 'secondary', text: tr('resetParameters') }),
        h('button', { id: 'export-csv', type: 'button', class: 'secondary', title: tr('exportCsvTitle'), text: tr('exportCsv') }),
        h('button', { id: 'export-python', type: 'button', title: tr('pythonSnippetTitle'), text: tr('pythonSnippet') }))),
    h('section', { id: 'empty', hidden: true }, h('p', { id: 'empty-hint' })),
    h('section', { id: 'error', role: 'alert', hidden: true },
      h('h2', { text: tr('cannotEvaluate') }),
      h('pre', { id: 'error-message' })),
    h('section', { id: 'summary', hidden: true, 'aria-label': tr('result') },
      // Announced when it changes (a slider move), not the whole panel.
      h('div', { class: 'value-row', 'aria-live': 'polite', 'aria-atomic': 'true' },
        h('span', { class: 'label', text: tr('result') }),
        h('code', { id: 'result-value', class: 'result-value' })),
      h('p', { id: 'reduction-text', class: 'reduction' }),
      h('p', { class: 'python' }, h('code', { id: 'python-call' })),
      h('p', { id: 'shapes', class: 'muted' })),
    torchSection(),
    h('fieldset', { id: 'params', hidden: true },
      h('legend', { text: tr('parameters') }),
      h('div', { id: 'param-list', class: 'param-list' })),
    h('section', { id: 'trace', hidden: true, 'aria-label': tr('howValueCame') },
      h('ul', { id: 'warnings', class: 'warnings' }),
      h('ul', { id: 'trace-list', class: 'trace-list' })),
    h('div', { id: 'view-tabs', class: 'view-tabs', role: 'tablist', 'aria-label': tr('viewTabs'), hidden: true },
      h('button', { id: 'tab-plots', type: 'button', role: 'tab', class: 'tab', 'data-view': 'plots', 'aria-controls': 'charts', text: tr('tabPlots') }),
      h('button', { id: 'tab-frameworks', type: 'button', role: 'tab', class: 'tab', 'data-view': 'frameworks', 'aria-controls': 'frameworks', text: tr('tabFrameworks') })),
    h('section', { id: 'frameworks', role: 'tabpanel', 'aria-labelledby': 'tab-frameworks', hidden: true },
      h('p', { id: 'fw-error', class: 'fw-error', hidden: true }),
      h('div', { id: 'fw-body' },
        h('p', { id: 'fw-scope', class: 'chart-note', hidden: true }),
        h('ul', { id: 'fw-warnings', class: 'warnings', hidden: true }),
        h('div', { class: 'fw-table-wrap' }, h('table', { id: 'fw-table', class: 'fw-table' })),
        h('div', { class: 'charts fw-charts' }, figure('frameworks', 'figFrameworks')),
        h('ul', { id: 'fw-notes', class: 'trace-list fw-notes', hidden: true }))),
    h('fieldset', { id: 'compare-picker', hidden: true },
      h('legend', { text: tr('lossesToCompare') }),
      h('div', { id: 'compare-list', class: 'compare-list' })),
    h('section', { id: 'watch', class: 'charts', hidden: true }, figure('watch', 'figWatch')),
    h('section', { id: 'charts', class: 'charts', hidden: true },
      figure('curve', 'figCurve', h('span', { class: 'group sweep' },
        h('label', { for: 'sweep-element', id: 'sweep-label', text: tr('sweptElement') }),
        h('input', { id: 'sweep-element', type: 'number', min: 0, step: 1, 'aria-describedby': 'sweep-name' }),
        h('span', { id: 'sweep-name', class: 'muted' }))),
      figure('compare', 'figCompare'),
      figure('samples', 'figSamples', pagerControls('samples')),
      figure('grad', 'figGrad', pagerControls('grad'))),
    h('div', { id: 'status', role: 'status', 'aria-live': 'polite' }),
  );
  show(byId('fig-compare'), false);
}

// ------------------------------------------------------------------------------------------------ controls

/** The loss picker's groups: the family ids (LossOption.family) in the panel's language. */
const FAMILY_STRINGS: Record<string, WebviewStringId> = {
  regression: 'familyRegression', probabilistic: 'familyProbabilistic', hinge: 'familyHinge', similarity: 'familySimilarity',
  segmentation: 'familySegmentation', 'metric-learning': 'familyMetricLearning', sequence: 'familySequence',
};

let lossOptionsKey = '';
function fillLossSelect(options: LossOption[], selected: string | undefined): void {
  const sel = byId<HTMLSelectElement>('loss-select');
  // A user-defined loss is not in the registry: it gets an option of its own.
  const custom = selected && !options.some((o) => o.id === selected) ? selected : '';
  const key = options.map((o) => o.id).join(',') + (selected ? '' : '|placeholder') + `|${custom}`;
  if (key !== lossOptionsKey) {
    lossOptionsKey = key;
    clear(sel);
    if (!selected) sel.append(h('option', { value: '', text: tr('pickLoss') }));
    if (custom) sel.append(h('option', { value: custom, text: tr('userDefined', custom) }));
    const groups = new Map<string, HTMLOptGroupElement>();
    for (const o of options) {
      const suffix = o.framework === 'tfa' ? ' (tfa)' : o.framework === 'torch' ? ' (PyTorch)' : '';
      const g = `${o.family}${suffix}`;
      const family = FAMILY_STRINGS[o.family] ? tr(FAMILY_STRINGS[o.family]) : o.family;
      if (!groups.has(g)) { const og = h('optgroup', { label: `${family}${suffix}` }); groups.set(g, og); sel.append(og); }
      groups.get(g)!.append(h('option', { value: o.id, title: o.summary, text: o.id }));
    }
  }
  sel.value = selected ?? '';
}

let paramsKey = '';
function renderParams(params: ParamControl[] | undefined, readOnly: boolean): void {
  const box = byId('params');
  const list = byId('param-list');
  show(box, !!params && params.length > 0);
  if (!params) return;
  const key = params.map((p) => `${p.name}:${p.kind}:${p.min}:${p.max}`).join('|') + (readOnly ? '|ro' : '');
  if (key !== paramsKey) {
    paramsKey = key;
    clear(list);
    for (const p of params) list.append(paramRow(p, readOnly));
  }
  for (const p of params) updateParam(p);
}

function paramRow(p: ParamControl, readOnly: boolean): HTMLElement {
  const docId = `doc-${p.name}`;
  const row = h('div', { class: `param param-${p.kind}`, 'data-row': p.name });
  const label = h('label', { for: `param-${p.name}`, text: p.name, title: p.doc });
  const doc = h('span', { id: docId, class: 'param-doc muted', text: p.doc });
  const dis = readOnly || undefined;
  const ro = readOnly ? '' : undefined;
  switch (p.kind) {
    case 'range':
      row.append(label,
        h('input', { id: `param-${p.name}`, type: 'range', 'data-param': p.name, min: p.min, max: p.max, step: p.step ?? 'any', 'aria-describedby': docId, disabled: dis, 'data-ro': ro }),
        h('input', { type: 'number', 'data-param': p.name, min: p.min, max: p.max, step: p.step ?? 'any', 'aria-label': tr('paramValueAria', p.name), disabled: dis }));
      break;
    case 'number':
      row.append(label, h('input', { id: `param-${p.name}`, type: 'number', 'data-param': p.name, min: p.min, max: p.max, step: p.step ?? 'any', 'aria-describedby': docId, disabled: dis }));
      break;
    case 'bool':
      row.append(h('input', { id: `param-${p.name}`, type: 'checkbox', 'data-param': p.name, 'aria-describedby': docId, disabled: dis }), label);
      break;
    case 'enum': {
      const sel = h('select', { id: `param-${p.name}`, 'data-param': p.name, 'aria-describedby': docId, disabled: dis });
      for (const c of p.choices ?? []) sel.append(h('option', { value: c === null ? '__none__' : c, text: c === null ? 'None' : c }));
      row.append(label, sel);
      break;
    }
    default:
      row.append(label, h('input', { id: `param-${p.name}`, type: 'text', 'data-param': p.name, spellcheck: 'false', 'aria-describedby': docId, disabled: dis }));
  }
  if (p.nullable) {
    row.append(h('span', { class: 'none-toggle' },
      h('input', { id: `none-${p.name}`, type: 'checkbox', 'data-param-none': p.name, disabled: dis }),
      h('label', { for: `none-${p.name}`, text: tr('noneToggle') })));
  }
  row.append(doc);
  return row;
}

function pyText(v: ParamValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (Array.isArray(v)) return `[${v.map(pyText).join(', ')}]`;
  return String(v);
}

function updateParam(p: ParamControl): void {
  const els = document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(`[data-param="${CSS.escape(p.name)}"]`);
  for (const el of Array.from(els)) {
    if (el === document.activeElement && el instanceof HTMLInputElement && el.type !== 'checkbox') continue; // the user is typing or dragging
    if (el instanceof HTMLSelectElement) el.value = p.value === null ? '__none__' : String(p.value);
    else if (el.type === 'checkbox') el.checked = p.value === true;
    else if (el.type === 'range') { if (typeof p.value === 'number') el.value = String(p.value); el.disabled = p.value === null || el.hasAttribute('data-ro'); }
    else if (el.type === 'number') el.value = typeof p.value === 'number' ? String(p.value) : '';
    else el.value = pyText(p.value);
  }
  const none = document.querySelector<HTMLInputElement>(`[data-param-none="${CSS.escape(p.name)}"]`);
  if (none) none.checked = p.value === null;
}

function currentControl(name: string): ParamControl | undefined {
  const s = current;
  const params = s && (s.kind === 'result' || s.kind === 'error') ? s.params : undefined;
  return params?.find((p) => p.name === name);
}

function onParamEvent(e: Event): void {
  const el = e.target as HTMLInputElement | HTMLSelectElement;
  const noneName = el.getAttribute('data-param-none');
  if (noneName && e.type === 'change') {
    const c = currentControl(noneName);
    const num = document.querySelector<HTMLInputElement>(`input[type="number"][data-param="${CSS.escape(noneName)}"]`);
    const fallback = typeof c?.default === 'number' ? c.default : c?.min ?? 0;
    const v = (el as HTMLInputElement).checked ? null : (num && num.value !== '' ? Number(num.value) : fallback);
    sendParam({ type: 'setParam', name: noneName, value: v });
    return;
  }
  const name = el.getAttribute('data-param');
  if (!name) return;
  let value: ParamValue = null;
  let text: string | undefined;
  if (el instanceof HTMLSelectElement) { if (e.type !== 'change') return; value = el.value === '__none__' ? null : el.value; }
  else if (el.type === 'checkbox') { if (e.type !== 'change') return; value = el.checked; }
  else if (el.type === 'range') {
    // 'input' fires while dragging; the closing 'change' carries the same value.
    if (e.type !== 'input') return;
    value = Number(el.value);
    const num = document.querySelector<HTMLInputElement>(`input[type="number"][data-param="${CSS.escape(name)}"]`);
    if (num) num.value = el.value;
  } else if (el.type === 'number') {
    if (e.type !== 'change' || el.value === '' || !Number.isFinite(Number(el.value))) return;
    value = Number(el.value);
    const range = document.querySelector<HTMLInputElement>(`input[type="range"][data-param="${CSS.escape(name)}"]`);
    if (range) range.value = el.value;
  } else {
    // free text (lists, None): the host reads it as Python does
    if (e.type !== 'change') return;
    text = el.value;
  }
  sendParam(text === undefined ? { type: 'setParam', name, value } : { type: 'setParam', name, value, text });
}

function renderReduction(r: ResultState['reduction']): void {
  show(byId('reduction-wrap'), !!r);
  if (!r) return;
  const sel = byId<HTMLSelectElement>('reduction-select');
  const key = r.choices.join(',');
  if (sel.dataset.key !== key) {
    sel.dataset.key = key;
    clear(sel);
    for (const c of r.choices) sel.append(h('option', { value: c, text: c === 'none' ? tr('reductionNone') : c }));
  }
  sel.value = r.value;
}

let compareKey = '';
function renderComparePicker(s: ResultState): void {
  const box = byId('compare-picker');
  byId<HTMLInputElement>('compare-toggle').checked = s.compare.enabled;
  show(box, s.compare.enabled);
  const list = byId('compare-list');
  const key = s.compare.available.join(',');
  if (key !== compareKey) {
    compareKey = key;
    clear(list);
    for (const id of s.compare.available) {
      list.append(h('span', { class: 'compare-item' },
        h('input', { id: `cmp-${id}`, type: 'checkbox', 'data-compare': id }),
        h('label', { for: `cmp-${id}`, text: id })));
    }
  }
  for (const el of Array.from(list.querySelectorAll<HTMLInputElement>('[data-compare]'))) el.checked = s.compare.losses.includes(el.dataset.compare!);
}

function chosenCompare(): string[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>('[data-compare]')).filter((e) => e.checked).map((e) => e.dataset.compare!);
}

// ------------------------------------------------------------------------------------------------ rendering

function arr(v: ArrayView): string {
  const shown = v.values.slice(0, 8).map(fmt).join(', ');
  return `(${v.shape.join(', ')}${v.shape.length === 1 ? ',' : ''}) [${shown}${v.total > 8 ? ', …' : ''}]`;
}

function renderTrace(s: ResultState): void {
  const warnings = byId('warnings');
  const list = byId('trace-list');
  clear(warnings); clear(list);
  for (const w of s.warnings) warnings.append(h('li', { class: 'warning', 'data-code': w.code }, h('span', { class: 'badge', text: tr('warningBadge') }), ' ', w.message));
  const items: string[] = [];
  if (s.clipped) items.push(tr('clipped', s.clipped.count, fmt(s.clipped.lo), fmt(s.clipped.hi), s.clipped.indices.length ? tr('clippedIndices', s.clipped.indices.slice(0, 12).join(', ') + (s.clipped.count > 12 ? ', …' : '')) : ''));
  if (s.smoothedLabels) items.push(tr('smoothedLabels', arr(s.smoothedLabels)));
  if (s.renormalizedRows) items.push(tr('renormalized', s.renormalizedRows.count, s.renormalizedRows.rows.slice(0, 12).join(', '), s.renormalizedRows.sums.slice(0, 12).map(short).join(', ')));
  if (s.labelConversion) items.push(s.labelConversion);
  if (s.weights) items.push(tr('weightsApplied', arr(s.weights)));
  for (const n of s.notes) items.push(n);
  for (const t of items) list.append(h('li', { text: t }));
  show(byId('trace'), s.warnings.length + items.length > 0);
}

function renderCurve(s: ResultState): void {
  const canvas = byId<HTMLCanvasElement>('chart-curve');
  const note = byId('note-curve');
  const sweep = byId<HTMLInputElement>('sweep-element');
  sweep.max = String(Math.max(0, s.sweep.count - 1));
  if (document.activeElement !== sweep) sweep.value = String(s.sweep.element);
  byId('sweep-name').textContent = s.sweep.label;
  if (!s.curve) {
    destroyChart('curve');
    show(byId('box-curve'), false);
    note.textContent = s.curveError ?? tr('noCurve');
    show(note, true);
    setTable('table-curve', [tr('figCurve'), ['x', tr('colLoss'), tr('colGradient')], () => []]);
    return;
  }
  show(byId('box-curve'), true);
  show(note, false);
  const c = s.curve;
  drawCurve(canvas, c, theme, s.loss);
  const fin = c.loss.filter((v) => Number.isFinite(v));
  const lo = fin.length ? Math.min(...fin) : NaN, hi = fin.length ? Math.max(...fin) : NaN;
  canvas.setAttribute('aria-label', tr('curveAria', s.loss, short(lo), short(hi), c.xLabel, short(c.x[0]), short(c.x[c.x.length - 1])) +
    (c.current ? tr('curveAriaCurrent', short(c.current.x), short(c.current.loss), short(c.current.grad)) : ''));
  setTable('table-curve', [tr('curveTable', c.xLabel), [c.xLabel, tr('colLoss'), s.torch ? `d/d${argNames(s).pred}` : 'dL/dy_pred'], () => {
    const rows = c.x.map((x, i) => [fmt(x), fmt(c.loss[i]), fmt(c.grad[i])]);
    if (c.current) rows.unshift([tr('colCurrent', fmt(c.current.x)), fmt(c.current.loss), fmt(c.current.grad)]);
    return rows;
  }]);
}

function renderCompare(s: ResultState): void {
  const fig = byId('fig-compare');
  const data = s.compare.enabled ? s.compare.data : null;
  show(fig, !!data);
  if (!data) { destroyChart('compare'); return; }
  const canvas = byId<HTMLCanvasElement>('chart-compare');
  drawCompare(canvas, data, s.curve, tr('currentSeries', s.loss), theme);
  const errors = data.series.filter((x) => x.error).map((x) => `${x.label}: ${x.error}`);
  const note = byId('note-compare');
  note.textContent = errors.join(' · ');
  show(note, errors.length > 0);
  const ok = data.series.filter((x) => !x.error);
  canvas.setAttribute('aria-label', tr('compareAria', data.xLabel, [s.loss, ...ok.map((x) => x.label)].join(', ')));
  const headers = [data.xLabel, ...(s.curve ? [s.loss] : []), ...ok.map((x) => x.label)];
  const curve = s.curve;
  setTable('table-compare', [tr('figCompare'), headers, () => data.x.map((x, i) => [fmt(x), ...(curve ? [fmt(curve.loss[i])] : []), ...ok.map((ser) => fmt(ser.values[i]))])]);
}

const MAX_BARS = 500;

type TableSpec = [caption: string, headers: string[], rows: () => string[][], total?: number];
const tableSpecs = new Map<string, TableSpec>();
/**
 * The data tables are the charts' text alternatives. They are built when their <details> is open (or opened),
 * so a slider drag on a large input does not rebuild thousands of rows nobody is reading.
 */
function setTable(id: string, spec: TableSpec): void {
  tableSpecs.set(id, spec);
  const table = byId<HTMLTableElement>(id);
  const details = table.closest('details');
  if (!details || details.open) fillFromSpec(id);
  else table.dataset.stale = '1';
}
function fillFromSpec(id: string): void {
  const spec = tableSpecs.get(id);
  const table = byId<HTMLTableElement>(id);
  if (!spec) return;
  const rows = spec[2]();
  fillTable(table, spec[0], spec[1], rows, spec[3] ?? rows.length);
  delete table.dataset.stale;
}

/** The values of `v` for the flat indices start … start + n − 1 (the pager made sure the window holds them). */
function slice(v: ArrayView, start: number, n: number): (number | null)[] {
  const o = start - (v.offset ?? 0);
  return v.values.slice(o, o + n);
}

function renderSamples(s: ResultState): void {
  const canvas = byId<HTMLCanvasElement>('chart-samples');
  const w = s.weighted;
  const pg = page('samples', w);
  if (!pg) return; // the window of this page is on its way from the host
  const start = pg.start, n = Math.min(pg.values.length, MAX_BARS);
  const labels = Array.from({ length: n }, (_, i) => indexLabel(start + i, w.shape) || tr('allSamples'));
  const same = s.perSample.total === w.total;
  // A scalar per-sample value (rank-1 inputs reduce over their only axis) broadcast against per-element weights.
  const scalarPer = s.perSample.total === 1 && w.total > 1;
  const perVals = scalarPer ? new Array<number | null>(n).fill(s.perSample.values[0]) : same ? slice(s.perSample, start, n) : s.perSample.values.slice(0, n);
  const wVals = pg.values.slice(0, n);
  const unweighted = (same || scalarPer) && (s.weights || perVals.some((v, i) => v !== wVals[i])) ? perVals : null;
  const weights = s.weights && s.weights.total === w.total ? slice(s.weights, start, n) : null;
  drawSamples(canvas, { labels, unweighted, weighted: wVals, weights }, theme);
  const note = byId('note-samples');
  const parts: string[] = [];
  if (scalarPer) parts.push(tr('scalarPerSample', fmt(s.perSample.values[0]), w.total));
  else if (!same) parts.push(tr('perSampleBroadcast', arr(s.perSample), w.shape.join('×') || tr('aScalar')));
  note.textContent = parts.join(' ');
  show(note, parts.length > 0);
  canvas.setAttribute('aria-label', tr(s.weights ? 'samplesAriaWeighted' : 'samplesAria', w.total, s.reductionText));
  const headers = [tr('colSample'), tr('colLoss'), ...(weights ? [tr('colWeight')] : []), s.weights ? tr('colWeighted') : tr('colAsReduced')];
  setTable('table-samples', [tr('figSamples'), headers, () => labels.map((l, i) => [l, same || scalarPer ? fmt(perVals[i]) : '', ...(weights ? [fmt(weights[i])] : []), fmt(wVals[i])]), w.total - start]);
}

function renderGrad(s: ResultState): void {
  const canvas = byId<HTMLCanvasElement>('chart-grad');
  const g = s.grad;
  const box = byId('box-grad');
  const pick = (i: number) => sendParam({ type: 'setSweepElement', element: i });
  const note = byId('note-grad');
  const names = argNames(s);
  const sameT = s.yTrue.total === g.total;
  const pg = page('grad', g);
  if (!pg) return;
  const start = pg.start, n = Math.min(pg.values.length, MAX_BARS);
  if (g.shape.length >= 2 && s.gradMap) {
    const map = s.gradMap;
    const lead = g.shape.slice(0, -1);
    const rb = map.rowStarts.length, cb = map.colStarts.length;
    box.classList.add('heatmap');
    box.style.height = `${Math.min(520, Math.max(200, rb * 26 + 90))}px`;
    drawGradHeatmap(canvas, map, s.sweep.element, s.gradAxes, (r) => (lead.length === 1 ? tick(r) : indexLabel(r, lead)), theme, pick);
    canvas.setAttribute('aria-label', tr('heatmapAria', g.shape.join(', '), map.rows, map.cols));
    let maxAbs = 0;
    for (const v of map.values) if (v !== null) maxAbs = Math.max(maxAbs, Math.abs(v));
    note.textContent = tr('heatmapNote', short(maxAbs)) + (rb * cb < map.rows * map.cols ? tr('heatmapBinned', map.rows, map.cols, rb, cb) : '');
  } else {
    box.classList.remove('heatmap');
    box.style.height = '';
    const labels = Array.from({ length: n }, (_, i) => indexLabel(start + i, g.shape) || '()');
    drawGradBars(canvas, labels, pg.values.slice(0, n), s.sweep.element - start, theme, (i) => pick(start + i));
    canvas.setAttribute('aria-label', tr('barsAria', g.total));
    note.textContent = '';
  }
  if (s.valueShape.length > 0) note.textContent = tr('tensorResult', s.valueShape.join(', '), note.textContent);
  show(note, note.textContent !== '');
  const gv = pg.values.slice(0, n), tv = sameT ? slice(s.yTrue, start, n) : [], pv = slice(s.yPred, start, n);
  setTable('table-grad', [tr('gradTable'), [tr('colIndex'), names.truth, names.pred, s.torch ? `d/d${names.pred}` : 'dL/dy_pred'],
    () => gv.map((v, i) => [indexLabel(start + i, g.shape) || '()', sameT ? fmt(tv[i]) : '', fmt(pv[i]), fmt(v)]), g.total - start]);
}

/** Redraws a paged view from the state it has (a page inside the window the host sent). */
function redrawPaged(view: PagedView): void {
  if (current?.kind !== 'result') return;
  if (view === 'samples') renderSamples(current); else renderGrad(current);
}

let persistTimer: ReturnType<typeof setTimeout> | null = null;
let persisted: WebviewPersisted = {};
/** setState serialises the whole session (the user's arrays): coalesce the calls while a slider moves. */
function persist(s: PanelState): void {
  persisted = s.kind === 'empty' || !s.session ? {} : { session: s.session };
  if (s.kind === 'result' && s.yTrue.total + s.yPred.total > MAX_PERSISTED_ELEMENTS && persisted.session) {
    const r = persisted.session.request;
    persisted = { session: { ...persisted.session, dataDropped: true, request: { ...r, yTrue: [], yPred: [], sampleWeight: null, ...(r.args ? { args: {} } : {}) } } };
  }
  if (persistTimer) return;
  persistTimer = setTimeout(() => { persistTimer = null; vscode.setState(persisted); }, 250);
}

/**
 * What each part of a result's view is drawn from (ResultState keys): a patch that changes none of them leaves
 * that part as it is (a page move does not redraw the curve, a slider step does not rebuild the loss picker).
 */
const DRAWN_FROM: Record<string, readonly string[]> = {
  params: ['params', 'custom'],
  reduction: ['reduction'],
  trace: ['warnings', 'clipped', 'smoothedLabels', 'renormalizedRows', 'labelConversion', 'weights', 'notes'],
  comparePicker: ['compare'],
  curve: ['curve', 'curveError', 'sweep', 'loss', 'torch'],
  compare: ['compare', 'curve', 'loss'],
  samples: ['perSample', 'weighted', 'weights', 'reductionText'],
  grad: ['grad', 'gradMap', 'gradAxes', 'sweep', 'yTrue', 'yPred', 'valueShape', 'torch'],
};

/** Renders a state; `changed`: the keys a patch changed on the state shown before (absent: everything). */
function render(s: PanelState, changed?: Set<string>): void {
  const t0 = performance.now();
  // A switch between the plots and the Frameworks view shows parts that were hidden: everything is drawn then.
  if (changed?.has('frameworks')) changed = undefined;
  for (const k of Object.keys(timings)) delete timings[k];
  current = s;
  persist(s);
  byId('title').textContent = s.title;
  fillLossSelect(s.lossOptions ?? [], s.kind === 'result' ? s.loss : s.kind === 'error' ? s.loss : undefined);
  document.body.dataset.state = s.kind;
  show(byId('empty'), s.kind === 'empty');
  show(byId('error'), s.kind === 'error');
  const isResult = s.kind === 'result';
  const fwView = isResult && s.frameworks?.view === 'frameworks';
  show(byId('summary'), isResult);
  show(byId('charts'), isResult && !fwView);
  show(byId('frameworks'), fwView);
  show(byId('view-tabs'), isResult);
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('#view-tabs [role="tab"]'))) {
    const on = (b.dataset.view === 'frameworks') === fwView;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  if (!isResult) { show(byId('trace'), false); show(byId('compare-picker'), false); }
  byId<HTMLButtonElement>('export-csv').disabled = !isResult;
  byId<HTMLButtonElement>('export-python').disabled = s.kind === 'empty';
  byId<HTMLButtonElement>('reset-params').disabled = s.kind === 'empty';
  // compare mode sweeps Keras losses; a torch call is compared in the Frameworks view
  byId<HTMLInputElement>('compare-toggle').disabled = !isResult || !!s.torch;
  const src = byId<HTMLButtonElement>('open-source');
  const source = s.kind === 'result' ? s.source : s.kind === 'error' ? s.session?.source : undefined;
  show(src, !!source);
  if (source) {
    src.textContent = source.label ?? `${decodeURIComponent(source.uri.replace(/[?#].*$/, '').replace(/^.*\//, ''))}:${source.line}`;
    src.title = tr('goToCall');
  }
  if (s.kind === 'empty') {
    renderWatch(undefined);
    byId('empty-hint').textContent = s.hint;
    renderParams(undefined, true);
    show(byId('reduction-wrap'), false);
    byId('elapsed').textContent = '';
    destroyAll();
    return;
  }
  if (s.kind === 'error') {
    renderError(s);
    renderWatch(s.session?.watch); // after renderError, which clears the other charts
    return;
  }
  renderWatch(s.session?.watch);
  byId('result-value').textContent = s.valueText;
  byId('result-value').classList.toggle('array', s.valueShape.length > 0);
  byId('result-value').setAttribute('aria-label', tr('returnsAria', s.callee, s.valueText));
  byId('reduction-text').textContent = s.reductionText;
  byId('python-call').textContent = s.python;
  const shp = (x: number[]) => `(${x.join(', ')}${x.length === 1 ? ',' : ''})`;
  byId('shapes').textContent = `${tr(s.mode === 'class' ? 'lossClass' : 'lossFunction', s.callee)} · y_true ${shp(s.shapes.yTrue)} · y_pred ${shp(s.shapes.yPred)}` + (s.shapes.sampleWeight ? ` · sample_weight ${shp(s.shapes.sampleWeight)}` : '');
  renderTorch(s);
  byId('elapsed').textContent = tr('evaluatedIn', s.elapsedMs);
  const steps: [string, () => void][] = [
    ['params', () => renderParams(s.params, s.custom)], ['reduction', () => renderReduction(s.reduction)], ['trace', () => renderTrace(s)],
  ];
  if (fwView) {
    // The plots are hidden: drawn again when their view comes back (a hidden canvas has no size to draw into).
    for (const id of ['curve', 'compare', 'samples', 'grad']) destroyChart(id);
    show(byId('compare-picker'), false);
    byId<HTMLInputElement>('compare-toggle').checked = s.compare.enabled;
    steps.push(['frameworks', () => renderFrameworksView(s, theme, setTable)]);
  } else {
    destroyChart('frameworks');
    steps.push(['comparePicker', () => renderComparePicker(s)], ['curve', () => renderCurve(s)], ['compare', () => renderCompare(s)],
      ['samples', () => renderSamples(s)], ['grad', () => renderGrad(s)]);
  }
  for (const [name, f] of steps) {
    const from = DRAWN_FROM[name];
    if (changed && from && !from.some((k) => changed!.has(k))) continue;
    const t = performance.now(); f(); timings[name] = performance.now() - t;
  }
  timings.total = performance.now() - t0;
}

/** A loss watched across debugger stops: the history above the result of the last stop. */
function renderWatch(w: WatchSeries | undefined): void {
  show(byId('watch'), !!w);
  if (!w) { destroyChart('watch'); return; }
  const canvas = byId<HTMLCanvasElement>('chart-watch');
  drawWatch(canvas, w, theme);
  const bad = w.points.filter((p) => p.value === null || p.bad);
  const fin = w.points.filter((p) => p.value !== null).map((p) => p.value as number);
  canvas.setAttribute('aria-label', tr('watchAria', w.label, w.points.length, fin.length ? short(Math.min(...fin)) : '–', fin.length ? short(Math.max(...fin)) : '–', bad.length));
  const note = byId('note-watch');
  const firstBad = bad.find((p) => p.bad || p.error);
  const parts = [w.ended ? tr('watchEnded', w.points.length) : w.points.length ? '' : tr('watchWaiting'), firstBad ? `${tr('colStop')} ${firstBad.stop}: ${firstBad.bad ?? firstBad.error}` : ''].filter(Boolean);
  note.textContent = parts.join(' · ');
  show(note, parts.length > 0);
  setTable('table-watch', [tr('figWatch'), [tr('colStop'), tr('colWhere'), tr('colValue'), tr('colNote')], () => w.points.map((p) => [String(p.stop), p.where ?? '', p.text, [p.bad, p.error].filter(Boolean).join(' · ')])]);
}

/** Milliseconds of each part of the last render (read by the webview test). */
const timings: Record<string, number> = {};

function renderError(s: ErrorState): void {
  byId('error-message').textContent = s.message;
  renderParams(s.params, false);
  show(byId('reduction-wrap'), false);
  byId('elapsed').textContent = '';
  destroyAll();
  if (s.argument) {
    const el = document.querySelector<HTMLElement>(`[data-row="${CSS.escape(s.argument)}"]`);
    for (const r of Array.from(document.querySelectorAll('.param.invalid'))) r.classList.remove('invalid');
    el?.classList.add('invalid');
  }
}

// ------------------------------------------------------------------------------------------------ wiring

function wire(): void {
  byId('param-list').addEventListener('input', onParamEvent);
  byId('param-list').addEventListener('change', onParamEvent);
  byId('loss-select').addEventListener('change', (e) => {
    const v = (e.target as HTMLSelectElement).value;
    if (v && (current?.kind !== 'result' || !current.custom || v !== current.loss)) post({ type: 'setLoss', loss: v });
  });
  byId('reduction-select').addEventListener('change', (e) => post({ type: 'setReduction', reduction: (e.target as HTMLSelectElement).value }));
  byId('compare-toggle').addEventListener('change', (e) => post({ type: 'setCompare', enabled: (e.target as HTMLInputElement).checked, losses: current?.kind === 'result' ? current.compare.losses : undefined }));
  byId('compare-list').addEventListener('change', () => post({ type: 'setCompare', enabled: true, losses: chosenCompare() }));
  byId('sweep-element').addEventListener('change', (e) => {
    const v = Number((e.target as HTMLInputElement).value);
    if (Number.isInteger(v) && v >= 0) sendParam({ type: 'setSweepElement', element: v });
  });
  for (const d of Array.from(document.querySelectorAll('details.data-table'))) {
    d.addEventListener('toggle', () => {
      const t = d.querySelector('table');
      if ((d as HTMLDetailsElement).open && t && t.dataset.stale) fillFromSpec(t.id);
    });
  }
  wirePager((view, offset) => { post({ type: 'setPage', view, offset }); }, redrawPaged);
  byId('view-tabs').addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-view]');
    const view = b?.dataset.view;
    if (current?.kind !== 'result' || (view !== 'plots' && view !== 'frameworks') || view === current.frameworks.view) return;
    post({ type: 'setView', view });
  });
  // Tabs: the arrow keys move between them (WAI-ARIA tabs pattern); Enter/Space activate as buttons do.
  byId('view-tabs').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('#view-tabs [role="tab"]'));
    const i = tabs.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    e.preventDefault();
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
  });
  byId('fw-table').addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-copy]');
    const rows = current?.kind === 'result' ? current.frameworks.data?.rows : undefined;
    const row = b && rows ? rows[Number(b.dataset.copy)] : undefined;
    if (row) post({ type: 'copyText', text: row.snippet });
  });
  byId('reset-params').addEventListener('click', () => post({ type: 'resetParams' }));
  byId('export-csv').addEventListener('click', () => post({ type: 'exportCsv' }));
  byId('export-python').addEventListener('click', () => post({ type: 'exportPython' }));
  byId('open-source').addEventListener('click', () => post({ type: 'openSource' }));
  byId('app').addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-export]');
    if (!b) return;
    const chart = b.dataset.export as ChartId;
    const url = chartPng(chart, theme.background);
    if (!url) { status(tr('chartNotDrawn', chart), true); return; }
    post({ type: 'exportPng', chart, dataUrl: url });
  });
  // Keyboard: arrow keys on a focused gradient chart move the swept element.
  byId('chart-grad').addEventListener('keydown', (e) => {
    if (current?.kind !== 'result') return;
    const s = current;
    const cols = s.grad.shape.length >= 2 ? s.grad.shape[s.grad.shape.length - 1] : 1;
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowDown' ? cols : e.key === 'ArrowUp' ? -cols : 0;
    if (!d) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(s.sweep.count - 1, s.sweep.element + d));
    if (next !== s.sweep.element) { showIndex('grad', next); sendParam({ type: 'setSweepElement', element: next }); }
  });
  window.addEventListener('message', (ev: MessageEvent) => {
    const m = ev.data as HostToWebview;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'state') {
      const state = m.sameData ? withData(m.state, lastSession()) : m.state;
      try { render(state); } catch (err) { showFatal(err as Error); }
    } else if (m.type === 'patch') {
      // A step on the result shown: the rest of the state stays as it is. Without a result to patch (cannot
      // happen in order, but a lost state must not leave the view stale) the host is asked for the whole state.
      if (current?.kind !== 'result') { post({ type: 'ready' }); return; }
      let state: PanelState;
      try { state = applyPatch(current, m.ops); } catch { post({ type: 'ready' }); return; }
      try { render(state, changedKeys(m.ops)); } catch (err) { showFatal(err as Error); }
    } else if (m.type === 'reply') onReply(m);
  });
  watchTheme(() => {
    theme = readTheme();
    destroyAll();
    if (current) render(current);
  });
}

function lastSession(): PanelSession | undefined {
  return current && current.kind !== 'empty' ? current.session : persisted.session;
}

function showFatal(err: Error): void {
  const box = byId('error');
  byId('error-message').textContent = tr('cannotDraw', err.message);
  show(box, true);
}

function start(): void {
  buildSkeleton();
  theme = readTheme();
  wire();
  (window as unknown as { __lossInspector: unknown }).__lossInspector = { charts: { get: getChart }, multiIndex, timings, state: () => current };
  post({ type: 'ready' });
}

start();
