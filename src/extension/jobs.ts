/**
 * One evaluation job, runnable on the extension host or in the worker (no vscode here): a snippet (every call
 * evaluated) or two array literals with a chosen loss. The output is structured-clone safe and keeps every array
 * as a Tensor (a Float64Array the worker transfers, not copies): nothing here builds nested JS arrays of the
 * inputs, which for 1e6 elements took longer to clone onto the host than the evaluation itself.
 */
import type { EvalResult } from '../core/evaluate';
import type { Config, ParamValue } from '../core/spec';
import type { Nested, Tensor } from '../core/tensor';
import type { TorchDtype } from '../core/torch/types';
import { evaluate } from '../core/evaluate';
import { LossInspectorError } from '../core/errors';
import { formatFor, float32Digits } from '../core/format';
import { sizeOf } from '../core/tensor';
import { parseTwoArrays, type TwoArrays } from '../core/arrays';
import { tryResolveLoss } from '../core/registry';
import type { TorchResult, TorchSpec, TorchTensor } from '../core/torch/types';
import { literalDtype, looksSwapped, torchRoles } from './model/torchArgs';
import * as torchCore from '../core/torch'; // static: the modules that import jobs.ts load the torch core anyway
import type { SnippetResult } from '../core/python';
import { loadSnippetCore } from './lazyCore';
import type { SerializableRequest } from '../shared/protocol';
import { l10n } from './model/l10n';
import { INPUT_TOO_LARGE } from './constants';

export interface JobLimits { maxInputChars: number; maxDepth: number; semantics?: 'auto' | 'keras3' | 'keras2' }

export type EvalJob =
  | { kind: 'snippet'; text: string; limits: JobLimits }
  | { kind: 'arrays'; text: string; loss: string; config: Config; limits: JobLimits; swap?: boolean };

/**
 * How the arrays of a two-array job were given to a torch loss: argument names, the arrays (name, 1-based line in
 * the job's text), which array is each argument, and why (names, selection order, Swap). The host writes the note.
 */
export interface TorchPlacement {
  args: string[];
  arrays: { name: string | null; line: number }[];
  items: number[];
  byName: boolean;
  swapped: boolean;
  /** The input holds only integers and the target fractions: perhaps Keras's order. */
  looksSwapped: boolean;
  dtypes: Record<string, string>;
  /** The loss and parameters as chosen (for Swap, which computes again). */
  loss: string;
  config: Config;
}

export interface JobResult {
  /** Offsets into the job's text (end exclusive) of the statement holding the call. */
  offset: number;
  end: number;
  /** 1-based lines, in the job's text, where the call starts and where its statement ends. */
  line: number;
  lineEnd: number;
  text: string;
  printed: string;
  result: EvalResult;
  request?: SerializableRequest;
  /** For a user-defined loss: the snippet that defines it (the panel re-evaluates the loss from it). */
  customSource?: string;
  notes: string[];
  /** Two arrays given to a torch loss: which is input and which target. */
  torch?: TorchPlacement;
}

export interface JobDiagnostic { offset: number; length: number; message: string; severity: 'error' | 'warning' | 'info'; code?: string }

export interface JobOutput {
  kind: 'snippet' | 'arrays';
  results: JobResult[];
  diagnostics: JobDiagnostic[];
  /** Set when the input was longer than lossInspector.maxInputChars (nothing was evaluated). */
  refused?: { chars: number; limit: number };
  /** Set when the user cancelled the evaluation. */
  cancelled?: boolean;
}

export { INPUT_TOO_LARGE };

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as Tensor).data instanceof Float64Array;
}

/** Elements of an array argument (a Tensor or nested lists). */
export function elementsOf(x: Tensor | Nested | null | undefined): number {
  if (x == null) return 0;
  if (isTensor(x)) return sizeOf(x.shape);
  if (!Array.isArray(x)) return 1;
  let n = 1;
  let cur: unknown = x;
  while (Array.isArray(cur)) { n *= cur.length; cur = cur[0]; }
  return n;
}

