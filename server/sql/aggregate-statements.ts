import type { FieldType } from '../../schema/record/field-type.ts';
import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import type { AggregateOp } from '../model/type-names.ts';
import { BadUserInputError } from '../server-errors.ts';
import { asList, compileRowOrder, leafAt, ORDER_DIRECTIONS, singleKeyPath } from './order-compiler.ts';
import { decodePlan, decodeRow } from './row-decoder.ts';
import { needsBigints, rowDecoder, type Statement, selectList } from './row-statements.ts';
import { ID_COLUMN, type QueryScope } from './scope.ts';
import type { RowSelection } from './selection.ts';
import { Params, SQL_FALSE, SQL_TRUE } from './sql-text.ts';
import { decodeValue } from './value-codec.ts';
import { compileOperators, compileWhere } from './where-compiler.ts';

/** Aggregates a query asks for: `count` and per-op leaves. */
export interface AggregateSelection {
  readonly count: boolean;
  readonly terms: readonly { readonly op: AggregateOp; readonly leaf: LeafModel }[];
}

type Row = Record<string | symbol, unknown>;

/** SQL of aggregate `op` over the expression `c`. */
export function aggregateSql(op: AggregateOp, c: string): string {
  return op === 'count_distinct' ? `count(DISTINCT ${c})` : `${op}(${c})`;
}

/** Value type of an aggregate result, for encoding HAVING parameters. */
function aggregateValueType(op: AggregateOp, leaf: LeafModel): FieldType {
  if (op === 'count_distinct') return { kind: 'int' };
  if (op === 'avg') return { kind: 'float' };
  if (op === 'sum') return leaf.type.kind === 'bigint' ? { kind: 'bigint' } : { kind: 'float' };
  return leaf.type;
}

