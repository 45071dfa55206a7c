/**
 * The dataset registry's metadata on SQLite: `chainql_meta` (schema_version, revision), `chainql_datasets` and
 * `chainql_versions`, written in transactions. A version's uniqueness is the table's primary key.
 */
import { randomInt } from 'node:crypto';
import {
  type RegistryStore,
  VERSION_RECORD_COLUMNS,
  type VersionFilter,
  type VersionRecordRow,
} from '../registry-store.ts';
import { WarehouseError } from '../warehouse-errors.ts';
import type { SqliteWarehouse } from './sqlite-warehouse.ts';

const META_TABLE = 'chainql_meta';
const DATASETS_TABLE = 'chainql_datasets';
const VERSIONS_TABLE = 'chainql_versions';

/**
 * Versioned, append-only list of metadata migrations. Each is idempotent (`IF NOT EXISTS`) because two
 * processes may open a fresh file at the same time. Never edit a released migration: add one.
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
const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

const BUMP_REVISION = {
  sql: `UPDATE ${META_TABLE} SET value = value + 1 WHERE key = 'revision'`,
  parameters: [],
} as const;

const COLUMNS = VERSION_RECORD_COLUMNS;

/** {@link RegistryStore} on an SQLite warehouse. */
export class SqliteRegistryStore implements RegistryStore {
  /** The revision last read, and the warehouse's commit token when it was read (see `revision`). */
  #seen: { readonly token: string; readonly revision: number } | undefined;

  constructor(private readonly warehouse: SqliteWarehouse) {}

  /** @inheritdoc Opens without writing when the metadata is current (read-only warehouses open fine). */
  async migrate(): Promise<void> {
    const { warehouse } = this;
    if (
      (await warehouse.tableExists(META_TABLE)) &&
      (await this.#meta('schema_version')) === SCHEMA_VERSION
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
    const current = await this.#meta('schema_version');
    if (current > SCHEMA_VERSION) {
      throw new WarehouseError(
        `The registry metadata has schema version ${current}, newer than this chainql supports ` +
          `(${SCHEMA_VERSION}). Upgrade chainql to open this data directory.`,
        { code: 'REGISTRY_METADATA' },
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      // Each migration advances schema_version only from below, so concurrent openers agree.
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

  /**
   * @inheritdoc One indexed single-row read, skipped while nothing was committed to the file since the last one
   * (`SqliteWarehouse.commitToken`): the GraphQL server asks on every request.
   */
  async revision(): Promise<number> {
    // The token is taken before the read: a commit in between changes it, so the next call reads again.
    const token = this.warehouse.commitToken();
    const seen = this.#seen;
    if (token !== undefined && seen !== undefined && seen.token === token) return seen.revision;
    const revision = await this.#meta('revision');
    this.#seen = token === undefined ? undefined : { token, revision };
    return revision;
  }

  /**
   * @inheritdoc A random 48-bit id in the metadata table, written by the first opener that asks (a read-only file
   * without one is named by its path).
   */
  async identity(): Promise<string> {
    if ((await this.#meta('warehouse_id')) === 0) {
      await this.warehouse
        .execute({
          sql: `INSERT OR IGNORE INTO ${META_TABLE} (key, value) VALUES ('warehouse_id', ?)`,
          parameters: [randomInt(1, 2 ** 48)],
        })
        .catch(() => undefined);
    }
    const id = await this.#meta('warehouse_id');
    return id === 0 ? `sqlite:${this.warehouse.path}` : `sqlite:${id.toString(16)}`;
  }

  /** @inheritdoc One transaction: dataset row, version row, revision bump; the primary key refuses a taken version. */
  async insertVersion(row: VersionRecordRow): Promise<'created' | 'taken'> {
    try {
      await this.warehouse.writeAtomically(
        [],
        [
          {
            sql: `INSERT OR IGNORE INTO ${DATASETS_TABLE} (name, created_at) VALUES (?, ?)`,
            parameters: [row.dataset, row.created_at],
          },
          {
            sql: `INSERT INTO ${VERSIONS_TABLE} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
            parameters: COLUMNS.map((column) => row[column]),
          },
          BUMP_REVISION,
        ],
      );
      return 'created';
    } catch (error) {
      if ((await this.versions({ dataset: row.dataset, version: row.version })).length > 0) return 'taken';
      throw error;
    }
  }

  /** @inheritdoc The dataset row goes with its last version. */
  async deleteVersion(dataset: string, version: string): Promise<void> {
    await this.warehouse.writeAtomically(
      [],
      [
        {
          sql: `DELETE FROM ${VERSIONS_TABLE} WHERE dataset = ? AND version = ?`,
          parameters: [dataset, version],
        },
        {
          sql: `DELETE FROM ${DATASETS_TABLE} WHERE name = ? AND NOT EXISTS (SELECT 1 FROM ${VERSIONS_TABLE} WHERE dataset = ?)`,
          parameters: [dataset, dataset],
        },
        BUMP_REVISION,
      ],
    );
  }

  /** @inheritdoc */
  async versions(filter: VersionFilter): Promise<VersionRecordRow[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    const add = (clause: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      parameters.push(value);
    };
    add('dataset = ?', filter.dataset);
    add('version = ?', filter.version);
    add('chain_hash = ?', filter.chainHash);
    add('table_name = ? COLLATE NOCASE', filter.table);
    const rows = await this.warehouse.query({
      sql: `SELECT ${COLUMNS.join(', ')} FROM ${VERSIONS_TABLE}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
      parameters,
    });
    return rows as unknown as VersionRecordRow[];
  }

  /** @inheritdoc */
  async versionList(
    dataset?: string,
  ): Promise<{ dataset: string; version: string; description: string | null }[]> {
    const rows = await this.warehouse.query({
      sql: `SELECT dataset, version, description FROM ${VERSIONS_TABLE}${dataset === undefined ? '' : ' WHERE dataset = ?'}`,
      parameters: dataset === undefined ? [] : [dataset],
    });
    return rows as unknown as { dataset: string; version: string; description: string | null }[];
  }

  async #meta(key: string): Promise<number> {
    const rows = await this.warehouse.query({
      sql: `SELECT value FROM ${META_TABLE} WHERE key = ?`,
      parameters: [key],
    });
    return Number(rows[0]?.value ?? 0);
  }
}
