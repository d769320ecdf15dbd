#!/usr/bin/env node
// The panel's webview bundle (dist/webview.js + dist/panel.css, built from media/panel.css) in headless Chromium, under the PRODUCTION
// Content-Security-Policy (built by src/shared/csp.ts, the same builder panel.ts uses), with a stub
// acquireVsCodeApi. States are built by the real host model (src/extension/panelModel.ts) from real inputs.
// Prints "N passed, N failed" and exits non-zero on failure. Screenshots per theme go to
// ${SHOTS:-$HOME/.cache/loss-inspector-e2e/shots} (outside the repo).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const os = require('node:os');
const Module = require('node:module');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = process.env.SHOTS || path.join(os.homedir(), '.cache', 'loss-inspector-e2e', 'shots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Bundles a TS module of ours (no vscode) and loads it in this process. */
function loadTs(rel) {
  const esbuild = require(path.join(ROOT, 'node_modules', 'esbuild'));
  const out = esbuild.buildSync({ entryPoints: [path.join(ROOT, rel)], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'error' });
  const m = new Module(rel, module);
  m.paths = module.paths;
  m._compile(out.outputFiles[0].text, path.join(ROOT, rel));
  return m.exports;
}

// ------------------------------------------------------------------------------------------------ themes
const FONT = { '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif', '--vscode-font-size': '13px', '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace', '--vscode-editor-font-size': '14px' };
const THEMES = {
  dark: { cls: 'vscode-dark', vars: { ...FONT,
    '--vscode-editor-background': '#1f1f1f', '--vscode-editor-foreground': '#cccccc', '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#026ec1', '--vscode-button-border': '#ffffff12',
    '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc', '--vscode-button-secondaryHoverBackground': '#3c3c3c',
    '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc', '--vscode-input-border': '#3c3c3c',
    '--vscode-dropdown-background': '#313131', '--vscode-dropdown-foreground': '#cccccc', '--vscode-dropdown-border': '#3c3c3c',
    '--vscode-focusBorder': '#0078d4', '--vscode-panel-border': '#2b2b2b', '--vscode-widget-border': '#313131', '--vscode-textLink-foreground': '#4daafc',
    '--vscode-errorForeground': '#f85149', '--vscode-editorWarning-foreground': '#cca700', '--vscode-textCodeBlock-background': '#2b2b2b',
    '--vscode-inputValidation-errorBorder': '#be1100', '--vscode-inputValidation-errorBackground': '#5a1d1d', '--vscode-inputValidation-warningBackground': '#352a05',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-red': '#f14c4c', '--vscode-charts-green': '#89d185', '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#b180d7', '--vscode-charts-foreground': '#cccccc', '--vscode-charts-lines': '#cccccc80',
    '--vscode-textPreformat-foreground': '#d0d0d0', '--vscode-textPreformat-background': '#3c3c3c' } },
  light: { cls: 'vscode-light', vars: { ...FONT,
    '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#3b3b3b', '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#0258a8', '--vscode-button-border': '#0000001a',
    '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b', '--vscode-button-secondaryHoverBackground': '#cccccc',
    '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b', '--vscode-input-border': '#cecece',
    '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#3b3b3b', '--vscode-dropdown-border': '#cecece',
    '--vscode-focusBorder': '#005fb8', '--vscode-panel-border': '#e5e5e5', '--vscode-widget-border': '#e5e5e5', '--vscode-textLink-foreground': '#005fb8',
    '--vscode-errorForeground': '#f85149', '--vscode-editorWarning-foreground': '#bf8803', '--vscode-textCodeBlock-background': '#f8f8f8',
    '--vscode-inputValidation-errorBorder': '#be1100', '--vscode-inputValidation-errorBackground': '#f2dede', '--vscode-inputValidation-warningBackground': '#f6f5d2',
    '--vscode-charts-blue': '#1a85ff', '--vscode-charts-red': '#e51400', '--vscode-charts-green': '#388a34', '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#652d90', '--vscode-charts-foreground': '#3b3b3b', '--vscode-charts-lines': '#3b3b3b80',
    '--vscode-textPreformat-foreground': '#3b3b3b', '--vscode-textPreformat-background': '#0000001f' } },
  'high-contrast': { cls: 'vscode-high-contrast', vars: { ...FONT,
    '--vscode-editor-background': '#000000', '--vscode-editor-foreground': '#ffffff', '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffffb3',
    '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518', '--vscode-focusBorder': '#f38518',
    '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df',
    '--vscode-button-secondaryBackground': '#000000', '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-input-background': '#000000', '--vscode-input-foreground': '#ffffff', '--vscode-input-border': '#6fc3df',
    '--vscode-dropdown-background': '#000000', '--vscode-dropdown-foreground': '#ffffff', '--vscode-dropdown-border': '#6fc3df',
    '--vscode-panel-border': '#6fc3df', '--vscode-widget-border': '#6fc3df', '--vscode-textLink-foreground': '#21a6ff',
    '--vscode-errorForeground': '#f48771', '--vscode-editorWarning-foreground': '#ffd370', '--vscode-textCodeBlock-background': '#000000',
    '--vscode-inputValidation-errorBorder': '#6fc3df', '--vscode-inputValidation-errorBackground': '#000000', '--vscode-inputValidation-warningBackground': '#000000',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-red': '#f14c4c', '--vscode-charts-green': '#89d185', '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#b180d7', '--vscode-charts-foreground': '#ffffff', '--vscode-charts-lines': '#ffffff',
    '--vscode-textPreformat-foreground': '#ffffff' } },
  // Light High Contrast, with VS Code 1.139's defaults for it (colour registry, hcLight); VS Code gives the body
  // both classes. textPreformat (white on dark blue) is what its default <code> style uses.
  'high-contrast-light': { cls: 'vscode-high-contrast-light vscode-high-contrast', vars: { ...FONT,
    '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#292929', '--vscode-foreground': '#292929', '--vscode-descriptionForeground': '#292929b3',
    '--vscode-contrastBorder': '#0f4a85', '--vscode-contrastActiveBorder': '#006bbd', '--vscode-focusBorder': '#006bbd',
    '--vscode-button-background': '#0f4a85', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#0f4a85',
    '--vscode-button-secondaryBackground': '#ffffff', '--vscode-button-secondaryForeground': '#292929',
    '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#292929', '--vscode-input-border': '#0f4a85',
    '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#292929', '--vscode-dropdown-border': '#0f4a85',
    '--vscode-panel-border': '#0f4a85', '--vscode-widget-border': '#0f4a85', '--vscode-textLink-foreground': '#0f4a85',
    '--vscode-errorForeground': '#b5200d', '--vscode-editorWarning-foreground': '#895503', '--vscode-textCodeBlock-background': '#f2f2f2',
    '--vscode-inputValidation-errorBorder': '#0f4a85', '--vscode-inputValidation-errorBackground': '#ffffff', '--vscode-inputValidation-warningBackground': '#ffffff',
    '--vscode-charts-blue': '#0063d3', '--vscode-charts-red': '#b5200d', '--vscode-charts-green': '#374e06', '--vscode-charts-yellow': '#895503',
    '--vscode-charts-purple': '#652d90', '--vscode-charts-foreground': '#292929', '--vscode-charts-lines': '#29292980',
    '--vscode-textPreformat-foreground': '#ffffff', '--vscode-textPreformat-background': '#09345f' } },
};

/**
 * What VS Code's webview host puts before the extension's own styles (its default stylesheet): written here for
 * the rules that can hide our text, the <code> colours. Served from the page's origin, so the CSP admits it.
 */
const VSCODE_DEFAULT_CSS = 'code { color: var(--vscode-textPreformat-foreground); background-color: var(--vscode-textPreformat-background); padding: 1px 3px; border-radius: 4px; }\n';

// ------------------------------------------------------------------------------------------------ harness
let passed = 0, failed = 0;
const failures = [];
async function test(name, fn) {
  const t = Date.now();
  try { await fn(); passed++; console.log(`  ✓ ${name} (${Date.now() - t} ms)`); }
  catch (e) { failed++; failures.push(name); console.log(`  ✗ ${name}\n      ${String(e && e.stack || e).split('\n').slice(0, 4).join('\n      ')}`); }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
function eq(a, b, msg) { if (a !== b) throw new Error(`${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`); }
/** Two JSON texts of states: equal, or an error naming the first path where they differ. */
function sameJson(a, b, msg) {
  if (a === b) return;
  // key order aside (a patch adds a key at the end of its object)
  const walk = (x, y, p) => {
    if (x === y) return null;
    if (x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) { const d = walk(x[k], y[k], `${p}.${k}`); if (d) return d; }
      return null;
    }
    return `${p}: expected ${JSON.stringify(y)?.slice(0, 200)}, got ${JSON.stringify(x)?.slice(0, 200)}`;
  };
  const d = walk(JSON.parse(a), JSON.parse(b), 'state');
  if (d) throw new Error(`${msg}: ${d}`);
}

function serve(csp) {
  const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(server.html.replace('<head>', `<head>\n<link rel="stylesheet" href="${server.origin}/vscode-defaults.css">`));
      return;
    }
    if (url.pathname === '/vscode-defaults.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(VSCODE_DEFAULT_CSS);
      return;
    }
    const rel = url.pathname.replace(/^\/+/, '');
    if (!/^(dist|media)\/[\w.-]+$/.test(rel)) { res.writeHead(404); res.end(); return; }
    const file = path.join(ROOT, rel);
    if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    server.origin = origin;
    server.html = csp(origin);
    resolve(server);
  }));
}

