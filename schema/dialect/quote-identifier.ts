/**
 * The one identifier quoter: every table, column, index and alias name that reaches SQL text goes through
 * here — the dialect compilers and the DDL/DML the warehouse drivers build. Identifiers cannot be bound as
 * parameters, so quoting is what keeps a user-chosen name from being read as SQL.
 */
import type { DialectName } from './compiled-query.ts';
import { InvalidIdentifierError } from './dialect-errors.ts';

/**
 * Quotes a table, column or alias name: `"name"` on SQLite (embedded `"` doubled), `` `name` `` on ClickHouse
 * (embedded backslash and backtick escaped).
 * @throws InvalidIdentifierError for an empty name or one containing NUL (SQLite cuts names at NUL).
 */
export function quoteIdentifier(dialect: DialectName, name: string): string {
  if (name.length === 0 || name.includes('\u0000')) throw new InvalidIdentifierError(name);
  switch (dialect) {
    case 'sqlite':
      return `"${name.replaceAll('"', '""')}"`;
    case 'clickhouse':
      return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
  }
}

/** Quotes each name with {@link quoteIdentifier} and joins them with `, `. */
export function quoteIdentifiers(dialect: DialectName, names: readonly string[]): string {
  return names.map((name) => quoteIdentifier(dialect, name)).join(', ');
}
