import type { GroupingHint, RawRow } from '../../clients/warehouse/warehouse-driver.ts';
import type { Query } from '../../schema/query/query-node.ts';

/**
 * One GraphQL root field as a query node plus how to turn its raw rows into GraphQL values. The dialect
 * compiler turns `query` into SQL; the warehouse driver runs it (see run-read.ts).
 */
export interface PlannedRead<T> {
  readonly query: Query;
  /** Read 64-bit integers as bigint (a `bigint` column or an integer sum is involved). */
  readonly bigints: boolean;
  /** A lookup bounded by a unique index (the driver may run it inline, see `ReadOptions.point`). */
  readonly point?: boolean;
  /** A grouped read: told to the warehouse after it ran (`WarehouseDriver.adviseGrouping`). */
  readonly grouping?: GroupingHint;
  decode(rows: readonly RawRow[]): T;
}
