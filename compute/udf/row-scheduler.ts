import { setMaxListeners } from 'node:events';
import type { ResolvedSettings } from './execution-settings.ts';
import type { UdfOutput } from './output-validator.ts';
import { OutputValidator } from './output-validator.ts';
import type { ProgressEvent, StoredUdfError } from './progress-events.ts';
import { toStoredError } from './progress-events.ts';
import { RateLimiter, sleep } from './rate-limiter.ts';
import { backoffDelay, isRetryable, retryAfterOf } from './retry-policy.ts';
import {
  OutputValidationError,
  UdfAbortedError,
  UdfCommitError,
  UdfRowError,
  UdfWorkerError,
} from './udf-errors.ts';
import type { UnitPayload } from './udf-invoke.ts';
import type { UdfStep } from './udf-step.ts';
import type { InvokeResult, UnitInvoker } from './unit-invoker.ts';

/** One committed unit of work: every listed input id is done (outputs and/or stored errors). */
export interface BatchCommit {
  /** Input row ids this batch completes, including rows with zero outputs and rows with stored errors. */
  readonly inputIds: number[];
  /** Validated outputs, grouped by input in completion order. */
  readonly outputs: UdfOutput[];
  /** Stored row errors (`onError: 'store'` only). */
  readonly errors: Array<{ inputId: number; error: StoredUdfError }>;
}

/** What a run did. */
export interface ExecutionSummary {
  /** Input rows committed. */
  readonly rows: number;
  readonly outputs: number;
  /** Stored errors. */
  readonly errors: number;
  readonly batches: number;
  /** Retries performed (attempts beyond the first). */
  readonly retries: number;
  readonly elapsedMs: number;
  /** Committed input rows per second. */
  readonly rowsPerSecond: number;
  /** Threads that ran the UDF. */
  readonly threadIds: readonly number[];
}

/** Callbacks and limits of a run, as given by the caller. */
export interface RunHooks {
  readonly commit: (batch: BatchCommit) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly total?: number;
}

interface Failure {
  readonly inputId: number;
  readonly error: unknown;
  readonly attempts: number;
}

const aborted = Symbol('aborted');

/**
 * The executor's state machine for one step run. Units (rows, chunks, groups) are pulled from the
 * input while fewer than `maxInflight` are running and fewer than `cap` input rows are uncommitted;
 * finished units are buffered and committed in order, one commit at a time, when the buffer reaches
 * `batchSize` rows, after `flushIntervalMs`, when nothing else can progress, and at the end.
 */
export class RowScheduler {
  private readonly controller = new AbortController();
  private readonly validator: OutputValidator;
  private readonly limiter: RateLimiter;
  private readonly name: string;
  private readonly maxInflight: number;
  private readonly cap: number;
  private readonly startedAt = performance.now();

  private inflight = 0;
  private uncommitted = 0;
  private buffer: BatchCommit = { inputIds: [], outputs: [], errors: [] };
  private committing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private fatal: unknown;
  private wake: (() => void) | undefined;
  private stopWake: (() => void) | undefined;
  private readonly stoppedPromise = new Promise<void>((resolve) => {
    this.stopWake = resolve;
  });

  private done = 0;
  private outputs = 0;
  private errors = 0;
  private batches = 0;
  private retries = 0;

  constructor(
    private readonly step: UdfStep,
    private readonly settings: ResolvedSettings,
    private readonly invoker: UnitInvoker,
    private readonly hooks: RunHooks,
    name: string,
  ) {
    this.name = name;
    // Every call in flight may listen to the run's signal (fetch, sleeps): hundreds is normal.
    setMaxListeners(0, this.controller.signal);
    this.validator = new OutputValidator(step.outputShape, step.kind);
    this.limiter = new RateLimiter(settings.rateLimit);
    this.maxInflight = settings.concurrency * settings.parallel;
    this.cap = settings.batchSize + this.maxInflight * settings.rowsPerCall;
  }

