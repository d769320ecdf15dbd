/**
 * Ports of the cross-entropies (categorical and sparse, binary; probabilities or logits) and the binary focal loss:
 * Keras's from_logits switch, torch's CrossEntropyLoss/NLLLoss/BCELoss/BCEWithLogitsLoss, torchvision's
 * sigmoid_focal_loss and optax's softmax/sigmoid functions.
 */
import type { Tensor } from '../tensor';
import { smoothLabels } from '../optax/extras';
import type { Data, Group, Out, Port } from './types';
import {
  ID, LOG, LOGIT, SIGMOID, kerasOut, optaxMean, optaxOut, torchOut, torchHas, gradNorm, SAME_FORMULA, f7, pyFloat, tIdx, tDist, perExampleOptax,
} from './util';

export const CLASSIFICATION_PORTS: Partial<Record<Group, (d: Data) => Port[]>> = {
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
  'focal-probs': (d) => focalPorts(d, false),
  'focal-logits': (d) => focalPorts(d, true),
};

/**
 * torchvision.ops.sigmoid_focal_loss as torchvision writes it: torch's BCEWithLogitsLoss(reduction='none') (the torch
 * core's number) times (1 − p_t)^γ, times α_t when alpha ≥ 0, then the mean; each step a float32 op.
 */
function torchvisionFocal(d: Data, x: Tensor, alpha: number, gamma: number): Out {
  const ce = torchOut('BCEWithLogitsLoss', { reduction: 'none' }, { input: x, target: d.t }, { input: 'float32', target: 'float32' });
  const n = x.data.length;
  const g = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const xi = x.data[i], t = d.t.data[i], c = ce.value.data[i];
    const p = Math.fround(1 / (1 + Math.exp(-xi)));
    const pt = Math.fround(Math.fround(p * t) + Math.fround(Math.fround(1 - p) * Math.fround(1 - t)));
    const m = Math.fround(1 - pt);
    const mg = Math.fround(m ** gamma);
    const at = alpha >= 0 ? Math.fround(Math.fround(alpha * t) + Math.fround(Math.fround(1 - alpha) * Math.fround(1 - t))) : 1;
    s += Math.fround(at * Math.fround(c * mg));
    const sp = p * (1 - p);
    g[i] = (at * ((p - t) * mg + (gamma === 0 ? 0 : c * gamma * m ** (gamma - 1) * sp * (1 - 2 * t)))) / n;
  }
  return { value: { data: Float64Array.of(Math.fround(s / n)), shape: [] }, grad: { data: g, shape: x.shape.slice() } };
}

