/**
 * Result values from ClickHouse's JSON formats turned into what the SQLite driver returns, so callers see one
 * shape: 64-bit integers (quoted by the server, `output_format_json_quote_64bit_integers`) become numbers, or
 * bigints when asked; everything else (strings, floats, booleans, arrays, maps, DateTime64 text) stays as sent.
 */
import type { RawRow } from '../warehouse-driver.ts';

type Convert = (value: unknown) => unknown;

const WIDE_INT = /^(?:Nullable\()?(?:LowCardinality\()?U?Int(?:64|128|256)\)?\)?$/;

/** A converter for one column type, or undefined when values pass through. */
export function valueConverter(type: string, bigints: boolean): Convert | undefined {
  if (!WIDE_INT.test(type)) return undefined;
  return bigints
    ? (value) => (value === null ? null : BigInt(value as string))
    : (value) => (value === null ? null : Number(value));
}

/** Makes the row builder of a result from its column names and types. */
export type RowBuilder<Row> = (
  names: readonly string[],
  types: readonly string[],
  bigints: boolean,
) => (values: readonly unknown[]) => Row;

/** Converts `JSONCompactEachRowWithNamesAndTypes` arrays in place (64-bit integers), keeping them arrays. */
export const arrayBuilder: RowBuilder<unknown[]> = (_names, types, bigints) => {
  const converters = types.map((type) => valueConverter(type, bigints));
  const converted = converters.flatMap((convert, i) => (convert === undefined ? [] : [i]));
  return (values) => {
    const row = values as unknown[];
    for (const i of converted) row[i] = converters[i]!(row[i]);
    return row;
  };
};

/** Builds row objects from `JSONCompactEachRowWithNamesAndTypes` arrays (names and types come first). */
export function rowBuilder(
  names: readonly string[],
  types: readonly string[],
  bigints: boolean,
): (values: readonly unknown[]) => RawRow {
  const converters = types.map((type) => valueConverter(type, bigints));
  return (values) => {
    const row: RawRow = {};
    for (let i = 0; i < names.length; i++) {
      const convert = converters[i];
      const value = values[i];
      row[names[i]!] = convert === undefined ? value : convert(value);
    }
    return row;
  };
}

/** JSON text of an insert row: bigints as decimal strings (JSON has no bigint), `undefined` as null. */
export function stringifyValues(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v === undefined ? null : v,
  );
}
