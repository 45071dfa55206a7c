import { z } from 'zod';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { fromZod } from '../../schema/record/index.ts';
import type { CsvReadOptions } from '../formats/csv-reader.ts';
import { inferSchema } from '../formats/infer-schema.ts';
import type { JsonReadOptions } from '../formats/json-reader.ts';
import type { JsonlReadOptions } from '../formats/jsonl-reader.ts';
import type { ParquetReadOptions } from '../formats/parquet-reader.ts';
import type { Session } from '../session.ts';
import { Chain, type Row } from './chain.ts';
import { InvalidArgumentError } from './chain-errors.ts';
import { FileSource } from './sources/file-source.ts';
import { RecordsSource } from './sources/records-source.ts';

/** Options every source accepts. */
export interface SourceOptions {
  /** Session to run in (default: the process default session). */
  readonly session?: Session;
}

function chainOf<T extends Row>(
  source: ConstructorParameters<typeof Chain>[0]['source'],
  session?: Session,
): Chain<T> {
  return new Chain<T>({ source, steps: [], settings: {} }, session);
}

/**
 * Rows given in memory, typed by a zod object (validated and coerced row by row; an invalid row fails
 * with its index and field) or by a stored `DatasetSchema` (not validated).
 */
export function readRecords<S extends z.ZodObject>(
  rows: readonly z.input<S>[],
  schema: S,
  options?: SourceOptions,
): Chain<z.output<S>>;
export function readRecords<T extends Row = Row>(
  rows: readonly T[],
  schema: DatasetSchema,
  options?: SourceOptions,
): Chain<T>;
export function readRecords(
  rows: readonly Row[],
  schema: z.ZodObject | DatasetSchema,
  options: SourceOptions = {},
): Chain<Row> {
  const isZod = schema instanceof z.ZodType;
  const described = isZod ? fromZod(schema) : schema;
  return chainOf(new RecordsSource(rows, described, isZod ? schema : undefined), options.session);
}

/**
 * Columns of values (`{ id: [1, 2], name: ['a', 'b'] }`) as rows; types are inferred from the values.
 * Every column must have the same length.
 */
export function readValues<V extends Record<string, readonly unknown[]>>(
  values: V,
  options: SourceOptions = {},
): Chain<{ [K in keyof V]: V[K][number] }> {
  const names = Object.keys(values);
  if (names.length === 0) throw new InvalidArgumentError('readValues() needs at least one column.');
  const length = values[names[0]!]!.length;
  for (const name of names) {
    if (values[name]!.length !== length) {
      throw new InvalidArgumentError(
        `readValues(): column '${name}' has ${values[name]!.length} values, '${names[0]}' has ${length}.`,
      );
    }
  }
  const rows: Row[] = Array.from({ length }, (_, i) =>
    Object.fromEntries(names.map((name) => [name, values[name]![i]])),
  );
  const schema = inferSchema(
    rows.map((value, i) => ({ value, line: i + 1 })),
    { source: 'json', dates: false, file: 'readValues()' },
  );
  return chainOf(new RecordsSource(rows, schema), options.session);
}

/** A CSV file (header row; dotted headers nest); types inferred unless `schema` is given. */
export function readCsv<T extends Row = Row>(
  path: string,
  options: CsvReadOptions & SourceOptions = {},
): Chain<T> {
  const { session, ...rest } = options;
  return chainOf(new FileSource('csv', path, rest), session);
}

/** A JSON Lines file (one object per line). */
export function readJsonl<T extends Row = Row>(
  path: string,
  options: JsonlReadOptions & SourceOptions = {},
): Chain<T> {
  const { session, ...rest } = options;
  return chainOf(new FileSource('jsonl', path, rest), session);
}

/** A JSON file holding an array of objects. */
export function readJson<T extends Row = Row>(
  path: string,
  options: JsonReadOptions & SourceOptions = {},
): Chain<T> {
  const { session, ...rest } = options;
  return chainOf(new FileSource('json', path, rest), session);
}

/** A Parquet file; the schema comes from its metadata. */
export function readParquet<T extends Row = Row>(
  path: string,
  options: ParquetReadOptions & SourceOptions = {},
): Chain<T> {
  const { session, ...rest } = options;
  return chainOf(new FileSource('parquet', path, rest), session);
}
