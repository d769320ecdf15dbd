/**
 * Conventions checked on the numbers: what the arrays look like (probabilities, log-probabilities or logits; class
 * indices, one-hot rows or ±1 labels; where the class axis is) against what the called loss reads them as, in the
 * framework that calls it. Each finding names the framework whose convention it checks, what that loss will do with
 * these numbers, and the fix. Pure: the evaluators append the findings to their trace warnings.
 */
import type { Tensor } from './tensor';
import type { Config, Warning } from './spec';
import { exp as fastExp } from './fastmath';

export interface Finding extends Warning {
  /** Whose convention the finding checks. */
  convention: 'Keras' | 'PyTorch' | 'optax';
  /** The change that makes the call read the numbers as meant, as code. */
  fix: string;
}

/** What the predictions look like along the class axis. */
export type PredictionKind = 'probabilities' | 'log-probabilities' | 'unit-interval' | 'logits';

const TOL = 1e-3;

/** Rows along `axis` (default last) of a tensor: calls `row(get, n)` for each, stops when it returns false. */
function everyRow(p: Tensor, axis: number, row: (get: (j: number) => number, n: number) => boolean): boolean {
  const r = p.shape.length;
  if (r === 0) return row(() => p.data[0], 1);
  const a = axis < 0 ? axis + r : axis;
  const n = p.shape[a];
  let inner = 1;
  for (let k = a + 1; k < r; k++) inner *= p.shape[k];
  const outer = n === 0 ? 0 : p.data.length / (n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      if (!row((j) => p.data[base + j * inner], n)) return false;
    }
  }
  return true;
}

/**
 * Probabilities: every element in [0, 1] and each row along `axis` summing to 1; log-probabilities: every element ≤ 0
 * and each row's Σ exp = 1; unit-interval: in [0, 1] without unit rows (sigmoid outputs); logits otherwise.
 * `maxRows`: test the row sums on at most that many rows, evenly spaced (the first and the last among them), when
 * there are more; the domain test still reads every element. The torch evaluator passes it: the row sums of a
 * 1e6-element input (one exp per element for log-probabilities) cost more than NLLLoss itself.
 */
export function predictionKind(p: Tensor, axis = -1, maxRows = Infinity): PredictionKind {
  const d = p.data;
  // two loops that each stop at the first element out of their domain (one test per element, instead of both tests
  // and the loop condition's on every element of a 1e6-element input)
  let unit = d.length > 0, nonPos = d.length > 0;
  for (let i = 0; i < d.length; i++) { const v = d[i]; if (!(v >= 0 && v <= 1)) { unit = false; break; } }
  for (let i = 0; i < d.length; i++) if (!(d[i] <= 0)) { nonPos = false; break; }
  const rank = p.shape.length;
  const classes = rank ? p.shape[axis < 0 ? axis + rank : axis] : 1;
  if (unit && classes > 1 && rowsSumTo1(p, axis, false, maxRows)) return 'probabilities';
  if (nonPos && classes > 1 && rowsSumTo1(p, axis, true, maxRows)) return 'log-probabilities';
  return unit ? 'unit-interval' : 'logits';
}

/**
 * Whether every row along `axis` sums to 1 within TOL (of exp(v) when `exp`): everyRow's test as plain strided loops,
 * with the fast exp (a 1e-3 tolerance does not see its last bit) — at 1e6 elements the closures and Math.exp cost
 * more than the loss itself. With more than `maxRows` rows, only `maxRows` of them, evenly spaced, are tested.
 */
