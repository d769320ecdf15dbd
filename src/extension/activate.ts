/**
 * Loss Inspector's activation, shared by both entries (extension.ts in a Node extension host, extension.web.ts in
 * VS Code for the Web): wires the commands, the inline results, the hover docs, the CodeLens and the panel.
 * Activated by Python/JS/TS editors, Jupyter notebooks, our commands and a restored panel.
 */
import * as vscode from 'vscode';
import { CONFIG_SECTION, OUTPUT_CHANNEL, Settings } from './constants';
import { ResultStore } from './store';
import { readSettings } from './settings';
import { useTranslator } from './model/l10n';
import { registerLazyPanel } from './panelLazy';
import type { Services } from './services';
import type { Platform } from './platform';
import { registerComputeLoss } from './commands/computeLossCommand';
import { registerOpenPanel } from './commands/openPanel';
import { registerCopyResult } from './commands/copyResult';
import { registerClearResults } from './commands/clearResults';
import { registerExplain } from './commands/explain';
import { registerRevealResult } from './commands/revealResult';
import { registerState } from './commands/state';
import { registerHover } from './hover';
import { registerResultHover } from './resultHover';
import { registerCodeLens } from './codelens';
import { registerCodeActions } from './codeActions';
import { registerDebugCommands } from './commands/debugger';

/** Activates with the platform services the entry picked; `t0` is when the entry started loading. */
export function activateWith(context: vscode.ExtensionContext, platform: Platform, t0: number = performance.now()): { services: Services; panel: Services['panel'] } {
  // The vscode-free modules (pickers' rows, quick fixes, the result hover, the panel model) translate through this.
  useTranslator(vscode.l10n.t);
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
  const store = new ResultStore(log);
  const panel = registerLazyPanel(context, log, {
    startWorker: () => platform.startWorker(),
    timeoutMs: () => readSettings().timeoutSeconds * 1000,
  });
  const s: Services = {
    context, log, store, panel,
    settings: (scope) => readSettings(scope),
    platform,
    activationMs: 0,
  };
  const lens = registerCodeLens(s);
  context.subscriptions.push(
    log, store, panel,
    registerComputeLoss(s), registerOpenPanel(s), registerCopyResult(s), registerClearResults(s), ...registerExplain(s), registerState(s), registerRevealResult(s),
    registerHover(s), registerResultHover(s), lens.disposable, registerCodeActions(),
    registerDebugCommands(s),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${CONFIG_SECTION}.${Settings.codeLensEnabled}`)) lens.provider.refresh();
      if (e.affectsConfiguration(`${CONFIG_SECTION}.${Settings.precision}`)) {
        void import('./computeHub').then(({ resultText: { decorationText } }) => store.relabel((r) => decorationText(r.result, readSettings(vscode.Uri.parse(r.uri)).precision)));
      }
      if (e.affectsConfiguration(CONFIG_SECTION)) log.info('settings changed');
    }),
  );
  s.activationMs = performance.now() - t0;
  log.info(`activated in ${s.activationMs.toFixed(1)} ms (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, ${platform.name} extension host)`);
  return { services: s, panel };
}

/** Everything else is disposed through context.subscriptions. */
export function deactivateHost(): void {
  useTranslator(undefined);
}
