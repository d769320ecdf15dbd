/** Regression losses: MSE, MAE, MAPE, MSLE, Huber, LogCosh (Keras 3) and tfa PinballLoss. */
import type { LossSpec } from '../spec';
import { lastAxis } from './common';

/** mean_{-1}((t−p)²); dL/dp = 2(p−t)/D · upstream. */
const MeanSquaredError: LossSpec = {
  id: 'MeanSquaredError', framework: 'keras', family: 'regression', base: 'keras3',
  functionName: 'mean_squared_error', defaultName: 'mean_squared_error', aliases: ['mse', 'MSE'],
  foreignNames: ['torch.nn.MSELoss', 'nn.MSELoss', 'MSELoss', 'F.mse_loss', 'torch.nn.functional.mse_loss', 'optax.squared_error', 'optax.l2_loss',
    'tf.losses.meanSquaredError', 'meanSquaredError'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'error', range: [-3, 3] },
  example: { yTrue: [[1, 9, 2], [-5, -2, 6]], yPred: [[4, 8, 12], [8, 1, 3]] },
  compute(t, p, _cfg, ctx) {
    const { B, D, vShape } = lastAxis(ctx, p);
    const up = ctx.upstream(vShape);
    const td = t.data, pd = p.data;
    const values = new Float64Array(B);
    const grad = new Float64Array(pd.length);
    const inv = 1 / D;
    for (let b = 0, i = 0; b < B; b++) {
      let s = 0;
      const g = 2 * up[b] * inv;
      for (let j = 0; j < D; j++, i++) {
        const e = pd[i] - td[i];
        s += e * e;
        grad[i] = g * e;
      }
      values[b] = s * inv;
    }
    return { values: { data: values, shape: vShape }, grad };
  },
  doc: {
    summary: 'Mean of squared errors over the last axis: penalises large errors quadratically.',
    formula: 'loss = mean((y_true − y_pred)², axis=−1)',
    domain: 'Any real numbers; y_true and y_pred broadcast after squeeze/expand of a trailing 1.',
    output: 'shape y_pred.shape[:-1] per sample; default reduction sum_over_batch_size (mean over those values).',
    pitfalls: [
      'Shapes (N,) against (N,1) are squeezed, but (N,) against (1,N)… broadcast to an (N,N) outer product: check the shapes.',
      'Sensitive to outliers: one error of 10 weighs as much as 100 errors of 1. Consider Huber or LogCosh.',
      'With a rank-1 input the per-sample value is a scalar, so sample_weight of shape (N,) multiplies that scalar into N values before the mean.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.MSELoss()', note: "reduction='mean' averages all elements, same as Keras's default" },
      { framework: 'Optax', name: 'optax.squared_error', note: 'elementwise, no mean; optax.l2_loss is half of it' },
      { framework: 'TF.js', name: 'tf.losses.meanSquaredError' },
    ],
  },
};

export const REGRESSION: LossSpec[] = [MeanSquaredError];
