/**
 * "Loss Inspector: Compute Loss". On two array literals: pick a loss and its parameters (or take them from the
 * arguments / lossInspector.defaultLoss), evaluate, show the result inline. On anything else: evaluate the
 * selection, or the whole file / notebook cell, as a Keras snippet, every call, no questions. Returns a summary
 * the e2e suite reads.
 */
import * as vscode from 'vscode';
import type { Config, ParamValue } from '../../core/spec';
import { tryResolveLoss } from '../../core/registry';
import { toJsonValue } from '../../core/format';
import { sizeOf, toNested, type Tensor } from '../../core/tensor';
import { Commands, TRUSTED_COMMANDS, LAST_CHOICE_KEY, CONFIG_SECTION, Settings } from '../constants';
import { classifySelection, parseTwoArrays } from '../../core/arrays';
import { run } from '../runner';
import { refusedJob, runJob, suggestedLimit, type EvalJob, type JobOutput } from '../jobs';
import type { SerializableRequest } from '../../shared/protocol';
import { mapLines, mapRange, type Pos, type TextChange } from '../model/edits';
import type { Services } from '../services';
import { commandUri } from '../services';
import type { StoredResult } from '../store';
import { decorationText, resultHoverMarkdown } from '../model/resultText';
import { compareOf } from '../model/resultCompare';

/** Results up to this many elements get the other frameworks' rows in their hover (each row is one more evaluation). */
const COMPARE_MAX_ELEMENTS = 4096;

import { changedOnly, pickId, torchPickId, type TorchPickSpec } from '../model/lossPick';
import { blankDeclarations } from '../model/jsText';
import { pickLoss, pickParams, type OrderOption } from '../pickers';
import { loadTorchCore } from '../lazyCore';
import { assignedNames, frameworkOfText, rolesReason, rolesText, torchRoles, type ArrayLabel } from '../model/torchArgs';
import type { TorchPlacement } from '../jobs';
import { docLogName } from '../docNames';

/** Arguments for programmatic use (tests, CodeLens, hover links); all optional. */
export interface ComputeArgs {
  /** Loss for a two-array selection (skips the quick pick). */
  loss?: string;
  /** Parameters for that loss (skips the parameter step; defaults when absent and `loss` is given). */
  config?: Record<string, ParamValue>;
  /** Document to evaluate (default: the active editor's). */
  uri?: string;
  /** [startLine, startChar, endLine, endChar], 0-based (default: the selection, or the whole document if empty). */
  range?: [number, number, number, number];
  /** A torch loss on selected arrays: exchange input and target (the result hover's Swap link). */
  swap?: boolean;
  /**
   * The hover's "Compute with the numbers under the cursor": evaluate the document as Compute Loss does, then bring
   * forward the call of the loss `name` hovered on 0-based `line` (the call on that line, else the first call of that
   * loss below it: `criterion = nn.CrossEntropyLoss()` is called later).
   */
  focus?: { line: number; name: string };
}

export interface ComputeSummary {
  kind: 'snippet' | 'arrays';
  /** `line`/`lineEnd` are 1-based document lines of the call. */
  results: { line: number; lineEnd: number; loss: string; printed: string; value: unknown; shape: number[]; torchArgs?: string; decoration?: string }[];
  /** `line` is 1-based. */
  diagnostics: { line: number; message: string; severity: string }[];
  /** True when the input went to the worker (worker_threads, or a Web Worker in VS Code for the Web). */
  usedWorker?: boolean;
  /** With `focus`: the call brought forward (null when no call of that loss was evaluated at or below the line). */
  focused?: { line: number; loss: string; printed: string } | null;
}

/** Lets the event loop run pending events (typing, rendering requests) before continuing. */
const turn = () => new Promise<void>((r) => setTimeout(r, 0));

/** Values with more elements than this are left out of the summary (its `shape` says what they were). */
const MAX_SUMMARY_VALUES = 10_000;

interface LastChoice { loss: string; config: Config; recent: string[] }

