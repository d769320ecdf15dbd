/**
 * torch requests for the CLI: `eval --jsonl` lines of the form
 *   {"loss": "nn.CrossEntropyLoss" | "F.cross_entropy" | …, "config": {...}, "args": {"input": ..., "target": ...}, "dtypes": {...}}
 * answered {"value", "per_sample", "grads": {...}, "printed", "dtype", "warnings"} or {"error"}, and
 * `eval --loss nn.HuberLoss --input '[...]' --target '[...]'`. Without "dtypes", each argument's dtype is inferred as
 * torch.tensor infers it from the literal as written: any number written with a point or an exponent (or nan/inf)
 * makes it float32, all-integer literals are int64 — JSON.parse alone would read `1.0` as `1`.
 */
import { evaluateTorchRequest, tryResolveTorch, formatTorch, toJsonValue, jsonNum, LossInspectorError, MAX_NESTING, tooDeep } from '../core';
import type { TorchResult, TorchDtype, Nested, TorchSpec, TorchRequest } from '../core';
import { parseArrayLiteralTensor } from '../core/literal';

const FLOAT_TAG = '\u0001';

/** JSON.parse that keeps, for every number, whether it was written as a float (tagged strings, untagged by `untag`). */
export function parseTaggedJson(line: string): unknown {
  const tagged = line.replace(/"(?:[^"\\]|\\.)*"|-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|-?\b(?:NaN|Infinity)\b/g, (m) => {
    if (m.startsWith('"')) return m;
    return /[.eEN]|Infinity/.test(m) ? `"\\u0001${m}"` : m;
  });
  return JSON.parse(tagged);
}

/** Numbers back from tagged strings ("nan"/"inf" strings too); `float` says whether any leaf was a float literal. */
function untag(x: unknown, loss: string, argument: string, depth = 0): { value: unknown; float: boolean } {
  if (depth > MAX_NESTING) throw tooDeep(loss, argument);
  if (typeof x === 'string') {
    const s = (x.startsWith(FLOAT_TAG) ? x.slice(1) : x).trim();
    const low = s.toLowerCase();
    if (low === 'nan') return { value: NaN, float: true };
    if (['inf', 'infinity', '+inf', '+infinity'].includes(low)) return { value: Infinity, float: true };
    if (['-inf', '-infinity'].includes(low)) return { value: -Infinity, float: true };
    if (x.startsWith(FLOAT_TAG)) return { value: Number(s), float: true };
    return { value: x, float: false };
  }
  if (Array.isArray(x)) {
    let float = false;
    const value = x.map((v) => { const u = untag(v, loss, argument, depth + 1); float ||= u.float; return u.value; });
    return { value, float };
  }
  if (x && typeof x === 'object') {
    let float = false;
    const value: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(x)) { const u = untag(v, loss, k, depth + 1); float ||= u.float; value[k] = u.value; }
    return { value, float };
  }
  return { value: x, float: false };
}

/** True when a parsed --jsonl request is a torch request: it has "args", or its loss is a torch spelling. */
export function isTorchRequest(req: Record<string, unknown>): boolean {
  return 'args' in req || (typeof req.loss === 'string' && tryResolveTorch(req.loss) !== null);
}

/** The JSON answer for a torch result. */
export function torchResultJson(r: TorchResult): Record<string, unknown> {
  const grads: Record<string, unknown> = {};
  for (const [k, g] of Object.entries(r.grads)) grads[k] = toJsonValue(g);
  return {
    value: toJsonValue(r.value), per_sample: toJsonValue(r.perSample), grads,
    printed: formatTorch(r.value, r.dtype, { gradFn: Object.keys(r.grads).length ? r.gradFn : null }),
    dtype: r.dtype, loss: r.callee, reduction: r.reduction,
    mean: r.mean && { numerator: jsonNum(r.mean.numerator), divisor: jsonNum(r.mean.divisor), text: r.mean.text }, warnings: r.trace.warnings.map((w) => w.message),
  };
}

const DTYPES: TorchDtype[] = ['float32', 'float64', 'int64', 'bool'];

/** One torch --jsonl line (already known to be torch by `isTorchRequest`), parsed again with float literals tagged. */
export function evalTorchJsonLine(line: string): Record<string, unknown> {
  try {
    const req = torchRequestOfLine(line);
    // a TripletMarginWithDistanceLoss distance_function given as Python source runs through the snippet interpreter
    return 'error' in req ? req : torchResultJson(evaluateTorchRequest(req));
  } catch (e) {
    return { error: e instanceof LossInspectorError ? e.message : `internal error: ${(e as Error).message}` };
  }
}

