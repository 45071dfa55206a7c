import { ChainqlError } from '../../schema/errors.ts';

const LISTED = 20;

function listSome(items: readonly string[], what: string): string {
  if (items.length === 0) return `No ${what} exist yet.`;
  const shown = items.slice(0, LISTED).join(', ');
  const more = items.length > LISTED ? ` (and ${items.length - LISTED} more)` : '';
  return `Existing ${what}: ${shown}${more}.`;
}

/** No dataset has this name. `existing` holds the dataset names that do exist (all of them, sorted). */
export class DatasetNotFoundError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    readonly dataset: string,
    readonly existing: readonly string[],
  ) {
    super('DATASET_NOT_FOUND', `Dataset '${dataset}' does not exist. ${listSome(existing, 'datasets')}`);
  }
}

/** The dataset exists but not in this version. `existing` holds its versions, oldest first. */
export class VersionNotFoundError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    readonly dataset: string,
    readonly version: string,
    readonly existing: readonly string[],
  ) {
    super(
      'VERSION_NOT_FOUND',
      `Dataset '${dataset}' has no version '${version}'. ${listSome(existing, `versions of '${dataset}'`)}`,
    );
  }
}

/** `createVersion` was given a version the dataset already has. */
export class VersionExistsError extends ChainqlError {
  constructor(
    readonly dataset: string,
    readonly version: string,
  ) {
    super('VERSION_EXISTS', `Dataset '${dataset}' already has version '${version}'.`);
  }
}

/** A dataset name outside `[A-Za-z_][A-Za-z0-9_.-]*` (at most 128 characters). */
export class InvalidDatasetNameError extends ChainqlError {
  static override readonly exposed = true;
  constructor(readonly dataset: string) {
    super(
      'INVALID_DATASET_NAME',
      `Invalid dataset name ${JSON.stringify(dataset)}: use a letter or '_' first, then letters, digits, ` +
        `'_', '.' or '-' (at most 128 characters).`,
    );
  }
}

/** An explicit version that is not a plain semver string such as `1.2.3` or `2.0.0-rc.1`. */
export class InvalidVersionError extends ChainqlError {
  static override readonly exposed = true;
  constructor(readonly version: string) {
    super('INVALID_VERSION', `Invalid version ${JSON.stringify(version)}: expected semver like '1.2.3'.`);
  }
}

/** `createVersion` named a physical table that another version already uses. */
export class TableInUseError extends ChainqlError {
  constructor(
    readonly table: string,
    readonly usedBy: { dataset: string; version: string },
  ) {
    super(
      'TABLE_IN_USE',
      `Table '${table}' already holds ${usedBy.dataset}@${usedBy.version}; use reserveTableName() for a fresh one.`,
    );
  }
}

/** The registry metadata cannot be used: written by a newer chainql, or on an unsupported warehouse. */
export class RegistryMetadataError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REGISTRY_METADATA', message, options);
  }
}
