/** JavaScript/TypeScript selections made readable for the array-literal parser, offsets unchanged. */

/** `const x =`, `let x: T =`, `var x =`, `export const x =` → the same text with the keywords blanked. */
export function blankDeclarations(text: string): string {
  return text
    .replace(/\b(export\s+)?(const|let|var)\s+(?=[A-Za-z_$])/g, (m) => ' '.repeat(m.length))
    // TypeScript annotations `yTrue: number[][] =` → `yTrue             =`
    .replace(/([A-Za-z_$][\w$]*)(\s*:\s*[^=\n;:'"]+?)(\s*=(?![=>]))/g, (_m, name: string, ann: string, eq: string) => name + ' '.repeat(ann.length) + eq);
}
