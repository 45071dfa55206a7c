/**
 * Static type inference and checking of expression trees against a dataset's columns, run before any SQL.
 * int/float/bigint mix freely; datetime columns compare with Date literals; enums and literals act as strings/numbers;
 * NULL literals fit everywhere.
 */
import { ExpressionTypeError } from '../errors.ts';
import type { Column } from '../record/column.ts';
import { resolveColumn } from './column-resolver.ts';
import { describeNode } from './describe.ts';
import { type ExprNode, type NodeOfKind, type NodeVisitor, visitNode } from './expr-node.ts';
import {
  arrayOf,
  type ExprType,
  formatType,
  isComparable,
  isNumeric,
  isVectorLike,
  isWildcard,
  T,
  typeOfField,
  unify,
} from './expr-type.ts';
import type { FunctionName } from './function-nodes.ts';
import type { LiteralValue } from './literal-node.ts';

/** Options of `inferType`. */
export interface TypeCheckOptions {
  /** Columns of table-qualified sources (join sides) by alias; a qualified column not listed here is looked up in `columns`. */
  readonly tables?: Readonly<Record<string, readonly Column[]>>;
}

interface Ctx {
  readonly columns: readonly Column[];
  readonly options: TypeCheckOptions;
}

function literalType(value: LiteralValue): ExprType {
  if (value === null) return T.null;
  if (value instanceof Date) return T.datetime;
  switch (typeof value) {
    case 'string':
      return T.string;
    case 'boolean':
      return T.boolean;
    case 'bigint':
      return T.bigint;
    case 'number':
      return Number.isInteger(value) ? T.int : T.float;
    default: {
      const first = value[0];
      if (first === undefined) return arrayOf(T.any);
      if (typeof first === 'number')
        return arrayOf(value.every((v) => Number.isInteger(v)) ? T.int : T.float);
      return arrayOf(typeof first === 'string' ? T.string : T.boolean);
    }
  }
}

function fail(message: string): never {
  throw new ExpressionTypeError(message);
}

/** "C('name') (string)" */
function named(node: ExprNode, type: ExprType): string {
  return `${describeNode(node)} (${formatType(type)})`;
}

function requireKind(
  node: ExprNode,
  ctx: Ctx,
  accept: (t: ExprType) => boolean,
  what: string,
  where: ExprNode,
): ExprType {
  const type = infer(node, ctx);
  if (!isWildcard(type) && !accept(type))
    fail(`${describeNode(where)}: expected ${what}, but ${named(node, type)}.`);
  return type;
}

const isString = (t: ExprType): boolean => t.kind === 'string';
const isBoolean = (t: ExprType): boolean => t.kind === 'boolean';
const isArrayLike = (t: ExprType): boolean => t.kind === 'array' || t.kind === 'vector';
const isOrderable = (t: ExprType): boolean =>
  isNumeric(t) || ['string', 'datetime', 'boolean'].includes(t.kind);
const isScalar = (t: ExprType): boolean => isOrderable(t);

