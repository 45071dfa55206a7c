import { Job, type Queue, type QueueEvents } from 'bullmq';
import type { PartitionCounters } from './bullmq-run-progress.ts';

/** How a distributed step run ended. */
export type RunOutcome =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'noWorkers'; readonly waitedMs: number }
  | { readonly kind: 'failed'; readonly jobId: string; readonly reason: string };

/** What {@link waitForRun} watches. */
export interface WaitOptions {
  readonly queue: Queue;
  readonly events: QueueEvents;
  /** Id of the parent job (also the prefix of the partition job ids). */
  readonly runId: string;
  readonly childIds: readonly string[];
  readonly signal?: AbortSignal;
  onProgress(jobId: string, counters: PartitionCounters): void;
  onCompleted(jobId: string): void;
  /** How often the parent's state is polled, as a safety net for missed events. Default 1000 ms. */
  readonly pollMs?: number;
  /** Give up when no worker has been connected to the queue for this long. Default: wait forever. */
  readonly noWorkerTimeoutMs?: number;
}

/**
 * Waits for a run's parent job to complete (every partition done), a partition to fail for good, or
 * the signal to abort. Events drive progress; a periodic poll of the parent job covers events missed
 * during a Redis reconnect.
 */
export function waitForRun(options: WaitOptions): Promise<RunOutcome> {
  const { queue, events, runId, signal } = options;
  const children = new Set(options.childIds);
  return new Promise<RunOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: RunOutcome) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      events.off('progress', onProgress);
      events.off('completed', onCompleted);
      events.off('failed', onFailed);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
      if (children.has(jobId) && typeof data === 'object' && data !== null) {
        options.onProgress(jobId, data as PartitionCounters);
      }
    };
    const onCompleted = ({ jobId }: { jobId: string }) => {
      if (children.has(jobId)) options.onCompleted(jobId);
      else if (jobId === runId) finish({ kind: 'succeeded' });
    };
    const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
      if (children.has(jobId)) finish({ kind: 'failed', jobId, reason: failedReason });
      else if (jobId === runId) void findFailedChild();
    };
    const onAbort = () => finish({ kind: 'aborted' });
    const findFailedChild = async () => {
      for (const id of children) {
        const job = await Job.fromId(queue, id);
        if (job && (await job.getState()) === 'failed') {
          finish({ kind: 'failed', jobId: id, reason: job.failedReason ?? '' });
          return;
        }
      }
      finish({ kind: 'failed', jobId: runId, reason: 'The run failed without a failed partition.' });
    };
    let lastWorkerSeen = Date.now();
    const poll = async () => {
      if (options.noWorkerTimeoutMs !== undefined) {
        if ((await queue.getWorkersCount()) > 0) lastWorkerSeen = Date.now();
        else if (Date.now() - lastWorkerSeen >= options.noWorkerTimeoutMs) {
          finish({ kind: 'noWorkers', waitedMs: Date.now() - lastWorkerSeen });
          return;
        }
      }
      const parent = await Job.fromId(queue, runId);
      const state = parent ? await parent.getState() : 'unknown';
      if (state === 'completed') finish({ kind: 'succeeded' });
      else if (state === 'failed') await findFailedChild();
    };
    events.on('progress', onProgress);
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
    if (signal?.aborted) return finish({ kind: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setInterval(() => void poll().catch(() => undefined), options.pollMs ?? 1000);
  });
}
