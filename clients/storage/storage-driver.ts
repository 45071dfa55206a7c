import { PassThrough, type Readable } from 'node:stream';
import type { StorageDriverName } from './storage-errors.ts';

/**
 * One listed or stat'ed object, or (in non-recursive listings) one common prefix ("directory").
 * Keys are always `/`-separated and relative to the bucket (or, for fs, to the root directory).
 */
export interface StorageEntry {
  /** `'object'` for a stored object, `'prefix'` for a common prefix of a delimiter listing. */
  readonly kind: 'object' | 'prefix';
  /** Full key inside the bucket; a prefix entry ends with `/`. */
  readonly key: string;
  /** Size in bytes (0 for prefixes). */
  readonly size: number;
  /** Entity tag without surrounding quotes, when the backend has one (fs: `mtimeMs-size`). */
  readonly etag?: string;
  /** Object version / generation, when the backend versions objects. */
  readonly version?: string;
  readonly lastModified?: Date;
  /** Known only from stat/write on some backends (S3 listings do not return it). */
  readonly contentType?: string;
}

/** Options of {@link StorageDriver.list}. */
export interface ListOptions {
  /** List every key under the prefix (true, default) or one level with `/` as delimiter (false). */
  readonly recursive?: boolean;
  /** Keys per request/page. Default 1000 (the S3/GCS/Azure maximum page size is 1000–5000). */
  readonly pageSize?: number;
  /**
   * Only keys strictly after this one (lexicographic by UTF-8 bytes on S3, by code units elsewhere).
   * S3 and GCS pass it to the server; fs, memory and Azure filter client-side.
   */
  readonly startAfter?: string;
  readonly signal?: AbortSignal;
}

/** Options common to single-object operations. */
export interface OpOptions {
  readonly signal?: AbortSignal;
}

/** The content identity a read must match (from a listing / File record). */
export interface ContentMatch {
  /** Entity tag as listed (without quotes). Used by s3, azure, fs, memory. */
  readonly etag?: string | null;
  /** Version / generation as listed. Used by gcs (reads exactly that generation). */
  readonly version?: string | null;
}

/** Options of {@link StorageDriver.read}. */
export interface ReadOptions extends OpOptions {
  /**
   * Read only if the object still has this identity; otherwise throw CHANGED (or NOT_FOUND on GCS
   * when that generation is gone). Default: read whatever is current.
   */
  readonly ifMatch?: ContentMatch;
}

/** Options of {@link StorageDriver.write}. */
export interface WriteOptions extends OpOptions {
  /** MIME type stored with the object. Default `application/octet-stream`. */
  readonly contentType?: string;
}

/**
 * The contract every storage backend implements (fs, memory, s3, gcs, azure). A driver is bound to
 * one bucket (container, root directory) and its options; the facade (`StorageContext`) caches one
 * per (scheme, bucket, options).
 *
 * Every method throws coded {@link StorageError}s naming driver, bucket and key:
 * `NOT_FOUND`, `BUCKET_NOT_FOUND`, `ACCESS_DENIED`, `STORAGE_UNAVAILABLE` (after retries), `ABORTED`.
 * Transient failures are retried inside the driver with exponential backoff and jitter.
 */
export interface StorageDriver {
  /** Backend name, used in errors and cache keys. */
  readonly name: StorageDriverName;
  /** Bucket / container (fs: absolute root directory; memory: namespace). */
  readonly bucket: string;

  /**
   * Lists keys starting with `prefix` in ascending key order, one array per backend page
   * (`pageSize` entries at most; never an empty page except when nothing matches). A missing bucket
   * throws BUCKET_NOT_FOUND on the first iteration; a missing prefix yields nothing.
   */
  list(prefix: string, options?: ListOptions): AsyncIterable<StorageEntry[]>;

  /** Metadata of one object. Throws NOT_FOUND when absent. */
  stat(key: string, options?: OpOptions): Promise<StorageEntry>;

  /**
   * The whole object as a Buffer. Throws NOT_FOUND when absent, CHANGED when `ifMatch` is given
   * and the object has another identity now.
   */
  read(key: string, options?: ReadOptions): Promise<Buffer>;

  /**
   * Bytes `[start, end)` — start inclusive, **end exclusive**, like `Buffer.subarray`. `end` past
   * the object's size is clamped; `start >= end` returns an empty Buffer without a request.
   */
  readRange(key: string, start: number, end: number, options?: OpOptions): Promise<Buffer>;

  /**
   * The object as a Node.js `Readable` (chosen over web streams: every SDK and `fs` speak it, and
   * `stream.pipeline` handles errors and back-pressure). Opening is retried; a failure in the
   * middle of the body is emitted as a stream error. Optional `[start, end)` range as readRange.
   */
  stream(key: string, options?: OpOptions & { start?: number; end?: number }): Promise<Readable>;

  /**
   * Stores `body` under `key`, replacing any existing object, and returns its new metadata.
   * Buffers are retried on transient failures; streams cannot be replayed and are not retried.
   */
  write(key: string, body: Buffer | Readable, options?: WriteOptions): Promise<StorageEntry>;

  /** Removes the object. Idempotent: deleting a missing key succeeds (S3 semantics). */
  delete(key: string, options?: OpOptions): Promise<void>;

  /** Releases sockets / clients. Optional; the driver is unusable afterwards. */
  close?(): Promise<void>;
}

/** Collects every listed entry (all pages) into one array; for tests and small listings. */
export async function listAll(
  driver: StorageDriver,
  prefix: string,
  options?: ListOptions,
): Promise<StorageEntry[]> {
  const out: StorageEntry[] = [];
  for await (const page of driver.list(prefix, options)) out.push(...page);
  return out;
}

/** Concatenates a Readable into one Buffer. */
export async function readAllStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Pipes an SDK body stream into a fresh PassThrough whose errors are mapped by `classify` (so a
 * reset in the middle of a body surfaces as STORAGE_UNAVAILABLE naming the key, not a raw socket error).
 */
export function mapStreamErrors(body: Readable, classify: (err: unknown) => Error): Readable {
  const out = new PassThrough();
  body.on('error', (err) => out.destroy(classify(err)));
  out.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(out);
  return out;
}

/**
 * Destroys `body` with `onStall()` when it yields no data for `ms` milliseconds before ending — for
 * SDK streams that hang instead of failing when a connection dies mid-body. Returns `body`.
 */
export function withIdleTimeout(body: Readable, ms: number, onStall: () => Error): Readable {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => body.destroy(onStall()), ms);
    timer.unref?.();
  };
  body.on('data', arm);
  body.once('end', () => clearTimeout(timer));
  body.once('close', () => clearTimeout(timer));
  body.once('error', () => clearTimeout(timer));
  arm();
  return body;
}

/** Validates a `[start, end)` range; throws RangeError for negative or non-integer bounds. */
export function checkRange(start: number, end: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < 0) {
    throw new RangeError(`Invalid byte range [${start}, ${end}): bounds must be non-negative integers`);
  }
}
