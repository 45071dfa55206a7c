import { describe, expect, it } from 'vitest';
import { GcsDriver } from '../../../clients/storage/gcs-driver.ts';
import { MemoryDriver, MemoryStore } from '../../../clients/storage/memory-driver.ts';
import { parallelList } from '../../../clients/storage/parallel-list.ts';
import { listAll } from '../../../clients/storage/storage-driver.ts';
import { startFaultProxy } from '../../fakes/fault-proxy.ts';
import { startGcsFake } from '../../fakes/gcs-fake.ts';
import { InstrumentedDriver } from '../../fakes/instrumented-driver.ts';

async function tree(): Promise<{ driver: InstrumentedDriver; keys: string[] }> {
  const store = new MemoryStore();
  store.createBucket('b');
  const inner = new MemoryDriver({ bucket: 'b', store });
  const keys: string[] = [];
  for (let d = 0; d < 12; d++)
    for (let s = 0; s < 3; s++) for (let f = 0; f < 7; f++) keys.push(`root/d${d}/s${s}/f${f}.bin`);
  keys.push('root/top.txt', 'other/x');
  for (const k of keys) await inner.write(k, Buffer.from(k));
  return { driver: new InstrumentedDriver(inner, 10), keys };
}

describe('parallelList', () => {
  it('lists every object under the prefix exactly once, with many listings in flight', async () => {
    const { driver, keys } = await tree();
    const seen: string[] = [];
    for await (const page of parallelList(driver, 'root/', { concurrency: 8, pageSize: 5 })) {
      expect(page.every((e) => e.kind === 'object')).toBe(true);
      seen.push(...page.map((e) => e.key));
    }
    expect(seen.sort()).toEqual(keys.filter((k) => k.startsWith('root/')).sort());
    expect(driver.stats.maxInFlight).toBeGreaterThan(4);
    expect(driver.stats.maxInFlight).toBeLessThanOrEqual(8);
  });

  it('is faster than a sequential listing of the same tree', async () => {
    const { driver } = await tree();
    let t = Date.now();
    const sequential = (await listAll(driver, 'root/', { pageSize: 5 })).length;
    const seqMs = Date.now() - t;
    t = Date.now();
    let parallel = 0;
    for await (const page of parallelList(driver, 'root/', { concurrency: 16, pageSize: 5 }))
      parallel += page.length;
    const parMs = Date.now() - t;
    expect(parallel).toBe(sequential);
    expect(parMs * 2).toBeLessThan(seqMs);
  });

  it('stops listing when the consumer breaks, and propagates listing errors', async () => {
    const { driver } = await tree();
    for await (const _ of parallelList(driver, 'root/', { concurrency: 4, pageSize: 5 })) break;
    const callsAfterBreak = driver.stats.calls.list ?? 0;
    await new Promise((r) => setTimeout(r, 50));
    expect(driver.stats.calls.list ?? 0).toBeLessThanOrEqual(callsAfterBreak + 4);
    const missing = new MemoryDriver({ bucket: 'nope', store: new MemoryStore() });
    const drain = async (): Promise<void> => {
      for await (const _ of parallelList(missing, '')) {
        // consume
      }
    };
    await expect(drain()).rejects.toMatchObject({ code: 'BUCKET_NOT_FOUND' });
  });
});

describe('parallelList range splitting of flat prefixes', () => {
  it('lists every key exactly once, including keys equal to range bounds and outside the alphabet', async () => {
    const store = new MemoryStore();
    store.createBucket('b');
    const inner = new MemoryDriver({ bucket: 'b', store });
    const keys: string[] = [];
    for (let i = 0; i < 400; i++) keys.push(`flat/${((i * 2654435761) % 2 ** 32).toString(36)}`);
    keys.push(
      'flat/a',
      'flat/b',
      'flat/z',
      'flat/~tilde',
      'flat/é',
      'flat/日本',
      'flat/0',
      'flat/-',
      'flat/sub/x',
      'flat/sub/y',
    );
    for (const k of keys) await inner.write(k, Buffer.from(k));
    const seen: string[] = [];
    for await (const page of parallelList(inner, 'flat/', {
      pageSize: 20,
      concurrency: 8,
      splitRanges: true,
    })) {
      seen.push(...page.map((e) => e.key));
    }
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen.sort()).toEqual([...new Set(keys)].sort());
  });

  it('fans a flat GCS prefix out over key ranges: same keys, fewer sequential round trips', async () => {
    const fake = await startGcsFake({ buckets: ['flat'] });
    for (let i = 0; i < 3000; i++)
      fake.seed('flat', `f/${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0')}`, Buffer.alloc(0));
    const proxy = await startFaultProxy(fake.endpoint, { delayMs: 15 });
    try {
      const driver = new GcsDriver({ bucket: 'flat', apiEndpoint: proxy.endpoint, projectId: 't' });
      const sequential = (await listAll(driver, 'f/', { pageSize: 100 })).map((e) => e.key);
      const sequentialRequests = proxy.stats.requests;
      expect(proxy.stats.maxInFlight).toBe(1);
      proxy.stats.maxInFlight = 0;
      const parallel: string[] = [];
      for await (const page of parallelList(driver, 'f/', { pageSize: 100, concurrency: 16 }))
        parallel.push(...page.map((e) => e.key));
      expect(parallel.length).toBe(3000);
      expect(parallel.sort()).toEqual(sequential);
      // Each sequential listing waits for the previous page; the key-range fan-out keeps several pages in
      // flight at once (asserted on the proxy's high-water mark, not on wall time, which is noise here).
      expect(sequentialRequests).toBeGreaterThanOrEqual(30);
      expect(proxy.stats.maxInFlight).toBeGreaterThanOrEqual(4);
    } finally {
      await proxy.close();
      await fake.close();
    }
  });
});
