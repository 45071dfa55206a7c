import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import type { CompiledQuery, DialectName } from '../../../schema/dialect/compiled-query.ts';
import { getCompiler } from '../../../schema/dialect/get-compiler.ts';
import { quoteIdentifier, quoteIdentifiers } from '../../../schema/dialect/quote-identifier.ts';
import { createSqliteFunctions } from '../../../schema/dialect/sqlite/sqlite-functions.ts';
import type { ExprNode } from '../../../schema/expr/expr-node.ts';
import type { JobRecordStore } from '../job-record-store.ts';
import type { RegistryStore } from '../registry-store.ts';
import type {
  ColumnDefinition,
  CreateTableOptions,
  GroupingHint,
  IndexDefinition,
  KeyCuts,
  RawRow,
  ReadOptions,
  StreamOptions,
  TableWrite,
  WarehouseDriver,
} from '../warehouse-driver.ts';
import {
  ReadCancelledError,
  ReadTimeoutError,
  TableNotFoundError,
  WarehouseClosedError,
  WarehouseError,
  WarehouseOverloadedError,
} from '../warehouse-errors.ts';
import { BatchInserter } from './batch-inserter.ts';
import { CommitToken } from './commit-token.ts';
import { CoveringIndexAdvisor, type CoveringIndexReport } from './covering-index-advisor.ts';
import { ReadConnectionPool } from './read-connection-pool.ts';
import { ReadSplitter } from './read-splitter.ts';
import { ReadQueueFullError, ReadThreads } from './read-threads.ts';
import { openConnection } from './sqlite-connection.ts';
import { bindableAll, toWarehouseError } from './sqlite-error-mapping.ts';
import { SqliteJobRecordStore } from './sqlite-job-record-store.ts';
import { SqliteRegistryStore } from './sqlite-registry-store.ts';
import {
  type ResolvedSqliteWarehouseOptions,
  resolveOptions,
  type SqliteWarehouseOptions,
} from './sqlite-warehouse-options.ts';
import { StatementCache, type StatementCacheStats } from './statement-cache.ts';

/**
 * Opens (creating if needed) an SQLite warehouse: one write connection plus a pool of read
 * connections for streams, all in WAL mode so readers, the writer and other processes coexist.
 *
 * @throws WarehouseError when the file cannot be opened (e.g. read-only on a missing file).
 */
export async function openSqliteWarehouse(options: SqliteWarehouseOptions): Promise<SqliteWarehouse> {
  // A fresh list per warehouse: the functions keep small caches (compiled regexes) shared by its connections.
  return new SqliteWarehouse(resolveOptions(options, options.functions ?? createSqliteFunctions()));
}

/**
 * The embedded Data Memory: `WarehouseDriver` on better-sqlite3.
 *
 * better-sqlite3 is synchronous, so every method runs to completion on the calling thread; the async
 * signatures are for the contract (ClickHouse). No transaction ever spans an `await`: `insert` buffers
 * rows from async sources and commits each batch synchronously, so other callers sharing the warehouse
 * never run inside someone else's transaction.
 */
export class SqliteWarehouse implements WarehouseDriver {
  /** @inheritdoc */
  readonly dialect: DialectName = 'sqlite';
  /** @inheritdoc */
  readonly transactional = true;
  /**
   * `insert` copies each row of a synchronous iterable before it pulls the next one, so such a source
   * may hand out one reused array (compute/chain/table-writer.ts relies on this to allocate nothing per row).
   */
  readonly copiesSyncRows = true;
  /** The database file (for `':memory:'`, the temporary file backing it). */
  readonly path: string;