/** Stub of the VS Code webview API + CSP violation recorder, injected before any page script. */
function initScript(vars) {
  window.__posted = [];
  window.__saved = undefined;
  window.__csp = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
    getState: () => window.__saved,
    setState: (s) => { window.__saved = JSON.parse(JSON.stringify(s)); },
  });
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
  // VS Code sets the theme variables as the <html> element's style before any script runs.
  const apply = () => { for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v); };
  if (document.documentElement) apply();
  else new MutationObserver((_, obs) => { if (document.documentElement) { obs.disconnect(); apply(); } }).observe(document, { childList: true });
}

/**
 * Issue 16: a slider step end to end at 1e4, 1e5 and 1e6 elements (Huber's delta on a rows×1000 pair, as
 * test/bench/big.ts): the host's side as panel.ts runs it (applyIntent, the state from PanelEvaluator: inline below
 * PANEL_WORKER_ELEMENTS, else the real panel worker dist/esm/node/worker.js; the message StateMessages builds and its
 * JSON, what postMessage pays), then the message handled by the real webview bundle until its charts are redrawn.
 * End to end = host + view, against the goal of 100 ms. Side by side in the same run, on the same states: the view
 * of the whole state without the arrays (the message a step was before patches). Baseline: a plain evaluate() of
 * the same arrays in this process (the arithmetic a step has to do anyway).
 */
