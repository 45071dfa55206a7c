import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteWarehouse } from '../../../../clients/warehouse/sqlite/sqlite-warehouse.ts';
import type { ColumnDefinition } from '../../../../clients/warehouse/warehouse-driver.ts';
import {
  TableNotFoundError,
  WarehouseClosedError,
  WarehouseError,
} from '../../../../clients/warehouse/warehouse-errors.ts';
import { useTempWarehouses } from './temp-warehouse.ts';

const temp = useTempWarehouses();

const COLUMNS: ColumnDefinition[] = [
  { name: 'id', sqlType: 'INTEGER', nullable: false },
  { name: 'name', sqlType: 'TEXT', nullable: true },
  { name: 'score', sqlType: 'REAL', nullable: true },
];

function rows(n: number, start = 0): unknown[][] {
  return Array.from({ length: n }, (_, i) => [start + i, `row ${start + i}`, (start + i) / 2]);
}

describe('SqliteWarehouse tables', () => {
  it('creates, inspects, renames and drops tables', async () => {
    const w = await temp.open();
    await w.createTable('t', COLUMNS);
    expect(await w.tableExists('t')).toBe(true);
    expect(await w.tableExists('T')).toBe(true); // SQLite table names are case-insensitive
    expect(await w.tableColumns('t')).toEqual(['id', 'name', 'score']);
    await expect(w.createTable('t', COLUMNS)).rejects.toBeInstanceOf(WarehouseError);
    await w.createTable('t', COLUMNS, { ifNotExists: true });
    await w.renameTable('t', 'u');
    expect(await w.tableExists('t')).toBe(false);
    expect(await w.tableColumns('u')).toEqual(['id', 'name', 'score']);
    await w.dropTable('u');
    await w.dropTable('u'); // no error when already gone
    expect(await w.tableExists('u')).toBe(false);
  });

  it('quotes hostile table and column names instead of running them', async () => {
    const w = await temp.open();
    const table = 'x"; DROP TABLE victim; --';
    await w.createTable('victim', COLUMNS);
    await w.createTable(table, [{ name: 'we"ird col', sqlType: 'TEXT', nullable: true }]);
    await w.insert(table, ['we"ird col'], [['a'], ['b']]);
    expect(
      await w.query({ sql: `SELECT count(*) AS n FROM "x""; DROP TABLE victim; --"`, parameters: [] }),
    ).toEqual([{ n: 2 }]);
    expect(await w.tableExists('victim')).toBe(true);
  });

  it('enforces NOT NULL columns and unique indexes', async () => {
    const w = await temp.open();
    await w.createTable('t', COLUMNS);
    await expect(w.insert('t', ['id', 'name'], [[null, 'x']])).rejects.toBeInstanceOf(WarehouseError);
    await w.insert(
      't',
      ['id', 'name'],
      [
        [1, 'a'],
        [1, 'b'],
      ],
    );
    await expect(w.createIndex('t', { name: 't_id', columns: ['id'], unique: true })).rejects.toThrow(
      /UNIQUE/,
    );
    await w.execute({ sql: 'DELETE FROM t WHERE name = ?', parameters: ['b'] });
    await w.createIndex('t', { name: 't_id', columns: ['id'], unique: true });
    await expect(w.insert('t', ['id'], [[1]])).rejects.toThrow(/UNIQUE constraint failed/);
    const plan = await w.query({ sql: 'EXPLAIN QUERY PLAN SELECT * FROM t WHERE id = ?', parameters: [1] });
    expect(JSON.stringify(plan)).toMatch(/t_id/);
  });
});

describe('SqliteWarehouse createTable orderBy', () => {
  it('a single INTEGER sort key becomes the rowid: unique, auto-numbered, used for ordered scans', async () => {
    const w = await temp.open();
    await w.createTable(
      'k',
      [
        { name: 'sys__id', sqlType: 'INTEGER', nullable: false },
        { name: 'v', sqlType: 'TEXT', nullable: true },
      ],
      { orderBy: ['sys__id'] },
    );
    await w.insert(
      'k',
      ['sys__id', 'v'],
      [
        [5, 'a'],
        [null, 'b'],
      ],
    );
    expect(await w.query({ sql: 'SELECT sys__id, v FROM k ORDER BY sys__id', parameters: [] })).toEqual([
      { sys__id: 5, v: 'a' },
      { sys__id: 6, v: 'b' },
    ]);
    await expect(w.insert('k', ['sys__id', 'v'], [[5, 'dup']])).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
    const plan = await w.query({
      sql: 'EXPLAIN QUERY PLAN SELECT * FROM k ORDER BY sys__id',
      parameters: [],
    });
    expect(JSON.stringify(plan)).not.toMatch(/TEMP B-TREE/);
  });

  it('other orderBy shapes leave the columns as declared', async () => {
    const w = await temp.open();
    await w.createTable('k', COLUMNS, { orderBy: ['name'] });
    await w.insert(
      'k',
      ['id', 'name'],
      [
        [1, 'a'],
        [1, 'a'],
      ],
    );
    expect(await w.query({ sql: 'SELECT count(*) AS n FROM k', parameters: [] })).toEqual([{ n: 2 }]);
  });
});

