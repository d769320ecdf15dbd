/**
 * What Compute Loss and the commands around its results load on first use, as one dynamic import: the command's
 * implementation, the quick fixes, the jobs, the result texts and the pickers (commands/computeLossCommand.ts,
 * codeActions.ts, copyResult.ts, explain.ts, activate.ts import() it). One target keeps the chunks few.
 */
export * as compute from './commands/computeLoss';
export * as quickFix from './model/quickFix';
export * as jobs from './jobs';
export * as resultText from './model/resultText';
export * as pickers from './pickers';
