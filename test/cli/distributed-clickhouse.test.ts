/**
 * Distributed end to end on ClickHouse: `chainql serve` and two `chainql worker` processes, each in its own
 * empty working directory with its own empty data directory, share nothing but ClickHouse (the HTTP front over
 * one chdb session, in its own process) and Redis. A mutation launches a 20k-row enrichment whose UDF calls a
 * mock LLM; one worker is killed with `kill -9` mid-run; the job completes with exact output, no duplicates and
 * at most one batch plus the rows in flight redone; the dataset is then queried over GraphQL. Then the server's
 * answers to a ClickHouse that goes away, a query past its time limit, and wrong credentials.
 */
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickhouseWarehouse } from '../../clients/warehouse/clickhouse/clickhouse-warehouse.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  uniqueQueue,
} from '../compute/runners/redis-test-helpers.ts';
import { type FaultProxy, startFaultProxy } from '../fakes/fault-proxy.ts';
import { expectedChatContent, OpenAiMock } from '../fakes/openai-mock.ts';
import { type SpawnedClickhouseFront, spawnClickhouseFront } from '../support/spawn-clickhouse-front.ts';
import { type CliServer, makeTempDir, runCli, spawnCli, startCliServer } from './run-cli.ts';

const hasRedis = await redisAvailable();
const CONFIG = fileURLToPath(new URL('./fixtures/distributed.config.ts', import.meta.url));
const ROWS = 20_000;
/** The fixture pipeline's settings: rows per committed batch and rows in flight per partition. */
const BATCH_SIZE = 200;
const CONCURRENCY = 16;
const USER = 'chainql';
const PASSWORD = 'e2e-secret';

interface JobView {
  readonly id: string;
  readonly status: string;
  readonly progress: { readonly done: number; readonly total: number };
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly output: { readonly dataset: string; readonly version: string } | null;
}

interface GraphqlAnswer<T> {
  readonly data?: T;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string } }[];
}

async function gql<T>(url: string, query: string): Promise<GraphqlAnswer<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as GraphqlAnswer<T>;
}

async function job(url: string, id: string): Promise<JobView> {
  const answer = await gql<{ job: JobView }>(
    url,
    `{ job(id: "${id}") { id status progress { done total } error { code message } output { dataset version } } }`,
  );
  if (!answer.data) throw new Error(`job(${id}) failed: ${JSON.stringify(answer.errors)}`);
  return answer.data.job;
}

