import type { PartitionTask, StepRunContext } from '../checkpoint/partition-task.ts';
import type { UdfStep } from '../udf/index.ts';

/**
 * A pipeline invocation a chain belongs to: workers that load the same config module rebuild the
 * chain by calling the pipeline's `run(input, ctx)`, so inline UDFs (also closures over `input`) run
 * there as written. Set by the job managers; scripts leave it unset.
 */
export interface PipelineCall {
  /** Pipeline name (as registered by `definePipeline`). */
  readonly name: string;
  /** The job's validated input (JSON). */
  readonly input: unknown;
  /** Id of the job (what `run` saw as `ctx.jobId`). */
  readonly jobId?: string;
}

/** Where a UDF step sits in its chain: what a worker needs to find the same step in the same code. */
export interface StepPlacement {
  /** Index of the step among the chain's UDF steps in run order (0-based; nested chains of joins first). */
  readonly position: number;
  /** The pipeline whose chain this is, when it runs as a job. */
  readonly pipeline?: PipelineCall;
}

/**
 * Where the UDF steps of a chain run. Two implementations, side by side in this folder:
 * `InProcessRunner` (the default: async concurrency and optional worker threads in this process) and
 * `BullmqRunner` (partitions on `chainql worker` processes). Both process a prepared checkpoint with
 * `executePartition`, so outputs, checkpoints and events are the same whichever ran the step.
 */
export interface StepRunner {
  /**
   * Checks, before anything of the chain runs or is enqueued, that this runner can run `step` where it
   * would run it (the BullMQ runner: that workers can load the UDF). Resolves when it can.
   * @throws UdfLoadError saying how to make the step runnable.
   */
  check(step: UdfStep, placement: StepPlacement): Promise<void>;
  /**
   * Processes every uncommitted row of the prepared checkpoint `task`; resolves only when all of them
   * are committed. Honours `context.settings.signal` (rejects with UdfAbortedError).
   */
  run(
    context: StepRunContext,
    task: PartitionTask,
    stepHash: string,
    placement: StepPlacement,
  ): Promise<void>;
}
