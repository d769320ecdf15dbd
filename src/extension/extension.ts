/** The `main` entry (Node extension host: VS Code desktop, code-server): worker_threads for large inputs. */
import type * as vscode from 'vscode';
import { activateWith, deactivateHost } from './activate';
import { nodePlatform } from './platform.node';

/** `t0`: when the entry began loading (the CommonJS stub passes its own start), for the activation time. */
export function activate(context: vscode.ExtensionContext, t0?: number): ReturnType<typeof activateWith> {
  return activateWith(context, nodePlatform(context.extensionPath), t0);
}

export const deactivate = deactivateHost;
