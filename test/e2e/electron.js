// The same mocha suite (test/e2e/suite) in VS Code desktop through @vscode/test-electron, for machines that can
// download VS Code (not these offline ones, nor CI here: there run-ext-tests.js runs it inside code-server).
// Usage: npm run build && node test/e2e/electron.js   (VSCODE_VERSION=stable|insiders|1.x.y, default stable)
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const { runTests } = require('@vscode/test-electron');

async function main() {
  const repo = path.resolve(__dirname, '../..');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'li-e2e-electron-'));
  fs.cpSync(path.join(__dirname, 'fixtures/workspace'), ws, { recursive: true });
  try {
    await runTests({
      version: process.env.VSCODE_VERSION || 'stable',
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(__dirname, 'suite/index.js'),
      // other installed extensions off (built-ins such as the .ipynb serializer stay), no trust prompt
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { LOSS_INSPECTOR_E2E: '1' },
    });
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
