/** The Node extension host's platform services (VS Code desktop, code-server): worker_threads. */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { Platform, WorkerPort } from './platform';

/** A worker_threads Worker running `file`, as a WorkerPort. */
export function nodeWorker(file: string): WorkerPort {
  const w = new Worker(file);
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (cb) => { w.on('message', cb); },
    onError: (cb) => { w.on('error', (e) => cb(e.message)); },
    onExit: (cb) => { w.on('exit', cb); },
    terminate: () => { void w.terminate(); },
  };
}

/** Workers run dist/esm/node/worker.js of the installed extension (sharing its core chunks with the extension). */
export function nodePlatform(extensionPath: string): Platform {
  const file = path.join(extensionPath, 'dist', 'esm', 'node', 'worker.js');
  return { name: 'node', startWorker: () => nodeWorker(file) };
}
