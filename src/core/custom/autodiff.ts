/**
 * Reverse-mode automatic differentiation over dense float64 tensors (the user-defined loss evaluator's engine).
 *
 * A `Node` is an immutable tensor value plus, when it depends on a tensor we differentiate with respect to, the
 * closure that maps the gradient of its value to the gradients of its inputs (a vector-Jacobian product).
 * `backward(out, [x])` returns d(Σ out)/dx (or d(Σ upstream·out)/dx). Every node is created through `budget`,
 * which refuses tensors above the element limit and stops an evaluation past its deadline.
 */
import { Tensor, Shape, sizeOf, shapeStr } from '../tensor';
import { LossInspectorError } from '../errors';

/** Dtypes we track for the user's information (every value is computed in float64). */
export type DType = 'float64' | 'float32' | 'int64' | 'int32' | 'bool';

/** Maps the gradient of a node's value to the gradients of its parents (null: no gradient flows to that parent). */
export type Backward = (g: Float64Array) => (Float64Array | null)[];

let nextId = 1;

export class Node {
  readonly id = nextId++;
  constructor(
    readonly value: Tensor,
    readonly dtype: DType,
    readonly parents: readonly Node[],
    readonly vjp: Backward | null,
    /** True when the value depends on a differentiated input (a gradient can flow back through it). */
    readonly requiresGrad: boolean,
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

class Budget {
  limits: BudgetLimits = DEFAULT_BUDGET;
  allocated = 0;
  deadline = Infinity;
  /** Optional hook (the snippet evaluator's ctx.tick) called on every op. */
  tick: (() => void) | null = null;
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

/** A zeroed buffer of n elements, refused above the per-tensor limit or past the deadline. */
export function alloc(n: number, what: string): Float64Array {
  budget.precheck(n, what);
  return new Float64Array(n);
}

/** The budget of the evaluation under way (set by `withBudget`). */
export const budget = new Budget();

/** Runs `f` with fresh limits (nested calls keep the outer deadline and counters). */
export function withBudget<T>(limits: Partial<BudgetLimits>, f: () => T, tick: (() => void) | null = null): T {
  const saved = { limits: budget.limits, allocated: budget.allocated, deadline: budget.deadline, tick: budget.tick };
  const outer = budget.deadline !== Infinity;
  budget.limits = { ...DEFAULT_BUDGET, ...limits };
  if (!outer) { budget.allocated = 0; budget.deadline = Date.now() + budget.limits.maxMillis; }
  budget.tick = tick ?? saved.tick;
  try {
    return f();
  } finally {
    budget.limits = saved.limits; budget.tick = saved.tick;
    if (!outer) { budget.allocated = saved.allocated; budget.deadline = saved.deadline; }
  }
}

/** A constant (no gradient). `input`: an array the caller already holds (checked, not counted in the total). */
export function constant(t: Tensor, dtype: DType = 'float64', input = false): Node {
  if (input) budget.precheck(t.data.length, 'input'); else budget.check(t.data.length, 'tensor');
  return new Node(t, dtype, [], null, false);
}

/** An input we differentiate with respect to (checked against the per-tensor limit, not counted in the total). */
export function variable(t: Tensor, dtype: DType = 'float64'): Node {
  budget.precheck(t.data.length, 'y_pred');
  return new Node(t, dtype, [], null, true);
}

export function scalarNode(x: number, dtype: DType = 'float64'): Node {
  return new Node({ data: Float64Array.of(x), shape: [] }, dtype, [], null, false);
}

/** Creates an op's output node; the backward closure is kept only when a gradient can flow. */
export function makeNode(what: string, data: Float64Array, shape: Shape, dtype: DType, parents: Node[], vjp: Backward | null): Node {
  budget.check(data.length, what);
  if (data.length !== sizeOf(shape)) throw new Error(`${what}: internal shape mismatch ${data.length} vs ${shapeStr(shape)}`);
  const rg = vjp !== null && parents.some((p) => p.requiresGrad);
  return new Node({ data, shape: shape.slice() }, dtype, rg ? parents : [], rg ? vjp : null, rg);
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
  const seen = new Set<number>();
  const stack: [Node, number][] = [[out, 0]];
  seen.add(out.id);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [n, i] = top;
    if (i < n.parents.length) {
      top[1]++;
      const p = n.parents[i];
      if (p.requiresGrad && !seen.has(p.id)) { seen.add(p.id); stack.push([p, 0]); }
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
