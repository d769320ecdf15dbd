/**
 * Python operators on values, written once for the whole interpreter: numbers with Python's int/float rules,
 * strings, lists and tuples, None, and tensors with NumPy broadcasting as differentiable autodiff nodes. Indexing
 * and slicing of lists, strings, dicts and tensors (basic and advanced) live here too.
 */
import { labelBinop, labelUnary } from './gradfn';
import { shapeStr, sizeOf } from '../tensor';
import { Value, Site, NONE, num, str, bool, list, truthy, typeName } from './values';
import { errAt, skip, repr, asNumber } from './pyops';
import type { Budget } from './autodiff';
import type { Node } from './autodiff';
import * as O from './ops';
import { tv, toNode, nodeOf, hasTensor, describe } from './convert';

/** The skip a value we do not evaluate (a model, an undefined name, a random draw) causes when it is used. */
export function opaqueSkip(v: Value & { kind: 'opaque' }, site: Site | undefined): Error {
  if (v.undefinedName) return skip(site, `name '${v.undefinedName}' is not defined in the evaluated text; statement skipped`);
  if (v.random) return skip(site, `${v.what}: random numbers are not reproduced (Loss Inspector never runs the random generator); statement skipped`);
  return skip(site, `${v.what} is not evaluated; statement skipped`);
}

/** Python equality of plain values (numbers by value, containers element-wise). */
export function pyEquals(a: Value, b: Value): boolean {
  const n = (v: Value) => (v.kind === 'number' ? v.value : v.kind === 'bool' ? (v.value ? 1 : 0) : undefined);
  if (n(a) !== undefined && n(b) !== undefined) return n(a) === n(b);
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value;
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
  if (a.kind === 'list' && b.kind === 'list') return a.tuple === b.tuple && a.items.length === b.items.length && a.items.every((x, i) => pyEquals(x, b.items[i]));
  if (a.kind === 'dict' && b.kind === 'dict') return repr(a, 1) === repr(b, 1);
  return a === b;
}

const isNumLike = (v: Value): boolean => v.kind === 'number' || v.kind === 'bool';
const isArrayLike = (v: Value): boolean => v.kind === 'tensor' || isNumLike(v) || v.kind === 'list';

const FLOOR_MOD = (a: number, b: number): number => { const m = a % b; return m !== 0 && (m < 0) !== (b < 0) ? m + b : m; };
const ARITH: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b), '%': FLOOR_MOD, '**': (a, b) => a ** b,
  '&': (a, b) => a & b, '|': (a, b) => a | b, '^': (a, b) => a ^ b, '<<': (a, b) => a << b, '>>': (a, b) => a >> b,
};
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b, '>': (a, b) => a > b, '<=': (a, b) => a <= b, '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b,
};
export const COMPARISONS = new Set(['<', '>', '==', '>=', '<=', '!=', 'in', 'not in', 'is', 'is not']);

function numberOp(op: string, a: Value, b: Value, site: Site | undefined): Value {
  const x = asNumber(a)!, y = asNumber(b)!;
  const bothInt = (a.kind === 'bool' || (a.kind === 'number' && a.int)) && (b.kind === 'bool' || (b.kind === 'number' && b.int));
  if (op in COMPARE) return bool(COMPARE[op](x, y));
  if (op === '&' || op === '|') {
    if (a.kind === 'bool' && b.kind === 'bool') return bool(op === '&' ? a.value && b.value : a.value || b.value);
  }
  const f = ARITH[op];
  if (!f || (!bothInt && /^(&|\||\^|<<|>>)$/.test(op))) throw errAt(site, `TypeError: unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`, 'type');
  if ((op === '/' || op === '//' || op === '%') && y === 0) throw errAt(site, `ZeroDivisionError: ${bothInt ? 'integer' : 'float'} division by zero (Python raises here)`, 'zero-division');
  if (op === '**' && x === 0 && y < 0) throw errAt(site, 'ZeroDivisionError: 0.0 cannot be raised to a negative power (Python raises here)', 'zero-division');
  if (op === '@') throw errAt(site, "TypeError: unsupported operand type(s) for @: numbers", 'type');
  return num(f(x, y), bothInt && op !== '/' && !(op === '**' && y < 0));
}

