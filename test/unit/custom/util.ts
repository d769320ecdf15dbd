/** Helpers for the user-defined loss tests: load Python source, evaluate, finite differences. */
import type { Scope, Value } from '../../../src/core/python';
import { loadModule } from '../../../src/core/python';
import { evaluateCustom, CustomOptions } from '../../../src/core/python';
import type { EvalResult } from '../../../src/core/evaluate';
import type { Tensor, Nested } from '../../../src/core/tensor';
import { fromNested } from '../../../src/core/tensor';

/** Runs the top level of `source` (imports, defs, classes, assignments) and returns its scope. */
export function load(source: string): Scope {
  return loadModule(source);
}

/** The value bound to `name` in `source`. */
export function fnOf(source: string, name: string): Value {
  const v = load(source).get(name);
  if (!v) throw new Error(`${name} not defined`);
  return v;
}

export function run(fn: Value, yTrue: Nested | Tensor, yPred: Nested | Tensor, opts: Partial<CustomOptions> = {}): EvalResult {
  return evaluateCustom(fn, yTrue, yPred, { mode: 'direct', ...opts });
}

/** Central finite differences of Σ value w.r.t. y_pred (float64 inputs). */
export function fdGrad(fn: Value, yTrue: Nested | Tensor, yPred: Nested | Tensor, opts: Partial<CustomOptions> = {}, h = 1e-6): Float64Array {
  const yp = (yPred as Tensor).data instanceof Float64Array ? (yPred as Tensor) : fromNested(yPred as Nested);
  const total = (t: Tensor) => { let s = 0; for (const x of run(fn, yTrue, t, opts).value.data) s += x; return s; };
  const g = new Float64Array(yp.data.length);
  for (let i = 0; i < g.length; i++) {
    const hi = new Float64Array(yp.data); hi[i] += h;
    const lo = new Float64Array(yp.data); lo[i] -= h;
    g[i] = (total({ data: hi, shape: yp.shape }) - total({ data: lo, shape: yp.shape })) / (2 * h);
  }
  return g;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** |a−b| ≤ atol + rtol·|b| elementwise, with a message naming the first bad index. */
export function closeArr(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-6, atol = 1e-8, what = 'value'): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) throw new Error(`${what}[${i}]: ${a[i]} vs expected ${b[i]} (diff ${a[i] - b[i]})`);
  }
}
