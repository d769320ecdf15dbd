/** Hover and explain Markdown: formula, defaults, pitfalls, equivalents, the loss/gradient image, links. */
import * as assert from 'node:assert/strict';
import { ALL_SPECS, tryResolveLoss } from '../../../src/core/registry';
import { allParams } from '../../../src/core/config';
import { LossInspectorError } from '../../../src/core/errors';
import { hoverMarkdown, explainMarkdown, curveImageMarkdown, qualifiedName, paramRepr } from '../../../src/core/explain';
import { base64Utf8, curveSvg, svgDataUri, robustRange } from '../../../src/core/hover-image';
import { hoverCurve } from '../../../src/core/hover-curve';
import { resolveForeign } from '../../../src/core/names';

/** Markdown with escapes removed, for comparing with plain doc text. */
const plain = (s: string) => s.replace(/\\([\\`*<>()[\]])/g, '$1');

/** Decodes every `data:image/svg+xml;base64,` image of a Markdown text. */
function images(md: string): string[] {
  return [...md.matchAll(/!\[[^\]]*\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
}

/** Minimal XML well-formedness: every tag closes in order, one root <svg>. */
function assertWellFormedSvg(svg: string): void {
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), svg.slice(0, 60));
  assert.ok(svg.endsWith('</svg>'));
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else stack.push(name);
  }
  assert.equal(stack.length, 0, `unclosed ${stack.join(',')}`);
  assert.ok(!/[<>&](?![a-z/!]|amp;|lt;|gt;|quot;)/.test(svg.replace(/<[^>]+>/g, '')), 'unescaped text');
}

describe('explain: hover Markdown for every loss', () => {
  for (const spec of ALL_SPECS) {
    it(spec.id, () => {
      const md = hoverMarkdown(spec.id, { links: [{ label: 'Open in panel', uri: 'command:lossInspector.openPanel?%5B%5D' }] });
      const p = plain(md);
      assert.ok(p.includes(qualifiedName(spec)), 'module path');
      assert.ok(md.includes(spec.doc.formula), 'formula verbatim in a code block');
      assert.ok(p.includes(spec.doc.summary), 'summary');
      assert.ok(p.includes(spec.doc.domain), 'input domain');
      assert.ok(p.includes(spec.doc.output), 'output');
      for (const pit of spec.doc.pitfalls) assert.ok(p.includes(pit), `pitfall: ${pit.slice(0, 40)}`);
      for (const e of spec.doc.equivalents) if (e.name !== '—') assert.ok(p.includes(e.name), `equivalent ${e.name}`);
      for (const prm of allParams(spec)) {
        if (['reduction', 'name', 'dtype'].includes(prm.name)) continue;
        assert.ok(md.includes(`\`${prm.name}=${paramRepr(prm, prm.default)}\``), `param ${prm.name}=${paramRepr(prm, prm.default)}`);
      }
      if (!spec.functionOnly) assert.ok(md.includes(`\`name='${spec.defaultName}'\``), 'default name');
      assert.ok(md.includes('[Open in panel](command:lossInspector.openPanel?%5B%5D)'), 'links');
      const imgs = images(md);
      assert.equal(imgs.length, 1, 'one image');
      assertWellFormedSvg(imgs[0]);
      assert.ok(/<polyline points="[\d.]+,[\d.]+ /.test(imgs[0]), 'has a curve');
    });
  }
});

