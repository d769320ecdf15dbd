/**
 * What Compute Loss and the commands around its results load on first use, as one dynamic import: the command's
 * implementation, the quick fixes, the jobs, the result texts and the pickers (commands/computeLossCommand.ts,
 * codeActions.ts, copyResult.ts, explain.ts, activate.ts import() it), and the debugger's Compute Loss With… and
 * Watch Loss (commands/debugger.ts), which build on Compute Loss. One target keeps the chunks few: as targets of
 * their own the two debugger commands made four chunks of the .vsix.
 */
export * as compute from './commands/computeLoss';
export * as quickFix from './model/quickFix';
export * as jobs from './jobs';
export * as resultText from './model/resultText';
export * as pickers from './pickers';
export * as computeLossWith from './commands/computeLossWith';
export * as watchLoss from './commands/watchLoss';
