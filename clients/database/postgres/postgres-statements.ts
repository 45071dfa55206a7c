import { conflictClause } from '../conflict-clause.ts';
import type { TargetColumn, WriteRequest } from '../database-driver.ts';
import { quoteName, quoteTable } from '../identifiers.ts';
import { postgresColumnType } from './postgres-types.ts';

/**
 * SQL text the PostgreSQL driver sends for `toDatabase`. Identifiers are quoted (`"` doubled), values are
 * always `$n` parameters; nothing from a row ever enters the text.
 */

/** PostgreSQL's limit on bound parameters per statement (a 16-bit count in the protocol). */
export const MAX_PARAMETERS = 65_535;

/** `CREATE TABLE` for the request's columns; the conflict columns become the primary key. */
export function createTableSql(request: WriteRequest): string {
  const columns = request.columns.map(
    (column) =>
      `${quoteName(column.name)} ${postgresColumnType(column.type).sql}${column.nullable ? '' : ' NOT NULL'}`,
  );
  if (request.conflictColumns.length > 0) {
    columns.push(`PRIMARY KEY (${request.conflictColumns.map(quoteName).join(', ')})`);
  }
  return `CREATE TABLE ${quoteTable(request.table)} (${columns.join(', ')})`;
}

/** A multi-row `INSERT … VALUES ($1, …), (…) [ON CONFLICT …]` for `rows` rows. */
export function insertSql(request: WriteRequest, rows: number, jsonColumns: ReadonlySet<number>): string {
  const width = request.columns.length;
  const tuples: string[] = [];
  let n = 1;
  for (let r = 0; r < rows; r++) {
    const slots: string[] = [];
    for (let c = 0; c < width; c++) slots.push(jsonColumns.has(c) ? `$${n++}::jsonb` : `$${n++}`);
    tuples.push(`(${slots.join(',')})`);
  }
  const names = request.columns.map((column: TargetColumn) => quoteName(column.name)).join(', ');
  return `INSERT INTO ${quoteTable(request.table)} (${names}) VALUES ${tuples.join(',')}${conflictClause(request)}`;
}

/** Columns of an existing table: name, formatted type and type OID (no rows when it does not exist). */
export const TABLE_COLUMNS_SQL =
  'SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.atttypid::int AS oid FROM pg_attribute a ' +
  'WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum';

/** Whether a relation exists (`to_regclass` resolves the quoted name through the search path). */
export const TABLE_EXISTS_SQL = 'SELECT to_regclass($1) IS NOT NULL AS present';

/** Type catalog lookup for OIDs the driver's tables do not know (enums, citext, arrays of those). */
export const CATALOG_TYPES_SQL =
  'SELECT t.oid::int AS oid, t.typname AS name, t.typcategory AS category, t.typelem::int AS element, ' +
  'e.typcategory AS element_category FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem WHERE t.oid = ANY($1::oid[])';
