import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fileFromRecord } from '../../../clients/storage/file.ts';
import { MemoryDriver } from '../../../clients/storage/memory-driver.ts';
import { StorageContext } from '../../../clients/storage/storage-context.ts';
import { TextFile } from '../../../clients/storage/text-file.ts';
import { readDataset } from '../../../compute/dataset/read-dataset.ts';
import { createFileRehydrator } from '../../../compute/files/file-rows.ts';
import { openSession, type Session } from '../../../compute/session.ts';
import { readStorage } from '../../../compute/storage/read-storage.ts';
import { LISTING_DATASET_PREFIX } from '../../../compute/storage/storage-listing.ts';
import type { FileRecord } from '../../../schema/record/file-schema.ts';
import { InstrumentedDriver } from '../../fakes/instrumented-driver.ts';

let dir: string;
let session: Session;
let storage: StorageContext;
let driver: InstrumentedDriver;

const KEYS = ['img/a.jpg', 'img/b.png', 'img/sub/c.jpg', 'img/sub/deep/d.jpg', 'docs/readme.txt', 'top.jpg'];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'chainql-readstorage-'));
  storage = new StorageContext();
  session = await openSession({ dataDir: dir, storage });
  storage.memory.createBucket('bkt');
  const inner = new MemoryDriver({ bucket: 'bkt', store: storage.memory });
  for (const k of KEYS) await inner.write(k, Buffer.from(`content of ${k}`), { contentType: 'text/plain' });
  driver = new InstrumentedDriver(inner, 0);
  storage.registerDriver('memory', async (bucket, ctx) =>
    bucket === 'bkt' ? driver : new MemoryDriver({ bucket, store: ctx.memory }),
  );
});
afterEach(async () => {
  await session.close();
  await rm(dir, { recursive: true, force: true });
});

const paths = async (chain: ReturnType<typeof readStorage>): Promise<string[]> =>
  (await chain.collect()).map((r) => r.file.path);

