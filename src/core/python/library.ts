/**
 * The tensor functions user-defined losses call, under every prefix users write: `tf.`, `tf.math.`, `tf.nn.`,
 * `K.` (keras.backend), `keras.ops.`, `keras.activations.`, `np.`, `jnp.`, `torch.`, `F.` (torch.nn.functional).
 * Names arrive canonical (see canonicalPath). Arguments are bound by position or by any of the names the
 * frameworks use (`axis`/`dim`, `keepdims`/`keepdim`, `clip_value_min`/`a_min`/`min_value`/`min`...); where the
 * frameworks disagree on meaning (split sizes vs indices vs chunk size, concat's default axis, torch.max with a
 * dim returning (values, indices)) the family decides.
 */
import type { Value, Site } from './values';
import { LossInspectorError } from '../errors';
import { shapeStr, broadcastShapes } from '../tensor';
import { Node, DType, Budget, scalarNode, makeNode } from './autodiff';
import * as O from './ops';
import { toNode, tv, toInt, toNumber, toAxis, toShape, toBool, toDtype, describe, hasTensor } from './convert';

export type Family = 'tf' | 'K' | 'ops' | 'np' | 'torch' | 'math';

export interface OpCall {
  /** The dotted name as written (canonical), for messages. */
  name: string;
  fam: Family;
  args: Value[];
  kwargs: Map<string, Value>;
  site: Site;
  /** The evaluation session's limits (constants and new tensors are counted against them). */
  budget: Budget | null;
}

type OpImpl = (c: OpCall) => Value;

const PREFIXES: [string, Family][] = [
  ['tf.math.', 'tf'], ['tf.nn.', 'tf'], ['tf.linalg.', 'tf'], ['tf.experimental.numpy.', 'np'], ['tf.', 'tf'],
  ['K.', 'K'], ['keras.config.', 'K'], ['keras.ops.numpy.', 'ops'], ['keras.ops.nn.', 'ops'], ['keras.ops.math.', 'ops'], ['keras.ops.', 'ops'],
  ['keras.activations.', 'ops'], ['np.linalg.', 'np'], ['np.', 'np'], ['jnp.linalg.', 'np'], ['jnp.', 'np'], ['jax.nn.', 'np'],
  ['torch.nn.functional.', 'torch'], ['F.', 'torch'], ['torch.linalg.', 'torch'], ['torch.', 'torch'], ['math.', 'math'],
];

/** Splits a canonical dotted name into the op name and the framework family; null for other namespaces. */
export function splitOpName(dotted: string): { bare: string; fam: Family } | null {
  for (const [p, fam] of PREFIXES) {
    if (dotted.startsWith(p)) {
      const bare = dotted.slice(p.length);
      if (bare && !bare.includes('.')) return { bare, fam };
    }
  }
  return null;
}

const OPS = new Map<string, OpImpl>();
function def(names: string[], impl: OpImpl): void {
  for (const n of names) OPS.set(n, impl);
}

/** True when `dotted` names a function of this library. */
export function isOp(dotted: string): boolean {
  const s = splitOpName(dotted);
  return !!s && OPS.has(s.bare);
}

/** Calls a library function; undefined when the name is not one of ours. */
export function callOp(dotted: string, args: Value[], kwargs: Map<string, Value>, site: Site, budget: Budget | null): Value | undefined {
  const s = splitOpName(dotted);
  if (!s) return undefined;
  const impl = OPS.get(s.bare);
  if (!impl) return undefined;
  try {
    return impl({ name: dotted, fam: s.fam, args, kwargs, site, budget });
  } catch (e) {
    if (e instanceof LossInspectorError) {
      // Name the function as the user wrote it (ops name themselves by their bare name).
      const msg = e.message.startsWith(dotted) ? e.message : `${dotted}: ${e.message.replace(/^[\w.]+: /, '')}`;
      throw new LossInspectorError(msg, { ...e.details });
    }
    throw e;
  }
}

/** All names with a prefix, for messages and tests. */
export function opNames(): string[] {
  return [...OPS.keys()];
}

// ---------------------------------------------------------------- argument binding

const IGNORED = new Set(['name', 'out', 'dtype_hint']);

/**
 * Binds positional and keyword arguments to `params` ('x|input|a' lists the accepted names of one parameter).
 * Unknown keywords are errors naming the function and the accepted names.
 */
function bind(c: OpCall, params: string[]): (Value | undefined)[] {
  const alts = params.map((p) => p.split('|'));
  const out: (Value | undefined)[] = new Array(params.length).fill(undefined);
  if (c.args.length > params.length) {
    throw new LossInspectorError(`${c.name}: takes at most ${params.length} positional arguments (${alts.map((a) => a[0]).join(', ')}), received ${c.args.length}.`, { code: 'argument' });
  }
  c.args.forEach((a, i) => { out[i] = a; });
  for (const [k, v] of c.kwargs) {
    const i = alts.findIndex((a) => a.includes(k));
    if (i < 0) {
      if (IGNORED.has(k)) continue;
      throw new LossInspectorError(`${c.name}: unexpected argument \`${k}\`. Accepted: ${alts.map((a) => a[0]).join(', ')}.`, { code: 'unknown-param', argument: k });
    }
    if (out[i] !== undefined) throw new LossInspectorError(`${c.name}: argument \`${alts[i][0]}\` given twice.`, { code: 'argument', argument: k });
    out[i] = v;
  }
  return out;
}

function need(c: OpCall, v: Value | undefined, what: string): Value {
  if (v === undefined) throw new LossInspectorError(`${c.name}: missing argument \`${what}\`.`, { code: 'argument', argument: what });
  return v;
}

const X = 'x|input|input_tensor|a|tensor|t|features|logits|value|arr|array|self';
const node = (c: OpCall, v: Value | undefined, what = 'x', like: DType | null = null): Node => toNode(need(c, v, what), `${c.name}: argument \`${what}\``, like, c.site, c.budget);
const out = (c: OpCall, n: Node): Value => (c.fam === 'math' && n.shape.length === 0 ? { kind: 'number', value: n.data[0], int: false } : tv(n));

/** Two operands, Python numbers typed after the tensor. */
function pair(c: OpCall, a: Value | undefined, b: Value | undefined, an = 'x', bn = 'y'): [Node, Node] {
  const av = need(c, a, an), bv = need(c, b, bn);
  const aIsT = hasTensor(av), bIsT = hasTensor(bv);
  if (aIsT || !bIsT) {
    const na = toNode(av, `${c.name}: argument \`${an}\``, null, c.site, c.budget);
    return [na, toNode(bv, `${c.name}: argument \`${bn}\``, na.dtype, c.site, c.budget)];
  }
  const nb = toNode(bv, `${c.name}: argument \`${bn}\``, null, c.site, c.budget);
  return [toNode(av, `${c.name}: argument \`${an}\``, nb.dtype, c.site, c.budget), nb];
}

