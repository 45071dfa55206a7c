import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Column,
  createRowDecoder,
  createRowEncoder,
  flattenSchema,
  fromZod,
  sqlType,
} from '../../../schema/record/index.ts';
import { TYPE_CASES } from './type-cases.ts';

/** Creates a real SQLite table for `columns`, stores `rows` through the encoder and decodes them back. */
function throughSqlite(columns: readonly Column[], rows: readonly object[]): Record<string, unknown>[] {
  const db = new Database(':memory:');
  try {
    const names = columns.map((c) => `"${c.name}"`);
    db.exec(
      `CREATE TABLE t (rowid_ INTEGER PRIMARY KEY, ${columns.map((c) => `"${c.name}" ${sqlType(c, 'sqlite')}`).join(', ')})`,
    );
    const insert = db.prepare(
      `INSERT INTO t (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    );
    const encode = createRowEncoder(columns, 'sqlite');
    db.transaction(() => {
      for (const row of rows) insert.run(...encode(row));
    })();
    const select = db.prepare(`SELECT ${names.join(', ')} FROM t ORDER BY rowid_`).safeIntegers(true);
    const decode = createRowDecoder(columns, 'sqlite');
    return (select.all() as Record<string, unknown>[]).map(decode);
  } finally {
    db.close();
  }
}

describe('encode → SQLite → decode round trip', () => {
  for (const c of TYPE_CASES) {
    it(`${c.name}: required, nullable, optional, nullish and nested`, () => {
      const schema = z.object({
        req: c.zod,
        nul: c.zod.nullable(),
        opt: c.zod.optional(),
        ish: c.zod.nullish(),
        a: z.object({ b: z.object({ c: z.object({ d: c.zod }) }) }),
      });
      const columns = flattenSchema(fromZod(schema));
      const rows: Record<string, unknown>[] = [];
      const expected: Record<string, unknown>[] = [];
      for (const s of c.samples) {
        const a = { b: { c: { d: s } } };
        rows.push({ req: s, nul: s, opt: s, ish: s, a }, { req: s, nul: null, ish: null, a });
        expected.push({ req: s, nul: s, opt: s, ish: s, a }, { req: s, nul: null, ish: null, a });
        // both absent and null are stored as NULL: a nullish field reads back as null
        rows.push({ req: s, nul: null, a });
        expected.push({ req: s, nul: null, ish: null, a });
      }
      for (const row of rows) expect(schema.safeParse(row).success).toBe(true);
      expect(throughSqlite(columns, rows)).toStrictEqual(expected);
    });
  }

  it('reads int columns as numbers and bigint columns as bigints whatever the driver mode', () => {
    const columns = flattenSchema(fromZod(z.object({ i: z.int(), b: z.bigint() })));
    const decode = createRowDecoder(columns, 'sqlite');
    expect(decode({ i: 5n, b: 7 })).toStrictEqual({ i: 5, b: 7n });
    expect(decode({ i: 5, b: 7n })).toStrictEqual({ i: 5, b: 7n });
  });

  it('rebuilds nullable and optional nested objects from all-NULL leaves', () => {
    const schema = z.object({
      id: z.int(),
      n: z.object({ x: z.int().nullable(), y: z.object({ z: z.string() }).nullable() }).nullable(),
      o: z.object({ x: z.int(), t: z.array(z.string()) }).optional(),
      r: z.object({ x: z.int().nullable(), q: z.object({ w: z.boolean() }).optional() }),
    });
    const rows = [
      { id: 1, n: null, r: { x: null } },
      { id: 2, n: { x: 1, y: null }, o: { x: 2, t: ['a'] }, r: { x: 3, q: { w: false } } },
      { id: 3, n: { x: null, y: { z: 'deep' } }, r: { x: null, q: { w: true } } },
    ];
    for (const row of rows) expect(schema.safeParse(row).success).toBe(true);
    expect(throughSqlite(flattenSchema(fromZod(schema)), rows)).toStrictEqual(rows);
  });

  it('reads nested values from missing or null enclosing objects as NULL', () => {
    const columns = flattenSchema(
      fromZod(z.object({ a: z.object({ b: z.object({ c: z.int() }) }).nullish() })),
    );
    const encode = createRowEncoder(columns, 'sqlite');
    expect(encode({})).toEqual([null]);
    expect(encode({ a: null })).toEqual([null]);
    expect(encode({ a: { b: { c: 4 } } })).toEqual([4]);
  });

  it('decodes a subset of columns in another order (select)', () => {
    const columns = flattenSchema(
      fromZod(z.object({ a: z.object({ x: z.int(), y: z.string() }), b: z.boolean() })),
    );
    const subset = [columns[2]!, columns[1]!];
    expect(createRowDecoder(subset, 'sqlite')({ b: 1, a__y: 'k' })).toStrictEqual({ b: true, a: { y: 'k' } });
  });

  it('decodes columns without segment information (built by hand)', () => {
    const columns: Column[] = [
      { path: 'g.n', name: 'g__n', type: { kind: 'int' }, nullable: true },
      { path: 'when', name: 'when', type: { kind: 'datetime' }, nullable: false },
    ];
    expect(createRowDecoder(columns, 'sqlite')({ g__n: null, when: 1000 })).toStrictEqual({
      g: { n: null },
      when: new Date(1000),
    });
  });
});

describe('generated encoder and decoder', () => {
  it('treats hand-built column names with quotes and code-like text as plain keys', () => {
    const name = `x"]; throw new Error('injected'); //`;
    const columns: Column[] = [{ path: 'k', name, type: { kind: 'string' }, nullable: false }];
    expect(createRowDecoder(columns, 'sqlite')({ [name]: 'v' })).toStrictEqual({ k: 'v' });
  });

  it('encodes by paths containing quotes and code-like text as plain keys', () => {
    const key = `k"]; throw new Error('injected'); //`;
    const columns: Column[] = [{ path: `o.${key}`, name: 'c', type: { kind: 'boolean' }, nullable: true }];
    const encode = createRowEncoder(columns, 'sqlite');
    expect(encode({ o: { [key]: true } })).toEqual([1]);
    expect(encode({ o: 3 })).toEqual([null]);
  });

  it('returns a fresh object per row', () => {
    const decode = createRowDecoder(
      flattenSchema(fromZod(z.object({ o: z.object({ a: z.int() }) }))),
      'sqlite',
    );
    const first = decode({ o__a: 1 });
    const second = decode({ o__a: 2 });
    expect([first, second]).toStrictEqual([{ o: { a: 1 } }, { o: { a: 2 } }]);
  });
});

