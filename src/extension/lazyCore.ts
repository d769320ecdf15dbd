/**
 * The parts of the core the host loads on first use, not at activation: the Python interpreter (snippets and
 * user-defined losses, src/core/python) with the Python parser (@lezer/python), about half of the core. In the Node build they
 * are a chunk of their own, shared with the worker and the CLI; in the single-file web bundle the import is inline.
 */
export type SnippetCore = typeof import('../core/python');

let loading: Promise<SnippetCore> | undefined;
let loaded: SnippetCore | undefined;

/** Loads (once) and returns the snippet evaluator. */
export function loadSnippetCore(): Promise<SnippetCore> {
  loading ??= import('../core/python').then((python) => {
    loaded = python;
    return loaded;
  });
  return loading;
}

/** The snippet evaluator if loadSnippetCore() has finished, for synchronous callers that loaded it before. */
export function snippetCoreIfLoaded(): SnippetCore | undefined {
  return loaded;
}

/** Name resolution with specs (core/names.ts: the registry, every spec); activation matches names with core/nameIndex.ts. */
export function loadNames(): Promise<typeof import('../core/names')> {
  return import('./docsHub').then((h) => h.names);
}

/** The registry (every spec: kernels, examples, docs), for the first CodeLens resolved or picker shown. */
export function loadRegistry(): Promise<typeof import('../core/registry')> {
  return import('./docsHub').then((h) => h.registry);
}

/** The documentation renderer (hover and Explain Loss Markdown with the loss/gradient plots), loaded on first use. */
export function loadDocs(): Promise<typeof import('../core/explain')> {
  return import('./docsHub').then((h) => h.explain);
}

/**
 * The torch core (every torch.nn loss, evaluateTorch, formatTorch), loaded when a torch loss is picked or computed:
 * through docsHub.ts, whose registry chunk holds it (an import() of its own made two more chunks, one of them empty).
 */
export function loadTorchCore(): Promise<typeof import('../core/torch')> {
  return import('./docsHub').then((h) => h.torch);
}
