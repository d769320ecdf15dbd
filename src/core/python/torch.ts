/**
 * PyTorch in the Python evaluator: `torch.tensor` as torch infers dtypes (int64 from integer literals, float32
 * otherwise) with `requires_grad`, every `torch.nn` loss module and `torch.nn.functional` loss evaluated by the torch
 * core (src/core/torch) as one autodiff node, `loss.backward()` filling `.grad` of the leaves that require grad, and
 * results printed as torch prints them. Registered in the namespace table like any framework.
 */
import { defineBuiltin, type BuiltinCall } from './namespace';
import { Value, Site, TensorValue, NONE, callable, bool, num, typeName } from './values';
import { errAt } from './pyops';
import { nodeOf, dtypeName, tv } from './convert';
import { labelCall } from './gradfn';
import { makeNode, variable, constant, backward, scalarNode, type Node, type DType } from './autodiff';
import * as O from './ops';
import { sizeOf } from '../tensor';
import { LossInspectorError } from '../errors';
import { TORCH_SPECS } from '../torch/registry';
import { evaluateTorch, resolveTorchConfig } from '../torch/evaluate';
import { formatTorch } from '../torch/print';
import { TORCH_SIGNATURES, bindPython } from '../torch/signatures';
import { GAUSSIAN_FLOAT_VAR_HINT } from '../torch/versions';
import { torchAsEvalResult as asEvalResult } from '../torch/evalResult';
import type { TorchSpec, TorchTensor, TorchDtype, TorchResult } from '../torch/types';
import type { ParamValue } from '../spec';
import { toParamValue } from './pyops';
import type { Interpreter } from './interp';
import { userEntityOf } from './user';

/** torch's dtype of a tensor value (int32 from other frameworks' inference counts as int64 here). */
function torchDtype(v: TensorValue): TorchDtype {
  const d = dtypeName(v.dtype ?? 'float32') ?? 'float32';
  return d === 'float64' ? 'float64' : d === 'float32' ? 'float32' : d === 'bool' ? 'bool' : 'int64';
}

/** A torch.Size: a tuple of ints that prints as `torch.Size([2, 3])`. */
function torchSize(shape: readonly number[]): Value {
  return { kind: 'list', tuple: true, torchSize: true, items: shape.map((d) => num(d, true)) };
}

/** Leaves created with requires_grad=True, by their node, so backward() can give each its `.grad`. */
const LEAVES = Symbol('torch leaves');
type WithLeaves = { [LEAVES]?: Map<Node, TensorValue> };
function leaves(interp: Interpreter): Map<Node, TensorValue> {
  const s = interp.session as unknown as WithLeaves;
  return (s[LEAVES] ??= new Map());
}

/** torch.tensor(data, dtype=None, requires_grad=False): int64 for integer literals, float32 otherwise. */
defineBuiltin(['torch.tensor', 'torch.as_tensor'], (c) => {
  if (!c.args.length) throw errAt(c.site, `TypeError: ${c.path}() missing 1 required positional argument: 'data'`, 'param');
  const dt = c.kwargs.get('dtype');
  const dtype = dt?.kind === 'string' ? dt.value : undefined;
  const ints = isIntData(c.args[0]);
  const bools = isBoolData(c.args[0]);
  const v = c.interp.convertArray(c.args[0], dtype ?? (bools ? 'bool' : ints ? 'int64' : 'float32'), c.site, c.sites.pos[0], 'torch.tensor');
  if (v.kind !== 'tensor') return v;
  const rg = c.kwargs.get('requires_grad');
  if (rg && rg.kind === 'bool' && rg.value) return requireGrad(c.interp, v, c.site);
  return v;
});

/** torch.tensor([True, False]) is a bool tensor. */
function isBoolData(v: Value): boolean {
  if (v.kind === 'bool') return true;
  if (v.kind === 'list') return v.items.length > 0 && v.items.every(isBoolData);
  return false;
}

