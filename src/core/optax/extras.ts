/**
 * optax's self-supervised and sequence losses (optax/losses/_self_supervised.py, _classification.py) and
 * smooth_labels (_smoothing.py): ntxent (which, unlike the rest of optax, reduces to one number), triplet_margin_loss
 * (anchors = y_pred, positives = y_true, negatives as an argument) and ctc_loss (logits = y_pred, labels = y_true,
 * paddings as arguments). Values in float64 rounded to float32 as the other optax specs; gradients with respect to
 * y_pred as JAX's autodiff gives them (ties of max split in half).
 */
import type { Config, KernelContext, LossSpec, ParamValue } from '../spec';
import type { Tensor } from '../tensor';
import { argError, pyRepr } from '../errors';
import { shapeErr, warnOnce } from '../losses/common';
import { optaxSpec, optaxAxes, rowsOver, dMax, integerLabel } from './common';

/** float32's machine epsilon (jnp.finfo(float32).eps), the epsilon ntxent gives cosine_similarity. */
const F32_EPS = 1.1920928955078125e-7;

/** A nested list parameter as a flat float array with its shape (rectangularity is checked by the config). */
function arrayParam(v: ParamValue): Tensor {
  const shape: number[] = [];
  let x: unknown = v;
  while (Array.isArray(x)) { shape.push(x.length); x = x[0]; }
  const flat = (Array.isArray(v) ? (v as unknown[]).flat(Infinity) : [v]) as number[];
  return { data: Float64Array.from(flat), shape };
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

// ---------------------------------------------------------------- ntxent

const ntxent = optaxSpec({
  name: 'ntxent', family: 'metric-learning', inputs: 'custom',
  params: [{ name: 'temperature', type: 'float', default: 0.07, min: 0, exclusiveMin: true, position: 0, doc: 'Divides the cosine similarities before the softmax.', ui: { min: 0.01, max: 1, step: 0.01 } }],
  compute(t, p, cfg, ctx) {
    if (p.shape.length !== 2) throw shapeErr(ctx, 'embeddings', 'a 2-D batch of embeddings, shape (batch, features)', p.shape);
    const B = p.shape[0], D = p.shape[1];
    if (t.shape.length < 1 || t.shape[0] !== B) {
      throw argError(ctx.loss, 'labels', `labels with the embeddings' leading dimension ${B} (optax raises "Labels and embeddings must have the same leading dimension")`, `shape (${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''})`, 'shape');
    }
    if (t.shape.length !== 1) throw shapeErr(ctx, 'labels', `one group label per embedding, shape (${B},)`, t.shape);
    const temp = cfg.temperature as number;
    const lab = t.data;
    // unit vectors with optax's clip of the squared norm at float32's eps
    const n = new Float64Array(B), n2 = new Float64Array(B), u = new Float64Array(B * D);
    for (let i = 0; i < B; i++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += p.data[i * D + k] ** 2;
      n2[i] = s; n[i] = Math.sqrt(Math.max(s, F32_EPS));
      for (let k = 0; k < D; k++) u[i * D + k] = p.data[i * D + k] / n[i];
    }
    const S = new Float64Array(B * B);
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += u[i * D + k] * u[j * D + k];
      S[i * B + j] = s / temp;
    }
    // every ordered positive pair (i, j), i ≠ j, is a softmax over {j} ∪ negatives(i); the loss is the mean of −log
    // of those, over the pairs (optax's shift by the row maximum cancels, in value and gradient)
    const G = new Float64Array(B * B);
    let M = 0, sum = 0;
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) if (i !== j && lab[i] === lab[j]) M++;
    for (let i = 0; i < B; i++) {
      let mx = -Infinity;
      for (let k = 0; k < B; k++) if (k !== i) mx = Math.max(mx, S[i * B + k]);
      let neg = 0;
      for (let k = 0; k < B; k++) if (lab[k] !== lab[i]) neg += Math.exp(S[i * B + k] - mx);
      for (let j = 0; j < B; j++) {
        if (j === i || lab[j] !== lab[i]) continue;
        const pos = Math.exp(S[i * B + j] - mx), den = neg + pos;
        sum += -(S[i * B + j] - mx - Math.log(den));
        G[i * B + j] += (-1 + pos / den) / M;
        for (let k = 0; k < B; k++) if (lab[k] !== lab[i]) G[i * B + k] += Math.exp(S[i * B + k] - mx) / den / M;
      }
    }
    const value = sum / M; // 0/0 = NaN without positive pairs, as optax's
    if (M === 0) warnOnce(ctx.trace, 'optax-ntxent-no-pairs', 'No two embeddings share a label: there is no positive pair, so optax divides 0 by 0 and returns NaN. Give each embedding a partner with the same label.');
    const up = ctx.upstream([])[0];
    const grad = new Float64Array(p.data.length);
    if (M > 0) {
      // S_ij = u_i·u_j / T; d(u_i·v)/de_i = v/n_i − e_i (e_i·v)/n_i³ · [clip not active]
      for (let i = 0; i < B; i++) {
        const c = dMax(n2[i], F32_EPS);
        const v = new Float64Array(D);
        for (let j = 0; j < B; j++) {
          const g = (G[i * B + j] + G[j * B + i]) / temp;
          if (g === 0) continue;
          for (let k = 0; k < D; k++) v[k] += g * u[j * D + k];
        }
        let ev = 0;
        for (let k = 0; k < D; k++) ev += p.data[i * D + k] * v[k];
        for (let k = 0; k < D; k++) grad[i * D + k] = up * (v[k] / n[i] - (c * p.data[i * D + k] * ev) / (n[i] ** 3));
      }
    }
    return { values: { data: Float64Array.of(ctx.round(value)), shape: [] }, grad };
  },
  example: { yTrue: [0, 0, 1, 1], yPred: [[-1.954, 1.078], [0.238, -0.5703], [1.8745, -0.0195], [-0.6719, -1.921]], config: { temperature: 0.5 } },
  sweep: { kind: 'raw', range: [-3, 3] },
  doc: {
    summary: 'NT-Xent (SimCLR\'s normalised temperature-scaled cross-entropy): for every pair of embeddings sharing a label, −log of its softmax against the anchor\'s negatives; the mean over the pairs. The one optax loss that returns a single number.',
    formula: 's_ij = cos(e_i, e_j)/T (squared norms clipped at float32 eps)\nloss = −(1/M) Σ_(i≠j, y_i=y_j) log[exp s_ij / (exp s_ij + Σ_(k: y_k≠y_i) exp s_ik)],  M = number of such ordered pairs',
    domain: 'embeddings: float (batch, features). labels: one group label per embedding (batch,); equal labels mark positive pairs.',
    output: 'A scalar (already averaged over the positive pairs; no .mean() needed). NaN when no two labels are equal.',
    pitfalls: [
      'Argument order (embeddings, labels).',
      'Returns a scalar, unlike every other optax loss.',
      'temperature=0.07 by default: values are large (≈14 on random 2-D embeddings); tfa/Keras have no NT-Xent (NpairsLoss is the closest).',
      'Each positive competes only with the anchor\'s negatives (other positives are left out of the denominator).',
    ],
    equivalents: [
      { framework: 'pytorch-metric-learning', name: 'NTXentLoss(temperature=0.07)', note: 'the reference optax cites' },
      { framework: 'tfa', name: 'tfa.losses.NpairsLoss', note: 'dot products, no temperature or normalisation: another number' },
    ],
  },
});

