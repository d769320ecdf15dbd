/**
 * Differentiable tensor operations on autodiff Nodes, NumPy broadcasting, TF gradient conventions:
 * maximum/minimum give the whole gradient to the first argument at ties, abs'(0) = sign(0) = 0,
 * reduce_max/min split the gradient equally among tied extrema, clip_by_value passes it on [lo, hi].
 * Shape errors are LossInspectorErrors that name the op and both shapes.
 */
import { Shape, sizeOf, sameShape, broadcastShapes, broadcastIndex, sumToShape, stridesOf, shapeStr } from '../tensor';
import { LossInspectorError } from '../errors';
import { Node, DType, Budget, makeNode, scalarNode, alloc, budgetOf } from './autodiff';

const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/** NumPy-style promotion of two dtypes (TF would refuse mixed dtypes; we note them instead). */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}
export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';
const floatOf = (d: DType): DType => (isFloat(d) ? d : 'float64');

export function opError(op: string, message: string, extra: Record<string, string> = {}): LossInspectorError {
  return new LossInspectorError(`${op}: ${message}`, { code: 'op', ...extra });
}

// ---------------------------------------------------------------- elementwise unary

/** y = f(x) elementwise; dy/dx = df(x, y). */
export function unary(op: string, x: Node, f: (v: number) => number, df: ((v: number, y: number) => number) | null, dtype?: DType): Node {
  const n = x.size;
  const xd = x.data;
  const out = alloc(n, op, x.budget);
  for (let i = 0; i < n; i++) out[i] = f(xd[i]);
  return makeNode(op, out, x.shape, dtype ?? floatOf(x.dtype), [x], df ? (g) => {
    const gx = new Float64Array(n);
    for (let i = 0; i < n; i++) gx[i] = g[i] === 0 ? 0 : g[i] * df(xd[i], out[i]);
    return [gx];
  } : null);
}

const sgn = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN);
const softplus1 = (v: number): number => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))); // stable log(1+e^v)
const sigmoid1 = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

export const neg = (x: Node): Node => unary('negative', x, (v) => -v, () => -1, x.dtype === 'bool' ? 'int64' : x.dtype);
export const square = (x: Node): Node => unary('square', x, (v) => v * v, (v) => 2 * v, x.dtype === 'bool' ? 'int64' : x.dtype);
export const sqrt = (x: Node): Node => unary('sqrt', x, Math.sqrt, (_v, y) => 0.5 / y);
export const abs = (x: Node): Node => unary('abs', x, Math.abs, (v) => sgn(v), x.dtype);
export const exp = (x: Node): Node => unary('exp', x, Math.exp, (_v, y) => y);
export const expm1 = (x: Node): Node => unary('expm1', x, Math.expm1, (v) => Math.exp(v));
export const log = (x: Node): Node => unary('log', x, Math.log, (v) => 1 / v);
export const log1p = (x: Node): Node => unary('log1p', x, Math.log1p, (v) => 1 / (1 + v));
export const sign = (x: Node): Node => unary('sign', x, sgn, () => 0, x.dtype);
export const sigmoid = (x: Node): Node => unary('sigmoid', x, sigmoid1, (_v, y) => y * (1 - y));
export const softplus = (x: Node): Node => unary('softplus', x, softplus1, (v) => sigmoid1(v));
export const relu = (x: Node): Node => unary('relu', x, (v) => (v > 0 ? v : v === v ? 0 : NaN), (v) => (v > 0 ? 1 : 0), x.dtype);
export const tanh = (x: Node): Node => unary('tanh', x, Math.tanh, (_v, y) => 1 - y * y);
export const sin = (x: Node): Node => unary('sin', x, Math.sin, (v) => Math.cos(v));
export const cos = (x: Node): Node => unary('cos', x, Math.cos, (v) => -Math.sin(v));
export const cosh = (x: Node): Node => unary('cosh', x, Math.cosh, (v) => Math.sinh(v));
export const sinh = (x: Node): Node => unary('sinh', x, Math.sinh, (v) => Math.cosh(v));
export const reciprocal = (x: Node): Node => unary('reciprocal', x, (v) => 1 / v, (_v, y) => -y * y);
export const rsqrt = (x: Node): Node => unary('rsqrt', x, (v) => 1 / Math.sqrt(v), (_v, y) => -0.5 * y * y * y);
export const floor = (x: Node): Node => unary('floor', x, Math.floor, () => 0, x.dtype);
export const ceil = (x: Node): Node => unary('ceil', x, Math.ceil, () => 0, x.dtype);
/** Round half to even, like np.round / tf.round. */
export const round = (x: Node): Node => unary('round', x, (v) => { const r = Math.round(v); return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; }, () => 0, x.dtype);
export const logicalNot = (x: Node): Node => unary('logical_not', x, (v) => (v ? 0 : 1), null, 'bool');
export const isnan = (x: Node): Node => unary('is_nan', x, (v) => (Number.isNaN(v) ? 1 : 0), null, 'bool');
/** log(sigmoid(x)) = −softplus(−x), stable. */
export const logSigmoid = (x: Node): Node => unary('log_sigmoid', x, (v) => -softplus1(-v), (v) => sigmoid1(-v));

