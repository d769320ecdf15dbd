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
import { sizeOf } from '../../core/tensor';
import { Commands, TRUSTED_COMMANDS, LAST_CHOICE_KEY } from '../constants';
import { classifySelection, parseTwoArrays } from '../../core/arrays';
import { run } from '../runner';
import { runJob, type EvalJob, type JobOutput } from '../jobs';
import type { Services } from '../services';
import { commandUri } from '../services';
import type { StoredResult } from '../store';
import { decorationText, resultHoverMarkdown } from '../model/resultText';
import { changedOnly } from '../model/lossPick';
import { blankDeclarations } from '../model/jsText';
import { pickLoss, pickParams } from '../pickers';
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
}

export interface ComputeSummary {
  kind: 'snippet' | 'arrays';
  /** `line`/`lineEnd` are 1-based document lines of the call. */
  results: { line: number; lineEnd: number; loss: string; printed: string; value: unknown }[];
  /** `line` is 1-based. */
  diagnostics: { line: number; message: string; severity: string }[];
  /** True when the input went to the worker (worker_threads, or a Web Worker in VS Code for the Web). */
  usedWorker?: boolean;
}

interface LastChoice { loss: string; config: Config; recent: string[] }

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
  const cell = args as unknown as { document?: vscode.TextDocument; notebook?: unknown } | undefined;
  if (cell && typeof cell === 'object' && cell.document && cell.notebook) args = { uri: cell.document.uri.toString() };
  const fromMenu = args instanceof vscode.Uri;
  if (args instanceof vscode.Uri) args = { uri: args.toString() };
  const target = await resolveTarget(args && typeof args === 'object' ? args : undefined, fromMenu);
  if (!target) {
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(info) Loss Inspector: open a Python, JavaScript or TypeScript file (or a notebook cell) first.'), 4000);
    return undefined;
  }
  const version = target.doc.version; // the text is read now; questions and the worker take time
  const cfg = s.settings(target.doc.uri);
  const limits = { maxInputChars: cfg.maxInputChars, maxDepth: cfg.maxDepth, semantics: cfg.semantics };
  const python = target.doc.languageId === 'python';
  if (!python && target.text.length <= cfg.maxInputChars) {
    // JS/TS/JSON: `const yTrue = [...]; let yPred: number[][] = [...]` reads as two named literals once the
    // declaration keywords are blanked (same length, so every offset still points into the document).
    target.text = blankDeclarations(target.text);
  }
  const kind = target.text.length <= cfg.maxInputChars ? classifySelection(target.text) : 'snippet';
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
    if (target.text.length <= cfg.workerThresholdChars) {
      try { parseTwoArrays(target.text); } catch { return finish(s, target, await runJob({ kind: 'arrays', text: target.text, loss: 'MeanSquaredError', config: {}, limits })); }
    }
    const choice = await chooseLoss(s, args, cfg.defaultLoss);
    if (!choice) return undefined;
    job = { kind: 'arrays', text: target.text, loss: choice.loss, config: choice.config, limits };
  } else {
    job = { kind: 'snippet', text: target.text, limits };
  }
  const t0 = Date.now();
  const out = await run(job, { workerThresholdChars: cfg.workerThresholdChars, timeoutMs: cfg.timeoutSeconds * 1000, startWorker: () => s.platform.startWorker() });
  const took = `in ${Date.now() - t0} ms${out.usedWorker ? ' (worker)' : ''} — ${docLogName(target.doc.uri.toString())}`;
  if (target.doc.version !== version) {
    s.log.info(`${job.kind}: discarded ${out.results.length} result(s) and ${out.diagnostics.length} diagnostic(s): the document changed during the evaluation; nothing shown ${took}`);
    // Edited while the quick pick was open or the worker ran: the offsets no longer match the text, so show nothing rather than misplace it.
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(info) Loss Inspector: the document changed during evaluation; run Compute Loss again.'), 5000);
    return { kind: out.kind, results: [], diagnostics: [] };
  }
  s.log.info(`${job.kind}: ${out.results.length} result(s), ${out.diagnostics.length} diagnostic(s) ${took}`);
  return { ...finish(s, target, out), usedWorker: out.usedWorker };
}