function tensorOp(op: string, x: Node, y: Node, site: Site | undefined): Node {
  switch (op) {
    case '+': return O.add(x, y);
    case '-': return O.sub(x, y);
    case '*': return O.mul(x, y);
    case '/': return O.div(x, y);
    case '//': return O.floordiv(x, y);
    case '%': return O.mod(x, y);
    case '**': return O.pow(x, y);
    case '@': return O.matmul(x, y);
    case '==': return O.compare('eq', x, y);
    case '!=': return O.compare('ne', x, y);
    case '<': return O.compare('lt', x, y);
    case '<=': return O.compare('le', x, y);
    case '>': return O.compare('gt', x, y);
    case '>=': return O.compare('ge', x, y);
    case '&': return O.logicalAnd(x, y);
    case '|': return O.logicalOr(x, y);
  }
  throw errAt(site, `operator '${op}' on arrays is not supported here`, 'type');
}

/** A binary operator on two values, as Python (and NumPy for tensors) evaluates it. */
export function binop(op: string, a: Value, b: Value, site: Site | undefined, budget: Budget | null): Value {
  if (a.kind === 'opaque' || b.kind === 'opaque') throw opaqueSkip((a.kind === 'opaque' ? a : b) as Value & { kind: 'opaque' }, site);
  if (op === 'is' || op === 'is not') {
    const same = a === b || (a.kind === 'none' && b.kind === 'none') || (a.kind === 'bool' && b.kind === 'bool' && a.value === b.value);
    return bool(op === 'is' ? same : !same);
  }
  if (op === 'in' || op === 'not in') {
    let found = false;
    if (b.kind === 'list') found = b.items.some((x) => pyEquals(x, a));
    else if (b.kind === 'string' && a.kind === 'string') found = b.value.includes(a.value);
    else if (b.kind === 'dict') found = b.entries.some(([k]) => pyEquals(k, a));
    else throw errAt(site, `TypeError: argument of type '${typeName(b)}' is not iterable`, 'type');
    return bool(op === 'in' ? found : !found);
  }
  if ((op === '==' || op === '!=') && !(a.kind === 'tensor' || b.kind === 'tensor' || (isNumLike(a) && isNumLike(b)) || (hasTensor(a) || hasTensor(b)))) {
    const eq = pyEquals(a, b);
    return bool(op === '==' ? eq : !eq);
  }
  if (isNumLike(a) && isNumLike(b)) return numberOp(op, a, b, site);
  if (a.kind === 'string' && b.kind === 'string') {
    if (op === '+') return str(a.value + b.value);
    if (op in COMPARE) return bool(COMPARE[op](a.value < b.value ? -1 : a.value > b.value ? 1 : 0, 0));
  }
  if (a.kind === 'list' && b.kind === 'list' && op === '+' && a.tuple === b.tuple) return list([...a.items, ...b.items], a.tuple);
  if (op === '*' && (((a.kind === 'list' || a.kind === 'string') && b.kind === 'number' && b.int) || ((b.kind === 'list' || b.kind === 'string') && a.kind === 'number' && a.int))) {
    const seq = (a.kind === 'number' ? b : a) as Extract<Value, { kind: 'list' | 'string' }>;
    const times = Math.max(0, asNumber(a.kind === 'number' ? a : b)!);
    const len = seq.kind === 'string' ? seq.value.length : seq.items.length;
    if (budget && len * times > budget.limits.maxTensorElements) throw errAt(site, `sequence repetition would create ${len * times} elements, over the limit`, 'limit');
    if (seq.kind === 'string') return str(seq.value.repeat(times));
    const out: Value[] = [];
    for (let k = 0; k < times; k++) out.push(...seq.items);
    return list(out, seq.tuple);
  }
  // NumPy: a tensor on either side (or a Python list holding tensors) makes it an element-wise op.
  if ((a.kind === 'tensor' || b.kind === 'tensor' || hasTensor(a) || hasTensor(b)) && isArrayLike(a) && isArrayLike(b)) {
    // Python numbers take the tensor's dtype (weak typing).
    let x: Node, y: Node;
    if (a.kind === 'tensor' || hasTensor(a) || !(b.kind === 'tensor' || hasTensor(b))) {
      x = toNode(a, `left operand of ${op}`, null, site, budget);
      y = toNode(b, `right operand of ${op}`, x.dtype, site, budget);
    } else {
      y = toNode(b, `right operand of ${op}`, null, site, budget);
      x = toNode(a, `left operand of ${op}`, y.dtype, site, budget);
    }
    return labelBinop(tv(tensorOp(op, x, y, site)), op, a, b);
  }
  const hint = a.kind === 'list' || b.kind === 'list' ? ' (Python lists do not broadcast: wrap them with np.array(...))' : '';
  throw errAt(site, `TypeError: unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'${hint}`, 'type');
}

