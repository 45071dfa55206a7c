import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobManager, loadPipelineConfig } from '../../../compute/pipelines/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from '../runners/redis-test-helpers.ts';
import { jobManagerSuite } from './job-manager-suite.ts';

const hasRedis = await redisAvailable();
const configFile = fileURLToPath(new URL('./fixtures/chainql.config.ts', import.meta.url));

describe.skipIf(!hasRedis)('BullmqJobManager (jobs in Redis, run by two `chainql worker` processes)', () => {
  const partitions = uniqueQueue('chainql-test-part');
  const pipelinesQueue = uniqueQueue('chainql-test-pipe');
  let session: Awaited<ReturnType<typeof tempSession>>;
  let manager: BullmqJobManager;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    session = await tempSession();
    const args = [
      '--queue',
      partitions,
      '--pipeline-queue',
      pipelinesQueue,
      '--config',
      configFile,
      '--partition-size',
      '1000',
      '--verbose',
    ];
    workers = await Promise.all([0, 1].map(() => spawnWorker(args)));
    manager = await BullmqJobManager.open({
      pipelines: await loadPipelineConfig(configFile, { required: true }),
      dataDir: session.dataDir,
      redisUrl: REDIS_URL,
      queueName: pipelinesQueue,
    });
  });
  afterAll(async () => {
    await manager?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await removeQueue(partitions);
    await removeQueue(pipelinesQueue);
    await session?.cleanup();
  });

  jobManagerSuite({ manager: () => manager, session: () => session });

  it('the UDF partitions of pipeline jobs ran on both worker processes', () => {
    const counts = workers.map((w) => (w.output().match(/ completed in /g) ?? []).length);
    expect(counts.every((n) => n > 0)).toBe(true);
  });
});
