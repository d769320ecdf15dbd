/** Array literals (placeholder: JSON + Python spellings; the fast scanner replaces it). */
import { LossInspectorError } from './errors';
import type { Nested } from './tensor';

export function parseArrayLiteral(text: string, what = 'array'): Nested {
  let s = text.trim().replace(/^(np|numpy|jnp|tf|torch)\.(array|asarray|constant|tensor|convert_to_tensor)\(/, '').replace(/,\s*dtype\s*=.*\)$/, '').replace(/\)$/, '');
  s = s.replace(/\(/g, '[').replace(/\)/g, ']').replace(/\bnan\b/gi, 'null').replace(/\bTrue\b/g, '1').replace(/\bFalse\b/g, '0').replace(/,\s*([\]])/g, '$1');
  try {
    return JSON.parse(s) as Nested;
  } catch (e) {
    throw new LossInspectorError(`${what}: not an array literal (${(e as Error).message})`, { argument: what, code: 'syntax' });
  }
}
