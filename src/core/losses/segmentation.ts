/**
 * Segmentation and box losses: Dice and Tversky (Keras 3, master semantics) and tfa GIoULoss (Keras 2 base).
 * Sources read: keras/src/losses/losses.py (dice, tversky), tensorflow_addons/losses/giou_loss.py.
 */
import type { Config, KernelContext, LossSpec } from '../spec';
import { LossInspectorError } from '../errors';
import { type Tensor, type Shape, broadcastShapes, broadcastIndex, broadcastTo, sumToShape, sizeOf, shapeStr, sameShape, stridesOf } from '../tensor';
import { shapeErr, warnOnce, normalizeAxes } from './common';

/**
 * For a reduction of `shape` over `axis` (None = every axis, keepdims=False), the output shape and, for every
 * input element, the flat index of the output element it is summed into. Throws like TF on a bad axis.
 */
function reduceIndex(ctx: KernelContext, shape: Shape, axis: Config[string], argument: string): { outShape: Shape; index: Int32Array } {
  const r = shape.length;
  const axes = normalizeAxes(ctx, shape, axis, `\`${argument}\``);
  const keep = [...Array(r).keys()].filter((d) => !axes.includes(d));
  const outShape = keep.map((d) => shape[d]);
  const outStrides = stridesOf(outShape);
  // stride of each input axis in the output (0 for reduced axes)
  const eff = new Array<number>(r).fill(0);
  keep.forEach((d, k) => { eff[d] = outStrides[k]; });
  const n = sizeOf(shape);
  const index = new Int32Array(n);
  const counter = new Array<number>(r).fill(0);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    index[i] = pos;
    for (let d = r - 1; d >= 0; d--) {
      counter[d]++;
      pos += eff[d];
      if (counter[d] < shape[d]) break;
      pos -= eff[d] * shape[d];
      counter[d] = 0;
    }
  }
  return { outShape, index };
}

function broadcastOrThrow(ctx: KernelContext, a: Shape, b: Shape, what: string): Shape {
  const s = broadcastShapes(a, b);
  if (!s) {
    throw new LossInspectorError(`${ctx.loss}: ${what}: shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast together.`,
      { loss: ctx.loss, argument: 'y_pred', code: 'shape', expected: `a shape compatible with ${shapeStr(a)}`, received: shapeStr(b) });
  }
  return s;
}

const AXIS_PARAM = {
  name: 'axis', type: 'axis' as const, default: null,
  doc: 'Axes summed over before the ratio. None (default) sums over EVERY axis, batch included, so the whole batch gives one scalar; use e.g. (1, 2, 3) for one value per image.',
};

/**
 * Keras 3 dice: 1 − 2·Σ_ax(t·p) / (Σ_ax t + Σ_ax p + ε). The intersection is taken over the broadcast of t and p,
 * but Σt and Σp over their own shapes, exactly as the Keras function does (so a (B,H,W,1) mask against a
 * (B,H,W,C) prediction counts the mask once in the denominator but C times in the intersection).
 */
