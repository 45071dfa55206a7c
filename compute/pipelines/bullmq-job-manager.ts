import { createHash, randomUUID } from 'node:crypto';
import { Job as BullJob, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { openRedis, redisUrlFrom } from '../runners/redis-connection.ts';
import { DEFAULT_PIPELINE_QUEUE, jobCancelKey, type PipelineJobData, toJob } from './bullmq-job-state.ts';
import type { Job, JobListOptions, JobManager, LaunchOptions } from './job.ts';
import { jobUpdates } from './job-updates.ts';
import { type Pipeline, parsePipelineInput } from './pipeline.ts';
import { PipelineRegistry } from './pipeline-config.ts';
import { JobNotFoundError, JobStateError } from './pipeline-errors.ts';

/** Options of {@link BullmqJobManager.open}. */
export interface BullmqJobManagerOptions {
  /** Pipelines that may be launched (input is validated here, before anything is queued). */
  readonly pipelines: PipelineRegistry | readonly Pipeline[];
  /** Data directory the workers save into (the server's warehouse). */
  readonly dataDir: string;
  /** An ioredis connection (`maxRetriesPerRequest: null`); the caller closes it. */
  readonly connection?: Redis;
  /** Default `CHAINQL_REDIS_URL`, else redis://127.0.0.1:6379. */
  readonly redisUrl?: string;
  /** Queue of pipeline jobs. Default `chainql-pipelines`. */
  readonly queueName?: string;
  /** How long finished jobs stay readable in Redis. Default 7 days. */
  readonly keepFinishedSeconds?: number;
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
  }

  /** Connects to Redis. */
  static async open(options: BullmqJobManagerOptions): Promise<BullmqJobManager> {
    const redis = options.connection ?? openRedis(redisUrlFrom(options.redisUrl));
    const queue = new Queue<PipelineJobData>(options.queueName ?? DEFAULT_PIPELINE_QUEUE, {
      connection: redis,
    });
    await queue.waitUntilReady();
    return new BullmqJobManager(options, redis, queue);
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
    if (key !== undefined && (await BullJob.fromId(this.queue, id))) return this.get(id);
    const parsed = parsePipelineInput(definition, input);
    const keep = this.options.keepFinishedSeconds ?? 7 * 24 * 3600;
    // Adding an existing id is a no-op in BullMQ, so concurrent launches with one key make one job.
    await this.queue.add(
      definition.name,
      {
        pipeline: definition.name,
        input: parsed,
        dataDir: this.options.dataDir,
        ...(key === undefined ? {} : { idempotencyKey: key }),
      },
      { jobId: id, removeOnComplete: { age: keep }, removeOnFail: { age: keep } },
    );
    return this.get(id);
  }

  /** @inheritdoc */
  async get(id: string): Promise<Job> {
    // State first: finishing a job writes its return value and its state in one Lua call, so a job read
    // after a "completed" state always has its output (the other order races with the worker).
    const state = await this.queue.getJobState(id);
    const job = await BullJob.fromId<PipelineJobData>(this.queue, id);
    if (!job || state === 'unknown') throw new JobNotFoundError(id);
    const cancelled = await this.redis.exists(jobCancelKey(this.queueName, id));
    return toJob(job, state, cancelled > 0);
  }

  /** @inheritdoc */
  async list(options: JobListOptions = {}): Promise<Job[]> {
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
    const job = await BullJob.fromId<PipelineJobData>(this.queue, id);
    if (!job) throw new JobNotFoundError(id);
    const current = await this.snapshot(job);
    if (current.status !== 'failed' && current.status !== 'cancelled')
      throw new JobStateError(id, current.status, 'resume');
    const state = await job.getState();
    await this.redis.del(jobCancelKey(this.queueName, id));
    if (state === 'failed') {
      const { error: _error, ...data } = job.data;
      await job.updateData(data);
      await job.updateProgress({ done: 0, total: 0, rate: 0 });
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