function isIntData(v: Value): boolean {
  if (v.kind === 'number') return v.int;
  if (v.kind === 'bool') return false;
  if (v.kind === 'list') return v.items.every(isIntData);
  if (v.kind === 'tensor') return !/float/.test(v.dtype ?? 'float32');
  return false;
}

function requireGrad(interp: Interpreter, v: TensorValue, site: Site): TensorValue {
  if (!/float/.test(v.dtype ?? 'float32')) throw errAt(site, 'RuntimeError: Only Tensors of floating point and complex dtype can require gradients', 'type');
  const node = variable(v.tensor, (dtypeName(v.dtype) ?? 'float32') as DType, interp.session.budget);
  const out: TensorValue = { kind: 'tensor', tensor: v.tensor, dtype: v.dtype, node };
  leaves(interp).set(node, out);
  return out;
}

/** Attributes torch tensors have beyond the shared tensor methods: backward, grad, requires_grad, requires_grad_, long. */
export function torchTensorAttr(interp: Interpreter, t: TensorValue, name: string, site: Site): Value | undefined {
  const ext = t as TensorValue & { grad?: TensorValue };
  const f32 = (t.dtype ?? 'float32') === 'float32' || t.dtype === 'torch.float32';
  switch (name) {
    case 'grad': return ext.grad ?? NONE;
    case 'shape': return torchSize(t.tensor.shape);
    case 'size': return callable('size', (args, _kw, s) => {
      if (!args.length) return torchSize(t.tensor.shape);
      const d = args[0].kind === 'number' ? args[0].value : NaN, r = t.tensor.shape.length;
      if (!Number.isInteger(d) || d < -r || d >= r) throw errAt(s, `IndexError: Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${args[0].kind === 'number' ? args[0].value : typeName(args[0])})`, 'index');
      return num(t.tensor.shape[d < 0 ? d + r : d], true);
    });
    case 'dtype': { const d = torchDtype(t); return { kind: 'string', value: d, display: `torch.${d}` }; }
    // x.transpose(d0, d1) swaps two dims (NumPy's ndarray.transpose(1, 0) permutes: not the same for (0, 1))
    case 'transpose': return callable('transpose', (args, _kw, s) => {
      const r = t.tensor.shape.length;
      const ax = args.map((a) => (a.kind === 'number' && a.int ? a.value : NaN));
      if (ax.length !== 2 || ax.some((a) => !Number.isInteger(a) || a < -r || a >= Math.max(r, 1))) throw errAt(s, `TypeError: transpose() takes two dims within the ${r} dimensions`, 'param');
      const [a, b] = ax.map((d) => (d < 0 ? d + r : d));
      const perm = t.tensor.shape.map((_, i) => i);
      perm[a] = b; perm[b] = a;
      return labelCall(tv(O.transpose(nodeOf(t, interp.session.budget), perm)), 'transpose', [t], new Map(), true);
    });
    // numpy(): an ndarray of the same numbers (torch raises on a tensor that requires grad: .detach() first)
    case 'numpy': return callable('numpy', (_a, _kw, s) => {
      if (t.node?.requiresGrad) throw errAt(s, "RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.", 'type');
      const node = constant(t.tensor, (dtypeName(t.dtype) ?? 'float32') as DType, interp.session.budget, true);
      node.numpy = true;
      return { kind: 'tensor', tensor: t.tensor, dtype: t.dtype, numpy: true, node };
    });
    // detach(): the same numbers, cut from the graph (printing it shows no grad_fn / requires_grad)
    case 'detach': return callable('detach', () => ({ kind: 'tensor', tensor: t.tensor, dtype: t.dtype }));
    // item() / tolist(): Python floats of the float32 values (the widened float32, as torch returns them)
    case 'item': return callable('item', (_a, _kw, s) => {
      if (t.tensor.data.length !== 1) throw errAt(s, `ValueError: only one element tensors can be converted to Python scalars`, 'shape');
      const v = t.tensor.data[0], d = torchDtype(t);
      if (d === 'bool') return bool(v !== 0);
      return num(f32 ? Math.fround(v) : v, d === 'int64');
    });
    case 'tolist': return callable('tolist', () => {
      const d = torchDtype(t);
      const conv = (x: number): Value => (d === 'bool' ? bool(x !== 0) : num(f32 ? Math.fround(x) : x, d === 'int64'));
      const rec = (shape: number[], off: number): Value => {
        if (!shape.length) return conv(t.tensor.data[off]);
        const stride = shape.slice(1).reduce((a, b) => a * b, 1);
        return { kind: 'list', tuple: false, items: Array.from({ length: shape[0] }, (_, i) => rec(shape.slice(1), off + i * stride)) };
      };
      return rec(t.tensor.shape, 0);
    });
    case 'requires_grad': return bool(!!t.node?.requiresGrad);
    case 'requires_grad_': return callable('requires_grad_', () => { const r = requireGrad(interp, t, site); t.node = r.node; leaves(interp).set(r.node!, t); return t; });
    case 'long': return callable('long', () => interp.convertArray(t, 'int64', site, site, 'torch.tensor'));
    case 'backward': return callable('backward', (args, _kw, s) => {
      const out = t.node;
      if (!out || !out.requiresGrad) throw errAt(s, 'RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn', 'type');
      const given = args[0];
      if (out.size !== 1 && (!given || given.kind !== 'tensor')) throw errAt(s, 'RuntimeError: grad can be implicitly created only for scalar outputs', 'shape');
      const ls = [...leaves(interp).entries()].filter(([n]) => reaches(out, n));
      const gs = backward(out, ls.map(([n]) => n), given?.kind === 'tensor' ? given.tensor.data : undefined);
      ls.forEach(([n, leaf], i) => {
        const prev = (leaf as TensorValue & { grad?: TensorValue }).grad;
        const data = gs[i].slice();
        if (prev) for (let k = 0; k < data.length; k++) data[k] += prev.tensor.data[k];
        if (leaf.dtype === 'float32') for (let k = 0; k < data.length; k++) data[k] = Math.fround(data[k]);
        (leaf as TensorValue & { grad?: TensorValue }).grad = { kind: 'tensor', tensor: { data, shape: n.shape.slice() }, dtype: leaf.dtype };
      });
      return NONE;
    });
    default: return undefined;
  }
}

