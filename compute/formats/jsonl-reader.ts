import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InvalidFileError } from './format-errors.ts';
import {
  assertReadableFile,
  createTextReader,
  type FormatReader,
  type InferenceOptions,
  type RawRecord,
} from './format-reader.ts';

/** Options of {@link openJsonl}. */
export type JsonlReadOptions = InferenceOptions;

/** Returns a short reason for a JSON parse failure (the engine's message). */
export function jsonReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Opens a JSON Lines file (one JSON object per line) as a streaming reader: the file is read line
 * by line (node:readline), never whole. Blank lines are skipped; a UTF-8 BOM is stripped. Types come
 * from `schema`, else are inferred from the first `inferRows` rows (nested objects, arrays, ints,
 * floats, booleans, ISO date strings as datetime unless `dates: false`).
 *
 * @throws FileNotFoundError when `file` does not exist.
 * @throws InvalidFileError for a line that is not valid JSON or not an object (naming the line).
 * @throws InconsistentTypesError when sampled rows give one field incompatible shapes.
 */
export async function openJsonl(file: string, options: JsonlReadOptions = {}): Promise<FormatReader> {
  await assertReadableFile(file);

  async function* scan(): AsyncIterable<RawRecord> {
    const input = createReadStream(file, { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    let row = 0;
    try {
      for await (const rawText of lines) {
        line += 1;
        const text = line === 1 && rawText.startsWith('\uFEFF') ? rawText.slice(1) : rawText;
        if (text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw new InvalidFileError(file, `invalid JSON: ${jsonReason(error)}`, { line }, { cause: error });
        }
        if (!isJsonObject(value)) {
          throw new InvalidFileError(
            file,
            `expected a JSON object per line, got ${Array.isArray(value) ? 'an array' : typeof value}`,
            { line },
          );
        }
        row += 1;
        yield { value, position: { line, row } };
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }

  return createTextReader({ file, scan, source: 'json' }, options);
}
