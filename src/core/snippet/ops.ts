/** Python/NumPy semantics the evaluator needs for values: conversions, arithmetic with broadcasting, indexing. */
import { LossInspectorError } from '../errors';
import { Tensor, broadcastShapes, broadcastIndex, sizeOf, sameShape, toNested, shapeStr } from '../tensor';
import type { ParamValue } from '../spec';
import { Value, Site, num, bool, str, list, tensorValue, typeName, truthy, NONE } from './values';

/** An error at a place in the source. */
export function errAt(site: Site | undefined, message: string, code = 'eval', extra: Record<string, unknown> = {}): LossInspectorError {
  return new LossInspectorError(message, { code, ...(site ? { offset: site.offset, length: site.length } : {}), ...extra });
}

/** "Not evaluated" (an info note, the statement is skipped): models, layers, plots, datasets... */
export function skip(site: Site | undefined, message: string): LossInspectorError {
  return errAt(site, message, 'skip');
}

/** Python repr for messages and for str(). */
export function repr(v: Value, depth = 0): string {
  switch (v.kind) {
    case 'none': return 'None';
    case 'bool': return v.value ? 'True' : 'False';
    case 'number': return v.int ? String(v.value) : pyFloat(v.value);
    case 'string': return depth ? `'${v.value}'` : v.value;
    case 'list': {
      const items = v.items.length > 10 ? [...v.items.slice(0, 10).map((x) => repr(x, 1)), '...'] : v.items.map((x) => repr(x, 1));
      return v.tuple ? `(${items.join(', ')}${v.items.length === 1 ? ',' : ''})` : `[${items.join(', ')}]`;
    }
    case 'dict': return `{${v.entries.slice(0, 10).map(([k, x]) => `${repr(k, 1)}: ${repr(x, 1)}`).join(', ')}}`;
    case 'tensor': return v.tensor.shape.length === 0 ? pyFloat(v.tensor.data[0]) : `array(shape=${shapeStr(v.tensor.shape)})`;
    default: return `<${typeName(v)}>`;
  }
}

function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = String(x);
  return /[.e]/.test(s) ? s : s + '.0';
}

/** A number from a Python number, bool, or one-element tensor; undefined otherwise. */
export function asNumber(v: Value): number | undefined {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  if (v.kind === 'tensor' && v.tensor.data.length === 1) return v.tensor.data[0];
  return undefined;
}

/** Converts a value to a dense tensor (None, strings, ragged lists refused with the reason). */
export function valueToTensor(v: Value, what: string, site: Site | undefined, maxElements: number): Tensor {
  if (v.kind === 'tensor') return v.tensor;
  if (v.kind === 'number') return { data: Float64Array.of(v.value), shape: [] };
  if (v.kind === 'bool') return { data: Float64Array.of(v.value ? 1 : 0), shape: [] };
  if (v.kind === 'list') {
    const shape: number[] = [];
    let cur: Value = v;
    while (cur.kind === 'list') { shape.push(cur.items.length); if (!cur.items.length) break; cur = cur.items[0]; }
    if (cur.kind === 'tensor') shape.push(...cur.tensor.shape);
    const n = sizeOf(shape);
    if (n > maxElements) throw errAt(site, `${what}: ${n} elements, over the limit of ${maxElements}`, 'limit');
    const data = new Float64Array(n);
    let pos = 0;
    const rec = (x: Value, ax: number, path: number[], at: Site | undefined): void => {
      const where = `${what}${path.length ? '[' + path.join('][') + ']' : ''}`;
      if (x.kind === 'list') {
        if (ax >= shape.length) throw errAt(x.site ?? at, `${where}: a list where a number was expected (ragged nesting)`, 'ragged');
        if (x.items.length !== shape[ax]) throw errAt(x.site ?? at, `ragged: row ${where} has length ${x.items.length}, expected ${shape[ax]} like the rows before it`, 'ragged');
        for (let i = 0; i < x.items.length; i++) rec(x.items[i], ax + 1, [...path, i], x.site ?? at);
        return;
      }
      if (x.kind === 'tensor') {
        const rest = shape.slice(ax);
        if (!sameShape(rest, x.tensor.shape)) throw errAt(at, `ragged: ${where} has shape ${shapeStr(x.tensor.shape)}, expected ${shapeStr(rest)}`, 'ragged');
        data.set(x.tensor.data, pos); pos += x.tensor.data.length;
        return;
      }
      if (ax !== shape.length) throw errAt(at, `${where}: a number where a list of length ${shape[ax]} was expected (ragged nesting)`, 'ragged');
      const n1 = asNumber(x);
      if (n1 === undefined) {
        if (x.kind === 'none') throw errAt(at, `${where}: None is not a number`, 'type');
        if (x.kind === 'opaque' && x.undefinedName) throw errAt(site, `${where}: name '${x.undefinedName}' is not defined`, 'name');
        throw errAt(site, `${where}: expected a number, received ${typeName(x)}${x.kind === 'string' ? ` '${x.value}'` : ''}`, 'type');
      }
      data[pos++] = n1;
    };
    rec(v, 0, [], site);
    return { data, shape };
  }
  if (v.kind === 'none') throw errAt(site, `${what}: expected an array, received None`, 'type');
  if (v.kind === 'opaque' && v.undefinedName) throw errAt(site, `${what}: name '${v.undefinedName}' is not defined in the evaluated text`, 'name', { argument: what });
  if (v.kind === 'opaque') {
    const failed = /^'([^']*)' \((.*)\)$/.exec(v.what);
    throw skip(site, failed ? `${what}: '${failed[1]}' has no value (${failed[2]}), so this call is skipped` : `${what}: ${v.what} is not evaluated, so this call is skipped`);
  }
  throw errAt(site, `${what}: expected an array or a number, received ${typeName(v)}${v.kind === 'string' ? ` '${v.value}'` : ''}`, 'type', { argument: what });
}

