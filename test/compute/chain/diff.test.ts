import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { C, readDataset, readRecords } from '../../../compute/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';

let session: Awaited<ReturnType<typeof tempSession>>;
const Item = z.object({ id: z.int(), name: z.string(), price: z.number().nullable() });
beforeAll(async () => {
  session = await tempSession();
  const v1 = [
    { id: 1, name: 'a', price: 1 },
    { id: 2, name: 'b', price: 2 },
    { id: 3, name: 'c', price: null },
    { id: 4, name: 'd', price: 4 },
    { id: 5, name: 'e', price: null },
  ];
  const v2 = [
    { id: 1, name: 'a', price: 1 }, // same
    { id: 2, name: 'b', price: 2.5 }, // modified (price)
    { id: 3, name: 'c', price: null }, // same (NULL equals NULL)
    { id: 5, name: 'E', price: null }, // modified (name)
    { id: 6, name: 'f', price: 6 }, // added
  ]; // 4 deleted
  await readRecords(v1, Item, { session }).save('diff_items', { version: '1.0.0' });
  await readRecords(v2, Item, { session }).save('diff_items', { version: '2.0.0' });
});
afterAll(async () => {
  await session.cleanup();
});

describe('chain.diff()', () => {
  it('labels every row added, deleted, modified or same', async () => {
    const rows = await readDataset<z.infer<typeof Item>>('diff_items', { session, version: '2.0.0' })
      .diff(readDataset('diff_items', { session, version: '1.0.0' }), { on: 'id' })
      .orderBy('id')
      .collect();
    expect(rows.map((r) => [r.id, r.diff])).toEqual([
      [1, 'same'],
      [2, 'modified'],
      [3, 'same'],
      [4, 'deleted'],
      [5, 'modified'],
      [6, 'added'],
    ]);
    expect(rows.find((r) => r.id === 4)).toMatchObject({ name: 'd', price: 4 });
    expect(rows.find((r) => r.id === 2)).toMatchObject({ price: 2.5 });
  });

  it('compares only the given fields, names the status field, and composes with filters and save', async () => {
    const changed = readDataset('diff_items', { session, version: '2.0.0' })
      .diff(readDataset('diff_items', { session, version: '1.0.0' }), {
        on: ['id'],
        compare: 'price',
        status: 'change',
      })
      .filter(C('change').ne('same'));
    const saved = await changed.save('diff_changes');
    expect(saved.rows).toBe(3);
    const rows = await readDataset<{ id: number; change: string }>('diff_changes', { session }).collect();
    expect(rows.map((r) => [r.id, r.change]).sort()).toEqual([
      [2, 'modified'],
      [4, 'deleted'],
      [6, 'added'],
    ]);
    expect(saved.schema.fields.change?.type).toEqual({
      kind: 'enum',
      values: ['added', 'deleted', 'modified', 'same'],
    });
  });

  it('fails clearly on a key the other side lacks or a clashing status field', async () => {
    const other = readRecords([{ key: 1 }], z.object({ key: z.int() }), { session });
    await expect(
      readDataset('diff_items', { session }).diff(other, { on: 'id' }).count(),
    ).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
    await expect(
      readDataset('diff_items', { session })
        .diff(readDataset('diff_items', { session }), { on: 'id', status: 'name' })
        .count(),
    ).rejects.toMatchObject({ code: 'SCHEMA_ERROR' });
  });
});
