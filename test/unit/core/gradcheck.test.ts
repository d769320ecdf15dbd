/** Every registered loss: analytic gradient vs central finite differences on its example, in float64. */
import * as assert from 'node:assert/strict';
import { ALL_SPECS, evaluate, EvalRequest } from '../../../src/core';
import { numericGrad } from '../helpers';

describe('gradients vs finite differences (every registered loss)', () => {
  it('registers losses', () => assert.ok(ALL_SPECS.length >= 1));
  for (const spec of ALL_SPECS) {
    const variants: [string, EvalRequest][] = [
      ['default reduction', { loss: spec, yTrue: spec.example.yTrue, yPred: spec.example.yPred, config: { ...spec.example.config, dtype: 'float64' } }],
    ];
    if (spec.example.sampleWeight !== undefined) {
      variants.push(['with sample_weight', { loss: spec, yTrue: spec.example.yTrue, yPred: spec.example.yPred, sampleWeight: spec.example.sampleWeight, config: { ...spec.example.config, dtype: 'float64' } }]);
    }
    if (!spec.fixedReduction && !spec.functionOnly) {
      variants.push(['reduction=none', { loss: spec, yTrue: spec.example.yTrue, yPred: spec.example.yPred, config: { ...spec.example.config, dtype: 'float64', reduction: 'none' } }]);
      variants.push(['reduction=sum', { loss: spec, yTrue: spec.example.yTrue, yPred: spec.example.yPred, config: { ...spec.example.config, dtype: 'float64', reduction: 'sum' } }]);
    }
    for (const [name, req] of variants) {
      it(`${spec.id} (${name})`, () => {
        const r = evaluate(req);
        const num = numericGrad(req);
        assert.equal(r.grad.data.length, num.length);
        for (let i = 0; i < num.length; i++) {
          const a = r.grad.data[i], n = num[i];
          assert.ok(Math.abs(a - n) <= 1e-5 + 1e-4 * Math.abs(n), `${spec.id} grad[${i}]: analytic ${a} vs numeric ${n}`);
        }
      });
    }
  }
});
