import type { KeyCut, RawRow } from '../../clients/warehouse/warehouse-driver.ts';
import type { ExprNode } from '../../schema/expr/expr-node.ts';
import { literalNode } from '../../schema/expr/literal-node.ts';
import { comparisonNode, isNullNode } from '../../schema/expr/predicate-nodes.ts';
import type { OrderByItem, Query, Selection, SelectQuery } from '../../schema/query/query-node.ts';
import { pathToColumnName } from '../../schema/record/column.ts';
import { compareValues } from './range-split.ts';
import { allOf } from './where-builder.ts';

/**
 * One grouped read split over ranges of its first GROUP BY key (see `WarehouseDriver.keySplits`): the query each
 * range runs, and how their groups become the whole read's list.
 */
export interface KeySplit {
  /** The table read. */
  readonly table: string;
  /** The warehouse column of the first GROUP BY key (what the driver cuts). */
  readonly column: string;
  /** The read restricted to `from ≤ key < below` (an undefined bound is open; NULL is in no range). */
  part(from: KeyCut | undefined, below: KeyCut | undefined): SelectQuery;
  /** The read restricted to `key IS NULL`. */
  nullPart(): SelectQuery;
  /** The whole read's rows from the parts' rows. */
  merge(parts: readonly (readonly RawRow[])[]): RawRow[];
}

/**
 * Whether a grouped read can be split over ranges of its first key, and how: `GROUP BY k1, …` over one table with
 * an `ORDER BY` whose NULL placement is explicit. A group's rows all share its `k1`, so every group — its
 * aggregates, distinct counts included, and its HAVING — is computed whole inside one range, and the ranges'
 * groups are disjoint. Each range therefore keeps its first `offset + limit` groups in the read's order (the
 * order terms ride along as extra columns), and the merge sorts their union by those terms, applies offset and
 * limit, and drops the extra columns. Anything else (no order, `DISTINCT`, a computed first key, a join) runs whole.
 */
export function keySplit(query: Query): KeySplit | undefined {
  if (query.kind !== 'select' || query.from.kind !== 'table') return undefined;
  if (query.distinct || query.distinctOn || query.selections === 'all') return undefined;
  const key = query.groupBy?.[0];
  if (key === undefined || key.kind !== 'column' || key.table !== undefined) return undefined;
  const order = query.orderBy ?? [];
  if (order.length === 0 || order.some((o) => o.nulls === undefined)) return undefined;
  const selections = query.selections as readonly Selection[];
  const terms: Selection[] = order.map((o, i) => ({ expr: o.expr, alias: `${ORDER_TERM}${i}` }));
  const offset = query.offset ?? 0;
  const keep = query.limit === undefined ? undefined : offset + query.limit;
  const restricted = (range: ExprNode): SelectQuery => ({
    ...query,
    selections: [...selections, ...terms],
    where: allOf([...(query.where ? [query.where] : []), range]),
    ...(keep === undefined ? {} : { limit: keep }),
    offset: 0,
  });
  return {
    table: query.from.name,
    column: pathToColumnName(key.path),
    part: (from, below) => restricted(keyRange(key, from, below)),
    nullPart: () => restricted(isNullNode(key)),
    merge: (parts) => {
      const rows = parts.flat().sort((a, b) => compareRows(order, a, b));
      return rows.slice(offset, keep).map((row) => {
        const out: RawRow = {};
        for (const s of selections) out[s.alias] = row[s.alias];
        return out;
      });
    },
  };
}

const ORDER_TERM = '__split_o';

/** The order of two rows under ORDER BY, read from their order-term columns (explicit NULL placement). */
function compareRows(order: readonly OrderByItem[], a: RawRow, b: RawRow): number {
  for (let i = 0; i < order.length; i++) {
    const item = order[i] as OrderByItem;
    const x = a[`${ORDER_TERM}${i}`] ?? null;
    const y = b[`${ORDER_TERM}${i}`] ?? null;
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === (item.nulls === 'first') ? -1 : 1;
    }
    const c = compareValues(x, y);
    if (c !== 0) return item.direction === 'desc' ? -c : c;
  }
  return 0;
}

/**
 * `key < below`, `key >= from AND key < below`, or `key >= from` (each an index range; NULL, in none of them, has
 * its own part).
 */
function keyRange(key: ExprNode, from: KeyCut | undefined, below: KeyCut | undefined): ExprNode {
  const bounds: ExprNode[] = [];
  if (from !== undefined) bounds.push(comparisonNode('gte', key, literalNode(from)));
  if (below !== undefined) bounds.push(comparisonNode('lt', key, literalNode(below)));
  return bounds.length === 0 ? isNullNode(key, true) : allOf(bounds);
}