// ---------------------------------------------------------------- elementwise

const UNARY: [string[], (x: Node) => Node][] = [
  [['square'], O.square], [['sqrt'], O.sqrt], [['abs', 'absolute', 'fabs'], O.abs], [['exp'], O.exp], [['expm1'], O.expm1],
  [['log'], O.log], [['log1p'], O.log1p], [['sign'], O.sign], [['sigmoid', 'expit'], O.sigmoid], [['softplus'], O.softplus],
  [['relu'], O.relu], [['tanh'], O.tanh], [['sin'], O.sin], [['cos'], O.cos], [['cosh'], O.cosh], [['sinh'], O.sinh],
  [['reciprocal'], O.reciprocal], [['rsqrt'], O.rsqrt], [['floor'], O.floor], [['ceil'], O.ceil], [['round', 'rint'], O.round],
  [['negative', 'neg'], O.neg], [['logical_not'], O.logicalNot], [['is_nan', 'isnan'], O.isnan],
  [['log_sigmoid', 'logsigmoid'], O.logSigmoid], [['stop_gradient', 'detach'], O.constantOf], [['identity'], (x) => x],
];
for (const [names, f] of UNARY) def(names, (c) => out(c, f(node(c, bind(c, [X])[0]))));

const BINARY: [string[], (a: Node, b: Node) => Node][] = [
  [['add'], O.add], [['subtract', 'sub'], O.sub], [['multiply', 'mul'], O.mul], [['divide', 'truediv', 'true_divide', 'div'], O.div],
  [['pow', 'power', 'float_power'], O.pow], [['maximum'], O.maximum], [['minimum'], O.minimum], [['squared_difference'], O.squaredDifference],
  [['equal', 'eq'], (a, b) => O.compare('eq', a, b)], [['not_equal', 'ne'], (a, b) => O.compare('ne', a, b)],
  [['less', 'lt'], (a, b) => O.compare('lt', a, b)], [['less_equal', 'le'], (a, b) => O.compare('le', a, b)],
  [['greater', 'gt'], (a, b) => O.compare('gt', a, b)], [['greater_equal', 'ge'], (a, b) => O.compare('ge', a, b)],
  [['logical_and'], O.logicalAnd], [['logical_or'], O.logicalOr], [['floordiv', 'floor_divide'], O.floordiv], [['mod', 'floormod', 'remainder'], O.mod],
];
for (const [names, f] of BINARY) {
  def(names, (c) => {
    const [a, b] = bind(c, ['x|x1|input|a|self', 'y|x2|other|b|exponent|a']);
    return out(c, f(...pair(c, a, b)));
  });
}

def(['divide_no_nan'], (c) => {
  const [a, b] = bind(c, ['x|x1', 'y|x2']);
  const [x, y] = pair(c, a, b);
  const zero = O.compare('eq', y, scalarNode(0));
  const safe = O.where(zero, O.fill([], 1, y.dtype, c.budget), y);
  return tv(O.where(zero, O.fill([], 0, x.dtype, c.budget), O.div(x, safe)));
});

def(['clip_by_value', 'clip', 'clamp'], (c) => {
  const [xv, lo, hi] = bind(c, [X, 'clip_value_min|a_min|min_value|x_min|min|lo', 'clip_value_max|a_max|max_value|x_max|max|hi']);
  const x = node(c, xv);
  const bound = (v: Value | undefined, inf: number) => (v === undefined || v.kind === 'none' ? scalarNode(inf, x.dtype) : toNode(v, `${c.name}: bound`, x.dtype, c.site, c.budget));
  if ((lo === undefined || lo.kind === 'none') && (hi === undefined || hi.kind === 'none')) {
    throw new LossInspectorError(`${c.name}: at least one of the bounds must be given.`, { code: 'argument' });
  }
  return tv(O.clip(x, bound(lo, -Infinity), bound(hi, Infinity)));
});

def(['where', 'switch'], (c) => {
  const [cond, a, b] = bind(c, ['condition|cond|then_expression', 'x|then_expression|input|x1', 'y|else_expression|other|x2']);
  if (a === undefined || b === undefined) throw new LossInspectorError(`${c.name} with only a condition (the indices of true elements) is not supported; give x and y.`, { code: 'unsupported' });
  const cn = node(c, cond, 'condition');
  const [x, y] = pair(c, a, b, 'x', 'y');
  return tv(O.where(cn, x, y));
});

def(['cast'], (c) => {
  const [x, d] = bind(c, [X, 'dtype']);
  return tv(O.cast(node(c, x), toDtype(need(c, d, 'dtype'), `${c.name}: dtype`, c.site)));
});

// ---------------------------------------------------------------- constructors

function construct(c: OpCall, defaultFloat: DType, defaultInt: DType): Value {
  const [v, d] = bind(c, ['value|object|data|x|a|obj|array|tensor', 'dtype']);
  const val = need(c, v, 'value');
  const dt = d && d.kind !== 'none' ? toDtype(d, `${c.name}: dtype`, c.site) : undefined;
  const n = toNode(val, `${c.name}: argument \`value\``, null, c.site, c.budget);
  if (val.kind === 'tensor') return dt ? tv(O.cast(n, dt)) : val;
  const target = dt ?? (n.dtype === 'int64' || n.dtype === 'int32' ? defaultInt : n.dtype === 'bool' ? 'bool' : defaultFloat);
  return tv(O.cast(n, target));
}
def(['constant', 'convert_to_tensor', 'variable', 'Variable'], (c) => (c.fam === 'np' ? construct(c, 'float64', 'int64') : construct(c, 'float32', 'int32')));
def(['array', 'asarray'], (c) => construct(c, 'float64', 'int64'));
def(['tensor', 'as_tensor', 'from_numpy'], (c) => construct(c, 'float32', 'int64'));

