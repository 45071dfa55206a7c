/**
 * The storage driver conformance suite: the same behaviour checks run against every backend
 * (fs, memory, s3 on s3rver, azure on azurite, gcs on the local JSON-API fake).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { listGlob } from '../../../clients/storage/glob.ts';
import { listAll, readAllStream, type StorageDriver } from '../../../clients/storage/storage-driver.ts';
import { StorageError } from '../../../clients/storage/storage-errors.ts';

/** What a backend's test file provides. */
export interface ConformanceTarget {
  /** A driver on an existing bucket (shared by the tests; each test uses its own key prefix). */
  readonly driver: StorageDriver;
  /** A driver on a bucket that does not exist. */
  readonly missingBucket: StorageDriver;
  /** A driver with wrong credentials, where the backend checks them. */
  readonly badCredentials?: StorageDriver;
  /** Stops servers, removes directories. */
  close(): Promise<void>;
}

async function expectCode(promise: Promise<unknown>, code: string, key?: string): Promise<StorageError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a ${code} error`).toBeInstanceOf(StorageError);
  const se = err as StorageError;
  expect(se.code).toBe(code);
  if (key !== undefined) {
    expect(se.key).toBe(key);
    expect(se.message).toContain(key);
  }
  return se;
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable) {
    // consume
  }
}

/** Registers the conformance tests for one backend. `setup` returns undefined to skip (no emulator). */
export function conformanceSuite(name: string, setup: () => Promise<ConformanceTarget | undefined>): void {
  describe(`storage conformance: ${name}`, () => {
    let target: ConformanceTarget | undefined;
    let d: StorageDriver;
    beforeAll(async () => {
      target = await setup();
      if (target !== undefined) d = target.driver;
    });
    afterAll(async () => {
      await target?.close();
    });
    const test = (title: string, fn: (prefix: string) => Promise<void>): void => {
      it(title, async (ctx: TestContext) => {
        if (target === undefined) ctx.skip();
        await fn(`t-${randomUUID().slice(0, 8)}/`);
      });
    };

    test('write, stat and read round-trip bytes, size and content type', async (p) => {
      const body = Buffer.from('hello, storage');
      const written = await d.write(`${p}hello.txt`, body, { contentType: 'text/plain' });
      expect(written.size).toBe(body.length);
      const st = await d.stat(`${p}hello.txt`);
      expect(st.kind).toBe('object');
      expect(st.size).toBe(body.length);
      expect(st.etag).toBeTruthy();
      expect(st.lastModified).toBeInstanceOf(Date);
      if (d.name !== 'fs') expect(st.contentType).toBe('text/plain');
      expect((await d.read(`${p}hello.txt`)).equals(body)).toBe(true);
      expect((await readAllStream(await d.stream(`${p}hello.txt`))).equals(body)).toBe(true);
    });

    test('overwriting a key changes its etag and contents', async (p) => {
      const a = await d.write(`${p}x`, Buffer.from('first version'));
      await new Promise((r) => setTimeout(r, 20));
      await d.write(`${p}x`, Buffer.from('second, longer version'));
      const st = await d.stat(`${p}x`);
      expect(st.etag).not.toBe(a.etag);
      expect((await d.read(`${p}x`)).toString()).toBe('second, longer version');
    });

    test('a read pinned to the listed identity fails after the object is replaced', async (p) => {
      const first = await d.write(`${p}pinned`, Buffer.from('first'));
      const [listed] = await listAll(d, p);
      const ifMatch = { etag: listed?.etag ?? null, version: first.version ?? listed?.version ?? null };
      expect((await d.read(`${p}pinned`, { ifMatch })).toString()).toBe('first');
      await new Promise((r) => setTimeout(r, 20));
      await d.write(`${p}pinned`, Buffer.from('second, different'));
      // GCS reads the listed generation, which no longer exists (NOT_FOUND); the others see CHANGED.
      const err = await expectCode(
        d.read(`${p}pinned`, { ifMatch }),
        d.name === 'gcs' ? 'NOT_FOUND' : 'CHANGED',
        `${p}pinned`,
      );
      expect(err.retryable).toBe(false);
      expect((await d.read(`${p}pinned`)).toString()).toBe('second, different');
    });

    test('stream uploads store the streamed bytes', async (p) => {
      const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, i));
      await d.write(`${p}streamed.bin`, Readable.from(chunks), { contentType: 'application/x-test' });
      const back = await d.read(`${p}streamed.bin`);
      expect(back.length).toBe(50_000);
      expect(back.equals(Buffer.concat(chunks))).toBe(true);
    });

    test('listing paginates across at least 3 pages in key order', async (p) => {
      const keys = Array.from({ length: 25 }, (_, i) => `${p}k${String(i).padStart(3, '0')}`);
      await Promise.all(keys.map((k) => d.write(k, Buffer.from(k))));
      const pages: string[][] = [];
      for await (const page of d.list(p, { pageSize: 10 })) pages.push(page.map((e) => e.key));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(10);
      expect(pages.flat()).toEqual(keys);
      const after = await listAll(d, p, { pageSize: 7, startAfter: keys[19] });
      expect(after.map((e) => e.key)).toEqual(keys.slice(20));
    });

    test('non-recursive listing returns one level with common prefixes', async (p) => {
      for (const k of ['a.txt', 'dir1/x.txt', 'dir1/sub/y.txt', 'dir2/z.txt', 'b.txt'])
        await d.write(p + k, Buffer.from(k));
      const entries = await listAll(d, p, { recursive: false, pageSize: 2 });
      expect(entries.map((e) => `${e.kind}:${e.key.slice(p.length)}`).sort()).toEqual([
        'object:a.txt',
        'object:b.txt',
        'prefix:dir1/',
        'prefix:dir2/',
      ]);
      const all = await listAll(d, `${p}dir1/`);
      expect(all.map((e) => e.key.slice(p.length))).toEqual(['dir1/sub/y.txt', 'dir1/x.txt']);
      expect(all[0]?.size).toBe('dir1/sub/y.txt'.length);
    });

    test('listing a prefix with no keys yields nothing', async (p) => {
      expect(await listAll(d, `${p}nothing-here/`)).toEqual([]);
    });

    test('unicode and space-containing keys round-trip through write, list and read', async (p) => {
      const keys = [
        `${p}dir with space/file name.txt`,
        `${p}ünïcødé/日本語 ファイル.txt`,
        `${p}emoji-😀+plus&amp.txt`,
      ];
      for (const k of keys) await d.write(k, Buffer.from(`content of ${k}`));
      const listed = (await listAll(d, p)).map((e) => e.key);
      expect(listed.sort()).toEqual([...keys].sort());
      for (const k of keys) expect((await d.read(k)).toString()).toBe(`content of ${k}`);
      expect((await d.stat(keys[1] as string)).size).toBe(Buffer.byteLength(`content of ${keys[1]}`));
    });

    test('range reads return [start, end) and clamp past the end', async (p) => {
      const body = Buffer.from('0123456789abcdef');
      await d.write(`${p}r`, body);
      expect((await d.readRange(`${p}r`, 2, 5)).toString()).toBe('234');
      expect((await d.readRange(`${p}r`, 10, 100)).toString()).toBe('abcdef');
      expect((await d.readRange(`${p}r`, 16, 20)).length).toBe(0);
      expect((await d.readRange(`${p}r`, 4, 4)).length).toBe(0);
      expect((await readAllStream(await d.stream(`${p}r`, { start: 3, end: 7 }))).toString()).toBe('3456');
      await expect(d.readRange(`${p}r`, -1, 3)).rejects.toThrow(RangeError);
    });

    test('globs list only matching keys (*, **, ?, {a,b}, classes)', async (p) => {
      const keys = [
        'img/cat1.jpg',
        'img/cat2.png',
        'img/dog.jpg',
        'img/sub/cat3.jpg',
        'img/sub/deep/x.jpg',
        'doc/a.txt',
      ];
      for (const k of keys) await d.write(p + k, Buffer.from(k));
      const glob = async (g: string): Promise<string[]> => {
        const out: string[] = [];
        for await (const page of listGlob(d, p + g, { pageSize: 2 }))
          out.push(...page.map((e) => e.key.slice(p.length)));
        return out.sort();
      };
      expect(await glob('img/*.jpg')).toEqual(['img/cat1.jpg', 'img/dog.jpg']);
      expect(await glob('img/**/*.jpg')).toEqual([
        'img/cat1.jpg',
        'img/dog.jpg',
        'img/sub/cat3.jpg',
        'img/sub/deep/x.jpg',
      ]);
      expect(await glob('img/cat?.*')).toEqual(['img/cat1.jpg', 'img/cat2.png']);
      expect(await glob('{img,doc}/*.{txt,png}')).toEqual(['doc/a.txt', 'img/cat2.png']);
      expect(await glob('img/**/cat[13].jpg')).toEqual(['img/cat1.jpg', 'img/sub/cat3.jpg']);
      expect(await glob('img/[!c]*')).toEqual(['img/dog.jpg']);
    });

    test('a missing key is NOT_FOUND naming the driver, bucket and key', async (p) => {
      const key = `${p}missing.txt`;
      const err = await expectCode(d.read(key), 'NOT_FOUND', key);
      expect(err.driver).toBe(d.name);
      expect(err.bucket).toBe(d.bucket);
      await expectCode(d.stat(key), 'NOT_FOUND', key);
      await expectCode(d.readRange(key, 0, 4), 'NOT_FOUND', key);
      await expectCode(d.stream(key), 'NOT_FOUND', key);
    });

    test('an object deleted between listing and read is NOT_FOUND; delete is idempotent', async (p) => {
      await d.write(`${p}gone`, Buffer.from('soon gone'));
      const [entry] = await listAll(d, p);
      expect(entry?.key).toBe(`${p}gone`);
      await d.delete(`${p}gone`);
      await expectCode(d.read(entry?.key as string), 'NOT_FOUND', `${p}gone`);
      await d.delete(`${p}gone`);
      expect(await listAll(d, p)).toEqual([]);
    });

    test('a missing bucket is BUCKET_NOT_FOUND for listing, reads and writes', async () => {
      const m = (target as ConformanceTarget).missingBucket;
      const err = await expectCode(drain(m.list('')), 'BUCKET_NOT_FOUND');
      expect(err.message).toContain(m.bucket);
      await expectCode(m.read('some/key'), 'BUCKET_NOT_FOUND', 'some/key');
      await expectCode(m.stat('some/key'), 'BUCKET_NOT_FOUND', 'some/key');
      await expectCode(m.write('some/key', Buffer.from('x')), 'BUCKET_NOT_FOUND', 'some/key');
    });

    test('bad credentials fail fast with ACCESS_DENIED', async (p) => {
      const bad = (target as ConformanceTarget).badCredentials;
      if (bad === undefined) return; // fs and memory have no credentials
      const started = Date.now();
      const err = await expectCode(drain(bad.list(p)), 'ACCESS_DENIED');
      expect(err.message).toMatch(/credentials/);
      await expectCode(bad.read(`${p}x`), 'ACCESS_DENIED');
      expect(Date.now() - started).toBeLessThan(5000); // not retried
    });
  });
}
