/**
 * Delta saves composed with the rest: a pipeline declared `delta` (launched through the job manager like a
 * nightly mutation) processes only the day's files; a delta run's UDF step runs on BullMQ workers (two
 * `chainql worker` processes) and only the pending rows are partitioned.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readDataset, readRecords, readStorage } from '../../../compute/index.ts';
import { definePipeline, LocalJobManager } from '../../../compute/pipelines/index.ts';
import { openBullmqRunner } from '../../../compute/runners/index.ts';
import type { ProgressEvent } from '../../../compute/udf/index.ts';
import { tempDir, tempSession } from '../../helpers/temp-session.ts';
import { NumberRow, square } from '../runners/fixtures/runner-udfs.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from '../runners/redis-test-helpers.ts';

let session: Awaited<ReturnType<typeof tempSession>>;
let files: ReturnType<typeof tempDir>;
const seen: string[] = [];
beforeAll(async () => {
  session = await tempSession();
  files = tempDir('chainql-delta-pipe-');
});
afterAll(async () => {
  await session.cleanup();
  files.remove();
});

const nightly = definePipeline({
  name: 'nightly_sizes',
  input: z.object({ day: z.string() }),
  output: 'nightly_sizes',
  delta: true,
  run: (_input, ctx) =>
    readStorage(files.dir, { session: ctx.session, glob: '*.log' })
      .settings({ onDelta: () => {} })
      .map({ bytes: z.int() }, ({ file }) => {
        seen.push(file.path.split('/').pop() ?? '');
        return { bytes: file.size };
      }),
});

describe('a pipeline declared delta', () => {
  it("each nightly mutation processes only the day's new files", async () => {
    const manager = await LocalJobManager.open({ session, pipelines: [nightly] });
    try {
      const runDay = async (day: string) => {
        const job = await manager.launch('nightly_sizes', { day }, { idempotencyKey: `nightly-${day}` });
        let last = job;
        for await (const update of manager.subscribe(job.id)) last = update;
        expect(last.status).toBe('succeeded');
        return last;
      };
      for (let i = 1; i <= 20; i++) writeFileSync(join(files.dir, `d1-${i}.log`), 'x'.repeat(i));
      await runDay('2026-12-01');
      expect(seen).toHaveLength(20);
      seen.length = 0;
      for (let i = 1; i <= 3; i++) writeFileSync(join(files.dir, `d2-${i}.log`), 'y'.repeat(i));
      const second = await runDay('2026-12-02');
      expect(seen.sort()).toEqual(['d2-1.log', 'd2-2.log', 'd2-3.log']);
      expect(second.output).toMatchObject({ dataset: 'nightly_sizes', version: '1.0.1' });
      expect(await readDataset('nightly_sizes', { session }).count()).toBe(23);
    } finally {
      await manager.close();
    }
  });
});

const failing = new Set<string>();
const nightlyRetry = definePipeline({
  name: 'nightly_lengths',
  input: z.object({ day: z.string() }),
  output: 'nightly_lengths',
  delta: { deltaRetry: 'udf_error' },
  run: (_input, ctx) =>
    readStorage(files.dir, { session: ctx.session, glob: '*.txt' })
      .settings({ onDelta: () => {} })
      .map(
        { chars: z.int() },
        ({ file }) => {
          const base = file.path.split('/').pop() ?? '';
          seen.push(base);
          if (failing.has(base)) throw new Error(`upstream refused ${base}`);
          return { chars: file.size };
        },
        { onError: 'store' },
      ),
});

describe("a pipeline declared delta with deltaRetry (the README's nightly pipeline)", () => {
  it("processes the day's new files and retries yesterday's failures, nothing else", async () => {
    const manager = await LocalJobManager.open({ session, pipelines: [nightlyRetry] });
    try {
      const runDay = async (day: string) => {
        const job = await manager.launch('nightly_lengths', { day });
        let last = job;
        for await (const update of manager.subscribe(job.id)) last = update;
        expect(last.status).toBe('succeeded');
      };
      const errors = async () =>
        (await readDataset<{ udf_error: unknown }>('nightly_lengths', { session }).collect()).filter(
          (row) => row.udf_error !== null,
        ).length;
      for (let i = 1; i <= 12; i++) writeFileSync(join(files.dir, `n1-${i}.txt`), 'z'.repeat(i));
      failing.add('n1-4.txt').add('n1-9.txt');
      seen.length = 0;
      await runDay('2026-12-01');
      expect(seen).toHaveLength(12);
      expect(await errors()).toBe(2);

      failing.clear();
      writeFileSync(join(files.dir, 'n2-1.txt'), 'new');
      seen.length = 0;
      await runDay('2026-12-02');
      expect(seen.sort()).toEqual(['n1-4.txt', 'n1-9.txt', 'n2-1.txt']);
      expect(await errors()).toBe(0);
      const chars = await readDataset<{ file: { path: string }; chars: number }>('nightly_lengths', {
        session,
      }).collect();
      expect(chars).toHaveLength(13);
      expect(chars.find((row) => row.file.path.endsWith('n1-9.txt'))?.chars).toBe(9);
    } finally {
      await manager.close();
    }
  });
});

const hasRedis = await redisAvailable();

describe.skipIf(!hasRedis)('a delta run on BullMQ workers', () => {
  const queueName = uniqueQueue('chainql-delta');
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    workers = await Promise.all([0, 1].map(() => spawnWorker(['--queue', queueName])));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await removeQueue(queueName);
  });

  it('partitions only the pending rows; every row of the new version is right', async () => {
    const rows = (from: number, to: number, label: string) =>
      Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i, label }));
    await readRecords(rows(1, 3000, 'a'), NumberRow, { session }).save('delta_numbers', {
      primaryKey: ['n'],
    });
    const runner = openBullmqRunner({ redisUrl: REDIS_URL, queueName, partitionSize: 500 });
    const events: ProgressEvent[] = [];
    const chain = () =>
      readDataset('delta_numbers', { session, delta: true })
        .settings({ runner, onProgress: (event) => events.push(event), onDelta: () => {} })
        .map(square);
    await chain().save('delta_squares');
    // 1,200 changed labels and 500 new rows → 1,700 pending rows on the workers.
    await readRecords(
      [...rows(1, 1200, 'b'), ...rows(1201, 3000, 'a'), ...rows(3001, 3500, 'a')],
      NumberRow,
      {
        session,
      },
    ).save('delta_numbers');
    events.length = 0;
    const v2 = await chain().save('delta_squares');
    const started = events.find((event) => event.type === 'started');
    expect(started).toMatchObject({ total: 1700 });
    expect(v2.rows).toBe(3500);
    const distributed = (
      await readDataset<{ n: number; sq: number; tag: string }>('delta_squares', { session }).collect()
    )
      .map(({ n, sq, tag }) => ({ n, sq, tag }))
      .sort((a, b) => a.n - b.n);
    expect(distributed).toEqual(
      rows(1, 3500, '').map(({ n }) => ({ n, sq: n * n, tag: `${n <= 1200 ? 'b' : 'a'}:${n % 7}` })),
    );
  }, 120_000);
});