function checkFunction(node: NodeOfKind<'function'>, ctx: Ctx): ExprType {
  const [first, second, third] = node.args;
  const str = (n: ExprNode | undefined, what = 'a string'): ExprType =>
    n === undefined ? T.any : requireKind(n, ctx, isString, what, node);
  const num = (n: ExprNode | undefined, what = 'a number'): ExprType =>
    n === undefined ? T.any : requireKind(n, ctx, isNumeric, what, node);
  const name: FunctionName = node.name;
  switch (name) {
    case 'length':
      str(first);
      return T.int;
    case 'lower':
    case 'upper':
    case 'pathName':
    case 'pathParent':
    case 'pathSuffix':
    case 'pathStem':
      str(first);
      return T.string;
    case 'concat':
      for (const arg of node.args)
        requireKind(arg, ctx, isScalar, 'scalar values (strings or numbers)', node);
      return T.string;
    case 'substr':
      str(first);
      num(second, 'an integer start position');
      num(third, 'an integer length');
      return T.string;
    case 'replace':
      str(first);
      str(second);
      str(third);
      return T.string;
    case 'split':
      str(first);
      str(second, 'a string separator');
      return arrayOf(T.string);
    case 'abs':
    case 'floor':
    case 'ceil': {
      const t = num(first);
      return isWildcard(t) ? T.float : t;
    }
    case 'round':
      num(first);
      return T.float;
    case 'coalesce':
    case 'ifNull': {
      let result: ExprType = T.null;
      for (const arg of node.args) {
        const t = infer(arg, ctx);
        if (!isComparable(result, t))
          fail(
            `${describeNode(node)}: arguments of different types, ${named(arg, t)} after ${formatType(result)}.`,
          );
        result = unify(result, t);
      }
      return result;
    }
    case 'arrayLength':
      requireKind(first as ExprNode, ctx, isArrayLike, 'an array', node);
      return T.int;
    case 'arrayContains': {
      const arr = requireKind(first as ExprNode, ctx, isArrayLike, 'an array', node);
      const item = infer(second as ExprNode, ctx);
      const itemType = arr.kind === 'array' ? arr.items : arr.kind === 'vector' ? T.float : T.any;
      if (!isComparable(itemType, item))
        fail(
          `${describeNode(node)}: cannot look for ${named(second as ExprNode, item)} in an array of ${formatType(itemType)}.`,
        );
      return T.boolean;
    }
    case 'cosineDistance':
    case 'euclideanDistance':
    case 'innerProduct':
      for (const arg of node.args) requireKind(arg, ctx, isVectorLike, 'a vector (array of numbers)', node);
      return T.float;
  }
}

