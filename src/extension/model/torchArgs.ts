/**
 * Two (or three) selected arrays given to a torch loss, without vscode: which framework a document is written for
 * (its imports, so the loss pick lists that framework first), which array is torch's `input` and which its `target`
 * (torch's order is prediction first, Keras's is y_true first: decided by the names the arrays are assigned to,
 * else by their order in the selection), the note that says so, and the dtype `torch.tensor` would infer from each
 * literal's text (int64 when every number is written as an integer).
 */
import type { TorchDtype } from '../../core/torch/types';
import { l10n } from './l10n';

export type DocFramework = 'torch' | 'keras' | 'tfa' | 'optax';

const IMPORT = /^[ \t]*(?:import|from)[ \t]+(torch|optax|tensorflow_addons|tensorflow|tf_keras|keras)\b/m;
const USE = /(?<![\w.])(?:(torch)\.|nn\.(?=[A-Z]\w*Loss\b)|F\.(?=\w+\()|(optax)\.|(tfa)\.|(tf|keras)\.)/;

/**
 * The framework a document is written for: its first framework import (`import torch`, `from torch import nn`,
 * `import tensorflow as tf`, `import optax`, `import tensorflow_addons as tfa`); without one, the first framework
 * name used (`torch.`, `nn.XLoss`, `F.f(`, `optax.`, `tfa.`, `tf.`/`keras.`). Only the first 200 kB are read: imports
 * are at the top, and a file of large literals need not be scanned.
 */
export function frameworkOfText(text: string): DocFramework | undefined {
  const head = text.length > 200_000 ? text.slice(0, 200_000) : text;
  const imp = IMPORT.exec(head);
  if (imp) return imp[1] === 'torch' ? 'torch' : imp[1] === 'optax' ? 'optax' : imp[1] === 'tensorflow_addons' ? 'tfa' : 'keras';
  const noComments = head.replace(/#[^\n]*/g, '');
  const use = USE.exec(noComments);
  if (!use) return undefined;
  if (use[1] !== undefined || use[0].startsWith('nn.') || use[0].startsWith('F.')) return 'torch';
  return use[2] ? 'optax' : use[3] ? 'tfa' : 'keras';
}

/** Names that mean "the prediction" (torch's input) and "the truth" (torch's target). */
const INPUT_NAMES = /^(input|inputs|x|y_?pred|y_?hat|preds?|predictions?|logits|outputs?|out|probs|probabilities|scores|log_probs|log_?p)$/i;
const TARGET_NAMES = /^(targets?|labels?|y_?true|y|truth|gt|ground_truth|y_?test|classes)$/i;

/** Whether an array named `name` is meant for the torch argument `arg`. */
function nameFits(name: string, arg: string): boolean {
  if (name.toLowerCase() === arg) return true;
  if (arg === 'input' || arg === 'input1' || arg === 'anchor' || arg === 'log_probs') return INPUT_NAMES.test(name);
  if (arg === 'target' || arg === 'targets') return TARGET_NAMES.test(name);
  return false;
}

export interface TorchRoles {
  /** `items[k]` is the index (in selection order) of the array given as argument k. */
  items: number[];
  /** Some array was placed by its name (else the order in the selection decided everything). */
  byName: boolean;
  swapped: boolean;
}

/** The two arguments Swap exchanges: input and target where the loss has both, else the first two. */
export function swapPair(argNames: readonly string[]): [number, number] {
  const i = argNames.indexOf('input'), t = argNames.indexOf('target');
  return i >= 0 && t >= 0 ? [i, t] : [0, 1];
}

/**
 * Which selected array is which torch argument. An array assigned to a name that fits an argument (`logits`,
 * `y_pred`, `input` → input; `labels`, `y_true`, `target` → target; `var`, `anchor`, … by their own names) goes
 * there; the rest fill the remaining arguments in selection order — torch's order, prediction first. `swap`
 * exchanges input and target afterwards (Swap in the picker and the result hover).
 */
export function torchRoles(names: readonly (string | null)[], argNames: readonly string[], swap = false): TorchRoles {
  const items = new Array<number>(argNames.length).fill(-1);
  const used = new Set<number>();
  let byName = false;
  argNames.forEach((arg, k) => {
    const i = names.findIndex((n, j) => !used.has(j) && n !== null && nameFits(n, arg));
    if (i >= 0) { items[k] = i; used.add(i); byName = true; }
  });
  let next = 0;
  for (let k = 0; k < items.length; k++) {
    if (items[k] >= 0) continue;
    while (used.has(next)) next++;
    if (next >= names.length) break;
    items[k] = next; used.add(next);
  }
  if (swap && argNames.length >= 2) {
    const [a, b] = swapPair(argNames);
    [items[a], items[b]] = [items[b], items[a]];
  }
  return { items, byName, swapped: swap };
}

/** One selected array as the note names it: its name and 1-based line (in the document), when known. */
export interface ArrayLabel { name: string | null; line?: number }

function describe(a: ArrayLabel | undefined, index: number): string {
  const ordinal = [l10n.t('the first array'), l10n.t('the second array'), l10n.t('the third array')][index] ?? l10n.t('array {0}', index + 1);
  if (!a) return ordinal;
  const who = a.name ? `\`${a.name}\`` : ordinal;
  return a.line !== undefined ? l10n.t('{0} (line {1})', who, a.line) : who;
}

/**
 * "input ← `logits` (line 3), target ← `labels` (line 4)": which array went where, as the picker's Swap item and the
 * result hover show it.
 */
export function rolesText(roles: TorchRoles, argNames: readonly string[], arrays: readonly ArrayLabel[]): string {
  return argNames.map((arg, k) => `${arg} ← ${roles.items[k] >= 0 ? describe(arrays[roles.items[k]], roles.items[k]) : '—'}`).join(', ');
}

/** Why the arrays were placed so: the names, the selection order (torch's order is prediction first), or Swap. */
export function rolesReason(roles: TorchRoles): string {
  if (roles.swapped) return l10n.t('swapped by you');
  return roles.byName
    ? l10n.t('by the names the arrays are assigned to')
    : l10n.t("in the order selected: torch's order is (input, target), prediction first — Keras's is (y_true, y_pred)");
}

/**
 * A hint when the placement looks like Keras's order: the input holds only integers while the target has fractions
 * (class indices or 0/1 labels passed first).
 */
export function looksSwapped(argNames: readonly string[], dtypes: Record<string, TorchDtype>): boolean {
  const [a, b] = swapPair(argNames);
  return dtypes[argNames[a]] === 'int64' && (dtypes[argNames[b]] === 'float32' || dtypes[argNames[b]] === 'float64');
}

/**
 * The dtype `torch.tensor` infers for a literal as written: float64 for `dtype=…float64`/`double` or `.double()`,
 * float32 for a float dtype or `.float()`, int64 for an integer dtype or `.long()`, else int64 when every number is
 * written as an integer (`[0, 2]`), float32 when any has a point, an exponent, nan or inf (`[0., 2]`), or there is
 * no number at all (`[]`).
 */
export function literalDtype(src: string): TorchDtype {
  const dt = /\bdtype\s*=\s*(?:(?:torch|np|numpy|tf|jnp)\.)?['"]?(\w+)/.exec(src)?.[1];
  if (dt) {
    if (/^(float64|double)$/.test(dt)) return 'float64';
    if (/^(float|float32|float16|half|bfloat16)$/.test(dt)) return 'float32';
    if (/^(int|int64|int32|int16|int8|uint8|long)$/.test(dt)) return 'int64';
    if (/^bool$/.test(dt)) return 'bool';
  }
  if (/\.double\(\)\s*$/.test(src)) return 'float64';
  if (/\.float\(\)\s*$/.test(src)) return 'float32';
  if (/\.long\(\)\s*$/.test(src)) return 'int64';
  const body = src.replace(/\b(?:dtype|requires_grad)\s*=\s*[\w.'"]+/g, '');
  if (!/\d/.test(body.replace(/[A-Za-z_][\w.]*/g, ''))) return 'float32'; // torch.tensor([]) is float32
  return /\d\.|\.\d|\d[eE][+-]?\d|(?<![\w.])(?:nan|inf|NaN|Infinity|np\.nan|np\.inf|math\.inf|math\.nan)\b/.test(body) ? 'float32' : 'int64';
}

/** The assigned names of the arrays in a selection, in order, read without parsing the numbers (for large inputs). */
export function assignedNames(text: string): (string | null)[] | null {
  const re = /(?:^|[\n;])[ \t]*(?:(?:const|let|var)[ \t]+)?([A-Za-z_][\w.]*)[ \t]*(?::[^=\n]*)?=(?!=)/g;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(m[1].replace(/^.*\./, ''));
  return out.length ? out : null;
}