function reaches(out: Node, leaf: Node): boolean {
  const seen = new Set<Node>();
  const stack = [out];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === leaf) return true;
    for (const p of n.parents) if (!seen.has(p)) { seen.add(p); stack.push(p); }
  }
  return false;
}

/** Evaluates a torch loss call from the interpreter's values: one autodiff node whose VJP is torch's own backward. */
function callTorch(interp: Interpreter, spec: TorchSpec, mode: 'module' | 'functional', config: Record<string, ParamValue>, args: Value[], kwargs: Map<string, Value>, site: Site, distance?: Value): TensorValue {
  const callee = mode === 'module' ? `nn.${spec.id}` : `F.${spec.functionName}`;
  const sig = TORCH_SIGNATURES[spec.id];
  const argNames = spec.args.map((a) => a.name);
  // Python's own binding: forward(self, input, target) for a module, the functional's whole signature otherwise
  const b = mode === 'module'
    ? bindPython(`${spec.id}.forward`, sig?.forward ?? argNames, [], [], args, [...kwargs], true)
    : bindPython(spec.functionName, argNames, sig?.fn ?? [], sig?.fnKwOnly ?? [], args, [...kwargs], false, true);
  if (b.error !== undefined) throw errAt(site, `TypeError: ${b.error}`, /unexpected keyword/.test(b.error) ? 'unknown-param' : 'param', { loss: callee, argument: /'(\w+)'/.exec(b.error)?.[1] ?? '' });
  const vals: Record<string, Value> = {};
  const fwd = mode === 'module' ? sig?.forward ?? argNames : argNames;
  for (const [k, v] of b.values) {
    const i = fwd.indexOf(k);
    if (i >= 0) { vals[argNames[i]] = v; continue; }
    if (k === 'distance_function') { distance = v; continue; }
    config[k] = toParamValue(v, k, site);
  }
  if (distance && distance.kind !== 'none') return tripletWithDistance(interp, spec, mode, callee, config, distance, vals, site);
  const targs: Record<string, TorchTensor> = {};
  const nodes: Record<string, Node> = {};
  for (const a of spec.args) {
    const v = vals[a.name];
    if (v === undefined) continue;
    if (v.kind === 'tensor') {
      targs[a.name] = { data: v.tensor.data, shape: v.tensor.shape.slice(), dtype: torchDtype(v) };
      nodes[a.name] = nodeOf(v, interp.session.budget);
    } else if (a.kind === 'lengths' && (v.kind === 'number' || v.kind === 'list')) {
      const t = interp.convertArray(v, 'int64', site, site, 'torch.tensor') as TensorValue;
      targs[a.name] = { data: t.tensor.data, shape: t.tensor.shape.slice(), dtype: 'int64' };
    } else {
      if (spec.id === 'GaussianNLLLoss' && a.name === 'var' && v.kind === 'number') throw errAt(site, `AttributeError: 'float' object has no attribute 'size' (${callee}: argument 'var' must be a Tensor in torch 1.13).${GAUSSIAN_FLOAT_VAR_HINT}`, 'type', { loss: callee, argument: a.name });
      throw errAt(site, `TypeError: ${callee}(): argument '${a.name}' must be Tensor, not ${typeName(v)}`, 'type', { loss: callee, argument: a.name });
    }
  }
  let r: TorchResult;
  try {
    r = evaluateTorch({ loss: spec, mode, config, args: targs });
  } catch (e) {
    if (e instanceof LossInspectorError) throw e.details.offset === undefined ? e.at(site.offset, site.length) : e;
    throw e;
  }
  const diff = spec.args.filter((a) => a.differentiable && nodes[a.name] && r.grads[a.name]);
  const parents = diff.map((a) => nodes[a.name]);
  const anyGrad = parents.some((p) => p.requiresGrad);
  const node = makeNode(callee, r.value.data, r.value.shape, r.dtype, parents, (g) => {
    const again = evaluateTorch({ loss: spec, mode, config, args: targs, upstream: g });
    return diff.map((a) => again.grads[a.name].data);
  });
  const printed = formatTorch(r.value, r.dtype, { gradFn: anyGrad ? r.gradFn : null });
  const evalResult = asEvalResult(r, printed);
  // what the panel re-evaluates when its sliders move: the call with the user's keywords and the tensors as given
  evalResult.torchRequest = { loss: callee, mode, config: { ...config }, args: targs };
  return { kind: 'tensor', tensor: r.value, dtype: r.dtype, node, evalResult };
}

