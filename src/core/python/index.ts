/**
 * The Python the user selects, read by one interpreter (interp.ts) over one value model (values.ts), one set of
 * operators (operators.ts), one namespace table (namespace.ts) and reverse-mode autodiff (autodiff.ts, ops.ts):
 * snippets (`evaluateSnippet`), user-defined losses on arrays (`evaluateCustom`), and the panel's entry points.
 */
export { evaluateSnippet, snippetSemantics } from './snippet';
export { parseTwoArrays, classifySelection } from '../arrays';
export type { SnippetOptions } from './snippet';
export type { SnippetResult, SnippetDiagnostic } from './types';
export * from './values';
export { DEFAULT_LIMITS, EvalSession } from './session';
export type { Limits } from './session';
export { valueToTensor, toParamValue, errAt, skip, repr } from './pyops';
export { binop, unaryValue } from './operators';
export { parsePyNumber, parsePyString } from './syntax';
export { defineBuiltin, defineConstant } from './namespace';
export type { Builtin, BuiltinCall } from './namespace';
export { Interpreter } from './interp';
export { evaluateCustom, customLossOf, topLevelCall, evaluateCustomSource, customRequestOf, loadCustomLoss, loadModule } from './custom';
export type { CustomOptions, CustomRequest } from './custom';
export { sweepCustom, sweepCustomSource } from './curves';
export { evaluateTorchRequest, evaluateTorchWithSource, hasDistanceSource } from './torchSource';
export type { CustomSweepOptions } from './curves';
export { userEntityOf } from './user';
export type { UserEntity, UserFunction, UserClass } from './user';
export { DEFAULT_BUDGET } from './autodiff';
export type { BudgetLimits } from './autodiff';
