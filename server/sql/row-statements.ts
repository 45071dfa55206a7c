import type { LeafModel } from '../model/dataset-model.ts';
import { BadUserInputError } from '../server-errors.ts';
import { compileRowOrder } from './order-compiler.ts';
import { DISTANCE_KEY, decodePlan, decodeRow, ID_KEY } from './row-decoder.ts';
import { ID_COLUMN, type QueryScope } from './scope.ts';
import type { RowSelection } from './selection.ts';
import { Params, quoteIdent } from './sql-text.ts';
import { encodeParam } from './value-codec.ts';
import { compileWhere } from './where-compiler.ts';

/** One compiled statement plus how to turn its raw rows into GraphQL values. */
export interface Statement<T> {
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Read 64-bit integers as bigint (a BigInt column is involved). */
  readonly bigints: boolean;
  decode(rows: readonly Record<string, unknown>[]): T;
}

type Row = Record<string | symbol, unknown>;

/** The SELECT list for a row selection: `sys__id AS _id`, then `<col> AS c<i>` per leaf. */
export function selectList(
  scope: QueryScope,
  selection: RowSelection,
): { items: string[]; alias: Map<LeafModel, string> } {
  const items: string[] = [];
  const alias = new Map<LeafModel, string>();
  if (selection.id) items.push(`${ID_COLUMN} AS "_id"`);
  selection.leaves.forEach((leaf, i) => {
    alias.set(leaf, `c${i}`);
    items.push(`${scope.col(leaf)} AS "c${i}"`);
  });
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
  readonly limit: number;
  readonly offset: number;
}

/**
 * `SELECT <selected columns> FROM <table> WHERE … ORDER BY …, sys__id LIMIT ? OFFSET ?` — the row id is the
 * last sort key so pages are stable.
 */
export function rowsStatement(scope: QueryScope, selection: RowSelection, args: RowsArgs): Statement<Row[]> {
  const params = new Params();
  const { items, alias } = selectList(scope, selection);
  const where = compileWhere(scope.ds.root, args.where, scope.col, params);
  const order = [...compileRowOrder(scope.ds.root, args.order_by, scope.col), `${ID_COLUMN} ASC`];
  const sql =
    `SELECT ${items.length > 0 ? items.join(', ') : '1 AS "_"'} FROM ${scope.table} WHERE ${where} ` +
    `ORDER BY ${order.join(', ')} LIMIT ${params.add(args.limit)} OFFSET ${params.add(args.offset)}`;
  const decode = rowDecoder(scope, selection, alias);
  return {
    sql,
    params: params.values,
    bigints: needsBigints(selection.leaves),
    decode: (rows) => rows.map(decode),
  };
}

/** `<ds>_by_id(id)`: looks the row up by the declared single-field primary key, else by `sys.id`. */
export function byIdStatement(
  scope: QueryScope,
  selection: RowSelection,
  id: string,
): Statement<Row | null> | null {
  const params = new Params();
  const { items, alias } = selectList(scope, selection);
  const pk = scope.ds.latest.primaryKey;
  const pkLeaf = pk?.length === 1 ? scope.ds.leafByPath.get(pk[0] as string) : undefined;
  let test: string;
  if (pkLeaf !== undefined) {
    const value = pkLeaf.type.kind === 'int' || pkLeaf.type.kind === 'float' ? Number(id) : id;
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    test = `${scope.col(pkLeaf)} = ${params.add(encodeParam(pkLeaf.type, value, pkLeaf.gqlPath))}`;
  } else {
    if (!/^-?\d+$/.test(id)) return null;
    test = `${ID_COLUMN} = ${params.add(BigInt(id))}`;
  }
  const sql = `SELECT ${items.length > 0 ? items.join(', ') : '1 AS "_"'} FROM ${scope.table} WHERE ${test} LIMIT 1`;
  const decode = rowDecoder(scope, selection, alias);
  return {
    sql,
    params: params.values,
    bigints: needsBigints(selection.leaves),
    decode: (rows) => (rows[0] === undefined ? null : decode(rows[0])),
  };
}

/** Arguments of `<ds>_nearest`. */
export interface NearestArgs {
  readonly leaf: LeafModel;
  readonly vector: readonly number[];
  readonly k: number;
  readonly metric: string;
  readonly where?: unknown;
}

/**
 * `SELECT …, chainql_gql_distance(?, <vector>, ?) AS _distance FROM … WHERE <vector> IS NOT NULL AND …
 * ORDER BY _distance ASC NULLS LAST, sys__id LIMIT k`.
 * @throws BadUserInputError when the query vector's length differs from the field's declared dimensions.
 */
export function nearestStatement(
  scope: QueryScope,
  selection: RowSelection,
  args: NearestArgs,
): Statement<Row[]> {
  const { leaf, vector } = args;
  const dims = leaf.type.kind === 'vector' ? leaf.type.dimensions : undefined;
  if (dims !== undefined && vector.length !== dims) {
    throw new BadUserInputError(
      `'${leaf.gqlPath}' has ${dims} dimensions; the query vector has ${vector.length}.`,
    );
  }
  if (vector.length === 0) throw new BadUserInputError('vector must not be empty.');
  const params = new Params();
  const { items, alias } = selectList(scope, selection);
  const column = scope.col(leaf);
  items.push(
    `chainql_gql_distance(${params.add(args.metric)}, ${column}, ${params.add(JSON.stringify(vector))}) AS "_distance"`,
  );
  const where = compileWhere(scope.ds.root, args.where, scope.col, params);
  const sql =
    `SELECT ${items.join(', ')} FROM ${scope.table} WHERE ${column} IS NOT NULL AND (${where}) ` +
    `ORDER BY "_distance" ASC NULLS LAST, ${ID_COLUMN} ASC LIMIT ${params.add(args.k)}`;
  const decode = rowDecoder(scope, selection, alias);
  return {
    sql,
    params: params.values,
    bigints: needsBigints(selection.leaves),
    decode: (rows) => rows.map(decode),
  };
}

/** Quoted alias helper shared by aggregate statements. */
export const alias = (name: string): string => quoteIdent(name);
