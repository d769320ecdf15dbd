/**
 * Loss names without the losses: finds the loss name under a cursor in one line of Python/JS/TS, and every loss
 * site of a file (CodeLens), resolving them to loss ids (Keras classes and functions by any module path, compile
 * strings inside quotes, tfa losses, and the torch.nn / F.* / optax / tfjs names that a Keras loss declares as its
 * equivalents in `LossSpec.foreignNames`). It reads the spellings from nameIndex.generated.ts (written from the
 * registry by scripts/gen-name-index.mjs on every build), not from the specs, so the extension's activation can
 * match names without loading any kernel or documentation; names.ts adds the spec to each answer.
 * Pure: no vscode, no I/O.
 */
import { KERAS_NAMES } from './nameIndex.generated';
import type { NameKind } from './registry';
import { stripPrefix } from './lossPrefixes';

export type { NameKind };
export { stripPrefix };

/** Every Keras/tfa/optax spelling → its loss id and how it is used (registry.ts's byName, first spelling wins). */
let byName: Map<string, { id: string; kind: NameKind }> | null = null;

/** The loss id a Keras/tfa/optax spelling names (module prefixes stripped), as registry.tryResolveLoss, by id. */
export function tryResolveLossId(name: string): { id: string; kind: NameKind } | null {
  if (!byName) {
    byName = new Map();
    for (const [id, names] of KERAS_NAMES) for (const [n, kind] of names) if (!byName.has(n)) byName.set(n, { id, kind });
  }
  return byName.get(stripPrefix(name)) ?? null;
}

/** The framework a foreign (non-Keras) name belongs to, for the hover's "what differs" line. */
export type ForeignFramework = string;

export interface ResolvedName {
  /** The loss's id (LossSpec.id). */
  id: string;
  /** class/function/string: a Keras or tfa spelling; foreign: another framework's name documented by this spec. */
  kind: NameKind | 'foreign';
  /** For kind 'foreign': which framework the name comes from. */
  framework?: ForeignFramework;
  /** For kind 'foreign': the spelling as declared in the spec's foreignNames. */
  foreignName?: string;
}

export interface FoundName {
  /** The name as written: a dotted path (`tf.keras.losses.Huber`) or a string's content (`mse`). */
  name: string;
  /** Character range of `name` in the line (end exclusive). */
  start: number;
  end: number;
  /** True when the name was the content of a string literal (a compile string). */
  quoted: boolean;
  resolved: ResolvedName;
}

/** Module prefixes of other frameworks, mapped to one canonical prefix so any import style finds the same name. */
const FOREIGN_PREFIXES: [RegExp, string][] = [
  [/^(?:torch\.nn\.functional|nn\.functional|functional|F)\./, 'torch.nn.functional.'],
  [/^(?:torch\.nn\.modules\.loss|torch\.nn|nn)\./, 'torch.nn.'],
  [/^(?:torchvision\.ops)\./, 'torchvision.ops.'],
  [/^(?:optax\.losses|optax)\./, 'optax.'],
  [/^(?:tfjs\.losses|tf\.losses)\./, 'tf.losses.'],
  [/^(?:monai\.losses)\./, 'monai.losses.'],
  [/^(?:segmentation_models_pytorch\.losses|smp\.losses)\./, 'smp.losses.'],
  [/^(?:keras_cv\.losses)\./, 'keras_cv.losses.'],
];

/** Canonical spelling of a foreign name: `F.mse_loss` and `torch.nn.functional.mse_loss` both give the latter. */
export function canonicalForeign(name: string): string {
  for (const [re, to] of FOREIGN_PREFIXES) if (re.test(name)) return name.replace(re, to);
  return name;
}

