import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WarehouseError } from '../../../../clients/warehouse/warehouse-errors.ts';
import { useTempWarehouses } from './temp-warehouse.ts';

const temp = useTempWarehouses();

async function seeded(n: number) {
  const w = await temp.open({ insertBatchRows: 500 });
  await w.createTable('t', [
    { name: 'id', sqlType: 'INTEGER', nullable: false },
    { name: 'label', sqlType: 'TEXT', nullable: true },
  ]);
  await w.insert(
    't',
    ['id', 'label'],
    Array.from({ length: n }, (_, i) => [i, `l${i % 7}`]),
  );
  return w;
}

describe('SqliteWarehouse.stream', () => {
  it('yields chunks of chunkSize rows, in order, without a trailing empty chunk', async () => {
    const w = await seeded(2_345);
    const sizes: number[] = [];
    const ids: number[] = [];
    for await (const chunk of w.stream(
      { sql: 'SELECT id FROM t WHERE id >= ? ORDER BY id', parameters: [0] },
      { chunkSize: 1000 },
    )) {
      sizes.push(chunk.length);
      for (const row of chunk) ids.push(row.id as number);
    }
    expect(sizes).toEqual([1000, 1000, 345]);
    expect(ids).toEqual(Array.from({ length: 2_345 }, (_, i) => i));
    const empty = [];
    for await (const chunk of w.stream({ sql: 'SELECT id FROM t WHERE id < 0', parameters: [] }))
      empty.push(chunk);
    expect(empty).toEqual([]);
  });

  it('can stay open while the same warehouse inserts into the streamed table (snapshot read)', async () => {
    const w = await seeded(3_000);
    let streamed = 0;
    let inserted = 0;
    for await (const chunk of w.stream({ sql: 'SELECT id FROM t', parameters: [] }, { chunkSize: 500 })) {
      streamed += chunk.length;
      inserted += await w.insert('t', ['id', 'label'], [[100_000 + inserted, 'new']]);
      // A writer's commit during the stream is visible to the writer's own queries at once.
      const [count] = await w.query({ sql: 'SELECT count(*) AS n FROM t', parameters: [] });
      expect(count?.n).toBe(3_000 + inserted);
    }
    expect(streamed).toBe(3_000); // the stream read the snapshot it started with
    expect(inserted).toBe(6);
  });

  it('several streams can be open at once, each on its own pooled connection, returned on break', async () => {
    const w = await seeded(100);
    const a = w
      .stream({ sql: 'SELECT id FROM t ORDER BY id', parameters: [] }, { chunkSize: 10 })
      [Symbol.asyncIterator]();
    const b = w
      .stream({ sql: 'SELECT id FROM t ORDER BY id DESC', parameters: [] }, { chunkSize: 10 })
      [Symbol.asyncIterator]();
    const [first, last] = [await a.next(), await b.next()];
    expect(first.value?.[0]).toEqual({ id: 0 });
    expect(last.value?.[0]).toEqual({ id: 99 });
    expect(w.stats().readConnections).toBe(2);
    await a.return?.();
    await b.return?.();
    // Both connections went back to the pool and are reusable for the same SQL (statement not left busy).
    for await (const chunk of w.stream(
      { sql: 'SELECT id FROM t ORDER BY id', parameters: [] },
      { chunkSize: 10 },
    )) {
      expect(chunk[0]).toEqual({ id: 0 });
      break;
    }
    expect(w.stats().readConnections).toBe(2);
  });

  it('stops with the abort reason when the signal aborts, and rejects a bad chunkSize', async () => {
    const w = await seeded(100);
    const controller = new AbortController();
    const got: number[] = [];
    const run = async () => {
      for await (const chunk of w.stream(
        { sql: 'SELECT id FROM t', parameters: [] },
        { chunkSize: 10, signal: controller.signal },
      )) {
        got.push(chunk.length);
        if (got.length === 2) controller.abort(new Error('stop here'));
      }
    };
    await expect(run()).rejects.toThrow('stop here');
    expect(got).toEqual([10, 10]);
    const consume = async () => {
      for await (const _ of w.stream({ sql: 'SELECT id FROM t', parameters: [] }, { chunkSize: 0 })) {
        // unreachable
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(WarehouseError);
  });

  it('a failing stream query carries its SQL', async () => {
    const w = await seeded(1);
    const consume = async () => {
      for await (const _ of w.stream({ sql: 'SELECT nope FROM t', parameters: [] })) {
        // unreachable
      }
    };
    await expect(consume()).rejects.toMatchObject({ code: 'WAREHOUSE_ERROR', sql: 'SELECT nope FROM t' });
  });
});

describe('SqliteWarehouse.writeAtomically', () => {
  it('commits all writes and statements together', async () => {
    const w = await seeded(0);
    await w.createTable('done', [{ name: 'input_id', sqlType: 'INTEGER', nullable: false }]);
    await w.writeAtomically(
      [
        {
          table: 't',
          columns: ['id', 'label'],
          rows: [
            [1, 'a'],
            [2, 'b'],
          ],
        },
        { table: 'done', columns: ['input_id'], rows: [[10], [11]] },
      ],
      [{ sql: 'UPDATE t SET label = ? WHERE id = ?', parameters: ['z', 2] }],
    );
    expect(await w.query({ sql: 'SELECT id, label FROM t ORDER BY id', parameters: [] })).toEqual([
      { id: 1, label: 'a' },
      { id: 2, label: 'z' },
    ]);
    expect(await w.query({ sql: 'SELECT count(*) AS n FROM done', parameters: [] })).toEqual([{ n: 2 }]);
  });

  it('commits nothing when one write fails', async () => {
    const w = await seeded(0);
    await w.createTable('done', [{ name: 'input_id', sqlType: 'INTEGER', nullable: false }]);
    const bigBatch = Array.from({ length: 1_000 }, (_, i) => [i, 'x']);
    await expect(
      w.writeAtomically([
        { table: 't', columns: ['id', 'label'], rows: bigBatch },
        { table: 'done', columns: ['input_id'], rows: [[1], [null]] }, // NOT NULL violation
      ]),
    ).rejects.toBeInstanceOf(WarehouseError);
    await expect(
      w.writeAtomically(
        [{ table: 't', columns: ['id', 'label'], rows: bigBatch }],
        [{ sql: 'INSERT INTO missing VALUES (1)', parameters: [] }],
      ),
    ).rejects.toMatchObject({ code: 'TABLE_NOT_FOUND' });
    expect(
      await w.query({
        sql: 'SELECT (SELECT count(*) FROM t) AS t, (SELECT count(*) FROM done) AS d',
        parameters: [],
      }),
    ).toEqual([{ t: 0, d: 0 }]);
    // The connection is usable afterwards (no transaction left open).
    await w.insert('t', ['id', 'label'], [[1, 'ok']]);
    expect(await w.query({ sql: 'SELECT count(*) AS n FROM t', parameters: [] })).toEqual([{ n: 1 }]);
  });
});

describe('several warehouses on one file', () => {
  it("two instances see each other's commits", async () => {
    const path = join(temp.dir(), 'shared.db');
    const a = await temp.open({ path });
    const b = await temp.open({ path });
    await a.createTable('t', [{ name: 'v', sqlType: 'INTEGER', nullable: false }]);
    await a.insert('t', ['v'], [[1]]);
    expect(await b.query({ sql: 'SELECT v FROM t', parameters: [] })).toEqual([{ v: 1 }]);
    await b.insert('t', ['v'], [[2]]);
    expect(await a.query({ sql: 'SELECT sum(v) AS s FROM t', parameters: [] })).toEqual([{ s: 3 }]);
  });

  it('another process can write to the file while this one has it open', async () => {
    const path = join(temp.dir(), 'proc.db');
    const w = await temp.open({ path });
    await w.createTable('t', [{ name: 'v', sqlType: 'INTEGER', nullable: false }]);
    await w.insert('t', ['v'], [[1]]);
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1], { timeout: 5000 });
      db.prepare('INSERT INTO t (v) VALUES (?)').run(41);
      console.log(db.prepare('SELECT sum(v) AS s FROM t').get().s);
      db.close();`;
    const out = execFileSync(process.execPath, ['-e', script, path], {
      cwd: process.cwd(),
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('42');
    expect(await w.query({ sql: 'SELECT sum(v) AS s FROM t', parameters: [] })).toEqual([{ s: 42 }]);
    const [mode] = await w.query({ sql: 'PRAGMA journal_mode', parameters: [] });
    expect(mode).toEqual({ journal_mode: 'wal' });
  });
});
