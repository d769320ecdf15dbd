/**
 * Hostile input, as issue 15 tried it: JSON-lines streams with bare carriage returns, 1e5-deep nesting in every
 * argument (core, CLI, extension jobs inline and in the worker), and config keys that are Object.prototype names.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { evaluate, LossInspectorError, MAX_NESTING, nestingDepth, evaluateSnippet } from '../../../src/core';
import { evalJsonl, jsonLines } from '../../../src/cli/main';
import { runJob } from '../../../src/extension/jobs';
import { runInWorker } from '../../../src/extension/runner';
import { nodeWorker } from '../../../src/extension/platform.node';

const DEEP = 100_000;
const cli = path.resolve('dist/cli.js');
const workerPath = path.resolve('dist/esm/node/worker.js');
const limits = { maxInputChars: 5_000_000, maxDepth: 32 };

/** `[[[...x...]]]` `n` levels deep, built without recursion. */
function deepList(n: number, x: unknown = 1): unknown { let a: unknown = x; for (let i = 0; i < n; i++) a = [a]; return a; }
function deepObject(n: number): unknown { let a: unknown = 1; for (let i = 0; i < n; i++) a = { a }; return a; }
const deepText = (n: number, x = '1.') => '['.repeat(n) + x + ']'.repeat(n);

async function answers(chunks: (string | Buffer)[]): Promise<Record<string, unknown>[]> {
  let out = '';
  await evalJsonl(Readable.from(chunks), (s) => { out += s; });
  return out.split('\n').slice(0, -1).map((l) => JSON.parse(l));
}

function refusal(f: () => unknown): LossInspectorError {
  try { f(); } catch (e) { assert.ok(e instanceof LossInspectorError, `not a LossInspectorError: ${(e as Error).stack}`); return e; }
  assert.fail('expected a refusal');
}

