/**
 * torch.nn.CTCLoss as torch 1.13 computes it on CPU (aten/src/ATen/native/LossCTC.cpp): the alpha/beta recursions in
 * log space, 'mean' divided by each target length, zero_infinity, and the backward torch returns — exp(log_probs) −
 * posterior, the gradient with respect to the logits of a log_softmax folded in.
 */
import type { TorchSpec } from '../types';
import { torchError, num, cSize } from '../base';
import { exp as fexp, log as flog } from '../../fastmath';

/**
 * log(e^a + e^b). The larger term is exp(0) = 1 exactly: one exp instead of two, the same sum. Once per sample (the
 * recursions write theirs out).
 */
function lse(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(1 + Math.exp(Math.min(a, b) - m));
}

/** r(x): x rounded to the loss dtype. */
const rd = (x: number, f32: boolean) => (f32 ? Math.fround(x) : x);

/**
 * The alpha recursion of sample b (log space, rounded to the loss dtype as torch stores it) into al[o + t·S + s];
 * returns the sample's negative log-likelihood. Each state log-adds its predecessors s − 1 and (where `skip`) s − 2 in
 * that order, lse written out: log(e^v + e^w) = max + log(1 + e^(min − max)). float32 takes fastmath's exp/log
 * (within 1 ulp of Math's in float64, rounded to float32 at every step: the same float32 numbers; Math.exp/log were
 * two thirds of the time); one call site each, in a loop over the two predecessors, so V8 inlines them (a second
 * site went over its inlining budget, and a call that is not inlined allocates the double it returns).
 */
function ctcAlpha(al: Float64Array, o: number, lp: Float64Array, ex: Int32Array, skip: Uint8Array, e0: number, S: number, Tb: number, N: number, C: number, b: number, f32: boolean): number {
  const row0 = b * C;
  al[o] = lp[row0 + ex[e0]];
  if (S > 1) al[o + 1] = lp[row0 + ex[e0 + 1]];
  for (let t = 1; t < Tb; t++) {
    const prev = o + (t - 1) * S, cur = o + t * S, row = (t * N + b) * C;
    for (let s = 0; s < S; s++) {
      let v = al[prev + s];
      for (let j = 1; j <= 2; j++) {
        if (j === 1 ? s === 0 : skip[e0 + s] === 0) continue;
        const w = al[prev + s - j];
        if (v === -Infinity) v = w;
        else if (w !== -Infinity) { const mx = Math.max(v, w), d = Math.min(v, w) - mx; v = mx + (f32 ? flog(1 + fexp(d)) : Math.log(1 + Math.exp(d))); }
      }
      al[cur + s] = v === -Infinity ? -Infinity : f32 ? Math.fround(Math.fround(v) + lp[row + ex[e0 + s]]) : v + lp[row + ex[e0 + s]];
    }
  }
  const last = o + (Tb - 1) * S;
  return -rd(S > 1 ? lse(al[last + S - 1], al[last + S - 2]) : al[last], f32);
}

/** The beta recursion of sample b into be[o + t·S + s], from the last frame back (successors s + 1, then s + 2). */
function ctcBeta(be: Float64Array, o: number, lp: Float64Array, ex: Int32Array, skip: Uint8Array, e0: number, S: number, Tb: number, N: number, C: number, b: number, f32: boolean): void {
  const last = o + (Tb - 1) * S, lrow = ((Tb - 1) * N + b) * C;
  be[last + S - 1] = lp[lrow + ex[e0 + S - 1]];
  if (S > 1) be[last + S - 2] = lp[lrow + ex[e0 + S - 2]];
  for (let t = Tb - 2; t >= 0; t--) {
    const next = o + (t + 1) * S, cur = o + t * S, row = (t * N + b) * C;
    for (let s = 0; s < S; s++) {
      let v = be[next + s];
      for (let j = 1; j <= 2; j++) {
        // s → s + 2 where s + 2 may come from s (a label differing from the one two states on)
        if (j === 1 ? s === S - 1 : s + 2 >= S || skip[e0 + s + 2] === 0) continue;
        const w = be[next + s + j];
        if (v === -Infinity) v = w;
        else if (w !== -Infinity) { const mx = Math.max(v, w), d = Math.min(v, w) - mx; v = mx + (f32 ? flog(1 + fexp(d)) : Math.log(1 + Math.exp(d))); }
      }
      be[cur + s] = v === -Infinity ? -Infinity : f32 ? Math.fround(Math.fround(v) + lp[row + ex[e0 + s]]) : v + lp[row + ex[e0 + s]];
    }
  }
}

