/**
 * Where the panel's states are computed: on the host thread for small sessions (no thread hop), in a long-lived
 * evaluation worker for large ones, so a slider move on a 1e6-element input never blocks the extension host.
 * Latest wins: while one state is being computed, a newer request replaces any request still waiting, and the
 * replaced one resolves to null (its caller draws nothing). No vscode here.
 */
import { fromNested, type Tensor } from '../core/tensor';
import type { PanelSession, PanelState } from '../shared/protocol';
import { buildCsv, buildPython, buildState, TensorCache, type ModelOptions } from './panelModel';
import type { PanelArrays, PanelRequest } from './panelCompute';
import { elementsOf } from './jobs';
import { l10n } from './model/l10n';
import type { WorkerPort } from './platform';
import type { WorkerReply, WorkerRequest } from './workerLoop';
import { loadSnippetCore } from './lazyCore';

/** Sessions with more elements than this (y_true + y_pred + sample_weight) are computed in the worker. */
export const PANEL_WORKER_ELEMENTS = 50_000;

export interface PanelEvaluatorOptions {
  /** Starts an evaluation worker (Platform.startWorker); without it everything runs inline. */
  startWorker?: () => WorkerPort;
  model?: ModelOptions;
  /** Longest a state may take in the worker before it is stopped (ms). */
  timeoutMs?: number;
  /** The display language's l10n bundle (vscode.l10n.bundle), for the texts the worker builds. */
  l10nBundle?: () => Record<string, string> | undefined;
  threshold?: number;
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array;
}

function tensorOf(x: unknown, what: string): Tensor {
  return isTensor(x) ? x : fromNested(x, what);
}

/** Elements of a session's arrays. */
export function sessionElements(s: PanelSession): number {
  const r = s.request;
  let n = elementsOf(r.yTrue) + elementsOf(r.yPred) + elementsOf(r.sampleWeight ?? null);
  for (const v of Object.values(r.args ?? {})) n += elementsOf(v);
  return n;
}

/** True when the worker's copy of the arrays (by identity) is the request's. */
function sameArrays(sent: { yTrue: unknown; yPred: unknown; sampleWeight: unknown; args: unknown[] } | null, r: PanelSession['request']): boolean {
  if (!sent || sent.yTrue !== r.yTrue || sent.yPred !== r.yPred || sent.sampleWeight !== (r.sampleWeight ?? null)) return false;
  const args = Object.values(r.args ?? {});
  return args.length === sent.args.length && args.every((a, i) => a === sent.args[i]);
}

interface Pending { req: PanelRequest; resolve: (v: PanelState | string | null) => void; reject: (e: Error) => void }

export class PanelEvaluator {
  private worker: WorkerPort | null = null;
  private nextId = 1;
  /** The request arrays whose copy the worker holds (by identity). */
  private sent: { yTrue: unknown; yPred: unknown; sampleWeight: unknown; args: unknown[] } | null = null;
  private inFlight: { id: number; p: Pending; timer: ReturnType<typeof setTimeout> } | null = null;
  /** The next state request, waiting for the one in flight (a newer one replaces it). */
  private waitingState: Pending | null = null;
  /** Exports wait in order (never replaced). */
  private queue: Pending[] = [];
  private readonly cache = new TensorCache();

  constructor(private readonly opts: PanelEvaluatorOptions = {}) {}

  /** True when this session is computed in the worker. */
  usesWorker(s: PanelSession): boolean {
    return !!this.opts.startWorker && sessionElements(s) > (this.opts.threshold ?? PANEL_WORKER_ELEMENTS);
  }

  /** The state of a session (with the session attached); null when a newer request superseded this one. */
  async build(s: PanelSession | null): Promise<PanelState | null> {
    if (!s || !this.usesWorker(s)) {
      if (s?.customSource) await loadSnippetCore();
      return buildState(s, this.cache, this.opts.model ?? {});
    }
    const out = await this.request({ kind: 'state', session: this.slim(s), options: this.opts.model }, true, s);
    if (out === null || typeof out === 'string') return null;
    if (out.kind !== 'empty') (out as { session?: PanelSession }).session = s;
    return out;
  }

  /** The CSV export (every element). */
  async csv(s: PanelSession): Promise<string> {
    if (!this.usesWorker(s)) { if (s.customSource) await loadSnippetCore(); return buildCsv(s, this.cache, this.opts.model ?? {}); }
    return String(await this.request({ kind: 'csv', session: this.slim(s) }, false, s));
  }

