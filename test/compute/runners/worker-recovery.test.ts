import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset, readRecords, UdfAbortedError } from '../../../compute/index.ts';
import { openBullmqRunner } from '../../../compute/runners/index.ts';
import type { ProgressEvent } from '../../../compute/udf/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';
import { NumberRow, slowSquare } from './fixtures/runner-udfs.ts';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from './redis-test-helpers.ts';

const hasRedis = await redisAvailable();
const ROWS = 20_000;
const input = Array.from({ length: ROWS }, (_, i) => ({ n: i + 1, label: `r${i + 1}` }));
/** Short locks so the test sees recovery in seconds; `chainql worker` defaults are 6000/3000 ms. */
const fastStall = ['--lock-duration', '2000', '--stalled-interval', '1000'];

type Session = Awaited<ReturnType<typeof tempSession>>;

async function squares(session: Session, name: string): Promise<{ n: number; sq: number }[]> {
  const rows = await readDataset(name, { session }).orderBy('n').collect();
  return rows.map(({ n, sq }) => ({ n: n as number, sq: sq as number }));
}

async function committedRows(session: Session): Promise<number> {
  const tables = await session.warehouse.query({
    sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'chainql_ckpt_%_done'",
    parameters: [],
  });
  let total = 0;
  for (const { name } of tables) {
    const rows = await session.warehouse.query({
      sql: `SELECT count(*) AS n FROM "${String(name)}"`,
      parameters: [],
    });
    total += Number(rows[0]!.n);
  }
  return total;
}

function committedByLines(workers: readonly WorkerProcess[]): number {
  let sum = 0;
  for (const worker of workers) {
    for (const match of worker.output().matchAll(/completed in \d+ ms committed (\d+)/g))
      sum += Number(match[1]);
  }
  return sum;
}

