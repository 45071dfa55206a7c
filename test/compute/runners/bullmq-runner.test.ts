import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset, readRecords, readStorage, UdfRowError } from '../../../compute/index.ts';
import { openBullmqRunner, RunnerConfigError } from '../../../compute/runners/index.ts';
import type { ProgressEvent } from '../../../compute/udf/index.ts';
import { tempDir, tempSession } from '../../helpers/temp-session.ts';
import { failOn13, NumberRow, prefetchSeen, square } from './fixtures/runner-udfs.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from './redis-test-helpers.ts';

const hasRedis = await redisAvailable();

const rows = (count: number) => Array.from({ length: count }, (_, i) => ({ n: i + 1, label: `r${i + 1}` }));

describe.skipIf(!hasRedis)('BullMQ runner with two `chainql worker` processes', () => {
  const queueName = uniqueQueue();
  let workers: WorkerProcess[] = [];
  let session: Awaited<ReturnType<typeof tempSession>>;
  let local: Awaited<ReturnType<typeof tempSession>>;

  beforeAll(async () => {
    session = await tempSession();
    local = await tempSession();
    workers = await Promise.all([0, 1].map(() => spawnWorker(['--queue', queueName, '--verbose'])));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await removeQueue(queueName);
    await session?.cleanup();
    await local?.cleanup();
  });

  it('produces the same dataset as the in-process run, with partitions spread over both workers', async () => {
    const input = rows(12_000);
    const events: ProgressEvent[] = [];
    const runner = openBullmqRunner({ redisUrl: REDIS_URL, queueName, partitionSize: 1000 });
    const distributed = await readRecords(input, NumberRow, { session })
      .settings({ runner, onProgress: (event) => events.push(event) })
      .map(square)
      .save('squares');
    const inProcess = await readRecords(input, NumberRow, { session: local })
      .settings({ workers: 0 })
      .map(square)
      .save('squares');

    expect(distributed.rows).toBe(12_000);
    const a = await readRecordsOf(session, 'squares');
    const b = await readRecordsOf(local, 'squares');
    expect(a).toEqual(b);
    expect(new Set(a.map((r) => r.n)).size).toBe(12_000);
    expect(a.find((r) => r.n === 77)).toMatchObject({ sq: 5929, tag: 'r77:0' });
    expect(inProcess.rows).toBe(12_000);

    // 12 partitions of 1000 rows, shared by the two processes.
    const lines = workers.map(
      (w) =>
        w
          .output()
          .split('\n')
          .filter((l) => l.includes(' completed')).length,
    );
    expect(lines.reduce((x, y) => x + y, 0)).toBe(12);
    expect(lines.every((n) => n > 0)).toBe(true);
    // Progress arrives per partition and adds up to the total.
    const committed = events.filter((e) => e.type === 'batchCommitted');
    expect(committed.length).toBeGreaterThanOrEqual(12);
    expect(committed.at(-1)).toMatchObject({ done: 12_000, total: 12_000 });
    expect(events[0]).toMatchObject({ type: 'started', total: 12_000 });
    expect(events.at(-1)).toMatchObject({ type: 'finished', status: 'succeeded', done: 12_000 });
  });

  it("honours the chain's prefetch setting in the workers' partitions", async () => {
    const files = tempDir('chainql-prefetch-');
    try {
      mkdirSync(join(files.dir, 'in'));
      for (let i = 1; i <= 6; i++) writeFileSync(join(files.dir, 'in', `f${i}.txt`), 'x'.repeat(i));
      const runner = openBullmqRunner({ redisUrl: REDIS_URL, queueName, partitionSize: 3 });
      const seen = async (name: string, prefetch: number) => {
        await readStorage(join(files.dir, 'in'), { session })
          .settings({ runner, prefetch, concurrency: 1 })
          .map(prefetchSeen)
          .save(name);
        const out = await readDataset(name, { session }).orderBy('bytes').collect();
        return out.map((r) => [r.bytes, r.prefetched]);
      };
      expect(await seen('prefetched', 2)).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, true]));
      expect(await seen('not_prefetched', 0)).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, false]));
    } finally {
      files.remove();
    }
  });

  it('rejects with the row error of a failed partition (same class as in-process)', async () => {
    const runner = openBullmqRunner({ redisUrl: REDIS_URL, queueName, partitionSize: 10 });
    const error = await readRecords(rows(40), NumberRow, { session })
      .settings({ runner })
      .map(failOn13)
      .save('unlucky')
      .catch((e: unknown) => e);
    expect(error, String(error)).toBeInstanceOf(UdfRowError);
    expect((error as UdfRowError).rowId).toBe(13);
    expect((error as UdfRowError).message).toContain('unlucky number 13');
    expect(((error as UdfRowError).cause as Error).name).toBe('RangeError');
  });
});

describe.skipIf(!hasRedis)('BullMQ runner without workers', () => {
  it('fails with a clear RunnerConfigError instead of waiting forever, and leaves no queued partitions', async () => {
    const queueName = uniqueQueue();
    const session = await tempSession();
    try {
      const runner = openBullmqRunner({
        redisUrl: REDIS_URL,
        queueName,
        partitionSize: 10,
        noWorkerTimeoutMs: 1000,
      });
      const started = Date.now();
      const error = await readRecords(rows(30), NumberRow, { session })
        .settings({ runner })
        .map(square)
        .save('nobody')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunnerConfigError);
      expect((error as Error).message).toContain(`queue '${queueName}'`);
      expect(Date.now() - started).toBeLessThan(10_000);
      const { Queue } = await import('bullmq');
      const { Redis } = await import('ioredis');
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue(queueName, { connection: redis });
      expect((await queue.getJobCounts('waiting')).waiting).toBe(0);
      await queue.close();
      redis.disconnect();
    } finally {
      await removeQueue(queueName);
      await session.cleanup();
    }
  });
});

async function readRecordsOf(session: Awaited<ReturnType<typeof tempSession>>, name: string) {
  const { readDataset } = await import('../../../compute/index.ts');
  const all = await readDataset(name, { session }).orderBy('n').collect();
  return all.map(({ n, label, sq, tag }) => ({ n, label, sq, tag })) as {
    n: number;
    label: string;
    sq: number;
    tag: string;
  }[];
}
