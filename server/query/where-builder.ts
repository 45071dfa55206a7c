import { aggregateNode } from '../../schema/expr/aggregate-node.ts';
import { starNode } from '../../schema/expr/column-node.ts';
import type { ExprNode } from '../../schema/expr/expr-node.ts';
import { caseNode, functionNode } from '../../schema/expr/function-nodes.ts';
import { literalNode } from '../../schema/expr/literal-node.ts';
import {
  type ComparisonOp,
  comparisonNode,
  inNode,
  isNullNode,
  logicalNode,
  type MatchOp,
  matchNode,
  notNode,
} from '../../schema/expr/predicate-nodes.ts';
import type { FieldType } from '../../schema/record/field-type.ts';
import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { BadUserInputError } from '../server-errors.ts';
import type { FilterBudget } from './filter-limits.ts';
import { ID_COLUMN } from './query-scope.ts';
import { encodeParam } from './value-codec.ts';

/**
 * Builds a Hasura-style boolean expression (`<ds>_bool_exp`) into an expression node.
 *
 * Semantics are Hasura's on PostgreSQL: the keys of one object and several operators on one field are
 * ANDed; `{}` and `_and: []` are true, `_or: []` false; `_in: []` false, `_nin: []` true; comparisons with
 * NULL are unknown (SQL three-valued logic), so neither `{x: {_gt: 1}}` nor its `_not` matches a NULL `x`.
 * `_like`/`_ilike` use `%`/`_` wildcards with `\` as escape (a pattern ending in a lone `\` is refused);
 * `_regex`/`_iregex` are regular expressions (JavaScript's Unicode mode, checked here).
 */

/** Maps a leaf to the expression reading it (its column, or NULL if a version lacks it). */
export type ColumnExpr = (leaf: LeafModel) => ExprNode;

type Operand = Readonly<Record<string, unknown>>;

const TRUE = literalNode(true);
const FALSE = literalNode(false);
const NULL = literalNode(null);

/** AND of parts, simplified: literal `true` parts dropped, none → true, one → itself. */
export function allOf(all: readonly ExprNode[]): ExprNode {
  const parts = all.filter((p) => !(p.kind === 'literal' && p.value === true));
  if (parts.length === 0) return TRUE;
  return parts.length === 1 ? (parts[0] as ExprNode) : logicalNode('and', parts);
}

/**
 * Builds `exp` on `object` (the row or a nested object); unknown keys are rejected.
 * @throws BadUserInputError for unknown fields/operators, bad values, or a filter past the budget's limits.
 */
export function buildWhere(
  object: ObjectModel,
  exp: unknown,
  col: ColumnExpr,
  budget: FilterBudget,
  depth = 1,
): ExprNode {
  if (exp === null || exp === undefined) return TRUE;
  budget.enter(depth);
  const parts: ExprNode[] = [];
  for (const [key, value] of Object.entries(exp as Operand)) {
    if (value === undefined) continue;
    if (value === null) throw new BadUserInputError(`where: '${key}' must not be null.`);
    if (key === '_and' || key === '_or') {
      const items = value as readonly unknown[];
      budget.count(items.length === 0 ? 1 : 0);
      const built = items.map((e) => buildWhere(object, e, col, budget, depth + 1));
      parts.push(key === '_and' ? allOf(built) : built.length === 0 ? FALSE : logicalNode('or', built));
      continue;
    }
    if (key === '_not') {
      parts.push(notNode(buildWhere(object, value, col, budget, depth + 1)));
      continue;
    }
    if (key === '_id' && object.path === '') {
      parts.push(buildOperators({ kind: 'bigint' }, '_id', value as Operand, ID_COLUMN, budget));
      continue;
    }
    const field = object.byGqlName.get(key);
    if (field === undefined) throw new BadUserInputError(`where: unknown field '${key}'.`);
    parts.push(
      field.kind === 'object'
        ? buildWhere(field, value, col, budget, depth + 1)
        : buildOperators(field.type, field.gqlPath, value as Operand, col(field), budget),
    );
  }
  return allOf(parts);
}

const BINARY: Readonly<Record<string, ComparisonOp>> = {
  _eq: 'eq',
  _neq: 'ne',
  _gt: 'gt',
  _gte: 'gte',
  _lt: 'lt',
  _lte: 'lte',
};