/** Casts to `dtype`: float→int truncates toward zero (like tf.cast), →bool is x≠0. Gradient flows between floats only. */
export function cast(x: Node, dtype: DType): Node {
  if (dtype === x.dtype) return x;
  const f = dtype === 'bool' ? (v: number) => (v !== 0 ? 1 : 0)
    : dtype === 'float32' ? Math.fround
      : dtype === 'float64' ? (v: number) => v : Math.trunc;
  const differentiable = isFloat(dtype) && isFloat(x.dtype);
  return unary('cast', x, f, differentiable ? () => 1 : null, dtype);
}

// ---------------------------------------------------------------- broadcasting binary

export function broadcastable(a: Shape, b: Shape): boolean {
  return broadcastShapes(a, b) !== null;
}

function bshape(op: string, a: Shape, b: Shape): Shape {
  const s = broadcastShapes(a, b);
  if (!s) throw opError(op, `shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast together.`, { expected: `a shape compatible with ${shapeStr(a)}`, received: shapeStr(b) });
  return s;
}

/**
 * out = f(a, b) under broadcasting. `da`/`db` give ∂f/∂a and ∂f/∂b at (a, b, out) (null: no gradient).
 */
export function binary(op: string, a: Node, b: Node, f: (x: number, y: number) => number,
  da: ((x: number, y: number, o: number) => number) | null, db: ((x: number, y: number, o: number) => number) | null, dtype?: DType): Node {
  const shape = bshape(op, a.shape, b.shape);
  const n = sizeOf(shape);
  const ad = a.data, bd = b.data;
  const out = alloc(n, op, budgetOf([a, b]));
  let ia: Int32Array | null = null, ib: Int32Array | null = null;
  if (sameShape(a.shape, shape) && sameShape(b.shape, shape)) {
    for (let i = 0; i < n; i++) out[i] = f(ad[i], bd[i]);
  } else if (sameShape(a.shape, shape) && b.size === 1) {
    const y = bd[0];
    for (let i = 0; i < n; i++) out[i] = f(ad[i], y);
    ib = new Int32Array(n);
    ia = null;
  } else if (sameShape(b.shape, shape) && a.size === 1) {
    const x = ad[0];
    for (let i = 0; i < n; i++) out[i] = f(x, bd[i]);
    ia = new Int32Array(n);
  } else {
    ia = sameShape(a.shape, shape) ? null : broadcastIndex(a.shape, shape);
    ib = sameShape(b.shape, shape) ? null : broadcastIndex(b.shape, shape);
    for (let i = 0; i < n; i++) out[i] = f(ad[ia ? ia[i] : i], bd[ib ? ib[i] : i]);
  }
  const dt = dtype ?? promote(a.dtype, b.dtype);
  const needA = da !== null && a.requiresGrad, needB = db !== null && b.requiresGrad;
  return makeNode(op, out, shape, dt, [a, b], needA || needB ? (g) => {
    let gA: Float64Array | null = null, gB: Float64Array | null = null;
    if (needA) {
      const full = new Float64Array(n);
      for (let i = 0; i < n; i++) if (g[i] !== 0) full[i] = g[i] * da!(ad[ia ? ia[i] : i], bd[ib ? ib[i] : i], out[i]);
      gA = sumToShape(full, shape, a.shape);
    }
    if (needB) {
      const full = new Float64Array(n);
      for (let i = 0; i < n; i++) if (g[i] !== 0) full[i] = g[i] * db!(ad[ia ? ia[i] : i], bd[ib ? ib[i] : i], out[i]);
      gB = sumToShape(full, shape, b.shape);
    }
    return [gA, gB];
  } : null);
}

