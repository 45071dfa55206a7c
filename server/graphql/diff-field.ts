import { DIFF_KEY, diffRead } from '../query/diff-queries.ts';
import type { Row } from '../query/row-queries.ts';
import { runRead } from '../query/run-read.ts';
import { rowSelection, subFieldsOf } from '../query/selection.ts';
import { BadUserInputError } from '../server-errors.ts';
import type { DatasetTypes } from './dataset-types.ts';
import { type FieldSpec, type InputSpec, inList, inType, outList, outType } from './pothos-builder.ts';
import type { QueryEnv } from './query-env.ts';
import { filterBudget } from './root-fields.ts';
import type { EnumTypeRef, ObjectTypeRef } from './type-factory.ts';

/** `diff_status`: how a row of one version differs from another version. */
function diffStatus(types: DatasetTypes): EnumTypeRef {
  return types.factory.enum(
    'diff_status',
    () => ({
      added: { value: 'added', description: 'the key is only in `to`' },
      deleted: {
        value: 'deleted',
        description: 'the key is only in `from` (the row shows its `from` values)',
      },
      modified: { value: 'modified', description: 'the key is in both; a compared field differs' },
      same: { value: 'same', description: 'the key is in both; every compared field is equal' },
    }),
    'How a row differs between two versions of a dataset.',
  );
}

/** `<ds>_diff_row`: the row's fields plus `diff` (and `_diff`, always present). */
function diffRow(types: DatasetTypes): ObjectTypeRef {
  return types.factory.object(types.name('_diff_row'), () => {
    const fields = types.rowFields(types.ds.root);
    const status: FieldSpec<Row> = {
      type: outType(diffStatus(types), false),
      description: 'added, deleted, modified or same (from `from` to `to`).',
      resolve: (row) => row[DIFF_KEY],
    };
    fields._diff = status;
    if (fields.diff === undefined) fields.diff = status;
    return fields;
  });
}

/**
 * `<ds>_diff(from: String!, to: String, on: [FieldPath!], compare: [FieldPath!], status: [diff_status!],
 * where, limit, offset): [<ds>_diff_row!]!` — what changed between two versions, row by row: every row of
 * `to` (default the newest) with `diff` = `added`, `modified` or `same`, and every row of `from` whose key
 * is gone with `diff: deleted`. `on` defaults to the declared primary key (BAD_USER_INPUT without one);
 * `compare` to every field but the keys; `status: [added, modified, deleted]` leaves out unchanged rows.
 * One SQL statement (two outer joins in a UNION ALL), the same query nodes as `chain.diff()`.
 */
export function diffRootField(types: DatasetTypes, env: QueryEnv): Record<string, FieldSpec> {
  const ds = types.ds;
  const factory = types.factory;
  const row = diffRow(types);
  const spec: FieldSpec = {
    type: outList(outType(row, false), false),
    description: `What changed between two versions of '${ds.name}', row by row.`,
    args: {
      from: { type: inType('String', true), description: 'The older version (semver).' },
      to: { type: inType('String'), description: 'The newer version; default the newest.' },
      on: {
        type: inList(inType(factory.fieldPath(), true)),
        description: 'Fields identifying a row; default the primary key.',
      },
      compare: {
        type: inList(inType(factory.fieldPath(), true)),
        description: 'Fields compared for `modified`; default every field but the keys.',
      },
      status: { type: inList(inType(diffStatus(types), true)), description: 'Keep only these statuses.' },
      where: { type: inType(types.boolExp()), description: 'Filter on the row fields.' } as InputSpec,
      limit: {
        type: inType('Int'),
        description: `Default ${env.limits.defaultLimit}, at most ${env.limits.maxLimit}.`,
      },
      offset: { type: inType('Int') },
    },
    resolve: (_src, args, ctx, info) => {
      const limit = (args.limit as number | null | undefined) ?? env.limits.defaultLimit;
      const offset = (args.offset as number | null | undefined) ?? 0;
      if (limit < 0 || limit > env.limits.maxLimit) {
        throw new BadUserInputError(`limit must be between 0 and ${env.limits.maxLimit}.`);
      }
      if (offset < 0) throw new BadUserInputError('offset must not be negative.');
      const selection = rowSelection(ds.root, subFieldsOf(info.fieldNodes, info.fragments), info.fragments);
      const planned = diffRead(
        ds,
        selection,
        {
          from: args.from as string,
          to: args.to as string | null | undefined,
          on: args.on as string[] | null | undefined,
          compare: args.compare as string[] | null | undefined,
          status: args.status as string[] | null | undefined,
          where: args.where,
          limit,
          offset,
        },
        filterBudget(env, 'where'),
      );
      return runRead(env, planned, ctx).then(
        (list) => ctx.rowCap?.check(info.path, list, args.limit) ?? list,
      );
    },
  };
  return { [`${ds.gqlName}_diff`]: spec };
}
