/**
 * The one seam between the host code and the platform it runs on: a Node extension host (VS Code desktop,
 * code-server) or the web-worker extension host of VS Code for the Web (no Node built-ins). Each entry
 * (extension.ts for `main`, extension.web.ts for `browser`) hands activate() its Platform; nothing else in
 * src/extension knows which host it is in. Files (exports) and the clipboard go through vscode.workspace.fs and
 * vscode.env.clipboard, which both hosts provide, so they need no entry here; bytes are built with
 * TextEncoder/atob, which both have too.
 */

/** A started evaluation worker (a worker_threads Worker or a Web Worker), reduced to what the runner uses. */
export interface WorkerPort {
  postMessage(msg: unknown): void;
  onMessage(cb: (msg: unknown) => void): void;
  /** An uncaught error inside the worker, or a script that failed to load. */
  onError(cb: (message: string) => void): void;
  /** The worker ended by itself (Node only: a Web Worker has no exit event; its errors arrive through onError). */
  onExit(cb: (code: number) => void): void;
  terminate(): void;
}

export interface Platform {
  readonly name: 'node' | 'web';
  /** Starts a worker running the evaluation loop of worker.ts / worker.web.ts. */
  startWorker(): WorkerPort;
}

/** Web Worker: where its bootstrap keeps the jobs that arrive while the worker's module is loading. */
export const EARLY_MESSAGES = '__lossInspectorEarlyMessages';

/** Bytes of a base64 string (PNG exports from the webview); atob exists in browsers and in Node ≥ 16. */
export function base64Bytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
