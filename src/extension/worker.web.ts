/** The Web Worker of VS Code for the Web (dist/web/worker.js): the same loop as worker.ts. */
import { answer, replyTransfer, type WorkerRequest } from './workerLoop';

const scope = globalThis as unknown as { onmessage: ((e: { data: WorkerRequest }) => void) | null; postMessage(m: unknown, transfer?: ArrayBuffer[]): void };
scope.onmessage = async (e) => {
  const r = await answer(e.data);
  if (r) scope.postMessage(r, replyTransfer(r));
};
