/**
 * Benchmark of the distributed (BullMQ) runner, against Redis at CHAINQL_TEST_REDIS_URL or 127.0.0.1:6379:
 *
 * 1. CPU-bound UDF (`spin`) on 200k rows: the UDF step's wall time with 2 `chainql worker` processes vs 1
 *    (goal ≥ 1.8× on a 2-core machine), and the in-process runner for reference.
 * 2. Queue overhead for an I/O-bound map (`wait`, `ms` per row, 1 worker with one partition at a time):
 *    share of the step's wall time not spent inside partition processing (goal ≤ 1%); also the
 *    distributed step's time relative to the same map in-process.
 * 3. Redis memory per 1M rows queued: INFO used_memory before/after the runner enqueued the partitions
 *    of a 1M-row step (no worker consumes them), scaled to 1M rows.
 *
 * Step times are measured from the step's `started` to its `finished` progress event (input
 * materialisation, which happens in the coordinator whatever the runner, is excluded).
 *
 *   npx tsx test/bench/workers.ts [cpuRows=200000] [spinRounds=20000] [ioRows=20000] [ioMs=20] [cpuRounds=3]
 *   (BENCH_ONLY=cpu|io|memory runs one part)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { readRecords, type Session } from '../../compute/index.ts';
import { openBullmqRunner } from '../../compute/runners/index.ts';
import { openSession } from '../../compute/session.ts';
import type { ProgressEvent, UdfStep } from '../../compute/udf/index.ts';
import { spin, wait } from '../compute/runners/fixtures/runner-udfs.ts';
import {
  REDIS_URL,
  removeQueue,
  spawnWorker,
  uniqueQueue,
  type WorkerProcess,
} from '../compute/runners/redis-test-helpers.ts';

const [cpuRows = 200_000, spinRounds = 20_000, ioRows = 20_000, ioMs = 20, cpuRounds = 3] = process.argv
  .slice(2)
  .map(Number);
const SpinRow = z.object({ n: z.int(), rounds: z.int() });
const WaitRow = z.object({ n: z.int(), ms: z.int() });

async function withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'chainql-bench-workers-'));
  const session = await openSession({ dataDir: dir });
  try {
    return await fn(session);
  } finally {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface StepTiming {
  stepMs: number;
  totalMs: number;
  /** CPU seconds the worker processes used (utime + stime from /proc), when measured. */
  workerCpuS?: number;
}

/** CPU seconds used so far by a process (Linux /proc; clock ticks assumed 100 Hz). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Saves `rows` mapped by `step`, timing the UDF step by its progress events. */
async function timeStep(
  session: Session,
  rows: Record<string, unknown>[],
  schema: z.ZodObject,
  step: UdfStep,
  settings: Parameters<ReturnType<typeof readRecords>['settings']>[0],
): Promise<StepTiming> {
  let started = 0;
  let finished = 0;
  const onProgress = (event: ProgressEvent) => {
    if (event.type === 'started' && !started) started = performance.now();
    if (event.type === 'finished') finished = performance.now();
  };
  const t0 = performance.now();
  await readRecords(rows, schema, { session })
    .settings({ ...settings, onProgress })
    .map(step)
    .save('bench');
  return { stepMs: finished - started, totalMs: performance.now() - t0 };
}

function totalCpu(workers: readonly WorkerProcess[]): number {
  return workers.reduce((sum, w) => sum + cpuSeconds(w.child.pid), 0);
}