// ---------------------------------------------------------------- triplet_margin_loss

const tripletMargin = optaxSpec({
  name: 'triplet_margin_loss', family: 'metric-learning', inputs: 'custom',
  params: [
    { name: 'negatives', type: 'arrayOrNone', default: null, required: true, position: 0, doc: 'Negative embeddings, the shape of the anchors (y_pred) and positives (y_true).' },
    { name: 'axis', type: 'int', default: -1, position: 1, doc: 'Axis of the distance.' },
    { name: 'norm_degree', type: 'float', default: 2, position: 2, doc: 'p of the distance (Σ (a − b)^p + eps)^(1/p); optax takes no absolute value.', ui: { min: 1, max: 4, step: 1 } },
    { name: 'margin', type: 'float', default: 1.0, position: 3, doc: 'Margin between the positive and the negative distance.', ui: { min: 0, max: 3, step: 0.1 } },
    { name: 'eps', type: 'float', default: 1e-6, min: 0, position: 4, doc: 'Added to Σ (a − b)^p before the root.' },
  ],
  compute(t, p, cfg, ctx) {
    if (cfg.negatives === null || cfg.negatives === undefined) throw argError(ctx.loss, 'negatives', 'an array of negative embeddings', 'None', 'param');
    const neg = arrayParam(cfg.negatives);
    if (!sameShape(t.shape, p.shape)) throw shapeErr(ctx, 'positives', `the anchors' shape (${p.shape.join(', ')})`, t.shape);
    if (!sameShape(neg.shape, p.shape)) throw shapeErr(ctx, 'negatives', `the anchors' shape (${p.shape.join(', ')})`, neg.shape);
    if (p.shape.length === 0) throw shapeErr(ctx, 'anchors', 'embeddings with at least one axis', p.shape);
    const rows = rowsOver(p.shape, optaxAxes(ctx.loss, p.shape.length, cfg.axis));
    const q = cfg.norm_degree as number, margin = cfg.margin as number, eps = cfg.eps as number;
    const nData = Float64Array.from(neg.data, ctx.round);
    const { B, D, idx, outShape } = rows;
    const values = new Float64Array(B);
    const up = ctx.upstream(outShape);
    const grad = new Float64Array(p.data.length);
    const dist = (other: Float64Array, b: number) => {
      let s = 0;
      for (let j = 0; j < D; j++) { const k = idx[b * D + j]; s += (p.data[k] - other[k]) ** q; }
      return s + eps;
    };
    for (let b = 0; b < B; b++) {
      const sp = dist(t.data, b), sn = dist(nData, b);
      const dp = sp ** (1 / q), dn = sn ** (1 / q);
      const z = dp - dn + margin;
      values[b] = ctx.round(Math.max(z, 0));
      const h = up[b] * dMax(z, 0);
      if (h === 0) continue;
      // d(S + eps)^(1/p)/da = (S + eps)^(1/p − 1)·(a − b)^(p − 1)
      const cp = sp ** (1 / q - 1), cn = sn ** (1 / q - 1);
      for (let j = 0; j < D; j++) {
        const k = idx[b * D + j];
        grad[k] = h * (cp * (p.data[k] - t.data[k]) ** (q - 1) - cn * (p.data[k] - nData[k]) ** (q - 1));
      }
    }
    return { values: { data: values, shape: outShape }, grad };
  },
  example: { yTrue: [[0.1, 0.1], [1.1, 1.1]], yPred: [[0.0, 0.0], [1.0, 1.0]], config: { negatives: [[1.0, 0.0], [0.0, 1.0]] } },
  sweep: { kind: 'raw', range: [-2, 2] },
  doc: {
    summary: 'Triplet margin loss per triplet: max(d(anchor, positive) − d(anchor, negative) + margin, 0) with d = (Σ (a − b)^p + eps)^(1/p).',
    formula: 'd(a, b) = (Σ_axis (a − b)^p + eps)^(1/p)\nloss = max(d(a, pos) − d(a, neg) + margin, 0)',
    domain: 'anchors (y_pred), positives (y_true) and negatives (an argument): float arrays of one shape.',
    output: 'One value per triplet (the shape without `axis`). optax does not reduce: write `.mean()`.',
    pitfalls: [
      'Argument order (anchors, positives, negatives); here y_pred is the anchors and y_true the positives.',
      'eps is added inside the root (torch adds it to the difference: ‖a − p + eps‖): the numbers differ in the 6th digit.',
      'No absolute value: an odd norm_degree makes negative differences count negatively.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: 'torch.nn.TripletMarginLoss(margin=1.0, p=2)', note: "reduction='mean' equals .mean(); eps=1e-6 enters ‖a − p + eps‖" },
      { framework: 'tfa', name: 'tfa.losses.TripletSemiHardLoss', note: 'mines triplets from labels instead of taking them' },
    ],
  },
});

