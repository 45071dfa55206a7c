import type { Job, JobManager } from '../../compute/pipelines/index.ts';

/** Options of {@link jobUntil}. */
export interface JobUntilOptions {
  /** Default 120,000 ms. */
  readonly timeoutMs?: number;
  /** Time between two reads of the job. Default 100 ms. */
  readonly intervalMs?: number;
  /** Keep polling while reading the job fails (Redis taken down by the test). Default false. */
  readonly whileUnavailable?: boolean;
}

/**
 * Polls a job until `done(job)` and returns it. A job that failed without `done` accepting it throws at once with
 * its error; so does the deadline, with the job's last state.
 */
export async function jobUntil(
  manager: Pick<JobManager, 'get'>,
  id: string,
  done: (job: Job) => boolean,
  options: JobUntilOptions = {},
): Promise<Job> {
  const { timeoutMs = 120_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = options.whileUnavailable
      ? await manager.get(id).catch(() => undefined)
      : await manager.get(id);
    if (job && done(job)) return job;
    if (job?.status === 'failed') throw new Error(`job ${id} failed: ${JSON.stringify(job.error)}`);
    if (Date.now() > deadline)
      throw new Error(`job ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