/** A request in the panel's form (loss by id; arrays as Tensors, or nested lists where the snippet gave them). */
export function serializableRequest(req: SnippetResult['request']): SerializableRequest | undefined {
  if (!req) return undefined;
  return {
    loss: typeof req.loss === 'string' ? req.loss : req.loss.id,
    yTrue: req.yTrue, yPred: req.yPred,
    ...(req.sampleWeight != null ? { sampleWeight: req.sampleWeight } : {}),
    ...(req.config ? { config: req.config } : {}),
    ...(req.mode ? { mode: req.mode } : {}),
  };
}

/**
 * A PyTorch call of a snippet in the panel's form: torch's first argument as yPred, its second as yTrue, the others
 * in `args`, every dtype kept (the call's arguments arrive in torch's order).
 */
export function torchSerializableRequest(t: NonNullable<EvalResult['torchRequest']>): SerializableRequest {
  const names = Object.keys(t.args);
  const dtypes: Record<string, TorchDtype> = {};
  for (const n of names) dtypes[n] = t.args[n].dtype;
  const rest: Record<string, Tensor> = {};
  for (const n of names.slice(2)) rest[n] = t.args[n];
  // A keyword tensor of the snippet (weight=torch.tensor([0.2, 1.0])) holds float32 values (0.20000000298…): the
  // panel's controls and Python export show them as written (0.2), and torch rounds them to the same float32 again.
  const short = (v: ParamValue): ParamValue => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) && Math.fround(v) === v ? Number(float32Digits(v))
    : Array.isArray(v) ? (v as ParamValue[]).map(short) as ParamValue : v);
  const config: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(t.config)) config[k] = short(v);
  return {
    loss: t.loss, framework: 'torch', mode: t.mode === 'module' ? 'class' : 'function',
    yPred: t.args[names[0]], yTrue: t.args[names[1]], ...(names.length > 2 ? { args: rest } : {}),
    dtypes, config,
  };
}

/**
 * The answer for an input longer than lossInspector.maxInputChars, or null. The runner asks this on the extension
 * host before handing a large job to the worker, so the message is in the display language (the worker has no
 * vscode.l10n).
 */
export function refusedJob(job: EvalJob): JobOutput | null {
  const { text, limits } = job;
  if (text.length <= limits.maxInputChars) return null;
  const message = l10n.t('The input has {0} characters, more than lossInspector.maxInputChars ({1}). Select less, or raise the setting.', text.length.toLocaleString('en-US'), limits.maxInputChars.toLocaleString('en-US'));
  return { kind: job.kind, results: [], diagnostics: [{ offset: 0, length: 1, message, severity: 'error', code: INPUT_TOO_LARGE }], refused: { chars: text.length, limit: limits.maxInputChars } };
}

/** Where an error of an arrays job points: its own offset, else the literal it is about, else the whole text. */
function arraysErrorRange(e: LossInspectorError, text: string, ranges: [number, number][] | null): [number, number] {
  if (e.details.offset !== undefined) return [e.details.offset, e.details.length ?? 1];
  // ranges are in source order; the parser may have assigned roles by name (y_pred = ... first), so use the
  // literal the error's shape mentions when it can be told apart, else the source order.
  if (ranges && e.details.argument === 'y_true' && ranges[0]) return [ranges[0][0], ranges[0][1] - ranges[0][0]];
  if (ranges && e.details.argument === 'y_pred' && ranges[1]) return [ranges[1][0], ranges[1][1] - ranges[1][0]];
  if (ranges && e.details.argument === 'sample_weight' && ranges[2]) return [ranges[2][0], ranges[2][1] - ranges[2][0]];
  const lead = text.length - text.trimStart().length;
  return [lead, Math.max(1, text.trim().length)];
}

