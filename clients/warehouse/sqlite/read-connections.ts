import type Database from 'better-sqlite3';
import { createSqliteFunctions } from '../../../schema/dialect/sqlite/sqlite-functions.ts';
import type { RawRow } from '../warehouse-driver.ts';
import type { ReadTask } from './read-task.ts';
import { openConnection } from './sqlite-connection.ts';
import { StatementCache } from './statement-cache.ts';

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
      entry = { db, statements: new StatementCache(db, this.cacheSize) };
      this.#connections.set(path, entry);
    }
    return entry;
  }
}
