/** VS Code for the Web's platform services (web-worker extension host, no Node): a Web Worker. */
import * as vscode from 'vscode';
import type { Platform, WorkerPort } from './platform';

/** A Web Worker running the script at `url`, as a WorkerPort. */
export function webWorker(url: string): WorkerPort {
  // The worker script is served from the extension's location, which may be another origin than the extension
  // host (vscode.dev serves extensions from a CDN): a same-origin blob that imports it works in both cases.
  const boot = URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(url)});`], { type: 'text/javascript' }));
  const w = new Worker(boot);
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (cb) => { w.addEventListener('message', (e) => cb(e.data)); },
    onError: (cb) => { w.addEventListener('error', (e) => { e.preventDefault(); cb(e.message || `cannot load ${url}`); }); },
    onExit: () => { /* a Web Worker has no exit event */ },
    terminate: () => { w.terminate(); URL.revokeObjectURL(boot); },
  };
}

/** Workers run dist/web/worker.js of the extension. */
export function webPlatform(extensionUri: vscode.Uri): Platform {
  const url = vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'worker.js').toString(true);
  return { name: 'web', startWorker: () => webWorker(url) };
}
