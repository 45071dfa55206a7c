import {
  DatabaseAuthError,
  DatabaseConflictError,
  DatabaseError,
  DatabaseQueryError,
  DatabaseSyntaxError,
  DatabaseUnreachableError,
} from '../database-errors.ts';

/** Node network error codes that mean "the server cannot be reached". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

interface PgErrorLike {
  readonly code?: string;
  readonly message?: string;
  readonly detail?: string;
}

/** Removes a password that a driver message might echo (`postgres://u:secret@h`). */
function scrub(text: string): string {
  return text.replace(/(\/\/[^:/@\s]*):[^@\s]*@/g, '$1:***@');
}

/** A failure while connecting (before any statement ran) as a coded bridge error. */
export function connectError(target: string, error: unknown): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const e = (error ?? {}) as PgErrorLike;
  const reason = scrub(e.message ?? String(error));
  if (e.code?.startsWith('28')) return new DatabaseAuthError(target, reason, error);
  if (e.code === '3D000') return new DatabaseUnreachableError(target, reason, error);
  if (e.code && NETWORK_CODES.has(e.code))
    return new DatabaseUnreachableError(target, `${reason} (${e.code})`, error);
  // SCRAM/MD5 failures raised by pg itself when a password is required but missing or wrong.
  if (/password/i.test(reason) && e.code === undefined) return new DatabaseAuthError(target, reason, error);
  return new DatabaseUnreachableError(target, reason, error);
}

/** A failure of one statement as a coded bridge error (syntax, conflict, anything else with its SQLSTATE). */
export function statementError(target: string, error: unknown, sql: string, table?: string): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const e = (error ?? {}) as PgErrorLike;
  const reason = scrub(e.message ?? String(error)) + (e.detail ? ` (${scrub(e.detail)})` : '');
  if (e.code === undefined || NETWORK_CODES.has(e.code)) return connectError(target, error);
  if (e.code === '42601') return new DatabaseSyntaxError(target, reason, sql, error);
  if (table !== undefined && (e.code === '23505' || e.code === '21000')) {
    return new DatabaseConflictError(target, table, reason, error);
  }
  return new DatabaseQueryError(target, reason, { sql, engineCode: e.code, cause: error });
}
