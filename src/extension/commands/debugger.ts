/**
 * The debugger commands (Compute Loss With…, Watch Loss) registered at activation, their code (the debug value
 * fetches, the watches) loaded on the first use with Compute Loss's (computeHub.ts); the session map is kept from
 * activation on.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Services } from '../services';
import { trackSessions } from '../debug/sessions';

type WatchCommand = ReturnType<typeof import('./watchLoss').watchCommand>;

const loadWatchLoss = (): Promise<typeof import('./watchLoss')> => import('../computeHub').then((h) => h.watchLoss);
const loadComputeLossWith = (): Promise<typeof import('./computeLossWith')> => import('../computeHub').then((h) => h.computeLossWith);

export function registerDebugCommands(s: Services): vscode.Disposable {
  let watch: WatchCommand | undefined;
  let loading: Promise<WatchCommand> | undefined;
  let disposed = false;
  s.watches = () => watch?.manager.state() ?? [];
  return vscode.Disposable.from(
    trackSessions(),
    // From activation: VS Code asks for a session's tracker when it starts, before a Watch Loss on it loads the watches.
    vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string; body?: { threadId?: number } }) => {
          if (m?.type === 'event' && m.event === 'stopped') watch?.manager.onStopped(session, m.body?.threadId);
        },
      }),
    }),
    vscode.debug.onDidTerminateDebugSession((session) => watch?.manager.end(session)),
    vscode.commands.registerCommand(Commands.computeLossWith, async (arg?: unknown) => (await loadComputeLossWith()).runComputeLossWith(s, arg)),
    vscode.commands.registerCommand(Commands.watchLoss, async (arg?: unknown) => {
      loading ??= loadWatchLoss().then((m) => (watch = m.watchCommand(s)));
      const w = await loading;
      if (disposed) return undefined;
      return w.run(arg);
    }),
    { dispose: () => { disposed = true; watch?.manager.dispose(); } },
  );
}
