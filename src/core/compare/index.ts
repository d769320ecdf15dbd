/**
 * Compare: one loss call (Keras, torch or optax) on the user's arrays, next to the ports of it in the other
 * frameworks — the faithful port that computes the same quantity and the ports people actually write that give
 * another number — each evaluated by that framework's own core (value and gradient on the same numbers), with the
 * call as the framework writes it and, where it differs from the source, one sentence why. Rows are built from the
 * specs through the port tables of each family (classification.ts, regression.ts, similarity.ts, sequence.ts); a
 * port whose spec is not registered (yet) is left out, never guessed. Weighted sources get weighted rows (weights.ts).
 */
import { evaluate, type EvalResult } from '../evaluate';
import { LossInspectorError } from '../errors';
import { shapeStr, type Nested, type Tensor } from '../tensor';
import type { ParamValue } from '../spec';
import { tryResolveLoss } from '../registry';
import { evaluateTorch, tryResolveTorch, type TorchResult } from '../torch';
import type { CompareFramework, CompareRequest, CompareResult, CompareRow, Data, Group, Out, Port, Transform } from './types';
import {
  ID, EXP, mapT, kerasOut, optaxMean, SAME_FORMULA, f7, pyFloat, pyLit, sameValue, nested, tensorOf, oneHot, oneHotIndices, torchHas,
} from './util';
import { CLASSIFICATION_PORTS, smoothingPorts, ignorePorts } from './classification';
import { REGRESSION_PORTS } from './regression';
import { SIMILARITY_PORTS } from './similarity';
import { SEQUENCE_PORTS } from './sequence';
import { weightedRows, classWeightRows, type WeightContext } from './weights';

export type { CompareFramework, CompareRow, CompareResult, CompareRequest } from './types';

const PORTS: Record<Group, (d: Data) => Port[]> = {
  ...CLASSIFICATION_PORTS, ...REGRESSION_PORTS, ...SIMILARITY_PORTS, ...SEQUENCE_PORTS,
} as Record<Group, (d: Data) => Port[]>;

/** The Keras 3 call computing each group's quantity: the first row after a torch or optax source (null: Keras has none). */
function kerasFaithful(g: Group, d: Data): { loss: string; config: Record<string, ParamValue>; call: string; labels: 'idx' | 'dist' | 't' } | null {
  const sparse = d.idxGiven;
  const cls = (logits: boolean) => ({ loss: sparse ? 'SparseCategoricalCrossentropy' : 'CategoricalCrossentropy', config: (logits ? { from_logits: true } : {}) as Record<string, ParamValue>, labels: sparse ? 'idx' as const : 'dist' as const,
    call: `keras.losses.${sparse ? 'SparseCategoricalCrossentropy' : 'CategoricalCrossentropy'}(${logits ? 'from_logits=True' : ''})(y_true, y_pred)` });
  const plain = (loss: string, config: Record<string, ParamValue> = {}, kw = '', labels: 'idx' | 'dist' | 't' = 't') => ({ loss, config, labels, call: `keras.losses.${loss}(${kw})(y_true, y_pred)` });
  const focal = (logits: boolean) => {
    const gamma = (d.cfg.gamma as number) ?? 2, alpha = d.cfg.alpha as number | null | undefined;
    const config: Record<string, ParamValue> = { gamma, from_logits: logits, ...(alpha != null ? { apply_class_balancing: true, alpha } : {}) };
    const kw = [alpha != null ? `apply_class_balancing=True, alpha=${pyFloat(alpha)}` : '', gamma === 2 ? '' : `gamma=${pyFloat(gamma)}`, logits ? 'from_logits=True' : ''].filter(Boolean).join(', ');
    return plain('BinaryFocalCrossentropy', config, kw);
  };
  switch (g) {
    case 'cce-probs': return cls(false);
    case 'cce-logits': return cls(true);
    case 'bce-probs': return plain('BinaryCrossentropy');
    case 'bce-logits': return plain('BinaryCrossentropy', { from_logits: true }, 'from_logits=True');
    case 'focal-probs': return focal(false);
    case 'focal-logits': return focal(true);
    case 'mse': return plain('MeanSquaredError');
    case 'mae': return plain('MeanAbsoluteError');
    case 'huber': return plain('Huber', { delta: d.delta }, d.delta === 1 ? '' : `delta=${pyFloat(d.delta)}`);
    case 'logcosh': return plain('LogCosh');
    case 'poisson': return plain('Poisson');
    case 'mape': return plain('MeanAbsolutePercentageError');
    case 'msle': return plain('MeanSquaredLogarithmicError');
    case 'kld': return plain('KLDivergence');
    case 'cosine': return plain('CosineSimilarity');
    case 'hinge': return plain('Hinge');
    case 'squared-hinge': return plain('SquaredHinge');
    case 'categorical-hinge': return { loss: 'CategoricalHinge', config: {}, labels: 'dist', call: `keras.losses.CategoricalHinge()(${sparse ? `keras.ops.one_hot(y_true, ${d.p.shape[d.p.shape.length - 1]})` : 'y_true'}, y_pred)` };
    case 'ctc': return plain('CTC');
    case 'triplet': case 'ntxent': return null;
  }
}

