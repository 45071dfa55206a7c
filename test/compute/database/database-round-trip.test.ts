import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readDatabase, readRecords, type Session, vector } from '../../../compute/index.ts';
import { POSTGRES_URL, postgresAvailable, tempSession, uniqueSchema } from './database-test-helpers.ts';

/** Every type the bridge maps, nested records, arrays, JSON, vectors, nulls and bigints beyond 2^53. */
const Item = z.object({
  id: z.int(),
  name: z.string(),
  score: z.number(),
  big: z.bigint(),
  flag: z.boolean(),
  at: z.date(),
  kind: z.enum(['cat', 'dog']),
  note: z.string().nullable(),
  tags: z.array(z.string()),
  counts: z.array(z.int()),
  days: z.array(z.date()),
  attrs: z.record(z.string(), z.number()),
  events: z.array(z.object({ label: z.string(), n: z.int() })),
  emb: vector(3),
  det: z.object({ label: z.string(), box: z.object({ w: z.int(), h: z.int() }) }),
  extra: z.object({ a: z.string(), b: z.number().nullable() }).nullable(),
});
type Item = z.output<typeof Item>;

const ROWS: Item[] = [
  {
    id: 1,
    name: 'ünïcødé "quoted" \'x\'',
    score: 0.1 + 0.2,
    big: 2n ** 62n + 1n,
    flag: true,
    at: new Date('2024-05-01T10:20:30.456Z'),
    kind: 'cat',
    note: null,
    tags: ['a', 'b,c', '{d}', ''],
    counts: [1, -2, 3],
    days: [new Date('2020-01-01T00:00:00.000Z'), new Date('1969-07-20T20:17:40.000Z')],
    attrs: { x: 1.5, 'key with space': -2 },
    events: [{ label: 'start', n: 1 }],
    emb: [0.25, -1.5, 3e-7],
    det: { label: 'cat', box: { w: 10, h: 20 } },
    extra: { a: 'x', b: null },
  },
  {
    id: 2,
    name: '',
    score: -1e300,
    big: -(2n ** 60n) - 7n,
    flag: false,
    at: new Date('1999-12-31T23:59:59.999Z'),
    kind: 'dog',
    note: 'n',
    tags: [],
    counts: [],
    days: [],
    attrs: {},
    events: [],
    emb: [0, 0, 0],
    det: { label: 'dog', box: { w: 0, h: -1 } },
    extra: null,
  },
  {
    id: 3,
    name: 'line\nbreak\ttab\\backslash \\N \r',
    score: 42,
    big: 9007199254740993n,
    flag: true,
    at: new Date(0),
    kind: 'cat',
    note: null,
    tags: ['null', 'NULL', '\\N', 'a\tb', 'back\\slash "q"'],
    counts: [Number.MAX_SAFE_INTEGER],
    days: [new Date('2038-01-19T03:14:08.000Z')],
    attrs: { only: 0 },
    events: [
      { label: 'a', n: 1 },
      { label: 'b', n: 2 },
    ],
    emb: [1, 2, 3],
    det: { label: 'cat', box: { w: 5, h: 5 } },
    extra: { a: '', b: 2.5 },
  },
];

const pgUp = await postgresAvailable();

