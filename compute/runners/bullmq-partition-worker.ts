import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { PARTITION_JOB, type PartitionJobData } from './bullmq-partition-job.ts';
import { PartitionProcessor } from './bullmq-partition-processor.ts';
import type { PipelineStepResolver } from './bullmq-step-source.ts';
import {
  checkWorkerConcurrency,
  DEFAULT_QUEUE,
  resolveStallSettings,
  type StallSettings,
} from './bullmq-worker-options.ts';
import { openRedis, redisUrlFrom } from './redis-connection.ts';
import type { WorkerSessions } from './worker-sessions.ts';

/** Options of {@link startWorker}. */
export interface WorkerOptions extends StallSettings {
  /**
   * This worker's data directory: for jobs that name none (jobs carry the coordinator's, used only for its SQLite
   * file), and for every job when this worker's warehouse is ClickHouse (file cache). Default: the session default.
   */
  readonly dataDir?: string;
  /**
   * Sessions to share with the process's pipeline worker (see `WorkerSessions`; the caller closes them). Default:
   * the worker's own, from `dataDir`.
   */
  readonly sessions?: WorkerSessions;
  /** A connection to share (`openRedis`; the caller closes it). Default: one opened from `redisUrl`. */
  readonly connection?: Redis;
  /** Redis URL. Default `CHAINQL_REDIS_URL`, else redis://127.0.0.1:6379. */
  readonly redisUrl?: string;
  /** Partitions processed at once by this process. Default 1 (rows in flight come from the chain's `concurrency`). */
  readonly concurrency?: number;
  /** Queue of partition jobs. Default `chainql-partitions`. */
  readonly queueName?: string;
  /**
   * Rebuilds steps of pipeline jobs (from the config module this worker loaded; see
   * `pipelineStepResolver` in compute/pipelines). Without it, partitions of pipeline jobs fail with UDF_LOAD.
   */
  readonly resolvePipelineStep?: PipelineStepResolver;
  /** Called after each partition finishes or fails (for logs). */
  readonly onJob?: (event: WorkerJobEvent) => void;
}

/** A partition finished on this worker. */
export interface WorkerJobEvent {
  readonly jobId: string;
  readonly status: 'completed' | 'failed';
  readonly range?: { readonly from: number; readonly to: number };
  readonly error?: string;
  /** Input rows this attempt committed (less than the range when an earlier attempt committed some). */
  readonly committed?: number;
  readonly elapsedMs: number;
}

/** A running worker. */
export interface ChainqlWorker {
  /** The queue it consumes. */
  readonly queueName: string;
  /** Resolves once connected to Redis and consuming. */
  ready(): Promise<void>;
  /** Stops taking partitions, waits for the running ones (unless `force`), closes Redis and sessions. */
  close(force?: boolean): Promise<void>;
}

/**
 * Starts a BullMQ worker that processes chainql partition jobs: it imports each job's UDF step by
 * module URL (the same modules the coordinator used), opens the job's warehouse and runs
 * `executePartition` for the job's id range, committing batches as the local runner does. Parent
 * ("step") jobs of a run complete at once. Lock/stall settings are tuned so a killed worker's partition
 * moves to another worker within seconds (see {@link StallSettings}).
 * @throws RunnerConfigError for invalid options.
 */
export function startWorker(options: WorkerOptions = {}): ChainqlWorker {
  const concurrency = checkWorkerConcurrency(options.concurrency ?? 1);
  const stall = resolveStallSettings(options);
  const queueName = options.queueName ?? DEFAULT_QUEUE;
  const redis: Redis = options.connection ?? openRedis(redisUrlFrom(options.redisUrl));
  const processor = new PartitionProcessor(
    redis,
    options.dataDir,
    options.resolvePipelineStep,
    options.sessions,
  );
  const worker = new Worker(
    queueName,
    async (job: Job, _token?: string, signal?: AbortSignal) => {
      if (job.name !== PARTITION_JOB) return { ok: true };
      return processor.process(job as Job<PartitionJobData>, signal);
    },
    { connection: redis, concurrency, ...stall, autorun: true },
  );
  const started = new Map<string, number>();
  worker.on('active', (job) => started.set(job.id ?? '', Date.now()));
  const emit = (job: Job | undefined, status: 'completed' | 'failed', error?: Error, committed?: number) => {
    if (!job || job.name !== PARTITION_JOB || !options.onJob) return;
    const id = job.id ?? '';
    const data = job.data as PartitionJobData;
    options.onJob({
      jobId: id,
      status,
      range: data.range,
      ...(error ? { error: error.message } : {}),
      ...(committed === undefined ? {} : { committed }),
      elapsedMs: Date.now() - (started.get(id) ?? Date.now()),
    });
    started.delete(id);
  };
  worker.on('completed', (job, result) =>
    emit(job, 'completed', undefined, 'committed' in result ? result.committed : undefined),
  );
  worker.on('failed', (job, error) => emit(job, 'failed', error));
  // Errors of the connection are retried by ioredis/BullMQ; without a listener Node would crash.
  worker.on('error', () => undefined);
  return {
    queueName,
    async ready() {
      await worker.waitUntilReady();
    },
    async close(force = false) {
      await worker.close(force);
      await processor.close();
      if (!options.connection) await redis.quit().catch(() => undefined);
    },
  };
}
