/**
 * A slider step as a patch (issue 16): the host sends what changed in the state since the one the webview holds,
 * not the whole state. A patch is a list of operations on paths of object keys: `[path, value]` sets the value at
 * the path, `[path]` removes the key. Plain objects are compared key by key (so a gradient heatmap whose bins and
 * indices stayed sends only its `values`); arrays, numbers and strings are replaced whole when they differ.
 * No DOM, no vscode: used by the host (panel.ts) and the webview (main.ts), tested in test/unit.
 */

export type PatchOp = [path: string[], value: unknown] | [path: string[]];

function isPlain(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/** Structural equality of JSON-like values (NaN equals NaN; a key whose value is undefined counts as absent). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i], y = b[i];
      if (x !== y && !(typeof x === 'object' || typeof y === 'object' ? sameValue(x, y) : Object.is(x, y))) return false;
    }
    return true;
  }
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined), kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!(k in b) || !sameValue(a[k], b[k])) return false;
  return true;
}

/** The operations that turn `prev` into `next` (both plain objects); empty when they are equal. */
export function diffState(prev: object, next: object): PatchOp[] {
  const ops: PatchOp[] = [];
  const walk = (a: Record<string, unknown>, b: Record<string, unknown>, path: string[]): void => {
    for (const k of Object.keys(a)) if (a[k] !== undefined && b[k] === undefined) ops.push([[...path, k]]);
    for (const k of Object.keys(b)) {
      const y = b[k];
      if (y === undefined) continue;
      const x = a[k];
      if (isPlain(x) && isPlain(y)) walk(x, y, [...path, k]);
      else if (!sameValue(x, y)) ops.push([[...path, k], y]);
    }
  };
  walk(prev as Record<string, unknown>, next as Record<string, unknown>, []);
  return ops;
}

/**
 * `base` with the operations applied; `base` is not modified (objects on a changed path are copied, everything
 * else is shared). Throws on a path through a value that is not an object (a patch for another state).
 */
export function applyPatch<T extends object>(base: T, ops: readonly PatchOp[]): T {
  const root: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const op of ops) {
    const path = op[0];
    if (!Array.isArray(path) || !path.length) throw new Error('state patch: an operation without a path');
    let obj = root;
    for (let i = 0; i < path.length - 1; i++) {
      const child = obj[path[i]];
      if (!isPlain(child)) throw new Error(`state patch: ${path.slice(0, i + 1).join('.')} is not an object`);
      const copy = { ...child };
      obj[path[i]] = copy;
      obj = copy;
    }
    const key = path[path.length - 1];
    if (op.length === 1) delete obj[key];
    else obj[key] = op[1];
  }
  return root as T;
}

/** The top-level keys an operation list touches (what the webview has to render again). */
export function changedKeys(ops: readonly PatchOp[]): Set<string> {
  return new Set(ops.map((op) => op[0][0]));
}
