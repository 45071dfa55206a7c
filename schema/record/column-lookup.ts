import { UnknownColumnError } from '../errors.ts';
import type { Column } from './column.ts';
import { MAX_SUGGESTIONS, suggestPaths, withEnclosingObjects } from './suggest-paths.ts';

/**
 * The column at a leaf dot path (`det.confidence`).
 * @throws UnknownColumnError when no leaf has that path; `suggestions` holds up to 3 closest paths
 *   ({@link suggestPaths}; for an object path, leaves under it).
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

/** Up to {@link MAX_SUGGESTIONS} paths (leaves and enclosing objects) closest to `path` ({@link suggestPaths}). */
export function closestPaths(columns: readonly Column[], path: string): string[] {
  return suggestPaths(path, withEnclosingObjects(columns.map((c) => c.path)));
}
