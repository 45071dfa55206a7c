import { ChainqlError } from '../../schema/errors.ts';

/** A pipeline's input does not match its zod schema; `field` is the dot path of the first bad field. */
export class PipelineInputError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    /** Pipeline name. */
    readonly pipeline: string,
    /** Dot path of the first invalid field ('' for the input as a whole). */
    readonly field: string,
    /** Every problem, as `path: message`. */
    readonly issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    const first = issues[0];
    super(
      'BAD_USER_INPUT',
      `Invalid input for pipeline '${pipeline}': ${field === '' ? 'input' : `field '${field}'`}: ${first?.message ?? 'invalid'}` +
        (issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : ''),
    );
  }
}

/** No pipeline with this name is registered. */
export class PipelineNotFoundError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    readonly pipeline: string,
    readonly known: readonly string[],
  ) {
    super(
      'PIPELINE_NOT_FOUND',
      `No pipeline named '${pipeline}' (registered: ${known.join(', ') || 'none'}).`,
    );
  }
}

/** A pipeline definition or config module is invalid (bad name, duplicate name, unloadable module). */
export class PipelineConfigError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PIPELINE_CONFIG', message, options);
  }
}

/** No job with this id exists (in this job manager's store). */
export class JobNotFoundError extends ChainqlError {
  static override readonly exposed = true;
  constructor(readonly jobId: string) {
    super('JOB_NOT_FOUND', `No job with id '${jobId}'.`);
  }
}

/** The operation does not apply to the job's current status (resume a running or succeeded job, …). */
export class JobStateError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    readonly jobId: string,
    readonly status: string,
    operation: string,
  ) {
    super('JOB_STATE', `Cannot ${operation} job '${jobId}': it is ${status}.`);
  }
}

/**
 * A launch reused an idempotency key with another input than the job the key already names. (The same
 * key with the same input returns that job.)
 */
export class IdempotencyKeyReusedError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    readonly pipeline: string,
    readonly key: string,
    /** Id of the job the key belongs to. */
    readonly jobId: string,
  ) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `Idempotency key '${key}' of pipeline '${pipeline}' already names job '${jobId}', launched with a ` +
        'different input. Use a new key for a different input (or the same input to get that job back).',
    );
  }
}

/** The job backend (Redis) cannot be reached, so the job operation did not happen. */
export class JobBackendUnavailableError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    /** The Redis URL (without password). */
    readonly url: string,
  ) {
    super(
      'REDIS_UNAVAILABLE',
      `Redis at ${url} is unreachable, so nothing was launched or read. Start Redis or fix CHAINQL_REDIS_URL; ` +
        'chainql keeps retrying the connection and answers again as soon as Redis is back.',
    );
  }
}