export const add = (a: Node, b: Node): Node => binary('add', a, b, (x, y) => x + y, () => 1, () => 1);
export const sub = (a: Node, b: Node): Node => binary('subtract', a, b, (x, y) => x - y, () => 1, () => -1);
export const mul = (a: Node, b: Node): Node => binary('multiply', a, b, (x, y) => x * y, (_x, y) => y, (x) => x);
/** True division (ints give floats, as Python 3 and tf.math.truediv). */
export const div = (a: Node, b: Node): Node => binary('divide', a, b, (x, y) => x / y, (_x, y) => 1 / y, (_x, y, o) => -o / y,
  floatOf(promote(a.dtype, b.dtype)));
/** Python floor division. */
export const floordiv = (a: Node, b: Node): Node => binary('floordiv', a, b, (x, y) => Math.floor(x / y), () => 0, () => 0);
/** Python modulo (sign of the divisor). */
export const mod = (a: Node, b: Node): Node => binary('mod', a, b, (x, y) => x - Math.floor(x / y) * y, () => 1, (x, y) => -Math.floor(x / y));
/** x ** y; d/dx = y·x^(y−1), d/dy = x^y·log x (0 where x = 0, as TF). */
export const pow = (a: Node, b: Node): Node => binary('pow', a, b, (x, y) => Math.pow(x, y),
  (x, y) => (y === 0 ? 0 : y * Math.pow(x, y - 1)), (x, _y, o) => (x === 0 ? 0 : o * Math.log(x)));
/** TF: the gradient goes to `a` where a ≥ b (ties to the first argument). */
export const maximum = (a: Node, b: Node): Node => binary('maximum', a, b, (x, y) => (x !== x || y !== y ? NaN : x >= y ? x : y),
  (x, y) => (x >= y ? 1 : 0), (x, y) => (x >= y ? 0 : 1));
/** TF: the gradient goes to `a` where a ≤ b. */
export const minimum = (a: Node, b: Node): Node => binary('minimum', a, b, (x, y) => (x !== x || y !== y ? NaN : x <= y ? x : y),
  (x, y) => (x <= y ? 1 : 0), (x, y) => (x <= y ? 0 : 1));
export const squaredDifference = (a: Node, b: Node): Node => binary('squared_difference', a, b, (x, y) => (x - y) * (x - y), (x, y) => 2 * (x - y), (x, y) => -2 * (x - y));

type Cmp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
const CMP: Record<Cmp, (x: number, y: number) => number> = {
  eq: (x, y) => +(x === y), ne: (x, y) => +(x !== y), lt: (x, y) => +(x < y), le: (x, y) => +(x <= y), gt: (x, y) => +(x > y), ge: (x, y) => +(x >= y),
};
/** Elementwise comparison: a bool tensor, no gradient. */
export const compare = (op: Cmp, a: Node, b: Node): Node => binary(op === 'eq' ? 'equal' : op === 'ne' ? 'not_equal' : op === 'lt' ? 'less' : op === 'le' ? 'less_equal' : op === 'gt' ? 'greater' : 'greater_equal',
  a, b, CMP[op], null, null, 'bool');
export const logicalAnd = (a: Node, b: Node): Node => binary('logical_and', a, b, (x, y) => +(x !== 0 && y !== 0), null, null, 'bool');
export const logicalOr = (a: Node, b: Node): Node => binary('logical_or', a, b, (x, y) => +(x !== 0 || y !== 0), null, null, 'bool');

