import { StorageError } from './storage-errors.ts';

/** How transient storage failures are retried. */
export interface RetryPolicy {
  /** Extra attempts after the first one. Default 5. */
  readonly retries?: number;
  /** Delay before the first retry, in ms; doubles each attempt. Default 100. */
  readonly baseDelayMs?: number;
  /** Upper bound for one delay, in ms. Default 5000. */
  readonly maxDelayMs?: number;
}

/** The defaults used when a driver is given no policy. */
export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = { retries: 5, baseDelayMs: 100, maxDelayMs: 5000 };

/**
 * Runs `attempt` and repeats it while it throws a StorageError whose class is retryable, waiting
 * `min(max, base·2^n)` with full jitter between attempts. Non-storage errors and non-retryable
 * classes are rethrown at once; after the last attempt the last error is thrown.
 * An aborted `signal` stops waiting and rethrows the last error.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy | undefined,
  signal?: AbortSignal,
): Promise<T> {
  const { retries, baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY_POLICY, ...policy };
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof StorageError) || !err.retryable || n >= retries || signal?.aborted) throw err;
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** n);
      await sleep(Math.random() * cap, signal);
    }
  }
}

/**
 * One SDK call under a driver's retry policy: every failure is first turned into a coded StorageError by
 * `classify`, so the retry decision reads the error class, never the SDK's message. `retry: false`
 * makes a single attempt (for calls that are not safe to repeat).
 */
export function callWithRetry<T>(
  call: () => Promise<T>,
  classify: (err: unknown) => unknown,
  policy: RetryPolicy | undefined,
  retry: boolean,
  signal?: AbortSignal,
): Promise<T> {
  return withRetry(
    async () => {
      try {
        return await call();
      } catch (err) {
        throw classify(err);
      }
    },
    retry ? policy : { retries: 0 },
    signal,
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
