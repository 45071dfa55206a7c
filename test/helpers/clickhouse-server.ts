/**
 * One ClickHouse (the HTTP front over a chdb session, in a child process) per test process, started on first
 * use and killed when the process exits; each caller gets its own database on it.
 */
import { randomBytes } from 'node:crypto';
import {
  type ClickhouseWarehouse,
  openClickhouseWarehouse,
} from '../../clients/warehouse/clickhouse/clickhouse-warehouse.ts';
import { type SpawnedClickhouseFront, spawnClickhouseFront } from '../support/spawn-clickhouse-front.ts';

let front: Promise<SpawnedClickhouseFront> | undefined;

/** The shared front of this process (spawned on first call). */
export function clickhouseFront(): Promise<SpawnedClickhouseFront> {
  if (front === undefined) {
    front = spawnClickhouseFront();
    void front.then((f) => {
      process.once('exit', () => {
        try {
          process.kill(f.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      });
    });
  }
  return front;
}

/** A fresh database on the shared front: its URL and a function dropping it. */
export async function tempClickhouseDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { url } = await clickhouseFront();
  const database = `chainql_test_${randomBytes(6).toString('hex')}`;
  const admin = await openClickhouseWarehouse({ url });
  await admin.execute({ sql: `CREATE DATABASE ${database}`, parameters: [] });
  await admin.close();
  return {
    url: `${url}/${database}`,
    async drop() {
      const again = await openClickhouseWarehouse({ url });
      await again.execute({ sql: `DROP DATABASE IF EXISTS ${database} SYNC`, parameters: [] });
      await again.close();
    },
  };
}

/** A ClickHouse warehouse on a fresh database; `cleanup()` closes it and drops the database. */
export async function tempClickhouseWarehouse(
  options: { minBlockRows?: number; minInsertIntervalMs?: number } = {},
): Promise<ClickhouseWarehouse & { cleanup(): Promise<void> }> {
  const database = await tempClickhouseDatabase();
  const warehouse = await openClickhouseWarehouse({ url: database.url, ...options });
  return Object.assign(warehouse, {
    async cleanup() {
      await warehouse.close();
      await database.drop();
    },
  });
}
