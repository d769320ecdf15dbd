/**
 * Every spelling of a torch loss resolves to one TorchSpec: the module (`torch.nn.CrossEntropyLoss`, `nn.…`, a bare
 * `CrossEntropyLoss`, `torch.nn.modules.loss.…`) or the functional (`torch.nn.functional.cross_entropy`, `F.…`,
 * `nn.functional.…`).
 */
import type { TorchSpec } from './types';
import { TORCH_REGRESSION } from './losses/regression';
import { TORCH_CLASSIFICATION } from './losses/classification';
import { TORCH_BINARY } from './losses/binary';
import { TORCH_PROBABILISTIC } from './losses/probabilistic';
import { TORCH_EMBEDDING } from './losses/embedding';
import { TORCH_SEQUENCE } from './losses/ctc';

export const TORCH_SPECS: readonly TorchSpec[] = [
  ...TORCH_REGRESSION, ...TORCH_CLASSIFICATION, ...TORCH_BINARY, ...TORCH_PROBABILISTIC, ...TORCH_EMBEDDING, ...TORCH_SEQUENCE,
];

export interface TorchResolved { spec: TorchSpec; mode: 'module' | 'functional' }

const FUNCTIONAL = /^(?:torch\.nn\.functional\.|nn\.functional\.|functional\.|F\.)/;
const MODULE = /^(?:torch\.nn\.modules\.loss\.|torch\.nn\.|nn\.)/;

const byModule = new Map<string, TorchSpec>();
const byFunction = new Map<string, TorchSpec>();
for (const s of TORCH_SPECS) { byModule.set(s.id, s); byFunction.set(s.functionName, s); }

/** Resolves a torch spelling; null when it is not a torch loss. A bare snake_case name needs a prefix (`F.`). */
export function tryResolveTorch(name: string): TorchResolved | null {
  const n = name.trim();
  if (FUNCTIONAL.test(n)) {
    const s = byFunction.get(n.replace(FUNCTIONAL, ''));
    return s ? { spec: s, mode: 'functional' } : null;
  }
  const s = byModule.get(n.replace(MODULE, ''));
  return s ? { spec: s, mode: 'module' } : null;
}

export function torchSpec(id: string): TorchSpec | undefined {
  return byModule.get(id);
}

/** Every torch spelling, for suggestions. */
export function torchNames(): string[] {
  return TORCH_SPECS.flatMap((s) => [`nn.${s.id}`, `F.${s.functionName}`]);
}
