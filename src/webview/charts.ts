/**
 * The panel's charts (Chart.js 4, tree-shaken; chartjs-chart-matrix for the gradient heatmap). Each function
 * creates the chart on first use and updates it in place afterwards, so dragging a slider redraws without
 * rebuilding anything. No animations: every state is drawn at once.
 */
import {
  Chart, LineController, LineElement, PointElement, LinearScale, CategoryScale, BarController, BarElement,
  ScatterController, Tooltip, Legend, type ChartConfiguration, type TooltipItem,
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import type { CompareData, CurveData, GradMap, WatchSeries } from '../shared/protocol';
import { divergingColor, Theme } from './theme';
import { fmt, tick } from './format';
import { tr } from './i18n';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, BarController, BarElement, ScatterController, Tooltip, Legend, MatrixController, MatrixElement);

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyChart = Chart<any, any, any>;

const charts = new Map<string, AnyChart>();

export function getChart(id: string): AnyChart | undefined {
  return charts.get(id);
}

export function destroyChart(id: string): void {
  charts.get(id)?.destroy();
  charts.delete(id);
}

export function destroyAll(): void {
  for (const id of [...charts.keys()]) destroyChart(id);
}

export function baseOptions(t: Theme): any {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false },
    color: t.foreground,
    borderColor: t.grid,
    font: { family: t.fontFamily, size: t.fontSize },
    plugins: {
      legend: { labels: { color: t.foreground, boxWidth: 14, font: { family: t.fontFamily, size: t.fontSize } } },
      tooltip: {
        backgroundColor: t.background, titleColor: t.foreground, bodyColor: t.foreground,
        borderColor: t.highContrast ? t.border : t.grid, borderWidth: 1,
        titleFont: { family: t.fontFamily }, bodyFont: { family: t.fontFamily },
      },
    },
  };
}

export function axis(t: Theme, title: string, extra: any = {}): any {
  const a = {
    grid: { color: t.grid, tickColor: t.grid },
    border: { color: t.highContrast ? t.foreground : t.grid },
    ticks: { color: t.foreground, font: { family: t.fontFamily, size: t.fontSize - 1 } },
    title: { display: !!title, text: title, color: t.foreground, font: { family: t.fontFamily, size: t.fontSize } },
    ...extra,
  };
  // Every numeric axis labels its ticks compactly (Chart.js's default prints 1.0000000E-6 for small steps).
  if (a.type !== 'category' && !a.ticks.callback) a.ticks = { ...a.ticks, callback: (v: number | string) => tick(Number(v)) };
  return a;
}

/** Creates the chart, or replaces its data and options when it exists with the same type. */
export function upsert(id: string, canvas: HTMLCanvasElement, config: ChartConfiguration<any>): AnyChart {
  const old = charts.get(id);
  if (old && (old.config as any).type === config.type && old.canvas === canvas) {
    old.data = config.data as any;
    old.options = config.options as any;
    old.update('none');
    return old;
  }
  old?.destroy();
  const c = new Chart(canvas, config);
  charts.set(id, c);
  return c;
}

export const pts = (x: number[], y: (number | null)[]) => x.map((xi, i) => ({ x: xi, y: y[i] === null || !Number.isFinite(y[i] as number) ? null : y[i] }));