/** Polls until `done(value)`; generous deadline (the machine may be loaded), no timing assertion. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 420_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A `chainql worker` started in its own directory; resolves once it is ready. */
interface Worker {
  output(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  readonly signal: () => NodeJS.Signals | null;
}

async function startWorker(cwd: string, env: Record<string, string>): Promise<Worker> {
  const child = spawnCli(
    [
      'worker',
      '--config',
      CONFIG,
      '--verbose',
      '--partition-size',
      String(2000),
      // Longer than the test default of other suites: a loaded CI machine must not lose live locks.
      '--lock-duration',
      '10000',
      '--stalled-interval',
      '5000',
    ],
    { cwd, env },
  );
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within 60 s:\n${text}`)), 60_000);
    child.stdout?.on('data', () => {
      if (text.includes('chainql worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready:\n${text}`));
    });
  });
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    output: () => text,
    kill9: () => stopWith('SIGKILL'),
    stop: () => stopWith('SIGTERM'),
    signal: () => child.signalCode,
  };
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!hasRedis)('distributed: serve + two workers on ClickHouse over HTTP and Redis', () => {
  let front: SpawnedClickhouseFront;
  let proxy: FaultProxy;
  let mock: OpenAiMock;
  let database: string;
  /** ClickHouse URL of the workers (straight to the front) and of the server (through the fault proxy). */
  let workerUrl: string;
  let serverUrl: string;
  const partitionQueue = uniqueQueue('chainql-e2e-partitions');
  const pipelineQueue = uniqueQueue('chainql-e2e-pipelines');
  const dirs = [
    makeTempDir('chainql-e2e-serve-'),
    makeTempDir('chainql-e2e-w1-'),
    makeTempDir('chainql-e2e-w2-'),
  ];
  const workers: Worker[] = [];
  let server: CliServer | undefined;

  beforeAll(async () => {
    front = await spawnClickhouseFront({ user: USER, password: PASSWORD });
    const base = new URL(front.url);
    database = `chainql_e2e_${Date.now().toString(36)}_${process.pid}`;
    const admin = await openClickhouseWarehouse({ url: `http://${USER}:${PASSWORD}@${base.host}` });
    await admin.execute({ sql: `CREATE DATABASE ${database}`, parameters: [] });
    await admin.close();
    proxy = await startFaultProxy(front.url);
    workerUrl = `http://${USER}:${PASSWORD}@${base.host}/${database}`;
    serverUrl = `http://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}/${database}`;
    mock = new OpenAiMock({ latencyMs: 10 });
    await mock.start();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await removeQueue(partitionQueue);
    await removeQueue(pipelineQueue);
    await mock?.stop();
    await proxy?.close();
    if (front) {
      const admin = await openClickhouseWarehouse({
        url: `http://${USER}:${PASSWORD}@${new URL(front.url).host}`,
      });
      await admin.execute({ sql: `DROP DATABASE IF EXISTS ${database} SYNC`, parameters: [] });
      await admin.close();
      await front.stop();
    }
    for (const dir of dirs) dir.remove();
  }, 120_000);

  /** Environment of one machine: ClickHouse, Redis, queues, its own data directory. Nothing else. */
  const machineEnv = (clickhouseUrl: string, dataDir: string): Record<string, string> => ({
    CHAINQL_CLICKHOUSE_URL: clickhouseUrl,
    CHAINQL_REDIS_URL: REDIS_URL,
    CHAINQL_QUEUE: partitionQueue,
    CHAINQL_PIPELINE_QUEUE: pipelineQueue,
    CHAINQL_DATA_DIR: dataDir,
    CHAINQL_QUERY_TIMEOUT_MS: '3000',
  });

  it('a mutation runs a 20k-row enrichment on two workers; one is killed with kill -9; exact output over GraphQL', async () => {
    const [serveDir, w1Dir, w2Dir] = dirs.map((d) => d.dir) as [string, string, string];
    const started = Date.now();
    server = await startCliServer(['serve', '--port', '0', '--data', serveDir, '--config', CONFIG], {
      cwd: serveDir,
      env: machineEnv(serverUrl, serveDir),
    });
    const url = server.url;
    const serveReady = Date.now();
    // The first worker alone takes the pipeline job (it coordinates the run and processes partitions).
    workers.push(await startWorker(w1Dir, machineEnv(workerUrl, w1Dir)));
    const launched = await gql<{ llm_enrich: JobView }>(
      url,
      `mutation { llm_enrich(input: { rows: ${ROWS}, endpoint: "${mock.baseUrl}" }) { id status } }`,
    );
    const id = launched.data?.llm_enrich.id;
    expect(id, JSON.stringify(launched.errors)).toBeTruthy();
    await until(
      () => job(url, id!),
      (j) => j.status === 'running' && j.progress.total > 0,
      'the UDF step to start',
    );
    // The second worker joins mid-run; once it has finished a partition of its own it is killed.
    const victim = await startWorker(w2Dir, machineEnv(workerUrl, w2Dir));
    workers.push(victim);
    // Killed while both workers are inside a partition that has committed batches and has more to go, so the
    // victim has rows in flight and a partly committed partition the survivor must finish.
    const partitions = new Queue(partitionQueue, {
      connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
    });
    const PARTITION = 2000;
    const inside = (done: number) => done >= BATCH_SIZE && done <= PARTITION - 3 * BATCH_SIZE;
    const snapshot = await until(
      async () => {
        const active = await partitions.getActive();
        return {
          job: await job(url, id!),
          active: active.map((j) => ({
            range: (j.data as { range: { from: number; to: number } }).range,
            done: (j.progress as { done?: number } | undefined)?.done ?? 0,
          })),
        };
      },
      ({ job: j, active }) =>
        j.status !== 'running' ||
        (/partition \d+\.\.\d+ completed/.test(victim.output()) &&
          active.length >= 2 &&
          active.every((a) => inside(a.done))),
      'both workers inside a partition',
    );
    await partitions.close();
    const atKill = snapshot.job;
    expect(atKill.status).toBe('running');
    expect(atKill.progress.done).toBeLessThan(atKill.progress.total);
    await victim.kill9();
    expect(victim.signal()).toBe('SIGKILL');

    const killedAt = Date.now();
    const finished = await until(
      () => job(url, id!),
      (j) => j.status !== 'running' && j.status !== 'queued',
      'the job to end',
    ).catch((error: unknown) => {
      // What the workers said is the only way to see why a distributed run did not end.
      for (const [i, worker] of workers.entries())
        process.stdout.write(`--- worker ${i + 1}:\n${worker.output()}\n`);
      throw error;
    });
    const runEnded = Date.now();
    const resumed = [
      ...workers[0]!.output().matchAll(/partition (\d+)\.\.(\d+) completed in \d+ ms committed (\d+)/g),
    ]
      .map((m) => ({ from: Number(m[1]), committed: Number(m[3]) }))
      .filter(
        (line) => snapshot.active.some((a) => a.range.from === line.from) && line.committed < PARTITION,
      );
    expect(resumed.length, workers[0]!.output()).toBeGreaterThanOrEqual(1);
    expect(finished.error).toBeNull();
    expect(finished).toMatchObject({ status: 'succeeded', output: { dataset: 'llm_answers' } });

    // Exact output, no duplicates: every n once with the answer the endpoint gives for it.
    const count = await gql<{ llm_answers_aggregate: { aggregate: { count: number } } }>(
      url,
      '{ llm_answers_aggregate { aggregate { count } } }',
    );
    expect(count.data?.llm_answers_aggregate.aggregate.count).toBe(ROWS);
    const rows: { n: number; answer: string }[] = [];
    for (let offset = 0; offset < ROWS; offset += 10_000) {
      const page = await gql<{ llm_answers: { n: number; answer: string }[] }>(
        url,
        `{ llm_answers(order_by: [{ n: asc }], limit: 10000, offset: ${offset}) { n answer } }`,
      );
      rows.push(...(page.data?.llm_answers ?? []));
    }
    expect(rows).toHaveLength(ROWS);
    const wrong = rows.filter(
      (row, i) => row.n !== i + 1 || row.answer !== expectedChatContent('m', `number ${row.n}`),
    );
    expect(wrong.slice(0, 5)).toEqual([]);
    const groups = await gql<{ llm_answers_groups: unknown[] }>(
      url,
      '{ llm_answers_groups(by: ["answer"], having: { count: { _gt: 1 } }, limit: 5) { key { answer } aggregate { count } } }',
    );
    expect(groups.errors).toBeUndefined();

    // Rework: every row was asked at least once; calls beyond one per row ≤ one batch plus rows in flight per kill.
    const calls = mock.callCounts();
    expect(calls.size).toBe(ROWS);
    const rework = mock.totalCalls - ROWS;
    expect(rework).toBeLessThanOrEqual(1 * (BATCH_SIZE + CONCURRENCY));
    process.stdout.write(
      `[distributed-e2e] ${ROWS} rows, ${mock.totalCalls} LLM calls (rework ${rework} ≤ ${BATCH_SIZE + CONCURRENCY}); ` +
        `killed at ${atKill.progress.done}/${atKill.progress.total}; serve ready ${serveReady - started} ms, ` +
        `job ended ${runEnded - killedAt} ms after the kill\n`,
    );

    // No machine kept local state: working and data directories are still empty.
    for (const dir of [serveDir, w1Dir, w2Dir]) expect(readdirSync(dir)).toEqual([]);
  }, 600_000);

  it('ClickHouse going away while serving: a clear error naming the URL; the server answers again after', async () => {
    const url = server?.url;
    expect(url).toBeTruthy();
    proxy.faults = { resetShare: 1 };
    const down = await gql<unknown>(url!, '{ llm_answers_aggregate { aggregate { count } } }');
    expect(down.errors?.[0]?.extensions?.code).toBe('WAREHOUSE_UNREACHABLE');
    expect(down.errors?.[0]?.message).toContain(`127.0.0.1:${proxy.port}`);
    expect(down.errors?.[0]?.message).not.toContain(PASSWORD);
    proxy.faults = {};
    const back = await gql<{ llm_answers_aggregate: { aggregate: { count: number } } }>(
      url!,
      '{ llm_answers_aggregate { aggregate { count } } }',
    );
    expect(back.data?.llm_answers_aggregate.aggregate.count).toBe(ROWS);
  }, 120_000);

  it('a query past its time limit is TIMEOUT and the server stays up', async () => {
    const url = server!.url;
    // Every ClickHouse answer now takes longer than the server's 3 s limit (CHAINQL_QUERY_TIMEOUT_MS).
    proxy.faults = { delayMs: 8000 };
    const slow = await gql<unknown>(url, '{ llm_answers(where: { n: { _gt: 100 } }, limit: 3) { n } }');
    proxy.faults = {};
    expect(slow.errors?.[0]?.extensions?.code).toBe('TIMEOUT');
    const after = await gql<{ llm_answers: { n: number }[] }>(
      url,
      '{ llm_answers(where: { n: { _gt: 100 } }, order_by: [{ n: asc }], limit: 3) { n } }',
    );
    expect(after.data?.llm_answers).toEqual([{ n: 101 }, { n: 102 }, { n: 103 }]);
  }, 120_000);

  it('serve refuses to start when ClickHouse is unreachable or refuses the credentials, naming the URL', async () => {
    const empty = makeTempDir('chainql-e2e-bad-');
    try {
      const port = await closedPort();
      const unreachable = await runCli(['serve', '--port', '0', '--data', empty.dir], {
        cwd: empty.dir,
        env: { CHAINQL_CLICKHOUSE_URL: `http://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}` },
        timeoutMs: 90_000,
      });
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toContain('[WAREHOUSE_UNREACHABLE]');
      expect(unreachable.stderr).toContain(`http://127.0.0.1:${port}`);
      expect(unreachable.stderr).not.toContain(PASSWORD);

      const host = new URL(front.url).host;
      const refused = await runCli(['serve', '--port', '0', '--data', empty.dir], {
        cwd: empty.dir,
        env: { CHAINQL_CLICKHOUSE_URL: `http://${USER}:wrong-password@${host}/${database}` },
        timeoutMs: 90_000,
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('[WAREHOUSE_AUTH]');
      expect(refused.stderr).toContain(`http://${host}`);
      expect(refused.stderr).toContain(`'${USER}'`);
      expect(refused.stderr).not.toContain('wrong-password');
      expect(readdirSync(empty.dir)).toEqual([]);
    } finally {
      empty.remove();
    }
  }, 200_000);
});