function likeOp(v: number) {
  return (c: OpCall): Value => {
    const [x, d] = bind(c, [X, 'dtype']);
    const n = node(c, x);
    const dt = d && d.kind !== 'none' ? toDtype(d, `${c.name}: dtype`, c.site) : n.dtype;
    return tv(O.fill(n.shape, v, dt, c.budget));
  };
}
def(['ones_like'], likeOp(1));
def(['zeros_like'], likeOp(0));
def(['full_like', 'fill_like'], (c) => {
  const [x, f, d] = bind(c, [X, 'fill_value|value', 'dtype']);
  const n = node(c, x);
  return tv(O.fill(n.shape, toNumber(need(c, f, 'fill_value'), `${c.name}: fill_value`), d && d.kind !== 'none' ? toDtype(d, 'dtype') : n.dtype, c.budget));
});
/** torch.zeros(2, 3) / torch.ones(2, 3): torch takes the sizes as separate ints too. */
function torchSizes(c: OpCall): OpCall {
  if (c.fam !== 'torch' || c.args.length < 2 || !c.args.every((a) => a.kind === 'number' && a.int)) return c;
  return { ...c, args: [{ kind: 'list', items: c.args, tuple: true }] };
}
function shapeOp(v: number) {
  return (c0: OpCall): Value => {
    const c = torchSizes(c0);
    const [s, d] = bind(c, ['shape|size|dims', 'dtype']);
    const dt = d && d.kind !== 'none' ? toDtype(d, `${c.name}: dtype`, c.site) : c.fam === 'np' ? 'float64' : 'float32';
    return tv(O.fill(toShape(need(c, s, 'shape'), `${c.name}: shape`, c.site), v, dt, c.budget));
  };
}
def(['ones'], shapeOp(1));
def(['zeros'], shapeOp(0));
def(['fill', 'full'], (c) => {
  const [s, v] = bind(c, ['dims|shape|size', 'value|fill_value']);
  const x = toNumber(need(c, v, 'value'), `${c.name}: value`);
  const intFill = Number.isInteger(x) && need(c, v, 'value').kind === 'number' && (need(c, v, 'value') as { int: boolean }).int;
  return tv(O.fill(toShape(need(c, s, 'dims'), `${c.name}: shape`, c.site), x, intFill ? (c.fam === 'torch' ? 'int64' : 'int32') : 'float32', c.budget));
});
def(['epsilon'], (c) => { bind(c, []); return { kind: 'number', value: 1e-7, int: false }; });

// ---------------------------------------------------------------- reductions

function reduction(kind: O.ReduceKind | 'logsumexp') {
  return (c: OpCall): Value => {
    const [x, ax, kd] = bind(c, [X, 'axis|dim|reduction_indices', 'keepdims|keepdim|keep_dims']);
    // torch.max(a, b) and np.max(a, b)-style elementwise forms
    if (c.fam === 'torch' && (kind === 'max' || kind === 'min') && ax && ax.kind === 'tensor') {
      const [a, b] = pair(c, x, ax);
      return tv(kind === 'max' ? O.maximum(a, b) : O.minimum(a, b));
    }
    const n = node(c, x);
    const axis = toAxis(ax, `${c.name}: axis`, c.site);
    const keep = kd ? toBool(kd, `${c.name}: keepdims`, c.site) : false;
    const r = kind === 'logsumexp' ? O.logSumExp(n, axis, keep) : O.reduce(kind, n, axis, keep, c.name);
    if (c.fam === 'torch' && (kind === 'max' || kind === 'min') && axis !== null && !Array.isArray(axis)) {
      return { kind: 'list', tuple: true, items: [tv(r), tv(O.argExtremum(kind, O.constantOf(n), axis))] };
    }
    return tv(r);
  };
}
def(['reduce_sum', 'sum', 'nansum'], reduction('sum'));
def(['reduce_mean', 'mean'], reduction('mean'));
def(['reduce_max', 'max', 'amax'], reduction('max'));
def(['reduce_min', 'min', 'amin'], reduction('min'));
def(['reduce_prod', 'prod'], reduction('prod'));
def(['reduce_logsumexp', 'logsumexp'], reduction('logsumexp'));

function argOp(kind: 'max' | 'min') {
  return (c: OpCall): Value => {
    const [x, ax] = bind(c, [X, 'axis|dim|dimension']);
    let n = node(c, x);
    let axis: number;
    if (ax === undefined || ax.kind === 'none') {
      if (c.fam === 'tf') axis = 0;
      else if (c.fam === 'K') axis = -1;
      else { n = O.reshape(n, [-1]); axis = 0; }
    } else axis = toInt(ax, `${c.name}: axis`, c.site);
    return tv(O.argExtremum(kind, n, axis));
  };
}
def(['argmax'], argOp('max'));
def(['argmin'], argOp('min'));

def(['norm'], (c) => {
  const [x, ord, ax, kd] = bind(c, [X, 'ord|p', 'axis|dim', 'keepdims|keepdim']);
  if (ord && ord.kind !== 'none' && !(ord.kind === 'string' && (ord.value === 'euclidean' || ord.value === 'fro')) && !(ord.kind === 'number' && ord.value === 2)) {
    if (ord.kind === 'number' && ord.value === 1) return tv(O.reduce('sum', O.abs(node(c, x)), toAxis(ax, 'axis'), kd ? toBool(kd, 'keepdims') : false));
    throw new LossInspectorError(`${c.name}: only the Euclidean (2-) and 1-norms are supported, received ord=${describe(ord)}.`, { code: 'unsupported' });
  }
  return tv(O.sqrt(O.reduce('sum', O.square(node(c, x)), toAxis(ax, 'axis'), kd ? toBool(kd, 'keepdims') : false)));
});

def(['l2_normalize', 'normalize'], (c) => {
  const torch = c.fam === 'torch';
  const [x, a1, a2, a3] = bind(c, torch ? [X, 'p', 'dim|axis', 'eps|epsilon'] : [X, 'axis|dim', 'epsilon|eps', 'order']);
  const n = node(c, x);
  const axisV = torch ? a2 : a1;
  const axis = axisV === undefined ? (torch ? 1 : c.fam === 'ops' ? -1 : null) : toAxis(axisV, 'axis');
  const epsV = torch ? a3 : a2;
  const eps = epsV === undefined ? 1e-12 : toNumber(epsV, 'epsilon');
  const ss = O.reduce('sum', O.square(n), axis, true);
  // tf.math.l2_normalize: x * rsqrt(max(Σx², ε)); torch F.normalize: x / max(‖x‖, ε).
  return tv(torch ? O.div(n, O.maximum(O.sqrt(ss), scalarNode(eps))) : O.mul(n, O.rsqrt(O.maximum(ss, scalarNode(eps)))));
});

/**
 * torch's F.cosine_similarity(x1, x2, dim=1, eps=1e-8) as torch 1.13 computes it: both broadcast to a common shape,
 * each divided by its norm clamped to eps (the clamp under no_grad: the norm's gradient x/‖x‖ uses the clamped norm),
 * then Σ over dim. A zero vector gives 0, not nan.
 */
