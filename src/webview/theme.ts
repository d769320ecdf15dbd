/**
 * Colours for the charts, read from VS Code's `--vscode-*` CSS variables (canvas drawing cannot use CSS
 * variables directly). Re-read whenever the body's theme class changes.
 */

export interface Rgb { r: number; g: number; b: number; a: number }

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  border: string;
  fontFamily: string;
  fontSize: number;
  loss: string;
  grad: string;
  weighted: string;
  unweighted: string;
  current: string;
  /** Compare mode series. */
  palette: string[];
  /** Heatmap: negative → background → positive. */
  negative: Rgb;
  positive: Rgb;
  bg: Rgb;
  /** Wider lines and visible borders in high-contrast themes. */
  lineWidth: number;
  highContrast: boolean;
}

let probe: HTMLElement | null = null;

/** Resolves any CSS colour (including var(...)) to rgb components via a hidden probe element. */
export function resolveColor(css: string): Rgb {
  if (!probe) {
    probe = document.createElement('span');
    probe.className = 'color-probe';
    probe.setAttribute('aria-hidden', 'true');
    document.body.appendChild(probe);
  }
  probe.style.color = '';
  probe.style.color = css;
  const s = getComputedStyle(probe).color;
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+%?))?\s*\)/.exec(s);
  if (!m) return { r: 128, g: 128, b: 128, a: 1 };
  const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
  return { r: +m[1], g: +m[2], b: +m[3], a };
}

export function rgba(c: Rgb, alpha = c.a): string {
  return `rgba(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)}, ${alpha})`;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** The first defined variable among `names`, resolved to an rgba() string. */
function color(names: string[], fallback: string): string {
  for (const n of names) {
    const v = getComputedStyle(document.body).getPropertyValue(n).trim();
    if (v) return rgba(resolveColor(v));
  }
  return rgba(resolveColor(fallback));
}

export function themeKind(): Theme['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(): Theme {
  const kind = themeKind();
  const hc = kind.startsWith('high-contrast');
  const light = kind === 'light' || kind === 'high-contrast-light';
  const fg = color(['--vscode-editor-foreground', '--vscode-foreground'], light ? '#333333' : '#cccccc');
  const bgCss = cssVar('--vscode-editor-background', light ? '#ffffff' : '#1e1e1e');
  const bg = resolveColor(bgCss);
  const fgRgb = resolveColor(fg);
  const contrastBorder = cssVar('--vscode-contrastBorder', '');
  const grid = hc ? rgba(fgRgb, 0.45) : rgba(fgRgb, 0.14);
  const palette = [
    color(['--vscode-charts-blue'], '#3794ff'),
    color(['--vscode-charts-red'], '#f14c4c'),
    color(['--vscode-charts-green'], '#89d185'),
    color(['--vscode-charts-yellow'], '#cca700'),
    color(['--vscode-charts-purple'], '#b180d7'),
    color(['--vscode-charts-orange'], '#d18616'),
    fg,
  ];
  const fontSize = parseFloat(cssVar('--vscode-font-size', '13')) || 13;
  return {
    kind,
    foreground: fg,
    muted: color(['--vscode-descriptionForeground'], rgba(fgRgb, 0.7)),
    background: rgba(bg),
    grid,
    border: contrastBorder ? rgba(resolveColor(contrastBorder)) : grid,
    fontFamily: cssVar('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize,
    loss: palette[0],
    grad: palette[5],
    weighted: palette[4],
    unweighted: palette[0],
    current: palette[1],
    palette,
    negative: resolveColor(palette[0]),
    positive: resolveColor(palette[5]),
    bg,
    lineWidth: hc ? 3 : 2,
    highContrast: hc,
  };
}

/** Calls `onChange` when VS Code switches theme (it rewrites the body's class and style attributes). */
export function watchTheme(onChange: () => void): MutationObserver {
  let last = document.body.className + '|' + (document.documentElement.getAttribute('style') ?? '');
  const obs = new MutationObserver(() => {
    const now = document.body.className + '|' + (document.documentElement.getAttribute('style') ?? '');
    if (now !== last) { last = now; onChange(); }
  });
  obs.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'data-vscode-theme-name'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return obs;
}

/**
 * Heatmap colour of a value on a symmetric scale [-maxAbs, maxAbs]: negative and positive hues over the background,
 * as 0–255 channels and an alpha in [0, 1] (the heatmap paints its bins as pixels or as rectangles).
 */
export function divergingRgba(t: Theme, v: number | null, maxAbs: number): Rgb {
  if (v === null || !Number.isFinite(v)) { const f = resolveColorCached(t.foreground); return { r: Math.round(f.r), g: Math.round(f.g), b: Math.round(f.b), a: 0.25 }; }
  const s = maxAbs > 0 ? Math.min(1, Math.abs(v) / maxAbs) : 0;
  const c = v < 0 ? t.negative : t.positive;
  // Mix towards the hue; keep a floor so tiny values are still distinguishable from the gaps.
  const k = Math.sqrt(s);
  const mix = (a: number, b: number) => Math.round(a + (b - a) * k);
  return { r: mix(t.bg.r, c.r), g: mix(t.bg.g, c.g), b: mix(t.bg.b, c.b), a: 1 };
}

const cache = new Map<string, Rgb>();
function resolveColorCached(css: string): Rgb {
  let c = cache.get(css);
  if (!c) { c = resolveColor(css); cache.set(css, c); }
  return c;
}
