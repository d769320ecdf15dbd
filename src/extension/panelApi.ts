/**
 * The panel's contract as the commands use it. TEMPORARY local adapter until `./panel` and
 * `../shared/protocol` land: then this file only re-exports from there.
 */
import type * as vscode from 'vscode';
import type { Nested } from '../core/tensor';
import type { ParamValue } from '../core/spec';

export interface SerializableRequest {
  loss: string;
  yTrue: Nested;
  yPred: Nested;
  sampleWeight?: Nested | null;
  config?: Record<string, ParamValue>;
  mode?: 'class' | 'function';
}

export interface PanelOpenArgs {
  request?: SerializableRequest;
  title?: string;
  source?: { uri: string; line: number };
  customSource?: string;
}

export interface PanelHandle { open(args?: PanelOpenArgs): void; dispose(): void }

export function registerPanel(_context: vscode.ExtensionContext, log: vscode.LogOutputChannel): PanelHandle {
  return {
    open(args) { log.info(`panel not built yet; open(${JSON.stringify(args ?? {}).slice(0, 200)})`); },
    dispose() { /* nothing */ },
  };
}
