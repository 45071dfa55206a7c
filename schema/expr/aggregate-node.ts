/** Aggregate function calls. Aggregates ignore NULL inputs; over no (non-NULL) rows they return NULL, except counts (0). */

import { InvalidExpressionError } from './expr-errors.ts';
import type { ExprNode } from './expr-node.ts';

/**
 * - `count(x)`: non-NULL values (`count(*)` with a star argument: rows);
 * - `countDistinct(x)`: distinct non-NULL values;
 * - `sum`, `avg`, `min`, `max`: NULL over no values;
 * - `sumInt`, `avgInt`: `sum`/`avg` of a 64-bit integer column that never wrap: ClickHouse adds in 128 bits (its
 *   Int64 `sum` wraps silently); SQLite's checked sum fails with an integer-overflow error past ±2^63 instead;
 * - `anyValue(x)`: some non-NULL value of the group;
 * - `collect(x)`: the group's values as an array (JSON array text on SQLite);
 * - `concat(x, separator)`: the group's strings joined with `separator`.
 */
export type AggregateFunction =
  | 'count'
  | 'countDistinct'
  | 'sum'
  | 'sumInt'
  | 'avg'
  | 'avgInt'
  | 'min'
  | 'max'
  | 'anyValue'
  | 'collect'
  | 'concat';

/** `fn(arg[, separator])`. */
export interface AggregateNode {
  readonly kind: 'aggregate';
  readonly fn: AggregateFunction;
  /** The aggregated expression; a `star` node for `count(*)`. */
  readonly arg: ExprNode;
  /** Only for `concat`: the separator (a literal string in practice). */
  readonly separator?: ExprNode;
}

/**
 * Creates a frozen aggregate node.
 * @throws InvalidExpressionError when `concat` lacks a separator, or a star is given to anything but `count`.
 */
export function aggregateNode(fn: AggregateFunction, arg: ExprNode, separator?: ExprNode): AggregateNode {
  if (arg.kind === 'star' && fn !== 'count')
    throw new InvalidExpressionError(`Only count() accepts '*', not ${fn}().`);
  if (fn === 'concat') {
    if (separator === undefined)
      throw new InvalidExpressionError('agg.concat(x, separator) needs a separator.');
    return Object.freeze({ kind: 'aggregate', fn, arg, separator });
  }
  return Object.freeze({ kind: 'aggregate', fn, arg });
}

/**
 * The aggregate that computes `fn` over values of a column kind without wrapping: `sumInt`/`avgInt` for `sum`/`avg`
 * of 64-bit integers (`int`, `bigint`), `fn` itself otherwise.
 */
export function exactAggregate(fn: AggregateFunction, kind: string): AggregateFunction {
  if (kind !== 'int' && kind !== 'bigint') return fn;
  return fn === 'sum' ? 'sumInt' : fn === 'avg' ? 'avgInt' : fn;
}

const AGGREGATES: Readonly<Record<AggregateFunction, true>> = {
  count: true,
  countDistinct: true,
  sum: true,
  sumInt: true,
  avg: true,
  avgInt: true,
  min: true,
  max: true,
  anyValue: true,
  collect: true,
  concat: true,
};

/** Every aggregate function name. */
export const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = Object.freeze(
  Object.keys(AGGREGATES) as AggregateFunction[],
);
