/** `loss-inspector run FILE [--json]`: evaluates a Keras snippet file and prints each result with its line. */
import type * as fsT from 'node:fs';
import { evaluateSnippet } from '../core/python';
import { toJsonValue } from '../core/format';

/** Prints results (stdout) and diagnostics (stderr); --json prints one object. Exit 0 unless the file cannot be read or an error diagnostic came out. */
export function runCommand(file: string, json: boolean, fs: typeof fsT): number {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`error: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const { results, diagnostics, stdout, stdoutGaps } = evaluateSnippet(source);
  if (json) {
    process.stdout.write(JSON.stringify({
      results: results.map((r) => ({ line: r.line, value: toJsonValue(r.result.value) })),
      diagnostics: diagnostics.map((d) => ({ line: d.line, column: d.column, message: d.message, severity: d.severity })),
      // what Python would print; lines whose print we do not reproduce are left out and listed
      stdout: stdout ?? '', stdout_omitted_lines: stdoutGaps ?? [],
    }) + '\n');
  } else {
    for (const r of results) {
      process.stdout.write(`${file}:${r.line}: ${r.printed}\n`);
      for (const n of r.notes) process.stdout.write(`    note: ${n}\n`);
    }
    for (const d of diagnostics) process.stderr.write(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
