import type { RawRow } from '../../clients/warehouse/warehouse-driver.ts';
import {
  type AggregateFunction,
  type AggregateNode,
  aggregateNode,
} from '../../schema/expr/aggregate-node.ts';
import { childNodes, type ExprNode } from '../../schema/expr/expr-node.ts';
import { literalNode } from '../../schema/expr/literal-node.ts';
import { comparisonNode, inNode } from '../../schema/expr/predicate-nodes.ts';
import type { Query, Selection, SelectQuery } from '../../schema/query/query-node.ts';
import { ID_COLUMN } from './query-scope.ts';
import { allOf } from './where-builder.ts';

/**
 * Rows a split row read may keep per range (`offset + limit`): past this, re-reading the candidates costs more
 * than the parallel scan saves.
 */
export const MAX_SPLIT_ROWS = 1000;

/** How a split read ends: the whole read's rows, or a query that finishes it (re-reads the chosen rows by id). */
export type SplitOutcome = { readonly rows: RawRow[] } | { readonly finish: SelectQuery };

/**
 * One read split over row-id ranges (see `WarehouseDriver.readSplits`): the query each range runs, and how
 * their rows become the whole read's.
 */
export interface RangeSplit {
  /** The table whose row ids are split. */
  readonly table: string;
  /** The read restricted to `after < sys.id ≤ upTo` (an undefined bound is open). */
  part(after: number | undefined, upTo: number | undefined): SelectQuery;
  /** Merges the parts' rows (in range order); undefined when the read must run whole after all. */
  merge(parts: readonly (readonly RawRow[])[]): SplitOutcome | undefined;
}

/**
 * Whether a read can be split over row-id ranges, and how. Two shapes are:
 * - a page of rows (`WHERE … ORDER BY … LIMIT n OFFSET m` over one table; the order ends with the row id, so it
 *   is total): each range keeps its first `m + n` row ids in that order, and the read then runs again on those
 *   candidates only (`sys.id IN (…)`), which selects exactly the rows the whole read would;
 * - aggregates over one table without grouping (`count`, `sum`, `min`, `max`, `avg` as sum and count): each range
 *   aggregates its rows and the partial values are combined.
 * Anything else (grouping, `DISTINCT ON`, distinct counts, subqueries as sources) runs whole.
 */
export function rangeSplit(query: Query): RangeSplit | undefined {
  if (query.kind !== 'select' || query.from.kind !== 'table') return undefined;
  if (query.groupBy || query.having || query.distinct || query.distinctOn) return undefined;
  if (query.selections === 'all' || query.selections.length === 0) return undefined;
  const aggregates = query.selections.every((s) => s.expr.kind === 'aggregate');
  if (aggregates) return aggregateSplit(query, query.from.name, query.selections);
  if (query.selections.some((s) => spansRows(s.expr))) return undefined;
  return pageSplit(query, query.from.name);
}

function pageSplit(query: SelectQuery, table: string): RangeSplit | undefined {
  const keep = (query.offset ?? 0) + (query.limit ?? Number.POSITIVE_INFINITY);
  if (!query.orderBy || query.orderBy.length === 0 || keep > MAX_SPLIT_ROWS) return undefined;
  const selections = query.selections as readonly Selection[];
  return {
    table,
    part: (after, upTo) => ({
      ...query,
      selections: [...selections, { expr: ID_COLUMN, alias: SPLIT_ID }],
      where: withRange(query.where, after, upTo),
      limit: keep,
      offset: 0,
    }),
    merge: (parts) => {
      const ids = parts.flatMap((rows) => rows.map((row) => row[SPLIT_ID] as number | bigint));
      if (ids.length === 0) return { rows: [] };
      const candidates = inNode(
        ID_COLUMN,
        ids.map((id) => literalNode(id)),
      );
      return { finish: { ...query, where: query.where ? allOf([query.where, candidates]) : candidates } };
    },
  };
}

const SPLIT_ID = '__split_id';

/** How one aggregate of the whole read is computed from the parts' columns. */
interface PartialTerm {
  readonly alias: string;
  readonly fn: 'count' | 'sum' | 'min' | 'max' | 'avg';
}

