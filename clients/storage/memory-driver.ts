import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  checkRange,
  type ListOptions,
  type OpOptions,
  type ReadOptions,
  readAllStream,
  type StorageDriver,
  type StorageEntry,
  type WriteOptions,
} from './storage-driver.ts';
import {
  BucketNotFoundError,
  StorageAbortedError,
  StorageChangedError,
  StorageNotFoundError,
} from './storage-errors.ts';

interface MemoryObject {
  readonly data: Buffer;
  readonly entry: StorageEntry;
}

/**
 * The buckets of the memory backend. One store per StorageContext (never a global), so tests and
 * contexts are isolated. Buckets must be created before use, like real object stores.
 */
export class MemoryStore {
  readonly #buckets = new Map<string, Map<string, MemoryObject>>();
  #version = 0;

  /** A new, increasing object version number. */
  nextVersion(): string {
    return String(++this.#version);
  }

  /** Creates the bucket if missing (idempotent). */
  createBucket(name: string): void {
    if (!this.#buckets.has(name)) this.#buckets.set(name, new Map());
  }

  /** Drops a bucket and its objects. */
  deleteBucket(name: string): void {
    this.#buckets.delete(name);
  }

  /** The bucket's objects, or undefined when the bucket does not exist. */
  bucket(name: string): Map<string, MemoryObject> | undefined {
    return this.#buckets.get(name);
  }
}

/** Options of {@link MemoryDriver}. */
export interface MemoryDriverOptions {
  /** Bucket name (the `memory://<bucket>/` part). */
  readonly bucket: string;
  /** Where the buckets live. Default: a new store holding just this bucket (created). */
  readonly store?: MemoryStore;
}

/** Objects in process memory; for tests and small intermediate data. Lost when the process exits. */
export class MemoryDriver implements StorageDriver {
  readonly name = 'memory' as const;
  readonly bucket: string;
  readonly #store: MemoryStore;

  constructor(options: MemoryDriverOptions) {
    this.bucket = options.bucket;
    if (options.store === undefined) {
      this.#store = new MemoryStore();
      this.#store.createBucket(options.bucket);
    } else {
      this.#store = options.store;
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<StorageEntry[]> {
    const objects = this.#checkBucket(prefix, options.signal);
    const pageSize = options.pageSize ?? 1000;
    const recursive = options.recursive ?? true;
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    let page: StorageEntry[] = [];
    let lastPrefix = '';
    for (const key of keys) {
      if (options.startAfter !== undefined && key <= options.startAfter) continue;
      let entry: StorageEntry;
      const slash = recursive ? -1 : key.indexOf('/', prefix.length);
      if (slash >= 0) {
        const dir = key.slice(0, slash + 1);
        if (dir === lastPrefix) continue;
        lastPrefix = dir;
        entry = { kind: 'prefix', key: dir, size: 0 };
      } else {
        entry = (objects.get(key) as MemoryObject).entry;
      }
      page.push(entry);
      if (page.length >= pageSize) {
        yield page;
        this.#checkBucket(prefix, options.signal);
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async stat(key: string, options?: OpOptions): Promise<StorageEntry> {
    return this.#get(key, options).entry;
  }

  async read(key: string, options?: ReadOptions): Promise<Buffer> {
    const object = this.#get(key, options);
    const want = options?.ifMatch;
    if (
      (want?.etag && want.etag !== object.entry.etag) ||
      (want?.version && want.version !== object.entry.version)
    ) {
      throw new StorageChangedError({ driver: 'memory', bucket: this.bucket, key });
    }
    return Buffer.from(object.data);
  }

  async readRange(key: string, start: number, end: number, options?: OpOptions): Promise<Buffer> {
    checkRange(start, end);
    const data = this.#get(key, options).data;
    return Buffer.from(data.subarray(start, Math.max(start, end)));
  }

  async stream(key: string, options: OpOptions & { start?: number; end?: number } = {}): Promise<Readable> {
    const data = this.#get(key, options).data;
    const start = options.start ?? 0;
    const end = options.end ?? data.length;
    checkRange(start, end);
    return Readable.from([Buffer.from(data.subarray(start, Math.max(start, end)))]);
  }

  async write(key: string, body: Buffer | Readable, options: WriteOptions = {}): Promise<StorageEntry> {
    const objects = this.#checkBucket(key, options.signal);
    const data = Buffer.isBuffer(body) ? Buffer.from(body) : await readAllStream(body);
    const entry: StorageEntry = {
      kind: 'object',
      key,
      size: data.length,
      etag: createHash('md5').update(data).digest('hex'),
      version: this.#store.nextVersion(),
      lastModified: new Date(),
      contentType: options.contentType ?? 'application/octet-stream',
    };
    objects.set(key, { data, entry });
    return entry;
  }

  async delete(key: string, options?: OpOptions): Promise<void> {
    this.#checkBucket(key, options?.signal).delete(key);
  }

  #get(key: string, options?: OpOptions): MemoryObject {
    const object = this.#checkBucket(key, options?.signal).get(key);
    if (object === undefined) throw new StorageNotFoundError({ driver: 'memory', bucket: this.bucket, key });
    return object;
  }

  #checkBucket(key: string, signal?: AbortSignal): Map<string, MemoryObject> {
    const at = { driver: 'memory' as const, bucket: this.bucket, key };
    if (signal?.aborted) throw new StorageAbortedError(at, { cause: signal.reason });
    const objects = this.#store.bucket(this.bucket);
    if (objects === undefined) throw new BucketNotFoundError(at);
    return objects;
  }
}
