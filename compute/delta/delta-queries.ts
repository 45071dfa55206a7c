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
 * `c` current source rows, `a`/`b` two source snapshots, `s` the current snapshot, `r` previous result
 * rows, `k` the changed-key set. The plan is set-based and sized by what changed: two anti-joins between
 * the snapshots (each probing the other's key index) find the changed keys, a small indexed table; the
 * pending rows and the kept rows are then one pass each over the source and the previous result, probing
 * that small table. No join builds a temporary index over the whole source or result.
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

/** Every key leaf of `alias` is set (NULL keys never match: such rows are always reprocessed). */
function keySet(on: readonly Column[], alias: string): ExprNode {
  return all(on.map((column) => isNullNode(columnNode(column.path, alias), true)));
}

/** Some key leaf of `alias` is NULL. */
function keyUnset(on: readonly Column[], alias: string): ExprNode {
  const nulls = on.map((column) => isNullNode(columnNode(column.path, alias)));
  return nulls.length === 1 ? nulls[0]! : logicalNode('or', nulls);
}

/**
 * Distinct keys of `fromTable`'s snapshot rows that `otherTable` (a snapshot with the same columns) has no
 * row for with the same key and compare values: `a LEFT JOIN b … WHERE b.sys__id IS NULL`, an anti-join
 * probing `otherTable`'s key index. Old snapshot against new gives changed and deleted keys; new against
 * old gives changed and new keys. Rows with a NULL key leaf are left out (they are reprocessed anyway).
 */
export function changedKeys(
  fromTable: string,
  otherTable: string,
  on: readonly Column[],
  compare: readonly Column[],
): SelectQuery {
  return {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'table', name: fromTable, alias: 'a' },
      right: { kind: 'table', name: otherTable, alias: 'b' },
      on: all([...keysEqual(on, 'a', on, 'b'), ...sameValues(compare, 'a', 'b')]),
    },
    selections: keySelections(on, 'a', on),
    where: all([isNullNode(columnNode('sys.id', 'b')), keySet(on, 'a')]),
    distinct: true,
  };
}

/** Condition "the retry field is set" over a result row (some leaf under it not NULL). */
function retryFieldSet(resultSchema: DatasetSchema, field: string, alias: string): ExprNode {
  const set = leavesOf(resultSchema, [field]).map((column) =>
    isNullNode(columnNode(column.path, alias), true),
  );
  return set.length === 1 ? set[0]! : logicalNode('or', set);
}

/**
 * Distinct keys (named like the source's key leaves) of previous result rows whose retry field is set:
 * `deltaRetry: 'udf_error'` reprocesses those source rows.
 */
export function failedKeys(
  previousTable: string,
  resultSchema: DatasetSchema,
  resultOn: readonly Column[],
  on: readonly Column[],
  retryField: string,
): SelectQuery {
  return {
    kind: 'select',
    from: { kind: 'table', name: previousTable, alias: 'r' },
    selections: keySelections(resultOn, 'r', on),
    where: all([retryFieldSet(resultSchema, retryField, 'r'), keySet(resultOn, 'r')]),
    distinct: true,
  };
}

/**
 * Distinct keys of the current snapshot with no row in the previous result (`deltaRetry`: rows missing
 * from the result are reprocessed).
 */
export function missingKeys(
  snapshotTable: string,
  previousTable: string,
  on: readonly Column[],
  resultOn: readonly Column[],
): SelectQuery {
  return {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'table', name: snapshotTable, alias: 's' },
      right: { kind: 'table', name: previousTable, alias: 'r' },
      on: all(keysEqual(on, 's', resultOn, 'r')),
    },
    selections: keySelections(on, 's', on),
    where: all([isNullNode(columnNode('sys.id', 'r')), keySet(on, 's')]),
    distinct: true,
  };
}

/**
 * Previous result rows to keep: those whose key is not in `changedTable` (a small, indexed key set) and is
 * fully set — `r LEFT JOIN k … WHERE k.<key> IS NULL`, one pass over the previous result.
 */
export function keptRows(
  previousTable: string,
  resultSchema: DatasetSchema,
  resultOn: readonly Column[],
  changedTable: string,
  on: readonly Column[],
): SelectQuery {
  return {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'table', name: previousTable, alias: 'r' },
      right: { kind: 'table', name: changedTable, alias: 'k' },
      on: all(keysEqual(resultOn, 'r', on, 'k')),
    },
    selections: passThrough(resultSchema, 'r'),
    where: all([isNullNode(columnNode(on[0]!.path, 'k')), keySet(resultOn, 'r')]),
  };
}

/**
 * Current source rows to run the chain over, in source order: those whose key is in `changedTable` (new,
 * changed, or to retry) or has a NULL leaf.
 */
export function pendingRows(current: Relation, on: readonly Column[], changedTable: string): SelectQuery {
  return {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'subquery', query: current.query, alias: 'c' },
      right: { kind: 'table', name: changedTable, alias: 'k' },
      on: all(keysEqual(on, 'c', on, 'k')),
    },
    selections: passThrough(current.schema, 'c'),
    where: logicalNode('or', [isNullNode(columnNode(on[0]!.path, 'k'), true), keyUnset(on, 'c')]),
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
