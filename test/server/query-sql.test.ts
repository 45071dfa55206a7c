import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClickhouseCompiler } from '../../schema/dialect/clickhouse/clickhouse-compiler.ts';
import { SqliteCompiler } from '../../schema/dialect/sqlite/sqlite-compiler.ts';
import { byPkRead } from '../../server/graphql/by-pk-field.ts';
import type { DatasetModel, LeafModel } from '../../server/model/dataset-model.ts';
import { loadServedModel } from '../../server/model/model-builder.ts';
import { aggregateRead, groupsRead } from '../../server/query/aggregate-queries.ts';
import { FilterBudget } from '../../server/query/filter-limits.ts';
import type { PlannedRead } from '../../server/query/planned-read.ts';
import { type QueryScope, scopeFor } from '../../server/query/query-scope.ts';
import { byIdRead, nearestRead, rowsRead } from '../../server/query/row-queries.ts';
import { runRead } from '../../server/query/run-read.ts';
import { openStore, type TestStore } from './fixtures.ts';

// Expected SQL of GraphQL root fields in both dialects (the way test/schema/dialect tests chains): every
// SQLite statement is also executed through the warehouse driver's `read`; ClickHouse is compared as text.

const Shot = z.object({
  rid: z.string(),
  name: z.string(),
  kind: z.string().nullable(),
  score: z.number(),
  det: z.object({ label: z.string() }),
  emb: z.array(z.number()),
});
const SHOTS: z.input<typeof Shot>[] = [
  { rid: 'r1', name: 'a', kind: 'cat', score: 0.2, det: { label: 'x1' }, emb: [1, 0] },
  { rid: 'r2', name: 'b', kind: 'cat', score: 0.9, det: { label: 'y' }, emb: [0, 1] },
  { rid: 'r3', name: 'c', kind: 'dog', score: 0.6, det: { label: 'x2' }, emb: [1, 1] },
  { rid: 'r4', name: 'd', kind: null, score: 0.7, det: { label: 'z' }, emb: [0, 0] },
];

const sqlite = new SqliteCompiler();
const clickhouse = new ClickhouseCompiler();
let store: TestStore;
let ds: DatasetModel;
let scope: QueryScope;
let T: string;

const leaf = (path: string): LeafModel => {
  const found = ds.leafByPath.get(path);
  if (found === undefined) throw new Error(`no leaf ${path}`);
  return found;
};
const budget = () =>
  new FilterBudget({ maxFilterDepth: 64, maxFilterPredicates: 10_000 }, 'where', sqlite.capabilities);
const selection = () => ({ leaves: [leaf('name'), leaf('det.label')], id: true });

beforeAll(async () => {
  store = await openStore();
  await store.save('shots', SHOTS, Shot);
  const model = await loadServedModel(store.session.registry);
  ds = model.datasets.find((d) => d.name === 'shots') as DatasetModel;
  scope = scopeFor(ds, undefined);
  T = ds.latest.table;
});
afterAll(async () => {
  await store?.dispose();
});

/** Compiles for both dialects, checks the text, runs the SQLite statement and returns the decoded result. */
async function check<R>(
  planned: PlannedRead<R>,
  expected: { sqlite: [string, unknown[]]; clickhouse: [string, unknown[]] },
): Promise<R> {
  const s = sqlite.compileQuery(planned.query);
  const c = clickhouse.compileQuery(planned.query);
  expect([s.sql, s.parameters]).toEqual([expected.sqlite[0].replaceAll('$T', T), expected.sqlite[1]]);
  expect([c.sql, c.parameters]).toEqual([expected.clickhouse[0].replaceAll('$T', T), expected.clickhouse[1]]);
  return runRead({ warehouse: store.session.warehouse, compiler: sqlite }, planned, {});
}

