import { ChainqlError } from '../../schema/errors.ts';

/**
 * A primary-key or index declaration that cannot be used: a key field that is nullable or not a scalar,
 * an index on an array/record/vector, an empty field list, or an inherited declaration whose field no
 * longer exists (or changed type) in the new schema. Thrown before any row is written to the new version.
 */
export class KeyDeclarationError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    /** The dataset being saved. */
    readonly dataset: string,
    /** The offending field path (dot path), or '' when the declaration as a whole is malformed. */
    readonly field: string,
    message: string,
    /** The version the declaration was inherited from; undefined when it was given explicitly. */
    readonly inheritedFrom?: string,
  ) {
    super('INVALID_KEY', message);
  }
}

/**
 * The rows of a save hold the same primary key more than once. No version was created, the new table was
 * dropped and earlier versions are untouched. `value` holds one duplicated key (field path → value).
 */
export class DuplicateKeyError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    /** The dataset being saved. */
    readonly dataset: string,
    /** The primary-key field paths, in key order. */
    readonly fields: readonly string[],
    /** One duplicated key value, by field path (rehydrated: Date, bigint, boolean…). */
    readonly value: Readonly<Record<string, unknown>>,
    /** How many rows share that key. */
    readonly count: number,
    options?: { cause?: unknown },
  ) {
    const shown = fields.map((field) => describeValue(value[field])).join(', ');
    const key = fields.length === 1 ? `(${fields[0]}) = ${shown}` : `(${fields.join(', ')}) = (${shown})`;
    super(
      'DUPLICATE_KEY',
      `Cannot save '${dataset}': ${count} rows share the primary key ${key}. ` +
        `No version was created; earlier versions are unchanged.`,
      options,
    );
  }
}

/** A key value as it would be written in a literal: strings JSON-quoted, dates ISO, bigints plain. */
export function describeValue(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? String(value);
}
