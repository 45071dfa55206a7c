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
