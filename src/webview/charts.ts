/**
 * The panel's charts (Chart.js 4, tree-shaken; the gradient heatmap's bins are painted by a plugin of ours). Each function
 * creates the chart on first use and updates it in place afterwards, so dragging a slider redraws without
 * rebuilding anything. No animations: every state is drawn at once.
 */
import {
  Chart, LineController, LineElement, PointElement, LinearScale, CategoryScale, BarController, BarElement,
  ScatterController, Tooltip, Legend, type ChartConfiguration, type TooltipItem,
} from 'chart.js';
import type { CompareData, CurveData, GradMap, WatchSeries } from '../shared/protocol';
import { divergingRgba, rgba, type Rgb, Theme } from './theme';
import { fmt, tick } from './format';
import { tr } from './i18n';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, BarController, BarElement, ScatterController, Tooltip, Legend);

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

/**
 * Labels Chart.js measures to space a category axis (per-sample bars, gradient bars: up to 500 labels): a sample of
 * them, not every one (measuring all 500 on each slider step was the bars' largest cost).
 */
const CATEGORY_SAMPLE = 24;

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
  o.scales = { x: axis(t, tr('colSample'), { type: 'category', ticks: { color: t.foreground, autoSkip: true, maxRotation: 0, sampleSize: CATEGORY_SAMPLE } }), y: axis(t, tr('colLoss'), { beginAtZero: true }) };
  o.plugins.legend.display = true;
  o.plugins.tooltip.callbacks = {
    label: (it: TooltipItem<'bar'>) => `${it.dataset.label}: ${fmt(it.parsed.y)}`,
    afterBody: (items: TooltipItem<'bar'>[]) => (s.weights && items.length ? tr('weightTooltip', fmt(s.weights[items[0].dataIndex] ?? NaN)) : ''),
  };
  return upsert('samples', canvas, { type: 'bar', data: { labels: s.labels, datasets }, options: o });
}

/** Rank ≤ 1: the gradient as bars; the swept element highlighted. */
export function drawGradBars(canvas: HTMLCanvasElement, labels: string[], values: (number | null)[], swept: number, t: Theme, onPick: (i: number) => void): AnyChart {
  heatPaint.delete(canvas);
  const colors = values.map((_, i) => (i === swept ? t.current : t.grad));
  const o = baseOptions(t);
  o.scales = { x: axis(t, tr('yPredElement'), { type: 'category', ticks: { color: t.foreground, autoSkip: true, maxRotation: 0, sampleSize: CATEGORY_SAMPLE } }), y: axis(t, 'dL/dy_pred') };
  o.plugins.legend.display = false;
  o.plugins.tooltip.callbacks = { label: (it: TooltipItem<'bar'>) => `dL/d${labels[it.dataIndex]}: ${fmt(it.parsed.y)}` };
  o.onClick = (_e: unknown, els: { index: number }[]) => { if (els.length) onPick(els[0].index); };
  return upsert('grad', canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: 'dL/dy_pred', data: values, backgroundColor: colors, borderColor: t.highContrast ? t.foreground : colors, borderWidth: t.highContrast ? 1 : 0 }] },
    options: o,
  });
}

/** What the heatmap plugin paints into a chart's area (set before the chart is updated). */
interface HeatPaint {
  map: GradMap;
  /** Per bin: its colour. */
  colors: Rgb[];
  swept: number;
  border: string | null;
  current: string;
}
const heatPaint = new WeakMap<HTMLCanvasElement, HeatPaint>();
/** The bins of the heatmap being painted, one pixel each (scaled onto the chart). */
const heatBitmap = document.createElement('canvas');

/**
 * Paints the bins of a heatmap chart: one rectangle per bin in the chart's own axes, below the (invisible) points
 * that carry the tooltips and clicks. A bin is a fillRect, not a chart element: Chart.js resolving the options of
 * 7,680 matrix elements on every slider step took 50–150 ms; this takes a few.
 */
