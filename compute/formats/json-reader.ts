import { readFile } from 'node:fs/promises';
import { type FilePosition, InvalidFileError } from './format-errors.ts';
import {
  assertReadableFile,
  createTextReader,
  type FormatReader,
  type InferenceOptions,
  type RawRecord,
} from './format-reader.ts';
import { isJsonObject, jsonReason } from './jsonl-reader.ts';

/** Options of {@link openJson}. */
export interface JsonReadOptions extends InferenceOptions {
  /**
   * Dot path of the array of rows inside the top-level object (`'items'`, `'data.rows'`). Default:
   * the top-level value itself must be the array.
   */
  readonly jsonPath?: string;
}

/** Turns V8's "at position N" / "(line L column C)" in a JSON.parse message into a position. */
function parsePosition(text: string, message: string): FilePosition | undefined {
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return undefined;
  const offset = Number(pos[1]);
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line += 1;
  return { line, offset };
}

/**
 * Opens a JSON file holding an array of row objects (at the top level, or at `jsonPath`).
 * Unlike CSV/JSONL this loads and parses the whole file once per pass — use JSON Lines for big data.
 *
 * @throws FileNotFoundError when `file` does not exist.
 * @throws InvalidFileError when the text is not valid JSON (naming line/offset), when the value at
 *   `jsonPath` is not an array, or when an element is not an object (naming the row, 1-based).
 * @throws InconsistentTypesError when sampled rows give one field incompatible shapes.
 */
export async function openJson(file: string, options: JsonReadOptions = {}): Promise<FormatReader> {
  await assertReadableFile(file);

  async function load(): Promise<unknown[]> {
    let text = await readFile(file, 'utf8');
    if (text.startsWith('\uFEFF')) text = text.slice(1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InvalidFileError(
        file,
        `invalid JSON: ${jsonReason(error)}`,
        parsePosition(text, jsonReason(error)),
        {
          cause: error,
        },
      );
    }
    const path = options.jsonPath;
    if (path !== undefined && path !== '') {
      for (const key of path.split('.')) {
        if (!isJsonObject(value) || !(key in value)) {
          throw new InvalidFileError(file, `jsonPath '${path}' not found (missing key '${key}')`);
        }
        value = value[key];
      }
    }
    if (!Array.isArray(value)) {
      throw new InvalidFileError(
        file,
        `expected an array of objects${path ? ` at '${path}'` : ' at the top level'}`,
      );
    }
    return value;
  }

  async function* scan(): AsyncIterable<RawRecord> {
    const items = await load();
    for (let i = 0; i < items.length; i++) {
      const value = items[i];
      if (!isJsonObject(value)) {
        throw new InvalidFileError(file, `array element is not an object`, { row: i + 1 });
      }
      yield { value, position: { row: i + 1 } };
    }
  }

  return createTextReader({ file, scan, source: 'json' }, options);
}