/**
 * TripletMarginWithDistanceLoss / F.triplet_margin_with_distance_loss with the user's distance_function (a lambda, a
 * def, or any callable of the snippet), as torch 1.13's functional computes it: d(a, p), d(a, n), with swap
 * torch.min(d(a, n), d(p, n)) (a tie splits the gradient), clamp(d(a, p) − d(a, n) + margin, min=0) (a zero counts as
 * active), then mean/sum. The user's function runs once, on the tape, so the gradient is the autodiff of their code;
 * the hover's gradients are taken w.r.t. the three inputs whether or not they require grad.
 */
function tripletWithDistance(interp: Interpreter, spec: TorchSpec, mode: 'module' | 'functional', callee: string, config: Record<string, ParamValue>, fn: Value, vals: Record<string, Value>, site: Site): TensorValue {
  const { r, node } = tripletWithDistanceResult(interp, spec, mode, callee, config, fn, vals, site);
  const printed = formatTorch(r.value, r.dtype, { gradFn: node ? r.gradFn : null });
  return { kind: 'tensor', tensor: r.value, dtype: r.dtype, node, evalResult: asEvalResult(r, printed) };
}

/**
 * The torch result of TripletMarginWithDistanceLoss with a distance_function of the interpreter (see tripletWithDistance),
 * and the autodiff node of its value when an input requires grad. Also the CLI's entry (distanceFromSource.ts).
 */
