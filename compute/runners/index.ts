/**
 * Runners: where UDF steps run. One contract (`StepRunner`), two implementations side by side:
 * `InProcessRunner` (the default) and `BullmqRunner` (coordinator side; `startWorker` processes its
 * partitions in `chainql worker`), and `resolveRunner`, the single place that picks one from settings
 * and environment. The checkpoint algorithm both use lives in compute/checkpoint.
 */
export type { PartitionJobData, PartitionProgress, RemoteError } from './bullmq-partition-job.ts';
export {
  type ChainqlWorker,
  startWorker,
  type WorkerJobEvent,
  type WorkerOptions,
} from './bullmq-partition-worker.ts';
export { BullmqRunner, type BullmqRunnerOptions, openBullmqRunner } from './bullmq-runner.ts';
export type {
  ModuleStepSource,
  PipelineStepResolver,
  PipelineStepSource,
  StepSource,
} from './bullmq-step-source.ts';
export { DEFAULT_QUEUE, type StallSettings } from './bullmq-worker-options.ts';
export { IN_PROCESS_RUNNER, InProcessRunner } from './in-process-runner.ts';
export { DEFAULT_PARTITION_SIZE, type PendingPartition, pendingPartitions } from './partition-plan.ts';
export { DEFAULT_REDIS_URL, openRedis, redisUrlFrom } from './redis-connection.ts';
export { type RunnerChoice, resolveRunner } from './resolve-runner.ts';
export { PartitionFailedError, RunnerConfigError, StepCodeMismatchError } from './runner-errors.ts';
export type { PipelineCall, StepPlacement, StepRunner } from './step-runner.ts';
