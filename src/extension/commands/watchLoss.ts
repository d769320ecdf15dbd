/**
 * "Watch Loss": pins loss(y_true_expr, y_pred_expr) to a debug session. A debug adapter tracker sees every
 * `stopped` event; at each stop both expressions are read (read-only, as Compute Loss with… reads them) and the
 * loss evaluated; the panel plots the values against the stop count, marks stops with NaN/inf inputs or results
 * and names the first bad element. The watch ends with the session.
 */
import * as vscode from 'vscode';
import type { Config, ParamValue } from '../../core/spec';
import { evaluate } from '../../core/evaluate';
import { formatKeras } from '../../core/format';
import { toNested } from '../../core/tensor';
import { resolveLoss } from '../../core/registry';
import { LossInspectorError } from '../../core/errors';
import type { WatchPoint, WatchSeries } from '../../shared/protocol';
import type { Services } from '../services';
import type { FetchedValue } from '../model/debugFetch';
import { debugLanguageOf, unsupportedDebuggerMessage } from '../model/debugFetch';
import { chooseLoss } from './computeLoss';
import { guessRole, inputNotes } from './computeLossWith';
import { debugErrorMessage, DebugUserError, fetchValues, frameworkOfSource, pausedFrame, sessionById, type PausedFrame } from '../debug/paused';

export interface WatchArgs {
  sessionId?: string;
  variable?: { name?: string; evaluateName?: string };
  yTrue?: string;
  yPred?: string;
  loss?: string;
  config?: Record<string, ParamValue>;
}

interface Watch {
  session: vscode.DebugSession;
  yTrue: string;
  yPred: string;
  loss: string;
  config: Config;
  series: WatchSeries;
  /** Stops seen since the watch began (counted when the event arrives, evaluated in order). */
  stops: number;
  queue: Promise<void>;
  /** The inputs of the last stop that could be read (the panel shows their result). */
  last?: { yTrue: FetchedValue; yPred: FetchedValue; notes: string[]; source?: { uri: string; line: number } };
}

function where(p: PausedFrame): string {
  return p.source ? `${decodeURIComponent(p.source.uri.replace(/^.*\//, ''))}:${p.source.line}` : '';
}

/** The value plotted for a result: the scalar, or the mean of an unreduced result; null when not finite. */
export function plottedValue(data: Float64Array): number | null {
  if (!data.length) return null;
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  const v = sum / data.length;
  return Number.isFinite(v) ? v : null;
}

export class WatchManager implements vscode.Disposable {
  private readonly watches = new Map<string, Watch>();
  /** Stops and ended sessions reach it through debugger.ts, whose tracker exists from activation (VS Code asks
   * for a session's tracker when the session starts, usually before the first Watch Loss loads this module). */
  constructor(private readonly s: Services) {}

  /** The watches, for the test-only state command. */
  state(): { session: string; label: string; points: number; ended: boolean }[] {
    return [...this.watches.values()].map((w) => ({ session: w.session.id, label: w.series.label, points: w.series.points.length, ended: w.series.ended }));
  }

  /** Starts (or replaces) the session's watch; evaluates at once when the program is paused now. */
  async add(session: vscode.DebugSession, yTrue: string, yPred: string, loss: string, config: Config): Promise<WatchSeries> {
    const spec = resolveLoss(loss).spec;
    const w: Watch = {
      session, yTrue, yPred, loss: spec.id, config, stops: 0, queue: Promise.resolve(),
      series: { label: `${spec.id}(${yTrue}, ${yPred})`, points: [], ended: false },
    };
    this.watches.set(session.id, w);
    this.s.log.info(`watch: ${w.series.label} on session ${session.name}`);
    let paused: PausedFrame | undefined;
    try { paused = await pausedFrame(session); } catch { /* running: the first stop evaluates */ }
    if (paused) { w.stops++; await this.evaluateStop(w, w.stops, paused); }
    else this.refresh(w);
    return w.series;
  }

  onStopped(session: vscode.DebugSession, threadId: number | undefined): void {
    const w = this.watches.get(session.id);
    if (!w || w.series.ended) return;
    const n = ++w.stops;
    w.queue = w.queue.then(async () => {
      let p: PausedFrame;
      try { p = await pausedFrame(session, threadId); } catch (e) { this.push(w, { stop: n, value: null, text: 'error', error: debugErrorMessage(this.s, e) }); return; }
      await this.evaluateStop(w, n, p);
    }).catch((e) => this.s.log.error(`watch: ${(e as Error)?.stack ?? e}`));
  }