export function tripletWithDistanceResult(interp: Interpreter, spec: TorchSpec, mode: 'module' | 'functional', callee: string, config: Record<string, ParamValue>, fn: Value, vals: Record<string, Value>, site: Site): { r: TorchResult; node: Node | undefined } {
  const warnings: string[] = [];
  const given = { ...config };
  delete given.distance_function;
  const { cfg, reduction } = resolveTorchConfig(spec, callee, mode, given, warnings);
  const fnName = fn.kind === 'callable' ? fn.name : typeName(fn);
  cfg.distance_function = fnName;
  const names = ['anchor', 'positive', 'negative'];
  const budget = interp.session.budget;
  const inputs: Record<string, TensorValue> = {};
  const ids: Record<string, Node> = {};
  for (const k of names) {
    const v = vals[k];
    if (v === undefined) throw errAt(site, `TypeError: ${callee}() missing required positional argument: '${k}'`, 'missing-argument', { loss: callee, argument: k });
    if (v.kind !== 'tensor') throw errAt(site, `TypeError: ${callee}(): argument '${k}' must be Tensor, not ${typeName(v)}`, 'type', { loss: callee, argument: k });
    const real = nodeOf(v, budget);
    // an identity node over the user's tensor (so loss.backward() reaches it) or over a private leaf (for the hover's gradient)
    const leaf = real.requiresGrad ? real : variable(v.tensor, real.dtype, budget);
    ids[k] = makeNode(k, v.tensor.data, v.tensor.shape, real.dtype, [leaf], (g) => [g]);
    inputs[k] = { kind: 'tensor', tensor: v.tensor, dtype: v.dtype, node: ids[k] };
  }
  const dist = (x: string, y: string): Node => {
    // a user def/lambda runs as a plain function (not as a top-level custom-loss call, which would be a result of its own)
    const ent = userEntityOf(fn);
    const r = ent ? interp.runEntity(ent, [inputs[x], inputs[y]], new Map(), site) : interp.callValue(fn, [inputs[x], inputs[y]], new Map(), site);
    if (r.kind !== 'tensor') throw errAt(site, `${callee}: distance_function ${fnName}(${x}, ${y}) returned ${typeName(r)}, not a Tensor`, 'type', { loss: callee, argument: 'distance_function' });
    return nodeOf(r, budget);
  };
  const dPos = dist('anchor', 'positive');
  let dNeg = dist('anchor', 'negative');
  if (cfg.swap) dNeg = torchMinimum(dNeg, dist('positive', 'negative'));
  const dtype: DType = dPos.dtype === 'float64' || dNeg.dtype === 'float64' ? 'float64' : 'float32';
  const z = O.add(O.sub(dPos, dNeg), scalarNode(dtype === 'float32' ? Math.fround(cfg.margin as number) : cfg.margin as number, dtype));
  const none = O.clip(z, scalarNode(0, dtype), scalarNode(Infinity, dtype));
  const out = reduction === 'mean' ? O.reduce('mean', none, null) : reduction === 'sum' ? O.reduce('sum', none, null) : none;
  const round = dtype === 'float32' ? (a: Float64Array) => a.map(Math.fround) : (a: Float64Array) => a.slice();
  const tdt: 'float32' | 'float64' = dtype;
  const value: TorchTensor = { data: round(out.data), shape: out.shape.slice(), dtype: tdt };
  const gs = backward(out, names.map((k) => ids[k]));
  const grads: Record<string, TorchTensor> = {};
  names.forEach((k, i) => { grads[k] = { data: round(gs[i]), shape: ids[k].shape.slice(), dtype: tdt }; });
  const gradFn = reduction === 'mean' ? 'MeanBackward0' : reduction === 'sum' ? 'SumBackward0' : 'ClampBackward1';
  const anyGrad = names.some((k) => !!(vals[k] as TensorValue).node?.requiresGrad);
  const sum = none.data.reduce((a, b) => a + b, 0);
  const r: TorchResult = {
    loss: spec.id, callee, mode, reduction, config: cfg, dtype: tdt, value, perSample: { data: round(none.data), shape: none.shape.slice(), dtype: tdt }, grads,
    mean: reduction === 'mean' ? { numerator: sum, divisor: sizeOf(none.shape), text: 'triplets' } : null, gradFn,
    trace: { warnings: warnings.map((message) => ({ code: 'deprecated', message })), notes: [`distance_function = ${fnName}: evaluated by the snippet interpreter; its gradient is the autodiff of that code.`] },
    shapes: Object.fromEntries(names.map((k) => [k, ids[k].shape.slice()])),
  };
  const node = anyGrad ? makeNode(callee, value.data, value.shape, dtype, [out], (g) => [g]) : undefined;
  return { r, node };
}

