import { ExpressionTypeError } from '../../schema/errors.ts';
import { aggregateNode, exactAggregate } from '../../schema/expr/aggregate-node.ts';
import {
  checkCondition,
  type ExprNode,
  type ExprType,
  inferType,
  mapChildren,
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
 * Every `sum`/`avg` of an integer expression in `node` as `sumInt`/`avgInt`, which never wrap past 64 bits
 * (ClickHouse adds them in 128 bits; SQLite fails with INTEGER_OVERFLOW): at the top, as
 * `groupBy({ total: sum('n') })` and the `sum()`/`avg()` terminals produce, and inside expressions such as
 * `sum('n').div(count())`. A tree without such an aggregate is returned as is.
 */
export function widenIntegerSum(node: ExprNode, columns: readonly Column[]): ExprNode {
  const inner = mapChildren(node, (child) => widenIntegerSum(child, columns));
  if (inner.kind !== 'aggregate' || (inner.fn !== 'sum' && inner.fn !== 'avg')) return inner;
  const fn = exactAggregate(inner.fn, inferType(inner.arg, columns).kind);
  return fn === inner.fn ? inner : aggregateNode(fn, inner.arg);
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