// ---- resolving the source into a group and its data ----

interface Source {
  group: Group;
  /** The source row's framework and call text. */
  framework: CompareFramework;
  call: string;
  /** The source's value and gradient w.r.t. its own y_pred. */
  out: Out;
  /** Predictions of the group: `fwd` applied to the source's own y_pred (`user`). */
  p: Tensor;
  user: Tensor;
  fwd: Transform;
  t: Tensor;
  delta: number;
  reduction: string;
  cfg: Record<string, ParamValue>;
  extra: Record<string, Tensor>;
  keras?: { loss: string; config: Record<string, ParamValue> };
  notes: string[];
  warnings: string[];
  /** How the source itself departs from the group's quantity (optax.l2_loss's 0.5, SmoothL1's 1/β): the why of the rows that compute the quantity. */
  selfWhy?: string;
  /** torch class weights / pos_weight of the source, for the weighted rows. */
  torchWeights?: { weight: Tensor | null; posWeight: Tensor | null; reduction: string };
  /** The source's own weighted form (a Keras sample_weight), for the weighted rows. */
  sampleWeight?: Tensor | null;
  /** A row's gradient (in the group's layout) in the source's layout, when they differ (torch CTC's time-first input). */
  gradLayout?: (g: Tensor) => Tensor;
  /** Arrays the calls name besides y_true and y_pred (sample_weight, weight, pos_weight, negatives, paddings). */
  named?: Record<string, Tensor>;
}

const KERAS_GROUPS: Record<string, (cfg: Record<string, ParamValue>) => Group> = {
  CategoricalCrossentropy: (c) => (c.from_logits ? 'cce-logits' : 'cce-probs'),
  SparseCategoricalCrossentropy: (c) => (c.from_logits ? 'cce-logits' : 'cce-probs'),
  BinaryCrossentropy: (c) => (c.from_logits ? 'bce-logits' : 'bce-probs'),
  BinaryFocalCrossentropy: (c) => (c.from_logits ? 'focal-logits' : 'focal-probs'),
  MeanSquaredError: () => 'mse', MeanAbsoluteError: () => 'mae', Huber: () => 'huber', LogCosh: () => 'logcosh',
  Poisson: () => 'poisson', MeanAbsolutePercentageError: () => 'mape', MeanSquaredLogarithmicError: () => 'msle',
  KLDivergence: () => 'kld', CosineSimilarity: () => 'cosine', Hinge: () => 'hinge', SquaredHinge: () => 'squared-hinge',
  CategoricalHinge: () => 'categorical-hinge', CTC: () => 'ctc',
};

/** optax sources: the group, how y_pred maps to the group's predictions, and how the source departs from the quantity. */
const OPTAX_GROUPS: Record<string, { group: Group; fwd?: Transform; targets?: (t: Tensor) => Tensor; selfWhy?: string }> = {
  'optax.softmax_cross_entropy': { group: 'cce-logits' }, 'optax.softmax_cross_entropy_with_integer_labels': { group: 'cce-logits' },
  'optax.sigmoid_binary_cross_entropy': { group: 'bce-logits' }, 'optax.sigmoid_focal_loss': { group: 'focal-logits' },
  'optax.squared_error': { group: 'mse' },
  'optax.l2_loss': { group: 'mse', selfWhy: 'The source optax.l2_loss is 0.5·(p − t)²: this row is the full squared error, twice the source.' },
  'optax.huber_loss': { group: 'huber' }, 'optax.log_cosh': { group: 'logcosh' },
  'optax.kl_divergence': { group: 'kld', fwd: EXP },
  'optax.kl_divergence_with_log_targets': { group: 'kld', fwd: EXP, targets: (t) => mapT(t, Math.exp) },
  'optax.cosine_similarity': { group: 'cosine', selfWhy: 'The source optax.cosine_similarity is +cos; Keras CosineSimilarity (and this row) is −cos: the sign flips.' },
  'optax.cosine_distance': { group: 'cosine', selfWhy: 'The source optax.cosine_distance is 1 − cos; Keras CosineSimilarity (and this row) is −cos: shifted by 1.' },
  'optax.hinge_loss': { group: 'hinge' },
  'optax.multiclass_hinge_loss': { group: 'categorical-hinge', selfWhy: 'Keras CategoricalHinge takes neg = max((1 − t)·y_pred), where the true class counts as a 0: when every wrong score is below 0 Keras uses 0 where optax uses the largest wrong score. They agree whenever some wrong score is ≥ 0.' },
  'optax.ctc_loss': { group: 'ctc' }, 'optax.triplet_margin_loss': { group: 'triplet' }, 'optax.ntxent': { group: 'ntxent' },
};

