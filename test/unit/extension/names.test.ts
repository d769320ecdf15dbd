/** findLossNameAt / resolveAnyName / findLossSites: every spelling users write, in code and in quotes. */
import * as assert from 'node:assert/strict';
import { ALL_SPECS } from '../../../src/core/registry';
import { findLossNameAt, resolveAnyName, findLossSites, canonicalForeign, resolveForeign } from '../../../src/core/names';

const has = (id: string) => ALL_SPECS.some((s) => s.id === id);

/** Finds `name` in `line` (its `occurrence`-th match) and hovers its last character and its middle. */
function hoverAll(line: string, name: string, occurrence = 0) {
  let at = -1;
  for (let k = 0; k <= occurrence; k++) at = line.indexOf(name, at + 1);
  assert.ok(at >= 0, `${name} not in ${line}`);
  const lastSeg = name.lastIndexOf('.') + 1;
  const probes = [at + name.length - 1, at + lastSeg + Math.floor((name.length - lastSeg) / 2)];
  return probes.map((c) => ({ c, f: findLossNameAt(line, c) }));
}

function expectName(line: string, name: string, id: string, kind?: string) {
  for (const { c, f } of hoverAll(line, name)) {
    assert.ok(f, `no loss found at ${c} in ${JSON.stringify(line)}`);
    assert.equal(f.resolved.spec.id, id, `${line} @${c}`);
    assert.equal(f.name, name, `${line} @${c}`);
    assert.equal(line.slice(f.start, f.end), name, `range of ${name} in ${line}`);
    if (kind) assert.equal(f.resolved.kind, kind, `kind of ${name}`);
  }
}

describe('names: findLossNameAt over every registered spelling', () => {
  it('has specs to test', () => assert.ok(ALL_SPECS.length >= 5));
  for (const spec of ALL_SPECS) {
    describe(spec.id, () => {
      if (spec.functionOnly) {
        const bare = spec.id.slice(spec.id.indexOf('.') + 1);
        it('function by optax. and optax.losses. (never as a Keras compile string)', () => {
          expectName(`l = optax.${bare}(p, t).mean()`, `optax.${bare}`, spec.id, 'function');
          expectName(`l = optax.losses.${bare}(p, t)`, `optax.losses.${bare}`, spec.id, 'function');
        });
        return;
      }
      const mod = spec.framework === 'tfa' ? ['tfa.losses', 'tensorflow_addons.losses'] : ['keras.losses', 'tf.keras.losses', 'tensorflow.keras.losses'];
      it('class by every module path, and bare', () => {
        for (const m of mod) expectName(`loss_fn = ${m}.${spec.id}()`, `${m}.${spec.id}`, spec.id, 'class');
        expectName(`loss_fn = ${spec.id}(reduction="sum")`, spec.id, spec.id, 'class');
        expectName(`    self.loss = ${mod[0]}.${spec.id}`, `${mod[0]}.${spec.id}`, spec.id);
      });
      if (spec.functionName) {
        const fn = spec.functionName;
        it('function by module path, bare, and as a compile string', () => {
          expectName(`v = ${mod[0]}.${fn}(y_true, y_pred)`, `${mod[0]}.${fn}`, spec.id, 'function');
          expectName(`v = losses.${fn}(y_true, y_pred)`, `losses.${fn}`, spec.id, 'function');
          if (!spec.notCompileString) {
            expectName(`model.compile(optimizer="adam", loss='${fn}')`, fn, spec.id);
            expectName(`model.compile(loss="${fn}", metrics=["acc"])`, fn, spec.id);
          }
        });
      }
      if (spec.aliases.length) {
        it('aliases in quotes (compile strings)', () => {
          for (const a of spec.aliases) {
            expectName(`model.compile(loss='${a}')`, a, spec.id);
            expectName(`losses = {"out": "${a}"}`, a, spec.id);
          }
        });
      }
      if (spec.framework === 'tfa') it("'Addons>Id' strings", () => expectName(`model.compile(loss='Addons>${spec.id}')`, `Addons>${spec.id}`, spec.id));
      for (const f of spec.foreignNames ?? []) {
        it(`foreign name ${f}`, () => {
          for (const line of [`crit = ${f}()`, `const l = ${f}(labels, preds);`]) {
            for (const { c, f: found } of hoverAll(line, f)) {
              assert.ok(found, `${f} not found at ${c} in ${line}`);
              const owner = found.resolved.spec;
              const declares = (owner.foreignNames ?? []).some((n) => canonicalForeign(n) === canonicalForeign(f) || n.endsWith(`.${f}`) || f.endsWith(`.${n}`))
                || [owner.id, owner.functionName, ...owner.aliases].includes(f);
              assert.ok(owner.id === spec.id || declares, `${f} resolved to ${owner.id}, which does not declare it`);
              assert.equal(line.slice(found.start, found.end), found.name);
            }
          }
        });
      }
    });
  }
});

