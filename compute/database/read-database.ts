import type { z } from 'zod';
import type { DatabaseConnection } from '../../clients/database/index.ts';
import { Chain, type Row } from '../chain/chain.ts';
import { InvalidArgumentError } from '../chain/chain-errors.ts';
import type { SourceOptions } from '../chain/read.ts';
import type { DeltaOptions } from '../delta/delta-options.ts';
import { DatabaseSource } from './database-source.ts';

/** Options of {@link readDatabase}. */
export interface ReadDatabaseOptions<S extends z.ZodObject = z.ZodObject>
  extends SourceOptions,
    DeltaOptions {
  /**
   * Bound parameters: an array for `$1, $2, …` (PostgreSQL) or `?` (SQLite); SQLite also takes an object
   * for `@name` / `:name` / `$name`. Never spliced into the SQL text. Default none.
   */
  readonly params?: readonly unknown[] | Readonly<Record<string, unknown>>;
  /**
   * The row type. Each field reads the column named like its flattened name (`det.confidence` ←
   * `det__confidence`, or a nested object whole from a JSON column); every row is validated, and a
   * mismatch fails with `DatabaseValueError` naming the row and column. Default: inferred from the
   * column types (JSON columns and untyped SQLite expressions from the first `inferRows` rows).
   */
  readonly schema?: S;
  /** Rows fetched per round trip of the server-side cursor. Default 10,000. */
  readonly batchSize?: number;
  /** Rows sampled to infer JSON/untyped columns. Default 1,000. */
  readonly inferRows?: number;
  /**
   * Seconds a read result may be reused by later runs (same connection target, SQL, params and schema)
   * instead of querying again. Default 0: every run queries; an unchanged result keeps its identity, so
   * checkpoints resume and same-hash saves return the saved version either way.
   */
  readonly ttl?: number;
  /** Query again even when a result younger than `ttl` exists. Default false. */
  readonly update?: boolean;
}

function positiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
    throw new InvalidArgumentError(
      `readDatabase(): ${name} must be a positive integer, got ${String(value)}.`,
    );
  }
}

/**
 * A SQL query's rows as a typed chain — the bridge from an operational database (PostgreSQL or SQLite)
 * into chainql. The result is streamed through a server-side cursor (never loaded whole) into the
 * warehouse when the chain runs; see `DatabaseSource` for caching and the chain identity.
 *
 * ```ts
 * await readDatabase('SELECT id, title FROM articles WHERE updated_at > $1', 'postgres://app@db/shop', {
 *   params: [since],
 * }).map({ summary: z.string() }, summarise).toDatabase('article_summaries', 'postgres://app@db/shop', {
 *   onConflict: 'update', conflictColumns: ['id'], createTable: true,
 * });
 * ```
 * Connections: a PostgreSQL URL, `pg` config object, `pg.Pool` or `pg.Client`; a SQLite file path or
 * better-sqlite3 handle. Errors are `DatabaseError` subclasses naming the connection without its password.
 * @throws InvalidArgumentError for an empty SQL text or a bad batchSize/inferRows/ttl (at once, before running).
 */
export function readDatabase<S extends z.ZodObject>(
  sql: string,
  connection: DatabaseConnection,
  options: ReadDatabaseOptions<S> & { readonly schema: S },
): Chain<z.output<S>>;
export function readDatabase<T extends Row = Row>(
  sql: string,
  connection: DatabaseConnection,
  options?: ReadDatabaseOptions,
): Chain<T>;
export function readDatabase(
  sql: string,
  connection: DatabaseConnection,
  options: ReadDatabaseOptions = {},
): Chain<Row> {
  if (typeof sql !== 'string' || sql.trim() === '')
    throw new InvalidArgumentError('readDatabase() needs SQL text.');
  positiveInteger('batchSize', options.batchSize);
  positiveInteger('inferRows', options.inferRows);
  if (options.ttl !== undefined && !(options.ttl >= 0)) {
    throw new InvalidArgumentError(
      `readDatabase(): ttl must be a number of seconds >= 0, got ${String(options.ttl)}.`,
    );
  }
  const { session, ...rest } = options;
  return new Chain<Row>(
    { source: new DatabaseSource(sql, connection, rest), steps: [], settings: {} },
    session,
  );
}
