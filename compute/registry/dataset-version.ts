import type { DatasetSchema } from '../../schema/record/field-type.ts';

/** A saved dataset version used as input of another version. */
export interface DatasetRef {
  readonly dataset: string;
  readonly version: string;
}

/**
 * Where a version's data came from: another dataset version, or a storage listing given as a string
 * (a URI such as `s3://bucket/images/` or `file:///data/*.jpg`).
 */
export type LineageSource = DatasetRef | string;

/** One saved version of a dataset, as the registry stores it. */
export interface DatasetVersion {
  /** Dataset name (see `DATASET_NAME_PATTERN`). */
  readonly name: string;
  /** Semver string, e.g. `1.0.3`. */
  readonly version: string;
  /** Physical warehouse table holding the rows. */
  readonly table: string;
  /** Row type, stored as JSON so the data can be read and served without the producing code. */
  readonly schema: DatasetSchema;
  /** Number of rows in `table`. */
  readonly rows: number;
  readonly createdAt: Date;
  /** Hash of the chain that produced it (source identity, step parameters, UDF source text). */
  readonly chainHash?: string;
  /** Inputs, in the order the chain used them. Empty when unknown or none. */
  readonly lineage: readonly LineageSource[];
  readonly description?: string;
  /** Declared primary-key field paths (dot paths, e.g. `['source', 'file.path']`). */
  readonly primaryKey?: readonly string[];
  /** Declared secondary indexes, each a list of field paths. */
  readonly indexes?: readonly (readonly string[])[];
}

/** Input of `DatasetRegistry.createVersion`; see there for defaults. */
export interface CreateVersionInput {
  readonly name: string;
  /** Explicit semver; default: patch bump of the latest version, `1.0.0` for a new dataset. */
  readonly version?: string;
  readonly table: string;
  readonly schema: DatasetSchema;
  readonly rows: number;
  readonly chainHash?: string;
  readonly lineage?: readonly LineageSource[];
  readonly description?: string;
  readonly primaryKey?: readonly string[];
  readonly indexes?: readonly (readonly string[])[];
  /** Creation time; default now. */
  readonly createdAt?: Date;
}

/** One line of `listDatasets`. */
export interface DatasetSummary {
  readonly name: string;
  /** Description of the newest version that has one. */
  readonly description?: string;
  /** Highest version by semver precedence. */
  readonly latestVersion: string;
  readonly versionCount: number;
}
