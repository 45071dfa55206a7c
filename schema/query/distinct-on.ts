/**
 * The `distinctOn` rewrite: SQLite has no `DISTINCT ON`, and ClickHouse's runs before `ORDER BY` (so it does not
 * keep the first row in order). Both run the window-function form:
 *
 *   SELECT <aliases> FROM (
 *     SELECT <selections>, <order keys> AS __o<i>, row_number() OVER (PARTITION BY <d…> ORDER BY <order>) AS __rn
 *     FROM … WHERE … ) AS __distinct
 *   WHERE __rn = 1 ORDER BY __o<i> … LIMIT … OFFSET …
 */

import { InvalidQueryError } from '../dialect/dialect-errors.ts';
import { columnNode } from '../expr/column-node.ts';
import { literalNode } from '../expr/literal-node.ts';
import { comparisonNode } from '../expr/predicate-nodes.ts';
import { rowNumberNode } from '../expr/window-node.ts';
import type { SelectQuery } from './query-node.ts';

/**
 * Rewrites a select with `distinctOn` into one without (see the module comment). Selections must be explicit
 * (not `'all'`), and the query must not group.
 * @throws InvalidQueryError for `selections: 'all'`, `groupBy` or `distinct` together with `distinctOn`.
 */
export function rewriteDistinctOn(q: SelectQuery): SelectQuery {
  const keys = q.distinctOn ?? [];
  if (keys.length === 0) return q;
  if (q.selections === 'all' || q.groupBy !== undefined || q.distinct === true) {
    throw new InvalidQueryError('distinctOn needs explicit selections and no groupBy/distinct.');
  }
  const order = q.orderBy ?? [];
  const inner: SelectQuery = {
    kind: 'select',
    from: q.from,
    selections: [
      ...q.selections,
      ...order.map((o, i) => ({ expr: o.expr, alias: `__o${i}` })),
      { expr: rowNumberNode(keys, order), alias: '__rn' },
    ],
    ...(q.where ? { where: q.where } : {}),
  };
  return {
    kind: 'select',
    from: { kind: 'subquery', alias: '__distinct', query: inner },
    selections: q.selections.map((s) => ({ expr: columnNode(s.alias), alias: s.alias })),
    where: comparisonNode('eq', columnNode('__rn'), literalNode(1)),
    ...(order.length > 0 ? { orderBy: order.map((o, i) => ({ ...o, expr: columnNode(`__o${i}`) })) } : {}),
    ...(q.limit === undefined ? {} : { limit: q.limit }),
    ...(q.offset === undefined ? {} : { offset: q.offset }),
  };
}