  /**
   * Runs every unit of `units` and resolves with the summary once all are committed.
   * @throws UdfRowError / OutputValidationError (onError 'fail'), UdfCommitError, UdfAbortedError,
   *   UdfLoadError / setup errors from the invoker.
   */
  async run(units: AsyncIterable<UnitPayload>): Promise<ExecutionSummary> {
    const external = this.hooks.signal;
    if (external?.aborted) throw new UdfAbortedError({ cause: external.reason });
    const onAbort = () => this.stop(new UdfAbortedError({ cause: external?.reason }));
    external?.addEventListener('abort', onAbort, { once: true });
    let status: 'succeeded' | 'failed' | 'aborted' = 'failed';
    try {
      await this.invoker.start();
      const { concurrency, parallel, batchSize } = this.settings;
      this.emit({
        type: 'started',
        step: this.name,
        kind: this.step.kind,
        total: this.hooks.total,
        concurrency,
        parallel,
        batchSize,
      });
      const pump = this.pumpAndDrain(units);
      pump.catch(() => undefined); // once stopped, a late input error has nobody to report to
      await Promise.race([pump, this.stoppedPromise]);
      if (this.stopped) {
        // Let a commit already under way settle: it is one transaction, either done or not.
        await this.committing?.catch(() => undefined);
        throw this.fatal;
      }
      status = 'succeeded';
      return this.summary();
    } catch (error) {
      status = error instanceof UdfAbortedError ? 'aborted' : 'failed';
      throw error;
    } finally {
      external?.removeEventListener('abort', onAbort);
      // Calls still settling after an input error must not buffer or commit anything any more.
      this.stopped = true;
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.controller.abort();
      await this.invoker.close();
      const s = this.summary();
      this.emit({
        type: 'finished',
        step: this.name,
        status,
        done: s.rows,
        outputs: s.outputs,
        errors: s.errors,
        elapsedMs: s.elapsedMs,
        rate: s.rowsPerSecond,
      });
    }
  }

