/**
 * Declarations of the PyTorch side of the core (torch 1.13 semantics, TORCH_SEMANTICS.md): tensors with a torch dtype,
 * one `TorchSpec` per torch.nn loss, and what a kernel returns. Keras's LossSpec stays untouched: torch's base
 * semantics (per-element reductions, weight-normalised means, ignore_index, legacy size_average/reduce) differ too
 * much to share one base.
 */
import type { Tensor } from '../tensor';
import type { Family, LossDoc, ParamSpec, Config, Warning, ParamValue } from '../spec';

/** The torch dtypes the core models. float32 is torch's default; int64 is what `torch.tensor([1, 2])` infers. */
export type TorchDtype = 'float32' | 'float64' | 'int64' | 'bool';

/** A dense tensor with its torch dtype (values are float64 numbers; float32 tensors hold float32-representable values). */
export interface TorchTensor extends Tensor {
  readonly dtype: TorchDtype;
}

/** A reduction as torch spells it; KLDivLoss adds 'batchmean'. */
export type TorchReduction = 'mean' | 'sum' | 'none' | 'batchmean';

/** One positional argument of the loss call (`input`, `target`, `var`, `log_probs`, …). */
export interface TorchArgSpec {
  name: string;
  /**
   * float: a floating tensor (ints are promoted); index: an int64 class-index tensor (torch raises on floats);
   * index-or-prob: CrossEntropyLoss's target (int64 indices, or floating class probabilities);
   * lengths: CTC's lengths (an int64 tensor, a tuple of ints, or an int for unbatched input).
   */
  kind: 'float' | 'index' | 'index-or-prob' | 'lengths';
  /** torch's autograd differentiates this argument when it requires grad (a target included, e.g. MSELoss's). */
  differentiable: boolean;
  doc: string;
}

/** What a torch kernel records beside its numbers. */
export interface TorchTrace {
  warnings: Warning[];
  notes: string[];
}

export interface TorchContext {
  /** Loss name as called, for messages: 'nn.CrossEntropyLoss' or 'F.cross_entropy'. */
  loss: string;
  /** The computation dtype: float32 (torch's default) or float64. */
  dtype: 'float32' | 'float64';
  /** Rounds to the computation dtype (Math.fround for float32). */
  round: (x: number) => number;
  /** The resolved reduction (legacy flags already folded in). */
  reduction: TorchReduction;
  trace: TorchTrace;
  /** The dtypes the arguments were given with, before promotion to the computation dtype. */
  argDtypes: Record<string, TorchDtype>;
}

/** How the 'mean' reduction divides, for the panel's "numerator / divisor" line. */
export interface TorchMean {
  /** The divisor of Σ none (N, N·C, Σ w[y], input.size(0), …); ignored when `scale` is given. */
  divisor: number;
  /** What the divisor is, in words: 'elements', 'Σ w[y_i] over non-ignored targets', 'batch size', … */
  text: string;
  /** Per-element factors of the mean instead of one divisor (CTC: 1 / (N · target_length_i)). */
  scale?: Float64Array;
}

/** A kernel's result: the 'none' output, how 'mean' divides, and a backward pass. */
export interface TorchKernelOut {
  /** What reduction='none' returns (already weighted where torch weights it). */
  none: Tensor;
  /** Present when the loss supports 'mean' ('batchmean' for KLDivLoss is given as a divisor too). */
  mean?: TorchMean;
  /**
   * Gradients of Σ up_i · none_i with respect to every differentiable argument (by argument name), in float64;
   * `up` has one element per element of `none`.
   */
  backward(up: Float64Array): Record<string, Float64Array>;
  /**
   * The same for an upstream that is one number for every element (no upstream, or 'mean'/'sum' without per-element
   * scale): spares the per-element `up` array. Must give what backward(up filled with u) gives, bit for bit.
   */
  backwardUniform?(u: number): Record<string, Float64Array>;
  /**
   * `none` and the arrays backward returns are fresh (shared with no argument and with nothing the kernel keeps):
   * evaluateTorch rounds them to the loss dtype in place instead of copying.
   */
  fresh?: boolean;
  /** With `fresh`: those arrays already hold values of the loss dtype (rounded to float32 where it is float32). */
  rounded?: boolean;
  /**
   * How torch adds `none` for 'sum'/'mean': 'tensor' (default) as at::sum does on a contiguous tensor (the cascade of
   * SumKernel.cpp), 'sequential' element by element in the loss dtype (kernels that accumulate in their own loop), or
   * 'double' in float64 whatever the dtype, the value rounded once after the mean's division (multi_margin_loss's
   * accumulator), or the sum itself, as the kernel's own reduction adds it (nll_loss's cascade).
   */
  sum?: 'tensor' | 'sequential' | 'double' | number;
}

