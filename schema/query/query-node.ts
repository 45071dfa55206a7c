/**
 * Query nodes: `SELECT` over a table, a subquery or a join, and set operations. Like expression nodes they are
 * plain immutable data; dialect compilers turn them into `{ sql, parameters }`.
 */
import type { ExprNode } from '../expr/expr-node.ts';

/** A stored table by physical name. */
export interface TableSource {
  readonly kind: 'table';
  readonly name: string;
  /** Alias used by table-qualified columns (`C('x', { table: alias })`). */
  readonly alias?: string;
}

/** A nested query; its selection aliases are the column names visible to the outer query. */
export interface SubquerySource {
  readonly kind: 'subquery';
  readonly query: Query;
  readonly alias: string;
}

/** `left <joinType> JOIN right ON on`. Columns of each side are qualified by that side's alias. */
export interface JoinSource {
  readonly kind: 'join';
  readonly joinType: 'inner' | 'left' | 'full';
  readonly left: Source;
  readonly right: Source;
  readonly on: ExprNode;
}

/** What a `SELECT` reads from. */
export type Source = TableSource | SubquerySource | JoinSource;

/** One output column: `expr AS alias` (the alias is a physical column name, e.g. `det__confidence`). */
export interface Selection {
  readonly expr: ExprNode;
  readonly alias: string;
}

/**
 * One `ORDER BY` key. `nulls` defaults follow Hasura/PostgreSQL: `asc` → NULLS LAST, `desc` → NULLS FIRST;
 * compilers always emit the choice explicitly.
 */
export interface OrderByItem {
  readonly expr: ExprNode;
  readonly direction: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

/** `SELECT [DISTINCT] selections FROM from [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT] [OFFSET]`. */
export interface SelectQuery {
  readonly kind: 'select';
  readonly from: Source;
  /** Output columns, or `'all'` for `*`. */
  readonly selections: readonly Selection[] | 'all';
  readonly where?: ExprNode;
  readonly groupBy?: readonly ExprNode[];
  readonly having?: ExprNode;
  readonly orderBy?: readonly OrderByItem[];
  /** Maximum rows (bound as a parameter). */
  readonly limit?: number;
  /** Rows to skip (bound as a parameter). */
  readonly offset?: number;
  readonly distinct?: boolean;
  /**
   * `DISTINCT ON (…)` with PostgreSQL's meaning: of the rows sharing these values, keep the first in `orderBy`
   * order (NULLs count as equal). `limit`/`offset` apply after. Compiled through the `distinct-on.ts` rewrite.
   */
  readonly distinctOn?: readonly ExprNode[];
}

/**
 * `left UNION ALL right` (all rows of both) or `left EXCEPT right` (distinct rows of left not in right).
 * Both sides must produce the same columns in the same order.
 */
export interface SetQuery {
  readonly kind: 'set';
  readonly op: 'unionAll' | 'except';
  readonly left: Query;
  readonly right: Query;
}

/** Any query. */
export type Query = SelectQuery | SetQuery;

/** The effective NULLS placement of an order key (explicit `nulls`, else last for asc and first for desc). */
export function effectiveNulls(item: OrderByItem): 'first' | 'last' {
  return item.nulls ?? (item.direction === 'asc' ? 'last' : 'first');
}