/** The loss curve with the gradient on a second axis and the current point marked. */
export function drawCurve(canvas: HTMLCanvasElement, curve: CurveData, t: Theme, lossName: string): AnyChart {
  const datasets: any[] = [
    { type: 'line', label: tr('lossOf', lossName), data: pts(curve.x, curve.loss), borderColor: t.loss, backgroundColor: t.loss, borderWidth: t.lineWidth, pointRadius: 0, yAxisID: 'y', spanGaps: false },
    { type: 'line', label: 'dL/dy_pred', data: pts(curve.x, curve.grad), borderColor: t.grad, backgroundColor: t.grad, borderWidth: t.lineWidth, borderDash: [6, 4], pointRadius: 0, yAxisID: 'y1' },
  ];
  if (curve.current && Number.isFinite(curve.current.loss)) {
    datasets.push({ type: 'scatter', label: tr('currentInput'), data: [{ x: curve.current.x, y: curve.current.loss }], borderColor: t.current, backgroundColor: t.current, pointRadius: 6, pointHoverRadius: 8, pointStyle: 'circle', yAxisID: 'y' });
  }
  const o = baseOptions(t);
  o.scales = {
    x: axis(t, curve.xLabel, { type: 'linear' }),
    y: axis(t, curve.yLabel ?? tr('colLoss'), { position: 'left' }),
    y1: axis(t, tr('colGradient'), { position: 'right', grid: { drawOnChartArea: false, color: t.grid } }),
  };
  o.plugins.tooltip.callbacks = {
    title: (items: TooltipItem<'line'>[]) => items.length ? `x = ${fmt(items[0].parsed.x)}` : '',
    label: (it: TooltipItem<'line'>) => `${it.dataset.label}: ${fmt(it.parsed.y)}`,
  };
  return upsert('curve', canvas, { type: 'line', data: { datasets }, options: o });
}

/** Compare mode: several losses on the same sweep (the main loss drawn thicker). */
export function drawCompare(canvas: HTMLCanvasElement, data: CompareData, main: CurveData | null, mainLabel: string, t: Theme): AnyChart {
  const datasets: any[] = [];
  if (main) datasets.push({ type: 'line', label: mainLabel, data: pts(main.x, main.loss), borderColor: t.foreground, backgroundColor: t.foreground, borderWidth: t.lineWidth + 1, pointRadius: 0 });
  data.series.forEach((s, i) => {
    if (s.error) return;
    const c = t.palette[i % (t.palette.length - 1)];
    datasets.push({ type: 'line', label: s.label, data: pts(data.x, s.values), borderColor: c, backgroundColor: c, borderWidth: t.lineWidth, pointRadius: 0, borderDash: i % 2 ? [5, 3] : [] });
  });
  const o = baseOptions(t);
  o.scales = { x: axis(t, data.xLabel, { type: 'linear' }), y: axis(t, tr('colLoss')) };
  o.plugins.tooltip.callbacks = {
    title: (items: TooltipItem<'line'>[]) => items.length ? `x = ${fmt(items[0].parsed.x)}` : '',
    label: (it: TooltipItem<'line'>) => `${it.dataset.label}: ${fmt(it.parsed.y)}`,
  };
  return upsert('compare', canvas, { type: 'line', data: { datasets }, options: o });
}

/** A watched loss against the stop count; stops with non-finite inputs or results are marked on the axis floor. */
export function drawWatch(canvas: HTMLCanvasElement, w: WatchSeries, t: Theme): AnyChart {
  const finite = w.points.filter((p) => p.value !== null).map((p) => p.value as number);
  const floor = finite.length ? Math.min(...finite) : 0;
  const bad = w.points.filter((p) => p.value === null || p.bad);
  const datasets: any[] = [
    { type: 'line', label: w.label, data: w.points.map((p) => ({ x: p.stop, y: p.value })), borderColor: t.loss, backgroundColor: t.loss, borderWidth: t.lineWidth, pointRadius: 3, spanGaps: false },
    { type: 'scatter', label: tr('watchBadSeries'), data: bad.map((p) => ({ x: p.stop, y: p.value ?? floor })), borderColor: t.current, backgroundColor: t.current, pointRadius: 7, pointHoverRadius: 9, pointStyle: 'crossRot', borderWidth: 3 },
  ];
  const o = baseOptions(t);
  // Not `normalized`: the series has gaps (null at bad stops), and the y range must cover every finite stop.
  o.normalized = false;
  const hi = finite.length ? Math.max(...finite) : 1;
  o.scales = { x: axis(t, tr('stopAxis'), { type: 'linear', ticks: { precision: 0, color: t.foreground } }), y: axis(t, tr('colLoss'), { suggestedMin: floor, suggestedMax: hi }) };
  o.plugins.tooltip.callbacks = {
    title: (items: TooltipItem<'line'>[]) => items.length ? `${tr('colStop')} ${items[0].parsed.x}` : '',
    label: (it: TooltipItem<'line'>) => {
      const p = w.points.find((q) => q.stop === it.parsed.x);
      return p ? `${p.text}${p.bad ? ` — ${p.bad}` : ''}${p.error ? ` — ${p.error}` : ''}` : '';
    },
  };
  return upsert('watch', canvas, { type: 'line', data: { datasets }, options: o });
}

