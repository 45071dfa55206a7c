import { randomUUID } from 'node:crypto';
import { stableJson } from '../../schema/stable-json.ts';
import type { StepRunner } from '../runners/step-runner.ts';
import type { Session } from '../session.ts';
import type { Job, JobListOptions, JobManager, JobProgress, LaunchOptions } from './job.ts';
import { JobStore } from './job-store.ts';
import { jobChangeEmitter, jobUpdates } from './job-updates.ts';
import { type Pipeline, parsePipelineInput } from './pipeline.ts';
import { PipelineRegistry } from './pipeline-config.ts';
import { IdempotencyKeyReusedError, JobNotFoundError, JobStateError } from './pipeline-errors.ts';
import { jobError, runPipeline } from './run-pipeline.ts';

/** Options of {@link LocalJobManager.open}. */
export interface LocalJobManagerOptions {
  /** Where chains run and jobs are stored. */
  readonly session: Session;
  /** The pipelines jobs may launch. */
  readonly pipelines: PipelineRegistry | readonly Pipeline[];
  /** Runner for UDF steps (default: the chain's own choice — in-process unless CHAINQL_REDIS_URL/workers say otherwise). */
  readonly runner?: StepRunner;
  /** Minimum time between two persisted progress updates of a job. Default 500 ms. */
  readonly progressWriteMs?: number;
}

const NO_PROGRESS: JobProgress = { done: 0, total: 0, rate: 0 };

/**
 * The embedded job manager: runs pipeline jobs in this process (no Redis needed) and keeps their state
 * in the warehouse table `chainql_jobs`, so they can be read for the server's life and after restarts.
 * Jobs a previous process left queued or running are marked failed (code INTERRUPTED) on open, and can
 * be resumed: a resume re-runs the pipeline, which continues from its UDF checkpoints.
 */
export class LocalJobManager implements JobManager {
  private readonly live = new Map<string, { job: Job; controller: AbortController; done: Promise<void> }>();
  private readonly changes = jobChangeEmitter();
  private readonly registry: PipelineRegistry;
  private closed = false;

  private constructor(
    private readonly options: LocalJobManagerOptions,
    private readonly store: JobStore,
  ) {
    this.registry =
      options.pipelines instanceof PipelineRegistry
        ? options.pipelines
        : new PipelineRegistry(options.pipelines);
  }

  /** Opens the manager (creating the jobs table) and fails jobs interrupted by an earlier exit. */
  static async open(options: LocalJobManagerOptions): Promise<LocalJobManager> {
    const store = await JobStore.open(options.session.warehouse);
    for (const job of await store.withStatus(['queued', 'running'])) {
      await store.update({
        ...job,
        status: 'failed',
        error: {
          code: 'INTERRUPTED',
          message: 'The process running this job exited; resume it to continue.',
        },
        finishedAt: new Date(),
      });
    }
    return new LocalJobManager(options, store);
  }

  /** The pipelines this manager launches. */
  get pipelines(): PipelineRegistry {
    return this.registry;
  }

  /** @inheritdoc */
  async launch(pipeline: string | Pipeline, input: unknown, options: LaunchOptions = {}): Promise<Job> {
    const definition = typeof pipeline === 'string' ? this.registry.get(pipeline) : pipeline;
    const parsed = parsePipelineInput(definition, input);
    if (options.idempotencyKey !== undefined) {
      const existing = await this.store.findByKey(definition.name, options.idempotencyKey);
      if (existing) return this.sameInput(existing, parsed, options.idempotencyKey);
    }
    const job: Job = {
      id: `job_${randomUUID()}`,
      pipeline: definition.name,
      status: 'queued',
      input: parsed,
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
      progress: NO_PROGRESS,
      createdAt: new Date(),
      attempts: 0,
    };
    const stored = await this.store.insert(job);
    if (stored.id !== job.id) return this.sameInput(stored, parsed, options.idempotencyKey ?? '');
    this.start(definition, stored);
    return this.get(stored.id);
  }

  /** The job a reused idempotency key names, when it was launched with the same input. */
  private async sameInput(existing: Job, parsed: unknown, key: string): Promise<Job> {
    if (stableJson(existing.input) !== stableJson(parsed))
      throw new IdempotencyKeyReusedError(existing.pipeline, key, existing.id);
    return this.get(existing.id);
  }

  /** @inheritdoc */
  async get(id: string): Promise<Job> {
    const live = this.live.get(id);
    if (live) return live.job;
    const job = await this.store.get(id);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  /** @inheritdoc */
  async list(options: JobListOptions = {}): Promise<Job[]> {
    const jobs = await this.store.list(options);
    return jobs.map((job) => this.live.get(job.id)?.job ?? job);
  }

  /** @inheritdoc */
  async cancel(id: string): Promise<Job> {
    const live = this.live.get(id);
    if (!live) return this.get(id);
    live.controller.abort();
    await live.done;
    return this.get(id);
  }

  /** @inheritdoc */
  async resume(id: string): Promise<Job> {
    const job = await this.get(id);
    if (job.status !== 'failed' && job.status !== 'cancelled')
      throw new JobStateError(id, job.status, 'resume');
    const definition = this.registry.get(job.pipeline);
    const { error: _error, output: _output, finishedAt: _finished, ...rest } = job;
    // Progress is kept: the resumed run continues from the committed rows.
    const queued: Job = { ...rest, status: 'queued' };
    await this.store.update(queued);
    this.start(definition, queued);
    return this.get(id);
  }

  /** @inheritdoc */
  subscribe(id: string): AsyncIterable<Job> {
    return jobUpdates(id, (jobId) => this.get(jobId), this.changes);
  }

  /** @inheritdoc Cancels running jobs and waits for them to stop. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.live.keys()].map((id) => this.cancel(id)));
  }

  private start(pipeline: Pipeline, queued: Job): void {
    const controller = new AbortController();
    const entry = { job: queued, controller, done: Promise.resolve() };
    this.live.set(queued.id, entry);
    const set = async (job: Job, persist: boolean) => {
      entry.job = job;
      if (persist) await this.store.update(job);
      this.changes.emit('change', job.id);
    };
    let lastWrite = 0;
    const writeEvery = this.options.progressWriteMs ?? 500;
    entry.done = (async () => {
      const first = entry.job;
      await set(
        {
          ...first,
          status: 'running',
          startedAt: first.startedAt ?? new Date(),
          attempts: first.attempts + 1,
        },
        true,
      );
      try {
        const output = await runPipeline(pipeline, queued.input, {
          session: this.options.session,
          jobId: queued.id,
          signal: controller.signal,
          ...(this.options.runner ? { runner: this.options.runner } : {}),
          shown: first.progress, // a resumed job shows no less than its earlier run did
          onProgress: (progress) => {
            const now = Date.now();
            const persist = now - lastWrite >= writeEvery;
            if (persist) lastWrite = now;
            void set({ ...entry.job, progress }, persist).catch(() => undefined);
          },
        });
        const progress = {
          ...entry.job.progress,
          done: Math.max(entry.job.progress.done, entry.job.progress.total),
        };
        await set({ ...entry.job, status: 'succeeded', output, progress, finishedAt: new Date() }, true);
      } catch (error) {
        const cancelled = controller.signal.aborted;
        await set(
          {
            ...entry.job,
            status: cancelled ? 'cancelled' : 'failed',
            ...(cancelled ? {} : { error: jobError(error) }),
            finishedAt: new Date(),
          },
          true,
        );
      } finally {
        this.live.delete(queued.id);
        this.changes.emit('change', queued.id);
      }
    })();
    if (this.closed) controller.abort();
  }
}
