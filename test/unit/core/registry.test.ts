/** One registry resolves every spelling. */
import * as assert from 'node:assert/strict';
import { ALL_SPECS, resolveLoss, tryResolveLoss, LossInspectorError, allNames, resolveAutoCrossentropy, evaluate } from '../../../src/core';

describe('registry', () => {
  it('every class name, function name and alias resolves to its spec', () => {
    for (const s of ALL_SPECS) {
      assert.equal(resolveLoss(s.id).spec, s);
      assert.equal(resolveLoss(s.id).kind, s.functionOnly ? 'function' : 'class');
      if (s.functionName) assert.equal(resolveLoss(s.functionName).spec, s, s.functionName);
      for (const a of s.aliases) assert.equal(resolveLoss(a).spec.id, s.id, a);
    }
  });
  it('module paths are stripped', () => {
    for (const s of ALL_SPECS) {
      if (s.functionOnly) continue; // optax ids carry their module (optax.l2_loss / optax.losses.l2_loss): checked below
      const prefixes = s.framework === 'tfa' ? ['tfa.losses.', 'tensorflow_addons.losses.'] : ['keras.losses.', 'tf.keras.losses.', 'tensorflow.keras.losses.', 'losses.'];
      for (const p of prefixes) assert.equal(resolveLoss(p + s.id).spec, s, p + s.id);
    }
  });
  it('optax losses resolve by optax.X and optax.losses.X only, as functions (bare names stay Keras\'s)', () => {
    const optax = ALL_SPECS.filter((s) => s.framework === 'optax');
    assert.ok(optax.length >= 15);
    for (const s of optax) {
      const bare = s.id.slice('optax.'.length);
      assert.equal(resolveLoss(`optax.${bare}`).spec, s);
      assert.equal(resolveLoss(`optax.losses.${bare}`).spec, s);
      assert.equal(resolveLoss(`optax.${bare}`).kind, 'function');
    }
    assert.equal(resolveLoss('log_cosh').spec.id, 'LogCosh');
    assert.equal(resolveLoss('kl_divergence').spec.id, 'KLDivergence');
  });
  it('ids are unique and every spelling maps to one loss', () => {
    const ids = ALL_SPECS.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(allNames().length >= ALL_SPECS.length * 2);
  });
  it('unknown names get the closest suggestions', () => {
    assert.throws(() => resolveLoss('MeanSquareError'), (e: unknown) => e instanceof LossInspectorError && /Did you mean 'MeanSquaredError'/.test(e.message));
    assert.throws(() => resolveLoss('msee'), /Did you mean .*'mse'/);
    assert.equal(tryResolveLoss('not_a_loss_at_all_xyz'), null);
  });
  it("Keras 3's 'crossentropy' picks BCE/SCCE/CCE from the shapes (compile_utils rule)", () => {
    assert.equal(resolveAutoCrossentropy([4, 1], [4, 1]), 'BinaryCrossentropy');
    assert.equal(resolveAutoCrossentropy([4], [4, 3]), 'SparseCategoricalCrossentropy');
    assert.equal(resolveAutoCrossentropy([4, 1], [4, 3]), 'SparseCategoricalCrossentropy');
    assert.equal(resolveAutoCrossentropy([4, 3], [4, 3]), 'CategoricalCrossentropy');
  });
  it('every spec declares docs, an example that evaluates, and params with defaults', () => {
    for (const s of ALL_SPECS) {
      assert.ok(s.doc.summary && s.doc.formula && s.doc.domain && s.doc.output, `${s.id} doc`);
      assert.ok(s.doc.pitfalls.length >= 2, `${s.id} pitfalls`);
      const r = evaluate({ loss: s, yTrue: s.example.yTrue, yPred: s.example.yPred, sampleWeight: s.example.sampleWeight, config: s.example.config });
      assert.ok(r.value.data.length >= 1, s.id);
      for (const p of s.params) assert.ok(p.default !== undefined && p.doc, `${s.id}.${p.name}`);
    }
  });
});
