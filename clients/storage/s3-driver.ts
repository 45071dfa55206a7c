import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { callWithRetry, type RetryPolicy } from './retry.ts';
import {
  checkRange,
  type ListOptions,
  mapStreamErrors,
  type OpOptions,
  type ReadOptions,
  type StorageDriver,
  type StorageEntry,
  type WriteOptions,
} from './storage-driver.ts';
import {
  BucketNotFoundError,
  classifyStorageFailure,
  StorageChangedError,
  type StorageError,
  StorageNotFoundError,
} from './storage-errors.ts';

type S3Module = typeof import('@aws-sdk/client-s3');

/** Options of {@link S3Driver}. Unset fields fall back to the AWS SDK's standard env vars/config files. */
export interface S3DriverOptions {
  readonly bucket: string;
  /** Region. Default: `AWS_REGION` / `AWS_DEFAULT_REGION` / config files, else `us-east-1`. */
  readonly region?: string;
  /**
   * Custom endpoint for S3-compatible servers and emulators (`http://127.0.0.1:4568`).
   * Default: `CHAINQL_S3_ENDPOINT`, else `AWS_ENDPOINT_URL_S3` (read by the SDK itself), else AWS.
   */
  readonly endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`). Default: true when an endpoint is set. */
  readonly forcePathStyle?: boolean;
  /** Send unsigned requests (public buckets); no credential lookup. Default false. */
  readonly anon?: boolean;
  /** Explicit credentials. Default: the SDK's provider chain (env, ~/.aws, SSO, IMDS, …). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Transient-failure retries (the SDK's own retries are disabled). */
  readonly retry?: RetryPolicy;
  /** Sockets per host (bounds parallel listing/reads). Default 64. */
  readonly maxSockets?: number;
  /** Per-request timeout in ms. Default 60 000. */
  readonly requestTimeoutMs?: number;
  /** Stream uploads switch to multipart above this many bytes. Default 8 MiB (S3 minimum part is 5 MiB). */
  readonly partSize?: number;
}

interface S3ErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Amazon S3 and S3-compatible servers via `@aws-sdk/client-s3`, imported on first use. */
export class S3Driver implements StorageDriver {
  readonly name = 's3' as const;
  readonly bucket: string;
  readonly #options: S3DriverOptions;
  #ready: Promise<{ sdk: S3Module; client: S3Client }> | undefined;

  constructor(options: S3DriverOptions) {
    this.bucket = options.bucket;
    this.#options = options;
  }

  /** The underlying SDK client (created lazily); for benchmarks and advanced use. */
  async client(): Promise<S3Client> {
    return (await this.#init()).client;
  }

  #init(): Promise<{ sdk: S3Module; client: S3Client }> {
    this.#ready ??= (async () => {
      const sdk = await import('@aws-sdk/client-s3');
      const o = this.#options;
      const endpoint = o.endpoint ?? process.env.CHAINQL_S3_ENDPOINT;
      const maxSockets = o.maxSockets ?? 64;
      const client = new sdk.S3Client({
        region: o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        ...(endpoint !== undefined ? { endpoint } : {}),
        forcePathStyle:
          o.forcePathStyle ?? (endpoint !== undefined || process.env.AWS_ENDPOINT_URL_S3 !== undefined),
        maxAttempts: 1,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: {
          httpAgent: { keepAlive: true, maxSockets },
          httpsAgent: { keepAlive: true, maxSockets },
          requestTimeout: o.requestTimeoutMs ?? 60_000,
        },
        ...(o.anon
          ? { credentials: { accessKeyId: '', secretAccessKey: '' }, signer: { sign: async (req) => req } }
          : o.credentials !== undefined
            ? { credentials: o.credentials }
            : {}),
      });
      return { sdk, client };
    })();
    return this.#ready;
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<StorageEntry[]> {
    const { sdk, client } = await this.#init();
    let token: string | undefined;
    do {
      const out = await this.#call(prefix, 'bucket', options.signal, () =>
        client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            MaxKeys: options.pageSize ?? 1000,
            ...(options.recursive === false ? { Delimiter: '/' } : {}),
            ...(token !== undefined ? { ContinuationToken: token } : {}),
            ...(token === undefined && options.startAfter !== undefined
              ? { StartAfter: options.startAfter }
              : {}),
          }),
          { abortSignal: options.signal },
        ),
      );
      const page: StorageEntry[] = [];
      for (const c of out.Contents ?? []) {
        if (c.Key === undefined) continue;
        page.push({
          kind: 'object',
          key: c.Key,
          size: c.Size ?? 0,
          ...(c.ETag !== undefined ? { etag: unquote(c.ETag) } : {}),
          ...(c.LastModified !== undefined ? { lastModified: c.LastModified } : {}),
        });
      }
      for (const p of out.CommonPrefixes ?? []) {
        if (p.Prefix !== undefined) page.push({ kind: 'prefix', key: p.Prefix, size: 0 });
      }
      if (out.CommonPrefixes?.length) page.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (page.length > 0) yield page;
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async stat(key: string, options?: OpOptions): Promise<StorageEntry> {
    const { sdk, client } = await this.#init();
    const out = await this.#objectCall(key, options?.signal, () =>
      client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: options?.signal,
      }),
    );
    return {
      kind: 'object',
      key,
      size: out.ContentLength ?? 0,
      ...(out.ETag !== undefined ? { etag: unquote(out.ETag) } : {}),
      ...(out.VersionId !== undefined && out.VersionId !== 'null' ? { version: out.VersionId } : {}),
      ...(out.LastModified !== undefined ? { lastModified: out.LastModified } : {}),
      ...(out.ContentType !== undefined ? { contentType: out.ContentType } : {}),
    };
  }

  async read(key: string, options?: ReadOptions): Promise<Buffer> {
    const { sdk, client } = await this.#init();
    const etag = options?.ifMatch?.etag;
    return this.#objectCall(key, options?.signal, async () => {
      const out = await client.send(
        new sdk.GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(etag ? { IfMatch: `"${etag}"` } : {}),
        }),
        { abortSignal: options?.signal },
      );
      // Servers that ignore If-Match (s3rver, some S3-compatible stores): check the returned ETag.
      if (etag && out.ETag !== undefined && unquote(out.ETag) !== etag) {
        (out.Body as Readable | undefined)?.destroy?.();
        throw new StorageChangedError(this.#at(key));
      }
      return Buffer.from(
        await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
    });
  }

  async readRange(key: string, start: number, end: number, options?: OpOptions): Promise<Buffer> {
    checkRange(start, end);
    if (start >= end) {
      await this.stat(key, options);
      return Buffer.alloc(0);
    }
    const { sdk, client } = await this.#init();
    return this.#objectCall(key, options?.signal, async () => {
      try {
        const out = await client.send(
          new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
          { abortSignal: options?.signal },
        );
        return Buffer.from(
          await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
        );
      } catch (err) {
        // 416: the range starts at or past the end of the object → empty, like Buffer.subarray.
        if ((err as S3ErrorShape).$metadata?.httpStatusCode === 416) return Buffer.alloc(0);
        throw err;
      }
    });
  }

  async stream(key: string, options: OpOptions & { start?: number; end?: number } = {}): Promise<Readable> {
    const { start, end } = options;
    if (end !== undefined) {
      checkRange(start ?? 0, end);
      if ((start ?? 0) >= end) return Readable.from([]);
    }
    const range =
      start !== undefined || end !== undefined
        ? `bytes=${start ?? 0}-${end !== undefined ? end - 1 : ''}`
        : undefined;
    const { sdk, client } = await this.#init();
    return this.#objectCall(key, options.signal, async () => {
      const out = await client.send(
        new sdk.GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(range !== undefined ? { Range: range } : {}),
        }),
        { abortSignal: options.signal },
      );
      return mapStreamErrors(out.Body as Readable, (err) =>
        this.#classify(err, key, 'object', options.signal),
      );
    });
  }

  async write(key: string, body: Buffer | Readable, options: WriteOptions = {}): Promise<StorageEntry> {
    const { sdk, client } = await this.#init();
    const contentType = options.contentType ?? 'application/octet-stream';
    const put = (data: Buffer) =>
      this.#call(
        key,
        'bucket',
        options.signal,
        () =>
          client.send(
            new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: data, ContentType: contentType }),
            { abortSignal: options.signal },
          ),
        true,
      );
    let out: { ETag?: string; VersionId?: string };
    let size: number;
    if (Buffer.isBuffer(body)) {
      out = await put(body);
      size = body.length;
    } else {
      ({ out, size } = await this.#writeStream(key, body, contentType, put, options.signal));
    }
    return {
      kind: 'object',
      key,
      size,
      ...(out.ETag !== undefined ? { etag: unquote(out.ETag) } : {}),
      ...(out.VersionId !== undefined ? { version: out.VersionId } : {}),
      lastModified: new Date(),
      contentType,
    };
  }

  /** Buffers up to partSize; small bodies become one PutObject, larger ones a multipart upload. */
  async #writeStream(
    key: string,
    body: Readable,
    contentType: string,
    put: (data: Buffer) => Promise<{ ETag?: string; VersionId?: string }>,
    signal: AbortSignal | undefined,
  ): Promise<{ out: { ETag?: string; VersionId?: string }; size: number }> {
    const { sdk, client } = await this.#init();
    const partSize = this.#options.partSize ?? 8 * 1024 * 1024;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let uploadId: string | undefined;
    const parts: { ETag: string; PartNumber: number }[] = [];
    const flush = async (): Promise<void> => {
      const data = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      if (uploadId === undefined) {
        const created = await this.#call(key, 'bucket', signal, () =>
          client.send(
            new sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
          ),
        );
        uploadId = created.UploadId;
      }
      const PartNumber = parts.length + 1;
      const res = await this.#call(key, 'bucket', signal, () =>
        client.send(
          new sdk.UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber,
            Body: data,
          }),
        ),
      );
      parts.push({ ETag: res.ETag ?? '', PartNumber });
    };
    try {
      for await (const chunk of body) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        pending.push(buf);
        pendingBytes += buf.length;
        size += buf.length;
        if (pendingBytes >= partSize) await flush();
      }
      if (uploadId === undefined) return { out: await put(Buffer.concat(pending)), size };
      if (pendingBytes > 0) await flush();
      const done = await this.#call(key, 'bucket', signal, () =>
        client.send(
          new sdk.CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        ),
      );
      return { out: done, size };
    } catch (err) {
      if (uploadId !== undefined) {
        await client
          .send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      }
      throw err;
    }
  }

  async delete(key: string, options?: OpOptions): Promise<void> {
    const { sdk, client } = await this.#init();
    await this.#call(key, 'bucket', options?.signal, () =>
      client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: options?.signal,
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#ready !== undefined) (await this.#ready).client.destroy();
  }

  /** An object-level call: a 404 becomes NOT_FOUND, or BUCKET_NOT_FOUND when the bucket is missing. */
  async #objectCall<T>(key: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.#call(key, 'object', signal, fn);
    } catch (err) {
      if (err instanceof StorageNotFoundError && !(await this.#bucketExists(signal))) {
        throw new BucketNotFoundError(this.#at(key), { cause: err });
      }
      throw err;
    }
  }

  async #bucketExists(signal?: AbortSignal): Promise<boolean> {
    const { sdk, client } = await this.#init();
    try {
      await this.#call('', 'bucket', signal, () =>
        client.send(new sdk.HeadBucketCommand({ Bucket: this.bucket })),
      );
      return true;
    } catch (err) {
      if (err instanceof BucketNotFoundError) return false;
      return true;
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
    const e = (err ?? {}) as S3ErrorShape;
    const name = e.name === 'Error' || e.name === undefined ? (e.code ?? e.Code) : e.name;
    const facts: { status?: number; code?: string; notFound: 'object' | 'bucket'; signal?: AbortSignal } = {
      notFound,
      signal,
    };
    if (e.$metadata?.httpStatusCode !== undefined) facts.status = e.$metadata.httpStatusCode;
    if (e.code !== undefined && e.$metadata?.httpStatusCode === undefined) facts.code = e.code;
    else if (name !== undefined) facts.code = name;
    if (facts.code === 'NoSuchBucket') facts.notFound = 'bucket';
    if (facts.code === 'NoSuchKey') facts.notFound = 'object';
    return classifyStorageFailure(err, this.#at(key), facts);
  }

  #at(key: string): { driver: 's3'; bucket: string; key: string } {
    return { driver: 's3', bucket: this.bucket, key };
  }
}

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}
