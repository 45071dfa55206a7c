/**
 * Listings and reads through a loopback proxy that delays every request and resets or 500s a
 * share of them: the drivers' retries must still deliver complete, correct results.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { AzureDriver } from '../../../clients/storage/azure-driver.ts';
import { GcsDriver } from '../../../clients/storage/gcs-driver.ts';
import { listGlob } from '../../../clients/storage/glob.ts';
import { parallelList } from '../../../clients/storage/parallel-list.ts';
import type { RetryPolicy } from '../../../clients/storage/retry.ts';
import { S3Driver } from '../../../clients/storage/s3-driver.ts';
import { listAll, type StorageDriver } from '../../../clients/storage/storage-driver.ts';
import { StorageError } from '../../../clients/storage/storage-errors.ts';
import {
  azuriteConnectionString,
  type Emulator,
  S3RVER_CREDENTIALS,
  startAzurite,
  startOrSkip,
  startS3rver,
} from '../../fakes/emulators.ts';
import { type FaultProxy, startFaultProxy } from '../../fakes/fault-proxy.ts';
import { startGcsFake } from '../../fakes/gcs-fake.ts';

const retry: RetryPolicy = { retries: 10, baseDelayMs: 5, maxDelayMs: 100 };
/**
 * Reads of bodies cut half the time: 20 retries make an unlucky run (every attempt cut, or timed out
 * on a loaded CI machine) about one in a million per key instead of one in two thousand.
 */
const patientRetry: RetryPolicy = { ...retry, retries: 20 };
const KEYS = Array.from({ length: 60 }, (_, i) => `data/p${i % 4}/file-${String(i).padStart(3, '0')}.txt`);

interface Target {
  direct: StorageDriver;
  faulty: StorageDriver;
  /** Another driver through the proxy, with its own retry policy. */
  faultyWith(policy: RetryPolicy): StorageDriver;
  proxy: FaultProxy;
  close(): Promise<void>;
}

