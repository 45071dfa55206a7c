import type { CompiledQuery, DialectName } from '../../schema/dialect/compiled-query.ts';
import type { ExprNode } from '../../schema/expr/expr-node.ts';
import type { JobRecordStore } from './job-record-store.ts';
import type { RegistryStore } from './registry-store.ts';

/** A physical column to create: name plus the dialect's SQL type text (from `schema/record/sql-types.ts`). */
export interface ColumnDefinition {
  readonly name: string;
  /** Dialect type, e.g. `INTEGER`, `TEXT`, `Nullable(Float64)`. */
  readonly sqlType: string;
  readonly nullable: boolean;
}

/**
 * Index declaration; engines without secondary indexes may map it to their own mechanism.
 *
 * Dataset keys (issue 9) use this contract unchanged: on SQLite a declared primary key is a `unique` index
 * and the other declared indexes plain ones, created after the bulk insert; on ClickHouse the key goes into
 * `createTable`'s `orderBy` and `createIndex` makes a data-skipping index (ClickHouse cannot enforce
 * uniqueness, so callers check duplicates with a query there).
 */
export interface IndexDefinition {
  /** Index name, unique in the database (e.g. `<table>_pk`). */
  readonly name: string;
  /** Physical column names, in index order. */
  readonly columns: readonly string[];
  /** Reject duplicate keys; creating it over existing duplicates fails with WarehouseError. */
  readonly unique: boolean;
}

/**
 * Options for `createTable`. `orderBy` is the table's sort key: ClickHouse's `ORDER BY`; on SQLite a single
 * INTEGER key column becomes the rowid (`INTEGER PRIMARY KEY`), numbered in insertion order when omitted.
 */
export interface CreateTableOptions {
  /**
   * Sort key columns. On SQLite a single INTEGER column becomes `INTEGER PRIMARY KEY`, which makes it
   * unique and non-null (a NULL gets the next rowid); other orderBy shapes are ignored there.
   */
  readonly orderBy?: readonly string[];
  /** Do not fail when the table exists. Default false. */
  readonly ifNotExists?: boolean;
}

