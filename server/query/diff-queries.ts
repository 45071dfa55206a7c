import { diffRelations, diffSpec } from '../../compute/chain/diff.ts';
import type { Relation } from '../../compute/chain/relation.ts';
import { scanTable } from '../../compute/chain/sources/scan.ts';
import { SchemaError, UnknownColumnError } from '../../schema/errors.ts';
import { columnNode } from '../../schema/expr/column-node.ts';
import type { ExprNode } from '../../schema/expr/expr-node.ts';
import { literalNode } from '../../schema/expr/literal-node.ts';
import { inNode } from '../../schema/expr/predicate-nodes.ts';
import type { DatasetModel, LeafModel } from '../model/dataset-model.ts';
import type { ServedVersion } from '../registry-view.ts';
import { BadUserInputError } from '../server-errors.ts';
import type { FilterBudget } from './filter-limits.ts';
import type { PlannedRead } from './planned-read.ts';
import { type QueryScope, scopeFor } from './query-scope.ts';
import { ID_ASC, needsBigints, type Row, rowDecoder, selectList, whereClause } from './row-queries.ts';
import type { RowSelection } from './selection.ts';
import { allOf, buildWhere } from './where-builder.ts';

/** Where a diff row's status is kept on decoded rows. */
export const DIFF_KEY: unique symbol = Symbol('diff');

/** The status column of the compiled diff query. */
const STATUS_COLUMN = 'chainql_diff';

/** Arguments of `<ds>_diff`. */
export interface DiffArgs {
  /** The older version (compared against). */
  readonly from: string;
  /** The newer version; default the newest. */
  readonly to?: string | null;
  /** Key fields (dot paths); default the newest version's primary key. */
  readonly on?: readonly string[] | null;
  /** Fields compared for `modified`; default every field but the keys. */
  readonly compare?: readonly string[] | null;
  /** Keep only rows with these statuses; default all four. */
  readonly status?: readonly string[] | null;
  readonly where?: unknown;
  readonly limit: number;
  readonly offset: number;
}

function version(ds: DatasetModel, v: string): ServedVersion {
  return scopeFor(ds, v).version;
}

function relationOf(v: ServedVersion): Relation {
  return { query: scanTable(v.table, v.schema), schema: v.schema, order: undefined, lineage: [] };
}

/** Dataset paths of the `on`/`compare` argument (GraphQL or original dot paths of leaves). */
function paths(ds: DatasetModel, list: readonly string[], argument: string): string[] {
  return list.map((path) => {
    const leaf: LeafModel | undefined =
      ds.leafByPath.get(path) ?? ds.leafByPath.get(path.replace(/__/g, '.'));
    if (leaf === undefined) {
      throw new BadUserInputError(`${argument}: '${path}' is not a field of '${ds.name}'.`);
    }
    return leaf.path;
  });
}

/**
 * `<ds>_diff(from, to, on, compare, status, where, limit, offset)`: the rows of version `to` labelled
 * `added` / `modified` / `same` against version `from`, plus `from`'s rows whose key is gone (`deleted`),
 * in one statement — the query nodes of `chain.diff()` (compute/chain/diff.ts) wrapped in a paged select
 * with the row selection, `where` on the row fields and the status filter. Rows come in `_id` order
 * (`2·id` for rows of `to`, `2·id + 1` for deleted rows).
 * @throws BadUserInputError without `on` and no declared primary key, for unknown fields, or versions whose
 *   schemas cannot be compared (a field missing or retyped in `from`).
 */
export function diffRead(
  ds: DatasetModel,
  selection: RowSelection,
  args: DiffArgs,
  budget: FilterBudget,
): PlannedRead<Row[]> {
  const scope: QueryScope = scopeFor(ds, args.to ?? undefined);
  const from = version(ds, args.from);
  const on = args.on ?? scope.version.primaryKey ?? ds.latest.primaryKey;
  if (on === undefined || on.length === 0) {
    throw new BadUserInputError(
      `${ds.gqlName}_diff needs on: [fields identifying a row]; '${ds.name}' declares no primary key.`,
    );
  }
  let diff: Relation;
  try {
    diff = diffRelations(
      relationOf(scope.version),
      relationOf(from),
      diffSpec({
        on: paths(ds, on, 'on'),
        ...(args.compare ? { compare: paths(ds, args.compare, 'compare') } : {}),
        status: STATUS_COLUMN,
      }),
    );
  } catch (error) {
    if (error instanceof SchemaError || error instanceof UnknownColumnError) {
      throw new BadUserInputError(
        `Versions ${from.version} and ${scope.version.version} of '${ds.name}' cannot be compared: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
  const { items, alias } = selectList(scope, selection);
  const conditions: ExprNode[] = [buildWhere(ds.root, args.where, scope.col, budget)];
  if (args.status && args.status.length > 0) {
    conditions.push(
      inNode(
        columnNode(STATUS_COLUMN),
        args.status.map((s) => literalNode(s)),
      ),
    );
  }
  const where = whereClause(allOf(conditions));
  const decode = rowDecoder(scope, selection, alias);
  return {
    query: {
      kind: 'select',
      from: { kind: 'subquery', query: diff.query, alias: 'd' },
      selections: [...items, { expr: columnNode(STATUS_COLUMN), alias: '_diff' }],
      ...(where ? { where } : {}),
      orderBy: [ID_ASC],
      limit: args.limit,
      offset: args.offset,
    },
    bigints: needsBigints(selection.leaves),
    decode: (rows) =>
      rows.map((raw) => {
        const row = decode(raw);
        row[DIFF_KEY] = raw._diff;
        return row;
      }),
  };
}
