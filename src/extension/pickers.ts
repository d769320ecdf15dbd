/** The loss quick pick (grouped by family, aliases searchable) and the parameter picker ("Compute" on top). */
import * as vscode from 'vscode';
import type { Config, LossSpec, ParamValue } from '../core/spec';
import { getSpec } from '../core/registry';
import { pyRepr, LossInspectorError } from '../core/errors';
import { lossPickEntries, paramRows, paramChoices, parseParamInput, paramRepr, pickId, type Pickable, type TorchPickSpec } from './model/lossPick';

interface LossItem extends vscode.QuickPickItem { id?: string }

/**
 * Every loss, grouped by family; the recently used ones first. With `torch`, the torch.nn losses too (one PyTorch
 * group, first when `preferFramework` is 'torch'); a torch pick is returned as its TorchPickSpec.
 */
export async function pickLoss(recent: string[], title?: string, preferFramework?: string, torch?: readonly TorchPickSpec[]): Promise<Pickable | undefined> {
  const items: LossItem[] = lossPickEntries(recent, undefined, preferFramework, torch).map((e) => (e.kind === 'separator'
    ? { label: e.label, kind: vscode.QuickPickItemKind.Separator }
    : { label: e.label, description: e.description, detail: e.detail, id: e.id }));
  const picked = await vscode.window.showQuickPick(items, {
    title: title ?? vscode.l10n.t('Loss Inspector: Compute Loss — choose a loss'), placeHolder: vscode.l10n.t('Type a class, function, compile string or alias (mse, bce, huber, …)'), matchOnDescription: true, matchOnDetail: true,
  });
  if (!picked?.id) return undefined;
  return torch?.find((t) => pickId(t) === picked.id) ?? getSpec(picked.id);
}

/** The Swap item of the parameter picker for a torch loss: which array is which argument, and why. */
export interface OrderOption {
  /** "input ← `logits` (line 3), target ← `labels` (line 4)" for the current placement. */
  describe(swap: boolean): { roles: string; reason: string };
  swap: boolean;
}

interface ParamItem extends vscode.QuickPickItem { param?: string; compute?: boolean; reset?: boolean; swap?: boolean }

/**
 * Shows the parameters with their current values (defaults marked); choosing one edits it (a list for bool and
 * enum parameters, a validated input box otherwise); "Compute" returns the config. For a torch loss on selected
 * arrays (`order`), a "Swap input and target" item says which array is which and exchanges them. Escape cancels.
 */
export async function pickParams(spec: Pickable, initial: Config, order?: OrderOption): Promise<{ config: Config; swap: boolean } | undefined> {
  const config: Config = { ...initial };
  let swap = order?.swap ?? false;
  const name = pickId(spec);
  for (;;) {
    const rows = paramRows(spec, config);
    if (!rows.length && !order) return { config, swap };
    const changed = rows.filter((r) => !r.isDefault).length;
    const kw = rows.filter((r) => !r.isDefault).map((r) => `${r.name}=${paramRepr(r.spec, r.value)}`).join(', ');
    const call = spec.framework === 'torch' ? `${name}(${kw})(${(spec as TorchPickSpec).args.map((a) => a.name).join(', ')})` : `${name}(${kw})`;
    const o = order?.describe(swap);
    const items: ParamItem[] = [
      { label: vscode.l10n.t('$(play) Compute'), description: call, compute: true },
      ...(o ? [{ label: vscode.l10n.t('$(arrow-swap) Swap input and target'), description: o.roles, detail: o.reason, swap: true } as ParamItem] : []),
      ...(changed ? [{ label: vscode.l10n.t('$(discard) Reset to defaults'), reset: true } as ParamItem] : []),
      ...(rows.length ? [{ label: vscode.l10n.t('Parameters'), kind: vscode.QuickPickItemKind.Separator } as ParamItem] : []),
      ...rows.map((r) => ({ label: r.label, description: r.isDefault ? vscode.l10n.t('default') : vscode.l10n.t('changed'), detail: r.detail, param: r.name })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Loss Inspector: {0} — parameters', name), placeHolder: vscode.l10n.t('Compute, or choose a parameter to change it'), matchOnDetail: false });
    if (!picked) return undefined;
    if (picked.compute) return { config, swap };
    if (picked.swap) { swap = !swap; continue; }
    if (picked.reset) { for (const k of Object.keys(config)) delete config[k]; continue; }
    const row = rows.find((r) => r.name === picked.param);
    if (!row) continue;
    const v = await editParam(spec, row.name, paramRepr(row.spec, row.value), row.value, row.spec.doc, paramChoices(row.spec));
    if (v !== undefined) config[row.name] = v.value;
  }
}

async function editParam(spec: Pickable, name: string, currentText: string, current: ParamValue, doc: string, choices: ParamValue[] | null): Promise<{ value: ParamValue } | undefined> {
  if (choices) {
    const picked = await vscode.window.showQuickPick(choices.map((c) => ({ label: pyRepr(c), description: JSON.stringify(c) === JSON.stringify(current) ? vscode.l10n.t('current') : undefined, value: c })), { title: `${pickId(spec)}: ${name}`, placeHolder: doc });
    return picked ? { value: picked.value } : undefined;
  }
  const text = await vscode.window.showInputBox({
    title: `${pickId(spec)}: ${name}`, prompt: doc, value: currentText,
    validateInput: (t) => { try { parseParamInput(spec, name, t); return undefined; } catch (e) { return e instanceof LossInspectorError ? e.message : String(e); } },
  });
  if (text === undefined) return undefined;
  return { value: parseParamInput(spec, name, text) };
}
