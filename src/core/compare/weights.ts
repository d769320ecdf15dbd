/**
 * Weighted rows (CROSS_FRAMEWORK.md #8, #9). A Keras sample_weight has no counterpart in torch or optax: the port is
 * the unreduced loss times the weights, divided by N as Keras's sum_over_batch_size does (the faithful row) or by Σw
 * as torch's weighted mean does (the common row). A torch class weight= (CrossEntropyLoss/NLLLoss) divides by
 * Σ weight[target]: Keras reaches that number only with reduction='sum' and sample_weight = weight[y] / Σ weight[y];
 * the plain sample_weight=weight[y] port divides by N. pos_weight has no Keras or optax argument: the row is the
 * expression to write.
 */
import type { Tensor } from '../tensor';
import type { ParamValue } from '../spec';
import type { CompareFramework, Data, Group, Out, Port, Transform } from './types';
import { ID, LOG, LOGIT, kerasOut, optaxOut, torchOut, torchHas, SAME_FORMULA, f7, pyFloat, tIdx, r32 } from './util';

export interface WeightContext {
  data: Data;
  src: {
    out: Out; group: Group; sampleWeight: Tensor | null; reduction: string; framework: CompareFramework;
    torchWeights?: { weight: Tensor | null; posWeight: Tensor | null; reduction: string };
  };
  notes: string[];
}

interface PerSample {
  /** The call's text without the weighting, and the unreduced output (one value per element or per sample). */
  call: string;
  run(d: Data, pIn: Tensor): Out;
  /** The output has one value per element (the last axis is averaged to one per sample, as Keras does). */
  elementwise: boolean;
  pre: Transform;
}

/** The unreduced torch and optax calls of a group (one value per sample after `.mean(-1)` where elementwise). */
function perSample(g: Group, d: Data): { torch: PerSample | null; optax: PerSample | null } {
  const f32 = { input: 'float32' as const, target: 'float32' as const };
  const el = (torchName: string, cfg: Record<string, number>, optaxName: string | null, ocfg: Record<string, number>, cfgText = '', ocfgText = '', pre: Transform = ID, tIn = 'y_pred', jIn = 'y_pred') => ({
    torch: torchHas(torchName) ? { call: `nn.${torchName}(${cfgText}reduction='none')(${tIn}, y_true)`, elementwise: true, pre,
      run: (dd: Data, pIn: Tensor) => torchOut(torchName, { ...cfg, reduction: 'none' }, { input: pIn, target: dd.t }, f32) } : null,
    optax: optaxName ? { call: `optax.${optaxName}(${jIn}, y_true${ocfgText})`, elementwise: true, pre,
      run: (dd: Data, pIn: Tensor) => optaxOut(`optax.${optaxName}`, ocfg, dd.t, pIn) } : null,
  });
  const dtext = d.delta === 1 ? '' : `delta=${pyFloat(d.delta)}, `;
  switch (g) {
    case 'cce-logits': return {
      torch: torchHas('CrossEntropyLoss') ? { call: `nn.CrossEntropyLoss(reduction='none')(y_pred, ${d.idx ? tIdx(d, 'torch') : 'y_true'})`, elementwise: false, pre: ID,
        run: (dd, pIn) => torchOut('CrossEntropyLoss', { reduction: 'none' }, { input: pIn, target: dd.idx ?? dd.dist! }, { input: 'float32', target: dd.idx ? 'int64' : 'float32' }) } : null,
      optax: d.idx ? { call: `optax.softmax_cross_entropy_with_integer_labels(y_pred, ${tIdx(d, 'jax')})`, elementwise: false, pre: ID, run: (dd, pIn) => optaxOut('optax.softmax_cross_entropy_with_integer_labels', {}, dd.idx!, pIn) }
        : { call: 'optax.softmax_cross_entropy(y_pred, y_true)', elementwise: false, pre: ID, run: (dd, pIn) => optaxOut('optax.softmax_cross_entropy', {}, dd.dist!, pIn) },
    };
    case 'cce-probs': return {
      torch: d.idx && torchHas('NLLLoss') ? { call: `nn.NLLLoss(reduction='none')(torch.log(y_pred), ${tIdx(d, 'torch')})`, elementwise: false, pre: LOG,
        run: (dd, pIn) => torchOut('NLLLoss', { reduction: 'none' }, { input: pIn, target: dd.idx! }, { input: 'float32', target: 'int64' }) } : null,
      optax: { call: 'optax.softmax_cross_entropy(jnp.log(y_pred), y_true)', elementwise: false, pre: LOG, run: (dd, pIn) => optaxOut('optax.softmax_cross_entropy', {}, dd.dist!, pIn) },
    };
    case 'bce-logits': return el('BCEWithLogitsLoss', {}, 'sigmoid_binary_cross_entropy', {});
    case 'bce-probs': {
      const t = el('BCELoss', {}, null, {});
      return { torch: t.torch, optax: { call: 'optax.sigmoid_binary_cross_entropy(jnp.log(y_pred) - jnp.log1p(-y_pred), y_true)', elementwise: true, pre: LOGIT, run: (dd, pIn) => optaxOut('optax.sigmoid_binary_cross_entropy', {}, dd.t, pIn) } };
    }
    case 'mse': return el('MSELoss', {}, 'squared_error', {});
    case 'mae': return el('L1Loss', {}, null, {});
    case 'huber': return el('HuberLoss', { delta: d.delta }, 'huber_loss', { delta: d.delta }, dtext, d.delta === 1 ? '' : `, delta=${pyFloat(d.delta)}`);
    case 'logcosh': return el('__none__', {}, 'log_cosh', {});
    default: return { torch: null, optax: null };
  }
}

