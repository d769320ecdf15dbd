/** Evaluates large inputs off the extension host's thread: one job per message, one reply per job. */
import { parentPort } from 'node:worker_threads';
import { runJob, type EvalJob } from './jobs';

parentPort?.on('message', (msg: { id: number; job: EvalJob }) => {
  try {
    parentPort!.postMessage({ id: msg.id, ok: true, out: runJob(msg.job) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (e as Error).message ?? String(e) });
  }
});
