import { ChainqlError } from '../../schema/errors.ts';

/**
 * Errors raised by UDF execution. Retry decisions read the class (`RetryableError` and its
 * subclasses, or `isRetryable()` from `retry-policy.ts`), never the message text.
 */

/** Invalid execution settings or step options (concurrency < 1, batchSize not an integer, …). */
export class UdfSettingsError extends ChainqlError {
  constructor(
    message: string,
    /** The offending setting, e.g. `concurrency` or `retries.attempts`. */
    readonly setting: string,
  ) {
    super('UDF_SETTINGS', message);
  }
}

/** A transient failure worth retrying (network error, HTTP 429, HTTP 5xx). Throw it (or a subclass) from a UDF. */
export class RetryableError extends ChainqlError {
  /** Server-requested wait before the next attempt (from `Retry-After`), in ms; undefined when none. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number; code?: string }) {
    super(options?.code ?? 'UDF_RETRYABLE', message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/**
 * An HTTP response with a non-2xx status. Retryable when the status is 408, 409, 425, 429 or 5xx;
 * other statuses (400, 401, 404, …) fail immediately. A 429's `Retry-After` pauses the step's limiter.
 * Use `await HttpStatusError.check(response)` after `fetch` to throw it for non-2xx responses.
 */
export class HttpStatusError extends RetryableError {
  constructor(
    /** The HTTP status code. */
    readonly status: number,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number; body?: string },
  ) {
    super(message, { ...options, code: 'UDF_HTTP_STATUS' });
    this.body = options?.body;
  }

  /** The start of the response body (≤ 500 chars), when it was read. */
  readonly body: string | undefined;

  /** True for statuses that are worth retrying: 408, 409, 425, 429 and every 5xx. */
  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }

  /**
   * Returns `response` unchanged when it is 2xx; otherwise reads (up to 500 chars of) the body and
   * throws an HttpStatusError carrying the status and the parsed `Retry-After` header.
   * @throws HttpStatusError for every non-2xx response.
   */
  static async check<R extends Response>(response: R): Promise<R> {
    if (response.ok) return response;
    let body: string | undefined;
    try {
      body = (await response.text()).slice(0, 500);
    } catch {
      body = undefined;
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    throw new HttpStatusError(
      response.status,
      `HTTP ${response.status} ${response.statusText} from ${response.url || 'request'}${body ? `: ${body}` : ''}`,
      { retryAfterMs, body },
    );
  }
}

/** True for HTTP statuses that are worth retrying: 408, 409, 425, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 || status === 409 || status === 425 || status === 429 || (status >= 500 && status <= 599)
  );
}

/**
 * Parses a `Retry-After` header: delta seconds (`"2"`, `"0.5"`) or an HTTP date. Returns ms to wait
 * (≥ 0), or undefined when absent or unparsable. `now` is injectable for tests.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** One problem found when validating a UDF output against its declared zod shape. */
export interface OutputIssue {
  /** Dot path of the field inside the output (`emb.3`, `usage.tokens`); '' for the output itself. */
  readonly path: string;
  /** What is wrong, from zod (`Invalid input: expected number, received string`). */
  readonly message: string;
}

/** A UDF returned an output that does not match its declared shape. Never retried. */
export class OutputValidationError extends ChainqlError {
  constructor(
    /** The sys__id of the input row (for agg: the group's first row) whose output is wrong. */
    readonly rowId: number,
    /** Every problem zod reported, with field paths. */
    readonly issues: readonly OutputIssue[],
    detail?: string,
  ) {
    const listed = issues
      .map((i) => `${i.path === '' ? '(output)' : `'${i.path}'`}: ${i.message}`)
      .join('; ');
    super(
      'UDF_OUTPUT_INVALID',
      `Invalid UDF output for row ${rowId}${detail ? ` (${detail})` : ''}: ${listed}`,
    );
  }
}

/** A UDF failed for one input row (after its retries); `cause` is the original error with its stack. */
export class UdfRowError extends ChainqlError {
  constructor(
    /** The sys__id of the failing input row (for agg/batchMap: the first row of the group/call). */
    readonly rowId: number,
    /** The step's display name. */
    readonly step: string,
    /** How many attempts were made (1 when not retried). */
    readonly attempts: number,
    cause: unknown,
  ) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('UDF_ROW_FAILED', `UDF '${step}' failed for row ${rowId} after ${attempts} attempt(s): ${inner}`, {
      cause,
    });
  }
}

/** A UDF step could not be loaded in a worker thread (not exported from a module, import failed, …). */
export class UdfLoadError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UDF_LOAD', message, options);
  }
}

/** A worker thread died or misbehaved while running rows (not an error thrown by the UDF itself). */
export class UdfWorkerError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UDF_WORKER', message, options);
  }
}

/** The `commit` callback given to the executor rejected; the run stops, the batch is not done. */
export class UdfCommitError extends ChainqlError {
  constructor(
    /** Number of input rows in the batch whose commit failed. */
    readonly rows: number,
    cause: unknown,
  ) {
    super(
      'UDF_COMMIT',
      `Committing a batch of ${rows} row(s) failed: ${String((cause as Error)?.message ?? cause)}`,
      {
        cause,
      },
    );
  }
}

/** The run was cancelled through its AbortSignal; nothing after the last committed batch is done. */
export class UdfAbortedError extends ChainqlError {
  constructor(options?: { cause?: unknown }) {
    super('UDF_ABORTED', 'UDF execution was aborted', options);
  }
}
