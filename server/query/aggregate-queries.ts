import type { GroupingHint, RawRow } from '../../clients/warehouse/warehouse-driver.ts';
import { type AggregateFunction, aggregateNode, exactAggregate } from '../../schema/expr/aggregate-node.ts';
import { columnNode } from '../../schema/expr/column-node.ts';
import { childNodes, type ExprNode } from '../../schema/expr/expr-node.ts';
import { literalNode } from '../../schema/expr/literal-node.ts';
import { logicalNode, notNode } from '../../schema/expr/predicate-nodes.ts';
import type { OrderByItem, Selection, SelectQuery, Source } from '../../schema/query/query-node.ts';
import { pathToColumnName } from '../../schema/record/column.ts';
import type { FieldType } from '../../schema/record/field-type.ts';
import { didYouMean, suggestPaths, withEnclosingObjects } from '../../schema/record/suggest-paths.ts';
import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import type { AggregateOp } from '../model/type-names.ts';
import { BadUserInputError } from '../server-errors.ts';
import type { FilterBudget } from './filter-limits.ts';
import { asList, buildRowOrder, leafAt, orderItem, singleKeyPath } from './order-builder.ts';
import type { PlannedRead } from './planned-read.ts';
import type { QueryScope } from './query-scope.ts';
import { decodePlan, decodeRow } from './row-decoder.ts';
import { ID_ASC, needsBigints, type Row, rowDecoder, selectList, whereClause } from './row-queries.ts';
import type { RowSelection } from './selection.ts';
import { decodeInt, decodeValue } from './value-codec.ts';
import { allOf, buildOperators, buildWhere, COUNT_ALL } from './where-builder.ts';

/** Aggregates a query asks for: `count` and per-op leaves. */
export interface AggregateSelection {
  readonly count: boolean;
  readonly terms: readonly { readonly op: AggregateOp; readonly leaf: LeafModel }[];
}

const AGGREGATE_FUNCTIONS: Readonly<Record<AggregateOp, AggregateFunction>> = {
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  count_distinct: 'countDistinct',
};

/**
 * The aggregate `op` over `leaf` (read by `arg`). Sums and averages of integer leaves never wrap: `sumInt`/`avgInt`
 * (128-bit on ClickHouse; SQLite's checked sum fails past 64 bits with INTEGER_OVERFLOW instead).
 */
export function aggregateOf(op: AggregateOp, leaf: LeafModel, arg: ExprNode): ExprNode {
  return aggregateNode(exactAggregate(AGGREGATE_FUNCTIONS[op], leaf.type.kind), arg);
}

/** Aggregates read exactly only as 64-bit integers: over `bigint` leaves, and sums of `int` leaves. */
function termsNeedBigints(selection: AggregateSelection): boolean {
  return selection.terms.some(
    (t) => t.leaf.type.kind === 'bigint' || (t.op === 'sum' && t.leaf.type.kind === 'int'),
  );
}

/** Value type of an aggregate result, for encoding HAVING values. */
function aggregateValueType(op: AggregateOp, leaf: LeafModel): FieldType {
  if (op === 'count_distinct') return { kind: 'int' };
  if (op === 'avg') return { kind: 'float' };
  if (op === 'sum')
    return leaf.type.kind === 'bigint' || leaf.type.kind === 'int' ? leaf.type : { kind: 'float' };
  return leaf.type;
}

function decodeAggregate(op: AggregateOp, leaf: LeafModel, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  if (op === 'min' || op === 'max') return decodeValue(leaf.type, raw);
  if (op === 'sum' && leaf.type.kind === 'bigint') return String(raw);
  if (op === 'sum' && leaf.type.kind === 'int') return decodeInt(raw);
  return Number(raw);
}

