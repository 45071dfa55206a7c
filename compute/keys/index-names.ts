import { createHash } from 'node:crypto';

/** Longest index name produced (PostgreSQL-style 63 keeps names portable across engines and tools). */
export const MAX_INDEX_NAME = 63;

/**
 * A safe, deterministic index name derived from the table and the indexed physical columns:
 * `<table>_pk` for the primary key, `<table>_ix_<col>_<col>` for a secondary index. Characters outside
 * `[A-Za-z0-9_]` become `_`; a name longer than {@link MAX_INDEX_NAME} is cut and suffixed with a short
 * hash of the full name, so distinct column lists keep distinct names. Table names are unique, so index
 * names are unique in the database.
 */
export function indexName(table: string, columns: readonly string[], primaryKey: boolean): string {
  const full = primaryKey ? `${table}_pk` : `${table}_ix_${columns.join('_')}`;
  const safe = full.replace(/[^A-Za-z0-9_]/g, '_');
  if (safe.length <= MAX_INDEX_NAME && safe === full) return safe;
  const hash = createHash('sha256')
    .update(`${table}\u0000${columns.join('\u0000')}\u0000${primaryKey}`)
    .digest('hex');
  const suffix = `_${hash.slice(0, 10)}`;
  return safe.slice(0, MAX_INDEX_NAME - suffix.length) + suffix;
}