function faultSuite(name: string, setup: () => Promise<Target | undefined>): void {
  describe(`fault injection: ${name}`, () => {
    let t: Target | undefined;
    beforeAll(async () => {
      t = await setup();
      if (t === undefined) return;
      await Promise.all(KEYS.map((k) => t!.direct.write(k, Buffer.from(`body of ${k}`))));
      t.proxy.faults = { delayMs: 2, resetShare: 0.15, errorShare: 0.15, seed: 7 };
    });
    afterAll(async () => {
      await t?.close();
    });

    it('paged listings, globs and parallel listings return every key despite resets and 500s', async (ctx: TestContext) => {
      if (t === undefined) ctx.skip();
      const target = t as Target;
      const before = { ...target.proxy.stats };
      expect((await listAll(target.faulty, 'data/', { pageSize: 7 })).map((e) => e.key)).toEqual(
        [...KEYS].sort(),
      );
      const globbed: string[] = [];
      for await (const page of listGlob(target.faulty, 'data/p{1,3}/*.txt', { pageSize: 5 }))
        globbed.push(...page.map((e) => e.key));
      expect(globbed.sort()).toEqual(KEYS.filter((k) => /p[13]\//.test(k)).sort());
      const parallel: string[] = [];
      for await (const page of parallelList(target.faulty, 'data/', { pageSize: 4, concurrency: 4 }))
        parallel.push(...page.map((e) => e.key));
      expect(parallel.sort()).toEqual([...KEYS].sort());
      const s = target.proxy.stats;
      expect(s.resets - before.resets + s.errors - before.errors).toBeGreaterThan(3);
    });

    it('whole and ranged reads return the right bytes despite resets and 500s', async (ctx: TestContext) => {
      if (t === undefined) ctx.skip();
      const target = t as Target;
      const before = { ...target.proxy.stats };
      const bodies = await Promise.all(KEYS.slice(0, 30).map((k) => target.faulty.read(k)));
      expect(bodies.map((b) => b.toString())).toEqual(
        KEYS.slice(0, bodies.length).map((k) => `body of ${k}`),
      );
      const ranges = await Promise.all(KEYS.slice(30).map((k) => target.faulty.readRange(k, 8, 12)));
      expect(ranges.map((b) => b.toString())).toEqual(ranges.map(() => 'data'));
      const s = target.proxy.stats;
      expect(s.resets - before.resets + s.errors - before.errors).toBeGreaterThan(3);
    });

    it('bodies cut mid-way: read() retries to the right bytes, stream() fails with a coded error', async (ctx: TestContext) => {
      if (t === undefined) ctx.skip();
      const target = t as Target;
      const key = KEYS[5] as string;
      target.proxy.faults = { truncateShare: 0.5, seed: 3 };
      try {
        const patient = target.faultyWith(patientRetry);
        const bodies = await Promise.all(KEYS.slice(0, 20).map((k) => patient.read(k)));
        expect(bodies.map((b) => b.toString())).toEqual(
          KEYS.slice(0, bodies.length).map((k) => `body of ${k}`),
        );
        expect(target.proxy.stats.truncations).toBeGreaterThan(2);
        target.proxy.faults = { truncateShare: 1 };
        const failure = await (async () => {
          const chunks: Buffer[] = [];
          for await (const c of await target.faulty.stream(key)) chunks.push(c as Buffer);
          return Buffer.concat(chunks);
        })().then(
          (b) => b,
          (e: unknown) => e,
        );
        // A cut body is never handed out as if complete: either a coded error or (never) short data.
        expect(failure).toBeInstanceOf(StorageError);
        expect((failure as StorageError).code).toBe('STORAGE_UNAVAILABLE');
        expect((failure as StorageError).key).toBe(key);
      } finally {
        target.proxy.faults = { delayMs: 2, resetShare: 0.15, errorShare: 0.15, seed: 7 };
      }
    });

    it('gives up with STORAGE_UNAVAILABLE when every request fails', async (ctx: TestContext) => {
      if (t === undefined) ctx.skip();
      const target = t as Target;
      target.proxy.faults = { errorShare: 1 };
      try {
        await expect(target.faulty.read(KEYS[0] as string)).rejects.toMatchObject({
          code: 'STORAGE_UNAVAILABLE',
          key: KEYS[0],
        });
      } finally {
        target.proxy.faults = { delayMs: 2, resetShare: 0.15, errorShare: 0.15, seed: 7 };
      }
    });
  });
}

async function withProxy(
  server: Emulator | { endpoint: string; stop(): Promise<void> },
  make: (endpoint: string, policy?: RetryPolicy) => StorageDriver,
  direct: StorageDriver,
): Promise<Target> {
  const proxy = await startFaultProxy(server.endpoint);
  return {
    direct,
    faulty: make(proxy.endpoint),
    faultyWith: (policy) => make(proxy.endpoint, policy),
    proxy,
    close: async () => {
      await proxy.close();
      await server.stop();
    },
  };
}

faultSuite('s3 (s3rver)', async () => {
  const server = await startOrSkip('s3rver', () => startS3rver(['faults']));
  if (server === undefined) return undefined;
  const make = (endpoint: string, policy = retry) =>
    new S3Driver({ bucket: 'faults', endpoint, credentials: { ...S3RVER_CREDENTIALS }, retry: policy });
  return withProxy(server, make, make(server.endpoint));
});

faultSuite('gcs (fake)', async () => {
  const fake = await startGcsFake({ buckets: ['faults'] });
  const server = { endpoint: fake.endpoint, stop: () => fake.close() };
  const make = (apiEndpoint: string, policy = retry) =>
    new GcsDriver({
      bucket: 'faults',
      apiEndpoint,
      projectId: 'test',
      retry: policy,
      idleTimeoutMs: 300,
      requestTimeoutMs: 1000,
    });
  return withProxy(server, make, make(fake.endpoint));
});

faultSuite('azure (azurite)', async () => {
  const server = await startOrSkip('azurite', () => startAzurite());
  if (server === undefined) return undefined;
  const make = (endpoint: string, policy = retry) =>
    new AzureDriver({
      container: 'faults',
      connectionString: azuriteConnectionString(endpoint),
      retry: policy,
    });
  const direct = make(server.endpoint);
  const { BlobServiceClient } = await import('@azure/storage-blob');
  await BlobServiceClient.fromConnectionString(azuriteConnectionString(server.endpoint))
    .getContainerClient('faults')
    .create();
  return withProxy(server, make, direct);
});
