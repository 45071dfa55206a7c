import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsDriver } from '../../../clients/storage/fs-driver.ts';
import { MemoryDriver, MemoryStore } from '../../../clients/storage/memory-driver.ts';
import { conformanceSuite } from './conformance.ts';

conformanceSuite('fs', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'chainql-fs-'));
  return {
    driver: new FsDriver({ root: dir }),
    missingBucket: new FsDriver({ root: path.join(dir, 'no-such-root') }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
});

conformanceSuite('memory', async () => {
  const store = new MemoryStore();
  store.createBucket('conformance');
  return {
    driver: new MemoryDriver({ bucket: 'conformance', store }),
    missingBucket: new MemoryDriver({ bucket: 'no-such-bucket', store }),
    close: async () => undefined,
  };
});
