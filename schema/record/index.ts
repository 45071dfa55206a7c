/** Typed records: zod ⇄ stored schema JSON ⇄ flattened columns, SQL types, row encoding. */
export type { Column, SegmentNullability } from './column.ts';
export { COLUMN_SEPARATOR, columnNameToPath, pathToColumnName } from './column.ts';
export { closestPaths, columnsUnder, findColumn } from './column-lookup.ts';
export { createRowDecoder, type RowDecoder } from './decode.ts';
export { createRowEncoder, type RowEncoder } from './encode.ts';
export type { DatasetSchema, FieldSpec, FieldType, LeafKind, LeafType, ObjectType } from './field-type.ts';
export { checkFieldName, flattenSchema } from './flatten.ts';
export { type FromZodOptions, fromZod } from './from-zod.ts';
export { datasetSchemaJson, schemaFromJson, schemaToJson } from './schema-json.ts';
export { isClickhouseCollection, isClickhouseNative, sqlType } from './sql-types.ts';
export {
  didYouMean,
  levenshtein,
  MAX_SUGGESTIONS,
  suggestPaths,
  withEnclosingObjects,
} from './suggest-paths.ts';
export { deterministicRand, RAND_RANGE, RESERVED_NAMES, SYSTEM_COLUMNS } from './system-columns.ts';
export { toZod } from './to-zod.ts';
export {
  CHAINQL_META_KEY,
  type ChainqlMeta,
  chainqlMeta,
  vector,
  type ZodVector,
  zodDescription,
} from './vector.ts';
