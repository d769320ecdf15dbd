/**
 * Reverse-mode automatic differentiation over dense float64 tensors (the user-defined loss evaluator's engine).
 *
 * A `Node` is an immutable tensor value plus, when it depends on a tensor we differentiate with respect to, the
 * closure that maps the gradient of its value to the gradients of its inputs (a vector-Jacobian product).
 * `backward(out, [x])` returns d(Σ out)/dx (or d(Σ upstream·out)/dx). Every node carries the `Budget` of the evaluation
 * session that made it (inherited from its parents), which refuses tensors above the element limit and stops an
 * evaluation past its deadline; there is no global state, so two evaluations can run interleaved.
 */
import { Tensor, Shape, sizeOf, shapeStr } from '../tensor';
import { LossInspectorError } from '../errors';

/** Dtypes we track for the user's information (every value is computed in float64). */
export type DType = 'float64' | 'float32' | 'int64' | 'int32' | 'bool';

/** Maps the gradient of a node's value to the gradients of its parents (null: no gradient flows to that parent). */
export type Backward = (g: Float64Array) => (Float64Array | null)[];

export class Node {
  /** The grad_fn torch shows on this value (`MulBackward0`), set where the torch-level operation is known (gradfn.ts). */
  label?: string;
  /**
   * Computed by arithmetic that torch rounds in float32 where we compute in float64 (exp, softmax, division…): its last
   * bits are not torch's, so an exactly-integer result may print as `1.0000` in torch (gradfn.ts, stdout.ts).
   */
  inexact?: boolean;
  /** Derived from a NumPy array (`t.numpy()`): prints as NumPy, which is not reproduced. */
  numpy?: boolean;
  constructor(
    readonly value: Tensor,
    readonly dtype: DType,
    readonly parents: readonly Node[],
    readonly vjp: Backward | null,
    /** True when the value depends on a differentiated input (a gradient can flow back through it). */
    readonly requiresGrad: boolean,
    /** The limits of the evaluation this node belongs to (null: a small constant outside any evaluation). */
    readonly budget: Budget | null = null,
  ) {}
  get shape(): Shape { return this.value.shape; }
  get data(): Float64Array { return this.value.data; }
  get size(): number { return this.value.data.length; }
}

/** Limits of one evaluation: elements per tensor, elements allocated in total, wall clock. */
export interface BudgetLimits {
  maxTensorElements: number;
  maxTotalElements: number;
  maxMillis: number;
}

export const DEFAULT_BUDGET: BudgetLimits = { maxTensorElements: 4_000_000, maxTotalElements: 64_000_000, maxMillis: 10_000 };

/** The element and time limits of one evaluation session (see session.ts); nodes refer to it. */
export class Budget {
  allocated = 0;
  readonly deadline: number;
  constructor(
    readonly limits: BudgetLimits = DEFAULT_BUDGET,
    /** Called on every op (the session's step counter). */
    readonly tick: (() => void) | null = null,
  ) {
    this.deadline = Date.now() + limits.maxMillis;
  }
  check(n: number, what: string): void {
    if (n > this.limits.maxTensorElements) {
      throw new LossInspectorError(`${what}: a tensor of ${n} elements is above the limit of ${this.limits.maxTensorElements} elements.`,
        { code: 'limit', expected: `at most ${this.limits.maxTensorElements} elements`, received: String(n) });
    }
    this.allocated += n;
    if (this.allocated > this.limits.maxTotalElements) {
      throw new LossInspectorError(`${what}: the evaluation allocated more than ${this.limits.maxTotalElements} tensor elements in total; stopped.`,
        { code: 'limit', expected: `at most ${this.limits.maxTotalElements} elements in total`, received: String(this.allocated) });
    }
    if (Date.now() > this.deadline) {
      throw new LossInspectorError(`${what}: the evaluation took longer than ${this.limits.maxMillis} ms; stopped.`, { code: 'limit' });
    }
    this.tick?.();
  }
  /** Before allocating or computing: the per-tensor limit and the deadline (nothing counted). */
  precheck(n: number, what: string): void {
    if (n > this.limits.maxTensorElements) {
      throw new LossInspectorError(`${what}: a tensor of ${n} elements is above the limit of ${this.limits.maxTensorElements} elements.`,
        { code: 'limit', expected: `at most ${this.limits.maxTensorElements} elements`, received: String(n) });
    }
    this.time(what);
  }
  time(what: string): void {
    if (Date.now() > this.deadline) throw new LossInspectorError(`${what}: the evaluation took longer than ${this.limits.maxMillis} ms; stopped.`, { code: 'limit' });
  }
}