const Dice: LossSpec = {
  id: 'Dice', framework: 'keras', family: 'segmentation', base: 'keras3',
  functionName: 'dice', defaultName: 'dice', aliases: [],
  foreignNames: ['optax.dice_loss', 'optax.binary_dice_loss', 'monai.losses.DiceLoss', 'DiceLoss', 'segmentation_models_pytorch.losses.DiceLoss', 'smp.losses.DiceLoss'],
  params: [{ ...AXIS_PARAM, position: 2 }],
  functionParams: [{ ...AXIS_PARAM, position: 0 }],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom',
  sweep: { kind: 'probability', range: [0, 1] },
  example: {
    yTrue: [[[[1], [1]], [[0], [0]]], [[[1], [1]], [[0], [0]]]],
    yPred: [[[[0.1], [0.8]], [[0.2], [0.7]]], [[[0.4], [0.3]], [[0.15], [0.9]]]],
    sampleWeight: [[1], [2]],
    config: { axis: [1, 2, 3] },
  },
  compute(t, p, cfg, ctx) {
    const bs = broadcastOrThrow(ctx, t.shape, p.shape, 'arguments `y_true` and `y_pred`');
    if (!sameShape(t.shape, p.shape)) {
      warnOnce(ctx.trace, 'dice-broadcast', `y_true ${shapeStr(t.shape)} and y_pred ${shapeStr(p.shape)} differ: Keras broadcasts them in the intersection Σ(t·p) over ${shapeStr(bs)}, but sums y_true and y_pred over their own shapes in the denominator. Reshape them to the same shape unless this is intended.`);
    }
    const tb = broadcastTo(t, bs).data, pb = broadcastTo(p, bs).data;
    const ri = reduceIndex(ctx, bs, cfg.axis, 'y_true * y_pred');
    const rt = reduceIndex(ctx, t.shape, cfg.axis, 'y_true');
    const rp = reduceIndex(ctx, p.shape, cfg.axis, 'y_pred');
    const I = new Float64Array(sizeOf(ri.outShape));
    for (let e = 0; e < tb.length; e++) I[ri.index[e]] += tb[e] * pb[e];
    const ST = new Float64Array(sizeOf(rt.outShape));
    for (let e = 0; e < t.data.length; e++) ST[rt.index[e]] += t.data[e];
    const SP = new Float64Array(sizeOf(rp.outShape));
    for (let e = 0; e < p.data.length; e++) SP[rp.index[e]] += p.data[e];
    const outShape = broadcastOrThrow(ctx, broadcastOrThrow(ctx, ri.outShape, rt.outShape, 'the reduced intersection and Σy_true'), rp.outShape, 'the reduced intersection and Σy_pred');
    const n = sizeOf(outShape);
    const iI = broadcastIndex(ri.outShape, outShape), iT = broadcastIndex(rt.outShape, outShape), iP = broadcastIndex(rp.outShape, outShape);
    const eps = ctx.epsilon;
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) values[k] = 1 - (2 * I[iI[k]]) / (ST[iT[k]] + SP[iP[k]] + eps);
    const up = ctx.upstream(outShape);
    const gI = new Float64Array(I.length), gSP = new Float64Array(SP.length);
    for (let k = 0; k < n; k++) {
      const den = ST[iT[k]] + SP[iP[k]] + eps;
      gI[iI[k]] += up[k] * (-2 / den);
      gSP[iP[k]] += up[k] * (2 * I[iI[k]] / (den * den));
    }
    const gb = new Float64Array(sizeOf(bs));
    for (let e = 0; e < gb.length; e++) gb[e] = gI[ri.index[e]] * tb[e];
    const grad = Float64Array.from(sumToShape(gb, bs, p.shape));
    for (let e = 0; e < grad.length; e++) grad[e] += gSP[rp.index[e]];
    return { values: { data: values, shape: outShape }, grad };
  },
  doc: {
    summary: 'Dice loss: one minus the soft Dice coefficient (overlap of prediction and mask).',
    formula: 'loss = 1 − 2·Σ_axis(y_true·y_pred) / (Σ_axis y_true + Σ_axis y_pred + ε), ε = 1e-7\naxis=None sums over every axis, batch included.',
    domain: 'y_true: masks, usually 0/1; y_pred: probabilities in [0, 1] (after sigmoid/softmax, not logits). Same shape after squeezing a trailing 1.',
    output: 'axis=None: ONE scalar for the whole batch (the reduction then does nothing). axis=(1,…,k): one value per sample, averaged by the default reduction sum_over_batch_size.',
    pitfalls: [
      'axis=None (the default) pools the whole batch into one Dice value: it is not the mean of per-image Dice scores. Pass axis=(1, 2, 3) for images to get one value per image.',
      'No clipping and no smoothing term besides ε: logits or values outside [0, 1] give losses below 0 or above 1 (the Keras test pair gives −0.5556).',
      'An image with an empty mask and an empty prediction gives 1 − 0/ε = 1, the worst value, although the prediction is perfect; optax and MONAI add smooth=1 to avoid this.',
      'y_true and y_pred of different shapes broadcast in the intersection only; the denominator sums each over its own shape.',
    ],
    equivalents: [
      { framework: 'Optax', name: 'optax.dice_loss(predictions, targets, smooth=1.0, apply_softmax=True, reduction="mean")', note: 'takes logits by default (applies softmax), adds smooth=1 to numerator and denominator, and reduces per class' },
      { framework: 'MONAI', name: 'monai.losses.DiceLoss(sigmoid=False, smooth_nr=1e-5, smooth_dr=1e-5)', note: 'per-sample, per-channel Dice with smoothing; not part of torch itself' },
      { framework: 'PyTorch', name: '—', note: 'no built-in Dice loss in torch.nn' },
    ],
  },
};

