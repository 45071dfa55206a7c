/**
 * A job queued while no `chainql worker` is alive: `job` shows it (no live workers, the job waiting), the
 * server's log gets one warning naming the queue and what to start, and the job runs once a worker comes.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BullmqJobManager, loadPipelineConfig } from '../../../compute/pipelines/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
} from '../runners/redis-test-helpers.ts';

const hasRedis = await redisAvailable();
const configFile = fileURLToPath(new URL('./fixtures/workers.config.ts', import.meta.url));

describe.skipIf(!hasRedis)('a job queued with no worker alive', () => {
  it('job shows no live workers and the waiting job; the server warns once; a worker then runs it', async () => {
    const partitions = uniqueQueue('chainql-test-part');
    const pipelines = uniqueQueue('chainql-test-pipe');
    const session = await tempSession();
    const lines: string[] = [];
    const manager = await BullmqJobManager.open({
      pipelines: await loadPipelineConfig(configFile, { required: true }),
      dataDir: session.dataDir,
      redisUrl: REDIS_URL,
      queueName: pipelines,
      partitionQueue: partitions,
      noWorkerWarnMs: 1000,
      log: (line) => lines.push(line),
    });
    try {
      const job = await manager.launch('scaled', { count: 50, factor: 1, prefix: 'w', output: 'no_worker' });
      expect(job.status).toBe('queued');
      expect(job.queue).toEqual({ liveWorkers: 0, waitingJobs: 1, waitingPartitions: 0 });
      const deadline = Date.now() + 15_000;
      while (lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('warning');
      expect(lines[0]).toContain(`queue '${pipelines}'`);
      expect(lines[0]).toMatch(/chainql worker --config/);
      await new Promise((r) => setTimeout(r, 2000));
      expect(lines).toHaveLength(1); // once per idle spell, not on every check

      const worker = await spawnWorker([
        '--queue',
        partitions,
        '--pipeline-queue',
        pipelines,
        '--config',
        configFile,
      ]);
      try {
        for (;;) {
          const current = await manager.get(job.id);
          if (current.status === 'succeeded') break;
          if (current.status === 'failed') throw new Error(JSON.stringify(current.error));
          await new Promise((r) => setTimeout(r, 100));
        }
        expect((await manager.get(job.id)).queue).toBeUndefined(); // finished jobs need no worker
      } finally {
        await worker.stop();
      }
    } finally {
      await manager.close();
      await removeQueue(partitions);
      await removeQueue(pipelines);
      await session.cleanup();
    }
  }, 120_000);
});
