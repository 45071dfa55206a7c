import { availableParallelism } from 'node:os';
import type { SqliteUserFunction } from './sqlite-connection.ts';

/** Options of `openSqliteWarehouse`. */
export interface SqliteWarehouseOptions {
  /**
   * Database file (parent folders are created), or `':memory:'` for a private throw-away database.
   * `':memory:'` is backed by a temporary file deleted on `close()`: SQLite's in-memory databases
   * belong to one connection, and streams read on their own connections (see `stream`).
   */
  readonly path: string;
  /** Open read-only: the file must exist; writes fail with WarehouseError. Default false. */
  readonly readonly?: boolean;
  /** Milliseconds to wait for a lock held by another connection/process. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Prepared statements kept per connection (LRU by SQL text). Default 256. */
  readonly statementCacheSize?: number;
  /** Rows per committed transaction in `insert`. Default 20000. */
  readonly insertBatchRows?: number;
  /** Stream connections kept open while idle. Default 4. */
  readonly maxIdleReaders?: number;
  /**
   * Worker threads running `read` (GraphQL queries), started on the first read. 0 runs reads on the
   * calling thread (no isolation, no timeout). Default min(4, max(2, available parallelism)).
   */
  readonly readThreads?: number;
  /** Reads queued beyond busy read threads before `read` answers OVERLOADED. Default 256. */
  readonly readQueue?: number;
  /**
   * A read that would scan a whole table (no index) of at least this many rows is split over row-id ranges
   * run in parallel on idle read threads (`readSplits`). 0 never splits. Default 50,000
   * (`CHAINQL_PARALLEL_SCAN_MIN_ROWS`).
   */
  readonly parallelScanMinRows?: number;
  /**
   * Grouped GraphQL reads of one shape (table, keys, columns) after which a covering index is built for it
   * in the background (`adviseGrouping`). 0 never builds. Default 2 (`CHAINQL_AUTO_INDEX_AFTER`).
   */
  readonly autoIndexAfter?: number;
  /**
   * SQL functions registered on every connection. Default: chainql's own `chainql_*` functions
   * from `schema/dialect/sqlite/sqlite-functions.ts`; pass extra ones by concatenating.
   */
  readonly functions?: readonly SqliteUserFunction[];
}

/** Options with defaults applied. */
export interface ResolvedSqliteWarehouseOptions {
  readonly path: string;
  readonly readonly: boolean;
  readonly busyTimeoutMs: number;
  readonly statementCacheSize: number;
  readonly insertBatchRows: number;
  readonly maxIdleReaders: number;
  readonly readThreads: number;
  readonly readQueue: number;
  readonly parallelScanMinRows: number;
  readonly autoIndexAfter: number;
  readonly functions: readonly SqliteUserFunction[];
}

/** Applies defaults; `functions` falls back to `defaultFunctions`. */
export function resolveOptions(
  options: SqliteWarehouseOptions,
  defaultFunctions: readonly SqliteUserFunction[],
): ResolvedSqliteWarehouseOptions {
  return {
    path: options.path,
    readonly: options.readonly ?? false,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    statementCacheSize: options.statementCacheSize ?? 256,
    insertBatchRows: Math.max(1, Math.floor(options.insertBatchRows ?? 20_000)),
    maxIdleReaders: Math.max(0, Math.floor(options.maxIdleReaders ?? 4)),
    readThreads: Math.max(
      0,
      Math.floor(options.readThreads ?? Math.min(4, Math.max(2, availableParallelism()))),
    ),
    readQueue: Math.max(1, Math.floor(options.readQueue ?? 256)),
    parallelScanMinRows: Math.max(
      0,
      Math.floor(
        options.parallelScanMinRows ?? Number(process.env.CHAINQL_PARALLEL_SCAN_MIN_ROWS ?? 50_000),
      ) || 0,
    ),
    autoIndexAfter: Math.max(
      0,
      Math.floor(options.autoIndexAfter ?? Number(process.env.CHAINQL_AUTO_INDEX_AFTER ?? 2)) || 0,
    ),
    functions: options.functions ?? defaultFunctions,
  };
}
