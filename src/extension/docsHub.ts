/**
 * What the hover and Explain Loss load on first use, as one dynamic import (lazyCore.ts): name resolution with the
 * specs, the registry, the documentation renderer, and the torch core (the registry's chunk holds it already). One
 * import target instead of four keeps the build's chunks few (each target of import() is a chunk of its own, and
 * every module reached from a different set of targets another; the .vsix pays per file). No vscode here.
 */
export * as names from '../core/names';
export * as registry from '../core/registry';
export * as explain from '../core/explain';
export * as torch from '../core/torch';
