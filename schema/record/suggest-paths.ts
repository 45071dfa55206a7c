/**
 * The one "did you mean" routine: every unknown-path error (chain steps, expressions, key declarations,
 * schema operations, the GraphQL server's path arguments) suggests with {@link suggestPaths}, so the same
 * mistake gets the same suggestion wherever it is made.
 */

/** How many suggestions an unknown-path error carries at most. */
export const MAX_SUGGESTIONS = 3;

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The leaf dot paths plus every enclosing object path (`det.box.w` → `det`, `det.box`, `det.box.w`). */
export function withEnclosingObjects(leafPaths: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const path of leafPaths) {
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('.'));
  }
  return [...out];
}

/**
 * Up to `limit` (default {@link MAX_SUGGESTIONS}) of `candidates` closest to the unknown `path`, compared
 * case-insensitively: first the paths that end in the requested one or share its last name
 * (`confidence` → `det.confidence`), then paths within a small edit distance (at most a third of the
 * longer of the two paths' parts after their common enclosing objects, at least 2: `response.usage.x` is
 * judged on `x`); closest first, ties in code-point order. Nothing close → `[]`.
 */
export function suggestPaths(path: string, candidates: Iterable<string>, limit = MAX_SUGGESTIONS): string[] {
  const wanted = path.toLowerCase();
  const last = wanted.slice(wanted.lastIndexOf('.') + 1);
  const scored: { path: string; group: number; distance: number }[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === path) continue;
    const lower = candidate.toLowerCase();
    const distance = levenshtein(wanted, lower);
    const sameName = lower.endsWith(`.${wanted}`) || lower.slice(lower.lastIndexOf('.') + 1) === last;
    const threshold = Math.max(2, Math.floor(longerTail(wanted, lower) / 3));
    if (sameName) scored.push({ path: candidate, group: 0, distance });
    else if (distance <= threshold) scored.push({ path: candidate, group: 1, distance });
  }
  scored.sort(
    (x, y) =>
      x.group - y.group || x.distance - y.distance || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0),
  );
  return scored.slice(0, limit).map((s) => s.path);
}

/** Length of the longer of `a` and `b` after the dot segments they share at the start. */
function longerTail(a: string, b: string): number {
  let shared = 0;
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) if (a[i] === '.') shared = i + 1;
  return Math.max(a.length, b.length) - shared;
}

/** ` Did you mean 'a', 'b'?` for a message ending in a sentence, or '' without suggestions. */
export function didYouMean(suggestions: readonly string[]): string {
  return suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : '';
}
