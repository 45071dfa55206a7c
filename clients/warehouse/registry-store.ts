/**
 * The typed storage the dataset registry (compute/registry) needs from a warehouse. Each dialect implements it in
 * its own folder (clients/warehouse/<dialect>/), so the registry holds no SQL and no dialect branches.
 *
 * Concurrency contract (several processes or machines on one warehouse): `insertVersion` stores a
 * (dataset, version) at most once — of concurrent calls for the same pair exactly one gets `'created'`, the
 * others `'taken'` — and `revision()` never decreases and grows with every stored or deleted version.
 */
export interface VersionRecordRow {
  readonly dataset: string;
  readonly version: string;
  readonly table_name: string;
  readonly schema_json: string;
  readonly row_count: number;
  /** Epoch milliseconds. */
  readonly created_at: number;
  readonly chain_hash: string | null;
  readonly lineage_json: string;
  readonly description: string | null;
  readonly primary_key_json: string | null;
  readonly indexes_json: string | null;
}

/** The columns of a version record, in storage order (every warehouse's registry tables hold these). */
export const VERSION_RECORD_COLUMNS = [
  'dataset',
  'version',
  'table_name',
  'schema_json',
  'row_count',
  'created_at',
  'chain_hash',
  'lineage_json',
  'description',
  'primary_key_json',
  'indexes_json',
] as const satisfies readonly (keyof VersionRecordRow)[];

/** Which version records to read (all given fields must match; table names match case-insensitively). */
export interface VersionFilter {
  readonly dataset?: string;
  readonly version?: string;
  readonly chainHash?: string;
  readonly table?: string;
}

/** Registry metadata storage of one warehouse. */
export interface RegistryStore {
  /**
   * Creates or migrates the metadata tables (idempotent; safe when several processes open at once).
   * @throws WarehouseError with code `REGISTRY_METADATA` when the metadata was written by a newer chainql.
   */
  migrate(): Promise<void>;
  /** The change counter: grows with every `insertVersion` that returned `'created'` and every `deleteVersion`. */
  revision(): Promise<number>;
  /**
   * A name for this warehouse's data that no other warehouse has (SQLite: a random id kept in the file; ClickHouse:
   * the database's UUID). A server puts it on the jobs it queues; a worker refuses a job from another warehouse.
   */
  identity(): Promise<string>;
  /** Stores a version record unless its (dataset, version) exists; see the interface's concurrency contract. */
  insertVersion(row: VersionRecordRow): Promise<'created' | 'taken'>;
  /** Deletes a version record (no-op when absent) and bumps the revision. */
  deleteVersion(dataset: string, version: string): Promise<void>;
  /** Full version records matching the filter, in no particular order. */
  versions(filter: VersionFilter): Promise<VersionRecordRow[]>;
  /** (dataset, version, description) of every version (or one dataset's), without the JSON columns. */
  versionList(dataset?: string): Promise<{ dataset: string; version: string; description: string | null }[]>;
}