describe('SqliteWarehouse insert and query', () => {
  it('inserts arrays, sync iterables and async iterables across batch and statement boundaries', async () => {
    const w = await temp.open({ insertBatchRows: 1000 });
    await w.createTable('t', COLUMNS);
    expect(await w.insert('t', ['id', 'name', 'score'], rows(2_503))).toBe(2_503);
    function* gen() {
      yield* rows(1_001, 10_000);
    }
    expect(await w.insert('t', ['id', 'name', 'score'], gen())).toBe(1_001);
    async function* agen() {
      for (const r of rows(7, 20_000)) {
        await Promise.resolve();
        yield r;
      }
    }
    expect(await w.insert('t', ['id', 'name', 'score'], agen())).toBe(7);
    const [summary] = await w.query({ sql: 'SELECT count(*) AS n, sum(id) AS s FROM t', parameters: [] });
    const expected = [...rows(2_503), ...rows(1_001, 10_000), ...rows(7, 20_000)];
    expect(summary).toEqual({ n: expected.length, s: expected.reduce((a, r) => a + (r[0] as number), 0) });
    expect(await w.query({ sql: 'SELECT * FROM t WHERE id = ?', parameters: [10_500] })).toEqual([
      { id: 10_500, name: 'row 10500', score: 5250 },
    ]);
  });

  it('binds booleans as 1/0 and undefined as NULL', async () => {
    const w = await temp.open();
    await w.createTable('b', [
      { name: 'flag', sqlType: 'INTEGER', nullable: true },
      { name: 'v', sqlType: 'TEXT', nullable: true },
    ]);
    await w.insert(
      'b',
      ['flag', 'v'],
      [
        [true, undefined],
        [false, 'x'],
      ],
    );
    expect(await w.query({ sql: 'SELECT * FROM b WHERE flag = ?', parameters: [true] })).toEqual([
      { flag: 1, v: null },
    ]);
  });

  it('rejects a row with the wrong number of values, naming the row', async () => {
    const w = await temp.open();
    await w.createTable('t', COLUMNS);
    await expect(w.insert('t', ['id', 'name'], [[1, 'a'], [2]])).rejects.toThrow(
      /row 1 .* 1 values, expected 2/,
    );
  });

  it('reads 64-bit integers exactly with bigints', async () => {
    const w = await temp.open();
    await w.createTable('big', [{ name: 'v', sqlType: 'INTEGER', nullable: false }]);
    const huge = 2n ** 62n + 1n;
    await w.insert('big', ['v'], [[huge]]);
    const [exact] = await w.query({ sql: 'SELECT v FROM big', parameters: [] }, { bigints: true });
    expect(exact).toEqual({ v: huge });
    const [lossy] = await w.query({ sql: 'SELECT v FROM big', parameters: [] });
    expect(typeof lossy?.v).toBe('number');
    const chunks = [];
    for await (const chunk of w.stream({ sql: 'SELECT v FROM big', parameters: [] }, { bigints: true }))
      chunks.push(chunk);
    expect(chunks).toEqual([[{ v: huge }]]);
  });

  it('streams rows as arrays in column order, and keyed rows again for the same SQL afterwards', async () => {
    const w = await temp.open();
    await w.createTable('pairs', [
      { name: 'a', sqlType: 'INTEGER', nullable: false },
      { name: 'b', sqlType: 'TEXT', nullable: true },
    ]);
    await w.insert(
      'pairs',
      ['a', 'b'],
      [
        [2n ** 62n + 1n, 'x'],
        [2, null],
        [3, 'z'],
      ],
    );
    const sql = { sql: 'SELECT b, a FROM pairs ORDER BY a', parameters: [] };
    const arrays: unknown[][][] = [];
    for await (const chunk of w.streamArrays(sql, { chunkSize: 2, bigints: true })) arrays.push(chunk);
    expect(arrays).toEqual([
      [
        [null, 2n],
        ['z', 3n],
      ],
      [['x', 2n ** 62n + 1n]],
    ]);
    // The cached statement is back in keyed mode for the next reader of the same SQL.
    const keyed = [];
    for await (const chunk of w.stream(sql)) keyed.push(...chunk);
    expect(keyed[0]).toEqual({ b: null, a: 2 });
    expect(await w.read(sql, { point: true })).toHaveLength(3);
  });

  it('LIKE is case-sensitive (Hasura semantics)', async () => {
    const w = await temp.open();
    const [r] = await w.query({
      sql: `SELECT 'Apple' LIKE ? AS a, 'Apple' LIKE ? AS b`,
      parameters: ['app%', 'App%'],
    });
    expect(r).toEqual({ a: 0, b: 1 });
  });

  it('reuses prepared statements by SQL text', async () => {
    const w = await temp.open({ statementCacheSize: 2 });
    const before = w.stats().statementCache;
    for (let i = 0; i < 5; i++) await w.query({ sql: 'SELECT ? AS x', parameters: [i] });
    const after = w.stats().statementCache;
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(4);
    await w.query({ sql: 'SELECT 1 AS a', parameters: [] });
    await w.query({ sql: 'SELECT 2 AS b', parameters: [] });
    expect(w.stats().statementCache.size).toBe(2); // bounded: the LRU evicted the oldest
    await w.query({ sql: 'SELECT ? AS x', parameters: [0] });
    expect(w.stats().statementCache.misses - after.misses).toBe(3);
  });
});

