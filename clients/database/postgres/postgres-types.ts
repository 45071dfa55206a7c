import type { FieldType, LeafType } from '../../../schema/record/field-type.ts';
import type { ResultColumnType } from '../database-driver.ts';

/**
 * PostgreSQL ⇄ chainql types.
 *
 * Reading (result column type OID → chainql):
 * | PostgreSQL | chainql | value |
 * |---|---|---|
 * | smallint, integer, oid | int | number |
 * | bigint | bigint | bigint (exact beyond 2^53) |
 * | real, double precision, numeric | float | number (numeric is rounded to a double: cast to text for exact decimals) |
 * | text, varchar, char, name, uuid, time, timetz, inet, cidr, macaddr, xml, enums, citext | string | string |
 * | boolean | boolean | boolean |
 * | date | datetime | Date at UTC midnight |
 * | timestamp | datetime | Date, the value read as UTC |
 * | timestamptz | datetime | Date |
 * | json, jsonb | inferred from the first rows | parsed JSON |
 * | arrays of the above | array of the item type | arrays (json[]/jsonb[]: array inferred from rows) |
 * Anything else (bytea, interval, geometric, range, composite types, …) is `UnmappableTypeError`: cast it
 * in SQL (`col::text`).
 *
 * Writing (chainql → column type of a created table): string/enum → text, int/bigint → bigint,
 * float → double precision, boolean → boolean, datetime → timestamptz, vector → double precision[],
 * arrays of scalars → `<scalar>[]`, other arrays, records and arrays of objects → jsonb.
 */

/** Well-known type OIDs (pg_type.oid; stable across PostgreSQL versions). */
export const OID = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
  inet: 869,
  cidr: 650,
  macaddr: 829,
} as const;

const STRING: LeafType = { kind: 'string' };
const INT: LeafType = { kind: 'int' };
const FLOAT: LeafType = { kind: 'float' };

/** Scalar OIDs with a direct mapping, by OID. */
export const SCALAR_TYPES: ReadonlyMap<number, { readonly name: string; readonly type: LeafType | 'json' }> =
  new Map<number, { name: string; type: LeafType | 'json' }>([
    [OID.bool, { name: 'boolean', type: { kind: 'boolean' } }],
    [OID.int2, { name: 'smallint', type: INT }],
    [OID.int4, { name: 'integer', type: INT }],
    [OID.oid, { name: 'oid', type: INT }],
    [OID.int8, { name: 'bigint', type: { kind: 'bigint' } }],
    [OID.float4, { name: 'real', type: FLOAT }],
    [OID.float8, { name: 'double precision', type: FLOAT }],
    [OID.numeric, { name: 'numeric', type: FLOAT }],
    [OID.text, { name: 'text', type: STRING }],
    [OID.varchar, { name: 'varchar', type: STRING }],
    [OID.bpchar, { name: 'char', type: STRING }],
    [OID.char, { name: '"char"', type: STRING }],
    [OID.name, { name: 'name', type: STRING }],
    [OID.uuid, { name: 'uuid', type: STRING }],
    [OID.time, { name: 'time', type: STRING }],
    [OID.timetz, { name: 'timetz', type: STRING }],
    [OID.inet, { name: 'inet', type: STRING }],
    [OID.cidr, { name: 'cidr', type: STRING }],
    [OID.macaddr, { name: 'macaddr', type: STRING }],
    [OID.xml, { name: 'xml', type: STRING }],
    [OID.date, { name: 'date', type: { kind: 'datetime' } }],
    [OID.timestamp, { name: 'timestamp', type: { kind: 'datetime' } }],
    [OID.timestamptz, { name: 'timestamptz', type: { kind: 'datetime' } }],
    [OID.json, { name: 'json', type: 'json' }],
    [OID.jsonb, { name: 'jsonb', type: 'json' }],
  ]);