/** Converts a value to a keyword argument of a loss (numbers, bools, strings, None, lists of numbers). */
export function toParamValue(v: Value, what: string, site: Site | undefined): ParamValue {
  switch (v.kind) {
    case 'none': return null;
    case 'bool': return v.value;
    case 'number': return v.value;
    case 'string': return v.value;
    case 'list': return v.items.map((x, i) => toParamValue(x, `${what}[${i}]`, site)) as ParamValue;
    case 'tensor': { const n = toNested(v.tensor); return n as ParamValue; }
    case 'opaque': if (v.undefinedName) throw errAt(site, `${what}: name '${v.undefinedName}' is not defined in the evaluated text`, 'name', { argument: what });
  }
  throw errAt(site, `argument \`${what}\`: expected a number, a bool, a string or None, received ${typeName(v)}`, 'type', { argument: what });
}

type NumOp = (a: number, b: number) => number;

const FLOOR_MOD: NumOp = (a, b) => { const m = a % b; return m !== 0 && (m < 0) !== (b < 0) ? m + b : m; };
const ARITH: Record<string, NumOp> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b), '%': FLOOR_MOD, '**': (a, b) => a ** b,
};
const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b, '>': (a, b) => a > b, '<=': (a, b) => a <= b, '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b,
};

/** Elementwise op of two tensors under NumPy broadcasting. */
export function broadcastOp(a: Tensor, b: Tensor, f: NumOp, site: Site | undefined, op: string, maxElements: number): Tensor {
  if (sameShape(a.shape, b.shape)) {
    const out = new Float64Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], b.data[i]);
    return { data: out, shape: a.shape.slice() };
  }
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) throw errAt(site, `operands could not be broadcast together with shapes ${shapeStr(a.shape)} ${shapeStr(b.shape)} (in '${op}')`, 'shape');
  const n = sizeOf(shape);
  if (n > maxElements) throw errAt(site, `'${op}' would create ${n} elements, over the limit of ${maxElements}`, 'limit');
  if (b.data.length === 1) { const y = b.data[0]; const out = new Float64Array(n); for (let i = 0; i < n; i++) out[i] = f(a.data[i], y); return { data: out, shape }; }
  if (a.data.length === 1) { const x = a.data[0]; const out = new Float64Array(n); for (let i = 0; i < n; i++) out[i] = f(x, b.data[i]); return { data: out, shape }; }
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(a.data[ia[i]], b.data[ib[i]]);
  return { data: out, shape };
}

function isNumLike(v: Value): boolean {
  return v.kind === 'number' || v.kind === 'bool';
}