/** Unary `-`, `+`, `~`, `not`. */
export function unaryValue(op: string, v: Value, site: Site | undefined, budget: Budget | null): Value {
  if (op === 'not') {
    const t = truthy(v);
    if (t === undefined) throw errAt(site, `ValueError: the truth value of ${describe(v)} is ambiguous (use tf.logical_not / np.logical_not)`, 'type');
    return bool(!t);
  }
  if (v.kind === 'opaque') throw opaqueSkip(v, site);
  if (isNumLike(v)) {
    const x = asNumber(v)!;
    const int = v.kind === 'bool' || (v.kind === 'number' && v.int);
    if (op === '-') return num(-x, int);
    if (op === '+') return num(x, int);
    if (op === '~' && int) return num(~x, true);
  }
  if (v.kind === 'tensor' || (v.kind === 'list' && hasTensor(v))) {
    const n = toNode(v, 'operand', null, site, budget);
    if (op === '-') return labelUnary(tv(O.neg(n)), op, v);
    if (op === '+') return tv(n);
    if (op === '~') return tv(n.dtype === 'bool' ? O.logicalNot(n) : O.sub(O.neg(n), O.fill([], 1, n.dtype, budget)));
  }
  throw errAt(site, `TypeError: bad operand type for unary ${op}: '${typeName(v)}'`, 'type');
}

// ---------------------------------------------------------------- indexing

