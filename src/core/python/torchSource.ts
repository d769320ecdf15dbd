/**
 * A torch request whose TripletMarginWithDistanceLoss `distance_function` is Python source text (the CLI's
 * `eval --jsonl`: "distance_function": "lambda x, y: 1 - F.cosine_similarity(x, y)"): the text is evaluated by the
 * snippet interpreter, the one Python evaluator the extension uses (torch, torch.nn as nn, torch.nn.functional as F
 * and math imported), and the loss is computed as a snippet computes it, the gradient being the autodiff of that code.
 */
import { parser } from '@lezer/python';
import { Interpreter } from './interp';
import { EvalSession } from './session';
import { kids } from './syntax';
import { typeName, type Value, type TensorValue } from './values';
import { tripletWithDistanceResult } from './torch';
import { LossInspectorError } from '../errors';
import { tryResolveTorch, torchSpec } from '../torch/registry';
import { toTorchTensor } from '../torch/base';
import { evaluateTorch } from '../torch/evaluate';
import type { TorchRequest, TorchResult } from '../torch/types';
import type { ParamValue } from '../spec';

const PRELUDE = 'import math\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

/** True when the request gives TripletMarginWithDistanceLoss a distance_function other than None (then: evaluateTorchWithSource). */
export function hasDistanceSource(req: TorchRequest): boolean {
  const name = typeof req.loss === 'string' ? tryResolveTorch(req.loss)?.spec.id : req.loss.id;
  const d = req.config?.distance_function;
  return name === 'TripletMarginWithDistanceLoss' && d !== undefined && d !== null;
}

/** Evaluates such a request; throws a LossInspectorError naming distance_function when the text is not a callable. */
export function evaluateTorchWithSource(req: TorchRequest): TorchResult {
  const resolved = typeof req.loss === 'string' ? tryResolveTorch(req.loss) : { spec: req.loss, mode: req.mode ?? 'module' as const };
  const spec = resolved?.spec ?? torchSpec('TripletMarginWithDistanceLoss')!;
  const mode = req.mode ?? resolved?.mode ?? 'module';
  const callee = mode === 'module' ? `nn.${spec.id}` : `F.${spec.functionName}`;
  const src = req.config?.distance_function;
  const EXPECTED = 'a callable (a, b) → distances as Python source, e.g. "lambda x, y: 1 - F.cosine_similarity(x, y)" or "F.pairwise_distance"';
  const bad = (received: string) => new LossInspectorError(`${callee}: argument \`distance_function\`: expected ${EXPECTED}, received ${received}.`,
    { loss: callee, argument: 'distance_function', code: 'type', expected: EXPECTED, received });
  if (typeof src !== 'string' || !src.trim()) throw bad(`${JSON.stringify(src)} (not Python source text)`);
  // the text on its own lines inside parentheses: a lambda, a name (F.pairwise_distance) or any expression; a
  // `def` (several lines) is run as it is and the function it defines last is taken
  const isDef = /^\s*def\s+\w+/m.test(src);
  const text = PRELUDE + (isDef ? `${src}\n` : `distance_function = (\n${src}\n)\n`);
  const interp = new Interpreter(text, text, new EvalSession(), { collectResults: false });
  try {
    for (const st of kids(parser.parse(text).topNode)) interp.runStrict(st);
  } catch (e) {
    const msg = e instanceof LossInspectorError ? e.message : (e as Error).message;
    throw bad(`${JSON.stringify(src)}, which does not evaluate: ${msg}`);
  }
  const defName = isDef ? [...src.matchAll(/^\s*def\s+(\w+)/gm)].pop()![1] : 'distance_function';
  const fn: Value | undefined = interp.globals.get(defName);
  if (!fn || !isCallable(fn)) {
    const what = !fn ? 'nothing' : fn.kind === 'opaque' ? `a name the evaluator does not know (${fn.what})` : `a value of type ${typeName(fn)}`;
    throw bad(`${JSON.stringify(src)}, ${what}`);
  }
  const vals: Record<string, TensorValue> = {};
  for (const a of spec.args) {
    const given = req.args[a.name];
    if (given === undefined) continue; // tripletWithDistanceResult names the missing argument as torch does
    const t = toTorchTensor(given as never, req.dtypes?.[a.name], callee, a.name);
    vals[a.name] = { kind: 'tensor', tensor: { data: t.data, shape: t.shape.slice() }, dtype: t.dtype };
  }
  const config: Record<string, ParamValue> = { ...(req.config ?? {}) };
  delete config.distance_function;
  let r: TorchResult;
  try {
    ({ r } = tripletWithDistanceResult(interp, spec, mode, callee, config, fn, vals, { offset: 0, length: 0 }));
  } catch (e) {
    // an error of the tensors (a missing anchor, shapes) names its argument; one from calling the text names none
    if (e instanceof LossInspectorError && !e.details.argument) throw bad(`${JSON.stringify(src)}, whose call fails: ${e.message}`);
    throw e;
  }
  r.config.distance_function = src;
  return r;
}

function isCallable(v: Value): boolean {
  // a module path (F.pairwise_distance) is called by the interpreter's builtins; one that is not a function fails there
  return v.kind === 'callable' || v.kind === 'module' || v.kind === 'lossref' || v.kind === 'loss' || (v.kind === 'object' && !!(v.call || v.entity));
}

/** evaluateTorch, or evaluateTorchWithSource when the request carries a distance_function's source text. */
export function evaluateTorchRequest(req: TorchRequest): TorchResult {
  return hasDistanceSource(req) ? evaluateTorchWithSource(req) : evaluateTorch(req);
}
