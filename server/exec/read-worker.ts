import type Database from 'better-sqlite3';
import { openConnection, registerFunctions } from '../../clients/warehouse/sqlite/sqlite-connection.ts';
import { sqliteFunctions } from '../../schema/dialect/sqlite/sqlite-functions.ts';
import { createServerFunctions } from './server-functions.ts';

/**
 * Worker-thread entry of the read pool (run by piscina). Each worker keeps its own read-only
 * better-sqlite3 connection per database file, with chainql's SQL functions and the server's registered,
 * `case_sensitive_like = ON` (Hasura/PostgreSQL LIKE). A statement that runs past the query timeout is
 * stopped by terminating this worker (piscina abort), which is why reads never run on the main thread.
 */

/** One read task. */
export interface ReadTask {
  readonly dbPath: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Read integers as bigint (needed for BigInt columns). */
  readonly bigints: boolean;
}

// Connections are per worker thread (this module is loaded once per thread); they live as long as it.
const connections = new Map<string, Database.Database>();
const statements = new Map<string, Database.Statement>();
const STATEMENT_CACHE = 256;

function connection(path: string): Database.Database {
  let db = connections.get(path);
  if (db === undefined) {
    db = openConnection({
      path,
      readonly: true,
      queryOnly: true,
      busyTimeoutMs: 5000,
      functions: sqliteFunctions,
    });
    registerFunctions(db, createServerFunctions());
    connections.set(path, db);
  }
  return db;
}

/**
 * Runs one SELECT and returns its rows as plain objects keyed by column alias.
 * better-sqlite3's SqliteError does not survive the thread boundary (it arrives as `{ code }`), so
 * failures are rethrown as plain Errors whose message starts with the SQLite code.
 */
export default function runRead(task: ReadTask): Record<string, unknown>[] {
  try {
    return runStatement(task);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    throw new Error(`${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? error)}`);
  }
}

function runStatement(task: ReadTask): Record<string, unknown>[] {
  const key = `${task.dbPath}\u0000${task.sql}`;
  let statement = statements.get(key);
  if (statement === undefined) {
    statement = connection(task.dbPath).prepare(task.sql);
    if (statements.size >= STATEMENT_CACHE) statements.clear();
    statements.set(key, statement);
  }
  statement.safeIntegers(task.bigints);
  return statement.all(...(task.params as unknown[])) as Record<string, unknown>[];
}
