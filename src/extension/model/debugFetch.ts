/**
 * Reading arrays out of a paused program, without vscode: which debuggers we can talk to, the one read-only
 * expression per request that the debuggee evaluates (Python for debugpy, JavaScript for js-debug), and the
 * assembly of its replies into a Tensor with the program's shape and dtype.
 *
 * Every request is one `evaluate` of `helper(<the user's expression>, window)`: the helper runs in a namespace
 * of its own (a fresh dict for Python's `exec`, an arrow function's scope in JavaScript), so nothing is assigned
 * in the user's frame. It answers with JSON: shape, dtype, element count and one window of the flattened values
 * (NumPy-backed arrays as little-endian float32/float64 bytes in base64, so float32 arrives exact and NaN/inf
 * survive; zlib-deflated first when that saves a fifth, as it does for labels and masks; lists and JavaScript arrays as JSON numbers, float32 rounded back here). Large arrays come in
 * windows of `sliceElements`, re-evaluating the expression only when it is a plain reference (`x`, `a.b`,
 * `d['k'][0]`): a call or arithmetic is evaluated once, whole, so it does not run again per window.
 */
import { LossInspectorError } from '../../core/errors';
import { DEFAULT_MAX_ELEMENTS } from '../constants';
import type { Tensor } from '../../core/tensor';
import { l10n } from './l10n';
import { base64Bytes } from '../platform';

/** The languages whose debuggers we fetch from. */
export type DebugLanguage = 'python' | 'javascript';

const PYTHON_TYPES = new Set(['debugpy', 'python']);
const JS_TYPES = new Set(['pwa-node', 'node', 'pwa-chrome', 'chrome', 'pwa-msedge', 'msedge', 'node-terminal', 'pwa-extensionHost', 'extensionHost']);

/** The language of a debug session's adapter type, or null for a debugger we cannot read arrays from. */
export function debugLanguageOf(type: string): DebugLanguage | null {
  if (PYTHON_TYPES.has(type)) return 'python';
  if (JS_TYPES.has(type)) return 'javascript';
  return null;
}

/** The refusal for other debuggers, naming the adapter type. */
export function unsupportedDebuggerMessage(type: string): string {
  return l10n.t('Loss Inspector cannot read values from this debugger (type "{0}"): it is not supported for this debugger. Supported: debugpy/python (Python) and js-debug (pwa-node, node, pwa-chrome).', type);
}

export { DEFAULT_MAX_ELEMENTS };
/** Elements per evaluate reply: 262144 float32 = 1 MiB of data, 1.4 MB of base64. */
export const DEFAULT_SLICE_ELEMENTS = 262_144;