/** Rows to append to one table, as arrays in `columns` order with values already encoded for the dialect. */
export interface TableWrite {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A raw result row keyed by column name, values as the engine returns them (not rehydrated). */
export type RawRow = Record<string, unknown>;

/** Options for `query`. */
export interface QueryOptions {
  /** Read 64-bit integers as `bigint` instead of `number`. Default false. */
  readonly bigints?: boolean;
}

/** Options for streaming reads. */
export interface StreamOptions {
  /** Rows per yielded chunk. Default 1000. */
  readonly chunkSize?: number;
  /** Read 64-bit integers as `bigint` instead of `number` (needed for `bigint` columns). Default false. */
  readonly bigints?: boolean;
  /** Aborts the stream; the underlying cursor is closed. */
  readonly signal?: AbortSignal;
}

/**
 * Options of {@link WarehouseDriver.read}: how one interactive read (a GraphQL root field) runs.
 *
 * Drivers must honour all of them: ClickHouse can pass `timeoutMs` as `max_execution_time` and `signal` to the
 * client's `abort_signal`; SQLite runs reads on worker threads and terminates the thread to stop one.
 */
export interface ReadOptions {
  /**
   * Cancels the read: the running statement is stopped and the promise rejects with `signal.reason` (an
   * `Error`), or `ReadCancelledError` when the reason is not one.
   */
  readonly signal?: AbortSignal;
  /**
   * Time budget of this statement in ms; past it the statement is stopped and the read rejects with
   * `ReadTimeoutError` (code TIMEOUT). Undefined or 0: no budget of its own (`signal` still applies).
   */
  readonly timeoutMs?: number;
  /**
   * The statement is a point lookup bounded by a unique index (`_by_pk`): it touches at most a few rows, so
   * the driver may run it on the calling thread without the read pool's hop. Default false (a read that may
   * scan; never run where it could stall the caller's event loop).
   */
  readonly point?: boolean;
  /** Read 64-bit integers as `bigint` instead of `number`. Default false. */
  readonly bigints?: boolean;
}

/** A value of a grouped read's first key where `WarehouseDriver.keySplits` cuts it. */
export type KeyCut = string | number | bigint;

/** Where `WarehouseDriver.keySplits` cuts a grouped read's first key. */
export interface KeyCuts {
  /** Ascending cut values c1 < … < ck (k ≥ 1). */
  readonly values: readonly KeyCut[];
  /** True when some rows have no value for the key: the NULL group is read by a range of its own. */
  readonly nulls: boolean;
}

/**
 * What one grouped read touched, told to {@link WarehouseDriver.adviseGrouping} after it ran: the table (an
 * immutable dataset version), the GROUP BY key columns in order, and every other column it read (aggregated
 * or filtered).
 */
export interface GroupingHint {
  readonly table: string;
  readonly keys: readonly string[];
  readonly columns: readonly string[];
}

/**
 * The contract every warehouse (Data Memory backend) implements: embedded SQLite now,
 * ClickHouse at scale. All methods are async so network engines fit; SQL comes from the
 * dialect compilers in `schema/` and values are always bound parameters.
 *
 * Errors: implementations throw `WarehouseError` (code `WAREHOUSE_ERROR`) carrying the statement and
 * parameters, or `TableNotFoundError` for a missing table.
 */
export interface WarehouseDriver {
  /** Which SQL dialect this warehouse speaks; callers pick the matching compiler. */
  readonly dialect: DialectName;
  /** True when `writeAtomically` is a real transaction (SQLite); false where it is best-effort (ClickHouse). */
  readonly transactional: boolean;

  /** Runs a statement that returns no rows (DDL, DELETE, …). */
  execute(query: CompiledQuery): Promise<void>;
  /** Runs a query and returns all rows. Use only for bounded results; use `stream` for tables. */
  query(query: CompiledQuery, options?: QueryOptions): Promise<RawRow[]>;
  /**
   * Runs one interactive read (a SELECT from the dialect compiler) off the caller's event loop, bounded by
   * `options.signal`/`timeoutMs`, and returns all rows keyed by column alias. Used by the GraphQL server.
   * @throws ReadTimeoutError past `timeoutMs`; the signal's reason when `signal` aborts;
   *   WarehouseOverloadedError (code OVERLOADED) when the driver's read queue is full; TableNotFoundError;
   *   WarehouseError for any other failure.
   */
  read(query: CompiledQuery, options?: ReadOptions): Promise<RawRow[]>;
  /**
   * Optional: where to cut one interactive read of `table` (the compiled `query`, as `read` would run it) into
   * row-id ranges that `read` runs in parallel, or undefined to run it whole. The SQLite driver splits a read
   * that scans the whole table (no index) of at least `parallelScanMinRows` rows when read threads are idle;
   * engines that parallelise a scan themselves (ClickHouse) leave this out. The caller builds one query per
   * range (`sys__id <= c1`, `c1 < sys__id <= c2`, …, `sys__id > ck`) and merges their rows.
   * @returns ascending cut points c1 < … < ck (k ≥ 1), or undefined.
   */
  readSplits?(query: CompiledQuery, table: string): Promise<readonly number[] | undefined>;
  /**
   * Optional: where to cut one grouped read of `table` (the compiled `query`, as `read` would run it) into ranges
   * of its first GROUP BY key `column` that `read` runs in parallel, or undefined to run it whole. Every group
   * falls in exactly one range, so each range's groups (with their HAVING) are final and the caller only merges
   * the ordered lists. The SQLite driver cuts a read that SQLite answers by walking an index led by `column`
   * (e.g. the covering index `adviseGrouping` built) when read threads are idle; engines that hash (ClickHouse)
   * leave this out. The caller builds one query per range (`column < c1`, `c1 <= column < c2`, …,
   * `column >= ck`, and `column IS NULL` when `nulls`).
   * @returns the cuts of `column`, or undefined.
   */
  keySplits?(query: CompiledQuery, table: string, column: string): Promise<KeyCuts | undefined>;
  /** Streams a query's rows in chunks without loading the result into memory. */
  stream(query: CompiledQuery, options?: StreamOptions): AsyncIterable<RawRow[]>;
  /**
   * Like `stream`, each row an array of its values in the query's column order instead of an object keyed
   * by alias: cheaper for consumers that read every column by position (`toDatabase`, exports).
   */
  streamArrays(query: CompiledQuery, options?: StreamOptions): AsyncIterable<unknown[][]>;

