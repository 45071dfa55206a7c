import { type FileHandle, open } from 'node:fs/promises';
import { ByteWriter, parquetWriteRows } from 'hyparquet-writer';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { FormatError, InvalidFileError } from './format-errors.ts';
import { SCHEMA_METADATA_KEY, toParquetSchema, toParquetValue } from './parquet-schema.ts';

/** Options of {@link writeParquet}. */
export interface ParquetWriteOptions {
  /** Rows per row group; at most this many rows are buffered at once. Default 10,000. */
  readonly rowGroupSize?: number;
  /** Compression codec. Default `SNAPPY` (the only codec built into hyparquet-writer besides none). */
  readonly codec?: 'SNAPPY' | 'UNCOMPRESSED';
}

/** A hyparquet-writer sink that appends each flushed row group to a file asynchronously. */
class FileSink extends ByteWriter {
  constructor(private readonly handle: FileHandle) {
    super(1 << 20);
  }

  flush(): Promise<void> {
    // Copy before resetting: the buffer is reused for the next row group while the write runs.
    const bytes = Buffer.from(this.getBytes());
    this.index = 0;
    return this.handle.write(bytes).then(() => undefined);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

/**
 * Writes rows to a Parquet file, streaming: rows are pulled one row group at a time and each group is
 * encoded and appended before the next is pulled (hyparquet-writer `parquetWriteRows`).
 *
 * Nested objects become Parquet structs and arrays become LISTs (not flattened columns), so other
 * Parquet tools see the same shape; see `toParquetSchema` for the type mapping. The exact chainql
 * schema is stored in the file's key-value metadata (`chainql.schema`), so `openParquet` reads the
 * file back with the same types (int vs bigint, enums, records).
 *
 * @returns the number of rows written.
 * @throws InvalidFileError when the file cannot be written or a row does not fit the schema;
 *   errors thrown by `rows` propagate unchanged. A partial file may remain on failure.
 */
export async function writeParquet(
  file: string,
  schema: DatasetSchema,
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  options: ParquetWriteOptions = {},
): Promise<number> {
  const names = Object.keys(schema.fields);
  if (names.length === 0) throw new InvalidFileError(file, 'cannot write Parquet with no columns');
  let count = 0;
  async function* converted(): AsyncIterable<Record<string, unknown>> {
    for await (const row of rows) {
      count += 1;
      const out: Record<string, unknown> = {};
      try {
        for (const [name, spec] of Object.entries(schema.fields))
          out[name] = toParquetValue(row[name], spec.type);
      } catch (error) {
        throw new InvalidFileError(
          file,
          `row does not fit the schema: ${(error as Error).message}`,
          { row: count },
          {
            cause: error,
          },
        );
      }
      yield out;
    }
  }

  let handle: FileHandle;
  try {
    handle = await open(file, 'w');
  } catch (error) {
    throw new InvalidFileError(file, `cannot create file: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  try {
    await parquetWriteRows({
      writer: new FileSink(handle),
      rows: converted(),
      columns: names.map((name) => ({ name })),
      schema: toParquetSchema(schema),
      rowGroupSize: options.rowGroupSize ?? 10_000,
      codec: options.codec ?? 'SNAPPY',
      kvMetadata: [{ key: SCHEMA_METADATA_KEY, value: JSON.stringify(schema) }],
      createdBy: 'chainql',
    });
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new InvalidFileError(
      file,
      `cannot write the row group ending at row ${count}: ${(error as Error).message}`,
      { row: count },
      {
        cause: error,
      },
    );
  } finally {
    await handle.close();
  }
  return count;
}