/** The helper run inside debugpy: `exec`uted in a fresh dict holding `x` (the value) and `a` (the window). */
const PY_HELPER = String.raw`
import sys as _sys, json as _json, base64 as _b64, zlib as _zlib
def _tn(v):
    t = type(v)
    m = getattr(t, '__module__', '') or ''
    return (m + '.' if m not in ('builtins', '__main__') else '') + getattr(t, '__qualname__', t.__name__)
def _fail(msg, v):
    return {'ok': False, 'error': msg, 'type': _tn(v)}
def _js(vals):
    # JSON has no NaN/inf: spell them as strings
    return [v if v - v == 0 else ('nan' if v != v else 'inf' if v > 0 else '-inf') for v in vals]
def _flat(v, shape):
    out = []
    def rec(e, d, path):
        if d == len(shape):
            if isinstance(e, (list, tuple)):
                raise ValueError('element %s is a list inside numbers (ragged nesting)' % (path,))
            try:
                out.append(float(e))
            except Exception:
                raise ValueError('element %s is a %s, not a number' % (path, _tn(e)))
            return
        if not isinstance(e, (list, tuple)):
            raise ValueError('element %s is a number where a list of %d was expected (ragged nesting)' % (path, shape[d]))
        if len(e) != shape[d]:
            raise ValueError('row %s has %d elements, the first row at that depth has %d (ragged)' % (path, len(e), shape[d]))
        for i, c in enumerate(e):
            rec(c, d + 1, path + [i])
    rec(v, 0, [])
    return out
def _main(x, start, stop, cap, whole):
    np = _sys.modules.get('numpy')
    mod = getattr(type(x), '__module__', '') or ''
    a = None
    kind = None
    if mod.startswith('torch') and hasattr(x, 'detach'):
        kind = 'torch'
        t = x.detach()
        dt = str(t.dtype).replace('torch.', '')
        if t.is_complex():
            return _fail('a complex tensor (%s)' % dt, x)
        if t.device.type != 'cpu':
            try:
                t = t.cpu()
            except Exception as e:
                return _fail('a tensor on %s that could not be copied to the CPU (%s)' % (t.device, e), x)
        if getattr(t, 'is_sparse', False):
            return _fail('a sparse tensor', x)
        shape = list(t.shape)
        size = t.numel()
        if np is not None and dt != 'bfloat16':
            try:
                a = t.numpy()
            except Exception:
                a = None
        if a is None:
            info = {'ok': True, 'kind': kind, 'shape': shape, 'dtype': dt, 'size': size}
            if size > cap:
                return dict(info, tooBig=True)
            hi = size if whole else min(size, stop)
            f = t.reshape(-1)[start:hi]
            return dict(info, start=start, stop=hi, data=_js(f.double().tolist()))
    elif mod.startswith(('tensorflow', 'keras', 'tf_keras')) and hasattr(x, 'dtype') and hasattr(x, 'shape'):
        kind = 'tf'
        if not hasattr(x, 'numpy'):
            return _fail('a symbolic TensorFlow tensor (inside tf.function or a Keras functional model) that has no value yet', x)
        try:
            a = x.numpy()
        except Exception as e:
            return _fail('a TensorFlow tensor whose value could not be read (%s)' % e, x)
        dt = getattr(x.dtype, 'name', str(x.dtype))
    elif mod.startswith(('jax', 'jaxlib')) and hasattr(x, 'dtype') and hasattr(x, 'shape') and np is not None:
        kind = 'jax'
        try:
            a = np.asarray(x)
        except Exception as e:
            return _fail('a JAX array whose value could not be read (%s; a traced value inside jit has none)' % e, x)
        dt = str(x.dtype)
    elif np is not None and isinstance(x, (np.ndarray, np.generic)):
        kind = 'numpy'
        a = np.asarray(x)
        dt = str(a.dtype)
    elif isinstance(x, (list, tuple, int, float)):
        kind = 'list'
        shape = []
        c = x
        while isinstance(c, (list, tuple)):
            shape.append(len(c))
            if not len(c):
                break
            c = c[0]
        size = 1
        for s in shape:
            size *= s
        info = {'ok': True, 'kind': kind, 'shape': shape, 'size': size}
        if size > cap:
            return dict(info, dtype='float64', tooBig=True)
        try:
            vals = _flat(x, shape)
        except ValueError as e:
            return _fail('not a rectangular list of numbers: %s' % e, x)
        # c is the first leaf already: the shape walk above went down the first items
        dt = 'bool' if isinstance(c, bool) else 'int64' if isinstance(c, int) and all(float(v).is_integer() for v in vals) else 'float64'
        hi = size if whole else min(size, stop)
        return dict(info, dtype=dt, start=start, stop=hi, data=_js(vals[start:hi]))
    elif np is not None and hasattr(x, '__array__') and not isinstance(x, (str, bytes, dict)):
        kind = 'array-like'
        try:
            a = np.asarray(x)
        except Exception as e:
            return _fail('an object whose __array__ failed (%s)' % e, x)
        dt = str(a.dtype)
    else:
        what = ('a dict (choose one of its entries)' if isinstance(x, dict)
                else 'a generator (reading it would consume it)' if type(x).__name__ in ('generator', 'async_generator')
                else 'None' if x is None
                else 'a string' if isinstance(x, (str, bytes))
                else 'a %s' % _tn(x))
        return _fail('not an array but %s' % what, x)
    if a.dtype.kind not in 'fiub':
        return _fail('an array of dtype %s, not numbers' % a.dtype, x)
    info = {'ok': True, 'kind': kind, 'shape': list(a.shape), 'dtype': dt, 'size': int(a.size)}
    if a.size > cap:
        return dict(info, tooBig=True)
    enc = 'f4' if a.dtype.kind == 'f' and a.dtype.itemsize <= 4 else 'f8'
    hi = int(a.size) if whole else min(int(a.size), stop)
    raw = a.reshape(-1)[start:hi].astype('<' + enc).tobytes()
    z = _zlib.compress(raw, 1) if len(raw) > 4096 else raw
    if len(z) < 0.8 * len(raw):
        # labels, masks, one-hot rows: a few distinct values compress many times over
        return dict(info, start=start, stop=hi, enc=enc, z=True, b64=_b64.b64encode(z).decode('ascii'))
    return dict(info, start=start, stop=hi, enc=enc, b64=_b64.b64encode(raw).decode('ascii'))
try:
    out = _json.dumps(_main(x, *a))
except Exception as e:
    out = _json.dumps({'ok': False, 'error': 'reading it failed: %s: %s' % (type(e).__name__, e), 'type': _tn(x)})
`;

