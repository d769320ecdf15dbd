/**
 * The running debug sessions by id, tracked from activation (the menus pass a session id and VS Code has no lookup
 * by id), while the debugger commands themselves (paused.ts and the commands using it) load on first use.
 */
import * as vscode from 'vscode';

const sessions = new Map<string, vscode.DebugSession>();

/** Keeps a map of the running debug sessions. */
export function trackSessions(): vscode.Disposable {
  for (const x of [vscode.debug.activeDebugSession]) if (x) sessions.set(x.id, x);
  return vscode.Disposable.from(
    vscode.debug.onDidStartDebugSession((x) => sessions.set(x.id, x)),
    vscode.debug.onDidTerminateDebugSession((x) => sessions.delete(x.id)),
  );
}

/** The session with that id, else the active one. */
export function sessionById(id: string | undefined): vscode.DebugSession | undefined {
  return (id ? sessions.get(id) : undefined) ?? vscode.debug.activeDebugSession;
}
