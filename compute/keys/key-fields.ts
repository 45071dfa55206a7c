import { UnknownColumnError } from '../../schema/errors.ts';
import type { Column, LeafKind } from '../../schema/record/index.ts';
import { didYouMean, findColumn } from '../../schema/record/index.ts';
import { KeyDeclarationError } from './key-errors.ts';

/** Leaf kinds a key or index field may have: values SQL compares by equality and orders. */
export const KEY_KINDS: ReadonlySet<LeafKind> = new Set<LeafKind>([
  'string',
  'int',
  'float',
  'bigint',
  'boolean',
  'datetime',
  'enum',
  'literal',
]);

/** What a field list is used for: the primary key (unique, non-nullable) or a secondary index. */
export type KeyRole = 'primaryKey' | 'index';

/** A declared field list resolved against a schema: the dot paths and their physical columns. */
export interface KeyColumns {
  /** Declared dot paths (`['source', 'file.path']`), in key order. */
  readonly paths: readonly string[];
  /** The leaf columns of those paths, same order. */
  readonly columns: readonly Column[];
}

/** Where a field list comes from, for error messages. */
export interface KeyContext {
  /** Dataset being saved. */
  readonly dataset: string;
  /** Version the declaration was inherited from; undefined when declared in this save. */
  readonly inheritedFrom?: string;
}

function roleName(role: KeyRole): string {
  return role === 'primaryKey' ? 'Primary key' : 'Index';
}

function clearHint(role: KeyRole, context: KeyContext): string {
  if (context.inheritedFrom === undefined) return '';
  const option =
    role === 'primaryKey'
      ? '{ primaryKey: [...] } or clear it with { primaryKey: null }'
      : '{ indexes: [...] } or clear them with { indexes: [] }';
  return ` The declaration was inherited from version ${context.inheritedFrom}; declare it again with save(name, ${option}).`;
}

/**
 * Resolves one field list (a primary key or one index) against the new version's columns.
 *
 * Every field must be a scalar leaf (string, int, float, bigint, boolean, datetime, enum, literal);
 * primary-key fields must also be non-nullable (neither the leaf nor an enclosing object nullable or
 * optional). A field may appear once per list.
 *
 * @throws UnknownColumnError (with suggestions) for an explicitly declared path that does not exist.
 * @throws KeyDeclarationError (code INVALID_KEY) naming the field for: an empty list, a repeated field,
 *   an object/array/record/vector field, a nullable key field, or an inherited field that no longer exists.
 */
export function resolveKeyColumns(
  columns: readonly Column[],
  paths: readonly string[],
  role: KeyRole,
  context: KeyContext,
): KeyColumns {
  const { dataset, inheritedFrom } = context;
  const what = roleName(role);
  if (paths.length === 0) {
    throw new KeyDeclarationError(dataset, '', `${what} of '${dataset}' lists no fields.`, inheritedFrom);
  }
  const seen = new Set<string>();
  const resolved: Column[] = [];
  for (const path of paths) {
    if (typeof path !== 'string') {
      throw new KeyDeclarationError(
        dataset,
        String(path),
        `${what} fields of '${dataset}' must be dot-path strings.`,
        inheritedFrom,
      );
    }
    if (seen.has(path)) {
      throw new KeyDeclarationError(
        dataset,
        path,
        `${what} of '${dataset}' lists field '${path}' twice.`,
        inheritedFrom,
      );
    }
    seen.add(path);
    resolved.push(keyColumn(columns, path, role, context));
  }
  return { paths: [...paths], columns: resolved };
}

function keyColumn(columns: readonly Column[], path: string, role: KeyRole, context: KeyContext): Column {
  const { dataset, inheritedFrom } = context;
  const what = roleName(role);
  let column: Column;
  try {
    column = findColumn(columns, path);
  } catch (error) {
    if (!(error instanceof UnknownColumnError)) throw error;
    const under = columns.filter((c) => c.path.startsWith(`${path}.`));
    if (under.length > 0) {
      throw new KeyDeclarationError(
        dataset,
        path,
        `${what} field '${path}' of '${dataset}' is an object; declare its scalar leaves instead ` +
          `(e.g. ${under
            .slice(0, 3)
            .map((c) => `'${c.path}'`)
            .join(', ')}).${clearHint(role, context)}`,
        inheritedFrom,
      );
    }
    if (inheritedFrom !== undefined) {
      throw new KeyDeclarationError(
        dataset,
        path,
        `${what} field '${path}' of '${dataset}' does not exist in the new schema.` +
          `${didYouMean(error.suggestions)}${clearHint(role, context)}`,
        inheritedFrom,
      );
    }
    throw error;
  }
  if (!KEY_KINDS.has(column.type.kind)) {
    throw new KeyDeclarationError(
      dataset,
      path,
      `${what} field '${path}' of '${dataset}' has type ${column.type.kind}; key and index fields must be ` +
        `scalars (string, int, float, bigint, boolean, datetime, enum, literal).${clearHint(role, context)}`,
      inheritedFrom,
    );
  }
  if (role === 'primaryKey' && column.nullable) {
    throw new KeyDeclarationError(
      dataset,
      path,
      `Primary key field '${path}' of '${dataset}' is nullable (the field or an enclosing object is ` +
        `nullable or optional); key fields must always have a value.${clearHint(role, context)}`,
      inheritedFrom,
    );
  }
  return column;
}
