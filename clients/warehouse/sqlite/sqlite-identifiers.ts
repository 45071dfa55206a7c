import { WarehouseError } from '../warehouse-errors.ts';

/**
 * Quotes an SQLite identifier (table, column, index name) with double quotes, doubling embedded quotes.
 * Identifiers cannot be bound as parameters, so every name that reaches SQL text goes through here.
 *
 * @throws WarehouseError for an empty name or one containing a NUL character (SQLite cuts names at NUL).
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new WarehouseError(`Invalid SQL identifier ${JSON.stringify(name)}: empty or contains NUL.`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes each identifier and joins them with `, `. */
export function quoteIdentifiers(names: readonly string[]): string {
  return names.map(quoteIdentifier).join(', ');
}
