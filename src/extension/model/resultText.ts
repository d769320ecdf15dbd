/**
 * Text shown for an evaluated call, without vscode: the inline `→ 0.2876821` decoration, the Markdown of its
 * hover (per-sample values, gradient, the reduction's numerator and divisor, clipped elements, warnings, notes),
 * and the value as a Python/NumPy literal for the clipboard.
 */
import type { EvalResult } from '../../core/evaluate';
import type { Tensor } from '../../core/tensor';
import { float32Digits, formatKeras } from '../../core/format';
import { shapeStr } from '../../core/tensor';
import { ALL_SPECS } from '../../core/registry';
import { allParams } from '../../core/config';
import { pyRepr } from '../../core/errors';
import { paramRepr } from '../../core/config';
import { l10n } from './l10n';
import type { CompareResult } from '../../core/compare';

/** The precision that means "as Keras prints float32" (shortest round-trip repr). */
export const KERAS_PRECISION = 7;

/** One number for display: Keras's float32 repr at the default precision, else `precision` significant digits. */
export function formatNumber(x: number, precision = KERAS_PRECISION): string {
  if (precision === KERAS_PRECISION || !Number.isFinite(x)) return float32Digits(x);
  const p = Math.min(17, Math.max(1, Math.round(precision)));
  const s = Number(x.toPrecision(p));
  const a = Math.abs(s);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) return s.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(s) ? `${s}.0` : String(s);
}

/** A tensor on one line: `[0.91, 0.59]`, elided in the middle past `maxItems` numbers. */
export function inlineTensor(t: Tensor, precision = KERAS_PRECISION, maxItems = 6): string {
  if (t.shape.length === 0) return formatNumber(t.data[0], precision);
  const n = t.data.length;
  if (t.shape.length === 1 && n <= maxItems) return `[${Array.from(t.data, (v) => formatNumber(v, precision)).join(', ')}]`;
  const head = Array.from(t.data.slice(0, Math.min(n, maxItems)), (v) => formatNumber(v, precision));
  return l10n.t('{0} shape {1}', n <= maxItems ? `[${head.join(', ')}]` : `[${head.join(', ')}, …]`, shapeStr(t.shape));
}

/** The text after a result's last line. A ⚠ marks results that carry pitfall warnings. */
export function decorationText(r: EvalResult, precision = KERAS_PRECISION): string {
  // A framework's own print (torch: `tensor(0.9391)`) when it is one short line and the precision is the default.
  const own = precision === KERAS_PRECISION && r.printedAs && r.printedAs.length <= 48 && !r.printedAs.includes('\n') ? r.printedAs : null;
  return `→ ${own ?? inlineTensor(r.value, precision)}${r.trace.warnings.length ? ' ⚠' : ''}`;
}

/** A tensor as a code block: NumPy's print for small ones, the first values and the shape for large ones. */
function tensorBlock(t: Tensor, precision: number, max = 64): string {
  if (t.data.length <= max && precision === KERAS_PRECISION) return ['```python', formatKeras(t), '```'].join('\n');
  return ['```text', inlineTensor(t, precision, t.data.length <= max ? max : 12), '```'].join('\n');
}

/** The core's name for a reduction's divisor ('elements', 'sum of weights', …) in the display language. */
export function divisorKindText(kind: string | null | undefined): string {
  switch (kind) {
    case 'elements': return l10n.t('elements');
    case 'valid elements': return l10n.t('valid elements');
    case 'sum of weights': return l10n.t('sum of weights');
    case null: case undefined: return l10n.t('divisor');
    default: return kind;
  }
}

function esc(s: string): string {
  return s.replace(/([\\`*<>])/g, '\\$1').replace(/\]\(/g, ']\\(');
}

export interface ResultHoverOptions {
  precision?: number;
  /** Command links (`command:` URIs) appended at the end. */
  links?: { label: string; uri: string; title?: string }[];
  /** Notes from the snippet evaluator (skipped arguments, assumptions). */
  notes?: string[];
  /** The source text of the call, shown as the title. */
  text?: string;
  /** The call beside its ports in the other frameworks (computed rows), shown as one compact table. */
  compare?: CompareResult | null;
  /** Markdown shown right under the links (a torch call on selected arrays: which array was input, which target). */
  lead?: string;
  /** A command link under that table: the panel's Frameworks view of this call. */
  compareLink?: { label: string; uri: string; title?: string };
}

/** The compare rows as one compact Markdown table (framework, value, same as the source, call) and each differing row's why. */
export function compareTableMarkdown(c: CompareResult, precision = KERAS_PRECISION): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const val = (v: CompareResult['rows'][number]['value']) => (v === null ? '—' : typeof v === 'number' ? formatNumber(v, precision) : l10n.t('per example'));
  const same = (r: CompareResult['rows'][number]) => (r.role === 'source' ? l10n.t('source') : r.same_as_source ? l10n.t('yes') : l10n.t('no'));
  const out = [`| ${l10n.t('Framework')} | ${l10n.t('Value')} | ${l10n.t('Same')} | ${l10n.t('Call')} |`, '|---|---:|---|---|'];
  const why: string[] = [];
  c.rows.forEach((r, i) => {
    out.push(`| ${r.framework} | ${val(r.value)} | ${same(r)}${r.why ? ` ⁽${i}⁾` : ''} | \`${cell(r.call)}\` |`);
    if (r.why) why.push(`⁽${i}⁾ ${esc(r.why)}`);
  });
  return [...out, '', ...why.flatMap((w) => [w, ''])].join('\n').trim();
}

