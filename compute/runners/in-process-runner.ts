import { executePartition } from '../checkpoint/partition-executor.ts';
import type { PartitionTask, StepRunContext } from '../checkpoint/partition-task.ts';
import type { StepRunner } from './step-runner.ts';

/**
 * The default runner: processes a step's rows in this process, with `concurrency` rows in flight and
 * `parallel` worker threads (see ExecutionSettings). Every UDF can run here, so `check` accepts all.
 */
export class InProcessRunner implements StepRunner {
  /** @inheritdoc */
  async check(): Promise<void> {}

  /** @inheritdoc */
  run(context: StepRunContext, task: PartitionTask): Promise<void> {
    return executePartition(context, task);
  }
}

/** The shared in-process runner (stateless). */
export const IN_PROCESS_RUNNER: StepRunner = new InProcessRunner();
