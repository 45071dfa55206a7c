/**
 * A real driver wrapped with added latency and counters (calls in flight, max in flight, calls per
 * method), for tests of code that schedules storage calls (prefetch, writeFiles, parallel listing).
 */
import type { Readable } from 'node:stream';
import type {
  ListOptions,
  OpOptions,
  StorageDriver,
  StorageEntry,
  WriteOptions,
} from '../../clients/storage/storage-driver.ts';

export interface DriverStats {
  inFlight: number;
  maxInFlight: number;
  calls: Record<string, number>;
}

export class InstrumentedDriver implements StorageDriver {
  readonly stats: DriverStats = { inFlight: 0, maxInFlight: 0, calls: {} };
  constructor(
    readonly inner: StorageDriver,
    readonly latencyMs: number,
  ) {}
  get name() {
    return this.inner.name;
  }
  get bucket() {
    return this.inner.bucket;
  }
  async #timed<T>(method: string, fn: () => Promise<T>): Promise<T> {
    const s = this.stats;
    s.calls[method] = (s.calls[method] ?? 0) + 1;
    s.inFlight++;
    s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
    try {
      await new Promise((r) => setTimeout(r, this.latencyMs));
      return await fn();
    } finally {
      s.inFlight--;
    }
  }
  async *list(prefix: string, options?: ListOptions): AsyncIterable<StorageEntry[]> {
    const it = this.inner.list(prefix, options)[Symbol.asyncIterator]();
    for (;;) {
      const r = await this.#timed('list', () => it.next());
      if (r.done) return;
      yield r.value;
    }
  }
  stat(key: string, o?: OpOptions) {
    return this.#timed('stat', () => this.inner.stat(key, o));
  }
  read(key: string, o?: OpOptions) {
    return this.#timed('read', () => this.inner.read(key, o));
  }
  readRange(key: string, start: number, end: number, o?: OpOptions) {
    return this.#timed('readRange', () => this.inner.readRange(key, start, end, o));
  }
  stream(key: string, o?: OpOptions & { start?: number; end?: number }) {
    return this.#timed('stream', () => this.inner.stream(key, o));
  }
  write(key: string, body: Buffer | Readable, o?: WriteOptions) {
    return this.#timed('write', () => this.inner.write(key, body, o));
  }
  delete(key: string, o?: OpOptions) {
    return this.#timed('delete', () => this.inner.delete(key, o));
  }
}
