/** The Web Worker of VS Code for the Web (dist/esm/web/worker.js, imported by a classic bootstrap): the same loop as worker.ts. */
import { answer, replyTransfer, type WorkerRequest } from './workerLoop';
import { EARLY_MESSAGES } from './platform';

const scope = globalThis as unknown as { onmessage: ((e: { data: WorkerRequest }) => void) | null; postMessage(m: unknown, transfer?: ArrayBuffer[]): void } & Record<string, WorkerRequest[] | undefined>;
const handle = async (msg: WorkerRequest) => {
  const r = await answer(msg);
  if (r) scope.postMessage(r, replyTransfer(r));
};
scope.onmessage = (e) => void handle(e.data);
// jobs posted while this module was loading (platform.web.ts's bootstrap kept them)
for (const msg of scope[EARLY_MESSAGES]?.splice(0) ?? []) void handle(msg);