const checker: NodeVisitor<ExprType, Ctx> = {
  column: (node, ctx) => {
    const scoped = node.table !== undefined ? ctx.options.tables?.[node.table] : undefined;
    return typeOfField(resolveColumn(node.path, scoped ?? ctx.columns).type);
  },
  star: () => T.any,
  literal: (node) => literalType(node.value),
  comparison: (node, ctx) => {
    const left = infer(node.left, ctx);
    const right = infer(node.right, ctx);
    if (!isComparable(left, right))
      fail(
        `Cannot compare ${named(node.left, left)} with ${named(node.right, right)} in ${describeNode(node)}.`,
      );
    if ((left.kind === 'record' || right.kind === 'record') && node.op !== 'eq' && node.op !== 'ne') {
      fail(`Cannot order-compare records in ${describeNode(node)}.`);
    }
    return T.boolean;
  },
  logical: (node, ctx) => {
    for (const operand of node.operands)
      requireKind(operand, ctx, isBoolean, `boolean conditions in ${node.op}()`, node);
    return T.boolean;
  },
  not: (node, ctx) => {
    requireKind(node.operand, ctx, isBoolean, 'a boolean condition', node);
    return T.boolean;
  },
  in: (node, ctx) => {
    const operand = infer(node.operand, ctx);
    for (const value of node.values) {
      const t = infer(value, ctx);
      if (!isComparable(operand, t))
        fail(
          `Cannot compare ${named(node.operand, operand)} with ${named(value, t)} in ${describeNode(node)}.`,
        );
    }
    return T.boolean;
  },
  isNull: (node, ctx) => {
    infer(node.operand, ctx);
    return T.boolean;
  },
  match: (node, ctx) => {
    requireKind(node.operand, ctx, isString, `a string to ${node.op}`, node);
    requireKind(node.pattern, ctx, isString, 'a string pattern', node);
    return T.boolean;
  },
  arithmetic: (node, ctx) => {
    const left = requireKind(node.left, ctx, isNumeric, 'numbers for arithmetic', node);
    const right = requireKind(node.right, ctx, isNumeric, 'numbers for arithmetic', node);
    if (node.op === 'div') return T.float;
    if (node.op === 'mod') {
      // SQLite's % truncates its operands to integers; only integer remainders mean the same everywhere.
      for (const [side, t] of [
        [node.left, left],
        [node.right, right],
      ] as const) {
        if (t.kind === 'float') fail(`${describeNode(node)}: mod() needs integers, but ${named(side, t)}.`);
      }
    }
    const t = unify(left, right);
    return isWildcard(t) ? T.float : t;
  },
  negate: (node, ctx) => {
    const t = requireKind(node.operand, ctx, isNumeric, 'a number to negate', node);
    return isWildcard(t) ? T.float : t;
  },
  function: checkFunction,
  case: (node, ctx) => {
    let result: ExprType = T.null;
    const values = [...node.whens.map((w) => w.value), ...(node.else ? [node.else] : [])];
    for (const w of node.whens) requireKind(w.condition, ctx, isBoolean, 'boolean WHEN conditions', node);
    for (const value of values) {
      const t = infer(value, ctx);
      if (!isComparable(result, t))
        fail(
          `${describeNode(node)}: branches of different types, ${named(value, t)} after ${formatType(result)}.`,
        );
      result = unify(result, t);
    }
    return result;
  },
  rowNumber: (node, ctx) => {
    for (const p of node.partitionBy) infer(p, ctx);
    for (const o of node.orderBy) infer(o.expr, ctx);
    return T.int;
  },
  aggregate: (node, ctx) => {
    if (node.arg.kind !== 'star' && node.arg.kind !== 'literal' && isAggregate(node.arg)) {
      fail(`Aggregates cannot be nested: ${describeNode(node)}.`);
    }
    switch (node.fn) {
      case 'count':
      case 'countDistinct':
        infer(node.arg, ctx);
        return T.int;
      case 'sum':
      case 'sumInt': {
        const t = requireKind(node.arg, ctx, isNumeric, 'a number to sum', node);
        return isWildcard(t) ? T.float : t;
      }
      case 'avg':
      case 'avgInt':
        requireKind(node.arg, ctx, isNumeric, 'a number to average', node);
        return T.float;
      case 'min':
      case 'max':
        return requireKind(node.arg, ctx, isOrderable, 'a number, string, boolean or datetime', node);
      case 'anyValue':
        return infer(node.arg, ctx);
      case 'collect':
        return arrayOf(infer(node.arg, ctx));
      case 'concat':
        requireKind(node.arg, ctx, isScalar, 'strings (or numbers) to concatenate', node);
        if (node.separator) requireKind(node.separator, ctx, isString, 'a string separator', node);
        return T.string;
    }
  },
};

function isAggregate(node: ExprNode): boolean {
  return node.kind === 'aggregate';
}

function infer(node: ExprNode, ctx: Ctx): ExprType {
  return visitNode(checker, node, ctx);
}

/**
 * The type of `node` over a source with `columns`, checking every sub-expression.
 * @throws UnknownColumnError for an unknown path (with the closest existing paths as suggestions).
 * @throws NotALeafColumnError for a path naming a nested object (listing its leaves).
 * @throws ExpressionTypeError when operand types do not fit; the message names the offending expression.
 */
export function inferType(
  node: ExprNode,
  columns: readonly Column[],
  options: TypeCheckOptions = {},
): ExprType {
  return infer(node, { columns, options });
}

/**
 * Checks that `node` is a boolean condition (for `where`/`having`/join `on`).
 * @throws ExpressionTypeError when it is not boolean (besides everything `inferType` throws).
 */
export function checkCondition(
  node: ExprNode,
  columns: readonly Column[],
  options: TypeCheckOptions = {},
): void {
  const type = inferType(node, columns, options);
  if (!isWildcard(type) && type.kind !== 'boolean') {
    throw new ExpressionTypeError(`A condition must be boolean, but ${named(node, type)}.`);
  }
}
