/**
 * Helpers shared by the split-read tests (parallel-scan.test.ts, key-split.test.ts): comparing split answers with
 * whole ones, and keeping the read threads busy.
 */
import type { SqliteWarehouse } from '../../clients/warehouse/sqlite/sqlite-warehouse.ts';

/** JSON with floats rounded to 12 significant digits: a sum of partial sums may differ in the last bits. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v,
  );
}

/**
 * Runs `check` while both read threads count to three million (nothing idle to split onto), then waits for them.
 */
export async function whileReadThreadsBusy(
  warehouse: SqliteWarehouse,
  check: () => Promise<void>,
): Promise<void> {
  const slow = {
    sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c',
    parameters: [],
  };
  const running = [warehouse.read(slow), warehouse.read(slow)];
  await new Promise((resolve) => setTimeout(resolve, 50));
  try {
    await check();
  } finally {
    await Promise.all(running);
  }
}
