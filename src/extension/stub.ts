/**
 * The CommonJS files VS Code loads (`main`: dist/extension.js, `browser`: dist/web/extension.js) are this stub:
 * it import()s the ES-module build in dist/esm/, whose chunks the Node entry, the web entry and both workers share
 * (one copy of the core; the Python evaluator is a chunk loaded on the first snippet). `vscode` can only be
 * require()d, so the stub hands it to the modules through a global that the build maps `import 'vscode'` to.
 */
import * as vscode from 'vscode';

/** The global through which dist/esm/ modules reach the `vscode` module (see esbuild.mjs). */
export const VSCODE_GLOBAL = Symbol.for('loss-inspector.vscode');

interface Entry {
  activate(context: vscode.ExtensionContext, t0?: number): unknown;
  deactivate(): void;
}

/** activate/deactivate that load `dist/esm/<entry>.js` from the extension's own location. */
export function stubFor(entry: 'node/extension' | 'web/extension'): { activate(context: vscode.ExtensionContext): Promise<unknown>; deactivate(): void } {
  const t0 = performance.now();
  let loaded: Entry | undefined;
  return {
    async activate(context) {
      (globalThis as Record<symbol, unknown>)[VSCODE_GLOBAL] = vscode;
      // An absolute URL (file: under Node, http(s): on the web): a relative one would resolve against the host's files.
      const url = vscode.Uri.joinPath(context.extensionUri, 'dist', 'esm', `${entry}.js`).toString(true);
      loaded = (await import(/* runtime import, not bundled */ url)) as Entry;
      return loaded.activate(context, t0);
    },
    deactivate() { loaded?.deactivate(); },
  };
}
