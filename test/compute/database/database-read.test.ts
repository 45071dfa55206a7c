import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DatabaseSource } from '../../../compute/database/index.ts';
import {
  DatabaseAuthError,
  DatabaseSchemaError,
  DatabaseSyntaxError,
  DatabaseUnreachableError,
  DatabaseValueError,
  readDatabase,
  type Session,
  UnmappableTypeError,
} from '../../../compute/index.ts';
import { POSTGRES_URL, postgresAvailable, tempSession, uniqueSchema } from './database-test-helpers.ts';

const pgUp = await postgresAvailable();

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe.skipIf(!pgUp)('readDatabase — PostgreSQL errors, validation and identity', () => {
  let env: Awaited<ReturnType<typeof tempSession>>;
  let schema: Awaited<ReturnType<typeof uniqueSchema>>;
  let session: Session;
  beforeAll(async () => {
    env = await tempSession();
    session = env.session;
    schema = await uniqueSchema();
    await schema.pool.query(
      `CREATE TABLE "${schema.name}".users (id int PRIMARY KEY, email text, score text)`,
    );
    await schema.pool.query(
      `INSERT INTO "${schema.name}".users SELECT g, 'u' || g || '@example.com', g::text FROM generate_series(1, 25) g`,
    );
  });
  afterAll(async () => {
    await schema?.drop();
    await env?.close();
  });

  it('unreachable server and bad credentials are coded errors naming the connection without its password', async () => {
    const down = await failure(
      readDatabase('SELECT 1 AS x', 'postgres://postgres:secret-pw@127.0.0.1:1/test', { session }).collect(),
    );
    expect(down).toBeInstanceOf(DatabaseUnreachableError);
    expect(down.code).toBe('DATABASE_UNREACHABLE');
    expect(down.message).toContain('postgres://postgres@127.0.0.1:1/test');
    expect(down.message).not.toContain('secret-pw');

    const denied = await failure(
      readDatabase(
        'SELECT 1 AS x',
        { host: '127.0.0.1', port: 5432, user: 'no_such_role_h5', password: 'secret-pw', database: 'test' },
        { session },
      ).collect(),
    );
    expect(denied).toBeInstanceOf(DatabaseAuthError);
    expect(denied.code).toBe('DATABASE_AUTH_FAILED');
    expect(denied.message).toContain('postgres://no_such_role_h5@127.0.0.1:5432/test');
    expect(denied.message).not.toContain('secret-pw');
  });

  it('a syntax error and an unmappable type name the statement and the column', async () => {
    const syntax = await failure(readDatabase('SELEC id FROM nowhere', POSTGRES_URL, { session }).collect());
    expect(syntax).toBeInstanceOf(DatabaseSyntaxError);
    expect(syntax.code).toBe('DATABASE_SYNTAX_ERROR');
    expect(syntax.message).toContain('SELEC id FROM nowhere');

    const interval = await failure(
      readDatabase(`SELECT 1 AS ok, '1 day'::interval AS wait`, POSTGRES_URL, { session }).collect(),
    );
    expect(interval).toBeInstanceOf(UnmappableTypeError);
    expect(interval.code).toBe('UNMAPPABLE_TYPE');
    expect(interval.message).toMatch(/column 'wait' has type interval/);
    expect(interval.message).toContain('::text');
    const point = await failure(readDatabase('SELECT point(1, 2) AS p', POSTGRES_URL, { session }).collect());
    expect(point).toBeInstanceOf(UnmappableTypeError);
    expect(point.message).toMatch(/column 'p' has type point/);
  });

  it('a zod schema validates every row and names the row and column of a mismatch', async () => {
    const Strict = z.object({ id: z.int(), email: z.email(), score: z.string() });
    await schema.pool.query(`UPDATE "${schema.name}".users SET email = 'not-an-email' WHERE id = 17`);
    const error = await failure(
      readDatabase(`SELECT * FROM "${schema.name}".users ORDER BY id`, POSTGRES_URL, {
        schema: Strict,
        session,
        batchSize: 5,
      }).collect(),
    );
    expect(error).toBeInstanceOf(DatabaseValueError);
    expect(error.code).toBe('DATABASE_VALUE_MISMATCH');
    expect(error.message).toMatch(/row 17, column "email"/);
    const Typed = z.object({ id: z.int(), score: z.number() });
    const typed = await failure(
      readDatabase(`SELECT id, score FROM "${schema.name}".users ORDER BY id`, POSTGRES_URL, {
        schema: Typed,
        session,
      }).collect(),
    );
    expect(typed).toBeInstanceOf(DatabaseValueError);
    expect(typed.message).toMatch(/row 1, column "score": expected float, got "1"/);
    const missing = await failure(
      readDatabase(`SELECT id FROM "${schema.name}".users`, POSTGRES_URL, {
        schema: z.object({ id: z.int(), name: z.string() }),
        session,
      }).collect(),
    );
    expect(missing).toBeInstanceOf(DatabaseSchemaError);
    expect(missing.message).toContain(`no column "name" for field 'name'`);
    const badName = await failure(
      readDatabase(`SELECT 1 AS "First Name"`, POSTGRES_URL, { session }).collect(),
    );
    expect(badName).toBeInstanceOf(DatabaseSchemaError);
    expect(badName.message).toContain('give it an alias');
  });

  it('refuses hostile result column names with a coded error, and reads names an object already has', async () => {
    for (const name of ['x"; DROP TABLE t; --', 'a.b', 'sys', 'sys__id', '__proto__', "it's"]) {
      const sql = `SELECT 1 AS "${name.replaceAll('"', '""')}"`;
      const error = await failure(readDatabase(sql, POSTGRES_URL, { session }).collect());
      expect(error, name).toBeInstanceOf(DatabaseSchemaError);
      expect(error.code, name).toBe('SCHEMA_ERROR');
      expect(error.message, name).toContain(`result column ${JSON.stringify(name)}`);
      expect(error.message, name).toContain('postgres://postgres@127.0.0.1:5432/test');
    }
    const rows = await readDatabase(
      'SELECT 1 AS constructor, 2 AS "toString", 3 AS has__own, 4 AS "hasOwnProperty"',
      POSTGRES_URL,
      { session },
    ).collect();
    expect(rows).toEqual([{ constructor: 1, toString: 2, has: { own: 3 }, hasOwnProperty: 4 }]);
  });

  it('streams in batches, binds params, and accepts a Pool, a Client and a config object', async () => {
    const sql = `SELECT id, email FROM "${schema.name}".users WHERE id > $1 ORDER BY id`;
    const viaUrl = await readDatabase(sql, POSTGRES_URL, { params: [3], batchSize: 4, session }).collect();
    expect(viaUrl.map((r) => r.id)).toEqual(Array.from({ length: 22 }, (_, i) => i + 4));
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      expect(await readDatabase(sql, pool, { params: [3], session }).collect()).toEqual(viaUrl);
      expect(await readDatabase(sql, client, { params: [3], session }).collect()).toEqual(viaUrl);
      expect(
        await readDatabase(
          sql,
          { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
          { params: [3], session },
        ).collect(),
      ).toEqual(viaUrl);
      // the caller's pool and client stay usable
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await pool.end();
      await client.end();
    }
    const hostile = "'; DROP TABLE users; --";
    expect(
      await readDatabase('SELECT $1::text AS v', POSTGRES_URL, { params: [hostile], session }).collect(),
    ).toEqual([{ v: hostile }]);
  });

  it('the chain hash follows the rows read; ttl reuses a result, update re-reads it', async () => {
    const sql = `SELECT id, email FROM "${schema.name}".users ORDER BY id`;
    const first = await readDatabase(sql, POSTGRES_URL, { session }).save('bridge_users');
    const again = await readDatabase(sql, POSTGRES_URL, { session }).save('bridge_users');
    expect(again.version).toBe(first.version); // same rows → same hash → the saved version
    await schema.pool.query(`INSERT INTO "${schema.name}".users VALUES (100, 'new@example.com', '0')`);
    const changed = await readDatabase(sql, POSTGRES_URL, { session }).save('bridge_users');
    expect(changed.version).not.toBe(first.version);
    expect(changed.rows).toBe(26);
    // ttl: a result younger than ttl seconds is reused even though the table changed …
    await schema.pool.query(`DELETE FROM "${schema.name}".users WHERE id = 100`);
    const cached = await readDatabase(sql, POSTGRES_URL, { session, ttl: 3600 }).save('bridge_users');
    expect(cached.version).toBe(changed.version);
    // … unless update: true
    const fresh = await readDatabase(sql, POSTGRES_URL, { session, ttl: 3600, update: true }).save(
      'bridge_users',
    );
    expect(fresh.rows).toBe(25);
    // the identity names the target without the password, plus SQL and params
    const a = new DatabaseSource(sql, 'postgres://postgres:one@127.0.0.1:5432/test', { params: [1] });
    const b = new DatabaseSource(sql, 'postgres://postgres:two@127.0.0.1:5432/test', { params: [1] });
    const c = new DatabaseSource(sql, 'postgres://postgres:two@127.0.0.1:5432/test', { params: [2] });
    expect(a.datasetName).toBe(b.datasetName);
    expect(c.datasetName).not.toBe(b.datasetName);
    expect(a.label).toBe('database postgres://postgres@127.0.0.1:5432/test');
  });
});