describe('SqliteWarehouse errors', () => {
  it('a missing table is a TableNotFoundError carrying the SQL and parameters', async () => {
    const w = await temp.open();
    const error = await w.query({ sql: 'SELECT * FROM nope WHERE a = ?', parameters: [42] }).catch((e) => e);
    expect(error).toBeInstanceOf(TableNotFoundError);
    expect(error).toMatchObject({
      code: 'TABLE_NOT_FOUND',
      table: 'nope',
      sql: 'SELECT * FROM nope WHERE a = ?',
      parameters: [42],
    });
    await expect(w.insert('nope', ['a'], [[1]])).rejects.toBeInstanceOf(TableNotFoundError);
    await expect(w.tableColumns('nope')).rejects.toBeInstanceOf(TableNotFoundError);
  });

  it('a syntax error is a WarehouseError with the statement and the engine error as cause', async () => {
    const w = await temp.open();
    const error = await w.execute({ sql: 'SELEC 1 WHERE ?', parameters: ['p'] }).catch((e) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect(error.code).toBe('WAREHOUSE_ERROR');
    expect(error.sql).toBe('SELEC 1 WHERE ?');
    expect(error.parameters).toEqual(['p']);
    expect(error.message).toMatch(/syntax error/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('close is idempotent and later calls fail with WAREHOUSE_CLOSED', async () => {
    const w = await openSqliteWarehouse({ path: join(temp.dir(), 'c.db') });
    await w.close();
    await w.close();
    await expect(w.query({ sql: 'SELECT 1', parameters: [] })).rejects.toBeInstanceOf(WarehouseClosedError);
    await expect(w.insert('t', ['a'], [[1]])).rejects.toMatchObject({ code: 'WAREHOUSE_CLOSED' });
  });

  it('read-only warehouses read but refuse writes; a missing file fails to open', async () => {
    const path = join(temp.dir(), 'ro.db');
    const w = await temp.open({ path });
    await w.createTable('t', COLUMNS);
    await w.insert('t', ['id'], [[1]]);
    const ro = await temp.open({ path, readonly: true });
    expect(await ro.query({ sql: 'SELECT id FROM t', parameters: [] })).toEqual([{ id: 1 }]);
    await expect(ro.insert('t', ['id'], [[2]])).rejects.toThrow(/readonly/);
    await expect(
      openSqliteWarehouse({ path: join(temp.dir(), 'missing.db'), readonly: true }),
    ).rejects.toBeInstanceOf(WarehouseError);
  });

  it(':memory: works with streams and leaves no file behind', async () => {
    const w = await openSqliteWarehouse({ path: ':memory:' });
    await w.createTable('t', COLUMNS);
    await w.insert('t', ['id'], [[1], [2]]);
    const seen = [];
    for await (const chunk of w.stream({ sql: 'SELECT id FROM t ORDER BY id', parameters: [] }))
      seen.push(...chunk);
    expect(seen).toEqual([{ id: 1 }, { id: 2 }]);
    const file = w.path;
    expect(existsSync(file)).toBe(true);
    await w.close();
    expect(existsSync(file)).toBe(false);
  });
});
