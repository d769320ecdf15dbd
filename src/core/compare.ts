/**
 * Compare: one loss call (Keras, torch or optax) on the user's arrays, next to the ports of it in the other
 * frameworks — the faithful port that computes the same quantity and the ports people actually write that give
 * another number — each evaluated by that framework's own core (value and gradient on the same numbers), with the
 * call as the framework writes it and, where it differs from the source, one sentence why. Rows are built from the
 * specs through the port table below; a port whose spec is not registered (yet) is left out, never guessed.
 */
import { evaluate, type EvalResult } from './evaluate';
import { LossInspectorError } from './errors';
import { fromNested, toNested, shapeStr, type Nested, type Tensor } from './tensor';
import type { ParamValue } from './spec';
import { tryResolveLoss } from './registry';
import { evaluateTorch, tryResolveTorch, type TorchDtype, type TorchResult } from './torch';

export type CompareFramework = 'keras3' | 'keras2' | 'pytorch' | 'optax';

export interface CompareRow {
  framework: CompareFramework;
  /** The call as the framework writes it; `y_true`/`y_pred` are the arrays of the comparison in that framework. */
  call: string;
  /** What the call returns (a number, or nested lists for an unreduced result); null when the call raises. */
  value: Nested | null;
  /** d(value)/d(y_pred) (of its sum when unreduced), shaped like the source's y_pred; null when not computed. */
  grad: Nested | null;
  same_as_source: boolean;
  /** Empty when the number is the source's; else one sentence why it differs. */
  why: string;
  /** source: the call compared; faithful: a port meant to compute the same quantity; common: a port people write. */
  role: 'source' | 'faithful' | 'common';
  /** The framework's error message when the call raises. */
  error?: string;
}

export interface CompareResult {
  rows: CompareRow[];
  /** Conversions the rows assume (`y_pred = exp(input)`, labels as indices, …) and why some frameworks have no row. */
  notes: string[];
  /** The arrays every row's `y_true`/`y_pred` refer to. */
  arrays: { y_true: Nested; y_pred: Nested };
  /** The source call's warnings, the conventions checked on these numbers included (each ends with its fix). */
  warnings: string[];
}

export interface CompareRequest {
  /** Any spelling of a Keras, tfa, optax or torch loss ('CategoricalCrossentropy', 'optax.l2_loss', 'nn.CrossEntropyLoss'). */
  loss: string;
  config?: Record<string, ParamValue>;
  /** Keras/optax: y_true (targets/labels) and y_pred (predictions/logits). torch: target and input. */
  yTrue: Nested | Tensor;
  yPred: Nested | Tensor;
  sampleWeight?: Nested | null;
  /** The source's Keras version (default keras3). */
  semantics?: 'keras3' | 'keras2';
  /** torch dtypes of input/target when the numbers alone would infer another (JSON loses 1.0 vs 1). */
  dtypes?: Record<string, TorchDtype>;
}

/** What the rows of one quantity share: predictions as probabilities/logits/values, targets as given or as indices. */
type Group = 'cce-probs' | 'cce-logits' | 'bce-probs' | 'bce-logits' | 'mse' | 'mae' | 'huber' | 'logcosh' | 'kld' | 'cosine' | 'hinge';

/** The data every port reads: predictions (the group's kind), targets, class indices when the targets are one-hot. */
interface Data {
  p: Tensor;
  t: Tensor;
  /** Class indices of one-hot targets (or the given indices), or null when the targets are soft. */
  idx: Tensor | null;
  /** One-hot / probability targets (from indices when those were given). */
  dist: Tensor | null;
  delta: number;
  /** The source's Keras reduction ('sum_over_batch_size' | 'sum' | 'none' ...). */
  reduction: string;
  /** The source gave class indices (SCCE, torch CE/NLL with indices): y_true in the calls is the labels. */
  idxGiven: boolean;
}

/** y_true as class indices in a framework's call (`y_true` when indices were given, else an argmax of the one-hot rows). */
function tIdx(d: Data, fw: 'torch' | 'jax'): string {
  return d.idxGiven ? 'y_true' : fw === 'torch' ? 'y_true.argmax(1)' : 'y_true.argmax(-1)';
}
/** y_true as one-hot rows in a framework's call. */
function tDist(d: Data, fw: 'torch' | 'jax' | 'keras'): string {
  if (!d.idxGiven) return 'y_true';
  const c = d.p.shape[d.p.shape.length - 1];
  return fw === 'torch' ? `F.one_hot(y_true, ${c}).float()` : fw === 'jax' ? `jax.nn.one_hot(y_true, ${c})` : `keras.ops.one_hot(y_true, ${c})`;
}

/** A computed value and gradient w.r.t. the port's own prediction argument. */
interface Out { value: Tensor; grad: Tensor }

/** A transform of the predictions before a port's call, with its vector-Jacobian product. */
interface Transform { apply(x: number): number; vjp(x: number, g: number): number }
const ID: Transform = { apply: (x) => x, vjp: (_x, g) => g };
const LOG: Transform = { apply: Math.log, vjp: (x, g) => g / x };
const EXP: Transform = { apply: Math.exp, vjp: (x, g) => g * Math.exp(x) };
const LOGIT: Transform = { apply: (x) => Math.log(x) - Math.log1p(-x), vjp: (x, g) => g / (x * (1 - x)) };
const SIGMOID: Transform = { apply: (x) => 1 / (1 + Math.exp(-x)), vjp: (x, g) => { const s = 1 / (1 + Math.exp(-x)); return g * s * (1 - s); } };

