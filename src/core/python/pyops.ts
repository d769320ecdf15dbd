/** Python values in messages and conversions: errors at a place, repr, numbers, dense tensors, loss parameters. */
import { LossInspectorError } from '../errors';
import { Tensor, sizeOf, sameShape, toNested, shapeStr } from '../tensor';
import type { ParamValue } from '../spec';
import { Value, Site, typeName } from './values';

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
  if (v.kind === 'opaque' && v.random) throw skip(site, `${what}: ${v.what} is a random draw, and random numbers are not reproduced (Loss Inspector never runs the random generator); write the numbers out to evaluate this call`);
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

