/**
 * Public entry point of the torch core: `evaluateTorch` computes a torch.nn loss (module or functional form) as
 * torch 1.13 does on CPU — value, the 'none' output, the gradient of every differentiable floating argument, the
 * reduction's numerator and divisor, torch's warnings — or throws a LossInspectorError carrying torch's exception.
 */
import { LossInspectorError, pyRepr } from '../errors';
import { checkParam } from '../config';
import { closest } from '../suggest';
import type { Config, ParamSpec, ParamValue } from '../spec';
import type { TorchRequest, TorchResult, TorchSpec, TorchTensor, TorchDtype, TorchReduction, TorchContext, TorchArgs, TorchKernelOut } from './types';
import { tryResolveTorch, torchNames } from './registry';
import { torchConventions } from '../conventions';
import { torch2Notes, torch2KeywordHint } from './versions';
import { toTorchTensor, castTo, legacyReduction, reductionParam, LEGACY_PARAMS, isFloat, torchError } from './base';

/** Every keyword the module's constructor (and the functional) accepts, in torch's order. */
export function torchParams(spec: TorchSpec): ParamSpec[] {
  return [...spec.params, reductionParam(spec), ...(spec.legacy ? LEGACY_PARAMS : [])];
}

function resolveSpec(req: TorchRequest): { spec: TorchSpec; mode: 'module' | 'functional' } {
  if (typeof req.loss !== 'string') return { spec: req.loss, mode: req.mode ?? 'module' };
  const r = tryResolveTorch(req.loss);
  if (!r) {
    const sugg = closest(req.loss.replace(/^torch\.nn\.functional\.|^torch\./, ''), torchNames(), 3);
    throw new LossInspectorError(`Unknown torch loss '${req.loss}'.${sugg.length ? ` Did you mean ${sugg.map((s) => `'${s}'`).join(', ')}?` : ''}`,
      { code: 'unknown-loss', argument: 'loss', received: req.loss, expected: 'a torch.nn loss (nn.CrossEntropyLoss, F.cross_entropy, …)', suggestions: sugg });
  }
  return { spec: r.spec, mode: req.mode ?? r.mode };
}

/** Validates and completes a call's keywords (legacy flags folded into `reduction`), with torch's errors. */
export function resolveTorchConfig(spec: TorchSpec, callee: string, mode: 'module' | 'functional', given: Record<string, ParamValue>, warnings: string[]): { cfg: Config; reduction: TorchReduction } {
  const params = torchParams(spec);
  const cfg: Config = {};
  for (const [k, v] of Object.entries(given)) {
    const p = params.find((q) => q.name === k);
    if (!p) {
      const where = mode === 'module' ? `${spec.id}.__init__()` : `${spec.functionName}()`;
      const sugg = closest(k, params.map((q) => q.name), 2);
      throw new LossInspectorError(`${callee}: unexpected keyword argument \`${k}\`: ${where} got an unexpected keyword argument '${k}'${sugg.length ? ` (did you mean ${sugg.join(', ')}?)` : ''}. It takes ${params.map((q) => q.name).join(', ')}.${torch2KeywordHint(spec.id, mode, k)}`,
        { loss: callee, argument: k, code: 'unknown-param', expected: params.map((q) => q.name).join(', '), received: k, suggestions: sugg, torch: { type: 'TypeError', message: `${where} got an unexpected keyword argument '${k}'` } });
    }
    if (p.name === 'reduction') { cfg.reduction = v; continue; }
    if (p.type === 'arrayOrNone' || (p.type === 'bool' && v === null) || p.type === 'string') { cfg[k] = v; continue; }
    cfg[k] = checkParam(callee, p, v);
  }
  for (const p of params) if (!(p.name in cfg)) cfg[p.name] = p.default;
  let reduction = cfg.reduction as string;
  const legacy = spec.legacy ? legacyReduction(given.size_average, given.reduce) : null;
  if (legacy) { reduction = legacy.reduction; warnings.push(legacy.warning); cfg.reduction = reduction; }
  if (typeof reduction !== 'string' || !spec.reductions.includes(reduction as TorchReduction)) {
    const msg = spec.id === 'GaussianNLLLoss' ? `${pyRepr(reduction).replace(/^'|'$/g, '')} is not valid` : `${pyRepr(reduction).replace(/^'|'$/g, '')} is not a valid value for reduction`;
    throw torchError(callee, 'reduction', 'ValueError', msg, { expected: spec.reductions.map((r) => `'${r}'`).join(', '), received: pyRepr(reduction), code: 'param' });
  }
  return { cfg, reduction: reduction as TorchReduction };
}

