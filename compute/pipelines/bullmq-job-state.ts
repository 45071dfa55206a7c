import type { Job as BullJob } from 'bullmq';
import type { Job, JobError, JobOutput, JobProgress, JobQueueState, JobStatus } from './job.ts';

/** Default BullMQ queue of pipeline jobs. */
export const DEFAULT_PIPELINE_QUEUE = 'chainql-pipelines';

/** Data of a pipeline job in Redis. */
export interface PipelineJobData {
  readonly pipeline: string;
  /** The validated input. */
  readonly input: unknown;
  readonly idempotencyKey?: string;
  /** Data directory of the warehouse the pipeline saves into. */
  readonly dataDir: string;
  /** The server's warehouse identity (`RegistryStore.identity`): a worker on another warehouse refuses the job. */
  readonly warehouse?: string;
  /** Set by the worker when the job failed (code + message). */
  readonly error?: JobError;
  /** Epoch ms of the job's first start (BullMQ's `processedOn` moves on every restart). */
  readonly firstStartedAt?: number;
  /** Times a worker started the job (restarts after a killed worker, resumes). */
  readonly attempts?: number;
}

/** Key of the cancel marker of a pipeline job (the worker polls it; its presence means "cancelled"). */
export function jobCancelKey(queueName: string, id: string): string {
  return `chainql:jobcancel:${queueName}:${id}`;
}

/** Maps a BullMQ job (state + cancel marker, and for unfinished jobs the queue state) to a chainql Job snapshot. */
export function toJob(
  job: BullJob<PipelineJobData>,
  state: string,
  cancelled: boolean,
  queue?: JobQueueState,
): Job {
  const status = statusOf(state, cancelled);
  const progress = job.progress as Partial<JobProgress> | number | undefined;
  const output = job.returnvalue as JobOutput | null | undefined;
  const error: JobError | undefined =
    status === 'failed'
      ? (job.data.error ?? { code: 'INTERNAL', message: job.failedReason || 'failed' })
      : undefined;
  const startedAt = job.data.firstStartedAt ?? (status !== 'queued' ? job.processedOn : undefined);
  return {
    id: job.id ?? '',
    pipeline: job.data.pipeline,
    status,
    input: job.data.input,
    ...(job.data.idempotencyKey === undefined ? {} : { idempotencyKey: job.data.idempotencyKey }),
    progress: {
      done: typeof progress === 'object' ? (progress.done ?? 0) : 0,
      total: typeof progress === 'object' ? (progress.total ?? 0) : 0,
      rate: typeof progress === 'object' ? (progress.rate ?? 0) : 0,
    },
    ...(error ? { error } : {}),
    ...(status === 'succeeded' && output ? { output } : {}),
    createdAt: new Date(job.timestamp),
    ...(startedAt !== undefined ? { startedAt: new Date(startedAt) } : {}),
    ...(job.finishedOn && (status === 'succeeded' || status === 'failed' || status === 'cancelled')
      ? { finishedAt: new Date(job.finishedOn) }
      : {}),
    attempts: job.data.attempts ?? (job.processedOn ? 1 : 0),
    ...(queue && (status === 'queued' || status === 'running') ? { queue } : {}),
  };
}

function statusOf(state: string, cancelled: boolean): JobStatus {
  if (state === 'completed') return 'succeeded';
  if (cancelled && state !== 'active') return 'cancelled';
  if (state === 'failed') return 'failed';
  if (state === 'active') return 'running';
  return 'queued';
}