const TORCH_GROUPS: Record<string, Group> = {
  CrossEntropyLoss: 'cce-logits', NLLLoss: 'cce-probs', BCELoss: 'bce-probs', BCEWithLogitsLoss: 'bce-logits',
  MSELoss: 'mse', L1Loss: 'mae', HuberLoss: 'huber', SmoothL1Loss: 'huber', KLDivLoss: 'kld', PoissonNLLLoss: 'poisson',
  MultiMarginLoss: 'categorical-hinge', HingeEmbeddingLoss: 'hinge', CosineEmbeddingLoss: 'cosine', TripletMarginLoss: 'triplet',
  MultiLabelSoftMarginLoss: 'bce-logits', SoftMarginLoss: 'bce-logits', CTCLoss: 'ctc',
};

function kerasCallText(framework: 'keras3' | 'keras2', id: string, config: Record<string, ParamValue>, weighted: boolean): string {
  const kw = Object.entries(config).filter(([k]) => k !== 'dtype' && k !== 'name').map(([k, v]) => `${k}=${pyLit(v)}`).join(', ');
  return `${framework === 'keras2' ? 'tf.keras' : 'keras'}.losses.${id}(${kw})(y_true, y_pred${weighted ? ', sample_weight=sample_weight' : ''})`;
}

