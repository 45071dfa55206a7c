import { ReadConnections } from './read-connections.ts';

/**
 * Worker-thread entry of the read pool (run by piscina). Each worker keeps its own read-only
 * better-sqlite3 connection per database file, with chainql's SQL functions and the server's registered,
 * `case_sensitive_like = ON` (Hasura/PostgreSQL LIKE). A statement that runs past the query timeout is
 * stopped by terminating this worker (piscina abort), which is why reads that can scan never run on the
 * main thread (only unique-index point lookups do: see inline-reader.ts).
 */

/** One read task. */
export interface ReadTask {
  readonly dbPath: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Read integers as bigint (needed for BigInt columns). */
  readonly bigints: boolean;
}

// One set of connections per worker thread (this module is loaded once per thread); they live as long as it.
const connections = new ReadConnections();

/**
 * Runs one SELECT and returns its rows as plain objects keyed by column alias.
 * better-sqlite3's SqliteError does not survive the thread boundary (it arrives as `{ code }`), so
 * failures are rethrown as plain Errors whose message starts with the SQLite code.
 */
export default function runRead(task: ReadTask): Record<string, unknown>[] {
  try {
    return connections.run(task);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    throw new Error(`${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? error)}`);
  }
}
