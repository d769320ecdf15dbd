/**
 * torch 1.13's tensor printing: formatTorch against str(tensor) recorded by scripts/fixtures/torch_losses.py
 * (test/fixtures/torch/printing.json: modes, widths, wrapping, summarisation, suffixes), and against the printed
 * loss values, gradients and `.item()` reprs of every loss fixture case.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTorch, pyFloatRepr, pyFixed, pyExp, evaluateTorch, fromNested, tryResolveTorch } from '../../../src/core';
import type { TorchDtype } from '../../../src/core';
import { loadFixtures, requestOf, decode } from './fixtures.test';

const DIR = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'torch');

describe('torch printing: str(tensor) as torch 1.13', () => {
  const cases = (JSON.parse(fs.readFileSync(path.join(DIR, 'printing.json'), 'utf8')) as { cases: { id: string; value: unknown; dtype: TorchDtype; str: string; requires_grad?: boolean; grad_fn?: string; item_repr?: string }[] }).cases;
  for (const c of cases) {
    it(c.id, () => {
      const t = fromNested(decode(c.value));
      assert.equal(formatTorch(t, c.dtype, { requiresGrad: c.requires_grad, gradFn: c.grad_fn }), c.str);
      if (c.item_repr) assert.equal(pyFloatRepr(t.data[0]), c.item_repr);
    });
  }
  it("Python's format: ties to even on exact binary ties, signs of zero, exponent digits", () => {
    assert.equal(pyFixed(0.03125, 4), '0.0312');
    assert.equal(pyFixed(0.09375, 4), '0.0938');
    assert.equal(pyFixed(-0, 4), '-0.0000');
    assert.equal(pyFixed(-0.00001, 4), '-0.0000');
    assert.equal(pyFixed(2.5, 0), '2');
    assert.equal(pyExp(1.5e-5, 4), '1.5000e-05');
    assert.equal(pyExp(1e100, 4), '1.0000e+100');
    assert.equal(pyFloatRepr(1e16), '1e+16');
    assert.equal(pyFloatRepr(0.0001), '0.0001');
    assert.equal(pyFloatRepr(123.0), '123.0');
  });
});

/** Signed zeros print as torch prints them only where we follow torch's order of operations; compare them unsigned. */
const unsignZero = (s: string) => s.replace(/(^|[\s[(])-0(\.0*)?(?=[,\])\s]|e)/g, '$10$2').replace(/ +/g, ' ').replace(/\[ /g, '[');

/**
 * Equal, or equal but for printed digits one unit apart: a float32 result within an ulp of torch's (torch's float32
 * summation order) that lies on a 4-decimal rounding boundary. Returns true for such a near miss.
 */
function samePrint(ours: string, theirs: string, what: string): boolean {
  const a = unsignZero(ours), b = unsignZero(theirs);
  if (a === b) return false;
  const num = /-?\d+\.?\d*(?:e[-+]\d+)?/g;
  const na = a.match(num) ?? [], nb = b.match(num) ?? [];
  assert.equal(a.replace(num, '#'), b.replace(num, '#'), `${what}: layout differs\nours:  ${ours}\ntorch: ${theirs}`);
  for (let i = 0; i < na.length; i++) {
    if (na[i] === nb[i]) continue;
    const x = Number(na[i]), y = Number(nb[i]);
    const unit = /e/.test(nb[i]) ? 1e-4 * 10 ** Number(nb[i].split('e')[1]) : 1e-4;
    assert.ok(Math.abs(x - y) <= unit * 1.001, `${what}: ${na[i]} vs torch ${nb[i]}\nours:  ${ours}\ntorch: ${theirs}`);
  }
  return true;
}

describe('torch printing: loss results, gradients and .item() as torch prints them', () => {
  let printed = 0, nearMisses = 0;
  after(() => { assert.ok(nearMisses <= printed * 0.02, `${nearMisses} of ${printed} printed tensors differ in a last digit`); });
  for (const { file, cases } of loadFixtures()) {
    if (!tryResolveTorch(`nn.${file}`)) continue;
    it(file, () => {
      let n = 0;
      for (const c of cases) {
        if (c.error || !c.str || c.config.distance_function) continue;
        const r = evaluateTorch(requestOf(c));
        printed++;
        if (samePrint(formatTorch(r.value, r.dtype, { gradFn: r.gradFn }), c.str, `${c.id}: value`)) nearMisses++;
        if (c.item_repr) {
          // .item() prints all 17 digits of the float32 result: torch's own float32 summation order may put it an ulp
          // or two from the correctly rounded value we compute, so the repr must parse back within 3 float32 ulps.
          const ours = pyFloatRepr(r.value.data[0]), theirs = Number(c.item_repr);
          if (ours !== c.item_repr) assert.ok(Math.abs(Number(ours) - theirs) <= 3 * 2 ** (Math.floor(Math.log2(Math.abs(theirs))) - 23), `${c.id}: .item() ${ours} vs torch ${c.item_repr}`);
        }
        for (const [k, s] of Object.entries(c.grad_strs ?? {})) {
          if (c.grad_error) continue;
          printed++;
          if (samePrint(formatTorch(r.grads[k], r.dtype), s, `${c.id}: ${k}.grad`)) nearMisses++;
        }
        n++;
      }
      assert.ok(n > 0);
    });
  }
});
