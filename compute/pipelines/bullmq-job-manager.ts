import { createHash, randomUUID } from 'node:crypto';
import { Job as BullJob, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { stableJson } from '../../schema/stable-json.ts';
import { DEFAULT_QUEUE } from '../runners/bullmq-worker-options.ts';
import { openRedis, redisUrlFrom, shownRedisUrl, waitForRedis } from '../runners/redis-connection.ts';
import { DEFAULT_PIPELINE_QUEUE, jobCancelKey, type PipelineJobData, toJob } from './bullmq-job-state.ts';
import type { Job, JobListOptions, JobManager, JobQueueState, LaunchOptions } from './job.ts';
import { jobUpdates } from './job-updates.ts';
import { type Pipeline, parsePipelineInput } from './pipeline.ts';
import { PipelineRegistry } from './pipeline-config.ts';
import {
  IdempotencyKeyReusedError,
  JobBackendUnavailableError,
  JobNotFoundError,
  JobStateError,
} from './pipeline-errors.ts';

/** Options of {@link BullmqJobManager.open}. */
export interface BullmqJobManagerOptions {
  /** Pipelines that may be launched (input is validated here, before anything is queued). */
  readonly pipelines: PipelineRegistry | readonly Pipeline[];
  /** Data directory the workers save into (the server's warehouse). */
  readonly dataDir: string;
  /** The server's warehouse identity (`RegistryStore.identity`), put on every job: workers on another refuse it. */
  readonly warehouse?: string;
  /** An ioredis connection (`maxRetriesPerRequest: null`); the caller closes it. */
  readonly connection?: Redis;
  /** Default `CHAINQL_REDIS_URL`, else redis://127.0.0.1:6379. */
  readonly redisUrl?: string;
  /** Queue of pipeline jobs. Default `chainql-pipelines`. */
  readonly queueName?: string;
  /** How long finished jobs stay readable in Redis. Default 7 days. */
  readonly keepFinishedSeconds?: number;
  /** Queue of the UDF partitions (for `Job.queue.waitingPartitions`). Default `chainql-partitions`. */
  readonly partitionQueue?: string;
  /**
   * Receives operator messages: Redis unreachable / back (one line each), and a warning when jobs or
   * partitions have waited `noWorkerWarnMs` with no `chainql worker` connected. Default: none.
   */
  readonly log?: (line: string) => void;
  /** How long work may wait with no live worker before `log` warns. Default 30000 ms. */
  readonly noWorkerWarnMs?: number;
  /** How long a call waits for Redis to (re)connect before failing with REDIS_UNAVAILABLE. Default 1000 ms. */
  readonly redisWaitMs?: number;
}

const ALL_STATES = [
  'active',
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

/**
 * Job manager whose jobs live in Redis (BullMQ) and run on `chainql worker` processes that load the same
 * pipeline config (`startPipelineWorker`); their UDF steps are partitioned over the workers by the
 * BullMQ runner. Cancel sets a marker the running worker sees within ~200 ms; resume retries the
 * failed/cancelled BullMQ job (same id), which continues from the checkpoints in the warehouse.
 */
export class BullmqJobManager implements JobManager {
  readonly queueName: string;
  private readonly registry: PipelineRegistry;
  private readonly partitions: Queue;
  private readonly watchdog: NodeJS.Timeout;
  private idleSince: number | undefined;
  private warned = false;

  private constructor(
    private readonly options: BullmqJobManagerOptions,
    private readonly redis: Redis,
    private readonly queue: Queue<PipelineJobData>,
  ) {
    this.queueName = queue.name;
    this.registry =
      options.pipelines instanceof PipelineRegistry
        ? options.pipelines
        : new PipelineRegistry(options.pipelines);
    this.partitions = new Queue(options.partitionQueue ?? DEFAULT_QUEUE, { connection: redis });
    this.partitions.on('error', () => undefined);
    const warnMs = options.noWorkerWarnMs ?? 30_000;
    this.watchdog = setInterval(
      () => void this.checkWorkers(warnMs).catch(() => undefined),
      Math.min(5000, warnMs / 2),
    );
    this.watchdog.unref();
  }

  /**
   * Opens the manager without waiting for Redis: a server starts serving at once; while Redis is
   * unreachable, job calls fail with REDIS_UNAVAILABLE and the connection retries with backoff
   * (reported once through `log`).
   */
  static async open(options: BullmqJobManagerOptions): Promise<BullmqJobManager> {
    const redis =
      options.connection ??
      openRedis(redisUrlFrom(options.redisUrl), {
        role: 'chainql serve',
        ...(options.log ? { log: options.log } : {}),
      });
    const queue = new Queue<PipelineJobData>(options.queueName ?? DEFAULT_PIPELINE_QUEUE, {
      connection: redis,
    });
    queue.on('error', () => undefined); // connection errors are reported once by openRedis
    return new BullmqJobManager(options, redis, queue);
  }

  /** Waits briefly for Redis; @throws JobBackendUnavailableError when it stays unreachable. */
  private async requireRedis(): Promise<void> {
    try {
      await waitForRedis(this.redis, this.options.redisWaitMs ?? 1000);
    } catch {
      throw new JobBackendUnavailableError(shownRedisUrl(redisUrlFrom(this.options.redisUrl)));
    }
  }

  /** Warns (once per idle spell) when work has waited `warnMs` with no worker connected. */
  private async checkWorkers(warnMs: number): Promise<void> {
    if (this.redis.status !== 'ready') return;
    const state = await this.queueState();
    if (state.liveWorkers > 0 || state.waitingJobs + state.waitingPartitions === 0) {
      this.idleSince = undefined;
      this.warned = false;
      return;
    }
    this.idleSince ??= Date.now();
    const waited = Date.now() - this.idleSince;
    if (waited < warnMs || this.warned) return;
    this.warned = true;
    this.options.log?.(
      `chainql serve: warning: ${state.waitingJobs} job(s) and ${state.waitingPartitions} partition(s) have ` +
        `waited ${Math.round(waited / 1000)} s and no \`chainql worker\` is connected to queue '${this.queueName}' ` +
        `at ${shownRedisUrl(redisUrlFrom(this.options.redisUrl))}. Start one with the same config module and ` +
        'Redis URL: `chainql worker --config <the config the server loaded>` (jobs stay queued until then).',
    );
  }

  /** The pipelines this manager launches. */
  get pipelines(): PipelineRegistry {
    return this.registry;
  }

  /** @inheritdoc */
  async launch(pipeline: string | Pipeline, input: unknown, options: LaunchOptions = {}): Promise<Job> {
    const definition = typeof pipeline === 'string' ? this.registry.get(pipeline) : pipeline;
    const key = options.idempotencyKey;
    const id =
      key === undefined
        ? `job-${randomUUID()}`
        : `idem-${createHash('sha256').update(`${definition.name}\0${key}`).digest('hex').slice(0, 40)}`;
    await this.requireRedis();
    const parsed = parsePipelineInput(definition, input);
    if (key !== undefined) {
      const existing = await BullJob.fromId<PipelineJobData>(this.queue, id);
      if (existing) {
        if (stableJson(existing.data.input) !== stableJson(parsed))
          throw new IdempotencyKeyReusedError(definition.name, key, id);
        return this.get(id);
      }
    }
    const keep = this.options.keepFinishedSeconds ?? 7 * 24 * 3600;
    // Adding an existing id is a no-op in BullMQ, so concurrent launches with one key make one job.
    const added = await this.queue.add(
      definition.name,
      {
        pipeline: definition.name,
        input: parsed,
        dataDir: this.options.dataDir,
        ...(this.options.warehouse === undefined ? {} : { warehouse: this.options.warehouse }),
        ...(key === undefined ? {} : { idempotencyKey: key }),
      },
      { jobId: id, removeOnComplete: { age: keep }, removeOnFail: { age: keep } },
    );
    // A concurrent launch with the same key may have won the race with another input.
    if (key !== undefined && stableJson(added.data.input) !== stableJson(parsed)) {
      const stored = await BullJob.fromId<PipelineJobData>(this.queue, id);
      if (stored && stableJson(stored.data.input) !== stableJson(parsed))
        throw new IdempotencyKeyReusedError(definition.name, key, id);
    }
    return this.get(id);
  }

  /** @inheritdoc */
  async get(id: string): Promise<Job> {
    await this.requireRedis();
    // State first: finishing a job writes its return value and its state in one Lua call, so a job read
    // after a "completed" state always has its output (the other order races with the worker).
    const state = await this.queue.getJobState(id);
    const job = await BullJob.fromId<PipelineJobData>(this.queue, id);
    if (!job || state === 'unknown') throw new JobNotFoundError(id);
    const cancelled = await this.redis.exists(jobCancelKey(this.queueName, id));
    const unfinished = state !== 'completed' && state !== 'failed';
    return toJob(job, state, cancelled > 0, unfinished ? await this.queueState() : undefined);
  }

  /** Workers connected to the pipeline queue, and jobs and partitions waiting for one. */
  async queueState(): Promise<JobQueueState> {
    const [liveWorkers, waitingJobs, waitingPartitions] = await Promise.all([
      this.queue.getWorkersCount(),
      this.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
      this.partitions.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
    ]);
    return { liveWorkers, waitingJobs, waitingPartitions };
  }

  /** @inheritdoc */
  async list(options: JobListOptions = {}): Promise<Job[]> {
    await this.requireRedis();
    const limit = Math.min(Math.max(1, options.limit ?? 50), 1000);
    const jobs = (await this.queue.getJobs([...ALL_STATES], 0, 999)).filter(
      (job): job is BullJob<PipelineJobData> =>
        Boolean(job) && (!options.pipeline || job.data.pipeline === options.pipeline),
    );
    const snapshots = await Promise.all(jobs.map((job) => this.snapshot(job)));
    return snapshots
      .filter((job) => !options.status || job.status === options.status)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  /** @inheritdoc */
  async cancel(id: string): Promise<Job> {
    await this.requireRedis();
    const job = await this.get(id);
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return job;
    // Kept as long as the job itself: its presence is what makes a failed job read as "cancelled".
    await this.redis.set(
      jobCancelKey(this.queueName, id),
      '1',
      'EX',
      this.options.keepFinishedSeconds ?? 7 * 24 * 3600,
    );
    return this.get(id);
  }

  /** @inheritdoc */
  async resume(id: string): Promise<Job> {
    await this.requireRedis();
    const job = await BullJob.fromId<PipelineJobData>(this.queue, id);
    if (!job) throw new JobNotFoundError(id);
    const current = await this.snapshot(job);
    if (current.status !== 'failed' && current.status !== 'cancelled')
      throw new JobStateError(id, current.status, 'resume');
    const state = await job.getState();
    await this.redis.del(jobCancelKey(this.queueName, id));
    if (state === 'failed') {
      const { error: _error, ...data } = job.data;
      // Progress is kept: the resumed run continues from the committed rows.
      await job.updateData(data);
      await job.retry('failed');
    }
    return this.get(id);
  }

  /** @inheritdoc Polls Redis every 250 ms. */
  subscribe(id: string): AsyncIterable<Job> {
    return jobUpdates(id, (jobId) => this.get(jobId), undefined, 250);
  }

  /** @inheritdoc Closes the queue (jobs keep running on the workers). */
  async close(): Promise<void> {
    clearInterval(this.watchdog);
    await this.partitions.close().catch(() => undefined);
    await this.queue.close();
    if (!this.options.connection) await this.redis.quit().catch(() => undefined);
  }

  private async snapshot(job: BullJob<PipelineJobData>): Promise<Job> {
    const [state, cancelled] = await Promise.all([
      job.getState(),
      this.redis.exists(jobCancelKey(this.queueName, job.id ?? '')),
    ]);
    return toJob(job, state, cancelled > 0);
  }
}
