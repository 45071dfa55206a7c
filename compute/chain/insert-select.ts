import type { CompiledQuery, DialectName } from '../../schema/dialect/compiled-query.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import { flattenSchema } from '../../schema/record/index.ts';
import type { Relation } from './relation.ts';

/**
 * `INSERT INTO <table> (sys__rand, <leaves>) SELECT …` in chain order, numbering the new rows' `sys__id`
 * 1..n in that order (SQLite assigns rowids sequentially; ClickHouse numbers them in the statement).
 */
export function compileInsertSelect(
  dialect: DialectName,
  table: string,
  relation: Relation,
  ordered: SelectQuery,
): CompiledQuery {
  const names = ['sys__rand', ...flattenSchema(relation.schema).map((column) => column.name)];
  const selections =
    ordered.selections === 'all'
      ? ordered.selections
      : ordered.selections.filter((s) => s.alias !== 'sys__id');
  return getCompiler(dialect).compileInsertSelect(table, names, { ...ordered, selections }, 'sys__id');
}

/**
 * `INSERT INTO <table> (<columns>) SELECT …`: the select's selections must produce `columns` in order.
 * For tables that are not row tables (no `sys__id` numbering), e.g. key sets of a delta save.
 */
export function compileInsertColumns(
  dialect: DialectName,
  table: string,
  columns: readonly string[],
  select: SelectQuery,
): CompiledQuery {
  return getCompiler(dialect).compileInsertSelect(table, columns, select);
}
