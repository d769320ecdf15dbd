/**
 * The hover of an inline result: per-sample values, gradient, the reduction's numerator and divisor, clipped
 * elements, warnings, notes and an "Open in panel" link. Hovering a decoration's injected text makes VS Code
 * ask hover providers at the end-of-line position, so a provider (rather than the decoration's hoverMessage)
 * serves it, and `vscode.executeHoverProvider` sees it too.
 */
import * as vscode from 'vscode';
import { COMPUTE_LANGUAGES } from './constants';
import type { Services } from './services';

export class ResultHoverProvider implements vscode.HoverProvider {
  constructor(private readonly s: Services) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = doc.lineAt(position.line);
    // Only at the end of the line (where the decoration is drawn), not over the code itself.
    if (position.character < line.range.end.character) return undefined;
    const results = this.s.store.onLine(doc.uri, position.line);
    if (!results.length) return undefined;
    return new vscode.Hover(results.map((r) => r.hover), new vscode.Range(line.range.end, line.range.end));
  }
}

export function registerResultHover(s: Services): vscode.Disposable {
  return vscode.languages.registerHoverProvider(COMPUTE_LANGUAGES.map((language) => ({ language })), new ResultHoverProvider(s));
}
