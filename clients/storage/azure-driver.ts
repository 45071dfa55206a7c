import { Readable } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
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
} from './storage-driver.ts';
import { classifyStorageFailure, StorageAccessDeniedError, type StorageError } from './storage-errors.ts';

/**
 * Options of {@link AzureDriver}. Credentials are tried in this order: `connectionString`
 * (default `AZURE_STORAGE_CONNECTION_STRING`), `accountKey` (default `AZURE_STORAGE_KEY`),
 * `sasToken` (default `AZURE_STORAGE_SAS_TOKEN`), `anon`, then `DefaultAzureCredential` from
 * `@azure/identity` when that package is installed.
 */
export interface AzureDriverOptions {
  /** Container name. */
  readonly container: string;
  /** Storage account. Default `AZURE_STORAGE_ACCOUNT` (not needed with a connection string). */
  readonly account?: string;
  readonly connectionString?: string;
  readonly accountKey?: string;
  readonly sasToken?: string;
  /** Anonymous requests (public containers). Default false. */
  readonly anon?: boolean;
  /** Blob service URL. Default `https://<account>.blob.core.windows.net`. */
  readonly endpoint?: string;
  /** Transient-failure retries (the SDK's own retries are disabled). */
  readonly retry?: RetryPolicy;
}

interface AzureErrorShape {
  statusCode?: number;
  code?: string;
  details?: { errorCode?: string };
}

/** Azure Blob Storage via `@azure/storage-blob`, imported on first use. The container is the bucket. */
export class AzureDriver implements StorageDriver {
  readonly name = 'azure' as const;
  readonly bucket: string;
  readonly #options: AzureDriverOptions;
  #ready: Promise<ContainerClient> | undefined;

  constructor(options: AzureDriverOptions) {
    this.bucket = options.container;
    this.#options = options;
  }