/** The document's framework (its imports; a notebook cell reads the cells above too), for the loss pick's order. */
function documentFramework(doc: vscode.TextDocument): string | undefined {
  const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 3000), 0));
  return frameworkOfText(cellPrefix(doc) + head);
}

/** The arrays of a two-array selection as the torch order note names them (document lines, 1-based). */
function arrayLabels(target: Target, items: { name: string | null; start: number }[] | null): ArrayLabel[] {
  if (items) return items.map((it) => ({ name: it.name, line: target.doc.positionAt(target.base + it.start).line + 1 }));
  // Too large to parse on this thread: the assigned names, read without the numbers.
  return (assignedNames(target.text) ?? [null, null]).map((name) => ({ name }));
}

/** Every torch loss as the pickers see it (the torch core is loaded now). */
async function torchPickSpecs(): Promise<TorchPickSpec[]> {
  const t = await loadTorchCore();
  return t.TORCH_SPECS.map((sp) => ({ framework: 'torch', id: sp.id, functionName: sp.functionName, family: sp.family, args: sp.args, doc: sp.doc, kerasMatch: sp.kerasMatch, params: t.torchParams(sp) }));
}

/** The picker's Swap item for a torch loss on these arrays. */
function orderOption(spec: TorchPickSpec, arrays: ArrayLabel[]): OrderOption {
  const args = spec.args.map((a) => a.name);
  const names = arrays.map((a) => a.name);
  return {
    swap: false,
    // a quick pick shows text as it is: no Markdown backticks around the names there
    describe: (swap) => { const r = torchRoles(names, args, swap); return { roles: rolesText(r, args, arrays).replace(/`/g, ''), reason: rolesReason(r) }; },
  };
}

/** The result hover's lines about a torch call on selected arrays: which array was which argument, and why. */
function placementText(p: TorchPlacement, docLine: (l: number) => number): string {
  const arrays = p.arrays.map((a) => ({ name: a.name, line: docLine(a.line) + 1 }));
  const roles = { items: p.items, byName: p.byName, swapped: p.swapped };
  const dt = p.args.map((a) => `${a}: ${p.dtypes[a]}`).join(', ');
  return [
    vscode.l10n.t('**torch arguments:** {0} ({1}); dtypes {2}.', rolesText(roles, p.args, arrays), rolesReason(roles), dt),
    ...(p.looksSwapped ? [vscode.l10n.t('⚠ The input holds only integers and the target has fractions: the arrays may be in Keras\'s order (y_true first). Swap them if so.')] : []),
  ].join('\n\n');
}

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information,
};

/** The text to evaluate and how its offsets map to the document. */
interface Target {
  doc: vscode.TextDocument;
  /** The text evaluated (JS declarations blanked, notebook prefix included). */
  text: string;
  /** Document offset of the evaluated text's first character (after `skip`). */
  base: number;
  /** Length of a prefix that is not in this document (the notebook cells above a cell). */
  skip: number;
  wholeDocument: boolean;
  /** Position of `base` in the document when the text was read. */
  basePos?: Pos;
  /** Edits made to the document since the text was read (results are carried through them). */
  changes?: TextChange[];
}

/** The request as a command link can carry it (JSON): small arrays as nested lists. */
function linkRequest(r: SerializableRequest): SerializableRequest {
  const n = (x: SerializableRequest['yTrue'] | null | undefined) => (x && typeof x === 'object' && !Array.isArray(x) ? toNested(x as Tensor) : x);
  const args = r.args ? Object.fromEntries(Object.entries(r.args).map(([k, v]) => [k, n(v)!])) : undefined;
  return { ...r, yTrue: n(r.yTrue)!, yPred: n(r.yPred)!, ...(r.sampleWeight != null ? { sampleWeight: n(r.sampleWeight) } : {}), ...(args ? { args } : {}) };
}

/** The code cells above a notebook cell, in its language, so their assignments are in scope. */
function cellPrefix(doc: vscode.TextDocument): string {
  if (doc.uri.scheme !== 'vscode-notebook-cell') return '';
  for (const nb of vscode.workspace.notebookDocuments) {
    const cells = nb.getCells();
    const i = cells.findIndex((c) => c.document.uri.toString() === doc.uri.toString());
    if (i < 0) continue;
    const above = cells.slice(0, i).filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === doc.languageId);
    return above.map((c) => c.document.getText() + '\n').join('');
  }
  return '';
}

async function resolveTarget(args: ComputeArgs | undefined, fromMenu = false): Promise<Target | undefined> {
  let doc: vscode.TextDocument | undefined;
  let range: vscode.Range | undefined;
  if (args?.uri) {
    const uri = vscode.Uri.parse(args.uri);
    doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? await vscode.workspace.openTextDocument(uri);
    if (args.range) range = new vscode.Range(args.range[0], args.range[1], args.range[2], args.range[3]);
    else if (fromMenu) {
      // The editor context menu passes the document's URI: the user still means the selection in that editor.
      // (An explicit { uri } from code or a test means the whole document.)
      const ed = vscode.window.activeTextEditor;
      if (ed && ed.document.uri.toString() === uri.toString() && !ed.selection.isEmpty) range = ed.selection;
    }
  } else {
    const ed = vscode.window.activeTextEditor;
    if (!ed) return undefined;
    doc = ed.document;
    if (args?.range) range = new vscode.Range(args.range[0], args.range[1], args.range[2], args.range[3]);
    else if (!ed.selection.isEmpty) range = ed.selection;
  }
  if (range && !range.isEmpty) {
    range = doc.validateRange(range);
    return { doc, text: doc.getText(range), base: doc.offsetAt(range.start), skip: 0, wholeDocument: false };
  }
  const prefix = cellPrefix(doc);
  return { doc, text: prefix + doc.getText(), base: 0, skip: prefix.length, wholeDocument: true };
}

/** Entry point of the command. */
export async function computeLoss(s: Services, args?: ComputeArgs): Promise<ComputeSummary | undefined> {
  // From a notebook cell's menu VS Code passes the cell; from the explorer, a Uri.
  const cell = args as unknown as { document?: vscode.TextDocument; notebook?: unknown; kind?: vscode.NotebookCellKind } | undefined;
  if (cell && typeof cell === 'object' && cell.document && cell.notebook) {
    // The cell toolbar's "…" menu cannot tell a Markdown cell (its context has no notebookCellType): say so there.
    if (cell.kind === vscode.NotebookCellKind.Markup) {
      vscode.window.setStatusBarMessage(vscode.l10n.t('$(info) Loss Inspector: Compute Loss works on code cells; this one is Markdown.'), 5000);
      return undefined;
    }
    args = { uri: cell.document.uri.toString() };
  }
  const fromMenu = args instanceof vscode.Uri;
  if (args instanceof vscode.Uri) args = { uri: args.toString() };
  const target = await resolveTarget(args && typeof args === 'object' ? args : undefined, fromMenu);
  if (!target) {
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(info) Loss Inspector: open a Python, JavaScript or TypeScript file (or a notebook cell) first.'), 4000);
    return undefined;
  }
  const version = target.doc.version; // the text is read now; questions and the worker take time
  target.basePos = target.doc.positionAt(target.base);
  const watch = watchEdits(target.doc);
  const running = { uri: target.doc.uri.toString(), version, chars: target.text.length };
  inFlight.add(running);
  try {
    const summary = await computeOn(s, target, version, args);
    return args?.focus && summary ? focusOn(target.doc, summary, args.focus) : summary;
  } finally {
    inFlight.delete(running);
    watch.dispose();
  }
}

/** `nn.CrossEntropyLoss`, `torch.nn.CrossEntropyLoss`, `CrossEntropyLoss()` → `crossentropyloss`; `F.mse_loss` → `mse_loss`. */
function bareLossName(name: string): string {
  return name.replace(/\(.*$/s, '').replace(/^.*\./, '').toLowerCase();
}

/** The hover's call brought forward: said in the status bar and revealed in its editor. */
function focusOn(doc: vscode.TextDocument, summary: ComputeSummary, focus: { line: number; name: string }): ComputeSummary {
  const line = focus.line + 1;
  const bare = bareLossName(focus.name);
  const rs = summary.results;
  const hit = rs.find((r) => r.line <= line && line <= r.lineEnd)
    ?? rs.find((r) => r.line >= line && bareLossName(r.loss) === bare)
    ?? null;
  if (!hit) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Loss Inspector: no call of {0} with numbers in the file was evaluated at or below line {1}. Calls that could not be evaluated say why in the Problems view.', focus.name, line));
    return { ...summary, focused: null };
  }
  vscode.window.setStatusBarMessage(vscode.l10n.t('$(graph-line) Loss Inspector: {0} (line {1}) = {2}', hit.loss, hit.line, hit.printed), 8000);
  const ed = vscode.window.visibleTextEditors.find((e) => e.document === doc);
  if (ed) ed.revealRange(new vscode.Range(hit.lineEnd - 1, 0, hit.lineEnd - 1, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return { ...summary, focused: { line: hit.line, loss: hit.loss, printed: hit.printed } };
}

/** Evaluations whose text has been read and whose results are not shown yet. */
const inFlight = new Set<{ uri: string; version: number; chars: number }>();

/** For the test-only state command: what is being computed now. */
export function runningComputations(): { uri: string; version: number; chars: number }[] {
  return [...inFlight];
}

async function computeOn(s: Services, target: Target, version: number, args: ComputeArgs | undefined): Promise<ComputeSummary | undefined> {
  const cfg = s.settings(target.doc.uri);
  const limits = { maxInputChars: cfg.maxInputChars, maxDepth: cfg.maxDepth, semantics: cfg.semantics };
  const python = target.doc.languageId === 'python';
  const refused = refusedJob({ kind: 'snippet', text: target.text, limits });
  if (refused) {
    // Too large to read at all (in any language): say so, and offer to raise the limit in one click.
    offerRaise(s, refused.refused!.chars, args);
    return finish(s, target, refused);
  }
  if (!python && target.text.length <= cfg.maxInputChars) {
    // JS/TS/JSON: `const yTrue = [...]; let yPred: number[][] = [...]` reads as two named literals once the
    // declaration keywords are blanked (same length, so every offset still points into the document).
    target.text = blankDeclarations(target.text);
  }
  // A large input: let the event loop turn between reading the text and scanning it (each takes ~50–100 ms at
  // 20 M characters), so a key typed meanwhile waits for one of them, not both.
  const large = target.text.length > cfg.workerThresholdChars;
  if (large) await turn();
  const kind = classifySelection(target.text);
  if (large) await turn();
  if (kind === 'snippet' && !python) {
    // The snippet evaluator reads Python; JavaScript would only produce confusing syntax errors.
    return finish(s, target, { kind: 'snippet', results: [], diagnostics: [{
      offset: target.skip + (target.text.length - target.text.trimStart().length), length: Math.min(200, target.text.trim().length) || 1, severity: 'info',
      message: vscode.l10n.t('Loss Inspector evaluates Keras snippets in Python. In JavaScript, TypeScript or JSON, select two array literals (y_true, then y_pred) and run Compute Loss to pick a loss; hover a tf.losses.* name for its Keras equivalent.'),
    }] });
  }
  let job: EvalJob;
  if (kind === 'arrays') {
    // Small inputs: parse first, so a typo is reported before any question is asked.
    let items: { name: string | null; start: number }[] | null = null;
    if (target.text.length <= cfg.workerThresholdChars) {
      try { items = parseTwoArrays(target.text).items; } catch { return finish(s, target, await runJob({ kind: 'arrays', text: target.text, loss: 'MeanSquaredError', config: {}, limits })); }
    }
    const choice = await chooseLoss(s, args, cfg.defaultLoss, { preferFramework: documentFramework(target.doc), torch: { arrays: arrayLabels(target, items) } });
    if (!choice) return undefined;
    job = { kind: 'arrays', text: target.text, loss: choice.loss, config: choice.config, limits, ...(choice.swap ? { swap: true } : {}) };
  } else {
    job = { kind: 'snippet', text: target.text, limits };
  }
  const t0 = Date.now();
  const ac = new AbortController();
  const running = run(job, { workerThresholdChars: cfg.workerThresholdChars, timeoutMs: cfg.timeoutSeconds * 1000, startWorker: () => s.platform.startWorker(), signal: ac.signal });
  // A long evaluation gets a progress notification with Cancel after 1 s (quick ones never flash one).
  let settled = false;
  const progressTimer = setTimeout(() => {
    if (settled) return;
    void vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, cancellable: true,
      title: vscode.l10n.t('Loss Inspector: evaluating {0} characters…', target.text.length.toLocaleString('en-US')),
    }, (_p, token) => {
      token.onCancellationRequested(() => ac.abort());
      return running.then(() => undefined, () => undefined);
    });
  }, 1000);
  let out: Awaited<typeof running>;
  try { out = await running; } finally { settled = true; clearTimeout(progressTimer); }
  const took = `in ${Date.now() - t0} ms${out.usedWorker ? ' (worker)' : ''} — ${docLogName(target.doc.uri.toString())}`;
  if (out.cancelled) {
    s.log.info(`${job.kind}: cancelled ${took}`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(info) Loss Inspector: evaluation cancelled.'), 4000);
    return { kind: out.kind, results: [], diagnostics: [] };
  }
  if (target.doc.version !== version) {
    // Edited while the quick pick was open or the worker ran: results move with the edits; only those whose lines were edited are dropped.
    target.changes = changesSince.get(target.doc) ?? [];
  }
  s.log.info(`${job.kind}: ${out.results.length} result(s), ${out.diagnostics.length} diagnostic(s) ${took}${target.changes ? ' (the document changed meanwhile: results moved with the edits)' : ''}`);
  return { ...finish(s, target, out), usedWorker: out.usedWorker };
}

/**
 * The edits of each document being evaluated, recorded while its evaluation runs (VS Code reports them as
 * contentChanges; finish() maps the results through them).
 */
const changesSince = new WeakMap<vscode.TextDocument, TextChange[]>();
let watching = 0;
let watcher: vscode.Disposable | undefined;
function watchEdits(doc: vscode.TextDocument): vscode.Disposable {
  changesSince.set(doc, []);
  if (watching++ === 0) {
    watcher = vscode.workspace.onDidChangeTextDocument((e) => {
      const list = changesSince.get(e.document);
      if (list) for (const c of e.contentChanges) list.push({ start: c.range.start, end: c.range.end, text: c.text });
    });
  }
  return { dispose: () => { changesSince.delete(doc); if (--watching === 0) { watcher?.dispose(); watcher = undefined; } } };
}

/** The refusal of a too-large input offers to raise the limit and compute again, in one click. */
function offerRaise(s: Services, chars: number, args: ComputeArgs | undefined): void {
  const value = suggestedLimit(chars);
  const raise = vscode.l10n.t('Raise to {0} and compute', value.toLocaleString('en-US'));
  void vscode.window.showWarningMessage(
    vscode.l10n.t('Loss Inspector: the input has {0} characters, more than lossInspector.maxInputChars ({1}).', chars.toLocaleString('en-US'), s.settings().maxInputChars.toLocaleString('en-US')),
    raise,
  ).then((pick) => { if (pick === raise) void vscode.commands.executeCommand(Commands.raiseInputLimit, { value, rerun: args ?? {} }); });
}

/** Arguments of lossInspector.raiseInputLimit. */
export interface RaiseArgs { value: number; rerun?: ComputeArgs }

/**
 * Sets lossInspector.maxInputChars to `value` where it is set now (folder, workspace, else user settings) and, with
 * `rerun`, computes again (an empty `rerun` means the active editor's selection or document).
 */
export async function raiseInputLimit(s: Services, a: RaiseArgs): Promise<ComputeSummary | undefined> {
  const value = Math.round(Number(a?.value));
  if (!Number.isFinite(value) || value < 1000) throw new Error(`raiseInputLimit: expected a value ≥ 1000, received ${a?.value}`);
  const uri = a.rerun?.uri ? vscode.Uri.parse(a.rerun.uri) : vscode.window.activeTextEditor?.document.uri;
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION, uri);
  const where = c.inspect<number>(Settings.maxInputChars);
  const target = where?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : where?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update(Settings.maxInputChars, value, target);
  s.log.info(`lossInspector.maxInputChars raised to ${value}`);
  return a.rerun ? computeLoss(s, Object.keys(a.rerun).length ? a.rerun : undefined) : undefined;
}

/**
 * The loss and its parameters: from the arguments, lossInspector.defaultLoss, or the pickers (remembered per
 * workspace). `preferFramework` lists that framework's losses first (the document's or the paused file's framework).
 * `torch` offers the torch.nn losses too (two selected arrays: their names and lines for the Swap item).
 */
export async function chooseLoss(s: Services, args: Pick<ComputeArgs, 'loss' | 'config' | 'swap'> | undefined, defaultLoss: string, opts: { preferFramework?: string; title?: string; torch?: { arrays: ArrayLabel[] } } = {}): Promise<{ loss: string; config: Config; swap?: boolean } | undefined> {
  const state = s.context.workspaceState;
  const last = state.get<LastChoice>(LAST_CHOICE_KEY);
  let loss: string | undefined = args?.loss;
  let config: Config | undefined = args?.config;
  if (loss) return { loss, config: config ?? {}, ...(args?.swap ? { swap: true } : {}) };
  const def = defaultLoss ? tryResolveLoss(defaultLoss) : null;
  const torchDef = defaultLoss && !def && opts.torch ? (await loadTorchCore()).tryResolveTorch(defaultLoss) : null;
  if (defaultLoss && !def && !torchDef) s.log.warn(`lossInspector.defaultLoss '${defaultLoss}' is not a loss name; asking instead`);
  if (def) {
    const spec = def.spec;
    return { loss: defaultLoss, config: config ?? (last && last.loss === spec.id ? last.config : {}) };
  }
  if (torchDef) {
    const id = torchPickId(torchDef.spec);
    return { loss: id, config: config ?? (last && last.loss === id ? last.config : {}) };
  }
  const torch = opts.torch ? await torchPickSpecs() : undefined;
  const spec = await pickLoss(last?.recent ?? (last ? [last.loss] : []), opts.title, opts.preferFramework, torch);
  if (!spec) return undefined;
  loss = pickId(spec);
  let swap = false;
  if (!config) {
    const order = spec.framework === 'torch' && opts.torch ? orderOption(spec as TorchPickSpec, opts.torch.arrays) : undefined;
    const picked = await pickParams(spec, last && last.loss === loss ? last.config : {}, order);
    if (!picked) return undefined;
    config = picked.config; swap = picked.swap;
  }
  config = changedOnly(spec, config);
  const recent = [loss, ...(last?.recent ?? []).filter((r) => r !== loss)].slice(0, 3);
  await state.update(LAST_CHOICE_KEY, { loss, config, recent } satisfies LastChoice);
  return { loss, config, ...(swap ? { swap: true } : {}) };
}

/** Positions in a text that started at `base` in its document (for the document as it was when it was read). */
function positionsIn(text: string, base: Pos): (off: number) => Pos {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (off) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= off) lo = mid; else hi = mid - 1; }
    return lo === 0 ? { line: base.line, character: base.character + off } : { line: base.line + lo, character: off - starts[lo] };
  };
}

function countLines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Compute Loss again on the same selection, loss and parameters, with input and target exchanged. */
function swapArgs(target: Target, p: TorchPlacement): ComputeArgs {
  const a = target.doc.positionAt(target.base), b = target.doc.positionAt(target.base + target.text.length - target.skip);
  return { uri: target.doc.uri.toString(), loss: p.loss, config: p.config, swap: !p.swapped, ...(target.wholeDocument ? {} : { range: [a.line, a.character, b.line, b.character] }) };
}

/** Maps job offsets to the document, stores decorations and diagnostics, and builds the returned summary. */
function finish(s: Services, target: Target, raw: JobOutput): ComputeSummary {
  const { doc, base, skip } = target;
  // Notebook cells are evaluated after the code cells above them: keep what falls inside this cell only.
  const out: JobOutput = skip ? {
    kind: raw.kind,
    results: raw.results.filter((r) => r.offset >= skip).map((r) => ({ ...r, offset: r.offset - skip, end: r.end - skip })),
    diagnostics: raw.diagnostics.filter((d) => d.offset >= skip || d.severity === 'error').map((d) => (d.offset >= skip
      ? { ...d, offset: d.offset - skip }
      : { ...d, offset: 0, length: 1, message: vscode.l10n.t('In a cell above: {0}', d.message) })),
  } : raw;
  const textLen = target.text.length - skip;
  const precision = s.settings(doc.uri).precision;
  const changes = target.changes?.length ? target.changes : null;
  // Positions are those of the text as it was read; edits made meanwhile are mapped through (changes).
  const basePos = target.basePos ?? doc.positionAt(base);
  const oldPos = changes ? positionsIn(target.text.slice(skip), basePos) : null;
  const pos = (off: number): Pos => {
    const o = Math.max(0, Math.min(off, textLen));
    return oldPos ? oldPos(o) : doc.positionAt(base + o);
  };
  // The job's 1-based text lines → 0-based document lines (a notebook prefix shifts them back).
  const firstLine = basePos.line - (skip ? countLines(target.text.slice(0, skip)) : 0);
  const docLine = (l: number) => Math.max(0, firstLine + l - 1);
  const stored: StoredResult[] = [];
  const torchNotes = new Map<string, string>();
  for (const r of out.results) {
    let lines: [number, number] | null = [docLine(r.line), docLine(r.lineEnd)];
    if (changes) lines = mapLines(lines[0], lines[1], changes);
    else lines = [Math.min(lines[0], doc.lineCount - 1), Math.min(lines[1], doc.lineCount - 1)];
    if (!lines || lines[1] >= doc.lineCount) continue; // an edit touched the call: its numbers no longer belong to the text
    const start = new vscode.Position(lines[0], 0);
    const end = new vscode.Position(lines[1], 0);
    const id = s.store.newId();
    // Small requests travel inside the command link; large ones by reference (no JSON of a big array per hover).
    const sh = r.result.shapes;
    const elements = sizeOf(sh.yTrue) + sizeOf(sh.yPred) + (sh.sampleWeight ? sizeOf(sh.sampleWeight) : 0);
    const openArgs = r.request && elements <= 256 && !r.customSource
      ? { request: linkRequest(r.request), title: r.result.callee, source: { uri: doc.uri.toString(), line: start.line + 1 }, resultRef: id }
      : { resultRef: id, title: r.result.callee, source: { uri: doc.uri.toString(), line: start.line + 1 } };
    const links = [
      { label: vscode.l10n.t('Open in panel'), uri: commandUri(Commands.openPanel, openArgs), title: vscode.l10n.t('Plot this call in the Loss Inspector panel') },
      { label: vscode.l10n.t('Copy as Python literal'), uri: commandUri(Commands.copyResult, { uri: doc.uri.toString(), line: start.line, resultRef: id }), title: vscode.l10n.t('Copy the value') },
      ...(r.torch ? [{ label: vscode.l10n.t('Swap input and target'), uri: commandUri(Commands.computeLoss, swapArgs(target, r.torch)), title: vscode.l10n.t('Compute again with the arrays exchanged') }] : []),
    ];
    const lead = r.torch ? placementText(r.torch, docLine) : undefined;
    const compareLink = { label: vscode.l10n.t('$(versions) Compare in panel'), uri: commandUri(Commands.openPanel, { ...openArgs, view: 'frameworks' }), title: vscode.l10n.t('Open the panel on its Frameworks view: these rows with their curves on one sweep') };
    const hover = new vscode.MarkdownString(resultHoverMarkdown(r.result, { precision, links, notes: r.notes, lead, compare: elements <= COMPARE_MAX_ELEMENTS ? compareOf(r.request) : null, compareLink }), true);
    hover.isTrusted = { enabledCommands: TRUSTED_COMMANDS };
    stored.push({
      id, uri: doc.uri.toString(), startLine: start.line, endLine: end.line, text: r.text, printed: r.printed, result: r.result,
      request: r.request, customSource: r.customSource, notes: r.notes, decoration: decorationText(r.result, precision), hover,
    });
    if (lead) torchNotes.set(id, lead);
  }
  const diags: vscode.Diagnostic[] = [];
  const diagSeverity: string[] = [];
  for (const d of out.diagnostics) {
    let start = pos(d.offset);
    let endP = pos(d.offset + Math.max(0, d.length));
    if (changes) {
      const moved = mapRange(start, endP, changes);
      if (!moved) continue;
      [start, endP] = moved;
    }
    const s0 = doc.validatePosition(new vscode.Position(start.line, start.character));
    let end = doc.validatePosition(new vscode.Position(endP.line, endP.character));
    if (end.isEqual(s0)) end = doc.lineAt(s0.line).range.end.isEqual(s0) ? s0 : s0.translate(0, 1);
    // "'tf' is not imported …: read as `import tensorflow as tf`" is reassurance, not a problem: a hint (no squiggle).
    const sev = d.severity === 'info' && /not imported .*read as/.test(d.message) ? vscode.DiagnosticSeverity.Hint : SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Information;
    const diag = new vscode.Diagnostic(new vscode.Range(s0, end), d.message, sev);
    diag.source = 'Loss Inspector';
    if (d.code) diag.code = d.code;
    diags.push(diag);
    diagSeverity.push(d.severity);
  }
  if (changes) s.log.info(`the document changed during evaluation: ${stored.length} of ${out.results.length} result(s) kept (moved with the edits)`);
  // Pitfall warnings of a result (from_logits, label format, outer-product broadcasting, …) also go to the
  // Problems view, under the call's first line, once per message.
  const seen = new Set(diags.map((d) => d.message));
  for (const r of stored) {
    for (const w of r.result.trace.warnings) {
      if (seen.has(w.message)) continue;
      seen.add(w.message);
      const line = doc.lineAt(r.startLine);
      const range = new vscode.Range(r.startLine, line.firstNonWhitespaceCharacterIndex, r.startLine, line.range.end.character);
      const diag = new vscode.Diagnostic(range, w.message, vscode.DiagnosticSeverity.Warning);
      diag.source = 'Loss Inspector';
      diag.code = w.code;
      diags.push(diag);
    }
  }
  s.store.set(doc.uri, stored, diags, target.wholeDocument ? undefined : [doc.positionAt(base).line, doc.positionAt(base + textLen).line]);
  const errors = out.diagnostics.filter((d) => d.severity === 'error').length;
  const results = stored.length === 1 ? vscode.l10n.t('1 result') : vscode.l10n.t('{0} results', stored.length);
  vscode.window.setStatusBarMessage(errors
    ? vscode.l10n.t('$(graph-line) Loss Inspector: {0}, {1} (see Problems)', results, errors === 1 ? vscode.l10n.t('1 error') : vscode.l10n.t('{0} errors', errors))
    : vscode.l10n.t('$(graph-line) Loss Inspector: {0}', results), 5000);
  return {
    kind: out.kind,
    results: stored.map((r) => ({ line: r.startLine + 1, lineEnd: r.endLine + 1, loss: r.result.callee, printed: r.printed,
      // A large unreduced value is not turned into nested lists unless asked for (Copy Result does).
      value: r.result.value.data.length <= MAX_SUMMARY_VALUES ? toJsonValue(r.result.value) : undefined, shape: r.result.value.shape.slice(),
      decoration: r.decoration, ...(torchNotes.has(r.id) ? { torchArgs: torchNotes.get(r.id) } : {}) })),
    diagnostics: diags.map((d, i) => ({ line: d.range.start.line + 1, message: d.message, severity: diagSeverity[i] ?? 'warning' })),
  };
}
