/**
 * Delta benchmark: FILES objects (default 100,000) in memory storage, a map whose every call waits 20 ms
 * (an API call), at the default concurrency (16 in flight). Measured in the same run:
 *   1. the full run: the first delta-enabled save (nothing to reuse: every file goes through the map);
 *   2. the delta run after 1% of the files changed: only those go through the map.
 * Goal: delta ≥ 20× faster than full. Prints both wall times, the ratio and the map calls of each.
 * Run: npx tsx test/bench/delta.ts            (CHAINQL_BENCH_FILES=10000 for a quick run;
 *      CHAINQL_BENCH_CONCURRENCY, CHAINQL_BENCH_LATENCY_MS change the map)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { StorageContext } from '../../clients/storage/storage-context.ts';
import type { DeltaReport } from '../../compute/delta/delta-report.ts';
import { openSession } from '../../compute/session.ts';
import { readStorage } from '../../compute/storage/read-storage.ts';

const FILES = Number(process.env.CHAINQL_BENCH_FILES ?? 100_000);
const CONCURRENCY = Number(process.env.CHAINQL_BENCH_CONCURRENCY ?? 16);
const LATENCY_MS = Number(process.env.CHAINQL_BENCH_LATENCY_MS ?? 20);
const CHANGED = Math.max(1, Math.round(FILES / 100));

const storage = new StorageContext();
storage.memory.createBucket('bench');
const { driver } = await storage.resolve('memory://bench/');
const key = (i: number) => `docs/${String(i).padStart(7, '0')}.txt`;
for (let i = 0; i < FILES; i++) await driver.write(key(i), Buffer.from(`document ${i}`));

const dataDir = await mkdtemp(path.join(tmpdir(), 'chainql-bench-delta-'));
const session = await openSession({ dataDir, storage });
let calls = 0;
const reports: DeltaReport[] = [];
const chain = () =>
  readStorage('memory://bench/docs/', { session, delta: true })
    .settings({ concurrency: CONCURRENCY, onDelta: (report) => reports.push(report) })
    .map({ size: z.int() }, async ({ file }) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
      return { size: file.size };
    });

async function timed(label: string): Promise<{ ms: number; calls: number; rows: number }> {
  calls = 0;
  const start = performance.now();
  const version = await chain().save('bench_delta');
  const ms = performance.now() - start;
  console.log(
    `${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(8)} s   map calls ${String(calls).padStart(7)}   rows ${version.rows}`,
  );
  return { ms, calls, rows: version.rows };
}

console.log(
  `delta bench: ${FILES} files, ${CHANGED} changed (1%), map latency ${LATENCY_MS} ms, concurrency ${CONCURRENCY}`,
);
try {
  const full = await timed('full run (first save)');
  if (reports.at(-1)?.mode !== 'full') throw new Error('the first save should run in full');
  for (let i = 0; i < CHANGED; i++) {
    const n = Math.floor((i * FILES) / CHANGED);
    await driver.write(key(n), Buffer.from(`document ${n}, revised`));
  }
  const delta = await timed('delta run (1% changed)');
  const report = reports.at(-1);
  if (report?.mode !== 'delta' || delta.calls !== CHANGED || delta.rows !== FILES) {
    throw new Error(`unexpected delta run: ${JSON.stringify(report)} calls=${delta.calls}`);
  }
  const ratio = full.ms / delta.ms;
  console.log(
    `delta vs full: ${ratio.toFixed(1)}x faster (goal >= 20x) ${ratio >= 20 ? 'OK' : 'BELOW GOAL'}`,
  );
} finally {
  await session.close();
  await rm(dataDir, { recursive: true, force: true });
}
