/** Runs an evaluation job inline (small inputs) or in a worker with a timeout (large inputs). */
import { refusedJob, runJob, type EvalJob, type JobOutput } from './jobs';
import { l10n } from './model/l10n';
import type { WorkerPort } from './platform';
import type { WorkerReply, WorkerRequest } from './workerLoop';

export interface RunOptions {
  /** Inputs longer than this many characters go to the worker. */
  workerThresholdChars: number;
  timeoutMs: number;
  /** Starts a worker (Platform.startWorker: worker_threads or a Web Worker). */
  startWorker(): WorkerPort;
  /** Aborting it (the user pressed Cancel) terminates the worker; the output then has `cancelled: true`. */
  signal?: AbortSignal;
}

let nextId = 1;

/** Evaluates in a fresh worker; a timeout terminates it and yields an error diagnostic instead of a result. */
export function runInWorker(job: EvalJob, startWorker: () => WorkerPort, timeoutMs: number, signal?: AbortSignal): Promise<JobOutput> {
  return new Promise((resolve) => {
    const id = nextId++;
    let done = false;
    let worker: WorkerPort | undefined;
    const finish = (out: JobOutput) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      worker?.terminate();
      resolve(out);
    };
    const fail = (message: string) => finish({ kind: job.kind, results: [], diagnostics: [{ offset: 0, length: 1, message, severity: 'error' }] });
    const onAbort = () => finish({ kind: job.kind, results: [], diagnostics: [], cancelled: true });
    const timer = setTimeout(() => fail(l10n.t('Evaluation stopped after {0} s (lossInspector.worker.timeoutSeconds): the input is too large or too slow to evaluate. Select a smaller part.', timeoutMs / 1000)), timeoutMs);
    if (signal?.aborted) { onAbort(); return; }
    signal?.addEventListener('abort', onAbort);
    try {
      worker = startWorker();
    } catch (e) {
      fail(l10n.t('Internal error in the evaluation worker: {0}', (e as Error).message));
      return;
    }
    worker.onMessage((msg) => {
      const m = msg as WorkerReply;
      if (m.id !== id) return;
      if (m.ok) finish(m.out as JobOutput);
      else fail(l10n.t('Internal error in the evaluation worker: {0}', String(m.error)));
    });
    worker.onError((message) => fail(l10n.t('Internal error in the evaluation worker: {0}', message)));
    worker.onExit((code) => { if (!done) fail(l10n.t('The evaluation worker exited (code {0}).', code)); });
    void postJob(worker, id, job, () => done);
  });
}

/** Characters of the input sent per message: a copy this size takes a few ms, so the host never stalls longer. */
export const TEXT_CHUNK = 1 << 20;

/**
 * Sends a job; a large input text goes in slices, one per event-loop turn (one 23 MB postMessage blocked the
 * host ~200 ms: a typed key waited that long). The worker joins them and runs the job after the last one.
 */
async function postJob(worker: WorkerPort, id: number, job: EvalJob, stopped: () => boolean): Promise<void> {
  if (job.text.length <= TEXT_CHUNK) { worker.postMessage({ id, job } satisfies WorkerRequest); return; }
  const n = Math.ceil(job.text.length / TEXT_CHUNK);
  for (let i = 0; i < n; i++) {
    if (stopped()) return;
    worker.postMessage({ id, part: job.text.slice(i * TEXT_CHUNK, (i + 1) * TEXT_CHUNK) } satisfies WorkerRequest);
    await new Promise((r) => setTimeout(r, 0));
  }
  if (!stopped()) worker.postMessage({ id, job: { ...job, text: '' }, parts: n } satisfies WorkerRequest);
}

/** Small inputs run inline (no worker start-up cost); large ones in the worker. */
export async function run(job: EvalJob, opts: RunOptions): Promise<JobOutput & { usedWorker: boolean }> {
  // Refused before any worker starts (and on this thread, where l10n.t translates).
  const refused = refusedJob(job);
  if (refused) return { ...refused, usedWorker: false };
  if (job.text.length > opts.workerThresholdChars) return { ...(await runInWorker(job, () => opts.startWorker(), opts.timeoutMs, opts.signal)), usedWorker: true };
  return { ...(await runJob(job)), usedWorker: false };
}
