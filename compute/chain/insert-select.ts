import type { CompiledQuery, DialectName } from '../../schema/dialect/compiled-query.ts';
import { getCompiler, quoteIdentifier } from '../../schema/dialect/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import { flattenSchema } from '../../schema/record/index.ts';
import type { Relation } from './relation.ts';

/**
 * `INSERT INTO <table> (sys__rand, <leaves>) SELECT …` in chain order. `sys__id` is left out so the
 * warehouse numbers the new rows 1..n in that order (SQLite assigns rowids sequentially).
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
  const select = getCompiler(dialect).compileQuery({ ...ordered, selections });
  const columns = names.map((name) => quoteIdentifier(dialect, name)).join(', ');
  return {
    sql: `INSERT INTO ${quoteIdentifier(dialect, table)} (${columns}) ${select.sql}`,
    parameters: select.parameters,
  };
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
  const compiled = getCompiler(dialect).compileQuery(select);
  const names = columns.map((name) => quoteIdentifier(dialect, name)).join(', ');
  return {
    sql: `INSERT INTO ${quoteIdentifier(dialect, table)} (${names}) ${compiled.sql}`,
    parameters: compiled.parameters,
  };
}