  private async pumpAndDrain(units: AsyncIterable<UnitPayload>): Promise<void> {
    const iterator = units[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await iterator.next();
        if (this.stopped || next.done) break;
        const unit = next.value;
        while (!this.canStart(unit.ids.length)) {
          if (this.inflight === 0 && !this.committing && this.buffer.inputIds.length > 0) this.flush();
          await this.waitForChange();
          if (this.stopped) return;
        }
        this.startUnit(unit);
      }
    } finally {
      if (this.stopped) void iterator.return?.()?.catch(() => undefined);
    }
    while (!this.stopped && (this.inflight > 0 || this.committing || this.buffer.inputIds.length > 0)) {
      if (this.inflight === 0 && !this.committing) this.flush();
      await this.waitForChange();
    }
  }

  private canStart(weight: number): boolean {
    return (
      this.inflight < this.maxInflight && (this.uncommitted + weight <= this.cap || this.uncommitted === 0)
    );
  }

  private waitForChange(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    if (wake) {
      this.wake = undefined;
      wake();
    }
  }

  private startUnit(unit: UnitPayload): void {
    this.inflight++;
    this.uncommitted += unit.ids.length;
    this.process(unit).then(
      (result) => this.finishUnit(unit, result),
      (error: unknown) => this.stop(error),
    );
  }

  private async process(
    unit: UnitPayload,
  ): Promise<{ outputs: UdfOutput[]; failures: Failure[] } | typeof aborted> {
    const signal = this.controller.signal;
    const { retries } = this.settings;
    for (let attempt = 1; ; attempt++) {
      try {
        const reserved = this.limiter.isFree ? 0 : await this.limiter.acquire(signal);
        let result: InvokeResult;
        try {
          result = await this.invoker.invoke(unit, attempt, signal);
        } catch (error) {
          this.limiter.settle(reserved, 0);
          throw error;
        }
        this.limiter.settle(reserved, result.tokens);
        const validated = this.validator.validate(unit.ids, result.outputs);
        const failures = validated.invalid.map((f) => ({
          inputId: f.inputId,
          error: f.error,
          attempts: attempt,
        }));
        return { outputs: validated.outputs, failures };
      } catch (error) {
        if (signal.aborted) return aborted;
        if (error instanceof UdfWorkerError) throw error;
        if (attempt < retries.attempts && isRetryable(error)) {
          const retryAfter = retryAfterOf(error);
          if (retryAfter !== undefined) this.limiter.pauseFor(retryAfter);
          const delayMs = backoffDelay(attempt, retries, retryAfter);
          this.retries++;
          this.emit({
            type: 'rowRetrying',
            step: this.name,
            inputId: unit.ids[0]!,
            attempt,
            delayMs,
            error: toStoredError(error, attempt),
          });
          try {
            await sleep(delayMs, signal);
          } catch {
            return aborted;
          }
          continue;
        }
        // agg: one error for the group (anchored at its first row); batchMap: every row of the call.
        const failedIds = this.step.kind === 'batchMap' ? unit.ids : [unit.ids[0]!];
        return { outputs: [], failures: failedIds.map((inputId) => ({ inputId, error, attempts: attempt })) };
      }
    }
  }

  private finishUnit(
    unit: UnitPayload,
    result: { outputs: UdfOutput[]; failures: Failure[] } | typeof aborted,
  ): void {
    this.inflight--;
    if (this.stopped || result === aborted) {
      this.notify();
      return;
    }
    if (result.failures.length > 0) {
      const store = this.settings.onError === 'store';
      for (const failure of result.failures) {
        const stored = toStoredError(failure.error, failure.attempts);
        this.emit({
          type: 'rowFailed',
          step: this.name,
          inputId: failure.inputId,
          error: stored,
          stored: store,
        });
        if (store) this.buffer.errors.push({ inputId: failure.inputId, error: stored });
      }
      if (!store) {
        const first = result.failures[0]!;
        const error =
          first.error instanceof OutputValidationError
            ? first.error
            : new UdfRowError(first.inputId, this.name, first.attempts, first.error);
        this.stop(error, true);
        return;
      }
    }
    const buffer = this.buffer;
    const wasEmpty = buffer.inputIds.length === 0;
    for (const id of unit.ids) buffer.inputIds.push(id);
    for (const output of result.outputs) buffer.outputs.push(output);
    if (buffer.inputIds.length >= this.settings.batchSize) this.flush();
    else if (wasEmpty && !this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flush();
      }, this.settings.flushIntervalMs);
    }
    this.notify();
  }

  /** Commits the buffer unless a commit is running (then the buffer waits for the next flush). */
  private flush(): void {
    if (this.committing || this.buffer.inputIds.length === 0) return;
    if (this.stopped && this.fatal instanceof UdfAbortedError) return;
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const batch = this.buffer;
    this.buffer = { inputIds: [], outputs: [], errors: [] };
    this.committing = this.commitBatch(batch);
  }

  private async commitBatch(batch: BatchCommit): Promise<void> {
    try {
      await this.hooks.commit(batch);
    } catch (error) {
      this.committing = undefined;
      this.stop(new UdfCommitError(batch.inputIds.length, error));
      return;
    }
    this.committing = undefined;
    this.uncommitted -= batch.inputIds.length;
    this.done += batch.inputIds.length;
    this.outputs += batch.outputs.length;
    this.errors += batch.errors.length;
    this.batches++;
    const elapsedMs = performance.now() - this.startedAt;
    this.emit({
      type: 'batchCommitted',
      step: this.name,
      rows: batch.inputIds.length,
      outputs: batch.outputs.length,
      errors: batch.errors.length,
      done: this.done,
      total: this.hooks.total,
      rate: this.done / Math.max(elapsedMs / 1000, 1e-9),
      elapsedMs,
    });
    if (!this.stopped && this.buffer.inputIds.length >= this.settings.batchSize) this.flush();
    this.notify();
  }

  /**
   * Stops the run with `error`. On a row failure (`commitFinished`) rows that already finished are still
   * committed first, so a re-run does not redo them; on abort or commit failure nothing more is committed.
   */
  private stop(error: unknown, commitFinished = false): void {
    if (this.stopped) return;
    this.stopped = true;
    this.fatal = error;
    this.controller.abort(error);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (commitFinished && this.buffer.inputIds.length > 0) {
      const finalize = async () => {
        await this.committing?.catch(() => undefined);
        if (this.committing === undefined && this.buffer.inputIds.length > 0) {
          const batch = this.buffer;
          this.buffer = { inputIds: [], outputs: [], errors: [] };
          this.committing = this.commitBatch(batch);
          await this.committing;
        }
      };
      void finalize().finally(() => this.stopWake?.());
    } else {
      this.stopWake?.();
    }
    this.notify();
  }

  private emit(event: ProgressEvent): void {
    if (!this.hooks.onProgress) return;
    try {
      this.hooks.onProgress(event);
    } catch {
      // A broken progress listener must not break the run.
    }
  }

  private summary(): ExecutionSummary {
    const elapsedMs = performance.now() - this.startedAt;
    return {
      rows: this.done,
      outputs: this.outputs,
      errors: this.errors,
      batches: this.batches,
      retries: this.retries,
      elapsedMs,
      rowsPerSecond: this.done / Math.max(elapsedMs / 1000, 1e-9),
      threadIds: this.invoker.threadIds,
    };
  }
}
