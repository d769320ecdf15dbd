/**
 * Compute Loss and Raise Input Limit as activation registers them: the commands, whose implementation
 * (computeLoss.ts: the pickers, the jobs, the core's evaluator and comparison) is a chunk import()ed on first use.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Services } from '../services';
import type { ComputeArgs, ComputeSummary, RaiseArgs } from './computeLoss';

type ComputeModule = typeof import('./computeLoss');
let loaded: ComputeModule | undefined;

/** Loads (once) the Compute Loss implementation. */
export function loadComputeLoss(): Promise<ComputeModule> {
  return import('../computeHub').then((h) => (loaded = h.compute));
}

/** The implementation if it was loaded: nothing was computed before that (the state command reads it). */
export function computeLossIfLoaded(): ComputeModule | undefined {
  return loaded;
}

/** Runs Compute Loss on `args` (the command's work, for openPanel's "plot this call"). */
export async function computeLoss(s: Services, args?: ComputeArgs): Promise<ComputeSummary | undefined> {
  return (await loadComputeLoss()).computeLoss(s, args);
}

export function registerComputeLoss(s: Services): vscode.Disposable {
  const raise = vscode.commands.registerCommand(Commands.raiseInputLimit, async (a: RaiseArgs) => {
    try {
      return await (await loadComputeLoss()).raiseInputLimit(s, a);
    } catch (e) {
      s.log.error(`Raise input limit failed: ${(e as Error).stack ?? e}`);
      vscode.window.setStatusBarMessage(vscode.l10n.t('$(error) Loss Inspector: internal error — see the "Loss Inspector" output.'), 8000);
      return undefined;
    }
  });
  const compute = vscode.commands.registerCommand(Commands.computeLoss, async (args?: ComputeArgs) => {
    try {
      return await computeLoss(s, args);
    } catch (e) {
      // A bug, not bad input (that becomes diagnostics): log it, say so quietly, no modal.
      s.log.error(`Compute Loss failed: ${(e as Error).stack ?? e}`);
      vscode.window.setStatusBarMessage(vscode.l10n.t('$(error) Loss Inspector: internal error — see the "Loss Inspector" output.'), 8000);
      return undefined;
    }
  });
  return vscode.Disposable.from(raise, compute);
}
