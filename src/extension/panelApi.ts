/**
 * The panel's contract as the commands use it: the protocol types from ../shared/protocol, and registerPanel.
 * TEMPORARY local registerPanel until `./panel` lands: then this file only re-exports from there.
 */
import type * as vscode from 'vscode';
import type { PanelOpenArgs } from '../shared/protocol';
export type { SerializableRequest, PanelOpenArgs } from '../shared/protocol';

export interface PanelHandle { open(args?: PanelOpenArgs): void; dispose(): void }

export function registerPanel(_context: vscode.ExtensionContext, log: vscode.LogOutputChannel): PanelHandle {
  return {
    open(args) { log.info(`panel not built yet; open(${JSON.stringify(args ?? {}).slice(0, 200)})`); },
    dispose() { /* nothing */ },
  };
}
