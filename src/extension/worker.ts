/** Evaluates large inputs off the extension host's thread (worker_threads); see workerLoop.ts for the messages. */
import { parentPort } from 'node:worker_threads';
import { answer, replyTransfer, type WorkerRequest } from './workerLoop';

parentPort?.on('message', async (msg: WorkerRequest) => {
  const r = await answer(msg);
  if (r) parentPort!.postMessage(r, replyTransfer(r));
});