  private async evaluateStop(w: Watch, n: number, p: PausedFrame): Promise<void> {
    const at = where(p);
    let yTrue: FetchedValue, yPred: FetchedValue;
    try {
      [yTrue, yPred] = await fetchValues(this.s, p, [w.yTrue, w.yPred], { notify: false });
    } catch (e) {
      this.push(w, { stop: n, value: null, text: 'error', error: debugErrorMessage(this.s, e), where: at });
      return;
    }
    const { notes, nonFinite } = inputNotes(yTrue, yPred, at);
    const point: WatchPoint = { stop: n, value: null, text: '', where: at, ...(nonFinite.length ? { bad: nonFinite.join('; ') } : {}) };
    try {
      const r = evaluate({ loss: w.loss, yTrue: yTrue.tensor, yPred: yPred.tensor, sampleWeight: null, config: w.config, mode: 'class', semantics: this.s.settings().semantics === 'keras2' ? 'keras2' : 'keras3' });
      point.text = formatKeras(r.value);
      point.value = plottedValue(r.value.data);
    } catch (e) {
      if (!(e instanceof LossInspectorError)) throw e;
      point.text = 'error'; point.error = e.message;
    }
    w.last = { yTrue, yPred, notes, source: p.source };
    this.push(w, point);
  }

  private push(w: Watch, point: WatchPoint): void {
    const i = w.series.points.findIndex((q) => q.stop > point.stop);
    if (i < 0) w.series.points.push(point); else w.series.points.splice(i, 0, point);
    this.s.log.info(`watch: stop ${point.stop}: ${w.series.label} = ${point.text}${point.bad ? ` (${point.bad})` : ''}${point.error ? ` — ${point.error}` : ''}`);
    this.refresh(w);
  }

  /** Shows the watch in the panel: the last readable stop's result with the history above it. */
  private refresh(w: Watch): void {
    const watch: WatchSeries = { label: w.series.label, points: w.series.points.map((q) => ({ ...q })), ended: w.series.ended };
    const last = w.series.points[w.series.points.length - 1];
    const title = last ? vscode.l10n.t('Watch: {0} — stop {1}', w.series.label, last.stop) : vscode.l10n.t('Watch: {0}', w.series.label);
    const request = w.last
      ? { loss: w.loss, yTrue: toNested(w.last.yTrue.tensor), yPred: toNested(w.last.yPred.tensor), config: w.config, mode: 'class' as const }
      : { loss: w.loss, yTrue: [0], yPred: [0], config: w.config, mode: 'class' as const };
    this.s.panel.open({ request, title, source: w.last?.source, notes: w.last ? w.last.notes : [vscode.l10n.t('Waiting for the program to stop…')], watch });
  }

  end(session: vscode.DebugSession): void {
    const w = this.watches.get(session.id);
    if (!w) return;
    this.watches.delete(session.id);
    w.queue = w.queue.then(() => {
      w.series.ended = true;
      this.s.log.info(`watch: ${w.series.label} ended with the session after ${w.stops} stop(s)`);
      this.refresh(w);
    });
  }

  dispose(): void {
    this.watches.clear();
  }
}

export async function watchLoss(s: Services, mgr: WatchManager, arg?: unknown): Promise<WatchSeries | undefined> {
  const args = (arg && typeof arg === 'object' && !Array.isArray(arg) && !(arg instanceof vscode.Uri) ? arg : {}) as WatchArgs;
  const session = sessionById(args.sessionId);
  if (!session) throw new DebugUserError(vscode.l10n.t('No debug session: start debugging and stop at a breakpoint first.'));
  if (!debugLanguageOf(session.type)) throw new DebugUserError(unsupportedDebuggerMessage(session.type));
  let yTrue = args.yTrue, yPred = args.yPred;
  const from = args.variable?.evaluateName ?? args.variable?.name;
  if (from) { if (guessRole(from) === 'y_true') yTrue ??= from; else yPred ??= from; }
  yTrue ??= await vscode.window.showInputBox({ title: vscode.l10n.t('Loss Inspector: Watch Loss — y_true'), prompt: vscode.l10n.t('Expression of the labels, read at every stop (e.g. y, batch["labels"])'), ignoreFocusOut: true });
  if (!yTrue) return undefined;
  yPred ??= await vscode.window.showInputBox({ title: vscode.l10n.t('Loss Inspector: Watch Loss — y_pred'), prompt: vscode.l10n.t('Expression of the predictions, read at every stop (e.g. logits, model_out)'), ignoreFocusOut: true });
  if (!yPred) return undefined;
  let framework: string | undefined;
  try { framework = await frameworkOfSource((await pausedFrame(session)).source?.uri); } catch { /* running */ }
  const choice = await chooseLoss(s, args.loss ? { loss: args.loss, config: args.config } : undefined, '', { preferFramework: framework, title: vscode.l10n.t('Loss Inspector: loss to watch for y_true = {0}, y_pred = {1}', yTrue, yPred) });
  if (!choice) return undefined;
  return mgr.add(session, yTrue, yPred, choice.loss, choice.config);
}

/** Watch Loss with its watches, made on the first use of the command (registered by debugger.ts). */
export function watchCommand(s: Services): { manager: WatchManager; run(arg?: unknown): Promise<unknown> } {
  const manager = new WatchManager(s);
  const run = async (arg?: unknown): Promise<unknown> => {
    try {
      return await watchLoss(s, manager, arg);
    } catch (e) {
      const msg = debugErrorMessage(s, e);
      void (e instanceof DebugUserError ? vscode.window.showWarningMessage(msg) : vscode.window.showErrorMessage(msg));
      return { error: msg };
    }
  };
  return { manager, run };
}
