import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openSession, type Session } from '../../../compute/index.ts';

/** PostgreSQL used by the bridge tests (CHAINQL_TEST_POSTGRES_URL overrides). */
export const POSTGRES_URL =
  process.env.CHAINQL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * True when PostgreSQL answers. With CI=true a missing server throws (the tests fail, never skip, on
 * CI); elsewhere the suites skip with a message.
 */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(
        `PostgreSQL is required on CI (CI=true) but ${POSTGRES_URL} does not answer: ${String(error)}`,
      );
    }
    process.stderr.write(
      `PostgreSQL not reachable at ${POSTGRES_URL}: skipping the database bridge tests.\n`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A PostgreSQL schema no other test uses, created now; `drop()` removes it with everything in it. */
export async function uniqueSchema(
  prefix = 'bridge',
): Promise<{ name: string; pool: pg.Pool; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
  await pool.query(`CREATE SCHEMA "${name}"`);
  return {
    name,
    pool,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await pool.end();
    },
  };
}

/** A session on a fresh temporary data directory; `close()` removes it. */
export async function tempSession(): Promise<{ session: Session; dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'chainql-bridge-'));
  const session = await openSession({ dataDir: dir });
  return {
    session,
    dir,
    async close() {
      await session.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
