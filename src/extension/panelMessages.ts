/**
 * What the panel host posts to its webview for each state (no vscode here: the webview tests and the redraw bench
 * run the same code). The first state of a session carries its arrays (as nested lists when small enough to
 * persist, else none and `dataDropped`); a later state on the same arrays leaves them out (`sameData`), and a
 * result after a result is a patch of what changed (issue 16: a slider step at 1e6 elements is bounded by the
 * decimated views, not by N). `reset()` when the webview reloads (it posts `ready`): it then holds nothing.
 */
import { MAX_PERSISTED_ELEMENTS, withoutData, type HostToWebview, type PanelSession, type PanelState, type SerializableRequest } from '../shared/protocol';
import { diffState } from '../shared/statePatch';
import { toNested, type Tensor } from '../core/tensor';
import { sessionElements } from './panelWorker';

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array;
}

/** The state as the webview holds it, without the arrays (the fields forWebview sends, `dataDropped` too). */
export function slimState(st: PanelState): PanelState {
  if (st.kind === 'empty' || !st.session) return st;
  const slim = withoutData(st);
  if (sessionElements(st.session) <= MAX_PERSISTED_ELEMENTS) return slim;
  return { ...slim, session: { ...(slim as { session: PanelSession }).session, dataDropped: true } } as PanelState;
}

/**
 * The state as the webview gets it: arrays as nested lists (it persists them for a reload) when the session is
 * small enough to persist, else none at all and `dataDropped` (a 1e6-element input is never copied into the
 * webview; the host keeps it and the webview is sent what it draws).
 */
export function forWebview(st: PanelState): PanelState {
  if (st.kind === 'empty' || !st.session) return st;
  const s = st.session;
  if (sessionElements(s) > MAX_PERSISTED_ELEMENTS) return slimState(st);
  const r = s.request;
  const args = Object.values(r.args ?? {});
  if (!isTensor(r.yTrue) && !isTensor(r.yPred) && !isTensor(r.sampleWeight) && !args.some(isTensor)) return st;
  const nested = (x: SerializableRequest['yTrue'] | null | undefined) => (isTensor(x) ? toNested(x) : x);
  const nestedArgs = r.args ? { args: Object.fromEntries(Object.entries(r.args).map(([k, v]) => [k, nested(v)!])) } : {};
  return { ...st, session: { ...s, request: { ...r, yTrue: nested(r.yTrue)!, yPred: nested(r.yPred)!, ...(r.sampleWeight != null ? { sampleWeight: nested(r.sampleWeight) } : {}), ...nestedArgs } } } as PanelState;
}

type Sent = { yTrue: unknown; yPred: unknown; sampleWeight: unknown; args: unknown[] };

export class StateMessages {
  /** The arrays the webview holds (by identity: the session's own objects), from the last state sent in full. */
  private sentData: Sent | null = null;
  /** The last state posted, without the arrays: what a patch is computed against. */
  private sentSlim: PanelState | null = null;

  /** The webview reloaded: it holds no state and no arrays. */
  reset(): void {
    this.sentData = null;
    this.sentSlim = null;
  }

  /** The message that brings the webview from what it was sent last to `st` (and remembers `st` as sent). */
  next(st: PanelState): Extract<HostToWebview, { type: 'state' | 'patch' }> {
    const r = st.kind !== 'empty' ? st.session?.request : undefined;
    const args = Object.values(r?.args ?? {});
    const sent = this.sentData;
    const same = !!r && !!sent && sent.yTrue === r.yTrue && sent.yPred === r.yPred && sent.sampleWeight === (r.sampleWeight ?? null)
      && sent.args.length === args.length && args.every((a, i) => a === sent.args[i]);
    if (same) {
      const now = slimState(st);
      const prev = this.sentSlim;
      this.sentSlim = now;
      if (prev?.kind === 'result' && now.kind === 'result') return { type: 'patch', ops: diffState(prev, now) };
      return { type: 'state', state: now, sameData: true };
    }
    this.sentData = r ? { yTrue: r.yTrue, yPred: r.yPred, sampleWeight: r.sampleWeight ?? null, args } : null;
    this.sentSlim = slimState(st);
    return { type: 'state', state: forWebview(st) };
  }
}
