/**
 * A `chainql worker` whose warehouse is ClickHouse (reached through a TCP proxy this test controls, with a
 * password in the URL): it caches files in its own data directory — never in the server's, which jobs carry
 * through Redis — and while ClickHouse is away every job fails with WAREHOUSE_UNREACHABLE naming the URL without
 * the password; once ClickHouse is back the same worker runs jobs again.
 */

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../compute/index.ts';
import { BullmqJobManager, type Job, loadPipelineConfig } from '../../compute/pipelines/index.ts';
import { openSession, type Session } from '../../compute/session.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from '../compute/runners/redis-test-helpers.ts';
import { startTcpProxy, type TcpProxy } from '../fakes/tcp-proxy.ts';
import { tempClickhouseDatabase } from '../helpers/clickhouse-server.ts';
import { jobUntil } from '../helpers/job-until.ts';
import { tempDir } from '../helpers/temp-session.ts';

const hasRedis = await redisAvailable();
const CONFIG = fileURLToPath(new URL('./fixtures/worker-files.config.ts', import.meta.url));
const PASSWORD = 'worker-s3cret';
/** Sizes of the files the pipeline reads (bytes). */
const SIZES = [3, 10, 0, 250, 7];

const until = (manager: BullmqJobManager, id: string, done: (job: Job) => boolean) =>
  jobUntil(manager, id, done, { timeoutMs: 180_000 });

const settled = (job: Job) => ['succeeded', 'failed', 'cancelled'].includes(job.status);
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

describe.skipIf(!hasRedis)('chainql worker on ClickHouse', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  let proxy: TcpProxy;
  let manager: BullmqJobManager;
  let worker: WorkerProcess;
  let reader: Session;
  let root: { dir: string; remove(): void };
  let shownUrl: string;
  let serverDataDir: string;
  let workerDataDir: string;
  let filesUri: string;
  let workerArgs: string[];
  let workerEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = tempDir('chainql-worker-ch-');
    cleanups.push(async () => root.remove());
    const database = await tempClickhouseDatabase();
    cleanups.push(() => database.drop());
    const front = new URL(database.url);
    proxy = await startTcpProxy('127.0.0.1', Number(front.port));
    cleanups.push(() => proxy.close());
    shownUrl = `http://127.0.0.1:${proxy.port}`;
    const workerUrl = `http://chainql:${PASSWORD}@127.0.0.1:${proxy.port}${front.pathname}`;

    const files = join(root.dir, 'bucket');
    mkdirSync(files);
    for (const [i, size] of SIZES.entries()) writeFileSync(join(files, `f${i}.bin`), Buffer.alloc(size, 7));
    filesUri = `${pathToFileURL(files).href}/`;
    // The server's data directory is on another machine: it must never appear on the worker's.
    serverDataDir = join(root.dir, 'server-machine', 'data');
    workerDataDir = join(root.dir, 'worker-data');

    const partitions = uniqueQueue('chainql-test-part');
    const pipelines = uniqueQueue('chainql-test-pipe');
    cleanups.push(
      () => removeQueue(partitions),
      () => removeQueue(pipelines),
    );
    manager = await BullmqJobManager.open({
      pipelines: await loadPipelineConfig(CONFIG, { required: true }),
      dataDir: serverDataDir,
      redisUrl: REDIS_URL,
      queueName: pipelines,
      partitionQueue: partitions,
    });
    cleanups.push(() => manager.close());
    workerArgs = [
      '--queue',
      partitions,
      '--pipeline-queue',
      pipelines,
      '--config',
      CONFIG,
      '--data',
      workerDataDir,
    ];
    workerEnv = { CHAINQL_CLICKHOUSE_URL: workerUrl };
    worker = await spawnWorker(workerArgs, workerEnv);
    cleanups.push(() => worker.stop());
    reader = await openSession({ dataDir: join(root.dir, 'reader'), warehouseUrl: database.url });
    cleanups.push(() => reader.close());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  const launch = (output: string) => manager.launch('file_sizes', { uri: filesUri, output });
  const sizes = async (output: string) =>
    (await readDataset(output, { session: reader }).collect())
      .map((row) => (row as { size: number }).size)
      .sort((a, b) => a - b);

  it('caches files in its own data directory, never in the server data directory jobs carry', async () => {
    const job = await until(manager, (await launch('sizes_first')).id, settled);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(await sizes('sizes_first')).toEqual([...SIZES].sort((a, b) => a - b));
    expect(existsSync(join(root.dir, 'server-machine'))).toBe(false);
    // Every non-empty file was read through the cache, into `<worker --data>/file-cache`.
    expect(readdirSync(join(workerDataDir, 'file-cache'), { recursive: true }).length).toBeGreaterThan(0);
  });

  it('fails each job with WAREHOUSE_UNREACHABLE naming the URL (no password) while ClickHouse is away — from its first job, and again later — and runs jobs again once it is back', async () => {
    const failsWhileDown = async (outputs: readonly string[]) => {
      for (const output of outputs) {
        const job = await until(manager, (await launch(output)).id, settled);
        expect(job.status).toBe('failed');
        expect(job.error?.code).toBe('WAREHOUSE_UNREACHABLE');
        expect(job.error?.message).toContain(`The warehouse at ${shownUrl} is unreachable`);
        expect(job.error?.message).not.toContain(PASSWORD);
      }
    };
    const runsAgain = async (output: string) => {
      const job = await until(manager, (await launch(output)).id, settled);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      expect(await sizes(output)).toEqual([...SIZES].sort((a, b) => a - b));
    };

    // A worker that starts while ClickHouse is away says so at once, fails its jobs, and recovers.
    await worker.stop();
    await proxy.down();
    worker = await spawnWorker(workerArgs, workerEnv, { until: /cannot reach the warehouse at / });
    await failsWhileDown(['sizes_down_1', 'sizes_down_2']);
    await proxy.up();
    await runsAgain('sizes_back_1');
    expect(worker.output()).toContain(`connected to the warehouse at ${shownUrl} again`);

    // ClickHouse goes away again under the running worker: the same, with one line per outage.
    await proxy.down();
    await failsWhileDown(['sizes_down_3']);
    await proxy.up();
    await runsAgain('sizes_back_2');
    expect(occurrences(worker.output(), `cannot reach the warehouse at ${shownUrl}`)).toBe(2);
    expect(occurrences(worker.output(), `connected to the warehouse at ${shownUrl} again`)).toBe(2);
    expect(worker.output()).not.toContain(PASSWORD);
    expect(existsSync(join(root.dir, 'server-machine'))).toBe(false);
  });
});
