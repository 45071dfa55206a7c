import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DatasetNotFoundError,
  deleteDatasetVersion,
  getDatasetVersion,
  listDatasets,
  listVersions,
  readDataset,
  readRecords,
  VersionNotFoundError,
} from '../../compute/index.ts';
import { tempSession, WAREHOUSES } from '../helpers/temp-session.ts';

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let session: Awaited<ReturnType<typeof tempSession>>;
  beforeAll(async () => {
    session = await tempSession(warehouse);
  });
  afterAll(async () => {
    await session.cleanup();
  });

  describe('registry helpers at the package root', () => {
    it('lists, reads and deletes versions', async () => {
      const schema = z.object({ n: z.int() });
      await readRecords([{ n: 1 }], schema, { session }).save('nums');
      await readRecords([{ n: 1 }, { n: 2 }], schema, { session }).save('nums');
      expect((await listDatasets({ session })).map((d) => d.name)).toContain('nums');
      expect((await listVersions('nums', { session })).map((v) => v.version)).toEqual(['1.0.0', '1.0.1']);
      const latest = await getDatasetVersion('nums', { session });
      expect(latest.version).toBe('1.0.1');
      expect(latest.rows).toBe(2);
      expect(latest.schema.fields.n?.type.kind).toBe('int');
      await deleteDatasetVersion('nums', '1.0.1', { session });
      expect(await readDataset('nums', { session }).count()).toBe(1);
      await expect(getDatasetVersion('nums', { session, version: '9.9.9' })).rejects.toThrow(
        VersionNotFoundError,
      );
      await expect(getDatasetVersion('nums', { session, version: '9.9.9' })).rejects.toThrow(/1\.0\.0/);
      await deleteDatasetVersion('nums', '1.0.0', { session });
      await expect(listVersions('nums', { session })).rejects.toThrow(DatasetNotFoundError);
    });
  });
});
