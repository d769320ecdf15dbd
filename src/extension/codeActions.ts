/** Quick fixes on Loss Inspector diagnostics: set from_logits, switch sparse ↔ one-hot cross-entropy. */
import * as vscode from 'vscode';
import { COMPUTE_LANGUAGES } from './constants';
import { quickFixes } from './model/quickFix';

export class LossCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === 'Loss Inspector');
    if (!ours.length) return [];
    const lines = doc.getText().split(/\r?\n/);
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      for (const e of quickFixes(lines, d.range.start.line, d.message)) {
        const a = new vscode.CodeAction(e.title, vscode.CodeActionKind.QuickFix);
        a.edit = new vscode.WorkspaceEdit();
        a.edit.replace(doc.uri, new vscode.Range(e.line, e.start, e.line, e.end), e.newText);
        a.diagnostics = [d];
        a.isPreferred = actions.length === 0;
        actions.push(a);
      }
    }
    return actions;
  }
}

export function registerCodeActions(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(COMPUTE_LANGUAGES.map((language) => ({ language })), new LossCodeActions(), { providedCodeActionKinds: LossCodeActions.kinds });
}
