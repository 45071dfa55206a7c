/**
 * The serialisable description of a dataset's row type. It is produced from a zod object
 * (`fromZod`), stored as JSON with every dataset version, and turned back into zod (`toZod`),
 * GraphQL types and SQL column types without the code that produced the data.
 */

/** Leaf (column-level) types. Arrays, records and vectors are leaves: they are stored in one column. */
export type LeafType =
  | { readonly kind: 'string' }
  | { readonly kind: 'float' }
  | { readonly kind: 'int' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'literal'; readonly value: string | number | boolean }
  | { readonly kind: 'vector'; readonly dimensions?: number }
  | {
      readonly kind: 'array';
      readonly items: FieldType;
      /** Items may be `null` (`z.array(z.string().nullable())`). Absent means false. */
      readonly itemsNullable?: boolean;
    }
  | {
      readonly kind: 'record';
      readonly values: FieldType;
      /** Values may be `null` (`z.record(z.string(), z.number().nullable())`). Absent means false. */
      readonly valuesNullable?: boolean;
    };

/** A nested object: flattened into one column per leaf (`det.confidence` → `det__confidence`). */
export interface ObjectType {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /**
   * Optional semantic tag for records that rehydrate to a class (e.g. `'file'` for File records).
   * Unknown tags are ignored by readers that do not know them.
   */
  readonly tag?: string;
}

export type FieldType = LeafType | ObjectType;

export type LeafKind = LeafType['kind'];

/** One field of an object: its type plus nullability and documentation. */
export interface FieldSpec {
  readonly type: FieldType;
  /** zod `.nullable()` / `.nullish()`: the value may be `null`. */
  readonly nullable: boolean;
  /** zod `.optional()` / `.nullish()`: the key may be absent. Stored as NULL; read back as absent. */
  readonly optional: boolean;
  /** From zod `.describe()` / `.meta({ description })`. */
  readonly description?: string;
}

/** The row type of a dataset version, as stored in the registry. */
export interface DatasetSchema {
  /** Format version of this JSON document. */
  readonly format: 1;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly description?: string;
}
