import type { ExprNode } from '../../schema/expr/expr-node.ts';
import type { OrderByItem } from '../../schema/query/query-node.ts';
import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { BadUserInputError } from '../server-errors.ts';
import { ID_COLUMN } from './query-scope.ts';

/**
 * `order_by` values: Hasura's `order_by` enum. `asc` puts NULLs last and `desc` puts them first (as in
 * PostgreSQL); the compilers always state NULLS FIRST/LAST, whatever the engine's default.
 */
export const ORDER_DIRECTIONS = {
  asc: { direction: 'asc', nulls: 'last' },
  asc_nulls_first: { direction: 'asc', nulls: 'first' },
  asc_nulls_last: { direction: 'asc', nulls: 'last' },
  desc: { direction: 'desc', nulls: 'first' },
  desc_nulls_first: { direction: 'desc', nulls: 'first' },
  desc_nulls_last: { direction: 'desc', nulls: 'last' },
} as const satisfies Record<string, Omit<OrderByItem, 'expr'>>;

/** An order key on `expr` in one of the `order_by` directions. */
export function orderItem(expr: ExprNode, direction: OrderDirection): OrderByItem {
  return { expr, ...ORDER_DIRECTIONS[direction] };
}

export type OrderDirection = keyof typeof ORDER_DIRECTIONS;

/** One resolved sort key. */
export interface OrderTerm {
  readonly path: readonly string[];
  readonly direction: OrderDirection;
}

/**
 * Reads one single-key order object down to its direction: `{det: {confidence: desc}}` →
 * path `['det', 'confidence']`, direction `desc`.
 * @throws BadUserInputError when an object has zero or several keys (use one list item per key).
 */
export function singleKeyPath(item: unknown, where: string): OrderTerm {
  const path: string[] = [];
  let value: unknown = item;
  while (value !== null && typeof value === 'object') {
    const keys = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined && v !== null,
    );
    if (keys.length !== 1) {
      const shown = path.length === 0 ? 'an order_by item' : `order_by '${path.join('.')}'`;
      throw new BadUserInputError(
        `${where}: ${shown} has ${keys.length} keys; each order_by object must have exactly one key. ` +
          'Use a list to sort by several fields: [{a: asc}, {b: desc}].',
      );
    }
    const [key, next] = keys[0] as [string, unknown];
    path.push(key);
    value = next;
  }
  if (typeof value !== 'string' || !(value in ORDER_DIRECTIONS)) {
    throw new BadUserInputError(`${where}: invalid order direction at '${path.join('.')}'.`);
  }
  return { path, direction: value as OrderDirection };
}

/** Resolves a GraphQL path inside an object tree to a leaf. */
export function leafAt(root: ObjectModel, path: readonly string[], where: string): LeafModel {
  let object: ObjectModel = root;
  for (let i = 0; i < path.length; i++) {
    const field = object.byGqlName.get(path[i] as string);
    if (field === undefined)
      throw new BadUserInputError(`${where}: unknown field '${path.slice(0, i + 1).join('.')}'.`);
    if (field.kind === 'leaf') {
      if (i !== path.length - 1) throw new BadUserInputError(`${where}: '${path.join('.')}' is not a field.`);
      return field;
    }
    object = field;
  }
  throw new BadUserInputError(`${where}: '${path.join('.')}' is an object; order by one of its fields.`);
}

/** Normalises a GraphQL list argument that may have been given as a single object. */
export function asList(value: unknown): readonly unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A resolved row sort key: the expression, and the leaf it reads (undefined for `_id`). */
export interface RowOrderKey {
  readonly item: OrderByItem;
  readonly leaf: LeafModel | undefined;
}

/** Builds row `order_by` items into order keys (without the `sys.id` tie-breaker). */
export function buildRowOrder(
  root: ObjectModel,
  orderBy: unknown,
  col: (leaf: LeafModel) => ExprNode,
): RowOrderKey[] {
  return asList(orderBy).map((item) => {
    const term = singleKeyPath(item, 'order_by');
    if (term.path.length === 1 && term.path[0] === '_id')
      return { item: orderItem(ID_COLUMN, term.direction), leaf: undefined };
    const leaf = leafAt(root, term.path, 'order_by');
    return { item: orderItem(col(leaf), term.direction), leaf };
  });
}