/** A torch JSON line as a request (float-tagged numbers keep their dtype), or {error} naming what is wrong. Shared by eval and compare. */
export function torchRequestOfLine(line: string): TorchRequest | { error: string } {
  const raw = parseTaggedJson(line) as Record<string, unknown>;
  const loss = typeof raw.loss === 'string' ? raw.loss : '';
  if (!loss) return { error: 'missing "loss": expected a torch loss name ("nn.CrossEntropyLoss", "F.cross_entropy", …)' };
  {
    const args = raw.args;
    if (!args || typeof args !== 'object' || Array.isArray(args)) return { error: `${loss}: "args" must be an object of torch's argument names ("input", "target", …)` };
    const cfgRaw = raw.config ?? {};
    if (typeof cfgRaw !== 'object' || Array.isArray(cfgRaw)) return { error: `${loss}: "config" must be an object of keyword arguments` };
    const dt = (raw.dtypes ?? {}) as Record<string, unknown>;
    const dtypes: Record<string, TorchDtype> = {};
    for (const [k, v] of Object.entries(dt)) {
      const d = String(v).replace(/^torch\./, '').replace(/^double$/, 'float64').replace(/^float$/, 'float32').replace(/^long$/, 'int64');
      if (!DTYPES.includes(d as TorchDtype)) return { error: `${loss}: dtypes.${k}: expected one of ${DTYPES.join(', ')}, received ${JSON.stringify(v)}` };
      dtypes[k] = d as TorchDtype;
    }
    const a: Record<string, Nested> = {};
    for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
      const u = untag(v, loss, k);
      a[k] = u.value as Nested;
      if (!dtypes[k]) dtypes[k] = u.float ? 'float32' : inferFromValue(u.value);
    }
    const config = untag(cfgRaw, loss, 'config').value as Record<string, never>;
    return { loss, config, args: a, dtypes, mode: raw.mode === 'functional' || raw.mode === 'module' ? raw.mode : undefined };
  }
}

/** No float literal: int64 when every number is an integer (a JS number that is not, e.g. 1e400 → inf, is float). */
function inferFromValue(v: unknown): TorchDtype {
  const ints = (x: unknown): boolean => (Array.isArray(x) ? x.every(ints) : typeof x === 'number' && Number.isInteger(x));
  return ints(v) ? 'int64' : 'float32';
}

/** The dtype of a command-line literal as torch.tensor would infer it (an explicit dtype= / .double() / .long() wins). */
export function literalDtype(text: string): TorchDtype {
  const m = /dtype\s*=\s*torch\.(float64|double|float32|float|int64|long)\b/.exec(text) ?? /\.(double|float|long)\(\)\s*$/.exec(text);
  if (m) return m[1] === 'float64' || m[1] === 'double' ? 'float64' : m[1] === 'int64' || m[1] === 'long' ? 'int64' : 'float32';
  const body = text.replace(/dtype\s*=\s*[\w.]+/g, '');
  return /\d\.|\.\d|\d[eE][-+]?\d|\bnan\b|\binf\b/i.test(body) ? 'float32' : 'int64';
}

/** Command-line flags for each torch argument name: --input, --target, --input1, --log-probs, --input-lengths, … */
export function torchArgsFromFlags(spec: TorchSpec, opt: Record<string, string | true>): { args: Record<string, Nested>; dtypes: Record<string, TorchDtype> } {
  const args: Record<string, Nested> = {};
  const dtypes: Record<string, TorchDtype> = {};
  for (const a of spec.args) {
    const flag = a.name.replace(/_/g, '-');
    const text = opt[flag];
    if (typeof text !== 'string') continue;
    const t = parseArrayLiteralTensor(text, a.name);
    const nested = (shape: number[], off: number): Nested => (shape.length === 0 ? t.data[off] : Array.from({ length: shape[0] }, (_, i) => nested(shape.slice(1), off + i * shape.slice(1).reduce((p, d) => p * d, 1))));
    args[a.name] = nested(t.shape, 0);
    dtypes[a.name] = literalDtype(text);
  }
  return { args, dtypes };
}

/** The arguments a torch loss takes, as command-line flags (for usage messages). */
export function torchFlags(spec: TorchSpec): string {
  return spec.args.map((a) => `--${a.name.replace(/_/g, '-')} LITERAL`).join(' ');
}
