/**
 * "Loss Inspector: Go to Last Result" (and the status bar item's click): opens the document of a result (the
 * latest by default), puts the cursor at the end of the call's last line, scrolls it into view and shows the
 * result's hover there, which links to the panel. Returns where it went (read by the e2e suite).
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Services } from '../services';

export async function revealResult(s: Services, args?: { resultRef?: string }): Promise<{ uri: string; line: number } | undefined> {
  const r = args?.resultRef ? s.store.get(args.resultRef) : s.store.latest();
  if (!r) {
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(info) Loss Inspector: no result to go to — run Compute Loss first.'), 4000);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(r.uri));
  const end = doc.lineAt(Math.min(r.endLine, doc.lineCount - 1)).range.end;
  const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(end, end), preserveFocus: false });
  editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  await vscode.commands.executeCommand('editor.action.showHover');
  return { uri: r.uri, line: end.line + 1 };
}

export function registerRevealResult(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.revealResult, (args?: { resultRef?: string }) => revealResult(s, args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : undefined));
}
