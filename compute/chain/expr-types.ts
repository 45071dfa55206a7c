import { ExpressionTypeError } from '../../schema/errors.ts';
import { aggregateNode, exactAggregate } from '../../schema/expr/aggregate-node.ts';
import {
  checkCondition,
  type ExprNode,
  type ExprType,
  inferType,
  resolveColumn,
} from '../../schema/expr/index.ts';
import type { Column } from '../../schema/record/column.ts';
import type { FieldType, LeafType } from '../../schema/record/field-type.ts';

/** The stored type of an expression's result: the leaf type of a computed column and whether it may be NULL. */
export interface ComputedType {
  readonly type: LeafType;
  readonly nullable: boolean;
}

/**
 * Type-checks `node` over `columns` and maps its type to the leaf type a column holding it gets.
 * A bare column keeps its exact stored type (enums, literals, nested arrays); counts are never NULL.
 * @throws UnknownColumnError / ExpressionTypeError from the checker.
 */
export function expressionLeafType(node: ExprNode, columns: readonly Column[]): ComputedType {
  const type = inferType(node, columns);
  if (node.kind === 'column') {
    const column = resolveColumn(node.path, columns);
    return { type: column.type, nullable: column.nullable };
  }
  const neverNull = node.kind === 'aggregate' && (node.fn === 'count' || node.fn === 'countDistinct');
  return { type: toLeaf(type), nullable: !neverNull };
}

function toLeaf(type: ExprType): LeafType {
  switch (type.kind) {
    case 'string':
    case 'int':
    case 'float':
    case 'bigint':
    case 'boolean':
    case 'datetime':
      return { kind: type.kind };
    case 'vector':
      return { kind: 'vector' };
    case 'array':
      return { kind: 'array', items: toLeaf(type.items) as FieldType };
    case 'record':
      return { kind: 'record', values: { kind: 'string' } };
    case 'null':
    case 'any':
      return { kind: 'string' };
  }
}

/**
 * `sum`/`avg` of an integer expression as `sumInt`/`avgInt`, which never wrap past 64 bits (ClickHouse adds them in
 * 128 bits; SQLite fails with INTEGER_OVERFLOW). Rewrites an aggregate at the top of `node`, the form
 * `groupBy({ total: sum('n') })` and the chain's `sum()`/`avg()` terminals produce; other nodes are returned as is.
 */
export function widenIntegerSum(node: ExprNode, columns: readonly Column[]): ExprNode {
  if (node.kind !== 'aggregate' || (node.fn !== 'sum' && node.fn !== 'avg')) return node;
  const fn = exactAggregate(node.fn, inferType(node.arg, columns).kind);
  return fn === node.fn ? node : aggregateNode(fn, node.arg);
}

/** Checks that `node` is a boolean condition; `where` names the calling step in the error. */
export function requireBoolean(node: ExprNode, columns: readonly Column[], where: string): void {
  try {
    checkCondition(node, columns);
  } catch (error) {
    if (error instanceof ExpressionTypeError) {
      throw new ExpressionTypeError(`${where}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
