/**
 * Sequence losses: Keras 3 CTC. TensorFlow (the reference backend) runs tf.nn.ctc_loss on dense labels, i.e. the
 * batched forward-backward state machine of ctc_ops.ctc_loss_dense; this file reproduces that machine.
 */
import type { LossSpec, KernelContext } from '../spec';
import { LossInspectorError } from '../errors';
import { shapeStr } from '../tensor';
import { warnOnce } from './common';

/** log(1e-307) rounded to float32: TF's stand-in for log 0 in the initial/final state weights. */
const LOG_0 = Math.fround(Math.log(1e-307));

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * One sequence through TF's dense CTC state machine. States: 0 = start (emits nothing), 1..S = the label
 * positions, S+1+k = the blank after label k (k = 0..S). Allowed moves: self loops, start → label 1,
 * start → blank 0, blank k−1 → label k, label k → blank k, label k → label k+1 unless the two labels are equal.
 * The likelihood starts in state 0 and ends in label L or blank L (L = number of non-zero labels); the other end
 * states keep a weight of exp(LOG_0) as in TF. Returns −log-likelihood and, in `grad` (T×C), d loss/d logits.
 */
export function ctcSequence(logits: Float64Array, T: number, C: number, labels: number[], L: number, grad: Float64Array): number {
  const S = labels.length;
  const N = 2 * S + 2;
  // log-softmax per frame (log-sum-exp with the max subtracted for stability)
  const lp = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[t * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[t * C + c] - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < C; c++) lp[t * C + c] = logits[t * C + c] - lse;
  }
  const emitClass = (state: number): number => (state === 0 ? -1 : state <= S ? labels[state - 1] : 0);
  const emit = (t: number, state: number): number => {
    const c = emitClass(state);
    return c < 0 ? -Infinity : lp[t * C + c];
  };
  // predecessors of each state
  const preds: number[][] = [];
  for (let j = 0; j < N; j++) {
    const p = [j];
    if (j >= 1 && j <= S) {
      p.push(S + 1 + (j - 1)); // blank before label j
      if (j === 1) p.push(0);
      else if (labels[j - 2] !== labels[j - 1]) p.push(j - 1);
    } else if (j > S) {
      p.push(j - (S + 1)); // label k (or start for k = 0) → blank k
    }
    preds.push(p);
  }
  const fin = new Float64Array(N).fill(LOG_0);
  fin[L] = 0; fin[S + 1 + L] = 0;
  // forward: alpha[t+1] = LSE over predecessors of alpha[t], plus emission at frame t
  const alpha = new Float64Array((T + 1) * N);
  alpha.fill(LOG_0, 0, N); alpha[0] = 0;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < N; j++) {
      let a = -Infinity;
      for (const i of preds[j]) a = logAdd(a, alpha[t * N + i]);
      alpha[(t + 1) * N + j] = a + emit(t, j);
    }
  }
  // backward: beta[T] = final weights; beta[t][i] = LSE_j (trans(i→j) + emit(t, j) + beta[t+1][j])
  const beta = new Float64Array((T + 1) * N).fill(-Infinity);
  beta.set(fin, T * N);
  for (let t = T - 1; t >= 0; t--) {
    for (let j = 0; j < N; j++) {
      const v = emit(t, j) + beta[(t + 1) * N + j];
      if (v === -Infinity) continue;
      for (const i of preds[j]) beta[t * N + i] = logAdd(beta[t * N + i], v);
    }
  }
  const logLik = beta[0];
  // gradient: softmax − posterior occupancy per class. TF sums label states by one_hot(label − 1, C − 1), so
  // label states whose label is 0 (a zero inside the first L positions) contribute nothing, as in TF.
  for (let t = 0; t < T; t++) {
    const post = new Float64Array(N);
    let z = -Infinity;
    for (let j = 0; j < N; j++) { post[j] = alpha[(t + 1) * N + j] + beta[(t + 1) * N + j]; z = logAdd(z, post[j]); }
    for (let c = 0; c < C; c++) grad[t * C + c] = Math.exp(lp[t * C + c]);
    for (let j = 1; j < N; j++) {
      const c = emitClass(j);
      if (j <= S && (c <= 0 || c >= C)) continue;
      grad[t * C + c] -= Math.exp(post[j] - z);
    }
  }
  return -logLik;
}

