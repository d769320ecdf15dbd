/** The Web Worker of VS Code for the Web (dist/web/worker.js): the same loop as worker.ts. */
import { answer, type WorkerRequest } from './workerLoop';

const scope = globalThis as unknown as { onmessage: ((e: { data: WorkerRequest }) => void) | null; postMessage(m: unknown): void };
scope.onmessage = async (e) => scope.postMessage(await answer(e.data));
