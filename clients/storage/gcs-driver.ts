import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Bucket, Storage } from '@google-cloud/storage';
import { callWithRetry, type RetryPolicy } from './retry.ts';
import {
  checkRange,
  type ListOptions,
  mapStreamErrors,
  type OpOptions,
  type ReadOptions,
  readAllStream,
  type StorageDriver,
  type StorageEntry,
  type WriteOptions,
  withIdleTimeout,
} from './storage-driver.ts';
import {
  BucketNotFoundError,
  classifyStorageFailure,
  type StorageError,
  StorageNotFoundError,
  StorageUnavailableError,
} from './storage-errors.ts';

/** Options of {@link GcsDriver}. Unset fields fall back to Application Default Credentials. */
export interface GcsDriverOptions {
  readonly bucket: string;
  /** Project id. Default: from the credentials / `GOOGLE_CLOUD_PROJECT`. */
  readonly projectId?: string;
  /**
   * Custom API endpoint (emulators, fakes): `http://127.0.0.1:4443`. Requests to a custom endpoint
   * are not authenticated (the SDK's rule). Default: `CHAINQL_GCS_ENDPOINT`, else the SDK's own
   * `STORAGE_EMULATOR_HOST` handling, else Google.
   */
  readonly apiEndpoint?: string;
  /** Service-account key file. Default: `GOOGLE_APPLICATION_CREDENTIALS` / gcloud ADC. */
  readonly keyFilename?: string;
  /** Unauthenticated requests (public buckets). Default false. */
  readonly anon?: boolean;
  /** Transient-failure retries (the SDK's own auto-retry is disabled). */
  readonly retry?: RetryPolicy;
  /**
   * A download that receives no bytes for this long fails with STORAGE_UNAVAILABLE (and `read()`
   * retries). Needed because the SDK's stream hangs, instead of failing, when a connection dies
   * mid-body. Default 30 000 ms.
   */
  readonly idleTimeoutMs?: number;
  /** Per-request timeout in ms for JSON API calls (metadata, listing, upload). Default 60 000. */
  readonly requestTimeoutMs?: number;
  /**
   * Integrity check of whole downloads. `'md5'` (default) hashes natively (far cheaper in CPU than
   * the SDK's JavaScript CRC32C) and falls back to `'crc32c'` for objects without an MD5 (composite
   * objects); `'crc32c'` always; `false` none.
   */
  readonly validation?: 'md5' | 'crc32c' | false;
}

const LIST_FIELDS = 'items(name,size,etag,generation,updated,contentType),prefixes,nextPageToken';

interface GcsErrorShape {
  code?: number | string;
  type?: string;
  status?: number;
  response?: { statusCode?: number };
}

interface GcsObjectMetadata {
  name?: string;
  size?: string | number;
  etag?: string;
  generation?: string | number;
  updated?: string;
  contentType?: string;
}

/** Google Cloud Storage via `@google-cloud/storage` (JSON API), imported on first use. */
export class GcsDriver implements StorageDriver {
  readonly name = 'gcs' as const;
  readonly bucket: string;
  readonly #options: GcsDriverOptions;
  #ready: Promise<{ storage: Storage; bucket: Bucket }> | undefined;

  constructor(options: GcsDriverOptions) {
    this.bucket = options.bucket;
    this.#options = options;
  }