describe('ClickHouse encoding and decoding', () => {
  const schema = z.object({
    at: z.date(),
    big: z.bigint(),
    ok: z.boolean(),
    tags: z.array(z.string()).optional(),
    times: z.array(z.date()),
    counts: z.record(z.string(), z.bigint()),
    objs: z.array(z.object({ at: z.date() })).nullable(),
    emb: z
      .array(z.number())
      .meta({ chainql: { kind: 'vector' } })
      .nullable(),
  });
  const columns = flattenSchema(fromZod(schema));
  const row = {
    at: new Date('2024-05-01T12:30:00.250Z'),
    big: 2n ** 62n,
    ok: true,
    times: [new Date('2024-01-02T03:04:05.006Z')],
    counts: { a: 3n },
    objs: [{ at: new Date(7) }],
    emb: [0.5],
  };

  it('encodes values the way ClickHouse JSONEachRow inserts take them', () => {
    expect(createRowEncoder(columns, 'clickhouse')(row)).toEqual([
      '2024-05-01 12:30:00.250',
      '4611686018427387904',
      true,
      null, // absent optional array: NULL (a nullable Array column is a Variant, which holds NULL)
      ['2024-01-02 03:04:05.006'],
      { a: '3' },
      '[{"at":7}]',
      [0.5],
    ]);
    expect(createRowEncoder(columns, 'clickhouse')({ ...row, objs: null, emb: null }).slice(6)).toEqual([
      null,
      null,
    ]);
    // A required array or record left out (rows are validated first, so only by a caller's mistake) is empty.
    expect(
      createRowEncoder(columns, 'clickhouse')({ ...row, times: undefined, counts: null }).slice(4, 6),
    ).toEqual([[], {}]);
  });

  it('decodes ClickHouse JSON output (quoted Int64, DateTime64 text, Bool)', () => {
    const raw = {
      at: '2024-05-01 12:30:00.250',
      big: '4611686018427387904',
      ok: true,
      tags: ['x'],
      times: ['2024-01-02 03:04:05.006'],
      counts: { a: '3' },
      objs: '[{"at":7}]',
      emb: [0.5],
    };
    expect(createRowDecoder(columns, 'clickhouse')(raw)).toStrictEqual({ ...row, tags: ['x'] });
  });
});
