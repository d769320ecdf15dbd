// Entry of the e2e suite inside a real VS Code extension host (@vscode/test-electron convention): the host
// requires this module and awaits run(); resolve => exit 0, reject => exit 1. Used by run-ext-tests.js
// (code-server, offline) and by electron.js (@vscode/test-electron, where VS Code can be downloaded).
// Prints mocha's spec report and a closing "N passed, N failed" line.
'use strict';
const path = require('path');
const fs = require('fs');
const Mocha = require('mocha');

exports.run = function run() {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30000, reporter: 'spec', grep: process.env.E2E_GREP || undefined });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  console.log(`[ext-tests] mocha: ${files.length} file(s): ${files.join(', ')}`);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        console.log(`${runner.stats.passes} passed, ${runner.stats.failures} failed`);
        if (failures) reject(new Error(`${failures} tests failed.`)); else resolve();
      });
    } catch (e) {
      console.error(e && e.stack || String(e));
      console.log('0 passed, 1 failed');
      reject(e);
    }
  });
};
