import { ChainqlError } from '../../schema/errors.ts';

/**
 * A statement the warehouse could not run. Carries the statement text and its bound parameters
 * (never spliced into the message's SQL) and the engine's error as `cause`, so logs show what ran.
 * Subclasses narrow the meaning (`TableNotFoundError`, `WarehouseClosedError`); catch this class to
 * handle every warehouse failure.
 */
export class WarehouseError extends ChainqlError {
  /** The SQL text that failed; empty when the failure was not tied to one statement. */
  readonly sql: string;
  /** The parameters bound to `sql`, in placeholder order. */
  readonly parameters: readonly unknown[];

  constructor(
    message: string,
    details: { sql?: string; parameters?: readonly unknown[]; cause?: unknown; code?: string } = {},
  ) {
    super(details.code ?? 'WAREHOUSE_ERROR', message, { cause: details.cause });
    this.sql = details.sql ?? '';
    this.parameters = details.parameters ?? [];
  }
}

/**
 * An integer sum past the 64-bit range (±9,223,372,036,854,775,807) on an engine that adds in 64 bits (SQLite's
 * checked `sum` fails rather than wrap or round). Shown to API clients as INTEGER_OVERFLOW.
 */
export class IntegerOverflowError extends WarehouseError {
  static override readonly exposed = true;
  constructor(details: { sql?: string; parameters?: readonly unknown[]; cause?: unknown } = {}) {
    super(
      'An integer sum exceeds the 64-bit range (±9,223,372,036,854,775,807), which SQLite cannot add exactly: ' +
        'sum fewer rows (a narrower where), or serve the data from ClickHouse, which sums in 128 bits.',
      { ...details, code: 'INTEGER_OVERFLOW' },
    );
  }
}

/** A statement referenced a table that does not exist; `table` names it. */
export class TableNotFoundError extends WarehouseError {
  constructor(
    readonly table: string,
    details: { sql?: string; parameters?: readonly unknown[]; cause?: unknown } = {},
  ) {
    super(`Table '${table}' does not exist in the warehouse.`, { ...details, code: 'TABLE_NOT_FOUND' });
  }
}

/** A method was called after `close()`. */
export class WarehouseClosedError extends WarehouseError {
  constructor(what: string) {
    super(`The warehouse is closed (${what} called after close()).`, { code: 'WAREHOUSE_CLOSED' });
  }
}

/** A `read` ran past its `timeoutMs` and was stopped. */
export class ReadTimeoutError extends WarehouseError {
  static override readonly exposed = true;
  constructor(
    readonly timeoutMs: number,
    details: { sql?: string; parameters?: readonly unknown[]; cause?: unknown } = {},
  ) {
    super(`Query exceeded the ${timeoutMs} ms timeout and was cancelled.`, { ...details, code: 'TIMEOUT' });
  }
}

/** A `read` was cancelled through its signal (whose reason was not an Error). */
export class ReadCancelledError extends WarehouseError {
  constructor(details: { sql?: string; parameters?: readonly unknown[] } = {}) {
    super('The query was cancelled.', { ...details, code: 'CANCELLED' });
  }
}

/** The driver's queue of pending reads is full; retry shortly. */
export class WarehouseOverloadedError extends WarehouseError {
  static override readonly exposed = true;
  constructor(details: { sql?: string; parameters?: readonly unknown[]; cause?: unknown } = {}) {
    super('The server is busy (read queue full); retry shortly.', { ...details, code: 'OVERLOADED' });
  }
}

/**
 * The warehouse server could not be reached (connection refused, DNS, TLS); `url` names it (without credentials).
 * Shown to API clients as it is (code WAREHOUSE_UNREACHABLE): the server stays up and answers again once the
 * warehouse is back, so callers should know the failure is the warehouse's and transient.
 */
export class WarehouseUnreachableError extends WarehouseError {
  static override readonly exposed = true;
  constructor(
    readonly url: string,
    details: { sql?: string; parameters?: readonly unknown[]; cause?: unknown } = {},
  ) {
    const reason = details.cause instanceof Error ? `: ${details.cause.message}` : '';
    super(`The warehouse at ${url} is unreachable${reason}.`, { ...details, code: 'WAREHOUSE_UNREACHABLE' });
  }
}

/** The warehouse refused the configured credentials; `url` and `user` name them (never the password). */
export class WarehouseAuthError extends WarehouseError {
  constructor(
    readonly url: string,
    readonly user: string,
    details: { sql?: string; parameters?: readonly unknown[]; cause?: unknown } = {},
  ) {
    super(`The warehouse at ${url} refused the credentials of user '${user}' (authentication failed).`, {
      ...details,
      code: 'WAREHOUSE_AUTH',
    });
  }
}
