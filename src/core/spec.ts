/** Declarations shared by every loss: parameters, docs, kernels, and what a kernel may record. */
import type { Tensor, Shape } from './tensor';

export type Family = 'regression' | 'probabilistic' | 'hinge' | 'similarity' | 'segmentation' | 'metric-learning' | 'sequence';
export type Framework = 'keras' | 'tfa' | 'optax';
/** Which base-class semantics reduce the per-sample values (sample weights, masks, reductions). */
export type BaseKind = 'keras3' | 'keras2';

/** A reduction as Keras 3 spells it; null/'none' return the weighted per-sample tensor. */
export type Reduction = 'sum_over_batch_size' | 'sum' | 'mean' | 'mean_with_sample_weight' | 'none';

export type ParamValue = number | boolean | string | null | number[] | ParamValue[];

export interface ParamSpec {
  name: string;
  /**
   * float/int: a number; bool; enum: one of `choices`; floatOrList: number or list of numbers;
   * axis: int, list of ints, or None; intOrNone; floatOrNone (tfa's Optional floats, where None/0 switch a factor off); string;
   * arrayOrNone: a rectangular nested list of numbers (an array argument such as Circle's ref_embeddings), or None;
   * maskOrNone: a rectangular nested list of booleans (or 0/1), such as optax's `where=`, or None.
   */
  type: 'float' | 'int' | 'bool' | 'enum' | 'floatOrList' | 'axis' | 'intOrNone' | 'floatOrNone' | 'string' | 'arrayOrNone' | 'maskOrNone';
  default: ParamValue;
  doc: string;
  /** Inclusive bounds unless exclusive* is set. */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  choices?: (string | null)[];
  required?: boolean;
  /** Slider range for the panel (numbers only). */
  ui?: { min: number; max: number; step: number };
  /** Positional index in the class constructor (Keras signature order), when it can be passed positionally. */
  position?: number;
}

export type Config = Record<string, ParamValue>;

export interface LossDoc {
  /** One line: what it measures. */
  summary: string;
  /** The formula as implemented, plain text/unicode, one or more lines. */
  formula: string;
  /** Input domain: probabilities vs logits, label format, shapes. */
  domain: string;
  /** Output shape before the reduction and the default reduction. */
  output: string;
  /** The 2–4 pitfalls users actually hit. */
  pitfalls: string[];
  /** Equivalents in other frameworks with their differing defaults. */
  equivalents: { framework: string; name: string; note?: string }[];
}

/** What a kernel records so the user can trust the number. */
export interface Trace {
  warnings: Warning[];
  notes: string[];
  /** Elements of y_pred clipped to [lo, hi] (flat indices into y_pred; count is exact, indices capped). */
  clipped?: { count: number; indices: number[]; lo: number; hi: number };
  /** The labels actually used after label smoothing / conversion. */
  smoothedLabels?: Tensor;
  /** Rows renormalised by their sum (CCE on probabilities): row index and original sum. */
  renormalizedRows?: { rows: number[]; sums: number[]; count: number };
  /** Hinge-style label conversion applied to the whole batch. */
  labelConversion?: string;
}

export interface Warning {
  code: string;
  message: string;
}

export interface KernelContext {
  /**
   * d(result)/d(values) for every element of the per-sample values, given their shape and, for losses that
   * attach a Keras mask, the mask. Call at most once, before computing gradients.
   */
  upstream(valuesShape: Shape, mask?: Uint8Array | null): Float64Array;
  /**
   * Optional fast path of `upstream` (hot kernels): plans the reduction like `upstream` (it counts as the one call)
   * and returns the upstream gradient's value when every element has that same value (no weights, no mask: the
   * common case), without materialising the array. Returns null otherwise; the kernel then calls `upstream` with
   * the same arguments and gets the array. Contexts that do not implement it leave kernels on `upstream`.
   */
  uniformUpstream?(valuesShape: Shape, mask?: Uint8Array | null): number | null;
  /**
   * Optional: the array a kernel returns as its gradient, `n` zeros (a caller-provided buffer on hot paths, or a fresh
   * array). Kernels that use it must write their gradient into it and return it. `overwritesAll`: the kernel writes
   * every element, so a reused buffer need not be zeroed first. Absent: `new Float64Array(n)`.
   */
  gradBuffer?(n: number, overwritesAll?: boolean): Float64Array;
  /**
   * True when y_true/y_pred were passed to a kernel whose spec declares `roundsInputs` WITHOUT being rounded to the
   * loss dtype first: the kernel must apply `round` (Math.fround) to every element it reads. Absent/false: the
   * inputs are already in the loss dtype.
   */
  rawInputs?: boolean;
  trace: Trace;
  /** keras.config.epsilon() in the loss dtype (float32-rounded 1e-7 by default). */
  epsilon: number;
  /** 1 − ε in the loss dtype (0.99999988079071044921875 in float32). */
  oneMinusEpsilon: number;
  /** Rounds to the loss dtype (Math.fround for float32, identity for float64). */
  round: (x: number) => number;
  /** Loss id, for error messages. */
  loss: string;
  /**
   * 'keras3' (default) or 'keras2': the tf.keras of TF ≤ 2.15, which older articles print. Kernels whose numbers
   * differ between the two (BCE's ε inside the logs, …) switch on it; the base class follows it too.
   */
  semantics?: 'keras3' | 'keras2';
}

