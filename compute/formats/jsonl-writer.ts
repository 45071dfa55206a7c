import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { FormatError, InvalidFileError, isFsError } from './format-errors.ts';
import { jsonReplacer, toJsonValue } from './json-values.ts';

/**
 * Writes rows as JSON Lines (one object per line, `\n` separated), streaming with backpressure.
 * Each line holds exactly the schema's fields in schema order (absent → `null`); nested objects
 * stay nested; Dates are ISO-8601 strings; bigints are decimal strings (so `openJsonl` infers them
 * as strings — pass the schema back to read them as bigint).
 *
 * `file` is a path, or a stream the rows are piped into (ended when done: wrap `process.stdout`).
 * @returns the number of rows written.
 * @throws InvalidFileError when the file cannot be written; errors thrown by `rows` propagate unchanged.
 */
export async function writeJsonl(
  file: string | Writable,
  schema: DatasetSchema,
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
): Promise<number> {
  let count = 0;
  const objectType = { kind: 'object', fields: schema.fields } as const;
  async function* lines(): AsyncIterable<string> {
    for await (const row of rows) {
      count += 1;
      yield `${JSON.stringify(toJsonValue(row, objectType), jsonReplacer)}\n`;
    }
  }
  try {
    await pipeline(Readable.from(lines()), typeof file === 'string' ? createWriteStream(file) : file);
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
