import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { getCompiler } from '../../schema/dialect/index.ts';
import { InvalidArgumentError } from '../../schema/errors.ts';
import { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { executePartition } from '../checkpoint/partition-executor.ts';
import type { StepRunContext } from '../checkpoint/partition-task.ts';
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
import type { PartitionJobData, PartitionProgress, RemoteError } from './bullmq-partition-job.ts';
import { loadModuleStep, type PipelineStepResolver } from './bullmq-step-source.ts';
import { cancelKey } from './redis-connection.ts';
import { StepCodeMismatchError } from './runner-errors.ts';

/** How often a worker checks the cancel marker of the run it is processing. */
const CANCEL_POLL_MS = 200;
/** Minimum time between two progress reports of one partition. */
const PROGRESS_EVERY_MS = 250;

/** Loaded steps kept per worker (pipeline steps are keyed by pipeline, input and position). */
const MAX_CACHED_STEPS = 64;

/**
 * Per-worker caches: one session per data directory and one loaded step per step source, so
 * consecutive partitions of a run reuse the SQLite connections, the imported module or the rebuilt
 * pipeline chain.
 */
export class PartitionProcessor {
  private readonly sessions = new Map<string, Promise<{ session: Session; checkpoints: CheckpointStore }>>();
  private readonly steps = new Map<string, Promise<UdfStep>>();
  private readonly moduleHashes = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    /** Data directory used when a job does not name one. */
    private readonly defaultDataDir: string | undefined,
    /** Rebuilds pipeline steps (the worker loaded a pipeline config); without it pipeline steps fail. */
    private readonly resolvePipelineStep?: PipelineStepResolver,
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
      const { session, checkpoints } = await this.session(data.dataDir ?? this.defaultDataDir);
      const step = await this.step(data, session);
      const context: StepRunContext = {
        session,
        checkpoints,
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

  private step(data: PartitionJobData, session: Session): Promise<UdfStep> {
    const source = data.step;
    const key =
      source.kind === 'pipeline'
        ? `pipeline#${source.pipeline}#${source.position}#${source.codeHash}#${createHash('sha256')
            .update(JSON.stringify(source.input) ?? '')
            .digest('hex')}`
        : `module#${source.moduleUrl}#${source.exportName}#${source.moduleHash}`;
    let pending = this.steps.get(key);
    if (!pending) {
      if (source.kind === 'pipeline') {
        const resolve = this.resolvePipelineStep;
        pending = resolve
          ? resolve(source, session)
          : Promise.reject(
              new UdfLoadError(
                `Partition of pipeline '${source.pipeline}' reached a worker started without a pipeline config, ` +
                  'which cannot rebuild its chain. Start every `chainql worker` with the same --config ' +
                  '(or CHAINQL_CONFIG) as the server.',
              ),
            );
      } else {
        pending = loadModuleStep(source, this.moduleHashes);
      }
      pending.catch(() => this.steps.delete(key));
      this.steps.set(key, pending);
      if (this.steps.size > MAX_CACHED_STEPS) this.steps.delete(this.steps.keys().next().value as string);
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
    error instanceof InvalidArgumentError ||
    error instanceof StepCodeMismatchError
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
