import Database from 'better-sqlite3';
import { WarehouseError } from '../warehouse-errors.ts';

/**
 * A user-defined SQL function registered on every SQLite connection chainql opens. The shape matches
 * the list exported by `schema/dialect/sqlite/sqlite-functions.ts`, so the compiler that emits
 * `chainql_*` calls and the driver that provides them share one definition.
 */
export interface SqliteUserFunction {
  /** SQL name, e.g. `chainql_cosine_distance`. */
  readonly name: string;
  /** Same inputs always give the same output; lets SQLite use the function in indexes and fold calls. */
  readonly deterministic: boolean;
  /** Accepts any number of arguments (else the arity is `fn.length`). Default false. */
  readonly varargs?: boolean;
  /** The implementation; receives SQLite values (number, bigint, string, Buffer, null). */
  readonly fn: (...args: never[]) => unknown;
}

/** How to open one connection. */
export interface ConnectionOptions {
  readonly path: string;
  /** Open read-only (no pragmas that write; statements that write fail). */
  readonly readonly: boolean;
  /** Make a read-write connection refuse writes (`PRAGMA query_only`); used for stream readers. */
  readonly queryOnly: boolean;
  /** Milliseconds to wait on a lock held by another connection before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs: number;
  readonly functions: readonly SqliteUserFunction[];
}

/**
 * Opens one better-sqlite3 connection configured the chainql way:
 * - WAL journal (readers never block the writer, a second process can open the file);
 * - `synchronous = NORMAL` (durable at checkpoints; safe with WAL, much faster than FULL);
 * - `case_sensitive_like = ON` so `LIKE` matches Hasura/PostgreSQL (`_ilike` compiles to lower()/LIKE);
 * - `busy_timeout` so concurrent writers wait instead of failing at once;
 * - every user-defined function in `functions`.
 *
 * @throws WarehouseError when the file cannot be opened or configured.
 */
export function openConnection(options: ConnectionOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(options.path, {
      readonly: options.readonly,
      fileMustExist: options.readonly,
      timeout: options.busyTimeoutMs,
    });
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    if (!options.readonly) {
      // journal_mode is persistent in the file; setting it needs a write lock, so skip it read-only.
      db.pragma('journal_mode = WAL');
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('case_sensitive_like = ON');
    if (options.queryOnly) db.pragma('query_only = ON');
    registerFunctions(db, options.functions);
    return db;
  } catch (cause) {
    db?.close();
    throw new WarehouseError(`Cannot open SQLite database '${options.path}': ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Registers each function on `db` (better-sqlite3 `db.function`). */
export function registerFunctions(db: Database.Database, functions: readonly SqliteUserFunction[]): void {
  for (const f of functions) {
    db.function(
      f.name,
      { deterministic: f.deterministic, varargs: f.varargs ?? false },
      // The functions are typed by their own parameters; SQLite passes whatever the call site gives.
      f.fn as (...args: unknown[]) => unknown,
    );
  }
}