describe('names: specific spellings', () => {
  const cases: [string, string, string][] = [
    // line, name as found, spec id
    ['loss = tf.keras.losses.MeanSquaredError()', 'tf.keras.losses.MeanSquaredError', 'MeanSquaredError'],
    ['loss = tf.compat.v1.keras.losses.MeanSquaredError()', 'tf.compat.v1.keras.losses.MeanSquaredError', 'MeanSquaredError'],
    ["model.compile(optimizer='adam', loss='mse')", 'mse', 'MeanSquaredError'],
    ['model.compile(loss="MSE")', 'MSE', 'MeanSquaredError'],
    ["model.compile(loss = 'mean_squared_error')", 'mean_squared_error', 'MeanSquaredError'],
    ['crit = nn.MSELoss(reduction="sum")', 'nn.MSELoss', 'MeanSquaredError'],
    ['crit = torch.nn.MSELoss()', 'torch.nn.MSELoss', 'MeanSquaredError'],
    ['crit = MSELoss()', 'MSELoss', 'MeanSquaredError'],
    ['l = F.mse_loss(x, y)', 'F.mse_loss', 'MeanSquaredError'],
    ['l = torch.nn.functional.mse_loss(x, y)', 'torch.nn.functional.mse_loss', 'MeanSquaredError'],
    ['l = nn.functional.mse_loss(x, y)', 'nn.functional.mse_loss', 'MeanSquaredError'],
    ['l = optax.l2_loss(p, t).mean()', 'optax.l2_loss', 'optax.l2_loss'],
    ['l = optax.losses.squared_error(p, t)', 'optax.losses.squared_error', 'optax.squared_error'],
    ['const l = tf.losses.meanSquaredError(labels, preds);', 'tf.losses.meanSquaredError', 'MeanSquaredError'],
    ["model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});", 'meanSquaredError', 'MeanSquaredError'],
    ['self.criterion = nn.L1Loss()', 'nn.L1Loss', 'MeanAbsoluteError'],
    ["model.compile(loss='mae')", 'mae', 'MeanAbsoluteError'],
    ['loss_fn = keras.losses.Huber(delta=2.0)', 'keras.losses.Huber', 'Huber'],
    ['v = keras.losses.huber(y, p, delta=0.5)', 'keras.losses.huber', 'Huber'],
    ['l = F.smooth_l1_loss(x, y, beta=0.5)', 'F.smooth_l1_loss', 'Huber'],
    ['crit = nn.HuberLoss(delta=1.0)', 'nn.HuberLoss', 'Huber'],
    ['l = optax.huber_loss(p, t, delta=1.0)', 'optax.huber_loss', 'optax.huber_loss'],
    ['const l = tf.losses.huberLoss(y, p);', 'tf.losses.huberLoss', 'Huber'],
    ['l = optax.log_cosh(p, t)', 'optax.log_cosh', 'optax.log_cosh'],
    ['loss = keras.losses.Dice(axis=(1, 2))', 'keras.losses.Dice', 'Dice'],
    ['ctc = nn.CTCLoss(blank=0)', 'nn.CTCLoss', 'CTC'],
    ['l = optax.ctc_loss(logits, lp, labels, lbp)', 'optax.ctc_loss', 'optax.ctc_loss'],
    ['l = torchvision.ops.generalized_box_iou_loss(b1, b2)', 'torchvision.ops.generalized_box_iou_loss', 'GIoULoss'],
    ['gl = tfa.losses.GIoULoss(mode="iou")', 'tfa.losses.GIoULoss', 'GIoULoss'],
    ["model.compile(loss='Addons>GIoULoss')", 'Addons>GIoULoss', 'GIoULoss'],
    ['tl = tfa.losses.TripletSemiHardLoss(margin=1.0)', 'tfa.losses.TripletSemiHardLoss', 'TripletSemiHardLoss'],
    ['crit = nn.TripletMarginLoss(margin=1.0)', 'nn.TripletMarginLoss', 'TripletSemiHardLoss'],
    ['loss = keras.losses.Circle(gamma=80)', 'keras.losses.Circle', 'Circle'],
    // tfjs / camelCase and Keras 2 names
    ['const l = tf.losses.absoluteDifference(a, b);', 'tf.losses.absoluteDifference', 'MeanAbsoluteError'],
  ];
  for (const [line, name, id] of cases) {
    it(`${line}  →  ${id}`, function () {
      if (!has(id)) this.skip();
      expectName(line, name, id);
    });
  }

  // Spellings owned by losses other engineers add; checked as soon as the spec is registered.
  const pending: [string, string, string[]][] = [
    ["model.compile(loss='sparse_categorical_crossentropy')", 'sparse_categorical_crossentropy', ['SparseCategoricalCrossentropy']],
    ["model.compile(loss='binary_crossentropy', metrics=['accuracy'])", 'binary_crossentropy', ['BinaryCrossentropy']],
    ['loss = keras.losses.CategoricalCrossentropy(from_logits=True)', 'keras.losses.CategoricalCrossentropy', ['CategoricalCrossentropy']],
    ['crit = nn.CrossEntropyLoss(label_smoothing=0.1)', 'nn.CrossEntropyLoss', ['CategoricalCrossentropy', 'SparseCategoricalCrossentropy']],
    ['l = F.binary_cross_entropy_with_logits(x, y)', 'F.binary_cross_entropy_with_logits', ['BinaryCrossentropy']],
    ['l = optax.softmax_cross_entropy(logits, labels)', 'optax.softmax_cross_entropy', ['optax.softmax_cross_entropy']],
    ['crit = nn.KLDivLoss(reduction="batchmean")', 'nn.KLDivLoss', ['KLDivergence']],
    ['fl = tfa.losses.SigmoidFocalCrossEntropy()', 'tfa.losses.SigmoidFocalCrossEntropy', ['SigmoidFocalCrossEntropy']],
    ["model.compile(loss='kld')", 'kld', ['KLDivergence']],
    ['h = keras.losses.Hinge()', 'keras.losses.Hinge', ['Hinge']],
    ['c = keras.losses.CosineSimilarity(axis=1)', 'keras.losses.CosineSimilarity', ['CosineSimilarity']],
  ];
  for (const [line, name, ids] of pending) {
    it(`${line}  →  ${ids.join(' | ')} (once registered)`, function () {
      if (!ids.some(has)) this.skip();
      const f = hoverAll(line, name);
      for (const { c, f: found } of f) {
        assert.ok(found, `nothing at ${c} in ${line}`);
        assert.ok(ids.includes(found.resolved.spec.id), `${name} → ${found.resolved.spec.id}`);
      }
    });
  }
});