function resolveTorchSource(req: CompareRequest, torch: NonNullable<ReturnType<typeof tryResolveTorch>>): Source {
  const notes: string[] = [];
  const id = torch.spec.id;
  const group = TORCH_GROUPS[id];
  if (!group) throw unsupported(req.loss);
  // the arguments by torch's names; (input, target) from yPred/yTrue unless the request names them
  const a: Record<string, Nested> = req.args ?? { input: nested(tensorOf(req.yPred, 'input')), target: nested(tensorOf(req.yTrue, 'target')) };
  const r: TorchResult = evaluateTorch({ loss: req.loss, config: req.config, args: a, dtypes: req.dtypes });
  const cfg = r.config;
  const cfgText = Object.entries(req.config ?? {}).map(([k, v]) => `${k}=${pyLit(v)}`).join(', ');
  let predArg = 'input', callArgs = 'y_pred, y_true';
  let input: Tensor, target: Tensor;
  const extra: Record<string, Tensor> = {};
  if (id === 'TripletMarginLoss') {
    predArg = 'anchor'; callArgs = 'y_pred, y_true, negatives';
    input = tensorOf(a.anchor, 'anchor'); target = tensorOf(a.positive, 'positive'); extra.negatives = tensorOf(a.negative, 'negative');
    notes.push('y_pred is the anchors, y_true the positives, negatives the negatives.');
  } else if (id === 'CosineEmbeddingLoss') {
    predArg = 'input1';
    input = tensorOf(a.input1, 'input1'); target = tensorOf(a.input2, 'input2');
    const y = tensorOf(a.target, 'target');
    if (y.data.some((v) => v !== 1)) throw new LossInspectorError(`compare: ${req.loss}: only target 1 (similar pairs) has a port: Keras CosineSimilarity and optax cosine_* have no margin term for target −1.`, { loss: req.loss, argument: 'target', code: 'unsupported', expected: 'every target 1', received: 'a target −1' });
    callArgs = `y_pred, y_true, torch.ones(${y.data.length})`;
    notes.push('y_pred is input1, y_true input2.');
  } else if (id === 'CTCLoss') {
    ({ input, target } = torchCtcSource(req.loss, a, cfg));
    predArg = 'log_probs';
    const [N, T] = input.shape;
    callArgs = `y_pred.transpose(0, 1), y_true, torch.full((${N},), ${T}), (y_true != 0).sum(1)`;
    notes.push('y_pred is log_probs with the batch first (N, T, C) and y_true the targets zero-padded after target_lengths; Keras and optax read log-probabilities as logits (their log-softmax leaves them unchanged).');
  } else {
    if (a.input === undefined || a.target === undefined) throw new LossInspectorError(`compare: ${req.loss}: expected the arguments input and target.`, { loss: req.loss, argument: 'args', code: 'param', expected: 'input and target', received: Object.keys(a).join(', ') });
    input = tensorOf(a.input, 'input'); target = tensorOf(a.target, 'target');
  }
  let fwd = ID, p = input;
  if (id === 'NLLLoss' || (id === 'KLDivLoss' && !cfg.log_target) || (id === 'PoissonNLLLoss' && cfg.log_input !== false)) {
    fwd = EXP; p = mapT(input, Math.exp);
    notes.push(`y_pred in every row is exp(input): the ${id === 'PoissonNLLLoss' ? 'rates behind the log-rates' : 'probabilities behind the log-probabilities'} torch was given.`);
  }
  if (id === 'SoftMarginLoss') { target = mapT(target, (y) => (y + 1) / 2); notes.push('y_true in every row is (target + 1) / 2: SoftMarginLoss\'s ±1 labels as the 0/1 targets of a binary cross-entropy (log(1 + exp(−y·x)) is that loss).'); }
  if (id === 'KLDivLoss' && cfg.log_target) { fwd = EXP; p = mapT(input, Math.exp); target = mapT(target, Math.exp); notes.push('y_pred and y_true in every row are exp(input) and exp(target): the distributions behind the log-probabilities torch was given.'); }
  if (input.shape.length > 2 && (group === 'cce-logits' || group === 'cce-probs')) {
    throw new LossInspectorError(`compare: ${req.loss}: a class axis at dim 1 of a rank-${input.shape.length} input is not ported yet; compare an (N, C) input.`, { loss: req.loss, argument: 'input', code: 'unsupported', expected: 'shape (N, C)', received: shapeStr(input.shape) });
  }
  const delta = id === 'SmoothL1Loss' ? (cfg.beta as number) : (cfg.delta as number) ?? 1;
  const weight = cfg.weight != null ? tensorOf(cfg.weight as Nested, 'weight') : null;
  const posWeight = cfg.pos_weight != null ? tensorOf(cfg.pos_weight as Nested, 'pos_weight') : null;
  const selfWhy = id === 'SmoothL1Loss' && delta !== 1 ? `The source SmoothL1Loss(beta=${f7(delta)}) is Huber(delta=β)/β; this row computes Huber itself (${f7(delta)}× the source in the linear part).`
    : weight && r.reduction === 'mean' ? 'The source weights each sample by weight[target] and divides by Σ weight[target] (torch\'s weighted mean); this row has no class weights (the weighted rows below carry them).'
    : posWeight ? 'The source multiplies the positive term by pos_weight; this row has none (the weighted rows below carry it).'
    : id === 'KLDivLoss' && r.reduction === 'mean' ? `The source's reduction='mean' divides by every element (N·C), not the batch size: this row's KL is ${input.shape[input.shape.length - 1]}× the source.`
    : id === 'MultiMarginLoss' ? `The source sums max(0, margin − x_y + x_j) over every wrong class and divides by C; this row takes the worst wrong class only.`
    : id === 'HingeEmbeddingLoss' ? 'The source is a distance loss (x where y = 1, max(0, margin − x) where y = −1), not max(0, 1 − y·x): another quantity.'
    : id === 'CosineEmbeddingLoss' ? 'The source (target 1) is 1 − cos; this row is −cos: shifted by 1.'
    : id === 'CTCLoss' && r.reduction === 'mean' ? "The source's reduction='mean' divides each sequence's loss by its target length before the batch mean; this row averages the raw per-sequence losses."
    : id === 'CTCLoss' && r.reduction === 'sum' ? "The source sums the per-sequence losses (reduction='sum'); this row averages them."
    : r.reduction === 'sum' ? "The source sums every element (torch 'sum'); this row is reduced another way (Keras: one mean per sample)." : r.reduction === 'none' ? "The source keeps every element (torch 'none')." : undefined;
  const callee = `${r.callee}(${r.mode === 'module' ? cfgText : ''})`;
  const first = fwd === EXP ? 'torch.log(y_pred)' : 'y_pred';
  const args = callArgs.replace(/^y_pred/, first).replace(/y_true/, id === 'KLDivLoss' && cfg.log_target ? 'torch.log(y_true)' : 'y_true');
  return {
    group, framework: 'pytorch', call: `${callee}(${args})`.replace(/^F\.(\w+)\(\)\((.*)\)$/, 'F.$1($2)'),
    out: { value: r.value, grad: r.grads[predArg] ?? { data: new Float64Array(input.data.length), shape: input.shape } },
    p, user: input, fwd, t: target, delta: delta ?? 1, reduction: 'sum_over_batch_size', cfg: { margin: cfg.margin ?? 1, p: cfg.p ?? 2, ignore: cfg.ignore_index ?? null }, extra, notes, selfWhy,
    warnings: r.trace.warnings.map((w) => w.message),
    torchWeights: weight || posWeight ? { weight, posWeight, reduction: r.reduction } : undefined,
    gradLayout: id === 'CTCLoss' ? (g) => swap01(g) : undefined,
    named: { ...(weight ? { weight } : {}), ...(posWeight ? { pos_weight: posWeight } : {}), ...extra },
  };
}