describe('explain: foreign names say which Keras loss and what differs', () => {
  it('nn.MSELoss', () => {
    const md = hoverMarkdown('nn.MSELoss');
    assert.match(md, /`nn\.MSELoss` \(PyTorch\) → Keras equivalent: \*\*keras\.losses\.MeanSquaredError\*\*/);
    assert.match(md, /What differs: /);
  });
  it('optax.l2_loss is optax\'s own spec now, with the halving note and the Keras equivalent', () => {
    const md = plain(hoverMarkdown('optax.l2_loss', { images: false }));
    assert.match(md, /\*\*optax\.l2_loss\*\*/);
    assert.match(md, /half of Keras MeanSquaredError/);
    assert.match(md, /keras\.losses\.MeanSquaredError\(\).*twice/);
    assert.match(md, /optax does not reduce/);
  });
  it('an optax name without an optax spec still documents its Keras equivalent', () => {
    assert.match(plain(hoverMarkdown('optax.ctc_loss_with_forward_probs', { images: false })), /\(Optax\) → Keras equivalent/);
  });
  it('tf.losses.meanSquaredError is TensorFlow.js', () => {
    assert.match(hoverMarkdown('tf.losses.meanSquaredError', { images: false }), /\(TensorFlow\.js\) → Keras equivalent/);
  });
  it('each foreign name gets the note of its own framework\'s line', () => {
    let checked = 0;
    for (const spec of ALL_SPECS) {
      for (const f of spec.foreignNames ?? []) {
        const r = resolveForeign(f);
        if (!r || r.spec !== spec || !f.includes('.') || tryResolveLoss(f)) continue; // a registered spec (optax.*) has its own hover
        const bare = f.split('.').pop()!;
        const fw = (r.framework ?? '').toLowerCase().replace('tensorflow.js', 'tf.js');
        const own = spec.doc.equivalents.filter((e) => e.note && new RegExp(`(^|[^\\w])${bare}(?![\\w])`).test(e.name) && e.framework.toLowerCase().includes(fw === 'pytorch' ? 'torch' : fw));
        if (own.length !== 1) continue;
        const md = plain(hoverMarkdown(f, { images: false }));
        assert.ok(md.includes(`What differs: ${own[0].note}`), `${f} (${spec.id}) should quote: ${own[0].note}`);
        checked++;
      }
    }
    assert.ok(checked >= 5, `only ${checked} names checked`);
  });
  it('a Keras name has no "Keras equivalent" line', () => {
    assert.doesNotMatch(hoverMarkdown('mse', { images: false }), /Keras equivalent/);
  });
});

describe('explain: CLI text', () => {
  it('the image sits under the formula, before the parameters', () => {
    const md = explainMarkdown('mse', { images: true });
    assert.ok(md.indexOf('](data:image/svg+xml') > md.indexOf('```text'));
    assert.ok(md.indexOf('](data:image/svg+xml') < md.indexOf('**Parameters**'));
  });
  it('float defaults print with .0', function () {
    const h = ALL_SPECS.find((s) => s.id === 'Huber');
    if (!h) this.skip();
    assert.match(explainMarkdown('Huber'), /`delta=1\.0`/);
  });
  it('has no command links and no image unless asked', () => {
    const md = explainMarkdown('mse');
    assert.doesNotMatch(md, /command:/);
    assert.equal(images(md).length, 0);
    assert.equal(images(explainMarkdown('mse', { images: true })).length, 1);
  });
  it('accepts every spelling the hover accepts', () => {
    // a torch name documents torch's own loss first (issue 16), the Keras match as a section
    assert.match(explainMarkdown('F.mse_loss').split('\n')[0], /^\*\*torch\.nn\.MSELoss\*\*/);
    assert.ok(explainMarkdown('F.mse_loss').includes(explainMarkdown('MeanSquaredError').split('\n')[0]));
    assert.match(explainMarkdown('F.mse_loss'), /Keras equivalent/);
  });
  it('unknown names throw with suggestions', () => {
    assert.throws(() => explainMarkdown('mean_sqared_error'), (e: unknown) => e instanceof LossInspectorError && /Did you mean .*'mean_squared_error'/.test(e.message));
    assert.throws(() => hoverMarkdown('not_a_loss'), LossInspectorError);
  });
});

