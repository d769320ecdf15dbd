/**
 * Prints tensors exactly as torch 1.13's `str(tensor)` does (torch/_tensor_str.py with the default print options:
 * precision 4, linewidth 80, threshold 1000, edgeitems 3): the fixed / integer-valued / scientific modes chosen from
 * the finite non-zero magnitudes, the common element width, line wrapping, summarisation with `...`, and the
 * suffixes `dtype=torch.float64`, `grad_fn=<…Backward0>`, `requires_grad=True`. Also Python's float repr for
 * `.item()`.
 */
import type { TorchDtype } from './types';
import type { Tensor } from '../tensor';

const PRECISION = 4, LINEWIDTH = 80, THRESHOLD = 1000, EDGE = 3;

export { pyFixed, pyExp, pyFloatRepr } from '../pyfloat';
import { pyFixed, pyExp } from '../pyfloat';

interface Formatter { width: number; format(v: number): string }

function makeFormatter(values: number[], floating: boolean, bool = false): Formatter {
  if (bool) {
    const width = values.some((v) => v === 0) ? 5 : 4;
    return { width, format: (v) => (v !== 0 ? 'True' : 'False').padStart(width) };
  }
  if (!floating) {
    const strs = values.map((v) => String(v));
    const width = Math.max(1, ...strs.map((s) => s.length));
    return { width, format: (v) => String(v).padStart(width) };
  }
  const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true, sci = false, width = 1;
  if (nz.length) {
    const abs = nz.map(Math.abs);
    const mn = Math.min(...abs), mx = Math.max(...abs);
    intMode = nz.every((v) => v === Math.ceil(v));
    if (intMode) {
      if (mx / mn > 1000 || mx > 1e8) { sci = true; for (const v of nz) width = Math.max(width, pyExp(v, PRECISION).length); }
      else for (const v of nz) width = Math.max(width, pyFixed(v, 0).length + 1);
    } else if (mx / mn > 1000 || mx > 1e8 || mn < 1e-4) {
      sci = true; for (const v of nz) width = Math.max(width, pyExp(v, PRECISION).length);
    } else for (const v of nz) width = Math.max(width, pyFixed(v, PRECISION).length);
  }
  const w = width;
  return {
    width: w,
    format(v) {
      let r: string;
      if (sci) r = pyExp(v, PRECISION);
      else if (intMode) { r = pyFixed(v, 0); if (Number.isFinite(v)) r += '.'; }
      else r = pyFixed(v, PRECISION);
      return r.padStart(w);
    },
  };
}

/** A view of a tensor: shape, and an accessor of its flat data from an offset. */
interface View { shape: number[]; data: Float64Array; off: number }

const strides = (shape: number[]) => { const s: number[] = []; let a = 1; for (let i = shape.length - 1; i >= 0; i--) { s[i] = a; a *= shape[i]; } return s; };
const sub = (v: View, i: number): View => ({ shape: v.shape.slice(1), data: v.data, off: v.off + i * strides(v.shape)[0] });

/** The values the formatter looks at when summarising (get_summarized_data): edge rows/elements only. */
function summarized(v: View, summarize: boolean, out: number[]): void {
  if (v.shape.length === 0) { out.push(v.data[v.off]); return; }
  const n = v.shape[0];
  const idx = summarize && n > 2 * EDGE ? [0, 1, 2, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
  for (const i of idx) summarized(sub(v, i), summarize, out);
}

function vectorStr(v: View, indent: number, summarize: boolean, f: Formatter): string {
  const elementLength = f.width + 2;
  const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / elementLength));
  const n = v.shape[0];
  const get = (i: number) => f.format(v.data[v.off + i]);
  const data: string[] = summarize && n > 2 * EDGE
    ? [...[0, 1, 2].map(get), ' ...', ...[n - 3, n - 2, n - 1].map(get)]
    : Array.from({ length: n }, (_, i) => get(i));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStr(v: View, indent: number, summarize: boolean, f: Formatter): string {
  const dim = v.shape.length;
  if (dim === 0) return f.format(v.data[v.off]);
  if (dim === 1) return vectorStr(v, indent, summarize, f);
  const n = v.shape[0];
  const rows = summarize && n > 2 * EDGE
    ? [...[0, 1, 2].map((i) => tensorStr(sub(v, i), indent + 1, summarize, f)), '...', ...[n - 3, n - 2, n - 1].map((i) => tensorStr(sub(v, i), indent + 1, summarize, f))]
    : Array.from({ length: n }, (_, i) => tensorStr(sub(v, i), indent + 1, summarize, f));
  return '[' + rows.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

export interface TorchPrintOptions {
  /** The grad_fn name shown as `grad_fn=<Name>` (a result of an operation on tensors that require grad). */
  gradFn?: string | null;
  /** A leaf that requires grad (shown only when there is no grad_fn). */
  requiresGrad?: boolean;
}

/** `str(t)` / `print(t)` of a torch tensor. */
export function formatTorch(t: Tensor, dtype: TorchDtype, opts: TorchPrintOptions = {}): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const numel = t.data.length;
  let body: string;
  if (numel === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''})`);
    if (dtype !== 'float32') suffixes.push(`dtype=torch.${dtype}`);
    body = '[]';
  } else {
    if (dtype === 'float64') suffixes.push('dtype=torch.float64');
    const summarize = numel > THRESHOLD;
    // a float32 tensor holds float32 numbers (values computed in float64 are shown as torch holds them: rounded once)
    const data = dtype === 'float32' && !isFloat32(t.data) ? t.data.map(Math.fround) : t.data;
    const view: View = { shape: t.shape.slice(), data, off: 0 };
    const vals: number[] = [];
    if (summarize) summarized(view, true, vals); else vals.push(...data);
    const f = makeFormatter(vals, dtype === 'float32' || dtype === 'float64', dtype === 'bool');
    body = tensorStr(view, indent, summarize, f);
  }
  if (opts.gradFn) suffixes.push(`grad_fn=<${opts.gradFn}>`);
  else if (opts.requiresGrad) suffixes.push('requires_grad=True');
  let s = prefix + body;
  let lastLen = s.length - s.lastIndexOf('\n') + 1;
  for (const suf of suffixes) {
    if (lastLen + suf.length + 2 > LINEWIDTH) { s += ',\n' + ' '.repeat(indent) + suf; lastLen = indent + suf.length; }
    else { s += ', ' + suf; lastLen += suf.length + 2; }
  }
  return s + ')';
}

function isFloat32(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (Math.fround(a[i]) !== a[i] && a[i] === a[i]) return false;
  return true;
}
