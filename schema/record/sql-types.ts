import type { DialectName } from '../dialect/compiled-query.ts';
import type { Column } from './column.ts';
import type { FieldType, LeafType } from './field-type.ts';

/**
 * The SQL column type of a leaf column in a dialect.
 *
 * SQLite: int/bigint/boolean/datetime → INTEGER (datetime as epoch milliseconds, boolean 0/1),
 * float → REAL, string/enum → TEXT, literal by its JS type, arrays/records/vectors → TEXT (JSON).
 *
 * ClickHouse: int/bigint → Int64, float → Float64, string → String, boolean → Bool,
 * datetime → DateTime64(3, 'UTC'), enum → LowCardinality(String), vector → Array(Float64),
 * arrays of scalars/arrays/records → Array(T), records of scalars → Map(String, T), arrays or records
 * that contain objects → String (JSON). Nullable leaves become Nullable(T) (enum:
 * LowCardinality(Nullable(String))), except Array/Map, which ClickHouse cannot make Nullable: a nullable
 * array, vector or record is `Variant(Array(T))` / `Variant(Map(String, T))`, a one-type Variant whose
 * NULL is a real NULL (distinct from `[]`/`{}`), read back as the array/map or null. Array and Map
 * functions of the ClickHouse compiler are written to accept both forms.
 */
export function sqlType(column: Column, dialect: DialectName): string {
  return dialect === 'sqlite' ? sqliteType(column.type) : clickhouseColumnType(column.type, column.nullable);
}

function sqliteType(type: LeafType): string {
  switch (type.kind) {
    case 'int':
    case 'bigint':
    case 'boolean':
    case 'datetime':
      return 'INTEGER';
    case 'float':
      return 'REAL';
    case 'string':
    case 'enum':
      return 'TEXT';
    case 'literal':
      return typeof type.value === 'string'
        ? 'TEXT'
        : Number.isInteger(type.value) || typeof type.value === 'boolean'
          ? 'INTEGER'
          : 'REAL';
    case 'vector':
    case 'array':
    case 'record':
      return 'TEXT';
  }
}

/** Whether ClickHouse stores a value of this type natively (no JSON text needed). */
export function isClickhouseNative(type: FieldType): boolean {
  if (type.kind === 'object') return false;
  if (type.kind === 'array') return isClickhouseNative(type.items);
  if (type.kind === 'record') return isClickhouseNative(type.values);
  return true;
}

function clickhouseColumnType(type: LeafType, nullable: boolean): string {
  if ((type.kind === 'array' || type.kind === 'record') && !isClickhouseNative(type)) {
    return nullable ? 'Nullable(String)' : 'String';
  }
  const sql = clickhouseType(type, nullable);
  return nullable && isClickhouseCollection(type) ? `Variant(${sql})` : sql;
}

/**
 * Whether a leaf is stored as a ClickHouse Array or Map (vectors, arrays and records of scalars), which cannot be
 * Nullable: a nullable one is a one-type `Variant`, and its NULL is written as `null`, not `[]`/`{}`.
 */
export function isClickhouseCollection(type: LeafType): boolean {
  return (
    type.kind === 'vector' || ((type.kind === 'array' || type.kind === 'record') && isClickhouseNative(type))
  );
}

/** ClickHouse type of a (natively storable) value, wrapped in Nullable when allowed. */
function clickhouseType(type: FieldType, nullable: boolean): string {
  switch (type.kind) {
    case 'vector':
      return 'Array(Float64)';
    case 'array':
      return `Array(${clickhouseType(type.items, type.itemsNullable === true)})`;
    case 'record':
      return `Map(String, ${clickhouseType(type.values, type.valuesNullable === true)})`;
    case 'enum':
      return nullable ? 'LowCardinality(Nullable(String))' : 'LowCardinality(String)';
    case 'object':
      return nullable ? 'Nullable(String)' : 'String';
    default: {
      const base = clickhouseScalar(type);
      return nullable ? `Nullable(${base})` : base;
    }
  }
}

function clickhouseScalar(type: LeafType): string {
  switch (type.kind) {
    case 'int':
    case 'bigint':
      return 'Int64';
    case 'float':
      return 'Float64';
    case 'boolean':
      return 'Bool';
    case 'datetime':
      return "DateTime64(3, 'UTC')";
    case 'literal':
      if (typeof type.value === 'string') return 'String';
      if (typeof type.value === 'boolean') return 'Bool';
      return Number.isInteger(type.value) ? 'Int64' : 'Float64';
    default:
      return 'String';
  }
}
