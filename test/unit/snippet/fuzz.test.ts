/**
 * Fuzz (fast-check): random and mutated snippets and literals never crash the evaluator or the literal scanner.
 * evaluateSnippet never throws and reports no internal error; parseArrayLiteralTensor / parseTwoArrays throw only
 * LossInspectorError; every input finishes within a time bound. CI runs FUZZ_RUNS (default 2000 inputs in all);
 * scripts/fuzz.sh runs 1e5.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { evaluateSnippet, parseTwoArrays, classifySelection } from '../../../src/core/python';
import { parseArrayLiteralTensor } from '../../../src/core/literal';
import { LossInspectorError } from '../../../src/core/errors';
import { ALL_SPECS, allParams } from '../../../src/core';

const TOTAL = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** Per-input wall-clock bound (the evaluator's own budget is 500 ms here; the rest is slack for a shared CI box). */
const BOUND_MS = Number(process.env.FUZZ_BOUND_MS ?? 3000);
const LIMITS = { maxMillis: 500, maxSteps: 20_000, maxTensorElements: 1_000_000, maxElements: 1_000_000 };

const DIR = path.join(__dirname, '../../../../test/fixtures/seeds');
const SEEDS = fs.readdirSync(DIR).filter((f) => f.endsWith('.py')).map((f) => fs.readFileSync(path.join(DIR, f), 'utf8'));

const TOKENS = [
  'import tensorflow as tf\n', 'from tensorflow.keras.losses import Huber\n', 'import numpy as np\n', 'import tensorflow_addons as tfa\n', 'from keras import losses\n',
  'tf.keras.losses.', 'keras.losses.', 'tfa.losses.', 'losses.', 'Huber', 'BinaryCrossentropy', 'CategoricalCrossentropy', 'SparseCategoricalCrossentropy',
  'MeanSquaredError', 'Poisson', 'KLDivergence', 'CosineSimilarity', 'SigmoidFocalCrossEntropy', 'GIoULoss', 'mean_squared_error', 'huber', 'CTC', 'Dice',
  '(', ')', '[', ']', '{', '}', ',', ':', '=', '==', '.', ' ', '  ', '\n', '\n    ', '\t', '#', '"', "'", '"""', '’', '“', '\\',
  'y_true', 'y_pred', 'sample_weight', 'delta', 'from_logits', 'reduction', 'axis', 'label_smoothing', 'None', 'True', 'False', 'nan', 'inf', 'np.nan',
  '0', '1', '2.', '.5', '-3e-07', '1_000', '0.6', '0.4', '-1', '1e308', '1e-320', '10**9', '[[0., 1.], [0., 0.]]', '[[0.6, 0.4], [0.4, 0.6]]', '[1, 0, 1, 1]',
  '.numpy()', '.NumPy()', 'print(', 'np.array(', 'tf.constant(', 'Reduction.SUM', "'sum'", "'none'", 'def f(y_true, y_pred):\n    return ', 'lambda a, b: ',
  'class L(tf.keras.losses.Loss):\n    pass\n', 'for i in range(3):\n    ', 'while True:\n    ', 'if x:\n    ', 'else:\n    ', 'return', 'model.compile(loss=', 'model.fit(',
  '+', '-', '*', '/', '//', '**', '%', '@', 'not ', ' and ', ' or ', ' in ', ' is ', '*args', '**kw', 'x', 'p', 'h', 'with tf.GradientTape() as t:\n    ',
  'np.zeros((3, 2))', 'np.arange(10)', 'np.linspace(0, 1, 5)', 'len(', 'range(', 'float(', "float('nan')", 'abs(', 'x[0]', 'x[:, 1]', 'x[::-1]',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 60 }).map((t) => t.join(''));

const CHARS = [...'abcxyz_019.,:;=+-*/%()[]{}\'"#\\\n \t<>!@&|^~`$?', '’', '“', '–', '\u00a0', '\u2028', '😀', '\0'];
const charSoup = fc.array(fc.constantFrom(...CHARS), { maxLength: 200 }).map((a) => a.join(''));