describe('names: what is not a loss name', () => {
  const none: [string, number][] = [
    ['x = mse + 1', 5], // a variable called mse is not the compile string
    ['loss_fn = keras.losses.MeanSquaredError()', 'loss_fn = ke'.length], // the module, not the loss
    ['loss_fn = keras.losses.MeanSquaredError()', 'loss_fn = keras.los'.length],
    ['y = np.mean(x, axis=-1)', 7],
    ['print("hello world")', 10],
    ['model.compile(loss=my_loss)', 22],
    ["model.compile(loss='my_custom_loss')", 25],
    ['', 0],
    ['a = 1.5e-7', 6],
    ['print(mse_loss(y_true, y_pred).numpy())', 8], // a variable, not F.mse_loss
    ['total = huber_loss_value + 1', 10],
  ];
  for (const [line, c] of none) it(`${JSON.stringify(line)} @${c}`, () => assert.equal(findLossNameAt(line, c), null));
  it('out-of-range characters give null', () => {
    assert.equal(findLossNameAt('keras.losses.MeanSquaredError', -1), null);
    assert.equal(findLossNameAt('keras.losses.MeanSquaredError', 999), null);
  });
  it('the cursor just after a name still finds it (end of word)', () => {
    const line = 'l = nn.MSELoss';
    assert.equal(findLossNameAt(line, line.length)?.resolved.spec.id, 'MeanSquaredError');
  });
  it('a quoted compile string is found on the quote characters too', () => {
    const line = "compile(loss='mse')";
    assert.equal(findLossNameAt(line, line.indexOf("'"))?.name, 'mse');
    assert.equal(findLossNameAt(line, line.lastIndexOf("'"))?.name, 'mse');
  });
  it('strings after a Python comment are not compile strings', () => {
    const line = "x = 1  # don't use 'mse' here";
    assert.equal(findLossNameAt(line, line.indexOf('mse') + 1), null);
  });
});

