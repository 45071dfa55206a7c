import type { DatasetSchema } from '../schema/record/field-type.ts';

/** A value or a promise of it: the server accepts sync and async registries alike. */
export type Awaitable<T> = T | Promise<T>;

/** What the server reads about one saved dataset version. */
export interface ServedVersion {
  /** Dataset name as saved (free-form; sanitised for GraphQL by `naming.ts`). */
  readonly name: string;
  /** Semver version string, e.g. `1.0.2`. */
  readonly version: string;
  /** Physical warehouse table holding the rows. */
  readonly table: string;
  /** The row type, as stored JSON. */
  readonly schema: DatasetSchema;
  /** Row count at save time. */
  readonly rows: number;
  /** Save time (a Date or an ISO string). */
  readonly createdAt: Date | string;
  /** Description given at save time (falls back to the schema's description). */
  readonly description?: string;
  /** Dot paths of the primary key, when the dataset declares one; `<ds>_by_id` then looks it up. */
  readonly primaryKey?: readonly string[];
  /** Declared secondary indexes (each a list of dot paths); shown by `datasets { versions { indexes } }`. */
  readonly indexes?: readonly (readonly string[])[];
}

/**
 * The slice of the dataset registry (compute/registry) that the GraphQL server needs. The real
 * `DatasetRegistry` satisfies it structurally; tests can pass a small in-memory implementation.
 */
export interface RegistryView {
  /**
   * A counter that changes on every save or delete (also from other processes). The generated schema
   * is cached per value, so a save is visible on the next request.
   */
  revision(): Awaitable<number | string | bigint>;
  /** Names (or records with a `name`) of every dataset. */
  listDatasets(): Awaitable<readonly (string | { readonly name: string })[]>;
  /** Every version of one dataset (any order; the server sorts by semver). */
  listVersions(name: string): Awaitable<readonly ServedVersion[]>;
  /**
   * Deletes one version and its data; deleting the last version removes the dataset. Optional: when the
   * registry has it, the API offers the admin-only `delete_dataset` mutation (see admin/delete-dataset-field.ts).
   * @throws an exposed error (DatasetNotFoundError, VersionNotFoundError) for what does not exist.
   */
  deleteVersion?(name: string, version: string): Awaitable<unknown>;
}