describe.skipIf(!pgUp)('readDatabase / toDatabase round trip — PostgreSQL', () => {
  let env: Awaited<ReturnType<typeof tempSession>>;
  let schema: Awaited<ReturnType<typeof uniqueSchema>>;
  let session: Session;
  beforeAll(async () => {
    env = await tempSession();
    session = env.session;
    schema = await uniqueSchema();
  });
  afterAll(async () => {
    await schema?.drop();
    await env?.close();
  });

  it('writes every type into a created table and reads it back equal with the schema', async () => {
    const written = await readRecords(ROWS, Item, { session }).toDatabase(
      `${schema.name}.items`,
      POSTGRES_URL,
      {
        createTable: true,
        conflictColumns: ['id'],
      },
    );
    expect(written).toBe(3);
    const types = await schema.pool.query(
      `SELECT column_name, data_type, udt_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'items'`,
      [schema.name],
    );
    const byName = Object.fromEntries(types.rows.map((r) => [r.column_name, r.udt_name]));
    expect(byName).toMatchObject({
      id: 'int8',
      name: 'text',
      score: 'float8',
      big: 'int8',
      flag: 'bool',
      at: 'timestamptz',
      tags: '_text',
      counts: '_int8',
      days: '_timestamptz',
      attrs: 'jsonb',
      events: 'jsonb',
      emb: '_float8',
      det__label: 'text',
      det__box__w: 'int8',
      extra__a: 'text',
    });
    // bigints beyond 2^53 arrive exactly in PostgreSQL itself
    const big = await schema.pool.query(`SELECT big::text AS big FROM "${schema.name}".items ORDER BY id`);
    expect(big.rows.map((r) => r.big)).toEqual(ROWS.map((r) => r.big.toString()));

    const back = await readDatabase(`SELECT * FROM "${schema.name}".items ORDER BY id`, POSTGRES_URL, {
      schema: Item,
      session,
    }).collect();
    expect(back).toEqual(ROWS);
  });

  it('infers the row type from the column types, nesting a__b columns and sampling JSON', async () => {
    const rows = await readDatabase(`SELECT * FROM "${schema.name}".items ORDER BY id`, POSTGRES_URL, {
      session,
    }).collect();
    const first = rows[0]!;
    expect(first.id).toBe(1n); // int8 → bigint without a schema
    expect(first.big).toBe(2n ** 62n + 1n);
    expect(first.at).toEqual(ROWS[0]!.at);
    expect(first.det).toEqual({ label: 'cat', box: { w: 10n, h: 20n } });
    expect(first.tags).toEqual(ROWS[0]!.tags);
    expect(first.days).toEqual(ROWS[0]!.days);
    expect(first.events).toEqual([{ label: 'start', n: 1 }]);
    expect(first.attrs).toEqual({ x: 1.5, 'key with space': -2 });
    expect(first.emb).toEqual(ROWS[0]!.emb);
    expect(rows[1]!.extra).toEqual({ a: null, b: null }); // no schema: a NULL object reads as its NULL leaves
    expect(rows[1]!.note).toBe('n');
  });

  it('reads PostgreSQL scalar types: numeric, date, timestamp, uuid, enum, json scalars, NULL', async () => {
    await schema.pool.query(`CREATE TYPE "${schema.name}".mood AS ENUM ('happy', 'sad')`);
    const rows = await readDatabase(
      `SELECT 12.50::numeric AS price, DATE '2024-02-29' AS day, TIMESTAMP '2024-02-29 13:14:15.5' AS ts,
              '6f1c1d1e-0000-4000-8000-000000000001'::uuid AS id, 'happy'::"${schema.name}".mood AS mood,
              ARRAY['sad']::"${schema.name}".mood[] AS moods, '3'::jsonb AS j, 7::smallint AS small,
              NULL::int AS nothing, $1::text AS param`,
      POSTGRES_URL,
      { session, params: ["it's bound"] },
    ).collect();
    expect(rows).toEqual([
      {
        price: 12.5,
        day: new Date('2024-02-29T00:00:00.000Z'),
        ts: new Date('2024-02-29T13:14:15.500Z'),
        id: '6f1c1d1e-0000-4000-8000-000000000001',
        mood: 'happy',
        moods: ['sad'],
        j: 3,
        small: 7,
        nothing: null,
        param: "it's bound",
      },
    ]);
  });
});

describe('readDatabase / toDatabase round trip — SQLite', () => {
  let env: Awaited<ReturnType<typeof tempSession>>;
  beforeAll(async () => {
    env = await tempSession();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('writes every type into a created table of a file and reads it back equal with the schema', async () => {
    const file = join(env.dir, 'app.db');
    const session = env.session;
    expect(
      await readRecords(ROWS, Item, { session }).toDatabase('items', file, {
        createTable: true,
        conflictColumns: ['id'],
      }),
    ).toBe(3);
    const db = new Database(file, { readonly: true });
    const declared = Object.fromEntries(
      (
        db.prepare(`SELECT name, type FROM pragma_table_info('items')`).all() as {
          name: string;
          type: string;
        }[]
      ).map((c) => [c.name, c.type]),
    );
    expect(declared).toMatchObject({
      id: 'INTEGER',
      big: 'BIGINT',
      flag: 'BOOLEAN',
      at: 'TIMESTAMP',
      tags: 'JSON',
      emb: 'JSON',
      det__box__w: 'INTEGER',
    });
    expect(db.prepare('SELECT at FROM items WHERE id = 1').get()).toEqual({ at: '2024-05-01T10:20:30.456Z' });
    db.close();
    const back = await readDatabase('SELECT * FROM items ORDER BY id', file, {
      schema: Item,
      session,
    }).collect();
    expect(back).toEqual(ROWS);
    const inferred = await readDatabase('SELECT * FROM items ORDER BY id', file, { session }).collect();
    expect(inferred[0]).toMatchObject({
      id: 1,
      big: 2n ** 62n + 1n,
      flag: true,
      at: ROWS[0]!.at,
      emb: ROWS[0]!.emb,
    });
    expect(inferred[0]!.det).toEqual(ROWS[0]!.det);
  });

  it('reads through a better-sqlite3 handle, with named params and untyped expressions', async () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, doc JSON, name TEXT); INSERT INTO t VALUES
      (1, '{"a": 1, "b": {"c": "x"}}', 'one'), (2, '{"a": 2, "b": {"c": "y"}}', 'two'), (3, NULL, NULL)`);
    const rows = await readDatabase(
      'SELECT id, doc, name, id * 2.5 AS scaled, count(*) OVER () AS n FROM t WHERE id >= @min ORDER BY id',
      db,
      {
        session: env.session,
        params: { min: 2 },
      },
    ).collect();
    expect(rows).toEqual([
      { id: 2, doc: { a: 2, b: { c: 'y' } }, name: 'two', scaled: 5, n: 2 },
      { id: 3, doc: null, name: null, scaled: 7.5, n: 2 },
    ]);
    expect(db.open).toBe(true); // a handle passed in stays open
    db.close();
  });
});
