/**
 * "Loss Inspector: Explain Loss…": a quick pick of every loss, then its documentation (formula, parameters,
 * pitfalls, equivalents, loss/gradient image) in a read-only Markdown preview. Returns the Markdown.
 */
import * as vscode from 'vscode';
import { Commands, DOC_SCHEME } from '../constants';
import type { Services } from '../services';
import { loadDocs, loadNames } from '../lazyCore';

/** Serves `loss-inspector-doc:/<Id>.md` documents (read-only, never asks to be saved). */
export class LossDocProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const name = decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.md$/, ''));
    try {
      return (await loadDocs()).explainMarkdown(name, { images: true });
    } catch (e) {
      return `# ${name}\n\n${(e as Error).message}\n`;
    }
  }
}

export async function explain(s: Services, name?: string): Promise<string | undefined> {
  let id: string | undefined;
  if (typeof name === 'string' && name.trim()) {
    const { nameAsWritten, resolveAnyName } = await loadNames();
    const r = resolveAnyName(nameAsWritten(name).name, true); // as written in code: 'mse', Huber(delta=2.0), ...
    if (!r) {
      vscode.window.setStatusBarMessage(vscode.l10n.t("$(warning) Loss Inspector: '{0}' is not a loss it knows.", name), 5000);
      return undefined;
    }
    id = r.spec.id;
  } else {
    const { pickLoss } = (await import('../computeHub')).pickers;
    id = (await pickLoss([], vscode.l10n.t('Loss Inspector: Explain Loss — choose a loss')))?.id;
  }
  if (!id) return undefined;
  const uri = vscode.Uri.from({ scheme: DOC_SCHEME, path: `/${id}.md` });
  const md = (await loadDocs()).explainMarkdown(id, { images: true });
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch (e) {
    s.log.warn(`markdown preview unavailable (${(e as Error).message}); showing the Markdown source`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }
  return md;
}

export function registerExplain(s: Services): vscode.Disposable[] {
  return [
    vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, new LossDocProvider()),
    vscode.commands.registerCommand(Commands.explain, (name?: string) => explain(s, name)),
  ];
}
