/** Closest-name suggestions (Damerau-free Levenshtein on lowercased names, plus prefix/substring hits). */

export function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

/** Up to `k` candidates closest to `name`, best first; only reasonably close ones. */
export function closest(name: string, candidates: string[], k = 3): string[] {
  const q = name.toLowerCase().replace(/[_\s]/g, '');
  const scored = candidates.map((c) => {
    const cc = c.toLowerCase().replace(/[_\s]/g, '');
    let d = editDistance(q, cc);
    if (cc.startsWith(q) || q.startsWith(cc)) d = Math.min(d, 1);
    else if (cc.includes(q) || q.includes(cc)) d = Math.min(d, 2);
    return { c, d };
  });
  const limit = Math.max(2, Math.floor(q.length / 3));
  const seen = new Set<string>();
  return scored.filter((s) => s.d <= limit).sort((a, b) => a.d - b.d || a.c.length - b.c.length)
    .filter((s) => (seen.has(s.c) ? false : (seen.add(s.c), true))).slice(0, k).map((s) => s.c);
}
