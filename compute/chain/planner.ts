import { ExpressionTypeError } from '../../schema/errors.ts';
import { agg, columnNode, containsAggregate, type ExprNode } from '../../schema/expr/index.ts';
import type { Query, Selection, SelectQuery } from '../../schema/query/index.ts';
import { columnEquals, passThrough, scopeColumns } from '../../schema/query/pass-through.ts';
import type { Column } from '../../schema/record/column.ts';
import { pathToColumnName } from '../../schema/record/column.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { flattenSchema } from '../../schema/record/index.ts';
import { expressionLeafType, requireBoolean, widenIntegerSum } from './expr-types.ts';
import type { Relation } from './relation.ts';
import { leafSpec, omitPaths, pickPaths, requirePath, withField } from './schema-ops.ts';
import type { OrderKey, SqlStep } from './steps.ts';

export { columnEquals, passThrough, scopeColumns };

/**
 * Applies SQL steps to relations. Every step type-checks its expressions against the input schema
 * first (unknown paths and type mismatches fail here, before any SQL runs), then wraps the input
 * query as a subquery. Nothing is executed.
 */

function over(relation: Relation, alias = 't'): SelectQuery['from'] {
  return { kind: 'subquery', query: relation.query, alias };
}

/** Keeps `order` only if every key still type-checks against the new schema. */
function surviving(
  order: readonly OrderKey[] | undefined,
  schema: DatasetSchema,
): readonly OrderKey[] | undefined {
  if (!order) return undefined;
  const columns = scopeColumns(schema);
  try {
    for (const key of order) expressionLeafType(key.expr, columns);
    return order;
  } catch {
    return undefined;
  }
}

function orderClause(order: readonly OrderKey[] | undefined): SelectQuery['orderBy'] {
  return order?.map((key) => ({
    expr: key.expr,
    direction: key.direction,
    nulls: key.nulls ?? (key.direction === 'asc' ? 'last' : 'first'),
  }));
}

function select(relation: Relation, schema: DatasetSchema, parts: Partial<SelectQuery>): Relation {
  const order = parts.orderBy === undefined ? surviving(relation.order, schema) : relation.order;
  const query: SelectQuery = {
    kind: 'select',
    from: over(relation),
    selections: passThrough(schema),
    ...parts,
    orderBy: parts.orderBy ?? orderClause(order),
  };
  return { query, schema, order, lineage: relation.lineage };
}

/** Applies one SQL step. Throws `UnknownColumnError` / `ExpressionTypeError` on bad steps. */
export function applySqlStep(relation: Relation, step: SqlStep): Relation {
  const columns = scopeColumns(relation.schema);
  switch (step.kind) {
    case 'filter': {
      if (containsAggregate(step.predicate)) {
        throw new ExpressionTypeError('filter() cannot use aggregates; use groupBy() and filter its result.');
      }
      requireBoolean(step.predicate, columns, 'filter()');
      return select(relation, relation.schema, { where: step.predicate });
    }
    case 'select':
      return select(relation, pickPaths(relation.schema, step.paths), {});
    case 'selectExcept':
      return select(relation, omitPaths(relation.schema, step.paths), {});
    case 'mutate':
      return mutate(relation, step.fields);
    case 'orderBy': {
      for (const key of step.keys) expressionLeafType(key.expr, columns);
      const next = select(relation, relation.schema, { orderBy: orderClause(step.keys) });
      return { ...next, order: step.keys };
    }
    case 'limit':
    case 'offset': {
      const next = select(
        relation,
        relation.schema,
        step.kind === 'limit' ? { limit: step.count } : { offset: step.count },
      );
      return next;
    }
    case 'distinct':
      return distinct(relation, step.paths);
    case 'groupBy':
      return groupBy(relation, step.by, step.aggregates);
    case 'sample': {
      const byRand: OrderKey[] = [{ expr: columnNode('sys.rand'), direction: 'asc' }];
      const sampled = select(relation, relation.schema, { orderBy: orderClause(byRand), limit: step.count });
      return { ...sampled, order: undefined };
    }
    case 'shuffle': {
      const byRand: OrderKey[] = [{ expr: columnNode('sys.rand'), direction: 'asc' }];
      return { ...select(relation, relation.schema, { orderBy: orderClause(byRand) }), order: byRand };
    }
  }
}

