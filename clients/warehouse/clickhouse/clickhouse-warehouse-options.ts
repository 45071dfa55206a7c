import type { ClickHouseClient } from '@clickhouse/client';

/** Options of `openClickhouseWarehouse`. */
export interface ClickhouseWarehouseOptions {
  /**
   * Server URL, e.g. `http://user:password@host:8123/database` (credentials and database may also be given
   * below). Errors name it without the password.
   */
  readonly url: string;
  /** User (default: from the URL, else `default`). */
  readonly username?: string;
  /** Password (default: from the URL, else empty). */
  readonly password?: string;
  /** Database (default: the URL's path, else `default`). */
  readonly database?: string;
  /**
   * Minimum rows per INSERT of a streamed `insert` (every INSERT but the last). Default 10,000; ClickHouse
   * makes one part per INSERT, so small inserts flood it with parts.
   */
  readonly minBlockRows?: number;
  /** Rows after which a block is sent even when the last INSERT was less than `minInsertIntervalMs` ago. Default 500,000. */
  readonly maxBlockRows?: number;
  /** Minimum time between two INSERTs of one streamed `insert` while blocks are below `maxBlockRows`. Default 1000 ms. */
  readonly minInsertIntervalMs?: number;
  /** HTTP request timeout. Default 300,000 ms. */
  readonly requestTimeoutMs?: number;
  /** Use this client (e.g. one on `createChdbConnection` for an in-process engine) instead of creating one. */
  readonly client?: ClickHouseClient;
}

/** Options with defaults applied and the URL split into its parts. */
export interface ResolvedClickhouseOptions {
  /** The URL without credentials or path, for messages. */
  readonly displayUrl: string;
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  readonly minBlockRows: number;
  readonly maxBlockRows: number;
  readonly minInsertIntervalMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * Splits the URL and applies defaults.
 * @throws TypeError for a URL that is not http(s) or block sizes that are not positive integers.
 */
export function resolveClickhouseOptions(options: ClickhouseWarehouseOptions): ResolvedClickhouseOptions {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError(`ClickHouse URL '${options.url}' is not a valid URL (expected http(s)://host:port).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'chdb:') {
    throw new TypeError(`ClickHouse URL '${url.origin}' must use http or https, got '${url.protocol}'.`);
  }
  const database =
    options.database ?? (decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, '')) || 'default');
  const username = options.username ?? (decodeURIComponent(url.username) || 'default');
  const password = options.password ?? decodeURIComponent(url.password);
  const positive = (name: string, value: number | undefined, fallback: number) => {
    const n = value ?? fallback;
    if (!Number.isSafeInteger(n) || n < 1)
      throw new TypeError(`ClickHouse ${name} must be a positive integer, got ${n}.`);
    return n;
  };
  const minBlockRows = positive('minBlockRows', options.minBlockRows, 10_000);
  return {
    displayUrl: `${url.protocol}//${url.host}`,
    baseUrl: `${url.protocol}//${url.host}`,
    username,
    password,
    database,
    minBlockRows,
    maxBlockRows: Math.max(minBlockRows, positive('maxBlockRows', options.maxBlockRows, 500_000)),
    minInsertIntervalMs: Math.max(0, options.minInsertIntervalMs ?? 1000),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, 300_000),
  };
}

/** Table settings: deduplicate a repeated `insert_deduplication_token` (retried checkpoint commits, registry claims). */
export const TABLE_SETTINGS = 'allow_nullable_key = 1, non_replicated_deduplication_window = 10000';
