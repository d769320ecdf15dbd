/**
 * The hover of an inline result: per-sample values, gradient, the reduction's numerator and divisor, clipped
 * elements, warnings, notes and an "Open in panel" link. Hovering a decoration's injected text makes VS Code
 * ask hover providers at the end-of-line position, so a provider (rather than the decoration's hoverMessage)
 * serves it, and `vscode.executeHoverProvider` sees it too. From the keyboard (Show Hover at the cursor, or the
 * status bar item, which puts the cursor on the result) it answers anywhere on the call's lines when the hover
 * is asked at the cursor itself, so a result 2000 lines below is reachable without the mouse.
 */
import * as vscode from 'vscode';
import { COMPUTE_LANGUAGES } from './constants';
import type { Services } from './services';

export class ResultHoverProvider implements vscode.HoverProvider {
  constructor(private readonly s: Services) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = doc.lineAt(position.line);
    // At the end of the line (where the decoration is drawn), not over the code itself…
    if (position.character >= line.range.end.character) {
      const results = this.s.store.onLine(doc.uri, position.line);
      if (results.length) return new vscode.Hover(results.map((r) => r.hover), new vscode.Range(line.range.end, line.range.end));
    }
    // …unless the hover is asked at the cursor (keyboard: editor.action.showHover) on the lines of a call.
    const ed = vscode.window.activeTextEditor;
    const atCursor = ed && ed.document.uri.toString() === doc.uri.toString() && ed.selections.some((s) => s.active.isEqual(position));
    if (!atCursor) return undefined;
    const covering = this.s.store.covering(doc.uri, position.line);
    if (!covering.length) return undefined;
    return new vscode.Hover(covering.map((r) => r.hover), new vscode.Range(position, position));
  }
}

export function registerResultHover(s: Services): vscode.Disposable {
  return vscode.languages.registerHoverProvider(COMPUTE_LANGUAGES.map((language) => ({ language })), new ResultHoverProvider(s));
}
