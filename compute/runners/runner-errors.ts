import { ChainqlError } from '../../schema/errors.ts';

/** The distributed runner or a worker was configured wrongly (no Redis URL, bad partition size, …). */
export class RunnerConfigError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RUNNER_CONFIG', message, options);
  }
}

/**
 * A partition failed on a worker with an error that is not a row error (the worker could not load the
 * step, open the warehouse, or ran out of retries). `remoteCode`/`remoteName` describe the worker's error.
 */
export class PartitionFailedError extends ChainqlError {
  constructor(
    /** The partition's first input id. */
    readonly from: number,
    /** The partition's last input id. */
    readonly to: number,
    /** `code` of the error on the worker, when it had one. */
    readonly remoteCode: string | undefined,
    /** Class name of the error on the worker. */
    readonly remoteName: string,
    message: string,
  ) {
    super(
      'PARTITION_FAILED',
      `Partition of input rows ${from}..${to} failed on a worker: ${remoteName}: ${message}`,
    );
  }
}

/**
 * A worker rebuilt a pipeline's chain and found other code at the step's position than the coordinator
 * ran (a different config module or UDF body deployed on the worker, or a `run` that builds a different
 * chain for the same input). Deterministic: the partition is not retried.
 */
export class StepCodeMismatchError extends ChainqlError {
  constructor(message: string) {
    super('STEP_CODE_MISMATCH', message);
  }

  /** The error for step `position` (named `stepName`) of pipeline `pipeline`. */
  static forStep(
    pipeline: string,
    position: number,
    stepName: string,
    found: string | undefined,
  ): StepCodeMismatchError {
    return new StepCodeMismatchError(
      `Pipeline '${pipeline}', UDF step ${position + 1} ('${stepName}'): this worker ` +
        (found === undefined
          ? "rebuilt the pipeline's chain and it has no such step"
          : `rebuilt the pipeline's chain and found different code there ('${found}')`) +
        ', so it runs other code than the coordinator. Deploy the same config module and UDF code to the ' +
        'server and every worker, and restart the workers after changing them.',
    );
  }
}

/**
 * A worker was handed a job from a server that uses another warehouse (another ClickHouse database or another
 * SQLite file): running it would read and write the wrong data, so it fails at once, without retry.
 */
export class WarehouseMismatchError extends ChainqlError {
  constructor(
    readonly worker: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      'WAREHOUSE_MISMATCH',
      `This worker's warehouse (${worker}, identity ${found}) is not the one the job's server uses (identity ` +
        `${expected}). Start the worker with the server's warehouse: the same CHAINQL_CLICKHOUSE_URL (host and ` +
        'database), or on SQLite the same data directory. Nothing was run.',
    );
  }
}