describe('GraphQL root fields → SQL', () => {
  it('rows: where (nested, _or, _like), order_by, limit/offset, sys.id tie-break', async () => {
    const rows = await check(
      rowsRead(
        scope,
        selection(),
        {
          where: {
            _or: [{ kind: { _eq: 'cat' } }, { det: { label: { _like: 'x%' } } }],
            score: { _gt: 0.1 },
          },
          order_by: [{ score: 'desc' }],
          limit: 10,
          offset: 1,
        },
        budget(),
      ),
      {
        sqlite: [
          'SELECT "sys__id" AS "_id", "name" AS "c0", "det__label" AS "c1" FROM "$T" WHERE ((("kind" = ?) OR ("det__label" LIKE ? ESCAPE \'\\\')) AND ("score" > ?)) ORDER BY "score" DESC NULLS FIRST, "sys__id" ASC NULLS LAST LIMIT ? OFFSET ?',
          ['cat', 'x%', 0.1, 10, 1],
        ],
        clickhouse: [
          'SELECT `sys__id` AS `_id`, `name` AS `c0`, `det__label` AS `c1` FROM `$T` WHERE (((`kind` = {p0:String}) OR (`det__label` LIKE {p1:String})) AND (`score` > {p2:Float64})) ORDER BY `score` DESC NULLS FIRST, `sys__id` ASC NULLS LAST LIMIT {p3:UInt64} OFFSET {p4:UInt64}',
          ['cat', 'x%', 0.1, 10, 1],
        ],
      },
    );
    expect(rows.map((r) => r.name)).toEqual(['c', 'a']);
  });

  it('rows with distinct_on: the row_number rewrite', async () => {
    const rows = await check(
      rowsRead(
        scope,
        selection(),
        { distinct_on: ['kind'], order_by: [{ kind: 'asc' }, { score: 'desc' }], limit: 10, offset: 0 },
        budget(),
      ),
      {
        sqlite: [
          'SELECT "_id" AS "_id", "c0" AS "c0", "c1" AS "c1" FROM (SELECT "sys__id" AS "_id", "name" AS "c0", "det__label" AS "c1", "kind" AS "__o0", "score" AS "__o1", "sys__id" AS "__o2", row_number() OVER (PARTITION BY "kind" ORDER BY "kind" ASC NULLS LAST, "score" DESC NULLS FIRST, "sys__id" ASC NULLS LAST) AS "__rn" FROM "$T") AS "__distinct" WHERE ("__rn" = ?) ORDER BY "__o0" ASC NULLS LAST, "__o1" DESC NULLS FIRST, "__o2" ASC NULLS LAST LIMIT ? OFFSET ?',
          [1, 10, 0],
        ],
        clickhouse: [
          'SELECT `_id` AS `_id`, `c0` AS `c0`, `c1` AS `c1` FROM (SELECT `sys__id` AS `_id`, `name` AS `c0`, `det__label` AS `c1`, `kind` AS `__o0`, `score` AS `__o1`, `sys__id` AS `__o2`, row_number() OVER (PARTITION BY `kind` ORDER BY `kind` ASC NULLS LAST, `score` DESC NULLS FIRST, `sys__id` ASC NULLS LAST) AS `__rn` FROM `$T`) AS `__distinct` WHERE (`__rn` = {p0:Int64}) ORDER BY `__o0` ASC NULLS LAST, `__o1` DESC NULLS FIRST, `__o2` ASC NULLS LAST LIMIT {p1:UInt64} OFFSET {p2:UInt64}',
          [1, 10, 0],
        ],
      },
    );
    expect(rows.map((r) => r.name)).toEqual(['b', 'c', 'd']);
  });

  it('_aggregate with nodes: one UNION ALL of the aggregate row and the node rows', async () => {
    const result = await check(
      aggregateRead(
        scope,
        { count: true, terms: [{ op: 'sum', leaf: leaf('score') }] },
        { leaves: [leaf('name')], id: false },
        { where: { kind: { _is_null: false } }, order_by: [{ name: 'desc' }], nodesLimit: 100 },
        budget(),
      ),
      {
        sqlite: [
          'SELECT * FROM (SELECT * FROM (SELECT ? AS "_part", COUNT(*) AS "count", SUM("score") AS "a0", NULL AS "c0", NULL AS "o0", NULL AS "o1" FROM "$T" WHERE ("kind" IS NOT NULL)) UNION ALL SELECT * FROM (SELECT ? AS "_part", NULL AS "count", NULL AS "a0", "name" AS "c0", "name" AS "o0", "sys__id" AS "o1" FROM "$T" WHERE ("kind" IS NOT NULL) ORDER BY "name" DESC NULLS FIRST, "sys__id" ASC NULLS LAST LIMIT ?)) AS "u" ORDER BY "_part" ASC NULLS LAST, "o0" DESC NULLS FIRST, "o1" ASC NULLS LAST',
          [0, 1, 100],
        ],
        clickhouse: [
          'SELECT * FROM (SELECT * FROM (SELECT {p0:Int64} AS `_part`, count(*) AS `count`, sumOrNull(`score`) AS `a0`, NULL AS `c0`, NULL AS `o0`, NULL AS `o1` FROM `$T` WHERE (`kind` IS NOT NULL)) UNION ALL SELECT * FROM (SELECT {p1:Int64} AS `_part`, NULL AS `count`, NULL AS `a0`, `name` AS `c0`, `name` AS `o0`, `sys__id` AS `o1` FROM `$T` WHERE (`kind` IS NOT NULL) ORDER BY `name` DESC NULLS FIRST, `sys__id` ASC NULLS LAST LIMIT {p2:UInt64})) AS `u` ORDER BY `_part` ASC NULLS LAST, `o0` DESC NULLS FIRST, `o1` ASC NULLS LAST',
          [0, 1, 100],
        ],
      },
    );
    expect(result.aggregate.count).toBe(3);
    expect((result.aggregate.sum as { score: number }).score).toBeCloseTo(1.7);
    expect(result.nodes.map((n) => n.name)).toEqual(['c', 'b', 'a']);
  });

  it('_groups with having and order by an aggregate', async () => {
    const groups = await check(
      groupsRead(
        scope,
        { count: true, terms: [{ op: 'max', leaf: leaf('score') }] },
        new Set([leaf('kind')]),
        {
          by: [leaf('kind')],
          having: { count: { _gt: 1 } },
          order_by: [{ aggregate: { count: 'desc' } }],
          limit: 100,
          offset: 0,
        },
        budget(),
        budget(),
      ),
      {
        sqlite: [
          'SELECT "kind" AS "k0", COUNT(*) AS "count", MAX("score") AS "a0" FROM "$T" GROUP BY "kind" HAVING (COUNT(*) > ?) ORDER BY COUNT(*) DESC NULLS FIRST, "kind" ASC NULLS LAST LIMIT ? OFFSET ?',
          [1, 100, 0],
        ],
        clickhouse: [
          'SELECT `kind` AS `k0`, count(*) AS `count`, maxOrNull(`score`) AS `a0` FROM `$T` GROUP BY `kind` HAVING (count(*) > {p0:Int64}) ORDER BY count(*) DESC NULLS FIRST, `kind` ASC NULLS LAST LIMIT {p1:UInt64} OFFSET {p2:UInt64}',
          [1, 100, 0],
        ],
      },
    );
    expect(groups).toEqual([
      { key: { kind: 'cat' }, aggregate: expect.objectContaining({ count: 2, max: { score: 0.9 } }) },
    ]);
  });

  it('_by_id and _by_pk: one equality, LIMIT 1 (by_pk is a point read)', async () => {
    const byId = byIdRead(scope, selection(), '2');
    if (byId === null) throw new Error('no plan');
    const row = await check(byId, {
      sqlite: [
        'SELECT "sys__id" AS "_id", "name" AS "c0", "det__label" AS "c1" FROM "$T" WHERE ("sys__id" = ?) LIMIT ?',
        [2n, 1],
      ],
      clickhouse: [
        'SELECT `sys__id` AS `_id`, `name` AS `c0`, `det__label` AS `c1` FROM `$T` WHERE (`sys__id` = {p0:Int64}) LIMIT {p1:UInt64}',
        [2n, 1],
      ],
    });
    expect(row?.name).toBe('b');
    const byPk = byPkRead(scope, selection(), [{ name: 'rid', leaf: leaf('rid') }], { rid: 'r3' });
    expect(byPk.point).toBe(true);
    const pk = await check(byPk, {
      sqlite: [
        'SELECT "sys__id" AS "_id", "name" AS "c0", "det__label" AS "c1" FROM "$T" WHERE ("rid" = ?) LIMIT ?',
        ['r3', 1],
      ],
      clickhouse: [
        'SELECT `sys__id` AS `_id`, `name` AS `c0`, `det__label` AS `c1` FROM `$T` WHERE (`rid` = {p0:String}) LIMIT {p1:UInt64}',
        ['r3', 1],
      ],
    });
    expect(pk?.name).toBe('c');
  });

  it('_nearest: distance guarded by the stored length, a long _in bound as one value', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const rows = await check(
      nearestRead(
        scope,
        selection(),
        {
          leaf: leaf('emb'),
          vector: [1, 0],
          k: 3,
          metric: 'cosine',
          where: { name: { _in: [...names, 'a', 'c', 'd'] } },
        },
        budget(),
      ),
      {
        sqlite: [
          'SELECT "sys__id" AS "_id", "name" AS "c0", "det__label" AS "c1", (CASE WHEN (json_array_length("emb") = ?) THEN chainql_cosine_distance("emb", ?) END) AS "_distance" FROM "$T" WHERE (("emb" IS NOT NULL) AND ("name" IN (SELECT value FROM json_each(?)))) ORDER BY "_distance" ASC NULLS LAST, "sys__id" ASC NULLS LAST LIMIT ?',
          [2, '[1,0]', JSON.stringify([...names, 'a', 'c', 'd']), 3],
        ],
        clickhouse: [
          'SELECT `sys__id` AS `_id`, `name` AS `c0`, `det__label` AS `c1`, (CASE WHEN (length(`emb`) = {p0:Int64}) THEN if(isFinite(cosineDistance(`emb`, {p1:Array(Float64)})), cosineDistance(`emb`, {p1:Array(Float64)}), NULL) END) AS `_distance` FROM `$T` WHERE ((`emb` IS NOT NULL) AND if(`name` IS NULL, NULL, has({p2:Array(String)}, `name`))) ORDER BY `_distance` ASC NULLS LAST, `sys__id` ASC NULLS LAST LIMIT {p3:UInt64}',
          [2, [1, 0], [...names, 'a', 'c', 'd'], 3],
        ],
      },
    );
    // d's zero vector has no cosine distance: NULL, sorted last.
    expect(rows.map((r) => r.name)).toEqual(['a', 'c', 'd']);
  });
});