function frameworkOf(canonical: string): ForeignFramework {
  const known: [RegExp, string][] = [
    [/^torch\./, 'PyTorch'], [/^torchvision\./, 'torchvision'], [/^optax\./, 'Optax'], [/^tf\.losses\./, 'TensorFlow.js'],
    [/^(tf|keras)\./, 'TensorFlow'], [/^monai\./, 'MONAI'], [/^smp\./, 'segmentation_models_pytorch'], [/^keras_cv\./, 'KerasCV'],
    [/^sklearn\./, 'scikit-learn'], [/^torchmetrics\./, 'TorchMetrics'], [/^pytorch_metric_learning\./, 'pytorch-metric-learning'],
    [/^tfsim\./, 'TensorFlow Similarity'], [/^ops\./, 'TensorFlow'], [/^[a-z]+[A-Z]\w*$/, 'TensorFlow.js'], [/^ctc_batch_cost$|_loss$|^logcosh$/, 'Keras 2'],
    [/Loss$/, 'PyTorch'],
  ];
  for (const [re, fw] of known) if (re.test(canonical)) return fw;
  return 'other';
}

interface ForeignEntry { id: string; declared: string }
let foreignIndex: Map<string, ForeignEntry> | null = null;
/** Bare last segments of foreign names that only one spec claims (`MSELoss`, `sigmoid_focal_loss`). */
let foreignBare: Map<string, ForeignEntry | null> | null = null;

function buildForeign(): void {
  foreignIndex = new Map();
  foreignBare = new Map();
  for (const [id, , foreignNames] of KERAS_NAMES) {
    for (const f of foreignNames) {
      const c = canonicalForeign(f);
      if (!foreignIndex.has(c)) foreignIndex.set(c, { id, declared: f });
      const bare = c.slice(c.lastIndexOf('.') + 1);
      const prev = foreignBare.get(bare);
      if (prev === undefined) foreignBare.set(bare, { id, declared: f });
      else if (prev && prev.id !== id) foreignBare.set(bare, null); // ambiguous: claimed by two losses
    }
  }
}

function foreignNamesOf(id: string): readonly string[] {
  return KERAS_NAMES.find(([i]) => i === id)?.[2] ?? [];
}

/** Resolves a foreign (torch/optax/tfjs/...) spelling through the specs' foreignNames. */
export function resolveForeign(name: string): ResolvedName | null {
  if (!foreignIndex) buildForeign();
  const c = canonicalForeign(name);
  let e = foreignIndex!.get(c);
  // A bare class name (`from torch.nn import MSELoss`) may match a qualified declaration; a bare lower-case name
  // only when declared bare (a variable called `mse_loss` is not `F.mse_loss`).
  if (!e && !c.includes('.') && /^[A-Z]/.test(c)) e = foreignBare!.get(c) ?? undefined;
  if (!e && c.includes('.') && c !== name) {
    // A known module prefix with a bare name the specs declare only in another import style.
    const bare = c.slice(c.lastIndexOf('.') + 1);
    const b = foreignBare!.get(bare);
    if (b && canonicalForeign(b.declared).startsWith(c.slice(0, c.lastIndexOf('.') + 1))) e = b;
  }
  if (!e) return null;
  let declared = e.declared;
  if (!declared.includes('.') && /^[A-Z]/.test(declared)) {
    // A bare class name (`CircleLoss`): name its framework after the most qualified spelling the spec declares.
    const q = foreignNamesOf(e.id).filter((f) => f.endsWith(`.${declared}`)).sort((a, b) => b.length - a.length)[0];
    if (q) declared = q;
  }
  return { id: e.id, kind: 'foreign', framework: frameworkOf(canonicalForeign(declared)), foreignName: name.includes('.') ? name : declared };
}

/**
 * A loss name as written in code, reduced to the name: a compile string with its quotes (`'mse'`,
 * `"binary_crossentropy"`), a constructor or function call with its arguments (`Huber()`,
 * `keras.losses.Huber(delta=2.0)`, `nn.CrossEntropyLoss()(logits, y)`), an assignment or keyword in front
 * (`loss='mse'`, `criterion = nn.MSELoss()`). `quoted` says it was a string.
 */
