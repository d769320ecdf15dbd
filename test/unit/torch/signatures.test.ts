/**
 * Positional arguments as torch 1.13 binds them: the signature table (src/core/torch/signatures.ts) against what
 * `inspect.signature` reported for torch itself (test/fixtures/torch/signatures.json, scripts/fixtures/torch_signatures.py),
 * the specs' parameters against it, and the TypeErrors torch raised for wrong calls, reproduced by the snippet
 * evaluator word for word. (The numbers of positional calls are checked in snippets/positional.py against torch's stdout.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TORCH_SIGNATURES } from '../../../src/core/torch/signatures';
import { torchSpec, torchParams } from '../../../src/core';
import { evaluateSnippet } from '../../../src/core/python';

interface Param { name: string; kind: 'positional' | 'kwonly'; required: boolean }
interface Entry { functional: string; init: Param[]; forward: Param[]; fn: Param[]; errors: Record<string, string | null> }
const FIX = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'torch', 'signatures.json'), 'utf8')) as { losses: Record<string, Entry> };

const HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nx = torch.zeros(1)\n';

function errorOf(line: string): string {
  const r = evaluateSnippet(HEAD + line + '\n');
  const d = r.diagnostics.find((x) => x.line === 5 && x.severity === 'error');
  return d ? d.message : `no error; diagnostics: ${JSON.stringify(r.diagnostics)}`;
}

describe('torch signatures: positional arguments as torch 1.13 binds them', () => {
  for (const [id, e] of Object.entries(FIX.losses)) {
    describe(id, () => {
      const sig = TORCH_SIGNATURES[id];
      const spec = torchSpec(id)!;
      it('the table has torch\'s positional order and keyword-only parameters', () => {
        assert.ok(sig, `no signature for ${id}`);
        assert.deepEqual(sig.init, e.init.filter((p) => p.kind === 'positional').map((p) => p.name), '__init__ positional');
        assert.deepEqual(sig.initKwOnly ?? [], e.init.filter((p) => p.kind === 'kwonly').map((p) => p.name), '__init__ keyword-only');
        const nargs = e.fn.filter((p) => p.required).length;
        assert.deepEqual(spec.args.map((a) => a.name), e.fn.slice(0, nargs).map((p) => p.name), 'the tensors, in the functional\'s order');
        assert.deepEqual(sig.fn, e.fn.slice(nargs).filter((p) => p.kind === 'positional').map((p) => p.name), 'functional positional');
        assert.deepEqual(sig.fnKwOnly ?? [], e.fn.filter((p) => p.kind === 'kwonly').map((p) => p.name), 'functional keyword-only');
        assert.deepEqual(sig.forward ?? spec.args.map((a) => a.name), e.forward.map((p) => p.name), 'forward');
      });
      it('the spec takes exactly the constructor\'s keywords', () => {
        assert.deepEqual(torchParams(spec).map((p) => p.name).sort(), e.init.map((p) => p.name).sort());
      });
      const nInit = e.init.filter((p) => p.kind === 'positional').length;
      const nFn = e.fn.filter((p) => p.kind === 'positional').length;
      const nReq = e.fn.filter((p) => p.required).length;
      const calls: [string, string][] = [
        ['init_too_many', `nn.${id}(${Array(nInit + 1).fill('None').join(', ')})`],
        ['fn_too_many', `F.${e.functional}(${Array(nFn + 1).fill('x').join(', ')})`],
        ['forward_too_many', `nn.${id}()(${Array(nReq + 1).fill('x').join(', ')})`],
        ['fn_missing', `F.${e.functional}(x)`],
        ['forward_missing', `nn.${id}()(x)`],
        ['init_twice', `nn.${id}(${Array(nInit).fill('None').join(', ')}, reduction='mean')`],
      ];
      for (const [k, line] of calls) {
        const want = e.errors[k];
        if (!want) continue;
        it(`${k}: ${line} → TypeError: ${want}`, () => assert.equal(errorOf(line), `TypeError: ${want}`));
      }
    });
  }
});