function decodeAggregate(op: AggregateOp, leaf: LeafModel, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  if (op === 'min' || op === 'max') return decodeValue(leaf.type, raw);
  if (op === 'sum' && leaf.type.kind === 'bigint') return String(raw);
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

/** SELECT-list items for an aggregate selection (`count`, `a0`, `a1`, …) and the decoder of one result row. */
function aggregateItems(
  scope: QueryScope,
  selection: AggregateSelection,
): { items: string[]; decode: (raw: Record<string, unknown>) => Row } {
  const items = ['count(*) AS "count"'];
  selection.terms.forEach((t, i) => {
    items.push(`${aggregateSql(t.op, scope.col(t.leaf))} AS "a${i}"`);
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

/**
 * One statement for `<ds>_aggregate { aggregate {…} nodes {…} }`: the aggregates over the filtered rows,
 * and the nodes as a JSON array built by a scalar subquery (`json_group_array(json_array(…))`).
 */
export function aggregateStatement(
  scope: QueryScope,
  selection: AggregateSelection,
  nodes: RowSelection | undefined,
  args: AggregateArgs,
): Statement<Row> {
  const params = new Params();
  const base = (): string => {
    const where = compileWhere(scope.ds.root, args.where, scope.col, params);
    if (args.limit === undefined && args.offset === undefined)
      return `(SELECT * FROM ${scope.table} WHERE ${where})`;
    const order = [...compileRowOrder(scope.ds.root, args.order_by, scope.col), `${ID_COLUMN} ASC`];
    return (
      `(SELECT * FROM ${scope.table} WHERE ${where} ORDER BY ${order.join(', ')} ` +
      `LIMIT ${params.add(args.limit ?? -1)} OFFSET ${params.add(args.offset ?? 0)})`
    );
  };
  const { items, decode } = aggregateItems(scope, selection);
  let decodeNodes: ((json: unknown) => Row[]) | undefined;
  if (nodes !== undefined) {
    const list = selectList(scope, nodes);
    const names = [...(nodes.id ? ['_id'] : []), ...nodes.leaves.map((_, i) => `c${i}`)];
    const jsonItems = [
      ...(nodes.id ? ['CAST("_id" AS TEXT)'] : []),
      ...nodes.leaves.map((leaf, i) => (leaf.type.kind === 'bigint' ? `CAST("c${i}" AS TEXT)` : `"c${i}"`)),
    ];
    const inner = base();
    const order = [...compileRowOrder(scope.ds.root, args.order_by, scope.col), `${ID_COLUMN} ASC`];
    const nodesSql =
      `(SELECT json_group_array(json_array(${jsonItems.join(', ') || '1'})) FROM (SELECT ${list.items.join(', ') || '1 AS "_"'} ` +
      `FROM ${inner} ORDER BY ${order.join(', ')} LIMIT ${params.add(args.limit ?? args.nodesLimit)}))`;
    items.push(`${nodesSql} AS "nodes"`);
    const decodeRowOf = rowDecoder(scope, nodes, list.alias);
    decodeNodes = (json) =>
      (JSON.parse(String(json ?? '[]')) as unknown[][]).map((values) =>
        decodeRowOf(Object.fromEntries(names.map((n, i) => [n, values[i]]))),
      );
  }
  const sql = `SELECT ${items.join(', ')} FROM ${base()}`;
  return {
    sql,
    params: params.values,
    bigints: needsBigints(selection.terms.map((t) => t.leaf)) || needsBigints(nodes?.leaves ?? []),
    decode: (rows) => {
      const raw = rows[0] ?? {};
      return { aggregate: decode(raw), nodes: decodeNodes?.(raw.nodes) ?? [] };
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
      const known = scope.ds.leaves
        .map((l) => `'${l.gqlPath}'`)
        .slice(0, 20)
        .join(', ');
      throw new BadUserInputError(`by: unknown field '${raw}'. Known fields: ${known}.`);
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
export function groupsStatement(
  scope: QueryScope,
  selection: AggregateSelection,
  keySelection: ReadonlySet<LeafModel>,
  args: GroupsArgs,
): Statement<Row[]> {
  const params = new Params();
  const keyItems = args.by.map((leaf, i) => `${scope.col(leaf)} AS "k${i}"`);
  const { items, decode } = aggregateItems(scope, selection);
  const where = compileWhere(scope.ds.root, args.where, scope.col, params);
  const having = compileHaving(scope, args.having, params);
  const order = [
    ...compileGroupOrder(scope, args.order_by, args.by),
    ...args.by.map((leaf) => `${scope.col(leaf)} ${ORDER_DIRECTIONS.asc}`),
  ];
  const sql =
    `SELECT ${[...keyItems, ...items].join(', ')} FROM ${scope.table} WHERE ${where} ` +
    `GROUP BY ${args.by.map((leaf) => scope.col(leaf)).join(', ')} HAVING ${having} ` +
    `ORDER BY ${order.join(', ')} LIMIT ${params.add(args.limit)} OFFSET ${params.add(args.offset)}`;
  const keyAlias = new Map(args.by.map((leaf, i) => [leaf, `k${i}`] as const));
  const plan = decodePlan(
    { ...scope.ds.root, nullable: false },
    new Set([...keySelection].filter((l) => keyAlias.has(l))),
    (leaf) => keyAlias.get(leaf) ?? '',
  );
  return {
    sql,
    params: params.values,
    bigints: needsBigints(args.by) || needsBigints(selection.terms.map((t) => t.leaf)),
    decode: (rows) => rows.map((raw) => ({ key: decodeRow(plan, raw) ?? {}, aggregate: decode(raw) })),
  };
}

/** Compiles a `<ds>_aggregate_bool_exp` (HAVING). */
export function compileHaving(scope: QueryScope, exp: unknown, params: Params): string {
  if (exp === null || exp === undefined) return SQL_TRUE;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(exp as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (value === null) throw new BadUserInputError(`having: '${key}' must not be null.`);
    if (key === '_and' || key === '_or') {
      const list = value as unknown[];
      if (list.length === 0) parts.push(key === '_and' ? SQL_TRUE : SQL_FALSE);
      else
        parts.push(
          `(${list.map((e) => `(${compileHaving(scope, e, params)})`).join(key === '_and' ? ' AND ' : ' OR ')})`,
        );
    } else if (key === '_not') {
      parts.push(`NOT (${compileHaving(scope, value, params)})`);
    } else if (key === 'count') {
      parts.push(
        compileOperators({ kind: 'int' }, 'count', value as Record<string, unknown>, 'count(*)', params),
      );
    } else {
      const op = key as AggregateOp;
      walkOp(scope.ds.root, value as Record<string, unknown>, (leaf, ops) =>
        parts.push(
          compileOperators(
            aggregateValueType(op, leaf),
            `${op}.${leaf.gqlPath}`,
            ops,
            aggregateSql(op, scope.col(leaf)),
            params,
          ),
        ),
      );
    }
  }
  return parts.length === 0 ? SQL_TRUE : parts.map((p) => `(${p})`).join(' AND ');
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

/** Compiles `<ds>_group_order_by` items: `{key: {…}}` on grouped fields or `{aggregate: {…}}`. */
function compileGroupOrder(scope: QueryScope, orderBy: unknown, by: readonly LeafModel[]): string[] {
  return asList(orderBy).map((item) => {
    const term = singleKeyPath(item, 'order_by');
    const [head, ...rest] = term.path;
    const dir = ORDER_DIRECTIONS[term.direction];
    if (head === 'key') {
      const leaf = leafAt(scope.ds.root, rest, 'order_by.key');
      if (!by.includes(leaf)) {
        throw new BadUserInputError(`order_by.key: '${leaf.gqlPath}' is not one of the grouped fields (by).`);
      }
      return `${scope.col(leaf)} ${dir}`;
    }
    const [op, ...path] = rest;
    if (op === 'count' && path.length === 0) return `count(*) ${dir}`;
    const leaf = leafAt(scope.ds.root, path, `order_by.aggregate.${op}`);
    return `${aggregateSql(op as AggregateOp, scope.col(leaf))} ${dir}`;
  });
}