function gradFnOf(spec: TorchSpec, r: TorchReduction, args: TorchArgs, cfg: Config): string {
  const g = spec.gradFn;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') return g(r, args, cfg);
  return g[r] ?? g.mean ?? 'Backward0';
}

/**
 * Σ of the per-element losses element by element in the loss dtype: the kernels that accumulate their own output in
 * a loop (nll_loss, multi_margin_loss, …) rather than calling at::sum on a tensor (TorchKernelOut.sum 'sequential').
 */
function sumIn(a: Float64Array, round: (x: number) => number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = round(s + a[i]);
  return s;
}

/**
 * Σ as torch 1.13's CPU at::sum adds a contiguous float tensor on one thread (aten/src/ATen/native/cpu/SumKernel.cpp,
 * cascade_sum): vectors of 8 float32 (4 float64) lanes, 4 vectors interleaved, so 32 (16) independent accumulators,
 * cascaded over 4 levels of 2^max(4, ⌈log2 rows⌉/4) rows; then the leftover vectors, the 4 accumulators, the leftover
 * scalars and the lanes in order, each add in the loss dtype. Below one vector: 4 scalar accumulators the same way.
 * Matches torch bit for bit (float32 and float64, 1 to 1e6 elements; the sequential sum matched 19 of 103 sizes, and at
 * 1e6 elements was 5e-4 off). More threads split a tensor of 32768 elements or more into chunks: torch's own last
 * bits then depend on its thread count.
 */
function torchSum(a: Float64Array, f32: boolean): number {
  const n = a.length, ILP = 4, LEVELS = 4;
  const V = n >= (f32 ? 8 : 4) ? (f32 ? 8 : 4) : 1;
  const W = ILP * V, vecs = Math.floor(n / V), rows = Math.floor(vecs / ILP);
  const acc = new Float64Array(LEVELS * W);
  const lg = rows <= 2 ? 1 : Math.floor(Math.log2(rows - 1)) + 1;
  const power = Math.max(4, Math.floor(lg / LEVELS)), step = 2 ** power, mask = step - 1;
  let i = 0;
  while (i + step <= rows) {
    addRows(a, i * W, step, W, acc, f32);
    i += step;
    for (let j = 1; j < LEVELS; j++) {
      for (let w = 0; w < W; w++) { const v = acc[j * W + w] + acc[(j - 1) * W + w]; acc[j * W + w] = f32 ? Math.fround(v) : v; acc[(j - 1) * W + w] = 0; }
      if ((i & (mask * 2 ** (j * power))) !== 0) break;
    }
  }
  if (i < rows) addRows(a, i * W, rows - i, W, acc, f32);
  for (let j = 1; j < LEVELS; j++) for (let w = 0; w < W; w++) { const v = acc[w] + acc[j * W + w]; acc[w] = f32 ? Math.fround(v) : v; }
  // acc[k·V + l]: lane l of the k-th interleaved vector; the leftover vectors go to the first, then the others join it
  for (let q = rows * ILP; q < vecs; q++) for (let l = 0; l < V; l++) { const v = acc[l] + a[q * V + l]; acc[l] = f32 ? Math.fround(v) : v; }
  for (let k = 1; k < ILP; k++) for (let l = 0; l < V; l++) { const v = acc[l] + acc[k * V + l]; acc[l] = f32 ? Math.fround(v) : v; }
  if (V === 1) return acc[0];
  let s = 0;
  for (let k = vecs * V; k < n; k++) { const v = s + a[k]; s = f32 ? Math.fround(v) : v; }
  for (let l = 0; l < V; l++) { const v = s + acc[l]; s = f32 ? Math.fround(v) : v; }
  return s;
}

/**
 * acc[w] += a[start + j·W + w] for j < count, each lane w in row order (the first level of torchSum's cascade). Lanes
 * are independent, so they are added 4 at a time in local variables over all `count` rows (registers instead of a
 * load and store of acc[w] per element; one loop per dtype instead of a test per add): the same adds in the same
 * order per lane, so the same bits. W is 32, 16 or 4 (a multiple of 4).
 */
