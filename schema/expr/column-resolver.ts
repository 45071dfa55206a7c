/** Resolves column paths against a dataset's leaf columns, with "did you mean" suggestions. */
import { UnknownColumnError } from '../errors.ts';
import type { Column } from '../record/column.ts';
import { NotALeafColumnError } from './expr-errors.ts';

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/**
 * Up to `limit` existing paths closest to `path`: paths whose last segment equals the requested one
 * (`confidence` → `det.confidence`), then paths within a small edit distance (case-insensitive), closest first.
 */
export function suggestPaths(path: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = path.toLowerCase();
  const last = wanted.split('.').at(-1) ?? wanted;
  const scored: { path: string; score: number }[] = [];
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(wanted, lower);
    const sameLeaf = (lower.split('.').at(-1) ?? lower) === last;
    const threshold = Math.max(2, Math.floor(Math.max(wanted.length, lower.length) / 3));
    if (sameLeaf) scored.push({ path: candidate, score: distance / 100 });
    else if (distance <= threshold) scored.push({ path: candidate, score: distance });
  }
  scored.sort((x, y) => x.score - y.score || x.path.localeCompare(y.path));
  return scored.slice(0, limit).map((s) => s.path);
}

/**
 * The leaf column at `path`.
 * @throws NotALeafColumnError when `path` names a nested object (the error lists its leaves).
 * @throws UnknownColumnError when no column has that path (with up to three closest paths as suggestions).
 */
export function resolveColumn(path: string, columns: readonly Column[]): Column {
  const exact = columns.find((c) => c.path === path);
  if (exact) return exact;
  const prefix = `${path}.`;
  const leaves = columns.filter((c) => c.path.startsWith(prefix)).map((c) => c.path);
  if (leaves.length > 0) throw new NotALeafColumnError(path, leaves);
  throw new UnknownColumnError(
    path,
    suggestPaths(
      path,
      columns.map((c) => c.path),
    ),
  );
}
