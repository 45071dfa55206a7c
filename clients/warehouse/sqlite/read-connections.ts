import type Database from 'better-sqlite3';
import { createSqliteFunctions } from '../../../schema/dialect/sqlite/sqlite-functions.ts';
import type { RawRow } from '../warehouse-driver.ts';
import type { ReadTask } from './read-task.ts';
import { openConnection } from './sqlite-connection.ts';
import { StatementCache } from './statement-cache.ts';

/**
 * Bytes of the database file a read thread maps into memory (`PRAGMA mmap_size`): a scan then reads pages in
 * place instead of copying each one out of the OS cache, which is what lets two threads scanning halves of a
 * table (a split read) run at twice the speed instead of contending on those copies. Address space only; pages
 * touched count in the process's RSS as shared file pages. Streams (exports) read on their own connections,
 * without it.
 */
const READ_MMAP_BYTES = 4 * 1024 ** 3;

/**
 * Read-only SQLite connections by database file, each with chainql's SQL functions registered and its own
 * statement cache. Every read thread keeps one set (connections are per thread in better-sqlite3).
 */
export class ReadConnections {
  readonly #connections = new Map<string, { db: Database.Database; statements: StatementCache }>();
  readonly #functions = createSqliteFunctions();

  /**
   * @param busyTimeoutMs wait on locks held by writers before SQLITE_BUSY.
   * @param cacheSize statements kept per connection.
   */
  constructor(
    private readonly busyTimeoutMs = 5000,
    private readonly cacheSize = 256,
  ) {}

  /** Runs one SELECT and returns its rows keyed by column alias; throws better-sqlite3's errors as they are. */
  run(task: ReadTask): RawRow[] {
    const statement = this.#connection(task.path).statements.get(task.sql);
    statement.safeIntegers(task.bigints);
    return statement.all(...(task.parameters as unknown[])) as RawRow[];
  }

  /** Closes every connection. */
  close(): void {
    for (const { db, statements } of this.#connections.values()) {
      statements.clear();
      db.close();
    }
    this.#connections.clear();
  }

  #connection(path: string): { db: Database.Database; statements: StatementCache } {
    let entry = this.#connections.get(path);
    if (entry === undefined) {
      const db = openConnection({
        path,
        readonly: true,
        queryOnly: true,
        busyTimeoutMs: this.busyTimeoutMs,
        functions: this.#functions,
      });
      db.pragma(`mmap_size = ${READ_MMAP_BYTES}`);
      entry = { db, statements: new StatementCache(db, this.cacheSize) };
      this.#connections.set(path, entry);
    }
    return entry;
  }
}
