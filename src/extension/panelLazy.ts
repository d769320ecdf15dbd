/**
 * The panel as activation sees it: the restore serializer is registered at once, the panel itself (panel.ts: its
 * model, the worker client, the comparison rows) is loaded on the first open or restore, a chunk of its own like
 * the snippet evaluator of lazyCore.ts (not there: the benches and the worker import lazyCore.ts without vscode).
 */
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from './constants';
import type { PanelDebug, PanelHandle, PanelOptions, PanelRestore } from './panel';

type Panel = PanelHandle & PanelDebug & PanelRestore;

const loadPanel = (): Promise<typeof import('./panel')> => import('./panel');

export function registerLazyPanel(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, opts: PanelOptions = {}): PanelHandle & PanelDebug {
  let panel: Panel | undefined;
  let loading: Promise<Panel> | undefined;
  let disposed = false;
  const load = (): Promise<Panel> => (loading ??= loadPanel().then((m) => (panel = m.registerPanel(context, log, { ...opts, registerSerializer: false }))));
  /** Runs `f` on the loaded panel, in call order (each waits on the same load). */
  const withPanel = (what: string, f: (p: Panel) => void): Promise<void> => load().then(
    (p) => { if (!disposed) f(p); },
    (e: unknown) => { log.error(`panel: ${what}: ${(e as Error).message}`); },
  );
  const serializer = vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
    deserializeWebviewPanel: (p, state) => withPanel('restore', (x) => x.restore(p, state)),
  });
  return {
    open(args) { void withPanel('open', (x) => x.open(args)); },
    dispose() {
      disposed = true;
      serializer.dispose();
      panel?.dispose();
    },
    lastState: () => panel?.lastState() ?? null,
    visible: () => panel?.visible() ?? false,
  };
}
