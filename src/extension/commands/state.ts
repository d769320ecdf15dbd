/**
 * `lossInspector._state` (test-only, not contributed): what the extension currently shows —
 * `{ decorations: { uri; line (1-based); text }[]; status: { text; visible; ref }; computing: { uri; version; chars }[]; activationMs; watches; panel: { visible; state: PanelState | null } }`.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Services } from '../services';
import { computeLossIfLoaded } from './computeLossCommand';

export function registerState(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.state, () => ({ ...s.store.state(), status: s.store.statusState(), computing: computeLossIfLoaded()?.runningComputations() ?? [], activationMs: s.activationMs, watches: s.watches?.() ?? [], panel: { visible: s.panel.visible(), state: s.panel.lastState() } }));
}