function mutate(relation: Relation, fields: readonly { name: string; expr: ExprNode }[]): Relation {
  const columns = scopeColumns(relation.schema);
  let schema = relation.schema;
  const computed = new Map<string, ExprNode>();
  for (const { name, expr } of fields) {
    if (containsAggregate(expr)) {
      throw new ExpressionTypeError(`mutate('${name}') cannot use aggregates; use groupBy().`);
    }
    const { type, nullable } = expressionLeafType(expr, columns);
    schema = withField(schema, name, leafSpec(type, nullable));
    computed.set(pathToColumnName(name), expr);
  }
  const selections = scopeColumns(schema).map((column) => ({
    expr: computed.get(column.name) ?? columnNode(column.path),
    alias: column.name,
  }));
  return select(relation, schema, { selections });
}

function distinct(relation: Relation, paths: readonly string[]): Relation {
  const keys = paths.length > 0 ? leavesOf(relation.schema, paths) : flattenSchema(relation.schema);
  const firstIds: SelectQuery = {
    kind: 'select',
    from: over(relation),
    selections: [{ expr: agg.min(columnNode('sys.id')).node, alias: 'chainql_keep' }],
    groupBy: keys.map((column) => columnNode(column.path)),
  };
  const query: SelectQuery = {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'inner',
      left: over(relation, 'a'),
      right: { kind: 'subquery', query: firstIds, alias: 'b' },
      on: columnEquals('sys.id', 'a', 'chainql_keep', 'b'),
    },
    selections: passThrough(relation.schema, 'a'),
  };
  return { query, schema: relation.schema, order: undefined, lineage: relation.lineage };
}

function groupBy(
  relation: Relation,
  by: readonly string[],
  aggregates: readonly { name: string; expr: ExprNode }[],
): Relation {
  const columns = scopeColumns(relation.schema);
  const keys = leavesOf(relation.schema, by);
  let schema = pickPaths(relation.schema, by);
  const selections: Selection[] = [
    { expr: agg.min(columnNode('sys.id')).node, alias: 'sys__id' },
    { expr: agg.min(columnNode('sys.rand')).node, alias: 'sys__rand' },
    ...keys.map((column) => ({ expr: columnNode(column.path), alias: column.name })),
  ];
  for (const { name, expr } of aggregates) {
    if (!containsAggregate(expr)) {
      throw new ExpressionTypeError(
        `groupBy aggregate '${name}' must be an aggregate such as count() or sum('x').`,
      );
    }
    const { type, nullable } = expressionLeafType(expr, columns);
    schema = withField(schema, name, leafSpec(type, nullable));
    selections.push({ expr: widenIntegerSum(expr, columns), alias: pathToColumnName(name) });
  }
  const query: SelectQuery = {
    kind: 'select',
    from: over(relation),
    selections,
    groupBy: keys.map((column) => columnNode(column.path)),
  };
  return { query, schema, order: undefined, lineage: relation.lineage };
}

/** The leaf columns under each path (a path may name a leaf or a nested object). */
export function leavesOf(schema: DatasetSchema, paths: readonly string[]): Column[] {
  for (const path of paths) requirePath(schema, path);
  const leaves = flattenSchema(schema);
  return paths.flatMap((path) => leaves.filter((c) => c.path === path || c.path.startsWith(`${path}.`)));
}

/** Wraps a query so it can be a member of a compound (UNION/EXCEPT) query. */
export function asMember(relation: Relation, selections: Selection[]): Query {
  return { kind: 'select', from: over(relation, 'm'), selections };
}