export interface SampleBars {
  labels: string[];
  unweighted: (number | null)[] | null;
  weighted: (number | null)[];
  weights: (number | null)[] | null;
}

/** Per-sample losses as bars, unweighted and weighted side by side. */
export function drawSamples(canvas: HTMLCanvasElement, s: SampleBars, t: Theme): AnyChart {
  const datasets: any[] = [];
  if (s.unweighted) datasets.push({ label: tr('perSampleUnweighted'), data: s.unweighted, backgroundColor: t.unweighted, borderColor: t.highContrast ? t.foreground : t.unweighted, borderWidth: t.highContrast ? 1 : 0 });
  datasets.push({ label: s.weights ? tr('weightedTimes') : s.unweighted ? tr('asReducedMasked') : tr('perSampleLoss'), data: s.weighted, backgroundColor: t.weighted, borderColor: t.highContrast ? t.foreground : t.weighted, borderWidth: t.highContrast ? 1 : 0 });
  const o = baseOptions(t);
  o.interaction = { mode: 'index', intersect: false };
  o.scales = { x: axis(t, tr('colSample'), { type: 'category', ticks: { color: t.foreground, autoSkip: true, maxRotation: 0 } }), y: axis(t, tr('colLoss'), { beginAtZero: true }) };
  o.plugins.legend.display = true;
  o.plugins.tooltip.callbacks = {
    label: (it: TooltipItem<'bar'>) => `${it.dataset.label}: ${fmt(it.parsed.y)}`,
    afterBody: (items: TooltipItem<'bar'>[]) => (s.weights && items.length ? tr('weightTooltip', fmt(s.weights[items[0].dataIndex] ?? NaN)) : ''),
  };
  return upsert('samples', canvas, { type: 'bar', data: { labels: s.labels, datasets }, options: o });
}

/** Rank ≤ 1: the gradient as bars; the swept element highlighted. */
export function drawGradBars(canvas: HTMLCanvasElement, labels: string[], values: (number | null)[], swept: number, t: Theme, onPick: (i: number) => void): AnyChart {
  const colors = values.map((_, i) => (i === swept ? t.current : t.grad));
  const o = baseOptions(t);
  o.scales = { x: axis(t, tr('yPredElement'), { type: 'category', ticks: { color: t.foreground, autoSkip: true, maxRotation: 0 } }), y: axis(t, 'dL/dy_pred') };
  o.plugins.legend.display = false;
  o.plugins.tooltip.callbacks = { label: (it: TooltipItem<'bar'>) => `dL/d${labels[it.dataIndex]}: ${fmt(it.parsed.y)}` };
  o.onClick = (_e: unknown, els: { index: number }[]) => { if (els.length) onPick(els[0].index); };
  return upsert('grad', canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: 'dL/dy_pred', data: values, backgroundColor: colors, borderColor: t.highContrast ? t.foreground : colors, borderWidth: t.highContrast ? 1 : 0 }] },
    options: o,
  });
}

/**
 * Rank ≥ 2: the gradient as a heatmap of the whole array (rows × last axis), decimated into bins by the host
 * (GradMap). The axes are in the array's own indices, so ticks are nice numbers that Chart.js spaces for the
 * width (0, 200, 400 … at 1000 columns), not one label per cell. Hover shows the value, click sweeps that element.
 */
