import { UnknownColumnError } from '../errors.ts';
import type { Column } from './column.ts';

/** How many suggestions an {@link UnknownColumnError} carries at most. */
export const MAX_SUGGESTIONS = 3;

/**
 * The column at a leaf dot path (`det.confidence`).
 * @throws UnknownColumnError when no leaf has that path; `suggestions` holds up to 3 closest paths
 *   (by edit distance; paths ending in `.<path>` first; for an object path, leaves under it).
 */
export function findColumn(columns: readonly Column[], path: string): Column {
  for (const column of columns) if (column.path === path) return column;
  const under = columns.filter((c) => c.path.startsWith(`${path}.`));
  if (under.length > 0) {
    throw new UnknownColumnError(
      path,
      under.slice(0, MAX_SUGGESTIONS).map((c) => c.path),
    );
  }
  throw new UnknownColumnError(path, closestPaths(columns, path));
}

/**
 * All leaf columns at or under a path, in schema order: `columnsUnder(cols, 'det')` gives
 * `det.box.w`, `det.box.h`, `det.confidence`…; a leaf path gives that one column (for `select('det')`).
 * @throws UnknownColumnError with suggestions when nothing lies under `prefix`.
 */
export function columnsUnder(columns: readonly Column[], prefix: string): Column[] {
  const found = columns.filter((c) => c.path === prefix || c.path.startsWith(`${prefix}.`));
  if (found.length === 0) throw new UnknownColumnError(prefix, closestPaths(columns, prefix));
  return found;
}

/** Up to {@link MAX_SUGGESTIONS} paths (leaves and enclosing objects) closest to `path`. */
export function closestPaths(columns: readonly Column[], path: string): string[] {
  const candidates = new Set<string>();
  for (const column of columns) {
    const parts = column.path.split('.');
    for (let i = 1; i <= parts.length; i++) candidates.add(parts.slice(0, i).join('.'));
  }
  const lower = path.toLowerCase();
  return [...candidates]
    .map((candidate) => ({
      candidate,
      suffix: candidate.toLowerCase().endsWith(`.${lower}`) ? 0 : 1,
      distance: levenshtein(lower, candidate.toLowerCase()),
    }))
    .sort((x, y) => x.suffix - y.suffix || x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, MAX_SUGGESTIONS)
    .map((x) => x.candidate);
}

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