/** One item of a subscript: an int, a slice, None (new axis), `...`, or an array index (mask / integer list). */
export type Index =
  | { k: 'int'; v: number } | { k: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { k: 'new' } | { k: 'ell' } | { k: 'key'; v: Value };

/** Python's slice.indices(len) as the list of selected positions. */
export function sliceRange(start: number | null, stop: number | null, step: number | null, len: number, site?: Site): number[] {
  const st = step ?? 1;
  if (st === 0) throw errAt(site, 'ValueError: slice step cannot be zero', 'index');
  const norm = (v: number | null, dflt: number, lo: number, hi: number) => (v === null ? dflt : Math.max(lo, Math.min(hi, v < 0 ? v + len : v)));
  const out: number[] = [];
  if (st > 0) {
    const s = norm(start, 0, 0, len), e = norm(stop, len, 0, len);
    for (let i = s; i < e; i += st) out.push(i);
  } else {
    const s = norm(start, len - 1, -1, len - 1), e = norm(stop, -1, -1, len - 1);
    for (let i = s; i > e; i += st) out.push(i);
  }
  return out;
}

/** `v[idx]` for lists, tuples, strings, dicts and tensors (NumPy basic indexing, one boolean mask or an integer array). */
export function indexValue(v: Value, idx: Index[], site: Site | undefined, budget: Budget | null): Value {
  if (v.kind === 'opaque') throw opaqueSkip(v, site);
  if (v.kind === 'dict') {
    const key = idx[0]?.k === 'key' ? idx[0].v : idx[0]?.k === 'int' ? num(idx[0].v, true) : NONE;
    const hit = v.entries.find(([k]) => pyEquals(k, key));
    if (!hit) throw errAt(site, `KeyError: ${repr(key, 1)}`, 'index');
    return hit[1];
  }
  if (v.kind === 'list' || v.kind === 'string') {
    if (idx.length !== 1) throw errAt(site, `TypeError: ${typeName(v)} indices must be integers or slices, not tuple`, 'index');
    const seq: Value[] = v.kind === 'string' ? [...v.value].map(str) : v.items;
    const i0 = idx[0];
    if (i0.k === 'int') {
      const i = i0.v < 0 ? i0.v + seq.length : i0.v;
      if (i < 0 || i >= seq.length) throw errAt(site, `IndexError: ${typeName(v)} index ${i0.v} out of range (length ${seq.length})`, 'index');
      return seq[i];
    }
    if (i0.k === 'slice') {
      const out = sliceRange(i0.start, i0.stop, i0.step, seq.length, site).map((i) => seq[i]);
      return v.kind === 'list' ? list(out, v.tuple) : str(out.map((s) => (s as { value: string }).value).join(''));
    }
    throw errAt(site, `TypeError: ${typeName(v)} indices must be integers or slices`, 'index');
  }
  if (v.kind !== 'tensor') throw errAt(site, `TypeError: '${typeName(v)}' object is not subscriptable`, 'type');
  let x = nodeOf(v, budget);
  const keys = idx.filter((i) => i.k === 'key');
  if (keys.length) {
    if (idx.length !== 1) throw errAt(site, 'mixing array indices with other indices is not supported', 'unsupported');
    return tv(advancedIndex(x, (idx[0] as { v: Value }).v, site, budget));
  }
  // Basic indexing: ints, slices, None, one Ellipsis.
  if (idx.filter((i) => i.k === 'ell').length > 1) throw errAt(site, 'IndexError: an index can only have a single ellipsis', 'index');
  const consumed = idx.filter((i) => i.k === 'int' || i.k === 'slice').length;
  if (consumed > x.shape.length) throw errAt(site, `IndexError: too many indices for an array of rank ${x.shape.length}`, 'index');
  const full: Index[] = [];
  for (const i of idx) {
    if (i.k === 'ell') for (let j = 0; j < x.shape.length - consumed; j++) full.push({ k: 'slice', start: null, stop: null, step: null });
    else full.push(i);
  }
  while (full.filter((i) => i.k === 'int' || i.k === 'slice').length < x.shape.length) full.push({ k: 'slice', start: null, stop: null, step: null });
  let ax = 0;
  const finalShape: number[] = [];
  for (const i of full) {
    if (i.k === 'new') { finalShape.push(1); continue; }
    const dim = x.shape[ax];
    if (i.k === 'int') {
      const k = i.v < 0 ? i.v + dim : i.v;
      if (k < 0 || k >= dim) throw errAt(site, `IndexError: index ${i.v} is out of bounds for axis ${ax} with size ${dim}`, 'index');
      x = O.squeeze(O.sliceAxis(x, ax, k, 1, 1), ax);
      continue;
    }
    if (i.k === 'slice') {
      const r = sliceRange(i.start, i.stop, i.step, dim, site);
      if (r.length === dim && (i.step ?? 1) === 1) { finalShape.push(dim); ax++; continue; }
      x = r.length === 0 ? O.sliceAxis(x, ax, 0, 0, 1) : O.sliceAxis(x, ax, r[0], r.length, r.length > 1 ? r[1] - r[0] : 1);
      finalShape.push(r.length);
      ax++;
    }
  }
  const same = finalShape.length === x.shape.length && finalShape.every((d, i) => d === x.shape[i]);
  return tv(same ? x : O.reshape(x, finalShape));
}

/** x[mask] with a boolean mask of x's shape, or x[ints] along axis 0. */
function advancedIndex(x: Node, index: Value, site: Site | undefined, budget: Budget | null): Node {
  const iv = toNode(index, 'index', null, site, budget);
  if (iv.dtype === 'bool') {
    if (iv.shape.length !== x.shape.length || iv.shape.some((d, i) => d !== x.shape[i])) throw errAt(site, `a boolean mask of shape ${shapeStr(iv.shape)} on a tensor of shape ${shapeStr(x.shape)} is not supported`, 'unsupported');
    const pos: number[] = [];
    for (let i = 0; i < iv.size; i++) if (iv.data[i]) pos.push(i);
    return O.gather('boolean_mask', O.reshape(x, [-1]), Int32Array.from(pos), [pos.length]);
  }
  if (!x.shape.length) throw errAt(site, 'IndexError: too many indices for a 0-d array', 'index');
  const rows = x.shape[0];
  const inner = sizeOf(x.shape.slice(1));
  const gi = new Int32Array(iv.size * inner);
  for (let r = 0; r < iv.size; r++) {
    let k = iv.data[r];
    if (!Number.isInteger(k)) throw errAt(site, 'IndexError: arrays used as indices must be of integer (or boolean) type', 'index');
    if (k < 0) k += rows;
    if (k < 0 || k >= rows) throw errAt(site, `IndexError: index ${iv.data[r]} is out of bounds for axis 0 with size ${rows}`, 'index');
    for (let i = 0; i < inner; i++) gi[r * inner + i] = k * inner + i;
  }
  return O.gather('gather', x, gi, [...iv.shape, ...x.shape.slice(1)]);
}
