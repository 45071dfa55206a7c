import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { quoteIdentifier, quoteIdentifiers } from '../../../schema/dialect/quote-identifier.ts';
import type { GroupingHint } from '../warehouse-driver.ts';
import type { CoveringIndexJob, CoveringIndexOutcome } from './covering-index-job.ts';

/** Options of {@link CoveringIndexAdvisor}. */
export interface CoveringIndexAdvisorOptions {
  /** The database file. */
  readonly path: string;
  /** Grouped reads of one shape before its index is built; 0 never builds. */
  readonly after: number;
  /** Widest index built (keys + other columns); wider shapes are left to the sort. */
  readonly maxColumns: number;
  /** Automatic indexes per table at most. */
  readonly maxPerTable: number;
  readonly busyTimeoutMs: number;
}

/** One automatic index: what it covers, how long it took to build and its size on disk. */
export interface CoveringIndexReport {
  readonly table: string;
  readonly name: string;
  readonly columns: readonly string[];
  readonly status: 'building' | 'built' | 'failed';
  /** Build time in ms (when built). */
  readonly ms?: number;
  /** Size on disk in bytes (when built). */
  readonly bytes?: number;
  /** The engine's message (when failed). */
  readonly message?: string;
}

/**
 * Builds covering indexes for the GROUP BY shapes a server keeps seeing. SQLite groups by sorting every
 * matching row unless an index delivers them in key order; for an immutable dataset version an index on
 * `(keys…, other columns read…)` is built once (off the serving thread) and every later grouped read of
 * that shape scans the index instead of sorting — e.g. 200k rows grouped by one field: sort ≈ 4× the
 * covering scan. ClickHouse hashes its GROUP BY and needs none of this.
 *
 * Indexes are named `<table>__auto_<hash>` and created `IF NOT EXISTS`, so a restarted server finds them;
 * they go with their table when a version is deleted.
 */
export class CoveringIndexAdvisor {
  readonly #options: CoveringIndexAdvisorOptions;
  /** Hints seen per shape key, until built. */
  readonly #seen = new Map<string, number>();
  readonly #reports = new Map<string, CoveringIndexReport>();
  readonly #pending = new Set<Promise<void>>();
  #threads: Piscina | undefined;
  #closed = false;

  constructor(options: CoveringIndexAdvisorOptions) {
    this.#options = options;
  }

  /** Counts one grouped read; starts the build in a worker thread once its shape was seen `after` times. */
  advise(hint: GroupingHint): void {
    if (this.#closed || this.#options.after <= 0 || hint.keys.length === 0) return;
    const columns = [
      ...hint.keys,
      ...[...new Set(hint.columns)].filter((c) => !hint.keys.includes(c)).sort(),
    ];
    if (columns.length > this.#options.maxColumns) return;
    if (this.#covered(hint.table, hint.keys, columns)) return;
    const shape = JSON.stringify([hint.table, columns]);
    const seen = (this.#seen.get(shape) ?? 0) + 1;
    this.#seen.set(shape, seen);
    if (seen < this.#options.after) return;
    const perTable = [...this.#reports.values()].filter((r) => r.table === hint.table).length;
    if (perTable >= this.#options.maxPerTable) return;
    this.#seen.delete(shape);
    this.#build(hint.table, columns);
  }

  /** Every automatic index started by this warehouse, in start order. */
  reports(): CoveringIndexReport[] {
    return [...this.#reports.values()];
  }

  /** Resolves when no build is running. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** Stops running builds (SQLite rolls an interrupted CREATE INDEX back). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#threads?.destroy();
  }

  /** One thread, started on the first build and stopped when idle: builds are rare and run one at a time. */
  #pool(): Piscina {
    this.#threads ??= new Piscina({
      filename: new URL('./covering-index-worker.ts', import.meta.url).href,
      // TypeScript worker: loaded through tsx, resolved from this file (like the read pool's threads).
      execArgv: ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href],
      minThreads: 0,
      maxThreads: 1,
      idleTimeout: 1000,
    });
    return this.#threads;
  }

  /** An index of this table (built or building) already leads with `keys` and holds every column. */
  #covered(table: string, keys: readonly string[], columns: readonly string[]): boolean {
    for (const report of this.#reports.values()) {
      if (report.table !== table || report.status === 'failed') continue;
      const lead = report.columns.slice(0, keys.length);
      if (lead.every((c, i) => c === keys[i]) && columns.every((c) => report.columns.includes(c)))
        return true;
    }
    return false;
  }

  #build(table: string, columns: readonly string[]): void {
    const hash = createHash('sha256')
      .update(JSON.stringify([table, columns]))
      .digest('hex')
      .slice(0, 12);
    const name = `${table}__auto_${hash}`;
    const job: CoveringIndexJob = {
      path: this.#options.path,
      name,
      sql: `CREATE INDEX IF NOT EXISTS ${quoteIdentifier('sqlite', name)} ON ${quoteIdentifier('sqlite', table)} (${quoteIdentifiers('sqlite', columns)})`,
      busyTimeoutMs: this.#options.busyTimeoutMs,
    };
    this.#reports.set(name, { table, name, columns, status: 'building' });
    const pool = this.#pool();
    const done = pool
      .run(job)
      .then(
        (outcome: CoveringIndexOutcome) => outcome,
        (error: unknown) => ({ ok: false as const, message: String((error as Error)?.message ?? error) }),
      )
      .then((outcome) => {
        this.#reports.set(
          name,
          outcome.ok
            ? { table, name, columns, status: 'built', ms: outcome.ms, bytes: outcome.bytes }
            : { table, name, columns, status: 'failed', message: outcome.message },
        );
      });
    this.#pending.add(done);
    void done.then(() => this.#pending.delete(done));
  }
}
