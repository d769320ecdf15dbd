/**
 * The seam for user-defined losses (issue 6, src/core/custom/): the snippet evaluator knows Python structure,
 * built-in losses, literals, arithmetic on numbers/tensors and a few numpy/tf constructors; a plugin adds
 * `def`/`lambda`/`class ...(Loss)` and tensor ops (tf.square, tf.reduce_mean, K.sum, np.mean, ...).
 *
 * Contract:
 *  - Throw only LossInspectorError (give it an offset/length via `site` when you can); the evaluator turns it
 *    into a diagnostic on the statement and carries on with the next one.
 *  - Call ctx.tick() in loops and ctx.enter()/ctx.leave() around user-function calls (limits are enforced there).
 *  - A value returned from a user loss that should show as a result carries `evalResult` (TensorValue).
 */
import type { SyntaxNode } from '@lezer/common';
import type { Value, Scope, EvalContext, Site } from './values';

export type { Value, Scope, EvalContext, Site } from './values';

export interface SnippetPlugin {
  /**
   * FunctionDefinition / ClassDefinition statements and LambdaExpression expressions: return the Value to bind
   * (to the def/class name; for a lambda, the expression's value), or null ("not supported" info diagnostic).
   * `scope` is where the definition happens (closures capture it).
   */
  define(node: SyntaxNode, source: string, scope: Scope, ctx: EvalContext): Value | null;
  /**
   * Calls the evaluator does not know, by canonical dotted name (see canonicalPath in values.ts: `tf.square`,
   * `tf.math.reduce_mean`, `np.mean`, `K.sum`, `K.epsilon`, `keras.ops.mean`; bare builtins like `abs`).
   * Return a Value, or undefined to fall back (the statement is then skipped with an info note).
   * Tensor methods (`x.sum()`, `x.mean(axis=1)`) arrive as `<tensor>.sum` with the receiver as args[0].
   */
  callFunction?(dottedName: string, args: Value[], kwargs: Map<string, Value>, site: Site, ctx: EvalContext): Value | undefined;
  /**
   * Attributes that are values, not calls (`np.pi`, `tf.float32`, `K.epsilon` is a call): a Value or undefined.
   */
  getAttribute?(dottedName: string, site: Site, ctx: EvalContext): Value | undefined;
}