/** A zeroed buffer of n elements, refused above the per-tensor limit or past the deadline of `budget`. */
export function alloc(n: number, what: string, budget: Budget | null): Float64Array {
  budget?.precheck(n, what);
  return new Float64Array(n);
}

/** A constant (no gradient). `input`: an array the caller already holds (checked, not counted in the total). */
export function constant(t: Tensor, dtype: DType, budget: Budget | null, input = false): Node {
  if (input) budget?.precheck(t.data.length, 'input'); else budget?.check(t.data.length, 'tensor');
  return new Node(t, dtype, [], null, false, budget);
}

/** An input we differentiate with respect to (checked against the per-tensor limit, not counted in the total). */
export function variable(t: Tensor, dtype: DType, budget: Budget | null): Node {
  budget?.precheck(t.data.length, 'y_pred');
  return new Node(t, dtype, [], null, true, budget);
}

export function scalarNode(x: number, dtype: DType = 'float64'): Node {
  return new Node({ data: Float64Array.of(x), shape: [] }, dtype, [], null, false);
}

/** The budget a new node inherits: the first of its parents' that has one. */
export function budgetOf(parents: readonly Node[]): Budget | null {
  for (const p of parents) if (p.budget) return p.budget;
  return null;
}

/**
 * Creates an op's output node; the backward closure is kept only when a gradient can flow. The node belongs to
 * `budget`, by default its parents' (a node without parents must be given one to be limited).
 */
export function makeNode(what: string, data: Float64Array, shape: Shape, dtype: DType, parents: Node[], vjp: Backward | null, budget: Budget | null = budgetOf(parents)): Node {
  budget?.check(data.length, what);
  if (data.length !== sizeOf(shape)) throw new Error(`${what}: internal shape mismatch ${data.length} vs ${shapeStr(shape)}`);
  const rg = vjp !== null && parents.some((p) => p.requiresGrad);
  return new Node({ data, shape: shape.slice() }, dtype, rg ? parents : [], rg ? vjp : null, rg, budget);
}

/**
 * Gradients of Σ(upstream · out) with respect to each of `wrt` (upstream defaults to ones: the gradient of the
 * sum of `out`). Inputs `out` does not depend on get zeros.
 */
export function backward(out: Node, wrt: readonly Node[], upstream?: Float64Array): Float64Array[] {
  const grads = new Map<Node, Float64Array>();
  const results: Float64Array[] = wrt.map((w) => new Float64Array(w.size));
  if (!out.requiresGrad) return results;
  // Topological order by iterative DFS (deep graphs must not overflow the JS stack).
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: [Node, number][] = [[out, 0]];
  seen.add(out);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [n, i] = top;
    if (i < n.parents.length) {
      top[1]++;
      const p = n.parents[i];
      if (p.requiresGrad && !seen.has(p)) { seen.add(p); stack.push([p, 0]); }
    } else {
      stack.pop();
      order.push(n);
    }
  }
  const seed = upstream ? Float64Array.from(upstream) : new Float64Array(out.size).fill(1);
  if (seed.length !== out.size) throw new Error(`backward: upstream of ${seed.length} elements for a value of ${out.size}`);
  grads.set(out, seed);
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k];
    const g = grads.get(n);
    if (!g || !n.vjp) continue;
    const pg = n.vjp(g);
    for (let j = 0; j < n.parents.length; j++) {
      const p = n.parents[j];
      const gj = pg[j];
      if (!gj || !p.requiresGrad) continue;
      const acc = grads.get(p);
      if (!acc) { grads.set(p, gj); continue; }
      // Never accumulate in place: a vjp may hand the same array to several parents.
      const sum = new Float64Array(acc.length);
      for (let i = 0; i < acc.length; i++) sum[i] = acc[i] + gj[i];
      grads.set(p, sum);
    }
    if (!wrt.includes(n)) grads.delete(n);
  }
  wrt.forEach((w, i) => { const g = grads.get(w); if (g) results[i] = g; });
  return results;
}
