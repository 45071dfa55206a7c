import { randomBytes } from 'node:crypto';
import type { ColumnDefinition, WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import type { DialectName } from '../../schema/dialect/compiled-query.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import {
  createRowEncoder,
  deterministicRand,
  flattenSchema,
  SYSTEM_COLUMNS,
  sqlType,
} from '../../schema/record/index.ts';
import type { EncodedDigest } from './encoded-digest.ts';

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

/** Options of `writeRows`. */
export interface WriteRowsOptions {
  /** Checks or coerces each row first; throws with the row's position on failure. */
  readonly validate?: (row: unknown, index: number) => Record<string, unknown>;
  /** Receives every encoded row (without the system values), e.g. to hash the stored content. */
  readonly digest?: EncodedDigest;
}

/** Options of `createRowPipeline`. */
export interface RowPipelineOptions extends WriteRowsOptions {
  /** Encode every row into one reused array (the consumer must copy it before the next row). Default false. */
  readonly reuseRow?: boolean;
}

/**
 * The per-row work of `writeRows` without the insert: validate, encode for `dialect` into an array
 * whose first two slots are `sys__id` (index + 1) and `sys__rand`, and feed the digest.
 */
export function createRowPipeline(
  schema: DatasetSchema,
  dialect: DialectName,
  options: RowPipelineOptions = {},
): (value: Record<string, unknown>, index: number) => unknown[] {
  const columns = flattenSchema(schema);
  const encode = createRowEncoder(columns, dialect, { leadingSlots: 2 });
  const { validate, digest } = options;
  const shared = options.reuseRow ? new Array<unknown>(columns.length + 2).fill(null) : undefined;
  return (value, index) => {
    const values = encode(validate ? validate(value, index) : value, shared);
    const id = index + 1;
    values[0] = id;
    values[1] = deterministicRand(id);
    digest?.add(values, 2);
    return values;
  };
}

/**
 * Streams nested rows into a new table, numbering them 1..n (`sys__id`) with a deterministic `sys__rand`.
 * `options.validate` checks or coerces each row first and throws with the row's position on failure;
 * `options.digest` sees every encoded row. Returns the number of rows written.
 */
export async function writeRows(
  warehouse: WarehouseDriver,
  table: string,
  schema: DatasetSchema,
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  options: WriteRowsOptions = {},
): Promise<number> {
  await createRowTable(warehouse, table, schema);
  const names = ['sys__id', 'sys__rand', ...flattenSchema(schema).map((column) => column.name)];
  // In-memory rows stay synchronous end to end: an async generator would cost a microtask per row.
  if (Symbol.iterator in rows) {
    // A driver that copies each row of a synchronous source before pulling the next (SQLite) gets one
    // reused row array and iterator result: nothing per row is left for the garbage collector.
    const reuseRow = (warehouse as { readonly copiesSyncRows?: boolean }).copiesSyncRows === true;
    const row = createRowPipeline(schema, warehouse.dialect, { ...options, reuseRow });
    return warehouse.insert(table, names, encodedRows(rows, row, reuseRow));
  }
  const row = createRowPipeline(schema, warehouse.dialect, options);
  async function* encodedAsync(): AsyncIterable<unknown[]> {
    let index = 0;
    for await (const value of rows) yield row(value, index++);
  }
  return warehouse.insert(table, names, encodedAsync());
}

/** `rows` mapped through `row` lazily; with `reuseResult` every step returns the same result object. */
function encodedRows(
  rows: Iterable<Record<string, unknown>>,
  row: (value: Record<string, unknown>, index: number) => unknown[],
  reuseResult: boolean,
): Iterable<unknown[]> {
  return {
    [Symbol.iterator](): Iterator<unknown[]> {
      const list = Array.isArray(rows) ? (rows as readonly Record<string, unknown>[]) : undefined;
      const source = list ? undefined : rows[Symbol.iterator]();
      let index = 0;
      const shared: { done: false; value: unknown[] } = { done: false, value: [] };
      return {
        next(): IteratorResult<unknown[]> {
          let value: Record<string, unknown>;
          if (list) {
            if (index >= list.length) return { done: true, value: undefined };
            value = list[index]!;
          } else {
            const next = source!.next();
            if (next.done) return { done: true, value: undefined };
            value = next.value;
          }
          const encoded = row(value, index++);
          if (!reuseResult) return { done: false, value: encoded };
          shared.value = encoded;
          return shared;
        },
        return(): IteratorResult<unknown[]> {
          source?.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