/** (A, B, …) → (B, A, …). */
function swap01(t: Tensor): Tensor {
  const [A, B] = t.shape, inner = t.data.length / (A * B);
  const out = new Float64Array(t.data.length);
  for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) for (let k = 0; k < inner; k++) out[(b * A + a) * inner + k] = t.data[(a * B + b) * inner + k];
  return { data: out, shape: [B, A, ...t.shape.slice(2)] };
}

/** torch CTCLoss arguments as Keras reads CTC: batch-first log-probabilities, labels zero-padded after target_lengths. */
function torchCtcSource(loss: string, a: Record<string, Nested>, cfg: Record<string, ParamValue>): { input: Tensor; target: Tensor } {
  const refuse = (argument: string, expected: string, received: string) => new LossInspectorError(`compare: ${loss}: argument \`${argument}\`: expected ${expected} to port to Keras CTC, received ${received}.`, { loss, argument, code: 'unsupported', expected, received });
  const lp = tensorOf(a.log_probs, 'log_probs');
  if (lp.shape.length !== 3) throw refuse('log_probs', 'batched (T, N, C) log-probabilities', `shape ${shapeStr(lp.shape)}`);
  const [T, N] = lp.shape;
  const tg = tensorOf(a.targets, 'targets');
  if (tg.shape.length !== 2 || tg.shape[0] !== N) throw refuse('targets', `padded (N, S) targets with N = ${N}`, `shape ${shapeStr(tg.shape)}`);
  const il = tensorOf(a.input_lengths, 'input_lengths'), tl = tensorOf(a.target_lengths, 'target_lengths');
  if (il.data.some((v) => v !== T)) throw refuse('input_lengths', `every input length = T = ${T} (Keras uses all frames)`, `[${Array.from(il.data).join(', ')}]`);
  if ((cfg.blank ?? 0) !== 0) throw refuse('blank', 'blank=0 (Keras CTC\'s blank and padding)', String(cfg.blank));
  const S = tg.shape[1];
  const t = new Float64Array(N * S);
  for (let b = 0; b < N; b++) for (let s = 0; s < tl.data[b] && s < S; s++) {
    const v = tg.data[b * S + s];
    if (v === 0) throw refuse('targets', 'no blank (0) inside the first target_lengths targets (Keras reads 0 as padding)', `0 at [${b}, ${s}]`);
    t[b * S + s] = v;
  }
  return { input: swap01(lp), target: { data: t, shape: [N, S] } };
}

