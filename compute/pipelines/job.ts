import type { Pipeline } from './pipeline.ts';

/** Lifecycle of a job: queued → running → succeeded | failed | cancelled; resume puts it back to queued. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Statuses after which nothing changes unless the job is resumed. */
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Progress of the UDF step currently running (input rows). */
export interface JobProgress {
  /** Input rows committed. */
  readonly done: number;
  /** Input rows of the step (0 until known). */
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
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
}

/** Options of {@link JobManager.launch}. */
export interface LaunchOptions {
  /** Launching twice with the same key (for the same pipeline) returns the first job, whatever the input. */
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
   * @throws PipelineNotFoundError; PipelineInputError (code BAD_USER_INPUT) naming the bad field.
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
