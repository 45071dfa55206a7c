import { conflictClause } from '../conflict-clause.ts';
import type { WriteRequest } from '../database-driver.ts';
import { quoteName, quoteTable } from '../identifiers.ts';
import { sqliteDeclaredType } from './sqlite-database-types.ts';

/** SQL text of the SQLite bridge: quoted identifiers, `?` parameters only. */

/** SQLite's default limit on bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32). */
export const SQLITE_MAX_PARAMETERS = 32_766;

/** Rows per multi-row INSERT: about 4096 values, at most 256 rows (beyond that the gain is flat). */
export function sqliteRowsPerInsert(columns: number): number {
  return Math.max(1, Math.min(256, Math.floor(4096 / columns), Math.floor(SQLITE_MAX_PARAMETERS / columns)));
}

/** `CREATE TABLE` for the request; the conflict columns become the primary key. */
export function sqliteCreateTableSql(request: WriteRequest): string {
  const columns = request.columns.map(
    (column) =>
      `${quoteName(column.name)} ${sqliteDeclaredType(column.type)}${column.nullable ? '' : ' NOT NULL'}`,
  );
  if (request.conflictColumns.length > 0)
    columns.push(`PRIMARY KEY (${request.conflictColumns.map(quoteName).join(', ')})`);
  return `CREATE TABLE ${quoteTable(request.table)} (${columns.join(', ')})`;
}

/** Multi-row `INSERT … VALUES (?, …), … [ON CONFLICT …]`. */
export function sqliteInsertSql(request: WriteRequest, rows: number): string {
  const tuple = `(${new Array(request.columns.length).fill('?').join(',')})`;
  const names = request.columns.map((column) => quoteName(column.name)).join(', ');
  return `INSERT INTO ${quoteTable(request.table)} (${names}) VALUES ${new Array(rows).fill(tuple).join(',')}${conflictClause(request)}`;
}

/** `"schema".sqlite_master` lookup of a table by name. */
export function sqliteTableExistsSql(schema: string | undefined): string {
  return `SELECT 1 AS present FROM ${schema === undefined ? '' : `${quoteName(schema)}.`}sqlite_master WHERE type = 'table' AND name = ?`;
}

/** Column names and declared types of a table. */
export const SQLITE_TABLE_COLUMNS_SQL = 'SELECT name, type FROM pragma_table_info(?, ?)';
