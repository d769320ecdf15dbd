/** Names of documents for people (the panel's source link, the Output channel), notebook cells by their number. */
import * as vscode from 'vscode';
import { logName, sourceLabel, type NotebookCells } from './model/sourceLabel';

function openNotebooks(): NotebookCells[] {
  return (vscode.workspace.notebookDocuments ?? []).map((nb) => ({ uri: nb.uri.toString(), cells: nb.getCells().map((c) => c.document.uri.toString()) }));
}

/** "/w/huber.ipynb, cell 2" for a cell, the URI otherwise (English: the log is not translated). */
export function docLogName(uri: string): string {
  return logName(uri, openNotebooks());
}

/** "huber.ipynb, cell 2, line 3" or "torch_ce.py:4" (line 1-based), in the display language. */
export function docSourceLabel(uri: string, line: number): string {
  return sourceLabel(uri, line, openNotebooks());
}
