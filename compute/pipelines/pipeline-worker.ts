import { hostname } from 'node:os';
import { type Job as BullJob, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { openBullmqRunner } from '../runners/bullmq-runner.ts';
import { DEFAULT_QUEUE, resolveStallSettings, type StallSettings } from '../runners/bullmq-worker-options.ts';
import { openRedis, redisUrlFrom } from '../runners/redis-connection.ts';
import { WorkerSessions } from '../runners/worker-sessions.ts';
import { DEFAULT_PIPELINE_QUEUE, jobCancelKey, type PipelineJobData } from './bullmq-job-state.ts';
import type { JobProgress } from './job.ts';
import type { PipelineRegistry } from './pipeline-config.ts';
import { jobError, runPipeline } from './run-pipeline.ts';

/** Options of {@link startPipelineWorker}. */
export interface PipelineWorkerOptions extends StallSettings {
  readonly pipelines: PipelineRegistry;
  readonly redisUrl?: string;
  /** A connection to share (`openRedis`; the caller closes it). Default: one opened from `redisUrl`. */
  readonly connection?: Redis;
  /** Queue of pipeline jobs. Default `chainql-pipelines`. */
  readonly queueName?: string;
  /** Queue the pipelines' UDF partitions go to. Default `chainql-partitions`. */
  readonly partitionQueue?: string;
  /** Rows per partition. Default 5000. */
  readonly partitionSize?: number;
  /** Pipeline jobs run at once by this process. Default 2. */
  readonly concurrency?: number;
  /**
   * This worker's data directory, used instead of the job's (the server's) when the warehouse is ClickHouse.
   * Default: `CHAINQL_DATA_DIR` or `./.chainql`. Ignored when `sessions` is given.
   */
  readonly dataDir?: string;
  /**
   * Sessions to share with the process's partition worker (see `WorkerSessions`; the caller closes them).
   * Default: the pipeline worker's own.
   */
  readonly sessions?: WorkerSessions;
}

/** A running pipeline worker. */
export interface PipelineWorker {
  ready(): Promise<void>;
  /** Stops taking jobs and waits for running ones (unless `force`). */
  close(force?: boolean): Promise<void>;
}

/**
 * Consumes pipeline jobs of the BullMQ job manager: builds the pipeline's chain, runs its UDF steps on
 * the partition queue (so every worker shares the rows) and saves the output version. Progress goes to
 * `job.updateProgress`; a cancel marker aborts the run within ~200 ms; failures are final (resume is
 * explicit) and carry the error code in the job's data. A worker killed mid-job loses its lock and the
 * job is picked up by another worker, which continues from the checkpoints.
 */
export function startPipelineWorker(options: PipelineWorkerOptions): PipelineWorker {
  const redis: Redis = options.connection ?? openRedis(redisUrlFrom(options.redisUrl));
  const queueName = options.queueName ?? DEFAULT_PIPELINE_QUEUE;
  // Checked at the start of every job: an unreachable warehouse fails the job with WAREHOUSE_UNREACHABLE, and a
  // failed open is not kept, so the next job after the outage runs.
  const sessions =
    options.sessions ?? new WorkerSessions(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const runner = openBullmqRunner({
    redisUrl: redisUrlFrom(options.redisUrl),
    queueName: options.partitionQueue ?? DEFAULT_QUEUE,
    ...(options.partitionSize ? { partitionSize: options.partitionSize } : {}),
  });
  const worker = new Worker<PipelineJobData>(
    queueName,
    async (job: BullJob<PipelineJobData>) => {
      const cancelKey = jobCancelKey(queueName, job.id ?? '');
      if (await redis.exists(cancelKey)) throw new UnrecoverableError('Cancelled');
      const controller = new AbortController();
      const poll = setInterval(() => {
        redis.exists(cancelKey).then(
          (found) => found && controller.abort(),
          () => undefined,
        );
      }, 200);
      try {
        // BullMQ's processedOn moves on every restart; the job keeps its first start and counts starts.
        await job.updateData({
          ...job.data,
          firstStartedAt: job.data.firstStartedAt ?? job.processedOn ?? Date.now(),
          attempts: (job.data.attempts ?? 0) + 1,
        });
        const pipeline = options.pipelines.get(job.data.pipeline);
        const session = await sessions.forJob(job.data.dataDir, job.data.warehouse);
        let last = 0;
        const before = job.progress as Partial<JobProgress> | number | undefined;
        return await runPipeline(pipeline, job.data.input, {
          session,
          jobId: job.id ?? '',
          signal: controller.signal,
          runner,
          // A restart (the coordinating worker died) shows no less than the earlier start did.
          ...(typeof before === 'object'
            ? { shown: { done: before.done ?? 0, total: before.total ?? 0 } }
            : {}),
          onProgress: (progress) => {
            const now = Date.now();
            if (now - last < 250 && progress.done < progress.total) return;
            last = now;
            job.updateProgress(progress as unknown as object).catch(() => undefined);
          },
        });
      } catch (error) {
        if (controller.signal.aborted) throw new UnrecoverableError('Cancelled');
        await job.updateData({ ...job.data, error: jobError(error) }).catch(() => undefined);
        throw new UnrecoverableError((error as Error)?.message ?? String(error));
      } finally {
        clearInterval(poll);
      }
    },
    {
      connection: redis,
      concurrency: options.concurrency ?? 2,
      ...resolveStallSettings(options),
      // Shown as the job's `processedBy` in Redis: which process holds (coordinates) a job.
      name: `${hostname()}:${process.pid}`,
    },
  );
  worker.on('error', () => undefined);
  return {
    async ready() {
      await worker.waitUntilReady();
    },
    async close(force = false) {
      await worker.close(force);
      if (!options.sessions) await sessions.close();
      if (!options.connection) await redis.quit().catch(() => undefined);
    },
  };
}