describe('names: resolveAnyName and resolveForeign', () => {
  it('foreign names carry their framework', () => {
    assert.equal(resolveForeign('F.mse_loss')?.framework, 'PyTorch');
    assert.equal(resolveForeign('optax.l2_loss')?.framework, 'Optax');
    assert.equal(resolveForeign('tf.losses.meanSquaredError')?.framework, 'TensorFlow.js');
    assert.equal(resolveForeign('MSELoss')?.framework, 'PyTorch');
    assert.equal(resolveForeign('no_such_loss'), null);
  });
  it('canonical forms unify import styles', () => {
    assert.equal(canonicalForeign('F.mse_loss'), 'torch.nn.functional.mse_loss');
    assert.equal(canonicalForeign('nn.functional.mse_loss'), 'torch.nn.functional.mse_loss');
    assert.equal(canonicalForeign('nn.MSELoss'), 'torch.nn.MSELoss');
    assert.equal(canonicalForeign('optax.losses.l2_loss'), 'optax.l2_loss');
  });
  it('compile strings only resolve when quoted', () => {
    assert.equal(resolveAnyName('mse', false), null);
    assert.equal(resolveAnyName('mse', true)?.spec.id, 'MeanSquaredError');
    assert.equal(resolveAnyName('keras.losses.mse', false)?.spec.id, 'MeanSquaredError');
  });
});

describe('names: findLossSites (CodeLens)', () => {
  const src = [
    'import keras',
    'from keras import losses',
    'mse = keras.losses.MeanSquaredError()',
    '# keras.losses.MeanSquaredError() in a comment',
    'print(mse([[0., 1.]], [[1., 1.]]).numpy())',
    "model.compile(optimizer='adam', loss='mse')",
    'v = losses.mean_squared_error(a, b)',
    'crit = nn.MSELoss()',
    'x = foo(1)',
  ].join('\n');
  const sites = findLossSites(src);
  it('finds constructors, function calls and compile strings, one per line', () => {
    assert.deepEqual(sites.map((s) => [s.line, s.id, s.kind]), [
      [2, 'MeanSquaredError', 'call'], [5, 'MeanSquaredError', 'compile'], [6, 'MeanSquaredError', 'call'], [7, 'MeanSquaredError', 'call'],
    ]);
  });
  it('ranges cover the name', () => {
    const lines = src.split('\n');
    for (const s of sites) assert.equal(lines[s.line].slice(s.start, s.end), s.name);
  });
  it('foreign and compile sites are not computable', () => {
    assert.equal(sites.find((s) => s.line === 7)?.computable, false);
    assert.equal(sites.find((s) => s.line === 5)?.computable, false);
    assert.equal(sites.find((s) => s.line === 2)?.computable, true);
  });
  it('variables named like foreign functions get no lens', () => {
    assert.deepEqual(findLossSites('import keras\nmse_loss = keras.losses.MeanSquaredError()\nprint(mse_loss(y_true, y_pred).numpy())').map((s) => s.line), [1]);
  });
  it('bare lower-case functions need a keras context', () => {
    assert.equal(findLossSites('dice(a, b)').length, 0);
    assert.equal(findLossSites('from keras.losses import dice\ndice(a, b)').filter((s) => s.id === 'Dice').length, 1);
  });
});