/** Runs a job (a snippet loads the snippet evaluator first). Bad input becomes diagnostics; only bugs throw. */
export async function runJob(job: EvalJob): Promise<JobOutput> {
  const refused = refusedJob(job);
  if (refused) return refused;
  if (job.kind === 'snippet') {
    const { evaluateSnippet, customRequestOf } = await loadSnippetCore();
    const out = evaluateSnippet(job.text, { limits: { maxChars: job.limits.maxInputChars, maxDepth: job.limits.maxDepth }, semantics: job.limits.semantics ?? 'auto' });
    return {
      kind: 'snippet',
      results: out.results.map((r) => {
        // A user-defined loss has no built-in request: its inputs come from the custom-loss core, and the panel
        // re-evaluates it from the snippet's text (with Keras's wrapping, as compile(loss=...) would).
        const custom = r.request ? null : customRequestOf(r.result);
        const request = r.request ? serializableRequest(r.request)
          : r.result.torchRequest ? torchSerializableRequest(r.result.torchRequest)
          : custom && custom.yTrue !== null ? { loss: custom.loss, yTrue: custom.yTrue, yPred: custom.yPred, ...(custom.sampleWeight != null ? { sampleWeight: custom.sampleWeight } : {}), ...(custom.config ? { config: custom.config } : {}) } // no mode: the panel applies Keras's wrapping
            : undefined;
        return { offset: r.offset, end: r.end, line: r.line, lineEnd: r.lineEnd, text: r.text, printed: r.printed, result: r.result, request, ...(custom && request ? { customSource: job.text } : {}), notes: r.notes ?? [] };
      }),
      diagnostics: out.diagnostics.map((d) => ({ offset: d.offset, length: d.length, message: d.message, severity: d.severity })),
    };
  }
  let ranges: [number, number][] | null = null;
  try {
    const parsed = parseTwoArrays(job.text, { limits: { maxChars: job.limits.maxInputChars, maxDepth: job.limits.maxDepth } });
    ranges = parsed.ranges.map((r) => [r.start, r.end] as [number, number]);
    // A torch spelling (nn.CrossEntropyLoss, F.mse_loss, …) is none of Keras's names: the torch core.
    if (!tryResolveLoss(job.loss)) {
      const resolved = torchCore.tryResolveTorch(job.loss);
      if (resolved) return torchArrays(job, parsed, resolved.spec, torchCore);
    }
    // Like a compile string: any spelling (even a function name) means the loss object, reduced as Keras reduces it.
    const result = evaluate({ loss: job.loss, yTrue: parsed.yTrue, yPred: parsed.yPred, sampleWeight: parsed.sampleWeight ?? null, config: job.config, mode: 'class', semantics: job.limits.semantics === 'keras2' ? 'keras2' : 'keras3' });
    const lead = job.text.length - job.text.trimStart().length;
    const endOff = job.text.trimEnd().length;
    const lineAt = (off: number) => { let n = 1; for (let k = 0; k < off; k++) if (job.text.charCodeAt(k) === 10) n++; return n; };
    return {
      kind: 'arrays',
      results: [{
        offset: lead, end: endOff, line: lineAt(lead), lineEnd: lineAt(Math.max(lead, endOff - 1)), text: job.text.trim().slice(0, 200), printed: formatFor(result.value, result.framework ?? 'keras'), result,
        request: { loss: job.loss, yTrue: parsed.yTrue, yPred: parsed.yPred, ...(parsed.sampleWeight ? { sampleWeight: parsed.sampleWeight } : {}), config: job.config, mode: 'class' },
        notes: [],
      }],
      diagnostics: [],
    };
  } catch (e) {
    if (!(e instanceof LossInspectorError)) {
      // parse errors from literal scanning are LossInspectorErrors too; anything else is reported as is
      return { kind: 'arrays', results: [], diagnostics: [{ offset: 0, length: Math.max(1, job.text.length), message: l10n.t('Internal error: {0}', (e as Error).message), severity: 'error' }] };
    }
    const [offset, length] = arraysErrorRange(e, job.text, ranges);
    return { kind: 'arrays', results: [], diagnostics: [{ offset, length, message: e.message, severity: 'error' }] };
  }
}

function lineIn(text: string, off: number): number {
  let n = 1;
  for (let k = 0; k < off; k++) if (text.charCodeAt(k) === 10) n++;
  return n;
}

/**
 * Two or three arrays given to a torch loss as the module would be called, `nn.X(**config)(input, target)`: each
 * array placed by its name or the selection order (torch's order, prediction first; `swap` exchanges input and
 * target), with the dtype torch.tensor infers from its text (int64 from integer literals: class indices for
 * CrossEntropyLoss), printed as torch prints it (`tensor(0.9391)`).
 */
