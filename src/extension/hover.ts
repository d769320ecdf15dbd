/**
 * Hover docs on loss names in Python files, notebook cells (selectors without a scheme cover both), JS and TS.
 * Multiple hover providers are merged, so ours is shown next to Pylance's, never instead of it.
 */
import * as vscode from 'vscode';
import { findLossNameAt as lossNameAt } from '../core/nameIndex';
import type { LossSpec } from '../core/spec';
import { Commands, HOVER_LANGUAGES, TRUSTED_COMMANDS } from './constants';
import type { Services } from './services';
import { loadDocs, loadNames } from './lazyCore';
import { commandUri } from './services';
import type { PanelOpenArgs } from '../shared/protocol';
import { sizeOf, toNested, type Nested, type Tensor } from '../core/tensor';
import type { ElsewhereNumbers } from '../core/elsewhere';
import type { StoredResult } from './store';

/** Calls up to this many elements lend their numbers to the computed "Elsewhere" rows of the hover. */
const ELSEWHERE_MAX_ELEMENTS = 4096;

const nestedOf = (x: Nested | Tensor): Nested => (typeof x === 'object' && x !== null && !Array.isArray(x) ? toNested(x as Tensor) : x as Nested);

/** The arrays of the evaluated call of this loss on the hovered line, for the computed Elsewhere rows. */
function callNumbers(results: StoredResult[], specId: string, written: string): { id: string; numbers: ElsewhereNumbers; line: number } | undefined {
  const r = results.find((x) => x.request && (x.result.loss === specId || x.request.loss === written));
  if (!r?.request) return undefined;
  const sh = r.result.shapes;
  if (sizeOf(sh.yTrue) + sizeOf(sh.yPred) > ELSEWHERE_MAX_ELEMENTS) return undefined;
  const dtypes = r.request.dtypes; // a torch call: 0/1 float targets are not int64 labels
  return { id: r.id, line: r.startLine + 1, numbers: { yTrue: nestedOf(r.request.yTrue as Nested | Tensor), yPred: nestedOf(r.request.yPred as Nested | Tensor), config: r.request.config, ...(dtypes ? { dtypes } : {}) } };
}

/**
 * Panel arguments that plot a loss: the evaluated arguments of the call `at` when it has them, else the loss's own
 * small example, titled as an example and with no file:line (it is not in the user's code).
 */
/** 'nn.CrossEntropyLoss' / 'F.cross_entropy' for a PyTorch spelling of a loss name (any import style), else null. */
export function torchSpelling(name: string): string | null {
  const n = name.trim();
  const f = /^(?:torch\.nn\.functional\.|nn\.functional\.|functional\.|F\.)([a-z_0-9]+)$/.exec(n);
  if (f) return `F.${f[1]}`;
  const m = /^(?:torch\.nn\.modules\.loss\.|torch\.nn\.|nn\.)([A-Z]\w*Loss)$/.exec(n);
  return m ? `nn.${m[1]}` : null;
}

/**
 * The panel on a loss's own example, titled "(example)" without file:line; `at` lets the panel plot the call's own
 * arguments instead when the file evaluates them. A PyTorch name (`name`) opens torch's loss and its example, not the
 * Keras spec that documents it.
 */
export function exampleOpenArgs(spec: LossSpec, at?: { uri: string; line: number }, name?: string): PanelOpenArgs {
  const torch = name ? torchSpelling(name) : null;
  if (torch) {
    return {
      request: { loss: torch, framework: 'torch', yTrue: [], yPred: [] }, torchExample: torch,
      title: vscode.l10n.t('{0} (example)', torch), example: true, ...(at ? { at } : {}),
    };
  }
  return {
    request: {
      loss: spec.id, yTrue: spec.example.yTrue, yPred: spec.example.yPred,
      ...(spec.example.sampleWeight !== undefined ? { sampleWeight: spec.example.sampleWeight } : {}),
      ...(spec.example.config ? { config: spec.example.config } : {}),
    },
    title: vscode.l10n.t('{0} (example)', spec.id),
    example: true,
    ...(at ? { at } : {}),
  };
}