async function withWorkers<T>(
  count: number,
  args: string[],
  fn: (workers: WorkerProcess[]) => Promise<T>,
): Promise<T> {
  const workers = await Promise.all(Array.from({ length: count }, () => spawnWorker(args)));
  try {
    return await fn(workers);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

async function cpuBound(): Promise<void> {
  const rows = Array.from({ length: cpuRows }, (_, i) => ({ n: i + 1, rounds: spinRounds }));
  // Three workers: one alone on queue A, two sharing queue B. Runs alternate A, B, A, B… and the
  // medians are compared, so drifting load from other processes hits both setups alike.
  const queueA = uniqueQueue('chainql-bench');
  const queueB = uniqueQueue('chainql-bench');
  const alone = await spawnWorker(['--queue', queueA]);
  const pair = await Promise.all([0, 1].map(() => spawnWorker(['--queue', queueB])));
  const runs: Record<'one' | 'two', StepTiming[]> = { one: [], two: [] };
  const local: StepTiming[] = [];
  try {
    for (let round = 0; round < cpuRounds; round++) {
      local.push(await withSession((s) => timeStep(s, rows, SpinRow, spin, { workers: 0 })));
      for (const [key, queueName, workers] of [
        ['one', queueA, [alone]],
        ['two', queueB, pair],
      ] as const) {
        const cpuBefore = totalCpu(workers);
        const timing = await withSession((s) =>
          timeStep(s, rows, SpinRow, spin, { runner: openBullmqRunner({ redisUrl: REDIS_URL, queueName }) }),
        );
        const workerCpuS = totalCpu(workers) - cpuBefore;
        runs[key].push({ ...timing, workerCpuS });
      }
    }
  } finally {
    await Promise.all([alone, ...pair].map((w) => w.stop()));
    await removeQueue(queueA);
    await removeQueue(queueB);
  }
  const median = (list: StepTiming[]) =>
    [...list].sort((a, b) => a.stepMs - b.stepMs)[Math.floor(list.length / 2)]!;
  const one = median(runs.one);
  const two = median(runs.two);
  const parallelism = (t: StepTiming) => ((t.workerCpuS ?? 0) * 1000) / t.stepMs;
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `CPU-bound map, ${cpuRows} rows × ${spinRounds} rounds, median of ${cpuRounds} alternating runs (load average ${load}):`,
  );
  console.log(`  in-process           step ${median(local).stepMs.toFixed(0)} ms`);
  for (const [label, t] of [
    ['1 worker process  ', one],
    ['2 worker processes', two],
  ] as const) {
    console.log(
      `  ${label}   step ${t.stepMs.toFixed(0)} ms (save ${t.totalMs.toFixed(0)} ms), worker CPU ${t.workerCpuS?.toFixed(1)} s → ${parallelism(t).toFixed(2)} cores busy`,
    );
  }
  console.log(
    `  all step times (ms): 1 worker ${runs.one.map((t) => t.stepMs.toFixed(0)).join(', ')}; 2 workers ${runs.two.map((t) => t.stepMs.toFixed(0)).join(', ')}`,
  );
  console.log(
    `  speed-up 2 vs 1 workers: ${(one.stepMs / two.stepMs).toFixed(2)}× (goal ≥ 1.8×; needs two idle cores)`,
  );
  console.log(
    `  CPU per row: ${(((one.workerCpuS ?? 0) * 1e6) / cpuRows).toFixed(1)} µs with 1 worker, ${(((two.workerCpuS ?? 0) * 1e6) / cpuRows).toFixed(1)} µs with 2`,
  );
}

async function ioBound(): Promise<void> {
  const rows = Array.from({ length: ioRows }, (_, i) => ({ n: i + 1, ms: ioMs }));
  const settings = { concurrency: 64, batchSize: 1000 };
  const local = await withSession((s) => timeStep(s, rows, WaitRow, wait, { ...settings, workers: 0 }));
  const queueName = uniqueQueue('chainql-bench');
  try {
    const { timing, busyMs, partitions } = await withWorkers(
      1,
      ['--queue', queueName, '--verbose'],
      async (workers) => {
        const timing = await withSession((s) =>
          timeStep(s, rows, WaitRow, wait, {
            ...settings,
            runner: openBullmqRunner({ redisUrl: REDIS_URL, queueName }),
          }),
        );
        const lines = [...workers[0]!.output().matchAll(/completed in (\d+) ms/g)];
        return { timing, busyMs: lines.reduce((sum, m) => sum + Number(m[1]), 0), partitions: lines.length };
      },
    );
    const overhead = (timing.stepMs - busyMs) / timing.stepMs;
    console.log(
      `I/O-bound map, ${ioRows} rows × ${ioMs} ms, concurrency 64, 1 worker, ${partitions} partitions:`,
    );
    console.log(
      `  in-process step ${local.stepMs.toFixed(0)} ms; BullMQ step ${timing.stepMs.toFixed(0)} ms (${(timing.stepMs / local.stepMs).toFixed(3)}× in-process)`,
    );
    console.log(
      `  time inside partitions ${busyMs} ms → queue overhead ${(overhead * 100).toFixed(2)}% of the step (goal ≤ 1%)`,
    );
  } finally {
    await removeQueue(queueName);
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function redisMemory(): Promise<void> {
  const rowsCount = 1_000_000;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queueName = uniqueQueue('chainql-bench');
  const queue = new Queue(queueName, { connection: redis });
  try {
    await withSession(async (session) => {
      const rows = Array.from({ length: rowsCount }, (_, i) => ({ n: i + 1, ms: 1 }));
      const controller = new AbortController();
      let before = 0;
      let after = 0;
      let jobs = 0;
      const runner = openBullmqRunner({ redisUrl: REDIS_URL, queueName, cancelGraceMs: 0 });
      const onProgress = (event: ProgressEvent) => {
        if (event.type !== 'started') return;
        // The flow is added right after `started`: wait until every partition is queued, then measure.
        void (async () => {
          for (;;) {
            const counts = await queue.getJobCounts('waiting', 'waiting-children');
            jobs = counts.waiting ?? 0;
            if (jobs >= rowsCount / 5000 && (counts['waiting-children'] ?? 0) === 1) break;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          after = await usedMemory(redis);
          controller.abort();
        })();
      };
      const run = readRecords(rows, WaitRow, { session })
        .settings({ runner, onProgress, signal: controller.signal })
        .map(wait)
        .save('bench');
      // Baseline just before the runner starts (after the input is materialised would be better, but the
      // runner's `started` comes right before its flow; the gap holds no Redis writes of ours).
      before = await usedMemory(redis);
      await run.catch(() => undefined);
      const delta = after - before;
      console.log(
        `Redis memory: ${jobs} partition jobs for ${rowsCount} rows queued → +${(delta / 1024).toFixed(0)} KiB`,
      );
      console.log(
        `  ≈ ${(((delta / rowsCount) * 1_000_000) / 1024).toFixed(0)} KiB per 1M rows queued (${(delta / jobs).toFixed(0)} B per partition job)`,
      );
    });
  } finally {
    await queue.close();
    redis.disconnect();
    await removeQueue(queueName);
  }
}

const which = process.env.BENCH_ONLY;
if (!which || which === 'cpu') await cpuBound();
if (!which || which === 'io') await ioBound();
if (!which || which === 'memory') await redisMemory();