  /** Creates a table. */
  createTable(
    table: string,
    columns: readonly ColumnDefinition[],
    options?: CreateTableOptions,
  ): Promise<void>;
  /** Creates an index (after bulk loads, for speed). */
  createIndex(table: string, index: IndexDefinition): Promise<void>;
  /** Drops a table if it exists. */
  dropTable(table: string): Promise<void>;
  /** Renames a table (used to publish a fully written table under its final name). */
  renameTable(from: string, to: string): Promise<void>;
  /** True when the table exists. */
  tableExists(table: string): Promise<boolean>;
  /** Physical column names of a table, in order. */
  tableColumns(table: string): Promise<string[]>;

  /**
   * Appends rows to one table in batched transactions; returns the number of rows written. Each batch
   * commits on its own (a failure part-way keeps earlier batches): write into a fresh table and publish
   * it with `renameTable`, or use `writeAtomically`, when all-or-nothing matters. Values must already
   * be encoded for the dialect (drivers may convert booleans and `undefined`, nothing else).
   */
  insert(
    table: string,
    columns: readonly string[],
    rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
  ): Promise<number>;
  /**
   * Applies several writes (and optional statements) as one unit: all or nothing where the engine is
   * transactional. Writes run first, in order, then the statements, in order. Checkpoint commits use this: a batch's outputs and the ids of the inputs it covers.
   */
  writeAtomically(writes: readonly TableWrite[], statements?: readonly CompiledQuery[]): Promise<void>;

  /**
   * Deletes the rows of `table` matching `where` (compiled by the dialect compiler, values bound). On engines
   * without transactions (ClickHouse) the delete is synchronous but not atomic with other writes.
   */
  deleteWhere(table: string, where: ExprNode): Promise<void>;

  /** The dataset registry's metadata storage on this warehouse (compute/registry uses it; no SQL there). */
  registryStore(): RegistryStore;

  /**
   * Optional: pipeline job records on this warehouse (the in-process job manager, compute/pipelines/job-store.ts).
   * Both built-in warehouses have them (SQLite: a table with a unique index; ClickHouse: a ReplacingMergeTree
   * read with FINAL); a driver without them makes the in-process job manager refuse to open (use Redis).
   */
  jobRecordStore?(): JobRecordStore;

  /**
   * Optional: a grouped read of an immutable table just ran (see {@link GroupingHint}). An engine whose GROUP BY
   * sorts may prepare for the next one of the same shape — the SQLite driver builds a covering index once, in
   * the background; engines that hash (ClickHouse) leave it out. Never throws, never delays the caller.
   */
  adviseGrouping?(hint: GroupingHint): void;

  /**
   * Optional: checks that a network warehouse answers (one trivial statement). Long-lived processes call it before
   * each unit of work, so an outage fails the work at once with a clear error. Embedded warehouses leave it out.
   * @throws WarehouseUnreachableError naming the URL (never the password); WarehouseAuthError for refused
   *   credentials.
   */
  ping?(): Promise<void>;

  /** Closes connections; further calls fail. */
  close(): Promise<void>;
}
