import type { LeafType } from '../../schema/record/field-type.ts';
import type { TableName } from './identifiers.ts';

/** Engines the bridge talks to. */
export type DatabaseKind = 'postgres' | 'sqlite';

/**
 * What the bridge knows about a result column's type from the engine's metadata:
 * - `leaf`: a chainql leaf type the values already have (numbers, strings, Date, bigint, arrays);
 * - `json`: a JSON document column (PostgreSQL json/jsonb, SQLite `JSON` declared type) whose shape is
 *   inferred from the first rows;
 * - `dynamic`: no declared type (SQLite expressions such as `count(*)`): inferred from the first rows.
 */
export type ResultColumnType =
  | { readonly kind: 'leaf'; readonly type: LeafType }
  | { readonly kind: 'json' }
  | { readonly kind: 'dynamic' };

/** One column of a query result. */
export interface ResultColumn {
  /** The name the engine reports (the key of the column in each row object). */
  readonly name: string;
  /** The engine's type name, for messages (`int8`, `jsonb`, `TEXT`). */
  readonly engineType: string;
  readonly type: ResultColumnType;
}

/** A server-side cursor over a query result. */
export interface DatabaseCursor {
  /** The result's columns, in order. */
  readonly columns: readonly ResultColumn[];
  /**
   * The next batch of at most `batchSize` rows, each an array of values in `columns` order, parsed for
   * the column's type; an empty array once the result is exhausted.
   */
  next(): Promise<unknown[][]>;
  /** Closes the cursor and releases the connection (idempotent; safe after an error). */
  close(): Promise<void>;
}

/** One column `toDatabase` writes. */
export interface TargetColumn {
  /** Column name in the target table (unquoted; quoted by the driver). */
  readonly name: string;
  /** The chainql type of the values (decides the SQL type when creating the table, and the encoding). */
  readonly type: LeafType;
  readonly nullable: boolean;
}

/** What to write and how; the rows come separately, in batches. */
export interface WriteRequest {
  readonly table: TableName;
  readonly columns: readonly TargetColumn[];
  /** Create the table (from `columns`) when it does not exist; inside the write's transaction. */
  readonly createTable: boolean;
  readonly onConflict: 'error' | 'ignore' | 'update';
  /** Key columns for `ON CONFLICT (…)`; primary key of a created table. */
  readonly conflictColumns: readonly string[];
}

/** The outcome of a write. */
export interface WriteResult {
  /** Rows inserted or updated (rows skipped by `onConflict: 'ignore'` are not counted). */
  readonly rows: number;
  /** True when the table was created by this write. */
  readonly created: boolean;
}

/**
 * The contract of a database the bridge reads from and writes to. One implementation per engine
 * (`postgres/`, `sqlite/`), created from a connection argument by `openDatabase`.
 *
 * Errors are `DatabaseError` subclasses naming `target`: unreachable, authentication, syntax, other
 * statement failures, conflicts.
 */
export interface DatabaseDriver {
  readonly kind: DatabaseKind;
  /** The connection without its password: `postgres://user@host:5432/db`, `sqlite:/abs/path.db`. */
  readonly target: string;
  /**
   * Runs `sql` with bound `params` and returns a cursor that fetches `batchSize` rows at a time
   * (PostgreSQL: a portal via pg-cursor; SQLite: a statement iterator). Never loads the whole result.
   */
  openCursor(
    sql: string,
    params: readonly unknown[] | Readonly<Record<string, unknown>>,
    batchSize: number,
  ): Promise<DatabaseCursor>;
  /**
   * Writes batches of rows (values in `request.columns` order, as JS values: numbers, strings, booleans,
   * bigints, Dates, arrays, objects, null) in one transaction: all rows or none. A table created by the
   * write is gone again when it fails.
   */
  write(request: WriteRequest, batches: AsyncIterable<readonly (readonly unknown[])[]>): Promise<WriteResult>;
  /** Releases what the driver opened itself (a pool made from a URL, a file it opened); idempotent. */
  close(): Promise<void>;
}
