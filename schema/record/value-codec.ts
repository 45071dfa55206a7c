import type { FieldType } from './field-type.ts';

/**
 * Type-directed conversion of values stored as JSON (arrays, records, vectors, and on ClickHouse
 * the items of native Array/Map columns). JSON cannot hold Dates or bigints, so:
 * - datetime ↔ epoch milliseconds (a number) in JSON; readers also accept ISO strings and
 *   ClickHouse's `YYYY-MM-DD hh:mm:ss.sss` (UTC);
 * - bigint ↔ decimal string; readers also accept numbers;
 * - int accepts numbers, bigints and decimal strings (ClickHouse quotes 64-bit integers in JSON);
 * - boolean accepts true/false, 0/1 and `'true'`/`'false'`.
 * Absent object keys stay absent, `null` stays `null`.
 */
export type ValueConverter = (value: unknown) => unknown;

const identity: ValueConverter = (value) => value;

/** Whether converting values of `type` to/from JSON can be skipped (no Date, bigint or boolean inside). */
export function isJsonTransparent(type: FieldType): boolean {
  switch (type.kind) {
    case 'datetime':
    case 'bigint':
    case 'boolean':
    case 'int':
      return false;
    case 'literal':
      return typeof type.value !== 'boolean';
    case 'array':
      return isJsonTransparent(type.items);
    case 'record':
      return isJsonTransparent(type.values);
    case 'object':
      return Object.values(type.fields).every((f) => isJsonTransparent(f.type));
    default:
      return true;
  }
}

/** Parses a stored datetime: a Date, epoch ms (number/bigint/decimal string), ISO or ClickHouse text. */
export function readDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'bigint') return new Date(Number(value));
  const text = String(value);
  if (/^-?\d+$/.test(text)) return new Date(Number(text));
  // ClickHouse DateTime64 text has no zone marker; the column is UTC, so say so (else: local time).
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text)) return new Date(`${text.replace(' ', 'T')}Z`);
  return new Date(text);
}

/** Reads a stored boolean (true/false, 0/1, bigint 0n/1n, 'true'/'false'). */
export function readBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value === 'true' || value === '1';
  return Number(value) !== 0;
}

/** Converter from a stored JSON-ish value to the JS value of `type` (see module comment). */
export function jsonReader(type: FieldType): ValueConverter {
  switch (type.kind) {
    case 'datetime':
      return (v) => (v === null || v === undefined ? v : readDate(v));
    case 'bigint':
      return (v) => (v === null || v === undefined ? v : typeof v === 'bigint' ? v : BigInt(v as string));
    case 'int':
      return (v) => (v === null || v === undefined || typeof v === 'number' ? v : Number(v));
    case 'boolean':
      return (v) => (v === null || v === undefined ? v : readBoolean(v));
    case 'literal':
      return typeof type.value === 'boolean'
        ? (v) => (v === null || v === undefined ? v : readBoolean(v))
        : identity;
    case 'array': {
      if (isJsonTransparent(type.items)) return identity;
      const item = jsonReader(type.items);
      return (v) => (Array.isArray(v) ? v.map(item) : v);
    }
    case 'record': {
      if (isJsonTransparent(type.values)) return identity;
      const value = jsonReader(type.values);
      return (v) => mapValues(v, value);
    }
    case 'object': {
      const fields = Object.entries(type.fields).map(([key, spec]) => [key, jsonReader(spec.type)] as const);
      return (v) => mapObject(v, fields);
    }
    default:
      return identity;
  }
}

/**
 * Converter from a JS value of `type` to a JSON-safe value (Date → epoch ms, bigint → string).
 * @param dates how Dates are written: `'epoch-ms'` (JSON text, default) or `'clickhouse'` text.
 */
export function jsonWriter(type: FieldType, dates: 'epoch-ms' | 'clickhouse' = 'epoch-ms'): ValueConverter {
  if (!containsDateOrBigint(type)) return identity;
  switch (type.kind) {
    case 'datetime':
      return dates === 'epoch-ms'
        ? (v) => (v instanceof Date ? v.getTime() : v)
        : (v) => (v instanceof Date ? clickhouseDateText(v) : v);
    case 'bigint':
      return (v) => (typeof v === 'bigint' ? v.toString() : v);
    case 'array': {
      const item = jsonWriter(type.items, dates);
      return (v) => (Array.isArray(v) ? v.map(item) : v);
    }
    case 'record': {
      const value = jsonWriter(type.values, dates);
      return (v) => mapValues(v, value);
    }
    case 'object': {
      const fields = Object.entries(type.fields).map(
        ([key, spec]) => [key, jsonWriter(spec.type, dates)] as const,
      );
      return (v) => mapObject(v, fields);
    }
    default:
      return identity;
  }
}

function containsDateOrBigint(type: FieldType): boolean {
  switch (type.kind) {
    case 'datetime':
    case 'bigint':
      return true;
    case 'array':
      return containsDateOrBigint(type.items);
    case 'record':
      return containsDateOrBigint(type.values);
    case 'object':
      return Object.values(type.fields).some((f) => containsDateOrBigint(f.type));
    default:
      return false;
  }
}

/** `2024-05-01 12:30:00.250` (UTC), the text ClickHouse parses into DateTime64(3, 'UTC'). */
export function clickhouseDateText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function mapValues(value: unknown, convert: ValueConverter): unknown {
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = convert(item);
  return out;
}

function mapObject(value: unknown, fields: readonly (readonly [string, ValueConverter])[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, convert] of fields) {
    const item = source[key];
    if (item !== undefined) out[key] = convert(item);
  }
  return out;
}
