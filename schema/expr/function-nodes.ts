/** Scalar function calls (a closed set of names every dialect implements) and `CASE WHEN`. */

import { InvalidExpressionError } from './expr-errors.ts';
import type { ExprNode } from './expr-node.ts';

/**
 * Every scalar function chainql compiles, with its arity:
 * - string: `length(s)` (characters), `lower(s)`, `upper(s)` (ASCII case mapping), `concat(a, b, …)` (NULL if any
 *   argument is NULL), `substr(s, start[, length])` (1-based), `replace(s, from, to)` (all occurrences),
 *   `split(s, sep)` → array of strings;
 * - path (file-path semantics on `/`-separated strings): `pathName` (basename), `pathParent` (dirname without
 *   trailing slash, `''` when there is none), `pathSuffix` (`'.jpg'` style extension of the basename or `''`;
 *   a leading dot does not start an extension), `pathStem` (basename without its suffix);
 * - math: `abs`, `round` (to an integer, halves away from zero), `floor`, `ceil`;
 * - conditional: `coalesce(a, b, …)`, `ifNull(a, b)`;
 * - arrays: `arrayLength(a)`, `arrayContains(a, value)`;
 * - vectors: `cosineDistance(a, b)` (1 − cosine similarity; NULL when either vector
 *   is all zeros), `euclideanDistance(a, b)` (L2), `innerProduct(a, b)` (Σ aᵢbᵢ). Vectors of different lengths
 *   are an error.
 */
export type FunctionName =
  | 'length'
  | 'lower'
  | 'upper'
  | 'concat'
  | 'substr'
  | 'replace'
  | 'split'
  | 'pathName'
  | 'pathParent'
  | 'pathSuffix'
  | 'pathStem'
  | 'abs'
  | 'round'
  | 'floor'
  | 'ceil'
  | 'coalesce'
  | 'ifNull'
  | 'arrayLength'
  | 'arrayContains'
  | 'cosineDistance'
  | 'euclideanDistance'
  | 'innerProduct';

/** Allowed argument counts per function: `[min, max]` (`max` Infinity for variadic). */
export const FUNCTION_ARITY: Readonly<Record<FunctionName, readonly [number, number]>> = Object.freeze({
  length: [1, 1],
  lower: [1, 1],
  upper: [1, 1],
  concat: [1, Number.POSITIVE_INFINITY],
  substr: [2, 3],
  replace: [3, 3],
  split: [2, 2],
  pathName: [1, 1],
  pathParent: [1, 1],
  pathSuffix: [1, 1],
  pathStem: [1, 1],
  abs: [1, 1],
  round: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  coalesce: [1, Number.POSITIVE_INFINITY],
  ifNull: [2, 2],
  arrayLength: [1, 1],
  arrayContains: [2, 2],
  cosineDistance: [2, 2],
  euclideanDistance: [2, 2],
  innerProduct: [2, 2],
});

/** `name(args…)`. */
export interface FunctionNode {
  readonly kind: 'function';
  readonly name: FunctionName;
  readonly args: readonly ExprNode[];
}

/** One `WHEN condition THEN value` arm. */
export interface WhenClause {
  readonly condition: ExprNode;
  readonly value: ExprNode;
}

/** `CASE WHEN … THEN … [ELSE …] END`; without `else` the result is NULL when no arm matches. */
export interface CaseNode {
  readonly kind: 'case';
  readonly whens: readonly WhenClause[];
  readonly else?: ExprNode;
}

/** Error thrown when a function receives the wrong number of arguments. */
/**
 * Creates a frozen function node.
 * @throws InvalidExpressionError when the argument count is outside `FUNCTION_ARITY[name]`.
 */
export function functionNode(name: FunctionName, args: readonly ExprNode[]): FunctionNode {
  const [min, max] = FUNCTION_ARITY[name];
  if (args.length < min || args.length > max) {
    const expected =
      min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min}–${max}`;
    throw new InvalidExpressionError(`func.${name}() takes ${expected} argument(s), got ${args.length}.`);
  }
  return Object.freeze({ kind: 'function', name, args: Object.freeze([...args]) });
}

/**
 * Creates a frozen case node.
 * @throws InvalidExpressionError when `whens` is empty.
 */
export function caseNode(whens: readonly WhenClause[], elseValue?: ExprNode): CaseNode {
  if (whens.length === 0)
    throw new InvalidExpressionError('caseWhen() needs at least one [condition, value] arm.');
  const arms = Object.freeze(whens.map((w) => Object.freeze({ condition: w.condition, value: w.value })));
  return Object.freeze(
    elseValue === undefined ? { kind: 'case', whens: arms } : { kind: 'case', whens: arms, else: elseValue },
  );
}