describe('readDatabase — SQLite errors', () => {
  let env: Awaited<ReturnType<typeof tempSession>>;
  beforeAll(async () => {
    env = await tempSession();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('missing file, syntax error, BLOB column, and a value beyond 2^53 in an INTEGER column', async () => {
    const session = env.session;
    const missing = await failure(
      readDatabase('SELECT 1 AS x', join(env.dir, 'nope.db'), { session }).collect(),
    );
    expect(missing).toBeInstanceOf(DatabaseUnreachableError);
    expect(missing.message).toContain(`sqlite:${join(env.dir, 'nope.db')}`);
    const file = join(env.dir, 'src.db');
    const db = new Database(file);
    db.exec(
      `CREATE TABLE t (id INTEGER, data BLOB); INSERT INTO t VALUES (1, x'00ff'), (9007199254740993, NULL)`,
    );
    db.close();
    expect(await failure(readDatabase('SELEC 1', file, { session }).collect())).toBeInstanceOf(
      DatabaseSyntaxError,
    );
    const blob = await failure(readDatabase('SELECT * FROM t', file, { session }).collect());
    expect(blob).toBeInstanceOf(UnmappableTypeError);
    expect(blob.message).toMatch(/column 'data' has type BLOB/);
    const big = await failure(readDatabase('SELECT id FROM t ORDER BY id', file, { session }).collect());
    expect(big).toBeInstanceOf(DatabaseValueError);
    expect(big.message).toMatch(/row 2, column "id": expected int .*bigint/);
    expect(
      await readDatabase('SELECT id FROM t ORDER BY id', file, {
        session,
        schema: z.object({ id: z.bigint() }),
      }).collect(),
    ).toEqual([{ id: 1n }, { id: 9007199254740993n }]);
  });
});
