import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { quoteIdentifier } from '../../schema/dialect/index.ts';
import type { IdRange } from '../chain/udf-runner.ts';
import type { CheckpointTables } from '../checkpoint/checkpoint-store.ts';
import { RunnerConfigError } from './runner-errors.ts';

/** Default input rows per partition job. */
export const DEFAULT_PARTITION_SIZE = 5000;

/** One partition to enqueue: an id range and how many of its rows are still to do. */
export interface PendingPartition {
  readonly range: IdRange;
  readonly pending: number;
}

/**
 * Validates a partition size: an integer ≥ 1. (Below ~1000 the queue overhead starts to show; one job
 * per row is never what you want.)
 * @throws RunnerConfigError otherwise.
 */
export function checkPartitionSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RunnerConfigError(
      `partitionSize must be a positive integer (rows per partition), got ${String(size)}.`,
    );
  }
  return size;
}

/**
 * The partitions of a checkpointed step that still have uncommitted rows: input ids 1..n cut into
 * fixed ranges of `size` ids (`[1..size]`, `[size+1..2·size]`, …), keeping only ranges with pending rows,
 * so a resumed run enqueues only the unfinished part. One grouped query over the input and done tables.
 */
export async function pendingPartitions(
  warehouse: WarehouseDriver,
  tables: CheckpointTables,
  size: number,
): Promise<PendingPartition[]> {
  checkPartitionSize(size);
  const q = (name: string) => quoteIdentifier(warehouse.dialect, name);
  // CAST: the bound size may arrive as a REAL, which would make the division fractional.
  const bucket =
    warehouse.dialect === 'sqlite' ? 'CAST((i.sys__id - 1) / ? AS INTEGER)' : 'intDiv(i.sys__id - 1, ?)';
  const rows = await warehouse.query({
    sql:
      `SELECT ${bucket} AS p, count(*) AS n FROM ${q(tables.input)} AS i ` +
      `LEFT JOIN ${q(tables.done)} AS d ON d.sys__id = i.sys__id WHERE d.sys__id IS NULL GROUP BY p ORDER BY p`,
    parameters: [size],
  });
  return rows.map((row) => {
    const p = Number(row.p);
    return { range: { from: p * size + 1, to: (p + 1) * size }, pending: Number(row.n) };
  });
}
