/** The evaluation worker's side of the protocol, shared by worker.ts (worker_threads) and worker.web.ts (Web Worker). */
import { runJob, type EvalJob, type JobOutput } from './jobs';

export interface WorkerRequest { id: number; job: EvalJob }
export type WorkerReply = { id: number; ok: true; out: JobOutput } | { id: number; ok: false; error: string };

/** One reply per request: the job's output, or the message of a bug that escaped it. */
export async function answer(msg: WorkerRequest): Promise<WorkerReply> {
  try {
    return { id: msg.id, ok: true, out: await runJob(msg.job) };
  } catch (e) {
    return { id: msg.id, ok: false, error: (e as Error).message ?? String(e) };
  }
}