  /** The Python export. */
  async python(s: PanelSession): Promise<string> {
    if (!this.usesWorker(s)) return buildPython(s, this.cache);
    return String(await this.request({ kind: 'python', session: this.slim(s) }, false, s));
  }

  /** Forgets what the worker holds (the next request sends the arrays again). */
  reset(): void {
    this.stop();
  }

  dispose(): void {
    this.stop();
  }

  private slim(s: PanelSession): PanelSession {
    return { ...s, request: { ...s.request, yTrue: [], yPred: [], sampleWeight: s.request.sampleWeight == null ? s.request.sampleWeight : [], ...(s.request.args ? { args: {} } : {}) } };
  }

  private stop(): void {
    this.worker?.terminate();
    this.worker = null;
    this.sent = null;
    const dropped = [...(this.inFlight ? [this.inFlight.p] : []), ...(this.waitingState ? [this.waitingState] : []), ...this.queue];
    if (this.inFlight) clearTimeout(this.inFlight.timer);
    this.inFlight = null; this.waitingState = null; this.queue = [];
    for (const p of dropped) p.resolve(null);
  }

  private request(req: PanelRequest, replaceable: boolean, s: PanelSession): Promise<PanelState | string | null> {
    return new Promise((resolve, reject) => {
      const p: Pending = { req, resolve, reject };
      (p as Pending & { session: PanelSession }).session = s;
      if (replaceable) {
        this.waitingState?.resolve(null);
        this.waitingState = p;
      } else this.queue.push(p);
      this.pump();
    });
  }

  private ensureWorker(): WorkerPort {
    if (this.worker) return this.worker;
    const w = this.opts.startWorker!();
    w.onMessage((msg) => {
      const m = msg as WorkerReply;
      const f = this.inFlight;
      if (this.worker !== w || !f || m.id !== f.id) return; // the answer to a data message, or to a request dropped by stop()
      clearTimeout(f.timer);
      this.inFlight = null;
      if (m.ok) f.p.resolve((m.out as PanelState | string | null) ?? null); else f.p.reject(new Error(m.error));
      this.pump();
    });
    w.onError((message) => { if (this.worker === w) this.crash(message); });
    w.onExit((code) => { if (this.worker === w) this.crash(l10n.t('The evaluation worker exited (code {0}).', code)); });
    this.worker = w;
    return w;
  }

  private crash(message: string): void {
    const f = this.inFlight;
    this.inFlight = null;
    this.worker = null;
    this.sent = null;
    if (f) { clearTimeout(f.timer); f.p.reject(new Error(message)); }
    this.pump();
  }

  private pump(): void {
    if (this.inFlight) return;
    const p = this.queue.shift() ?? this.waitingState;
    if (!p) return;
    if (p === this.waitingState) this.waitingState = null;
    const s = (p as Pending & { session: PanelSession }).session;
    let w: WorkerPort;
    try {
      w = this.ensureWorker();
      const r = s.request;
      if (!sameArrays(this.sent, r)) {
        const arrays: PanelArrays = { yTrue: tensorOf(r.yTrue, 'y_true'), yPred: tensorOf(r.yPred, 'y_pred'), sampleWeight: r.sampleWeight == null ? null : tensorOf(r.sampleWeight, 'sample_weight') };
        if (r.args) arrays.args = Object.fromEntries(Object.entries(r.args).map(([k, v]) => [k, tensorOf(v, k)]));
        w.postMessage({ id: 0, panel: { kind: 'data', arrays, l10n: this.opts.l10nBundle?.() } } satisfies WorkerRequest);
        this.sent = { yTrue: r.yTrue, yPred: r.yPred, sampleWeight: r.sampleWeight ?? null, args: Object.values(r.args ?? {}) };
      }
    } catch (e) {
      p.reject(e as Error);
      this.pump();
      return;
    }
    const id = this.nextId++;
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      // A runaway evaluation (a user loss in a long loop): stop the worker; the next request starts a fresh one.
      const f = this.inFlight;
      if (!f || f.id !== id) return;
      this.inFlight = null;
      this.worker?.terminate();
      this.worker = null; this.sent = null;
      f.p.reject(new Error(l10n.t('Evaluation stopped after {0} s (lossInspector.worker.timeoutSeconds): the input is too large or too slow to evaluate. Select a smaller part.', timeoutMs / 1000)));
      this.pump();
    }, timeoutMs);
    this.inFlight = { id, p, timer };
    w.postMessage({ id, panel: p.req } satisfies WorkerRequest);
  }
}