def(['cosine_similarity'], (c) => {
  if (c.fam !== 'torch') throw new LossInspectorError(`${c.name}: cosine_similarity is a torch function here (torch.cosine_similarity / F.cosine_similarity).`, { code: 'unsupported' });
  const [a1, a2, d, e] = bind(c, ['x1|input1', 'x2|input2', 'dim', 'eps']);
  const [x1, x2] = pair(c, a1, a2, 'x1', 'x2');
  const shape = broadcastShapes(x1.shape, x2.shape);
  if (!shape) throw new LossInspectorError(`${c.name}: x1 ${shapeStr(x1.shape)} and x2 ${shapeStr(x2.shape)} do not broadcast.`, { code: 'shape', expected: `a shape that broadcasts with ${shapeStr(x1.shape)}`, received: shapeStr(x2.shape) });
  const dim = O.normAxis(c.name, axisArg(c, d, 1), shape.length);
  const eps = e === undefined ? 1e-8 : toNumber(e, 'eps');
  const a = O.broadcastTo(x1, shape), b = O.broadcastTo(x2, shape);
  const norm = (x: Node) => O.unary('norm', O.reduce('sum', O.square(x), dim, true), (s) => Math.max(Math.sqrt(s), eps), (_s, y) => 0.5 / y);
  return tv(O.reduce('sum', O.mul(O.div(a, norm(a)), O.div(b, norm(b))), dim));
});

/** torch's F.pairwise_distance(x1, x2, p=2, eps=1e-6, keepdim=False): ‖x1 − x2 + eps‖_p over the last dim (gradient 0 at a zero distance). */
def(['pairwise_distance'], (c) => {
  if (c.fam !== 'torch') throw new LossInspectorError(`${c.name}: pairwise_distance is a torch function here (F.pairwise_distance).`, { code: 'unsupported' });
  const [a1, a2, pv, e, kd] = bind(c, ['x1|input1', 'x2|input2', 'p', 'eps', 'keepdim']);
  const [x1, x2] = pair(c, a1, a2, 'x1', 'x2');
  const p = pv === undefined ? 2 : toNumber(pv, 'p');
  const eps = e === undefined ? 1e-6 : toNumber(e, 'eps');
  const keep = kd ? toBool(kd, 'keepdim') : false;
  const v = O.add(O.sub(x1, x2), scalarNode(eps, x1.dtype));
  const dim = Math.max(v.shape.length - 1, 0);
  if (v.shape.length === 0) return tv(O.abs(v));
  if (p === Infinity) return tv(O.reduce('max', O.abs(v), dim, keep));
  if (p === 1) return tv(O.reduce('sum', O.abs(v), dim, keep));
  if (p === 2) return tv(O.unary('norm', O.reduce('sum', O.square(v), dim, keep), Math.sqrt, (_s, y) => (y > 0 ? 0.5 / y : 0)));
  const s = O.reduce('sum', O.pow(O.abs(v), scalarNode(p, v.dtype)), dim, keep);
  return tv(O.unary('norm', s, (q) => Math.pow(q, 1 / p), (q, y) => (q > 0 ? y / (p * q) : 0)));
});

/** Variance / standard deviation: NumPy, TF and Keras use ddof 0; torch's default is the unbiased (n − 1) estimate. */
function moment(kind: 'var' | 'std') {
  return (c: OpCall): Value => {
    const [x, ax, kd, corr] = bind(c, [X, 'axis|dim', 'keepdims|keepdim', c.fam === 'torch' ? 'unbiased|correction' : 'ddof|correction']);
    const n = node(c, x);
    const axis = toAxis(ax, `${c.name}: axis`, c.site);
    const keep = kd ? toBool(kd, 'keepdims') : false;
    let ddof = c.fam === 'torch' ? 1 : 0;
    if (corr && corr.kind === 'bool') ddof = corr.value ? 1 : 0;
    else if (corr && corr.kind !== 'none') ddof = toNumber(corr, 'ddof');
    const axes = O.reduceAxes(c.name, axis, n.shape.length);
    const count = axes.reduce((p, a) => p * n.shape[a], 1);
    const dev = O.square(O.sub(n, O.reduce('mean', n, axis, true)));
    let v = O.mul(O.reduce('sum', dev, axis, keep), scalarNode(1 / (count - ddof)));
    if (kind === 'std') v = O.sqrt(v);
    return tv(v);
  };
}
def(['reduce_variance', 'var'], moment('var'));
def(['reduce_std', 'std'], moment('std'));

function logicalReduce(kind: 'any' | 'all') {
  return (c: OpCall): Value => {
    const [x, ax, kd] = bind(c, [X, 'axis|dim', 'keepdims|keepdim']);
    const n = O.cast(node(c, x), 'bool');
    const r = O.reduce(kind === 'any' ? 'max' : 'min', n, toAxis(ax, 'axis'), kd ? toBool(kd, 'keepdims') : false, c.name);
    return tv(O.cast(r, 'bool'));
  };
}
def(['reduce_any', 'any'], logicalReduce('any'));
def(['reduce_all', 'all'], logicalReduce('all'));
def(['count_nonzero'], (c) => {
  const [x, ax, kd] = bind(c, [X, 'axis|dim', 'keepdims']);
  return tv(O.reduce('sum', O.cast(O.cast(node(c, x), 'bool'), 'int64'), toAxis(ax, 'axis'), kd ? toBool(kd, 'keepdims') : false));
});

