import { literalNode } from '../../schema/expr/literal-node.ts';
import { comparisonNode } from '../../schema/expr/predicate-nodes.ts';
import type { Selection } from '../../schema/query/query-node.ts';
import type { DatasetModel, LeafModel } from '../model/dataset-model.ts';
import { FieldPlans } from '../query/field-plans.ts';
import type { PlannedRead } from '../query/planned-read.ts';
import { type QueryScope, scopeFor } from '../query/query-scope.ts';
import { needsBigints, type Row, rowDecoder, selectList } from '../query/row-queries.ts';
import { runRead } from '../query/run-read.ts';
import { type RowSelection, rowSelection, subFieldsOf } from '../query/selection.ts';
import { encodeParam } from '../query/value-codec.ts';
import { allOf } from '../query/where-builder.ts';
import type { ServedVersion } from '../registry-view.ts';
import { BadUserInputError } from '../server-errors.ts';
import { type DatasetTypes, isScalarLeaf } from './dataset-types.ts';
import { type FieldSpec, type InputSpec, inType, outList, outType } from './pothos-builder.ts';
import type { QueryEnv } from './query-env.ts';

/**
 * `<ds>_by_pk(<key fields>)` (issue 9): Hasura's point lookup by the declared primary key.
 *
 * **Arguments.** One required argument per key field, in key order, typed like the field (`String!`,
 * `Int!`, `Float!`, `Boolean!`, `BigInt!`, `DateTime!`, the field's enum). A top-level key field keeps its
 * GraphQL field name (`rid: String!`, as in Hasura). A nested key path is **flattened**: its GraphQL path
 * segments joined by `__`, the same separator the warehouse uses for the flattened column — key
 * `['source', 'file.path']` gives `photos_by_pk(source: String!, file__path: String!)`. Flattened names
 * never start with `__` (segments are sanitised GraphQL names, see `naming.ts`). Should two key fields
 * still produce the same name (e.g. a field literally called `file__path` next to `file.path`), the later
 * one in key order gets `_2`, `_3`, …
 *
 * **`version`.** Like the other root fields, `version: String` picks a saved version (default newest).
 * If a key field is itself called `version`, the key keeps the name and the version argument is
 * `_version` instead. A version whose declared primary key differs from the served (newest) version's is
 * rejected with BAD_USER_INPUT rather than answered by a scan that might hide duplicates.
 *
 * **Result.** The row (the dataset's row type) or `null`. Compiled to one statement,
 * `SELECT … FROM <table> WHERE "k1" = ? AND "k2" = ? LIMIT 1`, which SQLite answers from the unique
 * index `<table>_pk` created at save time. Key values are always bound parameters.
 *
 * Only datasets whose newest version declares a primary key (resolvable to scalar leaves of the served
 * row type) get the field.
 */

/** One argument of `<ds>_by_pk`: its GraphQL name and the key leaf it binds. */
export interface ByPkArgument {
  /** Argument name (`rid`, `file__path`). */
  readonly name: string;
  /** The key field. */
  readonly leaf: LeafModel;
}

/** The flattened argument name of a key leaf: GraphQL path segments joined by `__`. */
export function byPkArgumentName(leaf: LeafModel): string {
  return leaf.gqlPath.split('.').join('__');
}

/**
 * The arguments of `<ds>_by_pk` for a dataset, in key order; `undefined` when its newest version declares
 * no primary key, or the declaration does not resolve to scalar leaves of the served type (the field is
 * then left out instead of failing the whole schema).
 */
export function byPkArguments(ds: DatasetModel): readonly ByPkArgument[] | undefined {
  const key = ds.latest.primaryKey;
  if (key === undefined || key.length === 0) return undefined;
  const taken = new Set<string>();
  const args: ByPkArgument[] = [];
  for (const path of key) {
    // Match on the original dot path only: a GraphQL path may coincide with another field's original name.
    const leaf = ds.leaves.find((l) => l.path === path);
    if (leaf === undefined || !isScalarLeaf(leaf.type)) return undefined;
    const base = byPkArgumentName(leaf);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    args.push({ name, leaf });
  }
  return args;
}

/** The name of the version argument of `<ds>_by_pk`: `version`, or `_version` when a key argument has that name. */
export function byPkVersionArgument(args: readonly ByPkArgument[]): string {
  return args.some((a) => a.name === 'version') ? '_version' : 'version';
}

/** What `<ds>_by_pk` reads and returns for one selection, whatever the key values. */
export interface ByPkShape {
  readonly selections: Selection[];
  readonly bigints: boolean;
  readonly decode: (raw: Record<string, unknown>) => Row;
}

