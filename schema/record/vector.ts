import { z } from 'zod';

/**
 * Vector (embedding) fields.
 *
 * A vector is a zod array of finite numbers carrying chainql metadata in zod's global registry:
 * `.meta({ chainql: { kind: 'vector', dimensions } })`. The global registry is zod's own store
 * (`z.globalRegistry`, shared across zod copies through `globalThis`); zod copies metadata to
 * clones, so `vector(3).describe('…')`, `.optional()` and `.nullable()` stay vectors. `fromZod`
 * reads the marker and maps the field to `{ kind: 'vector', dimensions }`.
 */

/** Metadata key under which chainql stores its own annotations in zod metadata. */
export const CHAINQL_META_KEY = 'chainql';

/** The chainql annotation attached to a zod schema (`schema.meta({ chainql: … })`). */
export interface ChainqlMeta {
  /** `'vector'` marks an array of numbers as an embedding vector. */
  readonly kind?: 'vector';
  /** Fixed vector length, when known. */
  readonly dimensions?: number;
  /** Semantic tag of an object type (e.g. `'file'`), copied to `ObjectType.tag`. */
  readonly tag?: string;
}

/** The zod type returned by {@link vector}. */
export type ZodVector = z.ZodArray<z.ZodNumber>;

/**
 * A vector of floats (an embedding). With `dimensions`, parsing rejects arrays of any other length.
 * @param dimensions fixed length; a positive integer. Default: any length.
 * @throws RangeError when `dimensions` is not a positive safe integer.
 */
export function vector(dimensions?: number): ZodVector {
  let schema = z.array(z.number());
  if (dimensions !== undefined) {
    if (!Number.isSafeInteger(dimensions) || dimensions <= 0) {
      throw new RangeError(`vector dimensions must be a positive integer, got ${dimensions}`);
    }
    schema = schema.length(dimensions);
  }
  const meta: ChainqlMeta = dimensions === undefined ? { kind: 'vector' } : { kind: 'vector', dimensions };
  return schema.meta({ [CHAINQL_META_KEY]: meta });
}

/**
 * The chainql annotation of a zod schema, or undefined when it has none.
 * Reads zod's global registry, which resolves metadata inherited by clones.
 */
export function chainqlMeta(schema: z.core.$ZodType): ChainqlMeta | undefined {
  const meta = z.globalRegistry.get(schema);
  const value = meta?.[CHAINQL_META_KEY];
  return typeof value === 'object' && value !== null ? (value as ChainqlMeta) : undefined;
}

/** The description of a zod schema (`.describe()` or `.meta({ description })`), if any. */
export function zodDescription(schema: z.core.$ZodType): string | undefined {
  const description = z.globalRegistry.get(schema)?.description;
  return typeof description === 'string' ? description : undefined;
}
