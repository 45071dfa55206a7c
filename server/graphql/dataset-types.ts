import {
  GraphQLEnumType,
  type GraphQLFieldConfigMap,
  GraphQLFloat,
  GraphQLID,
  type GraphQLInputFieldConfigMap,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import type { FieldType } from '../../schema/record/field-type.ts';
import type { DatasetModel, LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { allocateNames } from '../naming.ts';
import { ID_KEY } from '../sql/row-decoder.ts';
import { SCALARS, type TypeFactory } from './type-factory.ts';

type Row = Record<string | symbol, unknown>;

const read =
  (key: string | symbol) =>
  (parent: Row): unknown =>
    parent[key];

/** Wraps `type` in NonNull unless `nullable`. */
export function nullableOr<T extends GraphQLOutputType | GraphQLInputType>(type: T, nullable: boolean): T {
  return (nullable ? type : new GraphQLNonNull(type as never)) as T;
}

/** Leaf kinds that can be compared with `_gt`/sorted (not arrays, vectors, records). */
export function isScalarLeaf(type: FieldType): boolean {
  return !['array', 'vector', 'record', 'object'].includes(type.kind);
}

/**
 * Output, filter and sort types of one dataset (row object types, nested object types, enums,
 * `_bool_exp`, `_order_by`, `_group_key`). Aggregate types live in `aggregate-types.ts`.
 */
export class DatasetTypes {
  constructor(
    readonly ds: DatasetModel,
    readonly factory: TypeFactory,
  ) {}

  /** Type name for a suffix: `<ds><suffix>`. */
  name(suffix: string): string {
    return `${this.ds.gqlName}${suffix}`;
  }

  /** The row type (`object` = root) or a nested object type; the root also has `_id: ID!`. */
  rowType(object: ObjectModel = this.ds.root): GraphQLObjectType {
    const name = this.name(object.typeSuffix);
    return this.factory.named(
      name,
      () =>
        new GraphQLObjectType({
          name,
          ...(object.description ? { description: object.description } : {}),
          fields: () => this.rowFields(object),
        }),
    );
  }

  /** Fields of a row/nested object type (also reused by `<ds>_nearest_row`). */
  rowFields(object: ObjectModel): GraphQLFieldConfigMap<Row, unknown> {
    const fields: GraphQLFieldConfigMap<Row, unknown> = {};
    if (object === this.ds.root) {
      fields._id = {
        type: new GraphQLNonNull(GraphQLID),
        description: 'Stable row id (sys.id)',
        resolve: read(ID_KEY),
      };
    }
    for (const f of object.fields) {
      const type = f.kind === 'object' ? this.rowType(f) : this.leafOutput(f.type, f.typeSuffix);
      fields[f.gqlName] = {
        type: nullableOr(type, f.nullable),
        ...(f.description ? { description: f.description } : {}),
        resolve: read(f.name),
      };
    }
    return fields;
  }

  /** GraphQL output type of a leaf value (nullable form). */
  leafOutput(type: FieldType, suffix: string): GraphQLOutputType {
    switch (type.kind) {
      case 'string':
      case 'float':
      case 'int':
      case 'boolean':
      case 'bigint':
      case 'datetime':
        return SCALARS[type.kind];
      case 'enum':
        return this.enumType(type.values, suffix);
      case 'literal':
        return typeof type.value === 'string'
          ? SCALARS.string
          : typeof type.value === 'boolean'
            ? SCALARS.boolean
            : Number.isInteger(type.value)
              ? SCALARS.int
              : SCALARS.float;
      case 'vector':
        return new GraphQLList(new GraphQLNonNull(GraphQLFloat));
      case 'array':
        return new GraphQLList(
          nullableOr(this.leafOutput(type.items, `${suffix}_item`), type.itemsNullable === true),
        );
      case 'record':
        return SCALARS.json;
      case 'object':
        return this.itemObject(type, suffix);
    }
  }

  /** Object type for objects stored inside JSON (array items): fields read the JSON keys. */
  itemObject(type: Extract<FieldType, { kind: 'object' }>, suffix: string): GraphQLObjectType {
    const name = this.name(suffix);
    return this.factory.named(name, () => {
      const names = allocateNames(Object.keys(type.fields));
      return new GraphQLObjectType({
        name,
        fields: () =>
          Object.fromEntries(
            Object.entries(type.fields).map(([key, spec]) => {
              const gql = names.get(key) ?? key;
              return [
                gql,
                {
                  type: nullableOr(
                    this.leafOutput(spec.type, `${suffix}_${gql}`),
                    spec.nullable || spec.optional,
                  ),
                  ...(spec.description ? { description: spec.description } : {}),
                  resolve: read(key),
                },
              ];
            }),
          ),
      });
    });
  }

  /** `<ds>_<path>_enum`: GraphQL enum of the stored values (sanitised names map back to the values). */
  enumType(values: readonly string[], suffix: string): GraphQLEnumType {
    const name = this.name(`${suffix}_enum`);
    return this.factory.named(name, () => {
      const names = allocateNames(values, undefined, new Set(['true', 'false', 'null']));
      return new GraphQLEnumType({
        name,
        values: Object.fromEntries(values.map((v) => [names.get(v) ?? v, { value: v }])),
      });
    });
  }

  /** Filter input for one leaf (`String_comparison_exp`, `<enum>_comparison_exp`, array `_contains` …). */
  leafComparison(leaf: LeafModel): GraphQLInputType {
    return this.comparisonFor(leaf.type, leaf.typeSuffix);
  }

  /** Filter input for a value of `type` (see {@link leafComparison}). */
  comparisonFor(type: FieldType, suffix: string): GraphQLInputType {
    const f = this.factory;
    switch (type.kind) {
      case 'string':
        return f.comparison('String', SCALARS.string, true);
      case 'float':
        return f.comparison('Float', SCALARS.float);
      case 'int':
        return f.comparison('Int', SCALARS.int);
      case 'boolean':
        return f.comparison('Boolean', SCALARS.boolean);
      case 'bigint':
        return f.comparison('BigInt', SCALARS.bigint);
      case 'datetime':
        return f.comparison('DateTime', SCALARS.datetime);
      case 'enum': {
        const e = this.enumType(type.values, suffix);
        return f.comparison(e.name, e);
      }
      case 'literal':
        return this.comparisonFor(
          typeof type.value === 'string'
            ? { kind: 'string' }
            : typeof type.value === 'boolean'
              ? { kind: 'boolean' }
              : Number.isInteger(type.value)
                ? { kind: 'int' }
                : { kind: 'float' },
          suffix,
        );
      case 'vector':
        return f.nullOnly('vector');
      case 'record':
      case 'object':
        return f.nullOnly('JSON');
      case 'array': {
        const items = type.items;
        if (!isScalarLeaf(items)) return f.arrayComparison('JSON', undefined);
        const itemInput = this.scalarInput(items, `${suffix}_item`);
        const label =
          items.kind === 'enum' ? this.enumType(items.values, `${suffix}_item`).name : itemInput.toString();
        return f.arrayComparison(label, itemInput);
      }
    }
  }

  /** Input scalar/enum for a scalar leaf type. */
  scalarInput(type: FieldType, suffix: string): GraphQLInputType & { toString(): string } {
    switch (type.kind) {
      case 'enum':
        return this.enumType(type.values, suffix);
      case 'literal':
        return typeof type.value === 'string'
          ? SCALARS.string
          : typeof type.value === 'boolean'
            ? SCALARS.boolean
            : SCALARS.float;
      case 'string':
      case 'float':
      case 'int':
      case 'boolean':
      case 'bigint':
      case 'datetime':
        return SCALARS[type.kind];
      default:
        return SCALARS.json;
    }
  }

  /** `<ds><suffix>_bool_exp`: `_and _or _not` + one entry per field (nested objects recurse). */
  boolExp(object: ObjectModel = this.ds.root): GraphQLInputObjectType {
    const name = this.name(`${object.typeSuffix}_bool_exp`);
    return this.factory.named(name, () => {
      const self: GraphQLInputObjectType = new GraphQLInputObjectType({
        name,
        description: `Filter on ${object.path === '' ? this.ds.name : object.path}. Keys are ANDed; {} is true.`,
        fields: () => {
          const fields: GraphQLInputFieldConfigMap = {
            _and: { type: new GraphQLList(new GraphQLNonNull(self)), description: '[] is true' },
            _or: { type: new GraphQLList(new GraphQLNonNull(self)), description: '[] is false' },
            _not: { type: self },
          };
          if (object === this.ds.root) fields._id = { type: this.factory.comparison('ID', GraphQLID) };
          for (const f of object.fields) {
            fields[f.gqlName] = { type: f.kind === 'object' ? this.boolExp(f) : this.leafComparison(f) };
          }
          return fields;
        },
      });
      return self;
    });
  }

  /** `<ds><suffix>_order_by`: one `order_by` per sortable leaf, nested objects recurse. */
  orderBy(object: ObjectModel = this.ds.root): GraphQLInputObjectType | undefined {
    const fields: GraphQLInputFieldConfigMap =
      object === this.ds.root ? { _id: { type: this.factory.orderBy() } } : {};
    for (const f of object.fields) {
      if (f.kind === 'object') {
        const nested = this.orderBy(f);
        if (nested !== undefined) fields[f.gqlName] = { type: nested };
      } else if (isScalarLeaf(f.type)) {
        fields[f.gqlName] = { type: this.factory.orderBy() };
      }
    }
    if (Object.keys(fields).length === 0) return undefined;
    const name = this.name(`${object.typeSuffix}_order_by`);
    return this.factory.named(
      name,
      () =>
        new GraphQLInputObjectType({
          name,
          description: 'Sort key: exactly one field per object; pass a list for several keys.',
          fields,
        }),
    );
  }

  /** `<ds><suffix>_group_key`: the grouped fields of a group (fields not grouped on are null). */
  groupKey(object: ObjectModel = this.ds.root): GraphQLObjectType {
    const name = this.name(`${object.typeSuffix}_group_key`);
    return this.factory.named(
      name,
      () =>
        new GraphQLObjectType({
          name,
          fields: () =>
            Object.fromEntries(
              object.fields.map((f) => [
                f.gqlName,
                {
                  type: f.kind === 'object' ? this.groupKey(f) : this.leafOutput(f.type, f.typeSuffix),
                  resolve: read(f.name),
                },
              ]),
            ),
        }),
    );
  }
}
