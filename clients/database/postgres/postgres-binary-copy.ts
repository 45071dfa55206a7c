import type { FieldType, LeafType } from '../../../schema/record/field-type.ts';
import { OID } from './postgres-types.ts';
import { jsonEncoder } from './postgres-values.ts';

/**
 * `COPY … FROM STDIN (FORMAT binary)` rows: each value in the column type's binary wire form (numbers
 * as their bytes, timestamps as microseconds since 2000-01-01), so neither side prints or parses text —
 * several times cheaper than the text format for both this process and the server.
 *
 * The binary form must match the column's type exactly, so it is used only when every target column
 * has a type below and the chain's type maps onto it without conversion; otherwise the caller copies
 * text. Supported: bigint, integer, smallint (range-checked here, as the server would), double precision,
 * boolean, text, varchar (length limits still checked by the server), timestamptz, timestamp (as UTC),
 * json, jsonb, and one-dimensional arrays of bigint, integer, double precision (vectors), boolean, text,
 * timestamptz.
 */

/** A value the binary form cannot carry; the caller names the column and raises its coded error. */
export class BinaryValueError extends Error {
  constructor(
    /** Index of the column in the row. */
    readonly column: number,
    /** The SQLSTATE the server gives for the same value in text form (22003 out of range, 22P02 syntax). */
    readonly sqlState: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'BinaryValueError';
  }
}

/** `PGCOPY\n\377\r\n\0`, flags 0, no header extension. */
export const BINARY_COPY_HEADER: Buffer = Buffer.concat([
  Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
  Buffer.alloc(8),
]);

/** The file trailer: a field count of -1. */
export const BINARY_COPY_TRAILER: Buffer = Buffer.from([0xff, 0xff]);

const TWO_32 = 2 ** 32;
/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in ms since 1970. */
const PG_EPOCH_MS = 946_684_800_000;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** Writes one non-null value (length word included) at `at` of `out`; returns the end offset. */
type ValueWriter = (out: Output, at: number, value: unknown) => number;

/** The growing buffer one batch is encoded into. */
interface Output {
  buffer: Buffer;
}

/** Makes room for `bytes` more bytes after `at`. */
function reserve(out: Output, at: number, bytes: number): Buffer {
  if (at + bytes > out.buffer.length) {
    const grown = Buffer.allocUnsafe(Math.max(out.buffer.length * 2, at + bytes));
    out.buffer.copy(grown, 0, 0, at);
    out.buffer = grown;
  }
  return out.buffer;
}

function fail(sqlState: string, reason: string): never {
  throw new BinaryValueError(-1, sqlState, reason);
}

/** An integer of `bytes` bytes from a number or bigint; out of range or fractional values fail like the server. */
function integerWriter(bytes: 2 | 4 | 8, typeName: string): ValueWriter {
  const limit = bytes === 8 ? 2 ** 63 : 2 ** (bytes * 8 - 1);
  return (out, at, value) => {
    let n: number;
    if (typeof value === 'bigint') {
      if (bytes === 8) {
        if (value < MIN_INT64 || value > MAX_INT64) fail('22003', `value out of range for type ${typeName}`);
        const b = reserve(out, at, 12);
        b.writeInt32BE(8, at);
        b.writeBigInt64BE(value, at + 4);
        return at + 12;
      }
      n = Number(value);
    } else if (typeof value === 'number') {
      n = value;
    } else {
      return fail('22P02', `invalid input syntax for type ${typeName}`);
    }
    if (!Number.isInteger(n)) fail('22P02', `invalid input syntax for type ${typeName}`);
    if (n < -limit || n >= limit) fail('22003', `value out of range for type ${typeName}`);
    const b = reserve(out, at, 4 + bytes);
    b.writeInt32BE(bytes, at);
    if (bytes === 2) b.writeInt16BE(n, at + 4);
    else if (bytes === 4) b.writeInt32BE(n, at + 4);
    else if (Number.isSafeInteger(n)) {
      const high = Math.floor(n / TWO_32);
      b.writeInt32BE(high, at + 4);
      b.writeUInt32BE(n - high * TWO_32, at + 8);
    } else {
      b.writeBigInt64BE(BigInt(n), at + 4);
    }
    return at + 4 + bytes;
  };
}

