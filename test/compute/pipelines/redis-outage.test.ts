/**
 * Redis unreachable — at start, and going away mid-run — through a TCP proxy this test controls (the
 * shared Redis is never touched): `chainql serve` and `chainql worker` print one clear line naming the
 * URL, keep retrying with backoff, say when they are connected again, and the job finishes with nothing
 * lost once Redis is back.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readDataset } from '../../../compute/index.ts';
import {
  BullmqJobManager,
  type Job,
  type JobManager,
  loadPipelineConfig,
} from '../../../compute/pipelines/index.ts';
import { startCliServer } from '../../cli/run-cli.ts';
import { startTcpProxy, type TcpProxy } from '../../fakes/tcp-proxy.ts';
import { jobUntil } from '../../helpers/job-until.ts';
import { tempSession } from '../../helpers/temp-session.ts';
import {
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from '../runners/redis-test-helpers.ts';

const hasRedis = await redisAvailable();
const configFile = fileURLToPath(new URL('./fixtures/workers.config.ts', import.meta.url));

// REDIS_UNAVAILABLE while the test keeps Redis down: keep polling.
const until = (manager: JobManager, id: string, done: (job: Job) => boolean) =>
  jobUntil(manager, id, done, { whileUnavailable: true });

async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern, 'g')) ?? []).length;

describe.skipIf(!hasRedis)('Redis unreachable', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  });

  it('at start: serve listens and reports it once, a mutation fails with REDIS_UNAVAILABLE; once Redis is up the worker connects and the job runs', async () => {
    const proxy: TcpProxy = await startTcpProxy('127.0.0.1', 6379);
    cleanups.push(() => proxy.close());
    await proxy.down();
    const url = `redis://127.0.0.1:${proxy.port}`;
    const partitions = uniqueQueue('chainql-test-part');
    const pipelines = uniqueQueue('chainql-test-pipe');
    cleanups.push(
      () => removeQueue(partitions),
      () => removeQueue(pipelines),
    );
    const session = await tempSession();
    cleanups.push(() => session.cleanup());
    const env = { CHAINQL_REDIS_URL: url, CHAINQL_QUEUE: partitions, CHAINQL_PIPELINE_QUEUE: pipelines };
    const server = await startCliServer(
      ['serve', '--port', '0', '--data', session.dataDir, '--config', configFile],
      { env },
    );
    cleanups.push(() => server.stop());
    const serveErr = () => server.stderr();
    await waitFor(serveErr, /cannot reach Redis/);
    const worker: WorkerProcess = await spawnWorker(
      ['--queue', partitions, '--pipeline-queue', pipelines, '--config', configFile],
      {},
      { redisUrl: url, until: /cannot reach Redis/ },
    );
    cleanups.push(() => worker.stop());

    const launch = () =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            'mutation { scaled(input: { count: 300, factor: 2, prefix: "p", output: "outage_start" }) { id status } }',
        }),
      }).then(
        (r) =>
          r.json() as Promise<{
            data?: { scaled: { id: string } };
            errors?: { message: string; extensions: { code: string } }[];
          }>,
      );
    const refused = await launch();
    expect(refused.errors?.[0]?.extensions.code).toBe('REDIS_UNAVAILABLE');
    expect(refused.errors?.[0]?.message).toContain(url);

    await new Promise((resolve) => setTimeout(resolve, 2000)); // several reconnection attempts
    expect(count(serveErr(), /cannot reach Redis at /)).toBe(1);
    expect(serveErr()).toContain(`cannot reach Redis at ${url}`);
    expect(count(worker.output(), /cannot reach Redis at /)).toBe(1);
    expect(worker.output()).toContain(`cannot reach Redis at ${url}`);
    expect(worker.output()).not.toContain('ECONNREFUSED\n    at'); // no raw error objects

    await proxy.up();
    await waitFor(worker.output, /chainql worker ready: connected to Redis at /);
    expect(worker.output()).toMatch(
      new RegExp(
        `connected to Redis at ${url}, serving partitions '${partitions}' and pipelines '${pipelines}' \\(scaled\\)`,
      ),
    );
    await waitFor(serveErr, /connected to Redis at .* again/);

    const launched = await launch();
    const id = launched.data?.scaled.id ?? '';
    expect(id, JSON.stringify(launched)).not.toBe('');
    const manager = await BullmqJobManager.open({
      pipelines: await loadPipelineConfig(configFile, { required: true }),
      dataDir: session.dataDir,
      redisUrl: url,
      queueName: pipelines,
      partitionQueue: partitions,
    });
    cleanups.push(() => manager.close());
    await until(manager, id, (j) => j.status === 'succeeded');
    expect(await readDataset('outage_start', { session }).count()).toBe(300);
  }, 120_000);

  it('mid-run: the job finishes once Redis is back, with the exact output and no duplicates', async () => {
    const proxy: TcpProxy = await startTcpProxy('127.0.0.1', 6379);
    cleanups.push(() => proxy.close());
    const url = `redis://127.0.0.1:${proxy.port}`;
    const partitions = uniqueQueue('chainql-test-part');
    const pipelines = uniqueQueue('chainql-test-pipe');
    cleanups.push(
      () => removeQueue(partitions),
      () => removeQueue(pipelines),
    );
    const session = await tempSession();
    cleanups.push(() => session.cleanup());
    const args = [
      '--queue',
      partitions,
      '--pipeline-queue',
      pipelines,
      '--config',
      configFile,
      '--partition-size',
      '1000',
    ];
    const workers = await Promise.all([0, 1].map(() => spawnWorker(args, {}, { redisUrl: url })));
    cleanups.push(() => Promise.all(workers.map((w) => w.stop())));
    const lines: string[] = [];
    const manager = await BullmqJobManager.open({
      pipelines: await loadPipelineConfig(configFile, { required: true }),
      dataDir: session.dataDir,
      redisUrl: url,
      queueName: pipelines,
      partitionQueue: partitions,
      log: (line) => lines.push(line),
    });
    cleanups.push(() => manager.close());

    const COUNT = 6000;
    const job = await manager.launch('scaled', {
      count: COUNT,
      factor: 3,
      prefix: 'x',
      output: 'outage_mid',
    });
    await until(manager, job.id, (j) => j.progress.done >= 1000);
    await proxy.down();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await proxy.up();
    const done = await until(manager, job.id, (j) => j.status === 'succeeded');

    expect(done.progress).toMatchObject({ done: 2 * COUNT, total: 2 * COUNT });
    const rows = await readDataset('outage_mid', { session }).orderBy('n').collect();
    expect(rows.map(({ n, sq, scaled, label }) => ({ n, sq, scaled, label }))).toEqual(
      Array.from({ length: COUNT }, (_, i) => ({
        n: i + 1,
        sq: (i + 1) ** 2,
        scaled: (i + 1) * 3,
        label: `x${i + 1}`,
      })),
    );
    for (const worker of workers) {
      expect(count(worker.output(), /cannot reach Redis at /), worker.output()).toBe(1);
      expect(worker.output()).toMatch(/connected to Redis at .* again/);
    }
    expect(lines.filter((line) => line.includes('cannot reach Redis'))).toHaveLength(1);
    expect(lines.some((line) => /connected to Redis at .* again/.test(line))).toBe(true);
  }, 180_000);
});
