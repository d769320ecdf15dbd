/**
 * The evaluation worker's side of the protocol, shared by worker.ts (worker_threads) and worker.web.ts (Web Worker).
 * `{ id, job }` is a Compute Loss job (a fresh worker per job, so the typed arrays of its output are transferred,
 * not copied); a large job's text arrives first as `{ id, part }` slices and the job then says how many (`parts`).
 * `{ id, panel }` is the panel's model for a large session (a long-lived worker that keeps the session's arrays,
 * so a slider move sends only the parameters and gets back a state of a few kilobytes).
 */
import { runJob, transferables, type EvalJob, type JobOutput } from './jobs';
import { handlePanelRequest, type PanelRequest } from './panelCompute';
import type { PanelState } from '../shared/protocol';

export interface WorkerRequest { id: number; job?: EvalJob; part?: string; parts?: number; panel?: PanelRequest }
export type WorkerReply = { id: number; ok: true; out: JobOutput | PanelState | string | null } | { id: number; ok: false; error: string };

/** Slices of a large job's text, in order. */
const parts: string[] = [];

/** One reply per request (none for a slice of text): the output, or the message of a bug that escaped it. */
export async function answer(msg: WorkerRequest): Promise<WorkerReply | null> {
  try {
    if (msg.part !== undefined) { parts.push(msg.part); return null; }
    if (msg.panel) return { id: msg.id, ok: true, out: await handlePanelRequest(msg.panel) };
    const job = msg.job!;
    if (msg.parts) {
      if (parts.length !== msg.parts) throw new Error(`received ${parts.length} of ${msg.parts} parts of the input`);
      job.text = parts.join('');
      parts.length = 0;
    }
    return { id: msg.id, ok: true, out: await runJob(job) };
  } catch (e) {
    return { id: msg.id, ok: false, error: (e as Error).message ?? String(e) };
  }
}

/** What to transfer with a reply: the large typed arrays of a job's output (the worker ends after it). */
export function replyTransfer(r: WorkerReply): ArrayBuffer[] {
  return r.ok && r.out && typeof r.out === 'object' && 'results' in r.out ? transferables(r.out) : [];
}