/** A seed fixture with a few random edits: delete, insert a token, duplicate, replace a character. */
const mutatedSeed = fc.tuple(
  fc.constantFrom(...SEEDS),
  fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...TOKENS), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 6 }),
).map(([src, edits]) => {
  let s = src;
  for (const [a, b, tok, kind] of edits) {
    const i = s.length ? a % s.length : 0;
    const j = Math.min(s.length, i + (b % 12));
    if (kind === 0) s = s.slice(0, i) + s.slice(j);
    else if (kind === 1) s = s.slice(0, i) + tok + s.slice(i);
    else if (kind === 2) s = s.slice(0, j) + s.slice(i, j) + s.slice(j);
    else s = s.slice(0, i) + tok[0] + s.slice(i + 1);
  }
  return s;
});

/** Random nested numbers written in the spellings users paste, sometimes ragged, sometimes mutated. */
const numSpelling = fc.oneof(
  fc.double({ noNaN: false }).map((x) => String(x)),
  fc.integer().map(String),
  fc.constantFrom('1.', '.5', '-3e-07', '1_000', '+2', 'nan', 'inf', '-inf', 'np.nan', 'np.inf', "float('nan')", 'True', 'False', 'None', '-0.0', '1e400', 'x', "'a'", '(1)', '1.5f'),
);
const nested: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, numSpelling, fc.tuple(fc.array(tie('node'), { maxLength: 5 }), fc.constantFrom('[]', '()'), fc.boolean()).map(([items, br, trailing]) => `${br[0]}${items.join(', ')}${trailing && items.length ? ',' : ''}${br[1]}`)),
})).node as fc.Arbitrary<string>;
const literalText = fc.tuple(nested, fc.constantFrom('', 'np.array(', 'tf.constant(', 'array(', 'torch.tensor('), fc.constantFrom('', ', dtype=np.float32', ', dtype=float32'), fc.nat(), fc.constantFrom('', ' ', ']', '[', ',', '#', '(', ')', '\n'))
  .map(([body, w, dt, at, junk]) => {
    const s = w ? `${w}${body}${dt})` : body;
    if (!junk) return s;
    const i = at % (s.length + 1);
    return s.slice(0, i) + junk + s.slice(i);
  });

/** Well-formed loss snippets: a registered loss built with random keyword/positional arguments, called on random arrays. */
const arrayText = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.array(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, 1, 0.5, NaN, Infinity)), { minLength: 9, maxLength: 9 }), fc.boolean())
  .map(([r, c, xs, flat]) => {
    const v = (x: number) => (Number.isNaN(x) ? 'np.nan' : x === Infinity ? 'np.inf' : String(x));
    if (flat) return `[${xs.slice(0, c).map(v).join(', ')}]`;
    return `[${Array.from({ length: r }, (_, i) => `[${xs.slice(i * c, i * c + c).map(v).join(', ')}]`).join(', ')}]`;
  });
const argValue = fc.oneof(fc.double({ min: -2, max: 5, noNaN: true }).map(String), fc.integer({ min: -2, max: 4 }).map(String),
  fc.constantFrom('True', 'False', 'None', "'sum'", "'none'", "'auto'", 'tf.keras.losses.Reduction.SUM', '[1, 2]', "'L2'", "'x'"));
