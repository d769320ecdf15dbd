/**
 * One registry resolves every spelling of a loss: class names, function names, compile strings, module paths
 * (keras.losses.X, tf.keras.losses.X, tfa.losses.X), and, for documentation only, names in other frameworks.
 * Specs are grouped by framework so another framework's semantics (e.g. torch.nn) can be added beside Keras's.
 */
import type { LossSpec, Framework } from './spec';
import { LossInspectorError } from './errors';
import { closest } from './suggest';
import { REGRESSION } from './losses/regression';
import { PROBABILISTIC } from './losses/probabilistic';
import { HINGE } from './losses/hinge';
import { SIMILARITY } from './losses/similarity';
import { SEGMENTATION } from './losses/segmentation';
import { METRIC_LEARNING } from './losses/metric-learning';
import { SEQUENCE } from './losses/sequence';
import { OPTAX } from './optax';
import { stripPrefix } from './lossPrefixes';

export { stripPrefix };

export const ALL_SPECS: readonly LossSpec[] = [
  ...REGRESSION, ...PROBABILISTIC, ...HINGE, ...SIMILARITY, ...SEGMENTATION, ...METRIC_LEARNING, ...SEQUENCE, ...OPTAX,
];

/** How a name refers to a loss: the class (construct, then call), the function (call directly), or a compile string. */
export type NameKind = 'class' | 'function' | 'string';

export interface Resolved {
  spec: LossSpec;
  kind: NameKind;
}

interface Entry { spec: LossSpec; kind: NameKind }
const byName = new Map<string, Entry>();
const byFramework = new Map<Framework, LossSpec[]>();

function add(name: string, e: Entry): void {
  if (!byName.has(name)) byName.set(name, e);
}

for (const spec of ALL_SPECS) {
  if (!byFramework.has(spec.framework)) byFramework.set(spec.framework, []);
  byFramework.get(spec.framework)!.push(spec);
  add(spec.id, { spec, kind: spec.functionOnly ? 'function' : 'class' });
  if (spec.functionName) add(spec.functionName, { spec, kind: 'function' });
  for (const a of spec.aliases) add(a, { spec, kind: spec.functionOnly ? 'function' : 'string' });
  if (spec.framework === 'tfa') add(`Addons>${spec.id}`, { spec, kind: 'string' });
}

/** Resolves any spelling; throws with the closest suggestions for unknown names. */
export function resolveLoss(name: string): Resolved {
  const r = tryResolveLoss(name);
  if (r) return r;
  const bare = stripPrefix(name);
  const sugg = closest(bare, [...byName.keys()], 3);
  throw new LossInspectorError(`Unknown loss '${name}'.${sugg.length ? ` Did you mean ${sugg.map((s) => `'${s}'`).join(', ')}?` : ''} Run \`loss-inspector list\` for every loss.`,
    { code: 'unknown-loss', argument: 'loss', received: name, expected: 'a Keras or tfa loss name', suggestions: sugg });
}

export function tryResolveLoss(name: string): Resolved | null {
  const bare = stripPrefix(name);
  const e = byName.get(bare);
  if (e) return { spec: e.spec, kind: e.kind };
  // Keras also accepts the compile strings case-insensitively for 'crossentropy'/'ce' (resolved per output shape).
  return null;
}

/** Looks up a spec by id (class name). */
export function getSpec(id: string): LossSpec {
  const s = ALL_SPECS.find((x) => x.id === id);
  if (!s) throw new LossInspectorError(`Unknown loss id '${id}'.`, { code: 'unknown-loss', received: id });
  return s;
}

export function specsOf(framework: Framework): readonly LossSpec[] {
  return byFramework.get(framework) ?? [];
}

/** Every spelling the registry knows, with what it maps to (for `loss-inspector list` and tests). */
export function allNames(): { name: string; id: string; kind: NameKind }[] {
  return [...byName.entries()].map(([name, e]) => ({ name, id: e.spec.id, kind: e.kind }));
}

/**
 * Keras 3's "crossentropy"/"ce" compile strings: BCE if y_pred's last dim is 1; SCCE if y_true has lower rank,
 * or y_true's last dim is 1 while y_pred's is > 1; CCE otherwise (keras/src/trainers/compile_utils.py).
 */
export function resolveAutoCrossentropy(yTrueShape: number[], yPredShape: number[]): string {
  const lp = yPredShape[yPredShape.length - 1];
  if (lp === 1) return 'BinaryCrossentropy';
  if (yTrueShape.length < yPredShape.length) return 'SparseCategoricalCrossentropy';
  const lt = yTrueShape[yTrueShape.length - 1];
  if (lt === 1 && lp > 1) return 'SparseCategoricalCrossentropy';
  return 'CategoricalCrossentropy';
}
