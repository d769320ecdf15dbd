/**
 * The light name index (what activation matches loss names with) answers exactly as the registry with its specs:
 * every spelling, foreign name and prefixed form, and the CodeLens sites of a file.
 */
import * as assert from 'node:assert/strict';
import { ALL_SPECS, allNames, tryResolveLoss } from '../../../src/core/registry';
import * as light from '../../../src/core/nameIndex';
import { KERAS_NAMES } from '../../../src/core/nameIndex.generated';
import { findLossNameAt, resolveAnyName } from '../../../src/core/names';

describe('nameIndex: the generated names match the registry', () => {
  it('the generated table lists every loss, every spelling and every foreign name of the current specs', () => {
    // stale after a spec change: node scripts/gen-name-index.mjs (every node esbuild.mjs run does it)
    assert.deepEqual(KERAS_NAMES.map(([id]) => id), ALL_SPECS.map((s) => s.id));
    const fromTable = KERAS_NAMES.flatMap(([id, names]) => names.map(([name, kind]) => `${name}→${id}:${kind}`)).sort();
    assert.deepEqual(fromTable, allNames().map((n) => `${n.name}→${n.id}:${n.kind}`).sort());
    for (const [id, , foreign] of KERAS_NAMES) assert.deepEqual(foreign, ALL_SPECS.find((s) => s.id === id)!.foreignNames ?? [], id);
  });
  it('ids are unique, so an id names one spec', () => {
    assert.equal(new Set(ALL_SPECS.map((s) => s.id)).size, ALL_SPECS.length);
  });
  it('every spelling, with and without module prefixes, resolves as the registry does', () => {
    for (const { name } of allNames()) {
      for (const n of [name, `keras.losses.${name}`, `tf.keras.losses.${name}`, `tfa.losses.${name}`]) {
        const r = tryResolveLoss(n);
        assert.deepEqual(light.tryResolveLossId(n), r && { id: r.spec.id, kind: r.kind }, n);
        for (const quoted of [false, true]) assert.equal(light.resolveAnyName(n, quoted)?.id, resolveAnyName(n, quoted)?.spec.id, `${n} quoted=${quoted}`);
      }
    }
  });
  it('foreign names in every import style resolve to the spec declaring them, with framework and spelling', () => {
    let n = 0;
    for (const s of ALL_SPECS) {
      for (const f of s.foreignNames ?? []) {
        const bare = f.slice(f.lastIndexOf('.') + 1);
        for (const name of [f, bare, `F.${bare}`, `nn.${bare}`, `torch.nn.${bare}`, `optax.losses.${bare}`]) {
          const l = light.resolveAnyName(name), full = resolveAnyName(name);
          const { id, ...rest } = l ?? { id: undefined };
          const { spec, ...restFull } = full ?? { spec: undefined };
          assert.deepEqual(rest, restFull, name);
          assert.equal(id, spec?.id, name);
          n++;
        }
      }
    }
    assert.ok(n > 300, `${n} names checked`);
  });
  it('findLossNameAt gives the same name, range and loss as the full resolver; non-losses give null in both', () => {
    const lines = [
      "loss = tf.keras.losses.Huber(delta=2.0)", "model.compile(loss='sparse_categorical_crossentropy')", 'l = F.cross_entropy(x, y)',
      'criterion = nn.CrossEntropyLoss()', 'optax.softmax_cross_entropy(logits, labels)', 'const l = tf.losses.meanSquaredError(a, b);',
      'mse = 3', 'print(mse)', "x = 'mse'", 'self.loss_fn = keras.losses.BinaryFocalCrossentropy(gamma=3)', "loss='Addons>GIoULoss'",
    ];
    for (const line of lines) {
      for (let c = 0; c <= line.length; c++) {
        const l = light.findLossNameAt(line, c), f = findLossNameAt(line, c);
        assert.equal(l?.resolved.id, f?.resolved.spec.id, `${line} @${c}`);
        assert.equal(l && `${l.name}|${l.start}|${l.end}|${l.quoted}|${l.resolved.kind}`, f && `${f.name}|${f.start}|${f.end}|${f.quoted}|${f.resolved.kind}`);
      }
    }
  });
});
