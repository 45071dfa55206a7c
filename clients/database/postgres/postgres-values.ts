import type { LeafType } from '../../../schema/record/field-type.ts';
import { dateParser, timestampParser, timestamptzParser } from './postgres-dates.ts';
import { OID, postgresColumnType } from './postgres-types.ts';

/** A pg type parser: text from the wire → JS value. */
export type TextParser = (text: string) => unknown;

/** What `pg` needs to parse one query's values: per-query parsers (the global `pg.types` stay untouched). */
export interface TypeParsers {
  getTypeParser(oid: number, format?: string): TextParser;
}

const parseBigInt: TextParser = (text) => BigInt(text);
const parseFloatText: TextParser = (text) => Number.parseFloat(text);

/** `2024-05-01` → that day at UTC midnight (the date has no zone; UTC keeps it from shifting a day). */
const parseDate: TextParser = (text) => new Date(/^\d{4}-/.test(text) ? `${text}T00:00:00Z` : text);

/** `2024-05-01 10:00:00.123456` (timestamp without time zone) → read as UTC. */
const parseTimestamp: TextParser = (text) =>
  new Date(/^\d{4}-/.test(text) ? `${text.replace(' ', 'T')}Z` : text);

/**
 * Builds the per-query type parsers: pg's defaults, except bigint → `bigint` (exact), numeric → number,
 * date/timestamp → Date in UTC, and the same for arrays of those. Scalar date/time columns are read by
 * the digit-by-digit parsers of postgres-dates.ts (same results, a fraction of pg's regex cost).
 */
export function createTypeParsers(pgTypes: {
  getTypeParser(oid: number, format?: string): TextParser;
}): TypeParsers {
  const textArray = pgTypes.getTypeParser(1009, 'text') as (text: string) => (string | null)[];
  const arrayOf =
    (item: TextParser): TextParser =>
    (text) =>
      mapNested(textArray(text), item);
  const own = new Map<number, TextParser>([
    [OID.int8, parseBigInt],
    [OID.numeric, parseFloatText],
    [OID.date, dateParser(parseDate)],
    [OID.timestamp, timestampParser(parseTimestamp)],
    [OID.timestamptz, timestamptzParser(pgTypes.getTypeParser(OID.timestamptz, 'text'))],
    [1016, arrayOf(parseBigInt)],
    [1231, arrayOf(parseFloatText)],
    [1182, arrayOf(parseDate)],
    [1115, arrayOf(parseTimestamp)],
  ]);
  return {
    getTypeParser(oid, format) {
      return own.get(oid) ?? pgTypes.getTypeParser(oid, format ?? 'text');
    },
  };
}

function mapNested(values: unknown, item: TextParser): unknown {
  if (!Array.isArray(values)) return values;
  return values.map((value) =>
    value === null ? null : Array.isArray(value) ? mapNested(value, item) : item(value as string),
  );
}

/** Turns a JS value of `type` into the parameter `pg` sends for a column created by the bridge. */
export type ValueEncoder = (value: unknown) => unknown;

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Any value as JSON text for a json/jsonb column (bigints as decimal strings, Dates as ISO text). */
export const jsonEncoder: ValueEncoder = (value) => JSON.stringify(value, jsonReplacer);

/**
 * A Date as PostgreSQL timestamp text: ISO-8601, except that years past 9999 lose the `+` JavaScript
 * prints (`+275760-…`) and years up to 0 (astronomical; 0 is 1 BC) are written as `… BC`.
 */
export function timestampText(date: Date): string {
  const iso = date.toISOString();
  const first = iso.charCodeAt(0);
  if (first === 43 /* + */) return iso.slice(1);
  if (first !== 45 /* - */ && !iso.startsWith('0000-')) return iso;
  const dash = iso.indexOf('-', 1);
  const year = Number(iso.slice(0, dash));
  return `${String(1 - year).padStart(4, '0')}${iso.slice(dash)} BC`;
}

function scalarEncoder(type: LeafType): ValueEncoder | undefined {
  switch (type.kind) {
    case 'bigint':
    case 'int':
      return (value) => (typeof value === 'bigint' ? value.toString() : value);
    case 'datetime':
      return (value) => (value instanceof Date ? timestampText(value) : value);
    default:
      return undefined;
  }
}

/**
 * The encoder of one column: bigints as decimal text, Dates as ISO-8601 (UTC), arrays of scalars as
 * arrays (pg writes the array literal), records/arrays of objects as JSON text for jsonb. `undefined`
 * for values `pg` already sends as they are (strings, numbers, booleans, vectors).
 */
export function valueEncoder(type: LeafType): ValueEncoder | undefined {
  const column = postgresColumnType(type);
  if (column.json) return jsonEncoder;
  if (type.kind === 'array') {
    const item = scalarEncoder(type.items as LeafType);
    if (item === undefined) return undefined;
    return (value) =>
      Array.isArray(value) ? value.map((v) => (v === null || v === undefined ? null : item(v))) : value;
  }
  return scalarEncoder(type);
}