/** The select list and row decoder for a selection (built once per query text, see FieldPlans). */
export function byPkShape(scope: QueryScope, selection: RowSelection): ByPkShape {
  const { items, alias } = selectList(scope, selection);
  return {
    selections: items,
    bigints: needsBigints(selection.leaves),
    decode: rowDecoder(scope, selection, alias),
  };
}

/**
 * `SELECT <selection> FROM <table> WHERE <k1> = ? AND … LIMIT 1`, decoding to one row or null; a point read
 * (answered from the unique index, so the driver may run it inline).
 * @param values argument values by argument name (as GraphQL coerced them).
 * @throws BadUserInputError when the scope's version declares a different primary key than the served one,
 *   or a value cannot represent its field's type.
 */
export function byPkRead(
  scope: QueryScope,
  selection: RowSelection | ByPkShape,
  args: readonly ByPkArgument[],
  values: Readonly<Record<string, unknown>>,
): PlannedRead<Row | null> {
  checkVersionKey(scope.ds, scope.version);
  const shape = 'decode' in selection ? selection : byPkShape(scope, selection);
  const tests = args.map(({ name, leaf }) =>
    comparisonNode('eq', scope.col(leaf), literalNode(encodeParam(leaf.type, values[name], name))),
  );
  const { decode } = shape;
  return {
    query: { kind: 'select', from: scope.table, selections: shape.selections, where: allOf(tests), limit: 1 },
    bigints: shape.bigints,
    point: true,
    decode: (rows) => (rows[0] === undefined ? null : decode(rows[0])),
  };
}

function checkVersionKey(ds: DatasetModel, version: ServedVersion): void {
  if (version === ds.latest) return;
  const served = JSON.stringify(ds.latest.primaryKey ?? []);
  const declared = JSON.stringify(version.primaryKey ?? []);
  if (served === declared) return;
  const what = version.primaryKey?.length
    ? `declares the primary key (${version.primaryKey.join(', ')})`
    : 'declares no primary key';
  throw new BadUserInputError(
    `Version ${version.version} of '${ds.name}' ${what}, not (${(ds.latest.primaryKey ?? []).join(', ')}); ` +
      `${ds.gqlName}_by_pk cannot look it up. Use ${ds.gqlName}(where: …, version: "${version.version}").`,
  );
}

/**
 * The `<ds>_by_pk` root field (empty map when the dataset declares no primary key); see the module doc.
 * Merge it into the dataset's root fields.
 */
export function byPkRootFields(types: DatasetTypes, env: QueryEnv): Record<string, FieldSpec> {
  const ds = types.ds;
  const keyArgs = byPkArguments(ds);
  if (keyArgs === undefined) return {};
  const versionArg = byPkVersionArgument(keyArgs);
  const args: Record<string, InputSpec> = {};
  for (const { name, leaf } of keyArgs) {
    args[name] = {
      type: inType(types.scalarInput(leaf.type, leaf.typeSuffix), true),
      description: `Key field '${leaf.path}'.`,
    };
  }
  args[versionArg] = {
    type: inType('String'),
    description: 'Dataset version (semver); default: the newest.',
  };
  const plans = new FieldPlans<ByPkShape>();
  const field: FieldSpec = {
    type: outType(types.rowType()),
    description:
      `One row of '${ds.name}' by its primary key (${keyArgs.map((a) => a.leaf.path).join(', ')}), or null. ` +
      'Nested key fields are flattened argument names (`file.path` → `file__path`).',
    args,
    resolve: async (_src, values, ctx, info) => {
      const scope = scopeFor(ds, values[versionArg] as string | null | undefined);
      const shape = plans.get(info.fieldNodes, scope.version, () =>
        byPkShape(scope, rowSelection(ds.root, subFieldsOf(info.fieldNodes, info.fragments), info.fragments)),
      );
      return runRead(env, byPkRead(scope, shape, keyArgs, values), ctx);
    },
  };
  return { [`${ds.gqlName}_by_pk`]: field };
}

/**
 * Fields `primaryKey: [String!]` (null when none is declared) and `indexes: [[String!]!]!` of the
 * `dataset_version` type: the key declaration stored with each version, as dot paths.
 */
export function versionKeyFields(): Record<string, FieldSpec<ServedVersion>> {
  const paths = outList(outType('String', false));
  return {
    primaryKey: {
      type: paths,
      description: 'Declared primary key (dot paths, in key order); null when none is declared.',
      resolve: (v) => v.primaryKey ?? null,
    },
    indexes: {
      type: outList({ type: paths.type, nullable: false }, false),
      description: 'Declared secondary indexes, each a list of dot paths; [] when none.',
      resolve: (v) => v.indexes ?? [],
    },
  };
}
