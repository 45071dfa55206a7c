import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { DatasetModel, LeafModel } from '../model/dataset-model.ts';
import { AGGREGATE_OPS, type AggregateOp } from '../model/type-names.ts';
import {
  type AggregateSelection,
  aggregateRead,
  groupLeaves,
  groupsRead,
} from '../query/aggregate-queries.ts';
import { FilterBudget } from '../query/filter-limits.ts';
import { scopeFor } from '../query/query-scope.ts';
import { DISTANCE_KEY } from '../query/row-decoder.ts';
import { byIdRead, nearestRead, rowsRead } from '../query/row-queries.ts';
import { runRead } from '../query/run-read.ts';
import { rowSelection, subFieldsOf } from '../query/selection.ts';
import { BadUserInputError } from '../server-errors.ts';
import { AggregateTypes } from './aggregate-types.ts';
import { byPkRootFields } from './by-pk-field.ts';
import { DatasetTypes } from './dataset-types.ts';
import { diffRootField } from './diff-field.ts';
import { type FieldSpec, type InputSpec, inList, inType, outList, outType } from './pothos-builder.ts';
import type { QueryEnv } from './query-env.ts';
import type { ObjectTypeRef, Row, TypeFactory } from './type-factory.ts';

type Args = Record<string, unknown>;

/** A fresh filter budget for one `where`/`having` argument. */
export function filterBudget(env: QueryEnv, argument: 'where' | 'having'): FilterBudget {
  return new FilterBudget(env.limits, argument, env.compiler.capabilities);
}

/** Validates `limit`/`offset` against the server limits. */
function paging(env: QueryEnv, args: Args): { limit: number; offset: number } {
  const limit = (args.limit as number | null | undefined) ?? env.limits.defaultLimit;
  const offset = (args.offset as number | null | undefined) ?? 0;
  if (limit < 0) throw new BadUserInputError('limit must not be negative.');
  if (limit > env.limits.maxLimit) {
    throw new BadUserInputError(
      `limit ${limit} exceeds the maximum of ${env.limits.maxLimit} rows per query.`,
    );
  }
  if (offset < 0) throw new BadUserInputError('offset must not be negative.');
  return { limit, offset };
}

/** Leaves selected under one aggregate-fields selection (`aggregate { sum {…} … }`). */
function aggregateSelection(
  ds: DatasetModel,
  nodes: readonly FieldNode[],
  info: GraphQLResolveInfo,
): AggregateSelection {
  const fields = subFieldsOf(nodes, info.fragments);
  const terms: { op: AggregateOp; leaf: LeafModel }[] = [];
  for (const op of AGGREGATE_OPS) {
    const opNodes = fields.get(op);
    if (opNodes === undefined) continue;
    for (const leaf of rowSelection(ds.root, subFieldsOf(opNodes, info.fragments), info.fragments).leaves) {
      terms.push({ op, leaf });
    }
  }
  return { count: fields.has('count'), terms };
}

/**
 * Root fields of one dataset: `<ds>`, `<ds>_aggregate`, `<ds>_groups`, `<ds>_by_id`, `<ds>_by_pk`,
 * `<ds>_nearest`, `<ds>_diff`. Their types are declared on the factory's builder now; the returned specs are declared
 * as Query fields by `build-schema.ts` (`builder.queryFields`).
 */
