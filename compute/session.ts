import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StorageContext } from '../clients/storage/storage-context.ts';
import { openSqliteWarehouse } from '../clients/warehouse/sqlite/sqlite-warehouse.ts';
import type { WarehouseDriver } from '../clients/warehouse/warehouse-driver.ts';
import { DatasetRegistry } from './registry/dataset-registry.ts';
import type { ProgressEvent } from './udf/index.ts';

/**
 * Everything a chain needs to run: the warehouse (Data Memory) and the dataset registry on top of it.
 * Pass a session explicitly (`chain.session(s)`, `readDataset(name, { session })`) or let terminals use
 * the process default session, opened lazily from `CHAINQL_DATA_DIR` (default `./.chainql`).
 */
export interface Session {
  readonly dataDir: string;
  readonly warehouse: WarehouseDriver;
  readonly registry: DatasetRegistry;
  /**
   * Object storage (credentials from each cloud's standard env vars; SDKs load on first use). File fields
   * handed to UDFs and returned by `collect()` read through it unless their source brought its own.
   */
  readonly storage: StorageContext;
  /** Receives progress events of UDF steps run in this session unless a chain sets its own `onProgress`. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Closes the warehouse connections. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link openSession}. */
export interface SessionOptions {
  /** Directory holding the embedded SQLite file `chainql.db`. Default: `CHAINQL_DATA_DIR` or `./.chainql`. */
  readonly dataDir?: string;
  /** Use this warehouse instead of opening one (the session does not close it). */
  readonly warehouse?: WarehouseDriver;
  /**
   * ClickHouse server URL (`http(s)://user:password@host:8123/database`): the warehouse holds everything
   * (datasets, registry, checkpoints, listing caches, job records), nothing is kept in `dataDir`. Default:
   * `CHAINQL_CLICKHOUSE_URL`; without either, the embedded SQLite file `<dataDir>/chainql.db`.
   */
  readonly warehouseUrl?: string;
  /** Object storage context (default: one built from the environment). */
  readonly storage?: StorageContext;
  /** Progress listener for UDF steps of chains that set none (the CLI passes its progress bar). */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** The data directory chainql uses when none is given: `CHAINQL_DATA_DIR` or `./.chainql`. */
export function defaultDataDir(): string {
  return resolve(process.env.CHAINQL_DATA_DIR ?? '.chainql');
}

/**
 * Opens a session: the warehouse (given, ClickHouse by URL, or the embedded SQLite file, creating the data
 * directory) and the registry tables when missing.
 * @throws WarehouseUnreachableError naming the ClickHouse URL, WarehouseAuthError for refused credentials.
 */
export async function openSession(options: SessionOptions = {}): Promise<Session> {
  const dataDir = resolve(options.dataDir ?? defaultDataDir());
  const warehouse = options.warehouse ?? (await openWarehouse(options, dataDir));
  let registry: DatasetRegistry;
  try {
    registry = await DatasetRegistry.open(warehouse);
  } catch (error) {
    if (!options.warehouse) await warehouse.close();
    throw error;
  }
  let closed = false;
  const ownsWarehouse = !options.warehouse;
  return {
    dataDir,
    warehouse,
    registry,
    storage: options.storage ?? new StorageContext(),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    async close() {
      if (closed) return;
      closed = true;
      if (ownsWarehouse) await warehouse.close();
    },
  };
}

/** The warehouse a session opens: ClickHouse when a URL is configured, else the embedded SQLite file. */
async function openWarehouse(options: SessionOptions, dataDir: string): Promise<WarehouseDriver> {
  const url = options.warehouseUrl ?? (process.env.CHAINQL_CLICKHOUSE_URL || undefined);
  if (url !== undefined) {
    // Loaded only when configured: the local path never imports the ClickHouse client.
    const { openClickhouseWarehouse } = await import(
      '../clients/warehouse/clickhouse/clickhouse-warehouse.ts'
    );
    return openClickhouseWarehouse({ url });
  }
  mkdirSync(dataDir, { recursive: true });
  return openSqliteWarehouse({ path: join(dataDir, 'chainql.db') });
}

let defaultSession: Promise<Session> | undefined;
let defaultOptions: SessionOptions = {};

/** Options for the default session (the CLI sets a progress bar); takes effect when it is next opened. */
export function configureDefaultSession(options: SessionOptions): void {
  defaultOptions = options;
}

/**
 * The process-wide default session, opened on first use. It is the only implicit context chainql keeps,
 * so scripts can write `readDataset('x').count()` without plumbing; libraries should pass sessions.
 */
export function getDefaultSession(): Promise<Session> {
  defaultSession ??= openSession(defaultOptions);
  return defaultSession;
}

/** Closes the default session (if opened) so the process can exit; the next use reopens it. */
export async function closeDefaultSession(): Promise<void> {
  const pending = defaultSession;
  defaultSession = undefined;
  if (pending) await (await pending).close();
}
