import type { ChainSource } from './sources/chain-source.ts';
import type { BinaryStep, SqlStep } from './steps.ts';

/** Execution settings merged along a chain (later `.settings()` calls override earlier ones). */
export interface ChainSettings {
  /** Rows in flight at once per worker for UDF steps (the knob for LLM/API calls). */
  readonly concurrency?: number;
  /** Worker threads for CPU-bound UDFs. */
  readonly parallel?: number;
  /** Distributed workers (BullMQ). */
  readonly workers?: number;
  /** Files downloaded ahead of the UDF that reads them. */
  readonly prefetch?: number;
  /** Rows per committed checkpoint batch. */
  readonly batchSize?: number;
  /** Cache file contents on local disk. */
  readonly cache?: boolean;
}

/** One step of a chain plan. */
export type PlanStep = SqlStep | BinaryStep<ChainPlan>;

/** Everything a chain is: immutable data, hashed for checkpoints and executed by terminals. */
export interface ChainPlan {
  readonly source: ChainSource;
  readonly steps: readonly PlanStep[];
  readonly settings: ChainSettings;
}
