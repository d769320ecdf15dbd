/**
 * The custom-loss plugin of the snippet evaluator: `def`, `lambda` and `class X(keras.losses.Loss)` become values
 * the snippet can call (a top-level call on arrays is a result with an EvalResult), and the tensor library
 * (tf.square, np.mean, K.epsilon, x.sum(), ...) answers the evaluator's unknown calls.
 */
import type { SyntaxNode } from '@lezer/common';
import type { SnippetPlugin, Value, Scope, EvalContext, Site } from '../snippet/plugin';
import { Interp, Host, findUnsupported, callFunctional } from './interp';
import { callOp, callMethod } from './library';
import { withBudget, BudgetLimits } from './autodiff';
import { tv, toNode } from './convert';
import * as O from './ops';
import { LossInspectorError } from '../errors';
import './evaluate';

function hostOf(ctx: EvalContext): Host {
  return {
    tick: (site) => ctx.tick(site),
    enter: (site) => ctx.enter(site),
    leave: () => ctx.leave(),
    callForeign: (fn, args, kwargs, site) => ctx.callValue(fn, args, kwargs, site),
    limits: clean(limitsOf(ctx)),
  };
}

function limitsOf(ctx: EvalContext): Partial<BudgetLimits> {
  const l = ctx.limits;
  return { maxTensorElements: l?.maxTensorElements, maxMillis: l?.maxMillis };
}

function clean(l: Partial<BudgetLimits>): Partial<BudgetLimits> {
  const out: Partial<BudgetLimits> = {};
  for (const [k, v] of Object.entries(l)) if (typeof v === 'number' && Number.isFinite(v)) (out as Record<string, number>)[k] = v;
  return out;
}

export const customLossPlugin: SnippetPlugin = {
  define(node: SyntaxNode, source: string, scope: Scope, ctx: EvalContext): Value | null {
    const interp = new Interp(source, hostOf(ctx));
    let target = node;
    if (node.name === 'DecoratedStatement') {
      const inner = node.getChild('FunctionDefinition') ?? node.getChild('ClassDefinition');
      if (!inner) return null;
      target = inner;
    }
    if (target.name !== 'FunctionDefinition' && target.name !== 'LambdaExpression' && target.name !== 'ClassDefinition') return null;
    const bad = findUnsupported(target, source);
    const v = target.name === 'ClassDefinition' ? interp.defineClass(target, scope) : interp.defineFunction(target, scope);
    if (bad) {
      ctx.report({ offset: bad.offset, length: bad.length }, `${v.kind === 'callable' ? v.name : 'this loss'}: ${bad.construct} (line ${bad.line}) is outside the Python subset Loss Inspector evaluates, so calls of it will not be evaluated.`, 'info');
    }
    return v;
  },
  callFunction(dottedName: string, args: Value[], kwargs: Map<string, Value>, site: Site, ctx: EvalContext): Value | undefined {
    try {
      return callLibrary(dottedName, args, kwargs, site, ctx);
    } catch (e) {
      if (e instanceof LossInspectorError) throw e.at(site.offset, site.length);
      throw e;
    }
  },
  getAttribute(dottedName: string): Value | undefined {
    return CONSTS[dottedName];
  },
};

const num = (value: number): Value => ({ kind: 'number', value, int: false });
const CONSTS: Record<string, Value> = {
  'np.pi': num(Math.PI), 'np.e': num(Math.E), 'np.inf': num(Infinity), 'np.nan': num(NaN), 'math.pi': num(Math.PI), 'np.newaxis': { kind: 'none' },
};

function callLibrary(dottedName: string, args: Value[], kwargs: Map<string, Value>, site: Site, ctx: EvalContext): Value | undefined {
    const special = callFunctional(dottedName, args, kwargs);
    if (special) return special;
    return withBudget(clean(limitsOf(ctx)), () => {
      if (dottedName === 'operator.matmul') {
        return tv(O.matmul(toNode(args[0], 'left operand of @', null, site), toNode(args[1], 'right operand of @', null, site)));
      }
      if (dottedName.startsWith('<tensor>.')) {
        const [self, ...rest] = args;
        if (!self || self.kind !== 'tensor') return undefined;
        return callMethod(dottedName.slice('<tensor>.'.length), self, rest, kwargs, site);
      }
      return callOp(dottedName, args, kwargs, site);
    }, () => ctx.tick(site));
}