describe('hostile input: eval --jsonl answers exactly one line per input line', () => {
  const req = (yp: number) => `{"loss": "mse", "y_true": [1], "y_pred": [${yp}]}`;
  it('a bare CR inside a request is JSON whitespace, not a line break; CRLF and a last line without \\n count once', async () => {
    const a = await answers([`{"loss":\r"mse",\r"y_true": [1],\r"y_pred": [2]}\n`, `${req(3)}\r\n`, req(4)]);
    assert.deepEqual(a.map((x) => x.value), [1, 4, 9]); // MSE of one element: (y_pred − y_true)²
  });
  it('lines split across chunks (a CRLF split between chunks, a multi-byte character split between buffers)', async () => {
    const bytes = Buffer.from(`{"loss": "mse", "config": {"name": "é"}, "y_true": [1], "y_pred": [2]}\r\n${req(3)}\n`);
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of é
    const crlf = bytes.indexOf(0x0d) + 1; // between \r and \n
    const a = await answers([bytes.subarray(0, cut), bytes.subarray(cut, crlf), bytes.subarray(crlf)]);
    assert.deepEqual(a.map((x) => x.value), [1, 4]);
  });
  it('blank and malformed lines get an error line each, so every later answer stays with its request', async () => {
    const a = await answers([`${req(2)}\n\n  \r\n{oops\n${req(3)}\n`]);
    assert.equal(a.length, 5);
    assert.match(String(a[1].error), /empty line/);
    assert.match(String(a[2].error), /empty line/);
    assert.match(String(a[3].error), /malformed JSON line/);
    assert.deepEqual([a[0].value, a[4].value], [1, 4]);
  });
  it('jsonLines: the pieces of one long line are joined once; a final "\\r" alone is dropped', async () => {
    const long = 'x'.repeat(10_000);
    const lines: string[] = [];
    for await (const l of jsonLines(Readable.from([...long.match(/.{1,7}/g)!, '\r', '\n', 'a\rb']))) lines.push(l);
    assert.deepEqual(lines, [long, 'a\rb']);
  });
  it('the real CLI on a stream with bare CRs: 4 requests in, 4 answers out, in order', function () {
    if (!fs.existsSync(cli)) this.skip();
    const input = [`{"loss": "mse",\r"y_true": [1],\r"y_pred": [2]}`, req(3), `{"loss": "nope"}\r`, req(5)].join('\n') + '\n';
    const r = spawnSync(process.execPath, [cli, 'eval', '--jsonl'], { input, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const a = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(a.length, 4);
    assert.deepEqual([a[0].value, a[1].value, a[3].value], [1, 4, 16]);
    assert.match(a[2].error, /Unknown loss 'nope'/);
  });
});

describe(`hostile input: ${DEEP}-deep nesting is refused naming the argument and the limit`, () => {
  const limitMessage = (arg: string) => new RegExp(`argument \`${arg}\`.*${MAX_NESTING} levels.*nesting limit`);
  it('nestingDepth walks iteratively and stops past the limit', () => {
    assert.equal(nestingDepth(1), 0);
    assert.equal(nestingDepth([[1], [[2]]]), 3);
    assert.equal(nestingDepth({ a: [1] }), 2);
    assert.equal(nestingDepth(deepList(DEEP)), MAX_NESTING + 1);
    assert.equal(nestingDepth(deepObject(DEEP)), MAX_NESTING + 1);
  });
  it('evaluate(): y_true, y_pred, sample_weight, an axis and a config value', () => {
    const cases: [string, () => unknown][] = [
      ['y_true', () => evaluate({ loss: 'mse', yTrue: deepList(DEEP) as never, yPred: [1] })],
      ['y_pred', () => evaluate({ loss: 'mse', yTrue: [1], yPred: deepList(DEEP) as never })],
      ['sample_weight', () => evaluate({ loss: 'mse', yTrue: [1], yPred: [1], sampleWeight: deepList(DEEP) as never })],
      ['axis', () => evaluate({ loss: 'CategoricalCrossentropy', yTrue: [[1, 0]], yPred: [[0.5, 0.5]], config: { axis: deepList(DEEP) as never } })],
      ['name', () => evaluate({ loss: 'mse', yTrue: [1], yPred: [1], config: { name: deepObject(DEEP) as never } })],
      ['ref_embeddings', () => evaluate({ loss: 'circle', yTrue: [1, 2], yPred: [[1, 0], [0, 1]], config: { ref_embeddings: deepList(DEEP) as never } })],
    ];
    for (const [arg, f] of cases) {
      const e = refusal(f);
      assert.match(e.message, limitMessage(arg), e.message);
      assert.equal(e.details.argument, arg);
      assert.equal(e.details.code, 'limit');
    }
  });
  it('64 levels are still accepted (a rank-64 tensor of one element)', () => {
    assert.equal(evaluate({ loss: 'mse', yTrue: deepList(MAX_NESTING, 1) as never, yPred: deepList(MAX_NESTING, 3) as never, config: { reduction: 'sum' } }).value.data[0], 4);
  });
  it('the CLI: JSON lines (JSON.parse reads any depth; nothing after it recurses past the limit) and --config', function () {
    if (!fs.existsSync(cli)) this.skip();
    const lines = [
      `{"loss": "mse", "y_true": ${deepText(DEEP, '1')}, "y_pred": [1]}`,
      `{"loss": "mse", "y_true": [1], "y_pred": ${deepText(DEEP, '1')}}`,
      `{"loss": "mse", "y_true": [1], "y_pred": [1], "sample_weight": ${deepText(DEEP, '1')}}`,
      `{"loss": "CategoricalCrossentropy", "y_true": [[1, 0]], "y_pred": [[1, 0]], "config": {"axis": ${deepText(DEEP, '1')}}}`,
      `{"loss": "mse", "y_true": [1], "y_pred": [1], "config": {"name": ${'{"a": '.repeat(DEEP)}1${'}'.repeat(DEEP)}}}`,
    ];
    const r = spawnSync(process.execPath, [cli, 'eval', '--jsonl'], { input: lines.join('\n'), encoding: 'utf8', maxBuffer: 1 << 26 });
    const a = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(a.map((x) => (String(x.error).match(/argument `(\w+)`.*64 levels/) ?? [])[1]), ['y_true', 'y_pred', 'sample_weight', 'axis', 'name'], r.stdout);
    // One argv string is at most 128 KiB on Linux: 60k levels there.
    const c = spawnSync(process.execPath, [cli, 'eval', '--loss', 'CategoricalCrossentropy', '--y-true', '[[1, 0]]', '--y-pred', '[[1, 0]]', '--config', `{"axis": ${deepText(60_000, '1')}}`], { encoding: 'utf8' });
    assert.equal(c.status, 1);
    assert.match(c.stderr, /CategoricalCrossentropy: argument `axis`: .*64 levels/);
    const t = spawnSync(process.execPath, [cli, 'eval', '--loss', 'mse', '--y-true', deepText(60_000), '--y-pred', '[1.]'], { encoding: 'utf8' });
    assert.equal(t.status, 1);
    assert.match(t.stderr, /y_true: nested deeper than 64 levels/);
  });
  it('the extension, inline: snippets name the binding of the deep brackets; two-array selections name the role', async () => {
    const snippets: [string, string][] = [
      ['y_true', `import keras\ny_true = ${deepText(DEEP)}\nprint(keras.losses.MeanSquaredError()(y_true, [1.]))\n`],
      ['axis', `import keras\nl = keras.losses.CategoricalCrossentropy(axis=${deepText(DEEP, '1')})\n`],
      ['sample_weight', `import keras\nkeras.losses.MeanSquaredError()([1.], [1.], sample_weight=${'('.repeat(DEEP)}1.${')'.repeat(DEEP)})\n`],
    ];
    for (const [arg, text] of snippets) {
      const out = await runJob({ kind: 'snippet', text, limits });
      assert.equal(out.results.length, 0);
      const d = out.diagnostics.find((x) => x.severity === 'error')!;
      assert.match(d.message, new RegExp(`^\`${arg}\`: brackets nested deeper than 32 levels \\(the nesting limit\\)`), d.message);
      assert.ok(d.offset > text.indexOf(arg) && d.offset < text.indexOf(arg) + 100, `points into the brackets after ${arg}: ${d.offset}`);
    }
    const arrays = await runJob({ kind: 'arrays', text: `[1., 2.], ${deepText(DEEP)}`, loss: 'mse', config: {}, limits });
    assert.match(arrays.diagnostics[0].message, /^y_pred: nested deeper than 32 levels/);
    const cfg = await runJob({ kind: 'arrays', text: '[[1., 0.]], [[0.5, 0.5]]', loss: 'CategoricalCrossentropy', config: { axis: deepList(DEEP) as never }, limits });
    assert.match(cfg.diagnostics[0].message, limitMessage('axis'));
  });
  it('the extension, in the worker thread: the same refusal, no crash of the worker', async function () {
    this.timeout(20000);
    if (!fs.existsSync(workerPath)) this.skip();
    const text = `import keras\ny_pred = ${deepText(DEEP)}\nprint(keras.losses.MeanSquaredError()([1.], y_pred))\n`;
    const out = await runInWorker({ kind: 'snippet', text, limits }, () => nodeWorker(workerPath), 15000);
    assert.match(out.diagnostics[0].message, /^`y_pred`: brackets nested deeper than 32 levels/);
  });
  it('a deep expression in a user-defined loss stops at the bracket limit too', () => {
    const out = evaluateSnippet(`def f(y_true, y_pred):\n    return ${'('.repeat(DEEP)}y_pred${')'.repeat(DEEP)}\nf([1.], [2.])\n`);
    assert.match(out.diagnostics[0].message, /nested deeper than 64 levels/);
  });
});

describe('hostile input: __proto__, constructor, toString are unknown parameters', () => {
  const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
  it('evaluate() with a JSON-parsed config refuses each by name', () => {
    for (const k of keys) {
      const config = JSON.parse(`{"${k}": {"delta": 5}}`);
      const e = refusal(() => evaluate({ loss: 'Huber', yTrue: [0], yPred: [3], config }));
      assert.equal(e.details.code, 'unknown-param', k);
      assert.match(e.message, new RegExp(`^Huber: unexpected argument \`${k}\`\\. Accepted: delta, reduction, name, dtype\\.$`));
    }
  });
  it('a reduction spelled like an Object.prototype member is not a reduction', () => {
    for (const r of ['toString', 'constructor', '__proto__']) {
      assert.match(refusal(() => evaluate({ loss: 'mse', yTrue: [1], yPred: [2], config: { reduction: r } })).message, /argument `reduction`: expected one of/);
    }
  });
  it('the CLI (JSON lines) and snippets (constructor and function keywords) refuse them too', async () => {
    const a = await answers(keys.map((k) => `{"loss": "mse", "config": {"${k}": {"x": 1}}, "y_true": [1], "y_pred": [2]}\n`));
    a.forEach((x, i) => assert.match(String(x.error), new RegExp(`unexpected argument \`${keys[i]}\``)));
    for (const k of keys) {
      const out = evaluateSnippet(`import keras\nprint(keras.losses.Huber(${k}=1)([1.], [2.]))\nprint(keras.losses.huber([1.], [2.], ${k}=1))\n`);
      const errors = out.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
      assert.equal(out.results.length, 0, k);
      assert.deepEqual(errors.map((m) => (m.match(/^(\w+): unexpected argument `(\w+)`/) ?? []).slice(1)), [['Huber', k], ['huber', k]], errors.join('\n'));
    }
  });
});
