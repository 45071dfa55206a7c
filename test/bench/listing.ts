/**
 * Listing benchmark: 50k keys (100 "directories" × 500) in the GCS JSON-API fake behind a proxy
 * that delays every request by 20 ms. Compares, in the same run:
 *   1. chainql's sequential paged listing (GcsDriver.list)       vs the raw SDK paginator loop (goal ≥ 0.8×)
 *   2. chainql's prefix-parallel listing (parallelList)          vs the sequential listing     (goal ≥ 3×)
 *   3. readStorage(uri, { update: true }).count() end to end (listing into the SQLite listing cache,
 *      then the run's row table)                                  vs the raw SDK paginator loop (goal ≥ 0.8×)
 * Run: npx tsx test/bench/listing.ts [keys=50000] [delayMs=20] [dirs=100]   (dirs=1: flat layout)
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import { GcsDriver } from '../../clients/storage/gcs-driver.ts';
import { parallelList } from '../../clients/storage/parallel-list.ts';
import { StorageContext } from '../../clients/storage/storage-context.ts';
import { openSession } from '../../compute/session.ts';
import { readStorage } from '../../compute/storage/read-storage.ts';
import { spawnGcsFake } from './spawn-fake.ts';

const KEYS = Number(process.argv[2] ?? 50_000);
const DELAY = Number(process.argv[3] ?? 20);
const DIRS = Number(process.argv[4] ?? 100); // 1 = one flat "directory" (range splitting)

// The fake and the delay proxy run in a child process (their CPU is not the client's).
const proxy = await spawnGcsFake(KEYS, DIRS, DELAY, 0);

async function rawSdk(): Promise<number> {
  const storage = new Storage({
    apiEndpoint: proxy.endpoint,
    projectId: 'bench',
    retryOptions: { autoRetry: false },
  });
  const bucket = storage.bucket('bench');
  let n = 0;
  let pageToken: string | undefined;
  do {
    const [files, , response] = await bucket.getFiles({
      prefix: 'data/',
      autoPaginate: false,
      maxResults: 1000,
      ...(pageToken ? { pageToken } : {}),
    });
    n += files.length;
    pageToken = (response as { nextPageToken?: string } | undefined)?.nextPageToken;
  } while (pageToken);
  return n;
}

async function sequential(): Promise<number> {
  const driver = new GcsDriver({ bucket: 'bench', apiEndpoint: proxy.endpoint, projectId: 'bench' });
  let n = 0;
  for await (const page of driver.list('data/', { pageSize: 1000 })) n += page.length;
  return n;
}

async function parallel(): Promise<number> {
  const driver = new GcsDriver({ bucket: 'bench', apiEndpoint: proxy.endpoint, projectId: 'bench' });
  let n = 0;
  for await (const page of parallelList(driver, 'data/', { pageSize: 1000, concurrency: 32 }))
    n += page.length;
  return n;
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'chainql-bench-'));
const session = await openSession({ dataDir });
const storage = new StorageContext({ gcs: { apiEndpoint: proxy.endpoint, projectId: 'bench' } });
async function viaReadStorage(): Promise<number> {
  return readStorage('gs://bench/data/', { session, storage, update: true, listConcurrency: 32 }).count();
}

async function time(name: string, fn: () => Promise<number>): Promise<number> {
  const t = performance.now();
  const n = await fn();
  const ms = performance.now() - t;
  if (n !== KEYS) throw new Error(`${name} listed ${n} keys, expected ${KEYS}`);
  return ms;
}

const runs: Record<string, number[]> = { raw: [], seq: [], par: [], rs: [] };
for (let round = 0; round < 3; round++) {
  runs.raw!.push(await time('raw', rawSdk));
  runs.seq!.push(await time('sequential', sequential));
  runs.par!.push(await time('parallel', parallel));
  runs.rs!.push(await time('readStorage', viaReadStorage));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const raw = median(runs.raw!);
const seq = median(runs.seq!);
const par = median(runs.par!);
const rs = median(runs.rs!);
const kps = (ms: number): string => `${Math.round(KEYS / (ms / 1000)).toLocaleString('en')} keys/s`;
console.log(`keys=${KEYS} dirs=${DIRS} delay=${DELAY}ms per request, median of 3 rounds`);
console.log(`raw SDK paginator loop : ${raw.toFixed(0)} ms  ${kps(raw)}`);
console.log(`chainql sequential list: ${seq.toFixed(0)} ms  ${kps(seq)}`);
console.log(`chainql prefix-parallel: ${par.toFixed(0)} ms  ${kps(par)}`);
console.log(`readStorage end to end  : ${rs.toFixed(0)} ms  ${kps(rs)}`);
console.log(`ratio readStorage / raw SDK (keys/s): ${(raw / rs).toFixed(2)}x  (goal >= 0.8x)`);
console.log(`ratio sequential / raw SDK (keys/s): ${(raw / seq).toFixed(2)}x  (goal >= 0.8x)`);
console.log(`ratio parallel / sequential (keys/s): ${(seq / par).toFixed(2)}x  (goal >= 3x)`);
proxy.stop();
await session.close();
await rm(dataDir, { recursive: true, force: true });