describe.skipIf(!hasRedis)('distributed runs survive worker death and can be cancelled', () => {
  let local: Session;
  let expected: { n: number; sq: number }[];

  beforeAll(async () => {
    local = await tempSession();
    await readRecords(input, NumberRow, { session: local })
      .settings({ workers: 0, concurrency: 64 })
      .map(slowSquare)
      .save('sq');
    expected = await squares(local, 'sq');
  });
  afterAll(async () => {
    await local?.cleanup();
  });

  it('kill -9 of one worker of two mid-run: the job completes, output equals the local run, no duplicates', async () => {
    const queueName = uniqueQueue();
    const session = await tempSession();
    const workers = await Promise.all(
      [0, 1].map(() => spawnWorker(['--queue', queueName, '--verbose', ...fastStall])),
    );
    const events = new QueueEvents(queueName, {
      connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
    });
    await events.waitUntilReady();
    let killedAt = 0;
    let stalledAt = 0;
    let reactivatedAt = 0;
    let stalledJob = '';
    events.on('stalled', ({ jobId }) => {
      if (!stalledAt) {
        stalledAt = Date.now();
        stalledJob = jobId;
      }
    });
    events.on('active', ({ jobId }) => {
      if (jobId === stalledJob && !reactivatedAt) reactivatedAt = Date.now();
    });
    try {
      const runner = openBullmqRunner({ redisUrl: REDIS_URL, queueName, partitionSize: 2000 });
      const onProgress = (event: ProgressEvent) => {
        if (event.type === 'batchCommitted' && event.done >= 4000 && !killedAt) {
          killedAt = Date.now();
          void workers[0]!.kill9();
        }
      };
      const started = Date.now();
      const version = await readRecords(input, NumberRow, { session })
        .settings({ runner, concurrency: 4, batchSize: 200, onProgress })
        .map(slowSquare)
        .save('sq');
      const finished = Date.now();

      expect(killedAt).toBeGreaterThan(0);
      expect(workers[0]!.child.signalCode).toBe('SIGKILL');
      expect(version.rows).toBe(ROWS);
      const rows = await squares(session, 'sq');
      expect(rows).toEqual(expected);
      expect(new Set(rows.map((r) => r.n)).size).toBe(ROWS);
      // The killed worker's partition was found stalled and processed again by the survivor.
      expect(stalledAt).toBeGreaterThan(killedAt);
      expect(reactivatedAt).toBeGreaterThanOrEqual(stalledAt);
      // Every input row was committed exactly once across all attempts: committed batches of the
      // killed attempt were not redone (the survivor's retry committed only the rest).
      expect(committedByLines(workers)).toBeLessThanOrEqual(ROWS);
      process.stdout.write(
        `[worker-recovery] kill -9 → stall detected ${stalledAt - killedAt} ms, partition active again ` +
          `${reactivatedAt - killedAt} ms after the kill; run took ${finished - started} ms\n`,
      );
    } finally {
      await events.close();
      await Promise.all(workers.map((w) => w.stop()));
      await removeQueue(queueName);
      await session.cleanup();
    }
  });

  it('cancel stops dispatch and running partitions promptly; running the chain again resumes', async () => {
    const queueName = uniqueQueue();
    const session = await tempSession();
    const workers = await Promise.all([0, 1].map(() => spawnWorker(['--queue', queueName])));
    try {
      const runner = openBullmqRunner({ redisUrl: REDIS_URL, queueName, partitionSize: 2000 });
      const controller = new AbortController();
      let abortedAt = 0;
      const chain = readRecords(input, NumberRow, { session }).map(slowSquare);
      const error = await chain
        .settings({
          runner,
          concurrency: 4,
          batchSize: 200,
          signal: controller.signal,
          onProgress: (event) => {
            if (event.type === 'batchCommitted' && event.done >= 2000 && !abortedAt) {
              abortedAt = Date.now();
              controller.abort();
            }
          },
        })
        .save('sq')
        .catch((e: unknown) => e);
      const rejectedAfter = Date.now() - abortedAt;
      expect(error).toBeInstanceOf(UdfAbortedError);
      expect(rejectedAfter).toBeLessThan(3000);
      // Nothing more is committed once the run is cancelled.
      const atCancel = await committedRows(session);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await committedRows(session)).toBe(atCancel);
      expect(atCancel).toBeGreaterThanOrEqual(2000);
      expect(atCancel).toBeLessThan(ROWS);

      // Resume: the same chain again only enqueues what is left.
      const resumed: ProgressEvent[] = [];
      const version = await chain
        .settings({ runner, concurrency: 16, onProgress: (e) => resumed.push(e) })
        .save('sq');
      expect(version.rows).toBe(ROWS);
      expect(resumed[0]).toMatchObject({ type: 'started', total: ROWS - atCancel });
      expect(await squares(session, 'sq')).toEqual(expected);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await removeQueue(queueName);
      await session.cleanup();
    }
  });

  it('a coordinator killed with kill -9 mid-run: running the chain again waits for the queued run instead of enqueuing it twice', async () => {
    const queueName = uniqueQueue();
    const session = await tempSession();
    const workers = await Promise.all([0, 1].map(() => spawnWorker(['--queue', queueName, '--verbose'])));
    const script = fileURLToPath(new URL('./fixtures/coordinator-script.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const coordinator = (onLine: (line: string, kill: () => void) => void) =>
      new Promise<string>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', script, session.dataDir, REDIS_URL, queueName, String(ROWS)],
          {
            cwd: root,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          for (const line of chunk.toString().split('\n')) onLine(line, () => child.kill('SIGKILL'));
        });
        child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.on('exit', () => resolve(text));
      });
    try {
      const first = await coordinator((line, kill) => {
        if (/^progress (\d+)/.test(line) && Number(line.split(' ')[1]) >= 3000) kill();
      });
      expect(first).not.toContain('result ');
      const second = await coordinator(() => undefined);
      const result = JSON.parse(/result (.*)/.exec(second)?.[1] ?? 'null');
      expect(result, second).toMatchObject({ rows: ROWS, distinct: ROWS });
      // The second coordinator's step progress covers every row: committed before it started + pending.
      expect(result.startedTotal).toBe(ROWS);
      const completed = workers.flatMap((w) =>
        [...w.output().matchAll(/partition (\d+)\.\.(\d+) completed/g)].map((m) => m[1]),
      );
      expect(completed.sort()).toEqual([...new Set(completed)].sort());
      expect(completed).toHaveLength(ROWS / 2000);
      expect(committedByLines(workers)).toBe(ROWS);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await removeQueue(queueName);
      await session.cleanup();
    }
  });
});
