/**
 * Pipelines: named, typed entry points (`definePipeline`) loaded from a config module, and job managers
 * that launch them — in-process (`LocalJobManager`, state in the warehouse) or on BullMQ workers
 * (`BullmqJobManager`, state in Redis).
 */

export { BullmqJobManager, type BullmqJobManagerOptions } from './bullmq-job-manager.ts';
export { DEFAULT_PIPELINE_QUEUE, type PipelineJobData } from './bullmq-job-state.ts';
export type {
  Job,
  JobError,
  JobListOptions,
  JobManager,
  JobOutput,
  JobProgress,
  JobQueueState,
  JobStatus,
  LaunchOptions,
} from './job.ts';
export { FINAL_STATUSES } from './job.ts';
export { LocalJobManager, type LocalJobManagerOptions } from './local-job-manager.ts';
export { type OpenJobManagerOptions, openJobManager } from './open-job-manager.ts';
export type { Pipeline, PipelineContext, PipelineDefinition } from './pipeline.ts';
export { definePipeline, isPipeline, outputName, parsePipelineInput } from './pipeline.ts';
export { configPath, loadPipelineConfig, PipelineRegistry } from './pipeline-config.ts';
export {
  IdempotencyKeyReusedError,
  JobBackendUnavailableError,
  JobNotFoundError,
  JobStateError,
  PipelineConfigError,
  PipelineInputError,
  PipelineNotFoundError,
} from './pipeline-errors.ts';
export { pipelineStepResolver } from './pipeline-step-resolver.ts';
export { type PipelineWorker, type PipelineWorkerOptions, startPipelineWorker } from './pipeline-worker.ts';