const writeFloat8: ValueWriter = (out, at, value) => {
  if (typeof value !== 'number') fail('22P02', 'invalid input syntax for type double precision');
  const b = reserve(out, at, 12);
  b.writeInt32BE(8, at);
  b.writeDoubleBE(value, at + 4);
  return at + 12;
};

const writeBool: ValueWriter = (out, at, value) => {
  if (typeof value !== 'boolean') fail('22P02', 'invalid input syntax for type boolean');
  const b = reserve(out, at, 5);
  b.writeInt32BE(1, at);
  b[at + 4] = value ? 1 : 0;
  return at + 5;
};

/** UTF-8 text (lone surrogates become U+FFFD, as with the text format); `prefix` bytes go first (jsonb's version). */
function textBytes(out: Output, at: number, text: string, prefix: number): number {
  const b = reserve(out, at, 5 + text.length * 3);
  let k = at + 4;
  if (prefix >= 0) b[k++] = prefix;
  const n = text.length;
  // Short ASCII strings byte by byte: cheaper than a call into the UTF-8 encoder.
  let i = 0;
  if (n <= 64) {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      b[k + i] = c;
    }
  }
  k += i < n ? b.write(i === 0 ? text : text.slice(i), k + i, 'utf8') + i : n;
  b.writeInt32BE(k - at - 4, at);
  return k;
}

const writeText: ValueWriter = (out, at, value) => {
  if (typeof value !== 'string') fail('22P02', 'expected text');
  return textBytes(out, at, value, -1);
};

const writeJson: ValueWriter = (out, at, value) => textBytes(out, at, jsonEncoder(value) as string, -1);
const writeJsonb: ValueWriter = (out, at, value) => textBytes(out, at, jsonEncoder(value) as string, 1);

/** A Date as microseconds since 2000-01-01 (int64), computed in two exact halves (the product passes 2^53). */
const writeTimestamp: ValueWriter = (out, at, value) => {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) fail('22007', 'invalid timestamp');
  const d = ms - PG_EPOCH_MS;
  const high = Math.floor(d / TWO_32);
  const low = (d - high * TWO_32) * 1000;
  const carry = Math.floor(low / TWO_32);
  const b = reserve(out, at, 12);
  b.writeInt32BE(8, at);
  b.writeInt32BE(high * 1000 + carry, at + 4);
  b.writeUInt32BE(low - carry * TWO_32, at + 8);
  return at + 12;
};

/** A one-dimensional array (1-based) of `elementOid` items, nulls allowed. */
function arrayWriter(elementOid: number, item: ValueWriter): ValueWriter {
  return (out, at, value) => {
    if (!Array.isArray(value)) fail('22P02', 'malformed array');
    const items = value as readonly unknown[];
    let b = reserve(out, at, 24);
    const start = at;
    let k = at + 4;
    const empty = items.length === 0;
    b.writeInt32BE(empty ? 0 : 1, k);
    b.writeInt32BE(items.includes(null) || items.includes(undefined) ? 1 : 0, k + 4);
    b.writeInt32BE(elementOid, k + 8);
    k += 12;
    if (!empty) {
      b.writeInt32BE(items.length, k);
      b.writeInt32BE(1, k + 4);
      k += 8;
    }
    for (const element of items) {
      if (element === null || element === undefined) {
        reserve(out, k, 4).writeInt32BE(-1, k);
        k += 4;
      } else {
        k = item(out, k, element);
      }
    }
    b = out.buffer;
    b.writeInt32BE(k - start - 4, start);
    return k;
  };
}

/** The scalar kind a chain type carries (literals by their value), or undefined for structured types. */
function scalarKind(type: FieldType): string | undefined {
  if (type.kind === 'literal') {
    const v = type.value;
    return typeof v === 'string'
      ? 'string'
      : typeof v === 'boolean'
        ? 'boolean'
        : Number.isInteger(v)
          ? 'int'
          : 'float';
  }
  if (type.kind === 'enum') return 'string';
  return ['string', 'int', 'bigint', 'float', 'boolean', 'datetime'].includes(type.kind)
    ? type.kind
    : undefined;
}

