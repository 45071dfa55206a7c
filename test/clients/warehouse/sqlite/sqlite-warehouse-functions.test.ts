import { describe, expect, it } from 'vitest';
import { createSqliteFunctions } from '../../../../schema/dialect/sqlite/sqlite-functions.ts';
import { useTempWarehouses } from './temp-warehouse.ts';

const temp = useTempWarehouses();

async function collect(iterable: AsyncIterable<Record<string, unknown>[]>) {
  const rows = [];
  for await (const chunk of iterable) rows.push(...chunk);
  return rows;
}

describe('SQLite user-defined functions', () => {
  it('registers chainql_* functions on the write connection and on stream connections', async () => {
    const w = await temp.open();
    const sql =
      'SELECT chainql_path_name(?) AS name, chainql_path_suffix(?) AS ext, chainql_regexp(?, ?) AS hit';
    const parameters = ['/a/b/photo.jpg', '/a/b/photo.jpg', 'abc123', '[0-9]+$'];
    const expected = [{ name: 'photo.jpg', ext: '.jpg', hit: 1 }];
    expect(await w.query({ sql, parameters })).toEqual(expected);
    expect(await collect(w.stream({ sql, parameters }))).toEqual(expected);
    const [d] = await w.query({
      sql: 'SELECT chainql_euclidean_distance(?, ?) AS d',
      parameters: ['[0,0]', '[3,4]'],
    });
    expect(d).toEqual({ d: 5 });
  });

  it('deterministic functions can back an expression index', async () => {
    const w = await temp.open();
    await w.createTable('files', [{ name: 'path', sqlType: 'TEXT', nullable: false }]);
    await w.insert('files', ['path'], [['/x/a.txt'], ['/y/b.jpg']]);
    await w.execute({ sql: 'CREATE INDEX files_ext ON files (chainql_path_suffix(path))', parameters: [] });
    const plan = await w.query({
      sql: 'EXPLAIN QUERY PLAN SELECT path FROM files WHERE chainql_path_suffix(path) = ?',
      parameters: ['.jpg'],
    });
    expect(JSON.stringify(plan)).toContain('files_ext');
    expect(
      await w.query({
        sql: 'SELECT path FROM files WHERE chainql_path_suffix(path) = ?',
        parameters: ['.jpg'],
      }),
    ).toEqual([{ path: '/y/b.jpg' }]);
  });

  it('uses the given function list instead of the defaults, varargs included', async () => {
    const w = await temp.open({
      functions: [
        ...createSqliteFunctions(),
        {
          name: 'my_sum',
          deterministic: true,
          varargs: true,
          fn: (...xs: number[]) => xs.reduce((a, b) => a + b, 0),
        },
      ],
    });
    const sql = 'SELECT my_sum(1, 2, 3, 4) AS s, chainql_path_stem(?) AS stem';
    expect(await w.query({ sql, parameters: ['/a/photo.jpg'] })).toEqual([{ s: 10, stem: 'photo' }]);
    expect(await collect(w.stream({ sql, parameters: ['/a/photo.jpg'] }))).toEqual([
      { s: 10, stem: 'photo' },
    ]);
    const bare = await temp.open({ functions: [] });
    await expect(bare.query({ sql: 'SELECT chainql_path_name(?) AS n', parameters: ['x'] })).rejects.toThrow(
      /no such function/,
    );
  });

  it('a function that throws fails the statement with a WarehouseError carrying the SQL', async () => {
    const w = await temp.open();
    const sql = 'SELECT chainql_cosine_distance(?, ?) AS d';
    await expect(w.query({ sql, parameters: ['[1,2]', '[1]'] })).rejects.toMatchObject({
      code: 'WAREHOUSE_ERROR',
      sql,
      message: expect.stringMatching(/different lengths/),
    });
  });
});

describe('SqliteWarehouse.execute', () => {
  it('runs a multi-statement script when it has no parameters', async () => {
    const w = await temp.open();
    await w.execute({
      sql: 'CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);',
      parameters: [],
    });
    expect(await w.tableExists('b')).toBe(true);
    expect(await w.query({ sql: 'SELECT x FROM a', parameters: [] })).toEqual([{ x: 1 }]);
    await expect(
      w.execute({ sql: 'INSERT INTO a VALUES (?); INSERT INTO a VALUES (2);', parameters: [1] }),
    ).rejects.toMatchObject({
      code: 'WAREHOUSE_ERROR',
    });
  });
});
