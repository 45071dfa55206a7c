/**
 * The fluent expression builder: `C('det.confidence').gt(0.9)`, `and(...)`, `or(...)`, `not(...)`, `lit(v)`,
 * `caseWhen(...)`. Every call returns a new immutable `Expr`; `Expr.node` is the underlying node.
 * Raw values passed to methods become bound literals (a bare string is a string literal — use `C()` for columns).
 */
import { type ArithmeticOp, arithmeticNode, negateNode } from './arithmetic-nodes.ts';
import { columnNode } from './column-node.ts';
import { InvalidExpressionError } from './expr-errors.ts';
import { type ExprNode, isExprNode } from './expr-node.ts';
import { caseNode } from './function-nodes.ts';
import { isLiteralValue, type LiteralValue, literalNode } from './literal-node.ts';
import {
  type ComparisonOp,
  comparisonNode,
  inNode,
  isNullNode,
  logicalNode,
  type MatchOp,
  matchNode,
  notNode,
} from './predicate-nodes.ts';

/** Anything that can stand for an expression: a builder, a node, or a raw value (bound as a literal). */
export type ExprInput = Expr | ExprNode | LiteralValue;

/**
 * Normalises an input to a node: `Expr` → its node, a node → itself, a raw value → a literal node.
 * @throws InvalidExpressionError for values that are neither (functions, plain objects, undefined, …).
 */
export function toNode(input: ExprInput): ExprNode {
  if (input instanceof Expr) return input.node;
  if (isExprNode(input)) return input;
  if (isLiteralValue(input)) return literalNode(input);
  throw new InvalidExpressionError(`Cannot use ${String(input)} (${typeof input}) as an expression value.`);
}

/** An immutable expression with fluent operators. */
export class Expr {
  /** The immutable node this builder wraps. */
  readonly node: ExprNode;

  constructor(node: ExprNode) {
    this.node = node;
    Object.freeze(this);
  }

  private cmp(op: ComparisonOp, other: ExprInput): Expr {
    return new Expr(comparisonNode(op, this.node, toNode(other)));
  }

  /** `this = other` (NULL when either side is NULL). */
  eq(other: ExprInput): Expr {
    return this.cmp('eq', other);
  }
  /** `this <> other` (NULL when either side is NULL). */
  ne(other: ExprInput): Expr {
    return this.cmp('ne', other);
  }
  /** `this > other`. */
  gt(other: ExprInput): Expr {
    return this.cmp('gt', other);
  }
  /** `this >= other`. */
  gte(other: ExprInput): Expr {
    return this.cmp('gte', other);
  }
  /** `this < other`. */
  lt(other: ExprInput): Expr {
    return this.cmp('lt', other);
  }
  /** `this <= other`. */
  lte(other: ExprInput): Expr {
    return this.cmp('lte', other);
  }

  /** `this IN (values…)`; an empty list is false. */
  in(values: readonly ExprInput[]): Expr {
    return new Expr(inNode(this.node, values.map(toNode), false));
  }
  /** `this NOT IN (values…)`; an empty list is true. */
  notIn(values: readonly ExprInput[]): Expr {
    return new Expr(inNode(this.node, values.map(toNode), true));
  }

  private match(op: MatchOp, pattern: ExprInput): Expr {
    return new Expr(matchNode(op, this.node, toNode(pattern)));
  }
  /** Case-sensitive SQL LIKE (`%` any run, `_` one character). */
  like(pattern: ExprInput): Expr {
    return this.match('like', pattern);
  }
  /** `NOT LIKE` (NULL stays NULL). */
  notLike(pattern: ExprInput): Expr {
    return new Expr(matchNode('like', this.node, toNode(pattern), true));
  }
  /** `NOT ILIKE` (NULL stays NULL). */
  notIlike(pattern: ExprInput): Expr {
    return new Expr(matchNode('ilike', this.node, toNode(pattern), true));
  }
  /** Case-insensitive LIKE. */
  ilike(pattern: ExprInput): Expr {
    return this.match('ilike', pattern);
  }
  /** Case-sensitive glob (`*`, `?`, `[abc]`, `[^abc]`), matching the whole string. */
  glob(pattern: ExprInput): Expr {
    return this.match('glob', pattern);
  }
  /** Regular-expression search (unanchored; use `^…$` to match the whole string). */
  regexp(pattern: ExprInput): Expr {
    return this.match('regexp', pattern);
  }

  /** `this IS NULL`. */
  isNull(): Expr {
    return new Expr(isNullNode(this.node, false));
  }
  /** `this IS NOT NULL`. */
  isNotNull(): Expr {
    return new Expr(isNullNode(this.node, true));
  }

  private arith(op: ArithmeticOp, other: ExprInput): Expr {
    return new Expr(arithmeticNode(op, this.node, toNode(other)));
  }
  /** `this + other`. */
  add(other: ExprInput): Expr {
    return this.arith('add', other);
  }
  /** `this - other`. */
  sub(other: ExprInput): Expr {
    return this.arith('sub', other);
  }
  /** `this * other`. */
  mul(other: ExprInput): Expr {
    return this.arith('mul', other);
  }
  /** `this / other`, always floating-point division. */
  div(other: ExprInput): Expr {
    return this.arith('div', other);
  }
  /** `this % other`: integer remainder (type checking rejects float operands). */
  mod(other: ExprInput): Expr {
    return this.arith('mod', other);
  }
  /** `-this`. */
  neg(): Expr {
    return new Expr(negateNode(this.node));
  }
}

/**
 * A column by dot path: `C('det.confidence')`. `options.table` qualifies it (the alias of a joined source).
 * @throws InvalidExpressionError for an empty path or an empty segment (`'a..b'`).
 */
export function C(path: string, options?: { readonly table?: string }): Expr {
  if (path.length === 0 || path.split('.').some((s) => s.length === 0)) {
    throw new InvalidExpressionError(
      `Invalid column path '${path}': use dot-separated field names like 'det.confidence'.`,
    );
  }
  return new Expr(columnNode(path, options?.table));
}

/** A literal value (always bound as a parameter). */
export function lit(value: LiteralValue): Expr {
  return new Expr(literalNode(value));
}

/** Conjunction of any number of conditions; `and()` is true. */
export function and(...conditions: readonly ExprInput[]): Expr {
  return new Expr(logicalNode('and', conditions.map(toNode)));
}

/** Disjunction of any number of conditions; `or()` is false. */
export function or(...conditions: readonly ExprInput[]): Expr {
  return new Expr(logicalNode('or', conditions.map(toNode)));
}

/** Negation (`not(NULL)` is NULL, so rows with NULL comparisons match neither `x` nor `not(x)`). */
export function not(condition: ExprInput): Expr {
  return new Expr(notNode(toNode(condition)));
}

/**
 * `CASE WHEN c1 THEN v1 … ELSE e END`. Without `elseValue` the result is NULL when no arm matches.
 * @throws InvalidExpressionError when `arms` is empty.
 */
export function caseWhen(arms: readonly (readonly [ExprInput, ExprInput])[], elseValue?: ExprInput): Expr {
  const whens = arms.map(([condition, value]) => ({ condition: toNode(condition), value: toNode(value) }));
  return new Expr(caseNode(whens, elseValue === undefined ? undefined : toNode(elseValue)));
}