/** Python/NumPy binary operators on values. */
export function binaryOp(op: string, a: Value, b: Value, site: Site | undefined, maxElements = 2e7): Value {
  if (a.kind === 'opaque' || b.kind === 'opaque') {
    const o = (a.kind === 'opaque' ? a : b) as Extract<Value, { kind: 'opaque' }>;
    throw skip(site, o.undefinedName ? `name '${o.undefinedName}' is not defined in the evaluated text; statement skipped` : `${o.what} is not evaluated; statement skipped`);
  }
  if (op === '==' || op === '!=') {
    if (a.kind !== 'tensor' && b.kind !== 'tensor' && !(isNumLike(a) && isNumLike(b))) {
      const eq = repr(a, 1) === repr(b, 1) && a.kind === b.kind;
      return bool(op === '==' ? eq : !eq);
    }
  }
  if (op === 'is' || op === 'is not') {
    const same = a === b || (a.kind === 'none' && b.kind === 'none') || (a.kind === 'bool' && b.kind === 'bool' && a.value === b.value);
    return bool(op === 'is' ? same : !same);
  }
  if (op === 'in' || op === 'not in') {
    let found = false;
    if (b.kind === 'list') found = b.items.some((x) => repr(x, 1) === repr(a, 1));
    else if (b.kind === 'string' && a.kind === 'string') found = b.value.includes(a.value);
    else if (b.kind === 'dict') found = b.entries.some(([k]) => repr(k, 1) === repr(a, 1));
    else throw errAt(site, `argument of type '${typeName(b)}' is not iterable`, 'type');
    return bool(op === 'in' ? found : !found);
  }
  if (isNumLike(a) && isNumLike(b)) {
    const x = asNumber(a)!; const y = asNumber(b)!;
    const bothInt = (a.kind === 'bool' || (a.kind === 'number' && a.int)) && (b.kind === 'bool' || (b.kind === 'number' && b.int));
    if (op in COMPARE) return bool(COMPARE[op](x, y));
    const f = ARITH[op];
    if (!f) throw errAt(site, `unsupported operator '${op}' for numbers`, 'type');
    if ((op === '/' || op === '//' || op === '%') && y === 0) throw errAt(site, `ZeroDivisionError: ${bothInt ? 'integer' : 'float'} division by zero (Python raises here)`, 'zero-division');
    if (op === '**' && x === 0 && y < 0) throw errAt(site, 'ZeroDivisionError: 0.0 cannot be raised to a negative power (Python raises here)', 'zero-division');
    const r = f(x, y);
    return num(r, bothInt && op !== '/' && !(op === '**' && y < 0));
  }
  if (a.kind === 'string' && b.kind === 'string') {
    if (op === '+') return str(a.value + b.value);
    if (op in COMPARE) return bool(COMPARE[op](a.value < b.value ? -1 : a.value > b.value ? 1 : 0, 0));
  }
  if (a.kind === 'list' && b.kind === 'list' && op === '+' && a.tuple === b.tuple) return list([...a.items, ...b.items], a.tuple);
  if (op === '*' && ((a.kind === 'list' || a.kind === 'string') && b.kind === 'number' && b.int || (b.kind === 'list' || b.kind === 'string') && a.kind === 'number' && a.int)) {
    const seq = (a.kind === 'number' ? b : a) as Extract<Value, { kind: 'list' | 'string' }>;
    const times = Math.max(0, asNumber(a.kind === 'number' ? a : b)!);
    const len = seq.kind === 'string' ? seq.value.length : seq.items.length;
    if (len * times > maxElements) throw errAt(site, `sequence repetition would create ${len * times} elements, over the limit`, 'limit');
    if (seq.kind === 'string') return str(seq.value.repeat(times));
    const out: Value[] = [];
    for (let k = 0; k < times; k++) out.push(...seq.items);
    return list(out, seq.tuple);
  }
  if (a.kind === 'tensor' || b.kind === 'tensor') {
    const ok = (v: Value) => v.kind === 'tensor' || isNumLike(v) || v.kind === 'list';
    if (!ok(a) || !ok(b)) throw errAt(site, `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`, 'type');
    const ta = valueToTensor(a, 'left operand', site, maxElements);
    const tb = valueToTensor(b, 'right operand', site, maxElements);
    if (op in COMPARE) { const c = COMPARE[op]; return tensorValue(broadcastOp(ta, tb, (x, y) => (c(x, y) ? 1 : 0), site, op, maxElements), { dtype: 'bool' }); }
    const f = ARITH[op];
    if (!f) throw errAt(site, `operator '${op}' on arrays is not supported here`, 'type');
    return tensorValue(broadcastOp(ta, tb, f, site, op, maxElements), { dtype: (a.kind === 'tensor' ? a.dtype : undefined) ?? (b.kind === 'tensor' ? b.dtype : undefined) });
  }
  const hint = a.kind === 'list' || b.kind === 'list' ? ' (Python lists do not broadcast: wrap them with np.array(...))' : '';
  throw errAt(site, `TypeError: unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'${hint}`, 'type');
}

export function unaryOp(op: string, a: Value, site: Site | undefined): Value {
  if (op === 'not') {
    const t = truthy(a);
    if (t === undefined) throw errAt(site, 'The truth value of an array with more than one element is ambiguous (Python raises ValueError)', 'type');
    return bool(!t);
  }
  if (a.kind === 'opaque') throw skip(site, a.undefinedName ? `name '${a.undefinedName}' is not defined in the evaluated text; statement skipped` : `${a.what} is not evaluated; statement skipped`);
  if (isNumLike(a)) {
    const x = asNumber(a)!;
    const int = a.kind === 'bool' || (a.kind === 'number' && a.int);
    if (op === '-') return num(-x, int);
    if (op === '+') return num(x, int);
    if (op === '~' && int) return num(~x, true);
  }
  if (a.kind === 'tensor') {
    if (op === '-') return tensorValue({ data: a.tensor.data.map((x) => -x), shape: a.tensor.shape.slice() }, { dtype: a.dtype });
    if (op === '+') return a;
  }
  throw errAt(site, `TypeError: bad operand type for unary ${op}: '${typeName(a)}'`, 'type');
}

