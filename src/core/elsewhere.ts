/**
 * "Elsewhere, computed": the equivalents of a loss in the other frameworks, each with its value on real numbers
 * (the loss's example, or the arrays of the call under the cursor) and the condition under which it gives the same
 * number as the loss. Every row comes from compare.ts (each framework's own core), never from prose.
 *
 * A loss with a `from_logits` switch is compared twice, on the same numbers as probabilities and as logits (the
 * logits whose softmax/sigmoid they are), so `nn.CrossEntropyLoss()` shows the number it gives when the Keras loss
 * is fed logits with from_logits=True, and what it gives on probabilities, and why.
 */
import { compareFrameworks, type CompareRequest, type CompareResult, type CompareRow } from './compare';
import { LossInspectorError } from './errors';
import { float32Digits } from './format';
import { fromNested, type Nested } from './tensor';
import type { ParamValue } from './spec';

export interface ElsewhereNumbers {
  /** Keras/optax: y_true and y_pred; torch: target and input. (No sample_weight: the rows compare unweighted calls.) */
  yTrue: Nested;
  yPred: Nested;
  config?: Record<string, ParamValue>;
  dtypes?: CompareRequest['dtypes'];
}

export interface ElsewhereRow {
  framework: CompareRow['framework'];
  /** The call as that framework writes it; `logits` names y_pred given as logits. */
  call: string;
  /** Its value where the condition holds (else on the numbers as given), as a short text. */
  value: string;
  same: boolean;
  /** When it gives the loss's number ("same when y_pred are logits and from_logits=True"), or why it does not. */
  condition: string;
}

export interface Elsewhere {
  /** The source call the rows are compared with, and its value on the numbers as given. */
  source: { call: string; value: string };
  rows: ElsewhereRow[];
}

const FRAMEWORK_NAMES: Record<CompareRow['framework'], string> = { keras3: 'Keras 3', keras2: 'tf.keras 2', pytorch: 'PyTorch', optax: 'optax' };

function valueText(v: Nested | null): string {
  if (v === null) return '—';
  if (!Array.isArray(v)) return float32Digits(v);
  const flat = (v as unknown[]).flat(Infinity) as number[];
  return `[${flat.slice(0, 4).map(float32Digits).join(', ')}${flat.length > 4 ? ', …' : ''}]`;
}

/** `data` laid out in `shape` as nested lists, each number to 8 significant digits (what the rows' snippets print). */
function nestedShort(data: Float64Array, shape: readonly number[]): Nested {
  let pos = 0;
  const rec = (ax: number): Nested => {
    if (shape.length === 0) return data[0];
    const out: Nested[] = [];
    for (let i = 0; i < shape[ax]; i++) out.push(ax === shape.length - 1 ? Number(data[pos++].toPrecision(8)) : rec(ax + 1));
    return out;
  };
  return rec(0);
}

/** The numbers as logits whose softmax (last axis) or sigmoid they are: log p, or log(p / (1 − p)); clipped to stay finite. */
function asLogits(p: Nested, kind: 'softmax' | 'sigmoid'): Nested {
  const t = fromNested(p, 'y_pred');
  const c = (x: number) => Math.min(Math.max(x, 1e-7), 1 - 1e-7);
  const data = t.data.map((x) => (kind === 'softmax' ? Math.log(c(x)) : Math.log(c(x)) - Math.log1p(-c(x))));
  return nestedShort(data, t.shape);
}

const SIGMOID_LOSSES = /^(BinaryCrossentropy|binary_crossentropy|bce)$/i;

/**
 * The computed Elsewhere rows of `loss` (any spelling compare reads) on `numbers`. Null when compare has no ports of
 * the loss or the numbers are not a valid call of it.
 */
