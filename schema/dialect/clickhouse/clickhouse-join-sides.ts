/**
 * Outer joins on ClickHouse answering as on SQLite.
 *
 * - `join_use_nulls = 1` makes the missing side's columns NULL, but an `Array`/`Map` (a non-optional array, vector
 *   or record) cannot be `Nullable` and stays `[]`/`{}`. Every source that may go unmatched gets a marker column
 *   (`1`, NULL when unmatched), and the SELECT reads that side's columns as `if(marker IS NULL, NULL, column)`:
 *   NULL, typed `Variant(Array(T))` for arrays — the type of a nullable array column.
 * - A `Variant` (nullable array, vector or record) equals another `Variant` NULL as a join key, so
 *   `ON a = b` would match NULL to NULL. Equalities in `ON` also require both operands to be non-NULL, written
 *   `NOT (x IS NULL)`: ClickHouse drops `x IS NOT NULL` next to a join key equality as redundant.
 */
import type { ExprNode } from '../../expr/expr-node.ts';
import type { Source } from '../../query/query-node.ts';

/** Name of the marker column added to a join side that may go unmatched. */
export const MATCHED_MARKER = '__chainql_matched';

/** Names (alias, or table name) of the join's leaf sources whose rows may be missing from a result row. */
export function unmatchedSides(from: Source): ReadonlySet<string> {
  const sides = new Set<string>();
  const walk = (s: Source, nullable: boolean): void => {
    if (s.kind === 'join') {
      walk(s.left, nullable || s.joinType === 'full');
      walk(s.right, nullable || s.joinType !== 'inner');
    } else if (nullable) {
      sides.add(sourceName(s));
    }
  };
  walk(from, false);
  return sides;
}

/** The name a leaf source's columns are qualified with. */
export function sourceName(s: Exclude<Source, { kind: 'join' }>): string {
  return s.kind === 'table' ? (s.alias ?? s.name) : s.alias;
}

/**
 * `ON` with every equality (through `and`s) also requiring both operands non-NULL; `compile` compiles one
 * expression. An operand's SQL appears twice, which is safe with ClickHouse's named placeholders.
 */
export function nullExcludingCondition(on: ExprNode, compile: (node: ExprNode) => string): string {
  if (on.kind === 'logical' && on.op === 'and' && on.operands.length > 0) {
    return `(${on.operands.map((o) => nullExcludingCondition(o, compile)).join(' AND ')})`;
  }
  if (on.kind === 'comparison' && on.op === 'eq') {
    const left = compile(on.left);
    const right = compile(on.right);
    return `((${left} = ${right}) AND (NOT (${left} IS NULL)) AND (NOT (${right} IS NULL)))`;
  }
  return compile(on);
}
