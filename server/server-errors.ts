import { ChainqlError } from '../schema/errors.ts';

/**
 * Errors the GraphQL server raises on purpose. Each class marked `exposed` becomes a GraphQL error whose
 * `extensions.code` is its `code` (see `plugins/use-error-codes.ts`); anything else is masked as
 * "Unexpected error." so internals (SQL, paths) never leak.
 */

/** An argument the server cannot honour (bad filter, multi-key order_by, huge limit, bad path …). */
export class BadUserInputError extends ChainqlError {
  static override readonly exposed = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('BAD_USER_INPUT', message, options);
  }
}

/** A `version:` argument naming a version the dataset does not have. */
export class ServedVersionNotFoundError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    readonly dataset: string,
    readonly version: string,
  ) {
    super('VERSION_NOT_FOUND', `Dataset '${dataset}' has no version '${version}'.`);
  }
}

/** The dataset (or the version a request reads) was deleted after the request's schema was built. */
export class DatasetVanishedError extends ChainqlError {
  static override readonly exposed = true;
  constructor(options?: { cause?: unknown }) {
    super('DATASET_NOT_FOUND', 'The dataset (or this version of it) no longer exists.', options);
  }
}

/** A query that ran longer than the per-query timeout; its SQLite statement was interrupted. */
export class QueryTimeoutError extends ChainqlError {
  static override readonly exposed = true;
  constructor(readonly timeoutMs: number) {
    super('TIMEOUT', `Query exceeded the ${timeoutMs} ms timeout and was cancelled.`);
  }
}

/** No API key, or an unknown one, while keys are configured. HTTP 401. */
export class UnauthenticatedError extends ChainqlError {
  static override readonly exposed = true;
  constructor(message = 'A valid API key is required (Authorization: Bearer <key> or x-api-key).') {
    super('UNAUTHENTICATED', message);
  }
}

/** A known key whose role does not allow the operation. HTTP 403. */
export class ForbiddenError extends ChainqlError {
  static override readonly exposed = true;
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** The server refuses to start in an unsafe configuration (no keys on a non-loopback host, …). */
export class ServerConfigError extends ChainqlError {
  constructor(message: string) {
    super('SERVER_CONFIG', message);
  }
}
