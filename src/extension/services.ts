/** What the commands and providers share: logging, settings, the result store, the panel, the runner. */
import type * as vscode from 'vscode';
import type { ResultStore } from './store';
import type { PanelHandle, PanelDebug } from './panel';
import type { LossInspectorSettings } from './settings';
import type { Platform } from './platform';

export interface Services {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  store: ResultStore;
  panel: PanelHandle & PanelDebug;
  settings(scope?: vscode.ConfigurationScope): LossInspectorSettings;
  /** What differs between the Node and the web extension host (the evaluation worker). */
  platform: Platform;
  /** The loss watches of debug sessions (reported by the test-only state command). */
  watches?(): { session: string; label: string; points: number; ended: boolean }[];
  /** How long activate() took, in ms (reported by the test-only state command). */
  activationMs: number;
}

/** A `command:` URI for a Markdown link; VS Code spreads the JSON array into the command's arguments. */
export function commandUri(command: string, ...args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}