async function sliderBySize(page, model, protocol, evaluate, med) {
  const { PanelEvaluator } = loadTs('src/extension/panelWorker.ts');
  const { nodeWorker } = loadTs('src/extension/platform.node.ts');
  const { StateMessages, slimState } = loadTs('src/extension/panelMessages.ts');
  const workerPath = path.join(ROOT, 'dist', 'esm', 'node', 'worker.js');
  let seed = 11;
  const rnd = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };
  const timeView = (msg) => page.evaluate((m) => {
    const t0 = performance.now();
    window.postMessage(JSON.parse(m), '*');
    return new Promise((res) => setTimeout(() => res(performance.now() - t0), 0));
  }, msg);
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`slider step end to end (issue 16): Huber on a rows×1000 pair, delta slider; medians; load ${load}`);
  const partLines = [];
  console.log('N         patch msg   whole msg  first render  host: step → msg  view: patch  view: whole  end to end  goal 100 ms  evaluate  e2e/eval');
  for (const n of [1e4, 1e5, 1e6]) {
    const cols = 1000, rows = n / cols;
    const arr = () => ({ shape: [rows, cols], data: Float64Array.from({ length: n }, () => Math.fround(rnd() * 4 - 2)) });
    const yTrue = arr(), yPred = arr();
    let sess = { request: { loss: 'Huber', yTrue, yPred, sampleWeight: null, config: {} }, title: `Huber ${rows}×${cols}`, sweepElement: -1, compare: { enabled: false, losses: [] } };
    const ev = new PanelEvaluator({ startWorker: () => nodeWorker(workerPath) });
    const msgs = new StateMessages();
    const firstMs = [];
    let first = null;
    for (let k = 0; k < 3; k++) {
      // the panel opened on the result: the webview (re)loaded, so the whole state goes
      await page.evaluate((e) => window.postMessage({ type: 'state', state: e }, '*'), model.emptyState());
      msgs.reset();
      first = await ev.build(sess);
      assert(first && first.kind === 'result', `Huber ${n}: ${first && first.kind} ${first && first.message || ''}`);
      firstMs.push(await timeView(JSON.stringify(msgs.next(first))));
      await page.waitForFunction((v) => document.getElementById('result-value')?.textContent === v, first.valueText, { timeout: 30000 });
    }
    const host = [], viewPatch = [], viewWhole = [], e2e = [], baseline = [], parts = [];
    let patchBytes = 0, wholeBytes = 0;
    for (let k = 0; k < (n >= 1e6 ? 9 : 15); k++) {
      const delta = 0.5 + (k % 5) * 0.25;
      let t0 = performance.now();
      evaluate({ loss: 'Huber', yTrue, yPred, config: { delta } });
      baseline.push(performance.now() - t0);
      t0 = performance.now();
      sess = model.applyIntent(sess, { type: 'setParam', name: 'delta', value: delta });
      const st = await ev.build(sess);
      const msg = JSON.stringify(msgs.next(st));
      const h = performance.now() - t0;
      assert(JSON.parse(msg).type === 'patch', `step ${k} at ${n}: a ${JSON.parse(msg).type} message, not a patch`);
      const whole = JSON.stringify({ type: 'state', state: slimState(st), sameData: true });
      patchBytes = msg.length; wholeBytes = whole.length;
      // the same state both ways, in alternating order (the second message finds the state already shown)
      let vp, vw;
      const partsOfPatch = () => page.evaluate(() => ({ ...window.__lossInspector.timings }));
      if (k % 2) { vp = await timeView(msg); parts.push(await partsOfPatch()); vw = await timeView(whole); } else { vw = await timeView(whole); vp = await timeView(msg); parts.push(await partsOfPatch()); }
      host.push(h); viewPatch.push(vp); viewWhole.push(vw); e2e.push(h + vp);
      const shown = await page.evaluate(() => document.getElementById('result-value')?.textContent);
      assert(shown === st.valueText, `Huber ${n} delta ${delta}: the panel shows ${shown}, the state says ${st.valueText}`);
    }
    ev.dispose();
    const e = med(e2e), b = med(baseline);
    const kb = (x) => `${(x / 1024).toFixed(1)} kB`;
    const part = (name) => med(parts.map((x) => x[name] ?? 0)).toFixed(1);
    partLines.push(`${String(n).padEnd(9)} curve ${part('curve')}, per-sample bars ${part('samples')}, gradient heatmap ${part('grad')}, all parts ${part('total')} ms`);
    console.log(`${String(n).padEnd(9)} ${kb(patchBytes).padStart(9)}  ${kb(wholeBytes).padStart(9)}  ${med(firstMs).toFixed(1).padStart(9)} ms  ${med(host).toFixed(1).padStart(12)} ms  ${med(viewPatch).toFixed(1).padStart(8)} ms  ${med(viewWhole).toFixed(1).padStart(8)} ms  ${e.toFixed(1).padStart(7)} ms  ${(e < 100 ? 'met' : 'NOT met').padStart(11)}  ${b.toFixed(2).padStart(6)} ms  ${(e / b).toFixed(1).padStart(7)}×`);
  }
  console.log('host: in the panel worker above 5e4 elements (1e5, 1e6), inline below; view: message → charts redrawn in Chromium; end to end = host + view (patch)');
  console.log('view of a patch, its parts (render timings in the page, medians):');
  for (const l of partLines) console.log(l);
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview.js'))) execFileSync('node', ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get update && apt-get install -y chromium`);
  const { buildCsp, buildHtml, makeNonce } = loadTs('src/shared/csp.ts');
  const model = loadTs('src/extension/panelModel.ts');
  await model.loadSnippetCore(); // the panel host loads the custom-loss interpreter before a user-defined loss
  const protocol = loadTs('src/shared/protocol.ts');
  const messagesMod = loadTs('src/extension/panelMessages.ts');
  const { float32Digits } = loadTs('src/core/format.ts');
  fs.mkdirSync(SHOTS, { recursive: true });

  const nonce = makeNonce();
  const server = await serve((origin) => buildHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/dist/panel.css` }));
  const { chromium } = require(path.join(ROOT, 'node_modules', 'playwright-core'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });

  // ---- states from the real host model
  const session = (loss, yTrue, yPred, extra = {}) => ({
    request: { loss, yTrue, yPred, sampleWeight: extra.sampleWeight ?? null, config: extra.config ?? {} },
    title: extra.title ?? loss, sweepElement: extra.sweepElement ?? -1, source: extra.source, ...(extra.view ? { view: extra.view } : {}),
    compare: { enabled: !!extra.compare, losses: extra.compare ?? ['MeanSquaredError', 'MeanAbsoluteError', 'Huber', 'LogCosh'] },
  });
  const S = {
    empty: model.emptyState(),
    error: model.buildState(session('mse', [[1, 2, 3]], [[1, 2]], { title: 'shape bug' })),
    rank1: model.buildState(session('Huber', [0, 1, 2, 3, 4, 5], [0.5, 1.2, 4.1, 2.7, 4.4, -0.3], { config: { delta: 1.5 }, sampleWeight: [1, 1, 0.5, 2, 1, 0.25], title: 'Huber on residuals', source: { uri: 'file:///ws/my%20model.py', line: 9 } })),
    rank2: model.buildState(session('CategoricalCrossentropy', [[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.3, 0.3, 0.4]], { config: { label_smoothing: 0.1 }, title: 'CCE 4×3' })),
    none: model.buildState(session('BinaryCrossentropy', [[0, 1], [1, 0], [1, 1]], [[0.1, 0.8], [0.7, 0.4], [0.9, 0.95]], { config: { reduction: 'none' }, title: 'BCE none' })),
    dice: model.buildState(session('Dice', [[[[1], [0]], [[0], [1]]], [[[1], [1]], [[0], [0]]]], [[[[0.9], [0.2]], [[0.1], [0.7]]], [[[0.6], [0.8]], [[0.3], [0.1]]]], { title: 'Dice rank 4' })),
    custom: model.buildState({ ...session('my_loss', [[0, 1], [2, 3]], [[1, 1], [2, 5]], { title: 'my_loss' }), customSource: 'import tensorflow as tf\ndef my_loss(y_true, y_pred):\n    return tf.reduce_mean(tf.square(y_true - y_pred))\n' }),
    compare: model.buildState(session('MeanSquaredError', [0, 1, 2, 3], [0.4, 1.5, 1.2, 3.9], { compare: ['MeanAbsoluteError', 'Huber', 'LogCosh'], title: 'compare' })),
    // Probabilities that sum to 3 per row, passed as probabilities: a pitfall warning and renormalised rows.
    warn: model.buildState(session('CategoricalCrossentropy', [[0, 1, 0], [1, 0, 0]], [[2.5, 1, -0.5], [3, 0.2, 0.1]], { title: 'warnings', sampleWeight: [0.5, 2] })),
    // The Frameworks view: the call beside its ports (issue 12), rows and curves from compare.ts.
    frameworks: model.buildState(session('CategoricalCrossentropy', [[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], [[0.05, 0.9, 0.05], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.3, 0.3, 0.4]], { title: 'CCE in every framework', view: 'frameworks' })),
    fwNone: model.buildState(session('Dice', [[[[1], [0]], [[0], [1]]], [[[1], [1]], [[0], [0]]]], [[[[0.9], [0.2]], [[0.1], [0.7]]], [[[0.6], [0.8]], [[0.3], [0.1]]]], { title: 'no ports', view: 'frameworks' })),
  };
  {
    const r = (i) => Math.sin(i * 12.9898) * 0.5 + 0.5;
    const yt = Array.from({ length: 1000 }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0)));
    const yp = Array.from({ length: 1000 }, (_, i) => { const p = Array.from({ length: 10 }, (_, j) => r(i * 10 + j) + 0.01); const s = p.reduce((a, b) => a + b, 0); return p.map((x) => x / s); });
    S.big = model.buildState(session('CategoricalCrossentropy', yt, yp, { title: '1e4' }));
  }
  {
    // PyTorch calls (panelTorch.ts): class weights, three arguments, and a 1e6-element 'none' result for the pager
    const torchSession = (loss, args, dtypes, config = {}, title = loss) => {
      const names = Object.keys(args);
      return {
        request: { loss, framework: 'torch', mode: 'class', yPred: args[names[0]], yTrue: args[names[1]], ...(names.length > 2 ? { args: Object.fromEntries(names.slice(2).map((n) => [n, args[n]])) } : {}), dtypes, config },
        title, sweepElement: -1, compare: { enabled: false, losses: [] }, source: { uri: 'file:///ws/torch_ce.py', line: 4, label: 'torch_ce.py:4' },
      };
    };
    S.torchCe = model.buildState(torchSession('nn.CrossEntropyLoss', { input: [[-1.846, 2.312, 1.029], [0.988, 0.462, -2.072], [-1.949, -2.178, 1.92], [-0.43, 2.803, 1.149]], target: [2, 0, 1, 2] }, { input: 'float32', target: 'int64' }, { weight: [0.2, 1.0, 3.0] }));
    S.torchGauss = model.buildState(torchSession('nn.GaussianNLLLoss', { input: [[0.5, -0.2], [1.0, 0.3]], target: [[0.0, 0.1], [1.5, -0.2]], var: [[0.5, 1.2], [0.8, 0.3]] }, { input: 'float32', target: 'float32', var: 'float32' }));
    const n = 1_000_000;
    const input = { data: new Float64Array(n).map((_, i) => Math.fround(Math.sin(i) * 2)), shape: [n], dtype: 'float32' };
    const target = { data: new Float64Array(n).map((_, i) => Math.fround(Math.cos(i))), shape: [n], dtype: 'float32' };
    S.torchBigSession = torchSession('nn.L1Loss', { input, target }, { input: 'float32', target: 'float32' }, { reduction: 'none' }, 'L1 1e6');
    S.torchBig = protocol.withoutData(model.buildState(S.torchBigSession));
  }
  for (const [k, v] of Object.entries(S)) if (k !== 'empty' && k !== 'error' && k !== 'torchBigSession') assert(v.kind === 'result', `fixture ${k} is ${v.kind}: ${v.message}`);
  assert(S.error.kind === 'error', 'error fixture');

  const pageErrors = [];
  async function open(themeName = 'dark') {
    const th = THEMES[themeName];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await context.route((url) => !/^http:\/\/127\.0\.0\.1[:/]/.test(url.toString()), (route) => route.abort());
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${themeName}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !page.expectCspError) pageErrors.push(`${themeName} console: ${m.text()}`); });
    await page.addInitScript(initScript, th.vars);
    await page.goto(`${server.origin}/index.html`);
    await page.evaluate((cls) => { document.body.classList.add(...cls.split(' ')); }, th.cls);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'), null, { timeout: 10000 });
    return { page, context };
  }
  // Posts a state and waits until the webview has rendered it (render() is synchronous on the message, and takes the
  // posted object as its current state): a check that ran first read the previous test's charts and trace.
  let stateSeq = 0;
  const postState = async (page, state) => {
    const n = ++stateSeq;
    await page.evaluate(([s, k]) => window.postMessage({ type: 'state', state: { ...s, __testSeq: k } }, '*'), [state, n]);
    await page.waitForFunction((k) => { const c = window.__lossInspector && window.__lossInspector.state(); return !!c && c.__testSeq === k; }, n, { timeout: 10000 });
  };
  const inkOf = (page, id) => page.evaluate((cid) => {
    const c = document.getElementById(cid);
    if (!c || !c.width || !c.height) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  }, id);
  const visible = (page, sel) => page.locator(sel).first().isVisible();
  /** Opens the table's <details> (tables are built when shown) and counts its body rows. */
  const rowsOf = async (page, id) => {
    await page.evaluate((tid) => { document.getElementById(tid).closest('details').open = true; }, id);
    await page.waitForFunction((tid) => !document.getElementById(tid).dataset.stale, id, { timeout: 3000 });
    return page.evaluate((tid) => document.querySelectorAll(`#${tid} tbody tr`).length, id);
  };
  const cspOf = (page) => page.evaluate(() => window.__csp);

  console.log('webview (headless Chromium, production CSP):');
  console.log(`  CSP: ${buildCsp(server.origin, '<nonce>')}`);
  const { page, context } = await open('dark');

  if (process.env.WEBVIEW_BENCH) {
    // npm run bench: a slider move on a 1e4-element input, input → redraw, against a plain evaluate() of the
    // same input as the baseline. Host: applyIntent + buildState (+ the message JSON: a patch); view: the message
    // handled and the charts updated in place (Chart.js 'none' mode, synchronous) before the next task.
    const { evaluate } = loadTs('src/core/evaluate.ts');
    const base = { ...S.big };
    let sess = session('CategoricalCrossentropy', null, null);
    {
      const r = (i) => Math.sin(i * 12.9898) * 0.5 + 0.5;
      const yt = Array.from({ length: 1000 }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0)));
      const yp = Array.from({ length: 1000 }, (_, i) => { const p = Array.from({ length: 10 }, (_, j) => r(i * 10 + j) + 0.01); const s = p.reduce((a, b) => a + b, 0); return p.map((x) => x / s); });
      sess = session('CategoricalCrossentropy', yt, yp, { title: '1e4' });
    }
    // the messages panel.ts posts: the first state whole, every step a patch of it
    const msgs = new messagesMod.StateMessages();
    await page.evaluate((m) => window.postMessage(JSON.parse(m), '*'), JSON.stringify(msgs.next(model.buildState(sess))));
    await page.waitForFunction((v) => document.getElementById('result-value')?.textContent === v, base.valueText, { timeout: 10000 });
    const host = [], view = [], total = [], baseline = [];
    for (let k = 0; k < 31; k++) {
      const ls = 0.01 * ((k % 20) + 1);
      let t = performance.now();
      evaluate({ loss: 'CategoricalCrossentropy', yTrue: sess.request.yTrue, yPred: sess.request.yPred, config: { label_smoothing: ls } });
      baseline.push(performance.now() - t);
      t = performance.now();
      sess = model.applyIntent(sess, { type: 'setParam', name: 'label_smoothing', value: ls });
      const msg = JSON.stringify(msgs.next(model.buildState(sess)));
      const h = performance.now() - t;
      const v = await page.evaluate((m) => {
        const t0 = performance.now();
        window.postMessage(JSON.parse(m), '*');
        return new Promise((res) => setTimeout(() => res(performance.now() - t0), 0));
      }, msg);
      host.push(h); view.push(v); total.push(h + v);
    }
    const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
    console.log(`panel redraw, CategoricalCrossentropy 1000×10, label_smoothing slider, median of ${total.length}:`);
    console.log(`  baseline evaluate()               ${med(baseline).toFixed(2)} ms`);
    console.log(`  host: intent → PanelState + JSON  ${med(host).toFixed(2)} ms`);
    console.log(`  view: message → charts redrawn    ${med(view).toFixed(2)} ms`);
    console.log(`  input → redraw                    ${med(total).toFixed(2)} ms  (${(med(total) / med(baseline)).toFixed(0)}× evaluate; target < 50 ms: ${med(total) < 50 ? 'met' : 'NOT met'})`);
    await sliderBySize(page, model, protocol, evaluate, med);
    await context.close(); await browser.close(); server.close();
    return;
  }

  await test('posts ready on load and uses the production CSP meta', async () => {
    const ready = await page.evaluate(() => window.__posted.filter((m) => m.type === 'ready').length);
    eq(ready, 1, 'ready messages');
    const meta = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content);
    eq(meta, buildCsp(server.origin, nonce), 'CSP');
    assert(meta.includes("default-src 'none'") && !meta.includes('unsafe'), 'strict policy');
  });

  await test('empty state: hint and loss picker', async () => {
    await postState(page, S.empty);
    assert(await visible(page, '#empty'), '#empty visible');
    assert(!(await visible(page, '#summary')), 'no result');
    const n = await page.locator('#loss-select option').count();
    assert(n > 20, `loss options: ${n}`);
    await page.waitForFunction(() => window.__saved !== undefined);
    eq(await page.evaluate(() => window.__saved && window.__saved.session), undefined, 'nothing persisted for empty');
  });

  await test('picking a loss in the empty state posts setLoss', async () => {
    await page.selectOption('#loss-select', 'Huber');
    const m = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setLoss').pop());
    assert(m && m.loss === 'Huber' && typeof m.id === 'number', `setLoss: ${JSON.stringify(m)}`);
  });

  await test('error state: the message is shown as content in #error', async () => {
    await postState(page, S.error);
    assert(await visible(page, '#error'), '#error visible');
    const text = await page.textContent('#error');
    assert(text.includes('cannot be broadcast') || text.includes('shape'), `error text: ${text}`);
    assert(!(await visible(page, '#charts')), 'charts hidden');
    await page.waitForFunction(() => window.__saved && window.__saved.session, null, { timeout: 3000 });
    const saved = await page.evaluate(() => window.__saved);
    assert(saved && saved.session && saved.session.request.loss === 'mse', 'session persisted on error');
  });

  await test('watched loss: the history chart follows every stop (4 then 5 points), the NaN stop marked and named', async () => {
    const pts = (n) => Array.from({ length: n }, (_, i) => (i === 3
      ? { stop: 4, value: null, text: 'nan', bad: 'y_pred logits[1, 1] = nan (1 non-finite value)' }
      : { stop: i + 1, value: [0.155, 0.185, 0.225, 0, 0.335][i], text: String([0.155, 0.185, 0.225, 0, 0.335][i]) }));
    const withWatch = (n) => ({ ...S.rank1, session: { ...S.rank1.session, watch: { label: 'Huber(y_true, logits)', points: pts(n), ended: false } } });
    await postState(page, withWatch(4));
    assert(await visible(page, '#watch'), '#watch visible');
    await postState(page, withWatch(5));
    const info = await page.evaluate(() => { const c = window.__lossInspector.charts.get('watch'); return { n: c.data.datasets[0].data.length, bad: c.data.datasets[1].data.map((p) => p.x), max: c.scales.y.max }; });
    eq(info.n, 5, 'line points'); eq(info.bad.join(','), '4', 'marked stops');
    assert(info.max >= 0.335, `y axis reaches the 5th stop: max ${info.max}`);
    assert((await inkOf(page, 'chart-watch')) > 300, 'watch chart drawn');
    assert(/at 5 stops.*1 stop\(s\) with non-finite/.test(await page.getAttribute('#chart-watch', 'aria-label')), 'aria-label');
    assert((await page.textContent('#note-watch')).includes('Stop 4: y_pred logits[1, 1] = nan'), 'note names the bad element');
    await postState(page, S.rank1);
    assert(!(await visible(page, '#watch')), '#watch hidden without a watch');
  });

  await test('result rank 1: value as Keras prints it, reduction written out, three charts drawn with tables', async () => {
    await postState(page, S.rank1);
    eq(await page.textContent('#result-value'), S.rank1.valueText, '#result-value');
    const red = await page.textContent('#reduction-text');
    assert(/weighted sum .* \/ .* = /.test(red), `reduction text: ${red}`);
    eq(await page.textContent('#python-call'), 'tf.keras.losses.Huber(delta=1.5)(y_true, y_pred, sample_weight=sample_weight)', 'python');
    for (const id of ['chart-curve', 'chart-samples', 'chart-grad']) {
      const ink = await inkOf(page, id);
      assert(ink > 500, `${id} ink ${ink}`);
      const role = await page.getAttribute(`#${id}`, 'role');
      eq(role, 'img', `${id} role`);
      const label = await page.getAttribute(`#${id}`, 'aria-label');
      assert(label && label.length > 20, `${id} aria-label: ${label}`);
    }
    assert((await rowsOf(page, 'table-curve')) > 50, 'curve table rows');
    eq(await rowsOf(page, 'table-samples'), 6, 'samples table rows');
    eq(await rowsOf(page, 'table-grad'), 6, 'grad table rows');
    const types = await page.evaluate(() => ['curve', 'samples', 'grad'].map((k) => window.__lossInspector.charts.get(k).config.type));
    eq(types.join(','), 'line,bar,bar', 'chart types');
    const ds = await page.evaluate(() => window.__lossInspector.charts.get('samples').data.datasets.length);
    eq(ds, 2, 'weighted and unweighted bars');
    // The watch test before this one persisted a session with the same title (plus its watch): wait for this
    // state's own session, not for the title, or the 250 ms coalesced setState of the previous one is read.
    await page.waitForFunction((j) => window.__saved && window.__saved.session && JSON.stringify(window.__saved.session) === j, JSON.stringify(S.rank1.session), { timeout: 3000 }).catch(() => {});
    const saved = await page.evaluate(() => window.__saved);
    eq(JSON.stringify(saved.session), JSON.stringify(S.rank1.session), 'persisted session');
  });

  await test('the source link names the file and 1-based line and posts openSource', async () => {
    eq((await page.textContent('#open-source')).trim(), 'my model.py:9', 'link text');
    await page.click('#open-source');
    const m = await page.evaluate(() => window.__posted.filter((x) => x.type === 'openSource').pop());
    assert(m && typeof m.id === 'number', 'openSource posted');
  });

  await test('param controls from the specs: slider + number for delta, keyboard moves it and posts setParam', async () => {
    const range = page.locator('[data-param="delta"][type="range"]');
    const num = page.locator('[data-param="delta"][type="number"]');
    eq(await range.count(), 1, 'range');
    eq(await num.count(), 1, 'number');
    eq(await num.inputValue(), '1.5', 'number value');
    const before = await page.evaluate(() => window.__posted.length);
    await range.focus();
    await page.keyboard.press('ArrowRight');
    const m = await page.evaluate((b) => window.__posted.slice(b).find((x) => x.type === 'setParam'), before);
    assert(m && m.name === 'delta' && typeof m.value === 'number' && m.value > 1.5, `setParam: ${JSON.stringify(m)}`);
    // A second change while the first is in flight is queued, then sent after the reply.
    await page.keyboard.press('ArrowRight');
    const n1 = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setParam').length);
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), m.id);
    await page.waitForFunction((n) => window.__posted.filter((x) => x.type === 'setParam').length > n, n1);
    const m2 = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setParam').pop());
    assert(m2.value > m.value, `queued value ${m2.value} > ${m.value}`);
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), m2.id);
  });

  await test('a state sent without the arrays (sameData) keeps the arrays the view already has', async () => {
    const next = model.buildState(model.applyIntent(S.rank1.session, { type: 'setParam', name: 'delta', value: 0.7 }));
    await page.evaluate((st) => window.postMessage({ type: 'state', state: st, sameData: true }, '*'), protocol.withoutData(next));
    await page.waitForFunction(() => window.__saved && window.__saved.session && window.__saved.session.request.config.delta === 0.7, null, { timeout: 3000 });
    const saved = await page.evaluate(() => window.__saved.session.request);
    eq(JSON.stringify(saved.yPred), JSON.stringify(S.rank1.session.request.yPred), 'arrays kept');
    eq(JSON.stringify(saved.sampleWeight), JSON.stringify(S.rank1.session.request.sampleWeight), 'weights kept');
    eq(await page.textContent('#result-value'), next.valueText, 'new value shown');
  });

  await test('a step as a patch (issue 16): the changed views are drawn from it, the rest of the state stays the webview\'s; a page move leaves the curve as it was', async () => {
    // 200 × 1000 pairs: above the persisted size, as at 1e6 (the arrays never reach the webview). The messages are
    // panel.ts's own (panelMessages.ts), the webview's state after the patch must be the full state, field for field.
    let seed = 5;
    const rnd = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };
    const arr = () => ({ shape: [200, 1000], data: Float64Array.from({ length: 2e5 }, () => Math.fround(rnd() * 4 - 2)) });
    let sess = session('Huber', arr(), arr(), { title: 'Huber 200×1000' });
    const msgs = new messagesMod.StateMessages();
    const cache = new model.TensorCache();
    const send = (m) => page.evaluate((x) => window.postMessage(JSON.parse(x), '*'), JSON.stringify(m));
    const viewState = () => page.evaluate(() => JSON.stringify(window.__lossInspector.state()));
    const st0 = model.buildState(sess, cache);
    await send(msgs.next(st0));
    await page.waitForFunction((v) => document.getElementById('result-value')?.textContent === v, st0.valueText, { timeout: 10000 });
    const options = await page.locator('#loss-select option').count();
    await rowsOf(page, 'table-grad');
    const yTrue0 = await page.textContent('#table-grad tbody tr:first-child td');
    // the delta slider: a patch
    sess = model.applyIntent(sess, { type: 'setParam', name: 'delta', value: 0.25 });
    const st1 = model.buildState(sess, cache);
    const m1 = msgs.next(st1);
    eq(m1.type, 'patch', 'a slider step on the same arrays');
    const paths = m1.ops.map((op) => op[0].join('.'));
    assert(!paths.some((x) => /^(lossOptions|yTrue|yPred)/.test(x)), `the patch re-sends unchanged fields: ${paths.join(' ')}`);
    await send(m1);
    await page.waitForFunction((v) => document.getElementById('result-value')?.textContent === v, st1.valueText, { timeout: 10000 });
    sameJson(await viewState(), JSON.stringify(messagesMod.forWebview(st1)), 'the webview\'s state after the patch is the full state');
    const drawn = await page.evaluate(() => {
      const c = (id) => window.__lossInspector.charts.get(id);
      return { curve: c('curve').data.datasets[0].data.map((p) => p.y), bins: c('grad').data.datasets[0].data.map((d) => d.v), bars: c('samples').data.datasets.at(-1).data };
    });
    eq(JSON.stringify(drawn.curve), JSON.stringify(st1.curve.loss), 'the curve is the patched one');
    eq(JSON.stringify(drawn.bins), JSON.stringify(st1.gradMap.values), 'the heatmap bins are the patched ones');
    eq(JSON.stringify(drawn.bars), JSON.stringify(st1.weighted.values.slice(0, 500)), 'the per-sample bars are the patched ones');
    assert(JSON.stringify(st1.gradMap.values) !== JSON.stringify(st0.gradMap.values), 'the step changed the heatmap (else the check above proves nothing)');
    // the 64 × 120 bins are painted as one image of the chart area: every pixel of the area is a bin's colour
    const painted = await page.evaluate(() => {
      const ch = window.__lossInspector.charts.get('grad'), a = ch.chartArea, dpr = ch.currentDevicePixelRatio || 1;
      const d = ch.canvas.getContext('2d').getImageData(Math.ceil(a.left * dpr), Math.ceil(a.top * dpr), Math.floor(a.width * dpr) - 1, Math.floor(a.height * dpr) - 1).data;
      let ink = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
      return ink / (d.length / 4);
    });
    assert(painted > 0.99, `heatmap area painted: ${(painted * 100).toFixed(1)} %`);
    eq(await page.locator('#loss-select option').count(), options, 'the loss list kept');
    eq(await page.inputValue('#loss-select'), 'Huber', 'loss selected');
    eq(await page.inputValue('input[type="number"][data-param="delta"]'), '0.25', 'the control shows the new delta');
    eq(await page.textContent('#table-grad tbody tr:first-child td'), yTrue0, 'y_true in the gradient table: kept from the first state');
    // a page outside the window: the pager asks, the host's answer is a patch of the element windows only
    await page.evaluate(() => { const sl = document.getElementById('page-slider-grad'); sl.value = '10'; sl.dispatchEvent(new Event('change')); });
    await page.waitForFunction(() => window.__posted.some((x) => x.type === 'setPage' && x.view === 'grad' && x.offset === 5000), null, { timeout: 3000 });
    await page.evaluate(() => { window.__curveData = window.__lossInspector.charts.get('curve').data; });
    sess = model.applyIntent(sess, { type: 'setPage', view: 'grad', offset: 5000 });
    const st2 = model.buildState(sess, cache);
    const m2 = msgs.next(st2);
    eq(m2.type, 'patch', 'a page move');
    assert(!m2.ops.some((op) => op[0][0] === 'curve'), 'the curve is not re-sent for a page');
    await send(m2);
    await page.waitForFunction(() => document.querySelector('#table-grad tbody tr:first-child th')?.textContent === '5, 0', null, { timeout: 5000 });
    sameJson(await viewState(), JSON.stringify(messagesMod.forWebview(st2)), 'the state after the page patch');
    eq(await page.textContent('#table-grad tbody tr:first-child td'), float32Digits(st2.yTrue.values[5000 - st2.yTrue.offset]), 'y_true of element 5000 from the new window');
    const t = await page.evaluate(() => ({ same: window.__curveData === window.__lossInspector.charts.get('curve').data, parts: Object.keys(window.__lossInspector.timings) }));
    assert(t.same && !t.parts.includes('curve'), `the curve was drawn again for a page move: ${t.parts.join(' ')}`);
    assert(t.parts.includes('grad'), `the element views were not drawn: ${t.parts.join(' ')}`);
    // back to the first page (the pager keeps its page across states: the next tests start there)
    await page.evaluate(() => { const sl = document.getElementById('page-slider-grad'); sl.value = '0'; sl.dispatchEvent(new Event('change')); });
    for (const x of await page.evaluate(() => window.__posted.filter((m) => m.type === 'setParam' || m.type === 'setPage'))) await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), x.id);
  });

  await test('a 1e4-element result renders quickly (charts capped, tables capped)', async () => {
    const big = S.big;
    const ms = await page.evaluate((st) => {
      const t = performance.now();
      window.postMessage({ type: 'state', state: st }, '*');
      return new Promise((res) => setTimeout(() => res(performance.now() - t), 0));
    }, big);
    // The slider case: the same loss and shapes again (charts updated in place, arrays left out: sameData).
    const again = await page.evaluate((st) => {
      const t = performance.now();
      window.postMessage({ type: 'state', state: st, sameData: true }, '*');
      return new Promise((res) => setTimeout(() => res(performance.now() - t), 0));
    }, protocol.withoutData(big));
    const dt = await page.evaluate(() => { const t = performance.now(); window.__lossInspector.charts.get('grad').update('none'); return performance.now() - t; });
    const tm = await page.evaluate(() => JSON.stringify(Object.fromEntries(Object.entries(window.__lossInspector.timings).map(([k, v]) => [k, Math.round(v * 10) / 10]))));
    console.log(`      render parts (ms): ${tm}`);
    console.log(`      1e4 elements: first render ${ms.toFixed(1)} ms, update (slider move) ${again.toFixed(1)} ms, heatmap redraw ${dt.toFixed(1)} ms`);
    eq(await page.textContent('#result-value'), big.valueText, 'value');
    eq(await rowsOf(page, 'table-grad'), 501, 'table capped at 500 rows + a "more" row');
    eq(await page.evaluate(() => window.__lossInspector.charts.get('grad').data.datasets[0].data.length), 640, 'the whole 1000 × 10 gradient in 64 × 10 bins');
    // The time is reported above, not asserted (speed is measured by `npm run bench`): what keeps the render fast
    // at any size is the capping checked here, which a timing under CI load would only make flaky.
  });

  await test('a 2 × 1000 MSE gradient: readable x ticks (spaced for the width), axis named for a regression loss, compact numbers on every axis', async () => {
    // Errors of ~1e-6: gradients of ~1e-9, the case that printed "1.0000000E-6" ticks.
    const yt = [Array.from({ length: 1000 }, (_, i) => i / 1000), Array.from({ length: 1000 }, (_, i) => 1 - i / 1000)];
    const yp = yt.map((row, r) => row.map((v, i) => v + (((i * 7 + r) % 11) - 5) * 1e-6));
    const st = model.buildState(session('MeanSquaredError', yt, yp, { title: 'mse 2×1000' }));
    await postState(page, st);
    await page.waitForFunction(() => window.__lossInspector.charts.get('grad')?.config.type === 'scatter', null, { timeout: 5000 });
    const info = await page.evaluate(() => {
      const c = window.__lossInspector.charts.get('grad');
      const labels = (id) => c.scales[id].ticks.map((t) => t.label);
      const all = ['curve', 'samples', 'grad'].flatMap((k) => { const ch = window.__lossInspector.charts.get(k); return Object.keys(ch.scales).filter((id) => ch.scales[id].type !== 'category').flatMap((id) => ch.scales[id].ticks.map((t) => String(t.label))); });
      return { x: labels('x'), width: c.chartArea.width, xTitle: c.options.scales.x.title.text, cells: c.data.datasets[0].data.length, all };
    });
    assert(info.x.length >= 3 && info.x.length <= Math.floor(info.width / 30), `x ticks: ${info.x.join(' ')} over ${info.width} px`);
    assert(info.x.every((l) => /^\d+$/.test(l)), `integer column ticks: ${info.x.join(' ')}`);
    eq(info.xTitle, 'last axis (output)', 'x axis name for MSE');
    eq(info.cells, 2 * 120, 'two rows of 120 bins');
    const long = info.all.filter((l) => /E/.test(l) || l.length > 8);
    eq(long.length, 0, `compact tick labels (${long.slice(0, 6).join(' | ')})`);
    await page.evaluate(() => document.getElementById('chart-grad').scrollIntoView({ block: 'center' }));
    await page.locator('#fig-grad').screenshot({ path: path.join(SHOTS, 'heatmap-mse-2x1000.png') });
    eq(S.rank2.gradAxes.cols, 'last axis (class)', 'CategoricalCrossentropy: classes');
  });

  await test('a PyTorch result: RESULT as torch prints it, the weighted mean written out, arguments with dtypes, torch\'s reductions', async () => {
    await postState(page, S.torchCe);
    await page.waitForFunction(() => document.getElementById('result-value').textContent === 'tensor(2.0053)', null, { timeout: 5000 });
    assert(/^mean: Σ w\[y\]·ℓ \/ Σ w\[y\] = 14\.43781\d* \/ 7\.2 = 2\.00525\d*$/.test(await page.textContent('#reduction-text')), `reduction text: ${await page.textContent('#reduction-text')}`);
    eq(await page.textContent('#python-call'), 'nn.CrossEntropyLoss(weight=torch.tensor([0.2, 1.0, 3.0]))(input, target)', 'call');
    eq(await page.textContent('#shapes'), 'class nn.CrossEntropyLoss · input (4, 3) · target (4,)', 'shapes line names torch\'s arguments');
    assert((await page.textContent('#torch-args')).includes('target (4,) int64'), 'argument dtypes');
    assert((await page.textContent('#torch-args')).includes('grad_fn=<NllLossBackward0>'), 'grad_fn');
    eq(await page.textContent('#title-grad'), 'Gradient d result / d input', 'gradient title names torch\'s argument');
    eq(await page.textContent('#torch-none'), S.torchCe.torch.noneText, "the 'none' output as torch prints it");
    const opts = await page.$$eval('#reduction-select option', (os) => os.map((o) => o.value));
    eq(opts.join(','), 'mean,sum,none', 'torch reductions');
    eq(await page.locator('#loss-select').inputValue(), 'nn.CrossEntropyLoss', 'picker on the torch loss');
    assert(await page.locator('#compare-toggle').isDisabled(), 'compare (Keras sweeps) is off for torch');
    assert(await visible(page, '#param-list input[type="range"][data-param="label_smoothing"]'), 'label_smoothing slider');
    assert(await visible(page, '#param-list input[type="text"][data-param="weight"]'), 'weight as a text field');
    eq(await rowsOf(page, 'table-grad'), 12, 'grad table rows');
    eq(await page.$$eval('#table-grad thead th', (ths) => ths.map((t) => t.textContent).join('|')), 'index|target|input|d/dinput', 'grad table headers');
    assert(await inkOf(page, 'chart-curve') > 500, 'curve drawn');
    await page.evaluate(() => { window.__posted.length = 0; });
    await page.selectOption('#reduction-select', 'sum');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'setReduction' && m.reduction === 'sum'), null, { timeout: 3000 });
    await page.locator('#fig-curve').screenshot({ path: path.join(SHOTS, 'torch-ce-curve.png') });
    await page.screenshot({ path: path.join(SHOTS, 'torch-ce-dark.png'), fullPage: true, animations: 'disabled' });
  });

  await test('a Keras result after a torch one: the torch section goes, the gradient title is Keras\'s again', async () => {
    await postState(page, S.rank1);
    await page.waitForFunction(() => document.getElementById('torch').hidden, null, { timeout: 5000 });
    eq(await page.textContent('#title-grad'), 'Gradient dL/dy_pred', 'Keras gradient title');
    assert(!(await page.locator('#compare-toggle').isDisabled()), 'compare available again');
  });

  await test('a PyTorch call with three arguments lists the gradients of target and var', async () => {
    await postState(page, S.torchGauss);
    await page.waitForFunction(() => document.querySelectorAll('#torch-grads li').length === 2, null, { timeout: 5000 });
    const items = await page.$$eval('#torch-grads li', (li) => li.map((x) => x.dataset.grad + ':' + x.textContent));
    assert(items[0].startsWith('target:d result / d target: (2, 2) ['), items[0]);
    assert(items[1].startsWith('var:d result / d var: (2, 2) ['), items[1]);
    assert((await page.textContent('#shapes')).endsWith('var (2, 2)'), 'shapes line with var');
  });

  await test('paged views at 1e6 values: next, the page slider and prev move the bars; a page outside the window asks the host', async () => {
    const st = S.torchBig;
    await postState(page, st);
    await page.waitForFunction(() => !document.getElementById('pager-samples').hidden, null, { timeout: 5000 });
    eq(await page.textContent('#page-text-samples'), 'values 1–500 of 1,000,000', 'first page');
    const bars = () => page.evaluate(() => window.__lossInspector.charts.get('samples').data.labels);
    eq((await bars()).length, 500, '500 bars');
    await page.click('#page-next-samples');
    eq(await page.textContent('#page-text-samples'), 'values 501–1,000 of 1,000,000', 'second page');
    eq((await bars())[0], '500', 'bars of the second page, labelled by their index');
    const v501 = await page.evaluate(() => window.__lossInspector.charts.get('samples').data.datasets.at(-1).data[0]);
    eq(v501, st.perSample.values[500], 'drawn from the window the host sent (no request)');
    await page.evaluate(() => { window.__posted.length = 0; });
    // the slider to page 1000 (values 500,001–500,500): outside the window, so the host is asked for it
    await page.evaluate(() => { const s = document.getElementById('page-slider-samples'); s.value = '1000'; s.dispatchEvent(new Event('change', { bubbles: true })); });
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'setPage' && m.view === 'samples' && m.offset === 500000), null, { timeout: 3000 });
    const next = protocol.withoutData(model.buildState({ ...S.torchBigSession, pages: { samples: 500000 } }));
    eq(next.perSample.values.length <= 4096, true, 'a window, not the data');
    await page.evaluate((s) => window.postMessage({ type: 'state', state: s, sameData: true }, '*'), next);
    await page.waitForFunction(() => document.getElementById('page-text-samples').textContent === 'values 500,001–500,500 of 1,000,000', null, { timeout: 3000 });
    eq((await bars())[0], '500000', 'first bar of the page');
    const drawn = await page.evaluate(() => window.__lossInspector.charts.get('samples').data.datasets.at(-1).data.slice(0, 3));
    eq(JSON.stringify(drawn), JSON.stringify(next.perSample.values.slice(0, 3)), 'the page\'s values from the new window');
    await page.locator('#fig-samples').screenshot({ path: path.join(SHOTS, 'paged-samples-1e6.png') });
    await page.click('#page-prev-samples');
    eq(await page.textContent('#page-text-samples'), 'values 499,501–500,000 of 1,000,000', 'prev');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'setPage' && m.offset === 499500), null, { timeout: 3000 });
    assert(await page.locator('#page-prev-grad').isDisabled(), 'the grad pager starts at page 1');
    eq(await page.textContent('#page-text-grad'), 'values 1–500 of 1,000,000', 'gradient pager');
  });

  await test('an error reply is shown in the status line', async () => {
    await page.click('#export-csv');
    const m = await page.evaluate(() => window.__posted.filter((x) => x.type === 'exportCsv').pop());
    assert(m && typeof m.id === 'number', 'exportCsv posted with id');
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: false, error: 'disk full' }, '*'), m.id);
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('disk full'));
  });

  await test('bool params are checkboxes; reduction selector posts setReduction', async () => {
    await postState(page, S.rank2);
    const cb = page.locator('[data-param="from_logits"]');
    eq(await cb.getAttribute('type'), 'checkbox', 'from_logits');
    await cb.check();
    const m = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setParam').pop());
    assert(m.name === 'from_logits' && m.value === true, JSON.stringify(m));
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), m.id);
    // an enum parameter: one change, one message (select fires input and change)
    const n0 = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setParam').length);
    await page.selectOption('[data-param="dtype"]', 'float64');
    const ms = await page.evaluate((n) => window.__posted.filter((x) => x.type === 'setParam').slice(n), n0);
    eq(ms.length, 1, 'one setParam for a select');
    eq(ms[0].value, 'float64', 'dtype');
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), ms[0].id);
    await page.selectOption('#reduction-select', 'sum');
    const r = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setReduction').pop());
    eq(r && r.reduction, 'sum', 'setReduction');
  });

  await test('array parameters (circle ref_embeddings) are text fields read as Python lists, nested ones too', async () => {
    const emb = [[0.70014004, -0.42008403, 0.14002801, 0.56011203], [0.17609018, 0.70436073, -0.52827054, 0.44022545], [-0.34050261, 0.25537696, -0.68100522, 0.59587957]];
    const st = model.buildState(session('circle', [1, 1, 2], emb, { config: { ref_labels: [1, 2], ref_embeddings: [emb[0], emb[2]] }, title: 'circle refs' }));
    assert(st.kind === 'result', `circle fixture: ${st.message}`);
    await postState(page, st);
    const field = page.locator('#param-ref_embeddings');
    eq(await field.getAttribute('type'), 'text', 'ref_embeddings control');
    const n0 = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setParam').length);
    await field.fill('[[1, 0, 0, 0], (0, 1.5, 0, -2e-3,)]');
    await field.press('Tab'); // the browser's own change event, as when the user leaves the field
    const ms = await page.evaluate((n) => window.__posted.filter((x) => x.type === 'setParam').slice(n), n0);
    eq(ms.length, 1, 'one setParam for one change');
    const m = ms[0];
    eq(JSON.stringify([m.name, m.text]), JSON.stringify(['ref_embeddings', '[[1, 0, 0, 0], (0, 1.5, 0, -2e-3,)]']), 'the typed text goes to the host');
    // the host reads it with the core's literal scanner, as Python reads it
    const s0 = session('circle', [1, 1, 2], emb, { config: { ref_labels: [1, 2] } });
    const next = model.applyIntent({ ...s0, request: { ...s0.request, mode: 'function' } }, m);
    eq(JSON.stringify(next.request.config.ref_embeddings), JSON.stringify([[1, 0, 0, 0], [0, 1.5, 0, -0.002]]), 'nested list read as numbers on the host');
    for (const x of ms) await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), x.id);
  });

  await test('result rank 2: gradient heatmap (bins painted under a point per bin) with values, smoothed labels shown', async () => {
    await postState(page, S.rank2);
    const type = await page.evaluate(() => window.__lossInspector.charts.get('grad').config.type);
    eq(type, 'scatter', 'grad chart type');
    assert((await inkOf(page, 'chart-grad')) > 2000, 'heatmap ink');
    eq(await rowsOf(page, 'table-grad'), 12, 'grad table rows');
    const trace = await page.textContent('#trace');
    assert(/smoothing/.test(trace), `trace: ${trace}`);
    eq(await page.textContent('#result-value'), S.rank2.valueText, 'value');
  });

  await test('clicking a heatmap cell posts setSweepElement', async () => {
    await page.evaluate(() => document.getElementById('chart-grad').scrollIntoView({ block: 'center' }));
    const box = await page.locator('#chart-grad').boundingBox();
    const area = await page.evaluate(() => { const a = window.__lossInspector.charts.get('grad').chartArea; return { l: a.left, t: a.top, w: a.width, h: a.height }; });
    // Row 2, column 1 of the 4×3 grid.
    await page.mouse.click(box.x + area.l + area.w * (1.5 / 3), box.y + area.t + area.h * (2.5 / 4));
    // Chart.js handles canvas events on the next animation frame.
    await page.waitForFunction(() => window.__posted.some((x) => x.type === 'setSweepElement'), null, { timeout: 3000 }).catch(() => {});
    const m = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setSweepElement').pop());
    assert(m && m.element === 7, `setSweepElement: ${JSON.stringify(m)}`);
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), m.id);
  });

  await test('unreduced result (reduction=None): the array as Keras prints it, bars per sample', async () => {
    await postState(page, S.none);
    const v = await page.textContent('#result-value');
    eq(v, S.none.valueText, 'value');
    assert(v.startsWith('array(['), v);
    eq(await page.evaluate(() => window.__lossInspector.charts.get('samples').data.labels.length), 3, 'three samples');
    assert((await inkOf(page, 'chart-samples')) > 500, 'bars drawn');
  });

  await test('rank-4 gradient (segmentation) is a heatmap of rows × last axis', async () => {
    await postState(page, S.dice);
    eq(await page.evaluate(() => window.__lossInspector.charts.get('grad').config.type), 'scatter', 'type');
    eq(await page.evaluate(() => window.__lossInspector.charts.get('grad').data.datasets[0].data.length), 8, 'cells');
    assert((await inkOf(page, 'chart-grad')) > 1000, 'heatmap ink');
  });

  await test('a user-defined loss: its own picker entry, no parameter controls, the curve drawn', async () => {
    await postState(page, S.custom);
    eq(await page.inputValue('#loss-select'), 'my_loss', 'picker value');
    assert((await page.textContent('#loss-select option[value="my_loss"]')).includes('user-defined'), 'option text');
    assert(!(await visible(page, '#params')), 'no controls');
    eq(await page.textContent('#result-value'), '1.25', 'value');
    assert((await inkOf(page, 'chart-curve')) > 500, 'curve');
  });

  await test('compare mode: the chosen losses overlaid on the same sweep', async () => {
    await postState(page, S.compare);
    assert(await visible(page, '#fig-compare'), 'compare figure visible');
    eq(await page.isChecked('#compare-toggle'), true, 'toggle');
    const n = await page.evaluate(() => window.__lossInspector.charts.get('compare').data.datasets.length);
    eq(n, 1 + S.compare.compare.data.series.length, 'datasets');
    assert((await inkOf(page, 'chart-compare')) > 1000, 'compare ink');
    assert((await rowsOf(page, 'table-compare')) > 50, 'compare table');
    const before = await page.evaluate(() => window.__posted.length);
    await page.uncheck('#compare-toggle');
    const m = await page.evaluate((b) => window.__posted.slice(b).find((x) => x.type === 'setCompare'), before);
    assert(m && m.enabled === false, JSON.stringify(m));
  });

  await test('Frameworks view: the rows as a table with Copy buttons, one curve per row on the main sweep, tabs post setView', async () => {
    const st = S.frameworks;
    const d = st.frameworks.data;
    assert(d && d.rows.length >= 5, `fixture rows: ${st.frameworks.error}`);
    await postState(page, st);
    assert(await visible(page, '#frameworks'), '#frameworks visible');
    assert(!(await visible(page, '#charts')), 'the plots are hidden in the Frameworks view');
    eq(await page.getAttribute('#tab-frameworks', 'aria-selected'), 'true', 'tab selected');
    eq(await page.getAttribute('#tab-plots', 'aria-selected'), 'false', 'other tab');
    eq(await page.locator('#fw-table tbody tr').count(), d.rows.length, 'table rows');
    const cells = await page.$$eval('#fw-table tbody tr', (trs) => trs.map((tr) => [tr.querySelector('code').textContent, tr.querySelector('.fw-value').textContent, tr.querySelector('.fw-why').textContent]));
    d.rows.forEach((r, i) => {
      eq(cells[i][0], r.call, `row ${i} call`);
      assert(cells[i][1].startsWith(r.valueText), `row ${i} value ${cells[i][1]} vs ${r.valueText}`);
      eq(cells[i][2], r.why, `row ${i} why`);
    });
    assert(cells.some((c) => /softmaxed twice/.test(c[2])), 'the double softmax row says why');
    const info = await page.evaluate(() => { const c = window.__lossInspector.charts.get('frameworks'); return { n: c.data.datasets.length, dashed: c.data.datasets.map((x) => (x.borderDash || []).length > 0), labels: c.data.datasets.map((x) => x.label), first: c.data.datasets[0].data.slice(0, 3).map((p) => p.y) }; });
    eq(info.n, d.rows.length + (d.current !== undefined ? 1 : 0), 'one dataset per row (+ the input point)');
    d.rows.forEach((r, i) => eq(info.dashed[i], r.role !== 'source' && r.same, `row ${i} dashed when it equals the source`));
    assert(info.labels[0].includes('Keras 3') && info.labels.some((l) => l.includes('PyTorch')) && info.labels.some((l) => l.includes('optax')), `legend: ${info.labels.join(' | ')}`);
    eq(JSON.stringify(info.first), JSON.stringify(d.series[0].slice(0, 3)), 'the source series as sent');
    assert((await inkOf(page, 'chart-frameworks')) > 1500, 'curves drawn');
    eq(await rowsOf(page, 'table-frameworks'), d.x.length, 'the chart\'s data table: one line per sweep point');
    // Copy: the row's runnable snippet goes to the host (which writes the clipboard)
    await page.click('#fw-table tbody tr:nth-child(3) .fw-copy');
    const m = await page.evaluate(() => window.__posted.filter((x) => x.type === 'copyText').pop());
    eq(m && m.text, d.rows[2].snippet, 'copyText carries the row\'s snippet');
    assert(/^import torch\n/.test(m.text) && m.text.includes('y_pred = torch.tensor('), `a torch script: ${m.text}`);
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true, message: 'Copied to the clipboard' }, '*'), m.id);
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('Copied'));
    // a slider move: the next state redraws the curves and the values in place
    const next = model.buildState(model.applyIntent(st.session, { type: 'setParam', name: 'label_smoothing', value: 0.2 }));
    await page.evaluate((x) => window.postMessage({ type: 'state', state: x, sameData: true }, '*'), protocol.withoutData(next));
    await page.waitForFunction((v) => document.querySelector('#fw-table tbody tr .fw-value').textContent.startsWith(v), next.frameworks.data.rows[0].valueText, { timeout: 3000 });
    const y0 = await page.evaluate(() => window.__lossInspector.charts.get('frameworks').data.datasets[0].data[0].y);
    eq(y0, next.frameworks.data.series[0][0], 'curve follows the slider');
    assert(y0 !== d.series[0][0], 'and it moved');
    // tabs
    await page.click('#tab-plots');
    const v = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setView').pop());
    eq(v && v.view, 'plots', 'setView plots');
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), v.id);
    await page.evaluate(() => document.getElementById('chart-frameworks').scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: path.join(SHOTS, 'frameworks-dark-view.png'), fullPage: true, animations: 'disabled' });
    await postState(page, S.rank2);
    assert(await visible(page, '#charts') && !(await visible(page, '#frameworks')), 'back on the plots');
    await page.focus('#tab-plots');
    await page.keyboard.press('ArrowRight');
    const v2 = await page.evaluate(() => window.__posted.filter((x) => x.type === 'setView').pop());
    eq(v2 && v2.view, 'frameworks', 'arrow key to the Frameworks tab posts setView');
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), v2.id);
  });

  await test('Frameworks view of a loss without ports: the reason, naming the loss, and no table', async () => {
    await postState(page, S.fwNone);
    assert(await visible(page, '#fw-error'), 'reason shown');
    assert((await page.textContent('#fw-error')).includes('Dice'), 'names the loss');
    assert(!(await visible(page, '#fw-body')), 'no table or chart');
    await postState(page, S.compare); // the plots again, for the tests below
  });

  await test('PNG export sends a PNG data URL of the chart', async () => {
    await page.click('[data-export="curve"]');
    const m = await page.evaluate(() => window.__posted.filter((x) => x.type === 'exportPng').pop());
    assert(m && m.chart === 'curve' && m.dataUrl.startsWith('data:image/png;base64,') && m.dataUrl.length > 2000, 'png');
  });

  await test('keyboard: every control and chart is reachable with Tab', async () => {
    await postState(page, S.rank1);
    await page.focus('#loss-select');
    const seen = new Set();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.getAttribute('data-param') || document.activeElement.tagName));
      seen.add(id);
    }
    for (const id of ['reduction-select', 'compare-toggle', 'param-delta', 'chart-curve', 'chart-samples', 'chart-grad', 'export-csv']) assert(seen.has(id), `${id} not reached by Tab: ${[...seen].join(' ')}`);
  });

  await test('keyboard: arrow keys on the gradient chart move the swept element', async () => {
    await postState(page, S.rank2);
    await page.focus('#chart-grad');
    const before = await page.evaluate(() => window.__posted.length);
    await page.keyboard.press('ArrowDown');
    const m = await page.evaluate((b) => window.__posted.slice(b).find((x) => x.type === 'setSweepElement'), before);
    eq(m && m.element, S.rank2.sweep.element + 3, 'one row down (3 columns)');
    await page.evaluate((id) => window.postMessage({ type: 'reply', id, ok: true }, '*'), m.id);
  });

  await test('zero CSP violations under the production policy (dark)', async () => {
    const v = await cspOf(page);
    eq(v.length, 0, `violations ${JSON.stringify(v)}`);
  });

  await test('the CSP is enforced: an injected inline <style> is reported (the check above can fail)', async () => {
    page.expectCspError = true;
    await page.evaluate(() => { const s = document.createElement('style'); s.textContent = 'body{}'; document.head.appendChild(s); });
    await page.waitForFunction(() => window.__csp.length > 0, null, { timeout: 3000 });
    const v = await cspOf(page);
    assert(v.some((x) => x.directive.startsWith('style-src')), JSON.stringify(v));
  });
  await context.close();

  // ---- themes: screenshots and colours from the variables, live theme switch
  for (const name of Object.keys(THEMES)) {
    await test(`theme ${name}: charts use the theme's colours; screenshots saved`, async () => {
      const { page: p, context: c } = await open(name);
      await postState(p, S.rank2);
      const col = await p.evaluate(() => window.__lossInspector.charts.get('curve').data.datasets[0].borderColor);
      const expect = { dark: 'rgba(55, 148, 255, 1)', light: 'rgba(26, 133, 255, 1)', 'high-contrast': 'rgba(55, 148, 255, 1)', 'high-contrast-light': 'rgba(0, 99, 211, 1)' }[name];
      eq(col, expect, 'loss line colour from --vscode-charts-blue');
      const tick = await p.evaluate(() => window.__lossInspector.charts.get('curve').options.scales.x.ticks.color);
      const fg = { dark: 'rgba(204, 204, 204, 1)', light: 'rgba(59, 59, 59, 1)', 'high-contrast': 'rgba(255, 255, 255, 1)', 'high-contrast-light': 'rgba(41, 41, 41, 1)' }[name];
      eq(tick, fg, 'tick colour from --vscode-editor-foreground');
      await p.screenshot({ path: path.join(SHOTS, `panel-${name}-rank2.png`), fullPage: true, animations: 'disabled' });
      await postState(p, S.compare);
      await p.screenshot({ path: path.join(SHOTS, `panel-${name}-compare.png`), fullPage: true, animations: 'disabled' });
      await postState(p, S.rank1);
      await p.screenshot({ path: path.join(SHOTS, `panel-${name}-rank1.png`), fullPage: true, animations: 'disabled' });
      await postState(p, S.error);
      await p.screenshot({ path: path.join(SHOTS, `panel-${name}-error.png`), fullPage: false, animations: 'disabled' });
      await postState(p, S.none);
      await p.screenshot({ path: path.join(SHOTS, `panel-${name}-none.png`), fullPage: true, animations: 'disabled' });
      await postState(p, S.torchCe);
      await p.screenshot({ path: path.join(SHOTS, `panel-${name}-torch.png`), fullPage: true, animations: 'disabled' });
      await postState(p, S.frameworks);
      await p.waitForFunction(() => !!window.__lossInspector.charts.get('frameworks'), null, { timeout: 5000 });
      const fwc = await p.evaluate(() => window.__lossInspector.charts.get('frameworks').data.datasets.map((x) => x.borderColor));
      eq(fwc[0], tick, 'the source row in the foreground colour');
      assert(new Set(fwc).size >= Math.min(fwc.length, 5), `a colour per row: ${fwc.join(' ')}`);
      await p.screenshot({ path: path.join(SHOTS, `frameworks-${name}.png`), fullPage: true, animations: 'disabled' });
      const v = await cspOf(p);
      eq(v.length, 0, `CSP violations ${JSON.stringify(v)}`);
      await c.close();
    });
  }

  // WCAG 2 contrast of every piece of text the panel shows (DOM text and the charts' canvas text) against what is
  // behind it, computed in Chromium from the computed styles, in all four theme kinds. 4.5:1 is WCAG AA for text.
  const contrastReport = (p) => p.evaluate(() => {
    const parse = (c) => {
      const m = /rgba?\(([^)]+)\)/.exec(c || '');
      if (!m) return null;
      const v = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1 };
    };
    const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
    const lum = (c) => { const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((u, v) => v - u); return (x + 0.05) / (y + 0.05); };
    const backdrop = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 };
      for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
      return bg;
    };
    const out = [];
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    for (const el of document.querySelectorAll('body *')) {
      if (['SCRIPT', 'STYLE', 'OPTION', 'OPTGROUP', 'CANVAS'].includes(el.tagName) || el.closest('canvas') || !visible(el) || el.matches(':disabled')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      const control = (el.tagName === 'INPUT' && ['text', 'number'].includes(el.type)) || el.tagName === 'SELECT';
      if (!own && !control) continue;
      const bg = backdrop(el);
      const fg = over(parse(getComputedStyle(el).color), bg);
      const text = (control ? el.value : el.textContent).trim().slice(0, 40);
      out.push({ what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''} "${text}"`, ratio: ratio(fg, bg) });
    }
    // Canvas text: tick labels, axis titles and legends are drawn in the colours the chart options carry.
    const bodyBg = backdrop(document.body);
    const charts = window.__lossInspector.charts;
    for (const id of ['curve', 'samples', 'grad', 'compare', 'frameworks']) {
      const c = charts.get(id);
      if (!c || !visible(c.canvas)) continue;
      const o = c.options;
      const colors = [o.plugins?.legend?.labels?.color];
      for (const sc of Object.values(o.scales || {})) colors.push(sc.ticks?.color, sc.title?.display ? sc.title.color : undefined);
      for (const col of colors.filter((x) => typeof x === 'string')) out.push({ what: `canvas ${id} text ${col}`, ratio: ratio(over(parse(col), bodyBg), bodyBg) });
    }
    return out;
  });

  for (const name of Object.keys(THEMES)) {
    await test(`theme ${name}: every text element has contrast ≥ 4.5:1 against its background (DOM and chart text)`, async () => {
      const { page: p, context: c } = await open(name);
      const worst = [];
      let n = 0;
      for (const [label, st] of [['rank1', S.rank1], ['rank2', S.rank2], ['compare', S.compare], ['error', S.error], ['frameworks', S.frameworks], ['warn', S.warn], ['torch', S.torchGauss], ['paged', S.torchBig], ['empty', S.empty]]) {
        await postState(p, st);
        await p.waitForFunction((k) => document.body.dataset.state === k, st.kind, { timeout: 5000 });
        // open every data table so their text counts too
        await p.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
        const r = await contrastReport(p);
        n += r.length;
        for (const x of r) if (x.ratio < 4.5) worst.push(`${label}: ${x.what} ${x.ratio.toFixed(2)}:1`);
        if (label === 'rank1') await p.screenshot({ path: path.join(SHOTS, `contrast-${name}-rank1.png`), fullPage: true, animations: 'disabled' });
      }
      assert(n > 60, `checked ${n} text elements`);
      await c.close();
      eq(worst.length, 0, `below 4.5:1 in ${name}:\n        ${worst.slice(0, 15).join('\n        ')}`);
    });
  }

  await test('live theme change (body class + variables) redraws with the new colours', async () => {
    const { page: p, context: c } = await open('dark');
    await postState(p, S.rank1);
    await p.evaluate((vars) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.replace('vscode-dark', 'vscode-light');
    }, THEMES.light.vars);
    await p.waitForFunction(() => window.__lossInspector.charts.get('curve').data.datasets[0].borderColor === 'rgba(26, 133, 255, 1)', null, { timeout: 3000 });
    assert((await inkOf(p, 'chart-curve')) > 500, 'redrawn');
    await c.close();
  });

  await test('translated strings from the host (pseudo-locale) label the panel, under the same CSP', async () => {
    // What panel.ts does with vscode.l10n.t: a dictionary in a JSON data block. Every string here is wrapped in ⟦…⟧.
    const { WEBVIEW_STRINGS } = loadTs('src/shared/strings.ts');
    const pseudo = Object.fromEntries(Object.entries(WEBVIEW_STRINGS).map(([k, v]) => [k, `⟦${v}⟧`]));
    const englishHtml = server.html;
    server.html = buildHtml({ cspSource: server.origin, nonce, scriptUri: `${server.origin}/dist/webview.js`, styleUri: `${server.origin}/dist/panel.css`, strings: pseudo, lang: 'qps-ploc' });
    try {
      const { page: p2, context: c2 } = await open('dark');
      await postState(p2, S.rank1);
      await p2.waitForFunction(() => !document.getElementById('summary').hidden, null, { timeout: 5000 });
      eq(await p2.evaluate(() => document.documentElement.lang), 'qps-ploc', '<html lang>');
      eq(await p2.locator('label[for="loss-select"]').textContent(), '⟦Loss⟧', 'loss label');
      eq(await p2.locator('#title-curve').textContent(), '⟦Loss curve⟧', 'curve heading');
      eq(await p2.locator('#export-csv').textContent(), '⟦Export CSV⟧', 'CSV button');
      eq(await p2.locator('#fig-samples summary').textContent(), '⟦Data table⟧', 'table summary');
      const groups = await p2.$$eval('#loss-select optgroup', (gs) => gs.map((g) => g.label));
      assert(groups.length > 0 && groups.every((g) => /^⟦[a-z-]+⟧( \((tfa|PyTorch)\))?$/.test(g)), `loss picker groups: ${groups.join(', ')}`);
      assert(/^⟦class Huber⟧ · y_true/.test(await p2.locator('#shapes').textContent()), 'shapes line');
      assert(/^⟦Huber returns .+⟧$/s.test(await p2.locator('#result-value').getAttribute('aria-label')), 'result aria-label');
      eq(await p2.locator('#param-list input[type="number"][data-param="delta"]').getAttribute('aria-label'), '⟦delta value⟧', 'number box aria-label');
      const aria = await p2.locator('#chart-curve').getAttribute('aria-label');
      assert(/^⟦Loss curve of Huber: the loss goes from .+ to .+ as .+ sweeps .+⟧/.test(aria), `curve aria-label with its numbers filled in: ${aria}`);
      assert(!/\{\d\}/.test(await p2.evaluate(() => document.body.innerText)), 'no unfilled {n} placeholder on screen');
      await p2.screenshot({ path: path.join(SHOTS, 'webview-pseudo-locale.png'), fullPage: true });
      const v = await cspOf(p2);
      eq(v.length, 0, `CSP violations with the strings block ${JSON.stringify(v)}`);
      await c2.close();
    } finally { server.html = englishHtml; }
  });

  await test('no page errors', async () => { eq(pageErrors.length, 0, pageErrors.join('\n')); });

  await browser.close();
  server.close();
  console.log(`  screenshots: ${SHOTS}`);
}

main().catch((e) => { failed++; console.log(`fatal: ${e && e.stack || e}`); }).finally(() => {
  if (failures.length) console.log(`failed: ${failures.join('; ')}`);
  if (!process.env.WEBVIEW_BENCH || failed) console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
});
