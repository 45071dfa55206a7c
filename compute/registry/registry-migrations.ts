import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { RegistryMetadataError } from './registry-errors.ts';

/** Metadata key/value table: `schema_version` (applied migrations) and `revision` (change counter). */
export const META_TABLE = 'chainql_meta';
/** One row per dataset. */
export const DATASETS_TABLE = 'chainql_datasets';
/** One row per dataset version. */
export const VERSIONS_TABLE = 'chainql_versions';

/**
 * Versioned, append-only list of metadata migrations (SQLite SQL). Each is idempotent (`IF NOT EXISTS`)
 * because two processes may open a fresh file at the same time. Never edit a released migration: add one.
 */
const MIGRATIONS: readonly { readonly version: number; readonly statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${DATASETS_TABLE} (
        name TEXT NOT NULL PRIMARY KEY,
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS ${VERSIONS_TABLE} (
        dataset TEXT NOT NULL,
        version TEXT NOT NULL,
        table_name TEXT NOT NULL UNIQUE,
        schema_json TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        chain_hash TEXT,
        lineage_json TEXT NOT NULL,
        description TEXT,
        primary_key_json TEXT,
        indexes_json TEXT,
        PRIMARY KEY (dataset, version)
      )`,
      `CREATE INDEX IF NOT EXISTS chainql_versions_by_hash ON ${VERSIONS_TABLE} (dataset, chain_hash)`,
    ],
  },
];

/** The metadata schema version this code writes. */
export const REGISTRY_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Creates the metadata tables if needed and applies pending migrations (no write at all when the
 * metadata is current), each in one transaction that
 * also advances `schema_version` (only from the value it started at, so concurrent openers agree).
 *
 * @throws RegistryMetadataError when the warehouse is not SQLite (the metadata SQL is SQLite's), or the
 *         file was written by a newer chainql (its `schema_version` is higher than this code knows).
 */
export async function migrateRegistry(warehouse: WarehouseDriver): Promise<void> {
  if (warehouse.dialect !== 'sqlite') {
    throw new RegistryMetadataError(
      `The dataset registry keeps its metadata in SQL written for SQLite; '${warehouse.dialect}' is not supported yet.`,
    );
  }
  // Up to date already: open without writing, so read-only warehouses (and busy files) open fine.
  if (
    (await warehouse.tableExists(META_TABLE)) &&
    (await readMeta(warehouse, 'schema_version')) === REGISTRY_SCHEMA_VERSION
  ) {
    return;
  }
  await warehouse.execute({
    sql: `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL)`,
    parameters: [],
  });
  await warehouse.execute({
    sql: `INSERT OR IGNORE INTO ${META_TABLE} (key, value) VALUES ('schema_version', 0), ('revision', 0)`,
    parameters: [],
  });
  const current = await readMeta(warehouse, 'schema_version');
  if (current > REGISTRY_SCHEMA_VERSION) {
    throw new RegistryMetadataError(
      `The registry metadata has schema version ${current}, newer than this chainql supports ` +
        `(${REGISTRY_SCHEMA_VERSION}). Upgrade chainql to open this data directory.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    await warehouse.writeAtomically(
      [],
      [
        ...migration.statements.map((sql) => ({ sql, parameters: [] })),
        {
          sql: `UPDATE ${META_TABLE} SET value = ? WHERE key = 'schema_version' AND value < ?`,
          parameters: [migration.version, migration.version],
        },
      ],
    );
  }
}

/** Reads an integer from the meta table (0 when absent). */
export async function readMeta(warehouse: WarehouseDriver, key: string): Promise<number> {
  const rows = await warehouse.query({
    sql: `SELECT value FROM ${META_TABLE} WHERE key = ?`,
    parameters: [key],
  });
  return Number(rows[0]?.value ?? 0);
}

/** The statement that bumps the registry revision; include it in every metadata write. */
export const BUMP_REVISION = {
  sql: `UPDATE ${META_TABLE} SET value = value + 1 WHERE key = 'revision'`,
  parameters: [],
} as const;
