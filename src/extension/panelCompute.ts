/**
 * The panel's model where the arrays live: inline on the host for small sessions, in the evaluation worker for
 * large ones (no vscode here). The arrays arrive once (`data`); every later request carries the session without
 * them and is answered with a state whose `session` is left out (the host puts its own back), so a slider move
 * on a 1e6-element input moves kilobytes between the threads, not megabytes.
 */
import type { Tensor } from '../core/tensor';
import type { PanelSession, PanelState } from '../shared/protocol';
import { formatString } from '../shared/strings';
import { buildCsv, buildPython, buildState, TensorCache, type ModelOptions } from './panelModel';
import { useTranslator } from './model/l10n';
import { loadSnippetCore } from './lazyCore';

export interface PanelArrays {
  yTrue: Tensor; yPred: Tensor; sampleWeight: Tensor | null;
  /** torch: the arguments after the first two, by name (SerializableRequest.args). */
  args?: Record<string, Tensor>;
}

export type PanelRequest =
  /** The arrays every following request works on; `l10n` is the display language's bundle (message → text). */
  | { kind: 'data'; arrays: PanelArrays; l10n?: Record<string, string> }
  | { kind: 'state'; session: PanelSession; options?: ModelOptions }
  | { kind: 'csv'; session: PanelSession }
  | { kind: 'python'; session: PanelSession };

let arrays: PanelArrays | null = null;
let cache = new TensorCache();

/** The session with the arrays of the last `data` request (the same objects each time, so the cache holds). */
function withArrays(session: PanelSession): PanelSession {
  if (!arrays) throw new Error('panel worker: no data');
  return { ...session, request: { ...session.request, yTrue: arrays.yTrue, yPred: arrays.yPred, sampleWeight: arrays.sampleWeight, ...(arrays.args ? { args: arrays.args } : {}) } };
}

/** A state without its session (the caller has it), so nothing large is sent back. */
export function stateWithoutSession(st: PanelState): PanelState {
  if (st.kind === 'empty') return st;
  return { ...st, session: undefined } as unknown as PanelState;
}

/** Answers one request of the panel host; throws only for bugs (bad input is an error state). */
export async function handlePanelRequest(r: PanelRequest): Promise<PanelState | string | null> {
  // A user-defined loss needs the custom-loss interpreter (loaded once, on first use).
  if (r.kind !== 'data' && r.session.customSource) await loadSnippetCore();
  switch (r.kind) {
    case 'data': {
      arrays = r.arrays;
      cache = new TensorCache();
      // The worker has no vscode.l10n: the host hands over the loaded bundle, looked up the way vscode.l10n.t does.
      if (r.l10n) { const bundle = r.l10n; useTranslator((m, ...args) => formatString(bundle[m] ?? m, args)); }
      return null;
    }
    case 'state': return stateWithoutSession(buildState(withArrays(r.session), cache, r.options ?? {}));
    case 'csv': return buildCsv(withArrays(r.session), cache);
    case 'python': return buildPython(withArrays(r.session), cache);
  }
}