function resolveSource(req: CompareRequest): Source {
  const notes: string[] = [];
  const torch = tryResolveLoss(req.loss) ? null : tryResolveTorch(req.loss);
  if (torch) return resolveTorchSource(req, torch);
  const r0 = tryResolveLoss(req.loss);
  if (!r0) throw unsupported(req.loss);
  const spec = r0.spec;
  if (spec.framework === 'optax') {
    const og = OPTAX_GROUPS[spec.id];
    if (!og) throw unsupported(req.loss);
    const user = tensorOf(req.yPred, 'y_pred'), t0 = tensorOf(req.yTrue, 'y_true');
    const r = evaluate({ loss: spec, yTrue: t0, yPred: user, config: req.config });
    const o = optaxMean(spec.id, req.config ?? {}, t0, user);
    if (spec.id !== 'optax.ntxent') notes.push('optax does not reduce: the source row is the call followed by `.mean()`, the batch value the other frameworks return.');
    const fwd = og.fwd ?? ID;
    if (fwd === EXP) notes.push(`y_pred in every row is exp(log_predictions)${og.targets ? ' and y_true exp(log_targets)' : ''}: the distributions behind the logs optax was given.`);
    const extra: Record<string, Tensor> = {};
    if (spec.id === 'optax.triplet_margin_loss') { extra.negatives = tensorOf(r.config.negatives as Nested, 'negatives'); notes.push('y_pred is the anchors, y_true the positives.'); }
    if (spec.id === 'optax.ctc_loss') {
      const [B, T] = user.shape, N = t0.shape[1] ?? 0;
      const pad = (v: ParamValue, rows: number, cols: number): Tensor => (v == null ? { data: new Float64Array(rows * cols), shape: [rows, cols] } : tensorOf(v as Nested, 'paddings'));
      extra.logit_paddings = pad(r.config.logit_paddings, B, T);
      extra.label_paddings = pad(r.config.label_paddings, B, N);
    }
    const kw = Object.entries(req.config ?? {}).filter(([k]) => k !== 'dtype' && k !== 'negatives' && k !== 'label_paddings' && k !== 'logit_paddings').map(([k, v]) => `, ${k}=${pyLit(v)}`).join('');
    const call = spec.id === 'optax.ctc_loss' ? `optax.ctc_loss(y_pred, logit_paddings, y_true, label_paddings${kw}).mean()`
      : spec.id === 'optax.triplet_margin_loss' ? `optax.triplet_margin_loss(y_pred, y_true, negatives${kw}).mean()`
      : spec.id === 'optax.ntxent' ? `optax.ntxent(y_pred, y_true${kw})` : `${spec.id}(y_pred, y_true${kw}).mean()`;
    const c = r.config;
    return {
      group: og.group, framework: 'optax', call, out: spec.id === 'optax.ntxent' ? { value: r.value, grad: r.grad } : o, p: mapT(user, fwd.apply), user, fwd,
      t: og.targets ? og.targets(t0) : t0, delta: (c.delta as number) ?? 1, reduction: 'sum_over_batch_size', notes, warnings: r.trace.warnings.map((w) => w.message),
      cfg: { gamma: c.gamma ?? 2, alpha: c.alpha ?? null, margin: c.margin ?? 1, p: c.norm_degree ?? 2, temperature: c.temperature ?? 0.07 }, extra,
      selfWhy: og.selfWhy,
    };
  }
  const mk = KERAS_GROUPS[spec.id];
  if (!mk || spec.framework !== 'keras') throw unsupported(req.loss);
  const semantics = req.semantics ?? 'keras3';
  const r: EvalResult = evaluate({ loss: spec, mode: 'class', yTrue: req.yTrue as Nested, yPred: req.yPred as Nested, sampleWeight: req.sampleWeight ?? null, config: req.config, semantics });
  const given = Object.fromEntries(Object.entries(req.config ?? {}));
  const c = r.config;
  return {
    group: mk(c), framework: semantics, call: kerasCallText(semantics, spec.id, given, req.sampleWeight != null), out: { value: r.value, grad: r.grad },
    p: tensorOf(req.yPred, 'y_pred'), user: tensorOf(req.yPred, 'y_pred'), fwd: ID, t: tensorOf(req.yTrue, 'y_true'), delta: (c.delta as number) ?? 1,
    reduction: String(c.reduction ?? 'none'), keras: { loss: spec.id, config: given }, notes, warnings: r.trace.warnings.map((w) => w.message),
    cfg: { gamma: c.gamma ?? 2, alpha: c.alpha ?? 0.25, apply_class_balancing: c.apply_class_balancing ?? false, label_smoothing: c.label_smoothing ?? 0, ignore: c.ignore_class ?? null },
    extra: {}, sampleWeight: req.sampleWeight != null ? tensorOf(req.sampleWeight, 'sample_weight') : null,
    selfWhy: req.sampleWeight != null ? 'The source multiplies each sample\'s loss by sample_weight; this row is unweighted (the weighted rows below carry the weights).'
      : typeof c.label_smoothing === 'number' && c.label_smoothing > 0 ? `The source smooths the labels (label_smoothing=${f7(c.label_smoothing)}); this row does not (optax's integer-label cross-entropy has no smoothing at all: smooth one-hot labels with optax.smooth_labels).` : undefined,
  };
}