describe('readStorage', () => {
  it('yields one row per object with a File record, filtered by glob, recursive by default', async () => {
    const rows = await readStorage('memory://bkt/img/', { glob: '**/*.jpg', session, storage }).collect();
    expect(rows.map((r) => r.file.path)).toEqual(['img/a.jpg', 'img/sub/c.jpg', 'img/sub/deep/d.jpg']);
    const f = rows[0]!.file;
    expect(f).toMatchObject({
      source: 'memory://bkt',
      size: 'content of img/a.jpg'.length,
      contentType: 'text/plain',
    });
    expect(f.etag).toBeTruthy();
    expect(f.lastModified).toBeInstanceOf(Date);
    expect(await fileFromRecord(f, storage).readText()).toBe('content of img/a.jpg');
  });

  it('supports globs in the URI, recursive: false and several URIs in order', async () => {
    expect(await paths(readStorage('memory://bkt/img/*.{jpg,png}', { session, storage }))).toEqual([
      'img/a.jpg',
      'img/b.png',
    ]);
    expect(await paths(readStorage('memory://bkt/img/', { recursive: false, session, storage }))).toEqual([
      'img/a.jpg',
      'img/b.png',
    ]);
    expect(
      await paths(readStorage(['memory://bkt/docs/', 'memory://bkt/top.jpg'], { session, storage })),
    ).toEqual(['docs/readme.txt', 'top.jpg']);
    expect(await readStorage('memory://bkt/', { session, storage }).count()).toBe(KEYS.length);
  });

  it('reuses a fresh listing (also for a narrower prefix) and relists on update or after the TTL', async () => {
    await readStorage('memory://bkt/img/', { session, storage }).count();
    const listed = driver.stats.calls.list ?? 0;
    expect(listed).toBeGreaterThan(0);
    expect(await readStorage('memory://bkt/img/', { session, storage }).count()).toBe(4);
    expect(await readStorage('memory://bkt/img/sub/', { glob: '*.jpg', session, storage }).count()).toBe(1);
    expect(driver.stats.calls.list ?? 0).toBe(listed);

    await driver.inner.write('img/new.jpg', Buffer.from('new'));
    expect(await readStorage('memory://bkt/img/', { session, storage }).count()).toBe(4); // cached
    expect(await readStorage('memory://bkt/img/', { update: true, session, storage }).count()).toBe(5);
    const afterUpdate = driver.stats.calls.list ?? 0;
    expect(afterUpdate).toBeGreaterThan(listed);
    await new Promise((r) => setTimeout(r, 20));
    expect(await readStorage('memory://bkt/img/', { ttl: 0.001, session, storage }).count()).toBe(5);
    expect(driver.stats.calls.list ?? 0).toBeGreaterThan(afterUpdate);

    const listings = (await session.registry.listDatasets()).filter((d) =>
      d.name.startsWith(LISTING_DATASET_PREFIX),
    );
    expect(listings.length).toBe(1); // one dataset per (source, directory), one version per listing
  });

  it('an unchanged relisting keeps the listing version; local directories are relisted every run', async () => {
    await readStorage('memory://bkt/img/', { session, storage }).count();
    const name = (await session.registry.listDatasets()).find((d) =>
      d.name.startsWith(LISTING_DATASET_PREFIX),
    )?.name as string;
    await readStorage('memory://bkt/img/', { update: true, session, storage }).count();
    expect((await session.registry.listVersions(name)).length).toBe(1);

    const local = path.join(dir, 'local');
    await mkdir(local);
    await writeFile(path.join(local, 'a.txt'), 'a');
    expect(await readStorage(`${local}/`, { session }).count()).toBe(1);
    await writeFile(path.join(local, 'b.txt'), 'b');
    expect(await readStorage(`${local}/`, { session }).count()).toBe(2);
  });

  it('a directory named without a trailing slash lists that directory, not its parent', async () => {
    const local = path.join(dir, 'local');
    await mkdir(path.join(local, 'sub'), { recursive: true });
    await mkdir(path.join(dir, 'sibling'));
    await writeFile(path.join(local, 'a.txt'), 'a');
    await writeFile(path.join(local, 'sub', 'b.txt'), 'b');
    await writeFile(path.join(dir, 'sibling', 'c.txt'), 'c');
    await writeFile(path.join(dir, 'local.txt'), 'not under local/');
    expect((await paths(readStorage(local, { session }))).map((p) => path.basename(p))).toEqual([
      'a.txt',
      'b.txt',
    ]);
    const prefixes = [];
    for (const d of await session.registry.listDatasets()) {
      if (!d.name.startsWith(LISTING_DATASET_PREFIX)) continue;
      const version = await session.registry.getVersion(d.name);
      prefixes.push(JSON.parse(version.description ?? '{}').prefix);
    }
    expect(prefixes).toEqual([`${local.slice(1)}/`]);
    // One file named without a slash is still read.
    expect(await paths(readStorage(path.join(dir, 'local.txt'), { session }))).toHaveLength(1);
    expect(await readStorage(path.join(dir, 'missing'), { session }).count()).toBe(0);
  });

  it('UDFs are typed to receive File objects (readText() compiles and runs)', async () => {
    const local = path.join(dir, 'typed');
    await mkdir(local);
    await writeFile(path.join(local, 'a.txt'), 'one two three');
    const rows = await readStorage(`${local}/`, { session })
      .map({ words: z.int() }, async ({ file }) => ({ words: (await file.readText()).split(' ').length }))
      .collect();
    expect(rows.map((r) => r.words)).toEqual([3]);
    expect(rows[0]?.file.path.endsWith('typed/a.txt')).toBe(true);
  });

  it('saves as a dataset whose rows rehydrate to readable Files', async () => {
    await readStorage('memory://bkt/docs/', { session, storage }).save('docs');
    const version = await session.registry.getVersion('docs');
    expect(version.rows).toBe(1);
    expect(version.schema.fields.file?.type).toMatchObject({ kind: 'object', tag: 'file' });
    const [row] = await readDataset<{ file: FileRecord }>('docs', { session }).collect();
    expect(await fileFromRecord(row!.file, storage).readText()).toBe('content of docs/readme.txt');
  });

  it("type: 'text' tags the file field so saved rows rehydrate as TextFile", async () => {
    // No `storage` option: the source uses the session's storage context.
    await readStorage('memory://bkt/docs/', { type: 'text', session }).save('texts');
    const version = await session.registry.getVersion('texts');
    expect(version.schema.fields.file?.type).toMatchObject({ kind: 'object', tag: 'text-file' });
    const [row] = await readDataset<{ file: FileRecord }>('texts', { session }).collect();
    const rehydrated = createFileRehydrator(version.schema, { storage }).rehydrate(row!);
    expect(rehydrated.file).toBeInstanceOf(TextFile);
    const lines: string[] = [];
    for await (const l of (rehydrated.file as unknown as TextFile).lines()) lines.push(l);
    expect(lines).toEqual(['content of docs/readme.txt']);
  });

  it('a missing bucket fails the run with BUCKET_NOT_FOUND', async () => {
    await expect(readStorage('memory://nope/', { session, storage }).count()).rejects.toMatchObject({
      code: 'BUCKET_NOT_FOUND',
    });
  });
});
