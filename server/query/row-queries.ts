import { negateNode } from '../../schema/expr/arithmetic-nodes.ts';
import { columnNode } from '../../schema/expr/column-node.ts';
import type { ExprNode } from '../../schema/expr/expr-node.ts';
import { caseNode, functionNode } from '../../schema/expr/function-nodes.ts';
import { literalNode } from '../../schema/expr/literal-node.ts';
import { comparisonNode, isNullNode } from '../../schema/expr/predicate-nodes.ts';
import type { OrderByItem, Selection } from '../../schema/query/query-node.ts';
import type { LeafModel } from '../model/dataset-model.ts';
import { BadUserInputError } from '../server-errors.ts';
import type { FilterBudget } from './filter-limits.ts';
import { buildRowOrder, type RowOrderKey } from './order-builder.ts';
import type { PlannedRead } from './planned-read.ts';
import { ID_COLUMN, type QueryScope } from './query-scope.ts';
import { DISTANCE_KEY, decodePlan, decodeRow, ID_KEY } from './row-decoder.ts';
import type { RowSelection } from './selection.ts';
import { encodeParam } from './value-codec.ts';
import { allOf, buildWhere } from './where-builder.ts';

/** A decoded row: nested objects keyed by original field names, `_id`/distance under symbols. */
export type Row = Record<string | symbol, unknown>;

const TRUE_KIND = (e: ExprNode) => e.kind === 'literal' && e.value === true;

/** `where` for a query node: undefined when the condition is trivially true. */
export function whereClause(condition: ExprNode): ExprNode | undefined {
  return TRUE_KIND(condition) ? undefined : condition;
}

/** The row id as the last sort key, so pages are stable. */
export const ID_ASC: OrderByItem = { expr: ID_COLUMN, direction: 'asc', nulls: 'last' };

/** The SELECT list for a row selection: `sys__id AS _id`, then `<col> AS c<i>` per leaf. */
export function selectList(
  scope: QueryScope,
  selection: RowSelection,
): { items: Selection[]; alias: Map<LeafModel, string> } {
  const items: Selection[] = [];
  const alias = new Map<LeafModel, string>();
  if (selection.id) items.push({ expr: ID_COLUMN, alias: '_id' });
  selection.leaves.forEach((leaf, i) => {
    alias.set(leaf, `c${i}`);
    items.push({ expr: scope.col(leaf), alias: `c${i}` });
  });
  if (items.length === 0) items.push({ expr: literalNode(1), alias: '_' });
  return { items, alias };
}

/** Row decoder for a selection (nested objects, `_id`, optional distance). */
export function rowDecoder(
  scope: QueryScope,
  selection: RowSelection,
  alias: Map<LeafModel, string>,
): (raw: Record<string, unknown>) => Row {
  const plan = decodePlan(scope.ds.root, new Set(selection.leaves), (leaf) => alias.get(leaf) ?? '');
  return (raw) => {
    const row = (decodeRow(plan, raw) ?? {}) as Row;
    if (selection.id) row[ID_KEY] = String(raw._id);
    if ('_distance' in raw) row[DISTANCE_KEY] = raw._distance === null ? null : Number(raw._distance);
    return row;
  };
}

/** Whether reading these leaves needs 64-bit integers as bigint. */
export function needsBigints(leaves: Iterable<LeafModel>): boolean {
  for (const leaf of leaves) if (leaf.type.kind === 'bigint') return true;
  return false;
}

/** Arguments of `<ds>(where, order_by, limit, offset, version)`. */
export interface RowsArgs {
  readonly where?: unknown;
  readonly order_by?: unknown;
  /** Dot paths (`<ds>_select_column` values) whose distinct values keep one row each. */
  readonly distinct_on?: readonly string[] | null;
  readonly limit: number;
  readonly offset: number;
}

/**
 * `SELECT <selected columns> FROM <table> WHERE … ORDER BY …, sys.id LIMIT ? OFFSET ?` — the row id is the
 * last sort key so pages are stable. With `distinct_on`, Hasura's (PostgreSQL's) `DISTINCT ON`: the first row
 * of each distinct value in `order_by` order, the fields leading `order_by`.
 * @throws BadUserInputError when the distinct_on fields do not lead order_by.
 */
export function rowsRead(
  scope: QueryScope,
  selection: RowSelection,
  args: RowsArgs,
  budget: FilterBudget,
): PlannedRead<Row[]> {
  const { items, alias } = selectList(scope, selection);
  const where = whereClause(buildWhere(scope.ds.root, args.where, scope.col, budget));
  const keys = buildRowOrder(scope.ds.root, args.order_by, scope.col);
  const order = keys.map((k) => k.item);
  const distinct = distinctLeaves(scope, args.distinct_on ?? [], keys);
  const decode = rowDecoder(scope, selection, alias);
  return {
    query: {
      kind: 'select',
      from: scope.table,
      selections: items,
      ...(where ? { where } : {}),
      ...(distinct.length > 0 ? { distinctOn: distinct.map((leaf) => scope.col(leaf)) } : {}),
      orderBy: [...order, ID_ASC],
      limit: args.limit,
      offset: args.offset,
    },
    bigints: needsBigints(selection.leaves),
    decode: (rows) => rows.map(decode),
  };
}

