import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { type CastingContext, parse } from 'csv-parse';
import { InvalidFileError } from './format-errors.ts';
import {
  assertReadableFile,
  createTextReader,
  type FormatReader,
  type InferenceOptions,
  type RawRecord,
} from './format-reader.ts';
import { checkHeaderPaths, headerToPath, nestCells } from './nested-headers.ts';

/** Options of {@link openCsv}. */
export interface CsvReadOptions extends InferenceOptions {
  /** Field delimiter. Default `,`. */
  readonly delimiter?: string;
  /** The first line holds column names. Default `true`. */
  readonly header?: boolean;
  /**
   * Column names to use. With `header: true` they replace the names in the header line; with
   * `header: false` they name the columns (default `column_1`, `column_2`, …).
   */
  readonly columns?: readonly string[];
  /** Headers with `.` or `__` become nested fields (`det.confidence` → `{ det: { confidence } }`). Default `true`. */
  readonly nested?: boolean;
  /**
   * Rewrite header segments into storable field names (`First Name` → `First_Name`, `2nd` → `_2nd`),
   * see `sanitizeName`. Default `false`: names are kept as written (a later save may reject them).
   * Names that collide after rewriting raise InvalidFileError.
   */
  readonly sanitizeNames?: boolean;
}

interface CsvRecord {
  readonly record: (string | null)[];
  readonly info: { readonly lines: number; readonly records: number };
}

interface CsvParseError extends Error {
  readonly code?: string;
  readonly lines?: number;
}

/**
 * Opens a CSV file as a streaming reader (csv-parse; the file is never loaded whole).
 *
 * Cells: an empty unquoted cell is `null`; a quoted empty cell (`""`) is the empty string. A UTF-8
 * BOM is stripped. Types come from `schema`, else are inferred from the first `inferRows` rows
 * (ints, floats, booleans `true`/`false`, ISO dates, strings; arrays/records/objects in an explicit
 * schema are read from JSON text in the cell).
 *
 * @throws FileNotFoundError when `file` does not exist.
 * @throws InvalidFileError (at open or while streaming) for a row whose number of fields differs from
 *   the header (naming line and row), broken quoting, or bad headers (duplicate, `a` next to `a.b`).
 */
export async function openCsv(file: string, options: CsvReadOptions = {}): Promise<FormatReader> {
  await assertReadableFile(file);
  const header = options.header ?? true;
  const nested = options.nested ?? true;
  let names: readonly string[] | undefined = options.columns;
  let paths: readonly (readonly string[])[] | undefined;

  const setNames = (found: readonly string[]): void => {
    names = options.columns ?? found;
    paths = names.map((name) => headerToPath(name, nested, options.sanitizeNames ?? false));
    checkHeaderPaths(file, names, paths);
  };

  async function* scan(): AsyncIterable<RawRecord> {
    const parser = pipeline(
      createReadStream(file),
      parse({
        delimiter: options.delimiter ?? ',',
        bom: true,
        info: true,
        relax_column_count: true,
        skip_empty_lines: true,
        // Only an unquoted empty cell is missing; `""` is an empty string.
        cast: (value: string, context: CastingContext) => (value === '' && !context.quoting ? null : value),
      }),
      () => {
        // Errors surface through the parser's async iterator below.
      },
    );
    let row = 0;
    let first = true;
    try {
      for await (const chunk of parser as AsyncIterable<CsvRecord>) {
        const { record, info } = chunk;
        if (first) {
          first = false;
          if (header) {
            setNames(record.map((cell) => cell ?? ''));
            continue;
          }
          setNames(options.columns ?? record.map((_, i) => `column_${i + 1}`));
        }
        row += 1;
        const expected = names?.length ?? 0;
        if (record.length !== expected) {
          throw new InvalidFileError(file, `row has ${record.length} fields but the header has ${expected}`, {
            line: info.lines,
            row,
          });
        }
        yield { value: nestCells(paths ?? [], record), position: { line: info.lines, row } };
      }
    } catch (error) {
      if (error instanceof InvalidFileError) throw error;
      const csvError = error as CsvParseError;
      throw new InvalidFileError(
        file,
        `malformed CSV: ${csvError.message}`,
        csvError.lines === undefined ? undefined : { line: csvError.lines },
        { cause: error },
      );
    } finally {
      parser.destroy();
    }
  }

  return createTextReader(
    {
      file,
      scan,
      source: 'csv',
      emptyRow: () => (paths === undefined ? undefined : nestCells(paths, [])),
    },
    options,
  );
}
