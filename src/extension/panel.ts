/**
 * The Loss Inspector panel: one singleton WebviewPanel (viewType `lossInspector.panel`).
 * The host owns the session, re-evaluates through the core on every intent and posts one PanelState; the webview
 * only renders and persists the session (getState/setState) so the serializer can restore it after a reload.
 * Strict CSP (nonce script, styles from the webview origin only), resources limited to dist/ and media/,
 * no retainContextWhenHidden: a hidden panel is rebuilt from `ready` when it is shown again.
 */
import * as vscode from 'vscode';
import { buildHtml, makeNonce } from '../shared/csp';
import {
  HostToWebview, Intent, isWebviewMessage, MAX_COPY_CHARS, PanelOpenArgs, PanelSession, PanelState, WebviewPersisted, WebviewToHost,
} from '../shared/protocol';
import { applyIntent, emptyState, ModelOptions, sessionFromArgs } from './panelModel';
import { PanelEvaluator } from './panelWorker';
import { StateMessages } from './panelMessages';
import { WEBVIEW_STRINGS, type WebviewStringId } from '../shared/strings';
import { base64Bytes, type WorkerPort } from './platform';
import { loadSnippetCore, snippetCoreIfLoaded } from './lazyCore';
import { docSourceLabel } from './docNames';
import { PANEL_VIEW_TYPE } from './constants';

/** The panel's words in the display language: each English text is its own l10n bundle key. */
function panelStrings(): Record<WebviewStringId, string> {
  const out = {} as Record<WebviewStringId, string>;
  for (const id of Object.keys(WEBVIEW_STRINGS) as WebviewStringId[]) out[id] = vscode.l10n.t(WEBVIEW_STRINGS[id]);
  return out;
}

export { PANEL_VIEW_TYPE };

export interface PanelHandle extends vscode.Disposable {
  open(args?: PanelOpenArgs): void;
  dispose(): void;
}

/** Test hooks: the last state posted (the e2e suite reads it through the extension's exports). */
export interface PanelDebug {
  lastState(): PanelState | null;
  visible(): boolean;
}

export interface PanelOptions extends ModelOptions {
  /** Starts an evaluation worker (Platform.startWorker); without it every session is computed inline. */
  startWorker?: () => WorkerPort;
  /** The worker's time limit per state, read when used (lossInspector.worker.timeoutSeconds). */
  timeoutMs?: () => number;
  /** false: the caller registers the restore serializer (panelLazy.ts, which loads this module on first use). */
  registerSerializer?: boolean;
}

/** Restores a panel VS Code kept over a reload (what the serializer does). */
export interface PanelRestore {
  restore(p: vscode.WebviewPanel, state: unknown): void;
}