/**
 * Resolves `distinct_on` paths and checks PostgreSQL's rule: the first order_by keys (as many as there are
 * distinct_on fields, or all of them when fewer) must be distinct_on fields, each once.
 */
function distinctLeaves(
  scope: QueryScope,
  paths: readonly string[],
  keys: readonly RowOrderKey[],
): LeafModel[] {
  const leaves: LeafModel[] = [];
  for (const path of paths) {
    const leaf = scope.ds.leafByPath.get(path);
    if (leaf === undefined) throw new BadUserInputError(`distinct_on: unknown field '${path}'.`);
    if (!leaves.includes(leaf)) leaves.push(leaf);
  }
  const leading = keys.slice(0, leaves.length);
  const seen = new Set<LeafModel>();
  for (const key of leading) {
    if (key.leaf === undefined || !leaves.includes(key.leaf) || seen.has(key.leaf)) {
      throw new BadUserInputError(
        `distinct_on fields (${leaves.map((l) => l.gqlPath).join(', ')}) must lead order_by: ` +
          `order by them first, e.g. order_by: [${leaves.map((l) => `{${l.gqlPath.split('.').join(': {')}: asc${'}'.repeat(l.gqlPath.split('.').length)}`).join(', ')}, …].`,
      );
    }
    seen.add(key.leaf);
  }
  return leaves;
}

/** `<ds>_by_id(id)`: looks the row up by the declared single-field primary key, else by `sys.id`. */
export function byIdRead(
  scope: QueryScope,
  selection: RowSelection,
  id: string,
): PlannedRead<Row | null> | null {
  const { items, alias } = selectList(scope, selection);
  const pk = scope.ds.latest.primaryKey;
  const pkLeaf = pk?.length === 1 ? scope.ds.leafByPath.get(pk[0] as string) : undefined;
  let test: ExprNode;
  if (pkLeaf !== undefined) {
    const value = pkLeaf.type.kind === 'int' || pkLeaf.type.kind === 'float' ? Number(id) : id;
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    test = comparisonNode(
      'eq',
      scope.col(pkLeaf),
      literalNode(encodeParam(pkLeaf.type, value, pkLeaf.gqlPath)),
    );
  } else {
    if (!/^-?\d+$/.test(id)) return null;
    test = comparisonNode('eq', ID_COLUMN, literalNode(BigInt(id)));
  }
  const decode = rowDecoder(scope, selection, alias);
  return {
    query: { kind: 'select', from: scope.table, selections: items, where: test, limit: 1 },
    bigints: needsBigints(selection.leaves),
    // Answered from the declared key's unique index or the `sys.id` row key: the driver may run it inline.
    point: true,
    decode: (rows) => (rows[0] === undefined ? null : decode(rows[0])),
  };
}

/** Arguments of `<ds>_nearest`. */
export interface NearestArgs {
  readonly leaf: LeafModel;
  readonly vector: readonly number[];
  readonly k: number;
  /** `cosine`, `l2` or `dot`. */
  readonly metric: string;
  readonly where?: unknown;
}

/** The distance of `column` to the query vector under `metric` (smaller is nearer). */
function distance(metric: string, column: ExprNode, vector: readonly number[]): ExprNode {
  const query = literalNode(vector);
  if (metric === 'l2') return functionNode('euclideanDistance', [column, query]);
  if (metric === 'dot') return negateNode(functionNode('innerProduct', [column, query]));
  return functionNode('cosineDistance', [column, query]);
}

/**
 * `SELECT …, <distance> AS _distance FROM … WHERE <vector> IS NOT NULL AND … ORDER BY _distance ASC NULLS
 * LAST, sys.id LIMIT k`. Stored arrays of another length than the query vector get a NULL distance.
 * @throws BadUserInputError when the query vector's length differs from the field's declared dimensions.
 */
export function nearestRead(
  scope: QueryScope,
  selection: RowSelection,
  args: NearestArgs,
  budget: FilterBudget,
): PlannedRead<Row[]> {
  const { leaf, vector } = args;
  const dims = leaf.type.kind === 'vector' ? leaf.type.dimensions : undefined;
  if (dims !== undefined && vector.length !== dims) {
    throw new BadUserInputError(
      `'${leaf.gqlPath}' has ${dims} dimensions; the query vector has ${vector.length}.`,
    );
  }
  if (vector.length === 0) throw new BadUserInputError('vector must not be empty.');
  const { items, alias } = selectList(scope, selection);
  const column = scope.col(leaf);
  let measure = distance(args.metric, column, vector);
  if (dims === undefined) {
    const sameLength = comparisonNode(
      'eq',
      functionNode('arrayLength', [column]),
      literalNode(vector.length),
    );
    measure = caseNode([{ condition: sameLength, value: measure }]);
  }
  const selections = [...items.filter((s) => s.alias !== '_'), { expr: measure, alias: '_distance' }];
  const where = allOf([isNullNode(column, true), buildWhere(scope.ds.root, args.where, scope.col, budget)]);
  const decode = rowDecoder(scope, selection, alias);
  return {
    query: {
      kind: 'select',
      from: scope.table,
      selections,
      where,
      orderBy: [{ expr: columnNode('_distance'), direction: 'asc', nulls: 'last' }, ID_ASC],
      limit: args.k,
    },
    bigints: needsBigints(selection.leaves),
    decode: (rows) => rows.map(decode),
  };
}