/** A slice bound triple; null = omitted. */
export interface SliceSpec { start: number | null; stop: number | null; step: number | null }

function sliceRange(len: number, s: SliceSpec, site?: Site): number[] {
  const step = s.step ?? 1;
  if (step === 0) throw errAt(site, 'slice step cannot be zero', 'index');
  const norm = (v: number | null, def: number) => {
    if (v === null) return def;
    let x = v < 0 ? v + len : v;
    if (step > 0) x = Math.min(Math.max(x, 0), len); else x = Math.min(Math.max(x, -1), len - 1);
    return x;
  };
  const start = norm(s.start, step > 0 ? 0 : len - 1);
  const stop = norm(s.stop, step > 0 ? len : -1);
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** Python indexing of lists/tuples/strings/dicts and NumPy basic indexing of tensors (ints, slices, None). */
export function indexValue(v: Value, idx: (number | SliceSpec | null | Value)[], site: Site | undefined): Value {
  if (v.kind === 'opaque') throw skip(site, v.undefinedName ? `name '${v.undefinedName}' is not defined in the evaluated text; statement skipped` : `${v.what} is not evaluated; statement skipped`);
  if (v.kind === 'dict') {
    const key = idx[0] as Value;
    const k = v.entries.find(([kk]) => repr(kk, 1) === repr(key, 1));
    if (!k) throw errAt(site, `KeyError: ${repr(key, 1)}`, 'index');
    return k[1];
  }
  if (v.kind === 'list' || v.kind === 'string') {
    if (idx.length !== 1) throw errAt(site, `${typeName(v)} indices must be integers or slices, not tuple`, 'index');
    const i = idx[0];
    const items: Value[] = v.kind === 'string' ? [...v.value].map(str) : v.items;
    if (typeof i === 'number') {
      const k = i < 0 ? i + items.length : i;
      if (k < 0 || k >= items.length) throw errAt(site, `IndexError: ${typeName(v)} index ${i} out of range (length ${items.length})`, 'index');
      return items[k];
    }
    if (i && typeof i === 'object' && 'start' in i) {
      const sel = sliceRange(items.length, i, site).map((k) => items[k]);
      return v.kind === 'string' ? str(sel.map((x) => (x as { value: string }).value).join('')) : list(sel, v.tuple);
    }
    throw errAt(site, `${typeName(v)} indices must be integers or slices`, 'index');
  }
  if (v.kind === 'tensor') {
    const t = v.tensor;
    // per output axis: list of source indices, or a single index (axis dropped)
    const sel: (number[] | number)[] = [];
    const newAxes: number[] = [];
    let ax = 0;
    for (const i of idx) {
      if (i === null) { newAxes.push(sel.length); continue; }
      if (ax >= t.shape.length) throw errAt(site, `IndexError: too many indices for an array of rank ${t.shape.length}`, 'index');
      const len = t.shape[ax];
      if (typeof i === 'number') {
        const k = i < 0 ? i + len : i;
        if (k < 0 || k >= len) throw errAt(site, `IndexError: index ${i} is out of bounds for axis ${ax} with size ${len}`, 'index');
        sel.push(k);
      } else if (i && typeof i === 'object' && 'start' in i) sel.push(sliceRange(len, i as SliceSpec, site));
      else throw errAt(site, 'only integers, slices (:) and None are valid array indices here', 'index');
      ax++;
    }
    for (; ax < t.shape.length; ax++) sel.push(sliceRange(t.shape[ax], { start: null, stop: null, step: null }));
    const strides: number[] = [];
    let acc = 1;
    for (let k = t.shape.length - 1; k >= 0; k--) { strides[k] = acc; acc *= t.shape[k]; }
    const outShape: number[] = [];
    sel.forEach((s, k) => { if (newAxes.includes(k)) outShape.push(1); if (Array.isArray(s)) outShape.push(s.length); });
    for (const na of newAxes) if (na >= sel.length) outShape.push(1);
    const out: number[] = [];
    const rec = (k: number, base: number): void => {
      if (k === sel.length) { out.push(t.data[base]); return; }
      const s = sel[k];
      if (typeof s === 'number') rec(k + 1, base + s * strides[k]);
      else for (const j of s) rec(k + 1, base + j * strides[k]);
    };
    rec(0, 0);
    return tensorValue({ data: Float64Array.from(out), shape: outShape }, { dtype: v.dtype });
  }
  throw errAt(site, `TypeError: '${typeName(v)}' object is not subscriptable`, 'type');
}

export { NONE };
