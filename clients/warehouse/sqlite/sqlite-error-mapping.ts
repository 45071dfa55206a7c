import { IntegerOverflowError, TableNotFoundError, WarehouseError } from '../warehouse-errors.ts';

const NO_SUCH_TABLE = /no such table: (?:main\.)?(.+)$/;
/** SQLite's checked sum past 64 bits (a read thread prefixes the engine's code). */
const INTEGER_OVERFLOW = /^(?:SQLITE_ERROR: )?integer overflow$/;

/**
 * Wraps an error thrown by better-sqlite3 into the warehouse's coded errors, keeping the statement,
 * its parameters and the original error as `cause`. Already-wrapped errors pass through unchanged.
 */
export function toWarehouseError(
  cause: unknown,
  sql: string,
  parameters: readonly unknown[],
): WarehouseError {
  if (cause instanceof WarehouseError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const missing = NO_SUCH_TABLE.exec(message);
  if (missing?.[1] !== undefined) {
    return new TableNotFoundError(missing[1], { sql, parameters, cause });
  }
  if (INTEGER_OVERFLOW.test(message)) return new IntegerOverflowError({ sql, parameters, cause });
  return new WarehouseError(`SQLite statement failed: ${message}\n  SQL: ${abbreviate(sql)}`, {
    sql,
    parameters,
    cause,
  });
}

/** Keeps error messages readable for huge multi-row INSERTs; the full text stays on `error.sql`. */
function abbreviate(sql: string): string {
  return sql.length > 300 ? `${sql.slice(0, 300)}… (${sql.length} chars)` : sql;
}

/**
 * Converts a parameter to something SQLite can bind: booleans → 1/0, `undefined` → NULL.
 * Numbers, bigints, strings, Buffers and null pass through; anything else is left for the engine
 * to reject (encoding dates, arrays and records is the dialect encoder's job, not the driver's).
 */
export function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** `bindable` over a parameter list; returns the same array when nothing needs converting. */
export function bindableAll(parameters: readonly unknown[]): unknown[] {
  for (let i = 0; i < parameters.length; i++) {
    const v = parameters[i];
    if (v === undefined || typeof v === 'boolean') return parameters.map(bindable);
  }
  return parameters as unknown[];
}
