import {
  checkIdentifier,
  type DatabaseConnection,
  describeConnection,
  InvalidIdentifierError,
  openDatabase,
  parseTableName,
  type TargetColumn,
  type WriteRequest,
} from '../../clients/database/index.ts';
import { columnNode } from '../../schema/expr/index.ts';
import type { Column } from '../../schema/record/column.ts';
import { flattenSchema, pathToColumnName } from '../../schema/record/index.ts';
import type { Session } from '../session.ts';
import { InvalidArgumentError } from './chain-errors.ts';
import { ChainRun } from './chain-run.ts';
import type { ChainPlan } from './plan.ts';
import { leavesOf } from './planner.ts';
import { createWriteRowReader } from './to-database-rows.ts';

/** Options of `chain.toDatabase(table, connection, options)`. */
export interface ToDatabaseOptions {
  /**
   * Which fields to write: field paths (a nested object path writes all its leaves), each to the column
   * named like its flattened name (`det.confidence` → `det__confidence`); or an object mapping target
   * column names to leaf paths (`{ confidence: 'det.confidence' }`). Default: every leaf of the row.
   */
  readonly columns?: readonly string[] | Readonly<Record<string, string>>;
  /**
   * What a row whose key already exists does: `'error'` (default) fails the whole write with
   * `DatabaseConflictError` and writes nothing; `'ignore'` skips it; `'update'` overwrites the row's other
   * columns (needs `conflictColumns`).
   */
  readonly onConflict?: 'error' | 'ignore' | 'update';
  /**
   * Key columns (target names, or field paths which are flattened) for `ON CONFLICT`; the primary key of
   * a table created by `createTable`. Required for `'update'`.
   */
  readonly conflictColumns?: readonly string[];
  /**
   * Create the table from the chain's schema when it does not exist (documented type mapping: see
   * clients/database/postgres/postgres-types.ts and sqlite/sqlite-database-types.ts). It is created in
   * the write's transaction, so a failed write leaves no table behind. Default false.
   */
  readonly createTable?: boolean;
  /** Rows handed to the database per batch (one COPY chunk on PostgreSQL, multi-row INSERTs on SQLite). Default 5,000. */
  readonly batchSize?: number;
}

/**
 * Writes the chain's rows into a database table in one transaction — all rows or none — and returns
 * the number of rows written (inserted or updated; rows skipped by `'ignore'` are not counted).
 * UDF steps run (and checkpoint) before the transaction opens; rows are then streamed from the
 * warehouse in chain order, one batch ahead of the writer: PostgreSQL takes them through one
 * `COPY … FROM STDIN` (binary when the column types allow; staged in a temporary table for
 * `'ignore'`/`'update'`), SQLite through multi-row
 * INSERTs with bound values.
 * @throws InvalidArgumentError / InvalidIdentifierError for bad options or names (before anything runs),
 *   `DatabaseError` subclasses for database failures (the transaction is rolled back).
 */
export async function toDatabaseChain(
  plan: ChainPlan,
  session: Session,
  table: string,
  connection: DatabaseConnection,
  options: ToDatabaseOptions = {},
): Promise<number> {
  const target = describeConnection(connection);
  const tableName = parseTableName(target, table);
  const onConflict = options.onConflict ?? 'error';
  if (!['error', 'ignore', 'update'].includes(onConflict)) {
    throw new InvalidArgumentError(
      `toDatabase(): onConflict must be 'error', 'ignore' or 'update', got ${String(onConflict)}.`,
    );
  }
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isSafeInteger(batchSize) || batchSize <= 0) {
    throw new InvalidArgumentError(
      `toDatabase(): batchSize must be a positive integer, got ${String(batchSize)}.`,
    );
  }
  const run = new ChainRun(session);
  try {
    const relation = await run.relation(plan);
    const picked = pickColumns(target, flattenSchema(relation.schema), relation.schema, options.columns);
    const names = new Set(picked.map((p) => p.name));
    const conflictColumns = (options.conflictColumns ?? []).map((key) => {
      const name = names.has(key) ? key : pathToColumnName(key);
      if (!names.has(name)) {
        throw new InvalidArgumentError(
          `toDatabase(): conflict column '${key}' is not among the written columns (${[...names].join(', ')}).`,
        );
      }
      return name;
    });
    if (onConflict === 'update' && conflictColumns.length === 0) {
      throw new InvalidArgumentError(
        "toDatabase(): onConflict: 'update' needs conflictColumns (the key that identifies a row).",
      );
    }
    const request: WriteRequest = {
      table: tableName,
      columns: picked.map(
        ({ name, column }) => ({ name, type: column.type, nullable: column.nullable }) satisfies TargetColumn,
      ),
      createTable: options.createTable ?? false,
      onConflict,
      conflictColumns,
    };
    const toValues = createWriteRowReader(picked.map(({ column }) => column));
    const bigints = picked.some(({ column }) => column.type.kind === 'bigint');
    // Exactly the written columns, in write order (a field mapped to two columns is selected twice): rows
    // arrive as arrays the reader converts in place. Aliases live under `sys__` (no user field flattens to
    // that: `sys` is reserved), so an ORDER BY naming a field never resolves to one of them.
    const compiled = run.compile({
      ...run.orderedQuery(relation),
      selections: picked.map(({ column }, i) => ({ expr: columnNode(column.path), alias: `sys__w${i}` })),
    });
    async function* batches(): AsyncIterable<unknown[][]> {
      let batch: unknown[][] = [];
      for await (const chunk of session.warehouse.streamArrays(compiled, {
        bigints,
        chunkSize: Math.min(batchSize, 5000),
      })) {
        for (const raw of chunk) {
          batch.push(toValues(raw));
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    }
    const driver = await openDatabase(connection, 'write');
    try {
      return (await driver.write(request, readAhead(batches()))).rows;
    } finally {
      await driver.close();
    }
  } finally {
    await run.dispose();
  }
}

/** The leaves to write and their target column names, from the `columns` option. */
function pickColumns(
  target: string,
  leaves: readonly Column[],
  schema: Parameters<typeof leavesOf>[0],
  columns: ToDatabaseOptions['columns'],
): { name: string; column: Column }[] {
  let picked: { name: string; column: Column }[];
  if (columns === undefined) {
    picked = leaves.map((column) => ({ name: column.name, column }));
  } else if (Array.isArray(columns)) {
    if (columns.length === 0)
      throw new InvalidArgumentError('toDatabase(): columns must name at least one field.');
    picked = leavesOf(schema, columns as readonly string[]).map((column) => ({ name: column.name, column }));
  } else {
    const entries = Object.entries(columns as Readonly<Record<string, string>>);
    if (entries.length === 0)
      throw new InvalidArgumentError('toDatabase(): columns must name at least one field.');
    picked = entries.map(([name, path]) => {
      const found = leavesOf(schema, [path]);
      if (found.length !== 1 || found[0]!.path !== path) {
        throw new InvalidArgumentError(
          `toDatabase(): column '${name}' must map to one leaf field, but '${path}' is an object.`,
        );
      }
      return { name, column: found[0]! };
    });
  }
  const seen = new Set<string>();
  for (const { name } of picked) {
    checkIdentifier(target, name);
    if (seen.has(name)) throw new InvalidIdentifierError(target, name, 'the column is written twice');
    seen.add(name);
  }
  return picked;
}

/**
 * Wraps an async iterable so the next item is already being produced while the consumer works on the
 * current one: the warehouse reads batch k+1 while the database writes batch k (one batch ahead).
 */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    while (true) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      // A failure of the prefetched step is reported when it is awaited, not as an unhandled rejection.
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await iterator.return?.();
  }
}
