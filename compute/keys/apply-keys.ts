import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { WarehouseError } from '../../clients/warehouse/warehouse-errors.ts';
import type { DialectName } from '../../schema/dialect/compiled-query.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import { agg, columnNode } from '../../schema/expr/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import type { Column } from '../../schema/record/index.ts';
import { createRowDecoder } from '../../schema/record/index.ts';
import { indexName } from './index-names.ts';
import type { ResolvedKeys } from './key-declaration.ts';
import { DuplicateKeyError } from './key-errors.ts';
import type { KeyColumns } from './key-fields.ts';

/**
 * Whether a dialect's `createIndex({ unique: true })` rejects duplicates itself. Where it does not
 * (ClickHouse: its key is a sort key and its indexes skip data), duplicates are found with a query first.
 */
const ENFORCES_UNIQUE: Readonly<Record<DialectName, boolean>> = { sqlite: true, clickhouse: false };

/** One duplicated key found in a table. */
export interface DuplicateKey {
  /** The key value by field path (rehydrated). */
  readonly value: Record<string, unknown>;
  /** Rows sharing it. */
  readonly count: number;
}

/**
 * Creates the declared indexes on a freshly filled version table: a UNIQUE index for the primary key,
 * a plain index per secondary index (an index whose fields equal the key's is covered by it and skipped).
 * Call after the bulk insert: building an index once over sorted data is much cheaper than maintaining it
 * row by row (test/bench/index-timing.ts measures it). The caller drops the table on failure.
 *
 * @throws DuplicateKeyError naming the dataset, key fields and one duplicate value when rows share a key.
 * @throws WarehouseError when an index cannot be created for another reason.
 */
export async function applyKeys(
  warehouse: WarehouseDriver,
  table: string,
  dataset: string,
  keys: ResolvedKeys,
): Promise<void> {
  const { primaryKey } = keys;
  if (primaryKey) await createPrimaryKey(warehouse, table, dataset, primaryKey);
  const keyNames = primaryKey ? JSON.stringify(primaryKey.columns.map((c) => c.name)) : undefined;
  for (const index of keys.indexes) {
    const columns = index.columns.map((column) => column.name);
    if (JSON.stringify(columns) === keyNames) continue;
    await warehouse.createIndex(table, { name: indexName(table, columns, false), columns, unique: false });
  }
}

async function createPrimaryKey(
  warehouse: WarehouseDriver,
  table: string,
  dataset: string,
  key: KeyColumns,
): Promise<void> {
  const columns = key.columns.map((column) => column.name);
  const definition = { name: indexName(table, columns, true), columns, unique: true };
  if (!ENFORCES_UNIQUE[warehouse.dialect]) {
    const duplicate = await findDuplicateKey(warehouse, table, key.columns);
    if (duplicate) throw new DuplicateKeyError(dataset, key.paths, duplicate.value, duplicate.count);
    await warehouse.createIndex(table, definition);
    return;
  }
  try {
    await warehouse.createIndex(table, definition);
  } catch (error) {
    if (!(error instanceof WarehouseError)) throw error;
    // The engine only says "UNIQUE constraint failed"; look one duplicate up to name it.
    const duplicate = await findDuplicateKey(warehouse, table, key.columns);
    if (!duplicate) throw error;
    throw new DuplicateKeyError(dataset, key.paths, duplicate.value, duplicate.count, { cause: error });
  }
}

/**
 * One key value held by more than one row of `table`, or undefined:
 * `SELECT <key>, COUNT(*) FROM <table> GROUP BY <key> HAVING COUNT(*) > ? LIMIT ?`, compiled by the
 * dialect compiler (values bound, never spliced).
 */
export async function findDuplicateKey(
  warehouse: WarehouseDriver,
  table: string,
  columns: readonly Column[],
): Promise<DuplicateKey | undefined> {
  const keys = columns.map((column) => columnNode(column.path));
  const query: SelectQuery = {
    kind: 'select',
    from: { kind: 'table', name: table },
    selections: [
      ...columns.map((column, i) => ({ expr: keys[i]!, alias: column.name })),
      { expr: agg.count().node, alias: 'chainql_rows' },
    ],
    groupBy: keys,
    having: agg.count().gt(1).node,
    limit: 1,
  };
  const bigints = columns.some((column) => column.type.kind === 'bigint');
  const rows = await warehouse.query(getCompiler(warehouse.dialect).compileQuery(query), { bigints });
  const row = rows[0];
  if (row === undefined) return undefined;
  // Decode by physical name (flat), then report by declared dot path.
  const flat = columns.map((column) => ({
    path: column.name,
    name: column.name,
    type: column.type,
    nullable: column.nullable,
  }));
  const decoded = createRowDecoder(flat, warehouse.dialect)(row);
  const value: Record<string, unknown> = {};
  for (const column of columns) value[column.path] = decoded[column.name];
  return { value, count: Number(row.chainql_rows) };
}