function mapT(t: Tensor, f: (x: number) => number): Tensor {
  return { data: t.data.map(f), shape: t.shape.slice() };
}

interface Port {
  framework: CompareFramework;
  role: 'faithful' | 'common';
  call: string;
  /** The prediction transform from the group's data to this call's input (default identity). */
  pre?: Transform;
  run(d: Data, pIn: Tensor): Out;
  /** One sentence why this port can give another number (used only when it does). */
  why(d: Data, out: Out, src: Out): string;
}

// ---- evaluation helpers: every number comes from a framework core ----

function kerasOut(loss: string, config: Record<string, ParamValue>, t: Tensor, p: Tensor, semantics: 'keras3' | 'keras2' = 'keras3'): Out {
  const r = evaluate({ loss, config, yTrue: t, yPred: p, semantics });
  return { value: r.value, grad: r.grad };
}

/** An optax call followed by `.mean()`: the mean of the per-example values, its gradient divided by their count. */
function optaxMean(loss: string, config: Record<string, ParamValue>, t: Tensor, p: Tensor): Out {
  const r = evaluate({ loss, config, yTrue: t, yPred: p });
  const n = r.value.data.length;
  let s = 0;
  for (const v of r.value.data) s += v;
  return { value: { data: Float64Array.of(Math.fround(s / n)), shape: [] }, grad: mapT(r.grad, (g) => g / n) };
}

function torchOut(loss: string, config: Record<string, ParamValue>, args: Record<string, Tensor>, dtypes: Record<string, TorchDtype>, gradArg = 'input'): Out {
  const targs = Object.fromEntries(Object.entries(args).map(([k, t]) => [k, { data: t.data, shape: t.shape, dtype: dtypes[k] ?? 'float32' }]));
  const r = evaluateTorch({ loss, config, args: targs, dtypes });
  const g = r.grads[gradArg];
  return { value: r.value, grad: g ?? { data: new Float64Array(args[gradArg].data.length), shape: args[gradArg].shape } };
}

const torchHas = (name: string) => tryResolveTorch(name) !== null;

function scalarOf(o: Out): number {
  return o.value.data.length === 1 ? o.value.data[0] : NaN;
}

function gradNorm(o: Out): number {
  let s = 0;
  for (const g of o.grad.data) s += g * g;
  return Math.sqrt(s);
}

/** The why of a faithful port whose number still differs: the formula is the same, an element's edge case is not. */
const SAME_FORMULA = 'The same formula; the numbers part where one framework clips, clamps or saturates an element and the other does not.';

/** A Python float literal: 2 → 2.0. */
const pyFloat = (x: number) => (Number.isInteger(x) ? `${x}.0` : f7(x));
const f7 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(7)).toString() : String(x));

// ---- the port table ----

const C = (d: Data) => d.p.shape[d.p.shape.length - 1] ?? 1;

/** Ports of the elementwise regression losses, reduction-aware (Keras reduces per sample, torch per element). */
function regressionPorts(torchName: string, torchCfg: (d: Data) => Record<string, ParamValue>, optaxName: string | null, optaxCfg: (d: Data) => Record<string, ParamValue>, cfgText: (d: Data) => string): (d: Data) => Port[] {
  return (d) => {
    const ports: Port[] = [];
    const args = (dd: Data, pIn: Tensor) => ({ input: pIn, target: dd.t });
    const dt = { input: 'float32' as TorchDtype, target: 'float32' as TorchDtype };
    const cText = cfgText(d);
    if (torchHas(torchName)) {
      if (d.reduction === 'sum') {
        ports.push({
          framework: 'pytorch', role: 'faithful', call: `nn.${torchName}(${cText}reduction='sum')(y_pred, y_true) / ${C(d)}`,
          run: (dd, pIn) => { const o = torchOut(torchName, { ...torchCfg(dd), reduction: 'sum' }, args(dd, pIn), dt); return { value: mapT(o.value, (v) => Math.fround(v / C(dd))), grad: mapT(o.grad, (g) => g / C(dd)) }; },
          why: () => SAME_FORMULA,
        });
        ports.push({
          framework: 'pytorch', role: 'common', call: `nn.${torchName}(${cText}reduction='sum')(y_pred, y_true)`,
          run: (dd, pIn) => torchOut(torchName, { ...torchCfg(dd), reduction: 'sum' }, args(dd, pIn), dt),
          why: (dd) => `torch sums every element; Keras's 'sum' adds one mean per sample (over the last axis), so torch's sum is ${C(dd)}× larger.`,
        });
      } else if (d.reduction === 'none') {
        ports.push({
          framework: 'pytorch', role: 'faithful', call: `nn.${torchName}(${cText}reduction='none')(y_pred, y_true).mean(-1)`,
          run: (dd, pIn) => {
            const o = torchOut(torchName, { ...torchCfg(dd), reduction: 'none' }, args(dd, pIn), dt);
            const c = C(dd), rows = o.value.data.length / c;
            const v = new Float64Array(rows);
            for (let r = 0; r < rows; r++) { let s = 0; for (let j = 0; j < c; j++) s += o.value.data[r * c + j]; v[r] = Math.fround(s / c); }
            const g = torchOut(torchName, { ...torchCfg(dd), reduction: 'none' }, args(dd, pIn), dt).grad;
            return { value: { data: v, shape: o.value.shape.slice(0, -1) }, grad: mapT(g, (x) => x / c) };
          },
          why: () => SAME_FORMULA,
        });
        ports.push({
          framework: 'pytorch', role: 'common', call: `nn.${torchName}(${cText}reduction='none')(y_pred, y_true)`,
          run: (dd, pIn) => torchOut(torchName, { ...torchCfg(dd), reduction: 'none' }, args(dd, pIn), dt),
          why: (dd) => `torch's 'none' keeps every element (shape ${shapeStr(dd.p.shape)}); Keras's keeps one mean per sample (the last axis averaged).`,
        });
      } else {
        ports.push({
          framework: 'pytorch', role: 'faithful', call: `nn.${torchName}(${cText.replace(/, $/, '')})(y_pred, y_true)`,
          run: (dd, pIn) => torchOut(torchName, torchCfg(dd), args(dd, pIn), dt),
          why: () => SAME_FORMULA,
        });
      }
    }
    if (optaxName && d.reduction !== 'sum' && d.reduction !== 'none') {
      ports.push({
        framework: 'optax', role: 'faithful', call: `${optaxName}(y_pred, y_true${Object.entries(optaxCfg(d)).filter(([k, v]) => !(k === 'delta' && v === 1)).map(([k, v]) => `, ${k}=${typeof v === 'number' ? pyFloat(v) : pyLit(v)}`).join('')}).mean()`,
        run: (dd, pIn) => optaxMean(optaxName, optaxCfg(dd), dd.t, pIn),
        why: () => SAME_FORMULA,
      });
    }
    return ports;
  };
}

