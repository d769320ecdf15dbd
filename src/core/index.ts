/** The Loss Inspector core: pure TypeScript, no vscode, no DOM. */
export * from './tensor';
export * from './errors';
export * from './spec';
export * from './registry';
export * from './config';
export * from './reduce';
export * from './evaluate';
export * from './format';
