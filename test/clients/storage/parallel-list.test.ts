import { describe, expect, it } from 'vitest';
import { MemoryDriver, MemoryStore } from '../../../clients/storage/memory-driver.ts';
import { parallelList } from '../../../clients/storage/parallel-list.ts';
import { listAll } from '../../../clients/storage/storage-driver.ts';
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