  readonly #options: ResolvedSqliteWarehouseOptions;
  readonly #db: Database.Database;
  readonly #statements: StatementCache;
  readonly #readers: ReadConnectionPool;
  readonly #tempDir: string | undefined;
  /** Worker threads for `read`, started on the first read that needs them. */
  #threads: ReadThreads | undefined;
  /** Covering indexes for repeated GROUP BY shapes (see `adviseGrouping`); created on the first hint. */
  #indexAdvisor: CoveringIndexAdvisor | undefined;
  /** Where reads split into parts for the read threads (`readSplits`, `keySplits`). */
  readonly #splitter: ReadSplitter;
  /** Read lazily by `commitToken`. */
  #commits: CommitToken | undefined;
  #closed = false;

  /** Use `openSqliteWarehouse`; the constructor opens the write connection synchronously. */
  constructor(options: ResolvedSqliteWarehouseOptions) {
    this.#options = options;
    if (options.path === ':memory:') {
      this.#tempDir = mkdtempSync(join(tmpdir(), 'chainql-mem-'));
      this.path = join(this.#tempDir, 'warehouse.db');
    } else {
      this.#tempDir = undefined;
      this.path = options.path;
      if (!options.readonly) mkdirSync(dirname(options.path), { recursive: true });
    }
    const open = (queryOnly: boolean) =>
      openConnection({
        path: this.path,
        readonly: options.readonly,
        queryOnly,
        busyTimeoutMs: options.busyTimeoutMs,
        functions: options.functions,
      });
    try {
      this.#db = open(false);
    } catch (error) {
      this.#removeTempDir();
      throw error;
    }
    this.#statements = new StatementCache(this.#db, options.statementCacheSize);
    this.#readers = new ReadConnectionPool(
      () => open(true),
      options.maxIdleReaders,
      options.statementCacheSize,
    );
    this.#splitter = new ReadSplitter({
      readers: this.#readers,
      idleThreads: () => this.#threads?.idle ?? options.readThreads,
      minRows: options.parallelScanMinRows,
      read: (query, readOptions) => this.read(query, readOptions),
    });
  }

  /** @inheritdoc Multi-statement SQL without parameters is allowed (run with `exec`). */
  async execute(query: CompiledQuery): Promise<void> {
    this.#assertOpen('execute');
    this.#execute(query);
  }

  /** @inheritdoc Statements that return no rows run and yield `[]`. */
  async query(query: CompiledQuery, options?: { bigints?: boolean }): Promise<RawRow[]> {
    this.#assertOpen('query');
    const parameters = bindableAll(query.parameters);
    try {
      const statement = this.#statements.get(query.sql);
      if (!statement.reader) {
        statement.run(parameters);
        return [];
      }
      statement.safeIntegers(options?.bigints ?? false);
      return statement.all(parameters) as RawRow[];
    } catch (cause) {
      throw toWarehouseError(cause, query.sql, query.parameters);
    }
  }

  /**
   * @inheritdoc Reads run on a pool of worker threads (`readThreads`, started on first use), each with its own
   * read-only connection: a slow statement occupies one thread while the event loop stays free, and a timeout
   * or an aborted signal terminates its thread, which stops the statement. A `point` read (a unique-index
   * lookup) runs on the calling thread on a pooled read connection instead, skipping the thread hop; it cannot
   * be interrupted once started (it touches at most a few rows). With `readThreads: 0` every read runs inline.
   */
  async read(query: CompiledQuery, options: ReadOptions = {}): Promise<RawRow[]> {
    this.#assertOpen('read');
    const details = { sql: query.sql, parameters: query.parameters };
    if (options.signal?.aborted) throw abortReason(options.signal, details);
    const parameters = bindableAll(query.parameters);
    const bigints = options.bigints ?? false;
    if (options.point === true || this.#options.readThreads === 0) {
      const reader = this.#readers.acquire();
      try {
        const statement = reader.statements.get(query.sql);
        statement.safeIntegers(bigints);
        return statement.all(parameters) as RawRow[];
      } catch (cause) {
        throw toWarehouseError(cause, query.sql, query.parameters);
      } finally {
        this.#readers.release(reader);
      }
    }
    this.#threads ??= new ReadThreads({
      threads: this.#options.readThreads,
      maxQueue: this.#options.readQueue,
    });
    const signals: AbortSignal[] = options.signal ? [options.signal] : [];
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = options.timeoutMs ?? 0;
    if (timeoutMs > 0) {
      const timeout = new AbortController();
      timer = setTimeout(() => timeout.abort(new ReadTimeoutError(timeoutMs, details)), timeoutMs);
      signals.push(timeout.signal);
    }
    const signal = signals.length <= 1 ? signals[0] : AbortSignal.any(signals);
    let result: Awaited<ReturnType<ReadThreads['run']>>;
    try {
      result = await this.#threads.run({ path: this.path, sql: query.sql, parameters, bigints }, signal);
    } catch (cause) {
      if (signal?.aborted) throw abortReason(signal, details);
      if (cause instanceof ReadQueueFullError) throw new WarehouseOverloadedError({ ...details, cause });
      throw toWarehouseError(cause, query.sql, query.parameters);
    } finally {
      clearTimeout(timer);
    }
    if (!Array.isArray(result))
      throw toWarehouseError(new Error(result.message), query.sql, query.parameters);
    return result;
  }

  /**
   * @inheritdoc Splits when SQLite's plan for `query` is a full scan of `table` (`SCAN <table>`, no index), the
   * table spans at least `parallelScanMinRows` row ids, and at least two read threads are idle (see
   * read-splitter.ts).
   */
  async readSplits(query: CompiledQuery, table: string): Promise<readonly number[] | undefined> {
    this.#assertOpen('readSplits');
    return this.#splitter.rowIdCuts(query, table);
  }

  /**
   * @inheritdoc Cuts when SQLite's plan for `query` walks an index of `table` led by `column` (`SCAN <table> USING
   * [COVERING] INDEX <index>`, such as the covering index `adviseGrouping` builds), at least two read threads are
   * idle and at least `parallelScanMinRows` rows have a value in `column`; the cuts balance the index's entries
   * and are kept per version (see read-splitter.ts).
   */
  async keySplits(query: CompiledQuery, table: string, column: string): Promise<KeyCuts | undefined> {
    this.#assertOpen('keySplits');
    return this.#splitter.keyCuts(query, table, column);
  }

  /**
   * @inheritdoc Each open stream holds its own read connection (returned to the pool when the loop
   * ends, breaks, throws or the signal aborts), reading a consistent snapshot taken at its first row.
   * Aborting rejects the next `next()` with the signal's reason.
   * @throws WarehouseError for a bad `chunkSize`, a failing statement or one that returns no rows.
   */
  stream(query: CompiledQuery, options?: StreamOptions): AsyncGenerator<RawRow[], void, undefined> {
    return this.#chunks<RawRow>(query, options, false);
  }

  /** @inheritdoc Like `stream`, with better-sqlite3's raw mode (one array per row, no keyed object). */
  streamArrays(query: CompiledQuery, options?: StreamOptions): AsyncGenerator<unknown[][], void, undefined> {
    return this.#chunks<unknown[]>(query, options, true);
  }

  async *#chunks<Row>(
    query: CompiledQuery,
    options: StreamOptions | undefined,
    raw: boolean,
  ): AsyncGenerator<Row[], void, undefined> {
    this.#assertOpen('stream');
    const chunkSize = options?.chunkSize ?? 1000;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new WarehouseError(`stream chunkSize must be a positive integer, got ${chunkSize}.`);
    }
    const signal = options?.signal;
    signal?.throwIfAborted();
    const reader = this.#readers.acquire();
    let rows: IterableIterator<unknown> | undefined;
    let rawStatement: { raw(on: boolean): unknown } | undefined;
    try {
      try {
        const statement = reader.statements.get(query.sql);
        statement.safeIntegers(options?.bigints ?? false);
        if (raw) {
          statement.raw(true);
          rawStatement = statement;
        }
        rows = statement.iterate(bindableAll(query.parameters));
      } catch (cause) {
        throw toWarehouseError(cause, query.sql, query.parameters);
      }
      let chunk: Row[] = [];
      while (true) {
        let next: IteratorResult<unknown>;
        try {
          next = rows.next();
        } catch (cause) {
          throw toWarehouseError(cause, query.sql, query.parameters);
        }
        if (next.done) break;
        chunk.push(next.value as Row);
        if (chunk.length >= chunkSize) {
          signal?.throwIfAborted();
          yield chunk;
          chunk = [];
          signal?.throwIfAborted();
        }
      }
      if (chunk.length > 0) {
        signal?.throwIfAborted();
        yield chunk;
      }
    } finally {
      // Closing the iterator resets the statement and ends the read transaction (also on break/abort),
      // so the pooled connection is idle and its cached statement reusable.
      rows?.return?.();
      // The statement is cached for other reads of the same SQL, which expect keyed rows.
      rawStatement?.raw(false);
      this.#readers.release(reader);
    }
  }

  /** @inheritdoc `orderBy` is ignored (SQLite tables are unordered heaps keyed by rowid). */
  async createTable(
    table: string,
    columns: readonly ColumnDefinition[],
    options?: CreateTableOptions,
  ): Promise<void> {
    this.#assertOpen('createTable');
    if (columns.length === 0) throw new WarehouseError(`createTable '${table}' needs at least one column.`);
    // A single INTEGER sort key becomes the rowid alias: ordered scans and id lookups need no extra index,
    // and rows inserted without it are numbered in insertion order.
    const [sortKey, ...moreKeys] = options?.orderBy ?? [];
    const rowidKey =
      moreKeys.length === 0 ? columns.find((c) => c.name === sortKey && c.sqlType === 'INTEGER') : undefined;
    const body = columns
      .map((c) =>
        c === rowidKey
          ? `${quoteIdentifier('sqlite', c.name)} INTEGER PRIMARY KEY`
          : `${quoteIdentifier('sqlite', c.name)} ${c.sqlType}${c.nullable ? '' : ' NOT NULL'}`,
      )
      .join(', ');
    const ifNotExists = options?.ifNotExists ? 'IF NOT EXISTS ' : '';
    this.#execute({
      sql: `CREATE TABLE ${ifNotExists}${quoteIdentifier('sqlite', table)} (${body})`,
      parameters: [],
    });
  }

  /** @inheritdoc A unique index fails with WarehouseError when existing rows hold duplicates. */
  async createIndex(table: string, index: IndexDefinition): Promise<void> {
    this.#assertOpen('createIndex');
    const unique = index.unique ? 'UNIQUE ' : '';
    this.#execute({
      sql: `CREATE ${unique}INDEX ${quoteIdentifier('sqlite', index.name)} ON ${quoteIdentifier('sqlite', table)} (${quoteIdentifiers('sqlite', index.columns)})`,
      parameters: [],
    });
  }

  /** @inheritdoc */
  async dropTable(table: string): Promise<void> {
    this.#assertOpen('dropTable');
    this.#execute({ sql: `DROP TABLE IF EXISTS ${quoteIdentifier('sqlite', table)}`, parameters: [] });
  }

  /** @inheritdoc @throws TableNotFoundError when `from` does not exist; WarehouseError when `to` does. */
  async renameTable(from: string, to: string): Promise<void> {
    this.#assertOpen('renameTable');
    this.#execute({
      sql: `ALTER TABLE ${quoteIdentifier('sqlite', from)} RENAME TO ${quoteIdentifier('sqlite', to)}`,
      parameters: [],
    });
  }

  /** @inheritdoc Table names are case-insensitive in SQLite, so is this check. Views count as tables. */
  async tableExists(table: string): Promise<boolean> {
    const rows = await this.query({
      sql: `SELECT 1 AS found FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE`,
      parameters: [table],
    });
    return rows.length > 0;
  }

  /** @inheritdoc @throws TableNotFoundError when the table does not exist. */
  async tableColumns(table: string): Promise<string[]> {
    const sql = 'SELECT name FROM pragma_table_info(?) ORDER BY cid';
    const rows = await this.query({ sql, parameters: [table] });
    if (rows.length === 0) throw new TableNotFoundError(table, { sql, parameters: [table] });
    return rows.map((r) => String(r.name));
  }

  /**
   * @inheritdoc Rows are committed in transactions of `insertBatchRows` rows (multi-row INSERTs inside),
   * so a failure part-way leaves the earlier batches committed: write into a fresh table and publish it
   * with `renameTable`, or use `writeAtomically`, when all-or-nothing matters.
   * @throws WarehouseError (the failing statement and values attached) or TableNotFoundError.
   */
  async insert(
    table: string,
    columns: readonly string[],
    rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
  ): Promise<number> {
    this.#assertOpen('insert');
    const inserter = new BatchInserter(this.#statements, table, columns);
    const commit = (batch: readonly (readonly unknown[])[]) => {
      this.#assertOpen('insert');
      this.#transaction(() => inserter.write(batch));
    };
    const limit = this.#options.insertBatchRows;
    if (Array.isArray(rows)) {
      const all = rows as readonly (readonly unknown[])[];
      for (let i = 0; i < all.length; i += limit) commit(all.length <= limit ? all : all.slice(i, i + limit));
      return all.length;
    }
    if (Symbol.iterator in rows) return this.#insertSync(inserter, rows, limit);
    let total = 0;
    let batch: (readonly unknown[])[] = [];
    const add = (row: readonly unknown[]) => {
      batch.push(row);
      if (batch.length >= limit) {
        commit(batch);
        total += batch.length;
        batch = [];
      }
    };
    for await (const row of rows) add(row);
    if (batch.length > 0) {
      commit(batch);
      total += batch.length;
    }
    return total;
  }

  /**
   * Inserts a synchronous row source without buffering rows: each transaction pulls up to `limit` rows
   * and streams them into the inserter, so no row outlives its statement (nothing reaches the old
   * generation of the heap). An error thrown by the source itself rolls back the open batch and is
   * rethrown unchanged; earlier batches stay committed, as with buffered batches.
   */
  #insertSync(inserter: BatchInserter, rows: Iterable<readonly unknown[]>, limit: number): number {
    const iterator = rows[Symbol.iterator]();
    let total = 0;
    let done = false;
    let sourceError: { error: unknown } | undefined;
    const batch = this.#db.transaction(() => {
      for (let n = 0; n < limit; n++) {
        let next: IteratorResult<readonly unknown[]>;
        try {
          next = iterator.next();
        } catch (error) {
          sourceError = { error };
          throw error;
        }
        if (next.done) {
          done = true;
          break;
        }
        inserter.add(next.value);
        total++;
      }
      inserter.flush();
    });
    try {
      while (!done) {
        this.#assertOpen('insert');
        batch();
      }
    } catch (cause) {
      if (sourceError) throw sourceError.error;
      iterator.return?.();
      throw toWarehouseError(cause, '', []);
    }
    return total;
  }

  /**
   * @inheritdoc One SQLite transaction: every write (in order), then every statement (in order);
   * if any fails, nothing is committed and the error is rethrown.
   */
  async writeAtomically(
    writes: readonly TableWrite[],
    statements: readonly CompiledQuery[] = [],
  ): Promise<void> {
    this.#assertOpen('writeAtomically');
    this.#transaction(() => {
      for (const write of writes)
        new BatchInserter(this.#statements, write.table, write.columns).write(write.rows);
      for (const statement of statements) this.#execute(statement);
    });
  }

  /** @inheritdoc */
  async deleteWhere(table: string, where: ExprNode): Promise<void> {
    const condition = getCompiler('sqlite').compileExpression(where);
    await this.execute({
      sql: `DELETE FROM ${quoteIdentifier('sqlite', table)} WHERE ${condition.sql}`,
      parameters: condition.parameters,
    });
  }

  /** @inheritdoc */
  registryStore(): RegistryStore {
    return new SqliteRegistryStore(this);
  }

  /** @inheritdoc */
  jobRecordStore(): JobRecordStore {
    return new SqliteJobRecordStore(this);
  }

  /** Statement-cache counters of the write connection and the number of open stream connections. */
  stats(): { statementCache: StatementCacheStats; readConnections: number } {
    return { statementCache: this.#statements.stats(), readConnections: this.#readers.size };
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * @inheritdoc Idempotent. Open streams keep their connection until they finish, then it is closed.
   * For `':memory:'` the backing temporary file is deleted.
   */
  /**
   * @inheritdoc SQLite sorts to GROUP BY; after `autoIndexAfter` grouped reads of one shape (default 2) a
   * covering index `(keys…, columns…)` is built once in a worker thread, so later reads scan it in key order
   * instead (see covering-index-advisor.ts). Off with `autoIndexAfter: 0` or on a read-only warehouse.
   */
  adviseGrouping(hint: GroupingHint): void {
    if (this.#closed || this.#options.readonly || this.#options.autoIndexAfter <= 0) return;
    this.#indexAdvisor ??= new CoveringIndexAdvisor({
      path: this.path,
      after: this.#options.autoIndexAfter,
      maxColumns: 8,
      maxPerTable: 4,
      busyTimeoutMs: this.#options.busyTimeoutMs,
    });
    this.#indexAdvisor.advise(hint);
  }

  /** The covering indexes `adviseGrouping` started (table, columns, build time and size once built). */
  coveringIndexes(): CoveringIndexReport[] {
    return this.#indexAdvisor?.reports() ?? [];
  }

  /** Resolves when no covering index is being built (tests, benchmarks). */
  async coveringIndexesIdle(): Promise<void> {
    await this.#indexAdvisor?.idle();
  }

  /**
   * A string that changes whenever a transaction is committed to the file, by this warehouse or any other
   * connection or process, read without a transaction (see commit-token.ts). Undefined when it cannot be read:
   * then assume a change. The registry uses it to skip re-reading its revision while nothing was committed.
   */
  commitToken(): string | undefined {
    if (this.#closed) return undefined;
    this.#commits ??= new CommitToken(this.path);
    return this.#commits.read();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#commits?.close();
    await this.#indexAdvisor?.close();
    await this.#threads?.close();
    this.#readers.close();
    this.#statements.clear();
    this.#db.close();
    this.#removeTempDir();
  }

  #execute(query: CompiledQuery): void {
    const parameters = bindableAll(query.parameters);
    try {
      let statement: ReturnType<StatementCache['get']>;
      try {
        statement = this.#statements.get(query.sql);
      } catch (cause) {
        if (parameters.length === 0 && /more than one statement/.test((cause as Error).message)) {
          this.#db.exec(query.sql);
          return;
        }
        throw cause;
      }
      statement.run(parameters);
    } catch (cause) {
      throw toWarehouseError(cause, query.sql, query.parameters);
    }
  }

  #transaction(work: () => void): void {
    try {
      this.#db.transaction(work)();
    } catch (cause) {
      throw toWarehouseError(cause, '', []);
    }
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new WarehouseClosedError(what);
  }

  #removeTempDir(): void {
    if (this.#tempDir !== undefined) rmSync(this.#tempDir, { recursive: true, force: true });
  }
}

/** The error a read rejects with once `signal` aborted: its reason when that is an Error. */
function abortReason(signal: AbortSignal, details: { sql: string; parameters: readonly unknown[] }): Error {
  return signal.reason instanceof Error ? signal.reason : new ReadCancelledError(details);
}
