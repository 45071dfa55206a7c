/**
 * File formats for chain sources and terminals: streaming readers with schema inference
 * (`openCsv`, `openJsonl`, `openJson`, `openParquet`) and streaming writers (`writeCsv`,
 * `writeJsonl`, `writeParquet`). Readers return `{ schema, rows() }`; writers return the row count.
 */
export { type CoerceContext, coerceRow, describeType } from './coerce-row.ts';
export { type CsvReadOptions, openCsv } from './csv-reader.ts';
export { type CsvWriteOptions, writeCsv } from './csv-writer.ts';
export {
  FileNotFoundError,
  type FilePosition,
  FormatError,
  InconsistentTypesError,
  InvalidFileError,
  ValueMismatchError,
} from './format-errors.ts';
export { DEFAULT_INFER_ROWS, type FormatReader, type InferenceOptions } from './format-reader.ts';
export { type InferSchemaOptions, inferSchema, type SampleRow } from './infer-schema.ts';
export { type JsonReadOptions, openJson } from './json-reader.ts';
export { type JsonlReadOptions, openJsonl } from './jsonl-reader.ts';
export { writeJsonl } from './jsonl-writer.ts';
export { openParquet, type ParquetReadOptions } from './parquet-reader.ts';
export { fromParquetSchema, SCHEMA_METADATA_KEY, toParquetSchema } from './parquet-schema.ts';
export { type ParquetWriteOptions, writeParquet } from './parquet-writer.ts';
