/**
 * Paging of the per-sample and element views (issue 16): the bars and their data tables show PAGE values at a time,
 * and prev / next buttons and a page slider move through the whole array, at 1e6 values too. The host sends one
 * window of values (ArrayView.offset, up to MAX_VIEW_VALUES of them); pages inside that window are drawn at once,
 * a page outside it asks the host for the window starting there (`setPage`), so the webview never holds the data.
 */
import type { ArrayView } from '../shared/protocol';
import { h, byId, show } from './dom';
import { tr } from './i18n';

/** Values per page (bars and table rows). */
export const PAGE = 500;

export type PagedView = 'samples' | 'grad';

/** The first flat index of each view's page (kept across states: a slider move keeps the page). */
const starts: Record<PagedView, number> = { samples: 0, grad: 0 };

let request: (view: PagedView, offset: number) => void = () => {};
let redraw: (view: PagedView) => void = () => {};

/** The pager's controls, placed in a figure's head. */
export function pagerControls(view: PagedView): HTMLElement {
  return h('span', { id: `pager-${view}`, class: 'group pager', role: 'group', 'aria-label': tr('pagerAria'), hidden: true },
    h('button', { type: 'button', class: 'secondary', id: `page-prev-${view}`, title: tr('pagePrev'), 'aria-label': tr('pagePrev'), text: '‹' }),
    h('input', { type: 'range', id: `page-slider-${view}`, min: 0, max: 0, step: 1, value: 0, 'aria-label': tr('pageSlider') }),
    h('button', { type: 'button', class: 'secondary', id: `page-next-${view}`, title: tr('pageNext'), 'aria-label': tr('pageNext'), text: '›' }),
    h('span', { id: `page-text-${view}`, class: 'muted' }));
}

/** Wires the controls: `ask` requests a window from the host, `draw` redraws a view from the window it has. */
export function wirePager(ask: (view: PagedView, offset: number) => void, draw: (view: PagedView) => void): void {
  request = ask; redraw = draw;
  for (const view of ['samples', 'grad'] as PagedView[]) {
    byId(`page-prev-${view}`).addEventListener('click', () => go(view, starts[view] - PAGE));
    byId(`page-next-${view}`).addEventListener('click', () => go(view, starts[view] + PAGE));
    byId<HTMLInputElement>(`page-slider-${view}`).addEventListener('change', (e) => go(view, Number((e.target as HTMLInputElement).value) * PAGE));
  }
}

const totals: Record<PagedView, number> = { samples: 0, grad: 0 };
const windows: Record<PagedView, { offset: number; length: number }> = { samples: { offset: 0, length: 0 }, grad: { offset: 0, length: 0 } };

function go(view: PagedView, start: number): void {
  const total = totals[view];
  const s = Math.max(0, Math.min(Math.floor(start / PAGE) * PAGE, Math.max(0, Math.floor((total - 1) / PAGE) * PAGE)));
  if (s === starts[view]) return;
  starts[view] = s;
  const w = windows[view];
  const end = Math.min(total, s + PAGE);
  if (s >= w.offset && end <= w.offset + w.length) redraw(view);
  else { controls(view); request(view, s); } // the bars follow when the host's window arrives
}

/** The pager's buttons, slider and text for the current page. */
function controls(view: PagedView): void {
  const total = totals[view], start = starts[view];
  const n = Math.min(PAGE, total - start);
  const pages = Math.ceil(total / PAGE);
  show(byId(`pager-${view}`), pages > 1);
  const slider = byId<HTMLInputElement>(`page-slider-${view}`);
  slider.max = String(Math.max(0, pages - 1));
  if (document.activeElement !== slider) slider.value = String(start / PAGE);
  byId<HTMLButtonElement>(`page-prev-${view}`).disabled = start === 0;
  byId<HTMLButtonElement>(`page-next-${view}`).disabled = start + PAGE >= total;
  byId(`page-text-${view}`).textContent = tr('pageRange', (start + 1).toLocaleString('en-US'), (start + Math.max(0, n)).toLocaleString('en-US'), total.toLocaleString('en-US'));
}

/**
 * The page of a view to draw: its values, the flat index of the first one, and whether the window the host sent
 * covers it (null: not yet, a request for it is on its way). Updates the controls.
 */
export function page(view: PagedView, v: ArrayView): { start: number; values: (number | null)[] } | null {
  const offset = v.offset ?? 0;
  totals[view] = v.total;
  windows[view] = { offset, length: v.values.length };
  const last = Math.max(0, Math.floor((v.total - 1) / PAGE) * PAGE);
  if (starts[view] > last) starts[view] = last;
  const start = starts[view];
  const n = Math.min(PAGE, v.total - start);
  controls(view);
  if (start < offset || start + n > offset + v.values.length) {
    request(view, start);
    return null;
  }
  return { start, values: v.values.slice(start - offset, start - offset + n) };
}

/** The page that holds a flat index (the swept element, after a click elsewhere). */
export function showIndex(view: PagedView, flat: number): void {
  starts[view] = Math.floor(flat / PAGE) * PAGE;
}

/** The first index of a view's page. */
export function pageStart(view: PagedView): number {
  return starts[view];
}
