/** Window functions. Only what chainql's rewrites need: `row_number()` over a partition in an order. */
import type { OrderByItem } from '../query/query-node.ts';
import type { ExprNode } from './expr-node.ts';

/**
 * `ROW_NUMBER() OVER (PARTITION BY partitionBy ORDER BY orderBy)`: 1 for the first row of each partition in
 * that order. NULL partition keys form one partition (as `GROUP BY`/`DISTINCT ON` treat NULLs).
 */
export interface RowNumberNode {
  readonly kind: 'rowNumber';
  readonly partitionBy: readonly ExprNode[];
  readonly orderBy: readonly OrderByItem[];
}

/** Creates a frozen `row_number()` window node (lists are copied). */
export function rowNumberNode(
  partitionBy: readonly ExprNode[],
  orderBy: readonly OrderByItem[],
): RowNumberNode {
  return Object.freeze({
    kind: 'rowNumber',
    partitionBy: Object.freeze([...partitionBy]),
    orderBy: Object.freeze([...orderBy]),
  });
}
