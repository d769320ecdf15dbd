// Runs the mocha suite (test/e2e/suite/index.js, @vscode/test-electron style: a module exporting run()) INSIDE
// code-server's Node extension host, with the repo as extensionDevelopmentPath and a temp copy of the fixture
// workspace open. The suite's output (spec reporter + its closing "N passed, N failed") is printed here.
// Usage: node test/e2e/run-ext-tests.js [extensionDevelopmentPath (default: repo)] [extensionTestsPath]
//        node test/e2e/run-ext-tests.js --vsix dist/loss-inspector.vsix [extensionTestsPath]
//   --vsix: the packaged extension, unpacked by code-server into the sandbox, is the development path, so the
//   suite checks exactly what ships (and is immune to someone rebuilding dist/ meanwhile).
// Exit: 0 all passed; 1 a test failed; 2 timeout or infrastructure error (then "0 passed, 1 failed" is printed).
'use strict';
const path = require('path');
const util = require('util');
const L = require('./lib');

const args = process.argv.slice(2);
const vsix = args[0] === '--vsix' ? path.resolve(args.splice(0, 2)[1]) : null;
let devPath = path.resolve(args[0] || L.REPO);
const testsPath = path.resolve(args[1] || path.join(__dirname, 'suite/index.js'));
// Workbench chatter that shares the log channel with the suite's output.
const CHATTER = /^(Ignoring fetching additional builtin|Updating additional builtin|\[AccountPolicyGate\]|\[AgentHost|Creating a socket|Resolv(ing|ed) connection token)/;
const TIMEOUT = +(process.env.EXT_TESTS_TIMEOUT_MS || 240000);

let d; let server; let browser; let code = 2; let sawClosingLine = false;
async function cleanup() {
  if (browser) await browser.context.close().catch(() => {});
  if (server) await L.stopProcessGroup(server.proc);
}
L.installExitGuards(cleanup);

(async () => {
  d = L.makeSandbox('exttests');
  if (vsix) devPath = L.unpackVsix(d, vsix);
  const fixtures = L.addFixtureExtensions(d);
  if (fixtures.length) console.log(`[ext-tests] test-only extensions: ${fixtures.join(', ')}`);
  console.log(`[ext-tests] extension under test: ${vsix ? `${path.relative(L.REPO, vsix)} (unpacked to ${devPath})` : devPath}`);
  const t0 = Date.now();
  // enable-smoke-test-driver: a built workbench honours the URL payload (extensionDevelopmentPath/TestsPath) only then.
  server = await L.startCodeServer(d, ['--vscode-option', 'enable-smoke-test-driver'], { LOSS_INSPECTOR_E2E: '1' });
  browser = await L.launchBrowser(d);
  try {
    const page = browser.context.pages()[0] || await browser.context.newPage();
    page.on('pageerror', (e) => console.error(`[page error] ${e.message.split('\n')[0]}`));
    let done;
    const exited = new Promise((r) => { done = r; });
    // The workbench routes extension-host console output to window.codeAutomationLog(level, args) and calls
    // window.codeAutomationExit(code) when run() settles (VS Code's own web test-runner hooks).
    let suiteStarted = false;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...args);
      if (line.startsWith('[ext-tests]')) suiteStarted = true;
      if (/^\d+ passed, \d+ failed/.test(line)) sawClosingLine = true;
      if (!process.env.VERBOSE && CHATTER.test(line)) return;
      if (suiteStarted || process.env.VERBOSE) (console[type] || console.log)(line);
      else if (type === 'error') console.error(`[workbench] ${line.split('\n')[0]}`);
    });
    await page.exposeFunction('codeAutomationExit', (c) => done(c));
    const host = new URL(server.url).host; // the authority must be the page's host:port
    const remote = (p) => `vscode-remote://${host}${p}`;
    const payload = [['extensionDevelopmentPath', remote(devPath)], ['extensionTestsPath', remote(testsPath)], ['skipWelcome', 'true']];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(d.ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { timeout: 60000 });
    const res = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT))]);
    if (res === 'timeout') {
      console.error(`extension tests did not finish in ${TIMEOUT} ms`);
      await page.screenshot({ path: L.shotPath('exttests-timeout.png') }).catch(() => {});
    } else code = res;
    console.log(`[ext-tests] extension host exited with ${code} after ${Date.now() - t0} ms (server start → exit); memory MiB ${JSON.stringify(L.memMiB(d))}`);
    const act = L.extHostLog(d).split('\n').filter((l) => l.includes(L.EXTENSION_ID) && /activat|error/i.test(l)).slice(0, 4);
    for (const l of act) console.log(`[ext-tests] exthost log: ${l.trim()}`);
  } catch (e) {
    console.error(e.stack || String(e));
  } finally {
    await cleanup();
    if (d) L.dropSandbox(d, code === 0);
  }
  if (!sawClosingLine) console.log('0 passed, 1 failed');
  process.exit(code);
})().catch(async (e) => { console.error(e.stack || String(e)); await cleanup(); console.log('0 passed, 1 failed'); process.exit(2); });
