/**
 * Quick fixes on Loss Inspector diagnostics: set from_logits, switch sparse ↔ one-hot cross-entropy, and for an
 * input refused by its size, raise lossInspector.maxInputChars and compute again.
 */
import * as vscode from 'vscode';
import { Commands, COMPUTE_LANGUAGES } from './constants';
import { INPUT_TOO_LARGE } from './constants';

/** The quick fixes' code (loss names with their specs, the jobs' limits): loaded when a diagnostic of ours is there. */
const loadFixes = () => import('./computeHub').then((h) => [h.quickFix, h.jobs] as const);

export class LossCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === 'Loss Inspector');
    if (!ours.length) return [];
    const [{ quickFixes }, { suggestedLimit }] = await loadFixes();
    const actions: vscode.CodeAction[] = [];
    const rest: vscode.Diagnostic[] = [];
    for (const d of ours) {
      if (d.code !== INPUT_TOO_LARGE) { rest.push(d); continue; }
      // What was evaluated: the selection when there is one in this document, else the whole document.
      const ed = vscode.window.activeTextEditor;
      const sel = ed && ed.document.uri.toString() === doc.uri.toString() && !ed.selection.isEmpty ? ed.selection : undefined;
      const chars = sel ? doc.offsetAt(sel.end) - doc.offsetAt(sel.start) : doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
      const value = suggestedLimit(chars);
      const a = new vscode.CodeAction(vscode.l10n.t('Raise lossInspector.maxInputChars to {0} and compute again', value.toLocaleString('en-US')), vscode.CodeActionKind.QuickFix);
      const rerun = sel ? { uri: doc.uri.toString(), range: [sel.start.line, sel.start.character, sel.end.line, sel.end.character] } : { uri: doc.uri.toString() };
      a.command = { title: a.title, command: Commands.raiseInputLimit, arguments: [{ value, rerun }] };
      a.diagnostics = [d];
      a.isPreferred = true;
      actions.push(a);
    }
    if (!rest.length) return actions;
    const lines = doc.getText().split(/\r?\n/);
    for (const d of rest) {
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