/** Σ w_i·l_i divided by N (Keras's sum_over_batch_size) or by Σw (torch's weighted mean), l_i the per-sample values. */
function weightedMean(o: Out, w: Float64Array, elementwise: boolean, c: number, by: 'N' | 'sumw'): Out {
  const n = w.length;
  let sw = 0;
  for (const x of w) sw += x;
  const per = elementwise ? c : 1;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let l = 0;
    for (let j = 0; j < per; j++) l += o.value.data[i * per + j];
    s += w[i] * (elementwise ? r32(l / c) : l);
  }
  const div = by === 'N' ? n : sw;
  const g = o.grad ? new Float64Array(o.grad.data.length) : null;
  if (g) {
    const perG = o.grad!.data.length / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < perG; j++) g[i * perG + j] = (o.grad!.data[i * perG + j] * w[i]) / (elementwise ? c : 1) / div;
  }
  return { value: { data: Float64Array.of(r32(s / div)), shape: [] }, grad: g ? { data: g, shape: o.grad!.shape.slice() } : null };
}

/** Keras source with sample_weight: the torch and optax rows that carry it, dividing by N (faithful) and by Σw (common). */
export function weightedRows(ctx: WeightContext): { port: Port; pre: Transform }[] {
  const { data: d, src } = ctx;
  const sw = src.sampleWeight;
  if (!sw) return [];
  const c = d.p.shape[d.p.shape.length - 1] ?? 1;
  const n = d.p.shape.length >= 2 ? d.p.data.length / c : 1;
  const ps = perSample(src.group, d);
  if (!ps.torch && !ps.optax) return [];
  if (sw.data.length !== n || !(src.reduction === 'sum_over_batch_size' || src.reduction === 'sum')) {
    ctx.notes.push(`The torch and optax rows are unweighted: only one weight per sample (${n} of them) with reduction 'sum_over_batch_size' or 'sum' is ported (received ${sw.data.length} weights, reduction '${src.reduction}'). By hand: (w * loss_none).sum() / N.`);
    return [];
  }
  ctx.notes.push('torch and optax take no sample_weight: their weighted rows multiply the unreduced loss by the weights by hand.');
  const w = sw.data;
  let sumW = 0;
  for (const x of w) sumW += x;
  const sum = src.reduction === 'sum';
  const out: { port: Port; pre: Transform }[] = [];
  const mk = (fw: CompareFramework, p: PerSample) => {
    const body = `${p.call}${p.elementwise ? '.mean(-1)' : ''}`;
    const wv = fw === 'pytorch' ? 'sample_weight' : 'sample_weight';
    out.push({ pre: p.pre, port: {
      framework: fw, role: 'faithful', call: sum ? `(${body} * ${wv}).sum()` : `(${body} * ${wv}).mean()`, pre: p.pre,
      run: (dd, pIn) => { const o = weightedMean(p.run(dd, pIn), w, p.elementwise, c, 'N'); return sum ? { value: { data: Float64Array.of(r32(o.value.data[0] * n)), shape: [] }, grad: o.grad && { data: o.grad.data.map((x) => x * n), shape: o.grad.shape } } : o; },
      why: () => SAME_FORMULA,
    } });
    if (!sum) {
      out.push({ pre: p.pre, port: {
        framework: fw, role: 'common', call: `(${body} * ${wv}).sum() / ${wv}.sum()`, pre: p.pre,
        run: (dd, pIn) => weightedMean(p.run(dd, pIn), w, p.elementwise, c, 'sumw'),
        why: () => `This divides by Σw = ${f7(sumW)}; Keras's sum_over_batch_size divides Σ w·loss by the number of samples N = ${n} (keras#19740), not by the weights.`,
      } });
    }
  };
  if (ps.torch) mk('pytorch', ps.torch);
  if (ps.optax) mk('optax', ps.optax);
  return out;
}