// ---------------------------------------------------------------- ctc_loss

const logAddExp = (a: number, b: number) => {
  const m = Math.max(a, b);
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
};

/** Paddings (B, L) as given, or zeros; checked against the shape optax checks. */
function paddings(ctx: KernelContext, v: ParamValue | undefined, B: number, L: number, name: string, of: string): Float64Array {
  if (v === null || v === undefined) return new Float64Array(B * L);
  const a = arrayParam(v);
  if (!sameShape(a.shape, [B, L])) throw shapeErr(ctx, name, `${of}, shape (${B}, ${L})`, a.shape);
  return a.data;
}

function ctcCompute(t: Tensor, p: Tensor, cfg: Config, ctx: KernelContext) {
  if (p.shape.length !== 3) throw shapeErr(ctx, 'logits', 'a rank-3 array (batch, time, classes) (optax checks the rank)', p.shape);
  if (t.shape.length !== 2) throw shapeErr(ctx, 'labels', 'a rank-2 array of integer labels (batch, max_label_length) (optax checks the rank)', t.shape);
  const [B, T, K] = p.shape, N = t.shape[1];
  if (t.shape[0] !== B) throw argError(ctx.loss, 'labels', `labels with batch size ${B} (optax: "Expected \`labels\` to have batch size ${B}")`, `batch size ${t.shape[0]}`, 'shape');
  if (T === 0) throw shapeErr(ctx, 'logits', 'at least one time step', p.shape);
  const blank = cfg.blank_id as number, E = cfg.log_epsilon as number;
  const lp = paddings(ctx, cfg.logit_paddings, B, T, 'logit_paddings', '1.0 for padded frames of the logits, else 0.0');
  const lbp = paddings(ctx, cfg.label_paddings, B, N, 'label_paddings', '1.0 for padded labels, else 0.0');
  const values = new Float64Array(B);
  const up = ctx.upstream([B]);
  const grad = new Float64Array(p.data.length);
  let badLen = 0;
  for (let b = 0; b < B; b++) {
    const lab = new Int32Array(N);
    for (let n = 0; n < N; n++) lab[n] = integerLabel(ctx, t.data[b * N + n]);
    let padSum = 0;
    for (let n = 0; n < N; n++) padSum += lbp[b * N + n];
    const len = N - Math.trunc(padSum);
    const rep = new Float64Array(N);
    for (let n = 0; n + 1 < N; n++) rep[n] = lab[n] === lab[n + 1] ? 1 : 0;
    // log-softmax of every frame; the emission log-probability of label n (0 for a label outside [0, K), as one_hot gives)
    const logp = new Float64Array(T * K);
    for (let s = 0; s < T; s++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, p.data[(b * T + s) * K + k]);
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(p.data[(b * T + s) * K + k] - mx);
      const lse = mx + Math.log(z);
      for (let k = 0; k < K; k++) logp[s * K + k] = p.data[(b * T + s) * K + k] - lse;
    }
    const lpe = (s: number, n: number) => (lab[n] >= 0 && lab[n] < K ? logp[s * K + lab[n]] : 0);
    const lpb = (s: number) => (blank >= 0 && blank < K ? logp[s * K + blank] : 0);
    // forward: phi[s] (N+1: labels consumed, last symbol blank) and em[s] (N: label n just emitted), s = 0 the initial state
    const phi: Float64Array[] = [], em: Float64Array[] = [], P: Float64Array[] = [], Q: Float64Array[] = [], NE: Float64Array[] = [], NP: Float64Array[] = [];
    phi.push(new Float64Array(N + 1).fill(E)); phi[0][0] = 0;
    em.push(new Float64Array(N).fill(E));
    for (let s = 0; s < T; s++) {
      const A = phi[s], e = em[s], pad = lp[b * T + s], lb = lpb(s);
      const Ps = new Float64Array(N + 1), Qs = new Float64Array(N + 1), ne = new Float64Array(N), np = new Float64Array(N + 1);
      Ps[0] = A[0];
      for (let n = 0; n < N; n++) Ps[n + 1] = logAddExp(A[n + 1], e[n] + E * rep[n]);
      for (let n = 0; n < N; n++) ne[n] = logAddExp(Ps[n] + lpe(s, n), e[n] + lpe(s, n));
      for (let n = 0; n <= N; n++) Qs[n] = Ps[n] + lb;
      np[0] = Qs[0];
      for (let n = 0; n < N; n++) np[n + 1] = logAddExp(Qs[n + 1], e[n] + lb + E * (1 - rep[n]));
      P.push(Ps); Q.push(Qs); NE.push(ne); NP.push(np);
      const nextEm = new Float64Array(N), nextPhi = new Float64Array(N + 1);
      for (let n = 0; n < N; n++) nextEm[n] = pad * e[n] + (1 - pad) * ne[n];
      for (let n = 0; n <= N; n++) nextPhi[n] = pad * A[n] + (1 - pad) * np[n];
      phi.push(nextPhi); em.push(nextEm);
    }
    const last = new Float64Array(N + 1);
    last[0] = phi[T][0];
    for (let n = 0; n < N; n++) last[n + 1] = logAddExp(phi[T][n + 1], em[T][n]);
    if (len < 0 || len > N) { badLen++; values[b] = 0; continue; } // one_hot of an out-of-range length is a zero row
    values[b] = ctx.round(-last[len]);
    // backward (reverse mode through the recurrence), then through log_softmax
    const gu = up[b];
    if (gu === 0) continue;
    let gPhi = new Float64Array(N + 1), gEm = new Float64Array(N);
    const gLast = -gu;
    if (len === 0) gPhi[0] += gLast;
    else {
      gPhi[len] += gLast * Math.exp(phi[T][len] - last[len]);
      gEm[len - 1] += gLast * Math.exp(em[T][len - 1] - last[len]);
    }
    const gLogp = new Float64Array(T * K);
    for (let s = T - 1; s >= 0; s--) {
      const A = phi[s], e = em[s], pad = lp[b * T + s], lb = lpb(s), Ps = P[s], Qs = Q[s], ne = NE[s], np = NP[s];
      const gA = new Float64Array(N + 1), gE = new Float64Array(N), gP = new Float64Array(N + 1), gQ = new Float64Array(N + 1);
      let gLb = 0;
      for (let n = 0; n <= N; n++) gA[n] += pad * gPhi[n];
      for (let n = 0; n < N; n++) gE[n] += pad * gEm[n];
      const gNp = gPhi.map((g) => (1 - pad) * g), gNe = gEm.map((g) => (1 - pad) * g);
      gQ[0] += gNp[0];
      for (let n = 0; n < N; n++) {
        if (gNp[n + 1] === 0) continue;
        gQ[n + 1] += gNp[n + 1] * Math.exp(Qs[n + 1] - np[n + 1]);
        const gc = gNp[n + 1] * Math.exp(e[n] + lb + E * (1 - rep[n]) - np[n + 1]);
        gE[n] += gc; gLb += gc;
      }
      for (let n = 0; n <= N; n++) { gP[n] += gQ[n]; gLb += gQ[n]; }
      for (let n = 0; n < N; n++) {
        if (gNe[n] === 0) continue;
        const w1 = Math.exp(Ps[n] + lpe(s, n) - ne[n]), w2 = Math.exp(e[n] + lpe(s, n) - ne[n]);
        gP[n] += gNe[n] * w1; gE[n] += gNe[n] * w2;
        if (lab[n] >= 0 && lab[n] < K) gLogp[s * K + lab[n]] += gNe[n] * (w1 + w2);
      }
      gA[0] += gP[0];
      for (let n = 0; n < N; n++) {
        if (gP[n + 1] === 0) continue;
        gA[n + 1] += gP[n + 1] * Math.exp(A[n + 1] - Ps[n + 1]);
        gE[n] += gP[n + 1] * Math.exp(e[n] + E * rep[n] - Ps[n + 1]);
      }
      if (blank >= 0 && blank < K) gLogp[s * K + blank] += gLb;
      gPhi = gA; gEm = gE;
    }
    for (let s = 0; s < T; s++) {
      let sg = 0;
      for (let k = 0; k < K; k++) sg += gLogp[s * K + k];
      for (let k = 0; k < K; k++) grad[(b * T + s) * K + k] = gLogp[s * K + k] - Math.exp(logp[s * K + k]) * sg;
    }
  }
  if (badLen) warnOnce(ctx.trace, 'optax-ctc-label-length', `${badLen} sequence(s) have label_paddings summing to more than the label length or below 0: optax's one_hot of that length is a zero row, so the loss is 0 there.`);
  return { values: { data: values, shape: [B] }, grad };
}

