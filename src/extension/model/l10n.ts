/**
 * `l10n.t` for the extension's vscode-free modules (model/, panelModel, jobs, runner): they build text the user
 * sees (quick-fix titles, picker groups, the result hover, the panel's reduction sentence, diagnostics) but must
 * run in plain Node (unit tests) and in the evaluation worker, where there is no `vscode`. `activate()` points
 * this at `vscode.l10n.t`; until then, and outside the extension host, it fills `{0}`-style placeholders into the
 * English text, exactly as `vscode.l10n.t` does when no translation exists.
 *
 * Import it as `import { l10n } from './l10n'` (or '../model/l10n') and pass `l10n.t` a plain string literal
 * first: `npm run l10n:export` extracts those calls (through @vscode/l10n-dev) into l10n/bundle.l10n.json, and a
 * unit test checks the bundle has them.
 * (@vscode/l10n is not used here: its README keeps it out of an extension's main process.)
 */
import { formatString } from '../../shared/strings';

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

const english: Translate = (message, ...args) => formatString(message, args);
let translate: Translate = english;

export const l10n = {
  /** The message in the display language, with `{0}`, `{1}`, … replaced by `args`. */
  t(message: string, ...args: Array<string | number | boolean>): string {
    return translate(message, ...args);
  },
};

/** Routes l10n.t to `t` (vscode.l10n.t on activation); `undefined` restores the English formatter. */
export function useTranslator(t: Translate | undefined): void {
  translate = t ?? english;
}
