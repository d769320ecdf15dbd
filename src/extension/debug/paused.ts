/**
 * The paused frame of a debug session and reading values from it: which session and frame, the adapter's
 * language (or a clear refusal naming the debugger type), and fetches through the session's `evaluate` with a
 * cancellable progress notification. The expressions themselves come from model/debugFetch.ts.
 */
import * as vscode from 'vscode';
import { LossInspectorError } from '../../core/errors';
import { parseArrayLiteralTensor } from '../../core/literal';
import {
  debugLanguageOf, evaluateArguments, fetchValue, unsupportedDebuggerMessage, type DebugLanguage, type FetchedValue,
} from '../model/debugFetch';
import type { Services } from '../services';
import { sessionById } from './sessions';

export { sessionById };

export interface PausedFrame {
  session: vscode.DebugSession;
  lang: DebugLanguage;
  frameId: number;
  threadId: number;
  /** Where the program is paused (1-based line), when the adapter says. */
  source?: { uri: string; line: number };
}

/** A problem the user can fix (no session, running program, unsupported debugger): shown as a message. */
export class DebugUserError extends Error {}

interface DapFrame { id: number; line: number; source?: { path?: string } }

/** The session's paused frame: the one selected in the Call Stack view, else the top frame of the first stopped thread. */
export async function pausedFrame(session?: vscode.DebugSession, threadId?: number): Promise<PausedFrame> {
  session ??= vscode.debug.activeDebugSession;
  if (!session) throw new DebugUserError(vscode.l10n.t('No debug session: start debugging and stop at a breakpoint first.'));
  const lang = debugLanguageOf(session.type);
  if (!lang) throw new DebugUserError(unsupportedDebuggerMessage(session.type));
  const item = vscode.debug.activeStackItem;
  const threads: number[] = [];
  if (threadId !== undefined) threads.push(threadId);
  else if (item && item.session.id === session.id) threads.push(item.threadId);
  if (!threads.length) {
    try {
      const r = await session.customRequest('threads') as { threads: { id: number }[] };
      threads.push(...r.threads.map((t) => t.id));
    } catch { /* fall through to the message below */ }
  }
  const wanted = threadId === undefined && item instanceof vscode.DebugStackFrame && item.session.id === session.id ? item.frameId : undefined;
  for (const t of threads) {
    let frames: DapFrame[];
    try {
      frames = (await session.customRequest('stackTrace', { threadId: t, startFrame: 0, levels: wanted === undefined ? 1 : 50 }) as { stackFrames: DapFrame[] }).stackFrames;
    } catch { continue; } // a running thread has no stack to show
    const f = frames.find((x) => x.id === wanted) ?? frames[0];
    if (!f) continue;
    const source = f.source?.path ? { uri: (/^[a-z][\w+.-]+:/i.test(f.source.path) && !/^[a-z]:[\\/]/i.test(f.source.path) ? vscode.Uri.parse(f.source.path) : vscode.Uri.file(f.source.path)).toString(), line: f.line } : undefined;
    return { session, lang, frameId: f.id, threadId: t, source };
  }
  throw new DebugUserError(vscode.l10n.t('The program in "{0}" is running: pause it (or stop at a breakpoint) to read values.', session.name));
}

/** `evaluate` in the paused frame, as the fetcher calls it. */
export function evaluator(p: PausedFrame): (expression: string) => Promise<string> {
  return async (expression) => {
    const r = await p.session.customRequest('evaluate', evaluateArguments(p.lang, expression, p.frameId)) as { result?: unknown };
    return String(r?.result ?? '');
  };
}

/** A value as the user gave it: an array literal is read as such (nothing evaluated), anything else is an expression. */
export function literalValue(text: string): FetchedValue | null {
  const t = text.trim();
  if (!/^[[(]|^(np|numpy|jnp|torch|tf)\.|^(new )?(Float32Array|Float64Array|Array)\b/.test(t)) return null;
  try {
    const tensor = parseArrayLiteralTensor(t, t.length > 40 ? `${t.slice(0, 37)}…` : t);
    return { expression: t, tensor, dtype: /float32|Float32Array/.test(t) ? 'float32' : 'float64', kind: 'literal', requests: 0, chars: 0, transferMs: 0, parseMs: 0 };
  } catch { return null; }
}

/**
 * Reads each expression (or literal) from the paused frame, with a progress notification that can be cancelled.
 * Throws LossInspectorError (not an array, too large, cancelled, evaluation failed).
 */
export async function fetchValues(s: Services, p: PausedFrame, exprs: string[], opts: { notify?: boolean } = {}): Promise<FetchedValue[]> {
  const maxElements = s.settings().debugMaxElements;
  const ev = evaluator(p);
  const run = async (report: (message: string, fraction: number) => void, cancelled: () => boolean): Promise<FetchedValue[]> => {
    const out: FetchedValue[] = [];
    for (let k = 0; k < exprs.length; k++) {
      const lit = literalValue(exprs[k]);
      if (lit) { out.push(lit); continue; }
      out.push(await fetchValue(p.lang, exprs[k], ev, {
        maxElements,
        isCancelled: cancelled,
        onProgress: (done, total) => report(vscode.l10n.t('{0}: {1} of {2} elements', exprs[k], done.toLocaleString('en-US'), total.toLocaleString('en-US')), (k + done / Math.max(1, total)) / exprs.length),
      }));
    }
    return out;
  };
  if (opts.notify === false) {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loss Inspector: reading values') }, () => run(() => {}, () => false));
  }
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loss Inspector: reading values from the debugger'), cancellable: true }, (progress, token) => {
    let last = 0;
    return run((message, fraction) => { progress.report({ message, increment: Math.max(0, (fraction - last) * 100) }); last = fraction; }, () => token.isCancellationRequested);
  });
}

/** The message to show for an error of this feature (user errors and bad input as they are; bugs logged). */
export function debugErrorMessage(s: Services, e: unknown): string {
  if (e instanceof DebugUserError || e instanceof LossInspectorError) return e.message;
  s.log.error(`debug: ${(e as Error)?.stack ?? e}`);
  return vscode.l10n.t('Loss Inspector: internal error — see the "Loss Inspector" output.');
}

/** The framework the paused file uses (its imports), so the loss picker can offer that framework's losses first. */
export async function frameworkOfSource(uri: string | undefined): Promise<string | undefined> {
  if (!uri) return undefined;
  let text: string;
  try { text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri))); } catch { return undefined; }
  if (/^\s*(import|from)\s+optax\b/m.test(text)) return 'optax';
  if (/^\s*(import|from)\s+torch\b/m.test(text)) return 'torch';
  if (/^\s*(import|from)\s+tensorflow_addons\b/m.test(text)) return 'tfa';
  if (/^\s*(import|from)\s+(keras|tensorflow|tf_keras)\b/m.test(text)) return 'keras';
  return undefined;
}