/** The helper for js-debug: an arrow function applied to the value; it only reads. */
const JS_HELPER = `((x, start, stop, cap, whole) => {
  const tn = (v) => v === null ? 'null' : Array.isArray(v) ? 'Array' : typeof v === 'object' ? ((v.constructor && v.constructor.name) || 'Object') : typeof v;
  const fail = (error) => JSON.stringify({ ok: false, error, type: tn(x) });
  const TYPED = { Float32Array: 'float32', Float64Array: 'float64', Float16Array: 'float16', Int8Array: 'int8', Uint8Array: 'uint8', Uint8ClampedArray: 'uint8', Int16Array: 'int16', Uint16Array: 'uint16', Int32Array: 'int32', Uint32Array: 'uint32', BigInt64Array: 'int64', BigUint64Array: 'uint64' };
  const isTyped = (v) => ArrayBuffer.isView(v) && !(v instanceof DataView);
  let kind, shape, dtype, flat;
  try {
    if (isTyped(x)) { kind = 'typed'; shape = [x.length]; dtype = TYPED[x.constructor.name] || x.constructor.name; flat = x; }
    else if (x && typeof x === 'object' && typeof x.dataSync === 'function' && Array.isArray(x.shape)) { kind = 'tfjs'; shape = x.shape.slice(); dtype = String(x.dtype); flat = x.dataSync(); }
    else if (Array.isArray(x) || typeof x === 'number' || typeof x === 'boolean') {
      kind = 'array'; shape = []; dtype = 'float64';
      let c = x;
      while (Array.isArray(c) || isTyped(c)) { shape.push(c.length); if (isTyped(c)) { dtype = TYPED[c.constructor.name] || dtype; break; } if (!c.length) break; c = c[0]; }
      const size = shape.reduce((p, q) => p * q, 1);
      if (size > cap) return JSON.stringify({ ok: true, kind, shape, dtype, size, tooBig: true });
      const out = [];
      const rec = (e, d, path) => {
        if (d === shape.length) {
          if (typeof e === 'number' || typeof e === 'boolean' || typeof e === 'bigint') { out.push(Number(e)); return; }
          throw new Error('element [' + path.join(', ') + '] is ' + (Array.isArray(e) ? 'a list inside numbers (ragged nesting)' : 'a ' + tn(e) + ', not a number'));
        }
        if (!Array.isArray(e) && !isTyped(e)) throw new Error('element [' + path.join(', ') + '] is a ' + tn(e) + ' where a list of ' + shape[d] + ' was expected (ragged nesting)');
        if (e.length !== shape[d]) throw new Error('row [' + path.join(', ') + '] has ' + e.length + ' elements, the first row at that depth has ' + shape[d] + ' (ragged)');
        for (let i = 0; i < e.length; i++) rec(e[i], d + 1, path.concat(i));
      };
      try { rec(x, 0, []); } catch (e) { return fail('not a rectangular array of numbers: ' + e.message); }
      flat = out;
    } else {
      return fail('not an array but ' + (x === null ? 'null' : x === undefined ? 'undefined' : typeof x === 'string' ? 'a string' : typeof x === 'function' ? 'a function' : (x && typeof x[Symbol.iterator] === 'function' && typeof x.next === 'function') ? 'an iterator (reading it would consume it)' : 'a ' + tn(x)));
    }
    const size = shape.reduce((p, q) => p * q, 1);
    if (size > cap) return JSON.stringify({ ok: true, kind, shape, dtype, size, tooBig: true });
    const hi = whole ? size : Math.min(size, stop);
    const data = new Array(Math.max(0, hi - start));
    for (let i = start; i < hi; i++) { const v = Number(flat[i]); data[i - start] = v === v ? (v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v) : 'nan'; }
    return JSON.stringify({ ok: true, kind, shape, dtype, size, start, stop: hi, data });
  } catch (e) { return fail('reading it failed: ' + (e && e.message || e)); }
})`;

