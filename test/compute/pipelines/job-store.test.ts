import { describe, expect, it } from 'vitest';
import type { Job } from '../../../compute/pipelines/job.ts';
import { JobStore } from '../../../compute/pipelines/job-store.ts';
import { tempSession, WAREHOUSES } from '../../helpers/temp-session.ts';

const base = {
  pipeline: 'p',
  status: 'queued' as const,
  input: { n: 1 },
  progress: { done: 0, total: 10, rate: 0 },
  attempts: 0,
  createdAt: new Date(1_000),
};

describe.each(WAREHOUSES)('JobStore on %s', (warehouse) => {
  it('round-trips a job through the warehouse job records and keeps one record per idempotency key', async () => {
    const session = await tempSession(warehouse);
    try {
      const store = await JobStore.open(session.warehouse);
      const first = await store.insert({ ...base, id: 'a', idempotencyKey: 'k' });
      const again = await store.insert({ ...base, id: 'b', idempotencyKey: 'k' });
      expect(again.id).toBe(first.id);
      expect(await store.get('b')).toBeUndefined();
      await store.update({ ...first, status: 'running', attempts: 2, startedAt: new Date(2_000) });
      expect(await store.get('a')).toMatchObject({ status: 'running', attempts: 2, input: { n: 1 } });
      expect((await store.withStatus(['running'])).map((j) => j.id)).toEqual(['a']);
      expect(await store.withStatus(['queued'])).toEqual([]);
      expect(await store.list({ pipeline: 'other' })).toEqual([]);
      // An update of an absent record stores nothing.
      await store.update({ ...base, id: 'ghost', status: 'failed' });
      expect(await store.get('ghost')).toBeUndefined();
    } finally {
      await session.cleanup();
    }
  });

  it('the last update called is the record, even when updates are sent without waiting', async () => {
    const session = await tempSession(warehouse);
    try {
      const store = await JobStore.open(session.warehouse);
      const job = await store.insert({ ...base, id: 'j' });
      // What the job manager does with progress: fire-and-forget writes, then the final one.
      const writes: Promise<void>[] = [];
      for (let done = 1; done <= 20; done++) {
        writes.push(store.update({ ...job, status: 'running', progress: { done, total: 20, rate: 1 } }));
      }
      const finished: Job = {
        ...job,
        status: 'succeeded',
        progress: { done: 20, total: 20, rate: 1 },
        output: { dataset: 'd', version: '1.0.0' },
        startedAt: new Date(2_000),
        finishedAt: new Date(3_000),
        attempts: 1,
      };
      writes.push(store.update(finished));
      await Promise.all(writes);
      expect(await store.get('j')).toEqual(finished);
      expect((await store.list()).map((j) => j.status)).toEqual(['succeeded']);
      expect(await store.withStatus(['running'])).toEqual([]);
    } finally {
      await session.cleanup();
    }
  });

  it('lists newest first (records of the same millisecond in insertion order), filtered and limited', async () => {
    const session = await tempSession(warehouse);
    try {
      const store = await JobStore.open(session.warehouse);
      for (const [id, createdAt, pipeline] of [
        ['old', 500, 'p'],
        ['x1', 1_000, 'p'],
        ['x2', 1_000, 'q'],
        ['x3', 1_000, 'p'],
      ] as const) {
        await store.insert({ ...base, id, pipeline, createdAt: new Date(createdAt) });
      }
      await store.update({ ...base, id: 'x1', status: 'failed', error: { code: 'E', message: 'boom' } });
      expect((await store.list()).map((j) => j.id)).toEqual(['x3', 'x2', 'x1', 'old']);
      expect((await store.list({ pipeline: 'p', limit: 2 })).map((j) => j.id)).toEqual(['x3', 'x1']);
      expect((await store.list({ status: 'failed' })).map((j) => [j.id, j.error])).toEqual([
        ['x1', { code: 'E', message: 'boom' }],
      ]);
      expect((await store.withStatus(['queued', 'failed'])).map((j) => j.id).sort()).toEqual([
        'old',
        'x1',
        'x2',
        'x3',
      ]);
    } finally {
      await session.cleanup();
    }
  });
});

describe('JobStore on a warehouse without job records', () => {
  it('refuses it, and says to use Redis', async () => {
    const session = await tempSession();
    try {
      // A third-party warehouse driver without the optional job records.
      const warehouse = Object.create(session.warehouse, { jobRecordStore: { value: undefined } });
      await expect(JobStore.open(warehouse)).rejects.toThrow(/CHAINQL_REDIS_URL/);
    } finally {
      await session.cleanup();
    }
  });
});