export class LossHoverProvider implements vscode.HoverProvider {
  /** Markdown of the last few names: the image sweep costs a few ms, hovers repeat often. */
  private readonly cache = new Map<string, string>();

  constructor(private readonly s: Services) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const cfg = this.s.settings(doc.uri);
    if (!cfg.hoverEnabled || token.isCancellationRequested) return undefined;
    const line = doc.lineAt(position.line).text;
    if (line.length > 5000) return undefined;
    // The names alone decide whether there is a loss here; its spec and documentation load only when there is.
    if (!lossNameAt(line, position.character)) return undefined;
    // Both chunks at once (one round of module loads, not two in a row); later hovers find them loaded.
    const [names, docs] = await Promise.all([loadNames(), loadDocs()]);
    const found = names.findLossNameAt(line, position.character);
    if (!found || token.isCancellationRequested) return undefined;
    const spec = found.resolved.spec;
    const links = [
      { label: vscode.l10n.t('$(graph-line) Open in panel'), uri: commandUri(Commands.openPanel, exampleOpenArgs(spec, { uri: doc.uri.toString(), line: position.line + 1 }, found.name)), title: vscode.l10n.t('Plot {0} in the Loss Inspector panel', spec.id) },
      ...(found.resolved.kind !== 'foreign' && doc.languageId === 'python'
        ? [{ label: vscode.l10n.t('$(play) Compute here'), uri: commandUri(Commands.computeLoss, { uri: doc.uri.toString() }), title: vscode.l10n.t('Evaluate every loss call of this file or cell') }]
        : found.resolved.framework === 'PyTorch' && doc.languageId === 'python'
          ? [{ label: vscode.l10n.t('$(play) Compute with the numbers under the cursor'), uri: commandUri(Commands.computeLoss, { uri: doc.uri.toString(), focus: { line: position.line, name: found.name } }), title: vscode.l10n.t('Evaluate this call with its arguments in the file, as torch would') }]
          : []),
      { label: vscode.l10n.t('$(book) Full docs'), uri: commandUri(Commands.explain, spec.id), title: vscode.l10n.t('Open the documentation in a Markdown preview') },
    ];
    // The call under the cursor lends its numbers to the computed Elsewhere rows (else the loss's example).
    // On a constructor line (`cce = CategoricalCrossentropy()`), the first call of the same loss after it.
    const call = callNumbers(this.s.store.covering(doc.uri, position.line), spec.id, found.name)
      ?? callNumbers(this.s.store.inDocument(doc.uri).filter((r) => r.startLine > position.line), spec.id, found.name);
    const key = `${found.name}|${found.quoted}|${cfg.hoverImages}|${call?.id ?? ''}|${links.map((l) => l.uri).join('|')}`;
    let md = this.cache.get(key);
    if (md === undefined) {
      try {
        md = docs.hoverMarkdown(found.name, { resolved: found.resolved, images: cfg.hoverImages, links, ...(call ? { numbers: { numbers: call.numbers, where: vscode.l10n.t('the numbers of the call on line {0} (unweighted)', call.line) } } : {}) });
      } catch (e) {
        this.s.log.error(`hover for ${found.name}: ${(e as Error).stack ?? e}`);
        return undefined;
      }
      if (this.cache.size > 50) this.cache.clear();
      this.cache.set(key, md);
    }
    const ms = new vscode.MarkdownString(md, true);
    ms.isTrusted = { enabledCommands: TRUSTED_COMMANDS };
    return new vscode.Hover(ms, new vscode.Range(position.line, found.start, position.line, found.end));
  }
}

export function registerHover(s: Services): vscode.Disposable {
  return vscode.languages.registerHoverProvider(HOVER_LANGUAGES.map((language) => ({ language })), new LossHoverProvider(s));
}