  #init(): Promise<ContainerClient> {
    this.#ready ??= (async () => {
      const sdk = await import('@azure/storage-blob');
      const o = this.#options;
      const pipelineOptions = { retryOptions: { maxTries: 1 }, keepAliveOptions: { enable: true } };
      const connectionString =
        o.connectionString ?? (o.anon ? undefined : process.env.AZURE_STORAGE_CONNECTION_STRING);
      if (connectionString !== undefined) {
        return sdk.BlobServiceClient.fromConnectionString(
          connectionString,
          pipelineOptions,
        ).getContainerClient(this.bucket);
      }
      const account = o.account ?? process.env.AZURE_STORAGE_ACCOUNT;
      const url =
        o.endpoint ?? (account !== undefined ? `https://${account}.blob.core.windows.net` : undefined);
      if (url === undefined) {
        throw new StorageAccessDeniedError(
          this.#at(''),
          'no Azure account: set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT (or pass account/endpoint)',
        );
      }
      const key = o.accountKey ?? process.env.AZURE_STORAGE_KEY;
      const sas = o.sasToken ?? process.env.AZURE_STORAGE_SAS_TOKEN;
      let credential:
        | InstanceType<typeof sdk.StorageSharedKeyCredential>
        | InstanceType<typeof sdk.AnonymousCredential>;
      let serviceUrl = url;
      if (o.anon) credential = new sdk.AnonymousCredential();
      else if (key !== undefined && account !== undefined)
        credential = new sdk.StorageSharedKeyCredential(account, key);
      else if (sas !== undefined) {
        credential = new sdk.AnonymousCredential();
        serviceUrl = `${url}?${sas.replace(/^\?/, '')}`;
      } else {
        try {
          const identity = (await import('@azure/identity' as string)) as {
            DefaultAzureCredential: new () => InstanceType<typeof sdk.AnonymousCredential>;
          };
          return new sdk.BlobServiceClient(
            url,
            new identity.DefaultAzureCredential(),
            pipelineOptions,
          ).getContainerClient(this.bucket);
        } catch (err) {
          throw new StorageAccessDeniedError(
            this.#at(''),
            'no Azure credentials found (and @azure/identity unavailable)',
            {
              cause: err,
            },
          );
        }
      }
      return new sdk.BlobServiceClient(serviceUrl, credential, pipelineOptions).getContainerClient(
        this.bucket,
      );
    })();
    return this.#ready;
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<StorageEntry[]> {
    const container = await this.#init();
    const maxPageSize = options.pageSize ?? 1000;
    let continuationToken: string | undefined;
    do {
      const page = await this.#call(prefix, 'bucket', options.signal, async () => {
        const iter =
          options.recursive === false
            ? container
                .listBlobsByHierarchy('/', { prefix, abortSignal: options.signal })
                .byPage({ maxPageSize, ...(continuationToken ? { continuationToken } : {}) })
            : container
                .listBlobsFlat({ prefix, abortSignal: options.signal })
                .byPage({ maxPageSize, ...(continuationToken ? { continuationToken } : {}) });
        const res = await iter.next();
        return res.done ? undefined : res.value;
      });
      if (page === undefined) break;
      const entries: StorageEntry[] = [];
      const segment = page.segment as unknown as {
        blobItems: { name: string; properties: Record<string, unknown> }[];
        blobPrefixes?: { name: string }[];
      };
      for (const b of segment.blobItems) {
        if (options.startAfter !== undefined && b.name <= options.startAfter) continue;
        entries.push(toEntry(b.name, b.properties as BlobProps));
      }
      for (const p of segment.blobPrefixes ?? []) {
        if (options.startAfter !== undefined && p.name <= options.startAfter) continue;
        entries.push({ kind: 'prefix', key: p.name, size: 0 });
      }
      if (segment.blobPrefixes?.length) entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (entries.length > 0) yield entries;
      continuationToken = page.continuationToken || undefined;
    } while (continuationToken !== undefined);
  }

  async stat(key: string, options?: OpOptions): Promise<StorageEntry> {
    const container = await this.#init();
    const props = await this.#call(key, 'object', options?.signal, () =>
      container.getBlobClient(key).getProperties({ abortSignal: options?.signal }),
    );
    return toEntry(key, props);
  }

  async read(key: string, options?: ReadOptions): Promise<Buffer> {
    const container = await this.#init();
    const etag = options?.ifMatch?.etag;
    return this.#call(key, 'object', options?.signal, async () => {
      const res = await container.getBlobClient(key).download(0, undefined, {
        abortSignal: options?.signal,
        ...(etag ? { conditions: { ifMatch: `"${etag}"` } } : {}),
      });
      return readAllStream(res.readableStreamBody as Readable);
    });
  }

  async readRange(key: string, start: number, end: number, options?: OpOptions): Promise<Buffer> {
    checkRange(start, end);
    const size = (await this.stat(key, options)).size;
    const stop = Math.min(end, size);
    if (start >= stop) return Buffer.alloc(0);
    const container = await this.#init();
    return this.#call(key, 'object', options?.signal, async () => {
      const res = await container
        .getBlobClient(key)
        .download(start, stop - start, { abortSignal: options?.signal });
      return readAllStream(res.readableStreamBody as Readable);
    });
  }

  async stream(key: string, options: OpOptions & { start?: number; end?: number } = {}): Promise<Readable> {
    const start = options.start ?? 0;
    if (options.end !== undefined) {
      checkRange(start, options.end);
      if (start >= options.end) return Readable.from([]);
    }
    const container = await this.#init();
    return this.#call(key, 'object', options.signal, async () => {
      const count = options.end !== undefined ? options.end - start : undefined;
      const res = await container.getBlobClient(key).download(start, count, { abortSignal: options.signal });
      return mapStreamErrors(res.readableStreamBody as Readable, (err) =>
        this.#classify(err, key, 'object', options.signal),
      );
    });
  }

  async write(key: string, body: Buffer | Readable, options: WriteOptions = {}): Promise<StorageEntry> {
    const container = await this.#init();
    const contentType = options.contentType ?? 'application/octet-stream';
    const blob = container.getBlockBlobClient(key);
    const headers = { blobHTTPHeaders: { blobContentType: contentType }, abortSignal: options.signal };
    const out = Buffer.isBuffer(body)
      ? await this.#call(key, 'bucket', options.signal, () => blob.upload(body, body.length, headers))
      : await this.#call(
          key,
          'bucket',
          options.signal,
          () => blob.uploadStream(body, undefined, undefined, headers),
          false,
        );
    const size = Buffer.isBuffer(body) ? body.length : (await this.stat(key, options)).size;
    return {
      kind: 'object',
      key,
      size,
      ...(out.etag !== undefined ? { etag: out.etag.replace(/^"|"$/g, '') } : {}),
      ...(out.versionId !== undefined ? { version: out.versionId } : {}),
      lastModified: out.lastModified ?? new Date(),
      contentType,
    };
  }

  async delete(key: string, options?: OpOptions): Promise<void> {
    const container = await this.#init();
    await this.#call(key, 'object', options?.signal, () =>
      container.getBlobClient(key).deleteIfExists({ abortSignal: options?.signal }),
    );
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
    const e = (err ?? {}) as AzureErrorShape;
    const code = e.details?.errorCode ?? e.code;
    const facts: { status?: number; code?: string; notFound: 'object' | 'bucket'; signal?: AbortSignal } = {
      notFound,
      signal,
    };
    if (e.statusCode !== undefined) facts.status = e.statusCode;
    if (code !== undefined) facts.code = code;
    if (code === 'ContainerNotFound') facts.notFound = 'bucket';
    return classifyStorageFailure(err, this.#at(key), facts);
  }

  #at(key: string): { driver: 'azure'; bucket: string; key: string } {
    return { driver: 'azure', bucket: this.bucket, key };
  }
}

interface BlobProps {
  contentLength?: number;
  etag?: string;
  versionId?: string;
  lastModified?: Date;
  contentType?: string;
}

function toEntry(key: string, p: BlobProps): StorageEntry {
  return {
    kind: 'object',
    key,
    size: p.contentLength ?? 0,
    ...(p.etag !== undefined ? { etag: p.etag.replace(/^"|"$/g, '') } : {}),
    ...(p.versionId !== undefined ? { version: p.versionId } : {}),
    ...(p.lastModified !== undefined ? { lastModified: p.lastModified } : {}),
    ...(p.contentType !== undefined ? { contentType: p.contentType } : {}),
  };
}
