import SchemaBuilder, {
  type ArgumentRef,
  type FieldRef,
  type InputFieldBuilder,
  type InputFieldRef,
  InputListRef,
  type InputTypeParam,
  ListRef,
  type ObjectFieldBuilder,
  type QueryFieldBuilder,
  type TypeParam,
} from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from './query-env.ts';

/**
 * The Pothos layer of the generated schema. Every build makes one `SchemaBuilder` (see `build-schema.ts`);
 * the dataset types are declared on it in loops over the served model, because they are only known at
 * run time (from each version's stored schema JSON). The helpers here describe a field's GraphQL type as
 * data (a Pothos type param plus its nullability, lists nest through `ListRef`/`InputListRef`) so that the
 * type builders can compute fields eagerly and hand them to `t.field` / `t.arg` in one place.
 */

/** The custom scalars (implemented in `scalars.ts`), as Pothos sees them: values cross as strings/JSON. */
type ChainqlScalars = {
  DateTime: { Input: string; Output: string };
  BigInt: { Input: string; Output: string };
  bigint: { Input: number | bigint; Output: number | bigint | string };
  JSON: { Input: unknown; Output: unknown };
  FieldPath: { Input: string; Output: string };
};

/** The Pothos schema types of the generated API. */
export type ChainqlSchemaTypes = PothosSchemaTypes.ExtendDefaultTypes<{
  Context: RequestContext;
  Scalars: ChainqlScalars;
}>;

/** The builder of one schema build. */
export type ChainqlBuilder = PothosSchemaTypes.SchemaBuilder<ChainqlSchemaTypes>;

/** A new builder for one registry revision (fields are nullable unless a spec says otherwise). */
export function createBuilder(): ChainqlBuilder {
  return new SchemaBuilder<{ Context: RequestContext; Scalars: ChainqlScalars }>({});
}

/** A Pothos output type param (object/enum/scalar ref, built-in scalar name, or `ListRef`). */
export type OutputParam = TypeParam<ChainqlSchemaTypes>;
/** A Pothos input type param (input object/enum/scalar ref, built-in scalar name, or `InputListRef`). */
export type InputParam = InputTypeParam<ChainqlSchemaTypes>;

/** An output type with its nullability (`nullable: false` is `T!`). */
export interface OutType {
  readonly type: OutputParam;
  readonly nullable: boolean;
}

/** An input type with its requiredness (`required: true` is `T!`). */
export interface InType {
  readonly type: InputParam;
  readonly required: boolean;
}

/** Output type `type` (nullable unless `nullable` is false). */
export function outType(type: OutputParam, nullable = true): OutType {
  return { type, nullable };
}

/** `[item]` (nullable list unless `nullable` is false). */
export function outList(item: OutType, nullable = true): OutType {
  return { type: new ListRef<ChainqlSchemaTypes, unknown>(item.type, item.nullable), nullable };
}

/** Input type `type` (optional unless `required`). */
export function inType(type: InputParam, required = false): InType {
  return { type, required };
}

/** `[item]` as an input (optional unless `required`). */
export function inList(item: InType, required = false): InType {
  return { type: new InputListRef<ChainqlSchemaTypes, unknown>(item.type, item.required), required };
}

/** An input field or argument, declared with `t.field` / `t.arg`. */
export interface InputSpec {
  readonly type: InType;
  readonly description?: string | undefined;
}

/** Resolver of a generated field. */
export type Resolver<P> = (
  parent: P,
  args: Record<string, unknown>,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
) => unknown;

/** An output field, declared with `t.field`; without `resolve` the default resolver reads `parent[name]`. */
export interface FieldSpec<P = unknown> {
  readonly type: OutType;
  readonly description?: string | undefined;
  readonly args?: Readonly<Record<string, InputSpec>>;
  readonly resolve?: Resolver<P>;
}

type AnyFieldBuilder<P> =
  | ObjectFieldBuilder<ChainqlSchemaTypes, P>
  | QueryFieldBuilder<ChainqlSchemaTypes, P>;

/**
 * Declares `specs` on a Pothos object/query field builder (`t.field` per spec, `t.arg` per argument), in
 * order. The field options are assembled from run-time data, so their static shape is not the literal one
 * Pothos infers from: they are checked against `FieldSpec` here and passed on untyped.
 */
export function declareFields<P>(
  t: AnyFieldBuilder<P>,
  specs: Readonly<Record<string, FieldSpec<P>>>,
): Record<string, FieldRef<ChainqlSchemaTypes>> {
  const field = t.field.bind(t) as unknown as (
    options: Record<string, unknown>,
  ) => FieldRef<ChainqlSchemaTypes>;
  const arg = t.arg as unknown as (
    options: Record<string, unknown>,
  ) => ArgumentRef<ChainqlSchemaTypes, unknown>;
  const out: Record<string, FieldRef<ChainqlSchemaTypes>> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const args: Record<string, ArgumentRef<ChainqlSchemaTypes, unknown>> = {};
    for (const [argName, a] of Object.entries(spec.args ?? {})) {
      args[argName] = arg({ type: a.type.type, required: a.type.required, description: a.description });
    }
    out[name] = field({
      type: spec.type.type,
      nullable: spec.type.nullable,
      description: spec.description,
      args,
      ...(spec.resolve ? { resolve: spec.resolve } : {}),
    });
  }
  return out;
}

/** Declares input fields on a Pothos input-object field builder (`t.field` per spec), in order. */
export function declareInputFields(
  t: InputFieldBuilder<ChainqlSchemaTypes, 'InputObject'>,
  specs: Readonly<Record<string, InputSpec>>,
): Record<string, InputFieldRef<ChainqlSchemaTypes, unknown>> {
  const field = t.field.bind(t) as unknown as (
    options: Record<string, unknown>,
  ) => InputFieldRef<ChainqlSchemaTypes, unknown>;
  return Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      field({ type: s.type.type, required: s.type.required, description: s.description }),
    ]),
  );
}
