/** User-defined losses: an interpreter for the Python subset losses are written in, over a reverse-mode autodiff. */
export { customLossPlugin } from './plugin';
export { evaluateCustom, customLossOf, topLevelCall, evaluateCustomSource, customRequestOf, loadCustomLoss } from './evaluate';
export { sweepCustom, sweepCustomSource } from './curves';
export type { CustomSweepOptions } from './curves';
export type { CustomOptions, CustomRequest } from './evaluate';
export { Interp, standaloneHost, userEntityOf } from './interp';
export type { UserEntity, UserFunction, UserClass, Host } from './interp';
export { DEFAULT_BUDGET } from './autodiff';
export type { BudgetLimits } from './autodiff';
