import {
  asyncBufferFromFile,
  type FileMetaData,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from 'hyparquet';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { coerceRow } from './coerce-row.ts';
import { FormatError, InvalidFileError } from './format-errors.ts';
import { assertReadableFile, type FormatReader } from './format-reader.ts';
import { embeddedSchema, fromParquetSchema } from './parquet-schema.ts';

/** Options of {@link openParquet}. */
export interface ParquetReadOptions {
  /**
   * Explicit row type; values are coerced to it (e.g. `bigint` for INT64 columns holding values
   * beyond the safe integer range). Default: the schema chainql embedded when it wrote the file,
   * else one derived from the Parquet schema (see `fromParquetSchema`).
   */
  readonly schema?: DatasetSchema;
}

/**
 * Opens a Parquet file (hyparquet). Only the footer is read at open; `rows()` then reads one row
 * group at a time, so memory is bounded by the largest row group, not the file.
 *
 * @throws FileNotFoundError when `file` does not exist.
 * @throws InvalidFileError when the file is not Parquet, is truncated (no valid footer), or a row
 *   group cannot be decoded (naming the row group), at open or while streaming.
 * @throws ValueMismatchError when a value does not fit the schema (naming the row, 1-based).
 */
export async function openParquet(file: string, options: ParquetReadOptions = {}): Promise<FormatReader> {
  const size = await assertReadableFile(file);
  if (size < 12) throw new InvalidFileError(file, `not a Parquet file: only ${size} bytes`);
  const buffer = await asyncBufferFromFile(file);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new InvalidFileError(
      file,
      `not a Parquet file or truncated: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  let schema = options.schema ?? embeddedSchema(metadata.key_value_metadata);
  if (schema === undefined) {
    try {
      schema = fromParquetSchema(parquetSchema(metadata));
    } catch (error) {
      throw new InvalidFileError(file, `unreadable Parquet schema: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
  }
  const fixed = schema;

  return {
    file,
    schema: fixed,
    async *rows() {
      let start = 0;
      for (let group = 0; group < metadata.row_groups.length; group++) {
        const count = Number(metadata.row_groups[group]?.num_rows ?? 0n);
        let objects: Record<string, unknown>[];
        try {
          objects = await parquetReadObjects({
            file: buffer,
            metadata,
            rowStart: start,
            rowEnd: start + count,
          });
        } catch (error) {
          if (error instanceof FormatError) throw error;
          throw new InvalidFileError(
            file,
            `corrupt data: ${(error as Error).message}`,
            { rowGroup: group, row: start + 1 },
            {
              cause: error,
            },
          );
        }
        for (let i = 0; i < objects.length; i++) {
          const raw = objects[i] as Record<string, unknown>;
          yield coerceRow(raw, fixed, {
            file,
            position: { row: start + i + 1, rowGroup: group },
            source: 'native',
          });
        }
        start += count;
      }
    },
  };
}