  #init(): Promise<{ storage: Storage; bucket: Bucket }> {
    this.#ready ??= (async () => {
      const { Storage } = await import('@google-cloud/storage');
      const o = this.#options;
      // An endpoint that differs textually from the default makes the SDK skip authentication.
      const endpoint =
        o.apiEndpoint ??
        process.env.CHAINQL_GCS_ENDPOINT ??
        (o.anon ? 'https://storage.googleapis.com:443' : undefined);
      const storage = new Storage({
        ...(endpoint !== undefined ? { apiEndpoint: endpoint } : {}),
        ...(o.projectId !== undefined
          ? { projectId: o.projectId }
          : endpoint !== undefined
            ? { projectId: 'anonymous' }
            : {}),
        ...(o.keyFilename !== undefined ? { keyFilename: o.keyFilename } : {}),
        retryOptions: { autoRetry: false, maxRetries: 0 },
        timeout: o.requestTimeoutMs ?? 60_000,
      });
      return { storage, bucket: storage.bucket(this.bucket) };
    })();
    return this.#ready;
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<StorageEntry[]> {
    const { bucket } = await this.#init();
    let pageToken: string | undefined;
    do {
      // `bucket.request` returns the JSON page as is; `getFiles` would build a File object per key,
      // which costs more CPU than the HTTP round trip on large listings.
      const [body] = await this.#call(prefix, 'bucket', options.signal, () =>
        bucket.request({
          uri: '/o',
          qs: {
            prefix,
            // Partial response: only the fields a StorageEntry needs (smaller pages, less parsing).
            fields: LIST_FIELDS,
            maxResults: options.pageSize ?? 1000,
            ...(options.recursive === false ? { delimiter: '/' } : {}),
            ...(pageToken !== undefined ? { pageToken } : {}),
            ...(options.startAfter !== undefined ? { startOffset: options.startAfter } : {}),
          },
        }),
      );
      const json = (body ?? {}) as {
        items?: GcsObjectMetadata[];
        prefixes?: string[];
        nextPageToken?: string;
      };
      const page: StorageEntry[] = [];
      for (const item of json.items ?? []) {
        const name = item.name ?? '';
        if (options.startAfter !== undefined && name <= options.startAfter) continue;
        page.push(toEntry(name, item));
      }
      for (const p of json.prefixes ?? []) page.push({ kind: 'prefix', key: p, size: 0 });
      if (json.prefixes?.length) page.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (page.length > 0) yield page;
      pageToken = json.nextPageToken;
    } while (pageToken !== undefined && pageToken !== '');
  }

  async stat(key: string, options?: OpOptions): Promise<StorageEntry> {
    const { bucket } = await this.#init();
    const [metadata] = await this.#objectCall(key, options?.signal, () => bucket.file(key).getMetadata());
    return toEntry(key, metadata as GcsObjectMetadata);
  }

  async read(key: string, options?: ReadOptions): Promise<Buffer> {
    const { bucket } = await this.#init();
    // A listed generation is read exactly (JSON API `generation`); gone → NOT_FOUND.
    const generation = options?.ifMatch?.version;
    const file = generation ? bucket.file(key, { generation: Number(generation) }) : bucket.file(key);
    // createReadStream (not download()) so a stalled body can be detected and retried.
    const validation = this.#options.validation ?? 'md5';
    const download = (v: 'md5' | 'crc32c' | false): Promise<Buffer> =>
      readAllStream(this.#watch(file.createReadStream({ validation: v }), key));
    return this.#objectCall(key, options?.signal, async () => {
      try {
        return await download(validation);
      } catch (err) {
        // Composite objects have no MD5: check their CRC32C instead.
        if (validation === 'md5' && (err as { code?: unknown }).code === 'MD5_NOT_AVAILABLE')
          return download('crc32c');
        throw err;
      }
    });
  }

  #watch(body: Readable, key: string): Readable {
    return withIdleTimeout(
      body,
      this.#options.idleTimeoutMs ?? 30_000,
      () => new StorageUnavailableError(this.#at(key), 'download stalled (no data before the idle timeout)'),
    );
  }

  async readRange(key: string, start: number, end: number, options?: OpOptions): Promise<Buffer> {
    checkRange(start, end);
    const size = (await this.stat(key, options)).size;
    const last = Math.min(end, size) - 1;
    if (start > last) return Buffer.alloc(0);
    const { bucket } = await this.#init();
    return this.#objectCall(key, options?.signal, () =>
      readAllStream(
        this.#watch(bucket.file(key).createReadStream({ start, end: last, validation: false }), key),
      ),
    );
  }

  async stream(key: string, options: OpOptions & { start?: number; end?: number } = {}): Promise<Readable> {
    if (options.end !== undefined) {
      checkRange(options.start ?? 0, options.end);
      if ((options.start ?? 0) >= options.end) return Readable.from([]);
    }
    await this.stat(key, options); // NOT_FOUND before handing out a stream
    const { bucket } = await this.#init();
    const body = this.#watch(
      bucket.file(key).createReadStream({
        ...(options.start !== undefined ? { start: options.start } : {}),
        ...(options.end !== undefined ? { end: options.end - 1 } : {}),
        ...(options.start !== undefined || options.end !== undefined ? { validation: false } : {}),
      }),
      key,
    );
    return mapStreamErrors(body, (err) => this.#classify(err, key, 'object', options.signal));
  }

  async write(key: string, body: Buffer | Readable, options: WriteOptions = {}): Promise<StorageEntry> {
    const { bucket } = await this.#init();
    const contentType = options.contentType ?? 'application/octet-stream';
    const file = bucket.file(key);
    if (Buffer.isBuffer(body)) {
      await this.#call(key, 'bucket', options.signal, () =>
        file.save(body, { resumable: false, contentType }),
      );
    } else {
      // Simple (multipart) upload: streams are not replayable, so no retry here.
      await this.#call(
        key,
        'bucket',
        options.signal,
        () =>
          pipeline(body, file.createWriteStream({ resumable: false, contentType }), {
            signal: options.signal,
          }),
        false,
      );
    }
    return { ...toEntry(key, file.metadata as GcsObjectMetadata), contentType };
  }

  async delete(key: string, options?: OpOptions): Promise<void> {
    const { bucket } = await this.#init();
    try {
      await this.#objectCall(key, options?.signal, () => bucket.file(key).delete());
    } catch (err) {
      if (err instanceof StorageNotFoundError) return;
      throw err;
    }
  }

  async #objectCall<T>(key: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.#call(key, 'object', signal, fn);
    } catch (err) {
      if (err instanceof StorageNotFoundError) {
        const { bucket } = await this.#init();
        const exists = await this.#call('', 'bucket', signal, () => bucket.exists()).then(
          ([e]) => e,
          () => true,
        );
        if (!exists) throw new BucketNotFoundError(this.#at(key), { cause: err });
      }
      throw err;
    }
  }

  #call<T>(
    key: string,
    notFound: 'object' | 'bucket',
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
    retry = true,
  ): Promise<T> {
    return callWithRetry(
      fn,
      (err) => this.#classify(err, key, notFound, signal),
      this.#options.retry,
      retry,
      signal,
    );
  }

  #classify(err: unknown, key: string, notFound: 'object' | 'bucket', signal?: AbortSignal): StorageError {
    const e = (err ?? {}) as GcsErrorShape;
    // node-fetch (under the SDK) reports timeouts and socket failures as FetchError with a `type`;
    // its `response` may carry the 200 of a body that then stalled or was cut (invalid-json), which
    // must not count as success.
    if (
      e.type === 'body-timeout' ||
      e.type === 'request-timeout' ||
      e.type === 'system' ||
      e.type === 'invalid-json'
    ) {
      return classifyStorageFailure(err, this.#at(key), { code: 'ETIMEDOUT', notFound, signal });
    }
    const status = typeof e.code === 'number' ? e.code : (e.response?.statusCode ?? e.status);
    const facts: { status?: number; code?: string; notFound: 'object' | 'bucket'; signal?: AbortSignal } = {
      notFound,
      signal,
    };
    if (status !== undefined) facts.status = status;
    if (typeof e.code === 'string') facts.code = e.code;
    return classifyStorageFailure(err, this.#at(key), facts);
  }

  #at(key: string): { driver: 'gcs'; bucket: string; key: string } {
    return { driver: 'gcs', bucket: this.bucket, key };
  }
}

function toEntry(key: string, m: GcsObjectMetadata): StorageEntry {
  return {
    kind: 'object',
    key,
    size: Number(m.size ?? 0),
    ...(m.etag !== undefined ? { etag: m.etag } : {}),
    ...(m.generation !== undefined ? { version: String(m.generation) } : {}),
    ...(m.updated !== undefined ? { lastModified: new Date(m.updated) } : {}),
    ...(m.contentType !== undefined ? { contentType: m.contentType } : {}),
  };
}
