import type { DatasetSchema, FieldSpec, FieldType } from '../../schema/record/field-type.ts';
import { type FilePosition, ValueMismatchError } from './format-errors.ts';
import {
  parseBigIntText,
  parseBooleanText,
  parseFloatText,
  parseIntText,
  parseIsoDate,
} from './text-values.ts';

/** Where a row came from, for error messages, and how its strings are to be read. */
export interface CoerceContext {
  readonly file: string;
  readonly position: FilePosition;
  /**
   * `'csv'`: every value is text and is parsed into the declared type (arrays, records and
   * vectors from JSON text). `'json'`: values must already have the declared JSON type, except
   * strings for `datetime`/`bigint` (JSON has no such types) and scalars widened into `string`.
   * `'native'` (Parquet): like JSON, plus bigint for `int` fields within the safe range.
   */
  readonly source: 'csv' | 'json' | 'native';
}

/**
 * Turns one parsed row into a row of `schema`: every schema field is present (absent keys become
 * `null`, or stay absent for `optional` non-nullable fields), extra keys are dropped, and values get
 * their JS types (numbers, booleans, `Date` for datetime, `bigint`, arrays, nested objects).
 *
 * @throws ValueMismatchError naming file, position, field path and value when a value does not fit
 *   (wrong type, unparsable text, `null` in a non-nullable field, enum value not listed, …).
 */
export function coerceRow(
  raw: Readonly<Record<string, unknown>>,
  schema: DatasetSchema,
  ctx: CoerceContext,
): Record<string, unknown> {
  return coerceFields(raw, schema.fields, '', ctx);
}

function coerceFields(
  raw: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, FieldSpec>>,
  path: string,
  ctx: CoerceContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    const fieldPath = path === '' ? key : `${path}.${key}`;
    const value = coerceField(Object.hasOwn(raw, key) ? raw[key] : undefined, spec, fieldPath, ctx);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function coerceField(value: unknown, spec: FieldSpec, path: string, ctx: CoerceContext): unknown {
  // CSV cannot tell a null object from an object of nulls: all-empty cells mean a null object.
  const emptyCsvObject = ctx.source === 'csv' && spec.type.kind === 'object' && allNull(value);
  if (value === undefined || value === null || emptyCsvObject) {
    if (spec.nullable) return null;
    if (spec.optional) return undefined;
    if (spec.type.kind === 'object' && value !== null && value !== undefined) {
      // All leaves empty but the object is required: let the leaves report which one is missing.
      return coerceValue(value, spec.type, path, ctx);
    }
    throw mismatch(ctx, path, value, `a non-null ${describeType(spec.type)}`);
  }
  return coerceValue(value, spec.type, path, ctx);
}

/** True for a nested object (from CSV headers) whose leaves are all null. */
function allNull(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (!isPlainObject(value)) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every(allNull);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function mismatch(ctx: CoerceContext, path: string, value: unknown, expected: string): ValueMismatchError {
  return new ValueMismatchError(ctx.file, path, value, expected, ctx.position);
}

/** A readable name of a field type for messages (`int`, `array of float`, `enum(a|b)`). */
export function describeType(type: FieldType): string {
  switch (type.kind) {
    case 'array':
      return `array of ${describeType(type.items)}`;
    case 'record':
      return `record of ${describeType(type.values)}`;
    case 'enum':
      return `enum(${type.values.join('|')})`;
    case 'literal':
      return `literal ${JSON.stringify(type.value)}`;
    case 'vector':
      return type.dimensions === undefined ? 'vector' : `vector[${type.dimensions}]`;
    default:
      return type.kind;
  }
}

function parseJsonText(text: string, ctx: CoerceContext, path: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw mismatch(ctx, path, text, `${expected} as JSON text`);
  }
}

function coerceValue(value: unknown, type: FieldType, path: string, ctx: CoerceContext): unknown {
  const text = ctx.source === 'csv' && typeof value === 'string';
  const fail = (): never => {
    throw mismatch(ctx, path, value, describeType(type));
  };
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
        return String(value);
      if (value instanceof Date) return value.toISOString();
      // Parquet JSON columns arrive parsed; a string field keeps their JSON text.
      if (ctx.source === 'native' && typeof value === 'object')
        return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      return fail();
    case 'int': {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (
        typeof value === 'bigint' &&
        ctx.source !== 'csv' &&
        value <= BigInt(Number.MAX_SAFE_INTEGER) &&
        value >= BigInt(Number.MIN_SAFE_INTEGER)
      )
        return Number(value);
      const parsed = text ? parseIntText(value) : undefined;
      if (
        parsed === undefined &&
        (typeof value === 'bigint' || (text && parseBigIntText(value) !== undefined))
      ) {
        throw mismatch(ctx, path, value, 'int (a safe integer; declare the field bigint for larger values)');
      }
      return parsed ?? fail();
    }
    case 'float': {
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint' && ctx.source === 'native') return Number(value);
      const parsed = text ? parseFloatText(value) : undefined;
      return parsed ?? fail();
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const parsed = text ? parseBooleanText(value) : undefined;
      return parsed ?? fail();
    }
    case 'bigint': {
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      const parsed = typeof value === 'string' ? parseBigIntText(value) : undefined;
      return parsed ?? fail();
    }
    case 'datetime': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? fail() : value;
      if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
      const parsed = typeof value === 'string' ? parseIsoDate(value) : undefined;
      return parsed ?? fail();
    }
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? value : fail();
    case 'literal':
      if (value === type.value) return value;
      if (text && value === String(type.value)) return type.value;
      return fail();
    case 'vector': {
      const items = text ? parseJsonText(value, ctx, path, 'vector') : value;
      if (!Array.isArray(items) || !items.every((n) => typeof n === 'number')) return fail();
      if (type.dimensions !== undefined && items.length !== type.dimensions) return fail();
      return items;
    }
    case 'array': {
      const items = text ? parseJsonText(value, ctx, path, 'array') : value;
      if (!Array.isArray(items)) return fail();
      // Items inside JSON text are JSON values, not CSV text.
      const itemCtx: CoerceContext = text ? { ...ctx, source: 'json' } : ctx;
      return items.map((item, i) => {
        if (item !== null && item !== undefined)
          return coerceValue(item, type.items, `${path}[${i}]`, itemCtx);
        if (type.itemsNullable) return null;
        throw mismatch(ctx, `${path}[${i}]`, item, `a non-null ${describeType(type.items)}`);
      });
    }
    case 'record': {
      const entries = text ? parseJsonText(value, ctx, path, 'record') : value;
      if (!isPlainObject(entries)) return fail();
      const itemCtx: CoerceContext = text ? { ...ctx, source: 'json' } : ctx;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(entries)) {
        if (item !== null && item !== undefined)
          out[key] = coerceValue(item, type.values, `${path}.${key}`, itemCtx);
        else if (type.valuesNullable) out[key] = null;
        else throw mismatch(ctx, `${path}.${key}`, item, `a non-null ${describeType(type.values)}`);
      }
      return out;
    }
    case 'object': {
      const fields = text ? parseJsonText(value, ctx, path, 'object') : value;
      if (!isPlainObject(fields)) return fail();
      return coerceFields(fields, type.fields, path, text ? { ...ctx, source: 'json' } : ctx);
    }
  }
}