const ALPHA = { name: 'alpha', type: 'float' as const, default: 0.5, doc: 'Weight of the false positives Σ(1−y_true)·y_pred (Keras master; Keras ≤ 3.15 applied it to the false negatives).', ui: { min: 0, max: 1, step: 0.05 } };
const BETA = { name: 'beta', type: 'float' as const, default: 0.5, doc: 'Weight of the false negatives Σy_true·(1−y_pred) (Keras master; Keras ≤ 3.15 applied it to the false positives).', ui: { min: 0, max: 1, step: 0.05 } };

/** Tversky value of one reduced group from its TP, FP, FN sums. */
function tverskyOf(tp: number, fp: number, fn: number, a: number, b: number, eps: number): number {
  return 1 - tp / (tp + a * fp + b * fn + eps);
}

/** Keras 3 master tversky: TP=Σp·t, FP=Σ(1−t)·p, FN=Σt·(1−p); 1 − TP/(TP + α·FP + β·FN + ε), all sums over the broadcast. */
const Tversky: LossSpec = {
  id: 'Tversky', framework: 'keras', family: 'segmentation', base: 'keras3',
  functionName: 'tversky', defaultName: 'tversky', aliases: [],
  foreignNames: ['monai.losses.TverskyLoss', 'TverskyLoss', 'segmentation_models_pytorch.losses.TverskyLoss', 'smp.losses.TverskyLoss'],
  params: [{ ...ALPHA, position: 0 }, { ...BETA, position: 1 }, { ...AXIS_PARAM, position: 4 }],
  functionParams: [{ ...ALPHA, position: 0 }, { ...BETA, position: 1 }, { ...AXIS_PARAM, position: 2 }],
  defaultReduction: 'sum_over_batch_size', inputs: 'broadcast',
  sweep: { kind: 'probability', range: [0, 1] },
  example: {
    yTrue: [[[[1], [1]], [[0], [0]]], [[[1], [0]], [[0], [1]]]],
    yPred: [[[[0.1], [0.8]], [[0.2], [0.7]]], [[[0.4], [0.3]], [[0.15], [0.9]]]],
    sampleWeight: [[1.5], [0.5]],
    config: { alpha: 0.3, beta: 0.7, axis: [1, 2, 3] },
  },
  compute(t, p, cfg, ctx) {
    const a = ctx.round(cfg.alpha as number), b = ctx.round(cfg.beta as number);
    const red = reduceIndex(ctx, p.shape, cfg.axis, 'y_pred');
    const m = sizeOf(red.outShape);
    const TP = new Float64Array(m), FP = new Float64Array(m), FN = new Float64Array(m);
    const sFP = new Float64Array(m), sFN = new Float64Array(m);
    const td = t.data, pd = p.data;
    for (let e = 0; e < pd.length; e++) {
      const k = red.index[e];
      TP[k] += pd[e] * td[e];
      FP[k] += (1 - td[e]) * pd[e];
      FN[k] += td[e] * (1 - pd[e]);
      // Keras <= 3.15: inputs = y_true, targets = y_pred
      sFP[k] += (1 - pd[e]) * td[e];
      sFN[k] += pd[e] * (1 - td[e]);
    }
    const eps = ctx.epsilon;
    const values = new Float64Array(m);
    for (let k = 0; k < m; k++) values[k] = tverskyOf(TP[k], FP[k], FN[k], a, b, eps);
    if (a !== b) {
      const old = Array.from({ length: m }, (_, k) => tverskyOf(TP[k], sFP[k], sFN[k], a, b, eps));
      const differs = old.some((v, k) => Math.abs(v - values[k]) > 1e-6 * Math.max(1, Math.abs(v)));
      if (differs) {
        ctx.trace.notes.push(`alpha ≠ beta: Keras ≤ 3.15 swapped the roles of y_true and y_pred (alpha weighted the false negatives) and returns ${m === 1 ? old[0].toPrecision(8) : `[${old.slice(0, 8).map((v) => v.toPrecision(6)).join(', ')}${m > 8 ? ', …' : ''}]`} per ${m === 1 ? 'batch' : 'sample'} here; these numbers follow Keras master.`);
      }
    }
    const up = ctx.upstream(red.outShape);
    const grad = new Float64Array(pd.length);
    for (let e = 0; e < pd.length; e++) {
      const k = red.index[e];
      const den = TP[k] + a * FP[k] + b * FN[k] + eps;
      const d2 = den * den;
      const dTP = -(a * FP[k] + b * FN[k] + eps) / d2;
      const dFP = TP[k] * a / d2, dFN = TP[k] * b / d2;
      grad[e] = up[k] * (dTP * td[e] + dFP * (1 - td[e]) - dFN * td[e]);
    }
    return { values: { data: values, shape: red.outShape }, grad };
  },
  doc: {
    summary: 'Tversky loss: a Dice generalisation that weights false positives by alpha and false negatives by beta.',
    formula: 'TP = Σ_axis y_pred·y_true, FP = Σ_axis (1−y_true)·y_pred, FN = Σ_axis y_true·(1−y_pred)\nloss = 1 − TP / (TP + α·FP + β·FN + ε), ε = 1e-7',
    domain: 'y_true: masks, usually 0/1; y_pred: probabilities in [0, 1]. Shapes broadcast after squeezing a trailing 1.',
    output: 'axis=None: ONE scalar for the whole batch (the reduction then does nothing); axis=(1,…,k): one value per sample, default reduction sum_over_batch_size.',
    pitfalls: [
      'Keras ≤ 3.15 swapped the roles of y_true and y_pred, so alpha acted on the false negatives; the fix in master changes every result with alpha ≠ beta (the Keras test pair: −0.9444 now, −0.2963 before). Check which version trained your model.',
      'axis=None pools the whole batch into one value, like Dice; pass axis=(1, 2, 3) for per-image values.',
      'alpha = beta = 0.5 is exactly Dice; alpha + beta = 1 with beta > alpha penalises missed foreground more (the usual choice for small structures).',
      'No clipping: logits or values outside [0, 1] give negative FP/FN terms and losses outside [0, 1].',
    ],
    equivalents: [
      { framework: 'Optax', name: 'optax.dice_loss(..., alpha=0.5, beta=0.5)', note: 'its alpha/beta meaning matches Keras master; applies softmax to logits by default and adds smooth=1' },
      { framework: 'MONAI', name: 'monai.losses.TverskyLoss(alpha=0.5, beta=0.5)', note: 'alpha weights false positives, beta false negatives; per-sample/channel with smoothing' },
    ],
  },
};

