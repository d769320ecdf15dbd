/** The snippet engine's contract as the extension uses it (one import site for jobs and commands). */
export { evaluateSnippet, parseTwoArrays, classifySelection } from '../core/snippet';
export type { SnippetResult, SnippetDiagnostic, SnippetOptions } from '../core/snippet';
