/**
 * torch.nn.CTCLoss as torch 1.13 computes it on CPU (aten/src/ATen/native/LossCTC.cpp): the alpha/beta recursions in
 * log space, 'mean' divided by each target length, zero_infinity, and the backward torch returns — exp(log_probs) −
 * posterior, the gradient with respect to the logits of a log_softmax folded in.
 */
import type { TorchSpec } from '../types';
import { torchError, num, cSize } from '../base';

/**
 * log(e^a + e^b). The larger term is exp(0) = 1 exactly: one exp instead of two, the same sum. Math.exp/Math.log, not
 * fastmath's: V8 did not inline those here, and every double a call returned was allocated (a third of the time in GC).
 */
function lse(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(1 + Math.exp(Math.min(a, b) - m));
}

export const CTC: TorchSpec = {
  id: 'CTCLoss', framework: 'torch', family: 'sequence', functionName: 'ctc_loss', legacy: false,
  args: [
    { name: 'log_probs', kind: 'float', differentiable: true, doc: 'Log-probabilities (T, N, C) or (T, C) — time first; torch does not normalise them.' },
    { name: 'targets', kind: 'index', differentiable: false, doc: 'Labels (int64): padded (N, S) or concatenated 1-D.' },
    { name: 'input_lengths', kind: 'lengths', differentiable: false, doc: 'Frames used per sample, (N,) (or an int for unbatched input).' },
    { name: 'target_lengths', kind: 'lengths', differentiable: false, doc: 'Labels per sample, (N,) (or an int).' },
  ],
  params: [
    { name: 'blank', type: 'int', default: 0, doc: 'The blank label.' },
    { name: 'zero_infinity', type: 'bool', default: false, doc: 'Infinite losses (infeasible alignments) and their gradients become 0.' },
  ],
  reductions: ['mean', 'sum', 'none'],
  gradFn: (r, _a, cfg) => (r === 'mean' ? 'MeanBackward0' : r === 'sum' ? 'SumBackward0' : cfg.zero_infinity ? 'WhereBackward0' : 'CtcLossBackward0'),
  compute(a, cfg, ctx) {
    const lp = a.log_probs, tg = a.targets, il = a.input_lengths, tl = a.target_lengths;
    const batched = lp.shape.length === 3;
    if (lp.shape.length !== 2 && lp.shape.length !== 3) throw torchError(ctx.loss, 'log_probs', 'RuntimeError', `log_probs must be 3-D (T, N, C) or 2-D (T, C), got ${cSize(lp.shape)}`, { code: 'shape' });
    const T = lp.shape[0], N = batched ? lp.shape[1] : 1, C = lp.shape[lp.shape.length - 1];
    const blank = num(cfg, 'blank'), zeroInf = !!cfg.zero_infinity, r = ctx.round;
    if (il.data.length !== N || tl.data.length !== N) throw torchError(ctx.loss, 'input_lengths', 'RuntimeError', `input_lengths must be of size batch_size`, { expected: `${N} lengths`, received: String(il.data.length), code: 'shape' });
    for (const v of il.data) if (v > T) throw torchError(ctx.loss, 'input_lengths', 'RuntimeError', `Expected input_lengths to have value at most ${T}, but got value ${v} (while checking arguments for ctc_loss_cpu)`, { expected: `lengths ≤ T = ${T}`, received: String(v), code: 'shape' });
    // the label sequence of each sample: a row of the padded (N, S) tensor, or a slice of the concatenation
    const labels: number[][] = [];
    let off = 0;
    for (let b = 0; b < N; b++) {
      const L = tl.data[b];
      const row: number[] = [];
      for (let j = 0; j < L; j++) row.push(batched && tg.shape.length === 2 ? tg.data[b * tg.shape[1] + j] : tg.data[off + j]);
      off += L;
      labels.push(row);
    }
    const at = (t: number, b: number, c: number) => (t * N + b) * C + c;
    const nll = new Float64Array(N);
    const alphas: Float64Array[] = [], betas: Float64Array[] = [];
    // every sample's alpha and beta tables in two buffers (one allocation each: the per-sample arrays kept the GC busy)
    let total = 0;
    for (let b = 0; b < N; b++) total += T * (2 * labels[b].length + 1);
    const alBuf = new Float64Array(total).fill(-Infinity), beBuf = new Float64Array(total).fill(-Infinity);
    let at0 = 0;
    for (let b = 0; b < N; b++) {
      const l = labels[b], S = 2 * l.length + 1, Tb = il.data[b];
      const ext = (s: number) => (s % 2 === 0 ? blank : l[(s - 1) >> 1]);
      const al = alBuf.subarray(at0, at0 + T * S), be = beBuf.subarray(at0, at0 + T * S);
      at0 += T * S;
      if (Tb > 0) {
        al[0] = lp.data[at(0, b, blank)];
        if (S > 1) al[1] = lp.data[at(0, b, ext(1))];
        for (let t = 1; t < Tb; t++) for (let s = 0; s < S; s++) {
          let v = al[(t - 1) * S + s];
          if (s > 0) { const w = al[(t - 1) * S + s - 1]; if (v === -Infinity) v = w; else if (w !== -Infinity) { const mx = Math.max(v, w); v = mx + Math.log(1 + Math.exp(Math.min(v, w) - mx)); } } // lse, written out
          if (s % 2 === 1 && s > 1 && ext(s) !== ext(s - 2)) { const w = al[(t - 1) * S + s - 2]; if (v === -Infinity) v = w; else if (w !== -Infinity) { const mx = Math.max(v, w); v = mx + Math.log(1 + Math.exp(Math.min(v, w) - mx)); } } // lse, written out
          al[t * S + s] = v === -Infinity ? -Infinity : r(r(v) + lp.data[at(t, b, ext(s))]);
        }
        const last = (Tb - 1) * S;
        nll[b] = -r(S > 1 ? lse(al[last + S - 1], al[last + S - 2]) : al[last]);
        be[last + S - 1] = lp.data[at(Tb - 1, b, ext(S - 1))];
        if (S > 1) be[last + S - 2] = lp.data[at(Tb - 1, b, ext(S - 2))];
        for (let t = Tb - 2; t >= 0; t--) for (let s = 0; s < S; s++) {
          let v = be[(t + 1) * S + s];
          if (s < S - 1) { const w = be[(t + 1) * S + s + 1]; if (v === -Infinity) v = w; else if (w !== -Infinity) { const mx = Math.max(v, w); v = mx + Math.log(1 + Math.exp(Math.min(v, w) - mx)); } } // lse, written out
          if (s % 2 === 1 && s < S - 2 && ext(s) !== ext(s + 2)) { const w = be[(t + 1) * S + s + 2]; if (v === -Infinity) v = w; else if (w !== -Infinity) { const mx = Math.max(v, w); v = mx + Math.log(1 + Math.exp(Math.min(v, w) - mx)); } } // lse, written out
          be[t * S + s] = v === -Infinity ? -Infinity : r(r(v) + lp.data[at(t, b, ext(s))]);
        }
      } else nll[b] = l.length === 0 ? 0 : Infinity;
      alphas.push(al); betas.push(be);
    }
    const none = new Float64Array(N);
    for (let b = 0; b < N; b++) none[b] = zeroInf && nll[b] === Infinity ? 0 : nll[b];
    const scale = new Float64Array(N);
    for (let b = 0; b < N; b++) scale[b] = 1 / (N * Math.max(tl.data[b], 1));
    return {
      none: { data: none, shape: batched ? [N] : [] },
      mean: { divisor: N, text: 'the batch, after dividing each loss by its target length', scale },
      fresh: true,
      backward(up) {
        const g = new Float64Array(lp.data.length);
        const lcab = new Float64Array(C);
        for (let b = 0; b < N; b++) {
          if (zeroInf && nll[b] === Infinity) continue;
          const l = labels[b], S = 2 * l.length + 1, Tb = il.data[b];
          const ext = (s: number) => (s % 2 === 0 ? blank : l[(s - 1) >> 1]);
          const al = alphas[b], be = betas[b], nllFinite = Number.isFinite(nll[b]);
          for (let t = 0; t < Tb; t++) {
            lcab.fill(-Infinity);
            if (t === Tb - 1) {
              // torch assigns the last frame's two entries instead of log-adding them ("a blank and a non-blank, so
              // different"): for a label equal to blank the second overwrites the first.
              lcab[blank] = al[t * S + S - 1] + be[t * S + S - 1];
              if (S > 1) lcab[ext(S - 2)] = al[t * S + S - 2] + be[t * S + S - 2];
            } else for (let s = 0; s < S; s++) { const e = ext(s), v = lcab[e], w = al[t * S + s] + be[t * S + s]; lcab[e] = v === -Infinity ? w : w === -Infinity ? v : Math.max(v, w) + Math.log(1 + Math.exp(Math.min(v, w) - Math.max(v, w))); }
            for (let c = 0; c < C; c++) {
              const k = at(t, b, c), v = lp.data[k];
              // in the loss dtype, as torch's kernel: the difference of two near-equal terms carries float32's rounding
              // (a class on no path has lcab −∞: its posterior term is exp(−∞) = 0, unless nll or v make it NaN)
              const lc = lcab[c];
              g[k] = up[b] * (r(Math.exp(v)) - (lc === -Infinity && nllFinite && v > -Infinity ? 0 : r(Math.exp(r(r(r(lc) + nll[b]) - v)))));
            }
          }
        }
        return { log_probs: g };
      },
    };
  },
  example: {
    args: { log_probs: [[[-1.2, -0.9, -1.3]], [[-0.7, -1.6, -1.1]], [[-1.1, -1.2, -1.0]], [[-0.9, -1.0, -1.5]]], targets: [[1, 2]], input_lengths: [4], target_lengths: [2] },
    dtypes: { targets: 'int64', input_lengths: 'int64', target_lengths: 'int64' },
  },
  kerasMatch: { name: 'CTC', note: "not equal under 'mean': Keras averages the raw per-sample losses, torch divides each by its target length first; 'none' and 'sum' agree on log-softmaxed input." },
  doc: {
    summary: 'Connectionist temporal classification: −log of the total probability of every alignment of the target.',
    formula: "ℓ_b = −log Σ_{alignments π → l_b} Π_t p_t(π_t)\n'mean' = mean_b(ℓ_b / max(target_length_b, 1));  'sum' = Σ ℓ_b",
    domain: 'log_probs: (T, N, C) log-probabilities (log_softmax over C), time first; targets: int64 padded (N, S) or concatenated; lengths: int64.',
    output: "'none': (N,); default 'mean' divides by the target lengths, then by N.",
    pitfalls: ['log_probs are not normalised by torch: pass log_softmax output.', "'mean' divides each loss by its target length before averaging.", 'Repeated labels need a blank between them: too few frames give inf (zero_infinity=True turns it into 0).', "The gradient torch returns is exp(log_probs) − posterior: the logits' gradient of a log_softmax, folded in."],
    equivalents: [{ framework: 'Keras', name: 'keras.losses.CTC', note: 'batch-major (N, T, C); mean of raw losses' }, { framework: 'Optax', name: 'optax.ctc_loss', note: 'logits and paddings' }],
  },
};

export const TORCH_SEQUENCE: TorchSpec[] = [CTC];
