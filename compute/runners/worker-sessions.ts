import { resolve } from 'node:path';
import { WarehouseUnreachableError } from '../../clients/warehouse/warehouse-errors.ts';
import { defaultDataDir, openSession, type Session } from '../session.ts';
import { shownRedisUrl } from './redis-connection.ts';
import { WarehouseMismatchError } from './runner-errors.ts';

/** Options of {@link WorkerSessions}. */
export interface WorkerSessionsOptions {
  /** This worker's own data directory (`chainql worker --data`). Default: `CHAINQL_DATA_DIR` or `./.chainql`. */
  readonly dataDir?: string;
  /**
   * ClickHouse URL of this worker (with its own credentials). Default `CHAINQL_CLICKHOUSE_URL` (which
   * `--warehouse` sets); without one, jobs use the SQLite file in the data directory they name.
   */
  readonly warehouseUrl?: string;
  /** Operator messages (warehouse unreachable, back again). Default: none. */
  readonly log?: (line: string) => void;
  /** Who speaks in log lines. Default `chainql worker`. */
  readonly role?: string;
}

/**
 * The sessions a worker process opens for the jobs it takes (partitions and pipeline jobs), shared by both kinds.
 *
 * Where a job's data lives: with a ClickHouse URL configured for this worker, in ClickHouse — every job gets the
 * one session on it, whose data directory (file cache, …) is the worker's own, never the `dataDir` a job carries
 * through Redis (a directory on the server's machine). Without one, in the SQLite file of the job's data
 * directory (workers that share the server's disk).
 *
 * Every job checks the warehouse first (`WarehouseDriver.ping`, or opening the session): while it is unreachable
 * each job fails at once with `WarehouseUnreachableError` (code WAREHOUSE_UNREACHABLE, naming the URL without
 * the password); a failed open is not kept, so the worker recovers by itself once the warehouse is back. The
 * outage and the recovery are logged once each.
 */
export class WorkerSessions {
  readonly #sessions = new Map<string, Promise<Session>>();
  readonly #dataDir: string;
  readonly #warehouseUrl: string | undefined;
  readonly #log: (line: string) => void;
  readonly #role: string;
  #unreachable: string | undefined;

  constructor(options: WorkerSessionsOptions = {}) {
    this.#dataDir = resolve(options.dataDir ?? defaultDataDir());
    this.#warehouseUrl = options.warehouseUrl ?? (process.env.CHAINQL_CLICKHOUSE_URL || undefined);
    this.#log = options.log ?? (() => undefined);
    this.#role = options.role ?? 'chainql worker';
  }

  /** True when jobs run on a ClickHouse warehouse (this worker's URL) rather than a job's SQLite file. */
  get byUrl(): boolean {
    return this.#warehouseUrl !== undefined;
  }

  /**
   * The session for a job that names `jobDataDir` (the server's data directory), checked to answer and, when the job
   * names its server's `warehouse` identity, checked to be that warehouse.
   * @throws WarehouseUnreachableError / WarehouseAuthError while the warehouse cannot be used;
   *   WarehouseMismatchError when it is another warehouse than the job's server uses.
   */
  async forJob(jobDataDir: string | undefined, warehouse?: string): Promise<Session> {
    const session = await this.#open(jobDataDir);
    if (warehouse !== undefined) {
      const found = await session.registry.identity();
      if (found !== warehouse) {
        const where = this.#warehouseUrl === undefined ? session.dataDir : shownRedisUrl(this.#warehouseUrl);
        throw new WarehouseMismatchError(where, warehouse, found);
      }
    }
    return session;
  }

  async #open(jobDataDir: string | undefined): Promise<Session> {
    const dataDir = this.byUrl ? this.#dataDir : resolve(jobDataDir ?? this.#dataDir);
    const cached = this.#sessions.get(dataDir);
    try {
      if (cached !== undefined) {
        const session = await cached;
        await session.warehouse.ping?.();
        this.#reachable();
        return session;
      }
      const opening = openSession({
        dataDir,
        ...(this.#warehouseUrl === undefined ? {} : { warehouseUrl: this.#warehouseUrl }),
      });
      this.#sessions.set(dataDir, opening);
      opening.catch(() => this.#sessions.delete(dataDir));
      const session = await opening;
      this.#reachable();
      return session;
    } catch (error) {
      if (error instanceof WarehouseUnreachableError && this.#unreachable === undefined) {
        this.#unreachable = error.url;
        this.#log(
          `${this.#role}: cannot reach the warehouse at ${error.url}; jobs fail with WAREHOUSE_UNREACHABLE ` +
            'until it answers again (checked at the start of every job)',
        );
      }
      throw error;
    }
  }

  /** Closes every session opened. */
  async close(): Promise<void> {
    const pending = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const opening of pending) await (await opening.catch(() => undefined))?.close();
  }

  #reachable(): void {
    if (this.#unreachable === undefined) return;
    this.#log(`${this.#role}: connected to the warehouse at ${this.#unreachable} again`);
    this.#unreachable = undefined;
  }
}
