/**
 * The documentation of a loss, rendered from its spec: the hover (with an image of the loss and its gradient,
 * and command links supplied by the caller) and `loss-inspector explain NAME` share one body.
 */
import type { LossSpec, ParamSpec } from './spec';
import { allParams, paramRepr } from './config';

export { paramRepr };
import { pyRepr, LossInspectorError } from './errors';
import { resolveLoss } from './registry';
import { nameAsWritten, resolveAnyName, type ResolvedName } from './names';
import { curveSvg, svgDataUri } from './hover-image';
import { hoverCurve } from './hover-curve';
import { tryResolveTorch } from './torch/registry';
import { torchParams } from './torch/evaluate';
import type { TorchSpec } from './torch/types';
import { elsewhereMarkdown, elsewhereRows, type ElsewhereNumbers } from './elsewhere';

export interface ExplainOptions {
  /** Include the loss/gradient image as a base64 SVG data URI (default true for hovers, false for the CLI). */
  images?: boolean;
  /**
   * The numbers the computed "Elsewhere" rows are evaluated on (the call under the cursor, when its arrays are
   * known) and how to name them; default: the loss's own example.
   */
  numbers?: { numbers: ElsewhereNumbers; where: string };
}

/** The computed Elsewhere rows (compare.ts on real numbers), or nothing for a loss without ports. */
function computedElsewhere(loss: string, id: string, fallback: ElsewhereNumbers, given?: ExplainOptions['numbers']): string[] {
  const e = elsewhereRows(loss, given?.numbers ?? fallback, id);
  return e && e.rows.length ? elsewhereMarkdown(e, given?.where ?? 'the example') : [];
}

const kerasExample = (spec: LossSpec): ElsewhereNumbers => ({ yTrue: spec.example.yTrue, yPred: spec.example.yPred, config: spec.example.config as ElsewhereNumbers['config'] });

export interface HoverOptions extends ExplainOptions {
  /** A resolution done by the caller (findLossNameAt); otherwise `name` is resolved here. */
  resolved?: ResolvedName;
  /** Command links appended at the end (`command:` URIs built by the extension). */
  links?: { label: string; uri: string; title?: string }[];
}

/** Module path users write for the spec: keras.losses.X, tfa.losses.X, or optax.X (the optax ids carry it). */
export function qualifiedName(spec: LossSpec): string {
  if (spec.framework === 'optax') return spec.id;
  return `${spec.framework === 'tfa' ? 'tfa.losses' : 'keras.losses'}.${spec.id}`;
}

/** Escapes text for Markdown outside code spans (the specs' docs may use `code` spans, so backticks stay). */
function md(s: string): string {
  return s.replace(/([\\*<>])/g, '\\$1').replace(/\]\(/g, ']\\(');
}

