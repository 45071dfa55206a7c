import type { Database, Statement } from 'better-sqlite3';

/** Hit/miss counters of a statement cache, for diagnostics and tests. */
export interface StatementCacheStats {
  /** Lookups answered by an already prepared statement. */
  readonly hits: number;
  /** Lookups that had to prepare the statement. */
  readonly misses: number;
  /** Statements currently held. */
  readonly size: number;
}

/**
 * A bounded LRU of prepared statements for one connection, keyed by SQL text. Preparing costs far more
 * than running for small statements (tens of µs of parsing and planning), and chainql runs the same
 * compiled SQL over and over (registry lookups, batched inserts, GraphQL queries).
 *
 * Evicted statements are simply dropped: better-sqlite3 finalizes them when they are collected.
 */
export class StatementCache {
  readonly #db: Database;
  readonly #capacity: number;
  readonly #entries = new Map<string, Statement<unknown[]>>();
  #hits = 0;
  #misses = 0;

  /** @param capacity maximum number of statements kept (≥ 1). */
  constructor(db: Database, capacity: number) {
    this.#db = db;
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  /**
   * The prepared statement for `sql`, prepared on first use and moved to most-recently-used.
   * @throws the engine's error when `sql` does not prepare (syntax error, missing table, …).
   */
  get(sql: string): Statement<unknown[]> {
    const found = this.#entries.get(sql);
    if (found !== undefined) {
      this.#hits++;
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.#entries.delete(sql);
      this.#entries.set(sql, found);
      return found;
    }
    this.#misses++;
    const statement = this.#db.prepare<unknown[]>(sql);
    this.#entries.set(sql, statement);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return statement;
  }

  /** Current counters. */
  stats(): StatementCacheStats {
    return { hits: this.#hits, misses: this.#misses, size: this.#entries.size };
  }

  /** Forgets every statement (e.g. before closing the connection). */
  clear(): void {
    this.#entries.clear();
  }
}
