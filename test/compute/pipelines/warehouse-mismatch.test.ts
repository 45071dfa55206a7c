/**
 * A `chainql worker` started with another warehouse than the server's (here: another ClickHouse database) refuses
 * the server's jobs with WAREHOUSE_MISMATCH, naming its own warehouse and the fix, and writes nothing anywhere; a
 * worker on the server's warehouse then runs the same pipeline.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../compute/index.ts';
import { BullmqJobManager, loadPipelineConfig } from '../../../compute/pipelines/index.ts';
import { openSession, type Session } from '../../../compute/session.ts';
import { tempClickhouseDatabase } from '../../helpers/clickhouse-server.ts';
import { jobUntil } from '../../helpers/job-until.ts';
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

describe.skipIf(!hasRedis)('a worker on another warehouse than the server', () => {
  const partitions = uniqueQueue('chainql-test-part');
  const pipelines = uniqueQueue('chainql-test-pipe');
  const dataDir = mkdtempSync(join(tmpdir(), 'chainql-mismatch-'));
  let server: Awaited<ReturnType<typeof tempClickhouseDatabase>>;
  let other: Awaited<ReturnType<typeof tempClickhouseDatabase>>;
  let session: Session;
  let manager: BullmqJobManager;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    server = await tempClickhouseDatabase();
    other = await tempClickhouseDatabase();
    session = await openSession({ dataDir, warehouseUrl: server.url });
    manager = await BullmqJobManager.open({
      pipelines: await loadPipelineConfig(configFile, { required: true }),
      dataDir,
      warehouse: await session.registry.identity(),
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
    await session?.close();
    await server?.drop();
    await other?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const settled = (id: string) =>
    jobUntil(manager, id, (job) => job.status === 'succeeded' || job.status === 'failed');

  const worker = (url: string) =>
    spawnWorker([
      '--queue',
      partitions,
      '--pipeline-queue',
      pipelines,
      '--config',
      configFile,
      '--warehouse',
      url,
    ]);

  it('refuses the job with WAREHOUSE_MISMATCH and writes nothing; a worker on the server warehouse runs it', async () => {
    const wrong = await worker(other.url);
    workers.push(wrong);
    const input = { count: 50, factor: 3, prefix: 'r', output: 'mismatch_out' };
    const refused = await settled((await manager.launch('scaled', input)).id);
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('WAREHOUSE_MISMATCH');
    expect(refused.error?.message).toContain(new URL(other.url).pathname.slice(1));
    expect(refused.error?.message).toMatch(/same CHAINQL_CLICKHOUSE_URL/);
    const otherSession = await openSession({
      dataDir: mkdtempSync(join(tmpdir(), 'chainql-other-')),
      warehouseUrl: other.url,
    });
    try {
      expect(await otherSession.registry.listDatasets()).toEqual([]);
    } finally {
      await otherSession.close();
    }
    expect(await session.registry.listDatasets()).toEqual([]);

    await wrong.stop();
    workers.push(await worker(server.url));
    const ran = await settled((await manager.launch('scaled', input)).id);
    expect(ran.status, JSON.stringify(ran.error)).toBe('succeeded');
    expect(await readDataset('mismatch_out', { session }).count()).toBe(50);
  }, 180_000);
});
