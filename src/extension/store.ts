/**
 * The results shown in editors: end-of-line decorations (one per line), the diagnostics of the
 * last run, and the evaluated requests behind them (for "Open in panel" and "Copy result"). When a document is
 * edited, results and diagnostics move with their lines; only those whose own lines the edit touches are dropped.
 * The latest result is also shown in the status bar (click: go to it and show its hover).
 */
import * as vscode from 'vscode';
import type { EvalResult } from '../core/evaluate';
import type { SerializableRequest } from '../shared/protocol';
import { Commands, CONTEXT_HAS_RESULTS, DIAGNOSTIC_COLLECTION } from './constants';
import { mapLines, mapRange, type TextChange } from './model/edits';

export interface StoredResult {
  id: string;
  uri: string;
  /** 0-based document lines of the call's first and last line. */
  startLine: number;
  endLine: number;
  text: string;
  printed: string;
  result: EvalResult;
  request?: SerializableRequest;
  /** The snippet defining a user-defined loss (see JobResult.customSource). */
  customSource?: string;
  notes: string[];
  /** The inline text (`→ 0.2876821`) and the hover Markdown, computed by the caller. */
  decoration: string;
  hover: vscode.MarkdownString;
}

interface DocEntry { results: StoredResult[] }

export class ResultStore implements vscode.Disposable {
  private readonly docs = new Map<string, DocEntry>();
  private readonly byId = new Map<string, StoredResult>();
  private readonly type: vscode.TextEditorDecorationType;
  readonly diagnostics: vscode.DiagnosticCollection;
  private readonly subs: vscode.Disposable[] = [];
  private last: StoredResult | undefined;
  private seq = 0;
  private readonly status: vscode.StatusBarItem;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.type = vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_COLLECTION);
    this.status = vscode.window.createStatusBarItem('lossInspector.lastResult', vscode.StatusBarAlignment.Right, 100);
    this.status.name = vscode.l10n.t('Loss Inspector: last result');
    this.subs.push(
      this.type, this.diagnostics, this.status,
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length && this.has(e.document.uri)) this.moveThrough(e.document, e.contentChanges.map(toChange)); }),
      vscode.workspace.onDidCloseTextDocument((d) => { if (d.isClosed && this.has(d.uri)) this.clear(d.uri); }),
      vscode.window.onDidChangeVisibleTextEditors((eds) => eds.forEach((ed) => this.apply(ed))),
    );
  }

  newId(): string {
    return `r${++this.seq}`;
  }

  private has(uri: vscode.Uri): boolean {
    return this.docs.has(uri.toString()) || this.diagnostics.has(uri);
  }

  /**
   * Replaces the results and diagnostics of a document, or only those on the 0-based lines `within` (a selection
   * was evaluated: what was shown for the rest of the file stays).
   */
  set(uri: vscode.Uri, results: StoredResult[], diagnostics: vscode.Diagnostic[], within?: [number, number]): void {
    const key = uri.toString();
    const inside = (a: number, b: number) => !within || (b >= within[0] && a <= within[1]);
    const old = this.docs.get(key)?.results ?? [];
    const kept = old.filter((r) => !inside(r.startLine, r.endLine));
    old.filter((r) => inside(r.startLine, r.endLine)).forEach((r) => this.byId.delete(r.id));
    const keptDiags = within ? (this.diagnostics.get(uri) ?? []).filter((d) => !inside(d.range.start.line, d.range.end.line)) : [];
    const all = [...kept, ...results].sort((a, b) => a.startLine - b.startLine);
    if (all.length) this.docs.set(key, { results: all });
    else this.docs.delete(key);
    results.forEach((r) => this.byId.set(r.id, r));
    if (results.length) this.last = results[results.length - 1];
    this.diagnostics.set(uri, [...keptDiags, ...diagnostics]);
    for (const ed of vscode.window.visibleTextEditors) if (ed.document.uri.toString() === key) this.apply(ed);
    this.updateContext();
  }

  /**
   * After an edit: every result and diagnostic of the document moves with its lines; those whose lines the edit
   * touches are dropped (their numbers no longer belong to the text).
   */
  moveThrough(doc: vscode.TextDocument, changes: TextChange[]): void {
    const key = doc.uri.toString();
    const entry = this.docs.get(key);
    let dropped = 0;
    if (entry) {
      const kept: StoredResult[] = [];
      for (const r of entry.results) {
        const to = mapLines(r.startLine, r.endLine, changes);
        if (!to) { this.byId.delete(r.id); dropped++; continue; }
        r.startLine = to[0]; r.endLine = to[1];
        kept.push(r);
      }
      if (kept.length) entry.results = kept; else this.docs.delete(key);
    }
    const diags: vscode.Diagnostic[] = [];
    for (const d of this.diagnostics.get(doc.uri) ?? []) {
      const to = mapRange(d.range.start, d.range.end, changes);
      if (!to) continue;
      const moved = new vscode.Diagnostic(new vscode.Range(to[0].line, to[0].character, to[1].line, to[1].character), d.message, d.severity);
      moved.source = d.source; moved.code = d.code; moved.relatedInformation = d.relatedInformation; moved.tags = d.tags;
      diags.push(moved);
    }
    this.diagnostics.set(doc.uri, diags);
    if (this.last && !this.byId.has(this.last.id)) this.last = undefined;
    for (const ed of vscode.window.visibleTextEditors) if (ed.document.uri.toString() === key) this.apply(ed);
    this.updateContext();
    if (dropped) this.log.debug(`dropped ${dropped} result(s) of ${key}: the edit touched their lines`);
  }

  /** The latest result, if it still stands. */
  latest(): StoredResult | undefined {
    return this.last;
  }

  /** Clears one document, or every document when `uri` is undefined. Returns how many results were removed. */
  clear(uri?: vscode.Uri): number {
    let n = 0;
    const keys = uri ? [uri.toString()] : [...this.docs.keys()];
    for (const k of keys) {
      const e = this.docs.get(k);
      if (e) { n += e.results.length; e.results.forEach((r) => this.byId.delete(r.id)); }
      this.docs.delete(k);
    }
    if (uri) this.diagnostics.delete(uri);
    else this.diagnostics.clear();
    if (this.last && !this.byId.has(this.last.id)) this.last = undefined;
    for (const ed of vscode.window.visibleTextEditors) if (!uri || ed.document.uri.toString() === uri.toString()) this.apply(ed);
    this.updateContext();
    if (n) this.log.debug(`cleared ${n} result(s)${uri ? ` of ${uri.toString()}` : ''}`);
    return n;
  }

  /** Draws a document's decorations in one editor: the results ending on a line share one `→ a · b` text. */
  apply(editor: vscode.TextEditor): void {
    const entry = this.docs.get(editor.document.uri.toString());
    editor.setDecorations(this.type, entry ? this.decorations(editor.document, entry.results) : []);
  }

  private decorations(doc: vscode.TextDocument, results: StoredResult[]): vscode.DecorationOptions[] {
    const byLine = new Map<number, StoredResult[]>();
    for (const r of results) {
      if (r.endLine >= doc.lineCount) continue;
      const arr = byLine.get(r.endLine) ?? [];
      arr.push(r);
      byLine.set(r.endLine, arr);
    }
    return [...byLine.entries()].map(([line, rs]) => {
      const end = doc.lineAt(line).range.end;
      // The hover comes from ResultHoverProvider (hovering injected text reports the end-of-line position),
      // so it also works through vscode.executeHoverProvider and is not shown twice.
      return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: lineText(rs) } } };
    });
  }

  /** Recomputes every decoration text (after a precision change) and redraws. */
  relabel(text: (r: StoredResult) => string): void {
    for (const e of this.docs.values()) for (const r of e.results) r.decoration = text(r);
    for (const ed of vscode.window.visibleTextEditors) this.apply(ed);
    this.updateStatus();
  }

  /** The results whose lines (first to last) include a 0-based line of a document. */
  covering(uri: vscode.Uri, line: number): StoredResult[] {
    return this.docs.get(uri.toString())?.results.filter((r) => line >= r.startLine && line <= r.endLine) ?? [];
  }

  /** The results whose decoration is on a 0-based line of a document. */
  onLine(uri: vscode.Uri, line: number): StoredResult[] {
    return this.docs.get(uri.toString())?.results.filter((r) => r.endLine === line) ?? [];
  }

  get(id: string): StoredResult | undefined {
    return this.byId.get(id);
  }

  /** Every result of a document, in line order. */
  inDocument(uri: vscode.Uri): readonly StoredResult[] {
    return this.docs.get(uri.toString())?.results ?? [];
  }

  /** The result on (or, failing that, nearest to) a 0-based line of a document; else the latest result. */
  find(uri?: vscode.Uri, line?: number): StoredResult | undefined {
    const entry = uri ? this.docs.get(uri.toString()) : undefined;
    if (entry && entry.results.length) {
      if (line === undefined) return entry.results[entry.results.length - 1];
      const on = entry.results.find((r) => line >= r.startLine && line <= r.endLine);
      if (on) return on;
      return [...entry.results].sort((a, b) => Math.abs(a.endLine - line) - Math.abs(b.endLine - line))[0];
    }
    return this.last;
  }

  /** For the e2e suite: every decoration we drew, with 1-based lines. */
  state(): { decorations: { uri: string; line: number; text: string }[] } {
    const decorations: { uri: string; line: number; text: string }[] = [];
    for (const [uri, e] of this.docs) {
      const lines = [...new Set(e.results.map((r) => r.endLine))].sort((a, b) => a - b);
      for (const l of lines) decorations.push({ uri, line: l + 1, text: lineText(e.results.filter((r) => r.endLine === l)) });
    }
    return { decorations };
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', CONTEXT_HAS_RESULTS, this.docs.size > 0);
    this.updateStatus();
  }

  /** The status bar item: the latest result's callee and value; click goes to it and shows its hover. */
  private updateStatus(): void {
    const r = this.last;
    if (!r) { this.status.hide(); return; }
    const value = r.decoration.replace(/^→\s*/, '');
    this.status.text = `$(graph-line) ${r.result.callee} ${value.length > 40 ? value.slice(0, 39) + '…' : value}`;
    this.status.tooltip = r.hover;
    this.status.accessibilityInformation = { label: vscode.l10n.t('Last loss result: {0} {1}. Go to it.', r.result.callee, value) };
    this.status.command = { title: vscode.l10n.t('Go to the result'), command: Commands.revealResult, arguments: [{ resultRef: r.id }] };
    this.status.show();
  }

  /** For the e2e suite: what the status bar item shows. */
  statusState(): { text: string; visible: boolean; ref?: string } {
    return { text: this.status.text, visible: !!this.last, ref: this.last?.id };
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.docs.clear();
    this.byId.clear();
  }
}

function toChange(c: vscode.TextDocumentContentChangeEvent): TextChange {
  return { start: c.range.start, end: c.range.end, text: c.text };
}

function lineText(rs: StoredResult[]): string {
  if (rs.length === 1) return rs[0].decoration;
  return '→ ' + rs.map((r) => r.decoration.replace(/^→\s*/, '')).join(' · ');
}
