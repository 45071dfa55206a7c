import type { FieldType, LeafType } from '../../schema/record/field-type.ts';
import { BadUserInputError } from '../server-errors.ts';

/**
 * Values crossing between GraphQL and the SQLite warehouse, following `schema/record/sql-types.ts`:
 * booleans are 0/1, datetimes epoch milliseconds, bigints 64-bit integers (GraphQL: decimal strings),
 * arrays/vectors/records JSON text.
 */

/**
 * Encodes a GraphQL argument value for comparison with a column of type `type`.
 * @throws BadUserInputError when the value cannot represent that type (bad date, non-integer BigInt, …).
 */
export function encodeParam(type: FieldType, value: unknown, path: string): unknown {
  switch (type.kind) {
    case 'boolean':
      return value === true ? 1 : value === false ? 0 : invalid(path, value, 'a Boolean');
    case 'datetime':
      return encodeDateTime(value, path);
    case 'bigint':
      try {
        return BigInt(value as string);
      } catch {
        return invalid(path, value, 'a BigInt (decimal integer string)');
      }
    case 'literal':
      return typeof type.value === 'boolean' ? (value === true ? 1 : 0) : value;
    case 'array':
    case 'vector':
    case 'record':
    case 'object':
      return JSON.stringify(value);
    default:
      return value;
  }
}

/** An ISO-8601 string (or epoch milliseconds) → epoch milliseconds. */
export function encodeDateTime(value: unknown, path: string): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) return invalid(path, value, 'an ISO-8601 DateTime');
  return ms;
}

function invalid(path: string, value: unknown, expected: string): never {
  throw new BadUserInputError(`'${path}': ${JSON.stringify(String(value))} is not ${expected}.`);
}

/** Decodes one raw SQLite value of a leaf column into its GraphQL output value. */
export function decodeValue(type: LeafType, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (type.kind) {
    case 'boolean':
      return raw === 1 || raw === 1n || raw === true;
    case 'datetime':
      return new Date(Number(raw)).toISOString();
    case 'bigint':
      return String(raw);
    case 'int':
    case 'float':
      return typeof raw === 'bigint' ? Number(raw) : raw;
    case 'literal':
      return typeof type.value === 'boolean' ? raw === 1 || raw === true : raw;
    case 'array':
    case 'vector':
    case 'record':
      return decodeJsonValue(type, typeof raw === 'string' ? JSON.parse(raw) : raw);
    default:
      return raw;
  }
}

/** Converts values inside JSON-stored arrays/records to their GraphQL form (datetimes, bigints). */
function decodeJsonValue(type: FieldType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'array':
      return Array.isArray(value) ? value.map((v) => decodeJsonValue(type.items, v)) : value;
    case 'record':
      if (typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeJsonValue(type.values, v)]));
    case 'object': {
      if (typeof value !== 'object') return value;
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [key, spec] of Object.entries(type.fields)) {
        if (key in out) out[key] = decodeJsonValue(spec.type, out[key]);
      }
      return out;
    }
    case 'boolean':
      return value === true || value === 1 || value === 'true';
    case 'datetime':
      return typeof value === 'number' ? new Date(value).toISOString() : value;
    case 'bigint':
      return String(value);
    default:
      return value;
  }
}