const PATTERNS: Readonly<Record<string, { op: MatchOp; negated: boolean }>> = {
  _like: { op: 'like', negated: false },
  _nlike: { op: 'like', negated: true },
  _ilike: { op: 'ilike', negated: false },
  _nilike: { op: 'ilike', negated: true },
  _regex: { op: 'regexp', negated: false },
  _nregex: { op: 'regexp', negated: true },
  _iregex: { op: 'iregexp', negated: false },
  _niregex: { op: 'iregexp', negated: true },
};

/**
 * Builds the operators of one `<Type>_comparison_exp` against `c`, whose values have type `type` (also used
 * by HAVING, where `c` is an aggregate and `type` its result type).
 */
export function buildOperators(
  type: FieldType,
  path: string,
  ops: Operand,
  c: ExprNode,
  budget: FilterBudget,
): ExprNode {
  const parts: ExprNode[] = [];
  for (const [op, value] of Object.entries(ops)) {
    if (value === undefined) continue;
    budget.count();
    if (value === null) {
      throw new BadUserInputError(`where: '${path}.${op}' must not be null (use _is_null to test for NULL).`);
    }
    const binary = BINARY[op];
    if (binary !== undefined) {
      parts.push(comparisonNode(binary, c, literalNode(encodeParam(type, value, path))));
      continue;
    }
    const pattern = PATTERNS[op];
    if (pattern !== undefined) {
      const text = String(value);
      if (pattern.op === 'like' || pattern.op === 'ilike') checkLikePattern(text, path, op);
      else checkRegex(text, pattern.op === 'iregexp' ? 'iu' : 'u', path);
      parts.push(matchNode(pattern.op, c, literalNode(text), pattern.negated));
      continue;
    }
    switch (op) {
      case '_in':
      case '_nin': {
        const list = value as readonly unknown[];
        parts.push(
          inNode(
            c,
            list.map((v) => literalNode(encodeParam(type, v, path))),
            op === '_nin',
          ),
        );
        break;
      }
      case '_is_null':
        parts.push(isNullNode(c, value !== true));
        break;
      case '_contains': {
        if (type.kind !== 'array') throw new BadUserInputError(`where: '${path}' is not an array.`);
        const items = Array.isArray(value) ? value : [value];
        const asText = budget.capabilities.bigintArrayItemsAsText;
        const each = items.map((v) =>
          functionNode('arrayContains', [c, literalNode(encodeArrayItem(type.items, v, path, asText))]),
        );
        // NULL arrays stay unknown (PostgreSQL `NULL @> …` is NULL), so `_not` does not match them either.
        parts.push(caseNode([{ condition: isNullNode(c), value: NULL }], allOf(each)));
        break;
      }
      default:
        throw new BadUserInputError(`where: unknown operator '${op}' on '${path}'.`);
    }
  }
  return allOf(parts);
}

/**
 * Encodes one array item for `arrayContains`, following how arrays are stored (schema/record/value-codec.ts):
 * in JSON text bigint items are decimal strings (`asText`).
 */
function encodeArrayItem(type: FieldType, value: unknown, path: string, asText: boolean) {
  const encoded = encodeParam(type, value, path);
  return asText && type.kind === 'bigint' ? String(encoded) : encoded;
}

/** A LIKE pattern must not end in the escape character `\` (it would escape nothing). */
function checkLikePattern(pattern: string, path: string, op: string): void {
  let escapes = 0;
  for (let i = pattern.length - 1; i >= 0 && pattern[i] === '\\'; i--) escapes++;
  if (escapes % 2 === 1) {
    throw new BadUserInputError(
      `where: '${path}.${op}': the pattern ends with the escape character '\\'; write '\\\\' for a literal backslash.`,
    );
  }
}

function checkRegex(pattern: string, flags: string, path: string): void {
  try {
    new RegExp(pattern, flags);
  } catch (cause) {
    throw new BadUserInputError(`where: '${path}': invalid regular expression: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** `count(*)`, for HAVING and group ordering. */
export const COUNT_ALL: ExprNode = aggregateNode('count', starNode());
