/**
 * Ports of the divergences and similarities (KL divergence with probabilities or log-targets, cosine similarity) and
 * of the hinge family (Hinge, SquaredHinge, CategoricalHinge ↔ torch's HingeEmbeddingLoss / MultiMarginLoss and
 * optax's hinge_loss / multiclass_hinge_loss), each with the condition under which the numbers agree.
 */
import type { Tensor } from '../tensor';
import type { Data, Group, Out, Port } from './types';
import { LOG, mapT, optaxMean, optaxOut, torchOut, torchHas, SAME_FORMULA, C, tIdx, r32 } from './util';

/** log of the targets, rounded to float32 (torch.log / jnp.log of a float32 array). */
const logOf = (t: Tensor) => mapT(t, (x) => r32(Math.log(x)));

function whyLogTarget(d: Data): string {
  return d.t.data.some((x) => x === 0)
    ? 'A zero target has log −inf and exp(−inf)·(−inf − x) = 0·(−inf) = NaN with log targets; Keras clips the target to 1e-7 (log_target=False and optax.kl_divergence define 0·log 0 = 0).'
    : 'Keras clips both distributions to [1e-7, 1]; the log-target form takes the logs as given.';
}

const rowsOf = (d: Data) => d.p.data.length / C(d);

/** torch CosineEmbeddingLoss with target 1 (the torch core's number), its gradient w.r.t. input1. */
function cosEmb(d: Data, pIn: Tensor): Out {
  const n = rowsOf(d);
  const ones: Tensor = { data: new Float64Array(n).fill(1), shape: [n] };
  return torchOut('CosineEmbeddingLoss', {}, { input1: pIn, input2: d.t, target: ones }, { input1: 'float32', input2: 'float32', target: 'float32' }, 'input1');
}

/** Labels as Keras's hinge losses read them: 0/1 become −1/+1 when every label is 0 or 1. */
function pmT(d: Data): Tensor {
  const binary = d.t.data.every((v) => v === 0 || v === 1);
  return binary ? mapT(d.t, (v) => 2 * v - 1) : d.t;
}
const pm = (d: Data, _fw: 'torch' | 'jax') => (d.t.data.every((v) => v === 0 || v === 1) && d.t.data.some((v) => v === 0) ? '(2 * y_true - 1)' : 'y_true');

/** clamp(1 − y·p, 0)^k op by op in float32, then the mean. */
function hingeFormula(d: Data, pIn: Tensor, k: 1 | 2): Out {
  const y = pmT(d), n = pIn.data.length;
  const g = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const m = r32(1 - r32(y.data[i] * pIn.data[i]));
    const h = m > 0 ? m : 0;
    s += k === 1 ? h : r32(h * h);
    g[i] = (m > 0 ? -y.data[i] * (k === 1 ? 1 : 2 * h) : 0) / n;
  }
  return { value: { data: Float64Array.of(r32(s / n)), shape: [] }, grad: { data: g, shape: pIn.shape.slice() } };
}