/** tf.gather(params, indices, axis=0): rows (or slices along `axis`) picked by integer indices; the gradient scatters back. */
def(['gather', 'take'], (c) => {
  const [x, ind, ax] = bind(c, ['params|a|x|input', 'indices', 'axis|dim']);
  const n = node(c, x);
  const idx = node(c, ind, 'indices');
  const axis = O.normAxis(c.name, ax === undefined || ax.kind === 'none' ? 0 : toInt(ax, 'axis'), n.shape.length);
  const outer = n.shape.slice(0, axis).reduce((p, d) => p * d, 1), dim = n.shape[axis], inner = n.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const k = idx.size;
  const gi = new Int32Array(outer * k * inner);
  let pos = 0;
  for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) {
    let v = idx.data[j];
    if (!Number.isInteger(v)) throw new LossInspectorError(`${c.name}: indices must be integers, received ${v}.`, { code: 'type', argument: 'indices' });
    if (v < 0 && c.fam !== 'tf') v += dim;
    if (v < 0 || v >= dim) throw new LossInspectorError(`${c.name}: index ${idx.data[j]} is out of range [0, ${dim}) on axis ${axis}.`, { code: 'index', argument: 'indices' });
    for (let i = 0; i < inner; i++) gi[pos++] = (o * dim + v) * inner + i;
  }
  return tv(O.gather(c.name, n, gi, [...n.shape.slice(0, axis), ...idx.shape, ...n.shape.slice(axis + 1)]));
});
/** tf.boolean_mask(tensor, mask): the elements (or leading-axis slices) where the mask is true, flattened over the mask's axes. */
def(['boolean_mask', 'masked_select'], (c) => {
  const [x, m] = bind(c, ['tensor|input|x', 'mask']);
  const n = node(c, x);
  const mk = node(c, m, 'mask');
  const r = mk.shape.length;
  if (r === 0 || r > n.shape.length || mk.shape.some((d, i) => d !== n.shape[i])) {
    throw new LossInspectorError(`${c.name}: mask of shape ${shapeStr(mk.shape)} must match the leading axes of the tensor ${shapeStr(n.shape)}.`, { code: 'shape', argument: 'mask' });
  }
  const inner = n.shape.slice(r).reduce((p, d) => p * d, 1);
  const pos: number[] = [];
  for (let i = 0; i < mk.size; i++) if (mk.data[i]) for (let j = 0; j < inner; j++) pos.push(i * inner + j);
  return tv(O.gather(c.name, n, Int32Array.from(pos), [pos.length / inner, ...n.shape.slice(r)]));
});
def(['l2_loss'], (c) => { const [x] = bind(c, ['t|x|tensor']); return tv(O.mul(O.reduce('sum', O.square(node(c, x)), null), scalarNode(0.5))); });
def(['eye', 'identity_matrix'], (c) => {
  const [nv, mv, , d] = bind(c, ['num_rows|N|n', 'num_columns|M|m', 'batch_shape|k', 'dtype']);
  const rows = toInt(need(c, nv, 'num_rows'), 'num_rows');
  const cols = mv && mv.kind !== 'none' ? toInt(mv, 'num_columns') : rows;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = 1;
  return tv(makeNode('eye', data, [rows, cols], d && d.kind !== 'none' ? toDtype(d, 'dtype') : c.fam === 'np' ? 'float64' : 'float32', [], null, c.budget));
});
def(['range', 'arange'], (c) => {
  const [a, b, st, d] = bind(c, ['start', 'limit|stop|end', 'delta|step', 'dtype']);
  let start = toNumber(need(c, a, 'start'), 'start'), stop: number;
  if (b === undefined || b.kind === 'none') { stop = start; start = 0; } else stop = toNumber(b, 'limit');
  const step = st ? toNumber(st, 'delta') : 1;
  if (step === 0) throw new LossInspectorError(`${c.name}: step must not be zero.`, { code: 'param' });
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = Float64Array.from({ length: n }, (_, i) => start + i * step);
  const ints = [a, b, st].every((v) => v === undefined || v.kind === 'none' || (v.kind === 'number' && v.int));
  return tv(makeNode('range', data, [n], d && d.kind !== 'none' ? toDtype(d, 'dtype') : ints ? (c.fam === 'tf' ? 'int32' : 'int64') : c.fam === 'np' ? 'float64' : 'float32', [], null, c.budget));
});
def(['diag_part', 'tensor_diag_part', 'diagonal'], (c) => {
  const [x] = bind(c, [X]);
  const n = node(c, x);
  if (n.shape.length !== 2) throw new LossInspectorError(`${c.name}: expected a matrix, received shape ${shapeStr(n.shape)}.`, { code: 'shape' });
  const k = Math.min(n.shape[0], n.shape[1]);
  return tv(O.gather(c.name, n, Int32Array.from({ length: k }, (_, i) => i * n.shape[1] + i), [k]));
});
def(['tile'], (c) => {
  const [x, m] = bind(c, ['input|x|A', 'multiples|reps']);
  const n = node(c, x);
  const mult = toShape(need(c, m, 'multiples'), 'multiples');
  if (mult.length !== n.shape.length) throw new LossInspectorError(`${c.name}: multiples ${shapeStr(mult)} must have one entry per axis of ${shapeStr(n.shape)}.`, { code: 'shape' });
  const outShape = n.shape.map((d, i) => d * mult[i]);
  const st = n.shape.map((_, i) => n.shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const total = outShape.reduce((p, d) => p * d, 1);
  const gi = new Int32Array(total);
  const ost = outShape.map((_, i) => outShape.slice(i + 1).reduce((p, d) => p * d, 1));
  for (let k = 0; k < total; k++) {
    let src = 0;
    for (let a = 0; a < outShape.length; a++) src += (Math.floor(k / ost[a]) % outShape[a] % n.shape[a]) * st[a];
    gi[k] = src;
  }
  return tv(O.gather(c.name, n, gi, outShape));
});
def(['sparse_softmax_cross_entropy_with_logits'], (c) => {
  const [l, x] = bind(c, ['labels', 'logits']);
  const logits = node(c, x, 'logits');
  const labels = node(c, l, 'labels');
  const C = logits.shape[logits.shape.length - 1];
  for (const v of labels.data) if (!Number.isInteger(v) || v < 0 || v >= C) throw new LossInspectorError(`${c.name}: label ${v} is out of range [0, ${C}).`, { code: 'value', argument: 'labels' });
  return tv(O.neg(O.reduce('sum', O.mul(O.oneHot(labels, C), O.logSoftmax(logits, -1)), -1)));
});

// ---------------------------------------------------------------- shapes

def(['reshape', 'view'], (c) => {
  const [x, s] = bind(c, [X, 'shape|newshape']);
  return tv(O.reshape(node(c, x), toShape(need(c, s, 'shape'), `${c.name}: shape`, c.site)));
});
def(['flatten'], (c) => { const [x] = bind(c, [X, 'start_dim']); return tv(O.reshape(node(c, x), [-1])); });
def(['batch_flatten'], (c) => { const [x] = bind(c, [X]); const n = node(c, x); return tv(O.reshape(n, [n.shape[0], -1])); });
def(['expand_dims', 'unsqueeze'], (c) => {
  const [x, ax] = bind(c, [X, 'axis|dim']);
  return tv(O.expandDims(node(c, x), ax === undefined ? (c.fam === 'K' ? -1 : 0) : toInt(ax, `${c.name}: axis`, c.site)));
});
def(['squeeze'], (c) => {
  const [x, ax] = bind(c, [X, 'axis|dim']);
  return tv(O.squeeze(node(c, x), toAxis(ax, `${c.name}: axis`, c.site)));
});
def(['transpose', 'permute'], (c) => {
  if (c.fam === 'torch' && c.name.endsWith('transpose')) {
    const [x, d0, d1] = bind(c, [X, 'dim0', 'dim1']);
    const n = node(c, x);
    const r = n.shape.length;
    const a = O.normAxis(c.name, toInt(need(c, d0, 'dim0'), 'dim0'), r), b = O.normAxis(c.name, toInt(need(c, d1, 'dim1'), 'dim1'), r);
    const perm = n.shape.map((_, i) => i);
    perm[a] = b; perm[b] = a;
    return tv(O.transpose(n, perm));
  }
  const [x, p] = bind(c, [X, 'perm|axes|dims|pattern']);
  const perm = p === undefined || p.kind === 'none' ? null : toShape(p, `${c.name}: perm`, c.site);
  return tv(O.transpose(node(c, x), perm));
});
def(['t'], (c) => { const [x] = bind(c, [X]); return tv(O.transpose(node(c, x))); });
def(['broadcast_to', 'expand'], (c) => {
  const [x, s] = bind(c, [X, 'shape|size']);
  return tv(O.broadcastTo(node(c, x), toShape(need(c, s, 'shape'), `${c.name}: shape`, c.site)));
});

function tensorList(c: OpCall, v: Value | undefined, what: string): Node[] {
  const val = need(c, v, what);
  if (val.kind === 'list') return val.items.map((it, i) => toNode(it, `${c.name}: ${what}[${i}]`, null, c.site, c.budget));
  if (val.kind === 'tensor') return O.split(toNode(val, what, null, c.site, c.budget), val.tensor.shape[0] ?? 1, 0).map((p) => O.squeeze(p, 0));
  throw new LossInspectorError(`${c.name}: argument \`${what}\`: expected a list of tensors, received ${describe(val)}.`, { code: 'type' });
}
function unifyDtypes(xs: Node[]): Node[] {
  let dt: DType = xs[0]?.dtype ?? 'float64';
  for (const x of xs) dt = O.promote(dt, x.dtype);
  return xs.map((x) => (x.dtype === dt ? x : O.cast(x, dt)));
}
def(['concat', 'concatenate', 'cat'], (c) => {
  const [xs, ax] = bind(c, ['values|arrays|tensors|xs|seq', 'axis|dim']);
  const axis = ax === undefined ? (c.fam === 'K' ? -1 : 0) : toInt(ax, `${c.name}: axis`, c.site);
  return tv(O.concat(unifyDtypes(tensorList(c, xs, 'values')), axis));
});
def(['stack'], (c) => {
  const [xs, ax] = bind(c, ['values|arrays|tensors|x|xs|seq', 'axis|dim']);
  return tv(O.stack(unifyDtypes(tensorList(c, xs, 'values')), ax === undefined ? 0 : toInt(ax, `${c.name}: axis`, c.site)));
});
def(['split', 'chunk', 'array_split'], (c) => {
  const [x, s, ax] = bind(c, [X, 'num_or_size_splits|indices_or_sections|split_size_or_sections|chunks|num_splits|split_size', 'axis|dim']);
  const n = node(c, x);
  const axis = ax === undefined ? 0 : toInt(ax, `${c.name}: axis`, c.site);
  const sv = need(c, s, 'num_or_size_splits');
  const a = O.normAxis(c.name, axis, n.shape.length);
  const dim = n.shape[a];
  let parts: number | number[];
  if (sv.kind === 'list' || (sv.kind === 'tensor' && sv.tensor.shape.length === 1)) {
    const vals = toShape(sv, `${c.name}: sizes`, c.site);
    if (c.fam === 'np' || c.fam === 'ops') {
      // NumPy: split *indices*, not sizes.
      const idx = [0, ...vals.map((v) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim)), dim];
      parts = idx.slice(1).map((v, i) => Math.max(v - idx[i], 0));
    } else parts = vals;
  } else {
    const k = toInt(sv, `${c.name}: num_or_size_splits`, c.site);
    if (c.fam === 'torch' && c.name.endsWith('.split')) {
      // torch.split: an int is the chunk *size*.
      const sizes: number[] = [];
      for (let st = 0; st < dim; st += k) sizes.push(Math.min(k, dim - st));
      parts = sizes;
    } else if (c.name.endsWith('chunk') || c.name.endsWith('array_split')) {
      const size = c.name.endsWith('chunk') ? Math.ceil(dim / k) : 0;
      parts = c.name.endsWith('chunk') ? Array.from({ length: Math.ceil(dim / size) }, (_, i) => Math.min(size, dim - i * size))
        : Array.from({ length: k }, (_, i) => Math.floor(dim / k) + (i < dim % k ? 1 : 0));
    } else parts = k;
  }
  return { kind: 'list', tuple: c.fam === 'torch', items: O.split(n, parts, axis).map(tv) };
});
def(['unstack', 'unbind'], (c) => {
  const [x, num, ax] = bind(c, [X, 'num', 'axis|dim']);
  void num;
  const n = node(c, x);
  const axis = O.normAxis(c.name, ax === undefined ? 0 : toInt(ax, 'axis'), n.shape.length);
  return { kind: 'list', tuple: c.fam === 'torch', items: O.split(n, n.shape[axis], axis).map((p) => tv(O.squeeze(p, axis))) };
});