/** A plain reference (name, attributes, constant subscripts): cheap and side-effect free to evaluate again per window. */
export function isPlainReference(expr: string): boolean {
  return /^\s*[A-Za-z_$][\w$]*(\s*(\.\s*[A-Za-z_$][\w$]*|\[\s*(-?\d+|'[^'\\]*'|"[^"\\]*")\s*\]))*\s*$/.test(expr);
}

/** The expression that asks the debuggee for `expr`'s elements [start, stop) (all of them when `whole`). */
export function fetchExpression(lang: DebugLanguage, expr: string, start: number, stop: number, cap: number, whole: boolean): string {
  if (lang === 'python') {
    // exec in a dict of our own: nothing is assigned in the user's frame; the value is read once, as an argument.
    return `(lambda _li_ns: (exec(${JSON.stringify(PY_HELPER)}, _li_ns), _li_ns['out'])[1])({'x': (${expr}\n), 'a': (${start}, ${stop}, ${cap}, ${whole ? 'True' : 'False'})})`;
  }
  return `${JS_HELPER}((${expr}\n), ${start}, ${stop}, ${cap}, ${whole})`;
}

/** The DAP `evaluate` arguments for a fetch expression (debugpy: the string unquoted; js-debug: untruncated). */
export function evaluateArguments(lang: DebugLanguage, expression: string, frameId: number | undefined): Record<string, unknown> {
  return lang === 'python'
    ? { expression, frameId, context: 'repl', format: { rawString: true } }
    : { expression, frameId, context: 'clipboard' };
}

/** One array read from the debuggee. */
export interface FetchedValue {
  expression: string;
  tensor: Tensor;
  /** The program's dtype ('float32', 'int64', 'torch.float32' is reported as 'float32'). */
  dtype: string;
  /** numpy | torch | tf | jax | list | array-like | typed | tfjs | array | literal */
  kind: string;
  /** Replies and characters received. */
  requests: number;
  chars: number;
  /** Time waiting for the debuggee's replies, and decoding them. */
  transferMs: number;
  parseMs: number;
}

export interface FetchOptions {
  maxElements?: number;
  sliceElements?: number;
  /** Called after each window with elements received so far and the total. */
  onProgress?(done: number, total: number): void;
  /** Checked between windows; a true answer stops the fetch with a 'cancelled' error. */
  isCancelled?(): boolean;
}

/** Evaluates one expression in the paused frame and returns the reply's `result` string (rejects with the adapter's message). */
export type Evaluate = (expression: string) => Promise<string>;

interface Reply {
  ok: boolean; error?: string; type?: string;
  kind?: string; shape?: number[]; dtype?: string; size?: number; tooBig?: boolean;
  start?: number; stop?: number; enc?: 'f4' | 'f8'; b64?: string; z?: boolean; data?: (number | string)[];
}

const FLOAT32_LIKE = new Set(['float32', 'float16', 'bfloat16', 'half']);

/** The message of an evaluate that failed in the debuggee (a Python traceback's last line, a JS exception). */
export function evaluateFailure(expr: string, e: unknown): LossInspectorError {
  const raw = (e as Error)?.message ?? String(e);
  const lines = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.find((l) => /^\w+(Error|Exception)\b/.test(l)) ?? lines[lines.length - 1] ?? raw;
  return new LossInspectorError(l10n.t('Could not evaluate `{0}` in the paused program: {1}', expr, last), { argument: expr, code: 'debug-evaluate' });
}

function unquote(s: string): string {
  // js-debug (or an adapter ignoring rawString) may hand the string back as a quoted literal.
  const t = s.trim();
  if (t.startsWith('"') && t.endsWith('"')) { try { const v = JSON.parse(t); if (typeof v === 'string') return v; } catch { /* not JSON */ } }
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) return t.slice(1, -1).replace(/\\'/g, "'").replace(/\\\\/g, '\\');
  return t;
}

function parseReply(expr: string, raw: string): Reply {
  let r: Reply;
  try { r = JSON.parse(unquote(raw)) as Reply; } catch {
    throw new LossInspectorError(l10n.t('Could not read `{0}`: the debugger answered with something that is not the expected JSON ({1}…).', expr, raw.slice(0, 80)), { argument: expr, code: 'debug-reply' });
  }
  if (!r || typeof r !== 'object') throw new LossInspectorError(l10n.t('Could not read `{0}`: unexpected reply from the debugger.', expr), { argument: expr, code: 'debug-reply' });
  if (!r.ok) throw new LossInspectorError(l10n.t('`{0}` is {1}; Compute Loss needs an array of numbers (a list, tuple, NumPy/torch/TensorFlow/JAX array or typed array).', expr, r.error ?? 'not an array'), { argument: expr, code: 'debug-not-array', received: r.type });
  return r;
}

/** zlib-wrapped deflate, undone with the DecompressionStream both extension hosts have (Node ≥ 18, browsers). */
async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function decodeBase64(b64: string, enc: 'f4' | 'f8', deflated: boolean): Promise<Float64Array> {
  const packed = base64Bytes(b64);
  const bytes = deflated ? await inflate(packed) : packed;
  const width = enc === 'f4' ? 4 : 8;
  // typed views need aligned offsets
  const buf = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
  const view = enc === 'f4' ? new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) : new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  return Float64Array.from(view);
}

function decodeData(data: (number | string)[], float32: boolean): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const x = typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
    // float32 values arrive widened to doubles through JSON (0.10000000149011612): back to the float32 they were.
    out[i] = float32 ? Math.fround(x) : x;
  }
  return out;
}

