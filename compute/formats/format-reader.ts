import { stat } from 'node:fs/promises';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { coerceRow } from './coerce-row.ts';
import { FileNotFoundError, type FilePosition, InvalidFileError } from './format-errors.ts';
import { inferSchema, type SampleRow } from './infer-schema.ts';

/** An opened data file: its schema (explicit, embedded or inferred) and a way to stream its rows. */
export interface FormatReader {
  /** The path the reader was opened with. */
  readonly file: string;
  /** Row type of every row `rows()` yields. */
  readonly schema: DatasetSchema;
  /**
   * Streams the rows, typed by `schema` (nested objects, `Date` for datetime, `bigint`, arrays).
   * Each call starts a fresh pass over the file, so the reader can be iterated more than once;
   * stopping early (`break`) closes the file.
   * @throws InvalidFileError for malformed content, ValueMismatchError for a value that does not fit
   *   the schema (for inferred schemas: a row after the sample with a different type).
   */
  rows(): AsyncIterable<Record<string, unknown>>;
}

/** Options shared by the text readers (CSV, JSONL, JSON). */
export interface InferenceOptions {
  /**
   * Explicit row type (e.g. from `fromZod`): no inference; every value is coerced to it and a value
   * that does not fit raises ValueMismatchError naming file, position, field and value.
   */
  readonly schema?: DatasetSchema;
  /** How many leading rows are sampled for inference. Default 1000. */
  readonly inferRows?: number;
  /** Detect ISO-8601 date strings as `datetime` during inference. Default `true` (see `inferSchema`). */
  readonly dates?: boolean;
}

/** Default number of rows sampled for schema inference. */
export const DEFAULT_INFER_ROWS = 1000;

/** One parsed, not yet typed record and where it came from. */
export interface RawRecord {
  readonly value: Record<string, unknown>;
  readonly position: FilePosition;
}

/**
 * Fails early with a coded error when `file` is missing or not a regular file.
 * Returns the size in bytes (0 for a named pipe).
 * @throws FileNotFoundError when the path does not exist; InvalidFileError when it is a directory.
 */
export async function assertReadableFile(file: string): Promise<number> {
  try {
    const info = await stat(file);
    // Named pipes are accepted so a producer can stream into a reader.
    if (!info.isFile() && !info.isFIFO()) throw new InvalidFileError(file, 'not a regular file');
    return info.size;
  } catch (error) {
    if (error instanceof InvalidFileError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new FileNotFoundError(file, { cause: error });
    throw new InvalidFileError(file, `cannot read: ${(error as Error).message}`, undefined, { cause: error });
  }
}

/** How {@link createTextReader} reads one file. */
export interface TextReaderSource {
  readonly file: string;
  /** Starts a fresh pass over the file's records. */
  readonly scan: () => AsyncIterable<RawRecord>;
  /** How values are interpreted, see `CoerceContext.source`. */
  readonly source: 'csv' | 'json';
  /** A row of nulls shaped like the file (CSV: from the header), used when the file has no rows. */
  readonly emptyRow?: () => Record<string, unknown> | undefined;
}

/**
 * Builds a reader over a record scanner: uses the explicit schema, or samples the first
 * `inferRows` records (one partial pass, stopped early) and infers one.
 * @throws whatever the scanner throws for the sampled records; InconsistentTypesError from inference.
 */
export async function createTextReader(
  src: TextReaderSource,
  options: InferenceOptions,
): Promise<FormatReader> {
  let schema = options.schema;
  if (schema === undefined) {
    const limit = options.inferRows ?? DEFAULT_INFER_ROWS;
    const samples: SampleRow[] = [];
    if (limit > 0) {
      for await (const record of src.scan()) {
        samples.push({ value: record.value, line: record.position.line ?? record.position.row ?? 0 });
        if (samples.length >= limit) break;
      }
    }
    if (samples.length === 0) {
      const empty = src.emptyRow?.();
      if (empty !== undefined) samples.push({ value: empty, line: 1 });
    }
    schema = inferSchema(samples, { source: src.source, dates: options.dates, file: src.file });
  }
  const fixed = schema;
  return {
    file: src.file,
    schema: fixed,
    async *rows() {
      for await (const record of src.scan()) {
        yield coerceRow(record.value, fixed, {
          file: src.file,
          position: record.position,
          source: src.source,
        });
      }
    },
  };
}
