/**
 * Aggregates: `agg.count()`, `agg.sum('price')`, `agg.concat(C('name'), ', ')`, … plus top-level
 * `count, sum, avg, min, max`. Here a bare string argument is a **column path**
 * (`sum('response.usage.prompt_tokens')`), since aggregating a constant is never what one means.
 */

import { type AggregateFunction, aggregateNode } from './aggregate-node.ts';
import type { ExprInput } from './builder.ts';
import { C, Expr, toNode } from './builder.ts';
import { starNode } from './column-node.ts';
import type { ExprNode } from './expr-node.ts';

/** An aggregate argument: a column path string, or any expression. */
export type AggInput = string | Expr | ExprNode;

function argNode(x: AggInput): ExprNode {
  return typeof x === 'string' ? C(x).node : toNode(x);
}

function make(fn: AggregateFunction) {
  return (x: AggInput): Expr => new Expr(aggregateNode(fn, argNode(x)));
}

/** `count()` → rows (`COUNT(*)`); `count(x)` → non-NULL values of x. */
export function count(x?: AggInput): Expr {
  return new Expr(aggregateNode('count', x === undefined ? starNode() : argNode(x)));
}
/** Number of distinct non-NULL values. */
export const countDistinct: (x: AggInput) => Expr = make('countDistinct');
/** Sum of non-NULL numeric values; NULL over none. */
export const sum: (x: AggInput) => Expr = make('sum');
/** Average of non-NULL numeric values; NULL over none. */
export const avg: (x: AggInput) => Expr = make('avg');
/** Minimum; NULL over none. */
export const min: (x: AggInput) => Expr = make('min');
/** Maximum; NULL over none. */
export const max: (x: AggInput) => Expr = make('max');

/** Aggregate builders. Each throws InvalidExpressionError for an invalid path. */
export const agg = Object.freeze({
  count,
  countDistinct,
  sum,
  avg,
  min,
  max,
  /** Some non-NULL value of the group. */
  anyValue: make('anyValue'),
  /** The group's values as an array. */
  collect: make('collect'),
  /** The group's strings joined with `separator` (a literal string, or an expression). */
  concat: (x: AggInput, separator: ExprInput): Expr =>
    new Expr(aggregateNode('concat', argNode(x), toNode(separator))),
});
