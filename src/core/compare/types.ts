/** The shapes of a comparison: the rows it answers with, the request, and what every port of one quantity reads. */
import type { Nested, Tensor } from '../tensor';
import type { ParamValue } from '../spec';
import type { TorchDtype } from '../torch';

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
  /**
   * source: the call compared; faithful: a port meant to compute the same quantity (where the framework has no such
   * loss, the expression to write, computed op by op in float32, and a note says so); common: a port people write.
   */
  role: 'source' | 'faithful' | 'common';
  /** The framework's error message when the call raises. */
  error?: string;
}

export interface CompareResult {
  rows: CompareRow[];
  /** Conversions the rows assume (`y_pred = exp(input)`, labels as indices, …) and why some frameworks have no row. */
  notes: string[];
  /**
   * The arrays every row's `y_true`/`y_pred` refer to, and the other arrays the calls name (`sample_weight`, `weight`,
   * `pos_weight`, `negatives`): a snippet defining each of these makes every row's call run.
   */
  arrays: { y_true: Nested; y_pred: Nested; [name: string]: Nested };
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
  /**
   * torch sources whose arguments are not (input, target): every argument by torch's name (TripletMarginLoss's
   * anchor/positive/negative, CTCLoss's log_probs/targets/input_lengths/target_lengths, CosineEmbeddingLoss's
   * input1/input2/target). yTrue/yPred are then ignored.
   */
  args?: Record<string, Nested>;
}

/** What the rows of one quantity share. */
export type Group =
  | 'cce-probs' | 'cce-logits' | 'bce-probs' | 'bce-logits' | 'focal-probs' | 'focal-logits'
  | 'mse' | 'mae' | 'huber' | 'logcosh' | 'poisson' | 'mape' | 'msle'
  | 'kld' | 'cosine' | 'hinge' | 'squared-hinge' | 'categorical-hinge'
  | 'ctc' | 'triplet' | 'ntxent';

/** The data every port reads: predictions (the group's kind), targets, class indices when the targets are one-hot. */
export interface Data {
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
  /** The group's parameters as the source set them (gamma, alpha, margin, temperature, p, …). */
  cfg: Record<string, ParamValue>;
  /** Further arrays of the quantity (triplet negatives). */
  extra: Record<string, Tensor>;
}

/** A computed value and gradient w.r.t. the port's own prediction argument. */
export interface Out { value: Tensor; grad: Tensor | null }

/** A transform of the predictions before a port's call, with its vector-Jacobian product. */
export interface Transform { apply(x: number): number; vjp(x: number, g: number): number }

export interface Port {
  framework: CompareFramework;
  role: 'faithful' | 'common';
  /** A note the comparison adds when this row is shown ("torch has no MAPE loss: the row is the expression to write"). */
  note?: string;
  call: string;
  /** The prediction transform from the group's data to this call's input (default identity). */
  pre?: Transform;
  run(d: Data, pIn: Tensor): Out;
  /** One sentence why this port can give another number (used only when it does). */
  why(d: Data, out: Out, src: Out): string;
}