/** torch.min(a, b) (binary): the smaller side gets the gradient, a tie splits it in halves (torch's minimum backward). */
function torchMinimum(a: Node, b: Node): Node {
  return O.binary('minimum', a, b, (x, y) => (x !== x || y !== y ? NaN : Math.min(x, y)), (x, y) => (x < y ? 1 : x === y ? 0.5 : 0), (x, y) => (y < x ? 1 : x === y ? 0.5 : 0));
}

for (const spec of TORCH_SPECS) {
  defineBuiltin([`torch.nn.${spec.id}`, `torch.nn.modules.loss.${spec.id}`], (c: BuiltinCall) => {
    const sig = TORCH_SIGNATURES[spec.id];
    // positional constructor arguments in torch's __init__ order (legacy size_average/reduce included)
    const b = bindPython(`${spec.id}.__init__`, [], sig?.init ?? [], sig?.initKwOnly ?? [], c.args, [...c.kwargs], true);
    if (b.error !== undefined) throw errAt(c.site, `TypeError: ${b.error}`, /unexpected keyword/.test(b.error) ? 'unknown-param' : 'param', { loss: `nn.${spec.id}`, argument: /'(\w+)'/.exec(b.error)?.[1] ?? '' });
    const config: Record<string, ParamValue> = {};
    let distance: Value | undefined;
    for (const [k, v] of b.values) {
      if (k === 'distance_function' && spec.params.some((p) => p.name === k)) { distance = v; continue; }
      config[k] = toParamValue(v, k, c.site);
    }
    // construction validates the keywords as torch's __init__ does (an unknown one is a TypeError)
    const probe = Object.keys(config).filter((k) => !['reduction', 'size_average', 'reduce', ...spec.params.map((p) => p.name)].includes(k));
    if (probe.length) throw errAt(c.site, `TypeError: ${spec.id}.__init__() got an unexpected keyword argument '${probe[0]}'`, 'unknown-param', { loss: `nn.${spec.id}`, argument: probe[0] });
    return callable(`nn.${spec.id}()`, (args, kwargs, site) => callTorch(c.interp, spec, 'module', { ...config }, args, kwargs, site, distance));
  });
  defineBuiltin([`torch.nn.functional.${spec.functionName}`], (c: BuiltinCall) => callTorch(c.interp, spec, 'functional', {}, c.args, c.kwargs, c.site));
}