/**
 * lcab of one frame: the log-sum of alpha·beta over the states of each class (in state order), into lcab[class];
 * the last frame assigns its two entries instead, as torch does ("a blank and a non-blank, so different": for a label
 * equal to blank the second overwrites the first).
 */
function ctcLcab(lcab: Float64Array, al: Float64Array, be: Float64Array, ts: number, ex: Int32Array, e0: number, S: number, lastFrame: boolean, f32: boolean): void {
  if (lastFrame) {
    lcab[ex[e0]] = al[ts + S - 1] + be[ts + S - 1];
    if (S > 1) lcab[ex[e0 + S - 2]] = al[ts + S - 2] + be[ts + S - 2];
    return;
  }
  for (let s = 0; s < S; s++) {
    const e = ex[e0 + s], v = lcab[e], w = al[ts + s] + be[ts + s];
    if (v === -Infinity) lcab[e] = w;
    else if (w !== -Infinity) { const mx = Math.max(v, w), d = Math.min(v, w) - mx; lcab[e] = mx + (f32 ? flog(1 + fexp(d)) : Math.log(1 + Math.exp(d))); }
  }
}

/**
 * The gradient of sample b, frame by frame: exp(log_probs) − exp(lcab + nll − log_probs), lcab the log-sum of
 * alpha·beta over the states of each class, times the upstream u; in the loss dtype, as torch's kernel (the difference
 * of two near-equal terms carries float32's rounding). A class on no path (not in `classes`) has lcab −∞: its
 * posterior term is exp(−∞) = 0, unless nll or log_probs make it NaN. `ep` holds the frame's exp(log_probs).
 */
