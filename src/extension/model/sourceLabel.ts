/**
 * How a place in the user's code is named for people: the panel's link back to a call and the Output channel's log.
 * A notebook cell's document URI (`vscode-notebook-cell:/…/huber.ipynb#W1sdnNj…`) is named by its notebook and
 * 1-based cell number, never by the raw fragment. vscode-free: the caller lists the open notebooks.
 */
import { l10n } from './l10n';

/** An open notebook: its URI and its cells' document URIs, in order. */
export interface NotebookCells { uri: string; cells: string[] }

/** The notebook holding the cell document `uri`, and the cell's 0-based index; null for anything else. */
export function cellOf(uri: string, notebooks: readonly NotebookCells[]): { notebook: string; index: number } | null {
  if (!uri.startsWith('vscode-notebook-cell:')) return null;
  for (const nb of notebooks) {
    const index = nb.cells.indexOf(uri);
    if (index >= 0) return { notebook: nb.uri, index };
  }
  return null;
}

/** The last path segment of a URI, decoded, without query or fragment: `huber.ipynb`. */
export function fileName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const seg = path.slice(path.lastIndexOf('/') + 1);
  try { return decodeURIComponent(seg); } catch { return seg; }
}

/** The panel's link text: "huber.ipynb, cell 2, line 3" in a notebook, "torch_ce.py:4" in a file (line 1-based). */
export function sourceLabel(uri: string, line: number, notebooks: readonly NotebookCells[]): string {
  const cell = cellOf(uri, notebooks);
  if (cell) return l10n.t('{0}, cell {1}, line {2}', fileName(cell.notebook), cell.index + 1, line);
  if (uri.startsWith('vscode-notebook-cell:')) return l10n.t('{0}, a cell, line {1}', fileName(uri), line);
  return `${fileName(uri)}:${line}`;
}

/** The Output channel's name of a document (English, as the log is): "/w/huber.ipynb, cell 2" or the URI. */
export function logName(uri: string, notebooks: readonly NotebookCells[]): string {
  const cell = cellOf(uri, notebooks);
  if (cell) return `${cell.notebook}, cell ${cell.index + 1}`;
  if (uri.startsWith('vscode-notebook-cell:')) return `${uri.replace(/#.*$/, '')}, a cell`;
  return uri;
}
