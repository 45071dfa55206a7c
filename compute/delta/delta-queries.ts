import {
  columnNode,
  comparisonNode,
  type ExprNode,
  isNullNode,
  logicalNode,
} from '../../schema/expr/index.ts';
import type { Selection, SelectQuery } from '../../schema/query/index.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { Column } from '../../schema/record/index.ts';
import { leavesOf, passThrough } from '../chain/planner.ts';
import type { Relation } from '../chain/relation.ts';

/**
 * The query nodes of a delta save (compiled per dialect by the caller; nothing here runs SQL). Aliases:
 * `c` current source rows, `p` the previous run's source snapshot, `r` previous result rows, `k` a key set.
 */

function all(nodes: readonly ExprNode[]): ExprNode {
  return nodes.length === 1 ? nodes[0]! : logicalNode('and', nodes);
}

/** `a.x = b.y` for each pair of leaves (same count on both sides). */
export function keysEqual(
  left: readonly Column[],
  leftAlias: string,
  right: readonly Column[],
  rightAlias: string,
): ExprNode[] {
  return left.map((column, i) =>
    comparisonNode('eq', columnNode(column.path, leftAlias), columnNode(right[i]!.path, rightAlias)),
  );
}

/** `(a.x = b.x OR (a.x IS NULL AND b.x IS NULL))`: NULL-safe equality of one leaf. */
function sameValue(column: Column, a: string, b: string): ExprNode {
  const left = columnNode(column.path, a);
  const right = columnNode(column.path, b);
  return logicalNode('or', [
    comparisonNode('eq', left, right),
    logicalNode('and', [isNullNode(left), isNullNode(right)]),
  ]);
}

/** NULL-safe equality of every compare leaf between aliases `a` and `b` (true when there are none). */
export function sameValues(compare: readonly Column[], a: string, b: string): ExprNode[] {
  return compare.map((column) => sameValue(column, a, b));
}

/** Selections for a key table: the key leaves taken from `alias`'s `from` columns, named like `as`. */
function keySelections(from: readonly Column[], alias: string, as: readonly Column[]): Selection[] {
  return from.map((column, i) => ({ expr: columnNode(column.path, alias), alias: as[i]!.name }));
}

/**
 * Distinct keys of current source rows that the previous run saw with the same compare values
 * (unchanged rows): `cur ⋈ snapshot ON key = key AND compare IS NOT DISTINCT FROM compare`.
 */
export function unchangedKeys(
  current: Relation,
  snapshotTable: string,
  on: readonly Column[],
  compare: readonly Column[],
): SelectQuery {
  return {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'inner',
      left: { kind: 'subquery', query: current.query, alias: 'c' },
      right: { kind: 'table', name: snapshotTable, alias: 'p' },
      on: all([...keysEqual(on, 'c', on, 'p'), ...sameValues(compare, 'c', 'p')]),
    },
    selections: keySelections(on, 'c', on),
    distinct: true,
  };
}

/** Condition "the retry field is not set" over a result row (every leaf under it NULL). */
function retryFieldClear(resultSchema: DatasetSchema, field: string, alias: string): ExprNode {
  return all(leavesOf(resultSchema, [field]).map((column) => isNullNode(columnNode(column.path, alias))));
}

/**
 * Previous result rows to keep: those whose key is in `keysTable` (unchanged source rows) and —
 * when `retryField` is given — whose retry field is not set.
 */
export function keptRows(
  previousTable: string,
  resultSchema: DatasetSchema,
  resultOn: readonly Column[],
  keysTable: string,
  on: readonly Column[],
  retryField: string | undefined,
): SelectQuery {
  return {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'inner',
      left: { kind: 'table', name: previousTable, alias: 'r' },
      right: { kind: 'table', name: keysTable, alias: 'k' },
      on: all(keysEqual(resultOn, 'r', on, 'k')),
    },
    selections: passThrough(resultSchema, 'r'),
    ...(retryField !== undefined ? { where: retryFieldClear(resultSchema, retryField, 'r') } : {}),
  };
}

/** Distinct keys of `kept` rows, named like the source's key leaves (for a key table). */
export function keysOf(kept: SelectQuery, resultOn: readonly Column[], on: readonly Column[]): SelectQuery {
  return {
    kind: 'select',
    from: { kind: 'subquery', query: kept, alias: 'r' },
    selections: keySelections(resultOn, 'r', on),
    distinct: true,
  };
}

/** Current source rows whose key is not in `keysTable` (new, changed, or to retry), in source order. */
export function pendingRows(current: Relation, on: readonly Column[], keysTable: string): SelectQuery {
  return {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'subquery', query: current.query, alias: 'c' },
      right: { kind: 'table', name: keysTable, alias: 'k' },
      on: all(keysEqual(on, 'c', on, 'k')),
    },
    selections: passThrough(current.schema, 'c'),
    where: isNullNode(columnNode(on[0]!.path, 'k')),
    orderBy: [{ expr: columnNode('sys.id', 'c'), direction: 'asc', nulls: 'last' }],
  };
}

/** The key and compare leaves of every current source row (the snapshot the next delta run compares with). */
export function snapshotRows(current: Relation, leaves: readonly Column[]): SelectQuery {
  return {
    kind: 'select',
    from: { kind: 'subquery', query: current.query, alias: 'c' },
    selections: [
      { expr: columnNode('sys.id', 'c'), alias: 'sys__id' },
      ...leaves.map((column) => ({ expr: columnNode(column.path, 'c'), alias: column.name })),
    ],
  };
}
