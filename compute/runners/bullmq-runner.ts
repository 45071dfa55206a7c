import { randomBytes } from 'node:crypto';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { executePartition } from '../checkpoint/partition-executor.ts';
import type { IdRange, PartitionTask, StepRunContext } from '../checkpoint/partition-task.ts';
import { resolveSettings, stepName, UdfAbortedError, type UdfStep } from '../udf/index.ts';
import {
  PARTITION_JOB,
  type PartitionJobData,
  type RemoteError,
  STEP_JOB,
  serialisableSettings,
} from './bullmq-partition-job.ts';
import { errorFromRemote } from './bullmq-remote-error.ts';
import { type PartitionCounters, RunProgress } from './bullmq-run-progress.ts';
import { waitForRun } from './bullmq-run-waiter.ts';
import { stepSource } from './bullmq-step-source.ts';
import { DEFAULT_QUEUE } from './bullmq-worker-options.ts';
import { checkPartitionSize, DEFAULT_PARTITION_SIZE, pendingPartitions } from './partition-plan.ts';
import { cancelKey, openRedis, redisUrlFrom, stepRunKey } from './redis-connection.ts';
import { RunnerConfigError } from './runner-errors.ts';
import type { StepPlacement, StepRunner } from './step-runner.ts';

/** One partition of a run, as recorded in the run's parent job. */
interface RunChild {
  readonly id: string;
  readonly range: IdRange;
  /** Rows of the range pending when the run was enqueued. */
  readonly pending: number;
}

/** Data of a run's parent job. */
interface StepJobData {
  readonly runId: string;
  readonly stepHash: string;
  readonly children: readonly RunChild[];
}

/** The still-queued run recorded under a step's run key, if its parent job waits for partitions. */
async function attachableRun(queue: Queue, runId: string | null): Promise<StepJobData | undefined> {
  if (!runId) return undefined;
  const parent = await Job.fromId(queue, runId);
  if (!parent || parent.name !== STEP_JOB) return undefined;
  const state = await parent.getState();
  if (state !== 'waiting-children' && state !== 'waiting' && state !== 'active') return undefined;
  const data = parent.data as Partial<StepJobData>;
  return Array.isArray(data.children) && data.runId === runId ? (data as StepJobData) : undefined;
}

/** Options of {@link openBullmqRunner}. */
export interface BullmqRunnerOptions {
  /** An ioredis connection to use (created with `maxRetriesPerRequest: null`); the caller closes it. */
  readonly connection?: Redis;
  /** Redis URL when no connection is given. Default `CHAINQL_REDIS_URL`, else redis://127.0.0.1:6379. */
  readonly redisUrl?: string;
  /** Queue the workers consume. Default `chainql-partitions`. */
  readonly queueName?: string;
  /** Input rows per partition job. Default 5000. */
  readonly partitionSize?: number;
  /** Attempts per partition for errors that are not row errors (a busy warehouse, a crashed thread). Default 3. */
  readonly attempts?: number;
  /** After a cancel, how long to wait for running partitions to stop before rejecting. Default 10000 ms. */
  readonly cancelGraceMs?: number;
  /**
   * Reject with RunnerConfigError when no `chainql worker` has consumed the queue for this long (a
   * chain run with CHAINQL_REDIS_URL set but no workers would otherwise wait forever). Committed rows
   * stay for a resume. Default 60000 ms; `Infinity` waits forever.
   */
  readonly noWorkerTimeoutMs?: number;
}

/**
 * Runs UDF steps on BullMQ workers (`chainql worker`). The coordinator (this process) cuts the step's
 * checkpointed input ids into partitions of `partitionSize` ids, keeps those with uncommitted rows,
 * enqueues them as the children of one parent job (a BullMQ flow), and waits: progress arrives per
 * partition through QueueEvents and is re-emitted as the usual `ProgressEvent`s. A failed partition
 * (a row error, a load error) rejects the run with the worker's error and cancels the rest.
 *
 * Agg steps run in-process on the coordinator: their groups are ordered by the partition columns, not
 * by id, so id ranges would split groups.
 *
 * Cancel: when `settings.signal` aborts, waiting partitions are removed, running ones see a cancel
 * marker in Redis within ~200 ms and stop (nothing more is committed), and the run rejects with
 * UdfAbortedError. Resume = run the chain again: only partitions with uncommitted rows are enqueued.
 *
 * Workers open the warehouse of the coordinator's data directory, so the step's session must be the
 * embedded SQLite warehouse on a file system the workers share.
 */
