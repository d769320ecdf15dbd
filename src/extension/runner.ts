/** Runs an evaluation job inline (small inputs) or in a worker with a timeout (large inputs). */
import { refusedJob, runJob, type EvalJob, type JobOutput } from './jobs';
import { l10n } from './model/l10n';
import type { WorkerPort } from './platform';
import type { WorkerReply } from './workerLoop';

export interface RunOptions {
  /** Inputs longer than this many characters go to the worker. */
  workerThresholdChars: number;
  timeoutMs: number;
  /** Starts a worker (Platform.startWorker: worker_threads or a Web Worker). */
  startWorker(): WorkerPort;
}

let nextId = 1;

/** Evaluates in a fresh worker; a timeout terminates it and yields an error diagnostic instead of a result. */
export function runInWorker(job: EvalJob, startWorker: () => WorkerPort, timeoutMs: number): Promise<JobOutput> {
  return new Promise((resolve) => {
    const id = nextId++;
    let done = false;
    let worker: WorkerPort | undefined;
    const finish = (out: JobOutput) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      worker?.terminate();
      resolve(out);
    };
    const fail = (message: string) => finish({ kind: job.kind, results: [], diagnostics: [{ offset: 0, length: 1, message, severity: 'error' }] });
    const timer = setTimeout(() => fail(l10n.t('Evaluation stopped after {0} s (lossInspector.worker.timeoutSeconds): the input is too large or too slow to evaluate. Select a smaller part.', timeoutMs / 1000)), timeoutMs);
    try {
      worker = startWorker();
    } catch (e) {
      fail(l10n.t('Internal error in the evaluation worker: {0}', (e as Error).message));
      return;
    }
    worker.onMessage((msg) => {
      const m = msg as WorkerReply;
      if (m.id !== id) return;
      if (m.ok) finish(m.out);
      else fail(l10n.t('Internal error in the evaluation worker: {0}', String(m.error)));
    });
    worker.onError((message) => fail(l10n.t('Internal error in the evaluation worker: {0}', message)));
    worker.onExit((code) => { if (!done) fail(l10n.t('The evaluation worker exited (code {0}).', code)); });
    worker.postMessage({ id, job });
  });
}

/** Small inputs run inline (no worker start-up cost); large ones in the worker. */
export async function run(job: EvalJob, opts: RunOptions): Promise<JobOutput & { usedWorker: boolean }> {
  // Refused before any worker starts (and on this thread, where l10n.t translates).
  const refused = refusedJob(job);
  if (refused) return { ...refused, usedWorker: false };
  if (job.text.length > opts.workerThresholdChars) return { ...(await runInWorker(job, () => opts.startWorker(), opts.timeoutMs)), usedWorker: true };
  return { ...(await runJob(job)), usedWorker: false };
}
