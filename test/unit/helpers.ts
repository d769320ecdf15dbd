/** Test helpers: tolerant comparison, finite differences. */
import * as assert from 'node:assert/strict';
import { evaluate, EvalRequest, Tensor, Nested, fromNested, toNested } from '../../src/core';

/** Asserts |a−e| ≤ atol + rtol·|e| elementwise (nested arrays or numbers); NaN equals NaN. */
export function assertClose(actual: unknown, expected: unknown, rtol = 1e-5, atol = 1e-6, path = ''): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path}: expected a number, got ${JSON.stringify(actual)}`);
    const a = actual as number;
    if (Number.isNaN(expected)) { assert.ok(Number.isNaN(a), `${path}: expected NaN, got ${a}`); return; }
    if (!Number.isFinite(expected)) { assert.equal(a, expected, path); return; }
    assert.ok(Math.abs(a - expected) <= atol + rtol * Math.abs(expected), `${path || 'value'}: expected ${expected}, got ${a} (diff ${a - expected})`);
    return;
  }
  assert.ok(Array.isArray(expected) && Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
  const ea = expected as unknown[], aa = actual as unknown[];
  assert.equal(aa.length, ea.length, `${path}: length ${aa.length} vs expected ${ea.length}`);
  for (let i = 0; i < ea.length; i++) assertClose(aa[i], ea[i], rtol, atol, `${path}[${i}]`);
}

/** The value of a request as nested numbers. */
export function value(req: EvalRequest): Nested {
  return toNested(evaluate(req).value);
}

/** Central finite-difference gradient of sum(value) w.r.t. y_pred. */
export function numericGrad(req: EvalRequest, h = 1e-6): Float64Array {
  const yp: Tensor = fromNested(req.yPred as Nested);
  const g = new Float64Array(yp.data.length);
  const total = (t: Tensor) => { const v = evaluate({ ...req, yPred: t }).value.data; let s = 0; for (const x of v) s += x; return s; };
  for (let i = 0; i < g.length; i++) {
    const hi = new Float64Array(yp.data); hi[i] += h;
    const lo = new Float64Array(yp.data); lo[i] -= h;
    g[i] = (total({ data: hi, shape: yp.shape }) - total({ data: lo, shape: yp.shape })) / (2 * h);
  }
  return g;
}
