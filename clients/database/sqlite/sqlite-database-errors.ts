import {
  DatabaseConflictError,
  DatabaseError,
  DatabaseQueryError,
  DatabaseSyntaxError,
  DatabaseUnreachableError,
} from '../database-errors.ts';

interface SqliteErrorLike {
  readonly code?: string;
  readonly message?: string;
}

/** A better-sqlite3 failure as a coded bridge error (SQLite reports syntax errors as SQLITE_ERROR + text). */
export function sqliteError(target: string, error: unknown, sql: string, table?: string): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const e = (error ?? {}) as SqliteErrorLike;
  const reason = e.message ?? String(error);
  if (e.code === 'SQLITE_CANTOPEN' || e.code === 'SQLITE_NOTADB')
    return new DatabaseUnreachableError(target, reason, error);
  if (e.code === 'SQLITE_ERROR' && /syntax error|incomplete input|unrecognized token/i.test(reason)) {
    return new DatabaseSyntaxError(target, reason, sql, error);
  }
  if (
    table !== undefined &&
    (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE')
  ) {
    return new DatabaseConflictError(target, table, reason, error);
  }
  return new DatabaseQueryError(target, reason, { sql, engineCode: e.code, cause: error });
}
