import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { File, fileFromEntry, fileFromRecord, fileFromUri } from '../../../clients/storage/file.ts';
import { FileCache } from '../../../clients/storage/file-cache.ts';
import { ImageFile } from '../../../clients/storage/image-file.ts';
import { StorageContext } from '../../../clients/storage/storage-context.ts';
import { TextFile } from '../../../clients/storage/text-file.ts';
import { FileSchema } from '../../../schema/record/file-schema.ts';
import { fromZod } from '../../../schema/record/from-zod.ts';

let dir: string;
let storage: StorageContext;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'chainql-file-'));
  storage = new StorageContext();
  storage.memory.createBucket('m');
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function put(key: string, body: Buffer | string, contentType?: string): Promise<File> {
  const { driver } = await storage.resolve('memory://m/');
  const entry = await driver.write(key, Buffer.from(body), contentType ? { contentType } : {});
  return fileFromEntry('memory://m', entry, { storage });
}

describe('File', () => {
  it('reads whole, as text, as JSON, by range and as a stream', async () => {
    const f = await put('dir/data.json', '{"a":[1,2,3],"b":"ü"}', 'application/json');
    expect(f.uri).toBe('memory://m/dir/data.json');
    expect(f.name).toBe('data.json');
    expect(f.extension).toBe('json');
    expect(f.contentType).toBe('application/json');
    expect(await f.readJson()).toEqual({ a: [1, 2, 3], b: 'ü' });
    expect(await f.readText()).toContain('"b":"ü"');
    expect((await f.readRange(1, 4)).toString()).toBe('"a"');
    const chunks: Buffer[] = [];
    for await (const c of await f.stream()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).length).toBe(f.size);
  });

  it('a File listed before its object was replaced fails with CHANGED instead of reading other content', async () => {
    const cache = new FileCache({ dir: path.join(dir, 'cache') });
    const old = fileFromRecord((await put('v.txt', 'version 1')).toRecord(), { storage, cache });
    await put('v.txt', 'version 2');
    await expect(old.read()).rejects.toMatchObject({ code: 'CHANGED', key: 'v.txt' });
    expect(cache.stats.bytes).toBe(0);
  });

  it('round-trips through its record and the zod schema, tagged as a file object', async () => {
    const f = await put('x.bin', 'abc');
    const record = FileSchema.parse(
      JSON.parse(JSON.stringify(f), (k, v) => (k === 'lastModified' && v ? new Date(v) : v)),
    );
    const back = fileFromRecord(record, storage);
    expect(back).toBeInstanceOf(File);
    expect(back.toRecord()).toEqual(f.toRecord());
    expect(await back.readText()).toBe('abc');
    const schema = fromZod(z.object({ file: FileSchema }));
    const fileType = schema.fields.file?.type;
    expect(fileType).toMatchObject({ kind: 'object', tag: 'file' });
  });

  it('save copies to another storage, keeping the name when the target ends with /', async () => {
    const f = await put('a/report.txt', 'hello', 'text/plain');
    const saved = await f.save(`${dir}/out/`);
    expect(saved.source).toBe('file:///');
    expect(saved.path.endsWith('out/report.txt')).toBe(true);
    const again = await fileFromUri(saved.uri, { storage });
    expect(await again.readText()).toBe('hello');
  });

  it('TextFile streams lines and strips a BOM', async () => {
    const f = await put('t.txt', '\ufeffline 1\r\nline 2\nline 3\n');
    const t = fileFromRecord(f.toRecord(), storage, TextFile);
    const lines: string[] = [];
    for await (const l of t.lines()) lines.push(l);
    expect(lines).toEqual(['line 1', 'line 2', 'line 3']);
    expect(await t.text()).toBe('line 1\r\nline 2\nline 3\n');
  });

  it('ImageFile reads width, height, format and makes thumbnails that fit', async () => {
    const png = await sharp({ create: { width: 120, height: 60, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const f = fileFromRecord((await put('img.png', png)).toRecord(), storage, ImageFile);
    expect(await f.info()).toEqual({ width: 120, height: 60, format: 'png' });
    const thumb = await sharp(await f.thumbnail(30)).metadata();
    expect([thumb.width, thumb.height, thumb.format]).toEqual([30, 15, 'jpeg']);
    const notImage = fileFromRecord((await put('no.png', 'not an image')).toRecord(), storage, ImageFile);
    await expect(notImage.info()).rejects.toThrow();
  });
});

describe('FileCache', () => {
  it('serves repeated reads from disk, keyed by etag: a changed object is fetched again', async () => {
    const cache = new FileCache({ dir: path.join(dir, 'cache') });
    const ctx = { storage, cache };
    const { driver } = await storage.resolve('memory://m/');
    const e1 = await driver.write('k', Buffer.from('v1'));
    const f1 = fileFromEntry('memory://m', e1, ctx);
    expect(await f1.readText()).toBe('v1');
    expect(await f1.readText()).toBe('v1');
    expect(cache.stats).toMatchObject({ misses: 1, hits: 1 });
    // The object disappears: the cached copy still serves the same identity.
    await driver.delete('k');
    expect(await fileFromEntry('memory://m', e1, ctx).readText()).toBe('v1');
    const e2 = await driver.write('k', Buffer.from('v2'));
    expect(await fileFromEntry('memory://m', e2, ctx).readText()).toBe('v2');
    expect(cache.stats.misses).toBe(2);
  });

  it('evicts least recently used entries above the size cap', async () => {
    const cache = new FileCache({ dir: path.join(dir, 'cache'), maxBytes: 250 });
    const ctx = { storage, cache };
    const files = await Promise.all([0, 1, 2].map((i) => put(`f${i}`, Buffer.alloc(100, i))));
    await fileFromRecord(files[0]!.toRecord(), ctx).read();
    await fileFromRecord(files[1]!.toRecord(), ctx).read();
    await fileFromRecord(files[0]!.toRecord(), ctx).read(); // f0 becomes most recent
    await fileFromRecord(files[2]!.toRecord(), ctx).read(); // evicts f1
    expect(cache.stats.evictions).toBe(1);
    expect(cache.stats.bytes).toBeLessThanOrEqual(250);
    expect(await cache.get(files[1]!)).toBeUndefined();
    expect(await cache.get(files[0]!)).toBeDefined();
    // A new instance over the same directory finds the surviving entries.
    const reopened = new FileCache({ dir: path.join(dir, 'cache'), maxBytes: 250 });
    expect((await reopened.get(files[2]!))?.length).toBe(100);
  });

  it('a read-only cache serves hits, never writes, and reads of misses still work', async () => {
    const cacheDir = path.join(dir, 'ro');
    const warm = new FileCache({ dir: cacheDir });
    const f = await put('a', 'cached');
    await warm.getOrFetch(f, () => f.read());
    const before = await readdir(cacheDir, { recursive: true });
    // Explicitly read-only (a shared pre-filled cache) — or a directory we may not write.
    const nonRoot = process.getuid?.() !== 0;
    if (nonRoot) await chmod(cacheDir, 0o555);
    const cache = new FileCache({ dir: cacheDir, readOnly: !nonRoot });
    const g = await put('b', 'not cached');
    expect((await cache.getOrFetch(g, () => g.read())).toString()).toBe('not cached');
    expect((await cache.getOrFetch(f, () => Promise.reject(new Error('should hit')))).toString()).toBe(
      'cached',
    );
    expect(cache.readOnly).toBe(true);
    expect(await readdir(cacheDir, { recursive: true })).toEqual(before);
  });

  it('never caches objects without etag or version', async () => {
    const cache = new FileCache({ dir: path.join(dir, 'cache') });
    const f = new File(
      {
        source: 'memory://m',
        path: 'x',
        size: 1,
        etag: null,
        version: null,
        lastModified: null,
        contentType: null,
      },
      { storage, cache },
    );
    const { driver } = await storage.resolve('memory://m/');
    await driver.write('x', Buffer.from('1'));
    await f.read();
    await f.read();
    expect(cache.stats).toMatchObject({ hits: 0, bytes: 0 });
  });
});