export function drawGradHeatmap(canvas: HTMLCanvasElement, map: GradMap, swept: number, axes: { rows: string; cols: string }, rowLabel: (r: number) => string, t: Theme, onPick: (i: number) => void): AnyChart {
  let maxAbs = 0;
  for (const v of map.values) if (v !== null && Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const rb = map.rowStarts.length, cb = map.colStarts.length;
  const end = (starts: number[], k: number, n: number) => (k + 1 < starts.length ? starts[k + 1] : n);
  const sweptRow = Math.floor(swept / map.cols), sweptCol = swept % map.cols;
  const data: { x: number; y: number; w: number; h: number; v: number | null; i: number; r0: number; r1: number; c0: number; c1: number; swept: boolean }[] = [];
  for (let r = 0; r < rb; r++) {
    const r0 = map.rowStarts[r], r1 = end(map.rowStarts, r, map.rows);
    for (let c = 0; c < cb; c++) {
      const c0 = map.colStarts[c], c1 = end(map.colStarts, c, map.cols);
      const k = r * cb + c;
      data.push({ x: (c0 + c1 - 1) / 2, y: (r0 + r1 - 1) / 2, w: c1 - c0, h: r1 - r0, v: map.values[k], i: map.index[k], r0, r1, c0, c1,
        swept: sweptRow >= r0 && sweptRow < r1 && sweptCol >= c0 && sweptCol < c1 });
    }
  }
  const o = baseOptions(t);
  o.interaction = { mode: 'nearest', intersect: true };
  o.plugins.legend.display = false;
  // Integer ticks inside the array only (min/max sit half a cell outside it).
  const inside = (n: number) => (ax: any) => { ax.ticks = ax.ticks.filter((x: { value: number }) => Number.isInteger(x.value) && x.value >= 0 && x.value <= n - 1); };
  o.scales = {
    x: axis(t, axes.cols, { type: 'linear', offset: false, min: -0.5, max: map.cols - 0.5, afterBuildTicks: inside(map.cols), ticks: { color: t.foreground, maxRotation: 0, precision: 0, callback: (v: number) => tick(v) }, grid: { display: false } }),
    y: axis(t, axes.rows, { type: 'linear', reverse: true, offset: false, min: -0.5, max: map.rows - 0.5, afterBuildTicks: inside(map.rows), ticks: { color: t.foreground, precision: 0, callback: (v: number) => rowLabel(v) }, grid: { display: false } }),
  };
  const cell = (r: number, c: number) => `${rowLabel(r)}, ${c}`;
  o.plugins.tooltip.callbacks = {
    title: () => '',
    label: (it: any) => {
      const d = it.raw;
      const at = `dL/dy_pred[${cell(Math.floor(d.i / map.cols), d.i % map.cols)}] = ${fmt(d.v ?? NaN)}`;
      return d.w * d.h > 1 ? [tr('heatmapCell', rowLabel(d.r0), rowLabel(d.r1 - 1), tick(d.c0), tick(d.c1 - 1)), at] : at;
    },
  };
  o.onClick = (_e: unknown, els: { index: number }[]) => { if (els.length) onPick(data[els[0].index].i); };
  const px = (ctx: any, n: number, k: 'w' | 'h') => {
    const a = ctx.chart.chartArea;
    if (!a) return 10;
    const size = (k === 'w' ? a.width : a.height) / n * ctx.raw[k];
    return Math.max(1, size - (size > 6 ? 1 : 0));
  };
  return upsert('grad', canvas, {
    type: 'matrix',
    data: {
      datasets: [{
        label: 'dL/dy_pred', data,
        backgroundColor: data.map((d) => divergingColor(t, d.v, maxAbs)),
        borderColor: data.map((d) => (d.swept ? t.current : t.highContrast ? t.border : 'rgba(0,0,0,0)')),
        borderWidth: data.map((d) => (d.swept ? 2 : t.highContrast && rb * cb <= 400 ? 1 : 0)),
        width: (ctx: any) => px(ctx, map.cols, 'w'), height: (ctx: any) => px(ctx, map.rows, 'h'),
      }],
    },
    options: o,
  });
}

/** PNG of a chart over the editor background (the canvas itself is transparent). */
export function chartPng(id: string, background: string): string | null {
  const c = charts.get(id);
  if (!c) return null;
  const src = c.canvas;
  const out = document.createElement('canvas');
  out.width = src.width; out.height = src.height;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(src, 0, 0);
  return out.toDataURL('image/png');
}
