/** "Loss Inspector: Open Loss Panel": opens (or reveals) the panel, optionally on a request. */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { PanelOpenArgs } from '../../shared/protocol';
import type { Services } from '../services';

/** PanelOpenArgs, or a reference to a stored result whose request was too large for a command link. */
export type OpenPanelArgs = PanelOpenArgs & { resultRef?: string };

export function openPanel(s: Services, args?: OpenPanelArgs): boolean {
  let a: PanelOpenArgs | undefined = args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : undefined;
  if (args?.resultRef) {
    const r = s.store.get(args.resultRef);
    const { resultRef: _ref, ...rest } = args;
    a = r?.request ? { ...rest, request: r.request, ...(r.customSource ? { customSource: r.customSource } : {}) } : rest;
    if (!r) s.log.warn(`openPanel: result ${args.resultRef} is gone (its document changed); opening the panel without it`);
  }
  if (!a) {
    // From the palette: the call under the cursor, else the latest result, when there is one.
    const ed = vscode.window.activeTextEditor;
    const r = s.store.find(ed?.document.uri, ed?.selection.active.line);
    if (r?.request) a = { request: r.request, title: r.result.callee, source: { uri: r.uri, line: r.startLine + 1 }, ...(r.customSource ? { customSource: r.customSource } : {}) };
  }
  s.panel.open(a);
  return true;
}

export function registerOpenPanel(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.openPanel, (args?: OpenPanelArgs) => openPanel(s, args));
}