describe('hover image', () => {
  it('base64 matches Node for ASCII and Unicode', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'abcd', 'y_pred − y_true', 'Σ ε ≤ 1 — ✓ 𝔼', '<svg>&amp;</svg>']) assert.equal(base64Utf8(s), Buffer.from(s, 'utf8').toString('base64'), s);
  });
  it('the MSE curve is the parabola and its gradient the line', () => {
    const c = hoverCurve(ALL_SPECS.find((s) => s.id === 'MeanSquaredError')!)!;
    assert.ok(c);
    const mid = Math.floor(c.x.length / 2);
    // The canonical curve (no data) is the loss of one element (core/curves.ts): loss(e) = e², gradient 2e.
    for (const i of [0, mid, c.x.length - 1]) {
      const x = c.x[i];
      assert.ok(Math.abs(c.loss[i] - c.loss[mid] - x * x) < 1e-4, `loss at ${x}`);
      assert.ok(Math.abs(c.grad[i] - 2 * x) < 1e-4, `grad at ${x}`);
    }
  });
  it('non-finite values break the polyline instead of writing NaN', () => {
    const svg = curveSvg({ x: [0, 1, 2, 3, 4], loss: [0, 1, NaN, 3, 4], grad: [1, 1, 1, Infinity, 1], xLabel: 'x' });
    assert.doesNotMatch(svg, /NaN|Infinity/);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 4);
    assertWellFormedSvg(svg);
  });
  it('escapes the title and label', () => {
    const svg = curveSvg({ x: [0, 1], loss: [0, 1], grad: [0, 1], xLabel: 'a<b & c' }, { title: '"t"' });
    assertWellFormedSvg(svg);
    assert.match(svg, /a&lt;b &amp; c/);
  });
  it('data URI round-trips', () => {
    const svg = curveSvg({ x: [0, 1], loss: [0, 1], grad: [1, 1], xLabel: 'x' });
    assert.equal(Buffer.from(svgDataUri(svg).split(',')[1], 'base64').toString('utf8'), svg);
  });
  it('curveImageMarkdown alt text names the loss', () => {
    assert.match(curveImageMarkdown(ALL_SPECS[0]), new RegExp(`^!\\[${ALL_SPECS[0].id}: loss`));
  });
});

describe('hover image: robust y-range', () => {
  it('a spike does not flatten the curve; it is clamped to the border', () => {
    const v = Array.from({ length: 50 }, (_, i) => i / 49);
    v[0] = -594;
    const [a, b] = robustRange(v);
    assert.ok(a > -1 && b <= 1, `${a}..${b}`);
    const svg = curveSvg({ x: v.map((_, i) => i), loss: v.map((_, i) => i), grad: v, xLabel: 'x' });
    for (const m of svg.matchAll(/points="([^"]+)"/g)) for (const p of m[1].split(' ')) { const y = Number(p.split(',')[1]); assert.ok(y >= 16 && y <= 120 - 20, `y ${y}`); }
  });
  it('keeps the full range when nothing is extreme', () => {
    assert.deepEqual(robustRange([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), [0, 9]);
  });
});

describe('explain and hover: names as written in code', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { nameAsWritten, findLossNameAt } = require('../../../src/core/names') as typeof import('../../../src/core/names');
  const cases: [string, string, string][] = [
    // written, name, spec
    ["'mse'", 'mse', 'MeanSquaredError'],
    ['"binary_crossentropy"', 'binary_crossentropy', 'BinaryCrossentropy'],
    ['Huber()', 'Huber', 'Huber'],
    ['keras.losses.Huber(delta=2.0)', 'keras.losses.Huber', 'Huber'],
    ['tf.keras.losses.Huber(delta=2.0)(y_true, y_pred)', 'tf.keras.losses.Huber', 'Huber'],
    ['nn.CrossEntropyLoss()', 'nn.CrossEntropyLoss', 'CategoricalCrossentropy'],
    ["loss='mse'", 'mse', 'MeanSquaredError'],
    ['criterion = nn.MSELoss();', 'nn.MSELoss', 'MeanSquaredError'],
    ['  keras.losses . Huber ( delta=1 ) ', 'keras.losses.Huber', 'Huber'],
  ];
  it('nameAsWritten strips quotes, call arguments and a keyword or assignment in front', () => {
    for (const [written, name] of cases) assert.equal(nameAsWritten(written).name, name, written);
    assert.equal(nameAsWritten("'mse'").quoted, true);
    assert.equal(nameAsWritten('Huber()').quoted, false);
  });
  it('explainMarkdown (the CLI) and hoverMarkdown document the loss of each spelling', () => {
    for (const [written, name, id] of cases) {
      const keras = `**${qualifiedName(ALL_SPECS.find((s) => s.id === id)!)}**`;
      const doc = explainMarkdown(written);
      // torch spellings: torch's loss first, then the Keras match
      assert.ok(/^(nn|F|torch)\./.test(name) ? doc.startsWith('**torch.nn.') && doc.includes(keras) : doc.startsWith(keras), written);
      assert.match(hoverMarkdown(written, { images: false }), new RegExp(`keras\\.losses\\.${id}\\*\\*`), written);
    }
    // an unknown name is named without its call or quotes, with suggestions
    assert.throws(() => explainMarkdown('keras.losses.Hubr(delta=2.0)'), /Unknown loss 'keras\.losses\.Hubr'\. Did you mean 'Huber'/);
  });
  it('the hover finds the name with the cursor anywhere on it in such lines, quotes included', () => {
    const lines: [string, number, string][] = [
      ["model.compile(loss='mse')", "model.compile(loss='".length - 1, 'MeanSquaredError'], // on the opening quote
      ['model.compile(loss="binary_crossentropy")', 'model.compile(loss="binary_cross'.length, 'BinaryCrossentropy'],
      ['l = keras.losses.Huber(delta=2.0)', 'l = keras.losses.Hu'.length, 'Huber'],
      ['l = Huber()', 'l = Huber'.length, 'Huber'], // just after the name, on "("
      ['criterion = nn.CrossEntropyLoss()', 'criterion = nn.Cross'.length, 'CategoricalCrossentropy'],
    ];
    for (const [line, ch, id] of lines) assert.equal(findLossNameAt(line, ch)?.resolved.spec.id, id, line);
  });
});