const CTC_PARAMS = [
  { name: 'logit_paddings', type: 'arrayOrNone' as const, default: null, position: 0, doc: '(batch, time): 1.0 marks a padded frame of the logits. None: no padding (optax requires the array; Loss Inspector fills zeros).' },
  { name: 'label_paddings', type: 'arrayOrNone' as const, default: null, position: 1, doc: '(batch, max_label_length): 1.0 marks a padded label; labels must be right-padded. None: no padding.' },
  { name: 'blank_id', type: 'int' as const, default: 0, doc: 'Class index of the blank symbol.' },
  { name: 'log_epsilon', type: 'float' as const, default: -1e5, doc: 'Stands for log(0) in the recurrence: an impossible alignment costs about −log_epsilon instead of inf.' },
];

const ctcLoss = optaxSpec({
  name: 'ctc_loss', family: 'sequence', inputs: 'custom', params: CTC_PARAMS,
  // optax's positional order puts the logit paddings between the logits and the labels
  positional: ['y_pred', 'logit_paddings', 'y_true', 'label_paddings', 'blank_id', 'log_epsilon'],
  compute: ctcCompute,
  example: { yTrue: [[1, 2]], yPred: [[[0.2, 1.1, -0.3], [0.5, -0.2, 0.9], [-0.4, 0.3, 0.1], [1.2, -0.6, 0.4]]] },
  sweep: { kind: 'logit', range: [-6, 6] },
  doc: {
    summary: 'Connectionist temporal classification loss per sequence: −log of the total probability of every alignment of the labels to the frames (blanks between, repeats merged).',
    formula: 'log p = log-softmax over classes per frame\nloss_b = −log Σ_(alignments π of labels_b) Π_t p(π_t | t)  (forward recursion in log space, log(0) ≈ log_epsilon)',
    domain: 'logits (y_pred): (batch, time, classes), blank at blank_id. labels (y_true): (batch, max_label_length) integers, right-padded. Paddings: 1.0 = padded.',
    output: 'One value per sequence (batch,). optax does not reduce: write `.mean()`; torch\'s CTCLoss \'mean\' divides each by its target length first.',
    pitfalls: [
      'Argument order (logits, logit_paddings, labels, label_paddings); paddings, not lengths (torch and Keras take lengths).',
      'Takes logits (softmax inside); torch CTCLoss takes log-probabilities with time first (T, N, C).',
      'An infeasible label sequence costs about 1e5 (log_epsilon), not inf (torch: inf, or 0 with zero_infinity=True).',
    ],
    equivalents: [
      { framework: 'PyTorch', name: "torch.nn.CTCLoss(blank=0, reduction='sum')(log_probs.transpose(0, 1), targets, input_lengths, target_lengths)", note: "equals .sum(); 'mean' divides by the target lengths" },
      { framework: 'Keras', name: 'keras.losses.CTC()', note: 'the mean of these per-sequence values when no frame is padded' },
    ],
  },
});

