/**
 * The results shown in editors: end-of-line decorations (one per line), the diagnostics of the
 * last run, and the evaluated requests behind them (for "Open in panel" and "Copy result"). Everything of a
 * document is dropped as soon as its text changes.
 */
import * as vscode from 'vscode';
import type { EvalResult } from '../core/evaluate';
import type { SerializableRequest } from '../shared/protocol';
import { CONTEXT_HAS_RESULTS, DIAGNOSTIC_COLLECTION } from './constants';

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

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.type = vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_COLLECTION);
    this.subs.push(
      this.type, this.diagnostics,
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length && this.has(e.document.uri)) this.clear(e.document.uri); }),
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
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.docs.clear();
    this.byId.clear();
  }
}

function lineText(rs: StoredResult[]): string {
  if (rs.length === 1) return rs[0].decoration;
  return '→ ' + rs.map((r) => r.decoration.replace(/^→\s*/, '')).join(' · ');
}
