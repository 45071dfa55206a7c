import { randomBytes } from 'node:crypto';
import semver from 'semver';
import type { RegistryStore } from '../../clients/warehouse/registry-store.ts';
import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { WarehouseError } from '../../clients/warehouse/warehouse-errors.ts';
import { assertDatasetName, tableNameFragment } from './dataset-name.ts';
import type { CreateVersionInput, DatasetSummary, DatasetVersion } from './dataset-version.ts';
import {
  DatasetNotFoundError,
  InvalidVersionError,
  RegistryMetadataError,
  TableInUseError,
  VersionExistsError,
  VersionNotFoundError,
} from './registry-errors.ts';
import { rowToVersion, versionToRow } from './version-rows.ts';

export type {
  CreateVersionInput,
  DatasetRef,
  DatasetSummary,
  DatasetVersion,
  LineageSource,
} from './dataset-version.ts';

/** How often `createVersion` retries a defaulted version that another writer took meanwhile. */
const DEFAULT_VERSION_ATTEMPTS = 20;

/**
 * The dataset registry: datasets by name, semver versions, and for each version its physical table,
 * schema JSON, row count, creation time, chain hash, lineage and key/index declarations. Metadata lives
 * in the warehouse itself (through its `registryStore()`: tables on SQLite, deduplicated inserts on
 * ClickHouse), so every process or machine using the same warehouse sees the same registry.
 *
 * Every create/delete increments a persisted `revision()`, which consumers (the GraphQL schema cache)
 * poll cheaply to notice changes made by any process.
 */
export class DatasetRegistry {
  readonly #warehouse: WarehouseDriver;
  readonly #store: RegistryStore;
  #identity: Promise<string> | undefined;
  /** Serialises this instance's metadata writes, so its own concurrent saves never race each other. */
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(warehouse: WarehouseDriver) {
    this.#warehouse = warehouse;
    this.#store = warehouse.registryStore();
  }

  /**
   * Opens the registry stored in `warehouse`, creating or migrating its metadata tables.
   * The registry does not own the warehouse: closing it stays the caller's job.
   * @throws RegistryMetadataError for metadata written by a newer chainql or an unsupported warehouse.
   */
  static async open(warehouse: WarehouseDriver): Promise<DatasetRegistry> {
    const registry = new DatasetRegistry(warehouse);
    try {
      await registry.#store.migrate();
    } catch (error) {
      if (error instanceof WarehouseError && error.code === 'REGISTRY_METADATA') {
        throw new RegistryMetadataError(error.message, { cause: error });
      }
      throw error;
    }
    return registry;
  }

  /** The warehouse holding the metadata and the version tables. */
  get warehouse(): WarehouseDriver {
    return this.#warehouse;
  }

  /**
   * The registry's change counter: increases on every `createVersion` and `deleteVersion`, by this or
   * any other process on the same warehouse. One indexed single-row read.
   */
  async revision(): Promise<number> {
    return this.#store.revision();
  }

