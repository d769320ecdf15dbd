/**
 * A minimal in-memory `vscode` module for the panel host tests (plain Node has no VS Code): just what
 * src/extension/panel.ts touches. Installing it makes `require('vscode')` return this object; import this file
 * before anything that imports panel.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const NodeModule = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };

type Listener<T> = (e: T) => unknown;

export class FakeUri {
  constructor(readonly path: string, readonly scheme = 'file') {}
  get fsPath(): string { return this.path; }
  toString(): string { return `${this.scheme}://${this.path}`; }
  static joinPath(u: FakeUri, ...parts: string[]): FakeUri { return new FakeUri([u.path, ...parts].join('/').replace(/\/+/g, '/'), u.scheme); }
  static parse(s: string): FakeUri { const m = /^(\w+):\/\/(.*)$/.exec(s); return m ? new FakeUri(m[2], m[1]) : new FakeUri(s); }
  static file(p: string): FakeUri { return new FakeUri(p); }
}

export class FakeWebview {
  html = '';
  options: Record<string, unknown> = {};
  readonly cspSource = 'https://fake.vscode-cdn.net';
  posted: unknown[] = [];
  private listeners: Listener<unknown>[] = [];
  asWebviewUri(u: FakeUri): FakeUri { return new FakeUri(u.path, 'https'); }
  postMessage(m: unknown): Promise<boolean> { this.posted.push(JSON.parse(JSON.stringify(m))); return Promise.resolve(true); }
  onDidReceiveMessage(cb: Listener<unknown>): { dispose(): void } { this.listeners.push(cb); return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== cb); } }; }
  /** The webview sends a message to the host. */
  send(m: unknown): void { for (const l of this.listeners) l(m); }
}

export class FakePanel {
  readonly webview = new FakeWebview();
  visible = true;
  disposed = false;
  revealed = 0;
  iconPath: unknown;
  private disposeListeners: Listener<void>[] = [];
  constructor(readonly viewType: string, public title: string, readonly showOptions: unknown, readonly createOptions: Record<string, unknown>) {}
  reveal(): void { this.revealed++; }
  onDidDispose(cb: Listener<void>): { dispose(): void } { this.disposeListeners.push(cb); return { dispose: () => undefined }; }
  dispose(): void { if (this.disposed) return; this.disposed = true; for (const l of this.disposeListeners) l(undefined); }
}

export const fake = {
  panels: [] as FakePanel[],
  serializers: new Map<string, { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> }>(),
  saveTarget: undefined as FakeUri | undefined,
  written: [] as { uri: FakeUri; bytes: Uint8Array }[],
  opened: [] as { language?: string; content?: string }[],
  reset(): void { this.panels = []; this.serializers.clear(); this.saveTarget = undefined; this.written = []; this.opened = []; },
};

class Position { constructor(readonly line: number, readonly character: number) {} }
class Range { constructor(readonly start: Position, readonly end: Position) {} }

export const vscodeStub = {
  Uri: FakeUri,
  Position, Range,
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
  // No bundle loaded: VS Code returns the English message with {n} replaced by the arguments.
  env: { language: 'en' },
  l10n: { t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m)) },
  window: {
    createWebviewPanel(viewType: string, title: string, showOptions: unknown, options: Record<string, unknown>): FakePanel {
      const p = new FakePanel(viewType, title, showOptions, options);
      fake.panels.push(p);
      return p;
    },
    registerWebviewPanelSerializer(viewType: string, s: { deserializeWebviewPanel(p: FakePanel, state: unknown): Promise<void> }) {
      fake.serializers.set(viewType, s);
      return { dispose: () => fake.serializers.delete(viewType) };
    },
    showSaveDialog: async () => fake.saveTarget,
    showTextDocument: async (doc: unknown) => doc,
  },
  workspace: {
    workspaceFolders: undefined,
    /** Open notebooks: `{ uri, getCells() → [{ document: { uri } }] }` (the host names cells by their number). */
    notebookDocuments: [] as unknown[],
    fs: { writeFile: async (uri: FakeUri, bytes: Uint8Array) => { fake.written.push({ uri, bytes }); } },
    openTextDocument: async (arg: { language?: string; content?: string }) => { fake.opened.push(arg); return arg; },
  },
};

const originalLoad = NodeModule._load;
NodeModule._load = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return vscodeStub;
  return originalLoad.call(this, request, ...rest);
};
