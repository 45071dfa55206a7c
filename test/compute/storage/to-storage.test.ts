import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { File } from '../../../clients/storage/file.ts';
import { StorageContext } from '../../../clients/storage/storage-context.ts';
import { openSession, type Session } from '../../../compute/session.ts';
import { readStorage } from '../../../compute/storage/read-storage.ts';
import { toStorage } from '../../../compute/storage/to-storage.ts';

let dir: string;
let session: Session;
let storage: StorageContext;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'chainql-tostorage-'));
  storage = new StorageContext();
  session = await openSession({ dataDir: path.join(dir, 'data'), storage });
  storage.memory.createBucket('in');
  const { driver } = await storage.resolve('memory://in/');
  for (const k of ['a/1.txt', 'a/2.txt', 'b/3.txt']) await driver.write(k, Buffer.from(`body ${k}`));
});
afterEach(async () => {
  await session.close();
  await rm(dir, { recursive: true, force: true });
});

describe('toStorage', () => {
  it('writes the files of a chain to a local directory, by full path', async () => {
    const chain = readStorage('memory://in/', { session, storage });
    const out = path.join(dir, 'out');
    expect(await toStorage(chain, `${out}/`, { placement: 'fullpath', storage })).toEqual({
      files: 3,
      bytes: 36,
    });
    expect((await readdir(out, { recursive: true })).sort()).toEqual([
      'a',
      'a/1.txt',
      'a/2.txt',
      'b',
      'b/3.txt',
    ]);
    expect(await readFile(path.join(out, 'b/3.txt'), 'utf8')).toBe('body b/3.txt');
  });

  it('takes the File from a nested field and leaves the rows untouched', async () => {
    // Plain records (as stored), not the File objects collect() hands out.
    const rows = (await readStorage('memory://in/a/', { session }).collect()).map((r) => ({
      nested: { f: (r.file as unknown as File).toRecord() },
    }));
    async function* source() {
      yield* rows;
    }
    const result = await toStorage(source(), 'memory://in/copies/', { field: 'nested.f', storage });
    expect(result.files).toBe(2);
    expect(rows[0]?.nested.f.constructor).toBe(Object);
    expect((await (await storage.resolve('memory://in/')).driver.read('copies/1.txt')).toString()).toBe(
      'body a/1.txt',
    );
  });
});