export class BullmqRunner implements StepRunner {
  readonly queueName: string;
  readonly partitionSize: number;
  private readonly attempts: number;
  private readonly cancelGraceMs: number;
  private readonly noWorkerTimeoutMs: number;

  constructor(private readonly options: BullmqRunnerOptions = {}) {
    this.queueName = options.queueName ?? DEFAULT_QUEUE;
    this.partitionSize = checkPartitionSize(options.partitionSize ?? DEFAULT_PARTITION_SIZE);
    this.attempts = options.attempts ?? 3;
    this.cancelGraceMs = options.cancelGraceMs ?? 10_000;
    this.noWorkerTimeoutMs = options.noWorkerTimeoutMs ?? 60_000;
    if (!Number.isSafeInteger(this.attempts) || this.attempts < 1) {
      throw new RunnerConfigError(`attempts must be an integer ≥ 1, got ${String(options.attempts)}.`);
    }
  }

  /** @inheritdoc Agg steps and pipeline steps always can; other steps must be exported from a module. */
  async check(step: UdfStep, placement: StepPlacement): Promise<void> {
    if (step.kind === 'agg') return;
    await stepSource(step, placement);
  }

  /** @inheritdoc */
  async run(
    context: StepRunContext,
    task: PartitionTask,
    stepHash: string,
    placement: StepPlacement,
  ): Promise<void> {
    const { step } = task;
    if (step.kind === 'agg') return executePartition(context, task);
    const { session, settings } = context;
    if (settings.signal?.aborted) throw new UdfAbortedError({ cause: settings.signal.reason });
    const partitions = await pendingPartitions(session.warehouse, task.tables, this.partitionSize);
    if (partitions.length === 0) return;
    const resolved = resolveSettings(step, settings);
    const pendingTotal = partitions.reduce((sum, p) => sum + p.pending, 0);
    const source = await stepSource(step, placement);
    const redis = this.options.connection ?? openRedis(redisUrlFrom(this.options.redisUrl));
    const eventsConnection = redis.duplicate();
    const queue = new Queue(this.queueName, { connection: redis });
    const flow = new FlowProducer({ connection: redis });
    const events = new QueueEvents(this.queueName, { connection: eventsConnection });
    events.on('error', () => undefined);
    const runKey = stepRunKey(this.queueName, stepHash);
    let runId = '';
    try {
      await events.waitUntilReady();
      // A run of this step whose coordinator died (or that another coordinator is waiting for) is still
      // queued: wait for it instead of enqueuing the same ranges twice.
      const attached = await attachableRun(queue, await redis.get(runKey));
      runId = attached?.runId ?? `${stepHash.slice(0, 12)}-${randomBytes(5).toString('hex')}`;
      const children: readonly RunChild[] =
        attached?.children ??
        partitions.map((partition, index) => ({
          id: `${runId}-p${index}`,
          range: partition.range,
          pending: partition.pending,
        }));
      // Progress counts rows committed from now on (the checkpointed step adds those committed before).
      const progress = new RunProgress(stepName(step), pendingTotal, settings.onProgress);
      if (attached) {
        const left = new Map(partitions.map((p) => [p.range.from, p.pending]));
        for (const child of children)
          progress.seed(child.id, child.pending - (left.get(child.range.from) ?? 0));
      }
      progress.start(step.kind, resolved);
      if (!attached) {
        const warehouse = await session.registry.identity();
        const data = (child: RunChild): PartitionJobData => ({
          dataDir: session.dataDir,
          warehouse,
          stepHash,
          runId,
          tables: task.tables,
          inputSchema: task.inputSchema,
          step: source,
          settings: serialisableSettings(settings),
          ...(context.files?.cache ? { cacheFiles: true } : {}),
          range: child.range,
          pending: child.pending,
        });
        await flow.add({
          name: STEP_JOB,
          queueName: this.queueName,
          data: { runId, stepHash, children } satisfies StepJobData,
          opts: { jobId: runId, removeOnFail: { age: 24 * 3600 } },
          children: children.map((child) => ({
            name: PARTITION_JOB,
            queueName: this.queueName,
            data: data(child),
            opts: {
              jobId: child.id,
              attempts: this.attempts,
              backoff: { type: 'exponential', delay: 500 },
              failParentOnFailure: true,
              removeOnComplete: true,
              removeOnFail: { age: 24 * 3600 },
            },
          })),
        });
        await redis.set(runKey, runId, 'EX', 7 * 24 * 3600);
      }
      const outcome = await waitForRun({
        queue,
        events,
        runId,
        childIds: children.map((child) => child.id),
        ...(settings.signal ? { signal: settings.signal } : {}),
        ...(Number.isFinite(this.noWorkerTimeoutMs) ? { noWorkerTimeoutMs: this.noWorkerTimeoutMs } : {}),
        onProgress: (id, counters: PartitionCounters) => progress.update(id, counters),
        onCompleted: (id) => {
          const child = children.find((c) => c.id === id);
          if (child) progress.update(id, { done: child.pending });
        },
      });
      if (outcome.kind === 'succeeded') {
        // The parent is kept until now so the poll can tell "completed" from "never existed".
        await queue.remove(runId).catch(() => undefined);
        progress.finish('succeeded');
        return;
      }
      // Read the failed partition's error before the cleanup below removes the run's jobs.
      const failedJob = outcome.kind === 'failed' ? await Job.fromId(queue, outcome.jobId) : undefined;
      await redis.set(cancelKey(runId), '1', 'EX', 3600);
      await this.stopRun(
        queue,
        children.map((child) => child.id),
      );
      // Without its children the parent would move to the queue and wait for a worker: drop it.
      await queue.remove(runId).catch(() => undefined);
      if (outcome.kind === 'noWorkers') {
        progress.finish('failed');
        throw new RunnerConfigError(
          `No chainql worker has consumed queue '${this.queueName}' for ${Math.round(outcome.waitedMs / 1000)} s: ` +
            'start `chainql worker` (same code, same --queue), or run in-process with settings({ workers: 0 }). ' +
            'Committed rows are kept; running the chain again resumes.',
        );
      }
      if (outcome.kind === 'aborted') {
        progress.finish('aborted');
        throw new UdfAbortedError({ cause: settings.signal?.reason });
      }
      progress.finish('failed');
      const failed = children.find((c) => c.id === outcome.jobId);
      const remote = (failedJob?.data as (PartitionJobData & { error?: RemoteError }) | undefined)?.error;
      throw errorFromRemote(remote, failed?.range ?? { from: 0, to: 0 }, outcome.reason);
    } finally {
      // The run is over (done, failed or cancelled): nobody should attach to it any more.
      if (runId && (await redis.get(runKey).catch(() => null)) === runId)
        await redis.del(runKey).catch(() => 0);
      await events.close().catch(() => undefined);
      await flow.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      eventsConnection.disconnect();
      if (!this.options.connection) await redis.quit().catch(() => undefined);
    }
  }

  /** Removes waiting partitions and waits (up to `cancelGraceMs`) until no partition of the run is active. */
  private async stopRun(queue: Queue, childIds: readonly string[]): Promise<void> {
    const deadline = Date.now() + this.cancelGraceMs;
    let active = [...childIds];
    // At least one pass, so waiting partitions are removed even with a zero grace period.
    for (let first = true; active.length > 0 && (first || Date.now() < deadline); first = false) {
      const next: string[] = [];
      for (const id of active) {
        const job = await Job.fromId(queue, id);
        if (!job) continue;
        const state = await job.getState();
        if (state === 'active') next.push(id);
        else if (state !== 'completed' && state !== 'failed') await job.remove().catch(() => next.push(id));
      }
      active = next;
      if (active.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Creates a {@link BullmqRunner}; connections are opened per step run and closed after it. */
export function openBullmqRunner(options: BullmqRunnerOptions = {}): BullmqRunner {
  return new BullmqRunner(options);
}
