import { describe, expect, it } from 'vitest';
import {
  ReadTimeoutError,
  TableNotFoundError,
  WarehouseOverloadedError,
} from '../../../../clients/warehouse/warehouse-errors.ts';
import { useTempWarehouses } from './temp-warehouse.ts';

// WarehouseDriver.read on SQLite: reads on worker threads, stopped by timeoutMs or the signal; point reads
// inline; 64-bit integers on request; the SQL functions registered on the read threads.

const temp = useTempWarehouses();

// A statement that runs for seconds: a recursive count to 10^9.
const SLOW = {
  sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c',
  parameters: [],
};

async function seeded() {
  const w = await temp.open({ readThreads: 2 });
  await w.createTable('t', [
    { name: 'k', sqlType: 'TEXT', nullable: false },
    { name: 'n', sqlType: 'INTEGER', nullable: true },
    { name: 'emb', sqlType: 'TEXT', nullable: true },
  ]);
  await w.insert(
    't',
    ['k', 'n', 'emb'],
    [
      ['a', 2 ** 62, '[0,0]'],
      ['b', 1, '[1,0]'],
      ['Ab', null, null],
    ],
  );
  return w;
}

describe('SqliteWarehouse.read', () => {
  it('returns rows keyed by alias, 64-bit integers exactly when asked', async () => {
    const w = await seeded();
    const q = { sql: 'SELECT k, n FROM t WHERE k = ?', parameters: ['a'] };
    expect(await w.read(q, { bigints: true })).toEqual([{ k: 'a', n: 2n ** 62n }]);
    expect(await w.read(q, { point: true, bigints: true })).toEqual([{ k: 'a', n: 2n ** 62n }]);
  });

  it('runs the one set of SQL functions on its threads: Unicode regexes, iregexp, NULL cosine of a zero vector', async () => {
    const w = await seeded();
    const rows = await w.read({
      sql: `SELECT k, chainql_regexp(k, '^a') AS re, chainql_iregexp(k, '^a') AS ire,
              chainql_cosine_distance(emb, '[1,0]') AS cos FROM t ORDER BY k`,
      parameters: [],
    });
    expect(rows).toEqual([
      { k: 'Ab', re: 0, ire: 1, cos: null },
      { k: 'a', re: 1, ire: 1, cos: null },
      { k: 'b', re: 0, ire: 0, cos: 0 },
    ]);
  });

  it('stops a statement past timeoutMs with ReadTimeoutError (TIMEOUT), and keeps answering', async () => {
    const w = await seeded();
    const started = Date.now();
    const error = await w.read(SLOW, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadTimeoutError);
    expect((error as ReadTimeoutError).code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await w.read({ sql: 'SELECT count(*) AS n FROM t', parameters: [] })).toEqual([{ n: 3 }]);
  });

  it('stops a statement when the signal aborts, rejecting with its reason', async () => {
    const w = await seeded();
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 200);
    await expect(w.read(SLOW, { signal: controller.signal })).rejects.toBe(reason);
    const aborted = AbortSignal.abort(reason);
    await expect(w.read({ sql: 'SELECT 1 AS x', parameters: [] }, { signal: aborted })).rejects.toBe(reason);
  });

  it('refuses a read with WarehouseOverloadedError (OVERLOADED) when every thread is busy and the queue is full', async () => {
    const w = await temp.open({ readThreads: 1, readQueue: 1 });
    const controller = new AbortController();
    const running = w.read(SLOW, { signal: controller.signal }).catch((e: unknown) => e);
    const queued = w.read(SLOW, { signal: controller.signal }).catch((e: unknown) => e);
    const refused = await w.read({ sql: 'SELECT 1 AS x', parameters: [] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WarehouseOverloadedError);
    expect((refused as WarehouseOverloadedError).code).toBe('OVERLOADED');
    controller.abort(new Error('done'));
    await Promise.all([running, queued]);
    // Once the pool drains it answers again.
    expect(await w.read({ sql: 'SELECT 1 AS x', parameters: [] })).toEqual([{ x: 1 }]);
  });

  it('reports a missing table as TableNotFoundError, inline and on a thread', async () => {
    const w = await seeded();
    const q = { sql: 'SELECT * FROM gone', parameters: [] };
    await expect(w.read(q)).rejects.toBeInstanceOf(TableNotFoundError);
    await expect(w.read(q, { point: true })).rejects.toBeInstanceOf(TableNotFoundError);
  });
});
