/**
 * The panel's Frameworks view (browser side): the call beside its ports in Keras 3, tf.keras 2, PyTorch and optax
 * as a table (framework, the call with a Copy button for its runnable snippet, value, why it differs) and every
 * row's number along the main plot's sweep, overlaid. Every number comes from the host (compare.ts); this only draws.
 */
import type { TooltipItem } from 'chart.js';
import type { FrameworkRowView, FrameworksData, ResultState } from '../shared/protocol';
import { h, byId, show, clear } from './dom';
import { upsert, axis, baseOptions, pts, destroyChart, type AnyChart } from './charts';
import type { Theme } from './theme';
import { fmt, short } from './format';
import { tr } from './i18n';

const NAMES: Record<FrameworkRowView['framework'], string> = { keras3: 'Keras 3', keras2: 'tf.keras 2', pytorch: 'PyTorch', optax: 'optax' };

/** The row's name in the legend and the table: its number and framework ('#3 PyTorch'). */
export function rowName(r: FrameworkRowView, i: number): string {
  return `#${i + 1} ${NAMES[r.framework] ?? r.framework}`;
}

/** The rows overlaid on one sweep: the source thick in the foreground colour, rows that give its number dashed. */
export function drawFrameworks(canvas: HTMLCanvasElement, d: FrameworksData, t: Theme): AnyChart {
  const datasets: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  d.rows.forEach((r, i) => {
    const source = r.role === 'source';
    const c = source ? t.foreground : t.palette[(i - 1) % (t.palette.length - 1)];
    datasets.push({
      type: 'line', label: `${rowName(r, i)}${source ? ` (${tr('fwSource')})` : r.same ? ` (= ${tr('fwSource')})` : ''}`, data: pts(d.x, d.series[i] ?? []),
      borderColor: c, backgroundColor: c, borderWidth: source ? t.lineWidth + 1 : t.lineWidth, pointRadius: 0,
      borderDash: !source && r.same ? [7, 5] : [], spanGaps: false, order: source ? 0 : 1,
      // One value per example, plotted as their sum: N× the batch value, it would flatten the other curves. Shown
      // from the legend (a click), like any row.
      hidden: !source && r.unreduced,
    });
  });
  const src = d.rows[0];
  if (d.current !== undefined && src && src.value !== null) {
    datasets.push({ type: 'scatter', label: tr('currentInput'), data: [{ x: d.current, y: src.value }], borderColor: t.current, backgroundColor: t.current, pointRadius: 6, pointHoverRadius: 8 });
  }
  const o = baseOptions(t);
  o.normalized = false; // rows that raise leave gaps (null)
  o.scales = { x: axis(t, d.xLabel, { type: 'linear' }), y: axis(t, tr('fwYAxis')) };
  o.plugins.tooltip.callbacks = {
    title: (items: TooltipItem<'line'>[]) => (items.length ? `x = ${fmt(items[0].parsed.x)}` : ''),
    label: (it: TooltipItem<'line'>) => {
      const r = d.rows[it.datasetIndex];
      return r ? `${it.dataset.label}: ${fmt(it.parsed.y)} — ${r.call}` : `${it.dataset.label}: ${fmt(it.parsed.y)}`;
    },
  };
  return upsert('frameworks', canvas, { type: 'line', data: { datasets }, options: o });
}

let tableKey = '';
/** The rows as a table; rebuilt only when the rows themselves change (a slider keeps the focus on a Copy button). */
export function renderFrameworksTable(table: HTMLTableElement, d: FrameworksData): void {
  const key = JSON.stringify(d.rows.map((r) => [r.framework, r.call, r.valueText, r.same, r.why, r.snippet.length]));
  if (key === tableKey && table.tBodies.length) return;
  tableKey = key;
  clear(table);
  table.append(h('caption', { text: tr('fwCaption') }));
  table.append(h('thead', {}, h('tr', {}, ...[tr('fwColFramework'), tr('fwColCall'), tr('colValue'), tr('fwColSame'), tr('fwColWhy')].map((x) => h('th', { scope: 'col', text: x })))));
  const body = h('tbody');
  d.rows.forEach((r, i) => {
    const same = r.role === 'source' ? tr('fwSource') : r.same ? tr('fwYes') : tr('fwNo');
    body.append(h('tr', { class: `fw-row fw-${r.role}${r.same ? ' fw-same' : ''}`, 'data-row': i },
      h('th', { scope: 'row', text: rowName(r, i) }),
      h('td', { class: 'fw-call' }, h('div', { class: 'fw-call-inner' },
        h('code', { text: r.call }),
        h('button', { type: 'button', class: 'secondary fw-copy', 'data-copy': i, title: tr('fwCopyTitle'), 'aria-label': tr('fwCopyAria', rowName(r, i)), text: tr('fwCopy') }))),
      h('td', { class: 'fw-value', text: r.valueText + (r.unreduced ? ` (${tr('fwPerExample')})` : '') }),
      h('td', { class: 'fw-same-cell', text: same }),
      h('td', { class: 'fw-why', text: r.why })));
  });
  table.append(body);
}

/** The view for a result: error, scope, warnings, the table, the chart (with its data table) and notes. */
export function renderFrameworksView(s: ResultState, t: Theme, setTable: (id: string, spec: [string, string[], () => string[][]]) => void): void {
  const f = s.frameworks;
  const d = f.data;
  const err = byId('fw-error');
  err.textContent = f.error ?? '';
  show(err, !!f.error);
  show(byId('fw-body'), !!d);
  if (!d) { destroyChart('frameworks'); return; }
  const scope = byId('fw-scope');
  scope.textContent = d.scope ?? '';
  show(scope, !!d.scope);
  const warnings = byId('fw-warnings');
  clear(warnings);
  for (const w of d.warnings) warnings.append(h('li', { class: 'warning' }, h('span', { class: 'badge', text: tr('warningBadge') }), ' ', w));
  show(warnings, d.warnings.length > 0);
  renderFrameworksTable(byId<HTMLTableElement>('fw-table'), d);
  const notes = byId('fw-notes');
  clear(notes);
  for (const n of d.notes) notes.append(h('li', { text: n }));
  show(notes, d.notes.length > 0);
  const canvas = byId<HTMLCanvasElement>('chart-frameworks');
  const box = byId('box-frameworks');
  show(box, d.x.length > 0);
  if (!d.x.length) { destroyChart('frameworks'); return; }
  drawFrameworks(canvas, d, t);
  const note = byId('note-frameworks');
  note.textContent = d.rows.some((r) => r.unreduced) ? tr('fwHiddenNote') : '';
  show(note, note.textContent !== '');
  const names = d.rows.map((r, i) => rowName(r, i));
  canvas.setAttribute('aria-label', tr('fwAria', d.rows.length, d.xLabel, short(d.x[0]), short(d.x[d.x.length - 1])));
  setTable('table-frameworks', [tr('figFrameworks'), [d.xLabel, ...names], () => d.x.map((x, k) => [fmt(x), ...d.series.map((ser) => fmt(ser[k]))])]);
}