function rowsSumTo1(p: Tensor, axis: number, exp: boolean, maxRows: number): boolean {
  const r = p.shape.length, d = p.data;
  const a = axis < 0 ? axis + r : axis;
  const n = p.shape[a];
  let inner = 1;
  for (let k = a + 1; k < r; k++) inner *= p.shape[k];
  const outer = n === 0 ? 0 : d.length / (n * inner);
  const rows = outer * inner;
  // rows q·stride for q = 0 … maxRows−1 (row index o·inner + i), the last one the last row
  const sampled = rows > maxRows && maxRows >= 2;
  const count = sampled ? maxRows : rows;
  for (let q = 0; q < count; q++) {
    const row = sampled ? Math.floor(q * (rows - 1) / (maxRows - 1)) : q;
    const o = Math.floor(row / inner), i = row - o * inner;
    const base = o * n * inner + i;
    let s = 0;
    if (exp) for (let j = 0; j < n; j++) s += fastExp(d[base + j * inner]);
    else for (let j = 0; j < n; j++) s += d[base + j * inner];
    if (!(Math.abs(s - 1) < TOL)) return false;
  }
  return true;
}

/** Exact one-hot rows along the last axis. */
export function isOneHot(t: Tensor): boolean {
  return t.shape.length > 0 && (t.shape[t.shape.length - 1] ?? 0) > 1 && everyRow(t, -1, (g, n) => { let ones = 0; for (let j = 0; j < n; j++) { const v = g(j); if (v === 1) ones++; else if (v !== 0) return false; } return ones === 1; });
}

const allIn = (t: Tensor, ok: (v: number) => boolean) => t.data.length > 0 && t.data.every(ok);

/** optax: logits where probabilities were passed, log-probabilities for the KL, ±1 labels for the hinges. */
export function optaxConventions(loss: string, t: Tensor, p: Tensor, cfg: Config): Finding[] {
  const out: Finding[] = [];
  const axis = typeof cfg.axis === 'number' ? cfg.axis : -1;
  const add = (code: string, message: string, fix: string) => out.push({ code, convention: 'optax', message: `${message} Fix: ${fix}.`, fix });
  const name = loss.replace(/^optax\./, 'optax.');
  if (/softmax_cross_entropy|poly_loss_cross_entropy/.test(loss)) {
    const k = predictionKind(p, axis);
    if (k === 'probabilities') add('optax-probabilities-as-logits', `y_pred rows are probabilities (in [0, 1], each summing to 1), but ${name} takes logits: it applies log_softmax, so they are softmaxed a second time and the loss is pulled toward log C.`, 'pass jnp.log(probs) (log-probabilities are valid logits)');
  }
  if (/sigmoid_binary_cross_entropy|sigmoid_focal_loss/.test(loss) && p.data.length > 1 && allIn(p, (v) => v >= 0 && v <= 1)) {
    add('optax-probabilities-as-logits', `every y_pred is in [0, 1]: these look like sigmoid outputs, but ${name} takes logits (it applies the sigmoid itself).`, 'pass the logits, or jnp.log(p) - jnp.log1p(-p)');
  }
  if (/kl_divergence/.test(loss) && !/log_targets/.test(loss) && p.data.some((v) => v > 0)) {
    add('optax-kl-not-log', `log_predictions has positive values: ${name}(log_predictions, targets) takes log-probabilities (≤ 0), not probabilities.`, 'pass jnp.log(predictions)');
  }
  if (/\.(hinge_loss|perceptron_loss)$/.test(loss) && allIn(t, (v) => v === 0 || v === 1) && t.data.some((v) => v === 0)) {
    add('optax-hinge-01-labels', `targets are 0/1, but ${name} expects signed labels in {−1, +1}: a 0 label gives max(0, 1 − 0) = 1 for every negative example whatever its score (Keras Hinge converts 0/1 itself; optax does not).`, 'pass 2 * targets - 1');
  }
  if (/sparsemax_loss$/.test(loss) && !/multiclass/.test(loss) && t.data.some((v) => v === -1)) {
    add('optax-sparsemax-signed-labels', `labels contain −1: ${name} reads any nonzero label as the positive class, so −1 counts as 1.`, 'pass (labels + 1) / 2');
  }
  return out;
}

/** How many rows torchConventions tests for unit row sums (evenly spaced) when an input has more. */
const ROW_SAMPLE = 4096;

