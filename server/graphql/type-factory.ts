import type { EnumRef, ImplementableInputObjectRef, ImplementableObjectRef, ScalarRef } from '@pothos/core';
import { ORDER_DIRECTIONS } from '../query/order-builder.ts';
import {
  type ChainqlBuilder,
  type ChainqlSchemaTypes,
  declareFields,
  declareInputFields,
  type FieldSpec,
  type InputSpec,
  inList,
  inType,
} from './pothos-builder.ts';
import { BigIntScalar, DateTimeScalar, FieldPathScalar, Int64Scalar, JsonScalar } from './scalars.ts';

/** A row (or nested value) as the generated resolvers see it. */
export type Row = Record<string | symbol, unknown>;
/** A generated object type. */
export type ObjectTypeRef = ImplementableObjectRef<ChainqlSchemaTypes, Row>;
/** A generated input object type. */
export type InputTypeRef = ImplementableInputObjectRef<ChainqlSchemaTypes, Record<string, unknown>>;
/** A generated enum type. */
export type EnumTypeRef = EnumRef<ChainqlSchemaTypes, string, string>;
/** A scalar: a built-in one by name, or a custom one registered on the builder. */
export type ScalarParam =
  | 'String'
  | 'Int'
  | 'Float'
  | 'Boolean'
  | 'ID'
  | ScalarRef<ChainqlSchemaTypes, unknown, unknown>;
/** A scalar or enum (what comparison inputs and `_by_pk` arguments are made of). */
export type LeafParam = ScalarParam | EnumTypeRef;

/** Chainql leaf kinds with a scalar of their own. */
export type ScalarKind = 'string' | 'float' | 'int' | 'boolean' | 'bigint' | 'datetime' | 'json';

const BUILTIN: Partial<Record<ScalarKind, ScalarParam>> = {
  string: 'String',
  float: 'Float',
  boolean: 'Boolean',
};

/** The GraphQL name of a scalar or enum param (for derived names like `<Name>_comparison_exp`). */
export function leafName(type: LeafParam): string {
  return typeof type === 'string' ? type : type.name;
}

/**
 * Declares the named types of one schema build on its Pothos builder and caches their refs by name (a
 * second request for a name returns the first ref). Types are declared eagerly: an object/input type's
 * field specs are computed when the type is first asked for — after its ref is cached, so recursive
 * types (`_bool_exp` in its own `_and`) resolve to themselves — and Pothos receives them through its
 * `fields: (t) => …` callback at `toSchema()`. Custom scalars are registered on first use only, so the
 * schema holds exactly the types it references.
 */
export class TypeFactory {
  readonly #types = new Map<string, unknown>();

  constructor(readonly builder: ChainqlBuilder) {}

