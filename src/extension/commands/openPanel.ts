/** "Loss Inspector: Open Loss Panel": opens (or reveals) the panel, optionally on a request. */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { PanelOpenArgs } from '../../shared/protocol';
import type { Services } from '../services';
import type { StoredResult } from '../store';
import { computeLoss } from './computeLossCommand';
import { docLogName } from '../docNames';
import { exampleOpenArgs } from '../hover';
import { loadRegistry } from '../lazyCore';

/**
 * PanelOpenArgs, or a reference to a stored result whose request was too large for a command link, or `exampleOf`: a
 * loss id whose example is the fallback (the Plot CodeLens: the specs load when it is clicked, not when it is drawn).
 */
export type OpenPanelArgs = PanelOpenArgs & { resultRef?: string; exampleOf?: string; exampleName?: string };

/** Panel arguments of a stored result: its request, titled by its callee, linked to the line of its call. */
function resultArgs(r: StoredResult): PanelOpenArgs | undefined {
  if (!r.request) return undefined;
  return { request: r.request, title: r.result.callee, source: { uri: r.uri, line: r.startLine + 1 }, ...(r.customSource ? { customSource: r.customSource } : {}) };
}

/**
 * The stored result of the call on 1-based `line` of `uri`; for a constructor line (`cce = CategoricalCrossentropy()`)
 * the first call of the same loss after it. Never a result of another call or another loss.
 */
function resultOn(s: Services, uri: vscode.Uri, line: number, loss: string | undefined): StoredResult | undefined {
  const all = s.store.inDocument(uri);
  const l0 = line - 1;
  return all.find((r) => l0 >= r.startLine && l0 <= r.endLine)
    ?? (loss ? all.find((r) => r.startLine > l0 && r.result.loss === loss) : undefined);
}

/**
 * A CodeLens or hover link on a call (`at`): the call's own evaluated arguments when the file holds them (evaluating
 * the file or cell first if it has no results yet), else the fallback the link carries (the loss's example, marked
 * as one, without a file:line).
 */
async function argsForCall(s: Services, a: PanelOpenArgs & { at: { uri: string; line: number } }): Promise<PanelOpenArgs> {
  const { at, ...fallback } = a;
  const uri = vscode.Uri.parse(at.uri);
  // the loss a constructor line's call is matched by: a result's spec id ('CrossEntropyLoss' for nn.CrossEntropyLoss)
  const loss = (fallback.torchExample ?? fallback.request?.loss)?.replace(/^(?:torch\.nn\.modules\.loss\.|torch\.nn\.|nn\.)/, '');
  let r = resultOn(s, uri, at.line, loss);
  if (!r) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === at.uri);
    if (doc?.languageId === 'python') {
      await computeLoss(s, { uri: at.uri });
      r = resultOn(s, uri, at.line, loss);
    }
  }
  const own = r && resultArgs(r);
  s.log.info(`panel: plot ${docLogName(at.uri)}:${at.line} — ${own ? `its call's arguments (${own.title})` : `no evaluated call there; the ${fallback.torchExample ?? fallback.request?.loss ?? 'loss'} example`}`);
  return own ?? fallback;
}

export async function openPanel(s: Services, args?: OpenPanelArgs): Promise<boolean> {
  let a: PanelOpenArgs | undefined = args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : undefined;
  if (args?.resultRef) {
    const r = s.store.get(args.resultRef);
    const { resultRef: _ref, ...rest } = args;
    // The stored result (its arrays as Tensors, its line as it is now after edits); a small request carried by
    // the link itself still opens when the result is gone.
    a = r?.request ? { ...rest, request: r.request, source: { uri: r.uri, line: r.startLine + 1 }, ...(r.customSource ? { customSource: r.customSource } : {}) } : rest;
    if (!r && !rest.request) s.log.warn(`openPanel: result ${args.resultRef} is gone (its document changed); opening the panel without it`);
  }
  if (args?.exampleOf && typeof args.exampleOf === 'string') {
    const { exampleOf, exampleName, ...rest } = args;
    a = { ...exampleOpenArgs((await loadRegistry()).getSpec(exampleOf), rest.at, exampleName), ...rest };
  }
  if (a?.at && typeof a.at.uri === 'string' && typeof a.at.line === 'number') a = await argsForCall(s, a as PanelOpenArgs & { at: { uri: string; line: number } });
  if (!a) {
    // From the palette: the call under the cursor, else the latest result, when there is one.
    const ed = vscode.window.activeTextEditor;
    const r = s.store.find(ed?.document.uri, ed?.selection.active.line);
    if (r) a = resultArgs(r);
  }
  s.panel.open(a);
  return true;
}

export function registerOpenPanel(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.openPanel, (args?: OpenPanelArgs) => openPanel(s, args));
}
