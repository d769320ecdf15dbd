/** The `browser` entry (VS Code for the Web's web-worker extension host, no Node): a Web Worker for large inputs. */
import type * as vscode from 'vscode';
import { activateWith, deactivateHost } from './activate';
import { webPlatform } from './platform.web';

/** `t0`: when the entry began loading (the CommonJS stub passes its own start), for the activation time. */
export function activate(context: vscode.ExtensionContext, t0?: number): ReturnType<typeof activateWith> {
  return activateWith(context, webPlatform(context.extensionUri), t0);
}

export const deactivate = deactivateHost;
