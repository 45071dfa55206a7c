import {
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import type { LeafType } from '../../schema/record/field-type.ts';
import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { AGGREGATE_OPS, type AggregateOp } from '../model/type-names.ts';
import type { DatasetTypes } from './dataset-types.ts';
import { SCALARS } from './type-factory.ts';

type Row = Record<string, unknown>;
const read =
  (key: string) =>
  (parent: Row): unknown =>
    parent[key];

/** Whether aggregate `op` applies to a leaf of this type. */
export function aggregateApplies(op: AggregateOp, type: LeafType): boolean {
  const k = type.kind === 'literal' ? (typeof type.value === 'number' ? 'float' : 'string') : type.kind;
  switch (op) {
    case 'sum':
    case 'avg':
      return k === 'int' || k === 'float' || k === 'bigint';
    case 'min':
    case 'max':
      return ['int', 'float', 'bigint', 'string', 'datetime', 'enum'].includes(k);
    case 'count_distinct':
      return ['int', 'float', 'bigint', 'string', 'datetime', 'enum', 'boolean'].includes(k);
  }
}

/**
 * Aggregate types of one dataset: `<ds>_aggregate`, `<ds>_aggregate_fields`, per-op field objects
 * (`<ds>_sum_fields`, nested `<ds>_det_sum_fields`, …), their `_order_by` and `_bool_exp` (HAVING) inputs,
 * and the group types `<ds>_group`, `<ds>_group_order_by`.
 */
export class AggregateTypes {
  constructor(readonly types: DatasetTypes) {}

  /** Result type of `op` over a leaf. */
  opOutput(op: AggregateOp, leaf: LeafModel): GraphQLOutputType {
    if (op === 'count_distinct') return GraphQLInt;
    if (op === 'avg') return SCALARS.float;
    if (op === 'sum') return leaf.type.kind === 'bigint' ? SCALARS.bigint : SCALARS.float;
    return this.types.leafOutput(leaf.type, leaf.typeSuffix);
  }

  /** HAVING comparison input for `op` over a leaf. */
  opComparison(op: AggregateOp, leaf: LeafModel): GraphQLInputType {
    const f = this.types.factory;
    if (op === 'count_distinct') return f.comparison('Int', SCALARS.int);
    if (op === 'avg') return f.comparison('Float', SCALARS.float);
    if (op === 'sum')
      return leaf.type.kind === 'bigint'
        ? f.comparison('BigInt', SCALARS.bigint)
        : f.comparison('Float', SCALARS.float);
    return this.types.leafComparison(leaf);
  }

  /** `<ds><suffix>_<op>_fields`, or undefined when no field of `object` supports `op`. */
  opFields(op: AggregateOp, object: ObjectModel = this.types.ds.root): GraphQLObjectType | undefined {
    const fields: GraphQLFieldConfigMap<Row, unknown> = {};
    for (const f of object.fields) {
      if (f.kind === 'object') {
        const nested = this.opFields(op, f);
        if (nested !== undefined)
          fields[f.gqlName] = { type: new GraphQLNonNull(nested), resolve: read(f.name) };
      } else if (aggregateApplies(op, f.type)) {
        fields[f.gqlName] = { type: this.opOutput(op, f), resolve: read(f.name) };
      }
    }
    if (Object.keys(fields).length === 0) return undefined;
    const name = this.types.name(`${object.typeSuffix}_${op}_fields`);
    return this.types.factory.named(name, () => new GraphQLObjectType({ name, fields }));
  }

  /** `<ds><suffix>_<op>_order_by`, or undefined when empty. */
  opOrderBy(op: AggregateOp, object: ObjectModel = this.types.ds.root): GraphQLInputObjectType | undefined {
    const fields: GraphQLInputFieldConfigMap = {};
    for (const f of object.fields) {
      if (f.kind === 'object') {
        const nested = this.opOrderBy(op, f);
        if (nested !== undefined) fields[f.gqlName] = { type: nested };
      } else if (aggregateApplies(op, f.type)) {
        fields[f.gqlName] = { type: this.types.factory.orderBy() };
      }
    }
    if (Object.keys(fields).length === 0) return undefined;
    const name = this.types.name(`${object.typeSuffix}_${op}_order_by`);
    return this.types.factory.named(name, () => new GraphQLInputObjectType({ name, fields }));
  }

  /** `<ds><suffix>_<op>_bool_exp` (HAVING on `op`), or undefined when empty. */
  opBoolExp(op: AggregateOp, object: ObjectModel = this.types.ds.root): GraphQLInputObjectType | undefined {
    const fields: GraphQLInputFieldConfigMap = {};
    for (const f of object.fields) {
      if (f.kind === 'object') {
        const nested = this.opBoolExp(op, f);
        if (nested !== undefined) fields[f.gqlName] = { type: nested };
      } else if (aggregateApplies(op, f.type)) {
        fields[f.gqlName] = { type: this.opComparison(op, f) };
      }
    }
    if (Object.keys(fields).length === 0) return undefined;
    const name = this.types.name(`${object.typeSuffix}_${op}_bool_exp`);
    return this.types.factory.named(name, () => new GraphQLInputObjectType({ name, fields }));
  }

  /** `<ds>_aggregate_fields { count count_distinct sum avg min max }`. */
  aggregateFields(): GraphQLObjectType {
    const name = this.types.name('_aggregate_fields');
    return this.types.factory.named(name, () => {
      const fields: GraphQLFieldConfigMap<Row, unknown> = {
        count: {
          type: new GraphQLNonNull(GraphQLInt),
          description: 'number of rows',
          resolve: read('count'),
        },
      };
      for (const op of AGGREGATE_OPS) {
        const type = this.opFields(op);
        if (type !== undefined) fields[op] = { type: new GraphQLNonNull(type), resolve: read(op) };
      }
      return new GraphQLObjectType({ name, fields });
    });
  }

  /** `<ds>_aggregate { aggregate nodes }`, the result of `<ds>_aggregate(…)`. */
  aggregate(): GraphQLObjectType {
    const name = this.types.name('_aggregate');
    return this.types.factory.named(
      name,
      () =>
        new GraphQLObjectType({
          name,
          fields: () => ({
            aggregate: { type: new GraphQLNonNull(this.aggregateFields()), resolve: read('aggregate') },
            nodes: {
              type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(this.types.rowType()))),
              resolve: read('nodes'),
            },
          }),
        }),
    );
  }

  /** `<ds>_aggregate_order_by { count, sum {…}, … }` (sorting groups by aggregates). */
  aggregateOrderBy(): GraphQLInputObjectType {
    const name = this.types.name('_aggregate_order_by');
    return this.types.factory.named(name, () => {
      const fields: GraphQLInputFieldConfigMap = { count: { type: this.types.factory.orderBy() } };
      for (const op of AGGREGATE_OPS) {
        const type = this.opOrderBy(op);
        if (type !== undefined) fields[op] = { type };
      }
      return new GraphQLInputObjectType({ name, fields });
    });
  }

  /** `<ds>_aggregate_bool_exp`: the `having` filter of `<ds>_groups`. */
  aggregateBoolExp(): GraphQLInputObjectType {
    const name = this.types.name('_aggregate_bool_exp');
    return this.types.factory.named(name, () => {
      const self: GraphQLInputObjectType = new GraphQLInputObjectType({
        name,
        description: 'Filter on per-group aggregates (HAVING). Keys are ANDed.',
        fields: () => {
          const fields: GraphQLInputFieldConfigMap = {
            _and: { type: new GraphQLList(new GraphQLNonNull(self)) },
            _or: { type: new GraphQLList(new GraphQLNonNull(self)) },
            _not: { type: self },
            count: { type: this.types.factory.comparison('Int', SCALARS.int) },
          };
          for (const op of AGGREGATE_OPS) {
            const type = this.opBoolExp(op);
            if (type !== undefined) fields[op] = { type };
          }
          return fields;
        },
      });
      return self;
    });
  }

  /** `<ds>_group { key aggregate }`. */
  group(): GraphQLObjectType {
    const name = this.types.name('_group');
    return this.types.factory.named(
      name,
      () =>
        new GraphQLObjectType({
          name,
          fields: () => ({
            key: { type: new GraphQLNonNull(this.types.groupKey()), resolve: read('key') },
            aggregate: { type: new GraphQLNonNull(this.aggregateFields()), resolve: read('aggregate') },
          }),
        }),
    );
  }

  /** `<ds>_group_order_by { key: <ds>_order_by, aggregate: <ds>_aggregate_order_by }` (one key per item). */
  groupOrderBy(): GraphQLInputObjectType {
    const name = this.types.name('_group_order_by');
    return this.types.factory.named(name, () => {
      const fields: GraphQLInputFieldConfigMap = { aggregate: { type: this.aggregateOrderBy() } };
      const key = this.types.orderBy();
      if (key !== undefined) fields.key = { type: key };
      return new GraphQLInputObjectType({ name, fields });
    });
  }
}
