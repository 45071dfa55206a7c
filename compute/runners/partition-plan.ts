import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import { agg, C, func } from '../../schema/expr/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import type { CheckpointTables } from '../checkpoint/checkpoint-store.ts';
import type { IdRange } from '../checkpoint/partition-task.ts';
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
  // floor((id - 1) / size): the partition index of an input id, compiled per dialect like every statement.
  const bucket = func.floor(C('sys.id', { table: 'i' }).sub(1).div(size)).node;
  const query: SelectQuery = {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'table', name: tables.input, alias: 'i' },
      right: { kind: 'table', name: tables.done, alias: 'd' },
      on: C('sys.id', { table: 'd' }).eq(C('sys.id', { table: 'i' })).node,
    },
    selections: [
      { expr: bucket, alias: 'p' },
      { expr: agg.count().node, alias: 'n' },
    ],
    where: C('sys.id', { table: 'd' }).isNull().node,
    groupBy: [bucket],
    orderBy: [{ expr: bucket, direction: 'asc' }],
  };
  const rows = await warehouse.query(getCompiler(warehouse.dialect).compileQuery(query));
  return rows.map((row) => {
    const p = Number(row.p);
    return { range: { from: p * size + 1, to: (p + 1) * size }, pending: Number(row.n) };
  });
}
