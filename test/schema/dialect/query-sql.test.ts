import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickhouseQueryParams,
  DialectUnsupportedError,
  getCompiler,
  InvalidQueryError,
} from '../../../schema/dialect/index.ts';
import { and, C, count, lit, max, sum } from '../../../schema/expr/index.ts';
import type { Query, SelectQuery, Source } from '../../../schema/query/index.ts';
import { openFixture } from './sqlite-fixture.ts';

const sqlite = getCompiler('sqlite');
const clickhouse = getCompiler('clickhouse');
const table: Source = { kind: 'table', name: 't' };

interface QueryCase {
  readonly title: string;
  readonly query: Query;
  readonly sqlite: readonly [string, readonly unknown[]];
  readonly clickhouse: readonly [string, readonly unknown[]];
  /** Rows SQLite returns. */
  readonly rows: readonly unknown[];
}

const ids: SelectQuery = { kind: 'select', from: table, selections: [{ expr: C('id').node, alias: 'id' }] };

const CASES: readonly QueryCase[] = [
  {
    title: 'where, order asc (nulls last), limit and offset are bound',
    query: {
      kind: 'select',
      from: table,
      selections: [{ expr: C('id').node, alias: 'id' }],
      where: C('id').gt(0).node,
      orderBy: [{ expr: C('det.confidence').node, direction: 'asc' }],
      limit: 3,
      offset: 1,
    },
    sqlite: [
      'SELECT "id" AS "id" FROM "t" WHERE ("id" > ?) ORDER BY "det__confidence" ASC NULLS LAST LIMIT ? OFFSET ?',
      [0, 3, 1],
    ],
    clickhouse: [
      'SELECT `id` AS `id` FROM `t` WHERE (`id` > {p0:Int64}) ORDER BY `det__confidence` ASC NULLS LAST LIMIT {p1:UInt64} OFFSET {p2:UInt64}',
      [0, 3, 1],
    ],
    rows: [{ id: 4 }, { id: 1 }, { id: 3 }],
  },
  {
    title: 'desc puts nulls first by default',
    query: { ...ids, orderBy: [{ expr: C('det.confidence').node, direction: 'desc' }] },
    sqlite: ['SELECT "id" AS "id" FROM "t" ORDER BY "det__confidence" DESC NULLS FIRST', []],
    clickhouse: ['SELECT `id` AS `id` FROM `t` ORDER BY `det__confidence` DESC NULLS FIRST', []],
    rows: [{ id: 3 }, { id: 1 }, { id: 4 }, { id: 2 }],
  },
  {
    title: 'explicit nulls placement and several keys',
    query: {
      ...ids,
      orderBy: [
        { expr: C('det.label').node, direction: 'asc', nulls: 'first' },
        { expr: C('id').node, direction: 'desc', nulls: 'last' },
      ],
    },
    sqlite: ['SELECT "id" AS "id" FROM "t" ORDER BY "det__label" ASC NULLS FIRST, "id" DESC NULLS LAST', []],
    clickhouse: [
      'SELECT `id` AS `id` FROM `t` ORDER BY `det__label` ASC NULLS FIRST, `id` DESC NULLS LAST',
      [],
    ],
    rows: [{ id: 4 }, { id: 3 }, { id: 1 }, { id: 2 }],
  },
  {
    title: 'offset without limit',
    query: { ...ids, orderBy: [{ expr: C('id').node, direction: 'asc' }], offset: 2 },
    sqlite: ['SELECT "id" AS "id" FROM "t" ORDER BY "id" ASC NULLS LAST LIMIT -1 OFFSET ?', [2]],
    clickhouse: ['SELECT `id` AS `id` FROM `t` ORDER BY `id` ASC NULLS LAST OFFSET {p0:UInt64} ROWS', [2]],
    rows: [{ id: 3 }, { id: 4 }],
  },
  {
    title: 'distinct',
    query: {
      kind: 'select',
      from: table,
      distinct: true,
      selections: [{ expr: C('det.label').node, alias: 'det__label' }],
      orderBy: [{ expr: C('det.label').node, direction: 'asc' }],
    },
    sqlite: [
      'SELECT DISTINCT "det__label" AS "det__label" FROM "t" ORDER BY "det__label" ASC NULLS LAST',
      [],
    ],
    clickhouse: [
      'SELECT DISTINCT `det__label` AS `det__label` FROM `t` ORDER BY `det__label` ASC NULLS LAST',
      [],
    ],
    rows: [{ det__label: 'cat' }, { det__label: 'dog' }, { det__label: null }],
  },
  {
    title: 'select all',
    query: { kind: 'select', from: table, selections: 'all', where: C('id').eq(2).node },
    sqlite: ['SELECT * FROM "t" WHERE ("id" = ?)', [2]],
    clickhouse: ['SELECT * FROM `t` WHERE (`id` = {p0:Int64})', [2]],
    rows: [expect.objectContaining({ id: 2, name: 'bob', det__label: 'dog' })],
  },
  {
    title:
      'an output named like a column another expression reads (ClickHouse: inner names, renamed outside)',
    query: {
      kind: 'select',
      from: table,
      selections: [
        { expr: C('det.label').node, alias: 'det__label' },
        { expr: max('n').node, alias: 'n' },
        { expr: sum('n').node, alias: 's' },
      ],
      groupBy: [C('det.label').node],
      orderBy: [{ expr: C('n').node, direction: 'desc', nulls: 'last' }],
    },
    sqlite: [
      'SELECT "det__label" AS "det__label", MAX("n") AS "n", SUM("n") AS "s" FROM "t" GROUP BY "det__label" ORDER BY "n" DESC NULLS LAST',
      [],
    ],
    clickhouse: [
      'SELECT `det__label` AS `det__label`, `__chainql_out1` AS `n`, `s` AS `s` FROM (SELECT `det__label` AS `det__label`, maxOrNull(`n`) AS `__chainql_out1`, sumOrNull(`n`) AS `s` FROM `t` GROUP BY `det__label` ORDER BY `__chainql_out1` DESC NULLS LAST)',
      [],
    ],
    // ORDER BY "n" sorts by the output (max), as an ORDER BY identifier matches an output name first.
    rows: [
      { det__label: 'cat', n: 10, s: 13 },
      { det__label: null, n: -4, s: -4 },
      { det__label: 'dog', n: null, s: null },
    ],
  },
  {
    title: 'group by with aggregates and having',
    query: {
      kind: 'select',
      from: table,
      selections: [
        { expr: C('det.label').node, alias: 'label' },
        { expr: count().node, alias: 'c' },
        { expr: sum('n').node, alias: 's' },
      ],
      groupBy: [C('det.label').node],
      having: count().gt(1).node,
      orderBy: [{ expr: C('det.label').node, direction: 'asc' }],
    },
    sqlite: [
      'SELECT "det__label" AS "label", COUNT(*) AS "c", SUM("n") AS "s" FROM "t" GROUP BY "det__label" HAVING (COUNT(*) > ?) ORDER BY "det__label" ASC NULLS LAST',
      [1],
    ],
    clickhouse: [
      'SELECT `det__label` AS `label`, count(*) AS `c`, sumOrNull(`n`) AS `s` FROM `t` GROUP BY `det__label` HAVING (count(*) > {p0:Int64}) ORDER BY `det__label` ASC NULLS LAST',
      [1],
    ],
    rows: [{ label: 'cat', c: 2, s: 13 }],
  },
  {
    title: 'sum over no rows is NULL and count is 0',
    query: {
      kind: 'select',
      from: table,
      selections: [
        { expr: sum('n').node, alias: 's' },
        { expr: count().node, alias: 'c' },
      ],
      where: C('id').gt(100).node,
    },
    sqlite: ['SELECT SUM("n") AS "s", COUNT(*) AS "c" FROM "t" WHERE ("id" > ?)', [100]],
    clickhouse: ['SELECT sumOrNull(`n`) AS `s`, count(*) AS `c` FROM `t` WHERE (`id` > {p0:Int64})', [100]],
    rows: [{ s: null, c: 0 }],
  },
  {
    title: 'subquery nesting keeps parameters in text order',
    query: {
      kind: 'select',
      from: {
        kind: 'subquery',
        alias: 's',
        query: {
          kind: 'select',
          from: table,
          selections: [
            { expr: C('id').node, alias: 'id' },
            { expr: C('n').mul(10).node, alias: 'n10' },
          ],
          where: C('n').isNotNull().node,
        },
      },
      selections: [
        { expr: C('id').node, alias: 'id' },
        { expr: C('n10').add(lit(1)).node, alias: 'v' },
      ],
      where: C('n10').gt(0).node,
      orderBy: [{ expr: C('id').node, direction: 'asc' }],
    },
    sqlite: [
      'SELECT "id" AS "id", ("n10" + ?) AS "v" FROM (SELECT "id" AS "id", ("n" * ?) AS "n10" FROM "t" WHERE ("n" IS NOT NULL)) AS "s" WHERE ("n10" > ?) ORDER BY "id" ASC NULLS LAST',
      [1, 10, 0],
    ],
    clickhouse: [
      'SELECT `id` AS `id`, (`n10` + {p0:Int64}) AS `v` FROM (SELECT `id` AS `id`, (`n` * {p1:Int64}) AS `n10` FROM `t` WHERE (`n` IS NOT NULL)) AS `s` WHERE (`n10` > {p2:Int64}) ORDER BY `id` ASC NULLS LAST',
      [1, 10, 0],
    ],
    rows: [
      { id: 1, v: 101 },
      { id: 3, v: 31 },
    ],
  },
  {
    title: 'inner join with table qualifiers',
    query: {
      kind: 'select',
      from: {
        kind: 'join',
        joinType: 'inner',
        left: { kind: 'table', name: 't', alias: 'l' },
        right: { kind: 'table', name: 't', alias: 'r' },
        on: C('det.label', { table: 'l' }).eq(C('det.label', { table: 'r' })).node,
      },
      selections: [
        { expr: C('id', { table: 'l' }).node, alias: 'lid' },
        { expr: C('id', { table: 'r' }).node, alias: 'rid' },
      ],
      where: C('id', { table: 'l' }).lt(C('id', { table: 'r' })).node,
    },
    sqlite: [
      'SELECT "l"."id" AS "lid", "r"."id" AS "rid" FROM "t" AS "l" INNER JOIN "t" AS "r" ON ("l"."det__label" = "r"."det__label") WHERE ("l"."id" < "r"."id")',
      [],
    ],
    clickhouse: [
      'SELECT `l`.`id` AS `lid`, `r`.`id` AS `rid` FROM `t` AS `l` INNER JOIN `t` AS `r` ON ((`l`.`det__label` = `r`.`det__label`) AND (NOT (`l`.`det__label` IS NULL)) AND (NOT (`r`.`det__label` IS NULL))) WHERE (`l`.`id` < `r`.`id`)',
      [],
    ],
    rows: [{ lid: 1, rid: 3 }],
  },
  {
    title: 'left join against a subquery (outer joins ask ClickHouse for NULLs)',
    query: {
      kind: 'select',
      from: {
        kind: 'join',
        joinType: 'left',
        left: { kind: 'table', name: 't', alias: 'l' },
        right: { kind: 'subquery', alias: 'r', query: { ...ids, where: C('id').gte(3).node } },
        on: C('id', { table: 'l' }).eq(C('id', { table: 'r' })).node,
      },
      selections: [
        { expr: C('id', { table: 'l' }).node, alias: 'lid' },
        { expr: C('id', { table: 'r' }).node, alias: 'rid' },
      ],
      orderBy: [{ expr: C('id', { table: 'l' }).node, direction: 'asc' }],
    },
    sqlite: [
      'SELECT "l"."id" AS "lid", "r"."id" AS "rid" FROM "t" AS "l" LEFT JOIN (SELECT "id" AS "id" FROM "t" WHERE ("id" >= ?)) AS "r" ON ("l"."id" = "r"."id") ORDER BY "l"."id" ASC NULLS LAST',
      [3],
    ],
    clickhouse: [
      'SELECT `l`.`id` AS `lid`, if(`r`.`__chainql_matched` IS NULL, NULL, `r`.`id`) AS `rid` FROM `t` AS `l` LEFT JOIN (SELECT *, 1 AS `__chainql_matched` FROM (SELECT `id` AS `id` FROM `t` WHERE (`id` >= {p0:Int64}))) AS `r` ON ((`l`.`id` = `r`.`id`) AND (NOT (`l`.`id` IS NULL)) AND (NOT (`r`.`id` IS NULL))) ORDER BY `l`.`id` ASC NULLS LAST SETTINGS join_use_nulls = 1',
      [3],
    ],
    rows: [
      { lid: 1, rid: null },
      { lid: 2, rid: null },
      { lid: 3, rid: 3 },
      { lid: 4, rid: 4 },
    ],
  },
  {
    title: 'full join',
    query: {
      kind: 'select',
      from: {
        kind: 'join',
        joinType: 'full',
        left: { kind: 'subquery', alias: 'l', query: { ...ids, where: C('id').lte(2).node } },
        right: { kind: 'subquery', alias: 'r', query: { ...ids, where: C('id').gte(2).node } },
        on: C('id', { table: 'l' }).eq(C('id', { table: 'r' })).node,
      },
      selections: [
        { expr: C('id', { table: 'l' }).node, alias: 'lid' },
        { expr: C('id', { table: 'r' }).node, alias: 'rid' },
      ],
      orderBy: [
        { expr: C('id', { table: 'l' }).node, direction: 'asc' },
        { expr: C('id', { table: 'r' }).node, direction: 'asc' },
      ],
    },
    sqlite: [
      'SELECT "l"."id" AS "lid", "r"."id" AS "rid" FROM (SELECT "id" AS "id" FROM "t" WHERE ("id" <= ?)) AS "l" FULL OUTER JOIN (SELECT "id" AS "id" FROM "t" WHERE ("id" >= ?)) AS "r" ON ("l"."id" = "r"."id") ORDER BY "l"."id" ASC NULLS LAST, "r"."id" ASC NULLS LAST',
      [2, 2],
    ],
    clickhouse: [
      'SELECT if(`l`.`__chainql_matched` IS NULL, NULL, `l`.`id`) AS `lid`, if(`r`.`__chainql_matched` IS NULL, NULL, `r`.`id`) AS `rid` FROM (SELECT *, 1 AS `__chainql_matched` FROM (SELECT `id` AS `id` FROM `t` WHERE (`id` <= {p0:Int64}))) AS `l` FULL OUTER JOIN (SELECT *, 1 AS `__chainql_matched` FROM (SELECT `id` AS `id` FROM `t` WHERE (`id` >= {p1:Int64}))) AS `r` ON ((`l`.`id` = `r`.`id`) AND (NOT (`l`.`id` IS NULL)) AND (NOT (`r`.`id` IS NULL))) ORDER BY if(`l`.`__chainql_matched` IS NULL, NULL, `l`.`id`) ASC NULLS LAST, if(`r`.`__chainql_matched` IS NULL, NULL, `r`.`id`) ASC NULLS LAST SETTINGS join_use_nulls = 1',
      [2, 2],
    ],
    rows: [
      { lid: 1, rid: null },
      { lid: 2, rid: 2 },
      { lid: null, rid: 3 },
      { lid: null, rid: 4 },
    ],
  },
  {
    title: 'union all keeps duplicates; sides may carry their own order and limit',
    query: {
      kind: 'select',
      from: {
        kind: 'subquery',
        alias: 'u',
        query: {
          kind: 'set',
          op: 'unionAll',
          left: { ...ids, where: C('id').lte(2).node },
          right: { ...ids, orderBy: [{ expr: C('id').node, direction: 'desc' }], limit: 2 },
        },
      },
      selections: 'all',
      orderBy: [{ expr: C('id').node, direction: 'asc' }],
    },
    sqlite: [
      'SELECT * FROM (SELECT * FROM (SELECT "id" AS "id" FROM "t" WHERE ("id" <= ?)) UNION ALL SELECT * FROM (SELECT "id" AS "id" FROM "t" ORDER BY "id" DESC NULLS FIRST LIMIT ?)) AS "u" ORDER BY "id" ASC NULLS LAST',
      [2, 2],
    ],
    clickhouse: [
      'SELECT * FROM (SELECT * FROM (SELECT `id` AS `id` FROM `t` WHERE (`id` <= {p0:Int64})) UNION ALL SELECT * FROM (SELECT `id` AS `id` FROM `t` ORDER BY `id` DESC NULLS FIRST LIMIT {p1:UInt64})) AS `u` ORDER BY `id` ASC NULLS LAST',
      [2, 2],
    ],
    rows: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }],
  },
  {
    title: 'except gives distinct left rows missing on the right',
    query: {
      kind: 'set',
      op: 'except',
      left: { kind: 'select', from: table, selections: [{ expr: C('det.label').node, alias: 'label' }] },
      right: {
        kind: 'select',
        from: table,
        selections: [{ expr: C('det.label').node, alias: 'label' }],
        where: C('id').eq(2).node,
      },
    },
    sqlite: [
      'SELECT * FROM (SELECT "det__label" AS "label" FROM "t") EXCEPT SELECT * FROM (SELECT "det__label" AS "label" FROM "t" WHERE ("id" = ?))',
      [2],
    ],
    clickhouse: [
      'SELECT * FROM (SELECT `det__label` AS `label` FROM `t`) EXCEPT DISTINCT SELECT * FROM (SELECT `det__label` AS `label` FROM `t` WHERE (`id` = {p0:Int64}))',
      [2],
    ],
    rows: [{ label: null }, { label: 'cat' }],
  },
];

