import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  openSqliteWarehouse,
  type SqliteWarehouse,
} from '../../../../clients/warehouse/sqlite/sqlite-warehouse.ts';
import type { SqliteWarehouseOptions } from '../../../../clients/warehouse/sqlite/sqlite-warehouse-options.ts';

/**
 * Per-test temporary directories and warehouses, closed and deleted after each test.
 * Call `useTempWarehouses()` at the top of a test file.
 */
export function useTempWarehouses() {
  const dirs: string[] = [];
  const opened: SqliteWarehouse[] = [];
  afterEach(async () => {
    for (const w of opened.splice(0)) await w.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    /** A fresh empty directory, deleted after the test. */
    dir(): string {
      const d = mkdtempSync(join(tmpdir(), 'chainql-test-'));
      dirs.push(d);
      return d;
    },
    /** Opens a warehouse (closed after the test); `path` defaults to a new file in a fresh dir. */
    async open(options: Partial<SqliteWarehouseOptions> = {}): Promise<SqliteWarehouse> {
      const path = options.path ?? join(this.dir(), 'warehouse.db');
      const w = await openSqliteWarehouse({ ...options, path });
      opened.push(w);
      return w;
    },
  };
}