/** Reads `expr` from the paused program as a Tensor, in windows, with progress and cancellation. */
export async function fetchValue(lang: DebugLanguage, expr: string, evaluate: Evaluate, opts: FetchOptions = {}): Promise<FetchedValue> {
  const cap = opts.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const slice = Math.max(1, opts.sliceElements ?? DEFAULT_SLICE_ELEMENTS);
  const whole = !isPlainReference(expr);
  let transferMs = 0, parseMs = 0, chars = 0, requests = 0;
  const ask = async (start: number, stop: number): Promise<Reply> => {
    const t0 = performance.now();
    let raw: string;
    try { raw = await evaluate(fetchExpression(lang, expr, start, stop, cap, whole)); } catch (e) { throw evaluateFailure(expr, e); }
    const t1 = performance.now();
    transferMs += t1 - t0; chars += raw.length; requests++;
    const r = parseReply(expr, raw);
    parseMs += performance.now() - t1;
    return r;
  };
  const first = await ask(0, slice);
  const shape = (first.shape ?? []).map(Number);
  const size = Number(first.size ?? shape.reduce((p, q) => p * q, 1));
  const dtype = String(first.dtype ?? 'float64');
  if (first.tooBig) {
    throw new LossInspectorError(l10n.t('`{0}` has {1} elements (shape {2}), more than lossInspector.debug.maxElements ({3}). Select a slice of it (e.g. `{0}[:1000]`), or raise the setting.',
      expr, size.toLocaleString('en-US'), `(${shape.join(', ')})`, cap.toLocaleString('en-US')), { argument: expr, code: 'limit' });
  }
  const float32 = FLOAT32_LIKE.has(dtype);
  const data = new Float64Array(size);
  const put = async (r: Reply): Promise<number> => {
    const t0 = performance.now();
    const vals = r.b64 !== undefined ? await decodeBase64(r.b64, r.enc ?? 'f8', !!r.z) : decodeData(r.data ?? [], float32);
    const start = Number(r.start ?? 0);
    if (start + vals.length > size) throw new LossInspectorError(l10n.t('Could not read `{0}`: it changed size while it was read (now more than {1} elements).', expr, size), { argument: expr, code: 'debug-reply' });
    data.set(vals, start);
    parseMs += performance.now() - t0;
    return start + vals.length;
  };
  let done = await put(first);
  opts.onProgress?.(done, size);
  while (done < size) {
    if (opts.isCancelled?.()) throw new LossInspectorError(l10n.t('Reading `{0}` was cancelled after {1} of {2} elements.', expr, done.toLocaleString('en-US'), size.toLocaleString('en-US')), { argument: expr, code: 'cancelled' });
    const r = await ask(done, done + slice);
    if (Number(r.size) !== size || JSON.stringify(r.shape) !== JSON.stringify(first.shape)) {
      throw new LossInspectorError(l10n.t('Could not read `{0}`: its shape changed while it was read.', expr), { argument: expr, code: 'debug-reply' });
    }
    const next = await put(r);
    if (next <= done) throw new LossInspectorError(l10n.t('Could not read `{0}`: the debugger sent no more elements after {1}.', expr, done), { argument: expr, code: 'debug-reply' });
    done = next;
    opts.onProgress?.(done, size);
  }
  return { expression: expr, tensor: { data, shape }, dtype, kind: String(first.kind ?? 'array'), requests, chars, transferMs, parseMs };
}