/** Array OIDs → their element OID (pg_type.typarray of the scalars above). */
export const ARRAY_ELEMENTS: ReadonlyMap<number, number> = new Map([
  [1000, OID.bool],
  [1005, OID.int2],
  [1007, OID.int4],
  [1028, OID.oid],
  [1016, OID.int8],
  [1021, OID.float4],
  [1022, OID.float8],
  [1231, OID.numeric],
  [1009, OID.text],
  [1015, OID.varchar],
  [1014, OID.bpchar],
  [1002, OID.char],
  [1003, OID.name],
  [2951, OID.uuid],
  [1183, OID.time],
  [1270, OID.timetz],
  [1041, OID.inet],
  [651, OID.cidr],
  [1040, OID.macaddr],
  [143, OID.xml],
  [1182, OID.date],
  [1115, OID.timestamp],
  [1185, OID.timestamptz],
  [199, OID.json],
  [3807, OID.jsonb],
]);

/** A type looked up in pg_type for an OID the tables above do not know (enums, domains' arrays, citext). */
export interface CatalogType {
  readonly name: string;
  /** pg_type.typcategory: `E` enum, `S` string, `A` array, … */
  readonly category: string;
  /** Element OID for arrays (0 otherwise). */
  readonly element: number;
  readonly elementCategory: string | undefined;
}

/** The chainql view of a result column type, or a string naming why it cannot be mapped. */
export function resultType(
  oid: number,
  catalog?: CatalogType,
): { type: ResultColumnType; name: string } | string {
  const scalar = SCALAR_TYPES.get(oid);
  if (scalar)
    return {
      name: scalar.name,
      type: scalar.type === 'json' ? { kind: 'json' } : { kind: 'leaf', type: scalar.type },
    };
  const element = ARRAY_ELEMENTS.get(oid);
  if (element !== undefined) {
    const item = SCALAR_TYPES.get(element)!;
    // Arrays of JSON documents: the items' shape is inferred from the rows like a JSON column.
    if (item.type === 'json') return { name: `${item.name}[]`, type: { kind: 'json' } };
    return {
      name: `${item.name}[]`,
      type: { kind: 'leaf', type: { kind: 'array', items: item.type, itemsNullable: true } },
    };
  }
  if (catalog === undefined) return `type oid ${oid}`;
  if (catalog.category === 'E' || catalog.category === 'S')
    return { name: catalog.name, type: { kind: 'leaf', type: STRING } };
  if (catalog.category === 'A' && (catalog.elementCategory === 'E' || catalog.elementCategory === 'S')) {
    return {
      name: catalog.name,
      type: { kind: 'leaf', type: { kind: 'array', items: STRING, itemsNullable: true } },
    };
  }
  return catalog.name;
}

/** Whether values of `type` are stored in a native PostgreSQL array column (else jsonb). */
function isScalar(type: FieldType): boolean {
  switch (type.kind) {
    case 'string':
    case 'enum':
    case 'int':
    case 'bigint':
    case 'float':
    case 'boolean':
    case 'datetime':
    case 'literal':
      return true;
    default:
      return false;
  }
}

/** How a chainql leaf is stored in PostgreSQL: the column type and whether the value goes as jsonb. */
export function postgresColumnType(type: LeafType): { sql: string; json: boolean } {
  switch (type.kind) {
    case 'string':
    case 'enum':
      return { sql: 'text', json: false };
    case 'int':
    case 'bigint':
      return { sql: 'bigint', json: false };
    case 'float':
      return { sql: 'double precision', json: false };
    case 'boolean':
      return { sql: 'boolean', json: false };
    case 'datetime':
      return { sql: 'timestamptz', json: false };
    case 'literal':
      return typeof type.value === 'string'
        ? { sql: 'text', json: false }
        : typeof type.value === 'boolean'
          ? { sql: 'boolean', json: false }
          : Number.isInteger(type.value)
            ? { sql: 'bigint', json: false }
            : { sql: 'double precision', json: false };
    case 'vector':
      return { sql: 'double precision[]', json: false };
    case 'array':
      return isScalar(type.items)
        ? { sql: `${postgresColumnType(type.items as LeafType).sql}[]`, json: false }
        : { sql: 'jsonb', json: true };
    case 'record':
      return { sql: 'jsonb', json: true };
  }
}
