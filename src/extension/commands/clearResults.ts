/** "Loss Inspector: Clear Results": removes every inline result and Loss Inspector diagnostic. */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Services } from '../services';

export function registerClearResults(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.clearResults, (args?: { uri?: string }) => {
    const uri = args && typeof args === 'object' && typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : undefined;
    return s.store.clear(uri);
  });
}
