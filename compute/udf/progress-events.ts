import type { UdfKind } from './udf-step.ts';

/** A row error as stored in a batch (and in the chain's typed error column). */
export interface StoredUdfError {
  /** Class name of the original error (`HttpStatusError`, `TypeError`, …). */
  readonly name: string;
  /** Message of the original error. */
  readonly message: string;
  /** `code` of the original error when it had a string code. */
  readonly code?: string;
  /** Stack of the original error (from the thread that ran it). */
  readonly stack?: string;
  /** Attempts made before giving up. */
  readonly attempts: number;
}

/** The run started: input is being read. */
export interface StartedEvent {
  readonly type: 'started';
  readonly step: string;
  readonly kind: UdfKind;
  /** Input rows expected, when the caller knows (for ETA). */
  readonly total?: number;
  /**
   * Input rows of this step committed by earlier runs (a resumed checkpoint), when known; `done` and
   * `total` of this run's events do not include them. Step progress = `committed + done`.
   */
  readonly committed?: number;
  readonly concurrency: number;
  readonly parallel: number;
  readonly batchSize: number;
}

/** A batch was committed: its rows are done for good. */
export interface BatchCommittedEvent {
  readonly type: 'batchCommitted';
  readonly step: string;
  /** Input rows in this batch. */
  readonly rows: number;
  /** Outputs in this batch. */
  readonly outputs: number;
  /** Stored errors in this batch. */
  readonly errors: number;
  /** Input rows committed so far in this run. */
  readonly done: number;
  readonly total?: number;
  /** Committed input rows per second since the start of this run. */
  readonly rate: number;
  readonly elapsedMs: number;
}

/** A row failed for good (after retries). `stored` is true with `onError: 'store'`. */
export interface RowFailedEvent {
  readonly type: 'rowFailed';
  readonly step: string;
  readonly inputId: number;
  readonly error: StoredUdfError;
  readonly stored: boolean;
}

/** A retryable error occurred; the row will be tried again after `delayMs`. */
export interface RowRetryingEvent {
  readonly type: 'rowRetrying';
  readonly step: string;
  readonly inputId: number;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: StoredUdfError;
}

/** The run ended (successfully, failed or aborted). */
export interface FinishedEvent {
  readonly type: 'finished';
  readonly step: string;
  readonly status: 'succeeded' | 'failed' | 'aborted';
  readonly done: number;
  readonly outputs: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly rate: number;
}

/** Every progress event, discriminated by `type`. */
export type ProgressEvent =
  | StartedEvent
  | BatchCommittedEvent
  | RowFailedEvent
  | RowRetryingEvent
  | FinishedEvent;

/** Serialises any thrown value into the stored error shape. */
export function toStoredError(error: unknown, attempts: number): StoredUdfError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(error.stack ? { stack: error.stack } : {}),
      attempts,
    };
  }
  return { name: 'Error', message: String(error), attempts };
}