export interface KernelResult {
  /** Per-sample values as the loss function returns them (before weights and reduction). */
  values: Tensor;
  /** Gradient of the final result (or of its sum) w.r.t. y_pred, in y_pred's layout (after broadcasting, see inputs). */
  grad: Float64Array;
  /** Keras mask attached to the values (SCCE ignore_class, Circle). */
  mask?: Uint8Array;
}

export interface LossSpec {
  /** Canonical id = the class name: 'Huber', 'SigmoidFocalCrossEntropy'. */
  id: string;
  framework: Framework;
  family: Family;
  /** The function spelling: 'huber', 'sigmoid_focal_crossentropy' (null when there is none). */
  functionName: string | null;
  /** Default `name=` of the class. */
  defaultName: string;
  /** Extra compile strings / legacy aliases accepted by Keras (e.g. 'mse', 'MSE'). */
  aliases: string[];
  /** Names in other libraries whose hover should show this loss (e.g. 'torch.nn.MSELoss'). */
  foreignNames?: string[];
  /** Loss-specific constructor parameters (reduction/name/dtype are added by the registry). */
  params: ParamSpec[];
  /** The function form's keyword parameters when they differ from the class's (default: `params`). */
  functionParams?: ParamSpec[];
  /** Default reduction of the class. tfa: 'none' for some, 'sum_over_batch_size' ('auto') for others. */
  defaultReduction: Reduction;
  /** Reduction fixed by the class (tfa triplet/lifted/npairs): the parameter is not accepted. */
  fixedReduction?: boolean;
  base: BaseKind;
  /**
   * How y_true and y_pred shapes relate: 'broadcast' (elementwise, NumPy broadcasting after
   * squeeze_or_expand), 'same' (must be equal after squeeze_or_expand), 'custom' (kernel checks).
   */
  inputs: 'broadcast' | 'same' | 'custom';
  /**
   * The kernel rounds every y_true/y_pred element it reads to the loss dtype itself when `ctx.rawInputs` is set, so
   * evaluate() can skip its float32 copy of the inputs (one pass and two large arrays less).
   */
  roundsInputs?: boolean;
  /** Skip the LossFunctionWrapper's squeeze_or_expand_to_same_rank (labels of another rank, e.g. SCCE). */
  noSqueeze?: boolean;
  /**
   * The function form hands its inputs to a backend op that requires equal ranks (keras.losses.binary_crossentropy
   * calls ops.binary_crossentropy without squeeze_or_expand_to_same_rank): (4,) against (4, 1) raises. The class
   * still squeezes (LossFunctionWrapper).
   */
  functionSameRank?: boolean;
  /**
   * The framework has no loss class, only this function, which never reduces (optax: one value per example; users
   * call `.mean()` themselves). Every spelling resolves to the function form; y_true is its targets/labels and
   * y_pred its predictions/logits, whatever order the framework's signature puts them in.
   */
  functionOnly?: boolean;
  /**
   * A function-only spec's positional argument names when they are not (y_pred, y_true, ...params): optax.ctc_loss
   * takes (logits, logit_paddings, labels, label_paddings).
   */
  positional?: string[];
  /** Not accepted as a compile string (Keras: CategoricalGeneralizedCrossEntropy). */
  notCompileString?: boolean;
  /** Extra checks of the resolved config (ranges that depend on several params). */
  validate?(cfg: Config): void;
  /** The per-sample values, their gradient (via ctx.upstream), mask and trace. */
  compute(yTrue: Tensor, yPred: Tensor, cfg: Config, ctx: KernelContext): KernelResult;
  /**
   * A small valid call used as the panel's default, in the quick pick preview, and by the gradient check
   * (every registered loss is checked against central finite differences on it, in float64). Pick values
   * away from kinks (clip edges, |e| = delta, ties of max/min).
   */
  example: { yTrue: import('./tensor').Nested; yPred: import('./tensor').Nested; sampleWeight?: import('./tensor').Nested; config?: Config };
  /** Which input axis the panel sweeps and over what range. */
  sweep?: { kind: 'error' | 'probability' | 'logit' | 'raw'; range: [number, number] };
  doc: LossDoc;
}
