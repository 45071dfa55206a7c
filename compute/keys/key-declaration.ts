import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { flattenSchema } from '../../schema/record/index.ts';
import type { DatasetRegistry, DatasetVersion } from '../registry/dataset-registry.ts';
import { DatasetNotFoundError } from '../registry/registry-errors.ts';
import { KeyDeclarationError } from './key-errors.ts';
import { type KeyColumns, resolveKeyColumns } from './key-fields.ts';

/**
 * Key options of a save (part of `SaveOptions`).
 *
 * - `undefined` (omitted): inherit the latest version's declaration (none for a new dataset).
 * - `primaryKey: ['rid']`, `['source', 'file.path']`: declare; dot paths reach nested fields.
 * - `primaryKey: null` or `[]`: this version has no primary key.
 * - `indexes: [['det.label'], ['a', 'b']]`: declare (replaces the inherited list as a whole).
 * - `indexes: []` or `null`: this version has no secondary indexes.
 *
 * Each option is resolved on its own: giving only `indexes` still inherits the primary key.
 */
export interface KeyOptions {
  readonly primaryKey?: readonly string[] | null;
  readonly indexes?: readonly (readonly string[])[] | null;
}

/** A declaration as the registry stores it with a version (absent parts: none declared). */
export interface KeyDeclaration {
  readonly primaryKey?: readonly string[];
  readonly indexes?: readonly (readonly string[])[];
}

/** A declaration checked against a version's schema, ready to be applied to its table. */
export interface ResolvedKeys {
  /** The primary key, when one is declared. */
  readonly primaryKey?: KeyColumns;
  /** Secondary indexes, duplicates removed, in declaration order. */
  readonly indexes: readonly KeyColumns[];
  /** What to store with the version record (`createVersion({ ...declaration })`). */
  readonly declaration: KeyDeclaration;
}

/** No key and no index. */
export const NO_KEYS: ResolvedKeys = Object.freeze({ indexes: [], declaration: {} });

/**
 * Resolves the key declaration of a new version of `dataset` whose rows have `schema`: explicit
 * `options` win; an omitted option inherits the latest existing version's declaration.
 * Runs before any row of the new version is written.
 *
 * @throws KeyDeclarationError (INVALID_KEY) for a malformed, nullable or non-scalar key field, or an
 *   inherited field missing from `schema` (naming the field and the version it was inherited from).
 * @throws UnknownColumnError (with suggestions) for an explicitly declared path that does not exist.
 */
export async function resolveKeys(
  registry: DatasetRegistry,
  dataset: string,
  schema: DatasetSchema,
  options: KeyOptions,
): Promise<ResolvedKeys> {
  const needsPrevious = options.primaryKey === undefined || options.indexes === undefined;
  const previous = needsPrevious ? await latestVersion(registry, dataset) : undefined;
  return resolveKeysFrom(previous, dataset, schema, options);
}

/**
 * The pure part of {@link resolveKeys}: resolution against a known previous version (or none).
 * @throws as {@link resolveKeys}.
 */
export function resolveKeysFrom(
  previous: DatasetVersion | undefined,
  dataset: string,
  schema: DatasetSchema,
  options: KeyOptions,
): ResolvedKeys {
  checkShape(dataset, options);
  const pkPaths = options.primaryKey === undefined ? previous?.primaryKey : options.primaryKey;
  const indexLists = options.indexes === undefined ? previous?.indexes : options.indexes;
  if (
    (pkPaths === undefined || pkPaths === null || pkPaths.length === 0) &&
    (indexLists ?? []).length === 0
  ) {
    return NO_KEYS;
  }
  const columns = flattenSchema(schema);
  const pkContext = {
    dataset,
    ...(options.primaryKey === undefined && previous ? { inheritedFrom: previous.version } : {}),
  };
  const ixContext = {
    dataset,
    ...(options.indexes === undefined && previous ? { inheritedFrom: previous.version } : {}),
  };

  const primaryKey =
    pkPaths === undefined || pkPaths === null || pkPaths.length === 0
      ? undefined
      : resolveKeyColumns(columns, pkPaths, 'primaryKey', pkContext);
  const indexes: KeyColumns[] = [];
  const seen = new Set<string>();
  for (const list of indexLists ?? []) {
    const resolved = resolveKeyColumns(columns, list, 'index', ixContext);
    const id = JSON.stringify(resolved.paths);
    if (seen.has(id)) continue;
    seen.add(id);
    indexes.push(resolved);
  }
  return {
    ...(primaryKey ? { primaryKey } : {}),
    indexes,
    declaration: {
      ...(primaryKey ? { primaryKey: primaryKey.paths } : {}),
      ...(indexes.length > 0 ? { indexes: indexes.map((index) => index.paths) } : {}),
    },
  };
}

/**
 * True when saving with `options` would give `existing` the same declaration it has: an omitted option
 * always matches (it would inherit). `save` reuses a version with the same chain hash only then.
 */
export function declarationMatches(existing: KeyDeclaration, options: KeyOptions): boolean {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (options.primaryKey !== undefined) {
    const wanted =
      options.primaryKey === null || options.primaryKey.length === 0 ? undefined : options.primaryKey;
    if (!same(wanted, existing.primaryKey)) return false;
  }
  if (options.indexes !== undefined) {
    const wanted = options.indexes ?? [];
    const unique = [...new Map(wanted.map((list) => [JSON.stringify(list), list])).values()];
    if (!same(unique, existing.indexes ?? [])) return false;
  }
  return true;
}

async function latestVersion(
  registry: DatasetRegistry,
  dataset: string,
): Promise<DatasetVersion | undefined> {
  try {
    const versions = await registry.listVersions(dataset);
    return versions[versions.length - 1];
  } catch (error) {
    if (error instanceof DatasetNotFoundError) return undefined;
    throw error;
  }
}

function checkShape(dataset: string, options: KeyOptions): void {
  const { primaryKey, indexes } = options;
  if (primaryKey !== undefined && primaryKey !== null && !Array.isArray(primaryKey)) {
    throw new KeyDeclarationError(
      dataset,
      '',
      `primaryKey of '${dataset}' must be a list of field paths or null.`,
    );
  }
  if (indexes !== undefined && indexes !== null) {
    if (!Array.isArray(indexes) || !indexes.every((list) => Array.isArray(list))) {
      throw new KeyDeclarationError(
        dataset,
        '',
        `indexes of '${dataset}' must be a list of field-path lists, e.g. [['det.label'], ['a', 'b']].`,
      );
    }
  }
}
