import type { StepRunSettings } from '../checkpoint/partition-task.ts';
import type { PipelineCall, StepRunner } from '../runners/step-runner.ts';
import type { UdfStep } from '../udf/index.ts';
import type { DeltaReport } from './delta-report.ts';
import type { ChainSource } from './sources/chain-source.ts';
import type { BinaryStep, SqlStep } from './steps.ts';

/**
 * Execution settings merged along a chain (later `.settings()` calls override earlier ones):
 * `concurrency`, `parallel`, `batchSize`, `flushIntervalMs`, `retries`, `rateLimit` for UDF steps
 * (see `ExecutionSettings`), plus the ones below. Settings never change a chain's hash.
 */
export interface ChainSettings extends StepRunSettings {
  /** Distributed workers (BullMQ). */
  readonly workers?: number;
  /** Rows per committed checkpoint batch. */
  readonly batchSize?: number;
  /** Cache file contents on local disk. */
  readonly cache?: boolean;
  /** Where UDF steps run (default: in this process). The BullMQ runner distributes partitions to workers. */
  readonly runner?: StepRunner;
  /**
   * Receives what a delta save did (delta, full with the reason — e.g. the UDF code changed —, or
   * unchanged). Default: one line on stderr.
   */
  readonly onDelta?: (report: DeltaReport) => void;
  /** The pipeline job this chain runs for (set by the job managers; lets workers rebuild the chain). */
  readonly pipeline?: PipelineCall;
}

/** A UDF step (map, gen, agg, batchMap) in a chain. */
export interface UdfPlanStep {
  readonly kind: 'udf';
  readonly udf: UdfStep;
}

/** One step of a chain plan. */
export type PlanStep = SqlStep | BinaryStep<ChainPlan> | UdfPlanStep;

/** Everything a chain is: immutable data, hashed for checkpoints and executed by terminals. */
export interface ChainPlan {
  readonly source: ChainSource;
  readonly steps: readonly PlanStep[];
  readonly settings: ChainSettings;
}
