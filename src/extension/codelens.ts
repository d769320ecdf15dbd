/**
 * "Compute · Plot" above loss calls and constructors (and "Explain · Plot" above `loss='…'` compile strings).
 * provideCodeLenses only scans for sites (fast); the commands are attached in resolveCodeLens.
 */
import * as vscode from 'vscode';
import { findLossSites, type LossSite } from '../core/nameIndex';
import { Commands, HOVER_LANGUAGES } from './constants';
import type { Services } from './services';
import { torchSpelling } from './hover';

class LossLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly action: 'compute' | 'plot' | 'explain', readonly site: LossSite, readonly uri: string) {
    super(range);
  }
}

export class LossCodeLensProvider implements vscode.CodeLensProvider<LossLens> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly s: Services) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): LossLens[] {
    const cfg = this.s.settings(doc.uri);
    if (!cfg.codeLensEnabled || token.isCancellationRequested) return [];
    const text = doc.getText();
    if (text.length > cfg.maxInputChars) return [];
    const lenses: LossLens[] = [];
    for (const site of findLossSites(text)) {
      const range = new vscode.Range(site.line, site.start, site.line, site.end);
      // torch calls are evaluated too (the torch core): Compute, like Keras's
      const first: 'compute' | 'explain' = (site.computable || !!torchSpelling(site.name)) && doc.languageId === 'python' ? 'compute' : 'explain';
      lenses.push(new LossLens(range, first, site, doc.uri.toString()), new LossLens(range, 'plot', site, doc.uri.toString()));
    }
    return lenses;
  }

  resolveCodeLens(lens: LossLens): LossLens {
    const { site } = lens;
    switch (lens.action) {
      case 'compute':
        lens.command = { title: vscode.l10n.t('Compute'), command: Commands.computeLoss, arguments: [{ uri: lens.uri }], tooltip: vscode.l10n.t('Evaluate every loss call in this file or cell and show the results inline') };
        break;
      case 'explain':
        lens.command = { title: vscode.l10n.t('Explain'), command: Commands.explain, arguments: [site.id], tooltip: vscode.l10n.t('Documentation of {0}', site.id) };
        break;
      case 'plot':
        // the call's own arguments when the file evaluates them (openPanel's `at`), else the loss's example (built when
        // clicked, so drawing lenses loads no spec): a torch name opens torch's loss, never the Keras spec documenting it
        lens.command = { title: vscode.l10n.t('Plot'), command: Commands.openPanel, arguments: [{ exampleOf: site.id, exampleName: site.name, at: { uri: lens.uri, line: site.line + 1 } }], tooltip: vscode.l10n.t('Plot {0} and its gradient in the Loss Inspector panel', torchSpelling(site.name) ?? site.id) };
        break;
    }
    return lens;
  }
}

export function registerCodeLens(s: Services): { provider: LossCodeLensProvider; disposable: vscode.Disposable } {
  const provider = new LossCodeLensProvider(s);
  return { provider, disposable: vscode.languages.registerCodeLensProvider(HOVER_LANGUAGES.map((language) => ({ language })), provider) };
}