const lossSnippet = fc.tuple(fc.constantFrom(...ALL_SPECS), fc.array(fc.tuple(fc.nat(), argValue, fc.boolean()), { maxLength: 3 }), arrayText, arrayText, fc.option(arrayText), fc.boolean())
  .map(([spec, args, yt, yp, sw, fn]) => {
    const ps = allParams(spec, !fn || !spec.functionName);
    const kws = args.map(([k, v, positional]) => (positional ? v : `${ps.length ? ps[k % ps.length].name : 'x'}=${v}`));
    const prefix = spec.framework === 'tfa' ? 'tfa.losses.' : 'tf.keras.losses.';
    if (fn && spec.functionName) return `import numpy as np\nimport tensorflow as tf\nprint(${prefix}${spec.functionName}(${yt}, ${yp}${kws.length ? ', ' + kws.join(', ') : ''}))`;
    return `import numpy as np\nimport tensorflow as tf\nimport tensorflow_addons as tfa\nl = ${prefix}${spec.id}(${kws.join(', ')})\nl(${yt}, ${yp}${sw ? `, sample_weight=${sw}` : ''}).numpy()`;
  });

function checkSnippet(src: string): void {
  const t0 = Date.now();
  let out: ReturnType<typeof evaluateSnippet>;
  try {
    out = evaluateSnippet(src, { limits: LIMITS });
  } catch (e) {
    throw new Error(`evaluateSnippet threw ${e instanceof Error ? e.stack : e} on ${JSON.stringify(src.slice(0, 300))}`);
  }
  const ms = Date.now() - t0;
  assert.ok(ms < BOUND_MS, `took ${ms} ms on ${JSON.stringify(src.slice(0, 200))}`);
  for (const d of out.diagnostics) {
    assert.ok(!/internal error/i.test(d.message), `internal error "${d.message}" on ${JSON.stringify(src.slice(0, 300))}`);
    assert.ok(d.offset >= 0 && d.offset <= src.length && d.length >= 0 && d.line >= 1 && d.column >= 1, `bad position ${JSON.stringify(d)}`);
  }
  for (const r of out.results) {
    assert.ok(r.line >= 1 && r.lineEnd >= r.line && r.offset <= r.end && r.end <= src.length, `bad result range ${JSON.stringify({ line: r.line, lineEnd: r.lineEnd, offset: r.offset, end: r.end })}`);
    assert.equal(typeof r.printed, 'string');
  }
}

function checkLiteral(text: string): void {
  const t0 = Date.now();
  for (const f of [() => parseArrayLiteralTensor(text, 'y_true', 0, LIMITS), () => parseTwoArrays(text, { limits: LIMITS })]) {
    try {
      const r = f();
      const t = 'data' in r ? r : r.yTrue;
      let n = 1;
      for (const d of t.shape) n *= d;
      assert.equal(t.data.length, n, 'data fills the shape');
    } catch (e) {
      if (!(e instanceof LossInspectorError)) throw new Error(`threw ${e instanceof Error ? e.stack : e} on ${JSON.stringify(text.slice(0, 300))}`);
      const o = e.details.offset;
      if (o !== undefined) assert.ok(o >= 0 && o <= text.length, `offset ${o} outside the text`);
    }
  }
  const c = classifySelection(text);
  assert.ok(c === 'arrays' || c === 'snippet');
  assert.ok(Date.now() - t0 < BOUND_MS);
}

const runs = (share: number) => ({ numRuns: Math.max(1, Math.round(TOTAL * share)), ...(SEED !== undefined ? { seed: SEED } : {}) });

describe(`fuzz: only our own errors come out (${TOTAL} inputs)`, function () {
  this.timeout(0);
  it('token soups of Python and Keras fragments', () => fc.assert(fc.property(tokenSoup, checkSnippet), runs(0.25)));
  it('seed snippets with random edits', () => fc.assert(fc.property(mutatedSeed, checkSnippet), runs(0.25)));
  it('random characters', () => fc.assert(fc.property(charSoup, checkSnippet), runs(0.05)));
  it('registered losses built and called with random arguments and arrays', () => fc.assert(fc.property(lossSnippet, checkSnippet), runs(0.15)));
  it('array literals in every spelling, ragged and mutated (scanner, two-array reader, classifier)', () => fc.assert(fc.property(literalText, (t) => { checkLiteral(t); checkSnippet(`x = ${t}`); }), runs(0.3)));
});
