import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { BadUserInputError } from '../server-errors.ts';
import { ID_COLUMN } from './scope.ts';

/**
 * `order_by` values: Hasura's `order_by` enum. `asc` puts NULLs last and `desc` puts them first (as in
 * PostgreSQL); SQLite's own defaults differ, so the compiled SQL always says NULLS FIRST/LAST.
 */
export const ORDER_DIRECTIONS = {
  asc: 'ASC NULLS LAST',
  asc_nulls_first: 'ASC NULLS FIRST',
  asc_nulls_last: 'ASC NULLS LAST',
  desc: 'DESC NULLS FIRST',
  desc_nulls_first: 'DESC NULLS FIRST',
  desc_nulls_last: 'DESC NULLS LAST',
} as const;

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

/** Compiles row `order_by` items to `ORDER BY` terms (without the keyword). */
export function compileRowOrder(
  root: ObjectModel,
  orderBy: unknown,
  col: (leaf: LeafModel) => string,
): string[] {
  return asList(orderBy).map((item) => {
    const term = singleKeyPath(item, 'order_by');
    const sql =
      term.path.length === 1 && term.path[0] === '_id' ? ID_COLUMN : col(leafAt(root, term.path, 'order_by'));
    return `${sql} ${ORDER_DIRECTIONS[term.direction]}`;
  });
}
