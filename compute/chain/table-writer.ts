import { randomBytes } from 'node:crypto';
import type { ColumnDefinition, WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import {
  createRowEncoder,
  deterministicRand,
  flattenSchema,
  SYSTEM_COLUMNS,
  sqlType,
} from '../../schema/record/index.ts';

/** A fresh physical name for a table owned by one chain run. */
export function temporaryTableName(): string {
  return `chainql_tmp_${randomBytes(6).toString('hex')}`;
}

/** Column definitions (system columns first) for a table holding rows of `schema`. */
export function tableColumns(schema: DatasetSchema, warehouse: WarehouseDriver): ColumnDefinition[] {
  return [...SYSTEM_COLUMNS, ...flattenSchema(schema)].map((column) => ({
    name: column.name,
    sqlType: sqlType(column, warehouse.dialect),
    nullable: column.nullable,
  }));
}

/** Creates a table for rows of `schema`, keyed and sorted by `sys__id`. */
export async function createRowTable(
  warehouse: WarehouseDriver,
  table: string,
  schema: DatasetSchema,
): Promise<void> {
  await warehouse.createTable(table, tableColumns(schema, warehouse), { orderBy: ['sys__id'] });
}

/**
 * Streams nested rows into a new table, numbering them 1..n (`sys__id`) with a deterministic `sys__rand`.
 * `validate` (optional) checks or coerces each row first and throws with the row's position on failure.
 * Returns the number of rows written.
 */
export async function writeRows(
  warehouse: WarehouseDriver,
  table: string,
  schema: DatasetSchema,
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  validate?: (row: unknown, index: number) => Record<string, unknown>,
): Promise<number> {
  await createRowTable(warehouse, table, schema);
  const columns = flattenSchema(schema);
  const encode = createRowEncoder(columns, warehouse.dialect);
  const names = ['sys__id', 'sys__rand', ...columns.map((column) => column.name)];
  async function* encoded(): AsyncIterable<unknown[]> {
    let id = 0;
    for await (const row of rows) {
      const checked = validate ? validate(row, id) : row;
      id++;
      yield [id, deterministicRand(id), ...encode(checked)];
    }
  }
  return warehouse.insert(table, names, encoded());
}
