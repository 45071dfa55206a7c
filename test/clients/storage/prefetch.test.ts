import { describe, expect, it } from 'vitest';
import { type File, fileFromEntry } from '../../../clients/storage/file.ts';
import { MemoryDriver } from '../../../clients/storage/memory-driver.ts';
import { prefetch } from '../../../clients/storage/prefetch.ts';
import { StorageContext } from '../../../clients/storage/storage-context.ts';
import { InstrumentedDriver } from '../../fakes/instrumented-driver.ts';

/** A memory bucket whose reads take `latencyMs` and are counted (a slow backend, real driver code). */
async function slowStorage(n: number, latencyMs: number) {
  const storage = new StorageContext();
  storage.memory.createBucket('b');
  const inner = new MemoryDriver({ bucket: 'b', store: storage.memory });
  const slow = new InstrumentedDriver(inner, latencyMs);
  storage.registerDriver('memory', async () => slow);
  const stats = {
    get maxInFlight() {
      return slow.stats.maxInFlight;
    },
    get reads() {
      return slow.stats.calls.read ?? 0;
    },
  };
  const files: File[] = [];
  for (let i = 0; i < n; i++)
    files.push(
      fileFromEntry('memory://b', await inner.write(`f${i}`, Buffer.from(`content ${i}`)), { storage }),
    );
  return { files, stats };
}

describe('prefetch', () => {
  it('keeps up to N downloads ahead and overlaps I/O with the consumer', async () => {
    const { files, stats } = await slowStorage(40, 20);
    const seen: string[] = [];
    for await (const row of prefetch(
      files.map((file, i) => ({ i, file })),
      { count: 8, select: (r) => [r.file] },
    )) {
      seen.push(await row.file.readText());
      await new Promise((r) => setTimeout(r, 20)); // the "UDF"
    }
    expect(seen).toEqual(files.map((_, i) => `content ${i}`));
    expect(stats.reads).toBe(40);
    // Downloads run ahead of the consumer (several in flight while it works), never more than N + 1.
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(4);
    expect(stats.maxInFlight).toBeLessThanOrEqual(9);
  });

  it('without prefetch (count 0) reads happen one at a time in the consumer', async () => {
    const { files, stats } = await slowStorage(5, 5);
    for await (const f of prefetch(files, { count: 0, select: (f) => f })) await f.read();
    expect(stats.maxInFlight).toBe(1);
  });

  it('a failed download surfaces in that item’s read(), and source errors end the iteration', async () => {
    const { files } = await slowStorage(3, 1);
    const ghost = fileFromEntry(
      'memory://b',
      { kind: 'object', key: 'missing', size: 1, etag: 'x' },
      { storage: new StorageContext({ memory: undefined }) },
    );
    const out: string[] = [];
    for await (const f of prefetch([files[0]!, ghost, files[1]!], { count: 2, select: (f) => f })) {
      out.push(await f.readText().catch((e: { code: string }) => e.code));
    }
    expect(out).toEqual(['content 0', 'BUCKET_NOT_FOUND', 'content 1']);
    async function* failing() {
      yield files[0]!;
      throw new Error('source broke');
    }
    await expect(async () => {
      for await (const _ of prefetch(failing(), { count: 4, select: (f) => f })) {
        // consume
      }
    }).rejects.toThrow('source broke');
  });
});