/** where(cond, x, y) under three-way broadcasting; the gradient goes to x where cond, to y elsewhere. */
export function where(cond: Node, x: Node, y: Node): Node {
  const s1 = bshape('where', cond.shape, x.shape);
  const shape = bshape('where', s1, y.shape);
  const n = sizeOf(shape);
  budgetOf([cond, x, y])?.precheck(n, 'where');
  const ic = broadcastIndex(cond.shape, shape), ix = broadcastIndex(x.shape, shape), iy = broadcastIndex(y.shape, shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = cond.data[ic[i]] ? x.data[ix[i]] : y.data[iy[i]];
  return makeNode('where', out, shape, promote(x.dtype, y.dtype), [cond, x, y], (g) => {
    const gx = new Float64Array(n), gy = new Float64Array(n);
    for (let i = 0; i < n; i++) { if (cond.data[ic[i]]) gx[i] = g[i]; else gy[i] = g[i]; }
    return [null, x.requiresGrad ? sumToShape(gx, shape, x.shape) : null, y.requiresGrad ? sumToShape(gy, shape, y.shape) : null];
  });
}

/** tf.clip_by_value: the gradient passes to x where lo ≤ x ≤ hi, to lo where x < lo, to hi where x > hi. */
export function clip(x: Node, lo: Node, hi: Node): Node {
  const shape = bshape('clip_by_value', bshape('clip_by_value', x.shape, lo.shape), hi.shape);
  const n = sizeOf(shape);
  budgetOf([x, lo, hi])?.precheck(n, 'clip_by_value');
  const ix = broadcastIndex(x.shape, shape), il = broadcastIndex(lo.shape, shape), ih = broadcastIndex(hi.shape, shape);
  const out = new Float64Array(n);
  const which = new Int8Array(n); // 0: x, 1: lo, 2: hi
  for (let i = 0; i < n; i++) {
    const v = x.data[ix[i]], l = lo.data[il[i]], h = hi.data[ih[i]];
    if (v < l) { which[i] = 1; out[i] = l; } else if (v > h) { which[i] = 2; out[i] = h; } else out[i] = v;
    if (l > h) out[i] = h; // np.clip with lo > hi returns hi
  }
  return makeNode('clip_by_value', out, shape, x.dtype, [x, lo, hi], (g) => {
    const parts = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (let i = 0; i < n; i++) parts[which[i]][i] = g[i];
    return [sumToShape(parts[0], shape, x.shape), lo.requiresGrad ? sumToShape(parts[1], shape, lo.shape) : null, hi.requiresGrad ? sumToShape(parts[2], shape, hi.shape) : null];
  });
}

// ---------------------------------------------------------------- shape ops

/** Normalises an axis (negative counts from the end); throws naming the op. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1) || (rank === 0 && axis !== 0 && axis !== -1)) {
    throw opError(op, `axis ${axis} is out of bounds for a tensor of rank ${rank}.`, { argument: 'axis', expected: `an axis in [${-rank}, ${rank - 1}]`, received: String(axis) });
  }
  return axis < 0 ? axis + rank : axis;
}

/** Same data, another shape (one −1 is inferred). */
export function reshape(x: Node, shape: number[]): Node {
  const s = shape.slice();
  const neg1 = s.indexOf(-1);
  if (neg1 >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== neg1));
    if (rest === 0 || x.size % rest !== 0) throw opError('reshape', `cannot reshape a tensor of ${x.size} elements into shape ${shapeStr(shape)}.`);
    s[neg1] = x.size / rest;
  }
  if (s.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(s) !== x.size) {
    throw opError('reshape', `cannot reshape a tensor of shape ${shapeStr(x.shape)} (${x.size} elements) into shape ${shapeStr(shape)}.`, { expected: `a shape of ${x.size} elements`, received: shapeStr(shape) });
  }
  const node = makeNode('reshape', x.data, s, x.dtype, [x], (g) => [g]);
  return node;
}

export function expandDims(x: Node, axis: number): Node {
  const ax = normAxis('expand_dims', axis, x.shape.length + 1);
  const s = x.shape.slice();
  s.splice(ax, 0, 1);
  return reshape(x, s);
}

export function squeeze(x: Node, axis: number | number[] | null): Node {
  const r = x.shape.length;
  const axes = axis === null ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : (Array.isArray(axis) ? axis : [axis]).map((a) => normAxis('squeeze', a, r));
  for (const a of axes) if (x.shape[a] !== 1) throw opError('squeeze', `cannot squeeze axis ${a} of size ${x.shape[a]} (shape ${shapeStr(x.shape)}).`);
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Permutes axes (default: reversed, like tf.transpose and ndarray.T). */
export function transpose(x: Node, perm?: number[] | null): Node {
  const r = x.shape.length;
  const p = perm ?? x.shape.map((_, i) => r - 1 - i);
  if (p.length !== r || [...p].map((a) => normAxis('transpose', a, r)).sort((u, v) => u - v).some((a, i) => a !== i)) {
    throw opError('transpose', `perm ${shapeStr(p)} is not a permutation of the ${r} axes of shape ${shapeStr(x.shape)}.`);
  }
  const pp = p.map((a) => normAxis('transpose', a, r));
  const outShape = pp.map((a) => x.shape[a]);
  const n = x.size;
  const inStr = stridesOf(x.shape);
  const idx = new Int32Array(n); // out flat → in flat
  const cnt = new Array<number>(r).fill(0);
  const eff = pp.map((a) => inStr[a]);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = pos;
    for (let ax = r - 1; ax >= 0; ax--) {
      cnt[ax]++; pos += eff[ax];
      if (cnt[ax] < outShape[ax]) break;
      pos -= eff[ax] * outShape[ax]; cnt[ax] = 0;
    }
  }
  return gather('transpose', x, idx, outShape);
}