export const OPTAX_EXTRAS: readonly LossSpec[] = [ntxent, tripletMargin, ctcLoss];

/**
 * optax.smooth_labels(labels, alpha, axis=-1, where=None): (1 − alpha)·labels + alpha / C, C the size of `axis`
 * (the count of included elements under `where`). Used by compare for label-smoothed cross-entropies and by snippets.
 */
export function smoothLabels(labels: Tensor, alpha: number, axis: number | number[] | null = -1, where: Uint8Array | null = null): Tensor {
  const axes = optaxAxes('optax.smooth_labels', labels.shape.length, axis as Config[string]);
  const rows = rowsOver(labels.shape, axes);
  const out = new Float64Array(labels.data.length);
  for (let b = 0; b < rows.B; b++) {
    let c = 0;
    for (let j = 0; j < rows.D; j++) c += where ? where[rows.idx[b * rows.D + j]] : 1;
    for (let j = 0; j < rows.D; j++) { const k = rows.idx[b * rows.D + j]; out[k] = Math.fround((1 - alpha) * labels.data[k] + alpha / c); }
  }
  return { data: out, shape: labels.shape.slice() };
}

/** A label array refused by smooth_labels (optax checks a floating dtype). */
export function smoothLabelsDtypeError(received: unknown) {
  return argError('optax.smooth_labels', 'labels', 'floating one-hot labels (optax checks a floating dtype; integer class indices go through jax.nn.one_hot first)', pyRepr(received), 'input');
}
