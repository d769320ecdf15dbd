/**
 * Finds the loss name under a cursor in one line of Python/JS/TS and resolves it to a spec: Keras classes and
 * functions by any module path, compile strings inside quotes, tfa losses, and (for documentation) the
 * torch.nn / F.* / optax / tfjs names that a Keras loss declares as its equivalents (`LossSpec.foreignNames`).
 * The matching itself is nameIndex.ts (ids only, no specs: what the extension's activation loads); this module
 * adds the spec to its answers. Pure: no vscode, no I/O.
 */
import type { LossSpec } from './spec';
import { getSpec } from './registry';
import * as light from './nameIndex';

export { canonicalForeign, nameAsWritten, findLossSites, type ForeignFramework, type LossSite } from './nameIndex';

export interface ResolvedName extends Omit<light.ResolvedName, 'id'> {
  spec: LossSpec;
}

export interface FoundName extends Omit<light.FoundName, 'resolved'> {
  resolved: ResolvedName;
}

function withSpec(r: light.ResolvedName | null): ResolvedName | null {
  if (!r) return null;
  const { id, ...rest } = r;
  return { spec: getSpec(id), ...rest };
}

/** Resolves a foreign (torch/optax/tfjs/...) spelling through the specs' foreignNames. */
export function resolveForeign(name: string): ResolvedName | null {
  return withSpec(light.resolveForeign(name));
}

/**
 * Resolves any loss spelling a user may write: Keras/tfa names (any module path), compile strings (only when
 * `quoted`, so a variable called `mse` is not a loss), and foreign names. Null when it is not a loss.
 */
export function resolveAnyName(name: string, quoted = false): ResolvedName | null {
  return withSpec(light.resolveAnyName(name, quoted));
}

/** The loss name at `character` (0-based UTF-16 index) in `lineText`, or null (see nameIndex.findLossNameAt). */
export function findLossNameAt(lineText: string, character: number): FoundName | null {
  const f = light.findLossNameAt(lineText, character);
  return f && { ...f, resolved: withSpec(f.resolved)! };
}