def(['shape'], (c) => {
  const [x] = bind(c, [X]);
  const n = node(c, x);
  if (c.fam === 'tf' || c.fam === 'K') return tv(makeNode('shape', Float64Array.from(n.shape), [n.shape.length], 'int32', [], null, c.budget));
  return { kind: 'list', tuple: true, items: n.shape.map((d) => ({ kind: 'number', value: d, int: true }) as Value) };
});
def(['int_shape'], (c) => {
  const [x] = bind(c, [X]);
  return { kind: 'list', tuple: true, items: node(c, x).shape.map((d) => ({ kind: 'number', value: d, int: true }) as Value) };
});
def(['size', 'numel'], (c) => { const [x] = bind(c, [X]); return { kind: 'number', value: node(c, x).size, int: true }; });
def(['rank', 'ndim'], (c) => { const [x] = bind(c, [X]); return { kind: 'number', value: node(c, x).shape.length, int: true }; });

// ---------------------------------------------------------------- linear algebra

def(['matmul', 'mm', 'bmm'], (c) => {
  const [a, b, ta, tb] = bind(c, ['a|x1|input|x', 'b|x2|other|y|mat2', 'transpose_a', 'transpose_b']);
  let [x, y] = pair(c, a, b, 'a', 'b');
  const swapLast = (n: Node) => { const p = n.shape.map((_, i) => i); const r = p.length; [p[r - 1], p[r - 2]] = [p[r - 2], p[r - 1]]; return O.transpose(n, p); };
  if (ta && toBool(ta, 'transpose_a')) x = swapLast(x);
  if (tb && toBool(tb, 'transpose_b')) y = swapLast(y);
  return tv(O.matmul(x, y));
});
def(['dot', 'vdot', 'inner'], (c) => {
  const [a, b] = bind(c, ['a|x|x1|input', 'b|y|x2|other|tensor']);
  return tv(O.dot(...pair(c, a, b, 'a', 'b')));
});