/** The not-reducing optax row (CROSS_FRAMEWORK.md #15): the per-example vector of the faithful optax call. */
function perExampleOptax(loss: string, cfg: Record<string, ParamValue>, call: string, pre: Transform = ID, labels: 'dist' | 'idx' | 't' = 't'): Port {
  return {
    framework: 'optax', role: 'common', call, pre,
    run: (d, pIn) => { const r = evaluate({ loss, config: cfg, yTrue: labels === 'dist' ? d.dist! : labels === 'idx' ? d.idx! : d.t, yPred: pIn }); return { value: r.value, grad: r.grad }; },
    why: () => 'optax does not reduce: one value per example; `.mean()` gives the batch value.',
  };
}

const PORTS: Record<Group, (d: Data) => Port[]> = {
  'cce-probs': (d) => {
    const ports: Port[] = [{
      framework: 'keras3', role: 'common', call: d.idxGiven ? 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, y_pred)' : 'keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, y_pred)',
      run: (dd, pIn) => kerasOut('CategoricalCrossentropy', { from_logits: true }, dd.dist!, pIn),
      why: (_dd, o, s) => `from_logits=True on probabilities applies a second softmax: the loss moves toward log C and the gradient shrinks to ${f7(gradNorm(o) / gradNorm(s))}× the source's.`,
    }];
    if (d.idx && torchHas('NLLLoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: `nn.NLLLoss()(torch.log(y_pred), ${tIdx(d, 'torch')})`, pre: LOG,
        run: (dd, pIn) => torchOut('NLLLoss', {}, { input: pIn, target: dd.idx! }, { input: 'float32', target: 'int64' }),
        why: () => 'Keras clips p to [1e-7, 1 − 1e-7] and renormalises each row to sum 1; torch.log takes the probabilities as they are.',
      });
    }
    if (torchHas('CrossEntropyLoss')) {
      if (!d.idx) {
        ports.push({
          framework: 'pytorch', role: 'faithful', call: 'nn.CrossEntropyLoss()(torch.log(y_pred), y_true)', pre: LOG,
          run: (dd, pIn) => torchOut('CrossEntropyLoss', {}, { input: pIn, target: dd.dist! }, { input: 'float32', target: 'float32' }),
          why: () => 'Keras clips p to [1e-7, 1 − 1e-7] and renormalises each row; log_softmax(log p) equals log p only for rows summing to 1.',
        });
      }
      ports.push({
        framework: 'pytorch', role: 'common', call: d.idx ? `nn.CrossEntropyLoss()(y_pred, ${tIdx(d, 'torch')})` : 'nn.CrossEntropyLoss()(y_pred, y_true)',
        run: (dd, pIn) => torchOut('CrossEntropyLoss', {}, { input: pIn, target: dd.idx ?? dd.dist! }, { input: 'float32', target: dd.idx ? 'int64' : 'float32' }),
        why: (_dd, o, s) => `CrossEntropyLoss applies log_softmax to its input, so probabilities are softmaxed twice: the gradient shrinks to ${f7(gradNorm(o) / gradNorm(s))}× the source's.`,
      });
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: `optax.softmax_cross_entropy(jnp.log(y_pred), ${tDist(d, 'jax')}).mean()`, pre: LOG,
      run: (dd, pIn) => optaxMean('optax.softmax_cross_entropy', {}, dd.dist!, pIn),
      why: () => 'Keras clips p to [1e-7, 1 − 1e-7] and renormalises each row; optax takes log-probabilities as logits unchanged.',
    });
    ports.push({
      framework: 'optax', role: 'common', call: `optax.softmax_cross_entropy(y_pred, ${tDist(d, 'jax')}).mean()`,
      run: (dd, pIn) => optaxMean('optax.softmax_cross_entropy', {}, dd.dist!, pIn),
      why: () => 'optax.softmax_cross_entropy takes logits: probabilities are softmaxed a second time.',
    });
    ports.push(perExampleOptax('optax.softmax_cross_entropy', {}, `optax.softmax_cross_entropy(jnp.log(y_pred), ${tDist(d, 'jax')})`, LOG, 'dist'));
    return ports;
  },
  'cce-logits': (d) => {
    const ports: Port[] = [{
      framework: 'keras3', role: 'common', call: d.idxGiven ? 'keras.losses.SparseCategoricalCrossentropy()(y_true, y_pred)' : 'keras.losses.CategoricalCrossentropy()(y_true, y_pred)',
      run: (dd, pIn) => kerasOut('CategoricalCrossentropy', {}, dd.dist!, pIn),
      why: () => 'Without from_logits=True Keras reads the logits as probabilities: clipped to [1e-7, 1 − 1e-7] and renormalised by their row sum.',
    }];
    if (torchHas('CrossEntropyLoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: d.idx ? `nn.CrossEntropyLoss()(y_pred, ${tIdx(d, 'torch')})` : 'nn.CrossEntropyLoss()(y_pred, y_true)',
        run: (dd, pIn) => torchOut('CrossEntropyLoss', {}, { input: pIn, target: dd.idx ?? dd.dist! }, { input: 'float32', target: dd.idx ? 'int64' : 'float32' }),
        why: () => SAME_FORMULA,
      });
      if (d.idx) {
        ports.push({
          framework: 'pytorch', role: 'common', call: `nn.CrossEntropyLoss()(y_pred, ${d.idxGiven ? tDist(d, 'torch') : 'y_true.float()'})`,
          run: (dd, pIn) => torchOut('CrossEntropyLoss', {}, { input: pIn, target: dd.dist! }, { input: 'float32', target: 'float32' }),
          why: () => 'One-hot floats are read as class probabilities (torch ≥ 1.10): the same number for exact one-hot rows, but label_smoothing and ignore_index then act differently.',
        });
      }
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: d.idx ? `optax.softmax_cross_entropy_with_integer_labels(y_pred, ${tIdx(d, 'jax')}).mean()` : 'optax.softmax_cross_entropy(y_pred, y_true).mean()',
      run: (dd, pIn) => (dd.idx ? optaxMean('optax.softmax_cross_entropy_with_integer_labels', {}, dd.idx, pIn) : optaxMean('optax.softmax_cross_entropy', {}, dd.dist!, pIn)),
      why: () => SAME_FORMULA,
    });
    ports.push(d.idx ? perExampleOptax('optax.softmax_cross_entropy_with_integer_labels', {}, `optax.softmax_cross_entropy_with_integer_labels(y_pred, ${tIdx(d, 'jax')})`, ID, 'idx')
      : perExampleOptax('optax.softmax_cross_entropy', {}, 'optax.softmax_cross_entropy(y_pred, y_true)', ID, 'dist'));
    return ports;
  },
  'bce-probs': () => {
    const ports: Port[] = [{
      framework: 'keras3', role: 'common', call: 'keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred)',
      run: (dd, pIn) => kerasOut('BinaryCrossentropy', { from_logits: true }, dd.t, pIn),
      why: () => 'from_logits=True on probabilities applies a second sigmoid: every probability becomes a logit near 0.5–0.73.',
    }];
    if (torchHas('BCELoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: 'nn.BCELoss()(y_pred, y_true)',
        run: (dd, pIn) => torchOut('BCELoss', {}, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
        why: () => 'Keras clips p to [1e-7, 1 − 1e-7] (a wrong 0/1 costs 15.94); torch clamps each log at −100 (it costs 100).',
      });
    }
    if (torchHas('BCEWithLogitsLoss')) {
      ports.push({
        framework: 'pytorch', role: 'common', call: 'nn.BCEWithLogitsLoss()(y_pred, y_true)',
        run: (dd, pIn) => torchOut('BCEWithLogitsLoss', {}, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
        why: () => 'BCEWithLogitsLoss takes logits: the probabilities go through a second sigmoid.',
      });
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: 'optax.sigmoid_binary_cross_entropy(jnp.log(y_pred) - jnp.log1p(-y_pred), y_true).mean()', pre: LOGIT,
      run: (dd, pIn) => optaxMean('optax.sigmoid_binary_cross_entropy', {}, dd.t, pIn),
      why: () => 'Keras clips p to [1e-7, 1 − 1e-7]; the logit of a saturated probability is ±inf for optax.',
    });
    ports.push({
      framework: 'optax', role: 'common', call: 'optax.sigmoid_binary_cross_entropy(y_pred, y_true).mean()',
      run: (dd, pIn) => optaxMean('optax.sigmoid_binary_cross_entropy', {}, dd.t, pIn),
      why: () => 'optax.sigmoid_binary_cross_entropy takes logits: the probabilities go through a second sigmoid.',
    });
    return ports;
  },
  'bce-logits': () => {
    const ports: Port[] = [{
      framework: 'keras3', role: 'common', call: 'keras.losses.BinaryCrossentropy()(y_true, y_pred)',
      run: (dd, pIn) => kerasOut('BinaryCrossentropy', {}, dd.t, pIn),
      why: () => 'Without from_logits=True Keras reads the logits as probabilities, clipped to [1e-7, 1 − 1e-7]: negative logits cost 16.1, large ones 0.',
    }];
    if (torchHas('BCEWithLogitsLoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: 'nn.BCEWithLogitsLoss()(y_pred, y_true)',
        run: (dd, pIn) => torchOut('BCEWithLogitsLoss', {}, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
        why: () => SAME_FORMULA,
      });
    }
    if (torchHas('BCELoss')) {
      ports.push({
        framework: 'pytorch', role: 'common', call: 'nn.BCELoss()(torch.sigmoid(y_pred), y_true)', pre: SIGMOID,
        run: (dd, pIn) => torchOut('BCELoss', {}, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
        why: () => 'sigmoid then BCELoss saturates in float32 (σ(x) rounds to 1 above x ≈ 17, and the log clamps at −100) where the logits path stays exact.',
      });
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: 'optax.sigmoid_binary_cross_entropy(y_pred, y_true).mean()',
      run: (dd, pIn) => optaxMean('optax.sigmoid_binary_cross_entropy', {}, dd.t, pIn),
      why: () => SAME_FORMULA,
    });
    ports.push(perExampleOptax('optax.sigmoid_binary_cross_entropy', {}, 'optax.sigmoid_binary_cross_entropy(y_pred, y_true)'));
    return ports;
  },
  mse: (d) => [
    ...regressionPorts('MSELoss', () => ({}), 'optax.squared_error', () => ({}), () => '')(d),
    ...(d.reduction === 'sum' || d.reduction === 'none' ? [] : [{
      framework: 'optax' as const, role: 'common' as const, call: 'optax.l2_loss(y_pred, y_true).mean()',
      run: (dd: Data, pIn: Tensor) => optaxMean('optax.l2_loss', {}, dd.t, pIn),
      why: () => 'optax.l2_loss is 0.5·(p − t)²: half the mean squared error.',
    }]),
  ],
  mae: regressionPorts('L1Loss', () => ({}), null, () => ({}), () => ''),
  huber: (d) => [
    ...regressionPorts('HuberLoss', (dd) => ({ delta: dd.delta }), 'optax.huber_loss', (dd) => ({ delta: dd.delta }), (dd) => (dd.delta === 1 ? '' : `delta=${pyFloat(dd.delta)}, `))(d),
    ...(torchHas('SmoothL1Loss') && d.reduction !== 'sum' && d.reduction !== 'none' ? [{
      framework: 'pytorch' as const, role: 'common' as const, call: `nn.SmoothL1Loss(${d.delta === 1 ? '' : `beta=${pyFloat(d.delta)}`})(y_pred, y_true)`,
      run: (dd: Data, pIn: Tensor) => torchOut('SmoothL1Loss', { beta: dd.delta }, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
      why: (dd: Data) => `SmoothL1Loss(beta) = Huber(delta=beta)/beta: 0.5·e²/β inside and |e| − β/2 outside (slope 1, not δ), a factor ${f7(dd.delta)} apart.`,
    }] : []),
  ],
  logcosh: regressionPorts('__none__', () => ({}), 'optax.log_cosh', () => ({}), () => ''),
  kld: () => {
    const ports: Port[] = [];
    if (torchHas('KLDivLoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: "nn.KLDivLoss(reduction='batchmean')(torch.log(y_pred), y_true)", pre: LOG,
        run: (dd, pIn) => torchOut('KLDivLoss', { reduction: 'batchmean' }, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
        why: () => 'Keras clips both distributions to [1e-7, 1]; torch takes the log-probabilities as given.',
      });
      ports.push({
        framework: 'pytorch', role: 'common', call: 'nn.KLDivLoss()(torch.log(y_pred), y_true)', pre: LOG,
        run: (dd, pIn) => torchOut('KLDivLoss', {}, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
        why: (dd) => `reduction='mean' divides by every element (N·C), not the batch size: ${C(dd)}× below the KL.`,
      });
      ports.push({
        framework: 'pytorch', role: 'common', call: 'nn.KLDivLoss()(y_pred, y_true)',
        run: (dd, pIn) => torchOut('KLDivLoss', {}, { input: pIn, target: dd.t }, { input: 'float32', target: 'float32' }),
        why: () => 'KLDivLoss wants log-probabilities as input: probabilities passed as they are are read as logs (and the mean divides by N·C).',
      });
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: 'optax.kl_divergence(jnp.log(y_pred), y_true).mean()', pre: LOG,
      run: (dd, pIn) => optaxMean('optax.kl_divergence', {}, dd.t, pIn),
      why: () => 'Keras clips both distributions to [1e-7, 1]; optax takes the log-probabilities as given.',
    });
    return ports;
  },
  cosine: () => [
    {
      framework: 'optax', role: 'faithful', call: '-optax.cosine_similarity(y_pred, y_true).mean()',
      run: (dd, pIn) => { const o = optaxMean('optax.cosine_similarity', {}, dd.t, pIn); return { value: mapT(o.value, (v) => -v), grad: mapT(o.grad, (g) => -g) }; },
      why: () => 'Keras l2-normalises with ε = 1e-12 inside; optax clips the squared norms at epsilon (0 by default).',
    },
    {
      framework: 'optax', role: 'common', call: 'optax.cosine_distance(y_pred, y_true).mean()',
      run: (dd, pIn) => optaxMean('optax.cosine_distance', {}, dd.t, pIn),
      why: () => 'cosine_distance is 1 − cos, in [0, 2]; Keras CosineSimilarity is −cos, in [−1, 1]: the same gradient, shifted by 1.',
    },
  ],
  hinge: () => [
    {
      framework: 'optax', role: 'faithful', call: 'optax.hinge_loss(y_pred, 2 * y_true - 1).mean()',
      run: (dd, pIn) => optaxMean('optax.hinge_loss', {}, mapT(dd.t, (v) => (v === 0 || v === 1 ? 2 * v - 1 : v)), pIn),
      why: () => 'Keras converts 0/1 labels to ±1 only when every label is 0 or 1.',
    },
    {
      framework: 'optax', role: 'common', call: 'optax.hinge_loss(y_pred, y_true).mean()',
      run: (dd, pIn) => optaxMean('optax.hinge_loss', {}, dd.t, pIn),
      why: () => 'optax.hinge_loss takes ±1 labels as they are: a 0 label makes the loss max(0, 1) = 1 whatever the score.',
    },
  ],
};

