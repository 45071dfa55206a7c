import type { LeafType } from '../../schema/record/field-type.ts';
import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { AGGREGATE_OPS, type AggregateOp } from '../model/type-names.ts';
import type { DatasetTypes } from './dataset-types.ts';
import {
  type FieldSpec,
  type InputSpec,
  inList,
  inType,
  type OutType,
  outList,
  outType,
} from './pothos-builder.ts';
import type { InputTypeRef, ObjectTypeRef, Row } from './type-factory.ts';

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
 * and the group types `<ds>_group`, `<ds>_group_order_by` — declared on the build's Pothos builder.
 */
export class AggregateTypes {
  constructor(readonly types: DatasetTypes) {}

  /** Result type of `op` over a leaf. */
  opOutput(op: AggregateOp, leaf: LeafModel): OutType {
    const f = this.types.factory;
    if (op === 'count_distinct') return outType('Int');
    if (op === 'avg') return outType('Float');
    if (op === 'sum')
      return outType(
        leaf.type.kind === 'bigint'
          ? f.scalar('bigint')
          : leaf.type.kind === 'int'
            ? f.scalar('int')
            : 'Float',
      );
    return this.types.leafOutput(leaf.type, leaf.typeSuffix);
  }

  /** HAVING comparison input for `op` over a leaf. */
  opComparison(op: AggregateOp, leaf: LeafModel): InputTypeRef {
    const f = this.types.factory;
    if (op === 'count_distinct') return f.comparison('Int', 'Int');
    if (op === 'avg') return f.comparison('Float', 'Float');
    if (op === 'sum')
      return leaf.type.kind === 'bigint'
        ? f.comparison('BigInt', f.scalar('bigint'))
        : leaf.type.kind === 'int'
          ? f.comparison('bigint', f.scalar('int'))
          : f.comparison('Float', 'Float');
    return this.types.leafComparison(leaf);
  }

  /** `<ds><suffix>_<op>_fields`, or undefined when no field of `object` supports `op`. */
  opFields(op: AggregateOp, object: ObjectModel = this.types.ds.root): ObjectTypeRef | undefined {
    const fields: Record<string, FieldSpec<Row>> = {};
    for (const f of object.fields) {
      if (f.kind === 'object') {
        const nested = this.opFields(op, f);
        if (nested !== undefined) fields[f.gqlName] = { type: outType(nested, false), resolve: read(f.name) };
      } else if (aggregateApplies(op, f.type)) {
        fields[f.gqlName] = { type: this.opOutput(op, f), resolve: read(f.name) };
      }
    }
    if (Object.keys(fields).length === 0) return undefined;
    return this.types.factory.object(this.types.name(`${object.typeSuffix}_${op}_fields`), () => fields);
  }

  /** `<ds><suffix>_<op>_order_by`, or undefined when empty. */
  opOrderBy(op: AggregateOp, object: ObjectModel = this.types.ds.root): InputTypeRef | undefined {
    const fields: Record<string, InputSpec> = {};
    for (const f of object.fields) {
      if (f.kind === 'object') {
        const nested = this.opOrderBy(op, f);
        if (nested !== undefined) fields[f.gqlName] = { type: inType(nested) };
      } else if (aggregateApplies(op, f.type)) {
        fields[f.gqlName] = { type: inType(this.types.factory.orderBy()) };
      }
    }
    if (Object.keys(fields).length === 0) return undefined;
    return this.types.factory.input(this.types.name(`${object.typeSuffix}_${op}_order_by`), () => fields);
  }

  /** `<ds><suffix>_<op>_bool_exp` (HAVING on `op`), or undefined when empty. */
  opBoolExp(op: AggregateOp, object: ObjectModel = this.types.ds.root): InputTypeRef | undefined {
    const fields: Record<string, InputSpec> = {};
    for (const f of object.fields) {
      if (f.kind === 'object') {
        const nested = this.opBoolExp(op, f);
        if (nested !== undefined) fields[f.gqlName] = { type: inType(nested) };
      } else if (aggregateApplies(op, f.type)) {
        fields[f.gqlName] = { type: inType(this.opComparison(op, f)) };
      }
    }
    if (Object.keys(fields).length === 0) return undefined;
    return this.types.factory.input(this.types.name(`${object.typeSuffix}_${op}_bool_exp`), () => fields);
  }

  /** `<ds>_aggregate_fields { count count_distinct sum avg min max }`. */
  aggregateFields(): ObjectTypeRef {
    return this.types.factory.object(this.types.name('_aggregate_fields'), () => {
      const fields: Record<string, FieldSpec<Row>> = {
        count: { type: outType('Int', false), description: 'number of rows', resolve: read('count') },
      };
      for (const op of AGGREGATE_OPS) {
        const type = this.opFields(op);
        if (type !== undefined) fields[op] = { type: outType(type, false), resolve: read(op) };
      }
      return fields;
    });
  }

  /** `<ds>_aggregate { aggregate nodes }`, the result of `<ds>_aggregate(…)`. */
  aggregate(): ObjectTypeRef {
    return this.types.factory.object(this.types.name('_aggregate'), () => ({
      aggregate: { type: outType(this.aggregateFields(), false), resolve: read('aggregate') },
      nodes: {
        type: outList(outType(this.types.rowType(), false), false),
        resolve: (parent: Row, _args, ctx, info) =>
          ctx.rowCap?.check(info.path, parent.nodes as Row[], parent.limit) ?? parent.nodes,
      },
    }));
  }

  /** `<ds>_aggregate_order_by { count, sum {…}, … }` (sorting groups by aggregates). */
  aggregateOrderBy(): InputTypeRef {
    return this.types.factory.input(this.types.name('_aggregate_order_by'), () => {
      const fields: Record<string, InputSpec> = { count: { type: inType(this.types.factory.orderBy()) } };
      for (const op of AGGREGATE_OPS) {
        const type = this.opOrderBy(op);
        if (type !== undefined) fields[op] = { type: inType(type) };
      }
      return fields;
    });
  }

  /** `<ds>_aggregate_bool_exp`: the `having` filter of `<ds>_groups`. */
  aggregateBoolExp(): InputTypeRef {
    return this.types.factory.input(
      this.types.name('_aggregate_bool_exp'),
      (self) => {
        const fields: Record<string, InputSpec> = {
          _and: { type: inList(inType(self, true)) },
          _or: { type: inList(inType(self, true)) },
          _not: { type: inType(self) },
          count: { type: inType(this.types.factory.comparison('Int', 'Int')) },
        };
        for (const op of AGGREGATE_OPS) {
          const type = this.opBoolExp(op);
          if (type !== undefined) fields[op] = { type: inType(type) };
        }
        return fields;
      },
      'Filter on per-group aggregates (HAVING). Keys are ANDed.',
    );
  }

  /** `<ds>_group { key aggregate }`. */
  group(): ObjectTypeRef {
    return this.types.factory.object(this.types.name('_group'), () => ({
      key: { type: outType(this.types.groupKey(), false), resolve: read('key') },
      aggregate: { type: outType(this.aggregateFields(), false), resolve: read('aggregate') },
    }));
  }

  /** `<ds>_group_order_by { key: <ds>_order_by, aggregate: <ds>_aggregate_order_by }` (one key per item). */
  groupOrderBy(): InputTypeRef {
    return this.types.factory.input(this.types.name('_group_order_by'), () => {
      const fields: Record<string, InputSpec> = { aggregate: { type: inType(this.aggregateOrderBy()) } };
      const key = this.types.orderBy();
      if (key !== undefined) fields.key = { type: inType(key) };
      return fields;
    });
  }
}
