/**
 * What the user's `print(...)` would write: Python's str() of numbers, strings, lists and None, torch tensors as
 * torch prints them (loss results with their grad_fn, leaves with requires_grad=True, gradients). A value we cannot print exactly (a Keras tensor, a tensor that
 * needs grad but whose grad_fn we do not name) makes the whole print unreproducible: the caller leaves it out and
 * names the line.
 */
import type { Value, TensorValue } from './values';
import { formatTorch, pyFloatRepr } from '../torch/print';
import { dtypeName } from './convert';
import type { TorchDtype } from '../torch/types';
import { npStr, npRepr, type NpDtype } from './npprint';

/** Thrown (and caught by print) when a value's printed form is not reproduced. */
export class NotPrintable extends Error {}

function torchDtypeOf(v: TensorValue): TorchDtype {
  const d = dtypeName(v.dtype ?? 'float32') ?? 'float32';
  return d === 'float64' ? 'float64' : d === 'float32' ? 'float32' : d === 'bool' ? 'bool' : 'int64';
}

/** Python's str() of a value; `torch`: tensors print as torch tensors. */
export function pyStr(v: Value, torch: boolean, nested = false): string {
  switch (v.kind) {
    case 'none': return 'None';
    case 'bool': return v.value ? 'True' : 'False';
    case 'number': return v.int ? String(v.value) : pyFloatRepr(v.value);
    case 'string':
      if (v.display !== undefined) return v.display;
      return nested ? `'${v.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : v.value;
    case 'list': {
      const items = v.items.map((x) => pyStr(x, torch, true));
      if (v.torchSize) return `torch.Size([${items.join(', ')}])`;
      return v.tuple ? `(${items.join(', ')}${items.length === 1 ? ',' : ''})` : `[${items.join(', ')}]`;
    }
    case 'tensor': {
      if (v.numpy || v.node?.numpy) {
        // an ndarray (np.array(...), x.numpy()): NumPy's str(), or its repr() inside a list/tuple
        const d = dtypeName(v.dtype ?? 'float32') ?? 'float32';
        const dt: NpDtype = d === 'float64' || d === 'int64' || d === 'int32' || d === 'bool' ? d : 'float32';
        return nested ? npRepr(v.tensor, dt) : npStr(v.tensor, dt);
      }
      if (!torch) throw new NotPrintable('TensorFlow tensor printing is not reproduced');
      if (v.evalResult?.printedAs) return v.evalResult.printedAs;
      const leaf = !!v.node?.requiresGrad && v.node.parents.length === 0;
      if (v.node?.requiresGrad && !leaf && !v.node.label) throw new NotPrintable('the grad_fn of this tensor is not reproduced');
      const dt = torchDtypeOf(v);
      if (dt === 'float32' && v.node?.inexact && integerValued(v.tensor.data)) {
        throw new NotPrintable('torch computes it in float32, and whether it prints as integers (1.) or as 1.0000 depends on last-bit rounding we do not reproduce');
      }
      return formatTorch(v.tensor, dt, { requiresGrad: leaf, gradFn: leaf ? null : v.node?.label ?? null });
    }
    default: throw new NotPrintable(`a ${v.kind} value`);
  }
}

/** Every finite non-zero element is an integer (torch's integer print mode), and there is at least one. */
function integerValued(a: Float64Array): boolean {
  let any = false;
  for (const x of a) {
    if (!Number.isFinite(x) || x === 0) continue;
    if (x !== Math.ceil(x)) return false;
    any = true;
  }
  return any;
}
