import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import type { Client, ClientConfig, Pool, PoolConfig } from 'pg';
import type { DatabaseDriver } from './database-driver.ts';
import { InvalidConnectionError } from './database-errors.ts';

/**
 * Where the bridge reads or writes:
 * - PostgreSQL: a URL (`postgres://user:pass@host:5432/db`), a `pg` config object (`{ host, port, user,
 *   password, database }` or `{ connectionString }`), a `pg.Pool` or a connected `pg.Client`;
 * - SQLite: a file path (or `sqlite:path` / `file:` URL) or an open better-sqlite3 `Database`.
 * Pools, clients and handles you pass stay yours (never closed by the bridge); connections it opens from
 * a URL, config or path are closed when the read or write ends.
 */
export type DatabaseConnection = string | PoolConfig | ClientConfig | Pool | Client | BetterSqlite3.Database;

/** How a connection is used: reads open SQLite files read-only and never create them. */
export type DatabaseMode = 'read' | 'write';

function isSqliteHandle(value: object): value is BetterSqlite3.Database {
  const candidate = value as Partial<BetterSqlite3.Database>;
  return typeof candidate.prepare === 'function' && typeof candidate.pragma === 'function';
}

function isPgPool(value: object): value is Pool {
  const candidate = value as Partial<Pool>;
  return typeof candidate.connect === 'function' && 'totalCount' in value && 'idleCount' in value;
}

function isPgClient(value: object): value is Client {
  const candidate = value as Partial<Client>;
  return typeof candidate.query === 'function' && typeof candidate.connect === 'function' && !isPgPool(value);
}

/** The SQLite file a string names, or undefined when it is a PostgreSQL URL. */
function sqlitePath(text: string): string | undefined {
  if (/^postgres(ql)?:\/\//i.test(text)) return undefined;
  if (text.startsWith('file:')) return fileURLToPath(text);
  if (text.startsWith('sqlite:')) return text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return text;
}

/**
 * The connection as text without its password, used in every error and in the chain hash:
 * `postgres://user@host:5432/db` or `sqlite:/absolute/path.db`.
 */
export function describeConnection(connection: DatabaseConnection): string {
  if (typeof connection === 'string') {
    const path = sqlitePath(connection);
    return path === undefined ? describePgUrl(connection) : sqliteTarget(path);
  }
  if (connection === null || typeof connection !== 'object') {
    throw new InvalidConnectionError(
      `expected a URL, a path, a pg config/Pool/Client or a better-sqlite3 handle, got ${String(connection)}`,
    );
  }
  if (isSqliteHandle(connection)) return sqliteTarget(connection.name);
  if (isPgPool(connection))
    return describePgConfig((connection as unknown as { options: PoolConfig }).options);
  if (isPgClient(connection)) {
    const client = connection as unknown as {
      host?: string;
      port?: number;
      user?: string;
      database?: string;
    };
    return describePgConfig(client);
  }
  return describePgConfig(connection as PoolConfig);
}

function sqliteTarget(path: string): string {
  return path === ':memory:' || path === '' ? 'sqlite::memory:' : `sqlite:${resolve(path)}`;
}

function describePgUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new InvalidConnectionError(
      `not a valid PostgreSQL URL: ${text.replace(/:[^:@/]*@/, ':***@')} (${String(cause)})`,
    );
  }
  // Query parameters that change what the SQL means (options=-c search_path=…, …) are part of the
  // target; anything that could hold a secret is not.
  const kept = [...url.searchParams].filter(([key]) => !/pass|key|cert|secret|token/i.test(key));
  const query = kept.length > 0 ? `?${new URLSearchParams(kept).toString()}` : '';
  return (
    pgTarget({
      host: decodeURIComponent(url.hostname) || undefined,
      port: url.port ? Number(url.port) : undefined,
      user: decodeURIComponent(url.username) || undefined,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    }) + query
  );
}

function describePgConfig(config: {
  host?: string | undefined;
  port?: number | string | undefined;
  user?: string | undefined;
  database?: string | undefined;
  connectionString?: string | undefined;
}): string {
  if (config.connectionString) return describePgUrl(config.connectionString);
  return pgTarget({
    host: config.host,
    port: config.port === undefined ? undefined : Number(config.port),
    user: config.user,
    database: config.database,
  });
}

function pgTarget(parts: {
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  database?: string | undefined;
}): string {
  const host = parts.host ?? process.env.PGHOST ?? 'localhost';
  const port = parts.port ?? (process.env.PGPORT ? Number(process.env.PGPORT) : 5432);
  const user = parts.user ?? process.env.PGUSER ?? '';
  const database = parts.database ?? process.env.PGDATABASE ?? user;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `postgres://${user ? `${encodeURIComponent(user)}@` : ''}${hostPart}:${port}/${encodeURIComponent(database)}`;
}

/**
 * Opens a driver for a connection. Drivers load lazily: the SQLite path never imports `pg`.
 * @throws InvalidConnectionError for an argument that is none of the accepted kinds.
 */
export async function openDatabase(
  connection: DatabaseConnection,
  mode: DatabaseMode,
): Promise<DatabaseDriver> {
  const target = describeConnection(connection);
  if (typeof connection === 'string') {
    const path = sqlitePath(connection);
    if (path !== undefined) {
      const { SqliteDatabaseDriver } = await import('./sqlite/sqlite-database-driver.ts');
      return SqliteDatabaseDriver.open(path, target, mode);
    }
    const { PostgresDriver } = await import('./postgres/postgres-driver.ts');
    return PostgresDriver.fromConfig({ connectionString: connection }, target);
  }
  if (isSqliteHandle(connection)) {
    const { SqliteDatabaseDriver } = await import('./sqlite/sqlite-database-driver.ts');
    return SqliteDatabaseDriver.borrow(connection, target);
  }
  const { PostgresDriver } = await import('./postgres/postgres-driver.ts');
  if (isPgPool(connection)) return PostgresDriver.borrowPool(connection, target);
  if (isPgClient(connection)) return PostgresDriver.borrowClient(connection, target);
  return PostgresDriver.fromConfig(connection as PoolConfig, target);
}
