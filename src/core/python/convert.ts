/**
 * Between the interpreter's values (values.ts) and autodiff nodes. A tensor value carries its node (`node`), so
 * values flow through the value model without losing the graph; a value without one is a constant.
 */
import type { Value, TensorValue, ListValue, Site } from './values';
import { LossInspectorError } from '../errors';
import { Tensor, fromNested, Nested, shapeStr } from '../tensor';
import { Node, DType, Budget, constant } from './autodiff';
import { stack, scalarLike, cast } from './ops';

/** Makes `toNode(list)` return `n` for this very list object (Python lists passed as y_true/y_pred: gradients reach them). */
export function bindListNode(list: ListValue, n: Node): void {
  list.node = n;
}

const DTYPES: Record<string, DType> = {
  float32: 'float32', float64: 'float64', float16: 'float32', bfloat16: 'float32', double: 'float64', float: 'float32', half: 'float32',
  int32: 'int32', int64: 'int64', int: 'int64', int8: 'int32', int16: 'int32', uint8: 'int32', long: 'int64', bool: 'bool',
};

/** Normalises a dtype name ('float32', 'tf.float32', 'np.float64', 'torch.float') or undefined. */
export function dtypeName(s: string | undefined): DType | undefined {
  if (!s) return undefined;
  const last = s.split('.').pop()!;
  return DTYPES[last];
}

/** The autodiff node of a tensor value (a constant when it was not produced by an op). */
export function nodeOf(v: TensorValue, budget: Budget | null = null): Node {
  if (v.node) return v.node;
  v.node = constant(v.tensor, dtypeName(v.dtype) ?? 'float32', budget, true);
  return v.node;
}

/** Wraps a node as a tensor value. */
export function tv(n: Node): TensorValue {
  return { kind: 'tensor', tensor: n.value, dtype: n.dtype, node: n };
}

export function convError(what: string, expected: string, v: Value, site?: Site): LossInspectorError {
  return new LossInspectorError(`${what}: expected ${expected}, received ${describe(v)}.`,
    { code: 'type', expected, received: describe(v), offset: site?.offset, length: site?.length });
}

export function describe(v: Value): string {
  switch (v.kind) {
    case 'tensor': return `a tensor of shape ${shapeStr(v.tensor.shape)}`;
    case 'number': return String(v.value);
    case 'string': return `'${v.value}'`;
    case 'none': return 'None';
    case 'bool': return v.value ? 'True' : 'False';
    case 'list': return v.tuple ? 'a tuple' : 'a list';
    case 'module': return `the module ${v.path}`;
    case 'callable': return `the function ${v.name}`;
    case 'object': return `a ${v.className} object`;
    case 'opaque': return v.what;
    default: return `a ${v.kind}`;
  }
}

/** True when a value holds (or contains) a tensor. */
export function hasTensor(v: Value): boolean {
  return v.kind === 'tensor' || (v.kind === 'list' && v.items.some(hasTensor));
}

/** Dtype a list literal gets: ints → int64, any float → float64 (NumPy; TF would make float32/int32). */
function listDtype(v: Value): DType {
  let d: DType = 'int64';
  let any = false;
  const walk = (x: Value): void => {
    if (x.kind === 'list') x.items.forEach(walk);
    else if (x.kind === 'number') { any = true; if (!x.int) d = 'float64'; } else if (x.kind === 'bool') any = true;
  };
  walk(v);
  return any ? d : 'float64';
}

/**
 * Any array-like value as a node: tensors keep their graph, numbers become scalars weakly typed after `like`,
 * lists of tensors are stacked (tf.convert_to_tensor semantics), nested number lists become constants.
 */
export function toNode(v: Value, what: string, like: DType | null = null, site?: Site, budget: Budget | null = null): Node {
  switch (v.kind) {
    case 'tensor': return nodeOf(v, budget);
    case 'number': return scalarLike(v.value, v.int, like);
    case 'bool': return scalarLike(v.value ? 1 : 0, true, 'bool');
    case 'list': {
      if (v.node) return v.node;
      if (v.items.some(hasTensor)) {
        const parts = v.items.map((x) => toNode(x, what, like, site, budget));
        let dt: DType = parts[0]?.dtype ?? 'float64';
        for (const p of parts) if (p.dtype === 'float64') dt = 'float64';
        return stack(parts.map((p) => (p.dtype === dt ? p : cast(p, dt))), 0);
      }
      const nested = toNestedNumbers(v, what, site);
      try {
        return constant(fromNested(nested, what), listDtype(v), budget);
      } catch (e) {
        throw new LossInspectorError(`${what}: ${(e as Error).message}`, { code: 'input', offset: site?.offset, length: site?.length });
      }
    }
    default:
      throw convError(what, 'a tensor, a number or a list of numbers', v, site);
  }
}

function toNestedNumbers(v: Value, what: string, site?: Site): Nested {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  if (v.kind === 'list') return v.items.map((x) => toNestedNumbers(x, what, site));
  throw convError(what, 'a nested list of numbers', v, site);
}

/** A Python int (or an int-valued scalar tensor). */
export function toInt(v: Value, what: string, site?: Site): number {
  if (v.kind === 'number' && Number.isInteger(v.value)) return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  if (v.kind === 'tensor' && v.tensor.data.length === 1 && Number.isInteger(v.tensor.data[0])) return v.tensor.data[0];
  throw convError(what, 'an integer', v, site);
}

/** A Python number (or a one-element tensor). */
export function toNumber(v: Value, what: string, site?: Site): number {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  if (v.kind === 'tensor' && v.tensor.data.length === 1) return v.tensor.data[0];
  throw convError(what, 'a number', v, site);
}

/** An axis argument: None, an int, or a list/tuple of ints. */
export function toAxis(v: Value | undefined, what: string, site?: Site): number | number[] | null {
  if (v === undefined || v.kind === 'none') return null;
  if (v.kind === 'list') return v.items.map((x) => toInt(x, what, site));
  if (v.kind === 'tensor' && v.tensor.shape.length === 1) return Array.from(v.tensor.data);
  return toInt(v, what, site);
}

/** A shape argument: a list/tuple of ints, an int, or a 1-D int tensor. */
export function toShape(v: Value, what: string, site?: Site): number[] {
  if (v.kind === 'list') return v.items.map((x) => toInt(x, what, site));
  if (v.kind === 'tensor' && v.tensor.shape.length <= 1) return Array.from(v.tensor.data);
  return [toInt(v, what, site)];
}

export function toBool(v: Value, what: string, site?: Site): boolean {
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'number') return v.value !== 0;
  if (v.kind === 'none') return false;
  throw convError(what, 'True or False', v, site);
}

/** A dtype argument: 'float32', tf.float32 (a module path or a string), float/int builtins. */
export function toDtype(v: Value, what: string, site?: Site): DType {
  let name: string | undefined;
  if (v.kind === 'string') name = v.value;
  else if (v.kind === 'module') name = v.path;
  else if (v.kind === 'callable') name = v.name === 'float' ? 'float64' : v.name === 'int' ? 'int64' : v.name === 'bool' ? 'bool' : v.name;
  const d = dtypeName(name);
  if (!d) throw convError(what, 'a dtype (float32, float64, int32, int64, bool)', v, site);
  return d;
}