/** Sets `value` at the original-name path of `leaf` inside `target`, creating objects on the way. */
function setAtPath(target: Record<string, unknown>, leaf: LeafModel, value: unknown): void {
  const parts = leaf.path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    let next = node[part] as Record<string, unknown> | undefined;
    if (next === undefined) {
      next = {};
      node[part] = next;
    }
    node = next;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Selections for an aggregate selection (`count`, `a0`, `a1`, …) and the decoder of one result row. */
function aggregateItems(
  scope: QueryScope,
  selection: AggregateSelection,
): { items: Selection[]; decode: (raw: RawRow) => Row } {
  const items: Selection[] = [{ expr: COUNT_ALL, alias: 'count' }];
  selection.terms.forEach((t, i) => {
    items.push({ expr: aggregateOf(t.op, t.leaf, scope.col(t.leaf)), alias: `a${i}` });
  });
  return {
    items,
    decode: (raw) => {
      const out: Row = { count: Number(raw.count ?? 0) };
      selection.terms.forEach((t, i) => {
        const bucket = (out[t.op] ?? {}) as Record<string, unknown>;
        out[t.op] = bucket;
        setAtPath(bucket, t.leaf, decodeAggregate(t.op, t.leaf, raw[`a${i}`]));
      });
      for (const op of ['sum', 'avg', 'min', 'max', 'count_distinct']) out[op] ??= {};
      return out;
    },
  };
}

/** Arguments of `<ds>_aggregate`. `limit`/`offset` (when given) restrict the rows aggregated, as in Hasura. */
export interface AggregateArgs {
  readonly where?: unknown;
  readonly order_by?: unknown;
  readonly limit?: number;
  readonly offset?: number;
  /** Cap on `nodes` when no `limit` is given. */
  readonly nodesLimit: number;
}

const NULL = literalNode(null);

/**
 * One statement for `<ds>_aggregate { aggregate {…} nodes {…} }`. Without nodes: the aggregates over the
 * filtered rows. With nodes: `UNION ALL` of the aggregate row (`_part` 0) and the node rows (`_part` 1, each
 * side padding the other's columns with NULL), ordered by `_part` then the nodes' sort keys — a plain
 * relational shape every dialect runs, decoded back into `{ aggregate, nodes }`.
 */
export function aggregateRead(
  scope: QueryScope,
  selection: AggregateSelection,
  nodes: RowSelection | undefined,
  args: AggregateArgs,
  budget: FilterBudget,
): PlannedRead<{ aggregate: Row; nodes: Row[] }> {
  const where = whereClause(buildWhere(scope.ds.root, args.where, scope.col, budget));
  const keys = buildRowOrder(scope.ds.root, args.order_by, scope.col);
  const order = [...keys.map((k) => k.item), ID_ASC];
  // The rows aggregated: the filtered table, or its page when limit/offset are given.
  const base: Source =
    args.limit === undefined && args.offset === undefined
      ? scope.table
      : {
          kind: 'subquery',
          alias: 'b',
          query: {
            kind: 'select',
            from: scope.table,
            selections: 'all',
            ...(where ? { where } : {}),
            orderBy: order,
            ...(args.limit === undefined ? {} : { limit: args.limit }),
            offset: args.offset ?? 0,
          },
        };
  const baseWhere = base === scope.table ? where : undefined;
  const { items, decode } = aggregateItems(scope, selection);
  const bigints = termsNeedBigints(selection) || needsBigints(nodes?.leaves ?? []);
  const aggregates: SelectQuery = {
    kind: 'select',
    from: base,
    selections: items,
    ...(baseWhere ? { where: baseWhere } : {}),
  };
  if (nodes === undefined) {
    return {
      query: aggregates,
      bigints,
      decode: (rows) => ({ aggregate: decode(rows[0] ?? {}), nodes: [] }),
    };
  }
  const list = selectList(scope, nodes);
  const nodeItems = list.items.filter((s) => s.alias !== '_');
  const orderItems: Selection[] = order.map((o, i) => ({ expr: o.expr, alias: `o${i}` }));
  const pad = (selections: readonly Selection[]) => selections.map((s) => ({ expr: NULL, alias: s.alias }));
  const aggregatePart: SelectQuery = {
    ...aggregates,
    selections: [{ expr: literalNode(0), alias: '_part' }, ...items, ...pad(nodeItems), ...pad(orderItems)],
  };
  const nodesPart: SelectQuery = {
    kind: 'select',
    from: base,
    selections: [{ expr: literalNode(1), alias: '_part' }, ...pad(items), ...nodeItems, ...orderItems],
    ...(baseWhere ? { where: baseWhere } : {}),
    orderBy: order,
    limit: args.limit ?? args.nodesLimit,
  };
  const outerOrder: OrderByItem[] = [
    { expr: columnNode('_part'), direction: 'asc', nulls: 'last' },
    ...order.map((o, i) => ({ ...o, expr: columnNode(`o${i}`) })),
  ];
  const decodeNode = rowDecoder(scope, nodes, list.alias);
  return {
    query: {
      kind: 'select',
      from: {
        kind: 'subquery',
        alias: 'u',
        query: { kind: 'set', op: 'unionAll', left: aggregatePart, right: nodesPart },
      },
      selections: 'all',
      orderBy: outerOrder,
    },
    bigints,
    decode: (rows) => {
      const [first, ...rest] = rows;
      return { aggregate: decode(first ?? {}), nodes: rest.map(decodeNode) };
    },
  };
}

/** Resolves `by:` paths (GraphQL or original dot paths; an object path means all its leaves). */
export function groupLeaves(scope: QueryScope, by: readonly string[]): LeafModel[] {
  if (by.length === 0) throw new BadUserInputError('by: give at least one field path.');
  const out: LeafModel[] = [];
  for (const raw of by) {
    const path = raw.includes('.') ? raw : raw.replace(/__/g, '.');
    const leaf = scope.ds.leafByPath.get(path) ?? scope.ds.leafByPath.get(raw);
    if (leaf !== undefined) {
      if (!out.includes(leaf)) out.push(leaf);
      continue;
    }
    const prefix = `${path}.`;
    const under = scope.ds.leaves.filter((l) => l.gqlPath.startsWith(prefix) || l.path.startsWith(prefix));
    if (under.length === 0) {
      const known = scope.ds.leaves.map((l) => l.gqlPath);
      const hint =
        didYouMean(suggestPaths(path, withEnclosingObjects(known))) ||
        ` Known fields: ${known
          .slice(0, 20)
          .map((p) => `'${p}'`)
          .join(', ')}.`;
      throw new BadUserInputError(`by: unknown field '${raw}'.${hint}`);
    }
    for (const l of under) if (!out.includes(l)) out.push(l);
  }
  return out;
}

/** Arguments of `<ds>_groups`. */
export interface GroupsArgs {
  readonly by: readonly LeafModel[];
  readonly where?: unknown;
  readonly having?: unknown;
  readonly order_by?: unknown;
  readonly limit: number;
  readonly offset: number;
}

/** `SELECT <keys>, <aggregates> FROM … WHERE … GROUP BY <keys> HAVING … ORDER BY … LIMIT ? OFFSET ?`. */
export function groupsRead(
  scope: QueryScope,
  selection: AggregateSelection,
  keySelection: ReadonlySet<LeafModel>,
  args: GroupsArgs,
  whereBudget: FilterBudget,
  havingBudget: FilterBudget,
): PlannedRead<Row[]> {
  const keyItems: Selection[] = args.by.map((leaf, i) => ({ expr: scope.col(leaf), alias: `k${i}` }));
  const { items, decode } = aggregateItems(scope, selection);
  const where = whereClause(buildWhere(scope.ds.root, args.where, scope.col, whereBudget));
  const having = whereClause(buildHaving(scope, args.having, havingBudget));
  const order = [
    ...buildGroupOrder(scope, args.order_by, args.by),
    ...args.by.map((leaf) => orderItem(scope.col(leaf), 'asc')),
  ];
  const keyAlias = new Map(args.by.map((leaf, i) => [leaf, `k${i}`] as const));
  const plan = decodePlan(
    { ...scope.ds.root, nullable: false },
    new Set([...keySelection].filter((l) => keyAlias.has(l))),
    (leaf) => keyAlias.get(leaf) ?? '',
  );
  const grouping = groupingHint(
    scope.table.name,
    [
      ...keyItems.map((k) => k.expr),
      ...items.map((i) => i.expr),
      ...(where ? [where] : []),
      ...(having ? [having] : []),
    ],
    args.by.length,
  );
  return {
    ...(grouping ? { grouping } : {}),
    query: {
      kind: 'select',
      from: scope.table,
      selections: [...keyItems, ...items],
      ...(where ? { where } : {}),
      groupBy: args.by.map((leaf) => scope.col(leaf)),
      ...(having ? { having } : {}),
      orderBy: order,
      limit: args.limit,
      offset: args.offset,
    },
    bigints: needsBigints(args.by) || termsNeedBigints(selection),
    decode: (rows) => rows.map((raw) => ({ key: decodeRow(plan, raw) ?? {}, aggregate: decode(raw) })),
  };
}

/** Builds a `<ds>_aggregate_bool_exp` (HAVING). */
export function buildHaving(scope: QueryScope, exp: unknown, budget: FilterBudget, depth = 1): ExprNode {
  if (exp === null || exp === undefined) return literalNode(true);
  budget.enter(depth);
  const parts: ExprNode[] = [];
  for (const [key, value] of Object.entries(exp as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (value === null) throw new BadUserInputError(`having: '${key}' must not be null.`);
    if (key === '_and' || key === '_or') {
      const list = (value as unknown[]).map((e) => buildHaving(scope, e, budget, depth + 1));
      budget.count(list.length === 0 ? 1 : 0);
      parts.push(
        key === '_and' ? allOf(list) : list.length === 0 ? literalNode(false) : logicalNode('or', list),
      );
    } else if (key === '_not') {
      parts.push(notNode(buildHaving(scope, value, budget, depth + 1)));
    } else if (key === 'count') {
      parts.push(
        buildOperators({ kind: 'int' }, 'count', value as Record<string, unknown>, COUNT_ALL, budget),
      );
    } else {
      const op = key as AggregateOp;
      walkOp(scope.ds.root, value as Record<string, unknown>, (leaf, ops) =>
        parts.push(
          buildOperators(
            aggregateValueType(op, leaf),
            `${op}.${leaf.gqlPath}`,
            ops,
            aggregateOf(op, leaf, scope.col(leaf)),
            budget,
          ),
        ),
      );
    }
  }
  return allOf(parts);
}

function walkOp(
  object: ObjectModel,
  exp: Record<string, unknown>,
  visit: (leaf: LeafModel, ops: Record<string, unknown>) => void,
): void {
  for (const [key, value] of Object.entries(exp)) {
    if (value === undefined || value === null) continue;
    const field = object.byGqlName.get(key);
    if (field === undefined) throw new BadUserInputError(`having: unknown field '${key}'.`);
    if (field.kind === 'object') walkOp(field, value as Record<string, unknown>, visit);
    else visit(field, value as Record<string, unknown>);
  }
}

/** Builds `<ds>_group_order_by` items: `{key: {…}}` on grouped fields or `{aggregate: {…}}`. */
function buildGroupOrder(scope: QueryScope, orderBy: unknown, by: readonly LeafModel[]): OrderByItem[] {
  return asList(orderBy).map((item) => {
    const term = singleKeyPath(item, 'order_by');
    const [head, ...rest] = term.path;
    if (head === 'key') {
      const leaf = leafAt(scope.ds.root, rest, 'order_by.key');
      if (!by.includes(leaf)) {
        throw new BadUserInputError(`order_by.key: '${leaf.gqlPath}' is not one of the grouped fields (by).`);
      }
      return orderItem(scope.col(leaf), term.direction);
    }
    const [op, ...path] = rest;
    if (op === 'count' && path.length === 0) return orderItem(COUNT_ALL, term.direction);
    const leaf = leafAt(scope.ds.root, path, `order_by.aggregate.${op}`);
    return orderItem(aggregateOf(op as AggregateOp, leaf, scope.col(leaf)), term.direction);
  });
}

/**
 * The grouping hint of a grouped read: the columns of its first `keyCount` expressions (the keys), then every
 * other column the expressions read. None when a key is not a plain column (e.g. absent from an old version).
 */
function groupingHint(table: string, exprs: readonly ExprNode[], keyCount: number): GroupingHint | undefined {
  const keys: string[] = [];
  for (const expr of exprs.slice(0, keyCount)) {
    if (expr.kind !== 'column' || expr.table !== undefined) return undefined;
    keys.push(pathToColumnName(expr.path));
  }
  const columns = new Set<string>();
  const visit = (node: ExprNode): void => {
    if (node.kind === 'column') columns.add(pathToColumnName(node.path));
    for (const child of childNodes(node)) visit(child);
  };
  for (const expr of exprs.slice(keyCount)) visit(expr);
  for (const key of keys) columns.delete(key);
  return { table, keys, columns: [...columns] };
}