/** Whether some element is > 0 (a plain loop that stops at the first: Array.prototype.some's closure cost ~5 ns per element). */
function anyPositive(d: Float64Array): boolean {
  for (let i = 0; i < d.length; i++) if (d[i] > 0) return true;
  return false;
}

/**
 * Whether some element is not ±1 (NaN included). |v| ≠ 1 is one test that is almost never true on ±1 labels; the
 * `v !== 1 && v !== -1` of a `some` closure branched on the sign, mispredicted half the time on random labels
 * (13 ms at 1e6, as much as HingeEmbeddingLoss's kernel).
 */
function anyUnsigned(d: Float64Array): boolean {
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i]) !== 1) return true;
  return false;
}

/** torch: the probability/log-probability domain of each loss, one-hot floats, the class axis at dim 1, all ignored, ±1 targets. */
export function torchConventions(loss: string, args: Record<string, Tensor>, cfg: Config, reduction: string): Finding[] {
  const out: Finding[] = [];
  const add = (code: string, message: string, fix: string) => out.push({ code, convention: 'PyTorch', message: `${message} Fix: ${fix}.`, fix });
  const input = args.input, target = args.target;
  if (!input) return out;
  const classAxis = input.shape.length >= 2 ? 1 : 0;
  if (loss === 'CrossEntropyLoss' || loss === 'NLLLoss') {
    const k = predictionKind(input, classAxis, ROW_SAMPLE);
    if (loss === 'CrossEntropyLoss' && k === 'probabilities') add('torch-double-softmax', 'input rows are probabilities (in [0, 1], summing to 1 along dim 1): CrossEntropyLoss applies log_softmax to its input, so a softmax already applied is applied twice — the loss is pulled toward log C and the gradient shrinks.', 'pass the logits, or nn.NLLLoss()(torch.log(probs), target)');
    if (loss === 'CrossEntropyLoss' && k === 'log-probabilities') add('torch-log-softmax-applied', 'input rows are log-probabilities (log_softmax already applied): CrossEntropyLoss applies log_softmax again. The value is unchanged (log_softmax is idempotent), but NLLLoss is the loss meant for log-probabilities.', 'nn.NLLLoss()(log_probs, target)');
    if (loss === 'NLLLoss' && (k === 'probabilities' || k === 'unit-interval')) add('torch-nll-probabilities', 'input is in [0, 1]: NLLLoss takes log-probabilities and returns −input[target] as it is, so probabilities give a negative loss.', 'nn.NLLLoss()(torch.log(probs), target)');
    if (loss === 'NLLLoss' && k === 'logits') add('torch-nll-logits', 'input rows are not log-probabilities (Σ exp ≠ 1 along dim 1): NLLLoss does not normalise, it returns −input[target].', 'nn.CrossEntropyLoss()(logits, target), or log_softmax first');
    if (target && target.shape.length === input.shape.length && loss === 'CrossEntropyLoss' && isOneHotAlong(target, classAxis)) {
      add('torch-one-hot-as-probabilities', 'target is one-hot floats: CrossEntropyLoss reads a floating target of the input\'s shape as class probabilities (torch ≥ 1.10), not indices — the same value for exact one-hot rows, but ignore_index is refused and label_smoothing and weight act differently.', 'target.argmax(1) for class indices');
    }
    if (target && input.shape.length >= 3 && target.shape.length === input.shape.length - 1 && sameDims(target.shape, input.shape.slice(0, -1)) && !sameDims(target.shape, [input.shape[0], ...input.shape.slice(2)])) {
      add('torch-class-axis-last', `input ${dims(input.shape)} with target ${dims(target.shape)} puts the classes last (the Keras layout); torch reads dim 1 as the class axis.`, 'input.movedim(-1, 1)');
    }
    if (target && target.shape.length < input.shape.length || (target && input.shape.length === 1 && target.shape.length === 0)) {
      const ign = typeof cfg.ignore_index === 'number' ? cfg.ignore_index : -100;
      if (target.data.length > 0 && target.data.every((v) => v === ign) && reduction === 'mean') {
        add('torch-all-ignored', `every target equals ignore_index (${ign}): 'mean' divides 0 by 0 and returns NaN ('sum' gives 0).`, `check the labels, or reduction='sum' where an all-ignored batch can happen`);
      }
    }
  }
  if (loss === 'BCEWithLogitsLoss' && input.data.length > 1 && allIn(input, (v) => v >= 0 && v <= 1)) {
    add('torch-probabilities-as-logits', 'every input is in [0, 1]: these look like sigmoid outputs, but BCEWithLogitsLoss takes logits and applies the sigmoid again.', 'nn.BCELoss()(probs, target), or pass the logits');
  }
  if (loss === 'BCELoss' && target) {
    let sat = 0;
    const d = input.data, td = target.data, tn = td.length;
    for (let i = 0; i < d.length; i++) { const p = d[i]; if (p !== 0 && p !== 1) continue; const y = td[i % tn]; if ((p === 0 && y > 0) || (p === 1 && y < 1)) sat++; }
    if (sat) add('torch-bce-clamp', `${sat} element(s) predict exactly 0 or 1 on the wrong side: BCELoss clamps each log at −100, so each costs 100 (Keras clips p to [1e-7, 1 − 1e-7], where it costs 15.94; optax on logits has no bound).`, 'nn.BCEWithLogitsLoss() on the logits');
  }
  if (loss === 'KLDivLoss') {
    if (!cfg.log_target && anyPositive(input.data)) add('torch-kl-not-log', 'input has positive values: KLDivLoss(input, target) takes log-probabilities as input (and probabilities as target).', 'nn.KLDivLoss(reduction=\'batchmean\')(torch.log(probs), target)');
    if (reduction === 'mean') add('torch-kl-mean', `reduction='mean' divides by every element (N·C = ${input.data.length}), not the batch size: the result is the KL divided by C.`, "reduction='batchmean'");
  }
  if ((loss === 'HingeEmbeddingLoss' || loss === 'MarginRankingLoss' || loss === 'SoftMarginLoss' || loss === 'CosineEmbeddingLoss') && target && anyUnsigned(target.data)) {
    add('torch-signed-targets', `target has values other than ±1: ${loss} is defined for y ∈ {−1, 1}${loss === 'HingeEmbeddingLoss' ? ' (any other value gets both terms: a 0 target costs x + max(0, margin − x))' : ''}.`, '2 * target - 1 for 0/1 labels');
  }
  return out;
}

