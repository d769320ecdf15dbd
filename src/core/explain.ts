/** Hover/explain documentation rendered from the loss specs (placeholder; the hover work extends it). */
import { resolveLoss } from './registry';
import { allParams } from './config';
import { pyRepr } from './errors';

export function explainMarkdown(name: string, _opts: { images?: boolean } = {}): string {
  const { spec } = resolveLoss(name);
  const d = spec.doc;
  return [
    `**${spec.framework === 'tfa' ? 'tfa.losses' : 'keras.losses'}.${spec.id}** — ${d.summary}`, '',
    '```', d.formula, '```', '',
    `**Parameters:** ${allParams(spec).map((p) => `\`${p.name}=${pyRepr(p.default)}\``).join(', ')}`, '',
    `**Input:** ${d.domain}`, '', `**Output:** ${d.output}`, '',
    '**Pitfalls:**', ...d.pitfalls.map((p) => `- ${p}`), '',
    '**Elsewhere:**', ...d.equivalents.map((e) => `- ${e.framework}: \`${e.name}\`${e.note ? ` — ${e.note}` : ''}`),
  ].join('\n');
}
