/**
 * A pipeline written as users write it — inline UDF closures, one capturing the pipeline's input — runs
 * in-process and on two `chainql worker` processes unchanged. On workers, the worker holding the
 * coordinating pipeline job is killed with kill -9 mid-run: the job finishes on the other worker with
 * exactly the in-process output, no duplicates, progress that never goes back and its first startedAt.
 */

import { fileURLToPath } from 'node:url';
import { Job as BullJob, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../compute/index.ts';
import {
  BullmqJobManager,
  type Job,
  type JobManager,
  LocalJobManager,
  loadPipelineConfig,
} from '../../../compute/pipelines/index.ts';
import { jobUntil } from '../../helpers/job-until.ts';
import { tempSession } from '../../helpers/temp-session.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from '../runners/redis-test-helpers.ts';

const hasRedis = await redisAvailable();
const configFile = fileURLToPath(new URL('./fixtures/workers.config.ts', import.meta.url));
const COUNT = 8000;
const input = { count: COUNT, factor: 7, prefix: 'row-' };
/** Short locks so the test sees recovery in seconds; `chainql worker` defaults are 6000/3000 ms. */
const fastStall = ['--lock-duration', '2000', '--stalled-interval', '1000'];

const expected = Array.from({ length: COUNT }, (_, i) => {
  const n = i + 1;
  return { n, sq: n * n, scaled: n * 7, label: `row-${n}` };
});

type Session = Awaited<ReturnType<typeof tempSession>>;

async function outputRows(session: Session, name: string) {
  const rows = await readDataset(name, { session }).orderBy('n').collect();
  return rows.map(({ n, sq, scaled, label }) => ({ n, sq, scaled, label }));
}

const until = (manager: JobManager, id: string, done: (job: Job) => boolean) =>
  jobUntil(manager, id, done, { intervalMs: 50 });

describe('a pipeline with inline and input-capturing UDFs', () => {
  it('runs in-process (LocalJobManager) with the exact output', async () => {
    const session = await tempSession();
    const manager = await LocalJobManager.open({
      session,
      pipelines: await loadPipelineConfig(configFile, { required: true }),
    });
    try {
      const job = await manager.launch('scaled', { ...input, count: 500, output: 'scaled_local' });
      const done = await until(manager, job.id, (j) => j.status === 'succeeded');
      expect(done.progress).toMatchObject({ done: 1000, total: 1000 }); // two UDF steps of 500 rows
      expect(await outputRows(session, 'scaled_local')).toEqual(expected.slice(0, 500));
    } finally {
      await manager.close();
      await session.cleanup();
    }
  });

  // Killed in the first UDF step, and in the second (the restarted coordinator then first counts the finished
  // step alone, below what was shown already).
  describe.skipIf(!hasRedis).each([
    ['first', 1500],
    ['second', COUNT + 1500],
  ])('on two `chainql worker` processes, killed in the %s step', (_step, killAt) => {
    const partitions = uniqueQueue('chainql-test-part');
    const pipelines = uniqueQueue('chainql-test-pipe');
    let session: Session;
    let workers: WorkerProcess[] = [];
    let manager: BullmqJobManager;

    beforeAll(async () => {
      session = await tempSession();
      const args = ['--queue', partitions, '--pipeline-queue', pipelines, '--config', configFile];
      workers = await Promise.all(
        [0, 1].map(() => spawnWorker([...args, '--partition-size', '1000', '--verbose', ...fastStall])),
      );
      manager = await BullmqJobManager.open({
        pipelines: await loadPipelineConfig(configFile, { required: true }),
        dataDir: session.dataDir,
        redisUrl: REDIS_URL,
        queueName: pipelines,
        partitionQueue: partitions,
      });
    });
    afterAll(async () => {
      await manager?.close();
      await Promise.all(workers.map((w) => w.stop()));
      await removeQueue(partitions);
      await removeQueue(pipelines);
      await session?.cleanup();
    });

    it('kill -9 of the worker holding the coordinator job: exact output, no duplicates, progress never decreases, startedAt kept', async () => {
      const job = await manager.launch('scaled', { ...input, output: 'scaled_workers' });
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue(pipelines, { connection: redis });
      const samples: Job[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          samples.push(await manager.get(job.id));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      try {
        const before = await until(
          manager,
          job.id,
          (j) => j.status === 'running' && j.progress.done >= killAt,
        );
        const holder = (await BullJob.fromId(queue, job.id))?.processedBy ?? '';
        const victim = workers.find((w) => holder.endsWith(`:${w.child.pid}`));
        expect(victim, `coordinator ${holder}`).toBeDefined();
        const killedAt = Date.now();
        await victim!.kill9();
        const restarted = await until(manager, job.id, (j) => j.attempts >= 2);
        const restartedAt = Date.now();
        await until(manager, job.id, (j) => j.progress.done > restarted.progress.done);
        const movingAt = Date.now();
        const done = await until(manager, job.id, (j) => j.status === 'succeeded');
        sampling = false;
        await sampler;

        expect(done.output).toEqual({ dataset: 'scaled_workers', version: '1.0.0' });
        const rows = await outputRows(session, 'scaled_workers');
        expect(rows).toEqual(expected);
        expect(new Set(rows.map((r) => r.n)).size).toBe(COUNT);
        expect(done.progress).toMatchObject({ done: 2 * COUNT, total: 2 * COUNT });
        expect(done.attempts).toBe(2);
        expect(done.startedAt).toEqual(before.startedAt);
        const survivor = workers.find((w) => w !== victim)!;
        expect((await BullJob.fromId(queue, job.id))?.processedBy).toBe(
          `${holder.split(':')[0]}:${survivor.child.pid}`,
        );
        // Sampled every 200 ms from launch to the end: done never decreases, startedAt never moves.
        expect(samples.length).toBeGreaterThan(10);
        for (let i = 1; i < samples.length; i++) {
          expect(samples[i]!.progress.done, `sample ${i}`).toBeGreaterThanOrEqual(
            samples[i - 1]!.progress.done,
          );
          if (samples[i - 1]!.startedAt) expect(samples[i]!.startedAt).toEqual(samples[i - 1]!.startedAt);
        }
        expect(samples.some((s) => s.queue && s.queue.liveWorkers >= 1)).toBe(true);
        process.stdout.write(
          `[pipelines-on-workers] kill -9 of the coordinator's worker at done=${before.progress.done}: ` +
            `job restarted on the other worker after ${restartedAt - killedAt} ms, progress moving again after ` +
            `${movingAt - killedAt} ms (lock 2000 ms, stall check 1000 ms)\n`,
        );
      } finally {
        sampling = false;
        await sampler.catch(() => undefined);
        await queue.close();
        redis.disconnect();
      }
    }, 180_000);
  });
});
