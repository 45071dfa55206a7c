import type { FieldType } from '../../schema/record/field-type.ts';
import type { DatasetModel, LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { allocateNames } from '../naming.ts';
import { ID_KEY } from '../query/row-decoder.ts';
import {
  type FieldSpec,
  type InputSpec,
  inList,
  inType,
  type OutType,
  outList,
  outType,
} from './pothos-builder.ts';
import {
  type EnumTypeRef,
  type InputTypeRef,
  type LeafParam,
  leafName,
  type ObjectTypeRef,
  type Row,
  type TypeFactory,
} from './type-factory.ts';

const read =
  (key: string | symbol) =>
  (parent: Row): unknown =>
    parent[key];

/** Leaf kinds that can be compared with `_gt`/sorted (not arrays, vectors, records). */
export function isScalarLeaf(type: FieldType): boolean {
  return !['array', 'vector', 'record', 'object'].includes(type.kind);
}

/**
 * Output, filter and sort types of one dataset (row object types, nested object types, enums,
 * `_bool_exp`, `_order_by`, `_group_key`), declared on the build's Pothos builder through the
 * {@link TypeFactory}. Aggregate types live in `aggregate-types.ts`.
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
  rowType(object: ObjectModel = this.ds.root): ObjectTypeRef {
    return this.factory.object(
      this.name(object.typeSuffix),
      () => this.rowFields(object),
      object.description,
    );
  }

  /** Fields of a row/nested object type (also reused by `<ds>_nearest_row`). */
  rowFields(object: ObjectModel): Record<string, FieldSpec<Row>> {
    const fields: Record<string, FieldSpec<Row>> = {};
    if (object === this.ds.root) {
      fields._id = {
        type: outType('ID', false),
        description: 'Stable row id (sys.id)',
        resolve: read(ID_KEY),
      };
    }
    for (const f of object.fields) {
      const type = f.kind === 'object' ? outType(this.rowType(f)) : this.leafOutput(f.type, f.typeSuffix);
      fields[f.gqlName] = {
        type: { type: type.type, nullable: f.nullable },
        description: f.description || undefined,
        resolve: read(f.name),
      };
    }
    return fields;
  }

  /** GraphQL output type of a leaf value (nullable form). */
  leafOutput(type: FieldType, suffix: string): OutType {
    switch (type.kind) {
      case 'string':
      case 'float':
      case 'int':
      case 'boolean':
      case 'bigint':
      case 'datetime':
        return outType(this.factory.scalar(type.kind));
      case 'enum':
        return outType(this.enumType(type.values, suffix));
      case 'literal':
        return outType(this.literalScalar(type.value, true));
      case 'vector':
        return outList(outType('Float', false));
      case 'array': {
        const item = this.leafOutput(type.items, `${suffix}_item`);
        return outList({ type: item.type, nullable: type.itemsNullable === true });
      }
      case 'record':
        return outType(this.factory.scalar('json'));
      case 'object':
        return outType(this.itemObject(type, suffix));
    }
  }

  /** The scalar of a literal's value (`ints`: integral numbers are Int, else Float). */
  literalScalar(value: unknown, ints: boolean): LeafParam {
    if (typeof value === 'string') return 'String';
    if (typeof value === 'boolean') return 'Boolean';
    return ints && Number.isInteger(value) ? 'Int' : 'Float';
  }

  /** Object type for objects stored inside JSON (array items): fields read the JSON keys. */
  itemObject(type: Extract<FieldType, { kind: 'object' }>, suffix: string): ObjectTypeRef {
    return this.factory.object(this.name(suffix), () => {
      const names = allocateNames(Object.keys(type.fields));
      return Object.fromEntries(
        Object.entries(type.fields).map(([key, spec]) => {
          const gql = names.get(key) ?? key;
          const value = this.leafOutput(spec.type, `${suffix}_${gql}`);
          const field: FieldSpec<Row> = {
            type: { type: value.type, nullable: spec.nullable || spec.optional },
            description: spec.description || undefined,
            resolve: read(key),
          };
          return [gql, field];
        }),
      );
    });
  }

  /** `<ds>_<path>_enum`: GraphQL enum of the stored values (sanitised names map back to the values). */
  enumType(values: readonly string[], suffix: string): EnumTypeRef {
    return this.factory.enum(this.name(`${suffix}_enum`), () => {
      const names = allocateNames(values, undefined, new Set(['true', 'false', 'null']));
      return Object.fromEntries(values.map((v) => [names.get(v) ?? v, { value: v }]));
    });
  }

  /** Filter input for one leaf (`String_comparison_exp`, `<enum>_comparison_exp`, array `_contains` …). */
  leafComparison(leaf: LeafModel): InputTypeRef {
    return this.comparisonFor(leaf.type, leaf.typeSuffix);
  }

  /** Filter input for a value of `type` (see {@link leafComparison}). */
  comparisonFor(type: FieldType, suffix: string): InputTypeRef {
    const f = this.factory;
    switch (type.kind) {
      case 'string':
        return f.comparison('String', 'String', true);
      case 'float':
        return f.comparison('Float', 'Float');
      case 'int':
        return f.comparison('bigint', f.scalar('int'));
      case 'boolean':
        return f.comparison('Boolean', 'Boolean');
      case 'bigint':
        return f.comparison('BigInt', f.scalar('bigint'));
      case 'datetime':
        return f.comparison('DateTime', f.scalar('datetime'));
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
        return f.arrayComparison(leafName(itemInput), itemInput);
      }
    }
  }

  /** Input scalar/enum for a scalar leaf type. */
  scalarInput(type: FieldType, suffix: string): LeafParam {
    switch (type.kind) {
      case 'enum':
        return this.enumType(type.values, suffix);
      case 'literal':
        return this.literalScalar(type.value, false);
      case 'string':
      case 'float':
      case 'int':
      case 'boolean':
      case 'bigint':
      case 'datetime':
        return this.factory.scalar(type.kind);
      default:
        return this.factory.scalar('json');
    }
  }

  /** `<ds><suffix>_bool_exp`: `_and _or _not` + one entry per field (nested objects recurse). */
  boolExp(object: ObjectModel = this.ds.root): InputTypeRef {
    return this.factory.input(
      this.name(`${object.typeSuffix}_bool_exp`),
      (self) => {
        const fields: Record<string, InputSpec> = {
          _and: { type: inList(inType(self, true)), description: '[] is true' },
          _or: { type: inList(inType(self, true)), description: '[] is false' },
          _not: { type: inType(self) },
        };
        if (object === this.ds.root) fields._id = { type: inType(this.factory.comparison('ID', 'ID')) };
        for (const f of object.fields) {
          fields[f.gqlName] = {
            type: inType(f.kind === 'object' ? this.boolExp(f) : this.leafComparison(f)),
          };
        }
        return fields;
      },
      `Filter on ${object.path === '' ? this.ds.name : object.path}. Keys are ANDed; {} is true.`,
    );
  }

  /** `<ds><suffix>_order_by`: one `order_by` per sortable leaf, nested objects recurse. */
  orderBy(object: ObjectModel = this.ds.root): InputTypeRef | undefined {
    const fields: Record<string, InputSpec> =
      object === this.ds.root ? { _id: { type: inType(this.factory.orderBy()) } } : {};
    for (const f of object.fields) {
      if (f.kind === 'object') {
        const nested = this.orderBy(f);
        if (nested !== undefined) fields[f.gqlName] = { type: inType(nested) };
      } else if (isScalarLeaf(f.type)) {
        fields[f.gqlName] = { type: inType(this.factory.orderBy()) };
      }
    }
    if (Object.keys(fields).length === 0) return undefined;
    return this.factory.input(
      this.name(`${object.typeSuffix}_order_by`),
      () => fields,
      'Sort key: exactly one field per object; pass a list for several keys.',
    );
  }

  /**
   * `<ds>_select_column` (Hasura's name): one value per sortable leaf, named by its GraphQL path with `__` for
   * dots (`det__label`), whose value is the leaf's dot path. `undefined` when the dataset has no such leaf.
   */
  selectColumn(): EnumTypeRef | undefined {
    const leaves = this.ds.leaves.filter((l) => isScalarLeaf(l.type));
    if (leaves.length === 0) return undefined;
    return this.factory.enum(
      this.name('_select_column'),
      () => {
        const names = allocateNames(leaves.map((l) => l.gqlPath.split('.').join('__')));
        return Object.fromEntries(
          leaves.map((l) => [
            names.get(l.gqlPath.split('.').join('__')) ?? l.gqlPath,
            { value: l.path, description: `'${l.path}'` },
          ]),
        );
      },
      `Fields of '${this.ds.name}' for distinct_on (nested paths joined by __).`,
    );
  }

  /** `<ds><suffix>_group_key`: the grouped fields of a group (fields not grouped on are null). */
  groupKey(object: ObjectModel = this.ds.root): ObjectTypeRef {
    return this.factory.object(this.name(`${object.typeSuffix}_group_key`), () =>
      Object.fromEntries(
        object.fields.map((f) => {
          const field: FieldSpec<Row> = {
            type: f.kind === 'object' ? outType(this.groupKey(f)) : this.leafOutput(f.type, f.typeSuffix),
            resolve: read(f.name),
          };
          return [f.gqlName, field];
        }),
      ),
    );
  }
}
