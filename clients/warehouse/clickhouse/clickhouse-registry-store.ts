/**
 * The dataset registry's metadata on ClickHouse, safe for writers on several machines without transactions:
 *
 * - `chainql_versions` (MergeTree by dataset, version) holds one row per version plus the `claim` (a random id)
 *   of the writer that stored it. A writer inserts its row with `insert_deduplication_token =
 *   version:<dataset>@<version>#<generation>`; the table keeps the tokens of its last 10,000 inserts
 *   (`non_replicated_deduplication_window`), so of several writers racing for the same version exactly the
 *   first INSERT lands and the others are dropped by the server. Each writer then reads the row back: its own
 *   claim means it won (`'created'`), another claim means `'taken'` (the registry tries the next version).
 *   `generation` counts earlier deletions of that version, so a deleted version can be created again.
 * - `chainql_registry_log` gets one row per created or deleted version, after the change; `revision()` is its
 *   row count, so it only grows and every process sees every other's changes.
 * Deletes are lightweight `DELETE`s (synchronous).
 */
import { randomUUID } from 'node:crypto';
import {
  type RegistryStore,
  VERSION_RECORD_COLUMNS,
  type VersionFilter,
  type VersionRecordRow,
} from '../registry-store.ts';
import type { ClickhouseWarehouse } from './clickhouse-warehouse.ts';
import { TABLE_SETTINGS } from './clickhouse-warehouse-options.ts';

const VERSIONS = 'chainql_versions';
const LOG = 'chainql_registry_log';

const COLUMNS = VERSION_RECORD_COLUMNS;

/** {@link RegistryStore} on a ClickHouse warehouse. */
export class ClickhouseRegistryStore implements RegistryStore {
  constructor(private readonly warehouse: ClickhouseWarehouse) {}

  /** @inheritdoc `CREATE TABLE IF NOT EXISTS`, so any number of processes may open at once. */
  async migrate(): Promise<void> {
    await this.warehouse.execute({
      sql: `CREATE TABLE IF NOT EXISTS ${VERSIONS} (
        dataset String, version String, table_name String, schema_json String, row_count Int64,
        created_at Int64, chain_hash Nullable(String), lineage_json String, description Nullable(String),
        primary_key_json Nullable(String), indexes_json Nullable(String), claim String
      ) ENGINE = MergeTree ORDER BY (dataset, version) SETTINGS ${TABLE_SETTINGS}`,
      parameters: [],
    });
    await this.warehouse.execute({
      sql: `CREATE TABLE IF NOT EXISTS ${LOG} (
        at Int64, kind LowCardinality(String), dataset String, version String, claim String
      ) ENGINE = MergeTree ORDER BY (at, claim) SETTINGS ${TABLE_SETTINGS}`,
      parameters: [],
    });
  }

  /** @inheritdoc The database's UUID (Atomic databases have one); else its name on this server. */
  async identity(): Promise<string> {
    const rows = await this.warehouse.query({
      sql: 'SELECT toString(uuid) AS id, name, hostName() AS host FROM system.databases WHERE name = currentDatabase()',
      parameters: [],
    });
    const row = rows[0] ?? {};
    const id = String(row.id ?? '');
    return /^[0-]*$/.test(id) ? `clickhouse:${String(row.host)}/${String(row.name)}` : `clickhouse:${id}`;
  }

  /** @inheritdoc */
  async revision(): Promise<number> {
    const rows = await this.warehouse.query({ sql: `SELECT count() AS n FROM ${LOG}`, parameters: [] });
    return Number(rows[0]?.n ?? 0);
  }

  /** @inheritdoc See the module comment: a deduplicated claim, read back. */
  async insertVersion(row: VersionRecordRow): Promise<'created' | 'taken'> {
    const generation = await this.#deletions(row.dataset, row.version);
    const claim = randomUUID();
    await this.warehouse.insertOnce(
      VERSIONS,
      [...COLUMNS, 'claim'],
      [[...COLUMNS.map((column) => row[column]), claim]],
      `version:${row.dataset}@${row.version}#${generation}`,
    );
    const claims = await this.warehouse.query({
      sql: `SELECT claim FROM ${VERSIONS} WHERE dataset = {p0:String} AND version = {p1:String} ORDER BY claim`,
      parameters: [row.dataset, row.version],
    });
    const winner = claims[0]?.claim;
    if (winner !== claim) {
      // Only reachable if the token left the deduplication window: remove our row, keep the first claim.
      if (claims.some((c) => c.claim === claim)) {
        await this.warehouse.execute({
          sql: `DELETE FROM ${VERSIONS} WHERE claim = {p0:String}`,
          parameters: [claim],
        });
      }
      return 'taken';
    }
    await this.#log('create', row.dataset, row.version, claim);
    return 'created';
  }

  /** @inheritdoc */
  async deleteVersion(dataset: string, version: string): Promise<void> {
    await this.warehouse.execute({
      sql: `DELETE FROM ${VERSIONS} WHERE dataset = {p0:String} AND version = {p1:String}`,
      parameters: [dataset, version],
    });
    await this.#log('delete', dataset, version, randomUUID());
  }

  /** @inheritdoc */
  async versions(filter: VersionFilter): Promise<VersionRecordRow[]> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    const add = (clause: (p: string) => string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(clause(`{p${parameters.length}:String}`));
      parameters.push(value);
    };
    add((p) => `dataset = ${p}`, filter.dataset);
    add((p) => `version = ${p}`, filter.version);
    add((p) => `chain_hash = ${p}`, filter.chainHash);
    add((p) => `lower(table_name) = lower(${p})`, filter.table);
    const rows = await this.warehouse.query({
      sql: `SELECT ${COLUMNS.join(', ')} FROM ${VERSIONS}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
      parameters,
    });
    return rows as unknown as VersionRecordRow[];
  }

  /** @inheritdoc */
  async versionList(
    dataset?: string,
  ): Promise<{ dataset: string; version: string; description: string | null }[]> {
    const rows = await this.warehouse.query({
      sql: `SELECT dataset, version, description FROM ${VERSIONS}${dataset === undefined ? '' : ' WHERE dataset = {p0:String}'}`,
      parameters: dataset === undefined ? [] : [dataset],
    });
    return rows as unknown as { dataset: string; version: string; description: string | null }[];
  }

  async #deletions(dataset: string, version: string): Promise<number> {
    const rows = await this.warehouse.query({
      sql: `SELECT count() AS n FROM ${LOG} WHERE kind = 'delete' AND dataset = {p0:String} AND version = {p1:String}`,
      parameters: [dataset, version],
    });
    return Number(rows[0]?.n ?? 0);
  }

  async #log(kind: 'create' | 'delete', dataset: string, version: string, claim: string): Promise<void> {
    await this.warehouse.insertOnce(
      LOG,
      ['at', 'kind', 'dataset', 'version', 'claim'],
      [[Date.now(), kind, dataset, version, claim]],
      `log:${claim}`,
    );
  }
}
