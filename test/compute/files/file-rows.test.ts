import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { File } from '../../../clients/storage/file.ts';
import { StorageContext } from '../../../clients/storage/storage-context.ts';
import { TextFile } from '../../../clients/storage/text-file.ts';
import { createFileRehydrator, fileFieldPaths, prefetchRows } from '../../../compute/files/file-rows.ts';
import { type FileRecord, FileSchema } from '../../../schema/record/file-schema.ts';
import { fromZod } from '../../../schema/record/from-zod.ts';

const schema = fromZod(
  z.object({
    file: FileSchema,
    meta: z.object({ thumb: FileSchema.nullable(), n: z.number() }),
    other: z.object({ x: z.string() }),
  }),
);

async function setup() {
  const storage = new StorageContext();
  storage.memory.createBucket('b');
  const { driver } = await storage.resolve('memory://b/');
  const rec = async (k: string): Promise<FileRecord> => {
    const e = await driver.write(k, Buffer.from(`body ${k}`));
    return {
      source: 'memory://b',
      path: k,
      size: e.size,
      etag: e.etag ?? null,
      version: e.version ?? null,
      lastModified: e.lastModified ?? null,
      contentType: null,
    };
  };
  return { storage, rec };
}

describe('file rows', () => {
  it('finds tagged File fields at any depth', () => {
    expect(fileFieldPaths(schema)).toEqual([['file'], ['meta', 'thumb']]);
  });

  it('rehydrates records into readable File instances, leaving null fields alone', async () => {
    const { storage, rec } = await setup();
    const r = createFileRehydrator(schema, { storage }, TextFile);
    const row = r.rehydrate({ file: await rec('a.txt'), meta: { thumb: null, n: 1 }, other: { x: 'y' } });
    expect(row.file).toBeInstanceOf(TextFile);
    expect(await (row.file as TextFile).text()).toBe('body a.txt');
    expect(row.meta.thumb).toBeNull();
    expect(r.files(row)).toHaveLength(1);
  });

  it('prefetchRows rehydrates and downloads ahead, in order', async () => {
    const { storage, rec } = await setup();
    async function* input() {
      for (let i = 0; i < 5; i++)
        yield {
          id: i,
          row: {
            file: await rec(`f${i}`),
            meta: { thumb: await rec(`t${i}`), n: i },
            other: { x: '' },
          } as Record<string, unknown>,
        };
    }
    const seen: string[] = [];
    for await (const item of prefetchRows(input(), schema, { count: 4, context: { storage } })) {
      const f = item.row.file as File;
      expect(f.isPrefetched).toBe(true);
      seen.push(await f.readText(), await (item.row.meta as { thumb: File }).thumb.readText());
    }
    expect(seen).toEqual([
      'body f0',
      'body t0',
      'body f1',
      'body t1',
      'body f2',
      'body t2',
      'body f3',
      'body t3',
      'body f4',
      'body t4',
    ]);
  });
});
