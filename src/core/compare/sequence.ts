/**
 * Ports of the sequence and metric-learning losses: CTC (Keras CTC ↔ torch CTCLoss ↔ optax.ctc_loss: logits vs
 * time-first log-probabilities, lengths vs paddings, the batch mean vs torch's per-target-length mean), triplets
 * (torch TripletMarginLoss ↔ optax.triplet_margin_loss: where eps enters) and NT-Xent (optax.ntxent ↔ tfa NpairsLoss on
 * the cosine similarity matrix: two different quantities).
 */
import type { Tensor } from '../tensor';
import type { Data, Group, Out, Port } from './types';
import { evaluate } from '../evaluate';
import { optaxMean, torchOut, torchHas, SAME_FORMULA, pyFloat } from './util';

// ---- CTC: y_true (B, S) labels with 0 = blank and padding, y_pred (B, T, K) logits

/** Non-zero labels per row (Keras's label length, torch's target_lengths, optax's unpadded count). */
function labelLengths(t: Tensor): Tensor {
  const [B, S] = t.shape;
  const out = new Float64Array(B);
  for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) if (t.data[b * S + s] !== 0) out[b]++;
  return { data: out, shape: [B] };
}

/**
 * torch CTCLoss on F.log_softmax(y_pred, -1).transpose(0, 1): the torch core's value, and its gradient w.r.t. the
 * log-probabilities carried back through the transpose and the log-softmax to the logits.
 */
function torchCtc(d: Data, logits: Tensor, reduction: 'sum' | 'mean'): Out {
  const [B, T, K] = logits.shape;
  const lp = new Float64Array(T * B * K), sm = new Float64Array(B * T * K);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
    const o = (b * T + t) * K;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, logits.data[o + k]);
    let z = 0;
    for (let k = 0; k < K; k++) z += Math.exp(logits.data[o + k] - mx);
    for (let k = 0; k < K; k++) { const l = logits.data[o + k] - mx - Math.log(z); lp[(t * B + b) * K + k] = Math.fround(l); sm[o + k] = Math.exp(l); }
  }
  const r = torchOut('CTCLoss', { reduction }, {
    log_probs: { data: lp, shape: [T, B, K] }, targets: d.t,
    input_lengths: { data: new Float64Array(B).fill(T), shape: [B] }, target_lengths: labelLengths(d.t),
  }, { log_probs: 'float32', targets: 'int64', input_lengths: 'int64', target_lengths: 'int64' }, 'log_probs');
  const g = new Float64Array(B * T * K);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
    const o = (b * T + t) * K;
    let s = 0;
    for (let k = 0; k < K; k++) s += r.grad!.data[(t * B + b) * K + k];
    for (let k = 0; k < K; k++) g[o + k] = r.grad!.data[(t * B + b) * K + k] - sm[o + k] * s;
  }
  return { value: r.value, grad: { data: g, shape: logits.shape.slice() } };
}

const ctcPorts = (d: Data): Port[] => {
  const ports: Port[] = [];
  const [B, T] = d.p.shape;
  const infeasible = (dd: Data) => {
    const L = labelLengths(dd.t), S = dd.t.shape[1];
    for (let b = 0; b < L.data.length; b++) {
      let need = L.data[b];
      for (let s = 1; s < L.data[b]; s++) if (dd.t.data[b * S + s] === dd.t.data[b * S + s - 1]) need++;
      if (need > T) return true;
    }
    return false;
  };
  const whyInf = 'A label sequence longer than the frames allow has no alignment: TF (Keras) returns a large finite loss (≈ 706.9 + the best partial path), optax ≈ −log_epsilon = 1e5, torch inf (0 with zero_infinity=True).';
  if (torchHas('CTCLoss')) {
    const args = `F.log_softmax(y_pred, -1).transpose(0, 1), y_true, torch.full((${B},), ${T}), (y_true != 0).sum(1)`;
    ports.push({
      framework: 'pytorch', role: 'faithful', call: `nn.CTCLoss(reduction='sum')(${args}) / ${B}`,
      run: (dd, pIn) => { const o = torchCtc(dd, pIn, 'sum'); return { value: { data: Float64Array.of(Math.fround(o.value.data[0] / B)), shape: [] }, grad: { data: o.grad!.data.map((x) => x / B), shape: o.grad!.shape } }; },
      why: (dd) => (infeasible(dd) ? whyInf : SAME_FORMULA),
    });
    ports.push({
      framework: 'pytorch', role: 'common', call: `nn.CTCLoss()(${args})`,
      run: (dd, pIn) => torchCtc(dd, pIn, 'mean'),
      why: (dd) => (infeasible(dd) ? whyInf : "torch's reduction='mean' divides each sequence's loss by its target length before the batch mean; Keras averages the raw per-sequence losses."),
    });
  }
  ports.push({
    framework: 'optax', role: 'faithful', call: `optax.ctc_loss(y_pred, jnp.zeros((${B}, ${T})), y_true, (y_true == 0).astype(jnp.float32)).mean()`,
    run: (dd, pIn) => optaxMean('optax.ctc_loss', { label_paddings: paddingsOf(dd.t) }, dd.t, pIn),
    why: (dd) => (infeasible(dd) ? whyInf : SAME_FORMULA),
  });
  return ports;
};