  #cached<T>(name: string, create: () => T): T {
    const existing = this.#types.get(name);
    if (existing !== undefined) return existing as T;
    const created = create();
    this.#types.set(name, created);
    return created;
  }

  /** The object type `name`; `fields` runs once, after the ref is cached (it may refer to the type itself). */
  object<P = Row>(
    name: string,
    fields: (self: ImplementableObjectRef<ChainqlSchemaTypes, P>) => Record<string, FieldSpec<P>>,
    description?: string,
  ): ImplementableObjectRef<ChainqlSchemaTypes, P> {
    const existing = this.#types.get(name);
    if (existing !== undefined) return existing as ImplementableObjectRef<ChainqlSchemaTypes, P>;
    const ref = this.builder.objectRef<P>(name);
    this.#types.set(name, ref);
    const specs = fields(ref);
    ref.implement({
      ...(description ? { description } : {}),
      fields: (t) => declareFields(t, specs),
    });
    return ref;
  }

  /** The input object type `name`; `fields` runs once, after the ref is cached (see {@link object}). */
  input(
    name: string,
    fields: (self: InputTypeRef) => Record<string, InputSpec>,
    description?: string,
  ): InputTypeRef {
    const existing = this.#types.get(name);
    if (existing !== undefined) return existing as InputTypeRef;
    const ref = this.builder.inputRef<Record<string, unknown>>(name);
    this.#types.set(name, ref);
    const specs = fields(ref);
    ref.implement({
      ...(description ? { description } : {}),
      // Field names are only known at run time: the map cannot match Pothos' per-key shape type.
      fields: (t) => declareInputFields(t, specs) as never,
    });
    return ref;
  }

  /** The enum type `name` with `values` (GraphQL name → internal value and description). */
  enum(
    name: string,
    values: () => Record<string, { value: string; description?: string }>,
    description?: string,
  ): EnumTypeRef {
    return this.#cached(name, () =>
      this.builder.enumType(name, {
        ...(description ? { description } : {}),
        values: values(),
      }),
    );
  }

  /** The scalar of a chainql leaf kind (custom scalars are added to the builder on first use). */
  scalar(kind: ScalarKind): ScalarParam {
    const builtin = BUILTIN[kind];
    if (builtin !== undefined) return builtin;
    switch (kind) {
      case 'bigint':
        return this.#cached('BigInt', () => this.builder.addScalarType('BigInt', BigIntScalar));
      case 'int':
        return this.#cached('bigint', () => this.builder.addScalarType('bigint', Int64Scalar));
      case 'datetime':
        return this.#cached('DateTime', () => this.builder.addScalarType('DateTime', DateTimeScalar));
      default:
        return this.#cached('JSON', () => this.builder.addScalarType('JSON', JsonScalar));
    }
  }

  /** The `FieldPath` scalar (`by` of `<ds>_groups`, `field` of `<ds>_nearest`). */
  fieldPath(): ScalarParam {
    return this.#cached('FieldPath', () => this.builder.addScalarType('FieldPath', FieldPathScalar));
  }

  /** Hasura's `order_by` enum: asc (nulls last), desc (nulls first) and explicit nulls placement. */
  orderBy(): EnumTypeRef {
    return this.enum(
      'order_by',
      () =>
        Object.fromEntries(
          Object.entries(ORDER_DIRECTIONS).map(([name, o]) => [
            name,
            {
              value: name,
              description: `in ${o.direction.toUpperCase()} NULLS ${o.nulls.toUpperCase()} order`,
            },
          ]),
        ),
      'Sort direction. `asc` puts nulls last, `desc` puts nulls first (as in PostgreSQL/Hasura).',
    );
  }

  /** `distance_metric` for `<ds>_nearest`. */
  distanceMetric(): EnumTypeRef {
    return this.enum('distance_metric', () => ({
      cosine: { value: 'cosine', description: '1 − cosine similarity (default)' },
      l2: { value: 'l2', description: 'Euclidean distance' },
      euclidean: { value: 'l2', description: 'same as l2' },
      dot: { value: 'dot', description: 'negative inner product (smaller is nearer)' },
      inner_product: { value: 'dot', description: 'same as dot' },
    }));
  }

  /**
   * `<Name>_comparison_exp` for a scalar or enum type: `_eq _neq _gt _gte _lt _lte _in _nin _is_null`,
   * plus `_like _nlike _ilike _nilike _regex _iregex _nregex _niregex` for strings.
   */
  comparison(name: string, type: LeafParam, strings = false): InputTypeRef {
    return this.input(
      `${name}_comparison_exp`,
      () => {
        const one = { type: inType(type) };
        const many = inList(inType(type, true));
        const fields: Record<string, InputSpec> = {
          _eq: one,
          _neq: one,
          _gt: one,
          _gte: one,
          _lt: one,
          _lte: one,
          _in: { type: many, description: '`[]` matches nothing' },
          _nin: { type: many, description: '`[]` matches everything' },
          _is_null: { type: inType('Boolean') },
        };
        if (strings) {
          const text = inType('String');
          fields._like = {
            type: text,
            description: 'SQL LIKE: `%` any run, `_` one character, `\\` escapes',
          };
          fields._nlike = { type: text };
          fields._ilike = { type: text, description: 'case-insensitive LIKE (ASCII case folding)' };
          fields._nilike = { type: text };
          fields._regex = { type: text, description: 'JavaScript regular expression match' };
          fields._iregex = { type: text };
          fields._nregex = { type: text };
          fields._niregex = { type: text };
        }
        return fields;
      },
      `Boolean expression on ${name} values. Several operators are ANDed.`,
    );
  }

  /** `<Name>_array_comparison_exp`: `_contains` (all given items are present) and `_is_null`. */
  arrayComparison(name: string, item: LeafParam | undefined): InputTypeRef {
    return this.input(`${name}_array_comparison_exp`, () => {
      const fields: Record<string, InputSpec> = { _is_null: { type: inType('Boolean') } };
      if (item !== undefined) {
        fields._contains = {
          type: inList(inType(item, true)),
          description: 'the array holds every given item',
        };
      }
      return fields;
    });
  }

  /** `<Name>_comparison_exp` with only `_is_null` (vectors, records). */
  nullOnly(name: string): InputTypeRef {
    return this.input(`${name}_comparison_exp`, () => ({ _is_null: { type: inType('Boolean') } }));
  }
}
