import type Database from 'better-sqlite3';
import { openConnection, registerFunctions } from '../../clients/warehouse/sqlite/sqlite-connection.ts';
import { sqliteFunctions } from '../../schema/dialect/sqlite/sqlite-functions.ts';
import type { ReadTask } from './read-worker.ts';
import { createServerFunctions } from './server-functions.ts';

const STATEMENT_CACHE = 256;

/**
 * Read-only SQLite connections (one per database file, with the chainql and server functions registered)
 * and a bounded cache of their prepared statements. Each read worker thread keeps one; the inline reader
 * on the main thread keeps its own.
 */
export class ReadConnections {
  readonly #connections = new Map<string, Database.Database>();
  readonly #statements = new Map<string, Database.Statement>();

  /** Runs one SELECT and returns its rows keyed by column alias. Throws better-sqlite3's errors as they are. */
  run(task: ReadTask): Record<string, unknown>[] {
    const key = `${task.dbPath}\u0000${task.sql}`;
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      statement = this.#connection(task.dbPath).prepare(task.sql);
      if (this.#statements.size >= STATEMENT_CACHE) this.#statements.clear();
      this.#statements.set(key, statement);
    }
    statement.safeIntegers(task.bigints);
    return statement.all(...(task.params as unknown[])) as Record<string, unknown>[];
  }

  /** Closes every connection. */
  close(): void {
    this.#statements.clear();
    for (const db of this.#connections.values()) db.close();
    this.#connections.clear();
  }

  #connection(path: string): Database.Database {
    let db = this.#connections.get(path);
    if (db === undefined) {
      db = openConnection({
        path,
        readonly: true,
        queryOnly: true,
        busyTimeoutMs: 5000,
        functions: sqliteFunctions,
      });
      registerFunctions(db, createServerFunctions());
      this.#connections.set(path, db);
    }
    return db;
  }
}