function addRows(a: Float64Array, start: number, count: number, W: number, acc: Float64Array, f32: boolean): void {
  const end = start + count * W;
  for (let g = 0; g < W; g += 4) {
    let s0 = acc[g], s1 = acc[g + 1], s2 = acc[g + 2], s3 = acc[g + 3];
    if (f32) {
      for (let b = start + g; b < end; b += W) { s0 = Math.fround(s0 + a[b]); s1 = Math.fround(s1 + a[b + 1]); s2 = Math.fround(s2 + a[b + 2]); s3 = Math.fround(s3 + a[b + 3]); }
    } else {
      for (let b = start + g; b < end; b += W) { s0 += a[b]; s1 += a[b + 1]; s2 += a[b + 2]; s3 += a[b + 3]; }
    }
    acc[g] = s0; acc[g + 1] = s1; acc[g + 2] = s2; acc[g + 3] = s3;
  }
}

/** Σ none as the kernel's torch reduction adds it (TorchKernelOut.sum). */
function reduceSum(how: TorchKernelOut['sum'], none: Float64Array, dtype: 'float32' | 'float64', round: (x: number) => number): number {
  if (typeof how === 'number') return how;
  if (how === 'double') { let s = 0; for (let i = 0; i < none.length; i++) s += none[i]; return s; }
  return how === 'sequential' ? sumIn(none, round) : torchSum(none, dtype === 'float32');
}

/** A kernel's fresh array as a tensor of the loss dtype, rounded in place (float32) or taken as it is (float64). */
function ownIn(data: Float64Array, shape: number[], dtype: 'float32' | 'float64', rounded = false): TorchTensor {
  if (dtype === 'float32' && !rounded) for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]);
  return { data, shape: shape.slice(), dtype };
}

