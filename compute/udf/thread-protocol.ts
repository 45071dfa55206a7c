import { isRetryable, retryAfterOf } from './retry-policy.ts';
import { HttpStatusError, RetryableError } from './udf-errors.ts';
import type { UdfOrigin } from './udf-step.ts';

/** Data each worker thread starts with. */
export interface ThreadWorkerData {
  readonly origin: UdfOrigin | undefined;
  /** `udfSourceText` of the step, to find it among the module's exports when no export name is known. */
  readonly sourceText: string;
}

/** Main → thread messages. */
export type ToThread =
  | {
      readonly t: 'run';
      readonly id: number;
      readonly ids: number[];
      readonly rows: unknown[];
      readonly key?: unknown;
      readonly attempt: number;
    }
  | { readonly t: 'abort' }
  | { readonly t: 'teardown' };

/** A thrown value carried across threads with what retry decisions need. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/** Thread → main messages. */
export type FromThread =
  | { readonly t: 'ready'; readonly threadId: number }
  | { readonly t: 'loadError'; readonly error: SerializedError }
  | { readonly t: 'setupError'; readonly error: SerializedError }
  | { readonly t: 'done'; readonly id: number; readonly outputs: unknown[]; readonly tokens: number }
  | { readonly t: 'fail'; readonly id: number; readonly error: SerializedError }
  | { readonly t: 'closed' };

/** Captures an error in the thread where it was thrown, classifying it for retries there. */
export function serializeError(error: unknown): SerializedError {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  const status = (e as { status?: unknown }).status;
  const retryAfterMs = retryAfterOf(error);
  return {
    name: e.name,
    message: e.message,
    ...(e.stack ? { stack: e.stack } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    retryable: isRetryable(error),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/**
 * Rebuilds an error in the main thread: retryable errors become HttpStatusError (with status) or
 * RetryableError so the retry policy treats them as in the thread; others become plain Errors. Name,
 * message, stack and code are kept.
 */
export function deserializeError(data: SerializedError): Error {
  const options = data.retryAfterMs !== undefined ? { retryAfterMs: data.retryAfterMs } : {};
  let error: Error;
  if (data.retryable && data.status !== undefined)
    error = new HttpStatusError(data.status, data.message, options);
  else if (data.retryable) error = new RetryableError(data.message, options);
  else error = new Error(data.message);
  Object.defineProperty(error, 'name', { value: data.name, configurable: true, writable: true });
  if (data.stack) error.stack = data.stack;
  if (data.code !== undefined && !(error instanceof RetryableError)) {
    Object.defineProperty(error, 'code', { value: data.code, enumerable: true });
  }
  return error;
}