// ---------------------------------------------------------------- activations and probabilistic helpers

function axisArg(c: OpCall, v: Value | undefined, dflt: number): number {
  return v === undefined || v.kind === 'none' ? dflt : toInt(v, `${c.name}: axis`, c.site);
}
def(['softmax'], (c) => { const [x, ax] = bind(c, [X, 'axis|dim']); return tv(O.softmax(node(c, x), axisArg(c, ax, -1))); });
def(['log_softmax'], (c) => { const [x, ax] = bind(c, [X, 'axis|dim']); return tv(O.logSoftmax(node(c, x), axisArg(c, ax, -1))); });
def(['one_hot'], (c) => {
  const [x, depth, on, off] = bind(c, ['indices|x|tensor|input', 'depth|num_classes', 'on_value', 'off_value']);
  const n = node(c, x);
  const d = toInt(need(c, depth, 'depth'), `${c.name}: depth`, c.site);
  const depthV = d < 0 ? Math.max(...Array.from(n.data)) + 1 : d;
  const r = O.oneHot(n, depthV, on ? toNumber(on, 'on_value') : 1, off ? toNumber(off, 'off_value') : 0);
  return tv(c.fam === 'torch' ? O.cast(r, 'int64') : r);
});

/** K.binary_crossentropy / keras.ops.binary_crossentropy: clip to [ε, 1−ε] then −(t·log p + (1−t)·log(1−p)); logits form is TF's stable one. */
def(['binary_crossentropy'], (c) => binaryCrossentropyKeras(c));
function binaryCrossentropyKeras(c: OpCall): Value {
  const [t, o, fl] = bind(c, ['target|y_true', 'output|y_pred', 'from_logits']);
  const [target, output] = pair(c, t, o, 'target', 'output');
  if (fl && toBool(fl, 'from_logits')) return tv(sigmoidCE(target, output));
  const eps = 1e-7;
  const p = O.clip(output, scalarNode(eps), scalarNode(1 - eps));
  const one = scalarNode(1);
  return tv(O.neg(O.add(O.mul(target, O.log(p)), O.mul(O.sub(one, target), O.log(O.sub(one, p))))));
}
function sigmoidCE(z: Node, x: Node): Node {
  // max(x, 0) − x·z + log1p(exp(−|x|))
  return O.add(O.sub(O.relu(x), O.mul(x, z)), O.log1p(O.exp(O.neg(O.abs(x)))));
}
def(['sigmoid_cross_entropy_with_logits'], (c) => {
  const [l, x] = bind(c, ['labels', 'logits']);
  return tv(sigmoidCE(...pair(c, l, x, 'labels', 'logits')));
});
def(['categorical_crossentropy'], (c) => {
  const [t, o, fl, ax] = bind(c, ['target|y_true', 'output|y_pred', 'from_logits', 'axis']);
  const [target, output] = pair(c, t, o, 'target', 'output');
  const axis = axisArg(c, ax, -1);
  if (fl && toBool(fl, 'from_logits')) return tv(O.neg(O.reduce('sum', O.mul(target, O.logSoftmax(output, axis)), axis)));
  const p = O.div(output, O.reduce('sum', output, axis, true));
  const pc = O.clip(p, scalarNode(1e-7), scalarNode(1 - 1e-7));
  return tv(O.neg(O.reduce('sum', O.mul(target, O.log(pc)), axis)));
});
def(['softmax_cross_entropy_with_logits', 'softmax_cross_entropy_with_logits_v2'], (c) => {
  const [l, x, ax] = bind(c, ['labels', 'logits', 'axis|dim']);
  const [labels, logits] = pair(c, l, x, 'labels', 'logits');
  const axis = axisArg(c, ax, -1);
  return tv(O.neg(O.reduce('sum', O.mul(labels, O.logSoftmax(logits, axis)), axis)));
});

// ---------------------------------------------------------------- torch.nn.functional losses (input = prediction first)