/** Evaluates one torch loss call. Throws LossInspectorError (with details.torch) where torch raises. */
export function evaluateTorch(req: TorchRequest): TorchResult {
  const { spec, mode } = resolveSpec(req);
  const callee = mode === 'module' ? `nn.${spec.id}` : `F.${spec.functionName}`;
  const warnings: string[] = [];
  const { cfg, reduction } = resolveTorchConfig(spec, callee, mode, req.config ?? {}, warnings);
  // Arguments: converted with their given (or inferred) dtypes, then floats promoted to the computation dtype.
  const raw: Record<string, TorchTensor> = {};
  const argDtypes: Record<string, TorchDtype> = {};
  const missing = spec.args.filter((a) => req.args[a.name] === undefined && !(a.kind === 'lengths' && false));
  if (missing.length) {
    const names = missing.map((a) => `'${a.name}'`);
    const msg = `forward() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${names.length > 1 ? names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1] : names[0]}`;
    throw torchError(callee, missing[0].name, 'TypeError', msg, { expected: spec.args.map((a) => a.name).join(', '), received: Object.keys(req.args).join(', ') || 'nothing', code: 'missing-argument' });
  }
  for (const k of Object.keys(req.args)) {
    if (!spec.args.some((a) => a.name === k)) {
      throw new LossInspectorError(`${callee}: unexpected argument \`${k}\`: ${spec.id} is called with ${spec.args.map((a) => a.name).join(', ')}.`, { loss: callee, argument: k, code: 'unknown-argument', expected: spec.args.map((a) => a.name).join(', '), received: k });
    }
  }
  for (const a of spec.args) {
    const t = toTorchTensor(req.args[a.name] as never, req.dtypes?.[a.name], callee, a.name);
    raw[a.name] = t; argDtypes[a.name] = t.dtype;
  }
  const dtype: 'float32' | 'float64' = spec.args.some((a) => raw[a.name].dtype === 'float64') ? 'float64' : 'float32';
  const args: TorchArgs = {};
  for (const a of spec.args) {
    const t = raw[a.name];
    args[a.name] = a.kind === 'float' || (a.kind === 'index-or-prob' && isFloat(t)) ? (t.dtype === dtype ? t : castTo(t, dtype)) : t;
  }
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  const trace = { warnings: warnings.map((message) => ({ code: 'deprecated', message })), notes: [] as string[] };
  const ctx: TorchContext = { loss: callee, dtype, round, reduction, trace, argDtypes };
  // A Python float meets float32 tensors as a float32 scalar (margin, delta, eps, label_smoothing are rounded).
  const kcfg: Config = { ...cfg };
  if (dtype === 'float32') for (const p of spec.params) if (p.type === 'float' && typeof kcfg[p.name] === 'number') kcfg[p.name] = Math.fround(kcfg[p.name] as number);
  let out: ReturnType<TorchSpec['compute']>;
  try {
    out = spec.compute(args, kcfg, ctx);
  } catch (e) {
    // torch's shape error, plus what the shapes say: the classes sit last (the Keras layout) where torch reads dim 1.
    const axis = e instanceof LossInspectorError ? torchConventions(spec.id, raw, cfg, reduction).find((f) => f.code === 'torch-class-axis-last') : undefined;
    if (axis && e instanceof LossInspectorError) throw new LossInspectorError(`${e.message} ${axis.message}`, { ...e.details, expected: `${e.details.expected ?? ''} (${axis.fix})` });
    throw e;
  }

  // torch materialises the per-element losses in the loss dtype before reducing them
  const none = out.fresh ? ownIn(out.none.data, out.none.shape, dtype, out.rounded) : castTo(out.none, dtype);
  const n = none.data.length;
  // The upstream of every element of `none`: one number (`uniform`) unless it varies per element (`up`).
  let uniform: number | null = 1;
  let up: Float64Array | null = null;
  let value: TorchTensor;
  let mean: TorchResult['mean'] = null;
  if (reduction === 'none') {
    value = none;
  } else if (reduction === 'sum') {
    value = { data: Float64Array.of(round(reduceSum(out.sum, none.data, dtype, round))), shape: [], dtype };
  } else {
    const m = out.mean ?? { divisor: n, text: 'elements' };
    const s = reduceSum(out.sum, none.data, dtype, round);
    let v = 0;
    if (m.scale) {
      uniform = null;
      up = new Float64Array(n);
      for (let i = 0; i < n; i++) { up[i] = m.scale[i]; v += m.scale[i] * none.data[i]; }
    } else {
      uniform = 1 / m.divisor;
      v = s / round(m.divisor);
    }
    value = { data: Float64Array.of(round(v)), shape: [], dtype };
    mean = { numerator: round(s), divisor: m.divisor, text: m.text };
  }
  if (req.upstream) {
    const u = req.upstream;
    if (u.length !== value.data.length) throw new Error(`${callee}: upstream of ${u.length} elements for a value of ${value.data.length}`);
    if (reduction === 'none') {
      up = new Float64Array(n);
      for (let i = 0; i < n; i++) up[i] = 1 * u[i];
      uniform = null;
    } else if (up) {
      for (let i = 0; i < n; i++) up[i] *= u[0];
    } else {
      uniform = uniform! * u[0];
    }
  }
  let g: Record<string, Float64Array>;
  if (uniform !== null && out.backwardUniform) g = out.backwardUniform(uniform);
  else {
    if (!up) up = new Float64Array(n).fill(uniform!);
    g = out.backward(up);
  }
  const grads: Record<string, TorchTensor> = {};
  for (const a of spec.args) {
    if (!a.differentiable || !isFloat(args[a.name]) || !g[a.name]) continue;
    grads[a.name] = out.fresh ? ownIn(g[a.name], raw[a.name].shape, dtype, out.rounded) : castTo({ data: g[a.name], shape: raw[a.name].shape }, dtype);
  }
  const shapes: Record<string, number[]> = {};
  for (const a of spec.args) shapes[a.name] = raw[a.name].shape.slice();
  // Conventions checked on the numbers (probabilities where logits go, one-hot floats, class axis, all ignored, …).
  // torch's own UserWarning already says 'mean' is not 'batchmean' for KLDivLoss: no second line for it.
  for (const f of torchConventions(spec.id, raw, cfg, reduction)) {
    if (f.code === 'torch-kl-mean' && trace.warnings.some((w) => /batchmean/.test(w.message))) continue;
    trace.warnings.push({ code: f.code, message: f.message });
  }
  trace.notes.push(...torch2Notes(spec.id, kcfg, args, reduction));
  return {
    loss: spec.id, callee, mode, reduction, config: cfg, dtype, value, perSample: none, grads, mean,
    gradFn: gradFnOf(spec, reduction, args, cfg), trace, shapes,
  };
}
