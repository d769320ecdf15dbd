/** Runs an evaluation job inline (small inputs) or in a worker thread with a timeout (large inputs). */
import { Worker } from 'node:worker_threads';
import { refusedJob, runJob, type EvalJob, type JobOutput } from './jobs';
import { l10n } from './model/l10n';

export interface RunOptions {
  /** Inputs longer than this many characters go to the worker. */
  workerThresholdChars: number;
  timeoutMs: number;
  /** Absolute path of dist/worker.js. */
  workerPath: string;
}

let nextId = 1;

/** Evaluates in a fresh worker; a timeout terminates it and yields an error diagnostic instead of a result. */
export function runInWorker(job: EvalJob, workerPath: string, timeoutMs: number): Promise<JobOutput> {
  return new Promise((resolve) => {
    const id = nextId++;
    const worker = new Worker(workerPath);
    let done = false;
    const finish = (out: JobOutput) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(out);
    };
    const fail = (message: string) => finish({ kind: job.kind, results: [], diagnostics: [{ offset: 0, length: 1, message, severity: 'error' }] });
    const timer = setTimeout(() => fail(l10n.t('Evaluation stopped after {0} s (lossInspector.worker.timeoutSeconds): the input is too large or too slow to evaluate. Select a smaller part.', timeoutMs / 1000)), timeoutMs);
    worker.on('message', (m: { id: number; ok: boolean; out?: JobOutput; error?: string }) => {
      if (m.id !== id) return;
      if (m.ok && m.out) finish(m.out);
      else fail(l10n.t('Internal error in the evaluation worker: {0}', String(m.error)));
    });
    worker.on('error', (e) => fail(l10n.t('Internal error in the evaluation worker: {0}', e.message)));
    worker.on('exit', (code) => { if (!done) fail(l10n.t('The evaluation worker exited (code {0}).', code)); });
    worker.postMessage({ id, job });
  });
}

/** Small inputs run inline (no thread start-up cost); large ones in the worker. */
export async function run(job: EvalJob, opts: RunOptions): Promise<JobOutput & { usedWorker: boolean }> {
  // Refused before any thread starts (and on this thread, where l10n.t translates).
  const refused = refusedJob(job);
  if (refused) return { ...refused, usedWorker: false };
  if (job.text.length > opts.workerThresholdChars) return { ...(await runInWorker(job, opts.workerPath, opts.timeoutMs)), usedWorker: true };
  return { ...runJob(job), usedWorker: false };
}