function unsupported(loss: string): LossInspectorError {
  return new LossInspectorError(`compare: no ports of '${loss}' are known yet. Compare covers cross-entropies (categorical, sparse, binary, binary focal), MSE, MAE, Huber/SmoothL1, LogCosh, Poisson, MAPE, MSLE, KL divergence, cosine similarity, the hinges (binary, squared, categorical), CTC, triplet margin and NT-Xent.`,
    { loss, argument: 'loss', code: 'unsupported', expected: 'a loss with cross-framework ports', received: loss });
}

/** Builds the rows for one source call. Throws LossInspectorError for bad input or a loss without ports. */
export function compareFrameworks(req: CompareRequest): CompareResult {
  const src = resolveSource(req);
  const c = src.p.shape[src.p.shape.length - 1] ?? 1;
  const classGroup = src.group.startsWith('cce') || src.group === 'categorical-hinge' || src.group === 'squared-hinge';
  let idx: Tensor | null = null, dist: Tensor | null = null;
  if (classGroup) {
    if (src.t.shape.length === src.p.shape.length) { dist = src.t; idx = oneHotIndices(src.t); }
    else { idx = src.t; dist = oneHot(src.t, c); }
  }
  const idxGiven = classGroup && src.t.shape.length < src.p.shape.length;
  const data: Data = { p: src.p, t: classGroup ? (dist ?? src.t) : src.t, idx, dist, delta: src.delta, reduction: src.reduction, idxGiven, cfg: src.cfg, extra: src.extra };
  const gradToSource = (g: Tensor | null, pre: Transform): Tensor | null => {
    if (!g) return null;
    const out = new Float64Array(g.data.length);
    for (let i = 0; i < out.length; i++) out[i] = src.fwd.vjp(src.gradLayout ? 0 : src.user.data[i], pre.vjp(src.p.data[i], g.data[i]));
    const t = { data: out, shape: g.shape.slice() };
    return src.gradLayout ? src.gradLayout(t) : t;
  };
  const rows: CompareRow[] = [{
    framework: src.framework, call: src.call, value: nested(src.out.value), grad: src.out.grad ? nested(src.out.grad) : null, same_as_source: true, why: '', role: 'source',
  }];
  // Keras 3 and tf.keras 2: a second row where they differ.
  if (src.keras) keras2Row(req, src, rows);
  const ignoring = ignorePorts(src.group, data);
  // with targets ignored, the group's plain ports would read the ignored label as a class: only the ignoring ports run
  const ports = ignoring.length ? ignoring : [...smoothingPorts(src.group, data), ...PORTS[src.group](data)];
  if (!src.keras && !ignoring.length) {
    const k = kerasFaithful(src.group, data);
    if (k) {
      ports.unshift({
        framework: 'keras3', role: 'faithful', call: k.call,
        run: (dd, pIn) => kerasOut(k.loss, k.config, k.labels === 'idx' ? dd.idx! : k.labels === 'dist' ? dd.dist! : dd.t, pIn),
        why: () => SAME_FORMULA,
      });
    } else src.notes.push(src.group === 'triplet' ? 'Keras has no loss on given triplets (tfa\'s TripletSemiHardLoss/TripletHardLoss mine them from labels): no Keras row.' : 'Keras has no NT-Xent loss; the tfa row below is the nearest, another quantity.');
  }
  if (src.group === 'ntxent') src.notes.push('torch.nn has no NT-Xent loss (pytorch-metric-learning\'s NTXentLoss is the reference optax cites): no PyTorch row.');
  const seen = new Set(rows.map((r) => r.call));
  const push = (port: Port, out: Out, pre: Transform, weighted = false) => {
    const same = sameValue(out.value, src.out.value);
    // a faithful row of the unweighted quantity differs for the reason the source departs from it (selfWhy)
    const why = same ? '' : port.role === 'faithful' && src.selfWhy && !weighted ? src.selfWhy : port.why(data, out, src.out);
    rows.push({ framework: port.framework, call: port.call, value: nested(out.value), grad: (() => { const g = gradToSource(out.grad, pre); return g ? nested(g) : null; })(), same_as_source: same, role: port.role, why });
    if (port.note && !src.notes.includes(port.note)) src.notes.push(port.note);
  };
  for (const port of ports) {
    if (seen.has(port.call) || (src.framework === 'optax' && port.call.startsWith(src.call.replace(/\.mean\(\)$/, '')) && port.call.endsWith('.mean()'))) continue;
    seen.add(port.call);
    const pre = port.pre ?? ID;
    try {
      push(port, port.run(data, mapT(data.p, pre.apply)), pre);
    } catch (e) {
      if (!(e instanceof LossInspectorError)) throw e;
      rows.push({ framework: port.framework, call: port.call, value: null, grad: null, same_as_source: false, role: port.role, why: `It raises: ${e.message}`, error: e.message });
    }
  }
  // weighted sources: the rows that carry the weights (Keras sample_weight ↔ torch/optax by hand; torch weight=/pos_weight ↔ Keras sample_weight)
  const wctx: WeightContext = { data, src: { out: src.out, group: src.group, sampleWeight: src.sampleWeight ?? null, torchWeights: src.torchWeights, reduction: src.reduction, framework: src.framework }, notes: src.notes };
  for (const { port, pre } of [...weightedRows(wctx), ...classWeightRows(wctx)]) {
    if (seen.has(port.call)) continue;
    seen.add(port.call);
    try { push(port, port.run(data, mapT(data.p, pre.apply)), pre, true); } catch (e) {
      if (!(e instanceof LossInspectorError)) throw e;
      rows.push({ framework: port.framework, call: port.call, value: null, grad: null, same_as_source: false, role: port.role, why: `It raises: ${e.message}`, error: e.message });
    }
  }
  if (!torchHas('BCELoss') && src.group.startsWith('bce')) src.notes.push('torch BCELoss/BCEWithLogitsLoss rows appear once the torch core has them.');
  const named: Record<string, Nested> = {};
  for (const [k, v] of Object.entries({ ...(src.sampleWeight ? { sample_weight: src.sampleWeight } : {}), ...src.extra, ...(src.named ?? {}) })) named[k] = nested(v);
  return { rows, notes: src.notes, arrays: { y_true: nested(data.t), y_pred: nested(data.p), ...named }, warnings: src.warnings };
}

