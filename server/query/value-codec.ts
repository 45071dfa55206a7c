import type { LiteralValue } from '../../schema/expr/literal-node.ts';
import type { FieldType, LeafType } from '../../schema/record/field-type.ts';
import { readBoolean, readDate } from '../../schema/record/value-codec.ts';
import { BadUserInputError } from '../server-errors.ts';

/**
 * Values crossing between GraphQL and the warehouse. Arguments become dialect-neutral literal values
 * (booleans, `Date`s, `bigint`s, numbers, strings) that each dialect compiler binds its own way; results are
 * read tolerantly (SQLite's 0/1 and epoch milliseconds, ClickHouse's booleans and DateTime text, arrays as
 * JSON text or native arrays) into their GraphQL output form.
 */

/**
 * Encodes a GraphQL argument value for comparison with a value of type `type`.
 * @throws BadUserInputError when the value cannot represent that type (bad date, non-integer BigInt, …).
 */
export function encodeParam(type: FieldType, value: unknown, path: string): Exclude<LiteralValue, null> {
  switch (type.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? value : invalid(path, value, 'a Boolean');
    case 'datetime':
      return new Date(encodeDateTime(value, path));
    case 'bigint':
      try {
        return BigInt(value as string);
      } catch {
        return invalid(path, value, 'a BigInt (decimal integer string)');
      }
    case 'int':
      return encodeInt(value, path);
    default:
      return value as Exclude<LiteralValue, null>;
  }
}

/** An integer argument: a JS number when safe, else a bigint (exact beyond ±2^53). */
function encodeInt(value: unknown, path: string): number | bigint {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const n = BigInt(value);
    return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  }
  return invalid(path, value, 'an integer');
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

/** Decodes one raw warehouse value of a leaf column into its GraphQL output value. */
export function decodeValue(type: LeafType, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (type.kind) {
    case 'boolean':
      return readBoolean(raw);
    case 'datetime':
      return readDate(raw).toISOString();
    case 'bigint':
      return String(raw);
    case 'int':
      return decodeInt(raw);
    case 'float':
      return typeof raw === 'bigint' ? Number(raw) : typeof raw === 'string' ? Number(raw) : raw;
    case 'literal':
      return typeof type.value === 'boolean' ? readBoolean(raw) : raw;
    case 'array':
    case 'vector':
    case 'record':
      return decodeJsonValue(type, typeof raw === 'string' ? JSON.parse(raw) : raw);
    default:
      return raw;
  }
}

/** An integer result: a number while exact (±2^53), else its decimal string (see the `Int64` scalar). */
export function decodeInt(raw: unknown): number | string {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : String(raw);
}

/** Converts values inside stored arrays/records to their GraphQL form (datetimes, bigints, booleans). */
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
      return readBoolean(value);
    case 'datetime':
      // SQLite JSON holds epoch ms, ClickHouse arrays hold DateTime64 text: both read as ISO-8601.
      return typeof value === 'number' || typeof value === 'string' ? readDate(value).toISOString() : value;
    case 'bigint':
      return String(value);
    default:
      return value;
  }
}