function torchArrays(job: Extract<EvalJob, { kind: 'arrays' }>, parsed: TwoArrays, spec: TorchSpec, torch: typeof import('../core/torch')): JobOutput {
  const argNames = spec.args.map((a) => a.name);
  const callee = `nn.${spec.id}`;
  const items = parsed.items;
  if (items.length !== argNames.length) {
    const missing = argNames[items.length];
    throw new LossInspectorError(l10n.t('{0} is called with {1} tensors ({2}); the selection has {3} arrays. Select one array per argument.', callee, argNames.length, argNames.join(', '), items.length),
      { loss: callee, argument: missing ?? argNames[argNames.length - 1], code: 'missing-argument', expected: `${argNames.length} arrays (${argNames.join(', ')})`, received: `${items.length} arrays`, offset: 0, length: Math.max(1, job.text.trimEnd().length) });
  }
  const roles = torchRoles(items.map((i) => i.name), argNames, !!job.swap);
  const args: Record<string, TorchTensor> = {};
  const dtypes: Record<string, TorchDtype> = {};
  argNames.forEach((a, k) => {
    const it = items[roles.items[k]];
    dtypes[a] = literalDtype(job.text.slice(it.start, it.end));
    // The literal's numbers are float64; torch.tensor rounds them to the inferred dtype.
    args[a] = torch.toTorchTensor({ ...it.tensor, dtype: 'float64' }, dtypes[a], callee, a);
  });
  let r: TorchResult;
  try {
    r = torch.evaluateTorch({ loss: spec, mode: 'module', config: job.config, args, dtypes });
  } catch (e) {
    // An error about one argument points at the array given as it.
    if (!(e instanceof LossInspectorError)) throw e;
    // Class indices or 0/1 labels first: probably Keras's order, which Swap fixes.
    const err = looksSwapped(argNames, dtypes) && !roles.swapped
      ? new LossInspectorError(`${e.message} ${l10n.t("The input holds only integers and the target has fractions: the arrays may be in Keras's order (y_true first). Run Compute Loss again and choose Swap input and target.")}`, e.details)
      : e;
    if (err.details.offset === undefined && err.details.argument && argNames.includes(err.details.argument)) {
      const it = items[roles.items[argNames.indexOf(err.details.argument)]];
      throw err.at(it.start, it.end - it.start);
    }
    throw err;
  }
  const printed = torch.formatTorch(r.value, r.dtype);
  const result = torch.torchAsEvalResult(r, printed);
  const lead = job.text.length - job.text.trimStart().length;
  const endOff = job.text.trimEnd().length;
  return {
    kind: 'arrays',
    results: [{
      offset: lead, end: endOff, line: lineIn(job.text, lead), lineEnd: lineIn(job.text, Math.max(lead, endOff - 1)), text: job.text.trim().slice(0, 200), printed, result,
      // The panel's torch request (first argument as yPred, second as yTrue, the rest in args, every dtype).
      request: torchSerializableRequest({ loss: callee, mode: 'module', config: job.config, args }),
      notes: [],
      torch: {
        args: argNames, arrays: items.map((it) => ({ name: it.name, line: lineIn(job.text, it.start) })), items: roles.items, byName: roles.byName, swapped: roles.swapped,
        looksSwapped: looksSwapped(argNames, dtypes), dtypes, loss: callee, config: job.config,
      },
    }],
    diagnostics: [],
  };
}

/** A value the limit could be raised to so that `chars` characters are admitted: 25 % headroom, whole millions. */
export function suggestedLimit(chars: number): number {
  return Math.max(1_000_000, Math.ceil((chars * 1.25) / 1_000_000) * 1_000_000);
}

/**
 * The ArrayBuffers of an output worth transferring rather than copying (typed arrays of 64 KiB and more), each
 * once. Only for an output whose worker ends after posting it: transferring detaches the worker's copies.
 */
export function transferables(out: unknown): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  const visited = new Set<object>();
  const stack: unknown[] = [out];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object' || visited.has(v)) continue;
    visited.add(v);
    if (ArrayBuffer.isView(v)) {
      if (v.byteLength >= 65536 && v.buffer instanceof ArrayBuffer) seen.add(v.buffer);
      continue;
    }
    if (Array.isArray(v)) {
      // Nested number lists hold nothing to transfer; only look inside arrays of objects.
      if (v.length && typeof v[0] === 'object') for (const x of v) stack.push(x);
      continue;
    }
    for (const x of Object.values(v as Record<string, unknown>)) if (x && typeof x === 'object') stack.push(x);
  }
  return [...seen];
}