/** out[k] = x[idx[k]]; the gradient scatters back (adds at repeated indices). */
export function gather(op: string, x: Node, idx: Int32Array, outShape: Shape, dtype?: DType): Node {
  const out = alloc(idx.length, op, x.budget);
  for (let k = 0; k < idx.length; k++) out[k] = x.data[idx[k]];
  const n = x.size;
  return makeNode(op, out, outShape, dtype ?? x.dtype, [x], (g) => {
    const gx = new Float64Array(n);
    for (let k = 0; k < idx.length; k++) gx[idx[k]] += g[k];
    return [gx];
  });
}

/** Materialises x broadcast to `shape` (tf.broadcast_to, ones_like-style helpers). */
export function broadcastTo(x: Node, shape: Shape): Node {
  const s = bshape('broadcast_to', x.shape, shape);
  if (!sameShape(s, shape)) throw opError('broadcast_to', `cannot broadcast shape ${shapeStr(x.shape)} to ${shapeStr(shape)}.`);
  if (sameShape(x.shape, shape)) return x;
  return gather('broadcast_to', x, broadcastIndex(x.shape, shape), shape);
}

/** Splits along `axis` into equal parts (a number) or the given sizes (one may be −1). */
export function split(x: Node, sizesOrNum: number | number[], axis: number): Node[] {
  const r = x.shape.length;
  const ax = normAxis('split', axis, r);
  const dim = x.shape[ax];
  let sizes: number[];
  if (typeof sizesOrNum === 'number') {
    if (!Number.isInteger(sizesOrNum) || sizesOrNum <= 0 || dim % sizesOrNum !== 0) {
      throw opError('split', `cannot split axis ${ax} of size ${dim} (shape ${shapeStr(x.shape)}) into ${sizesOrNum} equal parts.`,
        { argument: 'num_or_size_splits', expected: `a divisor of ${dim}`, received: String(sizesOrNum) });
    }
    sizes = new Array(sizesOrNum).fill(dim / sizesOrNum);
  } else {
    sizes = sizesOrNum.slice();
    const neg = sizes.indexOf(-1);
    if (neg >= 0) sizes[neg] = dim - sizes.reduce((s, v, i) => (i === neg ? s : s + v), 0);
    if (sizes.some((v) => v < 0) || sizes.reduce((s, v) => s + v, 0) !== dim) {
      throw opError('split', `sizes ${shapeStr(sizesOrNum)} do not add up to ${dim}, the size of axis ${ax} (shape ${shapeStr(x.shape)}).`,
        { argument: 'num_or_size_splits', expected: `sizes adding up to ${dim}`, received: shapeStr(sizesOrNum) });
    }
  }
  const outs: Node[] = [];
  let start = 0;
  for (const sz of sizes) {
    outs.push(sliceAxis(x, ax, start, sz, 1));
    start += sz;
  }
  return outs;
}

/** x[..., start : start+len*step : step, ...] along one axis. */
export function sliceAxis(x: Node, ax: number, start: number, len: number, step: number): Node {
  const shape = x.shape.slice();
  shape[ax] = len;
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const dim = x.shape[ax];
  const idx = new Int32Array(outer * len * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) for (let j = 0; j < len; j++) {
    const base = (o * dim + start + j * step) * inner;
    for (let i = 0; i < inner; i++) idx[k++] = base + i;
  }
  return gather('slice', x, idx, shape);
}

