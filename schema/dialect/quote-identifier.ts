/** Identifier quoting per dialect (shared by the compilers and by DDL/DML built outside them). */
import type { DialectName } from './compiled-query.ts';

/**
 * Quotes a table, column or alias name: `"name"` on SQLite (embedded `"` doubled), `` `name` `` on ClickHouse
 * (embedded backslash and backtick escaped).
 */
export function quoteIdentifier(dialect: DialectName, name: string): string {
  switch (dialect) {
    case 'sqlite':
      return `"${name.replaceAll('"', '""')}"`;
    case 'clickhouse':
      return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
  }
}
