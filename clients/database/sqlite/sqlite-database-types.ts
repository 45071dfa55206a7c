import type { LeafType } from '../../../schema/record/field-type.ts';
import type { ResultColumnType } from '../database-driver.ts';

/**
 * SQLite ⇄ chainql types for the bridge. SQLite is dynamically typed, so reading goes by the column's
 * declared type (`stmt.columns()[i].type`) and falls back to the values of the first rows:
 * | declared type contains | chainql | stored value read as |
 * |---|---|---|
 * | BOOL | boolean | 0/1 |
 * | BIGINT, INT8 | bigint | exact 64-bit integer |
 * | INT | int | number (a value beyond 2^53 fails and names row and column) |
 * | REAL, FLOA, DOUB, NUMERIC, DECIMAL | float | number |
 * | CHAR, CLOB, TEXT, UUID | string | text |
 * | DATE, TIME (TIMESTAMP, DATETIME) | datetime | ISO-8601 text (no zone = UTC) or epoch milliseconds |
 * | JSON | inferred from the first rows | JSON text |
 * | BLOB | — | `UnmappableTypeError` |
 * | nothing (expressions) or other | inferred from the first rows' values | |
 *
 * Writing (created tables): string/enum → TEXT, int → INTEGER, bigint → BIGINT, float → REAL,
 * boolean → BOOLEAN (0/1), datetime → TIMESTAMP (ISO-8601 UTC text, e.g. `2024-05-01T10:00:00.000Z`),
 * vector/array/record → JSON (JSON text; Dates inside as ISO text, bigints as decimal strings).
 */
export function sqliteResultType(declared: string | null): ResultColumnType | 'blob' {
  const t = (declared ?? '').toUpperCase();
  if (t === '') return { kind: 'dynamic' };
  if (t.includes('BLOB')) return 'blob';
  if (t.includes('BOOL')) return { kind: 'leaf', type: { kind: 'boolean' } };
  if (t.includes('BIGINT') || t.includes('INT8')) return { kind: 'leaf', type: { kind: 'bigint' } };
  if (t.includes('INT')) return { kind: 'leaf', type: { kind: 'int' } };
  if (t.includes('JSON')) return { kind: 'json' };
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT') || t.includes('UUID')) {
    return { kind: 'leaf', type: { kind: 'string' } };
  }
  if (t.includes('DATE') || t.includes('TIME')) return { kind: 'leaf', type: { kind: 'datetime' } };
  if (
    t.includes('REAL') ||
    t.includes('FLOA') ||
    t.includes('DOUB') ||
    t.includes('NUMERIC') ||
    t.includes('DECIMAL')
  ) {
    return { kind: 'leaf', type: { kind: 'float' } };
  }
  return { kind: 'dynamic' };
}

/** The declared type of a created column. */
export function sqliteDeclaredType(type: LeafType): string {
  switch (type.kind) {
    case 'string':
    case 'enum':
      return 'TEXT';
    case 'int':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'float':
      return 'REAL';
    case 'boolean':
      return 'BOOLEAN';
    case 'datetime':
      return 'TIMESTAMP';
    case 'literal':
      return typeof type.value === 'string'
        ? 'TEXT'
        : typeof type.value === 'boolean'
          ? 'BOOLEAN'
          : Number.isInteger(type.value)
            ? 'INTEGER'
            : 'REAL';
    case 'vector':
    case 'array':
    case 'record':
      return 'JSON';
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Encoder of one column's JS values into what better-sqlite3 binds (undefined: bound as they are). */
export function sqliteEncoder(type: LeafType): ((value: unknown) => unknown) | undefined {
  switch (type.kind) {
    case 'boolean':
      return (v) => (v ? 1 : 0);
    case 'literal':
      return typeof type.value === 'boolean' ? (v) => (v ? 1 : 0) : undefined;
    case 'datetime':
      return (v) => (v instanceof Date ? v.toISOString() : v);
    case 'vector':
    case 'array':
    case 'record':
      return (v) => JSON.stringify(v, jsonReplacer);
    default:
      return undefined;
  }
}

/** `2024-05-01 10:00:00` (SQLite's own CURRENT_TIMESTAMP, UTC), ISO text or epoch ms → Date; else as is. */
export function readSqliteDate(value: unknown): unknown {
  if (typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'number') return new Date(value);
  if (typeof value !== 'string') return value;
  let text = value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text = `${text}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text))
    text = `${text.replace(' ', 'T')}Z`;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? value : date;
}
