import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { getCompiler } from '../../schema/dialect/index.ts';
import { InvalidArgumentError } from '../chain/chain-errors.ts';
import { executePartition, type UdfRunContext } from '../chain/udf-runner.ts';
import { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { openSession, type Session } from '../session.ts';
import {
  OutputValidationError,
  type ProgressEvent,
  UdfAbortedError,
  UdfLoadError,
  UdfRowError,
  UdfSettingsError,
  type UdfStep,
} from '../udf/index.ts';
import type { PartitionJobData, PartitionProgress, RemoteError } from './partition-job.ts';
import { cancelKey } from './redis-connection.ts';
import { loadReferencedStep } from './step-reference.ts';

/** How often a worker checks the cancel marker of the run it is processing. */
const CANCEL_POLL_MS = 200;
/** Minimum time between two progress reports of one partition. */
const PROGRESS_EVERY_MS = 250;

/**
 * Per-worker caches: one session per data directory and one loaded step per module/export/source,
 * so consecutive partitions of a run reuse the SQLite connections and the imported module.
 */
export class PartitionProcessor {
  private readonly sessions = new Map<string, Promise<{ session: Session; checkpoints: CheckpointStore }>>();
  private readonly steps = new Map<string, Promise<UdfStep>>();
  private readonly moduleHashes = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    /** Data directory used when a job does not name one. */
    private readonly defaultDataDir: string | undefined,
  ) {}

  /**
   * Processes one partition job: commits every pending row of its range (resuming after earlier
   * attempts), reporting `{ done }` progress. Row errors, load errors and cancellation fail the job
   * without retry (`UnrecoverableError`), with a {@link RemoteError} stored in the job's data; other
   * errors (a busy warehouse, a crashed thread) are thrown for BullMQ to retry.
   */
  async process(job: Job<PartitionJobData>, signal?: AbortSignal): Promise<{ committed: number }> {
    const data = job.data;
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    let cancelled = false;
    const poll = setInterval(() => {
      this.redis.exists(cancelKey(data.runId)).then(
        (found) => {
          if (found && !controller.signal.aborted) {
            cancelled = true;
            controller.abort();
          }
        },
        () => undefined,
      );
    }, CANCEL_POLL_MS);
    let base = 0;
    let done = 0;
    let outputs = 0;
    let errors = 0;
    let lastReport = 0;
    const report = (force: boolean) => {
      const now = Date.now();
      if (!force && now - lastReport < PROGRESS_EVERY_MS) return;
      lastReport = now;
      const progress: PartitionProgress = { done, outputs, errors };
      job.updateProgress(progress as unknown as object).catch(() => undefined);
    };
    try {
      if (await this.redis.exists(cancelKey(data.runId))) {
        cancelled = true;
        throw new UdfAbortedError();
      }
      const step = await this.step(data);
      const { session, checkpoints } = await this.session(data.dataDir ?? this.defaultDataDir);
      const context: UdfRunContext = {
        session,
        checkpoints,
        fresh: false,
        settings: {
          ...data.settings,
          signal: controller.signal,
          onProgress: (event: ProgressEvent) => {
            if (event.type === 'started') base = Math.max(0, data.pending - (event.total ?? data.pending));
            if (event.type === 'batchCommitted') {
              done = base + event.done;
              outputs += event.outputs;
              errors += event.errors;
              report(false);
            }
          },
        },
        compile: (query) => getCompiler(session.warehouse.dialect).compileQuery(query),
        ordered: () => {
          throw new InvalidArgumentError('A worker never plans relations.');
        },
      };
      await executePartition(context, {
        inputSchema: data.inputSchema,
        step,
        tables: data.tables,
        range: data.range,
      });
      done = data.pending;
      report(true);
      return { committed: done - base };
    } catch (error) {
      const final = cancelled || isDeterministic(error);
      if (!final) throw error;
      await job
        .updateData({ ...data, error: toRemoteError(error, cancelled) } as PartitionJobData)
        .catch(() => undefined);
      throw new UnrecoverableError(cancelled ? 'Cancelled' : (error as Error).message);
    } finally {
      clearInterval(poll);
      signal?.removeEventListener('abort', abort);
    }
  }

  private step(data: PartitionJobData): Promise<UdfStep> {
    const key = `${data.step.moduleUrl}#${data.step.exportName}#${data.step.moduleHash}`;
    let pending = this.steps.get(key);
    if (!pending) {
      pending = loadReferencedStep(data.step, this.moduleHashes);
      pending.catch(() => this.steps.delete(key));
      this.steps.set(key, pending);
    }
    return pending;
  }

  private session(dataDir: string | undefined): Promise<{ session: Session; checkpoints: CheckpointStore }> {
    const key = dataDir ?? '';
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = (async () => {
        const session = await openSession(dataDir === undefined ? {} : { dataDir });
        return { session, checkpoints: await CheckpointStore.open(session.warehouse) };
      })();
      pending.catch(() => this.sessions.delete(key));
      this.sessions.set(key, pending);
    }
    return pending;
  }

  /** Closes every session this processor opened. */
  async close(): Promise<void> {
    for (const pending of this.sessions.values()) {
      const opened = await pending.catch(() => undefined);
      await opened?.session.close();
    }
    this.sessions.clear();
  }
}

/** Errors that would fail again on retry: row errors, invalid outputs, load and settings errors. */
function isDeterministic(error: unknown): boolean {
  return (
    error instanceof UdfRowError ||
    error instanceof OutputValidationError ||
    error instanceof UdfLoadError ||
    error instanceof UdfSettingsError ||
    error instanceof InvalidArgumentError
  );
}

function toRemoteError(error: unknown, cancelled: boolean): RemoteError {
  if (cancelled)
    return { name: 'UdfAbortedError', message: 'UDF execution was aborted', code: 'UDF_ABORTED' };
  const err = error as Error & { code?: unknown };
  const base: RemoteError = {
    name: err.name ?? 'Error',
    message: err.message ?? String(error),
    ...(typeof err.code === 'string' ? { code: err.code } : {}),
  };
  if (error instanceof UdfRowError) {
    const cause = error.cause as (Error & { code?: unknown }) | undefined;
    return {
      ...base,
      rowId: error.rowId,
      step: error.step,
      attempts: error.attempts,
      ...(cause
        ? {
            cause: {
              name: cause.name ?? 'Error',
              message: cause.message ?? String(cause),
              ...(typeof cause.code === 'string' ? { code: cause.code } : {}),
            },
          }
        : {}),
    };
  }
  if (error instanceof OutputValidationError) return { ...base, rowId: error.rowId };
  return base;
}