/** Keras BinaryFocalCrossentropy ↔ torchvision.ops.sigmoid_focal_loss ↔ optax.sigmoid_focal_loss. */
function focalPorts(d: Data, logits: boolean): Port[] {
  const gamma = (d.cfg.gamma as number) ?? 2, balance = d.cfg.apply_class_balancing === true, alpha = (d.cfg.alpha as number) ?? 0.25;
  const x = logits ? 'y_pred' : '(torch.log(y_pred) - torch.log1p(-y_pred))';
  const jx = logits ? 'y_pred' : '(jnp.log(y_pred) - jnp.log1p(-y_pred))';
  const pre = logits ? ID : LOGIT;
  const g = gamma === 2 ? '' : `, gamma=${pyFloat(gamma)}`;
  const ports: Port[] = [{
    framework: 'keras3', role: 'common', call: `keras.losses.BinaryFocalCrossentropy(${[balance ? `apply_class_balancing=True, alpha=${pyFloat(alpha)}` : '', gamma === 2 ? '' : `gamma=${pyFloat(gamma)}`, logits ? '' : 'from_logits=True'].filter(Boolean).join(', ')})(y_true, y_pred)`,
    run: (dd, pIn) => kerasOut('BinaryFocalCrossentropy', { ...dd.cfg, from_logits: !logits }, dd.t, pIn),
    why: () => (logits ? 'Without from_logits=True Keras reads the logits as probabilities (clipped to [1e-7, 1 − 1e-7]).' : 'from_logits=True on probabilities applies a second sigmoid.'),
  }];
  if (torchHas('BCEWithLogitsLoss')) {
    ports.push({
      framework: 'pytorch', role: 'faithful', call: `torchvision.ops.sigmoid_focal_loss(${x}, y_true, alpha=${balance ? pyFloat(alpha) : '-1'}${g}, reduction='mean')`, pre,
      run: (dd, pIn) => torchvisionFocal(dd, pIn, balance ? alpha : -1, gamma),
      why: () => (logits ? SAME_FORMULA : 'Keras clips p to [1e-7, 1 − 1e-7]; the logit of a saturated probability is ±inf for torchvision.'),
    });
    if (!balance || alpha !== 0.25) {
      ports.push({
        framework: 'pytorch', role: 'common', call: `torchvision.ops.sigmoid_focal_loss(${x}, y_true${g}, reduction='mean')`, pre,
        run: (dd, pIn) => torchvisionFocal(dd, pIn, 0.25, gamma),
        why: () => (balance ? `torchvision's alpha is 0.25 by default, not the source's ${f7(alpha)}.` : "torchvision weights by α_t with alpha=0.25 by default (positives ×0.25, negatives ×0.75); Keras balances classes only with apply_class_balancing=True. Pass alpha=-1 to switch it off."),
      });
    }
  }
  ports.push({
    framework: 'optax', role: 'faithful', call: `optax.sigmoid_focal_loss(${jx}, y_true${balance ? `, alpha=${pyFloat(alpha)}` : ''}${g}).mean()`, pre,
    run: (dd, pIn) => optaxMean('optax.sigmoid_focal_loss', { alpha: balance ? alpha : null, gamma }, dd.t, pIn),
    why: () => (logits ? SAME_FORMULA : 'Keras clips p to [1e-7, 1 − 1e-7]; the logit of a saturated probability is ±inf for optax.'),
  });
  if (!balance) {
    ports.push({
      framework: 'optax', role: 'common', call: `optax.sigmoid_focal_loss(${jx}, y_true, alpha=0.25${g}).mean()`, pre,
      run: (dd, pIn) => optaxMean('optax.sigmoid_focal_loss', { alpha: 0.25, gamma }, dd.t, pIn),
      why: () => 'alpha=0.25 (the torchvision and paper default) weights positives ×0.25 and negatives ×0.75; the source balances nothing.',
    });
  }
  return ports;
}

/**
 * Label smoothing (CROSS_FRAMEWORK.md #11): Keras's label_smoothing=ls on logits ↔ torch CrossEntropyLoss(label_smoothing)
 * and optax.smooth_labels (categorical: (1 − ls)·t + ls/C), or the targets written out (binary: t·(1 − ls) + ls/2; torch's
 * BCEWithLogitsLoss and optax have no such argument). The unsmoothed ports of the group follow with the source's why.
 */
export function smoothingPorts(g: Group, d: Data): Port[] {
  const ls = (d.cfg.label_smoothing as number) ?? 0;
  if (!(ls > 0)) return [];
  const lsText = pyFloat(ls);
  if (g === 'cce-logits') {
    const smoothed = smoothLabels(d.dist!, ls);
    const ports: Port[] = [];
    if (torchHas('CrossEntropyLoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: `nn.CrossEntropyLoss(label_smoothing=${lsText})(y_pred, ${d.idx ? tIdx(d, 'torch') : 'y_true'})`,
        run: (dd, pIn) => torchOut('CrossEntropyLoss', { label_smoothing: ls }, { input: pIn, target: dd.idx ?? dd.dist! }, { input: 'float32', target: dd.idx ? 'int64' : 'float32' }),
        why: () => SAME_FORMULA,
      });
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: `optax.softmax_cross_entropy(y_pred, optax.smooth_labels(${tDist(d, 'jax')}, ${lsText})).mean()`,
      run: (_dd, pIn) => optaxMean('optax.softmax_cross_entropy', {}, smoothed, pIn),
      why: () => SAME_FORMULA,
    });
    return ports;
  }
  if (g === 'bce-logits') {
    const t = (dd: Data): Tensor => ({ data: dd.t.data.map((v) => Math.fround(Math.fround(v * (1 - ls)) + 0.5 * ls)), shape: dd.t.shape.slice() });
    const ports: Port[] = [];
    if (torchHas('BCEWithLogitsLoss')) {
      ports.push({
        framework: 'pytorch', role: 'faithful', call: `nn.BCEWithLogitsLoss()(y_pred, y_true * ${pyFloat(1 - ls)} + ${pyFloat(0.5 * ls)})`,
        run: (dd, pIn) => torchOut('BCEWithLogitsLoss', {}, { input: pIn, target: t(dd) }, { input: 'float32', target: 'float32' }),
        why: () => SAME_FORMULA,
      });
    }
    ports.push({
      framework: 'optax', role: 'faithful', call: `optax.sigmoid_binary_cross_entropy(y_pred, y_true * ${pyFloat(1 - ls)} + ${pyFloat(0.5 * ls)}).mean()`,
      run: (dd, pIn) => optaxMean('optax.sigmoid_binary_cross_entropy', {}, t(dd), pIn),
      why: () => SAME_FORMULA,
    });
    return ports;
  }
  return [];
}

