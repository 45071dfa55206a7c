import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KeyDeclarationError, readRecords } from '../../../compute/index.ts';
import { countTables, tempSession, WAREHOUSES } from '../../helpers/temp-session.ts';

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let session: Awaited<ReturnType<typeof tempSession>>;
  beforeAll(async () => {
    session = await tempSession(warehouse);
  });
  afterAll(async () => {
    await session.cleanup();
  });

  async function tableCount(): Promise<number> {
    return countTables(session, '');
  }

  describe('save validates key declarations before any data is written', () => {
    const Row = z.object({ id: z.int(), note: z.string().nullable() });
    const rows = [
      { id: 1, note: null },
      { id: 2, note: 'x' },
    ];

    it('a nullable key on a UDF output fails before the UDF runs or any table is created', async () => {
      let calls = 0;
      const before = await tableCount();
      const error = await readRecords(rows, Row, { session })
        .map({ label: z.string().nullable() }, (row) => {
          calls++;
          return { label: row.note };
        })
        .save('keyed', { primaryKey: ['label'] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyDeclarationError);
      expect((error as Error).message).toMatch(/label/);
      expect(calls).toBe(0);
      expect(await tableCount()).toBe(before);
    });

    it('an unknown key path names the closest field before any write', async () => {
      const before = await tableCount();
      await expect(
        readRecords(rows, Row, { session }).save('keyed', { primaryKey: ['idd'] }),
      ).rejects.toThrow(/'id'/);
      expect(await tableCount()).toBe(before);
    });
  });
});