export function datasetRootFields(
  ds: DatasetModel,
  factory: TypeFactory,
  env: QueryEnv,
): Record<string, FieldSpec> {
  const types = new DatasetTypes(ds, factory);
  const aggs = new AggregateTypes(types);
  const row = types.rowType();
  const rows = outList(outType(row, false), false);
  const where: InputSpec = {
    type: inType(types.boolExp()),
    description: 'Filter (Hasura boolean expression).',
  };
  const orderType = types.orderBy();
  const orderBy: Record<string, InputSpec> =
    orderType === undefined ? {} : { order_by: { type: inList(inType(orderType, true)) } };
  const version: InputSpec = {
    type: inType('String'),
    description: 'Dataset version (semver); default: the newest.',
  };
  const limit: InputSpec = {
    type: inType('Int'),
    description: `Default ${env.limits.defaultLimit}, at most ${env.limits.maxLimit}.`,
  };
  const offset: InputSpec = { type: inType('Int') };
  const b = ds.gqlName;
  const fields: Record<string, FieldSpec> = {};
  const doc = ds.description ? `${ds.description}\n\n` : '';

  const selectColumn = types.selectColumn();
  const distinctOn: Record<string, InputSpec> =
    selectColumn === undefined
      ? {}
      : {
          distinct_on: {
            type: inList(inType(selectColumn, true)),
            description:
              'Keep the first row (in order_by order) of each distinct value of these fields; they must lead order_by.',
          },
        };
  fields[b] = {
    type: rows,
    description: `${doc}Rows of dataset '${ds.name}'.`,
    args: { ...distinctOn, where, ...orderBy, limit, offset, version },
    resolve: (_src, args, ctx, info) => {
      const scope = scopeFor(ds, args.version as string | undefined);
      const selection = rowSelection(ds.root, subFieldsOf(info.fieldNodes, info.fragments), info.fragments);
      const planned = rowsRead(
        scope,
        selection,
        {
          where: args.where,
          order_by: args.order_by,
          distinct_on: args.distinct_on as readonly string[] | null | undefined,
          ...paging(env, args),
        },
        filterBudget(env, 'where'),
      );
      return runRead(env, planned, ctx).then(
        (list) => ctx.rowCap?.check(info.path, list, args.limit) ?? list,
      );
    },
  };

  fields[`${b}_aggregate`] = {
    type: outType(aggs.aggregate(), false),
    description: `Aggregates over dataset '${ds.name}' (and the matching rows as nodes).`,
    args: { where, ...orderBy, limit, offset, version },
    resolve: (_src, args, ctx, info) => {
      const scope = scopeFor(ds, args.version as string | undefined);
      const top = subFieldsOf(info.fieldNodes, info.fragments);
      const aggNodes = top.get('aggregate') ?? [];
      const nodeNodes = top.get('nodes');
      const nodes =
        nodeNodes && rowSelection(ds.root, subFieldsOf(nodeNodes, info.fragments), info.fragments);
      const explicit = args.limit !== undefined && args.limit !== null;
      const page = paging(env, args);
      const planned = aggregateRead(
        scope,
        aggregateSelection(ds, aggNodes, info),
        nodes,
        {
          where: args.where,
          order_by: args.order_by,
          ...(explicit ? { limit: page.limit } : {}),
          ...(args.offset !== undefined && args.offset !== null ? { offset: page.offset } : {}),
          nodesLimit: env.limits.defaultLimit,
        },
        filterBudget(env, 'where'),
      );
      return runRead(env, planned, ctx).then((result) => ({ ...result, limit: args.limit })); // `nodes` checks the row cap with it
    },
  };

  fields[`${b}_groups`] = {
    type: outList(outType(aggs.group(), false), false),
    description: `Rows of '${ds.name}' grouped by the given fields, with per-group aggregates.`,
    args: {
      by: {
        type: inList(inType(factory.fieldPath(), true), true),
        description: 'Dot paths of the grouping fields.',
      },
      where,
      having: { type: inType(aggs.aggregateBoolExp()) },
      order_by: { type: inList(inType(aggs.groupOrderBy(), true)) },
      limit,
      offset,
      version,
    },
    resolve: (_src, args, ctx, info) => {
      const scope = scopeFor(ds, args.version as string | undefined);
      const by = groupLeaves(scope, args.by as string[]);
      const top = subFieldsOf(info.fieldNodes, info.fragments);
      const keyNodes = top.get('key');
      const keySel = keyNodes
        ? rowSelection(ds.root, subFieldsOf(keyNodes, info.fragments), info.fragments).leaves
        : [];
      const selection = aggregateSelection(ds, top.get('aggregate') ?? [], info);
      const planned = groupsRead(
        scope,
        selection,
        new Set(keySel),
        { by, where: args.where, having: args.having, order_by: args.order_by, ...paging(env, args) },
        filterBudget(env, 'where'),
        filterBudget(env, 'having'),
      );
      return runRead(env, planned, ctx).then(
        (list) => ctx.rowCap?.check(info.path, list, args.limit) ?? list,
      );
    },
  };

  fields[`${b}_by_id`] = {
    type: outType(row),
    description: `One row of '${ds.name}' by id (the declared primary key, else _id).`,
    args: { id: { type: inType('ID', true) }, version },
    resolve: async (_src, args, ctx, info) => {
      const scope = scopeFor(ds, args.version as string | undefined);
      const selection = rowSelection(ds.root, subFieldsOf(info.fieldNodes, info.fragments), info.fragments);
      const planned = byIdRead(scope, selection, String(args.id));
      return planned === null ? null : runRead(env, planned, ctx);
    },
  };

  Object.assign(fields, byPkRootFields(types, env));
  Object.assign(fields, diffRootField(types, env));

  const vectors = ds.leaves.filter(
    (l) => l.type.kind === 'vector' || (l.type.kind === 'array' && isNumeric(l.type.items.kind)),
  );
  if (vectors.length > 0) {
    fields[`${b}_nearest`] = {
      type: outList(outType(nearestRow(types), false), false),
      description: `The k rows of '${ds.name}' nearest to a vector. Vector fields: ${vectors.map((v) => v.gqlPath).join(', ')}.`,
      args: {
        field: {
          type: inType(factory.fieldPath()),
          description: `Vector field; default ${vectors[0]?.gqlPath}.`,
        },
        vector: { type: inList(inType('Float', true), true) },
        k: { type: inType('Int'), description: 'Rows to return; default 10.' },
        metric: { type: inType(factory.distanceMetric()), description: 'Default cosine.' },
        where,
        version,
      },
      resolve: (_src, args, ctx, info) => {
        const scope = scopeFor(ds, args.version as string | undefined);
        const path = (args.field as string | undefined) ?? vectors[0]?.gqlPath ?? '';
        const leaf = vectors.find(
          (v) => v.gqlPath === path || v.path === path || v.gqlPath === path.replace(/__/g, '.'),
        );
        if (leaf === undefined) {
          throw new BadUserInputError(
            `field: '${path}' is not a vector field of '${ds.name}' (${vectors.map((v) => v.gqlPath).join(', ')}).`,
          );
        }
        const k = (args.k as number | null | undefined) ?? 10;
        if (k < 0 || k > env.limits.maxLimit)
          throw new BadUserInputError(`k must be between 0 and ${env.limits.maxLimit}.`);
        const selection = rowSelection(ds.root, subFieldsOf(info.fieldNodes, info.fragments), info.fragments);
        const planned = nearestRead(
          scope,
          selection,
          {
            leaf,
            vector: args.vector as number[],
            k,
            metric: (args.metric as string | undefined) ?? 'cosine',
            where: args.where,
          },
          filterBudget(env, 'where'),
        );
        return runRead(env, planned, ctx);
      },
    };
  }
  return fields;
}

function isNumeric(kind: string): boolean {
  return kind === 'float' || kind === 'int';
}

/** `<ds>_nearest_row`: the row's fields plus `distance` (and `_distance`, always present). */
function nearestRow(types: DatasetTypes): ObjectTypeRef {
  return types.factory.object(types.name('_nearest_row'), () => {
    const fields = types.rowFields(types.ds.root);
    const distance: FieldSpec<Row> = {
      type: outType('Float'),
      description: 'Distance to the query vector (smaller is nearer).',
      resolve: (row) => row[DISTANCE_KEY],
    };
    fields._distance = distance;
    if (fields.distance === undefined) fields.distance = distance;
    return fields;
  });
}
