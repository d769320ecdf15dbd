/**
 * `loss-inspector`: the core from a terminal.
 *   eval --loss NAME --y-true LIT --y-pred LIT [--sample-weight LIT] [--config JSON] [--json]
 *   eval --loss nn.HuberLoss --input LIT --target LIT [--json]   (torch losses: torch's argument names as flags)
 *   eval --jsonl            (JSON lines on stdin → one JSON line out per input, in order; Keras or torch requests)
 *   list [--json]           every loss with its aliases and parameters
 *   explain NAME            the hover documentation of a loss, as Markdown
 *   run FILE [--json]       evaluate a Keras snippet file (see src/core/python)
 *   compare ...             the call beside its ports in Keras 3, tf.keras 2, PyTorch and optax (see ./compare)
 */
import * as fs from 'node:fs';
import { evaluate, formatFor, toJsonValue, LossInspectorError, ALL_SPECS, allParams, pyRepr, EvalResult, Nested, MAX_NESTING, tooDeep, evaluateTorchRequest, tryResolveTorch, formatTorch } from '../core';
import { parseArrayLiteralTensor } from '../core/literal';
import type { Tensor } from '../core/tensor';
import { explainMarkdown } from '../core/explain';
import { runCommand } from './run';
import { isTorchRequest, evalTorchJsonLine, torchArgsFromFlags, torchResultJson, torchFlags } from './torch';
import { compareJsonl, compareOnce } from './compare';

function usage(): never {
  process.stderr.write(`usage:
  loss-inspector eval --loss NAME --y-true LITERAL --y-pred LITERAL [--sample-weight LITERAL] [--config JSON] [--json]
  loss-inspector eval --loss nn.NAME|F.name --input LITERAL --target LITERAL [other torch arguments as --flags] [--config JSON] [--json]
  loss-inspector eval --jsonl < requests.jsonl     (Keras {"y_true", "y_pred"} or torch {"args", "dtypes"} requests)
  loss-inspector list [--json]
  loss-inspector explain NAME
  loss-inspector run FILE [--json]
  loss-inspector compare --loss NAME --y-true LITERAL --y-pred LITERAL [--config JSON] [--json]
  loss-inspector compare --jsonl < requests.jsonl
`);
  process.exit(2);
}

function flags(argv: string[]): { pos: string[]; opt: Record<string, string | true> } {
  const pos: string[] = [];
  const opt: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) opt[a.slice(2, eq)] = a.slice(eq + 1);
      else if (['json', 'jsonl', 'help'].includes(a.slice(2))) opt[a.slice(2)] = true;
      else if (i + 1 < argv.length) opt[a.slice(2)] = argv[++i];
      else opt[a.slice(2)] = true;
    } else pos.push(a);
  }
  return { pos, opt };
}

/** The JSON form of a result: value in Keras's exact output shape, per-sample values, gradient shaped like y_pred. */
export function resultJson(r: EvalResult): Record<string, unknown> {
  return {
    value: toJsonValue(r.value),
    per_sample: toJsonValue(r.perSample),
    grad: toJsonValue(r.grad),
    loss: r.callee,
    reduction: r.reduction ? { kind: r.reduction.reduction, numerator: r.reduction.numerator, divisor: r.reduction.divisor, unreduced: r.reduction.unreduced } : null,
    warnings: r.trace.warnings.map((w) => w.message),
    notes: r.trace.notes,
    clipped: r.trace.clipped ? r.trace.clipped.count : 0,
    printed: formatFor(r.value, r.framework ?? 'keras'),
  };
}

/**
 * JSON lines carry NaN/Infinity as "nan"/"inf" strings or as the literals Python's json writes. Values nested deeper
 * than MAX_NESTING are refused naming the argument (JSON.parse reads any depth; this walk recurses per level).
 */
