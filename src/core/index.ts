/** The Loss Inspector core: pure TypeScript, no vscode, no DOM. */
export * from './tensor';
export * from './errors';
export * from './spec';
export * from './registry';
export * from './config';
export * from './reduce';
export * from './evaluate';
export * from './format';
export { parseArrayLiteral, parseArrayLiteralTensor, scanArrayLiteral, DEFAULT_LITERAL_LIMITS } from './literal';
export type { LiteralLimits } from './literal';
export { evaluateSnippet, parseTwoArrays, classifySelection, DEFAULT_LIMITS, evaluateTorchRequest } from './python';
export type { SnippetResult, SnippetDiagnostic, SnippetOptions } from './python';
export * from './torch';
export { compareFrameworks, COMPARE_GROUPS } from './compare';
export type { CompareRow, CompareResult, CompareRequest, CompareFramework } from './compare';
export { predictionKind, isOneHot, optaxConventions, torchConventions, kerasConventions } from './conventions';
export type { Finding, PredictionKind } from './conventions';