/** The Keras 3 call computing each group's quantity: the first row after a torch or optax source. */
function kerasFaithful(g: Group, d: Data): { loss: string; config: Record<string, ParamValue>; call: string; labels: 'idx' | 'dist' | 't' } {
  const sparse = d.idxGiven;
  const cls = (logits: boolean) => ({ loss: sparse ? 'SparseCategoricalCrossentropy' : 'CategoricalCrossentropy', config: (logits ? { from_logits: true } : {}) as Record<string, ParamValue>, labels: sparse ? 'idx' as const : 'dist' as const,
    call: `keras.losses.${sparse ? 'SparseCategoricalCrossentropy' : 'CategoricalCrossentropy'}(${logits ? 'from_logits=True' : ''})(y_true, y_pred)` });
  const plain = (loss: string, config: Record<string, ParamValue> = {}, kw = '') => ({ loss, config, labels: 't' as const, call: `keras.losses.${loss}(${kw})(y_true, y_pred)` });
  switch (g) {
    case 'cce-probs': return cls(false);
    case 'cce-logits': return cls(true);
    case 'bce-probs': return plain('BinaryCrossentropy');
    case 'bce-logits': return plain('BinaryCrossentropy', { from_logits: true }, 'from_logits=True');
    case 'mse': return plain('MeanSquaredError');
    case 'mae': return plain('MeanAbsoluteError');
    case 'huber': return plain('Huber', { delta: d.delta }, d.delta === 1 ? '' : `delta=${pyFloat(d.delta)}`);
    case 'logcosh': return plain('LogCosh');
    case 'kld': return plain('KLDivergence');
    case 'cosine': return plain('CosineSimilarity');
    case 'hinge': return plain('Hinge');
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
  keras?: { loss: string; config: Record<string, ParamValue> };
  notes: string[];
  warnings: string[];
  /** How the source itself departs from the group's quantity (optax.l2_loss's 0.5, SmoothL1's 1/β): the why of the rows that compute the quantity. */
  selfWhy?: string;
}

const KERAS_GROUPS: Record<string, (cfg: Record<string, ParamValue>) => Group> = {
  CategoricalCrossentropy: (c) => (c.from_logits ? 'cce-logits' : 'cce-probs'),
  SparseCategoricalCrossentropy: (c) => (c.from_logits ? 'cce-logits' : 'cce-probs'),
  BinaryCrossentropy: (c) => (c.from_logits ? 'bce-logits' : 'bce-probs'),
  MeanSquaredError: () => 'mse', MeanAbsoluteError: () => 'mae', Huber: () => 'huber', LogCosh: () => 'logcosh',
  KLDivergence: () => 'kld', CosineSimilarity: () => 'cosine', Hinge: () => 'hinge',
};

const OPTAX_GROUPS: Record<string, Group> = {
  'optax.softmax_cross_entropy': 'cce-logits', 'optax.softmax_cross_entropy_with_integer_labels': 'cce-logits',
  'optax.sigmoid_binary_cross_entropy': 'bce-logits', 'optax.squared_error': 'mse', 'optax.l2_loss': 'mse',
  'optax.huber_loss': 'huber', 'optax.log_cosh': 'logcosh', 'optax.kl_divergence': 'kld', 'optax.hinge_loss': 'hinge',
};

const TORCH_GROUPS: Record<string, Group> = {
  CrossEntropyLoss: 'cce-logits', NLLLoss: 'cce-probs', BCELoss: 'bce-probs', BCEWithLogitsLoss: 'bce-logits',
  MSELoss: 'mse', L1Loss: 'mae', HuberLoss: 'huber', SmoothL1Loss: 'huber', KLDivLoss: 'kld',
};

function tensorOf(x: Nested | Tensor, what: string): Tensor {
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array) return x as Tensor;
  return fromNested(x, what);
}

