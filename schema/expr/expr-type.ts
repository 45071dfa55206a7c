/** The small type lattice expressions are checked against, and its mapping from column leaf types. */
import type { FieldType, LeafType } from '../record/field-type.ts';

/** The static type of an expression. `null` is the type of a NULL literal; `any` is unknown (accepts anything). */
export type ExprType =
  | { readonly kind: 'string' }
  | { readonly kind: 'int' }
  | { readonly kind: 'float' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'vector' }
  | { readonly kind: 'array'; readonly items: ExprType }
  | { readonly kind: 'record' }
  | { readonly kind: 'null' }
  | { readonly kind: 'any' };

/** Kind names of `ExprType`. */
export type ExprTypeKind = ExprType['kind'];

/** Shared instances of the simple types. */
export const T = Object.freeze({
  string: Object.freeze({ kind: 'string' }) as ExprType,
  int: Object.freeze({ kind: 'int' }) as ExprType,
  float: Object.freeze({ kind: 'float' }) as ExprType,
  bigint: Object.freeze({ kind: 'bigint' }) as ExprType,
  boolean: Object.freeze({ kind: 'boolean' }) as ExprType,
  datetime: Object.freeze({ kind: 'datetime' }) as ExprType,
  vector: Object.freeze({ kind: 'vector' }) as ExprType,
  record: Object.freeze({ kind: 'record' }) as ExprType,
  null: Object.freeze({ kind: 'null' }) as ExprType,
  any: Object.freeze({ kind: 'any' }) as ExprType,
});

/** An array type of `items`. */
export function arrayOf(items: ExprType): ExprType {
  return Object.freeze({ kind: 'array', items });
}

/** The expression type of a stored field: enums act as strings, literals as their value's type. */
export function typeOfField(type: FieldType | LeafType): ExprType {
  switch (type.kind) {
    case 'string':
    case 'enum':
      return T.string;
    case 'int':
      return T.int;
    case 'float':
      return T.float;
    case 'bigint':
      return T.bigint;
    case 'boolean':
      return T.boolean;
    case 'datetime':
      return T.datetime;
    case 'vector':
      return T.vector;
    case 'literal':
      return typeof type.value === 'string'
        ? T.string
        : typeof type.value === 'boolean'
          ? T.boolean
          : Number.isInteger(type.value)
            ? T.int
            : T.float;
    case 'array':
      return arrayOf(typeOfField(type.items));
    case 'record':
    case 'object':
      return T.record;
  }
}

/** Human-readable type name for messages (`array<string>`). */
export function formatType(type: ExprType): string {
  return type.kind === 'array' ? `array<${formatType(type.items)}>` : type.kind;
}

/** True for `null` and `any`, which fit every position. */
export function isWildcard(type: ExprType): boolean {
  return type.kind === 'null' || type.kind === 'any';
}

/** int, float or bigint. */
export function isNumeric(type: ExprType): boolean {
  return type.kind === 'int' || type.kind === 'float' || type.kind === 'bigint';
}

/** A vector, or an array of numbers (a vector literal). */
export function isVectorLike(type: ExprType): boolean {
  return (
    type.kind === 'vector' || (type.kind === 'array' && (isNumeric(type.items) || isWildcard(type.items)))
  );
}

/**
 * True when values of `a` and `b` can be compared or mixed (`=`, `IN`, coalesce): numerics mix freely,
 * vectors compare with numeric arrays, arrays compare item-wise, null/any fit everything.
 */
export function isComparable(a: ExprType, b: ExprType): boolean {
  if (isWildcard(a) || isWildcard(b)) return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (isVectorLike(a) && isVectorLike(b)) return true;
  if (a.kind === 'array' && b.kind === 'array') return isComparable(a.items, b.items);
  return a.kind === b.kind;
}

/** The common type of two comparable types (numeric widening: int < bigint < float; null/any yield the other). */
export function unify(a: ExprType, b: ExprType): ExprType {
  if (a.kind === 'null' || a.kind === 'any') return b.kind === 'null' ? a : b;
  if (isWildcard(b)) return a;
  if (isNumeric(a) && isNumeric(b)) {
    if (a.kind === 'float' || b.kind === 'float') return T.float;
    if (a.kind === 'bigint' || b.kind === 'bigint') return T.bigint;
    return T.int;
  }
  if (a.kind === 'vector' || b.kind === 'vector') return T.vector;
  return a;
}