export function elsewhereRows(loss: string, numbers: ElsewhereNumbers, id = loss): Elsewhere | null {
  // Unweighted: the ports take no sample_weight, so weighted numbers would make every port "differ".
  const req: CompareRequest = { loss, config: numbers.config ?? {}, yTrue: numbers.yTrue, yPred: numbers.yPred, sampleWeight: null, ...(numbers.dtypes ? { dtypes: numbers.dtypes } : {}) };
  let base: CompareResult;
  try { base = compareFrameworks(req); } catch (e) { if (e instanceof LossInspectorError) return null; throw e; }
  const src = base.rows[0];
  const fromLogits = req.config?.from_logits === true;
  // The other side of from_logits: the same numbers as probabilities / logits (Keras classes that have the switch).
  let other: CompareResult | null = null;
  const hasSwitch = src.framework.startsWith('keras') && /^(Categorical|SparseCategorical|Binary)Crossentropy$/.test(id);
  if (hasSwitch) {
    const kind = SIGMOID_LOSSES.test(id) ? 'sigmoid' : 'softmax';
    const yPred = fromLogits ? probsOf(numbers.yPred, kind) : asLogits(numbers.yPred, kind);
    try { other = compareFrameworks({ ...req, config: { ...req.config, from_logits: !fromLogits }, yPred }); } catch (e) { if (!(e instanceof LossInspectorError)) throw e; }
  }
  const probsWhen = 'same when y_pred are probabilities (from_logits=False)';
  const logitsWhen = 'same when y_pred are logits and from_logits=True';
  const rows: ElsewhereRow[] = [];
  const seen = new Set<string>();
  const label = (call: string, logits: boolean) => (logits ? call.replace(/\by_pred\b/g, 'logits') : call);
  // Rows of the numbers as given first, then those only the other side of from_logits has.
  const sides: { r: CompareResult; logits: boolean; when: string }[] = [{ r: base, logits: fromLogits, when: hasSwitch ? (fromLogits ? logitsWhen : probsWhen) : 'same on these numbers' }];
  if (other) sides.push({ r: other, logits: !fromLogits, when: fromLogits ? probsWhen : logitsWhen });
  const byCall = (r: CompareResult | null, call: string) => r?.rows.find((q) => q.call === call && q.role !== 'source');
  for (const side of sides) {
    for (const row of side.r.rows) {
      if (row.role === 'source' || seen.has(row.call)) continue;
      // The Keras row of the same class with the other from_logits is the other side itself: left out.
      if (hasSwitch && row.framework === src.framework && /from_logits/.test(row.call) !== /from_logits/.test(side.r.rows[0].call)) continue;
      seen.add(row.call);
      const mine = side.r === base ? row : byCall(base, row.call);
      const theirs = side.r === base ? byCall(other, row.call) : row;
      if (mine?.same_as_source) {
        const when = hasSwitch ? sides[0].when : mine.role === 'faithful' ? 'same: it computes the same quantity' : 'same on these numbers';
        rows.push({ framework: row.framework, call: label(row.call, sides[0].logits), value: valueText(mine.value), same: true, condition: when });
      } else if (theirs && other && theirs.same_as_source) {
        const on = sides[0].logits ? 'on logits' : 'on probabilities';
        rows.push({ framework: row.framework, call: label(row.call, sides[1].logits), value: valueText(theirs.value), same: true,
          condition: `${sides[1].when}${mine ? `; ${on} it gives ${valueText(mine.value)}: ${mine.why}` : ''}` });
      } else {
        const r = mine ?? row;
        rows.push({ framework: row.framework, call: label(row.call, side.logits), value: valueText(r.value), same: false, condition: `differs: ${r.why}` });
      }
    }
  }
  return { source: { call: src.call, value: valueText(src.value) }, rows };
}

/** Probabilities behind logits: softmax over the last axis, or the sigmoid. */
function probsOf(z: Nested, kind: 'softmax' | 'sigmoid'): Nested {
  const t = fromNested(z, 'y_pred');
  const c = t.shape[t.shape.length - 1] ?? 1;
  const data = new Float64Array(t.data.length);
  if (kind === 'sigmoid' || t.shape.length === 0) for (let i = 0; i < data.length; i++) data[i] = 1 / (1 + Math.exp(-t.data[i]));
  else {
    for (let r = 0; r < data.length / c; r++) {
      let m = -Infinity, s = 0;
      for (let j = 0; j < c; j++) m = Math.max(m, t.data[r * c + j]);
      for (let j = 0; j < c; j++) s += Math.exp(t.data[r * c + j] - m);
      for (let j = 0; j < c; j++) data[r * c + j] = Math.exp(t.data[r * c + j] - m) / s;
    }
  }
  return nestedShort(data, t.shape);
}

/** Markdown of the rows: one bullet each, `call` = value (condition). `where` says which numbers ("the example"). */
export function elsewhereMarkdown(e: Elsewhere, where: string): string[] {
  const esc = (s: string) => s.replace(/([\\*<>])/g, '\\$1').replace(/\]\(/g, ']\\(');
  const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);
  const out = [`**Elsewhere, computed** on ${esc(where)}: ${code(e.source.call)} = ${e.source.value}`, ''];
  for (const r of e.rows) out.push(`- ${FRAMEWORK_NAMES[r.framework]}: ${code(r.call)} = ${r.value} (${esc(r.condition)})`);
  out.push('');
  return out;
}