function kerasCallText(framework: 'keras3' | 'keras2', id: string, config: Record<string, ParamValue>, weighted: boolean): string {
  const kw = Object.entries(config).filter(([k]) => k !== 'dtype' && k !== 'name').map(([k, v]) => `${k}=${pyLit(v)}`).join(', ');
  return `${framework === 'keras2' ? 'tf.keras' : 'keras'}.losses.${id}(${kw})(y_true, y_pred${weighted ? ', sample_weight=sample_weight' : ''})`;
}

function pyLit(v: ParamValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyLit).join(', ')}]`;
  return String(v);
}

function resolveSource(req: CompareRequest): Source {
  const notes: string[] = [];
  const torch = tryResolveLoss(req.loss) ? null : tryResolveTorch(req.loss);
  if (torch) {
    const id = torch.spec.id;
    const group = TORCH_GROUPS[id];
    if (!group) throw unsupported(req.loss);
    const r: TorchResult = evaluateTorch({ loss: req.loss, config: req.config, args: { input: nested(tensorOf(req.yPred, 'input')), target: nested(tensorOf(req.yTrue, 'target')) }, dtypes: req.dtypes });
    const input = tensorOf(req.yPred, 'input');
    let fwd = ID, p = input;
    if (id === 'NLLLoss' || (id === 'KLDivLoss' && !r.config.log_target)) { fwd = EXP; p = mapT(input, Math.exp); notes.push('y_pred in every row is exp(input): the probabilities behind the log-probabilities torch was given.'); }
    if (input.shape.length > 2 && (group === 'cce-logits' || group === 'cce-probs')) {
      throw new LossInspectorError(`compare: ${req.loss}: a class axis at dim 1 of a rank-${input.shape.length} input is not ported yet; compare an (N, C) input.`, { loss: req.loss, argument: 'input', code: 'unsupported', expected: 'shape (N, C)', received: shapeStr(input.shape) });
    }
    const cfg = r.config;
    const delta = id === 'SmoothL1Loss' ? (cfg.beta as number) : (cfg.delta as number) ?? 1;
    const cfgText = Object.entries(req.config ?? {}).map(([k, v]) => `${k}=${pyLit(v)}`).join(', ');
    const selfWhy = id === 'SmoothL1Loss' && delta !== 1 ? `The source SmoothL1Loss(beta=${f7(delta)}) is Huber(delta=β)/β; this row computes Huber itself (${f7(delta)}× the source in the linear part).`
      : cfg.weight != null && r.reduction === 'mean' ? 'The source weights each sample by weight[target] and divides by Σ weight[target] (torch\'s weighted mean); this row has no class weights (Keras\'s sample_weight would divide by N).'
      : id === 'KLDivLoss' && r.reduction === 'mean' ? `The source's reduction='mean' divides by every element (N·C), not the batch size: this row's KL is ${input.shape[input.shape.length - 1]}× the source.`
      : r.reduction === 'sum' ? "The source sums every element (torch 'sum'); this row is reduced another way (Keras: one mean per sample)." : r.reduction === 'none' ? "The source keeps every element (torch 'none')." : undefined;
    return {
      group, framework: 'pytorch', call: `${r.callee}(${r.mode === 'module' ? cfgText : ''})(${fwd === EXP ? 'torch.log(y_pred)' : 'y_pred'}, y_true)`.replace(/^F\.(\w+)\(\)\(y_pred, y_true\)$/, 'F.$1(y_pred, y_true)'),
      out: { value: r.value, grad: r.grads.input ?? { data: new Float64Array(input.data.length), shape: input.shape } },
      p, user: input, fwd, t: tensorOf(req.yTrue, 'target'), delta: delta ?? 1, reduction: 'sum_over_batch_size', notes, selfWhy, warnings: r.trace.warnings.map((w) => w.message),
    };
  }
  const r0 = tryResolveLoss(req.loss);
  if (!r0) throw unsupported(req.loss);
  const spec = r0.spec;
  if (spec.framework === 'optax') {
    const group = OPTAX_GROUPS[spec.id];
    if (!group) throw unsupported(req.loss);
    const r = evaluate({ loss: spec, yTrue: req.yTrue as Nested, yPred: req.yPred as Nested, config: req.config });
    const o = optaxMean(spec.id, req.config ?? {}, tensorOf(req.yTrue, 'y_true'), tensorOf(req.yPred, 'y_pred'));
    notes.push('optax does not reduce: the source row is the call followed by `.mean()`, the batch value the other frameworks return.');
    const kw = Object.entries(req.config ?? {}).filter(([k]) => k !== 'dtype').map(([k, v]) => `, ${k}=${pyLit(v)}`).join('');
    return {
      group, framework: 'optax', call: `${spec.id}(y_pred, y_true${kw}).mean()`, out: o, p: tensorOf(req.yPred, 'y_pred'), user: tensorOf(req.yPred, 'y_pred'), fwd: ID,
      t: tensorOf(req.yTrue, 'y_true'), delta: (r.config.delta as number) ?? 1, reduction: 'sum_over_batch_size', notes, warnings: r.trace.warnings.map((w) => w.message),
      selfWhy: spec.id === 'optax.l2_loss' ? 'The source optax.l2_loss is 0.5·(p − t)²: this row is the full squared error, twice the source.' : undefined,
    };
  }
  const mk = KERAS_GROUPS[spec.id];
  if (!mk || spec.framework !== 'keras') throw unsupported(req.loss);
  const semantics = req.semantics ?? 'keras3';
  const r: EvalResult = evaluate({ loss: spec, mode: 'class', yTrue: req.yTrue as Nested, yPred: req.yPred as Nested, sampleWeight: req.sampleWeight ?? null, config: req.config, semantics });
  if (req.sampleWeight != null) notes.push('Ports to torch and optax take no sample_weight: multiply their unreduced output by your weights yourself. Rows below are unweighted.');
  const given = Object.fromEntries(Object.entries(req.config ?? {}));
  return {
    group: mk(r.config), framework: semantics, call: kerasCallText(semantics, spec.id, given, req.sampleWeight != null), out: { value: r.value, grad: r.grad },
    p: tensorOf(req.yPred, 'y_pred'), user: tensorOf(req.yPred, 'y_pred'), fwd: ID, t: tensorOf(req.yTrue, 'y_true'), delta: (r.config.delta as number) ?? 1,
    reduction: String(r.config.reduction ?? 'none'), keras: { loss: spec.id, config: given }, notes, warnings: r.trace.warnings.map((w) => w.message),
  };
}

function unsupported(loss: string): LossInspectorError {
  return new LossInspectorError(`compare: no ports of '${loss}' are known yet. Compare covers cross-entropies (categorical, sparse, binary), MSE, MAE, Huber/SmoothL1, LogCosh, KL divergence, cosine similarity and hinge.`,
    { loss, argument: 'loss', code: 'unsupported', expected: 'a loss with cross-framework ports', received: loss });
}

/** Class indices of exactly one-hot rows (last axis), else null. */
function oneHotIndices(t: Tensor): Tensor | null {
  const c = t.shape[t.shape.length - 1];
  if (t.shape.length < 1 || !c) return null;
  const rows = t.data.length / c;
  const idx = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let k = -1;
    for (let j = 0; j < c; j++) {
      const v = t.data[r * c + j];
      if (v === 1 && k < 0) k = j;
      else if (v !== 0) return null;
    }
    if (k < 0) return null;
    idx[r] = k;
  }
  return { data: idx, shape: t.shape.slice(0, -1) };
}

function oneHot(idx: Tensor, c: number): Tensor {
  const out = new Float64Array(idx.data.length * c);
  idx.data.forEach((k, r) => { if (k >= 0 && k < c) out[r * c + k] = 1; });
  return { data: out, shape: [...idx.shape, c] };
}

/** Close enough to be the same number (float32 results of different kernels differ in the last digits). */
function sameValue(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i], y = b.data[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= 1e-5 * Math.max(Math.abs(x), Math.abs(y)) + 1e-7)) return false;
  }
  return true;
}

const nested = (t: Tensor): Nested => (t.shape.length === 0 ? t.data[0] : toNested(t));

/** Builds the rows for one source call. Throws LossInspectorError for bad input or a loss without ports. */
export function compareFrameworks(req: CompareRequest): CompareResult {
  const src = resolveSource(req);
  const c = src.p.shape[src.p.shape.length - 1] ?? 1;
  const classGroup = src.group.startsWith('cce');
  let idx: Tensor | null = null, dist: Tensor | null = null;
  if (classGroup) {
    if (src.t.shape.length === src.p.shape.length) { dist = src.t; idx = oneHotIndices(src.t); }
    else { idx = src.t; dist = oneHot(src.t, c); }
  }
  const data: Data = { p: src.p, t: classGroup ? (dist ?? src.t) : src.t, idx, dist, delta: src.delta, reduction: src.reduction, idxGiven: classGroup && src.t.shape.length < src.p.shape.length };
  const gradToSource = (g: Tensor, pre: Transform): Tensor => {
    const out = new Float64Array(g.data.length);
    for (let i = 0; i < out.length; i++) {
      out[i] = src.fwd.vjp(src.user.data[i], pre.vjp(src.p.data[i], g.data[i]));
    }
    return { data: out, shape: g.shape.slice() };
  };
  const rows: CompareRow[] = [{
    framework: src.framework, call: src.call, value: nested(src.out.value), grad: nested(src.out.grad), same_as_source: true, why: '', role: 'source',
  }];
  // Keras 3 and tf.keras 2: a second row where they differ.
  if (src.keras) {
    const other = src.framework === 'keras2' ? 'keras3' : 'keras2';
    try {
      const o = kerasOut(src.keras.loss, src.keras.config, tensorOf(req.yTrue, 'y_true'), src.p, other);
      const w = req.sampleWeight != null ? evaluate({ loss: src.keras.loss, config: src.keras.config, yTrue: req.yTrue as Nested, yPred: req.yPred as Nested, sampleWeight: req.sampleWeight, semantics: other }) : null;
      const oo = w ? { value: w.value, grad: w.grad } : o;
      if (!sameValue(oo.value, src.out.value) || oo.value.data.some((v, i) => v !== src.out.value.data[i])) {
        rows.push({ framework: other, call: kerasCallText(other, src.keras.loss, src.keras.config, req.sampleWeight != null), value: nested(oo.value), grad: nested(oo.grad), same_as_source: sameValue(oo.value, src.out.value), role: 'faithful',
          why: KERAS2_WHY[src.keras.loss] ?? 'tf.keras 2 (TF ≤ 2.15) weights a rank-1 sample_weight per row and computes in its own order.' });
      }
    } catch { /* the other Keras version refuses this call: no row */ }
  }
  const ports = PORTS[src.group](data);
  if (!src.keras) {
    const k = kerasFaithful(src.group, data);
    ports.unshift({
      framework: 'keras3', role: 'faithful', call: k.call,
      run: (dd, pIn) => kerasOut(k.loss, k.config, k.labels === 'idx' ? dd.idx! : k.labels === 'dist' ? dd.dist! : dd.t, pIn),
      why: () => SAME_FORMULA,
    });
  }
  for (const port of ports) {
    if (port.call === src.call || (src.framework === 'optax' && port.call.startsWith(src.call.replace(/\.mean\(\)$/, '')) && port.call.endsWith('.mean()'))) continue;
    const pre = port.pre ?? ID;
    try {
      const out = port.run(data, mapT(data.p, pre.apply));
      const same = sameValue(out.value, src.out.value);
      const why = same ? '' : port.role === 'faithful' && src.selfWhy ? src.selfWhy : port.why(data, out, src.out);
      rows.push({ framework: port.framework, call: port.call, value: nested(out.value), grad: nested(gradToSource(out.grad, pre)), same_as_source: same, role: port.role, why });
    } catch (e) {
      if (!(e instanceof LossInspectorError)) throw e;
      rows.push({ framework: port.framework, call: port.call, value: null, grad: null, same_as_source: false, role: port.role, why: `It raises: ${e.message}`, error: e.message });
    }
  }
  if (!torchHas('BCELoss') && src.group.startsWith('bce')) src.notes.push('torch BCELoss/BCEWithLogitsLoss rows appear once the torch core has them.');
  if (!torchHas('KLDivLoss') && src.group === 'kld') src.notes.push('torch KLDivLoss rows appear once the torch core has it.');
  return { rows, notes: src.notes, arrays: { y_true: nested(data.t), y_pred: nested(data.p) }, warnings: src.warnings };
}

const KERAS2_WHY: Record<string, string> = {
  BinaryCrossentropy: 'tf.keras 2 (TF ≤ 2.15) computes −t·log(p + ε) − (1 − t)·log(1 − p + ε) (ε = 1e-7 inside the logs) where Keras 3 only clips p.',
};

/** The quantities compare has ports for. */
export const COMPARE_GROUPS = Object.keys(PORTS) as Group[];