/**
 * Ignored targets (CROSS_FRAMEWORK.md #10): Keras SparseCategoricalCrossentropy(ignore_class=k) ↔ torch
 * CrossEntropyLoss(ignore_index=k) (both leave those positions out of the mean) ↔ optax, which has no such argument:
 * the per-example losses masked by hand and divided by the kept count. All ignored: torch and the written form give
 * NaN (0/0), Keras 0.
 */
export function ignorePorts(g: Group, d: Data): Port[] {
  const k = d.cfg.ignore as number | null | undefined;
  if (k == null || !d.idx || !d.idx.data.some((v) => v === k) || (g !== 'cce-logits' && g !== 'cce-probs')) return [];
  const logits = g === 'cce-logits';
  const keep = Float64Array.from(d.idx.data, (v) => (v === k ? 0 : 1));
  let kept = 0;
  for (const x of keep) kept += x;
  const safeIdx: Tensor = { data: d.idx.data.map((v) => (v === k ? 0 : v)), shape: d.idx.shape.slice() };
  const ports: Port[] = [{
    framework: 'keras3', role: 'faithful', call: `keras.losses.SparseCategoricalCrossentropy(${logits ? 'from_logits=True, ' : ''}ignore_class=${k})(y_true, y_pred)`,
    run: (_dd, pIn) => kerasOut('SparseCategoricalCrossentropy', { from_logits: logits, ignore_class: k }, d.idx!, pIn),
    why: () => (kept === 0 ? 'Every target is ignored: Keras returns 0 where torch divides 0 by 0 (NaN).' : SAME_FORMULA),
  }];
  if (torchHas(logits ? 'CrossEntropyLoss' : 'NLLLoss')) {
    ports.push({
      framework: 'pytorch', role: 'faithful', call: logits ? `nn.CrossEntropyLoss(ignore_index=${k})(y_pred, y_true)` : `nn.NLLLoss(ignore_index=${k})(torch.log(y_pred), y_true)`, pre: logits ? ID : LOG,
      run: (_dd, pIn) => torchOut(logits ? 'CrossEntropyLoss' : 'NLLLoss', { ignore_index: k }, { input: pIn, target: d.idx! }, { input: 'float32', target: 'int64' }),
      why: () => (kept === 0 ? 'Every target is ignored: torch divides 0 by 0 (NaN, pytorch#70348) where Keras returns 0.' : SAME_FORMULA),
    });
  }
  const jx = logits ? 'y_pred' : 'jnp.log(y_pred)';
  ports.push({
    framework: 'optax', role: 'faithful', pre: logits ? ID : LOG,
    call: `(optax.softmax_cross_entropy_with_integer_labels(${jx}, jnp.where(y_true == ${k}, 0, y_true)) * (y_true != ${k})).sum() / (y_true != ${k}).sum()`,
    run: (_dd, pIn) => {
      const o = optaxOut('optax.softmax_cross_entropy_with_integer_labels', {}, safeIdx, pIn);
      let s = 0;
      for (let i = 0; i < keep.length; i++) s += keep[i] * o.value.data[i];
      const C = pIn.shape[pIn.shape.length - 1];
      return { value: { data: Float64Array.of(Math.fround(s / kept)), shape: [] }, grad: { data: o.grad!.data.map((x, i) => (x * keep[Math.floor(i / C)]) / kept), shape: pIn.shape.slice() } };
    },
    why: () => (kept === 0 ? 'Every target is ignored: the written form divides 0 by 0 (NaN) where Keras returns 0.' : SAME_FORMULA),
  });
  return ports;
}