/** The Markdown of the hover on a result decoration. */
export function resultHoverMarkdown(r: EvalResult, opts: ResultHoverOptions = {}): string {
  const precision = opts.precision ?? KERAS_PRECISION;
  const out: string[] = [];
  const cfg = Object.entries(r.config).filter(([k]) => k !== 'name' && k !== 'dtype');
  const spec = ALL_SPECS.find((x) => x.id === r.loss);
  const params = spec ? allParams(spec, r.mode === 'class') : [];
  const repr = (k: string, v: unknown) => { const p = params.find((q) => q.name === k); return p ? paramRepr(p, v) : pyRepr(v); };
  out.push(`**${esc(r.callee)}** (${r.mode}) → \`${inlineTensor(r.value, precision, 8)}\``);
  // The actions first: a long hover scrolls, and these are what one hovers for.
  if (opts.links?.length) out.push('', opts.links.map((l) => `[${esc(l.label)}](${l.uri}${l.title ? ` "${l.title.replace(/"/g, "'")}"` : ''})`).join(' · '));
  if (opts.lead) out.push('', opts.lead);
  if (cfg.length) out.push('', cfg.map(([k, v]) => `\`${k}=${repr(k, v)}\``).join(' '));
  out.push('', r.shapes.sampleWeight
    ? l10n.t('Shapes: y_true {0}, y_pred {1}, sample_weight {2}', shapeStr(r.shapes.yTrue), shapeStr(r.shapes.yPred), shapeStr(r.shapes.sampleWeight))
    : l10n.t('Shapes: y_true {0}, y_pred {1}', shapeStr(r.shapes.yTrue), shapeStr(r.shapes.yPred)));
  if (r.reduction) {
    const red = r.reduction;
    if (red.unreduced) out.push('', l10n.t('**Reduction** `{0}`: returned unreduced, shape {1}.', red.reduction, shapeStr(red.weightedShape)));
    else if (red.divisor === null) out.push('', l10n.t('**Reduction** `{0}`: Σ weighted values = {1} (no division).', red.reduction, formatNumber(red.numerator, precision)));
    else out.push('', l10n.t('**Reduction** `{0}`: {1} / {2} ({3}) = {4}.', red.reduction, formatNumber(red.numerator, precision), formatNumber(red.divisor, precision), divisorKindText(red.divisorKind), inlineTensor(r.value, precision)));
  }
  out.push('', l10n.t('**Per-sample values**'), '', tensorBlock(r.perSample, precision));
  if (r.weighted !== r.perSample && r.reduction?.weights) out.push('', l10n.t('**Weighted**'), '', tensorBlock(r.weighted, precision));
  out.push('', r.value.shape.length ? l10n.t('**Gradient** d(Σ result)/d(y_pred)') : l10n.t('**Gradient** d(result)/d(y_pred)'), '', tensorBlock(r.grad, precision));
  const t = r.trace;
  if (t.clipped && t.clipped.count) {
    const idx = t.clipped.indices.slice(0, 12).join(', ');
    out.push('', l10n.t('**Clipped:** {0} element(s) of y_pred clipped to [{1}, {2}] (flat indices {3}); their gradient is 0.', t.clipped.count, formatNumber(t.clipped.lo), formatNumber(t.clipped.hi), idx + (t.clipped.count > 12 ? ', …' : '')));
  }
  if (t.renormalizedRows && t.renormalizedRows.count) out.push('', l10n.t('**Renormalised:** {0} row(s) of y_pred did not sum to 1 and were divided by their sum (e.g. row {1}: Σ = {2}).', t.renormalizedRows.count, t.renormalizedRows.rows[0], formatNumber(t.renormalizedRows.sums[0])));
  if (t.labelConversion) out.push('', l10n.t('**Labels:** {0}', esc(t.labelConversion)));
  if (t.smoothedLabels) out.push('', l10n.t('**Smoothed labels used**'), '', tensorBlock(t.smoothedLabels, precision));
  if (t.warnings.length) out.push('', ...t.warnings.map((w) => `⚠ ${esc(w.message)}`).flatMap((l) => [l, '']));
  if (opts.compare && opts.compare.rows.length > 1) {
    out.push('', l10n.t('**In other frameworks** (each row computed by that framework\'s rules on these numbers)'), '', compareTableMarkdown(opts.compare, precision));
    const l = opts.compareLink;
    if (l) out.push('', `[${esc(l.label)}](${l.uri}${l.title ? ` "${l.title.replace(/"/g, "'")}"` : ''})`);
  }
  const notes = [...(opts.notes ?? []), ...t.notes];
  if (notes.length) out.push('', ...notes.map((n) => `- ${esc(n)}`));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function pyNum(x: number): string {
  if (Number.isNaN(x)) return 'np.nan';
  if (x === Infinity) return 'np.inf';
  if (x === -Infinity) return '-np.inf';
  return float32Digits(x);
}

/** The value as Python: a float for a scalar, `np.array([...], dtype=np.float32)` for a tensor. */
export function pythonLiteral(t: Tensor): string {
  if (t.shape.length === 0) {
    const s = pyNum(t.data[0]);
    return s.startsWith('np.') || s.startsWith('-np.') ? `float(${s})` : s;
  }
  let pos = 0;
  const rec = (ax: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < t.shape[ax]; i++) parts.push(ax === t.shape.length - 1 ? pyNum(t.data[pos++]) : rec(ax + 1));
    return `[${parts.join(', ')}]`;
  };
  return `np.array(${rec(0)}, dtype=np.float32)`;
}
