/**
 * The parts of the core the host loads on first use, not at activation: the snippet evaluator with the
 * custom-loss interpreter and the Python parser (@lezer/python), about half of the core. In the Node build they
 * are a chunk of their own, shared with the worker and the CLI; in the single-file web bundle the import is inline.
 */
export type SnippetCore = typeof import('../core/snippet') & Pick<typeof import('../core/custom'), 'customRequestOf' | 'evaluateCustomSource' | 'sweepCustomSource'>;

let loading: Promise<SnippetCore> | undefined;
let loaded: SnippetCore | undefined;

/** Loads (once) and returns the snippet evaluator. */
export function loadSnippetCore(): Promise<SnippetCore> {
  loading ??= Promise.all([import('../core/snippet'), import('../core/custom')]).then(([snippet, custom]) => {
    loaded = { ...snippet, customRequestOf: custom.customRequestOf, evaluateCustomSource: custom.evaluateCustomSource, sweepCustomSource: custom.sweepCustomSource };
    return loaded;
  });
  return loading;
}

/** The snippet evaluator if loadSnippetCore() has finished, for synchronous callers that loaded it before. */
export function snippetCoreIfLoaded(): SnippetCore | undefined {
  return loaded;
}
