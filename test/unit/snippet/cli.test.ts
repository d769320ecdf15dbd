/** `loss-inspector run FILE [--json]`: results with their lines, diagnostics with line and column. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../../../src/cli/run';

function capture(f: () => number): { code: number; out: string; err: string } {
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  let out = '', err = '';
  (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => { out += s; return true; };
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => { err += s; return true; };
  try {
    return { code: f(), out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

const SRC = [
  'import tensorflow as tf',                                   // 1
  'y_true = [[0., 1.], [0., 0.]]',                             // 2
  'y_pred = [[1., 1.], [1., 0.]]',                             // 3
  'mae = tf.keras.losses.MeanAbsoluteError()',                 // 4
  'mae(y_true, y_pred).numpy()',                               // 5
  "print(tf.keras.losses.MeanAbsoluteError(reduction='none')(", // 6
  '    y_true, y_pred))',                                      // 7
  'tf.keras.losses.mean_absolute_error(y_true, y_pred)',       // 8
  "model.compile(loss='mae')",                                 // 9
  'x = [1, 2',                                                 // 10
].join('\n');

describe('cli: loss-inspector run', () => {
  const file = path.join(os.tmpdir(), `li-run-${process.pid}.py`);
  before(() => fs.writeFileSync(file, SRC));
  after(() => fs.rmSync(file, { force: true }));

  it('--json: every top-level loss call is a result on the line its call starts, wrapped or not', () => {
    const r = capture(() => runCommand(file, true, fs));
    const j = JSON.parse(r.out);
    // MAE on the Keras docstring inputs: 0.5; per sample [0.5, 0.5]
    assert.deepEqual(j.results, [{ line: 5, value: 0.5 }, { line: 6, value: [0.5, 0.5] }, { line: 8, value: [0.5, 0.5] }]);
    const d = j.diagnostics.map((x: { line: number; column: number; message: string }) => [x.line, x.column]);
    assert.deepEqual(d, [[9, 1], [10, 5]]);
    assert.match(j.diagnostics[1].message, /'\[' was never closed/);
    assert.equal(r.code, 1, 'an error diagnostic makes the exit code 1');
  });

  it('text output: FILE:LINE: printed value; diagnostics on stderr as FILE:LINE:COL', () => {
    const r = capture(() => runCommand(file, false, fs));
    assert.deepEqual(r.out.trim().split('\n'), [`${file}:5: 0.5`, `${file}:6: array([0.5, 0.5], dtype=float32)`, `${file}:8: array([0.5, 0.5], dtype=float32)`]);
    assert.match(r.err, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:10:5: error: SyntaxError`));
  });

  it('a missing file is exit code 2', () => {
    const r = capture(() => runCommand(path.join(os.tmpdir(), 'no-such-file-li.py'), false, fs));
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read/);
  });

  it('--json "stdout": NumPy arrays and \'%\' formatting as Python prints them (test/fixtures/torch/snippets.json, "numpy printing and % formatting", from scripts/fixtures/torch_snippets.py)', () => {
    const fx = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'torch', 'snippets.json'), 'utf8')) as { snippets: { id: string; source: string; stdout: string }[] };
    const s = fx.snippets.find((x) => x.id === 'numpy printing and % formatting')!;
    const f = path.join(os.tmpdir(), `li-run-np-${process.pid}.py`);
    fs.writeFileSync(f, s.source);
    try {
      const r = capture(() => runCommand(f, true, fs));
      const out = JSON.parse(r.out) as { stdout: string; stdout_omitted_lines: number[] };
      assert.deepEqual(out.stdout_omitted_lines, []);
      assert.equal(out.stdout, s.stdout);
    } finally {
      fs.rmSync(f, { force: true });
    }
  });
});
