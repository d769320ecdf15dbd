/** Tiny DOM helpers (no framework; no innerHTML with data: every text goes through textContent). */
import { tr } from './i18n';

type Attrs = Record<string, string | number | boolean | undefined | null>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
}

export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}

export function clear(el: HTMLElement): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Fills a table with a header row and body rows; caps the rows and says how many were left out. */
export function fillTable(table: HTMLTableElement, caption: string, headers: string[], rows: string[][], total = rows.length, cap = 500): void {
  clear(table);
  table.append(h('caption', { text: caption }));
  const thead = h('thead');
  thead.append(h('tr', {}, ...headers.map((x) => h('th', { scope: 'col', text: x }))));
  const tbody = h('tbody');
  const n = Math.min(rows.length, cap);
  for (let i = 0; i < n; i++) tbody.append(h('tr', {}, ...rows[i].map((x, j) => (j === 0 ? h('th', { scope: 'row', text: x }) : h('td', { text: x })))));
  if (total > n) tbody.append(h('tr', { class: 'more' }, h('td', { colspan: headers.length, text: tr('moreRows', total - n) })));
  table.append(thead, tbody);
}
