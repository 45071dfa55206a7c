import { quoteIdentifier } from '../../schema/dialect/quote-identifier.ts';
import { InvalidIdentifierError } from './database-errors.ts';

/** PostgreSQL's NAMEDATALEN − 1: longer names are silently truncated by the server, so they are refused. */
export const MAX_IDENTIFIER_BYTES = 63;

/** A table name split into an optional schema and the table itself (both unquoted). */
export interface TableName {
  readonly schema: string | undefined;
  readonly name: string;
}

/**
 * Checks one identifier (table, schema or column name). Any printable name is allowed — it is always
 * quoted — but names that cannot be quoted faithfully are refused: empty, containing NUL or other control
 * characters, or longer than 63 bytes (PostgreSQL would truncate them and write to another name).
 * @throws InvalidIdentifierError naming the identifier and the rule it breaks.
 */
export function checkIdentifier(target: string, name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidIdentifierError(target, String(name), 'names must not be empty');
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new InvalidIdentifierError(target, name, 'names must not contain NUL or control characters');
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new InvalidIdentifierError(
      target,
      name,
      `names are limited to ${MAX_IDENTIFIER_BYTES} bytes (PostgreSQL truncates longer ones)`,
    );
  }
  return name;
}

/**
 * Parses a `toDatabase` table argument: `table` or `schema.table` (one dot at most; a name containing a
 * dot itself is refused rather than guessed). Both parts are checked with {@link checkIdentifier}.
 */
export function parseTableName(target: string, table: string): TableName {
  if (typeof table !== 'string') throw new InvalidIdentifierError(target, String(table), 'expected a string');
  const parts = table.split('.');
  if (parts.length > 2) {
    throw new InvalidIdentifierError(target, table, "use 'table' or 'schema.table' (at most one dot)");
  }
  if (parts.length === 2) {
    return { schema: checkIdentifier(target, parts[0]!), name: checkIdentifier(target, parts[1]!) };
  }
  return { schema: undefined, name: checkIdentifier(target, table) };
}

/**
 * `"name"` with embedded quotes doubled — the quoting PostgreSQL and SQLite share, so the one quoter's
 * SQLite rule (schema/dialect/quote-identifier.ts) serves both.
 */
export function quoteName(name: string): string {
  return quoteIdentifier('sqlite', name);
}

/** The quoted, optionally schema-qualified table name. */
export function quoteTable(table: TableName): string {
  return table.schema === undefined
    ? quoteName(table.name)
    : `${quoteName(table.schema)}.${quoteName(table.name)}`;
}
