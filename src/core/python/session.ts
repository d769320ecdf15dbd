/**
 * One evaluation session: everything an evaluation of the user's Python keeps while it runs — its limits, step
 * and call-depth counters, the autodiff budget its tensors are counted against, and the notes and warnings that
 * built-in losses called inside user functions leave for the result. It is passed along explicitly (the
 * interpreter holds it; tensors carry its budget), never kept in a module global, so evaluations can interleave.
 */
import type { Site } from './values';
import { Budget, BudgetLimits, DEFAULT_BUDGET } from './autodiff';
import { Limits, DEFAULT_LIMITS } from '../arrays';

export type { Limits } from '../arrays';
export { DEFAULT_LIMITS } from '../arrays';
import { errAt } from './pyops';

/** User-function calls nested deeper than this are a RecursionError. */
const MAX_CALL_DEPTH = 64;

export class EvalSession {
  readonly limits: Limits;
  /** The budget new tensors are counted against (an evaluation of a user loss sets its own for its duration). */
  budget: Budget;
  readonly startedAt = Date.now();
  /** Steps of the current top-level statement (reset by the interpreter per statement). */
  steps = 0;
  /** Depth of user-function calls under way (0: top level). */
  userDepth = 0;
  /** Keras 3 or Keras 2 numerics for the built-in losses. */
  semantics: 'keras3' | 'keras2' = 'keras3';
  /** Notes and warnings of built-in losses called inside a user loss under evaluation (collected into its result). */
  inner: { notes: string[]; warnings: { code: string; message: string }[] } = { notes: [], warnings: [] };
  /** What the snippet's print() calls write, in order (Python's exact text). */
  stdout: string[] = [];
  /** Lines of print() calls whose output is not reproduced (left out of `stdout`). */
  stdoutGaps: number[] = [];

  constructor(limits: Partial<Limits> = {}) {
    const l: Limits = { ...DEFAULT_LIMITS };
    for (const [k, v] of Object.entries(limits)) if (typeof v === 'number' && !Number.isNaN(v)) (l as unknown as Record<string, number>)[k] = v;
    this.limits = l;
    this.budget = new Budget(budgetLimits(l));
  }

  /** Counts one step against maxSteps/maxMillis; throws a 'limit' LossInspectorError when exhausted. */
  tick(site?: Site): void {
    if (++this.steps > this.limits.maxSteps) throw errAt(site, `stopped after ${this.limits.maxSteps} steps (the limit): an endless loop?`, 'limit');
    if ((this.steps & 63) === 0 && Date.now() - this.startedAt > this.limits.maxMillis) throw errAt(site, `stopped after ${this.limits.maxMillis} ms (the time limit)`, 'limit');
  }

  /** Enters a user-function call (recursion guard); pair with leave(). */
  enter(site: Site): void {
    if (++this.userDepth > MAX_CALL_DEPTH) { this.userDepth--; throw errAt(site, `RecursionError: user functions nested more than ${MAX_CALL_DEPTH} calls deep`, 'limit'); }
  }
  leave(): void { this.userDepth--; }

  /** A budget of its own for one user-loss evaluation inside this session (fresh deadline and counters). */
  childBudget(limits: Partial<BudgetLimits> = {}): Budget {
    return new Budget({ ...budgetLimits(this.limits), ...limits });
  }
}

function budgetLimits(l: Limits): BudgetLimits {
  return {
    maxTensorElements: Number.isFinite(l.maxTensorElements) ? l.maxTensorElements : DEFAULT_BUDGET.maxTensorElements,
    maxTotalElements: Number.isFinite(l.maxTotalElements) ? l.maxTotalElements : DEFAULT_BUDGET.maxTotalElements,
    maxMillis: Number.isFinite(l.maxMillis) ? l.maxMillis : DEFAULT_BUDGET.maxMillis,
  };
}
