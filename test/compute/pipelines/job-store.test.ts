import { describe, expect, it } from 'vitest';
import { JobStore } from '../../../compute/pipelines/job-store.ts';
import { tempSession } from '../../helpers/temp-session.ts';

describe('JobStore', () => {
  it('round-trips a job through the warehouse job records and keeps one record per idempotency key', async () => {
    const session = await tempSession();
    try {
      const store = await JobStore.open(session.warehouse);
      const base = {
        pipeline: 'p',
        status: 'queued' as const,
        input: { n: 1 },
        progress: { done: 0, total: 10, rate: 0 },
        attempts: 0,
        createdAt: new Date(1_000),
      };
      const first = await store.insert({ ...base, id: 'a', idempotencyKey: 'k' });
      const again = await store.insert({ ...base, id: 'b', idempotencyKey: 'k' });
      expect(again.id).toBe(first.id);
      await store.update({ ...first, status: 'running', attempts: 2, startedAt: new Date(2_000) });
      expect(await store.get('a')).toMatchObject({ status: 'running', attempts: 2, input: { n: 1 } });
      expect((await store.withStatus(['running'])).map((j) => j.id)).toEqual(['a']);
      expect(await store.list({ pipeline: 'other' })).toEqual([]);
    } finally {
      await session.cleanup();
    }
  });

  it('refuses a warehouse that keeps no job records, and says to use Redis', async () => {
    const session = await tempSession();
    try {
      // A warehouse without the optional job records (as the ClickHouse driver is).
      const warehouse = Object.create(session.warehouse, { jobRecordStore: { value: undefined } });
      await expect(JobStore.open(warehouse)).rejects.toThrow(/CHAINQL_REDIS_URL/);
    } finally {
      await session.cleanup();
    }
  });
});