/** Joins tensors along an existing axis. */
export function concat(xs: Node[], axis: number): Node {
  if (xs.length === 0) throw opError('concat', 'needs at least one tensor.');
  const r = xs[0].shape.length;
  if (r === 0) throw opError('concat', 'cannot concatenate scalars (rank 0); use stack.');
  const ax = normAxis('concat', axis, r);
  for (const x of xs) {
    if (x.shape.length !== r || x.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])) {
      throw opError('concat', `shapes ${xs.map((t) => shapeStr(t.shape)).join(', ')} differ outside axis ${ax}.`);
    }
  }
  const shape = xs[0].shape.slice();
  shape[ax] = xs.reduce((s, x) => s + x.shape[ax], 0);
  const outer = sizeOf(shape.slice(0, ax));
  const inner = sizeOf(shape.slice(ax + 1));
  const out = new Float64Array(sizeOf(shape));
  let dtype = xs[0].dtype;
  for (const x of xs) dtype = promote(dtype, x.dtype);
  const rowOut = shape[ax] * inner;
  let off = 0;
  const offs: number[] = [];
  for (const x of xs) {
    offs.push(off);
    const rowIn = x.shape[ax] * inner;
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * rowIn, (o + 1) * rowIn), o * rowOut + off);
    off += rowIn;
  }
  return makeNode('concat', out, shape, dtype, xs, (g) => xs.map((x, j) => {
    if (!x.requiresGrad) return null;
    const rowIn = x.shape[ax] * inner;
    const gx = new Float64Array(x.size);
    for (let o = 0; o < outer; o++) gx.set(g.subarray(o * rowOut + offs[j], o * rowOut + offs[j] + rowIn), o * rowIn);
    return gx;
  }));
}

/** Joins same-shaped tensors along a new axis. */
export function stack(xs: Node[], axis: number): Node {
  if (xs.length === 0) throw opError('stack', 'needs at least one tensor.');
  for (const x of xs) if (!sameShape(x.shape, xs[0].shape)) throw opError('stack', `all tensors must have the same shape, received ${xs.map((t) => shapeStr(t.shape)).join(', ')}.`);
  const ax = normAxis('stack', axis, xs[0].shape.length + 1);
  return concat(xs.map((x) => expandDims(x, ax)), ax);
}

// ---------------------------------------------------------------- reductions

/** Axes to reduce: null = all. Returns sorted normalised axes. */
export function reduceAxes(op: string, axis: number | number[] | null | undefined, rank: number): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => normAxis(op, a, rank));
  return [...new Set(axes)].sort((a, b) => a - b);
}

/** For each input element, the flat index of its output element (reduced axes collapsed). */
function reduceMap(shape: Shape, axes: number[]): { map: Int32Array; outKeep: Shape; outSize: number } {
  const r = shape.length;
  const outKeep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const ostr = stridesOf(outKeep);
  const eff = shape.map((_, i) => (axes.includes(i) ? 0 : ostr[i]));
  const n = sizeOf(shape);
  const map = new Int32Array(n);
  const cnt = new Array<number>(r).fill(0);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    map[k] = pos;
    for (let ax = r - 1; ax >= 0; ax--) {
      cnt[ax]++; pos += eff[ax];
      if (cnt[ax] < shape[ax]) break;
      pos -= eff[ax] * shape[ax]; cnt[ax] = 0;
    }
  }
  return { map, outKeep, outSize: sizeOf(outKeep) };
}

export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'prod';

/** reduce_sum / reduce_mean / reduce_max / reduce_min / reduce_prod over `axis` (null = all) with keepdims. */
export function reduce(kind: ReduceKind, x: Node, axis: number | number[] | null | undefined, keepdims = false, opName = `reduce_${kind}`): Node {
  const axes = reduceAxes(opName, axis, x.shape.length);
  const { map, outKeep, outSize } = reduceMap(x.shape, axes);
  const n = x.size;
  const xd = x.data;
  const count = outSize === 0 ? 0 : n / outSize;
  if ((kind === 'max' || kind === 'min') && count === 0) throw opError(opName, `cannot take the ${kind} of an empty tensor (shape ${shapeStr(x.shape)}).`);
  const out = new Float64Array(outSize);
  if (kind === 'max' || kind === 'min') out.fill(kind === 'max' ? -Infinity : Infinity);
  if (kind === 'prod') out.fill(1);
  for (let i = 0; i < n; i++) {
    const o = map[i], v = xd[i];
    if (kind === 'sum' || kind === 'mean') out[o] += v;
    else if (kind === 'prod') out[o] *= v;
    else if (Number.isNaN(v) || (kind === 'max' ? v > out[o] : v < out[o])) { if (!Number.isNaN(out[o])) out[o] = v; }
  }
  if (kind === 'mean') for (let o = 0; o < outSize; o++) out[o] /= count;
  const outShape = keepdims ? outKeep : x.shape.filter((_, i) => !axes.includes(i));
  const dtype = kind === 'mean' ? floatOf(x.dtype) : x.dtype === 'bool' && (kind === 'sum' || kind === 'prod') ? 'int64' : x.dtype;
  return makeNode(opName, out, outShape, dtype, [x], (g) => {
    const gx = new Float64Array(n);
    if (kind === 'sum') for (let i = 0; i < n; i++) gx[i] = g[map[i]];
    else if (kind === 'mean') for (let i = 0; i < n; i++) gx[i] = g[map[i]] / count;
    else if (kind === 'prod') for (let i = 0; i < n; i++) {
      // Π of the others: recompute without the element (exact at zeros).
      gx[i] = g[map[i]] * (xd[i] !== 0 ? out[map[i]] / xd[i] : prodExcept(xd, map, i));
    } else {
      // TF: the gradient is split equally among the elements equal to the extremum.
      const ties = new Float64Array(outSize);
      for (let i = 0; i < n; i++) if (xd[i] === out[map[i]]) ties[map[i]]++;
      for (let i = 0; i < n; i++) if (xd[i] === out[map[i]]) gx[i] = g[map[i]] / ties[map[i]];
    }
    return [gx];
  });
}

