/**
 * Boolean-valued nodes: comparisons, `and`/`or`/`not`, `in`, `is null` and pattern matches.
 * All follow SQL three-valued logic: a comparison with NULL is NULL (not true), and so is its negation.
 */
import type { ExprNode } from './expr-node.ts';

/** Comparison operators. */
export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

/** `left <op> right`. Strings compare by bytes in both dialects. */
export interface ComparisonNode {
  readonly kind: 'comparison';
  readonly op: ComparisonOp;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

/** `and`/`or` over any number of operands: `and()` is true, `or()` is false. */
export interface LogicalNode {
  readonly kind: 'logical';
  readonly op: 'and' | 'or';
  readonly operands: readonly ExprNode[];
}

/** `NOT operand`. */
export interface NotNode {
  readonly kind: 'not';
  readonly operand: ExprNode;
}

/** `operand IN (values…)`; an empty list is false (`NOT IN ()` is true). */
export interface InNode {
  readonly kind: 'in';
  readonly operand: ExprNode;
  readonly values: readonly ExprNode[];
  readonly negated: boolean;
}

/** `operand IS NULL` / `IS NOT NULL`. */
export interface IsNullNode {
  readonly kind: 'isNull';
  readonly operand: ExprNode;
  readonly negated: boolean;
}

/**
 * Pattern operators: `like` (case-sensitive, `%`/`_`), `ilike` (case-insensitive),
 * `glob` (`*`, `?`, `[…]`, case-sensitive), `regexp` (unanchored regular-expression search),
 * `iregexp` (the same, case-insensitive). Regular expressions follow JavaScript's Unicode mode (`u` flag) on
 * SQLite and RE2 on ClickHouse; the common syntax (classes, anchors, groups, quantifiers) means the same.
 */
export type MatchOp = 'like' | 'ilike' | 'glob' | 'regexp' | 'iregexp';

/** `operand <op> pattern`, optionally negated. */
export interface MatchNode {
  readonly kind: 'match';
  readonly op: MatchOp;
  readonly operand: ExprNode;
  readonly pattern: ExprNode;
  readonly negated: boolean;
}

/** Creates a frozen comparison node. */
export function comparisonNode(op: ComparisonOp, left: ExprNode, right: ExprNode): ComparisonNode {
  return Object.freeze({ kind: 'comparison', op, left, right });
}

/** Creates a frozen `and`/`or` node (operands are copied). */
export function logicalNode(op: 'and' | 'or', operands: readonly ExprNode[]): LogicalNode {
  return Object.freeze({ kind: 'logical', op, operands: Object.freeze([...operands]) });
}

/** Creates a frozen `not` node. */
export function notNode(operand: ExprNode): NotNode {
  return Object.freeze({ kind: 'not', operand });
}

/** Creates a frozen `in` node (values are copied). */
export function inNode(operand: ExprNode, values: readonly ExprNode[], negated = false): InNode {
  return Object.freeze({ kind: 'in', operand, values: Object.freeze([...values]), negated });
}

/** Creates a frozen `is null` node; `negated` gives `IS NOT NULL`. */
export function isNullNode(operand: ExprNode, negated = false): IsNullNode {
  return Object.freeze({ kind: 'isNull', operand, negated });
}

/** Creates a frozen pattern-match node. */
export function matchNode(op: MatchOp, operand: ExprNode, pattern: ExprNode, negated = false): MatchNode {
  return Object.freeze({ kind: 'match', op, operand, pattern, negated });
}
