import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChainRun } from '../../../compute/chain/chain-run.ts';
import type { ChainPlan } from '../../../compute/chain/plan.ts';
import { C, readDataset, readRecords } from '../../../compute/index.ts';
import { DuplicateKeyError, findDuplicateKey, indexName } from '../../../compute/keys/index.ts';
import { flattenSchema } from '../../../schema/record/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';
import { Photo, photos, queryPlan, schemaObjects } from './key-test-data.ts';

let session: Awaited<ReturnType<typeof tempSession>>;
beforeAll(async () => {
  session = await tempSession();
});
afterAll(async () => {
  await session.cleanup();
});

/** The SQL a chain runs for its rows (what `collect()` executes). */
async function chainSql(chain: {
  readonly plan: ChainPlan;
}): Promise<{ sql: string; parameters: readonly unknown[] }> {
  const run = new ChainRun(session);
  try {
    return run.compile(run.orderedQuery(await run.relation(chain.plan)));
  } finally {
    await run.dispose();
  }
}

describe('indexes exist in SQLite and the planner uses them', () => {
  let table: string;
  beforeAll(async () => {
    const saved = await readRecords(photos(2000), Photo, { session }).save('plans', {
      primaryKey: ['rid'],
      indexes: [['det.label'], ['source', 'file.path']],
    });
    table = saved.table;
  });

  it('sqlite_master lists a unique key index and the plain indexes, named after table and columns', async () => {
    const rows = await session.warehouse.query({
      sql: `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name`,
      parameters: [table],
    });
    const byName = new Map(rows.map((row) => [String(row.name), String(row.sql)]));
    expect([...byName.keys()].sort()).toEqual(
      [
        indexName(table, ['rid'], true),
        indexName(table, ['det__label'], false),
        indexName(table, ['source', 'file__path'], false),
      ].sort(),
    );
    expect(byName.get(indexName(table, ['rid'], true))).toMatch(/^CREATE UNIQUE INDEX/);
    expect(byName.get(indexName(table, ['det__label'], false))).toMatch(/^CREATE INDEX/);
  });

  it('a key lookup searches the unique index', async () => {
    const plan = await queryPlan(session, `SELECT * FROM "${table}" WHERE "rid" = ?`, ['r42']);
    expect(plan).toContain(`USING INDEX ${indexName(table, ['rid'], true)} (rid=?)`);
  });

  it('a composite nested lookup searches its index', async () => {
    const plan = await queryPlan(
      session,
      `SELECT * FROM "${table}" WHERE "source" = ? AND "file__path" = ?`,
      ['s3', 'img/3.jpg'],
    );
    expect(plan).toContain(indexName(table, ['source', 'file__path'], false));
  });

  it("a chain's equality filter on an indexed nested field uses that index", async () => {
    const chain = readDataset<Photo>('plans', { session }).filter(C('det.label').eq('bird'));
    const { sql, parameters } = await chainSql(chain);
    const plan = await queryPlan(session, sql, parameters);
    expect(plan).toContain(`USING INDEX ${indexName(table, ['det__label'], false)} (det__label=?)`);
    expect((await chain.collect()).every((row) => row.det.label === 'bird')).toBe(true);
  });

  it("a chain's key filter uses the unique index and finds the row", async () => {
    const chain = readDataset('plans', { session }).filter(C('rid').eq('r1999'));
    const { sql, parameters } = await chainSql(chain);
    expect(await queryPlan(session, sql, parameters)).toContain(indexName(table, ['rid'], true));
    expect((await chain.collect()).map((row) => row.rid)).toEqual(['r1999']);
  });

  it('an unindexed field is scanned (the baseline the indexes improve on)', async () => {
    const plan = await queryPlan(session, `SELECT * FROM "${table}" WHERE "note" = ?`, ['n7']);
    expect(plan).toMatch(/SCAN/);
    expect(plan).not.toContain('USING INDEX');
  });
});

describe('key values never reach SQL text', () => {
  const injection = "x' OR 1=1 --";
  const Row = z.object({ k: z.string(), n: z.int() });

  it('a duplicated injection string is reported verbatim and drops nothing', async () => {
    const kept = await readRecords([{ k: 'a', n: 1 }], Row, { session }).save('inject', {
      primaryKey: ['k'],
    });
    const before = await schemaObjects(session);
    const rows = [
      { k: injection, n: 1 },
      { k: 'b', n: 2 },
      { k: injection, n: 3 },
      { k: `"; DROP TABLE "${kept.table}"; --`, n: 4 },
    ];
    const error = await readRecords(rows, Row, { session })
      .save('inject')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateKeyError);
    expect((error as DuplicateKeyError).value).toEqual({ k: injection });
    expect(await schemaObjects(session)).toEqual(before);
    expect(await readDataset('inject', { session }).collect()).toEqual([{ k: 'a', n: 1 }]);
  });

  it('an injection string as a stored key matches only itself', async () => {
    const rows = [
      { k: injection, n: 1 },
      { k: 'x', n: 2 },
      { k: 'y', n: 3 },
    ];
    const saved = await readRecords(rows, Row, { session }).save('inject_ok', { primaryKey: ['k'] });
    const found = await readDataset('inject_ok', { session }).filter(C('k').eq(injection)).collect();
    expect(found).toEqual([{ k: injection, n: 1 }]);
    const direct = await session.warehouse.query({
      sql: `SELECT n FROM "${saved.table}" WHERE k = ?`,
      parameters: [injection],
    });
    expect(direct).toEqual([{ n: 1 }]);
    // No duplicate exists, and the duplicate probe says so (rather than matching everything).
    const columns = flattenSchema(saved.schema).filter((c) => c.path === 'k');
    expect(await findDuplicateKey(session.warehouse, saved.table, columns)).toBeUndefined();
  });
});

describe('index names', () => {
  it('are deterministic, safe identifiers and stay distinct when cut to length', () => {
    const table = 'ds_photos_mwwm05xz7f38f27b';
    expect(indexName(table, ['rid'], true)).toBe(`${table}_pk`);
    expect(indexName(table, ['det__label'], false)).toBe(`${table}_ix_det__label`);
    const long1 = indexName(table, ['a_very_long_column_name_number_one', 'another_long_one'], false);
    const long2 = indexName(table, ['a_very_long_column_name_number_one', 'another_long_two'], false);
    for (const name of [long1, long2]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[A-Za-z0-9_]+$/);
    }
    expect(long1).not.toBe(long2);
    expect(indexName('odd"table', ['c'], true)).toMatch(/^odd_table_pk_[0-9a-f]{10}$/);
  });
});
