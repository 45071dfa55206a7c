import {
  ReadTimeoutError,
  TableNotFoundError,
  WarehouseAuthError,
  WarehouseError,
  WarehouseUnreachableError,
} from '../warehouse-errors.ts';

/** Node network error codes that mean "the server cannot be reached". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);
/** ClickHouse error codes of refused credentials. */
const AUTH_CODES = new Set(['516', '192', '193', '194', '195']);
/** ClickHouse error codes of a missing table (or database). */
const MISSING_TABLE_CODES = new Set(['60', '81']);

/** Where an error happened, for messages. */
export interface ErrorContext {
  readonly url: string;
  readonly user: string;
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly timeoutMs?: number;
}

/**
 * Maps a failure of `@clickhouse/client` to the warehouse's coded errors: unreachable server (named URL),
 * refused credentials, missing table, time limit (TIMEOUT), else `WarehouseError` with the statement.
 */
export function toWarehouseError(cause: unknown, context: ErrorContext): WarehouseError {
  if (cause instanceof WarehouseError) return cause;
  const { sql, parameters } = context;
  const details = { sql, parameters, cause };
  const code = String((cause as { code?: unknown })?.code ?? '');
  const message = cause instanceof Error ? cause.message : String(cause);
  if (UNREACHABLE.has(code) || /socket hang up|connect ECONNREFUSED|getaddrinfo/i.test(message)) {
    return new WarehouseUnreachableError(context.url, details);
  }
  if (AUTH_CODES.has(code) || /Authentication failed/i.test(message)) {
    return new WarehouseAuthError(context.url, context.user, details);
  }
  if (code === '159' || /TIMEOUT_EXCEEDED|Timeout exceeded/.test(message)) {
    return new ReadTimeoutError(context.timeoutMs ?? 0, details);
  }
  if (MISSING_TABLE_CODES.has(code)) {
    const table =
      /Table [^.\s]+\.(\S+) does not exist/.exec(message)?.[1] ??
      /identifier '([^']+)'/.exec(message)?.[1] ??
      /Table (\S+) does not exist/.exec(message)?.[1] ??
      'unknown';
    return new TableNotFoundError(table.replace(/^`|`$/g, ''), details);
  }
  const shortSql = sql.length > 300 ? `${sql.slice(0, 300)}… (${sql.length} chars)` : sql;
  return new WarehouseError(`ClickHouse statement failed: ${message}\n  SQL: ${shortSql}`, details);
}