async function chooseLoss(s: Services, args: ComputeArgs | undefined, defaultLoss: string): Promise<{ loss: string; config: Config } | undefined> {
  const state = s.context.workspaceState;
  const last = state.get<LastChoice>(LAST_CHOICE_KEY);
  let loss: string | undefined = args?.loss;
  let config: Config | undefined = args?.config;
  if (loss) return { loss, config: config ?? {} };
  const def = defaultLoss ? tryResolveLoss(defaultLoss) : null;
  if (defaultLoss && !def) s.log.warn(`lossInspector.defaultLoss '${defaultLoss}' is not a loss name; asking instead`);
  if (def) {
    const spec = def.spec;
    return { loss: defaultLoss, config: config ?? (last && last.loss === spec.id ? last.config : {}) };
  }
  const spec = await pickLoss(last?.recent ?? (last ? [last.loss] : []));
  if (!spec) return undefined;
  loss = spec.id;
  if (!config) {
    config = await pickParams(spec, last && last.loss === spec.id ? last.config : {});
    if (!config) return undefined;
  }
  config = changedOnly(spec, config);
  const recent = [spec.id, ...(last?.recent ?? []).filter((r) => r !== spec.id)].slice(0, 3);
  await state.update(LAST_CHOICE_KEY, { loss: spec.id, config, recent } satisfies LastChoice);
  return { loss, config };
}

function countLines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
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
  const pos = (off: number) => doc.positionAt(base + Math.max(0, Math.min(off, textLen)));
  // The job's 1-based text lines → 0-based document lines (a notebook prefix shifts them back).
  const firstLine = doc.positionAt(base).line - (skip ? countLines(target.text.slice(0, skip)) : 0);
  const docLine = (l: number) => Math.max(0, Math.min(doc.lineCount - 1, firstLine + l - 1));
  const stored: StoredResult[] = out.results.map((r) => {
    const start = new vscode.Position(docLine(r.line), 0);
    const end = new vscode.Position(docLine(r.lineEnd), 0);
    const id = s.store.newId();
    // Small requests travel inside the command link; large ones by reference (no JSON of a big array per hover).
    const sh = r.result.shapes;
    const elements = sizeOf(sh.yTrue) + sizeOf(sh.yPred) + (sh.sampleWeight ? sizeOf(sh.sampleWeight) : 0);
    const openArgs = r.request && elements <= 256 && !r.customSource
      ? { request: r.request, title: r.result.callee, source: { uri: doc.uri.toString(), line: start.line + 1 } }
      : { resultRef: id, title: r.result.callee, source: { uri: doc.uri.toString(), line: start.line + 1 } };
    const links = [
      { label: vscode.l10n.t('Open in panel'), uri: commandUri(Commands.openPanel, openArgs), title: vscode.l10n.t('Plot this call in the Loss Inspector panel') },
      { label: vscode.l10n.t('Copy as Python literal'), uri: commandUri(Commands.copyResult, { uri: doc.uri.toString(), line: start.line }), title: vscode.l10n.t('Copy the value') },
    ];
    const hover = new vscode.MarkdownString(resultHoverMarkdown(r.result, { precision, links, notes: r.notes }), true);
    hover.isTrusted = { enabledCommands: TRUSTED_COMMANDS };
    return {
      id, uri: doc.uri.toString(), startLine: start.line, endLine: end.line, text: r.text, printed: r.printed, result: r.result,
      request: r.request, customSource: r.customSource, notes: r.notes, decoration: decorationText(r.result, precision), hover,
    };
  });
  const diags = out.diagnostics.map((d) => {
    const start = pos(d.offset);
    let end = pos(d.offset + Math.max(0, d.length));
    if (end.isEqual(start)) end = doc.lineAt(start.line).range.end.isEqual(start) ? start : start.translate(0, 1);
    // "'tf' is not imported …: read as `import tensorflow as tf`" is reassurance, not a problem: a hint (no squiggle).
    const sev = d.severity === 'info' && /not imported .*read as/.test(d.message) ? vscode.DiagnosticSeverity.Hint : SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Information;
    const diag = new vscode.Diagnostic(new vscode.Range(start, end), d.message, sev);
    diag.source = 'Loss Inspector';
    return diag;
  });
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
    results: stored.map((r) => ({ line: r.startLine + 1, lineEnd: r.endLine + 1, loss: r.result.callee, printed: r.printed, value: toJsonValue(r.result.value) })),
    diagnostics: diags.map((d, i) => ({ line: d.range.start.line + 1, message: d.message, severity: out.diagnostics[i]?.severity ?? 'warning' })),
  };
}

export function registerComputeLoss(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.computeLoss, async (args?: ComputeArgs) => {
    try {
      return await computeLoss(s, args);
    } catch (e) {
      // A bug, not bad input (that becomes diagnostics): log it, say so quietly, no modal.
      s.log.error(`Compute Loss failed: ${(e as Error).stack ?? e}`);
      vscode.window.setStatusBarMessage(vscode.l10n.t('$(error) Loss Inspector: internal error — see the "Loss Inspector" output.'), 8000);
      return undefined;
    }
  });
}