export function nameAsWritten(text: string): { name: string; quoted: boolean } {
  let s = text.trim().replace(/;$/, '').trim();
  // `loss=`, `loss: `, `criterion = ` in front (not `==`)
  const lhs = /^[A-Za-z_$][\w$.]*\s*[=:](?!=)\s*(?=\S)/.exec(s);
  if (lhs) s = s.slice(lhs[0].length);
  const q = /^(['"`])(.*)\1$/s.exec(s);
  if (q) return { name: q[2].trim(), quoted: true };
  const call = /^([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(/.exec(s);
  if (call) return { name: call[1].replace(/\s+/g, ''), quoted: false };
  return { name: s, quoted: false };
}

/**
 * Resolves any loss spelling a user may write: Keras/tfa names (any module path), compile strings (only when
 * `quoted`, so a variable called `mse` is not a loss), and foreign names. Null when it is not a loss.
 */
export function resolveAnyName(name: string, quoted = false): ResolvedName | null {
  const n = name.trim();
  if (!n) return null;
  if (quoted && /^(crossentropy|ce)$/i.test(n)) {
    const r = tryResolveLossId('CategoricalCrossentropy');
    if (r) return { id: r.id, kind: 'string' };
  }
  // TF1 / tfjs `tf.losses.X`: the tfjs camelCase names are foreign; snake_case ones are Keras-compatible.
  const keras = tryResolveLossId(n) ?? (/^tf\.losses\./.test(n) ? tryResolveLossId(n.replace(/^tf\.losses\./, '')) : null);
  const bare = stripPrefix(n) === n && !n.includes('.');
  if (keras && (quoted || keras.kind !== 'string' || !bare)) {
    // A foreign spelling that happens to share a Keras string (tfjs 'meanSquaredError') still reads as Keras.
    return { id: keras.id, kind: keras.kind };
  }
  const f = resolveForeign(n);
  if (f) return f;
  return null;
}

const IDENT = /[A-Za-z0-9_$]/;

/** String literals of one line: [quoteStart, quoteEnd] inclusive of the quotes; unterminated ones run to the end. */
function stringSpans(line: string): { open: number; close: number; contentStart: number; contentEnd: number }[] {
  const spans: { open: number; close: number; contentStart: number; contentEnd: number }[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch === '#' && !inJsContext(line)) break; // Python comment: the rest is not code (strings in it are not strings)
    if (ch === '/' && line[i + 1] === '/') break;
    if (ch === '"' || ch === "'" || ch === '`') {
      const triple = line.startsWith(ch.repeat(3), i) ? 3 : 1;
      const q = ch.repeat(triple);
      let j = i + triple;
      while (j < line.length && !line.startsWith(q, j)) j += line[j] === '\\' ? 2 : 1;
      const close = Math.min(j, line.length);
      spans.push({ open: i, close: close + triple - 1, contentStart: i + triple, contentEnd: close });
      i = close + triple;
      continue;
    }
    i++;
  }
  return spans;
}

/** JS/TS lines use `#` in private names only; treat a line with `//`, `=>`, `const`, `let` as JS. */
function inJsContext(line: string): boolean {
  return /\b(const|let|var|await|=>)\b|=>|;\s*$/.test(line);
}

/**
 * The loss name at `character` (0-based UTF-16 index) in `lineText`, or null. Recognises dotted paths
 * (`keras.losses.Huber`, `F.cross_entropy`, `optax.huber_loss`, `tf.losses.meanSquaredError`) with the cursor on
 * their last segment, bare class/function names (`Huber(`, `binary_crossentropy`), and compile strings in quotes
 * (`loss='mse'`, `"sparse_categorical_crossentropy"`, `'Addons>GIoULoss'`).
 */
export function findLossNameAt(lineText: string, character: number): FoundName | null {
  if (character < 0 || character > lineText.length) return null;
  for (const s of stringSpans(lineText)) {
    if (character < s.open || character > s.close) continue;
    const raw = lineText.slice(s.contentStart, s.contentEnd);
    const lead = raw.length - raw.trimStart().length;
    const name = raw.trim();
    if (!name || name.length > 80) return null;
    const resolved = resolveAnyName(name, true);
    if (!resolved) return null;
    const start = s.contentStart + lead;
    return { name, start, end: start + name.length, quoted: true, resolved };
  }
  // An identifier under (or just before) the cursor.
  let pos = character;
  if (pos >= lineText.length || !IDENT.test(lineText[pos])) {
    if (pos > 0 && IDENT.test(lineText[pos - 1])) pos--;
    else return null;
  }
  let segStart = pos, segEnd = pos;
  while (segStart > 0 && IDENT.test(lineText[segStart - 1])) segStart--;
  while (segEnd < lineText.length && IDENT.test(lineText[segEnd])) segEnd++;
  // Only the last segment of a dotted path names the loss: `losses` in `keras.losses.Huber` is a module.
  let after = segEnd;
  while (after < lineText.length && lineText[after] === ' ') after++;
  if (lineText[after] === '.' && IDENT.test(lineText[after + 1] ?? '')) return null;
  // Extend left over `.ident` segments (allowing no spaces, as code is written).
  let start = segStart;
  while (start > 1 && lineText[start - 1] === '.' && IDENT.test(lineText[start - 2])) {
    let k = start - 2;
    while (k > 0 && IDENT.test(lineText[k - 1])) k--;
    start = k;
  }
  const path = lineText.slice(start, segEnd);
  if (/^\d/.test(path)) return null;
  // Longest resolvable suffix path: `self.loss_fn = tf.keras.losses.Huber` → whole; `model.nn.MSELoss` → nn.MSELoss.
  const parts = path.split('.');
  for (let k = 0; k < parts.length; k++) {
    const cand = parts.slice(k).join('.');
    const resolved = resolveAnyName(cand, false);
    if (resolved) {
      const s0 = segEnd - cand.length;
      return { name: cand, start: s0, end: segEnd, quoted: false, resolved };
    }
  }
  return null;
}

/** A place in a file where a loss is used: a call/constructor, or a `loss=` / `loss:` compile argument. */
export interface LossSite {
  /** 0-based line and character range of the name. */
  line: number;
  start: number;
  end: number;
  name: string;
  id: string;
  kind: 'call' | 'compile';
  /** False for foreign names (torch/optax/tfjs): the snippet evaluator runs Keras code only. */
  computable: boolean;
}

const CALL_RE = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(/g;
const COMPILE_RE = /\bloss(?:es)?\s*[=:]\s*(['"])([^'"\n]{1,80})\1/g;

/**
 * Every line's first loss site, for CodeLens. Bare lower-case function names (`huber(`) count only when the text
 * mentions keras/losses somewhere, so a user's own `dice()` in unrelated code gets no lens. Lines past `maxLines`
 * are not scanned.
 */
export function findLossSites(text: string, maxLines = 20000): LossSite[] {
  const lines = text.split(/\r?\n/, maxLines);
  const kerasy = /keras|losses|tfa\b/.test(text);
  const out: LossSite[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > 2000 || /^\s*(#|\/\/)/.test(line)) continue;
    let best: LossSite | null = null;
    CALL_RE.lastIndex = 0;
    for (let m = CALL_RE.exec(line); m; m = CALL_RE.exec(line)) {
      if (m.index > 0 && /[\w$.'"]/.test(line[m.index - 1])) continue;
      const parts = m[1].split('.');
      let path = '', r: ResolvedName | null = null;
      for (let k = 0; k < parts.length && !r; k++) { path = parts.slice(k).join('.'); r = resolveAnyName(path, false); }
      if (!r) continue;
      const at = m.index + m[1].length - path.length;
      const dotted = path.includes('.');
      if (!dotted && r.kind === 'function' && !kerasy) continue;
      if (r.kind === 'string') continue;
      best = { line: i, start: at, end: at + path.length, name: path, id: r.id, kind: 'call', computable: r.kind !== 'foreign' };
      break;
    }
    if (!best) {
      COMPILE_RE.lastIndex = 0;
      const m = COMPILE_RE.exec(line);
      if (m) {
        const r = resolveAnyName(m[2], true);
        const s0 = m.index + m[0].indexOf(m[1]) + 1;
        if (r) best = { line: i, start: s0, end: s0 + m[2].length, name: m[2], id: r.id, kind: 'compile', computable: false };
      }
    }
    if (best) out.push(best);
  }
  return out;
}
