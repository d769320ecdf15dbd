/**
 * Carrying results through edits, without vscode: a result (or diagnostic) computed on one version of a document
 * stays valid when the user edits elsewhere; it moves with the lines inserted or removed above it, and only an
 * edit that touches its own lines discards it. Changes come as VS Code reports them (`contentChanges`, each range
 * in the document as it was after the previous change of the same list).
 */

/** 0-based line and character, as vscode.Position. */
export interface Pos { line: number; character: number }

/** One content change: the replaced range (before the change) and the new text. */
export interface TextChange { start: Pos; end: Pos; text: string }

function cmp(a: Pos, b: Pos): number {
  return a.line - b.line || a.character - b.character;
}

/** Where the text after `c` ends up: the end of the inserted text. */
function insertedEnd(c: TextChange): Pos {
  let lines = 0, lastBreak = -1;
  for (let i = 0; i < c.text.length; i++) if (c.text.charCodeAt(i) === 10) { lines++; lastBreak = i; }
  return lines === 0 ? { line: c.start.line, character: c.start.character + c.text.length } : { line: c.start.line + lines, character: c.text.length - lastBreak - 1 };
}

/** A position outside the change (before its start or at/after its end) in the document after it. */
export function mapPos(p: Pos, c: TextChange): Pos {
  if (cmp(p, c.end) < 0) return p; // before the change (callers never ask for a position inside it)
  const to = insertedEnd(c);
  if (p.line === c.end.line) return { line: to.line, character: to.character + (p.character - c.end.character) };
  return { line: p.line + (to.line - c.end.line), character: p.character };
}

/**
 * True when the change touches the whole lines `first`…`last` (0-based, inclusive): it replaces or inserts
 * anything on them, except a pure insertion at the start of `first` that ends with a line break (new lines
 * pushed in above), which only moves them.
 */
export function touchesLines(first: number, last: number, c: TextChange): boolean {
  if (c.end.line < first || c.start.line > last) return false;
  const pureInsertAbove = cmp(c.start, c.end) === 0 && c.start.line === first && c.start.character === 0 && c.text.endsWith('\n');
  return !pureInsertAbove;
}

/** Lines `first`…`last` after the changes, or null when one of them touches these lines. */
export function mapLines(first: number, last: number, changes: readonly TextChange[]): [number, number] | null {
  let a = first, b = last;
  for (const c of changes) {
    if (touchesLines(a, b, c)) return null;
    if (c.end.line < a || (c.end.line === a && cmp(c.start, c.end) === 0 && c.start.character === 0)) {
      const delta = insertedEnd(c).line - c.end.line;
      a += delta; b += delta;
    }
  }
  return [a, b];
}

/** A range after the changes, or null when one of them overlaps it (touching its ends counts). */
export function mapRange(start: Pos, end: Pos, changes: readonly TextChange[]): [Pos, Pos] | null {
  let s = start, e = end;
  for (const c of changes) {
    if (cmp(c.start, e) <= 0 && cmp(c.end, s) >= 0) return null;
    s = mapPos(s, c); e = mapPos(e, c);
  }
  return [s, e];
}