export function fromJsonNumbers(x: unknown, loss: string, argument: string, depth = 0): Nested {
  if (depth > MAX_NESTING) throw tooDeep(loss, argument);
  if (typeof x === 'string') {
    const s = x.trim().toLowerCase();
    if (s === 'nan') return NaN;
    if (s === 'inf' || s === 'infinity' || s === '+inf') return Infinity;
    if (s === '-inf' || s === '-infinity') return -Infinity;
  }
  if (Array.isArray(x)) return x.map((v) => fromJsonNumbers(v, loss, argument, depth + 1));
  return x as Nested;
}

export function parseJsonLine(line: string): unknown {
  // Python's json.dumps writes NaN/Infinity bare; accept them.
  return JSON.parse(line.replace(/(?<=[[,:\s])(-?)(NaN|Infinity)(?=\s*[\],}])/g, (_m, sign, w) => `"${sign}${w === 'NaN' ? 'nan' : 'inf'}"`));
}

function evalJsonLine(line: string): Record<string, unknown> {
  let req: Record<string, unknown>;
  try {
    req = parseJsonLine(line) as Record<string, unknown>;
  } catch (e) {
    return { error: `malformed JSON line: ${(e as Error).message}` };
  }
  if (!req || typeof req !== 'object' || Array.isArray(req)) return { error: 'expected a JSON object {"loss", "config", "y_true", "y_pred", "sample_weight"}' };
  if (isTorchRequest(req)) return evalTorchJsonLine(line);
  try {
    if (typeof req.loss !== 'string') return { error: 'missing "loss": expected a loss name string' };
    const config = (req.config ?? {}) as Record<string, unknown>;
    if (typeof config !== 'object' || Array.isArray(config)) return { error: `${req.loss}: "config" must be an object of keyword arguments` };
    // No prototype: a "__proto__" key stays an own key (and is refused as an unknown parameter) instead of
    // replacing the object's prototype and vanishing.
    const cfg: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(config)) cfg[k] = fromJsonNumbers(v, req.loss, k);
    const r = evaluate({
      loss: req.loss, yTrue: fromJsonNumbers(req.y_true, req.loss, 'y_true'), yPred: fromJsonNumbers(req.y_pred, req.loss, 'y_pred'),
      sampleWeight: req.sample_weight == null ? null : fromJsonNumbers(req.sample_weight, req.loss, 'sample_weight'), config: cfg as Record<string, never>,
      mode: req.mode === 'function' || req.mode === 'class' ? req.mode : undefined,
    });
    const j = resultJson(r);
    return { value: j.value, per_sample: j.per_sample, grad: j.grad };
  } catch (e) {
    return { error: e instanceof LossInspectorError ? e.message : `internal error: ${(e as Error).message}` };
  }
}

/**
 * The lines of a JSON-lines stream: split on "\n" only, one "\r" before it dropped. A bare "\r" inside a request is
 * JSON whitespace, not a line break (readline would split there and put every later answer out of step). The text
 * after the last "\n", if any, is a line too. A line spread over many chunks is joined once (no quadratic concat).
 */
export async function* jsonLines(input: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pieces: string[] = [];
  const line = (last: string) => {
    const s = pieces.length ? pieces.join('') + last : last;
    pieces = [];
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      yield line(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) pieces.push(text.slice(start));
  }
  const tail = decoder.decode();
  if (tail) pieces.push(tail);
  if (pieces.length) yield line('');
}

/** `eval --jsonl`: exactly one answer line per input line, in order (a blank line is answered with an error too). */
export async function evalJsonl(input: AsyncIterable<string | Buffer>, write: (s: string) => void): Promise<void> {
  for await (const line of jsonLines(input)) {
    write(JSON.stringify(line.trim() === '' ? { error: 'empty line: expected a JSON object {"loss", "config", "y_true", "y_pred", "sample_weight"}' } : evalJsonLine(line)) + '\n');
  }
}

/** Any literal users paste: Python/JSON lists, np.array(...)/tf.constant(...) wrappers, NumPy's printed `array([...], dtype=float32)`. */
function literal(s: string, what: string): Tensor {
  return parseArrayLiteralTensor(s, what);
}

