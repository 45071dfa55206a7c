import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { WarehouseUnreachableError } from '../../clients/warehouse/warehouse-errors.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import { InvalidArgumentError } from '../../schema/errors.ts';
import { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { executePartition } from '../checkpoint/partition-executor.ts';
import type { StepRunContext } from '../checkpoint/partition-task.ts';
import { sessionFileCache } from '../files/session-file-cache.ts';
import type { Session } from '../session.ts';
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
import { StepCodeMismatchError, WarehouseMismatchError } from './runner-errors.ts';
import { WorkerSessions } from './worker-sessions.ts';

/** How often a worker checks the cancel marker of the run it is processing. */
const CANCEL_POLL_MS = 200;
/** Minimum time between two progress reports of one partition. */
const PROGRESS_EVERY_MS = 250;

/** Loaded steps kept per worker (pipeline steps are keyed by pipeline, input and position). */
const MAX_CACHED_STEPS = 64;

/**
 * Per-worker caches: sessions (see {@link WorkerSessions}: one per SQLite data directory, or the one on this
 * worker's ClickHouse), a checkpoint store per session and one loaded step per step source, so consecutive
 * partitions of a run reuse the connections, the imported module or the rebuilt pipeline chain.
 */
export class PartitionProcessor {
  private readonly checkpointStores = new WeakMap<Session, Promise<CheckpointStore>>();
  private readonly steps = new Map<string, Promise<UdfStep>>();
  private readonly moduleHashes = new Map<string, string>();
  private readonly sessions: WorkerSessions;
  private readonly ownsSessions: boolean;

  constructor(
    private readonly redis: Redis,
    /** This worker's data directory: for jobs that name none, and for every job when the warehouse is ClickHouse. */
    defaultDataDir: string | undefined,
    /** Rebuilds pipeline steps (the worker loaded a pipeline config); without it pipeline steps fail. */
    private readonly resolvePipelineStep?: PipelineStepResolver,
    /** Sessions shared with the process's pipeline worker. Default: its own (closed by `close`). */
    sessions?: WorkerSessions,
  ) {
    this.ownsSessions = sessions === undefined;
    this.sessions =
      sessions ?? new WorkerSessions(defaultDataDir === undefined ? {} : { dataDir: defaultDataDir });
  }

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
      const { session, checkpoints } = await this.session(data.dataDir, data.warehouse);
      const step = await this.step(data, session);
      const context: StepRunContext = {
        session,
        checkpoints,
        ...(data.cacheFiles ? { files: { storage: session.storage, cache: sessionFileCache(session) } } : {}),
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
      if (!final) {
        // Retried by BullMQ; should the attempts run out, the coordinator reports this error (e.g. the warehouse
        // unreachable, naming its URL) instead of a bare failure.
        await job
          .updateData({ ...data, error: toRemoteError(error, false) } as PartitionJobData)
          .catch(() => undefined);
        throw error;
      }
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

  /** The job's session (checked to answer: WarehouseUnreachableError while it does not) and its checkpoints. */
  private async session(
    dataDir: string | undefined,
    warehouse: string | undefined,
  ): Promise<{ session: Session; checkpoints: CheckpointStore }> {
    const session = await this.sessions.forJob(dataDir, warehouse);
    let checkpoints = this.checkpointStores.get(session);
    if (!checkpoints) {
      checkpoints = CheckpointStore.open(session.warehouse);
      checkpoints.catch(() => this.checkpointStores.delete(session));
      this.checkpointStores.set(session, checkpoints);
    }
    return { session, checkpoints: await checkpoints };
  }

  /** Closes the sessions this processor opened (not shared ones). */
  async close(): Promise<void> {
    if (this.ownsSessions) await this.sessions.close();
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
    error instanceof StepCodeMismatchError ||
    error instanceof WarehouseMismatchError
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
  if (error instanceof WarehouseUnreachableError) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    return {
      ...base,
      url: error.url,
      ...(cause ? { cause: { name: cause.name, message: cause.message } } : {}),
    };
  }
  return base;
}
