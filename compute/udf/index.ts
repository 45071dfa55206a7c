/**
 * UDF execution engine: step constructors (map, gen, agg, batchMap), the executor the chain calls
 * (executeUdf / executeAgg) with its batch-commit contract, settings, errors, progress events and bar.
 */
export { agg, batchMap, gen, isUdfStep, map, stepName } from './udf-step.ts';
export type {
  AggStep,
  AnyRow,
  BatchMapOptions,
  BatchMapStep,
  GenStep,
  ManyOutputs,
  MapStep,
  OnErrorPolicy,
  OutputOf,
  OutputShape,
  UdfContext,
  UdfKind,
  UdfOptions,
  UdfOrigin,
  UdfStep,
} from './udf-step.ts';
export { executeAgg, executeUdf } from './execute-udf.ts';
export type { AggGroup, ExecuteOptions, UdfInputRow } from './execute-udf.ts';
export type { BatchCommit, ExecutionSummary } from './udf-run.ts';
export type { UdfOutput } from './output-validator.ts';
export { defaultSettings, resolveSettings } from './execution-settings.ts';
export type {
  ExecutionSettings,
  RateLimitSettings,
  ResolvedSettings,
  RetrySettings,
} from './execution-settings.ts';
export {
  HttpStatusError,
  OutputValidationError,
  RetryableError,
  UdfAbortedError,
  UdfCommitError,
  UdfLoadError,
  UdfRowError,
  UdfSettingsError,
  UdfWorkerError,
  isRetryableStatus,
  parseRetryAfter,
} from './udf-errors.ts';
export type { OutputIssue } from './udf-errors.ts';
export { backoffDelay, isRateLimited, isRetryable, retryAfterOf } from './retry-policy.ts';
export { RateLimiter } from './rate-limiter.ts';
export { toStoredError } from './progress-events.ts';
export type {
  BatchCommittedEvent,
  FinishedEvent,
  ProgressEvent,
  RowFailedEvent,
  RowRetryingEvent,
  StartedEvent,
  StoredUdfError,
} from './progress-events.ts';
export { udfFromModule, withOrigin } from './udf-origin.ts';
export { udfSourceText } from './udf-source.ts';
