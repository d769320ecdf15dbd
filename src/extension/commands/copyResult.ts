/** "Loss Inspector: Copy Result as Python Literal": the result at the cursor (or the latest one) to the clipboard. */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Services } from '../services';

export async function copyResult(s: Services, args?: { uri?: string; line?: number; resultRef?: string }): Promise<string | undefined> {
  const ed = vscode.window.activeTextEditor;
  const uri = args?.uri ? vscode.Uri.parse(args.uri) : ed?.document.uri;
  const line = args?.line ?? (ed && uri && ed.document.uri.toString() === uri.toString() ? ed.selection.active.line : undefined);
  // A hover link names its result (its line may have moved with edits since).
  const r = (args?.resultRef ? s.store.get(args.resultRef) : undefined) ?? s.store.find(uri, line);
  if (!r) {
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(info) Loss Inspector: no result to copy — run Compute Loss first.'), 4000);
    return undefined;
  }
  const { pythonLiteral } = (await import('../computeHub')).resultText; // loaded with the first result already
  const text = pythonLiteral(r.result.value);
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('$(copy) Copied {0}', text.length > 40 ? text.slice(0, 40) + '…' : text), 4000);
  return text;
}

export function registerCopyResult(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.copyResult, (args?: { uri?: string; line?: number; resultRef?: string }) => copyResult(s, args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : undefined));
}