function torchReduce(c: OpCall, v: Node, red: Value | undefined): Node {
  const r = red === undefined ? 'mean' : red.kind === 'string' ? red.value : '';
  if (r === 'mean') return O.reduce('mean', v, null);
  if (r === 'sum') return O.reduce('sum', v, null);
  if (r === 'none') return v;
  throw new LossInspectorError(`${c.name}: reduction must be 'mean', 'sum' or 'none', received ${red ? describe(red) : 'nothing'}.`, { code: 'param', argument: 'reduction' });
}
function torchPair(c: OpCall, a: Value | undefined, b: Value | undefined): [Node, Node] {
  const [x, t] = pair(c, a, b, 'input', 'target');
  if (!sameShapeArr(x.shape, t.shape)) {
    // torch broadcasts with a UserWarning ("Using a target size that is different to the input size"): almost always a bug.
    if (!O.broadcastable(x.shape, t.shape)) throw new LossInspectorError(`${c.name}: input ${shapeStr(x.shape)} and target ${shapeStr(t.shape)} cannot be broadcast together.`, { code: 'shape' });
  }
  return [x, t];
}
function sameShapeArr(a: number[], b: number[]): boolean { return a.length === b.length && a.every((d, i) => d === b[i]); }
const TORCH_LOSS_ARGS = ['input|y_pred', 'target|y_true', 'size_average', 'reduce', 'reduction'];
def(['mse_loss'], (c) => {
  const [a, b, , , red] = bind(c, TORCH_LOSS_ARGS);
  const [x, t] = torchPair(c, a, b);
  return tv(torchReduce(c, O.square(O.sub(x, t)), red));
});
def(['l1_loss'], (c) => {
  const [a, b, , , red] = bind(c, TORCH_LOSS_ARGS);
  const [x, t] = torchPair(c, a, b);
  return tv(torchReduce(c, O.abs(O.sub(x, t)), red));
});
def(['smooth_l1_loss', 'huber_loss'], (c) => {
  const huber = c.name.endsWith('huber_loss');
  const [a, b, r1, r2, red, p] = bind(c, huber ? ['input', 'target', 'reduction', 'delta', '_', '_'] : [...TORCH_LOSS_ARGS, 'beta']);
  const [x, t] = torchPair(c, a, b);
  const k = toNumber((huber ? r2 : p) ?? { kind: 'number', value: 1, int: false }, huber ? 'delta' : 'beta');
  void r1;
  const d = O.sub(x, t), ad = O.abs(d);
  const small = O.compare('lt', ad, scalarNode(k));
  // smooth_l1: 0.5 d²/β | |d| − β/2;  huber: 0.5 d² | δ(|d| − δ/2)
  const quad = huber ? O.mul(scalarNode(0.5), O.square(d)) : O.div(O.mul(scalarNode(0.5), O.square(d)), scalarNode(k));
  const lin = huber ? O.mul(scalarNode(k), O.sub(ad, scalarNode(0.5 * k))) : O.sub(ad, scalarNode(0.5 * k));
  return tv(torchReduce(c, O.where(small, quad, lin), huber ? r1 : red));
});
def(['binary_cross_entropy'], (c) => {
  if (c.fam !== 'torch') return binaryCrossentropyKeras(c);
  const [a, b, w, , , red] = bind(c, ['input', 'target', 'weight', 'size_average', 'reduce', 'reduction']);
  const [p, t] = torchPair(c, a, b);
  // torch clamps each log at −100 (so p = 0 or 1 gives 100, not inf)
  const logc = (v: Node) => O.clip(O.log(v), scalarNode(-100), scalarNode(Infinity));
  let v = O.neg(O.add(O.mul(t, logc(p)), O.mul(O.sub(scalarNode(1), t), logc(O.sub(scalarNode(1), p)))));
  if (w && w.kind !== 'none') v = O.mul(v, node(c, w, 'weight'));
  return tv(torchReduce(c, v, red));
});
def(['binary_cross_entropy_with_logits'], (c) => {
  const [a, b, w, , , red, pw] = bind(c, ['input', 'target', 'weight', 'size_average', 'reduce', 'reduction', 'pos_weight']);
  const [x, t] = torchPair(c, a, b);
  let v: Node;
  if (pw && pw.kind !== 'none') {
    // (1 − t)·x + (1 + (pw − 1)·t)·softplus(−x)
    const pwn = node(c, pw, 'pos_weight');
    v = O.add(O.mul(O.sub(scalarNode(1), t), x), O.mul(O.add(scalarNode(1), O.mul(O.sub(pwn, scalarNode(1)), t)), O.softplus(O.neg(x))));
  } else v = sigmoidCE(t, x);
  if (w && w.kind !== 'none') v = O.mul(v, node(c, w, 'weight'));
  return tv(torchReduce(c, v, red));
});
def(['cross_entropy', 'nll_loss'], (c) => {
  const nll = c.name.endsWith('nll_loss');
  const [a, b, w, , , , red, ls] = bind(c, ['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing']);
  if (w && w.kind !== 'none') throw new LossInspectorError(`${c.name}: class weights are not supported.`, { code: 'unsupported', argument: 'weight' });
  const x = node(c, a, 'input');
  const t = node(c, b, 'target');
  if (x.shape.length !== 2) throw new LossInspectorError(`${c.name}: input of shape (N, C) expected, received ${shapeStr(x.shape)}.`, { code: 'shape' });
  const logp = nll ? x : O.logSoftmax(x, 1);
  const C = x.shape[1];
  let target: Node;
  const indices = t.shape.length === 1;
  if (indices) {
    for (const v of t.data) if (!Number.isInteger(v) || v < 0 || v >= C) throw new LossInspectorError(`${c.name}: target ${v} is out of bounds for ${C} classes.`, { code: 'value', argument: 'target' });
    target = O.oneHot(t, C);
  } else target = t;
  const eps = ls ? toNumber(ls, 'label_smoothing') : 0;
  if (eps > 0) target = O.add(O.mul(target, scalarNode(1 - eps)), scalarNode(eps / C));
  const v = O.neg(O.reduce('sum', O.mul(target, logp), 1));
  return tv(torchReduce(c, v, red));
});

// ---------------------------------------------------------------- tensor methods: `<tensor>.name` with the receiver first

const METHOD_ALIASES: Record<string, string> = { numpy: 'identity', cpu: 'identity', detach: 'identity', clone: 'identity', contiguous: 'identity', item: 'item', float: 'float', double: 'double' };

/** Calls `x.name(...)` on a tensor; undefined when the method is unknown. */
export function callMethod(name: string, self: Value, args: Value[], kwargs: Map<string, Value>, site: Site, budget: Budget | null): Value | undefined {
  const fam: Family = 'np';
  const c: OpCall = { name: `.${name}`, fam, args: [self, ...args], kwargs, site, budget };
  const m = METHOD_ALIASES[name] ?? name;
  if (m === 'item') {
    const n = node(c, self);
    if (n.size !== 1) throw new LossInspectorError(`.item(): only one-element tensors can be converted to Python scalars (shape ${shapeStr(n.shape)}).`, { code: 'shape' });
    return { kind: 'number', value: n.data[0], int: !O.isFloat(n.dtype) };
  }
  if (m === 'float' || m === 'double') return tv(O.cast(node(c, self), m === 'float' ? 'float32' : 'float64'));
  if (m === 'astype' || m === 'type' || m === 'to') {
    const [, d] = bind(c, ['self', 'dtype']);
    return tv(O.cast(node(c, self), toDtype(need(c, d, 'dtype'), '.astype: dtype', site)));
  }
  if ((m === 'reshape' || m === 'view') && args.length !== 1) {
    return tv(O.reshape(node(c, self), args.map((a) => toInt(a, '.reshape: shape', site))));
  }
  if ((m === 'transpose' || m === 'permute') && args.length > 1 && !(m === 'transpose' && args.length === 2)) {
    return tv(O.transpose(node(c, self), args.map((a) => toInt(a, '.transpose: axes', site))));
  }
  if (m === 'transpose' && args.length === 2) {
    // ndarray.transpose(1, 0) permutes; torch's x.transpose(0, 1) swaps: the same for two axes on a matrix.
    const n = node(c, self);
    const perm = n.shape.map((_, i) => i);
    const a = O.normAxis('.transpose', toInt(args[0], 'axis'), n.shape.length), b = O.normAxis('.transpose', toInt(args[1], 'axis'), n.shape.length);
    if (n.shape.length === 2) return tv(O.transpose(n, [a, b]));
    perm[a] = b; perm[b] = a;
    return tv(O.transpose(n, perm));
  }
  if (m === 'size' || m === 'dim') {
    const n = node(c, self);
    if (m === 'dim') return { kind: 'number', value: n.shape.length, int: true };
    if (args.length) return { kind: 'number', value: n.shape[O.normAxis('.size', toInt(args[0], 'dim'), n.shape.length)], int: true };
    return { kind: 'list', tuple: true, items: n.shape.map((d) => ({ kind: 'number', value: d, int: true }) as Value) };
  }
  const impl = OPS.get(m);
  if (!impl || ['constant', 'array', 'tensor', 'ones', 'zeros', 'fill', 'epsilon', 'shape'].includes(m)) return undefined;
  return impl(c);
}
