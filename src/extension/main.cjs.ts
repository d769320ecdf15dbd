/**
 * dist/extension.js, the `main` VS Code require()s: loads the ES-module build of extension.ts (dist/node/), whose
 * chunks it shares with the worker, and reports activation from the moment this stub ran.
 */
type Entry = typeof import('./extension');

const t0 = performance.now();
let entry: Entry | undefined;

export async function activate(context: Parameters<Entry['activate']>[0]): Promise<ReturnType<Entry['activate']>> {
  // A literal specifier esbuild keeps as is (external): the file sits beside this stub's output in dist/.
  entry = (await import('./node/extension.mjs' as string)) as Entry;
  return entry.activate(context, t0);
}

export function deactivate(): void {
  entry?.deactivate();
}
