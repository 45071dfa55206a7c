import type { FileContext } from '../../clients/storage/file.ts';
import type { CompiledQuery } from '../../schema/dialect/compiled-query.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { Session } from '../session.ts';
import type { ExecutionSettings, ProgressEvent, UdfStep } from '../udf/index.ts';
import type { CheckpointStore, CheckpointTables } from './checkpoint-store.ts';

/** An inclusive range of input row ids (one partition of a distributed run). */
export interface IdRange {
  readonly from: number;
  readonly to: number;
}

/** Everything needed to process (part of) a UDF step's checkpointed input; what runners hand to workers. */
export interface PartitionTask {
  readonly inputSchema: DatasetSchema;
  readonly step: UdfStep;
  readonly tables: CheckpointTables;
  /** Only input ids in this range; all when undefined. */
  readonly range?: IdRange;
}

/** The settings a checkpointed step run reads (the chain's settings are a superset). */
export interface StepRunSettings extends ExecutionSettings {
  /** Files downloaded ahead of the UDF that reads them. Default 0. */
  readonly prefetch?: number;
  /** Receives typed progress events of the step. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Cancels the step: nothing more is committed; committed batches stay for a resume. */
  readonly signal?: AbortSignal;
}

/** What processing a checkpointed step's partitions needs from the run that prepared it. */
export interface StepRunContext {
  readonly session: Session;
  readonly checkpoints: CheckpointStore;
  readonly settings: StepRunSettings;
  /** How File fields of input rows read their content. Default: the session's storage. */
  readonly files?: FileContext;
  /** Compiles a query for the session's warehouse. */
  compile(query: SelectQuery): CompiledQuery;
}
