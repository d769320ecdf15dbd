/** `loss-inspector run FILE`: evaluates a snippet file (placeholder until the snippet evaluator lands). */
import type * as fsT from 'node:fs';

export function runCommand(file: string, _json: boolean, fs: typeof fsT): number {
  fs.readFileSync(file, 'utf8');
  process.stderr.write('run: the snippet evaluator is not built yet\n');
  return 1;
}