/** torch source with weight= (class weights) or pos_weight: the Keras and optax rows that reproduce or miss its divisor. */
export function classWeightRows(ctx: WeightContext): { port: Port; pre: Transform }[] {
  const { data: d, src } = ctx;
  const tw = src.torchWeights;
  if (!tw) return [];
  const out: { port: Port; pre: Transform }[] = [];
  if (tw.weight && (src.group === 'cce-logits' || src.group === 'cce-probs')) {
    if (!d.idx) { ctx.notes.push('Class weights with probability targets weight every class term; no Keras or optax port of that is written here.'); return []; }
    const logits = src.group === 'cce-logits';
    const pre = logits ? ID : LOG;
    const w = Float64Array.from(d.idx.data, (k) => tw.weight!.data[k]);
    let sumW = 0;
    for (const x of w) sumW += x;
    const n = w.length;
    const sum = tw.reduction === 'sum';
    const kcfg: Record<string, ParamValue> = logits ? { from_logits: true } : {};
    const kcall = (red: string, swText: string) => `keras.losses.SparseCategoricalCrossentropy(${[logits ? 'from_logits=True' : '', red].filter(Boolean).join(', ')})(${tIdx(d, 'torch') === 'y_true' ? 'y_true' : 'y_true.argmax(-1)'}, ${logits ? 'y_pred' : 'y_pred'}, sample_weight=${swText})`;
    const optaxPer = (dd: Data, pIn: Tensor) => (logits ? optaxOut('optax.softmax_cross_entropy_with_integer_labels', {}, dd.idx!, pIn) : optaxOut('optax.softmax_cross_entropy', {}, dd.dist!, pIn));
    const ocall = logits ? `optax.softmax_cross_entropy_with_integer_labels(y_pred, ${tIdx(d, 'jax')})` : `optax.softmax_cross_entropy(jnp.log(y_pred), ${d.idxGiven ? `jax.nn.one_hot(y_true, ${d.p.shape[1]})` : 'y_true'})`;
    const widx = d.idxGiven ? 'weight[y_true]' : 'weight[y_true.argmax(-1)]';
    const kerasPort = (role: 'faithful' | 'common', red: 'sum' | 'sum_over_batch_size', scale: number, call: string, why: string): Port => ({
      framework: 'keras3', role, call, pre: ID,
      run: (dd, pIn) => kerasOut('SparseCategoricalCrossentropy', { ...kcfg, reduction: red }, dd.idx!, pIn, 'keras3', { data: w.map((x) => x * scale), shape: [n] }),
      why: () => why,
    });
    if (sum) {
      out.push({ pre: ID, port: kerasPort('faithful', 'sum', 1, kcall("reduction='sum'", widx), SAME_FORMULA) });
    } else {
      out.push({ pre: ID, port: kerasPort('faithful', 'sum', 1 / sumW, kcall("reduction='sum'", `${widx} / ${widx}.sum()`), SAME_FORMULA) });
      out.push({ pre: ID, port: kerasPort('common', 'sum_over_batch_size', 1, kcall('', widx), `Keras divides Σ w[y]·loss by N = ${n}; torch's weighted mean divides by Σ weight[target] = ${f7(sumW)} (pytorch#25571).`) });
    }
    out.push({ pre, port: {
      framework: 'optax', role: 'faithful', call: sum ? `(${widx} * ${ocall}).sum()` : `(${widx} * ${ocall}).sum() / ${widx}.sum()`, pre,
      run: (dd, pIn) => { const o = weightedMean(optaxPer(dd, pIn), w, false, 1, 'sumw'); return sum ? { value: { data: Float64Array.of(r32(o.value.data[0] * sumW)), shape: [] }, grad: o.grad && { data: o.grad.data.map((x) => x * sumW), shape: o.grad.shape } } : o; },
      why: () => SAME_FORMULA,
    } });
    if (!sum) {
      out.push({ pre, port: {
        framework: 'optax', role: 'common', call: `(${widx} * ${ocall}).mean()`, pre,
        run: (dd, pIn) => weightedMean(optaxPer(dd, pIn), w, false, 1, 'N'),
        why: () => `.mean() divides by N = ${n}; torch's weighted mean divides by Σ weight[target] = ${f7(sumW)}.`,
      } });
    }
    ctx.notes.push(`weight[y] per sample: [${Array.from(w.slice(0, 8), f7).join(', ')}${n > 8 ? ', …' : ''}], Σ = ${f7(sumW)}.`);
  }
  if (tw.posWeight && src.group === 'bce-logits' && tw.reduction === 'mean') {
    const pw = tw.posWeight;
    const c = d.p.shape[d.p.shape.length - 1] ?? 1;
    const pwAt = (i: number) => pw.data[pw.data.length === 1 ? 0 : i % c];
    // −(pw·t·log σ(x) + (1 − t)·log σ(−x)) op by op in float32, then the mean; d/dx = (pw·t + 1 − t)·σ(x) − pw·t
    const formula = (dd: Data, pIn: Tensor): Out => {
      const n = pIn.data.length;
      const g = new Float64Array(n);
      let s = 0;
      for (let i = 0; i < n; i++) {
        const x = pIn.data[i], t = dd.t.data[i], q = pwAt(i);
        const ls = x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
        const lsn = ls - x;
        s += r32(-r32(r32(r32(q * t) * r32(ls)) + r32(r32(1 - t) * r32(lsn))));
        const sig = 1 / (1 + Math.exp(-x));
        g[i] = ((q * t + 1 - t) * sig - q * t) / n;
      }
      return { value: { data: Float64Array.of(r32(s / n)), shape: [] }, grad: { data: g, shape: pIn.shape.slice() } };
    };
    out.push({ pre: ID, port: {
      framework: 'keras3', role: 'faithful', call: 'keras.ops.mean(-(pos_weight * y_true * keras.ops.log_sigmoid(y_pred) + (1 - y_true) * keras.ops.log_sigmoid(-y_pred)))',
      note: 'Keras and optax have no pos_weight: their rows are the expression to write, computed op by op in float32.', run: formula, why: () => SAME_FORMULA,
    } });
    out.push({ pre: ID, port: {
      framework: 'optax', role: 'faithful', call: '(-(pos_weight * y_true * jax.nn.log_sigmoid(y_pred) + (1 - y_true) * jax.nn.log_sigmoid(-y_pred))).mean()',
      run: formula, why: () => SAME_FORMULA,
    } });
    if (d.t.data.every((v) => v === 0 || v === 1)) {
      out.push({ pre: ID, port: {
        framework: 'optax', role: 'faithful', call: '((1 + (pos_weight - 1) * y_true) * optax.sigmoid_binary_cross_entropy(y_pred, y_true)).mean()',
        run: (dd, pIn) => {
          const o = optaxOut('optax.sigmoid_binary_cross_entropy', {}, dd.t, pIn);
          const n = pIn.data.length;
          let s = 0;
          const g = new Float64Array(n);
          for (let i = 0; i < n; i++) { const k = 1 + (pwAt(i) - 1) * dd.t.data[i]; s += r32(k * o.value.data[i]); g[i] = (k * o.grad!.data[i]) / n; }
          return { value: { data: Float64Array.of(r32(s / n)), shape: [] }, grad: { data: g, shape: pIn.shape.slice() } };
        },
        why: () => 'With 0/1 targets pos_weight is a per-element weight 1 + (pos_weight − 1)·t; for soft targets it scales only the positive term.',
      } });
    }
  }
  return out;
}
