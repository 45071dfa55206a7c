import { availableParallelism } from 'node:os';
import type Database from 'better-sqlite3';
import type { CompiledQuery } from '../../../schema/dialect/compiled-query.ts';
import { quoteIdentifier } from '../../../schema/dialect/quote-identifier.ts';
import type { KeyCuts, RawRow, ReadOptions } from '../warehouse-driver.ts';
import { balancedKeyCuts } from './key-cuts.ts';
import type { ReadConnection, ReadConnectionPool } from './read-connection-pool.ts';
import { bindableAll } from './sqlite-error-mapping.ts';

/** What a {@link ReadSplitter} uses of its warehouse. */
export interface ReadSplitterHost {
  /** Pooled read connections (plans and row-id bounds are read inline on one). */
  readonly readers: ReadConnectionPool;
  /** Read threads idle now. */
  idleThreads(): number;
  /** Fewest rows worth splitting; 0 turns splitting off. */
  readonly minRows: number;
  /** Runs one statement on the read threads (the key cuts' index walks). */
  read(query: CompiledQuery, options: ReadOptions): Promise<RawRow[]>;
}

/** `SCAN <table> USING [COVERING] INDEX <index>`: a plan step that walks an index in its order. */
const INDEX_WALK = /^SCAN (\S+) USING (?:COVERING )?INDEX (\S+)$/;

/**
 * Where the SQLite warehouse cuts an interactive read into parts that its read threads run in parallel
 * (`readSplits`, `keySplits`). Both look at SQLite's plan for the read (`EXPLAIN QUERY PLAN`, cached per schema
 * version and SQL text) and split only when at least two read threads are idle — one part per idle thread, at most
 * one per CPU: a busy pool runs reads whole, where splitting only adds work.
 */
export class ReadSplitter {
  readonly #host: ReadSplitterHost;
  readonly #cpus = availableParallelism();
  /** Plan details per schema version and SQL text. */
  readonly #plans = new Map<string, readonly string[]>();
  /** Balanced cuts per table, key column and number of parts (a version never changes). */
  readonly #keyCuts = new Map<string, Promise<KeyCuts | undefined>>();

  constructor(host: ReadSplitterHost) {
    this.#host = host;
  }

  /**
   * Row-id cut points when the plan is a full scan of `table` (`SCAN <table>`, no index) and the table spans at
   * least `minRows` row ids; see `WarehouseDriver.readSplits`.
   */
  async rowIdCuts(query: CompiledQuery, table: string): Promise<readonly number[] | undefined> {
    const parts = this.#parts();
    if (parts === undefined) return undefined;
    return this.#withPlan(query, (plan, reader) => {
      if (!plan.includes(`SCAN ${table}`)) return undefined;
      // One subquery each: SQLite reads a lone min() or max() of the rowid from one end of the b-tree, but
      // scans the table for both in one SELECT.
      const quoted = quoteIdentifier('sqlite', table);
      const statement = reader.statements.get(
        `SELECT (SELECT min(rowid) FROM ${quoted}) AS lo, (SELECT max(rowid) FROM ${quoted}) AS hi`,
      );
      statement.safeIntegers(false);
      const { lo, hi } = statement.get() as { lo: number | null; hi: number | null };
      if (lo === null || hi === null || hi - lo + 1 < this.#host.minRows) return undefined;
      const span = hi - lo + 1;
      return Array.from({ length: parts - 1 }, (_, i) => lo - 1 + Math.floor((span * (i + 1)) / parts));
    });
  }

  /**
   * Key cuts when the plan walks an index of `table` led by `column` (such as the covering index `adviseGrouping`
   * builds) and at least `minRows` rows have a value in `column`; see `WarehouseDriver.keySplits`. The cuts
   * balance the index's entries (key-cuts.ts); they are read on the read threads once per table, column and number
   * of parts, and kept. A failure to read them (a busy pool, a table dropped meanwhile) is not kept.
   */
  async keyCuts(query: CompiledQuery, table: string, column: string): Promise<KeyCuts | undefined> {
    const parts = this.#parts();
    if (parts === undefined) return undefined;
    const led = this.#withPlan(query, (plan, reader) => {
      const index = plan.map((step) => INDEX_WALK.exec(step)).find((walk) => walk?.[1] === table)?.[2];
      if (index === undefined) return false;
      const columns = reader.db.pragma(`index_info(${quoteIdentifier('sqlite', index)})`) as {
        name: string;
      }[];
      return columns[0]?.name === column;
    });
    if (led !== true) return undefined;
    const key = JSON.stringify([table, column, parts]);
    let cuts = this.#keyCuts.get(key);
    if (cuts === undefined) {
      const run = (sql: string, parameters: readonly unknown[]) =>
        this.#host.read({ sql, parameters }, { bigints: true });
      cuts = balancedKeyCuts(run, table, column, parts, this.#host.minRows).catch(() => {
        this.#keyCuts.delete(key);
        return undefined;
      });
      if (this.#keyCuts.size >= 256) this.#keyCuts.clear();
      this.#keyCuts.set(key, cuts);
    }
    return cuts;
  }

  /** Parts to split into (idle read threads, at most one per CPU), or undefined when fewer than two or off. */
  #parts(): number | undefined {
    const parts = Math.min(this.#host.idleThreads(), this.#cpus);
    return this.#host.minRows <= 0 || parts < 2 ? undefined : parts;
  }

  /**
   * `use(plan, reader)` on a pooled read connection; undefined when the plan cannot be read (the read then runs
   * whole, and `read` reports any real error).
   */
  #withPlan<T>(
    query: CompiledQuery,
    use: (plan: readonly string[], reader: ReadConnection) => T | undefined,
  ): T | undefined {
    const reader = this.#host.readers.acquire();
    try {
      return use(this.#planOf(reader.db, query), reader);
    } catch {
      return undefined;
    } finally {
      this.#host.readers.release(reader);
    }
  }

  /** The `EXPLAIN QUERY PLAN` details of a statement, cached per schema version and SQL text. */
  #planOf(db: Database.Database, query: CompiledQuery): readonly string[] {
    const key = `${String(db.pragma('schema_version', { simple: true }))}\0${query.sql}`;
    let plan = this.#plans.get(key);
    if (plan === undefined) {
      // EXPLAIN reads no table, so it would not notice a schema another connection changed (an index built
      // since): a statement that reads the schema table makes the connection load the current schema first.
      db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
      const steps = db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(bindableAll(query.parameters)) as {
        detail: string;
      }[];
      plan = steps.map((step) => step.detail);
      if (this.#plans.size >= 512) this.#plans.clear();
      this.#plans.set(key, plan);
    }
    return plan;
  }
}