export function registerPanel(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, opts: PanelOptions = {}): PanelHandle & PanelDebug & PanelRestore {
  let panel: vscode.WebviewPanel | undefined;
  let session: PanelSession | null = null;
  let last: PanelState | null = null;
  /** What the webview holds (arrays, last state): each state goes out as the message that updates it. */
  const messages = new StateMessages();
  const evaluator = new PanelEvaluator({
    startWorker: opts.startWorker, model: { custom: opts.custom, points: opts.points },
    timeoutMs: opts.timeoutMs?.() ?? 30_000,
    l10nBundle: () => vscode.l10n.bundle,
  });
  /** Renders are numbered: a state computed for an older request than the last one is never posted. */
  let renderSeq = 0;
  const disposables: vscode.Disposable[] = [];
  const roots = [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')];

  const post = (m: HostToWebview): void => { void panel?.webview.postMessage(m); };

  const render = async (): Promise<void> => {
    if (!panel) return;
    const seq = ++renderSeq;
    // A user-defined loss needs the custom-loss interpreter, loaded on first use.
    if (session?.customSource && !snippetCoreIfLoaded()) {
      try { await loadSnippetCore(); } catch (e) { log.error(`panel: ${(e as Error).message}`); return; }
    }
    const t0 = performance.now();
    let st: PanelState | null;
    try {
      st = await evaluator.build(session);
    } catch (e) {
      st = { kind: 'error', title: session?.title ?? 'Loss Inspector', message: (e as Error).message, session: session ?? undefined };
    }
    if (!st || seq !== renderSeq || !panel) return; // a newer request is being answered
    last = st;
    const title = last.kind === 'empty' ? 'Loss Inspector' : vscode.l10n.t('Loss: {0}', last.title);
    if (panel.title !== title) panel.title = title;
    log.debug(`panel: ${last.kind} state for ${session?.request.loss ?? '(none)'} in ${(performance.now() - t0).toFixed(1)} ms${session && evaluator.usesWorker(session) ? ' (worker)' : ''}`);
    if (last.kind === 'error') log.info(`panel: ${last.message}`);
    post(messages.next(last));
  };

  const saveTarget = async (name: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters, saveLabel: vscode.l10n.t('Export') });
  };

  const baseName = (): string => (session?.request.loss ?? 'loss').replace(/[^A-Za-z0-9_-]+/g, '_');

  /** Handles one intent; the returned text is the reply's message. Throws for the error reply. */
  const handle = async (m: Intent): Promise<string | undefined> => {
    switch (m.type) {
      case 'exportCsv': {
        if (!session) throw new Error(vscode.l10n.t('Nothing to export: open the panel on a result first.'));
        const csv = await evaluator.csv(session);
        const uri = await saveTarget(`${baseName()}.csv`, { CSV: ['csv'] });
        if (!uri) return 'cancelled';
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(csv));
        log.info(`panel: exported CSV to ${uri.toString()}`);
        return vscode.l10n.t('Saved {0}', uri.fsPath || uri.toString());
      }
      case 'exportPython': {
        if (!session) throw new Error(vscode.l10n.t('Nothing to export: open the panel on a result first.'));
        const doc = await vscode.workspace.openTextDocument({ language: 'python', content: await evaluator.python(session) });
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
        return vscode.l10n.t('Opened the Python snippet in an editor');
      }
      case 'exportPng': {
        const prefix = 'data:image/png;base64,';
        if (typeof m.dataUrl !== 'string' || !m.dataUrl.startsWith(prefix)) throw new Error('exportPng: expected a PNG data URL');
        const chart = String(m.chart).replace(/[^a-z]/g, '') || 'chart';
        const uri = await saveTarget(`${baseName()}-${chart}.png`, { PNG: ['png'] });
        if (!uri) return 'cancelled';
        await vscode.workspace.fs.writeFile(uri, base64Bytes(m.dataUrl.slice(prefix.length)));
        log.info(`panel: exported ${chart} plot to ${uri.toString()}`);
        return vscode.l10n.t('Saved {0}', uri.fsPath || uri.toString());
      }
      case 'copyText': {
        if (typeof m.text !== 'string' || m.text.length > MAX_COPY_CHARS) throw new Error(`copyText: expected a text of at most ${MAX_COPY_CHARS} characters`);
        await vscode.env.clipboard.writeText(m.text);
        log.info(`panel: copied ${m.text.length} characters`);
        return vscode.l10n.t('Copied to the clipboard');
      }
      case 'openSource': {
        const src = session?.source;
        if (!src) throw new Error(vscode.l10n.t('This result has no source location.'));
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(src.uri));
        const pos = new vscode.Position(Math.max(0, src.line - 1), 0);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
        return undefined;
      }
      default: {
        const next = applyIntent(session, m);
        if (next) {
          session = next;
          const t0 = performance.now();
          await render();
          // Every re-evaluation is in the log, like Compute Loss runs (what changed, what it gave, how long).
          const { type, id: _id, ...rest } = m as Intent & { id?: number };
          const args = m.type === 'setParam' ? `${m.name}=${JSON.stringify(m.value)}` : Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
          const what = `${type}${args ? ` ${args.slice(0, 80)}` : ''}`;
          const got = last?.kind === 'result' ? last.valueText : last?.kind === 'error' ? `error: ${last.message}` : last?.kind;
          log.info(`panel: ${what} → ${session.request.loss} = ${got} in ${(performance.now() - t0).toFixed(1)} ms`);
        }
        return undefined;
      }
    }
  };

  const onMessage = async (raw: unknown): Promise<void> => {
    if (!isWebviewMessage(raw)) { log.warn(`panel: ignored malformed message ${JSON.stringify(raw)?.slice(0, 200)}`); return; }
    const m = raw as WebviewToHost;
    const id = typeof m.id === 'number' ? m.id : undefined;
    try {
      let message: string | undefined;
      if (m.type === 'ready') { messages.reset(); await render(); }
      else message = await handle(m as Intent);
      if (id !== undefined) post({ type: 'reply', id, ok: true, message });
    } catch (e) {
      const error = (e as Error).message ?? String(e);
      log.warn(`panel: ${m.type} failed: ${error}`);
      if (id !== undefined) post({ type: 'reply', id, ok: false, error });
    }
  };

  const setup = (p: vscode.WebviewPanel): void => {
    panel = p;
    p.webview.options = { enableScripts: true, localResourceRoots: roots };
    p.iconPath = {
      light: vscode.Uri.joinPath(context.extensionUri, 'media', 'icon-light.svg'),
      dark: vscode.Uri.joinPath(context.extensionUri, 'media', 'icon-dark.svg'),
    };
    const w = p.webview;
    w.html = buildHtml({
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'panel.css')).toString(),
      strings: panelStrings(),
      lang: vscode.env.language,
    });
    const subs = [
      w.onDidReceiveMessage((m) => void onMessage(m)),
      p.onDidDispose(() => {
        if (panel === p) panel = undefined;
        for (const d of subs) d.dispose();
      }),
    ];
  };

  /** Takes over a panel VS Code restored after a reload; the restored webview posts `ready`, the state is sent then. */
  const restore = (p: vscode.WebviewPanel, state: unknown): void => {
    const saved = (state ?? {}) as WebviewPersisted;
    if (panel && panel !== p) panel.dispose();
    session = saved.session && typeof saved.session === 'object' && saved.session.request ? saved.session : null;
    log.info(`panel: restored ${session ? session.request.loss : 'an empty panel'}`);
    setup(p);
  };
  if (opts.registerSerializer !== false) {
    disposables.push(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, { async deserializeWebviewPanel(p, state) { restore(p, state); } }));
  }

  return {
    open(args?: PanelOpenArgs) {
      const next = sessionFromArgs(args);
      if (next?.source) next.source = { ...next.source, label: docSourceLabel(next.source.uri, next.source.line) };
      // A new call keeps the user's compare choice.
      if (next && session) next.compare = { ...session.compare };
      if (next || !session) session = next ?? session;
      // A link to a view (the result hover's "Compare in panel") shows it on the session already open too.
      else if (args?.view === 'plots' || args?.view === 'frameworks') session = { ...session, view: args.view };
      if (panel) {
        panel.reveal(undefined, true);
        void render();
        return;
      }
      const p = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, args?.title ? vscode.l10n.t('Loss: {0}', args.title) : 'Loss Inspector',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: roots });
      setup(p);
      // The state goes out when the webview posts `ready`.
    },
    dispose() {
      panel?.dispose();
      panel = undefined;
      evaluator.dispose();
      for (const d of disposables.splice(0)) d.dispose();
    },
    lastState: () => last,
    visible: () => !!panel?.visible,
    restore,
  };
}

/** Re-exported for callers that want an empty state without a panel (tests). */
export { emptyState };
