/**
 * What activation loads (issue 15, package weight): the modules the entries import statically, transitively, in
 * the production build of dist/esm. Loss specs (kernels, docs), the evaluators, the comparison and the documentation
 * renderer are chunks loaded on first use (lazyCore.ts, computeLossCommand.ts, panelLazy.ts, ...): a static import
 * of one of them from a module activation loads puts it back on every start. Bytes come from esbuild's metafile.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

/** Sources that must not load at activation: every spec family, the evaluators, compare/conventions, the docs. */
const LAZY_ONLY = [
  /^src\/core\/losses\//, /^src\/core\/optax\//, /^src\/core\/torch\//, /^src\/core\/python\//, /^node_modules\/@lezer\//,
  /^src\/core\/(registry|names|evaluate|reduce|compare|conventions|explain|curves|hover-image|hover-curve|literal|fastmath)\.ts$/, /^src\/core\/compare\//,
  /^src\/extension\/(panel|panelModel|panelWorker|pickers|jobs|runner)\.ts$/, /^src\/extension\/commands\/(computeLoss|computeLossWith|watchLoss)\.ts$/,
];
/** The goal for the code loaded at activation (the stub adds ~1 KB). */
const BUDGET = 300 * 1024;

interface Loaded { bytes: number; inputs: Map<string, number> }

/** Output files reached from `entry` by static imports (import() excluded), with the sources inside them. */
function staticClosure(meta: esbuild.Metafile, entry: string): Loaded {
  const seen = new Set<string>();
  const walk = (o: string): void => {
    if (seen.has(o)) return;
    seen.add(o);
    for (const i of meta.outputs[o].imports) if (i.kind === 'import-statement' && meta.outputs[i.path]) walk(i.path);
  };
  walk(entry);
  const inputs = new Map<string, number>();
  let bytes = 0;
  for (const o of seen) {
    bytes += meta.outputs[o].bytes;
    for (const [f, v] of Object.entries(meta.outputs[o].inputs)) inputs.set(f, (inputs.get(f) ?? 0) + v.bytesInOutput);
  }
  return { bytes, inputs };
}

describe('activation loads no loss specs, evaluators or docs', function () {
  this.timeout(120000);
  let meta: esbuild.Metafile;
  before(async () => {
    const { esm } = await import(pathToFileURL(path.resolve('esbuild.mjs')).href) as { esm: esbuild.BuildOptions };
    const r = await esbuild.build({ ...esm, minify: true, sourcemap: false, write: false, metafile: true, logLevel: 'silent' });
    meta = r.metafile;
  });
  for (const entry of ['node/extension', 'web/extension']) {
    it(`${entry}: nothing lazy is imported statically, under ${BUDGET / 1024} KiB`, () => {
      const out = Object.keys(meta.outputs).find((o) => o.endsWith(`/${entry}.js`));
      assert.ok(out, `no output for ${entry}`);
      const { bytes, inputs } = staticClosure(meta, out);
      const eager = [...inputs.keys()].filter((f) => LAZY_ONLY.some((re) => re.test(f)));
      assert.deepEqual(eager, [], `activation of ${entry} loads ${eager.join(', ')}: import() them where they are used`);
      // the names activation matches come from the small generated table, not from the specs
      assert.ok(inputs.has('src/core/nameIndex.generated.ts'), 'the name index is what activation matches names with');
      assert.ok(bytes < BUDGET, `${entry} loads ${(bytes / 1024).toFixed(1)} KiB at activation (budget ${BUDGET / 1024} KiB)`);
    });
  }
  it('the lazily loaded chunks still hold the specs and the docs (the test sees them when they are static)', () => {
    const all = new Set(Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs)));
    for (const f of ['src/core/losses/probabilistic.ts', 'src/core/compare/index.ts', 'src/core/explain.ts', 'src/core/registry.ts']) assert.ok(all.has(f), f);
  });
});