const heatmapPlugin = {
  id: 'lossInspectorHeatmap',
  beforeDatasetsDraw(chart: AnyChart): void {
    const p = heatPaint.get(chart.canvas);
    const a = chart.chartArea;
    if (!p || !a || (chart.config as any).type !== 'scatter') return;
    const { map } = p;
    const xs = chart.scales.x, ys = chart.scales.y;
    const rb = map.rowStarts.length, cb = map.colStarts.length;
    // Pixel edges of every bin boundary, once: bins are [start - 0.5, next start - 0.5] in index units.
    const colPx = new Float64Array(cb + 1), rowPx = new Float64Array(rb + 1);
    for (let c = 0; c <= cb; c++) colPx[c] = xs.getPixelForValue((c < cb ? map.colStarts[c] : map.cols) - 0.5);
    for (let r = 0; r <= rb; r++) rowPx[r] = ys.getPixelForValue((r < rb ? map.rowStarts[r] : map.rows) - 0.5);
    const ctx = chart.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(a.left, a.top, a.width, a.height);
    ctx.clip();
    const sweptRow = Math.floor(p.swept / map.cols), sweptCol = p.swept % map.cols;
    let sweptRect: [number, number, number, number] | null = null;
    let minCell = Infinity;
    for (let c = 0; c < cb; c++) minCell = Math.min(minCell, colPx[c + 1] - colPx[c]);
    for (let r = 0; r < rb; r++) minCell = Math.min(minCell, Math.abs(rowPx[r + 1] - rowPx[r]));
    for (let r = 0; r < rb; r++) {
      const r0 = map.rowStarts[r], r1 = r + 1 < rb ? map.rowStarts[r + 1] : map.rows;
      if (sweptRow < r0 || sweptRow >= r1) continue;
      for (let c = 0; c < cb; c++) {
        if (sweptCol < map.colStarts[c] || sweptCol >= (c + 1 < cb ? map.colStarts[c + 1] : map.cols)) continue;
        sweptRect = [colPx[c], Math.min(rowPx[r], rowPx[r + 1]), colPx[c + 1] - colPx[c], Math.abs(rowPx[r + 1] - rowPx[r])];
      }
    }
    if (minCell <= 6 && !p.border) {
      // Small cells (a large array's 64 × 120 bins): the bins as an image of one pixel per bin, each row of bins
      // stretched over its row's exact pixel span (edges on device pixels, so rows meet without seams), columns
      // evenly (a bin of 8 or 9 columns drawn 8.33 wide: under half a column off). 7,680 fillRects with a colour
      // each cost more than the whole rest of a step's render; no gaps are drawn between cells this small anyway.
      const dpr = chart.currentDevicePixelRatio || 1;
      const snap = (v: number) => Math.round(v * dpr) / dpr;
      const img = new ImageData(cb, rb);
      for (let k = 0; k < rb * cb; k++) { const c = p.colors[k]; img.data[4 * k] = c.r; img.data[4 * k + 1] = c.g; img.data[4 * k + 2] = c.b; img.data[4 * k + 3] = Math.round(c.a * 255); }
      heatBitmap.width = cb; heatBitmap.height = rb;
      heatBitmap.getContext('2d')!.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      const left = snap(colPx[0]), right = snap(colPx[cb]);
      for (let r = 0; r < rb; r++) {
        const top = snap(Math.min(rowPx[r], rowPx[r + 1])), bottom = snap(Math.max(rowPx[r], rowPx[r + 1]));
        if (bottom > top) ctx.drawImage(heatBitmap, 0, r, cb, 1, left, top, right - left, bottom - top);
      }
    } else {
      for (let r = 0; r < rb; r++) {
        const y0 = Math.min(rowPx[r], rowPx[r + 1]), hgt = Math.abs(rowPx[r + 1] - rowPx[r]);
        const gy = hgt > 6 ? 1 : 0;
        for (let c = 0; c < cb; c++) {
          const x0 = colPx[c], wid = colPx[c + 1] - colPx[c];
          const gx = wid > 6 ? 1 : 0;
          const col = p.colors[r * cb + c];
          ctx.fillStyle = col.a < 1 ? rgba(col, col.a) : `rgb(${col.r}, ${col.g}, ${col.b})`;
          ctx.fillRect(x0 + gx / 2, y0 + gy / 2, Math.max(1, wid - gx), Math.max(1, hgt - gy));
          if (p.border) { ctx.strokeStyle = p.border; ctx.lineWidth = 1; ctx.strokeRect(x0 + gx / 2, y0 + gy / 2, Math.max(1, wid - gx), Math.max(1, hgt - gy)); }
        }
      }
      if (sweptRect) {
        const [x, y, w, h] = sweptRect, gx = w > 6 ? 1 : 0, gy = h > 6 ? 1 : 0;
        sweptRect = [x + gx / 2, y + gy / 2, Math.max(1, w - gx), Math.max(1, h - gy)];
      }
    }
    if (sweptRect) { ctx.strokeStyle = p.current; ctx.lineWidth = 2; ctx.strokeRect(...sweptRect); }
    ctx.restore();
  },
};
Chart.register(heatmapPlugin as any);

/**
 * Rank ≥ 2: the gradient as a heatmap of the whole array (rows × last axis), decimated into bins by the host
 * (GradMap). The axes are in the array's own indices, so ticks are nice numbers that Chart.js spaces for the
 * width (0, 200, 400 … at 1000 columns), not one label per cell. The bins are painted by heatmapPlugin; each bin
 * is also an invisible point at its centre, which the tooltip (the bin's value) and a click (sweep that element)
 * find as the nearest point.
 */
export function drawGradHeatmap(canvas: HTMLCanvasElement, map: GradMap, swept: number, axes: { rows: string; cols: string }, rowLabel: (r: number) => string, t: Theme, onPick: (i: number) => void): AnyChart {
  let maxAbs = 0;
  for (const v of map.values) if (v !== null && Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const rb = map.rowStarts.length, cb = map.colStarts.length;
  const end = (starts: number[], k: number, n: number) => (k + 1 < starts.length ? starts[k + 1] : n);
  const data: { x: number; y: number; w: number; h: number; v: number | null; i: number; r0: number; r1: number; c0: number; c1: number }[] = new Array(rb * cb);
  const colors: Rgb[] = new Array(rb * cb);
  for (let r = 0; r < rb; r++) {
    const r0 = map.rowStarts[r], r1 = end(map.rowStarts, r, map.rows);
    for (let c = 0; c < cb; c++) {
      const c0 = map.colStarts[c], c1 = end(map.colStarts, c, map.cols);
      const k = r * cb + c;
      data[k] = { x: (c0 + c1 - 1) / 2, y: (r0 + r1 - 1) / 2, w: c1 - c0, h: r1 - r0, v: map.values[k], i: map.index[k], r0, r1, c0, c1 };
      colors[k] = divergingRgba(t, map.values[k], maxAbs);
    }
  }
  heatPaint.set(canvas, { map, colors, swept, border: t.highContrast && rb * cb <= 400 ? t.border : null, current: t.current });
  const o = baseOptions(t);
  o.interaction = { mode: 'nearest', intersect: false };
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
  return upsert('grad', canvas, {
    type: 'scatter',
    data: { datasets: [{ label: 'dL/dy_pred', data, pointRadius: 0, pointHoverRadius: 0, pointHitRadius: 0, backgroundColor: t.current, borderColor: t.current }] },
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
