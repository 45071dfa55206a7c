import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FileRecord } from '../../schema/record/file-schema.ts';
import type { FileCache } from './file-cache.ts';
import type { StorageContext } from './storage-context.ts';
import type { OpOptions, StorageDriver, StorageEntry } from './storage-driver.ts';
import { joinStorageUri, parseStorageUri } from './storage-uri.ts';

/** What File methods need to reach storage. */
export interface FileContext {
  /** Resolves `source` to a driver. */
  readonly storage: StorageContext;
  /** Content cache for `read()`; none by default. */
  readonly cache?: FileCache;
  /** Unsigned requests when reading (public buckets). Default: the storage context's setting. */
  readonly anon?: boolean;
}

/**
 * A file in storage: the File record (source, path, size, etag, version, lastModified, contentType)
 * plus methods to read it. Instances are cheap; nothing is fetched until a read method is called.
 * Reads go through the context's content cache when it has one (keyed by source, path and
 * etag/version). A prefetched File (see prefetch.ts) serves its first `read()` from memory.
 */
export class File implements FileRecord {
  readonly source: string;
  readonly path: string;
  readonly size: number;
  readonly etag: string | null;
  readonly version: string | null;
  readonly lastModified: Date | null;
  readonly contentType: string | null;
  readonly #context: FileContext;
  #prefetched: Promise<Buffer> | undefined;

  constructor(record: FileRecord, context: FileContext) {
    this.source = record.source;
    this.path = record.path;
    this.size = record.size;
    this.etag = record.etag ?? null;
    this.version = record.version ?? null;
    this.lastModified = record.lastModified ?? null;
    this.contentType = record.contentType ?? null;
    this.#context = context;
  }

  /** The canonical URI (`s3://bucket/a/b.jpg`, `file:///data/a.jpg`). */
  get uri(): string {
    return joinStorageUri(this.source, this.path);
  }

  /** The last path segment (`a/b.jpg` → `b.jpg`). */
  get name(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }

  /** The lower-case extension without the dot (`''` when none). */
  get extension(): string {
    return path.posix.extname(this.name).slice(1).toLowerCase();
  }

  /** The driver of this file's source. */
  driver(): Promise<StorageDriver> {
    const anon = this.#context.anon;
    return this.#context.storage.driverForSource(this.source, anon !== undefined ? { anon } : {});
  }

  /**
   * The whole content. Uses (and fills) the content cache; a pending prefetch is awaited and then
   * released (the next read fetches again or hits the cache). Throws NOT_FOUND when the object is
   * gone and CHANGED when it was replaced since it was listed (relist with `update: true`).
   */
  async read(options?: OpOptions): Promise<Buffer> {
    const pre = this.#prefetched;
    if (pre !== undefined) {
      this.#prefetched = undefined;
      return pre;
    }
    return this.#fetch(options);
  }

  #fetch(options?: OpOptions): Promise<Buffer> {
    // Read exactly the listed content (so the cache, keyed by etag/version, stays truthful).
    const ifMatch = { etag: this.etag, version: this.version };
    const fetch = async (): Promise<Buffer> => (await this.driver()).read(this.path, { ...options, ifMatch });
    const cache = this.#context.cache;
    return cache === undefined ? fetch() : cache.getOrFetch(this, fetch);
  }

  /**
   * Starts downloading now (into the cache when there is one, else into memory held by this File
   * until its first `read()`). Idempotent. Returns when the download has finished; errors are
   * kept for `read()` to rethrow and not thrown here.
   */
  async prefetch(options?: OpOptions): Promise<void> {
    if (this.#prefetched === undefined) {
      this.#prefetched = this.#fetch(options);
      this.#prefetched.catch(() => undefined);
    }
    await this.#prefetched.then(
      () => undefined,
      () => undefined,
    );
  }

  /** True while a prefetched content is held for the next `read()`. */
  get isPrefetched(): boolean {
    return this.#prefetched !== undefined;
  }

  /** The content decoded as text. Default encoding `utf8`. */
  async readText(encoding: BufferEncoding = 'utf8', options?: OpOptions): Promise<string> {
    return (await this.read(options)).toString(encoding);
  }

  /** The content parsed as JSON (UTF-8). Throws SyntaxError for invalid JSON. */
  async readJson<T = unknown>(options?: OpOptions): Promise<T> {
    return JSON.parse(await this.readText('utf8', options)) as T;
  }

  /** A Node.js Readable of the content (not cached), optionally `[start, end)`. */
  async stream(options?: OpOptions & { start?: number; end?: number }): Promise<Readable> {
    return (await this.driver()).stream(this.path, options);
  }

  /** Bytes `[start, end)` (end exclusive, clamped to the size). */
  async readRange(start: number, end: number, options?: OpOptions): Promise<Buffer> {
    return (await this.driver()).readRange(this.path, start, end, options);
  }

  /**
   * Copies the content to `uri` and returns the new File. A `uri` ending in `/` is a directory: the
   * file keeps its name there. Streams the bytes (memory stays flat for large files).
   */
  async save(uri: string, options?: OpOptions): Promise<File> {
    const target = uri.endsWith('/') ? `${uri}${this.name}` : uri;
    const { driver, location } = await this.#context.storage.resolve(target);
    const body = this.#prefetched !== undefined ? await this.read(options) : await this.stream(options);
    const entry = await driver.write(location.key, body, {
      ...(this.contentType !== null ? { contentType: this.contentType } : {}),
      ...(options?.signal !== undefined ? { signal: options.signal } : {}),
    });
    return fileFromEntry(location.source, entry, this.#context);
  }

  /** The plain File record (what is stored in datasets). */
  toRecord(): FileRecord {
    return {
      source: this.source,
      path: this.path,
      size: this.size,
      etag: this.etag,
      version: this.version,
      lastModified: this.lastModified,
      contentType: this.contentType,
    };
  }

  /** JSON form: the record. */
  toJSON(): FileRecord {
    return this.toRecord();
  }
}

/** A File class (File, TextFile, ImageFile) to instantiate records with. */
export type FileClass<F extends File = File> = new (record: FileRecord, context: FileContext) => F;

/**
 * Rehydrates a stored File record into a File bound to a storage context. `Kind` picks the class
 * (default File; pass TextFile or ImageFile for their helpers).
 */
export function fileFromRecord<F extends File = File>(
  record: FileRecord,
  context: FileContext | StorageContext,
  Kind?: FileClass<F>,
): F {
  const Ctor = (Kind ?? File) as FileClass<F>;
  return new Ctor(record, 'storage' in context ? context : { storage: context });
}

/** A File (or `Kind`) for a listed/stat'ed entry of `source`. */
export function fileFromEntry<F extends File = File>(
  source: string,
  entry: StorageEntry,
  context: FileContext,
  Kind?: FileClass<F>,
): F {
  const Ctor = (Kind ?? File) as FileClass<F>;
  return new Ctor(
    {
      source,
      path: entry.key,
      size: entry.size,
      etag: entry.etag ?? null,
      version: entry.version ?? null,
      lastModified: entry.lastModified ?? null,
      contentType: entry.contentType ?? null,
    },
    context,
  );
}

/** Stats one URI and returns its File. Throws NOT_FOUND when absent. */
export async function fileFromUri(uri: string, context: FileContext, options?: OpOptions): Promise<File> {
  const location = parseStorageUri(uri, context.storage.options.cwd);
  const driver = await context.storage.driverFor(
    location,
    context.anon !== undefined ? { anon: context.anon } : {},
  );
  return fileFromEntry(location.source, await driver.stat(location.key, options), context);
}
