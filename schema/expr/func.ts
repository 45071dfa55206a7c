/**
 * Scalar functions: `func.lower(C('name'))`, `func.cosineDistance(C('emb'), [0.1, 0.2])`, …
 * Arguments accept an `Expr`, a node or a raw value. In `func.*` a bare string is a string **literal**;
 * use `C('path')` for columns.
 */
import { Expr, type ExprInput, toNode } from './builder.ts';

type ExprT = Expr;

import { type FunctionName, functionNode } from './function-nodes.ts';

function call(name: FunctionName, args: readonly ExprInput[]): ExprT {
  return new Expr(functionNode(name, args.map(toNode)));
}

/** Scalar function builders. Each throws InvalidExpressionError on a wrong argument count. */
export const func = Object.freeze({
  /** Number of characters of a string. */
  length: (s: ExprInput): ExprT => call('length', [s]),
  /** ASCII lower-case. */
  lower: (s: ExprInput): ExprT => call('lower', [s]),
  /** ASCII upper-case. */
  upper: (s: ExprInput): ExprT => call('upper', [s]),
  /** String concatenation; NULL if any argument is NULL. */
  concat: (...parts: readonly ExprInput[]): ExprT => call('concat', parts),
  /** Substring from 1-based `start`, optionally `length` characters. */
  substr: (s: ExprInput, start: ExprInput, length?: ExprInput): ExprT =>
    call('substr', length === undefined ? [s, start] : [s, start, length]),
  /** Replaces every occurrence of `from` by `to`. */
  replace: (s: ExprInput, from: ExprInput, to: ExprInput): ExprT => call('replace', [s, from, to]),
  /** Splits a string by a separator into an array of strings. */
  split: (s: ExprInput, separator: ExprInput): ExprT => call('split', [s, separator]),
  /** Basename of a `/`-separated path (`a/b/c.jpg` → `c.jpg`). */
  pathName: (p: ExprInput): ExprT => call('pathName', [p]),
  /** Dirname without trailing slash (`a/b/c.jpg` → `a/b`, `c.jpg` → `''`). */
  pathParent: (p: ExprInput): ExprT => call('pathParent', [p]),
  /** Extension of the basename including the dot (`c.tar.gz` → `.gz`, `.bashrc` → `''`). */
  pathSuffix: (p: ExprInput): ExprT => call('pathSuffix', [p]),
  /** Basename without its extension (`c.tar.gz` → `c.tar`). */
  pathStem: (p: ExprInput): ExprT => call('pathStem', [p]),
  /** Absolute value. */
  abs: (x: ExprInput): ExprT => call('abs', [x]),
  /** Rounds to the nearest integer, halves away from zero; the result is a float. */
  round: (x: ExprInput): ExprT => call('round', [x]),
  /** Largest integer not greater than x. */
  floor: (x: ExprInput): ExprT => call('floor', [x]),
  /** Smallest integer not less than x. */
  ceil: (x: ExprInput): ExprT => call('ceil', [x]),
  /** First non-NULL argument. */
  coalesce: (...values: readonly ExprInput[]): ExprT => call('coalesce', values),
  /** `value` unless it is NULL, else `fallback`. */
  ifNull: (value: ExprInput, fallback: ExprInput): ExprT => call('ifNull', [value, fallback]),
  /** Number of elements of an array (or vector). */
  arrayLength: (a: ExprInput): ExprT => call('arrayLength', [a]),
  /** True when the array contains `item`. */
  arrayContains: (a: ExprInput, item: ExprInput): ExprT => call('arrayContains', [a, item]),
  /** 1 − cosine similarity of two vectors. */
  cosineDistance: (a: ExprInput, b: ExprInput): ExprT => call('cosineDistance', [a, b]),
  /** Euclidean (L2) distance of two vectors. */
  euclideanDistance: (a: ExprInput, b: ExprInput): ExprT => call('euclideanDistance', [a, b]),
  /** Inner (dot) product of two vectors. */
  innerProduct: (a: ExprInput, b: ExprInput): ExprT => call('innerProduct', [a, b]),
});