/** optax's label_paddings for Keras-style labels: 1.0 where the label is 0 (padding). */
function paddingsOf(t: Tensor): number[][] {
  const [B, S] = t.shape;
  return Array.from({ length: B }, (_, b) => Array.from({ length: S }, (_, s) => (t.data[b * S + s] === 0 ? 1 : 0)));
}

// ---- triplets: y_pred = anchors, y_true = positives, extra.negatives

const nestedOf = (t: Tensor): number[][] => Array.from({ length: t.shape[0] }, (_, i) => Array.from(t.data.subarray(i * t.shape[1], (i + 1) * t.shape[1])));

const tripletPorts = (d: Data): Port[] => {
  const margin = (d.cfg.margin as number) ?? 1, q = (d.cfg.p as number) ?? 2;
  const kw = [margin === 1 ? '' : `margin=${pyFloat(margin)}`, q === 2 ? '' : `p=${pyFloat(q)}`].filter(Boolean).join(', ');
  const okw = [margin === 1 ? '' : `margin=${pyFloat(margin)}`, q === 2 ? '' : `norm_degree=${pyFloat(q)}`].filter(Boolean).map((s) => `, ${s}`).join('');
  const eps = 'torch adds eps = 1e-6 to the difference before the norm (‖a − p + eps‖); optax adds it inside the root ((Σ (a − p)² + eps)^½): the numbers part in the 6th digit, or where a distance is 0.';
  const ports: Port[] = [];
  if (torchHas('TripletMarginLoss') && d.p.shape.length === 2) {
    ports.push({
      framework: 'pytorch', role: 'faithful', call: `nn.TripletMarginLoss(${kw})(y_pred, y_true, negatives)`,
      run: (dd, pIn) => torchOut('TripletMarginLoss', { margin, p: q }, { anchor: pIn, positive: dd.t, negative: dd.extra.negatives }, {}, 'anchor'),
      why: () => eps,
    });
  }
  ports.push({
    framework: 'optax', role: 'faithful', call: `optax.triplet_margin_loss(y_pred, y_true, negatives${okw}).mean()`,
    run: (dd, pIn) => optaxMean('optax.triplet_margin_loss', { negatives: nestedOf(dd.extra.negatives), margin, norm_degree: q }, dd.t, pIn),
    why: () => eps,
  });
  return ports;
};

// ---- NT-Xent: y_pred = embeddings (B, D), y_true = labels (B,)

const ntxentPorts = (d: Data): Port[] => {
  const temp = (d.cfg.temperature as number) ?? 0.07;
  return [{
    framework: 'keras2', role: 'common', call: `tfa.losses.NpairsLoss()(y_true, (u := tf.math.l2_normalize(y_pred, -1)) @ tf.transpose(u) / ${pyFloat(temp)})`,
    run: (dd, pIn) => {
      const [B, D] = pIn.shape;
      const u = new Float64Array(B * D);
      for (let i = 0; i < B; i++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += pIn.data[i * D + k] ** 2;
        const n = Math.sqrt(Math.max(s, 1e-12));
        for (let k = 0; k < D; k++) u[i * D + k] = pIn.data[i * D + k] / n;
      }
      const S = new Float64Array(B * B);
      for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) { let s = 0; for (let k = 0; k < D; k++) s += u[i * D + k] * u[j * D + k]; S[i * B + j] = Math.fround(s / temp); }
      const r = evaluate({ loss: 'NpairsLoss', yTrue: dd.t, yPred: { data: S, shape: [B, B] } });
      return { value: r.value, grad: null };
    },
    why: () => 'A different quantity: NpairsLoss is one softmax cross-entropy per row of the similarity matrix against all of the row\'s positives (the anchor itself included, targets normalised to sum 1); NT-Xent gives each positive pair its own softmax against the anchor\'s negatives only and leaves self-similarity out. No setting makes them equal in general.',
  }];
};

export const SEQUENCE_PORTS: Partial<Record<Group, (d: Data) => Port[]>> = {
  ctc: ctcPorts,
  triplet: tripletPorts,
  ntxent: ntxentPorts,
};