const INT8 = integerWriter(8, 'bigint');
const INT4 = integerWriter(4, 'integer');
const INT2 = integerWriter(2, 'smallint');

/** The writer of a scalar column type for values of chain kind `kind`, when the pair needs no conversion. */
function scalarWriter(oid: number, kind: string | undefined): ValueWriter | undefined {
  switch (oid) {
    case OID.int8:
      return kind === 'int' || kind === 'bigint' ? INT8 : undefined;
    case OID.int4:
      return kind === 'int' || kind === 'bigint' ? INT4 : undefined;
    case OID.int2:
      return kind === 'int' || kind === 'bigint' ? INT2 : undefined;
    case OID.float8:
      return kind === 'float' || kind === 'int' ? writeFloat8 : undefined;
    case OID.bool:
      return kind === 'boolean' ? writeBool : undefined;
    case OID.text:
    case OID.varchar:
      return kind === 'string' ? writeText : undefined;
    case OID.timestamptz:
    case OID.timestamp:
      return kind === 'datetime' ? writeTimestamp : undefined;
    default:
      return undefined;
  }
}

/** Array type OIDs → element OIDs of the arrays written in binary. */
const ARRAY_ELEMENTS = new Map<number, number>([
  [1016, OID.int8],
  [1007, OID.int4],
  [1022, OID.float8],
  [1000, OID.bool],
  [1009, OID.text],
  [1185, OID.timestamptz],
]);

/** The writer of a column of type `oid` for chain values of `type`, or undefined when only text fits. */
function columnWriter(oid: number, type: LeafType): ValueWriter | undefined {
  if (oid === OID.jsonb) return writeJsonb;
  if (oid === OID.json) return writeJson;
  const element = ARRAY_ELEMENTS.get(oid);
  if (element !== undefined) {
    const itemKind =
      type.kind === 'vector' ? 'float' : type.kind === 'array' ? scalarKind(type.items) : undefined;
    const item = scalarWriter(element, itemKind);
    return item === undefined ? undefined : arrayWriter(element, item);
  }
  return scalarWriter(oid, scalarKind(type));
}

/** Encodes batches of rows into binary COPY data. */
export interface BinaryRowEncoder {
  /**
   * The rows as COPY data (no header or trailer), in a fresh buffer.
   * @throws BinaryValueError naming the column of a value its type cannot hold.
   */
  encode(rows: readonly (readonly unknown[])[]): Buffer;
}

/**
 * An encoder for rows written to columns of the given type OIDs, or undefined when a column's type (or
 * the chain type going into it) has no binary writer here — then the caller copies text.
 */
export function binaryRowEncoder(
  columns: readonly { readonly oid: number; readonly type: LeafType }[],
): BinaryRowEncoder | undefined {
  const writers: ValueWriter[] = [];
  for (const column of columns) {
    const writer = columnWriter(column.oid, column.type);
    if (writer === undefined) return undefined;
    writers.push(writer);
  }
  const width = writers.length;
  let capacity = 64 * 1024;
  return {
    encode(rows) {
      const out: Output = { buffer: Buffer.allocUnsafe(capacity) };
      let at = 0;
      for (const row of rows) {
        reserve(out, at, 2).writeInt16BE(width, at);
        at += 2;
        for (let c = 0; c < width; c++) {
          const value = row[c];
          if (value === null || value === undefined) {
            reserve(out, at, 4).writeInt32BE(-1, at);
            at += 4;
            continue;
          }
          try {
            at = writers[c]!(out, at, value);
          } catch (error) {
            if (error instanceof BinaryValueError)
              throw new BinaryValueError(c, error.sqlState, error.message);
            throw error;
          }
        }
      }
      // The next batch starts with room for one like this (few regrowths, no copy when sizes repeat).
      capacity = Math.max(capacity, at);
      return out.buffer.subarray(0, at);
    },
  };
}
