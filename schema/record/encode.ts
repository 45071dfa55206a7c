import type { DialectName } from '../dialect/compiled-query.ts';
import type { Column } from './column.ts';
import type { LeafType } from './field-type.ts';
import { isClickhouseCollection, isClickhouseNative } from './sql-types.ts';
import { clickhouseDateText, jsonWriter, type ValueConverter } from './value-codec.ts';

/**
 * Turns one (nested) row object into the values of `columns`, in column order (after the encoder's
 * leading slots). With `into`, the values are written into that array (from index `leadingSlots`,
 * other slots untouched) and it is returned: no allocation, for callers that reuse one row buffer.
 */
export type RowEncoder = (row: object, into?: unknown[]) => unknown[];

/** Options of `createRowEncoder`. */
export interface RowEncoderOptions {
  /**
   * Slots (set to null) placed before the column values in every output array, for callers that fill
   * in leading values themselves (e.g. the system columns) without copying the row. Default 0.
   */
  readonly leadingSlots?: number;
}

/**
 * Compiles an encoder for a column list (once; the returned function allocates only the output array).
 * Each value is read from the nested row by its dot path (a missing or null enclosing object gives
 * NULL) and encoded for the dialect:
 * - SQLite: Date → epoch ms, boolean → 0/1, arrays/records/vectors → JSON text (Dates inside as
 *   epoch ms, bigints as strings), bigint stays bigint, undefined → null.
 * - ClickHouse (values for JSONEachRow-style inserts): Date → `YYYY-MM-DD hh:mm:ss.sss` UTC text,
 *   bigint → decimal string, booleans stay booleans, vectors/arrays/records of scalars stay JS
 *   arrays/objects (null stays null in nullable columns, which are Variants; a non-nullable Array/Map
 *   column gets `[]`/`{}`), arrays/records containing objects → JSON text, undefined → null.
 * Values are not validated here: validate rows with the dataset's zod schema (`toZod`) first.
 */
export function createRowEncoder(
  columns: readonly Column[],
  dialect: DialectName,
  options: RowEncoderOptions = {},
): RowEncoder {
  const leading = Math.max(0, Math.floor(options.leadingSlots ?? 0));
  // Generated straight-line code (like the row decoder): fixed property reads and one array
  // literal per row. Keys enter the source only through JSON.stringify; converters are passed in.
  const writers: ValueConverter[] = [];
  const lines: string[] = ['let v;'];
  const outputs = columns.map((column, i) => {
    const access = column.path
      .split('.')
      .map((key, depth) => `${depth === 0 ? '' : '?.'}[${JSON.stringify(key)}]`)
      .join('');
    const write = dialect === 'sqlite' ? sqliteWriter(column.type) : clickhouseWriter(column.type);
    const nullValue = dialect === 'clickhouse' && !column.nullable ? clickhouseEmpty(column.type) : 'null';
    lines.push(
      `v = row${access};`,
      `const a${i} = v == null ? ${nullValue} : ${writeExpression(write, writers)};`,
    );
    return `a${i}`;
  });
  lines.push(
    `if (into !== undefined) {`,
    ...outputs.map((output, i) => `into[${leading + i}] = ${output};`),
    `return into;`,
    `}`,
    `return [${[...new Array<string>(leading).fill('null'), ...outputs].join(', ')}];`,
  );
  const factory = new Function('w', `return function encodeRow(row, into) {\n${lines.join('\n')}\n};`);
  return factory(writers) as RowEncoder;
}

function writeExpression(write: ValueConverter, writers: ValueConverter[]): string {
  if (write === identity) return 'v';
  if (write === toBit) return '(v ? 1 : 0)';
  writers.push(write);
  return `w[${writers.length - 1}](v)`;
}

/**
 * The value of a missing array/map in a column that is not nullable (ClickHouse Array/Map columns hold no NULL;
 * nullable ones are Variants, which do — see `sqlType`).
 */
function clickhouseEmpty(type: LeafType): string {
  if (!isClickhouseCollection(type)) return 'null';
  return type.kind === 'record' ? '{}' : '[]';
}

const identity: ValueConverter = (value) => value;
const toBit: ValueConverter = (value) => (value ? 1 : 0);
const toDate = (value: unknown): unknown => (typeof value === 'string' ? new Date(value) : value);

function sqliteWriter(type: LeafType): ValueConverter {
  switch (type.kind) {
    case 'boolean':
      return toBit;
    case 'literal':
      return typeof type.value === 'boolean' ? toBit : identity;
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
