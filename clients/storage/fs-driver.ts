import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  checkRange,
  type ListOptions,
  type OpOptions,
  type ReadOptions,
  type StorageDriver,
  type StorageEntry,
  type WriteOptions,
} from './storage-driver.ts';
import {
  BucketNotFoundError,
  classifyStorageFailure,
  StorageAbortedError,
  StorageChangedError,
  type StorageError,
  StorageRequestError,
} from './storage-errors.ts';

/** Options of {@link FsDriver}. */
export interface FsDriverOptions {
  /** Root directory; keys are paths relative to it with `/` separators. Resolved to an absolute path. */
  readonly root: string;
}

/**
 * Local filesystem. The root directory plays the bucket (it must exist: BUCKET_NOT_FOUND otherwise).
 * Writes go to a temporary file renamed into place, so readers never see half-written objects.
 * `etag` is derived from mtime and size; fs has no versions or stored content types.
 * Never imports any cloud SDK.
 */
export class FsDriver implements StorageDriver {
  readonly name = 'fs' as const;
  readonly bucket: string;

  constructor(options: FsDriverOptions) {
    this.bucket = path.resolve(options.root);
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<StorageEntry[]> {
    await this.#checkRoot(prefix);
    const pageSize = options.pageSize ?? 1000;
    const recursive = options.recursive ?? true;
    const slash = prefix.lastIndexOf('/');
    const baseDir = prefix.slice(0, slash + 1);
    let page: StorageEntry[] = [];
    for await (const entry of this.#walk(baseDir, prefix, recursive, options.signal)) {
      if (options.startAfter !== undefined && entry.key <= options.startAfter) continue;
      page.push(entry);
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async *#walk(
    dir: string,
    prefix: string,
    recursive: boolean,
    signal?: AbortSignal,
  ): AsyncIterable<StorageEntry> {
    if (signal?.aborted) throw new StorageAbortedError(this.#at(dir), { cause: signal.reason });
    let names: { name: string; dir: boolean }[];
    try {
      const dirents = await readdir(this.#abs(dir), { withFileTypes: true });
      names = dirents
        .filter((d) => !d.name.startsWith('.chainql-tmp-'))
        .map((d) => ({ name: d.name, dir: d.isDirectory() }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw this.#fail(err, dir);
    }
    // Sort as the keys will sort: a directory `d` contributes keys `d/...`.
    const sortKey = (n: { name: string; dir: boolean }): string => (n.dir ? `${n.name}/` : n.name);
    names.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    for (const n of names) {
      const key = dir + n.name;
      if (n.dir) {
        const dirKey = `${key}/`;
        if (!dirKey.startsWith(prefix) && !prefix.startsWith(dirKey)) continue;
        if (recursive || prefix.startsWith(dirKey)) yield* this.#walk(dirKey, prefix, recursive, signal);
        else yield { kind: 'prefix', key: dirKey, size: 0 };
      } else if (key.startsWith(prefix)) {
        let st: Stats;
        try {
          st = await stat(this.#abs(key));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted while listing
          throw this.#fail(err, key);
        }
        yield toEntry(key, st);
      }
    }
  }

  async stat(key: string, options?: OpOptions): Promise<StorageEntry> {
    this.#abort(key, options);
    try {
      const st = await stat(this.#abs(key));
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'ENOENT' });
      return toEntry(key, st);
    } catch (err) {
      throw await this.#failObject(err, key);
    }
  }

  async read(key: string, options?: ReadOptions): Promise<Buffer> {
    this.#abort(key, options);
    const etag = options?.ifMatch?.etag;
    try {
      if (etag) await this.#checkEtag(key, etag);
      const data = await readFile(this.#abs(key), { signal: options?.signal });
      if (etag) await this.#checkEtag(key, etag); // changed while we read
      return data;
    } catch (err) {
      throw await this.#failObject(err, key);
    }
  }

  async #checkEtag(key: string, etag: string): Promise<void> {
    if (toEntry(key, await stat(this.#abs(key))).etag !== etag) throw new StorageChangedError(this.#at(key));
  }

  async readRange(key: string, start: number, end: number, options?: OpOptions): Promise<Buffer> {
    checkRange(start, end);
    this.#abort(key, options);
    try {
      const handle = await open(this.#abs(key), 'r');
      try {
        const size = (await handle.stat()).size;
        const length = Math.max(0, Math.min(end, size) - start);
        const buf = Buffer.alloc(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(buf, done, length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return buf.subarray(0, done);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw await this.#failObject(err, key);
    }
  }

  async stream(key: string, options: OpOptions & { start?: number; end?: number } = {}): Promise<Readable> {
    const start = options.start ?? 0;
    if (options.end !== undefined) checkRange(start, options.end);
    await this.stat(key, options); // NOT_FOUND before handing out a stream
    if (options.end !== undefined && options.end <= start) {
      return Readable.from([]);
    }
    return createReadStream(this.#abs(key), {
      start,
      end: options.end === undefined ? undefined : options.end - 1,
      signal: options.signal,
    });
  }

  async write(key: string, body: Buffer | Readable, options: WriteOptions = {}): Promise<StorageEntry> {
    this.#abort(key, options);
    await this.#checkRoot(key);
    const target = this.#abs(key);
    const tmp = path.join(path.dirname(target), `.chainql-tmp-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      if (Buffer.isBuffer(body)) {
        const handle = await open(tmp, 'w');
        try {
          await handle.writeFile(body);
        } finally {
          await handle.close();
        }
      } else {
        await pipeline(body, createWriteStream(tmp), { signal: options.signal });
      }
      await rename(tmp, target);
      return { ...toEntry(key, await stat(target)), contentType: options.contentType };
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw this.#fail(err, key);
    }
  }

  async delete(key: string, options?: OpOptions): Promise<void> {
    this.#abort(key, options);
    try {
      await unlink(this.#abs(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        await this.#checkRoot(key);
        return;
      }
      throw this.#fail(err, key);
    }
  }

  #abs(key: string): string {
    const abs = path.resolve(this.bucket, ...key.split('/').filter((s) => s !== ''));
    const root = this.bucket.endsWith(path.sep) ? this.bucket : this.bucket + path.sep;
    if (abs !== this.bucket && !abs.startsWith(root)) {
      throw new StorageRequestError(this.#at(key), 'key escapes the root directory');
    }
    return abs;
  }

  async #checkRoot(key: string): Promise<void> {
    try {
      if ((await stat(this.bucket)).isDirectory()) return;
    } catch {
      // fall through
    }
    throw new BucketNotFoundError(this.#at(key));
  }

  async #failObject(err: unknown, key: string): Promise<StorageError> {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') await this.#checkRoot(key);
    return this.#fail(err, key);
  }

  #fail(err: unknown, key: string): StorageError {
    return classifyStorageFailure(err, this.#at(key), { code: (err as NodeJS.ErrnoException).code });
  }

  #abort(key: string, options?: OpOptions): void {
    if (options?.signal?.aborted)
      throw new StorageAbortedError(this.#at(key), { cause: options.signal.reason });
  }

  #at(key: string): { driver: 'fs'; bucket: string; key: string } {
    return { driver: 'fs', bucket: this.bucket, key };
  }
}

function toEntry(key: string, st: Stats): StorageEntry {
  return {
    kind: 'object',
    key,
    size: st.size,
    etag: `${Math.floor(st.mtimeMs).toString(16)}-${st.size.toString(16)}`,
    lastModified: st.mtime,
  };
}