describe('hover content of foreign names states their numbers', () => {
  it('tf.losses.logLoss names its epsilon 1e-7 and the values where it differs from Keras (computed here from its formula)', () => {
    const md = plain(hoverMarkdown('tf.losses.logLoss', { images: false }));
    const what = md.split('\n').find((l) => l.startsWith('What differs'))!;
    assert.match(what, /`epsilon` argument \(default 1e-7/);
    // tfjs-core src/ops/losses/log_loss.ts: −t·log(p + ε) − (1 − t)·log(1 − p + ε), ε = 1e-7, no clipping.
    const tfjs = (t: number, p: number, eps = 1e-7) => -t * Math.log(p + eps) - (1 - t) * Math.log(1 - p + eps);
    // Keras 3 binary_crossentropy: p clipped to [ε, 1 − ε], nothing added inside the logs.
    const keras = (t: number, p: number) => { const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7); return -t * Math.log(q) - (1 - t) * Math.log(1 - q); };
    assert.ok(what.includes(`p = 0.5 costs ${tfjs(1, 0.5).toFixed(7)} there against ${keras(1, 0.5).toFixed(7)}`), what);
    assert.ok(what.includes(`p = 1e-7 (t = 1) costs ${tfjs(1, 1e-7).toFixed(3)} against ${keras(1, 1e-7).toFixed(3)}`), what);
    assert.ok(Number.isNaN(tfjs(0, -2e-7)) && Number.isNaN(tfjs(1, 1 + 2e-7)) && what.includes('outside [−1e-7, 1 + 1e-7] gives NaN'));
    assert.match(what, /SUM_BY_NONZERO_WEIGHTS/);
  });
  it('optax.l2_loss states its factor 0.5 as a number (its own optax spec), optax.squared_error has none', () => {
    const l2 = plain(hoverMarkdown('optax.l2_loss', { images: false }));
    assert.match(l2, /loss_i = 0\.5·\(predictions_i − targets_i\)²/);
    assert.match(l2, /twice l2_loss\(p, t\)\.mean\(\)/);
    const sq = plain(hoverMarkdown('optax.squared_error', { images: false }));
    assert.match(sq, /loss_i = \(predictions_i − targets_i\)²/);
  });
});