/** Keras 3 ctc: y_true (B,S) integer labels, 0 = blank and padding; y_pred (B,T,C) logits; all T frames used. */
const CTC: LossSpec = {
  id: 'CTC', framework: 'keras', family: 'sequence', base: 'keras3',
  functionName: 'ctc', defaultName: 'ctc', aliases: [],
  foreignNames: ['torch.nn.CTCLoss', 'nn.CTCLoss', 'CTCLoss', 'F.ctc_loss', 'torch.nn.functional.ctc_loss', 'optax.ctc_loss', 'optax.ctc_loss_with_forward_probs',
    'tf.nn.ctc_loss', 'keras.ops.ctc_loss', 'ops.ctc_loss', 'ctc_batch_cost', 'keras.backend.ctc_batch_cost'],
  params: [], defaultReduction: 'sum_over_batch_size', inputs: 'custom',
  sweep: { kind: 'logit', range: [-6, 6] },
  example: {
    yTrue: [[1, 2, 1, 0], [2, 2, 0, 0]],
    yPred: [
      [[0.2, -0.5, 1.1], [0.9, 0.3, -0.4], [-0.3, 1.4, 0.2], [0.5, -0.1, 0.8], [1.2, 0.4, -0.6]],
      [[-0.2, 0.7, 0.1], [0.6, -0.8, 0.3], [0.1, 0.9, -0.5], [0.4, 0.2, 0.6], [-0.7, 0.5, 1.0]],
    ],
    sampleWeight: [[1.5], [0.5]],
  },
  compute(t, p, cfg, ctx: KernelContext) {
    if (t.shape.length !== 2) {
      throw new LossInspectorError(`${ctx.loss}: argument \`y_true\`: expected integer labels of shape (batch_size, max_length), received shape ${shapeStr(t.shape)}.`,
        { loss: ctx.loss, argument: 'y_true', code: 'shape', expected: '(batch_size, max_length)', received: shapeStr(t.shape) });
    }
    if (p.shape.length !== 3) {
      throw new LossInspectorError(`${ctx.loss}: argument \`y_pred\`: expected logits of shape (batch_size, max_length, num_classes), received shape ${shapeStr(p.shape)}.`,
        { loss: ctx.loss, argument: 'y_pred', code: 'shape', expected: '(batch_size, max_length, num_classes)', received: shapeStr(p.shape) });
    }
    const [B, S] = t.shape;
    const [Bp, T, C] = p.shape;
    if (B !== Bp) {
      throw new LossInspectorError(`${ctx.loss}: arguments \`y_true\` ${shapeStr(t.shape)} and \`y_pred\` ${shapeStr(p.shape)} must have the same batch size.`,
        { loss: ctx.loss, argument: 'y_pred', code: 'shape', expected: `batch size ${B}`, received: String(Bp) });
    }
    const values = new Float64Array(B);
    const grads: Float64Array[] = [];
    const lengths: number[] = [];
    let truncated = 0;
    for (let b = 0; b < B; b++) {
      const row = Array.from(t.data.subarray(b * S, (b + 1) * S));
      // label_length = count of non-zeros; labels are cast to int32 (truncation toward zero)
      let L = 0;
      for (const v of row) if (v !== 0) L++;
      const labels = row.map((v) => Math.trunc(v));
      for (let k = 0; k < S; k++) {
        const v = row[k];
        if (!(labels[k] >= 0 && labels[k] < C)) {
          throw new LossInspectorError(`${ctx.loss}: argument \`y_true\`: label ${v} at [${b}, ${k}] is out of range: labels must be integers in [0, ${C}) for y_pred with ${C} classes, 0 being the blank/padding.`,
            { loss: ctx.loss, argument: 'y_true', code: 'value', expected: `integers in [0, ${C})`, received: String(v) });
        }
        if (labels[k] !== v) truncated++;
      }
      const firstZero = row.indexOf(0);
      if (firstZero >= 0 && firstZero < L) {
        warnOnce(ctx.trace, 'ctc-interior-zero', `y_true row ${b} has a 0 before its last non-zero label: Keras takes label_length = number of non-zeros (${L}) and reads the FIRST ${L} positions [${labels.slice(0, L).join(', ')}], so the 0 is treated as a label emitted by the blank class and a trailing label is dropped; TF's gradient also ignores that 0-label state. Put the padding zeros at the end.`);
      }
      let need = L;
      for (let k = 1; k < L; k++) if (labels[k] === labels[k - 1]) need++;
      if (need > T) {
        warnOnce(ctx.trace, 'ctc-infeasible', `y_true row ${b} needs ${need} frames (${L} labels, plus a blank between repeated labels) but y_pred has only ${T}: no alignment exists, and TF returns a large finite loss (≈ −log 1e-307 = 706.9 plus the best partial path) instead of inf.`);
      }
      lengths.push(L);
      const g = new Float64Array(T * C);
      values[b] = ctcSequence(p.data.subarray(b * T * C, (b + 1) * T * C), T, C, labels, L, g);
      grads.push(g);
    }
    if (truncated > 0) warnOnce(ctx.trace, 'ctc-non-integer', `${truncated} label(s) in y_true are not integers; Keras casts them to int32 (truncation toward zero) after counting the non-zeros.`);
    if (cfg.dtype === 'float64') ctx.trace.notes.push('dtype float64: TensorFlow still computes CTC in float32 and casts the result to float64.');
    ctx.trace.notes.push(`label lengths (non-zero labels per row): [${lengths.slice(0, 16).join(', ')}${B > 16 ? ', …' : ''}]; every row uses all ${T} frames. No division by the label length.`);
    const up = ctx.upstream([B]);
    const grad = new Float64Array(p.data.length);
    for (let b = 0; b < B; b++) {
      const g = grads[b];
      for (let i = 0; i < g.length; i++) grad[b * T * C + i] = up[b] * g[i];
    }
    return { values: { data: values, shape: [B] }, grad };
  },
  doc: {
    summary: 'Connectionist Temporal Classification: negative log-probability of the label sequence summed over every alignment to the frames.',
    formula: 'p(y|x) = Σ over alignments π that collapse to y (merge repeats, drop blanks) of Π_t softmax(x_t)[π_t]\nloss = −log p(y|x), computed by the forward-backward recursion in log space\ngradient d loss/d x_t = softmax(x_t) − posterior occupancy of each class at frame t',
    domain: 'y_true: (batch, max_length) integer labels in [1, C), 0 = blank AND padding (trailing). y_pred: (batch, frames, C) LOGITS, not softmax output; class 0 is the blank.',
    output: 'shape (batch,) per sequence; default reduction sum_over_batch_size (mean over the batch).',
    pitfalls: [
      'Class 0 is the blank and also the padding value: a real label 0 in y_true is counted as padding, and a 0 before other labels shifts which labels are read (Keras reads the first "number of non-zeros" positions).',
      'y_pred must be logits: passing softmax probabilities applies a second softmax and gives a wrong, flatter loss (the old K.ctc_batch_cost took probabilities).',
      'Every frame is used (no input lengths) and the loss is NOT divided by the label length: torch.nn.CTCLoss(reduction="mean") divides each loss by its target length first, so numbers differ by that factor.',
      'A label sequence longer than the frames (counting a blank between repeats) has no alignment; TF then returns a large finite value (≈707) rather than inf.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: "torch.nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False)", note: "takes (T, N, C) LOG-probabilities and explicit lengths; 'mean' divides each loss by its target length, use reduction='sum'/'none' to compare" },
      { framework: 'Optax', name: 'optax.ctc_loss(logits, logit_paddings, labels, label_paddings, blank_id=0)', note: 'logits (B, T, C) with explicit padding masks; returns per-sequence values' },
      { framework: 'TensorFlow', name: 'tf.nn.ctc_loss(labels, logits, label_length, logit_length, logits_time_major=False, blank_index=0)', note: 'what Keras calls, with label_length = non-zeros and logit_length = T' },
    ],
  },
};

export const SEQUENCE: LossSpec[] = [CTC];
