import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  type GraphQLInputFieldConfigMap,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLInt,
  GraphQLList,
  type GraphQLNamedType,
  GraphQLNonNull,
  type GraphQLScalarType,
  GraphQLString,
} from 'graphql';
import { ORDER_DIRECTIONS } from '../sql/order-compiler.ts';
import { BigIntScalar, DateTimeScalar, JsonScalar } from './scalars.ts';

/**
 * Creates and caches the named types of one schema build. Shared types (scalar comparison inputs, the
 * `order_by` enum) are created once per build; names are unique (a second `named()` with the same name
 * returns the first type).
 */
export class TypeFactory {
  readonly #types = new Map<string, GraphQLNamedType>();

  /** The type called `name`, created by `create` on first use. */
  named<T extends GraphQLNamedType>(name: string, create: () => T): T {
    const existing = this.#types.get(name);
    if (existing !== undefined) return existing as T;
    const created = create();
    this.#types.set(name, created);
    return created;
  }

  /** Hasura's `order_by` enum: asc (nulls last), desc (nulls first) and explicit nulls placement. */
  orderBy(): GraphQLEnumType {
    return this.named(
      'order_by',
      () =>
        new GraphQLEnumType({
          name: 'order_by',
          description:
            'Sort direction. `asc` puts nulls last, `desc` puts nulls first (as in PostgreSQL/Hasura).',
          values: Object.fromEntries(
            Object.entries(ORDER_DIRECTIONS).map(([name, sql]) => [
              name,
              { value: name, description: `in ${sql} order` },
            ]),
          ),
        }),
    );
  }

  /** `distance_metric` for `<ds>_nearest`. */
  distanceMetric(): GraphQLEnumType {
    return this.named(
      'distance_metric',
      () =>
        new GraphQLEnumType({
          name: 'distance_metric',
          values: {
            cosine: { value: 'cosine', description: '1 − cosine similarity (default)' },
            l2: { value: 'l2', description: 'Euclidean distance' },
            euclidean: { value: 'l2', description: 'same as l2' },
            dot: { value: 'dot', description: 'negative inner product (smaller is nearer)' },
            inner_product: { value: 'dot', description: 'same as dot' },
          },
        }),
    );
  }

  /**
   * `<Name>_comparison_exp` for a scalar or enum type: `_eq _neq _gt _gte _lt _lte _in _nin _is_null`,
   * plus `_like _nlike _ilike _nilike _regex _iregex _nregex _niregex` for strings.
   */
  comparison(
    name: string,
    type: GraphQLScalarType | GraphQLEnumType,
    strings = false,
  ): GraphQLInputObjectType {
    return this.named(`${name}_comparison_exp`, () => {
      const fields: GraphQLInputFieldConfigMap = {
        _eq: { type },
        _neq: { type },
        _gt: { type },
        _gte: { type },
        _lt: { type },
        _lte: { type },
        _in: { type: new GraphQLList(new GraphQLNonNull(type)), description: '`[]` matches nothing' },
        _nin: { type: new GraphQLList(new GraphQLNonNull(type)), description: '`[]` matches everything' },
        _is_null: { type: GraphQLBoolean },
      };
      if (strings) {
        fields._like = {
          type: GraphQLString,
          description: 'SQL LIKE: `%` any run, `_` one character, `\\` escapes',
        };
        fields._nlike = { type: GraphQLString };
        fields._ilike = { type: GraphQLString, description: 'case-insensitive LIKE (ASCII case folding)' };
        fields._nilike = { type: GraphQLString };
        fields._regex = { type: GraphQLString, description: 'JavaScript regular expression match' };
        fields._iregex = { type: GraphQLString };
        fields._nregex = { type: GraphQLString };
        fields._niregex = { type: GraphQLString };
      }
      return new GraphQLInputObjectType({
        name: `${name}_comparison_exp`,
        description: `Boolean expression on ${name} values. Several operators are ANDed.`,
        fields,
      });
    });
  }

  /** `<Name>_array_comparison_exp`: `_contains` (all given items are present) and `_is_null`. */
  arrayComparison(name: string, item: GraphQLInputType | undefined): GraphQLInputObjectType {
    return this.named(`${name}_array_comparison_exp`, () => {
      const fields: GraphQLInputFieldConfigMap = { _is_null: { type: GraphQLBoolean } };
      if (item !== undefined) {
        fields._contains = {
          type: new GraphQLList(new GraphQLNonNull(item)),
          description: 'the array holds every given item',
        };
      }
      return new GraphQLInputObjectType({ name: `${name}_array_comparison_exp`, fields });
    });
  }

  /** `<Name>_comparison_exp` with only `_is_null` (vectors, records). */
  nullOnly(name: string): GraphQLInputObjectType {
    return this.named(
      `${name}_comparison_exp`,
      () =>
        new GraphQLInputObjectType({
          name: `${name}_comparison_exp`,
          fields: { _is_null: { type: GraphQLBoolean } },
        }),
    );
  }
}

/** Built-in scalars by chainql leaf kind. */
export const SCALARS = {
  string: GraphQLString,
  float: GraphQLFloat,
  int: GraphQLInt,
  boolean: GraphQLBoolean,
  bigint: BigIntScalar,
  datetime: DateTimeScalar,
  json: JsonScalar,
} as const;
