/**
 * Where torch 2.x gives another number (or accepts what 1.13 rejects) for the call being evaluated — the differences
 * TORCH_SEMANTICS.md lists — written as notes on the result (hover, CLI, panel) and appended to the error 1.13 raises.
 * Everything else is computed as torch 1.13 computes it.
 */
import type { Config } from '../spec';
import type { TorchArgs, TorchReduction } from './types';

/** Notes for a computed call: only when the difference applies to these numbers. */
export function torch2Notes(specId: string, cfg: Config, args: TorchArgs, reduction: TorchReduction): string[] {
  const notes: string[] = [];
  if (specId === 'SmoothL1Loss' && cfg.beta === 0) {
    const x = args.input, t = args.target;
    if (x && t && x.shape.length === t.shape.length && x.shape.every((d, i) => d === t.shape[i])) {
      let zeros = 0;
      for (let i = 0; i < x.data.length; i++) if (x.data[i] === t.data[i]) zeros++;
      if (zeros) {
        notes.push(`torch 2.x differs here: with beta=0 newer torch computes smooth_l1_loss as l1_loss (pytorch/pytorch#97022), so the input gradient at the ${zeros} zero residual${zeros > 1 ? 's' : ''} is 0 instead of torch 1.13's −1${reduction === 'mean' ? '/N' : ''} (the value is the same).`);
      }
    }
  }
  return notes;
}

/** Appended to 1.13's TypeError for a keyword newer torch accepts. */
export function torch2KeywordHint(specId: string, mode: 'module' | 'functional', keyword: string): string {
  if (mode === 'functional' && keyword === 'weight' && ['L1Loss', 'MSELoss', 'HuberLoss'].includes(specId)) {
    return ' Recent torch 2.x functionals (F.l1_loss, F.mse_loss, F.huber_loss) take weight= (per-sample weights); torch 1.13, which is evaluated here, does not: multiply the reduction=\'none\' output by the weights instead.';
  }
  return '';
}

/** Appended when GaussianNLLLoss's var is a Python number. */
export const GAUSSIAN_FLOAT_VAR_HINT = ' Recent torch 2.x accepts a Python float var; torch 1.13 raises AttributeError: \'float\' object has no attribute \'size\'. Pass torch.full_like(input, var) or torch.tensor(var).';
