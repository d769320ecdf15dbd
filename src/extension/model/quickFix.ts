/**
 * Quick fixes for Loss Inspector's diagnostics, without vscode: the message says what to change (set
 * from_logits, switch between sparse and one-hot cross-entropy), and the edit goes to the loss constructor or
 * function call nearest above the diagnostic.
 */
import { resolveAnyName } from '../../core/names';
import { allParams } from '../../core/config';
import type { LossSpec } from '../../core/spec';
import { l10n } from './l10n';

export interface TextEdit {
  title: string;
  /** 0-based line and character range replaced by `newText`. */
  line: number;
  start: number;
  end: number;
  newText: string;
}

interface Site { line: number; nameStart: number; nameEnd: number; name: string; spec: LossSpec; open: number }

const CALL = /([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*\(/g;

/** The nearest loss call at or above `line` (within `maxUp` lines) whose spec passes `accept`. */
function nearestSite(lines: string[], line: number, accept: (s: LossSpec) => boolean, maxUp = 200): Site | null {
  for (let l = Math.min(line, lines.length - 1); l >= 0 && l >= line - maxUp; l--) {
    const text = lines[l];
    if (/^\s*#/.test(text)) continue;
    const found: Site[] = [];
    CALL.lastIndex = 0;
    for (let m = CALL.exec(text); m; m = CALL.exec(text)) {
      const parts = m[1].split('.');
      for (let k = 0; k < parts.length; k++) {
        const name = parts.slice(k).join('.');
        const r = resolveAnyName(name, false);
        if (r && r.kind !== 'foreign' && accept(r.spec)) {
          const nameStart = m.index + m[1].length - name.length;
          found.push({ line: l, nameStart, nameEnd: nameStart + name.length, name, spec: r.spec, open: m.index + m[0].length - 1 });
          break;
        }
      }
    }
    if (found.length) return found[found.length - 1];
  }
  return null;
}

/** Sets `param=value` in the call whose `(` is at `open`: replaces an existing keyword on that line, else inserts it first. */
function setKeyword(lines: string[], site: Site, param: string, value: string): TextEdit {
  const text = lines[site.line];
  const re = new RegExp(`\\b${param}\\s*=\\s*(True|False|[\\w.]+)`, 'g');
  re.lastIndex = site.open;
  const m = re.exec(text);
  if (m) return { title: l10n.t('Set {0}={1}', param, value), line: site.line, start: m.index, end: m.index + m[0].length, newText: `${param}=${value}` };
  const rest = text.slice(site.open + 1);
  const empty = /^\s*\)/.test(rest);
  return { title: l10n.t('Set {0}={1}', param, value), line: site.line, start: site.open + 1, end: site.open + 1, newText: empty ? `${param}=${value}` : `${param}=${value}, ` };
}

const RENAMES: Record<string, [RegExp, string][]> = {
  SparseCategoricalCrossentropy: [[/CategoricalCrossentropy$/, 'SparseCategoricalCrossentropy'], [/categorical_crossentropy$/, 'sparse_categorical_crossentropy']],
  CategoricalCrossentropy: [[/SparseCategoricalCrossentropy$/, 'CategoricalCrossentropy'], [/sparse_categorical_crossentropy$/, 'categorical_crossentropy']],
};

function rename(lines: string[], line: number, from: string, to: string): TextEdit | null {
  const site = nearestSite(lines, line, (s) => s.id === from);
  if (site) {
    for (const [re, rep] of RENAMES[to]) {
      if (re.test(site.name)) {
        const last = site.name.slice(site.name.lastIndexOf('.') + 1);
        const at = site.nameEnd - last.length;
        return { title: l10n.t('Use {0}', to), line: site.line, start: at, end: site.nameEnd, newText: last.replace(re, rep) };
      }
    }
  }
  // compile(loss='categorical_crossentropy')
  for (let l = Math.min(line, lines.length - 1); l >= 0 && l >= line - 200; l--) {
    const m = /(['"])((?:sparse_)?categorical_crossentropy)\1/.exec(lines[l]);
    if (!m) continue;
    const r = resolveAnyName(m[2], true);
    if (r?.spec.id !== from) continue;
    const newText = from === 'CategoricalCrossentropy' ? `sparse_${m[2]}` : m[2].replace(/^sparse_/, '');
    return { title: l10n.t('Use {0}', to), line: l, start: m.index + 1, end: m.index + 1 + m[2].length, newText };
  }
  return null;
}

/** The fixes a diagnostic message suggests, as edits of the document's lines. */
export function quickFixes(lines: string[], diagLine: number, message: string): TextEdit[] {
  const out: TextEdit[] = [];
  const hasLogits = (s: LossSpec) => allParams(s).some((p) => p.name === 'from_logits');
  const want = /Set from_logits=(True|False)/.exec(message);
  if (want) {
    const site = nearestSite(lines, diagLine, hasLogits);
    if (site) out.push(setKeyword(lines, site, 'from_logits', want[1]));
  }
  if (/(use|belong to) SparseCategoricalCrossentropy/.test(message)) {
    const e = rename(lines, diagLine, 'CategoricalCrossentropy', 'SparseCategoricalCrossentropy');
    if (e) out.push(e);
  }
  if (/use CategoricalCrossentropy/.test(message)) {
    const e = rename(lines, diagLine, 'SparseCategoricalCrossentropy', 'CategoricalCrossentropy');
    if (e) out.push(e);
  }
  return out;
}

/** Applies edits to lines (for tests and previews). */
export function applyEdits(lines: string[], edits: TextEdit[]): string[] {
  const out = lines.slice();
  for (const e of [...edits].sort((a, b) => b.line - a.line || b.start - a.start)) {
    out[e.line] = out[e.line].slice(0, e.start) + e.newText + out[e.line].slice(e.end);
  }
  return out;
}
