import { describe, expect, it } from 'vitest';
import type { ColumnDefinition } from '../../../../clients/warehouse/warehouse-driver.ts';
import { WarehouseError } from '../../../../clients/warehouse/warehouse-errors.ts';
import { useTempWarehouses } from './temp-warehouse.ts';

const temp = useTempWarehouses();

const COLUMNS: ColumnDefinition[] = [
  { name: 'id', sqlType: 'INTEGER', nullable: false },
  { name: 'name', sqlType: 'TEXT', nullable: true },
];

class SourceFailure extends Error {}

async function ids(w: Awaited<ReturnType<typeof temp.open>>): Promise<number[]> {
  const found = await w.query({ sql: 'SELECT id FROM t ORDER BY id', parameters: [] });
  return found.map((row) => Number(row.id));
}

describe('SqliteWarehouse insert from a synchronous iterable (streamed, not buffered)', () => {
  it('accepts a row array that the source reuses for every row', async () => {
    const w = await temp.open({ insertBatchRows: 100 });
    await w.createTable('t', COLUMNS);
    function* reused() {
      const row: unknown[] = [0, ''];
      for (let i = 1; i <= 777; i++) {
        row[0] = i;
        row[1] = `n${i}`;
        yield row;
      }
    }
    expect(await w.insert('t', ['id', 'name'], reused())).toBe(777);
    const all = await ids(w);
    expect(all).toHaveLength(777);
    expect(all[776]).toBe(777);
    expect(await w.query({ sql: 'SELECT name FROM t WHERE id = 500', parameters: [] })).toEqual([
      { name: 'n500' },
    ]);
  });

  it("rethrows the source's own error unchanged, keeping the batches committed before it", async () => {
    const w = await temp.open({ insertBatchRows: 100 });
    await w.createTable('t', COLUMNS);
    function* failing() {
      for (let i = 1; i <= 250; i++) yield [i, null];
      throw new SourceFailure('row 251 is invalid');
    }
    const error = await w.insert('t', ['id', 'name'], failing()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceFailure);
    expect(error).not.toBeInstanceOf(WarehouseError);
    // Batches of 100: rows 1..200 committed, the open batch (201..250) rolled back.
    expect(await ids(w)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('wraps an engine failure, rolls back its batch and stops pulling rows', async () => {
    const w = await temp.open({ insertBatchRows: 100 });
    await w.createTable('t', COLUMNS);
    let pulled = 0;
    let closed = false;
    function* rows() {
      try {
        for (let i = 1; i <= 1000; i++) {
          pulled++;
          yield [i === 150 ? null : i, 'x'];
        }
      } finally {
        closed = true;
      }
    }
    await expect(w.insert('t', ['id', 'name'], rows())).rejects.toBeInstanceOf(WarehouseError);
    expect(await ids(w)).toHaveLength(100);
    expect(pulled).toBeLessThanOrEqual(200);
    expect(closed).toBe(true);
  });
});