export type TorchArgs = Record<string, TorchTensor>;

export interface TorchSpec {
  /** The module class name: 'CrossEntropyLoss'. */
  id: string;
  framework: 'torch';
  family: Family;
  /** torch.nn.functional name: 'cross_entropy'. */
  functionName: string;
  /** Positional arguments of forward()/the functional, in order. */
  args: TorchArgSpec[];
  /** Constructor keyword arguments besides reduction/size_average/reduce, in torch's signature order. */
  params: ParamSpec[];
  /** Whether the module and functional accept the legacy size_average/reduce (HuberLoss, GaussianNLLLoss, CTCLoss… do not). */
  legacy: boolean;
  /** Accepted reductions (KLDivLoss adds 'batchmean'). */
  reductions: TorchReduction[];
  /** The grad_fn torch prints on the reduced result, e.g. 'NllLossBackward0'; per reduction when it differs. */
  gradFn: string | Partial<Record<TorchReduction, string>> | ((reduction: TorchReduction, args: TorchArgs, cfg: Config) => string);
  /** Validates the arguments and config and computes. Throws LossInspectorError with torch's message. */
  compute(args: TorchArgs, cfg: Config, ctx: TorchContext): TorchKernelOut;
  /** A small valid call: the panel's default and the finite-difference check (away from kinks). */
  example: { args: Record<string, import('../tensor').Nested>; dtypes?: Record<string, TorchDtype>; config?: Record<string, ParamValue> };
  /** The Keras loss that computes the same number on the same arrays, when there is one, and under which condition. */
  kerasMatch?: { name: string; note: string };
  doc: LossDoc;
}

/** The public request of `evaluateTorch`. */
export interface TorchRequest {
  /** 'nn.CrossEntropyLoss', 'torch.nn.CrossEntropyLoss', 'CrossEntropyLoss', 'F.cross_entropy', 'torch.nn.functional.cross_entropy'. */
  loss: string | TorchSpec;
  /** Constructor (module) or keyword (functional) arguments by torch's names; tensors as nested lists. */
  config?: Record<string, ParamValue>;
  /** Positional arguments by torch's names: input/target, input1/input2/target, anchor/positive/negative, … */
  args: Record<string, import('../tensor').Nested | TorchTensor>;
  /**
   * dtypes by argument name ('float32' | 'float64' | 'int64'); default as `torch.tensor` infers from the numbers: int64
   * when every number is an integer, float32 otherwise. JSON readers that lose `1.0` vs `1` must say so here.
   */
  dtypes?: Record<string, TorchDtype>;
  /** Call as the module (construct, then call) or the functional; default from the spelling. */
  mode?: 'module' | 'functional';
  /** d(something)/d(value) to pull back instead of ones (the autodiff tape's vector-Jacobian product); value's size. */
  upstream?: Float64Array;
}

export interface TorchResult {
  /** Spec id (module class name). */
  loss: string;
  /** As called: 'nn.CrossEntropyLoss' or 'F.cross_entropy'. */
  callee: string;
  mode: 'module' | 'functional';
  reduction: TorchReduction;
  /** Resolved config (every parameter, defaults filled in). */
  config: Config;
  dtype: 'float32' | 'float64';
  /** The result as torch returns it (a 0-d tensor unless reduction='none'), in its dtype. */
  value: TorchTensor;
  /** The reduction='none' output. */
  perSample: TorchTensor;
  /** d(value)/d(arg) (of sum(value) when it is not a scalar) for every differentiable floating argument. */
  grads: Record<string, TorchTensor>;
  /** Σ and divisor of 'mean'/'batchmean' (null for 'sum'/'none'). */
  mean: { numerator: number; divisor: number; text: string } | null;
  /** The grad_fn torch shows on the result when an argument requires grad. */
  gradFn: string;
  trace: TorchTrace;
  shapes: Record<string, number[]>;
}
