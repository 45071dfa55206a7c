/**
 * ClickHouse resolves a SELECT alias anywhere in the same SELECT, before the source's columns: in
 * `SELECT max(id) AS id, sum(id) AS n`, `sum(id)` reads the alias (code 184, aggregate inside aggregate), and in
 * `SELECT x + 1 AS x … WHERE x > 1` the filter reads the computed value. SQLite (and standard SQL) read the
 * column. This pass renames such capturing outputs to internal names, so every expression reads the column; the
 * compiler restores the output names in an outer SELECT. ORDER BY items that are exactly an output's name still
 * sort by that output (as in SQLite, where an ORDER BY identifier matches an output alias first).
 *
 * (The `prefer_column_name_to_alias` setting would also do this, but it changes how ORDER BY resolves an alias
 * that is not a column, which reordered `_nearest` results.)
 */

import { columnNode } from '../../expr/column-node.ts';
import { childNodes, type ExprNode } from '../../expr/expr-node.ts';
import type { OrderByItem, Selection, SelectQuery, Source } from '../../query/query-node.ts';
import { pathToColumnName } from '../../record/column.ts';

/** Prefix of the internal output names (`__chainql_out0`, …); no dataset column starts with it. */
const INTERNAL_PREFIX = '__chainql_out';

/** A select whose capturing outputs were renamed, and the `[inner name, output name]` pairs in output order. */
export interface AliasCaptureRewrite {
  readonly inner: SelectQuery;
  readonly outputs: readonly (readonly [inner: string, output: string])[];
}

function collectColumns(node: ExprNode, into: Set<string>): void {
  if (node.kind === 'column') {
    if (node.table === undefined) into.add(pathToColumnName(node.path));
    return;
  }
  for (const child of childNodes(node)) collectColumns(child, into);
}

function collectJoinColumns(source: Source, into: Set<string>): void {
  if (source.kind !== 'join') return;
  collectJoinColumns(source.left, into);
  collectColumns(source.on, into);
}

/** True when the output is the column of the same name (`x AS x`): capturing it changes nothing. */
function isIdentity(s: Selection): boolean {
  return s.expr.kind === 'column' && s.expr.table === undefined && pathToColumnName(s.expr.path) === s.alias;
}

/**
 * The rewrite of `q` when one of its output names is also an unqualified column that an expression of the same
 * SELECT reads (outputs, WHERE, GROUP BY, HAVING, join conditions, ORDER BY inside expressions); `undefined`
 * when no output captures anything (the query compiles unchanged).
 */
export function rewriteAliasCapture(q: SelectQuery): AliasCaptureRewrite | undefined {
  if (q.selections === 'all') return undefined;
  const read = new Set<string>();
  for (const s of q.selections) collectColumns(s.expr, read);
  if (q.where) collectColumns(q.where, read);
  for (const g of q.groupBy ?? []) collectColumns(g, read);
  if (q.having) collectColumns(q.having, read);
  collectJoinColumns(q.from, read);
  for (const o of q.orderBy ?? []) if (o.expr.kind !== 'column') collectColumns(o.expr, read);
  const renamed = new Map<string, string>();
  q.selections.forEach((s, i) => {
    if (read.has(s.alias) && !isIdentity(s)) renamed.set(s.alias, `${INTERNAL_PREFIX}${i}`);
  });
  if (renamed.size === 0) return undefined;
  const rename = (o: OrderByItem): OrderByItem => {
    if (o.expr.kind !== 'column' || o.expr.table !== undefined) return o;
    const inner = renamed.get(pathToColumnName(o.expr.path));
    return inner === undefined ? o : { ...o, expr: columnNode(inner) };
  };
  const selections = q.selections.map((s) => ({ ...s, alias: renamed.get(s.alias) ?? s.alias }));
  return {
    inner: { ...q, selections, ...(q.orderBy ? { orderBy: q.orderBy.map(rename) } : {}) },
    outputs: q.selections.map((s) => [renamed.get(s.alias) ?? s.alias, s.alias] as const),
  };
}
