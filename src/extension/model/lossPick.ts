/**
 * What the loss and parameter quick picks show, without vscode: every loss grouped by family (separators),
 * one-line descriptions with the searchable aliases, parameter rows with defaults, and parsing of typed values.
 */
import type { Family, LossSpec, ParamSpec, ParamValue, Config } from '../../core/spec';
import { ALL_SPECS } from '../../core/registry';
import { allParams, checkParam } from '../../core/config';
import { LossInspectorError } from '../../core/errors';
import { paramRepr } from '../../core/config';
import { l10n } from './l10n';

/** The quick pick's group names (looked up per call, so they follow the display language set on activation). */
export function familyLabels(): Record<Family, string> {
  return {
    regression: l10n.t('Regression'),
    probabilistic: l10n.t('Probabilistic (cross-entropy, KL, Poisson)'),
    hinge: l10n.t('Hinge'),
    similarity: l10n.t('Similarity'),
    segmentation: l10n.t('Segmentation and boxes'),
    'metric-learning': l10n.t('Metric learning'),
    sequence: l10n.t('Sequence'),
  };
}
const FAMILY_ORDER: Family[] = ['regression', 'probabilistic', 'hinge', 'similarity', 'segmentation', 'metric-learning', 'sequence'];

export type PickEntry =
  | { kind: 'separator'; label: string }
  | { kind: 'loss'; id: string; label: string; description: string; detail: string };

function lossEntry(spec: LossSpec): PickEntry {
  const names = [spec.functionName, ...spec.aliases].filter((s, i, a): s is string => !!s && a.indexOf(s) === i);
  const where = spec.framework === 'tfa' ? 'tfa.losses' : spec.framework === 'optax' ? 'optax' : 'keras.losses';
  // Other frameworks' names last, so `smooth_l1` or `CrossEntropyLoss` finds the Keras loss too.
  const foreign = [...new Set((spec.foreignNames ?? []).map((f) => f.slice(f.lastIndexOf('.') + 1)))].filter((f) => !names.includes(f) && f !== spec.id);
  const description = [where, ...names, ...(foreign.length ? [l10n.t('also {0}', foreign.join(', '))] : [])].join(' · ');
  return { kind: 'loss', id: spec.id, label: spec.id, description, detail: spec.doc.summary };
}

export { paramRepr };

/**
 * A torch loss as the pickers see it (the torch core is loaded only when the picker opens, so this is a plain
 * shape): the module class name, its functional, arguments, family, one-line summary, the Keras loss that matches
 * it, and its constructor keywords (torchParams: reduction and the legacy flags included).
 */
export interface TorchPickSpec {
  framework: 'torch';
  id: string;
  functionName: string;
  family: Family;
  args: readonly { name: string }[];
  doc: { summary: string };
  kerasMatch?: { name: string };
  /** Every constructor keyword, in torch's order (torchParams(spec)). */
  params: ParamSpec[];
}

/** The id a torch loss has in the pickers, the remembered choice and the job: `nn.CrossEntropyLoss` (never a Keras name). */
export function torchPickId(spec: Pick<TorchPickSpec, 'id'>): string {
  return `nn.${spec.id}`;
}

function torchEntry(spec: TorchPickSpec): PickEntry {
  const description = ['torch.nn', `F.${spec.functionName}`, `(${spec.args.map((a) => a.name).join(', ')})`, ...(spec.kerasMatch ? [l10n.t('Keras: {0}', spec.kerasMatch.name)] : [])].join(' · ');
  return { kind: 'loss', id: torchPickId(spec), label: torchPickId(spec), description, detail: spec.doc.summary };
}

/**
 * The loss quick pick: an optional "Recently used" group, then one group per family in a fixed order (the preferred
 * framework first inside a family, then Keras before tfa). Every spec appears exactly once per group it is in.
 * With `torch`, the torch.nn losses form one "PyTorch (torch.nn)" group (in family order): first when the document
 * is a torch one (`preferFramework` 'torch'), else after the families. One group rather than torch entries inside
 * each family: torch's argument order and conventions differ from Keras's, and `nn.HuberLoss` beside `Huber` in
 * "Regression" invites picking the other framework's loss by accident.
 */
export function lossPickEntries(recent: string[] = [], specs: readonly LossSpec[] = ALL_SPECS, preferFramework?: string, torch?: readonly TorchPickSpec[]): PickEntry[] {
  const out: PickEntry[] = [];
  const rec = recent.map((id) => specs.find((s) => s.id === id) ?? torch?.find((t) => torchPickId(t) === id)).filter((s): s is LossSpec | TorchPickSpec => !!s);
  if (rec.length) out.push({ kind: 'separator', label: l10n.t('Recently used') }, ...rec.map((s) => (s.framework === 'torch' ? torchEntry(s as TorchPickSpec) : lossEntry(s as LossSpec))));
  const families = [...FAMILY_ORDER, ...new Set(specs.map((s) => s.family).filter((f) => !FAMILY_ORDER.includes(f)))];
  const labels = familyLabels();
  const torchGroup = (): PickEntry[] => {
    if (!torch?.length) return [];
    const fam = (f: Family) => { const i = FAMILY_ORDER.indexOf(f); return i < 0 ? FAMILY_ORDER.length : i; };
    return [{ kind: 'separator', label: l10n.t('PyTorch (torch.nn)') }, ...[...torch].sort((a, b) => fam(a.family) - fam(b.family)).map(torchEntry)];
  };
  if (preferFramework === 'torch') out.push(...torchGroup());
  for (const fam of families) {
    const group = specs.filter((s) => s.family === fam);
    if (!group.length) continue;
    // The preferred framework (the paused file's) first, then Keras before the rest; stable otherwise.
    const rank = (f: string) => (f === preferFramework ? 0 : f === 'keras' ? 1 : 2);
    group.sort((a, b) => rank(a.framework) - rank(b.framework));
    out.push({ kind: 'separator', label: labels[fam] ?? fam }, ...group.map(lossEntry));
  }
  if (preferFramework !== 'torch') out.push(...torchGroup());
  return out;
}

