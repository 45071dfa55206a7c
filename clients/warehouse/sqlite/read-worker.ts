import type { RawRow } from '../warehouse-driver.ts';
import { ReadConnections } from './read-connections.ts';
import type { ReadTask } from './read-task.ts';

/**
 * Worker-thread entry of the SQLite read pool (run by piscina, see read-threads.ts). Each thread keeps its
 * own read-only connection per database file with chainql's SQL functions and `case_sensitive_like = ON`.
 * A statement that runs too long is stopped by terminating this thread (piscina abort).
 */

// One set of connections per thread (this module is loaded once per thread); they live as long as it.
const connections = new ReadConnections();

/** A failure of one read, as plain data: better-sqlite3's SqliteError does not survive the thread boundary. */
export interface ReadFailure {
  readonly failed: true;
  readonly message: string;
}

/** Runs one SELECT; rows keyed by column alias, or a {@link ReadFailure} carrying the engine's message. */
export default function runRead(task: ReadTask): RawRow[] | ReadFailure {
  try {
    return connections.run(task);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    return {
      failed: true,
      message: `${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? error)}`,
    };
  }
}