/** How each combinable aggregate's partial values combine. */
const COMBINED: Partial<Record<AggregateFunction, PartialTerm['fn']>> = {
  count: 'count',
  sum: 'sum',
  sumInt: 'sum',
  avg: 'avg',
  avgInt: 'avg',
  min: 'min',
  max: 'max',
};

function aggregateSplit(
  query: SelectQuery,
  table: string,
  selections: readonly Selection[],
): RangeSplit | undefined {
  const terms: PartialTerm[] = [];
  const partial: Selection[] = [];
  for (const selection of selections) {
    const node = selection.expr as AggregateNode;
    if (spansRows(node.arg)) return undefined;
    const fn = COMBINED[node.fn];
    if (fn === undefined) return undefined; // distinct counts, collect, concat: not combinable from parts
    if (fn === 'avg') {
      const sum = node.fn === 'avgInt' ? 'sumInt' : 'sum';
      partial.push({ expr: aggregateNode(sum, node.arg), alias: `${selection.alias}$sum` });
      partial.push({ expr: aggregateNode('count', node.arg), alias: `${selection.alias}$n` });
    } else {
      partial.push(selection);
    }
    terms.push({ alias: selection.alias, fn });
  }
  if (query.orderBy?.length || query.limit !== undefined || query.offset) return undefined;
  return {
    table,
    part: (after, upTo) => ({ ...query, selections: partial, where: withRange(query.where, after, upTo) }),
    merge: (parts) => {
      const rows = parts.map((rows) => rows[0] ?? {});
      const out: RawRow = {};
      for (const { alias, fn } of terms) {
        if (fn === 'avg') {
          const sum = rows.reduce<unknown>((total, row) => add(total, row[`${alias}$sum`] ?? null), null);
          const count = rows.reduce<unknown>((total, row) => add(total, row[`${alias}$n`] ?? 0), 0);
          out[alias] = sum === null || Number(count) === 0 ? null : Number(sum) / Number(count);
          continue;
        }
        const values = rows.map((row) => row[alias] ?? null);
        if (fn === 'count' || fn === 'sum') {
          const total = values.reduce<unknown>((a, b) => add(a, b), null);
          // An integer sum past 64 bits: the engine's own overflow error is the answer, so run the read whole.
          if (typeof total === 'bigint' && BigInt.asIntN(64, total) !== total) return undefined;
          out[alias] = fn === 'count' ? (total ?? 0) : total;
        } else {
          const present = values.filter((v) => v !== null);
          out[alias] =
            present.length === 0
              ? null
              : present.reduce((a, b) =>
                  (fn === 'min' ? compareValues(b, a) < 0 : compareValues(b, a) > 0) ? b : a,
                );
        }
      }
      return { rows: [out] };
    },
  };
}

/** `where AND after < sys.id AND sys.id ≤ upTo`, leaving out open bounds. */
function withRange(
  where: ExprNode | undefined,
  after: number | undefined,
  upTo: number | undefined,
): ExprNode | undefined {
  const operands: ExprNode[] = where ? [where] : [];
  if (after !== undefined) operands.push(comparisonNode('gt', ID_COLUMN, literalNode(after)));
  if (upTo !== undefined) operands.push(comparisonNode('lte', ID_COLUMN, literalNode(upTo)));
  return operands.length === 0 ? undefined : allOf(operands);
}

/** True when the tree reads more than its own row: an aggregate or a window function. */
function spansRows(node: ExprNode): boolean {
  return node.kind === 'aggregate' || node.kind === 'rowNumber' || childNodes(node).some(spansRows);
}

/** SQL's sum of two partial values: NULL adds nothing; integers stay exact as bigints. */
function add(a: unknown, b: unknown): unknown {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  return Number(a) + Number(b);
}

/**
 * The order both warehouses give typed column values: numbers by value, strings by code point (the order of
 * their UTF-8 bytes, SQLite's BINARY collation and ClickHouse's String order), byte strings by bytes.
 */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  if (ra === 1) return compareCodePoints(a as string, b as string);
  return Buffer.compare(a as Uint8Array, b as Uint8Array);
}

function valueRank(value: unknown): number {
  if (typeof value === 'number' || typeof value === 'bigint') return 0;
  if (typeof value === 'string') return 1;
  return 2;
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800–0xDFFF) stands for a code point above 0xFFFF: it sorts after every other unit.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
