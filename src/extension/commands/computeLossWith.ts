/**
 * "Compute Loss with…" on a live value of a paused program: from the Variables view (debug/variables/context),
 * the Watch view (debug/watch/context) or an editor selection while paused. This value is one argument; the
 * user picks the other (a variable of the frame, an expression or an array literal) and the loss (the paused
 * file's framework first); both are read through the debugger (read-only), non-finite inputs are reported with
 * their index first, and the panel opens on the result like any other.
 */
import * as vscode from 'vscode';
import type { Config, ParamValue } from '../../core/spec';
import { evaluate } from '../../core/evaluate';
import { formatKeras, toJsonValue } from '../../core/format';
import { toNested } from '../../core/tensor';
import { resolveLoss } from '../../core/registry';
import { LossInspectorError } from '../../core/errors';
import type { Services } from '../services';
import { describeValue, nonFiniteText, type FetchedValue } from '../model/debugFetch';
import { chooseLoss } from './computeLoss';
import { debugErrorMessage, DebugUserError, fetchValues, frameworkOfSource, pausedFrame, sessionById, type PausedFrame } from '../debug/paused';

export type Role = 'y_true' | 'y_pred';

/** What the menus pass (a variable, a watch expression, an editor URI) plus optional answers for tests. */
export interface DebugComputeArgs {
  sessionId?: string;
  /** Variables view: `{ name, value, evaluateName, variablesReference }`. */
  variable?: { name?: string; evaluateName?: string };
  /** The value's expression (instead of a variable or the selection). */
  expression?: string;
  /** The other argument (expression or literal): skips its question. */
  other?: string;
  /** Which argument this value is (default: guessed from its name). */
  role?: Role;
  loss?: string;
  config?: Record<string, ParamValue>;
}

export interface DebugComputeSummary {
  loss: string;
  printed: string;
  value: unknown;
  yTrue: { expression: string; dtype: string; shape: number[]; kind: string };
  yPred: { expression: string; dtype: string; shape: number[]; kind: string };
  nonFinite: string[];
  where?: { uri: string; line: number };
}

