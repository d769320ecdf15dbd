// Small helpers shared by the e2e test files (plain CommonJS: runs in the extension host as is).
'use strict';
const assert = require('assert');
const vscode = require('vscode');

const EXT_ID = 'loss-inspector.loss-inspector';
const C = {
  compute: 'lossInspector.computeLoss', openPanel: 'lossInspector.openPanel', copy: 'lossInspector.copyResult',
  clear: 'lossInspector.clearResults', explain: 'lossInspector.explain', state: 'lossInspector._state',
};

function wsUri(name) { return vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, name); }

async function open(name) {
  const doc = await vscode.workspace.openTextDocument(wsUri(name));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  return { doc, editor };
}

/** Position of `needle` (the `nth` occurrence) in the document, `at` characters into it. */
function posOf(doc, needle, at = 0, nth = 0) {
  const text = doc.getText();
  let i = -1;
  for (let k = 0; k <= nth; k++) { i = text.indexOf(needle, i + 1); if (i < 0) throw new Error(`'${needle}' not in ${doc.uri.path}`); }
  return doc.positionAt(i + at);
}

/** 0-based line of the first line containing `needle`. */
function lineOf(doc, needle) { return posOf(doc, needle).line; }

async function hoverText(uri, pos) {
  const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, pos)) || [];
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n---\n');
}

/** Polls `fn` until it returns a truthy value (or throws the last error after `ms`). */
async function waitFor(fn, ms = 10000, what = 'condition') {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw last || new Error(`timed out after ${ms} ms waiting for ${what}`);
}

function state() { return vscode.commands.executeCommand(C.state); }
function compute(args) { return vscode.commands.executeCommand(C.compute, args); }

/** The printed values of a compute summary, in order. */
function printed(summary) { assert.ok(summary, 'computeLoss returned nothing'); return summary.results.map((r) => r.printed); }

module.exports = { EXT_ID, C, wsUri, open, posOf, lineOf, hoverText, waitFor, state, compute, printed };
