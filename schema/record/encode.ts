import type { DialectName } from '../dialect/compiled-query.ts';
import type { Column } from './column.ts';
import type { LeafType } from './field-type.ts';
import { isClickhouseNative } from './sql-types.ts';
import { clickhouseDateText, jsonWriter, type ValueConverter } from './value-codec.ts';

/** Turns one (nested) row object into the values of `columns`, in column order. */
export type RowEncoder = (row: object) => unknown[];

/**
 * Compiles an encoder for a column list (once; the returned function allocates only the output array).
 * Each value is read from the nested row by its dot path (a missing or null enclosing object gives
 * NULL) and encoded for the dialect:
 * - SQLite: Date → epoch ms, boolean → 0/1, arrays/records/vectors → JSON text (Dates inside as
 *   epoch ms, bigints as strings), bigint stays bigint, undefined → null.
 * - ClickHouse (values for JSONEachRow-style inserts): Date → `YYYY-MM-DD hh:mm:ss.sss` UTC text,
 *   bigint → decimal string, booleans stay booleans, vectors/arrays/records of scalars stay JS
 *   arrays/objects (null → empty, since Array/Map cannot be Nullable), arrays/records containing
 *   objects → JSON text, undefined → null.
 * Values are not validated here: validate rows with the dataset's zod schema (`toZod`) first.
 */
export function createRowEncoder(columns: readonly Column[], dialect: DialectName): RowEncoder {
  const readers = columns.map((column) => pathReader(column.path));
  const writers = columns.map((column) =>
    dialect === 'sqlite' ? sqliteWriter(column.type) : clickhouseWriter(column.type),
  );
  const nulls = columns.map((column) => (dialect === 'clickhouse' ? clickhouseNull(column.type) : null));
  const count = columns.length;
  return (row) => {
    const out = new Array<unknown>(count);
    for (let i = 0; i < count; i++) {
      const value = readers[i]!(row);
      out[i] = value === undefined || value === null ? nulls[i] : writers[i]!(value);
    }
    return out;
  };
}

/** Reads a value from a nested object by dot path; missing or null intermediate objects give undefined. */
function pathReader(path: string): (row: object) => unknown {
  const keys = path.split('.');
  if (keys.length === 1) {
    const key = keys[0]!;
    return (row) => (row as Record<string, unknown>)[key];
  }
  return (row) => {
    let current: unknown = row;
    for (const key of keys) {
      if (current === null || current === undefined) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
}

/** ClickHouse Array/Map columns cannot be Nullable: a missing value is stored empty. */
function clickhouseNull(type: LeafType): unknown {
  if (type.kind === 'vector' || (type.kind === 'array' && isClickhouseNative(type))) return [];
  if (type.kind === 'record' && isClickhouseNative(type)) return {};
  return null;
}

const identity: ValueConverter = (value) => value;
const toDate = (value: unknown): unknown => (typeof value === 'string' ? new Date(value) : value);

function sqliteWriter(type: LeafType): ValueConverter {
  switch (type.kind) {
    case 'boolean':
      return (v) => (v ? 1 : 0);
    case 'literal':
      return typeof type.value === 'boolean' ? (v) => (v ? 1 : 0) : identity;
    case 'datetime':
      return (v) => {
        const date = toDate(v);
        return date instanceof Date ? date.getTime() : date;
      };
    case 'vector':
    case 'array':
    case 'record': {
      const convert = jsonWriter(type);
      return (v) => JSON.stringify(convert(v));
    }
    default:
      return identity;
  }
}

function clickhouseWriter(type: LeafType): ValueConverter {
  switch (type.kind) {
    case 'bigint':
      return (v) => (typeof v === 'bigint' ? v.toString() : v);
    case 'datetime':
      return (v) => {
        const date = toDate(v);
        return date instanceof Date ? clickhouseDateText(date) : date;
      };
    case 'array':
    case 'record': {
      if (!isClickhouseNative(type)) {
        const convert = jsonWriter(type);
        return (v) => JSON.stringify(convert(v));
      }
      return jsonWriter(type, 'clickhouse');
    }
    default:
      return identity;
  }
}