const KERAS2_WHY: Record<string, string> = {
  BinaryCrossentropy: 'tf.keras 2 (TF ≤ 2.15) computes −t·log(p + ε) − (1 − t)·log(1 − p + ε) (ε = 1e-7 inside the logs) where Keras 3 only clips p.',
};

/** The other Keras version's row, when its number differs, with the why of the difference (the loss's numerics or the weights). */
function keras2Row(req: CompareRequest, src: Source, rows: CompareRow[]): void {
  const k = src.keras!;
  const other = src.framework === 'keras2' ? 'keras3' : 'keras2';
  try {
    const t = tensorOf(req.yTrue, 'y_true');
    const plain = kerasOut(k.loss, k.config, t, src.p, other);
    const weighted = req.sampleWeight != null;
    const o = weighted ? kerasOut(k.loss, k.config, t, src.p, other, tensorOf(req.sampleWeight!, 'sample_weight')) : plain;
    if (sameValue(o.value, src.out.value) && o.value.data.every((v, i) => v === src.out.value.data[i])) return;
    // which part differs: the loss's own numerics (unweighted values differ) or only the weighting
    const own = kerasOut(k.loss, k.config, t, src.p, src.framework as 'keras3' | 'keras2');
    const numericsDiffer = !plain.value.data.every((v, i) => v === own.value.data[i]);
    const why = numericsDiffer
      ? KERAS2_WHY[k.loss] ?? 'tf.keras 2 (TF ≤ 2.15) computes this loss in another order of float32 operations (the formula is the same).'
      : `tf.keras 2 (TF ≤ 2.15) matches a rank-1 sample_weight to the samples (it expands it to (N, 1)); Keras 3 broadcasts it against the last axis of the per-sample losses${weighted ? ` (shape ${shapeStr(evaluate({ loss: k.loss, config: k.config, yTrue: t, yPred: src.p, sampleWeight: req.sampleWeight! }).perSample.shape)})` : ''}.`;
    rows.push({ framework: other, call: kerasCallText(other, k.loss, k.config, weighted), value: nested(o.value), grad: o.grad ? nested(o.grad) : null, same_as_source: sameValue(o.value, src.out.value), role: 'faithful', why });
  } catch (e) {
    if (!(e instanceof LossInspectorError)) throw e; // the other Keras version refuses this call: no row
  }
}

/** The quantities compare has ports for. */
export const COMPARE_GROUPS = Object.keys(PORTS) as Group[];
