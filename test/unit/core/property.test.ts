/** Property: random shapes, values and parameters never throw anything but LossInspectorError, and results are well-formed. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ALL_SPECS, evaluate, LossInspectorError, allParams, sizeOf, ParamSpec, ParamValue } from '../../../src/core';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });
const numArb = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -5, max: 5, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -1, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, 1, 1e-30, 1e30) },
);
function tensorArb(shape: number[]) {
  return fc.array(numArb, { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((data) => ({ data: Float64Array.from(data), shape }));
}
function paramArb(p: ParamSpec): fc.Arbitrary<ParamValue> {
  const junk = fc.constantFrom<ParamValue>(null, 'x', -1, 0, 2.5, true, [1, 2]);
  const good: fc.Arbitrary<ParamValue> =
    p.type === 'bool' ? fc.boolean()
      : p.type === 'enum' ? fc.constantFrom(...(p.choices ?? [null]))
        : p.type === 'int' || p.type === 'intOrNone' ? fc.integer({ min: -2, max: 5 })
          : p.type === 'axis' ? fc.constantFrom<ParamValue>(null, -1, 0, 1, [1, 2])
            : fc.double({ min: p.ui?.min ?? -2, max: p.ui?.max ?? 5, noNaN: true });
  return fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk });
}

describe('property: only LossInspectorError escapes (fast-check)', () => {
  for (const spec of ALL_SPECS) {
    it(`${spec.id}: random shapes/values/params`, () => {
      const params = allParams(spec, true).filter((p) => p.name !== 'name');
      const cfgArb = fc.record(Object.fromEntries(params.map((p) => [p.name, paramArb(p)])), { requiredKeys: [] });
      const arb = fc.tuple(shapeArb, shapeArb, fc.option(shapeArb, { nil: undefined }), fc.boolean()).chain(([s1, s2, s3, sameShape]) =>
        fc.record({
          yTrue: tensorArb(s1),
          yPred: tensorArb(sameShape ? s1 : s2),
          sampleWeight: s3 === undefined ? fc.constant(null) : tensorArb(s3),
          config: cfgArb,
        }));
      fc.assert(fc.property(arb, (req) => {
        try {
          const r = evaluate({ loss: spec, ...req } as never);
          assert.equal(r.grad.data.length, req.yPred.data.length, 'gradient has y_pred\'s size');
          assert.deepEqual(r.grad.shape, req.yPred.shape);
        } catch (e) {
          if (!(e instanceof LossInspectorError)) throw new Error(`${spec.id} threw ${(e as Error).name}: ${(e as Error).message} for ${JSON.stringify({ ...req, yTrue: [...req.yTrue.data], yPred: [...req.yPred.data], st: req.yTrue.shape, sp: req.yPred.shape })}`);
          assert.ok(e.message.length > 10);
        }
      }), { numRuns: RUNS, seed: 20261122 });
    });
  }
});
