/** The PyTorch side of the core (torch 1.13 semantics): specs, the registry of torch spellings, and evaluateTorch. */
export * from './types';
export { evaluateTorch, torchParams } from './evaluate';
export { TORCH_SPECS, tryResolveTorch, torchSpec, torchNames } from './registry';
export { inferDtype, toTorchTensor } from './base';
export { formatTorch, pyFloatRepr, pyFixed, pyExp } from './print';
export type { TorchPrintOptions } from './print';
export { torchAsEvalResult } from './evalResult';
