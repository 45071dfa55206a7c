import { ChainqlError } from '../../schema/errors.ts';
import type { RetrySettings } from './execution-settings.ts';
import { HttpStatusError, isRetryableStatus, parseRetryAfter, RetryableError } from './udf-errors.ts';

/** Socket/DNS/undici error codes that mean "the network hiccuped", worth another attempt. */
const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Decides whether an error thrown by a UDF is worth retrying, by class and structured fields only:
 * - `HttpStatusError`: by status (408, 409, 425, 429, 5xx); other `RetryableError`s: always;
 * - other chainql errors (output validation, settings, …): never;
 * - errors from HTTP SDKs carrying a numeric `status`/`statusCode` (OpenAI, AWS …): by that status;
 * - fetch/undici/socket errors: when the error or one of its causes has a network `code` (ECONNRESET,
 *   UND_ERR_SOCKET, …); `TimeoutError` from `AbortSignal.timeout()` too;
 * - everything else (TypeError, a plain Error, an AbortError of the run): never.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.retryable;
  if (error instanceof RetryableError) return true;
  if (error instanceof ChainqlError) return false;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const candidate = current as { status?: unknown; statusCode?: unknown; code?: unknown; name?: unknown };
    const status = typeof candidate.status === 'number' ? candidate.status : candidate.statusCode;
    if (typeof status === 'number' && status >= 100 && status <= 599) return isRetryableStatus(status);
    if (typeof candidate.code === 'string' && networkCodes.has(candidate.code)) return true;
    if (candidate.name === 'TimeoutError') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** True when the error is an HTTP 429 (from HttpStatusError or an SDK error with `status: 429`). */
export function isRateLimited(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status === 429;
  const status = (error as { status?: unknown } | null)?.status;
  return status === 429;
}

/**
 * The server-requested wait (ms) carried by an error: `RetryableError.retryAfterMs`, or a
 * `retry-after` header on SDK errors (`headers.get()` or a plain headers record). Undefined when none.
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (error instanceof RetryableError) return error.retryAfterMs;
  const headers = (error as { headers?: unknown } | null)?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function')
    return parseRetryAfter((headers as Headers).get('retry-after'));
  const value = (headers as Record<string, unknown>)['retry-after'];
  return typeof value === 'string' ? parseRetryAfter(value) : undefined;
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failed: full jitter over
 * `min(maxMs, baseMs · 2^(attempt-1))`, at least `retryAfterMs` when the server asked for it.
 */
export function backoffDelay(
  attempt: number,
  retries: Required<RetrySettings>,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(retries.maxMs, retries.baseMs * 2 ** (attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}