/** Inline code that survives backticks in the content. */
function code(s: string): string {
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function paramLine(p: ParamSpec): string {
  const range = p.choices ? ` (one of ${p.choices.map((c) => pyRepr(c)).join(', ')})` : '';
  return `- ${code(`${p.name}=${paramRepr(p, p.default)}`)}${p.required ? ' (required)' : ''} — ${md(p.doc)}${p.type === 'enum' && p.name !== 'reduction' && p.name !== 'dtype' ? md(range) : ''}`;
}

const COMMON = new Set(['reduction', 'name', 'dtype']);

function nameLine(spec: LossSpec): string {
  const bits = [`**${qualifiedName(spec)}**`];
  if (spec.functionName) bits.push(`function ${code(spec.functionName)}`);
  const strings = spec.notCompileString || spec.functionOnly ? [] : [...new Set([spec.functionName, ...spec.aliases].filter((s): s is string => !!s))];
  if (spec.framework === 'tfa') strings.push(`Addons>${spec.id}`);
  if (strings.length) bits.push(`compile ${strings.map((s) => code(`'${s}'`)).join(', ')}`);
  return bits.join(' · ');
}

/**
 * The equivalents entry that documents a foreign name. Scored: the entry naming it in the same framework wins
 * (`F.cross_entropy` → the PyTorch line, not optax's `softmax_cross_entropy`), then a whole-word name match in
 * the same framework, then any whole-word match, then the framework's first line.
 */
function foreignEntry(spec: LossSpec, r: ResolvedName): LossSpec['doc']['equivalents'][number] | undefined {
  const written = r.foreignName ?? '';
  const bare = written.split('.').pop() ?? '';
  const fw = (r.framework ?? '').toLowerCase();
  const alias: Record<string, string[]> = {
    pytorch: ['pytorch', 'torch'], torchvision: ['torchvision', 'pytorch'], optax: ['optax'], 'tensorflow.js': ['tf.js', 'tfjs', 'tensorflow.js'],
    tensorflow: ['tensorflow', 'tf'], 'keras 2': ['keras 2', 'tf.keras', 'keras'],
  };
  const keys = alias[fw] ?? [fw];
  const sameFw = (e: { framework: string }) => keys.some((k) => e.framework.toLowerCase().includes(k));
  const word = new RegExp(`(^|[^\\w])${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`);
  let best: LossSpec['doc']['equivalents'][number] | undefined;
  let bestScore = 0;
  for (const e of spec.doc.equivalents) {
    const named = bare !== '' && word.test(e.name);
    const score = (named && sameFw(e) ? 4 : 0) + (named ? 2 : 0) + (sameFw(e) ? 1 : 0);
    if (score > bestScore) { best = e; bestScore = score; }
  }
  return best;
}

/** The body shared by the hover and the CLI: summary, formula, parameters, domain, output, pitfalls, equivalents. */
function body(spec: LossSpec, image = '', computed: string[] = []): string[] {
  const d = spec.doc;
  const params = allParams(spec);
  const own = params.filter((p) => !COMMON.has(p.name));
  const common = params.filter((p) => COMMON.has(p.name));
  const defaults = { ...Object.fromEntries(common.map((p) => [p.name, p.default])), reduction: spec.defaultReduction === 'none' ? null : spec.defaultReduction, name: spec.defaultName };
  const out: string[] = [md(d.summary), '', '```text', d.formula, '```', ''];
  // The picture right under the formula: visible without scrolling a hover.
  if (image) out.push(image, '');
  out.push('**Parameters**', '');
  if (own.length) out.push(...own.map(paramLine));
  else out.push('- none of its own');
  if (common.length) {
    out.push(`- also ${common.map((p) => code(`${p.name}=${pyRepr(defaults[p.name as keyof typeof defaults] ?? p.default)}`)).join(', ')}${spec.fixedReduction ? ' (the reduction is fixed by the class)' : ''}`);
  } else if (spec.fixedReduction) out.push('- the reduction is fixed by the class');
  out.push('', `**Input** — ${md(d.domain)}`, '', `**Output** — ${md(d.output)}`, '');
  if (d.pitfalls.length) out.push('**Pitfalls**', '', ...d.pitfalls.map((p) => `- ${md(p)}`), '');
  if (d.equivalents.length) {
    out.push('**Elsewhere**', '', ...d.equivalents.map((e) => `- ${md(e.framework)}: ${e.name === '—' ? '—' : code(e.name)}${e.note ? ` — ${md(e.note)}` : ''}`), '');
  }
  out.push(...computed);
  return out;
}

/** The loss/gradient image as Markdown, or '' when the loss cannot be swept. */
export function curveImageMarkdown(spec: LossSpec): string {
  const curve = hoverCurve(spec);
  if (!curve) return '';
  const svg = curveSvg(curve, { title: `${spec.id}: loss and gradient against ${curve.xLabel}` });
  const alt = `${spec.id}: loss (solid) and gradient (dashed) against ${curve.xLabel}`.replace(/[[\]]/g, '');
  return `![${alt}](${svgDataUri(svg)})`;
}

/**
 * `loss-inspector explain NAME`: the documentation as Markdown (no command links; image only if asked). NAME may be
 * written as in code: `'mse'`, `Huber()`, `keras.losses.Huber(delta=2.0)`, `nn.CrossEntropyLoss()`.
 */
export function explainMarkdown(written: string, opts: ExplainOptions = {}): string {
  const { name } = nameAsWritten(written);
  const t = tryResolveTorch(name);
  if (t) return torchLines(t.spec, resolveAnyName(name, true), opts.images, opts.numbers).join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  const r = resolveAnyName(name, true);
  const spec = r ? r.spec : resolveLoss(name).spec; // resolveLoss throws the "did you mean" error
  const out = [nameLine(spec), ''];
  if (r && r.kind === 'foreign') out.push(...foreignLines(spec, r), '');
  out.push(...body(spec, opts.images ? curveImageMarkdown(spec) : '', computedElsewhere(spec.id, spec.id, kerasExample(spec), opts.numbers)));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function foreignLines(spec: LossSpec, r: ResolvedName): string[] {
  const e = foreignEntry(spec, r);
  const lines = [`${code(r.foreignName ?? '')} (${md(r.framework ?? 'other framework')}) → Keras equivalent: **${qualifiedName(spec)}**.`];
  if (e) lines.push('', `What differs: ${e.note ? md(e.note) : `${md(e.framework)} spells it ${code(e.name)}; same defaults.`}`);
  return lines;
}

/**
 * Hover Markdown for any spelling of a loss (Keras, tfa, compile string, torch/optax/tfjs). The extension wraps
 * it in a trusted MarkdownString whose enabled commands are only our own.
 */
export function hoverMarkdown(name: string, opts: HoverOptions = {}): string {
  const r = opts.resolved ?? resolveAnyName(nameAsWritten(name).name, true);
  if (!r) throw new LossInspectorError(`Unknown loss '${name}'.`, { code: 'unknown-loss', received: name });
  const spec = r.spec;
  const out: string[] = [];
  const t = tryResolveTorch(nameAsWritten(name).name);
  if (t) {
    // a torch name: torch's own loss first (its semantics differ), the Keras match as a section
    const lines = torchLines(t.spec, r, opts.images !== false, opts.numbers);
    lines[0] = `$(symbol-function) ${lines[0]}`;
    out.push(...lines);
    if (opts.links?.length) out.push(opts.links.map((l) => `[${md(l.label)}](${l.uri}${l.title ? ` "${l.title.replace(/"/g, "'")}"` : ''})`).join(' · '));
    return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd();
  }
  out.push(`$(symbol-function) ${nameLine(spec)}`, '');
  if (r.kind === 'foreign') out.push(...foreignLines(spec, r), '');
  out.push(...body(spec, opts.images !== false ? curveImageMarkdown(spec) : '', computedElsewhere(spec.id, spec.id, kerasExample(spec), opts.numbers)));
  if (opts.links?.length) out.push(opts.links.map((l) => `[${md(l.label)}](${l.uri}${l.title ? ` "${l.title.replace(/"/g, "'")}"` : ''})`).join(' · '));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd();
}

/**
 * The documentation of a torch.nn loss from its TorchSpec (torch 1.13 semantics), then the Keras loss that matches it
 * on the same arrays (with the condition), when there is one: `keras` is the Keras spec the name's foreign
 * declarations resolve to, for its name line and picture.
 */
function torchLines(spec: TorchSpec, keras: ResolvedName | null, images = false, numbers?: ExplainOptions['numbers']): string[] {
  const d = spec.doc;
  const out = [`**torch.nn.${spec.id}** · functional ${code(`torch.nn.functional.${spec.functionName}`)} (${code(`F.${spec.functionName}`)}) · PyTorch 1.13 semantics`, ''];
  out.push(md(d.summary), '', '```text', d.formula, '```', '');
  out.push('**Arguments** (prediction first)', '', ...spec.args.map((a) => `- ${code(a.name)} — ${md(a.doc)}${a.differentiable ? '' : ' (no gradient)'}`), '');
  const params = torchParams(spec);
  out.push('**Parameters**', '', ...params.map((p) => `- ${code(`${p.name}=${p.default === null ? 'None' : paramRepr(p, p.default)}`)} — ${md(p.doc)}`), '');
  out.push(`**Input** — ${md(d.domain)}`, '', `**Output** — ${md(d.output)}`, '');
  if (d.pitfalls.length) out.push('**Pitfalls**', '', ...d.pitfalls.map((p) => `- ${md(p)}`), '');
  if (d.equivalents.length) out.push('**Elsewhere**', '', ...d.equivalents.map((e) => `- ${md(e.framework)}: ${code(e.name)}${e.note ? ` — ${md(e.note)}` : ''}`), '');
  const ex = spec.example;
  // compare reads torch calls of (input, target); losses of other arguments (triplets, pairs) have no rows
  if (ex.args.input !== undefined && ex.args.target !== undefined && Object.keys(ex.args).length === 2) {
    out.push(...computedElsewhere(`nn.${spec.id}`, spec.id, { yTrue: ex.args.target, yPred: ex.args.input, config: ex.config, dtypes: ex.dtypes }, numbers));
  }
  if (spec.kerasMatch || keras) {
    out.push('**Keras**', '');
    if (keras) out.push(nameLine(keras.spec), '', ...(keras.kind === 'foreign' ? foreignLines(keras.spec, keras) : []), '');
    if (spec.kerasMatch) out.push(`On the same arrays: ${code(`keras.losses.${spec.kerasMatch.name}`)} — ${md(spec.kerasMatch.note)}`);
    if (images && keras) { const img = curveImageMarkdown(keras.spec); if (img) out.push('', img); }
    out.push('');
  }
  return out;
}
