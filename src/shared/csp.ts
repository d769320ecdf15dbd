/**
 * The panel's Content-Security-Policy and HTML shell, shared by the extension host (panel.ts) and the
 * webview tests, so the tests run under exactly the production policy.
 */

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
}

function escAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The panel HTML: no inline script or style; the bundle builds the DOM under #app. */
export function buildHtml(o: ShellOptions): string {
  const styles = [o.styleUri, ...(o.extraStyles ?? [])].map((u) => `<link rel="stylesheet" href="${escAttr(u)}">`).join('\n  ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escAttr(buildCsp(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  ${styles}
  <title>${escAttr(o.title ?? 'Loss Inspector')}</title>
</head>
<body>
  <main id="app"><p class="loading">Loading…</p></main>
  <script nonce="${escAttr(o.nonce)}" src="${escAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
