/**
 * chainql — the package root: sources, the lazy chain, expressions and sessions.
 *
 * ```ts
 * import { readRecords, C } from 'chainql';
 * await readRecords(rows, Photo).filter(C('det.confidence').gt(0.9)).save('confident');
 * ```
 */

export type { DatabaseConnection } from '../clients/database/index.ts';
export {
  DatabaseAuthError,
  DatabaseConflictError,
  DatabaseError,
  DatabaseQueryError,
  DatabaseSyntaxError,
  DatabaseUnreachableError,
  InvalidIdentifierError,
  UnmappableTypeError,
} from '../clients/database/index.ts';
export { File, ImageFile, StorageContext, TextFile } from '../clients/storage/index.ts';
export { ChainqlError, ExpressionTypeError, SchemaError, UnknownColumnError } from '../schema/errors.ts';
export type { Expr, ExprNode } from '../schema/expr/index.ts';
export {
  agg as aggregates,
  and,
  avg,
  C,
  caseWhen,
  count,
  func,
  lit,
  max,
  min,
  not,
  or,
  sum,
} from '../schema/expr/index.ts';
export type { DatasetSchema } from '../schema/record/field-type.ts';
export { vector } from '../schema/record/index.ts';
export type { JoinOn, JoinOptions, OrderInput, PathOrExpr, Row } from './chain/chain.ts';
export { Chain } from './chain/chain.ts';
export { InvalidArgumentError } from './chain/chain-errors.ts';
export type { DiffOptions, DiffStatus } from './chain/diff.ts';
export type { ChainSettings } from './chain/plan.ts';
export {
  readCsv,
  readJson,
  readJsonl,
  readParquet,
  readRecords,
  readValues,
  type SourceOptions,
} from './chain/read.ts';
export type { SaveOptions } from './chain/terminals.ts';
export { CheckpointStore } from './checkpoint/checkpoint-store.ts';
export { ERROR_FIELD } from './checkpoint/step-output-table.ts';
export type { ReadDatabaseOptions, ToDatabaseOptions } from './database/index.ts';
export { DatabaseSchemaError, DatabaseValueError, readDatabase } from './database/index.ts';
export { readDataset } from './dataset/read-dataset.ts';
export type { RegistryOptions } from './datasets.ts';
export { deleteDatasetVersion, getDatasetVersion, listDatasets, listVersions } from './datasets.ts';
export { withDelta } from './delta/delta-chain.ts';
export { DeltaError } from './delta/delta-errors.ts';
export type { DeltaOptions } from './delta/delta-options.ts';
export type { DeltaFullReason, DeltaReport } from './delta/delta-report.ts';
export { DuplicateKeyError, KeyDeclarationError } from './keys/index.ts';
export type {
  Job,
  JobManager,
  JobStatus,
  Pipeline,
  PipelineContext,
  PipelineDefinition,
} from './pipelines/index.ts';
export { definePipeline, openJobManager } from './pipelines/index.ts';
export type { DatasetSummary, DatasetVersion } from './registry/dataset-registry.ts';
export { DatasetNotFoundError, VersionNotFoundError } from './registry/registry-errors.ts';
export type { Session, SessionOptions } from './session.ts';
export {
  closeDefaultSession,
  configureDefaultSession,
  defaultDataDir,
  getDefaultSession,
  openSession,
} from './session.ts';
export type { ReadStorageOptions, ToStorageOptions } from './storage/index.ts';
export { readStorage, toStorage } from './storage/index.ts';
export type { ProgressEvent, UdfContext, UdfOptions, UdfRow, UdfStep } from './udf/index.ts';
export {
  agg,
  batchMap,
  gen,
  HttpStatusError,
  map,
  OutputValidationError,
  RetryableError,
  UdfAbortedError,
  UdfLoadError,
  UdfRowError,
  udfFromModule,
} from './udf/index.ts';
