import { UdfSettingsError } from './udf-errors.ts';
import type { UdfStep } from './udf-step.ts';

/** Retries with exponential backoff and full jitter, for retryable errors only. */
export interface RetrySettings {
  /** Total attempts including the first (1 = no retry). Integer ≥ 1. */
  readonly attempts: number;
  /** Base delay in ms: attempt n waits a random time in [0, min(maxMs, baseMs·2^(n-1))]. Default 500. */
  readonly baseMs?: number;
  /** Upper bound of one delay in ms. Default 30 000. */
  readonly maxMs?: number;
}

/** Limits shared by all rows of a step (token buckets refilled continuously). */
export interface RateLimitSettings {
  /** Calls started per minute (every attempt counts). */
  readonly requestsPerMinute?: number;
  /** Tokens per minute, charged by `ctx.reportTokens(n)` after each call. */
  readonly tokensPerMinute?: number;
  /** Bucket size in seconds of budget that may be spent at once. Default 1 (smooth, no minute-long burst). */
  readonly burstSeconds?: number;
}

/** How a UDF step runs. Every field has a default; `validateSettings` explains bad values. */
export interface ExecutionSettings {
  /** Calls in flight at once per worker (async; the knob for LLM/API calls). Integer ≥ 1. Default 16. */
  readonly concurrency?: number;
  /** Worker threads for CPU-bound UDFs; 1 runs in the calling thread. Integer ≥ 1. Default 1. */
  readonly parallel?: number;
  /** Input rows per committed batch. Integer ≥ 1. Default 1000. */
  readonly batchSize?: number;
  /** A non-empty batch is committed at least this often, in ms. Integer ≥ 1. Default 1000. */
  readonly flushIntervalMs?: number;
  /** Default retries for steps that do not set their own. Default: none. */
  readonly retries?: RetrySettings;
  /** Default rate limit for steps that do not set their own. Default: none. */
  readonly rateLimit?: RateLimitSettings;
}

/** Settings after defaults and step overrides are applied. */
export interface ResolvedSettings {
  readonly concurrency: number;
  readonly parallel: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly retries: Required<RetrySettings>;
  readonly rateLimit: RateLimitSettings | undefined;
  readonly onError: 'fail' | 'store';
  /** Rows per call for batchMap (1 for other kinds). */
  readonly rowsPerCall: number;
}

/** Default settings (documented on ExecutionSettings). */
export const defaultSettings = {
  concurrency: 16,
  parallel: 1,
  batchSize: 1000,
  flushIntervalMs: 1000,
} as const;

/**
 * Checks execution settings on their own (the chain calls it in `.settings()` so mistakes surface
 * where they are made, before any row runs).
 * @throws UdfSettingsError naming the setting and the accepted values.
 */
export function validateExecutionSettings(settings: ExecutionSettings): void {
  if (settings.concurrency !== undefined) positiveInt('concurrency', settings.concurrency);
  if (settings.parallel !== undefined) positiveInt('parallel', settings.parallel);
  if (settings.batchSize !== undefined) positiveInt('batchSize', settings.batchSize);
  if (settings.flushIntervalMs !== undefined) positiveInt('flushIntervalMs', settings.flushIntervalMs);
  if (settings.retries !== undefined) checkRetries(settings.retries);
  if (settings.rateLimit !== undefined) checkRateLimit(settings.rateLimit);
}

/**
 * Applies defaults, then the step's own options (retries, rateLimit, onError, rowsPerCall), and checks
 * every value.
 * @throws UdfSettingsError naming the setting and the accepted values.
 */
export function resolveSettings(step: UdfStep, settings: ExecutionSettings = {}): ResolvedSettings {
  validateExecutionSettings(settings);
  const retrySource = step.options.retries ?? settings.retries;
  const retries = checkRetries(retrySource ?? { attempts: 1 });
  const rateLimit = step.options.rateLimit ?? settings.rateLimit;
  if (rateLimit) checkRateLimit(rateLimit);
  const onError = step.options.onError ?? 'fail';
  if (onError !== 'fail' && onError !== 'store') {
    throw new UdfSettingsError(
      `onError must be 'fail' or 'store', got ${JSON.stringify(onError)}`,
      'onError',
    );
  }
  const rowsPerCall =
    step.kind === 'batchMap' ? positiveInt('rowsPerCall', step.options.rowsPerCall ?? 32) : 1;
  return {
    concurrency: settings.concurrency ?? defaultSettings.concurrency,
    parallel: settings.parallel ?? defaultSettings.parallel,
    batchSize: settings.batchSize ?? defaultSettings.batchSize,
    flushIntervalMs: settings.flushIntervalMs ?? defaultSettings.flushIntervalMs,
    retries,
    rateLimit,
    onError,
    rowsPerCall,
  };
}

function checkRetries(retries: RetrySettings): Required<RetrySettings> {
  return {
    attempts: positiveInt('retries.attempts', retries.attempts),
    baseMs: nonNegative('retries.baseMs', retries.baseMs ?? 500),
    maxMs: nonNegative('retries.maxMs', retries.maxMs ?? 30_000),
  };
}

function checkRateLimit(rateLimit: RateLimitSettings): void {
  if (rateLimit.requestsPerMinute !== undefined)
    positive('rateLimit.requestsPerMinute', rateLimit.requestsPerMinute);
  if (rateLimit.tokensPerMinute !== undefined)
    positive('rateLimit.tokensPerMinute', rateLimit.tokensPerMinute);
  if (rateLimit.burstSeconds !== undefined) positive('rateLimit.burstSeconds', rateLimit.burstSeconds);
}

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new UdfSettingsError(`${name} must be an integer ≥ 1, got ${JSON.stringify(value)}`, name);
  }
  return value;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new UdfSettingsError(`${name} must be a finite number > 0, got ${JSON.stringify(value)}`, name);
  }
  return value;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UdfSettingsError(`${name} must be a finite number ≥ 0, got ${JSON.stringify(value)}`, name);
  }
  return value;
}
