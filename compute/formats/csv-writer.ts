import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { FormatError, InvalidFileError, isFsError } from './format-errors.ts';
import { jsonReplacer, toJsonValue } from './json-values.ts';
import { type LeafPath, schemaLeaves, valueAt } from './nested-headers.ts';

/** Options of {@link writeCsv}. */
export interface CsvWriteOptions {
  /** Field delimiter. Default `,`. */
  readonly delimiter?: string;
  /** Write a header line with the dot-path column names. Default `true`. */
  readonly header?: boolean;
}

function cell(leaf: LeafPath, row: Readonly<Record<string, unknown>>): string | null {
  const value = valueAt(row, leaf.segments);
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(toJsonValue(value, leaf.spec.type), jsonReplacer);
}

/**
 * Writes rows as CSV, streaming with backpressure (csv-stringify). Nested objects are flattened to
 * one column per leaf with dot-path headers (`det.confidence`), which `openCsv` nests back. Arrays,
 * records and vectors are JSON text; Dates are ISO-8601 (UTC); bigints are decimal digits; booleans
 * `true`/`false`. `null` is an empty unquoted cell and the empty string is `""`, so the two survive a
 * round trip through `openCsv`.
 *
 * `file` is a path, or a stream the rows are piped into (ended when done: wrap `process.stdout`).
 * @returns the number of rows written.
 * @throws InvalidFileError when the file cannot be written; errors thrown by `rows` propagate unchanged.
 */
export async function writeCsv(
  file: string | Writable,
  schema: DatasetSchema,
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  options: CsvWriteOptions = {},
): Promise<number> {
  const leaves = schemaLeaves(schema);
  let count = 0;
  async function* records(): AsyncIterable<(string | null)[]> {
    if (options.header ?? true) yield leaves.map((leaf) => leaf.path);
    for await (const row of rows) {
      count += 1;
      yield leaves.map((leaf) => cell(leaf, row));
    }
  }
  const stringifier = stringify({
    delimiter: options.delimiter ?? ',',
    // Quote only the empty string, so it differs from a null (empty unquoted) cell.
    cast: { string: (value: string) => (value === '' ? { value, quoted_string: true } : value) },
  });
  try {
    await pipeline(
      Readable.from(records()),
      stringifier,
      typeof file === 'string' ? createWriteStream(file) : file,
    );
  } catch (error) {
    if (error instanceof FormatError || !isFsError(error)) throw error;
    throw new InvalidFileError(
      typeof file === 'string' ? file : 'output stream',
      `cannot write: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  return count;
}
