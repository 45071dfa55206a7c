import { ChainqlError } from '../../schema/errors.ts';

/**
 * Base class of every failure of the database bridge (`readDatabase` / `toDatabase`). `target` names the
 * connection without its password (`postgres://app@db:5432/shop`, `sqlite:/data/app.db`); statement
 * failures also carry the SQL text and the number of bound parameters (values are never printed: they may
 * be personal data). Catch this class to handle every bridge failure; branch on the subclass or `code`.
 */
export class DatabaseError extends ChainqlError {
  /** The connection, password removed. */
  readonly target: string;
  /** The statement that failed, when the failure is tied to one. */
  readonly sql: string | undefined;

  constructor(
    code: string,
    target: string,
    message: string,
    details: { sql?: string; cause?: unknown } = {},
  ) {
    super(code, `${target}: ${message}${details.sql ? ` — in: ${shorten(details.sql)}` : ''}`, {
      cause: details.cause,
    });
    this.target = target;
    this.sql = details.sql;
  }
}

function shorten(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/** The database could not be reached: connection refused, unknown host, timeout, missing SQLite file (`DATABASE_UNREACHABLE`). */
export class DatabaseUnreachableError extends DatabaseError {
  constructor(target: string, reason: string, cause?: unknown) {
    super('DATABASE_UNREACHABLE', target, `cannot connect: ${reason}`, { cause });
  }
}

/** The server refused the credentials or the role/database does not exist (`DATABASE_AUTH_FAILED`). */
export class DatabaseAuthError extends DatabaseError {
  constructor(target: string, reason: string, cause?: unknown) {
    super('DATABASE_AUTH_FAILED', target, `authentication failed: ${reason}`, { cause });
  }
}

/** The SQL text does not parse (`DATABASE_SYNTAX_ERROR`). */
export class DatabaseSyntaxError extends DatabaseError {
  constructor(target: string, reason: string, sql: string, cause?: unknown) {
    super('DATABASE_SYNTAX_ERROR', target, `SQL syntax error: ${reason}`, { sql, cause });
  }
}

/** A statement failed for another reason: unknown table or column, constraint, bad value (`DATABASE_QUERY_FAILED`). */
export class DatabaseQueryError extends DatabaseError {
  /** The engine's error code (PostgreSQL SQLSTATE such as `42P01`, SQLite `SQLITE_ERROR`), when known. */
  readonly engineCode: string | undefined;

  constructor(
    target: string,
    reason: string,
    details: { sql?: string; engineCode?: string; cause?: unknown },
  ) {
    super('DATABASE_QUERY_FAILED', target, reason, details);
    this.engineCode = details.engineCode;
  }
}

/** A row collides with an existing key while `onConflict` is `'error'` (`DATABASE_CONFLICT`). */
export class DatabaseConflictError extends DatabaseError {
  constructor(target: string, table: string, reason: string, cause?: unknown) {
    super(
      'DATABASE_CONFLICT',
      target,
      `writing '${table}': ${reason} (nothing was written; use onConflict: 'ignore' or 'update')`,
      { cause },
    );
  }
}

/** A result column's type, or a chain field's type, has no mapping in the bridge (`UNMAPPABLE_TYPE`). */
export class UnmappableTypeError extends DatabaseError {
  constructor(
    target: string,
    /** The column (result column name or field path) whose type cannot be mapped. */
    readonly column: string,
    /** The engine's type name (`point`, `bytea`, `BLOB`) or chainql type. */
    readonly typeName: string,
    hint: string,
  ) {
    super(
      'UNMAPPABLE_TYPE',
      target,
      `column '${column}' has type ${typeName}, which cannot be mapped: ${hint}`,
    );
  }
}

/** A table or column name that cannot be used safely, or a bad bridge option (`INVALID_IDENTIFIER`). */
export class InvalidIdentifierError extends DatabaseError {
  constructor(target: string, name: string, reason: string) {
    super('INVALID_IDENTIFIER', target, `invalid identifier ${JSON.stringify(name)}: ${reason}`);
  }
}

/** The connection argument is not one the bridge understands (`INVALID_CONNECTION`). */
export class InvalidConnectionError extends DatabaseError {
  constructor(reason: string) {
    super('INVALID_CONNECTION', '(connection)', reason);
  }
}