  /** This warehouse's identity (see `RegistryStore.identity`), read once. */
  identity(): Promise<string> {
    if (this.#identity === undefined) {
      const read = this.#store.identity();
      this.#identity = read;
      read.catch(() => {
        if (this.#identity === read) this.#identity = undefined; // not cached: the next call retries
      });
    }
    return this.#identity;
  }

  /**
   * Records a new version whose rows are already in `input.table`.
   *
   * `version` defaults to a patch bump of the latest version (`1.0.0` for a new dataset); if another
   * writer takes that number concurrently, the next one is used. An explicit `version` must be semver
   * (`1.2.3`, `2.0.0-rc.1`) and not exist yet; it need not be greater than the latest.
   *
   * @returns the stored record.
   * @throws InvalidDatasetNameError, InvalidVersionError, VersionExistsError (explicit duplicate),
   *         TableInUseError (another version already uses `table`), WarehouseError.
   */
  async createVersion(input: CreateVersionInput): Promise<DatasetVersion> {
    return this.#serialised(() => this.#createVersion(input));
  }

  async #createVersion(input: CreateVersionInput): Promise<DatasetVersion> {
    assertDatasetName(input.name);
    if (input.version !== undefined && semver.valid(input.version) !== input.version) {
      throw new InvalidVersionError(input.version);
    }
    const owner = await this.#tableOwner(input.table);
    if (owner !== undefined) throw new TableInUseError(input.table, owner);

    const attempts = input.version === undefined ? DEFAULT_VERSION_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      const versions = await this.#versionStrings(input.name);
      const version = input.version ?? nextPatch(versions);
      if (versions.includes(version)) throw new VersionExistsError(input.name, version);
      const record: DatasetVersion = {
        name: input.name,
        version,
        table: input.table,
        schema: input.schema,
        rows: input.rows,
        createdAt: input.createdAt ?? new Date(),
        ...(input.chainHash === undefined ? {} : { chainHash: input.chainHash }),
        lineage: input.lineage ?? [],
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.primaryKey === undefined ? {} : { primaryKey: input.primaryKey }),
        ...(input.indexes === undefined ? {} : { indexes: input.indexes }),
      };
      let outcome: 'created' | 'taken';
      try {
        outcome = await this.#store.insertVersion(versionToRow(record));
      } catch (error) {
        const nowOwner = await this.#tableOwner(input.table);
        if (nowOwner !== undefined) throw new TableInUseError(input.table, nowOwner);
        throw error;
      }
      if (outcome === 'created') return record;
      // A concurrent writer took the version between our read and write.
      if (attempt >= attempts) throw new VersionExistsError(input.name, version);
      // Another process won this number; back off a little so racing writers spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  /** Every dataset with its latest version and version count, sorted by name. */
  async listDatasets(): Promise<DatasetSummary[]> {
    const rows = await this.#store.versionList();
    const byName = new Map<string, { version: string; description: string | null }[]>();
    for (const row of rows) {
      const name = String(row.dataset);
      const list = byName.get(name) ?? [];
      list.push({ version: String(row.version), description: row.description as string | null });
      byName.set(name, list);
    }
    return [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, list]) => {
        list.sort((a, b) => semver.compare(b.version, a.version));
        const described = list.find((v) => v.description !== null);
        return {
          name,
          ...(described?.description != null ? { description: described.description } : {}),
          latestVersion: list[0]!.version,
          versionCount: list.length,
        };
      });
  }

  /**
   * All versions of a dataset, oldest first by semver precedence.
   * @throws DatasetNotFoundError listing the existing datasets.
   */
  async listVersions(name: string): Promise<DatasetVersion[]> {
    assertDatasetName(name);
    const rows = await this.#store.versions({ dataset: name });
    if (rows.length === 0) throw new DatasetNotFoundError(name, await this.#datasetNames());
    return rows.map(rowToVersion).sort((a, b) => semver.compare(a.version, b.version));
  }

  /**
   * One version of a dataset; the latest (highest semver) when `version` is omitted.
   * @throws DatasetNotFoundError listing existing datasets; VersionNotFoundError listing its versions.
   */
  async getVersion(name: string, version?: string): Promise<DatasetVersion> {
    assertDatasetName(name);
    if (version === undefined) {
      // Pick the latest from the version strings only, then read (and parse the JSON of) that one row.
      const latest = (await this.#versionStrings(name)).at(-1);
      if (latest === undefined) throw new DatasetNotFoundError(name, await this.#datasetNames());
      version = latest;
    }
    const rows = await this.#store.versions({ dataset: name, version });
    if (rows[0] !== undefined) return rowToVersion(rows[0]);
    const existing = await this.#versionStrings(name);
    if (existing.length === 0) throw new DatasetNotFoundError(name, await this.#datasetNames());
    throw new VersionNotFoundError(name, version, existing);
  }

  /**
   * The latest version of `name` produced by the chain with this hash, or `undefined` (also when the
   * dataset does not exist): lets a re-run of the same chain return the existing version.
   */
  async findVersionByHash(name: string, chainHash: string): Promise<DatasetVersion | undefined> {
    assertDatasetName(name);
    const rows = await this.#store.versions({ dataset: name, chainHash });
    const versions = rows.map(rowToVersion).sort((a, b) => semver.compare(a.version, b.version));
    return versions[versions.length - 1];
  }

  /**
   * Deletes a version and drops its physical table; deleting the last version removes the dataset.
   * The metadata change commits first, then the table is dropped (a crash in between leaves an
   * unreferenced table, never a version without data).
   * @returns the deleted record.
   * @throws DatasetNotFoundError, VersionNotFoundError.
   */
  async deleteVersion(name: string, version: string): Promise<DatasetVersion> {
    return this.#serialised(() => this.#deleteVersion(name, version));
  }

  async #deleteVersion(name: string, version: string): Promise<DatasetVersion> {
    const record = await this.getVersion(name, version);
    await this.#store.deleteVersion(name, version);
    await this.#warehouse.dropTable(record.table);
    return record;
  }

  /**
   * A physical table name for a new version of `name`: `ds_<fragment>_<id>`, where the fragment is the
   * lower-cased name with other characters as `_` (≤ 40 chars) and the id is time-ordered plus random.
   * The name is free now (no table, no version record); create the table promptly.
   * @throws InvalidDatasetNameError.
   */
  async reserveTableName(name: string): Promise<string> {
    assertDatasetName(name);
    while (true) {
      const table = `ds_${tableNameFragment(name)}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
      if (!(await this.#warehouse.tableExists(table)) && (await this.#tableOwner(table)) === undefined)
        return table;
    }
  }

  #serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#writes.then(work, work);
    this.#writes = result.catch(() => undefined);
    return result;
  }

  async #versionStrings(name: string): Promise<string[]> {
    const rows = await this.#store.versionList(name);
    return rows.map((r) => String(r.version)).sort(semver.compare);
  }

  async #datasetNames(): Promise<string[]> {
    const rows = await this.#store.versionList();
    return [...new Set(rows.map((r) => String(r.dataset)))].sort();
  }

  async #tableOwner(table: string): Promise<{ dataset: string; version: string } | undefined> {
    const rows = await this.#store.versions({ table });
    const row = rows[0];
    return row === undefined ? undefined : { dataset: String(row.dataset), version: String(row.version) };
  }
}

/** Patch bump of the highest version; `1.0.0` when there is none. */
function nextPatch(sortedVersions: readonly string[]): string {
  const latest = sortedVersions[sortedVersions.length - 1];
  return latest === undefined ? '1.0.0' : (semver.inc(latest, 'patch') ?? '1.0.0');
}
