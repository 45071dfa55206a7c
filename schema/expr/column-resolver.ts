/** Resolves column paths against a dataset's leaf columns, with "did you mean" suggestions (record/suggest-paths.ts). */
import { UnknownColumnError } from '../errors.ts';
import type { Column } from '../record/column.ts';
import { closestPaths } from '../record/column-lookup.ts';
import { NotALeafColumnError } from './expr-errors.ts';

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
  throw new UnknownColumnError(path, closestPaths(columns, path));
}