function prodExcept(xd: Float64Array, map: Int32Array, i: number): number {
  let p = 1;
  const o = map[i];
  for (let j = 0; j < xd.length; j++) if (j !== i && map[j] === o) p *= xd[j];
  return p;
}

/** Index of the max/min along one axis (an int tensor, no gradient). */
export function argExtremum(kind: 'max' | 'min', x: Node, axis: number): Node {
  const ax = normAxis(`arg${kind}`, axis, x.shape.length);
  const outer = sizeOf(x.shape.slice(0, ax)), dim = x.shape[ax], inner = sizeOf(x.shape.slice(ax + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let best = 0, bv = x.data[o * dim * inner + i];
    for (let j = 1; j < dim; j++) {
      const v = x.data[(o * dim + j) * inner + i];
      if (kind === 'max' ? v > bv : v < bv) { bv = v; best = j; }
    }
    out[o * inner + i] = best;
  }
  return makeNode(`arg${kind}`, out, x.shape.filter((_, i) => i !== ax), 'int64', [x], null);
}

// ---------------------------------------------------------------- linear algebra

/**
 * Matrix product with NumPy matmul semantics: rank-1 operands are promoted (and the added axis removed),
 * leading batch axes broadcast.
 */
export function matmul(a: Node, b: Node, opName = 'matmul'): Node {
  if (a.shape.length === 0 || b.shape.length === 0) throw opError(opName, 'operands must not be scalars; use multiply.');
  const a2 = a.shape.length === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.shape.length === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const ra = a2.shape.length, rb = b2.shape.length;
  const m = a2.shape[ra - 2], k = a2.shape[ra - 1], k2 = b2.shape[rb - 2], p = b2.shape[rb - 1];
  if (k !== k2) throw opError(opName, `inner dimensions differ: ${shapeStr(a.shape)} @ ${shapeStr(b.shape)} (${k} vs ${k2}).`, { expected: `y with ${k} rows`, received: shapeStr(b.shape) });
  const batchA = a2.shape.slice(0, -2), batchB = b2.shape.slice(0, -2);
  const batch = bshape(opName, batchA, batchB);
  const nb = sizeOf(batch);
  const ia = broadcastIndex(batchA, batch), ib = broadcastIndex(batchB, batch);
  const outShape = [...batch, m, p];
  const budget = budgetOf([a, b]);
  const out = alloc(nb * m * p, opName, budget);
  const ad = a2.data, bd = b2.data;
  for (let t = 0; t < nb; t++) {
    const ao = ia[t] * m * k, bo = ib[t] * k * p, oo = t * m * p;
    for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) {
      if (j === 0 && (i & 15) === 0) budget?.time(opName);
      let s = 0;
      for (let q = 0; q < k; q++) s += ad[ao + i * k + q] * bd[bo + q * p + j];
      out[oo + i * p + j] = s;
    }
  }
  const res = makeNode(opName, out, outShape, promote(a.dtype, b.dtype), [a2, b2], (g) => {
    let ga: Float64Array | null = null, gb: Float64Array | null = null;
    if (a2.requiresGrad) {
      ga = new Float64Array(a2.size);
      for (let t = 0; t < nb; t++) {
        const ao = ia[t] * m * k, bo = ib[t] * k * p, oo = t * m * p;
        for (let i = 0; i < m; i++) for (let q = 0; q < k; q++) {
          let s = 0;
          for (let j = 0; j < p; j++) s += g[oo + i * p + j] * bd[bo + q * p + j];
          ga[ao + i * k + q] += s;
        }
      }
    }
    if (b2.requiresGrad) {
      gb = new Float64Array(b2.size);
      for (let t = 0; t < nb; t++) {
        const ao = ia[t] * m * k, bo = ib[t] * k * p, oo = t * m * p;
        for (let q = 0; q < k; q++) for (let j = 0; j < p; j++) {
          let s = 0;
          for (let i = 0; i < m; i++) s += ad[ao + i * k + q] * g[oo + i * p + j];
          gb[bo + q * p + j] += s;
        }
      }
    }
    return [ga, gb];
  });
  let final = outShape.slice();
  if (a.shape.length === 1) final = final.filter((_, i) => i !== final.length - 2);
  if (b.shape.length === 1) final = final.slice(0, -1);
  return final.length === outShape.length ? res : reshape(res, final);
}

