/**
 * UDF execution engine: step constructors (map, gen, agg, batchMap), the executor the chain calls
 * (executeUdf / executeAgg) with its batch-commit contract, settings, errors, progress events and bar.
 */

export type {
  ExecutionSettings,
  RateLimitSettings,
  ResolvedSettings,
  RetrySettings,
} from './execution-settings.ts';
export { defaultSettings, resolveSettings, validateExecutionSettings } from './execution-settings.ts';
export type { UdfOutput } from './output-validator.ts';
export type { ProgressBarOptions, ProgressStream } from './progress-bar.ts';
export { formatDuration, ProgressBar } from './progress-bar.ts';
export type {
  BatchCommittedEvent,
  FinishedEvent,
  ProgressEvent,
  RowFailedEvent,
  RowRetryingEvent,
  StartedEvent,
  StoredUdfError,
} from './progress-events.ts';
export { toStoredError } from './progress-events.ts';
export { RateLimiter } from './rate-limiter.ts';
export { backoffDelay, isRateLimited, isRetryable, retryAfterOf } from './retry-policy.ts';
export type { BatchCommit, ExecutionSummary } from './row-scheduler.ts';
export type { OutputIssue } from './udf-errors.ts';
export {
  HttpStatusError,
  isRetryableStatus,
  OutputValidationError,
  parseRetryAfter,
  RetryableError,
  UdfAbortedError,
  UdfCommitError,
  UdfLoadError,
  UdfRowError,
  UdfSettingsError,
  UdfWorkerError,
} from './udf-errors.ts';
export type { AggGroup, ExecuteOptions, UdfInputRow } from './udf-executor.ts';
export { executeAgg, executeUdf } from './udf-executor.ts';
export { udfFromModule, withOrigin } from './udf-origin.ts';
export type { UdfRow } from './udf-row.ts';
export { udfCodeHash, udfSourceText } from './udf-source.ts';
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
export { agg, batchMap, gen, isUdfStep, map, stepName } from './udf-step.ts';
