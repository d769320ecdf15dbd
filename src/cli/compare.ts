/**
 * `loss-inspector compare`: one loss call next to its ports in Keras 3, tf.keras 2, PyTorch and optax.
 *   compare --jsonl            the requests of `eval --jsonl` (Keras/optax: y_true, y_pred; torch: input/target or
 *                              y_pred/y_true, optional "dtypes") → {"rows": [{framework, call, value, grad, same_as_source, why}]}
 *   compare --loss NAME --y-true LIT --y-pred LIT [--config JSON] [--json]   prints the table
 */
import { compareFrameworks, LossInspectorError, type CompareResult, type Nested, type ParamValue } from '../core';
import { float32Digits } from '../core/format';
import { parseArrayLiteralTensor } from '../core/literal';
import { fromJsonNumbers, jsonLines, parseJsonLine } from './main';
import { isTorchRequest, torchRequestOfLine } from './torch';

/** A row's JSON form; NaN/±inf as "nan"/"inf" like the other JSON answers. */
export function compareJson(r: CompareResult): Record<string, unknown> {
  const safe = (x: Nested | null): unknown => (x === null ? null : Array.isArray(x) ? x.map((v) => safe(v)) : Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : x);
  return {
    rows: r.rows.map((row) => ({ framework: row.framework, call: row.call, value: safe(row.value), grad: safe(row.grad), same_as_source: row.same_as_source, why: row.why, role: row.role, ...(row.error ? { error: row.error } : {}) })),
    notes: r.notes,
    warnings: r.warnings,
  };
}

function compareLine(line: string): Record<string, unknown> {
  let req: Record<string, unknown>;
  try { req = parseJsonLine(line) as Record<string, unknown>; } catch (e) { return { error: `malformed JSON line: ${(e as Error).message}` }; }
  if (!req || typeof req !== 'object' || Array.isArray(req)) return { error: 'expected a JSON object {"loss", "config", "y_true", "y_pred"}' };
  if (typeof req.loss !== 'string') return { error: 'missing "loss": expected a loss name string' };
  const loss = req.loss;
  try {
    if (isTorchRequest(req) && req.args) {
      // The torch form of eval --jsonl: {"loss", "config", "args": {"input", "target"}, "dtypes"}, 1.0 kept apart from 1.
      const t = torchRequestOfLine(line);
      if ('error' in t) return t;
      const a = t.args as Record<string, Nested>;
      // (input, target), or the loss's own argument names (anchor/positive/negative, input1/input2/target)
      if (a.input === undefined || a.target === undefined) return compareJson(compareFrameworks({ loss, config: t.config, yTrue: [], yPred: [], args: a, dtypes: t.dtypes }));
      return compareJson(compareFrameworks({ loss, config: t.config, yTrue: a.target, yPred: a.input, dtypes: t.dtypes }));
    }
    const config = (req.config ?? {}) as Record<string, unknown>;
    if (typeof config !== 'object' || Array.isArray(config)) return { error: `${loss}: "config" must be an object of keyword arguments` };
    const cfg: Record<string, ParamValue> = Object.create(null);
    for (const [k, v] of Object.entries(config)) cfg[k] = fromJsonNumbers(v, loss, k) as ParamValue;
    const args = (req.args ?? {}) as Record<string, unknown>;
    const yTrue = req.y_true ?? req.target ?? args.target, yPred = req.y_pred ?? req.input ?? args.input;
    if (yTrue === undefined || yPred === undefined) return { error: `${loss}: expected "y_true" and "y_pred" (torch: "target" and "input")` };
    const r = compareFrameworks({
      loss, config: cfg, yTrue: fromJsonNumbers(yTrue, loss, 'y_true'), yPred: fromJsonNumbers(yPred, loss, 'y_pred'),
      sampleWeight: req.sample_weight == null ? null : fromJsonNumbers(req.sample_weight, loss, 'sample_weight'),
      dtypes: (req.dtypes ?? undefined) as never, semantics: req.semantics === 'keras2' ? 'keras2' : undefined,
    });
    return compareJson(r);
  } catch (e) {
    return { error: e instanceof LossInspectorError ? e.message : `internal error: ${(e as Error).message}` };
  }
}

/** `compare --jsonl`: one answer line per input line, in order. */
export async function compareJsonl(input: AsyncIterable<string | Buffer>, write: (s: string) => void): Promise<void> {
  for await (const line of jsonLines(input)) write(JSON.stringify(line.trim() === '' ? { error: 'empty line: expected a JSON object {"loss", "config", "y_true", "y_pred"}' } : compareLine(line)) + '\n');
}

function short(v: Nested | null): string {
  if (v === null) return '—';
  if (!Array.isArray(v)) return float32Digits(v);
  const flat = (v as unknown[]).flat(Infinity) as number[];
  const s = flat.slice(0, 4).map(float32Digits).join(', ');
  return `[${s}${flat.length > 4 ? ', …' : ''}]`;
}

/** The rows as an aligned text table (framework, value, same, call), each differing row's why under it. */
export function compareTable(r: CompareResult): string {
  const head = ['framework', 'value', 'same', 'call'];
  const rows = r.rows.map((x) => [x.framework + (x.role === 'source' ? ' *' : ''), short(x.value), x.role === 'source' ? 'source' : x.same_as_source ? 'yes' : 'no', x.call]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]))).join('  ');
  const out = [fmt(head), fmt(w.map((n) => '-'.repeat(n)))];
  r.rows.forEach((x, i) => { out.push(fmt(rows[i])); if (x.why) out.push(`${' '.repeat(w[0] + 2)}↳ ${x.why}`); });
  for (const w of r.warnings) out.push(`warning: ${w}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

export function compareOnce(opt: Record<string, string | true>): number {
  const need = (k: string) => { if (typeof opt[k] !== 'string') { process.stderr.write(`loss-inspector compare: missing --${k}\n`); process.exit(2); } return opt[k] as string; };
  try {
    const config = typeof opt.config === 'string' ? JSON.parse(opt.config) : {};
    const r = compareFrameworks({ loss: need('loss'), config, yTrue: parseArrayLiteralTensor(need('y-true'), 'y_true'), yPred: parseArrayLiteralTensor(need('y-pred'), 'y_pred') });
    process.stdout.write((opt.json ? JSON.stringify(compareJson(r)) : compareTable(r)) + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}
