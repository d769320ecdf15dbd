/**
 * The panel's Content-Security-Policy and HTML shell, shared by the extension host (panel.ts) and the
 * webview tests, so the tests run under exactly the production policy.
 */
import { STRINGS_ELEMENT_ID, WEBVIEW_STRINGS } from './strings';

/** A random nonce for the one script tag (base64 charset, 32 chars). */
export function makeNonce(random: () => number = Math.random): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(random() * chars.length));
  return s;
}

/**
 * `default-src 'none'`; scripts only with the nonce; styles and fonts only from the webview's own resource
 * origin (no inline style); images from that origin and data: (Chart.js export / icons). Nothing remote.
 */
export function buildCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ') + ';';
}

export interface ShellOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** Optional codicon/extra stylesheet URIs. */
  extraStyles?: string[];
  title?: string;
  /** The panel's words, translated by the host (src/shared/strings.ts); the webview falls back to English. */
  strings?: Record<string, string>;
  /** BCP 47 language of those words, for <html lang> (screen readers pick their voice by it). */
  lang?: string;
}

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function escAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** JSON that cannot end its <script> block or open a comment: <, > and & as \u escapes (still the same JSON). */
function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The panel HTML: no inline script or style; the bundle builds the DOM under #app. The translated strings travel
 * as a `type="application/json"` data block, which the browser never executes, so the nonce CSP stays intact.
 */
export function buildHtml(o: ShellOptions): string {
  const strings = o.strings ? `\n  <script type="application/json" id="${STRINGS_ELEMENT_ID}">${jsonForScript(o.strings)}</script>` : '';
  const loading = o.strings?.loading ?? WEBVIEW_STRINGS.loading;
  const styles = [o.styleUri, ...(o.extraStyles ?? [])].map((u) => `<link rel="stylesheet" href="${escAttr(u)}">`).join('\n  ');
  return `<!DOCTYPE html>
<html lang="${escAttr(o.lang ?? 'en')}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escAttr(buildCsp(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  ${styles}
  <title>${escAttr(o.title ?? 'Loss Inspector')}</title>
</head>
<body>
  <main id="app"><p class="loading">${escText(loading)}</p></main>${strings}
  <script nonce="${escAttr(o.nonce)}" src="${escAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
