import type Database from 'better-sqlite3';
import { StatementCache } from './statement-cache.ts';

/** One pooled reader: the connection and its own statement cache. */
export interface ReadConnection {
  readonly db: Database.Database;
  readonly statements: StatementCache;
}

/**
 * Connections used by `stream()`. A better-sqlite3 connection is busy while an iterator is open on it,
 * so each open stream gets its own connection; with WAL, it reads a consistent snapshot while the
 * warehouse's write connection keeps inserting. Released connections are kept (up to `maxIdle`) and
 * reused; the pool closes everything on `close()`, and a connection released after that is closed.
 */
export class ReadConnectionPool {
  readonly #open: () => Database.Database;
  readonly #maxIdle: number;
  readonly #cacheSize: number;
  readonly #idle: ReadConnection[] = [];
  readonly #inUse = new Set<ReadConnection>();
  #closed = false;

  /**
   * @param open opens a configured read connection.
   * @param maxIdle connections kept open when no stream uses them.
   * @param cacheSize statement-cache capacity per connection.
   */
  constructor(open: () => Database.Database, maxIdle: number, cacheSize: number) {
    this.#open = open;
    this.#maxIdle = maxIdle;
    this.#cacheSize = cacheSize;
  }

  /** A connection for exclusive use until `release`. Opens a new one when none is idle. */
  acquire(): ReadConnection {
    const reused = this.#idle.pop();
    const connection = reused ?? this.#create();
    this.#inUse.add(connection);
    return connection;
  }

  /** Returns a connection; closes it if the pool is full or closed. */
  release(connection: ReadConnection): void {
    if (!this.#inUse.delete(connection)) return;
    if (this.#closed || this.#idle.length >= this.#maxIdle) {
      closeQuietly(connection);
    } else {
      this.#idle.push(connection);
    }
  }

  /** Number of connections currently open (idle + in use), for diagnostics. */
  get size(): number {
    return this.#idle.length + this.#inUse.size;
  }

  /** Closes idle connections now and in-use ones when they are released. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const connection of this.#idle.splice(0)) closeQuietly(connection);
  }

  #create(): ReadConnection {
    const db = this.#open();
    return { db, statements: new StatementCache(db, this.#cacheSize) };
  }
}

function closeQuietly(connection: ReadConnection): void {
  connection.statements.clear();
  try {
    connection.db.close();
  } catch {
    // Closing can only fail if the handle is already gone; nothing left to release.
  }
}