/** np.dot / K.dot: scalars multiply, 1-D·1-D is the inner product, N-D·1-D and N-D·M-D contract the last/second-to-last axes. */
export function dot(a: Node, b: Node): Node {
  if (a.shape.length === 0 || b.shape.length === 0) return mul(a, b);
  if (b.shape.length <= 2) return matmul(a, b, 'dot');
  throw opError('dot', `operands of rank ${a.shape.length} and ${b.shape.length} are not supported; use matmul or tensordot-free reshapes.`);
}

// ---------------------------------------------------------------- composites

/** Softmax along `axis` (max-shifted for stability). */
export function softmax(x: Node, axis = -1): Node {
  const m = reduce('max', constantOf(x), axis, true);
  const e = exp(sub(x, m));
  return div(e, reduce('sum', e, axis, true));
}

/** log_softmax = x − max − log Σ exp(x − max). */
export function logSoftmax(x: Node, axis = -1): Node {
  const m = reduce('max', constantOf(x), axis, true);
  const z = sub(x, m);
  return sub(z, log(reduce('sum', exp(z), axis, true)));
}

/** log Σ exp(x) along axis, stable. */
export function logSumExp(x: Node, axis: number | number[] | null, keepdims = false): Node {
  const m = reduce('max', constantOf(x), axis, true);
  const r = add(log(reduce('sum', exp(sub(x, m)), axis, true)), m);
  return keepdims ? r : reshape(r, reduceShape(x.shape, axis));
}

function reduceShape(shape: Shape, axis: number | number[] | null): Shape {
  const axes = reduceAxes('reduce', axis, shape.length);
  return shape.filter((_, i) => !axes.includes(i));
}

/** A copy of x's value that gradients do not flow through (tf.stop_gradient). */
export function constantOf(x: Node): Node {
  return makeNode('stop_gradient', x.data, x.shape, x.dtype, [], null, x.budget);
}

/** one_hot(indices, depth): a float tensor with a new last axis; out-of-range indices give a zero row (TF). */
export function oneHot(indices: Node, depth: number, on = 1, off = 0): Node {
  if (!Number.isInteger(depth) || depth < 0) throw opError('one_hot', `depth must be a non-negative integer, received ${depth}.`);
  const n = indices.size;
  const out = new Float64Array(n * depth).fill(off);
  for (let i = 0; i < n; i++) {
    const v = indices.data[i];
    if (Number.isInteger(v) && v >= 0 && v < depth) out[i * depth + v] = on;
  }
  return makeNode('one_hot', out, [...indices.shape, depth], 'float32', [indices], null);
}

export function fill(shape: Shape, v: number, dtype: DType, budget: Budget | null): Node {
  const out = alloc(sizeOf(shape), 'fill', budget).fill(v);
  return makeNode('fill', out, shape, dtype, [], null, budget);
}

/** A Python number as a node, taking a float dtype from the other operand (Python scalars are weakly typed). */
export function scalarLike(v: number, isInt: boolean, other: DType | null): Node {
  const dt: DType = other === null ? (isInt ? 'int64' : 'float64') : isInt ? other : (isFloat(other) ? other : 'float64');
  return scalarNode(v, dt);
}
