import type { Pipeline } from './pipeline.ts';

/** Lifecycle of a job: queued → running → succeeded | failed | cancelled; resume puts it back to queued. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Statuses after which nothing changes unless the job is resumed. */
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * Progress over the pipeline's UDF steps (input rows). It never goes back: after a restart of the
 * process running the job, `done` continues from the rows committed before.
 */
export interface JobProgress {
  /** Input rows committed, summed over the UDF steps started so far (earlier runs included). */
  readonly done: number;
  /** Input rows of the UDF steps started so far (0 until known; grows when a later step starts). */
  readonly total: number;
  /** Committed rows per second. */
  readonly rate: number;
}

/** Why a job failed. */
export interface JobError {
  /** Error code (`UDF_ROW_FAILED`, `BAD_USER_INPUT`, …) or `INTERNAL`. */
  readonly code: string;
  readonly message: string;
}

/** The dataset version a succeeded job saved. */
export interface JobOutput {
  readonly dataset: string;
  readonly version: string;
}

/** A snapshot of one job. */
export interface Job {
  readonly id: string;
  readonly pipeline: string;
  readonly status: JobStatus;
  /** The validated input. */
  readonly input: unknown;
  readonly idempotencyKey?: string;
  readonly progress: JobProgress;
  readonly error?: JobError;
  readonly output?: JobOutput;
  readonly createdAt: Date;
  /** When the job first started (kept across restarts and resumes). */
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  /** Times the job was started: 1 for a job that ran once, more after restarts (a killed worker) or resumes. */
  readonly attempts: number;
  /** For jobs waiting or running on BullMQ workers: who is there to run them (undefined in-process). */
  readonly queue?: JobQueueState;
}

/** The workers and waiting work a queued or running BullMQ job depends on. */
export interface JobQueueState {
  /** `chainql worker` processes connected to the pipeline queue now. 0 means nothing will run the job. */
  readonly liveWorkers: number;
  /** Pipeline jobs waiting for a worker (this one included when it is queued). */
  readonly waitingJobs: number;
  /** UDF partitions (of all jobs) waiting for a worker in the partition queue. */
  readonly waitingPartitions: number;
}

/** Options of {@link JobManager.launch}. */
export interface LaunchOptions {
  /**
   * Launching twice with the same key (for the same pipeline) and the same input returns the first job;
   * with another input it throws IdempotencyKeyReusedError naming the key.
   */
  readonly idempotencyKey?: string;
}

/** Filters of {@link JobManager.list}. */
export interface JobListOptions {
  readonly status?: JobStatus;
  readonly pipeline?: string;
  /** Newest first; default 50, at most 1000. */
  readonly limit?: number;
}

/**
 * Launches pipelines as jobs and tracks them, independent of GraphQL. Two implementations:
 * `LocalJobManager` (in-process, state in the warehouse) and `BullmqJobManager` (jobs run on workers,
 * state in Redis). Both validate input before creating anything.
 */
export interface JobManager {
  /**
   * Validates input and starts (queues) a job; resolves at once with its snapshot.
   * @throws PipelineNotFoundError; PipelineInputError (code BAD_USER_INPUT) naming the bad field;
   *   IdempotencyKeyReusedError for a known key with another input.
   */
  launch(pipeline: string | Pipeline, input: unknown, options?: LaunchOptions): Promise<Job>;
  /** @throws JobNotFoundError */
  get(id: string): Promise<Job>;
  /** Jobs, newest first. */
  list(options?: JobListOptions): Promise<Job[]>;
  /**
   * Cancels a queued or running job (running UDF partitions stop promptly; committed rows stay for a resume).
   * A finished job is returned unchanged.
   * @throws JobNotFoundError
   */
  cancel(id: string): Promise<Job>;
  /**
   * Runs a failed or cancelled job again under the same id, continuing from its checkpoints.
   * @throws JobNotFoundError; JobStateError when the job is queued, running or succeeded.
   */
  resume(id: string): Promise<Job>;
  /** Snapshots of the job whenever it changes (the current one first), ending after a final status. */
  subscribe(id: string): AsyncIterable<Job>;
  /** Stops running jobs (as cancelled) and releases connections. */
  close(): Promise<void>;
}