function ctcGrad(g: Float64Array, lp: Float64Array, al: Float64Array, be: Float64Array, o: number, ex: Int32Array, e0: number, S: number, Tb: number, N: number, C: number, b: number, u: number, nllb: number, lcab: Float64Array, ep: Float64Array, classes: Int32Array, nc: number, f32: boolean): void {
  const nllFinite = Number.isFinite(nllb);
  for (let t = 0; t < Tb; t++) {
    const k0 = (t * N + b) * C;
    ctcLcab(lcab, al, be, o + t * S, ex, e0, S, t === Tb - 1, f32);
    for (let c = 0; c < C; c++) {
      const v = lp[k0 + c], e = f32 ? Math.fround(fexp(v)) : Math.exp(v);
      ep[c] = e;
      // exp(±∞/NaN) is exact in either exp: Math's here
      g[k0 + c] = nllFinite && v > -Infinity ? rd(u * e, f32) : rd(u * (e - rd(Math.exp(rd(rd(-Infinity + nllb, f32) - v, f32)), f32)), f32);
    }
    for (let q = 0; q < nc; q++) {
      const c = classes[q], v = lp[k0 + c], lc = lcab[c];
      if (!(lc === -Infinity && nllFinite && v > -Infinity)) {
        const pa = f32 ? Math.fround(Math.fround(Math.fround(lc) + nllb) - v) : lc + nllb - v;
        g[k0 + c] = rd(u * (ep[c] - (f32 ? Math.fround(fexp(pa)) : Math.exp(pa))), f32);
      }
      lcab[c] = -Infinity;
    }
  }
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
    const blank = num(cfg, 'blank'), zeroInf = !!cfg.zero_infinity;
    if (il.data.length !== N || tl.data.length !== N) throw torchError(ctx.loss, 'input_lengths', 'RuntimeError', `input_lengths must be of size batch_size`, { expected: `${N} lengths`, received: String(il.data.length), code: 'shape' });
    for (const v of il.data) if (v > T) throw torchError(ctx.loss, 'input_lengths', 'RuntimeError', `Expected input_lengths to have value at most ${T}, but got value ${v} (while checking arguments for ctc_loss_cpu)`, { expected: `lengths ≤ T = ${T}`, received: String(v), code: 'shape' });
    const f32 = ctx.dtype === 'float32', lpd = lp.data, tgd = tg.data, padded = batched && tg.shape.length === 2;
    // every sample's extended label sequence (blank, l1, blank, l2, …, blank) and whether state s may come from s − 2
    // (a label differing from the one before it), flat, at exOff[b]; its alpha and beta tables (T × S' each) in two
    // buffers at tabOff[b]. Typed arrays and plain loops: the closures and per-sample arrays cost more than the math.
    const exOff = new Int32Array(N + 1), tabOff = new Int32Array(N + 1);
    for (let b = 0; b < N; b++) { const S = 2 * tl.data[b] + 1; exOff[b + 1] = exOff[b] + S; tabOff[b + 1] = tabOff[b] + T * S; }
    const ex = new Int32Array(exOff[N]), skip = new Uint8Array(exOff[N]);
    let off = 0;
    for (let b = 0; b < N; b++) {
      const L = tl.data[b], e0 = exOff[b];
      for (let j = 0; j < L; j++) ex[e0 + 2 * j + 1] = padded ? tgd[b * tg.shape[1] + j] : tgd[off + j];
      for (let j = 0; j <= L; j++) ex[e0 + 2 * j] = blank;
      for (let s = 3; s < 2 * L + 1; s += 2) skip[e0 + s] = ex[e0 + s] !== ex[e0 + s - 2] ? 1 : 0;
      off += L;
    }
    const nll = new Float64Array(N);
    const alBuf = new Float64Array(tabOff[N]).fill(-Infinity), beBuf = new Float64Array(tabOff[N]).fill(-Infinity);
    for (let b = 0; b < N; b++) {
      const S = exOff[b + 1] - exOff[b], Tb = il.data[b];
      if (Tb > 0) {
        nll[b] = ctcAlpha(alBuf, tabOff[b], lpd, ex, skip, exOff[b], S, Tb, N, C, b, f32);
        ctcBeta(beBuf, tabOff[b], lpd, ex, skip, exOff[b], S, Tb, N, C, b, f32);
      } else nll[b] = S === 1 ? 0 : Infinity;
    }
    const none = new Float64Array(N);
    for (let b = 0; b < N; b++) none[b] = zeroInf && nll[b] === Infinity ? 0 : nll[b];
    const scale = new Float64Array(N);
    for (let b = 0; b < N; b++) scale[b] = 1 / (N * Math.max(tl.data[b], 1));
    return {
      none: { data: none, shape: batched ? [N] : [] },
      mean: { divisor: N, text: 'the batch, after dividing each loss by its target length', scale },
      // the gradient is rounded where it is written
      fresh: true, rounded: true,
      backward(up) {
        const g = new Float64Array(lpd.length);
        const lcab = new Float64Array(C).fill(-Infinity), ep = new Float64Array(C), onPath = new Uint8Array(C), classes = new Int32Array(C);
        for (let b = 0; b < N; b++) {
          if (zeroInf && nll[b] === Infinity) continue;
          // the classes of the sample's extended labels: every other class has lcab −∞ at every frame
          const e0 = exOff[b], S = exOff[b + 1] - e0;
          let nc = 0;
          for (let s = 0; s < S; s++) { const e = ex[e0 + s]; if (!onPath[e]) { onPath[e] = 1; classes[nc++] = e; } }
          for (let q = 0; q < nc; q++) onPath[classes[q]] = 0;
          ctcGrad(g, lpd, alBuf, beBuf, tabOff[b], ex, e0, S, il.data[b], N, C, b, up[b], nll[b], lcab, ep, classes, nc, f32);
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
