import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { CheckpointTables } from '../checkpoint/checkpoint-store.ts';
import type { IdRange, StepRunSettings } from '../checkpoint/partition-task.ts';
import type { ExecutionSettings } from '../udf/index.ts';
import type { StepSource } from './bullmq-step-source.ts';

/** BullMQ job name of a partition (child) job. */
export const PARTITION_JOB = 'partition';
/** BullMQ job name of the parent job of one step run (completes when every partition did). */
export const STEP_JOB = 'step';

/** The data of one partition job: everything a worker needs, all JSON. */
export interface PartitionJobData {
  /** Data directory of the warehouse (the SQLite file `chainql.db` inside it). */
  readonly dataDir: string;
  /** The coordinator's warehouse identity (`RegistryStore.identity`): a worker on another warehouse refuses the job. */
  readonly warehouse?: string;
  /** Hash of the step (names its checkpoint tables). */
  readonly stepHash: string;
  /** Id of this run of the step (cancel marker, job ids). */
  readonly runId: string;
  readonly tables: CheckpointTables;
  /** The step's input schema (serialisable field-type description). */
  readonly inputSchema: DatasetSchema;
  /** How the worker finds the step's code. */
  readonly step: StepSource;
  /** Inclusive input id range of this partition. */
  readonly range: IdRange;
  /** Rows of the range not committed when the job was enqueued (for progress totals). */
  readonly pending: number;
  /** The chain's execution settings and `prefetch` (JSON subset). */
  readonly settings: SerialisableSettings;
  /**
   * The chain's `cache` setting: File fields are read through the worker's content cache, in the worker
   * session's data directory (its own with ClickHouse; see `WorkerSessions`).
   */
  readonly cacheFiles?: boolean;
}

/** Progress a worker reports on a partition job (`job.updateProgress`). */
export interface PartitionProgress {
  /** Input rows of this partition committed so far by the current attempt. */
  readonly done: number;
  /** Outputs committed by the current attempt. */
  readonly outputs: number;
  /** Stored row errors committed by the current attempt. */
  readonly errors: number;
}

/** What a worker stores in a failed partition job's data so the coordinator can rethrow it faithfully. */
export interface RemoteError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** For row errors: the failing input row id, step name and attempts. */
  readonly rowId?: number;
  readonly step?: string;
  readonly attempts?: number;
  /** For row errors: the UDF's own error; for WAREHOUSE_UNREACHABLE: the network error. */
  readonly cause?: { readonly name: string; readonly message: string; readonly code?: string };
  /** For WAREHOUSE_UNREACHABLE: the warehouse URL (without credentials). */
  readonly url?: string;
}

/** The settings a partition job carries to its worker: the execution settings and `prefetch`. */
export type SerialisableSettings = ExecutionSettings & Pick<StepRunSettings, 'prefetch'>;

/**
 * The JSON-serialisable settings of a step run that a worker honours (callbacks, signals and runners dropped):
 * concurrency, parallel, batchSize, flushIntervalMs, retries, rateLimit and prefetch.
 */
export function serialisableSettings(settings: StepRunSettings): SerialisableSettings {
  const { concurrency, parallel, batchSize, flushIntervalMs, retries, rateLimit, prefetch } = settings;
  const picked: Record<string, unknown> = {
    concurrency,
    parallel,
    batchSize,
    flushIntervalMs,
    retries,
    rateLimit,
    prefetch,
  };
  for (const key of Object.keys(picked)) if (picked[key] === undefined) delete picked[key];
  return JSON.parse(JSON.stringify(picked)) as SerialisableSettings;
}
