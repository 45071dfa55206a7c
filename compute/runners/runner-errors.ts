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
