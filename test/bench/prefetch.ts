/**
 * Prefetch benchmark: 2k files × 256 KB in the GCS JSON-API fake behind a 30 ms delay proxy (both
 * in a child process), a CPU-bound UDF on a 2-thread piscina pool. Measured in the same run:
 *   - io:   download every file with the prefetch queue (no UDF)          → IO time / concurrency
 *   - cpu:  run the UDF over in-memory buffers (no I/O)                   → CPU time / cores
 *   - full: prefetch + UDF together                                       (goal: full ≤ 1.15 × max(io, cpu))
 *   - none: the same pipeline without prefetch (reads inside the UDF slots), for contrast.
 * Run: npx tsx test/bench/prefetch.ts [files=2000] [kb=256] [latencyMs=30] [prefetch=32] [rounds=12]
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { type File, fileFromEntry } from '../../clients/storage/file.ts';
import { GcsDriver } from '../../clients/storage/gcs-driver.ts';
import { prefetch } from '../../clients/storage/prefetch.ts';
import { StorageContext } from '../../clients/storage/storage-context.ts';
import { spawnGcsFake } from './spawn-fake.ts';

const [FILES = 2000, KB = 256, LATENCY = 30, PREFETCH = 32, ROUNDS = 12] = process.argv.slice(2).map(Number);
const THREADS = 2;
const SLOTS = THREADS * 2; // UDF calls in flight (the executor's `concurrency`)

const fake = await spawnGcsFake(FILES, 20, LATENCY, KB * 1024);
const storage = new StorageContext({ gcs: { apiEndpoint: fake.endpoint, projectId: 'bench' } });
const lister = new GcsDriver({ bucket: 'bench', apiEndpoint: fake.direct, projectId: 'bench' });
const records: File[] = [];
for await (const page of lister.list('data/'))
  for (const e of page) records.push(fileFromEntry('gs://bench', e, { storage }));
const fresh = (): File[] =>
  records.map((f) =>
    fileFromEntry(
      'gs://bench',
      { kind: 'object', key: f.path, size: f.size, etag: f.etag ?? undefined },
      { storage },
    ),
  );

const pool = new Piscina({
  filename: path.join(path.dirname(fileURLToPath(import.meta.url)), 'prefetch-worker.mjs'),
  minThreads: THREADS,
  maxThreads: THREADS,
});
const udf = (data: Buffer): Promise<string> => pool.run({ data, rounds: ROUNDS });

/** Runs `work` for every item with at most SLOTS in flight, pulling items as slots free up. */
async function bounded<T>(items: AsyncIterable<T>, work: (item: T) => Promise<unknown>): Promise<void> {
  const running = new Set<Promise<unknown>>();
  for await (const item of items) {
    const p = work(item).finally(() => running.delete(p));
    running.add(p);
    if (running.size >= SLOTS) await Promise.race(running);
  }
  await Promise.all(running);
}

async function* iterate<T>(xs: readonly T[]): AsyncIterable<T> {
  yield* xs;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const payload = Buffer.alloc(KB * 1024, 7);
await bounded(iterate(records.slice(0, 50)), () => udf(payload)); // warm the pool
const cpu0 = process.cpuUsage();
const io = await timed(async () => {
  for await (const f of prefetch(iterate(fresh()), { count: PREFETCH, select: (f) => f })) await f.read();
});
const ioCpu = process.cpuUsage(cpu0);
const cpu = await timed(() => bounded(iterate(records), () => udf(payload)));
const full = await timed(() =>
  bounded(prefetch(iterate(fresh()), { count: PREFETCH, select: (f) => f }), async (f) =>
    udf(await f.read()),
  ),
);
const none = await timed(() => bounded(iterate(fresh()), async (f) => udf(await f.read())));

const ideal = Math.max(io, cpu);
console.log(
  `files=${FILES} × ${KB} KB, latency=${LATENCY} ms, prefetch=${PREFETCH}, udf slots=${SLOTS}, threads=${THREADS}, cpus=${os.cpus().length}, load=${os.loadavg()[0]?.toFixed(1)}`,
);
console.log(
  `io only (prefetch ${PREFETCH}) : ${io.toFixed(0)} ms   (nominal IO/concurrency = ${((FILES * LATENCY) / PREFETCH).toFixed(0)} ms)`,
);
console.log(
  `  main-thread CPU during io-only: ${((ioCpu.user + ioCpu.system) / 1000).toFixed(0)} ms (SDK download + checksum work)`,
);
console.log(`cpu only (${THREADS} threads)   : ${cpu.toFixed(0)} ms`);
console.log(`prefetch + udf         : ${full.toFixed(0)} ms`);
console.log(`no prefetch + udf      : ${none.toFixed(0)} ms`);
console.log(`ratio full / max(io, cpu): ${(full / ideal).toFixed(2)}x  (goal <= 1.15x)`);
console.log(`speed-up from prefetch   : ${(none / full).toFixed(2)}x`);
await pool.destroy();
fake.stop();