/** The first NaN or ±inf of a tensor: its multi-index, value and how many there are; null when all are finite. */
export function firstNonFinite(t: Tensor): { index: number[]; value: number; count: number } | null {
  const d = t.data;
  let first = -1, count = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) { if (first < 0) first = i; count++; }
  }
  if (first < 0) return null;
  const index: number[] = new Array(t.shape.length);
  let r = first;
  for (let ax = t.shape.length - 1; ax >= 0; ax--) { index[ax] = r % t.shape[ax]; r = Math.floor(r / t.shape[ax]); }
  return { index, value: d[first], count };
}

/** Python/NumPy spelling of a non-finite number. */
function pyNonFinite(v: number): string { return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'; }

/** "`logits[1, 2]` = nan (3 non-finite values)", or null when the tensor is finite. */
export function nonFiniteText(name: string, t: Tensor): string | null {
  const bad = firstNonFinite(t);
  if (!bad) return null;
  const at = bad.index.length ? `${name}[${bad.index.join(', ')}]` : name;
  return bad.count === 1
    ? l10n.t('{0} = {1} (1 non-finite value)', at, pyNonFinite(bad.value))
    : l10n.t('{0} = {1} ({2} non-finite values)', at, pyNonFinite(bad.value), bad.count);
}

/** "logits: float32 (32, 10), torch" — shown with the result. */
export function describeValue(v: FetchedValue): string {
  return `${v.expression}: ${v.dtype} (${v.tensor.shape.join(', ')}${v.tensor.shape.length === 1 ? ',' : ''}) ${v.kind}`;
}
