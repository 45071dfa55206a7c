/**
 * Runners: where UDF steps run. The in-process default lives in compute/chain; this folder holds the
 * distributed BullMQ runner (coordinator side), the worker that processes its partitions, and
 * `resolveRunner`, the single place that picks a runner from settings and environment.
 */
export { BullmqRunner, type BullmqRunnerOptions, openBullmqRunner } from './bullmq-runner.ts';
export type { PartitionJobData, PartitionProgress, RemoteError, StepReference } from './partition-job.ts';
export { DEFAULT_PARTITION_SIZE, type PendingPartition, pendingPartitions } from './partition-plan.ts';
export { DEFAULT_REDIS_URL, openRedis, redisUrlFrom } from './redis-connection.ts';
export { resolveRunner } from './resolve-runner.ts';
export { PartitionFailedError, RunnerConfigError } from './runner-errors.ts';
export { type ChainqlWorker, startWorker, type WorkerJobEvent, type WorkerOptions } from './worker.ts';
export { DEFAULT_QUEUE, type StallSettings } from './worker-options.ts';