/** `eval --loss nn.HuberLoss --input LIT --target LIT [--config JSON] [--json]`: printed as torch prints the result. */
function evalTorchOnce(opt: Record<string, string | true>): number {
  const r0 = tryResolveTorch(opt.loss as string)!;
  try {
    const { args, dtypes } = torchArgsFromFlags(r0.spec, opt);
    const missing = r0.spec.args.filter((a) => !(a.name in args));
    if (missing.length) { process.stderr.write(`loss-inspector eval: ${opt.loss} takes ${torchFlags(r0.spec)}; missing --${missing[0].name.replace(/_/g, '-')}\n`); return 2; }
    const config = typeof opt.config === 'string' ? JSON.parse(opt.config) : {};
    const r = evaluateTorchRequest({ loss: opt.loss as string, config, args, dtypes });
    if (opt.json) process.stdout.write(JSON.stringify(torchResultJson(r)) + '\n');
    else {
      process.stdout.write(formatTorch(r.value, r.dtype) + '\n');
      for (const w of r.trace.warnings) process.stderr.write(`warning: ${w.message}\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

function evalOnce(opt: Record<string, string | true>): number {
  if (typeof opt.loss === 'string' && tryResolveTorch(opt.loss)) return evalTorchOnce(opt);
  const need = (k: string) => { if (typeof opt[k] !== 'string') { process.stderr.write(`loss-inspector eval: missing --${k}\n`); process.exit(2); } return opt[k] as string; };
  try {
    const config = typeof opt.config === 'string' ? JSON.parse(opt.config) : {};
    const r = evaluate({
      loss: need('loss'), yTrue: literal(need('y-true'), 'y_true'), yPred: literal(need('y-pred'), 'y_pred'),
      sampleWeight: typeof opt['sample-weight'] === 'string' ? literal(opt['sample-weight'], 'sample_weight') : null, config,
    });
    if (opt.json) process.stdout.write(JSON.stringify(resultJson(r)) + '\n');
    else {
      process.stdout.write(formatFor(r.value, r.framework ?? 'keras') + '\n');
      for (const w of r.trace.warnings) process.stderr.write(`warning: ${w.message}\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

function list(json: boolean): void {
  const rows = ALL_SPECS.map((s) => ({
    id: s.id, framework: s.framework, family: s.family, function: s.functionName, aliases: s.aliases,
    params: allParams(s, true).map((p) => ({ name: p.name, default: p.default, type: p.type })),
    summary: s.doc.summary,
  }));
  if (json) { process.stdout.write(JSON.stringify(rows, null, 1) + '\n'); return; }
  for (const r of rows) {
    const names = [r.function, ...r.aliases].filter(Boolean).join(', ');
    process.stdout.write(`${r.framework === 'tfa' ? 'tfa.losses.' : r.framework === 'optax' ? '' : 'keras.losses.'}${r.id}${names ? `  (${names})` : ''}\n    ${r.params.map((p) => `${p.name}=${pyRepr(p.default)}`).join(', ')}\n    ${r.summary}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { pos, opt } = flags(rest);
  switch (cmd) {
    case 'eval':
      if (opt.jsonl) { await evalJsonl(process.stdin, (s) => process.stdout.write(s)); return 0; }
      return evalOnce(opt);
    case 'list':
      list(!!opt.json); return 0;
    case 'explain': {
      if (!pos[0]) usage();
      try { process.stdout.write(explainMarkdown(pos[0], { images: false }) + '\n'); return 0; } catch (e) { process.stderr.write(`error: ${(e as Error).message}\n`); return 1; }
    }
    case 'compare':
      if (opt.jsonl) { await compareJsonl(process.stdin, (s) => process.stdout.write(s)); return 0; }
      return compareOnce(opt);
    case 'run':
      if (!pos[0]) usage();
      return runCommand(pos[0], !!opt.json, fs);
    default:
      usage();
  }
}

if (require.main === module) {
  // `loss-inspector list | head`: a closed pipe ends the output quietly instead of crashing.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { process.stderr.write(`internal error: ${e.stack ?? e}\n`); process.exitCode = 70; });
}