/** Labels, targets and ground truth are y_true; anything else (logits, predictions, outputs) is y_pred. */
export function guessRole(name: string): Role {
  const last = name.replace(/.*[.[\]'"]+(?=\w)/, '');
  return /(^|_)(y|y_?true|true|labels?|targets?|gt|ground_?truth|onehot|one_hot)$/i.test(last) || /^(labels?|targets?|y_?true|gt)/i.test(last) ? 'y_true' : 'y_pred';
}

/** The expression the command was invoked on: a variable, a watch expression, the argument, or the editor selection. */
function firstExpression(arg: unknown): string | undefined {
  const a = (Array.isArray(arg) ? arg[0] : arg) as Record<string, unknown> | undefined;
  if (a && typeof a === 'object' && !(a instanceof vscode.Uri)) {
    const v = a.variable as { evaluateName?: string; name?: string } | undefined;
    if (v && (v.evaluateName || v.name)) return v.evaluateName || v.name;
    if (typeof a.expression === 'string' && a.expression.trim()) return a.expression.trim();
    // The Watch view passes its expression object, whose name is the expression.
    if (typeof a.name === 'string' && a.name.trim()) return a.name.trim();
  }
  if (typeof arg === 'string' && arg.trim()) return arg.trim();
  const ed = vscode.window.activeTextEditor;
  if (!ed) return undefined;
  if (!ed.selection.isEmpty) return ed.document.getText(ed.selection).trim() || undefined;
  const word = ed.document.getWordRangeAtPosition(ed.selection.active, /[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*/);
  return word ? ed.document.getText(word) : undefined;
}

interface OtherItem extends vscode.QuickPickItem { expr?: string; swap?: boolean; type?: boolean }

/** Asks for the other argument: a variable of the frame, or a typed expression/literal; can swap the roles. */
async function askOther(p: PausedFrame, first: string, role: Role): Promise<{ other: string; role: Role } | undefined> {
  let vars: { name: string; value: string; evaluateName?: string; type?: string }[] = [];
  try {
    const scopes = (await p.session.customRequest('scopes', { frameId: p.frameId }) as { scopes: { variablesReference: number; expensive?: boolean }[] }).scopes;
    const local = scopes.find((x) => !x.expensive) ?? scopes[0];
    if (local) vars = (await p.session.customRequest('variables', { variablesReference: local.variablesReference }) as { variables: typeof vars }).variables;
  } catch { /* offer typing only */ }
  for (;;) {
    const otherRole: Role = role === 'y_pred' ? 'y_true' : 'y_pred';
    const qp = vscode.window.createQuickPick<OtherItem>();
    qp.title = vscode.l10n.t('Loss Inspector: {0} is {1} — choose {2}', first, role, otherRole);
    qp.placeholder = vscode.l10n.t('A variable, or type an expression or an array literal and press Enter');
    qp.items = [
      { label: vscode.l10n.t('$(arrow-swap) Use {0} as {1} instead', first, otherRole), swap: true },
      { label: vscode.l10n.t('Variables'), kind: vscode.QuickPickItemKind.Separator },
      ...vars.filter((v) => (v.evaluateName ?? v.name) !== first && !/^(special|function) variables$|^__/.test(v.name))
        .slice(0, 200).map((v) => ({ label: v.name, description: v.type, detail: v.value.length > 120 ? `${v.value.slice(0, 117)}…` : v.value, expr: v.evaluateName ?? v.name })),
    ];
    const picked = await new Promise<OtherItem | string | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const sel = qp.selectedItems[0];
        resolve(sel && (sel.expr || sel.swap) ? sel : qp.value.trim() || undefined);
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (picked === undefined) return undefined;
    if (typeof picked === 'string') return { other: picked, role };
    if (picked.swap) { role = otherRole; continue; }
    return { other: picked.expr!, role };
  }
}

function fileLine(where: { uri: string; line: number } | undefined): string {
  if (!where) return '';
  return `${decodeURIComponent(where.uri.replace(/^.*\//, ''))}:${where.line}`;
}

/** The lines shown with the result: where each input came from, and non-finite inputs. */
export function inputNotes(yTrue: FetchedValue, yPred: FetchedValue, where: string): { notes: string[]; nonFinite: string[] } {
  const nonFinite = [nonFiniteText(yTrue.expression, yTrue.tensor), nonFiniteText(yPred.expression, yPred.tensor)]
    .map((t, i) => (t ? `${i ? 'y_pred' : 'y_true'} ${t}` : null)).filter((t): t is string => !!t);
  const notes = [
    vscode.l10n.t('y_true = {0}', describeValue(yTrue)),
    vscode.l10n.t('y_pred = {0}', describeValue(yPred)),
    ...(where ? [vscode.l10n.t('read from the paused program at {0}', where)] : []),
    ...nonFinite.map((t) => vscode.l10n.t('Non-finite input: {0}', t)),
  ];
  return { notes, nonFinite };
}

/** Keras semantics for values from a debugger: the setting, `auto` meaning Keras 3. */
function semantics(s: Services): 'keras2' | 'keras3' {
  return s.settings().semantics === 'keras2' ? 'keras2' : 'keras3';
}

export async function computeLossWith(s: Services, arg?: unknown): Promise<DebugComputeSummary | undefined> {
  const args = (arg && typeof arg === 'object' && !Array.isArray(arg) && !(arg instanceof vscode.Uri) ? arg : {}) as DebugComputeArgs;
  const first = firstExpression(arg);
  const session = sessionById(args.sessionId);
  const p = await pausedFrame(session);
  const expr = first ?? await vscode.window.showInputBox({ title: vscode.l10n.t('Loss Inspector: Compute Loss with…'), prompt: vscode.l10n.t('An expression of the paused program (a variable, an attribute, a slice)') });
  if (!expr) return undefined;
  // Read this value first: "not an array" is said before any question.
  const [value] = await fetchValues(s, p, [expr]);
  let role: Role = args.role ?? guessRole(expr);
  let otherText = args.other;
  if (otherText === undefined) {
    const ans = await askOther(p, expr, role);
    if (!ans) return undefined;
    otherText = ans.other; role = ans.role;
  }
  const [other] = await fetchValues(s, p, [otherText]);
  const [yTrue, yPred] = role === 'y_pred' ? [other, value] : [value, other];
  const choice = await chooseLoss(s, args.loss ? { loss: args.loss, config: args.config } : undefined, '', {
    preferFramework: await frameworkOfSource(p.source?.uri),
    title: vscode.l10n.t('Loss Inspector: loss of y_true = {0}, y_pred = {1}', yTrue.expression, yPred.expression),
  });
  if (!choice) return undefined;
  return showResult(s, p, yTrue, yPred, choice);
}

async function showResult(s: Services, p: PausedFrame, yTrue: FetchedValue, yPred: FetchedValue, choice: { loss: string; config: Config }): Promise<DebugComputeSummary> {
  const where = fileLine(p.source);
  const { notes, nonFinite } = inputNotes(yTrue, yPred, where);
  // Reported before the loss is computed: the loss of a NaN input is NaN and says nothing about where it came from.
  if (nonFinite.length) void vscode.window.showWarningMessage(vscode.l10n.t('Loss Inspector: non-finite input — {0}', nonFinite.join('; ')));
  const spec = resolveLoss(choice.loss).spec;
  let printed: string, value: unknown;
  try {
    const r = evaluate({ loss: choice.loss, yTrue: yTrue.tensor, yPred: yPred.tensor, sampleWeight: null, config: choice.config, mode: 'class', semantics: semantics(s) });
    printed = formatKeras(r.value); value = toJsonValue(r.value);
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(graph-line) Loss Inspector: {0}({1}, {2}) = {3}', spec.id, yTrue.expression, yPred.expression, printed), 8000);
  } catch (e) {
    if (!(e instanceof LossInspectorError)) throw e;
    printed = ''; value = null;
    void vscode.window.showErrorMessage(e.message);
  }
  s.log.info(`debug: ${spec.id}(${yTrue.expression}, ${yPred.expression}) = ${printed || 'error'}; read ${yTrue.chars + yPred.chars} chars in ${yTrue.requests + yPred.requests} request(s), ${(yTrue.transferMs + yPred.transferMs).toFixed(0)} ms transfer, ${(yTrue.parseMs + yPred.parseMs).toFixed(0)} ms decode`);
  s.panel.open({
    request: { loss: spec.id, yTrue: toNested(yTrue.tensor), yPred: toNested(yPred.tensor), config: choice.config, mode: 'class' },
    title: `${spec.id}(${yTrue.expression}, ${yPred.expression})`,
    source: p.source, notes,
  });
  const info = (v: FetchedValue) => ({ expression: v.expression, dtype: v.dtype, shape: v.tensor.shape.slice(), kind: v.kind });
  return { loss: spec.id, printed, value, yTrue: info(yTrue), yPred: info(yPred), nonFinite, where: p.source };
}

/** The Compute Loss With command (registered by debugger.ts, this module loaded on its first use). */
export async function runComputeLossWith(s: Services, arg?: unknown): Promise<unknown> {
  try {
    return await computeLossWith(s, arg);
  } catch (e) {
    const msg = debugErrorMessage(s, e);
    if (e instanceof LossInspectorError && e.details.code === 'cancelled') { vscode.window.setStatusBarMessage(msg, 5000); return { error: msg }; }
    void (e instanceof DebugUserError ? vscode.window.showWarningMessage(msg) : vscode.window.showErrorMessage(msg));
    return { error: msg };
  }
}