/** Keras: saturated probabilities (the clip every framework spells differently). */
export function kerasConventions(loss: string, t: Tensor, p: Tensor, cfg: Config): Finding[] {
  const out: Finding[] = [];
  if ((loss === 'BinaryCrossentropy' || loss === 'BinaryFocalCrossentropy') && !cfg.from_logits && allIn(p, (v) => v >= 0 && v <= 1)) {
    let sat = 0;
    p.data.forEach((v, i) => { const y = t.data[i % t.data.length]; if ((v <= 0 && y > 0) || (v >= 1 && y < 1)) sat++; });
    if (sat) {
      const fix = 'keep the logits and pass from_logits=True';
      out.push({ code: 'saturated-probabilities', convention: 'Keras', fix,
        message: `${sat} element(s) predict exactly 0 or 1 on the wrong side: Keras clips p to [1e-7, 1 − 1e-7], so each costs 15.94 (16.12 in tf.keras 2); torch BCELoss would charge 100, and a logit loss the full margin. Fix: ${fix}.` });
    }
  }
  return out;
}

function isOneHotAlong(t: Tensor, axis: number): boolean {
  return everyRow(t, axis, (g, n) => { let ones = 0; for (let j = 0; j < n; j++) { const v = g(j); if (v === 1) ones++; else if (v !== 0) return false; } return ones === 1 && n > 1; });
}
const sameDims = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const dims = (s: number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