export const SIMILARITY_PORTS: Partial<Record<Group, (d: Data) => Port[]>> = {
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
    if (torchHas('KLDivLoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: "nn.KLDivLoss(reduction='batchmean', log_target=True)(torch.log(y_pred), torch.log(y_true))", pre: LOG,
        run: (dd, pIn) => torchOut('KLDivLoss', { reduction: 'batchmean', log_target: true }, { input: pIn, target: logOf(dd.t) }, { input: 'float32', target: 'float32' }),
        why: (dd) => whyLogTarget(dd),
      });
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: 'optax.kl_divergence_with_log_targets(jnp.log(y_pred), jnp.log(y_true)).mean()', pre: LOG,
      run: (dd, pIn) => optaxMean('optax.kl_divergence_with_log_targets', {}, logOf(dd.t), pIn),
      why: (dd) => whyLogTarget(dd),
    });
    ports.push({
      framework: 'optax', role: 'faithful', call: 'optax.kl_divergence(jnp.log(y_pred), y_true).mean()', pre: LOG,
      run: (dd, pIn) => optaxMean('optax.kl_divergence', {}, dd.t, pIn),
      why: () => 'Keras clips both distributions to [1e-7, 1]; optax takes the log-probabilities as given.',
    });
    return ports;
  },
  cosine: (d) => [
    ...(torchHas('CosineEmbeddingLoss') ? [{
      framework: 'pytorch' as const, role: 'faithful' as const, call: `nn.CosineEmbeddingLoss()(y_pred, y_true, torch.ones(${rowsOf(d)})) - 1`,
      run: (dd: Data, pIn: Tensor) => { const o = cosEmb(dd, pIn); return { value: mapT(o.value, (v) => Math.fround(v - 1)), grad: o.grad }; },
      why: () => 'Keras l2-normalises with ε = 1e-12 on the squared norms; torch adds ε = 1e-12 to each squared norm: the numbers part for near-zero vectors.',
    }, {
      framework: 'pytorch' as const, role: 'common' as const, call: `nn.CosineEmbeddingLoss()(y_pred, y_true, torch.ones(${rowsOf(d)}))`,
      run: (dd: Data, pIn: Tensor) => cosEmb(dd, pIn),
      why: () => 'CosineEmbeddingLoss with target 1 is 1 − cos, in [0, 2]; Keras CosineSimilarity is −cos, in [−1, 1]: the same gradient, shifted by 1.',
    }] : []),
    {
      framework: 'optax', role: 'faithful', call: '-optax.cosine_similarity(y_pred, y_true).mean()',
      run: (dd, pIn) => { const o = optaxMean('optax.cosine_similarity', {}, dd.t, pIn); return { value: mapT(o.value, (v) => -v), grad: mapT(o.grad!, (g) => -g) }; },
      why: () => 'Keras l2-normalises with ε = 1e-12 inside; optax clips the squared norms at epsilon (0 by default).',
    },
    {
      framework: 'optax', role: 'common', call: 'optax.cosine_distance(y_pred, y_true).mean()',
      run: (dd, pIn) => optaxMean('optax.cosine_distance', {}, dd.t, pIn),
      why: () => 'cosine_distance is 1 − cos, in [0, 2]; Keras CosineSimilarity is −cos, in [−1, 1]: the same gradient, shifted by 1.',
    },
  ],
  hinge: (d) => [
    {
      framework: 'pytorch', role: 'faithful', call: `torch.clamp(1 - ${pm(d, 'torch')} * y_pred, min=0).mean()`, note: 'torch has no Hinge loss: its row is the expression to write, computed op by op in float32.',
      run: (dd, pIn) => hingeFormula(dd, pIn, 1),
      why: () => SAME_FORMULA,
    },
    ...(torchHas('HingeEmbeddingLoss') ? [{
      framework: 'pytorch' as const, role: 'common' as const, call: `nn.HingeEmbeddingLoss()(y_pred, ${pm(d, 'torch')})`,
      run: (dd: Data, pIn: Tensor) => torchOut('HingeEmbeddingLoss', {}, { input: pIn, target: pmT(dd) }, { input: 'float32', target: 'float32' }),
      why: () => 'HingeEmbeddingLoss is a distance loss: x itself where y = 1, max(0, 1 − x) where y = −1; Keras Hinge is max(0, 1 − y·x) for both.',
    }] : []),
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
  'squared-hinge': (d) => {
    const ports: Port[] = [
      {
        framework: 'pytorch', role: 'faithful', call: `torch.clamp(1 - ${pm(d, 'torch')} * y_pred, min=0).pow(2).mean()`, note: 'torch has no SquaredHinge loss: its row is the expression to write, computed op by op in float32.',
        run: (dd, pIn) => hingeFormula(dd, pIn, 2),
        why: () => SAME_FORMULA,
      },
      {
        framework: 'optax', role: 'faithful', call: `(optax.hinge_loss(y_pred, ${pm(d, 'jax')}) ** 2).mean()`,
        run: (dd, pIn) => {
          const o = optaxOut('optax.hinge_loss', {}, pmT(dd), pIn);
          const n = o.value.data.length;
          let s = 0;
          const g = new Float64Array(n);
          for (let i = 0; i < n; i++) { const h = o.value.data[i]; s += r32(h * h); g[i] = (2 * h * o.grad!.data[i]) / n; }
          return { value: { data: Float64Array.of(r32(s / n)), shape: [] }, grad: { data: g, shape: pIn.shape.slice() } };
        },
        why: () => SAME_FORMULA,
      },
    ];
    if (d.idx && torchHas('MultiMarginLoss') && d.p.shape.length === 2) {
      ports.push({
        framework: 'pytorch', role: 'common', call: `nn.MultiMarginLoss(p=2)(y_pred, ${tIdx(d, 'torch')})`,
        run: (dd, pIn) => torchOut('MultiMarginLoss', { p: 2 }, { input: pIn, target: dd.idx! }, { input: 'float32', target: 'int64' }),
        why: (dd) => `MultiMarginLoss(p=2) is a multiclass squared hinge: Σ over the wrong classes of max(0, 1 − x_y + x_j)² / ${C(dd)}; Keras SquaredHinge squares max(0, 1 − y·x) of every element independently (one-hot labels as ±1).`,
      });
    }
    return ports;
  },
  'categorical-hinge': (d) => {
    const ports: Port[] = [];
    if (!d.idx) return ports;
    ports.push({
      framework: 'optax', role: 'faithful', call: `optax.multiclass_hinge_loss(y_pred, ${tIdx(d, 'jax')}).mean()`,
      run: (dd, pIn) => optaxMean('optax.multiclass_hinge_loss', {}, dd.idx!, pIn),
      why: () => 'Keras takes neg = max((1 − t)·y_pred), where the true class counts as a 0: when every wrong score is below 0 Keras uses 0 where optax uses the largest wrong score. They agree whenever some wrong score is ≥ 0 (probabilities, ReLU outputs).',
    });
    if (torchHas('MultiMarginLoss') && d.p.shape.length === 2) {
      ports.push({
        framework: 'pytorch', role: 'common', call: `nn.MultiMarginLoss()(y_pred, ${tIdx(d, 'torch')})`,
        run: (dd, pIn) => torchOut('MultiMarginLoss', {}, { input: pIn, target: dd.idx! }, { input: 'float32', target: 'int64' }),
        why: (dd) => `MultiMarginLoss sums max(0, 1 − x_y + x_j) over every wrong class and divides by C = ${C(dd)}; Keras CategoricalHinge takes only the worst wrong class (and 0 for the true one), so a single violating class costs C× less here and several add up.`,
      });
    }
    return ports;
  },
};
