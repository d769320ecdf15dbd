/** VS Code for the Web's platform services (web-worker extension host, no Node): a Web Worker. */
import * as vscode from 'vscode';
import { EARLY_MESSAGES, type Platform, type WorkerPort } from './platform';

/** A Web Worker running the ES module at `url`, as a WorkerPort. */
export function webWorker(url: string): WorkerPort {
  // A classic worker from a same-origin blob that import()s the module: the module may be on another origin than
  // the extension host (vscode.dev serves extensions from a CDN), and VS Code's web host wraps every Worker into a
  // classic importScripts() bootstrap (so no { type: 'module' }). Jobs posted while the module loads are kept for it;
  // a module that fails to load becomes an error event.
  const boot = `self.${EARLY_MESSAGES} = []; self.onmessage = (e) => self.${EARLY_MESSAGES}.push(e.data);
import(${JSON.stringify(url)}).catch((e) => setTimeout(() => { throw e; }));`;
  const blob = URL.createObjectURL(new Blob([boot], { type: 'text/javascript' }));
  const w = new Worker(blob);
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (cb) => { w.addEventListener('message', (e) => cb(e.data)); },
    onError: (cb) => { w.addEventListener('error', (e) => { e.preventDefault(); cb(e.message || `cannot load ${url}`); }); },
    onExit: () => { /* a Web Worker has no exit event */ },
    terminate: () => { w.terminate(); URL.revokeObjectURL(blob); },
  };
}

/** Workers run dist/esm/web/worker.js of the extension (sharing its core chunks with the extension). */
export function webPlatform(extensionUri: vscode.Uri): Platform {
  const url = vscode.Uri.joinPath(extensionUri, 'dist', 'esm', 'web', 'worker.js').toString(true);
  return { name: 'web', startWorker: () => webWorker(url) };
}