/** A loss whose parameters the picker edits: a Keras/tfa/optax spec or a torch one. */
export type Pickable = LossSpec | TorchPickSpec;

/** The picker's id of a pickable loss (`Huber`, `nn.HuberLoss`). */
export function pickId(spec: Pickable): string {
  return spec.framework === 'torch' ? torchPickId(spec as TorchPickSpec) : spec.id;
}

export interface ParamRow {
  name: string;
  value: ParamValue;
  isDefault: boolean;
  /** `delta = 1.0` (or `delta = 2.0 (default 1.0)`). */
  label: string;
  detail: string;
  spec: ParamSpec;
}

/**
 * Parameters offered for editing (not `name`, which never changes a number; for torch not the deprecated
 * size_average/reduce, which `reduction` says better).
 */
export function editableParams(spec: Pickable): ParamSpec[] {
  if (spec.framework === 'torch') return (spec as TorchPickSpec).params.filter((p) => p.name !== 'size_average' && p.name !== 'reduce');
  const k = spec as LossSpec;
  return allParams(k).filter((p) => p.name !== 'name' && !(p.name === 'reduction' && k.fixedReduction));
}

function same(a: ParamValue, b: ParamValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The rows of the parameter picker for the current config (values not in `config` are the defaults). */
export function paramRows(spec: Pickable, config: Config): ParamRow[] {
  return editableParams(spec).map((p) => {
    const def = p.name === 'reduction' && spec.framework !== 'torch' ? ((spec as LossSpec).defaultReduction === 'none' ? null : (spec as LossSpec).defaultReduction) : p.default;
    const has = Object.prototype.hasOwnProperty.call(config, p.name);
    const value = has ? config[p.name] : def;
    const isDefault = !has || same(value, def);
    return { name: p.name, value, isDefault, label: isDefault ? `${p.name} = ${paramRepr(p, value)}` : l10n.t('{0} = {1} (default {2})', p.name, paramRepr(p, value), paramRepr(p, def)), detail: p.doc, spec: p };
  });
}

/** The choices offered as a list instead of a text box (bool and enum parameters). */
export function paramChoices(p: ParamSpec): ParamValue[] | null {
  if (p.type === 'bool') return [true, false];
  if (p.type === 'enum' && p.choices) return p.choices;
  return null;
}

/**
 * Parses what a user typed for a parameter, Python-style (None, True/False, numbers, inf/nan, [lists], (tuples),
 * quoted or bare strings), and validates it against the spec. Throws LossInspectorError with what to fix.
 */
export function parseParamInput(spec: Pickable, name: string, text: string): ParamValue {
  const p = (spec.framework === 'torch' ? (spec as TorchPickSpec).params : allParams(spec as LossSpec)).find((q) => q.name === name);
  if (!p) throw new LossInspectorError(l10n.t('{0} has no parameter `{1}`.', pickId(spec), name), { loss: pickId(spec), argument: name, code: 'unknown-param' });
  const v = parsePyValue(text.trim());
  return checkParam(pickId(spec), p, v);
}

function parsePyValue(s: string): ParamValue {
  if (s === '' || s === 'None' || s === 'null') return null;
  if (s === 'True' || s === 'true') return true;
  if (s === 'False' || s === 'false') return false;
  const n = parseNumber(s);
  if (n !== undefined) return n;
  if ((s.startsWith('[') && s.endsWith(']')) || (s.startsWith('(') && s.endsWith(')'))) {
    const inner = s.slice(1, -1).trim();
    if (!inner) return [];
    return splitTop(inner).map((x) => parsePyValue(x.trim()));
  }
  const q = /^(['"])(.*)\1$/.exec(s);
  if (q) return q[2];
  return s;
}

function parseNumber(s: string): number | undefined {
  if (/^[+-]?(inf|infinity|float\(['"]inf['"]\)|np\.inf|math\.inf)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^(nan|np\.nan|math\.nan|float\(['"]nan['"]\))$/i.test(s)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  return undefined;
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) { out.push(s.slice(start, i)); start = i + 1; }
  }
  const last = s.slice(start);
  if (last.trim()) out.push(last);
  return out;
}

/** Drops entries equal to the defaults, so the remembered/returned config only lists what the user changed. */
export function changedOnly(spec: Pickable, config: Config): Config {
  const out: Config = {};
  for (const r of paramRows(spec, config)) if (!r.isDefault) out[r.name] = r.value;
  return out;
}
