import { ChainqlError } from '../../schema/errors.ts';

/** Which backend raised a storage error. */
export type StorageDriverName = 'fs' | 'memory' | 's3' | 'gcs' | 'azure';

/** Where a storage error happened: the driver, the bucket (container, root directory) and the key. */
export interface StorageErrorLocation {
  readonly driver: StorageDriverName | 'uri';
  readonly bucket: string;
  /** Object key (or listing prefix); empty for bucket-level failures. */
  readonly key: string;
}

/**
 * Base class of all storage failures. `code` is stable; `driver`, `bucket` and `key` name the object.
 * Retry policies read `retryable` (set by the class), never the message.
 */
export abstract class StorageError extends ChainqlError {
  readonly driver: StorageErrorLocation['driver'];
  readonly bucket: string;
  readonly key: string;
  /** True when repeating the same request may succeed (timeouts, 5xx, resets, throttling). */
  abstract readonly retryable: boolean;

  constructor(code: string, what: string, at: StorageErrorLocation, options?: { cause?: unknown }) {
    super(code, `${what} (${describe(at)})`, options);
    this.driver = at.driver;
    this.bucket = at.bucket;
    this.key = at.key;
  }
}

function describe(at: StorageErrorLocation): string {
  const key = at.key === '' ? '' : ` key '${at.key}'`;
  return `${at.driver} bucket '${at.bucket}'${key}`;
}

/** The object does not exist (or was deleted since it was listed). */
export class StorageNotFoundError extends StorageError {
  readonly retryable = false;
  constructor(at: StorageErrorLocation, options?: { cause?: unknown }) {
    super('NOT_FOUND', 'Object not found', at, options);
  }
}

/** The object exists but no longer has the etag/version it was listed with (see ReadOptions.ifMatch). */
export class StorageChangedError extends StorageError {
  readonly retryable = false;
  constructor(at: StorageErrorLocation, options?: { cause?: unknown }) {
    super(
      'CHANGED',
      'Object changed since it was listed; relist (update: true) to read the new content',
      at,
      options,
    );
  }
}

/** The bucket / container / root directory does not exist. */
export class BucketNotFoundError extends StorageError {
  readonly retryable = false;
  constructor(at: StorageErrorLocation, options?: { cause?: unknown }) {
    super('BUCKET_NOT_FOUND', 'Bucket not found', at, options);
  }
}

/** Credentials are missing, wrong or lack permission (401/403, bad signature). */
export class StorageAccessDeniedError extends StorageError {
  readonly retryable = false;
  constructor(at: StorageErrorLocation, detail: string, options?: { cause?: unknown }) {
    super(
      'ACCESS_DENIED',
      `Access denied: ${detail}. Check the credentials (or pass anon: true for public data)`,
      at,
      options,
    );
  }
}

/** A transient failure: timeout, connection reset, 5xx, throttling. Retried with backoff. */
export class StorageUnavailableError extends StorageError {
  readonly retryable = true;
  constructor(at: StorageErrorLocation, detail: string, options?: { cause?: unknown }) {
    super('STORAGE_UNAVAILABLE', `Storage unavailable: ${detail}`, at, options);
  }
}

/** A URI that chainql cannot parse or whose scheme has no driver. */
export class InvalidStorageUriError extends StorageError {
  readonly retryable = false;
  constructor(
    readonly uri: string,
    detail: string,
  ) {
    super('INVALID_URI', `Invalid storage URI '${uri}': ${detail}`, { driver: 'uri', bucket: '', key: '' });
  }
}

/** A request the backend rejected as malformed (bad range, bad key). Not retried. */
export class StorageRequestError extends StorageError {
  readonly retryable = false;
  constructor(at: StorageErrorLocation, detail: string, options?: { cause?: unknown }) {
    super('STORAGE_REQUEST_FAILED', `Storage request failed: ${detail}`, at, options);
  }
}

/** The caller aborted the operation through its AbortSignal. */
export class StorageAbortedError extends StorageError {
  readonly retryable = false;
  constructor(at: StorageErrorLocation, options?: { cause?: unknown }) {
    super('ABORTED', 'Storage operation aborted', at, options);
  }
}

const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'InternalError',
  'ServiceUnavailable',
  'ServerBusy',
  'OperationTimedOut',
  'REQUEST_SEND_ERROR',
  'CONTENT_DOWNLOAD_MISMATCH', // GCS: body does not match its hash (retried: usually a bad transfer)
]);

/**
 * Classifies an SDK/network failure by its structured fields (HTTP status, error code/name) into
 * the coded classes above. `notFound` decides what a 404 means at this call site (object or bucket).
 * Unknown failures become StorageRequestError (not retried). `signal` tells whether an AbortError
 * came from the caller (ABORTED) or from the SDK giving up on a broken connection (retryable).
 */
export function classifyStorageFailure(
  err: unknown,
  at: StorageErrorLocation,
  facts: { status?: number; code?: string; notFound?: 'object' | 'bucket'; signal?: AbortSignal | undefined },
): StorageError {
  if (err instanceof StorageError) return err;
  const status = facts.status;
  const code = facts.code ?? '';
  if (code === 'AbortError' || (err instanceof Error && err.name === 'AbortError')) {
    // Only the caller's own signal makes an abort final; an SDK aborting a broken body is transient.
    if (facts.signal?.aborted) return new StorageAbortedError(at, { cause: err });
    return new StorageUnavailableError(at, 'request aborted by the client library', { cause: err });
  }
  if (
    status === 404 ||
    code === 'NoSuchKey' ||
    code === 'NotFound' ||
    code === 'ENOENT' ||
    code === 'BlobNotFound'
  ) {
    if (facts.notFound === 'bucket') return new BucketNotFoundError(at, { cause: err });
    return new StorageNotFoundError(at, { cause: err });
  }
  if (code === 'NoSuchBucket' || code === 'ContainerNotFound')
    return new BucketNotFoundError(at, { cause: err });
  if (status === 412 || code === 'PreconditionFailed' || code === 'ConditionNotMet') {
    return new StorageChangedError(at, { cause: err });
  }
  if (status === 401 || status === 403 || code === 'EACCES' || code === 'EPERM') {
    return new StorageAccessDeniedError(at, code || `HTTP ${status}`, { cause: err });
  }
  if (
    (status !== undefined && (status >= 500 || status === 408 || status === 429)) ||
    TRANSIENT_NODE_CODES.has(code)
  ) {
    return new StorageUnavailableError(at, code || `HTTP ${status}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StorageRequestError(
    at,
    `${code || (status !== undefined ? `HTTP ${status}` : 'error')}: ${message}`,
    {
      cause: err,
    },
  );
}
