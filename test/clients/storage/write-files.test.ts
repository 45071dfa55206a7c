import { describe, expect, it } from 'vitest';
import { type File, fileFromEntry } from '../../../clients/storage/file.ts';
import { MemoryDriver } from '../../../clients/storage/memory-driver.ts';
import { StorageContext } from '../../../clients/storage/storage-context.ts';
import { listAll } from '../../../clients/storage/storage-driver.ts';
import { writeFiles } from '../../../clients/storage/write-files.ts';
import { InstrumentedDriver } from '../../fakes/instrumented-driver.ts';

async function setup() {
  const storage = new StorageContext();
  storage.memory.createBucket('src');
  storage.memory.createBucket('dst');
  const { driver } = await storage.resolve('memory://src/');
  const files: File[] = [];
  for (const k of ['a/1.txt', 'a/2.txt', 'b/3.txt'])
    files.push(fileFromEntry('memory://src', await driver.write(k, Buffer.from(k)), { storage }));
  const dst = (await storage.resolve('memory://dst/')).driver;
  return { files, dst };
}

describe('writeFiles', () => {
  it("places files by name ('filename'), full path ('fullpath') or a function", async () => {
    const { files, dst } = await setup();
    expect(await writeFiles(files, 'memory://dst/flat')).toEqual({ files: 3, bytes: 21 });
    await writeFiles(files, 'memory://dst/full/', { placement: 'fullpath' });
    await writeFiles(files, 'memory://dst/fn/', {
      placement: (f) => `${f.name.replace('.txt', '')}/${f.path.replace('/', '_')}`,
    });
    const keys = (await listAll(dst, '')).map((e) => e.key);
    expect(keys).toEqual([
      'flat/1.txt',
      'flat/2.txt',
      'flat/3.txt',
      'fn/1/a_1.txt',
      'fn/2/a_2.txt',
      'fn/3/b_3.txt',
      'full/a/1.txt',
      'full/a/2.txt',
      'full/b/3.txt',
    ]);
    expect((await dst.read('full/b/3.txt')).toString()).toBe('b/3.txt');
  });

  it('bounds copies in flight (concurrency) and writes every file', async () => {
    const storage = new StorageContext();
    storage.memory.createBucket('src');
    storage.memory.createBucket('dst');
    const wrapped = new Map<string, InstrumentedDriver>();
    storage.registerDriver('memory', async (bucket, ctx) => {
      const d = new InstrumentedDriver(new MemoryDriver({ bucket, store: ctx.memory }), 5);
      wrapped.set(bucket, d);
      return d;
    });
    const src = await new MemoryDriver({ bucket: 'src', store: storage.memory }).write(
      'one',
      Buffer.from('1'),
    );
    async function* many() {
      for (let i = 0; i < 30; i++) {
        yield fileFromEntry('memory://src', src, { storage });
      }
    }
    let n = 0;
    const result = await writeFiles(many(), 'memory://dst/many/', {
      concurrency: 4,
      placement: () => `k${n++}`,
    });
    expect(result.files).toBe(30);
    expect(wrapped.get('dst')?.stats.maxInFlight).toBe(4);
    expect(wrapped.get('dst')?.stats.calls.write).toBe(30);
    expect(
      (await listAll(await storage.driverFor({ scheme: 'memory', bucket: 'dst' }), 'many/')).length,
    ).toBe(30);
  });

  it('stops on the first failure and rethrows it', async () => {
    const { files } = await setup();
    await expect(writeFiles(files, 'memory://no-such-bucket/x/')).rejects.toMatchObject({
      code: 'BUCKET_NOT_FOUND',
    });
    await expect(writeFiles(files, 'memory://dst/*.txt')).rejects.toMatchObject({ code: 'INVALID_URI' });
  });
});