const MODE_PARAM = { name: 'mode', type: 'enum' as const, default: 'giou', choices: ['giou', 'iou'], doc: "'giou' (default): 1 − GIoU, which still has a gradient when the boxes do not overlap; 'iou': 1 − IoU." };

/**
 * tfa giou_loss: boxes [ymin, xmin, ymax, xmax] on the last axis, y_true and y_pred broadcast over the other
 * axes; 1 − GIoU (or 1 − IoU), then every size-1 dimension squeezed. Gradients follow TF: maximum/minimum give
 * the full gradient to their first argument on ties, max(0, w) passes it only for w > 0, divide_no_nan is 0 at 0.
 */
const GIoULoss: LossSpec = {
  id: 'GIoULoss', framework: 'tfa', family: 'segmentation', base: 'keras2',
  functionName: 'giou_loss', defaultName: 'giou_loss', aliases: ['Addons>giou_loss'],
  foreignNames: ['torchvision.ops.generalized_box_iou_loss', 'generalized_box_iou_loss', 'torchvision.ops.distance_box_iou_loss', 'keras_cv.losses.GIoULoss'],
  params: [{ ...MODE_PARAM, position: 0 }],
  functionParams: [{ ...MODE_PARAM, position: 0 }],
  defaultReduction: 'sum_over_batch_size', inputs: 'custom', noSqueeze: true,
  sweep: { kind: 'raw', range: [0, 10] },
  example: {
    yTrue: [[4.0, 3.0, 7.0, 5.0], [5.0, 6.0, 10.0, 7.0], [1.0, 1.0, 3.0, 4.0]],
    yPred: [[3.2, 4.1, 6.3, 8.4], [9.0, 9.5, 11.0, 12.5], [1.5, 0.6, 2.7, 3.3]],
    sampleWeight: [0.5, 1.0, 2.0],
  },
  compute(t, p, cfg, ctx) {
    const giou = cfg.mode === 'giou';
    for (const [x, arg] of [[p, 'y_pred'], [t, 'y_true']] as [Tensor, string][]) {
      if (x.shape.length === 0 || x.shape[x.shape.length - 1] !== 4) {
        throw shapeErr(ctx, arg, 'boxes on the last axis, shape (..., 4) as [ymin, xmin, ymax, xmax]', x.shape);
      }
    }
    const sp = p.shape.slice(0, -1), st = t.shape.slice(0, -1);
    const bs = broadcastShapes(sp, st);
    if (!bs) {
      throw new LossInspectorError(`${ctx.loss}: the box batches of \`y_true\` ${shapeStr(t.shape)} and \`y_pred\` ${shapeStr(p.shape)} cannot be broadcast together.`,
        { loss: ctx.loss, argument: 'y_pred', code: 'shape', expected: `boxes broadcastable with ${shapeStr(t.shape)}`, received: shapeStr(p.shape) });
    }
    const n = sizeOf(bs);
    const ip = broadcastIndex(sp, bs), it = broadcastIndex(st, bs);
    const values = new Float64Array(n);
    const outShape = bs.filter((d) => d !== 1);
    // forward pass, keeping what the backward pass needs
    const saved: number[][] = [];
    for (let k = 0; k < n; k++) {
      const o1 = ip[k] * 4, o2 = it[k] * 4;
      const [y1, x1, y2, x2] = [p.data[o1], p.data[o1 + 1], p.data[o1 + 2], p.data[o1 + 3]];
      const [ty1, tx1, ty2, tx2] = [t.data[o2], t.data[o2 + 1], t.data[o2 + 2], t.data[o2 + 3]];
      const w1 = Math.max(0, x2 - x1), h1 = Math.max(0, y2 - y1);
      const w2 = Math.max(0, tx2 - tx1), h2 = Math.max(0, ty2 - ty1);
      const a1 = w1 * h1, a2 = w2 * h2;
      const iy1 = Math.max(y1, ty1), ix1 = Math.max(x1, tx1), iy2 = Math.min(y2, ty2), ix2 = Math.min(x2, tx2);
      const iw = Math.max(0, ix2 - ix1), ih = Math.max(0, iy2 - iy1);
      const I = iw * ih;
      const U = a1 + a2 - I;
      const iou = U === 0 ? 0 : I / U;
      let g = iou, E = 0, ew = 0, eh = 0;
      if (giou) {
        const ey1 = Math.min(y1, ty1), ex1 = Math.min(x1, tx1), ey2 = Math.max(y2, ty2), ex2 = Math.max(x2, tx2);
        ew = Math.max(0, ex2 - ex1); eh = Math.max(0, ey2 - ey1);
        E = ew * eh;
        g = iou - (E === 0 ? 0 : (E - U) / E);
      }
      values[k] = 1 - g;
      saved.push([w1, h1, iw, ih, I, U, E, ew, eh]);
    }
    const up = ctx.upstream(outShape);
    const grad = new Float64Array(p.data.length);
    for (let k = 0; k < n; k++) {
      const o1 = ip[k] * 4, o2 = it[k] * 4;
      const [y1, x1, y2, x2] = [p.data[o1], p.data[o1 + 1], p.data[o1 + 2], p.data[o1 + 3]];
      const [ty1, tx1, ty2, tx2] = [t.data[o2], t.data[o2 + 1], t.data[o2 + 2], t.data[o2 + 3]];
      const [w1, h1, iw, ih, I, U, E, ew, eh] = saved[k];
      const gG = -up[k];
      let gI = 0, gU = 0, gE = 0;
      if (U !== 0) { gI += gG / U; gU += -gG * I / (U * U); }
      if (giou && E !== 0) {
        const gF = -gG; // d/d[(E−U)/E]
        gE += gF / E - gF * (E - U) / (E * E);
        gU += -gF / E;
      }
      // U = a1 + a2 − I
      const ga1 = gU; gI -= gU;
      const giw = gI * ih, gih = gI * iw;
      const gw1 = ga1 * h1, gh1 = ga1 * w1;
      const gy = new Float64Array(4); // d/d[y1, x1, y2, x2]
      // widths/heights of the predicted box: max(0, w) passes the gradient only for w > 0
      if (x2 - x1 > 0) { gy[3] += gw1; gy[1] -= gw1; }
      if (y2 - y1 > 0) { gy[2] += gh1; gy[0] -= gh1; }
      // intersection: max(b1, b2) / min(b1, b2) give ties to b1 (the prediction)
      const ix2 = Math.min(x2, tx2), ix1 = Math.max(x1, tx1), iy2 = Math.min(y2, ty2), iy1 = Math.max(y1, ty1);
      if (ix2 - ix1 > 0) { if (x2 <= tx2) gy[3] += giw; if (x1 >= tx1) gy[1] -= giw; }
      if (iy2 - iy1 > 0) { if (y2 <= ty2) gy[2] += gih; if (y1 >= ty1) gy[0] -= gih; }
      if (giou) {
        const gew = gE * eh, geh = gE * ew;
        const ex2 = Math.max(x2, tx2), ex1 = Math.min(x1, tx1), ey2 = Math.max(y2, ty2), ey1 = Math.min(y1, ty1);
        if (ex2 - ex1 > 0) { if (x2 >= tx2) gy[3] += gew; if (x1 <= tx1) gy[1] -= gew; }
        if (ey2 - ey1 > 0) { if (y2 >= ty2) gy[2] += geh; if (y1 <= ty1) gy[0] -= geh; }
      }
      for (let c = 0; c < 4; c++) grad[o1 + c] += gy[c];
    }
    let invalid = 0;
    for (let k = 0; k < p.data.length; k += 4) if (p.data[k + 2] < p.data[k] || p.data[k + 3] < p.data[k + 1]) invalid++;
    if (invalid > 0) {
      warnOnce(ctx.trace, 'giou-inverted-box', `${invalid} predicted box(es) have ymax < ymin or xmax < xmin: tfa clamps their width/height to 0 (zero area, zero gradient through the size). Boxes must be [ymin, xmin, ymax, xmax]; torchvision uses [x1, y1, x2, y2].`);
    }
    return { values: { data: values, shape: outShape }, grad };
  },
  doc: {
    summary: 'Generalized IoU loss for axis-aligned boxes: 1 − GIoU, informative even when boxes do not overlap.',
    formula: 'IoU = I / U (0 when U = 0), U = area_pred + area_true − I\nGIoU = IoU − (E − U) / E, E = area of the smallest enclosing box (0 when E = 0)\nloss = 1 − GIoU (mode="giou") or 1 − IoU (mode="iou"), then size-1 dimensions squeezed',
    domain: 'Boxes on the last axis as [ymin, xmin, ymax, xmax] in any units; y_true and y_pred broadcast over the leading axes. Widths/heights are clamped at 0.',
    output: 'shape = broadcast of the box batch shapes with every size-1 dimension removed (one box pair gives a scalar); default reduction AUTO = sum_over_batch_size (Keras 2 base class).',
    pitfalls: [
      'Coordinate order is [ymin, xmin, ymax, xmax] (TF object-detection style); torchvision and most PyTorch code use [x1, y1, x2, y2]. Swapped axes silently give a different loss.',
      'GIoU loss lies in [0, 2]: 2 means far apart, not "wrong by 200%"; mode="iou" saturates at 1 and has no gradient for disjoint boxes.',
      'The result is squeezed of every size-1 dimension, so a (1, 4) pair returns a scalar and a sample_weight of shape (1,) still broadcasts.',
      'tfa is archived; KerasCV/KerasHub provide GIoU with a choice of box format.',
    ],
    equivalents: [
      { framework: 'PyTorch', name: "torchvision.ops.generalized_box_iou_loss(boxes1, boxes2, reduction='none', eps=1e-7)", note: 'boxes as (x1, y1, x2, y2) and eps added in the denominators' },
      { framework: 'KerasCV', name: 'keras_cv.losses.GIoULoss(bounding_box_format=...)', note: 'box format is an explicit argument' },
    ],
  },
};

export const SEGMENTATION: LossSpec[] = [Dice, Tversky, GIoULoss];
