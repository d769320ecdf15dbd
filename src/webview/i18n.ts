/** The panel's words: the dictionary the host put into the HTML (src/shared/strings.ts), English where absent. */
import { STRINGS_ELEMENT_ID, completeStrings, formatString, type WebviewStringId } from '../shared/strings';

const STRINGS = completeStrings(((): unknown => {
  try { return JSON.parse(document.getElementById(STRINGS_ELEMENT_ID)?.textContent ?? 'null'); } catch { return null; }
})());

/** The string `id` in the panel's language, with {0}, {1}, … filled from `args`. */
export function tr(id: WebviewStringId, ...args: unknown[]): string {
  return formatString(STRINGS[id], args);
}