describe('query compilation', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = openFixture();
  });
  afterAll(() => db.close());

  it.each(CASES)('$title (SQLite, executed)', (c) => {
    const compiled = sqlite.compileQuery(c.query);
    expect([compiled.sql, compiled.parameters]).toEqual([c.sqlite[0], c.sqlite[1]]);
    expect(db.prepare(compiled.sql).all(...compiled.parameters)).toEqual(c.rows);
  });

  it.each(CASES)('$title (ClickHouse)', (c) => {
    const compiled = clickhouse.compileQuery(c.query);
    expect([compiled.sql, compiled.parameters]).toEqual([c.clickhouse[0], c.clickhouse[1]]);
  });

  it('rejects a join whose right side is another join', () => {
    const nested: Source = { kind: 'join', joinType: 'inner', left: table, right: table, on: lit(true).node };
    const query: Query = {
      kind: 'select',
      from: { kind: 'join', joinType: 'inner', left: table, right: nested, on: lit(true).node },
      selections: 'all',
    };
    for (const compiler of [sqlite, clickhouse])
      expect(() => compiler.compileQuery(query)).toThrow(DialectUnsupportedError);
  });

  it('rejects negative or fractional limits with a message naming the clause', () => {
    expect(() => sqlite.compileQuery({ ...ids, limit: -1 })).toThrow(InvalidQueryError);
    expect(() => clickhouse.compileQuery({ ...ids, offset: 1.5 })).toThrow(
      /offset must be a non-negative integer/,
    );
  });

  it('ClickHouse glob needs a literal pattern', () => {
    const node = C('path').glob(C('name')).node;
    expect(() => clickhouse.compileExpression(node)).toThrow(DialectUnsupportedError);
    expect(sqlite.compileExpression(node).sql).toBe('("path" GLOB "name")');
  });

  it('ClickHouse parameters map to query_params keys p0, p1, …', () => {
    const compiled = clickhouse.compileExpression(and(C('n').gt(1), C('name').eq('x')).node);
    expect(clickhouseQueryParams(compiled.parameters)).toEqual({ p0: 1, p1: 'x' });
  });
});
