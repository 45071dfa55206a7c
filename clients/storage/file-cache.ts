import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What identifies cached content: a changed etag or version is a different entry. */
export interface CacheIdentity {
  readonly source: string;
  readonly path: string;
  readonly etag: string | null;
  readonly version: string | null;
}

/** Options of {@link FileCache}. */
export interface FileCacheOptions {
  /** Cache directory (created when missing). E.g. `<data dir>/file-cache`. */
  readonly dir: string;
  /** Size cap in bytes; least recently used entries are evicted above it. Default 1 GiB. */
  readonly maxBytes?: number;
  /**
   * Serve hits but never write (a shared, pre-filled cache). Default false. The cache also
   * falls back to read-only by itself when the directory cannot be written (EACCES, EROFS).
   */
  readonly readOnly?: boolean;
}

/** Counters for tests and progress output. */
export interface FileCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  bytes: number;
}

/**
 * Content cache on local disk keyed by (source, path, etag/version). Objects without an etag or a
 * version are never cached (their identity is unknown). Entries are written atomically (temp file +
 * rename), concurrent fetches of one entry are deduplicated, and the total size is kept under
 * `maxBytes` by evicting the least recently used entries. One instance per process and directory.
 */
export class FileCache {
  readonly dir: string;
  readonly maxBytes: number;
  readonly stats: FileCacheStats = { hits: 0, misses: 0, evictions: 0, bytes: 0 };
  #readOnly: boolean;
  /** hash → size, in least-recently-used-first order (Map keeps insertion order). */
  readonly #entries = new Map<string, number>();
  readonly #inflight = new Map<string, Promise<Buffer>>();
  #loaded: Promise<void> | undefined;

  constructor(options: FileCacheOptions) {
    this.dir = path.resolve(options.dir);
    this.maxBytes = options.maxBytes ?? 1024 ** 3;
    this.#readOnly = options.readOnly ?? false;
  }

  /** True when the cache serves hits only. */
  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** The cache key of an identity, or undefined when it has neither etag nor version. */
  static keyOf(id: CacheIdentity): string | undefined {
    if (id.etag === null && id.version === null) return undefined;
    return createHash('sha256')
      .update(JSON.stringify([id.source, id.path, id.etag, id.version]))
      .digest('hex');
  }

  /** Cached content, or undefined on a miss. */
  async get(id: CacheIdentity): Promise<Buffer | undefined> {
    const key = FileCache.keyOf(id);
    if (key === undefined) return undefined;
    await this.#load();
    try {
      const data = await readFile(this.#file(key));
      this.#touch(key, data.length);
      this.stats.hits++;
      return data;
    } catch {
      this.#entries.delete(key);
      return undefined;
    }
  }

  /**
   * Cached content, or the result of `fetch()` stored for next time. Concurrent calls for one
   * identity share a single fetch. Write failures never fail the read.
   */
  async getOrFetch(id: CacheIdentity, fetch: () => Promise<Buffer>): Promise<Buffer> {
    const key = FileCache.keyOf(id);
    if (key === undefined) return fetch();
    const running = this.#inflight.get(key);
    if (running !== undefined) return running;
    const task = (async () => {
      const hit = await this.get(id);
      if (hit !== undefined) return hit;
      this.stats.misses++;
      const data = await fetch();
      await this.#put(key, data);
      return data;
    })();
    this.#inflight.set(key, task);
    try {
      return await task;
    } finally {
      this.#inflight.delete(key);
    }
  }

  async #put(key: string, data: Buffer): Promise<void> {
    if (this.#readOnly || data.length > this.maxBytes) return;
    const file = this.#file(key);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(tmp, data);
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') this.#readOnly = true;
      return;
    }
    this.#touch(key, data.length);
    await this.#evict();
  }

  #touch(key: string, size: number): void {
    const old = this.#entries.get(key);
    if (old !== undefined) this.stats.bytes -= old;
    this.#entries.delete(key);
    this.#entries.set(key, size);
    this.stats.bytes += size;
  }

  async #evict(): Promise<void> {
    for (const [key, size] of this.#entries) {
      if (this.stats.bytes <= this.maxBytes) break;
      this.#entries.delete(key);
      this.stats.bytes -= size;
      this.stats.evictions++;
      await unlink(this.#file(key)).catch(() => undefined);
    }
  }

  /** Indexes entries left by earlier runs, oldest modification first. */
  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      const found: { key: string; size: number; mtime: number }[] = [];
      let shards: string[] = [];
      try {
        shards = await readdir(this.dir);
      } catch {
        return;
      }
      for (const shard of shards) {
        let names: string[] = [];
        try {
          names = await readdir(path.join(this.dir, shard));
        } catch {
          continue;
        }
        for (const name of names) {
          if (name.endsWith('.tmp')) continue;
          const st = await stat(path.join(this.dir, shard, name)).catch(() => undefined);
          if (st?.isFile()) found.push({ key: name, size: st.size, mtime: st.mtimeMs });
        }
      }
      found.sort((a, b) => a.mtime - b.mtime);
      for (const f of found) this.#touch(f.key, f.size);
      if (!this.#readOnly) await this.#evict();
    })();
    return this.#loaded;
  }

  #file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), key);
  }
}
