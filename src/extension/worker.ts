/** Evaluates large inputs off the extension host's thread (worker_threads): one job per message, one reply per job. */
import { parentPort } from 'node:worker_threads';
import { answer, type WorkerRequest } from './workerLoop';

parentPort?.on('message', async (msg: WorkerRequest) => parentPort!.postMessage(await answer(msg)));
