import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../compute/session.ts';
import { tempClickhouseDatabase } from './clickhouse-server.ts';

/** The warehouses a suite runs on ("one suite, two warehouses"). */
export const WAREHOUSES = ['sqlite', 'clickhouse'] as const;
/** One of {@link WAREHOUSES}. */
export type WarehouseKind = (typeof WAREHOUSES)[number];

/**
 * A session on a fresh data directory (and, for `'clickhouse'`, a fresh database on the test process's shared
 * ClickHouse over HTTP); `cleanup()` closes it and deletes both.
 */
export async function tempSession(
  kind: WarehouseKind = 'sqlite',
): Promise<Session & { cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chainql-test-'));
  const database = kind === 'clickhouse' ? await tempClickhouseDatabase() : undefined;
  const session = await openSession({ dataDir, ...(database ? { warehouseUrl: database.url } : {}) });
  return Object.assign(session, {
    async cleanup() {
      await session.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** A fresh temporary directory (deleted by the returned function). */
export function tempDir(prefix = 'chainql-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Number of tables whose name starts with `prefix` in a session's warehouse (tests only: catalogue SQL per engine). */
export async function countTables(session: Session, prefix: string): Promise<number> {
  const sql =
    session.warehouse.dialect === 'sqlite'
      ? "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(?)) = ?"
      : 'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND startsWith(name, {p0:String}) AND {p1:String} = {p1:String}';
  const rows = await session.warehouse.query({ sql, parameters: [prefix, prefix] });
  return Number(rows[0]?.n ?? 0);
}
