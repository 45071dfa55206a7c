import { z } from 'zod';
import type { Session } from '../../../compute/session.ts';

/** Rows of a photo dataset with a top-level id, a nested composite key and indexable nested fields. */
export const Photo = z.object({
  rid: z.string(),
  source: z.string(),
  file: z.object({ path: z.string(), size: z.int() }),
  det: z.object({ label: z.enum(['cat', 'dog', 'bird']), confidence: z.number() }),
  tags: z.array(z.string()),
  note: z.string().nullable(),
  meta: z.object({ camera: z.string() }).optional(),
});
export type Photo = z.infer<typeof Photo>;

/** `n` photos with distinct `rid` and distinct `(source, file.path)`. */
export function photos(n: number, offset = 0): Photo[] {
  const labels = ['cat', 'dog', 'bird'] as const;
  return Array.from({ length: n }, (_, j) => {
    const i = j + offset;
    return {
      rid: `r${i}`,
      source: i % 2 === 0 ? 's3' : 'gcs',
      file: { path: `img/${Math.floor(i / 2)}.jpg`, size: 100 + i },
      det: { label: labels[i % 3]!, confidence: (i % 100) / 100 },
      tags: [],
      note: i % 5 === 0 ? null : `n${i}`,
    };
  });
}

/** Names of every table and index in the SQLite file (sorted), to prove what a save left behind. */
export async function schemaObjects(session: Session): Promise<string[]> {
  if (session.warehouse.dialect === 'clickhouse') {
    const rows = await session.warehouse.query({
      sql: `SELECT 'table:' || name AS object FROM system.tables WHERE database = currentDatabase()
        UNION ALL SELECT 'index:' || name FROM system.data_skipping_indices WHERE database = currentDatabase()`,
      parameters: [],
    });
    // Sorted here: ClickHouse applies an ORDER BY after UNION ALL to the last SELECT only.
    return rows.map((row) => String(row.object)).sort();
  }
  const rows = await session.warehouse.query({
    sql: `SELECT type || ':' || name AS object FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1`,
    parameters: [],
  });
  return rows.map((row) => String(row.object));
}

/** Indexes of one table: name, uniqueness and physical columns in order. */
export async function tableIndexes(
  session: Session,
  table: string,
): Promise<{ name: string; unique: boolean; columns: string[] }[]> {
  if (session.warehouse.dialect === 'clickhouse') {
    // Data-skipping indexes; ClickHouse has no unique ones: the primary key's is named `<table>_pk` (checked
    // for duplicates when created).
    const rows = await session.warehouse.query({
      sql: 'SELECT name, expr FROM system.data_skipping_indices WHERE database = currentDatabase() AND table = {p0:String} ORDER BY name',
      parameters: [table],
    });
    return rows.map((row) => ({
      name: String(row.name),
      unique: String(row.name).endsWith('_pk'),
      columns: String(row.expr)
        .replace(/^\(|\)$/g, '')
        .split(',')
        .map((c) => c.trim().replace(/^`|`$/g, '')),
    }));
  }
  const list = await session.warehouse.query({
    sql: `SELECT name, "unique" AS u, origin FROM pragma_index_list(?)`,
    parameters: [table],
  });
  const result = [];
  for (const row of list) {
    if (row.origin !== 'c') continue; // created by CREATE INDEX (not the rowid / constraint indexes)
    const info = await session.warehouse.query({
      sql: `SELECT name FROM pragma_index_info(?) ORDER BY seqno`,
      parameters: [row.name],
    });
    result.push({
      name: String(row.name),
      unique: Number(row.u) === 1,
      columns: info.map((c) => String(c.name)),
    });
  }
  return result.sort((a, b) => a.name.localeCompare(b.name));
}

/** SQLite's `EXPLAIN QUERY PLAN` details for a statement. */
export async function queryPlan(
  session: Session,
  sql: string,
  parameters: readonly unknown[],
): Promise<string> {
  const rows = await session.warehouse.query({ sql: `EXPLAIN QUERY PLAN ${sql}`, parameters });
  return rows.map((row) => String(row.detail)).join('\n');
}
