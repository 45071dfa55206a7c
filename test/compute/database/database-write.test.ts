import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DatabaseAuthError,
  DatabaseConflictError,
  DatabaseQueryError,
  DatabaseUnreachableError,
  InvalidArgumentError,
  InvalidIdentifierError,
  readRecords,
  type Session,
} from '../../../compute/index.ts';
import { tempDir, WAREHOUSES, tempSession as warehouseSession } from '../../helpers/temp-session.ts';
import { POSTGRES_URL, postgresAvailable, tempSession, uniqueSchema } from './database-test-helpers.ts';

const Person = z.object({ id: z.int(), name: z.string(), visits: z.int() });
type Person = z.output<typeof Person>;

function people(n: number, from = 1, visits = 0): Person[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, name: `p${from + i}`, visits }));
}

const pgUp = await postgresAvailable();

describe.skipIf(!pgUp)('toDatabase — PostgreSQL conflicts, atomicity and names', () => {
  let env: Awaited<ReturnType<typeof tempSession>>;
  let schema: Awaited<ReturnType<typeof uniqueSchema>>;
  let session: Session;
  const count = async (table: string) =>
    Number((await schema.pool.query(`SELECT count(*) AS n FROM "${schema.name}"."${table}"`)).rows[0].n);
  const exists = async (table: string) =>
    (await schema.pool.query('SELECT to_regclass($1) IS NOT NULL AS e', [`"${schema.name}"."${table}"`]))
      .rows[0].e;

  beforeAll(async () => {
    env = await tempSession();
    session = env.session;
    schema = await uniqueSchema();
  });
  afterAll(async () => {
    await schema?.drop();
    await env?.close();
  });

  it("onConflict 'error' fails on an existing key and writes nothing, not even earlier batches", async () => {
    const table = `${schema.name}.people_error`;
    expect(
      await readRecords(people(3), Person, { session }).toDatabase(table, POSTGRES_URL, {
        createTable: true,
        conflictColumns: ['id'],
      }),
    ).toBe(3);
    // 2,500 new rows in batches of 1,000, then a row colliding with id 2 in the last batch.
    const rows = [...people(2500, 100), { id: 2, name: 'dup', visits: 9 }];
    const error = await readRecords(rows, Person, { session })
      .toDatabase(table, POSTGRES_URL, { batchSize: 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseConflictError);
    expect((error as DatabaseConflictError).code).toBe('DATABASE_CONFLICT');
    expect(String((error as Error).message)).toContain('postgres://postgres@127.0.0.1:5432/test');
    expect(String((error as Error).message)).toContain('(id)=(2)');
    expect(await count('people_error')).toBe(3);
  });

  it("onConflict 'ignore' skips existing keys and counts only inserted rows", async () => {
    const table = `${schema.name}.people_ignore`;
    await readRecords(people(3), Person, { session }).toDatabase(table, POSTGRES_URL, {
      createTable: true,
      conflictColumns: ['id'],
    });
    const written = await readRecords(people(5, 2, 7), Person, { session }).toDatabase(table, POSTGRES_URL, {
      onConflict: 'ignore',
    });
    expect(written).toBe(3); // ids 4, 5, 6
    const rows = (
      await schema.pool.query(`SELECT id::int, visits::int FROM "${schema.name}".people_ignore ORDER BY id`)
    ).rows;
    expect(rows).toEqual([
      { id: 1, visits: 0 },
      { id: 2, visits: 0 },
      { id: 3, visits: 0 },
      { id: 4, visits: 7 },
      { id: 5, visits: 7 },
      { id: 6, visits: 7 },
    ]);
  });

  it("onConflict 'update' overwrites the other columns of existing keys and inserts new ones", async () => {
    const table = `${schema.name}.people_update`;
    // name is nullable: PostgreSQL checks NOT NULL on the proposed row before resolving a conflict, so a
    // partial-column upsert needs the columns it leaves out to accept NULL.
    await schema.pool.query(
      `CREATE TABLE "${schema.name}".people_update (id bigint PRIMARY KEY, name text, visits bigint)`,
    );
    await readRecords(people(3), Person, { session }).toDatabase(table, POSTGRES_URL);
    const renamed = people(2, 3, 5).map((p) => ({ ...p, name: `new ${p.name}` }));
    const upserted = await readRecords(renamed, Person, { session }).toDatabase(table, POSTGRES_URL, {
      onConflict: 'update',
      conflictColumns: ['id'],
    });
    expect(upserted).toBe(2);
    // Only the listed columns are written: visits changes, name stays.
    const written = await readRecords(people(2, 1, 8), Person, { session }).toDatabase(table, POSTGRES_URL, {
      onConflict: 'update',
      conflictColumns: ['id'],
      columns: ['id', 'visits'],
    });
    expect(written).toBe(2);
    const rows = (
      await schema.pool.query(
        `SELECT id::int, name, visits::int FROM "${schema.name}".people_update ORDER BY id`,
      )
    ).rows;
    expect(rows).toEqual([
      { id: 1, name: 'p1', visits: 8 },
      { id: 2, name: 'p2', visits: 8 },
      { id: 3, name: 'new p3', visits: 5 },
      { id: 4, name: 'new p4', visits: 5 },
    ]);
  });

  it('a failure mid-write drops the table it created and leaves an existing table untouched', async () => {
    // PostgreSQL text cannot hold NUL: row 1,800 (the second batch) fails after the first batch was sent.
    const Big = z.object({ id: z.int(), v: z.string() });
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: i, v: i === 1800 ? 'a\u0000b' : `v${i}` }));
    const error = await readRecords(rows, Big, { session })
      .toDatabase(`${schema.name}.created_then_failed`, POSTGRES_URL, { createTable: true, batchSize: 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseQueryError);
    expect((error as DatabaseQueryError).engineCode).toBe('22021');
    expect(await exists('created_then_failed')).toBe(false);

    await schema.pool.query(`CREATE TABLE "${schema.name}".kept (id bigint, v text)`);
    await schema.pool.query(`INSERT INTO "${schema.name}".kept VALUES (-1, 'old')`);
    await expect(
      readRecords(rows, Big, { session }).toDatabase(`${schema.name}.kept`, POSTGRES_URL, {
        batchSize: 1000,
      }),
    ).rejects.toThrow(/0x00/);
    expect(await count('kept')).toBe(1);
  });

  it('writes existing columns of narrower or other types exactly, binary COPY or text', async () => {
    const Row = z.object({ id: z.int(), small: z.int(), name: z.string(), at: z.date(), ratio: z.number() });
    const at = [
      new Date('-000003-11-27T00:00:00.000Z'), // 4 BC
      new Date('0005-03-01T12:00:00.001Z'),
      new Date('1969-12-31T23:59:59.999Z'),
      new Date(8.64e15), // the last instant a Date can hold (+275760)
    ];
    const names = ['a\tb\\c', '\\N', 'ünï\ncode', ''];
    const rows = at.map((date, i) => ({
      id: i + 1,
      small: -32768 + i,
      name: names[i]!,
      at: date,
      ratio: 0.5 + i,
    }));
    // integer/smallint/varchar/timestamp (no zone) take the binary form; a numeric column forces text.
    await schema.pool.query(
      `CREATE TABLE "${schema.name}".narrow (id integer PRIMARY KEY, small smallint, name varchar(12), at timestamp, ratio double precision)`,
    );
    await schema.pool.query(
      `CREATE TABLE "${schema.name}".as_text (id integer PRIMARY KEY, small smallint, name varchar(12), at timestamp, ratio numeric)`,
    );
    for (const table of ['narrow', 'as_text']) {
      expect(
        await readRecords(rows, Row, { session }).toDatabase(`${schema.name}.${table}`, POSTGRES_URL),
        table,
      ).toBe(4);
      const back = await schema.pool.query(
        `SELECT id, small, name, (extract(epoch FROM at) * 1000)::float8 AS ms, ratio::float8 AS ratio FROM "${schema.name}".${table} ORDER BY id`,
      );
      expect(back.rows, table).toEqual(
        rows.map((r) => ({ id: r.id, small: r.small, name: r.name, ms: r.at.getTime(), ratio: r.ratio })),
      );
    }
    // A value the column cannot hold fails with the server's SQLSTATE either way, naming the column in
    // the binary form; nothing is written.
    for (const table of ['narrow', 'as_text']) {
      const wide = [
        { id: 10, small: 1, name: 'ok', at: at[0]!, ratio: 1 },
        { id: 11, small: 40_000, name: 'x', at: at[0]!, ratio: 1 },
      ];
      const error = await readRecords(wide, Row, { session })
        .toDatabase(`${schema.name}.${table}`, POSTGRES_URL)
        .catch((e: unknown) => e);
      expect(error, table).toBeInstanceOf(DatabaseQueryError);
      expect((error as DatabaseQueryError).engineCode, table).toBe('22003');
      expect(String((error as Error).message), table).toContain('small');
      const long = [{ id: 12, small: 1, name: 'far too long a name', at: at[0]!, ratio: 1 }];
      const tooLong = await readRecords(long, Row, { session })
        .toDatabase(`${schema.name}.${table}`, POSTGRES_URL)
        .catch((e: unknown) => e);
      expect((tooLong as DatabaseQueryError).engineCode, table).toBe('22001');
      expect(await count(table), table).toBe(4);
    }
  });

  it('a UDF failing while rows stream leaves nothing behind', async () => {
    const chain = readRecords(people(50), Person, { session }).map({ score: z.number() }, (row) => {
      if (row.id === 40) throw new Error('model exploded');
      return { score: row.id / 2 };
    });
    await expect(
      chain.toDatabase(`${schema.name}.udf_failed`, POSTGRES_URL, { createTable: true }),
    ).rejects.toThrow(/model exploded/);
    expect(await exists('udf_failed')).toBe(false);
  });

  it('quotes hostile table and column names safely and refuses names it cannot quote', async () => {
    const hostile = 'x"; DROP TABLE victim; --';
    await schema.pool.query(`CREATE TABLE "${schema.name}".victim (id int)`);
    const written = await readRecords(people(2), Person, { session }).toDatabase(
      `${schema.name}.${hostile}`,
      POSTGRES_URL,
      {
        createTable: true,
        columns: { 'Name With "Quotes"': 'name', id: 'id' },
      },
    );
    expect(written).toBe(2);
    expect(await exists('victim')).toBe(true);
    const rows = await schema.pool.query(
      `SELECT * FROM "${schema.name}"."${hostile.replaceAll('"', '""')}" ORDER BY id`,
    );
    expect(rows.rows.map((r) => r['Name With "Quotes"'])).toEqual(['p1', 'p2']);

    const refused = [
      `${schema.name}.bad\u0000name`,
      `${schema.name}.${'n'.repeat(64)}`,
      'a.b.c',
      `${schema.name}.`,
    ];
    for (const name of refused) {
      const error = await readRecords(people(1), Person, { session })
        .toDatabase(name, POSTGRES_URL, { createTable: true })
        .catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(InvalidIdentifierError);
      expect((error as InvalidIdentifierError).code).toBe('INVALID_IDENTIFIER');
    }
  });

  it('an unreachable server or a refused role is a coded error naming the target without its password', async () => {
    const chain = readRecords(people(1), Person, { session });
    const down = await chain
      .toDatabase('t', 'postgres://postgres:secret-pw@127.0.0.1:1/test', { createTable: true })
      .catch((e: unknown) => e as Error);
    expect(down).toBeInstanceOf(DatabaseUnreachableError);
    expect(String(down)).toContain('postgres://postgres@127.0.0.1:1/test');
    expect(String(down)).not.toContain('secret-pw');
    const denied = await chain
      .toDatabase('t', 'postgres://no_such_role_w:secret-pw@127.0.0.1:5432/test', { createTable: true })
      .catch((e: unknown) => e as Error);
    expect(denied).toBeInstanceOf(DatabaseAuthError);
    expect(String(denied)).toContain('postgres://no_such_role_w@127.0.0.1:5432/test');
    expect(String(denied)).not.toContain('secret-pw');
  });

  it('checks options before writing', async () => {
    const chain = readRecords(people(1), Person, { session });
    await expect(
      chain.toDatabase(`${schema.name}.opts`, POSTGRES_URL, { onConflict: 'update' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      chain.toDatabase(`${schema.name}.opts`, POSTGRES_URL, { conflictColumns: ['nope'] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(chain.toDatabase(`${schema.name}.missing`, POSTGRES_URL)).rejects.toThrow(
      /does not exist \(pass createTable: true/,
    );
    expect(await exists('missing')).toBe(false);
  });
});

describe.each(WAREHOUSES)('toDatabase from a %s warehouse', (kind) => {
  let session: Awaited<ReturnType<typeof warehouseSession>>;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    session = await warehouseSession(kind);
    dir = tempDir('chainql-bridge-');
  });
  afterAll(async () => {
    await session?.cleanup();
    dir?.remove();
  });

  it('writes in chain order with every value converted, a field mapped to two columns into both', async () => {
    const db = new Database(join(dir.dir, 'ordered.db'));
    const Row = z.object({
      id: z.int(),
      name: z.string(),
      at: z.date(),
      big: z.bigint(),
      ok: z.boolean(),
      tags: z.array(z.string()),
      det: z.object({ score: z.number() }),
    });
    const rows = [3, 1, 2].map((id) => ({
      id,
      name: `n${4 - id}`,
      at: new Date(id * 1000),
      big: 2n ** 60n + BigInt(id),
      ok: id % 2 === 1,
      tags: [`t${id}`],
      det: { score: id / 4 },
    }));
    const written = await readRecords(rows, Row, { session })
      .orderBy('name')
      .toDatabase('ordered', db, {
        createTable: true,
        columns: {
          at: 'at',
          first: 'id',
          second: 'id',
          big: 'big',
          ok: 'ok',
          tags: 'tags',
          score: 'det.score',
        },
      });
    expect(written).toBe(3);
    const back = db
      .prepare(
        'SELECT at, first, second, CAST(big AS TEXT) AS big, ok, tags, score FROM ordered ORDER BY rowid',
      )
      .all();
    expect(back).toEqual(
      [3, 2, 1].map((id) => ({
        at: new Date(id * 1000).toISOString(),
        first: id,
        second: id,
        big: String(2n ** 60n + BigInt(id)),
        ok: id % 2,
        tags: JSON.stringify([`t${id}`]),
        score: id / 4,
      })),
    );
    db.close();
  });
});

describe('toDatabase — SQLite conflicts and atomicity', () => {
  let env: Awaited<ReturnType<typeof tempSession>>;
  beforeAll(async () => {
    env = await tempSession();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the three conflict modes, and a failure that rolls back a created table', async () => {
    const file = join(env.dir, 'target.db');
    const session = env.session;
    await readRecords(people(3), Person, { session }).toDatabase('p', file, {
      createTable: true,
      conflictColumns: ['id'],
    });
    await expect(
      readRecords([...people(600, 10), { id: 1, name: 'x', visits: 1 }], Person, { session }).toDatabase(
        'p',
        file,
        { batchSize: 100 },
      ),
    ).rejects.toBeInstanceOf(DatabaseConflictError);
    expect(
      await readRecords(people(3, 2, 4), Person, { session }).toDatabase('p', file, { onConflict: 'ignore' }),
    ).toBe(1);
    expect(
      await readRecords(people(2, 1, 9), Person, { session }).toDatabase('p', file, {
        onConflict: 'update',
        conflictColumns: ['id'],
      }),
    ).toBe(2);
    const db = new Database(file);
    expect(db.prepare('SELECT id, visits FROM p ORDER BY id').all()).toEqual([
      { id: 1, visits: 9 },
      { id: 2, visits: 9 },
      { id: 3, visits: 0 },
      { id: 4, visits: 4 },
    ]);
    // A NOT NULL violation in the 3rd batch: the table created by this write is gone again.
    const Opt = z.object({ id: z.int(), name: z.string().nullable() });
    db.exec('CREATE TABLE strict_t (id INTEGER, name TEXT NOT NULL)');
    await expect(
      readRecords(
        Array.from({ length: 300 }, (_, i) => ({ id: i, name: i === 250 ? null : 'n' })),
        Opt,
        { session },
      ).toDatabase('strict_t', db, { batchSize: 100 }),
    ).rejects.toThrow(/NOT NULL/);
    expect(db.prepare('SELECT count(*) AS n FROM strict_t').get()).toEqual({ n: 0 });
    const Ok = z.object({ id: z.int() });
    await expect(
      readRecords([{ id: 1 }], Ok, { session })
        .map({ x: z.int() }, () => {
          throw new Error('boom');
        })
        .toDatabase('never', db, { createTable: true }),
    ).rejects.toThrow(/boom/);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'never'`).get()).toEqual({
      n: 0,
    });
    db.close();
  });
});
